// @meilisearch/instant-meilisearch 0.31 + instantsearch.js 4 (+ meilisearch 0.57 through an
// import map) over consulta's Meilisearch-compatible API, in headless Chromium: type QUERY,
// read the hits, click the `mechanism` refinement VALUE, read the hits again. The page
// (instantsearch/index.html) and the packages are served by a static server of this script's
// own, on another port than the API (so CORS is exercised too). Prints one JSON line of what
// the page showed; tests/server_clients.rs compares it with the CLI's answers.
// Usage: node instantsearch.mjs http://127.0.0.1:PORT OUT QUERY VALUE
import { launch, check } from "./common.mjs";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, join, normalize, extname } from "node:path";
import { fileURLToPath } from "node:url";

const [api, out, query, value] = process.argv.slice(2);
const root = dirname(fileURLToPath(import.meta.url));
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css" };
const statics = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^\/+/, "");
  const file = path === "" ? "instantsearch/index.html" : path;
  if (file.startsWith("..") || !(file.startsWith("instantsearch/") || file.startsWith("node_modules/"))) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(join(root, file));
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => statics.listen(0, "127.0.0.1", ok));
const site = `http://127.0.0.1:${statics.address().port}`;

const context = await launch();
const page = context.pages()[0] || (await context.newPage());
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
const requests = [];
page.on("request", (r) => { if (r.url().startsWith(api)) requests.push(r.method() + " " + new URL(r.url()).pathname); });
const shown = () => page.evaluate(() => ({
  ids: [...document.querySelectorAll(".ais-Hits-item .id")].map((e) => e.textContent),
  nbHits: Number(document.querySelector("#nb")?.textContent),
  marked: document.querySelectorAll(".ais-Hits-item mark").length,
  counts: Object.fromEntries([...document.querySelectorAll(".ais-RefinementList-item")].map((li) =>
    [li.querySelector(".ais-RefinementList-labelText").textContent, Number(li.querySelector(".ais-RefinementList-count").textContent)])),
}));
try {
  await page.goto(`${site}/?api=${encodeURIComponent(api)}`);
  await page.waitForSelector(".ais-Hits-item .id");
  check(true, "the placeholder search shows hits");
  await page.fill(".ais-SearchBox-input", "");
  await page.type(".ais-SearchBox-input", query, { delay: 30 });
  await page.waitForFunction((q) => {
    const items = document.querySelectorAll(".ais-Hits-item mark");
    return document.querySelector(".ais-SearchBox-input").value === q && items.length > 0;
  }, query);
  await page.waitForTimeout(300);
  const typed = await shown();
  check(typed.ids.length > 0, `typing "${query}" shows ${typed.nbHits} hits`);
  await page.screenshot({ path: join(out, "1-typed.png") });

  await page.click(`.ais-RefinementList-item:has(.ais-RefinementList-labelText:text-is("${value}")) input`);
  await page.waitForFunction((n) => Number(document.querySelector("#nb")?.textContent) !== n, typed.nbHits);
  await page.waitForTimeout(300);
  const refined = await shown();
  const checked = await page.isChecked(`.ais-RefinementList-item:has(.ais-RefinementList-labelText:text-is("${value}")) input`);
  check(checked, `the refinement ${value} is checked; ${refined.nbHits} hits`);
  await page.screenshot({ path: join(out, "2-refined.png") });
  check(errors.length === 0, "no page errors" + (errors.length ? ": " + errors.join("; ") : ""));
  console.log(JSON.stringify({ typed, refined, requests: [...new Set(requests)] }));
} catch (e) {
  console.error("page errors: " + JSON.stringify(errors) + "\nrequests: " + JSON.stringify(requests));
  await page.screenshot({ path: join(out, "failed.png") }).catch(() => {});
  throw e;
} finally {
  await context.close();
  statics.close();
}
