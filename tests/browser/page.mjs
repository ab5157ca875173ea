// consulta's own page in headless Chromium: type "remesas", see Spanish hits each with its
// English twin under it, click mechanism SACM, then kind practice, see the count change and the
// URL carry it, open a record, press Back, open a twin.
// A screenshot of each step goes to OUT. Usage: node page.mjs http://127.0.0.1:PORT OUT
import { launch, check } from "./common.mjs";
import { join } from "node:path";

const [base, out] = process.argv.slice(2);
const context = await launch();
const page = context.pages()[0] || (await context.newPage());
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("dialog", (d) => { errors.push("dialog opened: " + d.message()); d.dismiss(); });
const shot = (name) => page.screenshot({ path: join(out, name), fullPage: false });
const status = () => page.textContent("#status");
try {
  await page.goto(base + "/");
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement.id === "q"), "`/` focuses the search box");
  await page.keyboard.type("remesas", { delay: 40 });
  await page.waitForSelector("#hits li");
  await page.waitForFunction(() => new URL(location).searchParams.get("q") === "remesas");
  // a Spanish query shows the Spanish record of each twin pair, the English one under it
  const langs = await page.$$eval("#hits li .badge:nth-child(2)", (b) => b.map((x) => x.textContent));
  check(langs.length > 0 && langs.every((l) => l === "es"), `Spanish hits first (${[...new Set(langs)]})`);
  const twins = await page.$$eval("#hits li .also", (p) => p.map((x) => x.textContent));
  check(twins.length === langs.length && twins.every((t) => t.startsWith("Also in English: ")),
    `each hit shows its English twin (${twins[0]})`);
  check((await page.$$("#hits li mark")).length > 0, "snippets are highlighted");
  const before = await status();
  await shot("1-typed-remesas.png");

  await page.click('#facets button[data-dim="mechanism"][data-value="SACM"]');
  await page.waitForFunction(() => new URL(location).searchParams.getAll("mechanism").includes("SACM"));
  await page.waitForSelector('#facets button[data-dim="mechanism"][data-value="SACM"][aria-pressed="true"]');
  check(true, "the URL carries mechanism=SACM");
  // on the shipped corpus every "remesas" record is about SACM (the CSM survey and the
  // RCM–SACM plenary), so that count stays; a kind narrows it
  await page.click('#facets button[data-dim="kind"][data-value="practice"]');
  await page.waitForFunction((b) => document.querySelector("#status").textContent !== b, before);
  const after = await status();
  check(after !== before, `the count changes (${before} → ${after})`);
  check(await page.$$eval("#hits li .badge:nth-child(1)", (b) => b.every((x) => x.textContent === "practice")), "only practices remain");
  check(await page.getAttribute('#facets button[data-dim="mechanism"][data-value="SACM"]', "aria-pressed") === "true",
    "the facet shows as selected");
  check((await page.$$('#facets button[data-dim="mechanism"]')).length > 1, "other mechanisms stay listed while one is selected");
  await shot("2-mechanism-SACM.png");

  await page.keyboard.press("Escape");
  await page.locator("body").click({ position: { x: 5, y: 400 } });
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#view:not([hidden]) h1");
  check(new URL(page.url()).searchParams.get("record") !== null, "Enter opens the selected record, in the URL");
  const heading = await page.textContent("#view h1");
  check(heading.length > 0, `the record view shows "${heading}"`);
  await shot("3-record.png");

  await page.goBack();
  await page.waitForSelector("#hits li");
  await page.waitForFunction((a) => document.querySelector("#status").textContent === a, after);
  check(true, "Back returns to the same results");
  check(new URL(page.url()).searchParams.getAll("mechanism").includes("SACM"), "the filter is still in the URL");
  await shot("4-back.png");

  await page.click('#facets button[data-dim="kind"][data-value="practice"]');
  await page.waitForFunction(() => !new URL(location).searchParams.has("kind"));
  await page.waitForFunction((b) => document.querySelector("#status").textContent === b, before);
  await page.click('#facets button[data-dim="mechanism"][data-value="SACM"]');
  await page.waitForFunction(() => !new URL(location).searchParams.has("mechanism"));
  check(true, "clicking the facet again removes it");

  // a twin under a hit opens the twin record itself
  const twinId = await page.getAttribute("#hits li .also a", "data-id");
  await page.click("#hits li .also a");
  await page.waitForFunction((id) => new URL(location).searchParams.get("record") === id, twinId);
  await page.waitForSelector("#view:not([hidden]) h1");
  check(twinId.startsWith("003_"), `the twin link opens the English record ${twinId}`);
  await page.goBack();
  await page.waitForSelector("#hits li");

  await page.click("#ui-lang");
  await page.waitForFunction(() => document.documentElement.lang === "es" && document.querySelector("#status").textContent.includes("resultados"));
  check(true, "the interface speaks Spanish");
  await shot("5-interfaz-es.png");

  // a hostile query is shown as text, never run
  await page.goto(base + "/?q=" + encodeURIComponent('<img src=x onerror=alert(1)>"remesas'));
  await page.waitForSelector("#hits li, #status");
  check(await page.inputValue("#q") === '<img src=x onerror=alert(1)>"remesas', "the query is put back in the box as text");
  check((await page.$$("img")).length === 0, "no element is made from the query");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + "/?q=remesas");
  await page.waitForSelector("#hits li");
  await shot("6-phone.png");
  check(await page.evaluate(() => document.documentElement.scrollWidth <= 400), "readable on a phone (no sideways scroll)");
  check(errors.length === 0, "no script errors: " + errors.join("; "));
} finally {
  await context.close();
}
