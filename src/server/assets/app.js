// consulta's search page: plain JS over the server's own JSON API (/api/…). The URL holds the
// whole state (q, facet filters, offset, record, doc, ui), so a page can be shared and the
// Back button works. Text from the index is only ever set as text (textContent), never as
// HTML; a snippet's <mark> tags are rebuilt as elements.
"use strict";

const DIMS = ["mechanism", "kind", "session", "country", "lang", "doc", "doctype", "year"];
const LIMIT = 10;
const T = {
  en: {
    placeholder: "Search the reports (remesas, trafficking, CSM…)  — press /",
    mechanism: "Mechanism", kind: "Kind", session: "Session", country: "Country", lang: "Language",
    doc: "Document", doctype: "Report type", year: "Year",
    results: (n, a, b) => n === 0 ? "No results" : `${a}–${b} of ${n} results`,
    prev: "Previous", next: "Next", back: "← Back to results", outline: "Document outline",
    practices: "Practices shared in this session", inSession: "Shared in", theme: "Theme",
    subtopics: "Subtopics", general: "General objective", specific: "Specific objectives",
    outcome: "Outcome objective", indicators: "Indicators", roadmap: "Roadmap", words: "words",
    start: "Type to search the reports of the consultation mechanisms on migration, in English or Spanish.",
    other: "ES", error: "Error", expansions: "Also searched", pages: "pages",
  },
  es: {
    placeholder: "Buscar en los informes (remesas, trata, CSM…)  — tecla /",
    mechanism: "Mecanismo", kind: "Tipo", session: "Sesión", country: "País", lang: "Idioma",
    doc: "Documento", doctype: "Tipo de informe", year: "Año",
    results: (n, a, b) => n === 0 ? "Sin resultados" : `${a}–${b} de ${n} resultados`,
    prev: "Anterior", next: "Siguiente", back: "← Volver a los resultados", outline: "Índice del documento",
    practices: "Prácticas compartidas en esta sesión", inSession: "Compartida en", theme: "Tema",
    subtopics: "Subtemas", general: "Objetivo general", specific: "Objetivos específicos",
    outcome: "Objetivo de resultado", indicators: "Indicadores", roadmap: "Hoja de ruta", words: "palabras",
    start: "Escriba para buscar en los informes de los procesos consultivos sobre migración, en español o inglés.",
    other: "EN", error: "Error", expansions: "También se buscó", pages: "págs.",
  },
};

const $ = (id) => document.getElementById(id);
let ui = "en";
let selected = -1;
let lastHits = [];
let typing = null;
let generation = 0;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(typeof c === "string" || typeof c === "number" ? String(c) : c);
  return e;
}

// a snippet is HTML-escaped text with <mark> tags: rebuilt as text nodes and <mark> elements
function snippet(html) {
  const decode = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  const p = el("p", { class: "snippet" });
  html.split(/(<mark>|<\/mark>)/).reduce((inMark, part) => {
    if (part === "<mark>") return true;
    if (part === "</mark>") return false;
    if (part) p.append(inMark ? el("mark", {}, decode(part)) : decode(part));
    return inMark;
  }, false);
  return p;
}

function state() {
  return new URLSearchParams(location.search);
}

function go(params, push) {
  const url = "/?" + params.toString();
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  render();
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : r.statusText);
  return body;
}

function searchParams(params, without) {
  const p = new URLSearchParams();
  if (params.get("q")) p.set("q", params.get("q"));
  for (const d of DIMS) if (d !== without) for (const v of params.getAll(d)) p.append(d, v);
  return p;
}

function hasSearch(params) {
  return !!(params.get("q") || "").trim() || DIMS.some((d) => params.getAll(d).length);
}

async function render() {
  const params = state();
  ui = params.get("ui") === "es" || (!params.get("ui") && localStorage.getItem("consulta-ui") === "es") ? "es" : "en";
  document.documentElement.lang = ui;
  $("q").placeholder = T[ui].placeholder;
  $("ui-lang").textContent = T[ui].other;
  if (document.activeElement !== $("q")) $("q").value = params.get("q") || "";
  const mine = ++generation;
  const view = $("view");
  if (params.get("record") || params.get("doc")) {
    for (const id of ["hits", "pager", "status"]) $(id).hidden = true;
    view.hidden = false;
    try {
      if (params.get("record")) await recordView(params.get("record"), mine);
      else await outlineView(params.get("doc"), mine);
    } catch (e) { if (mine === generation) view.replaceChildren(el("p", { class: "error" }, `${T[ui].error}: ${e.message}`)); }
    return;
  }
  view.hidden = true;
  for (const id of ["hits", "pager", "status"]) $(id).hidden = false;
  if (!hasSearch(params)) {
    $("status").textContent = T[ui].start;
    $("hits").replaceChildren();
    $("pager").replaceChildren();
    $("facets").replaceChildren();
    return;
  }
  const p = searchParams(params);
  const offset = parseInt(params.get("offset") || "0", 10) || 0;
  p.set("offset", offset);
  p.set("limit", LIMIT);
  try {
    // counts for a dimension with a selection come from the search without that selection,
    // so the other values of that dimension stay visible and clickable
    const chosen = DIMS.filter((d) => params.getAll(d).length);
    const [resp, ...others] = await Promise.all([
      api("/api/search?" + p),
      ...chosen.map((d) => api("/api/search?" + searchParams(params, d) + "&limit=0").catch(() => null)),
    ]);
    if (mine !== generation) return;
    const counts = Object.assign({}, resp.facets);
    chosen.forEach((d, i) => { if (others[i]) counts[d] = others[i].facets[d]; });
    results(resp, offset);
    facets(counts, params);
  } catch (e) {
    if (mine !== generation) return;
    $("status").replaceChildren(el("span", { class: "error" }, `${T[ui].error}: ${e.message}`));
    $("hits").replaceChildren();
    $("pager").replaceChildren();
  }
}

// a grouped hit's twin, the same record in the report's translation: named in its own
// language ("también en español"), for the readers of that language; a click opens it
const ALSO = { en: "Also in English", es: "También en español" };
function also(twin) {
  if (!twin) return null;
  const open = (e) => { e.preventDefault(); e.stopPropagation(); openRecord(twin.id); };
  return el("p", { class: "also meta", lang: twin.lang }, `${ALSO[twin.lang] || twin.lang}: `,
    el("a", { href: "?record=" + encodeURIComponent(twin.id), "data-id": twin.id, onclick: open }, twin.heading || twin.id));
}

function results(resp, offset) {
  const n = resp.total;
  $("status").textContent = T[ui].results(n, offset + 1, Math.min(offset + LIMIT, n));
  const fired = (resp.expansions || []).map((x) => (x.to || []).join(", ")).filter(Boolean);
  if (fired.length) $("status").append(el("span", { class: "meta" }, ` · ${T[ui].expansions}: ${fired.join("; ")}`));
  lastHits = resp.hits;
  selected = -1;
  $("hits").replaceChildren(...resp.hits.map((h, i) => el("li", { "data-id": h.id, onclick: () => openRecord(h.id) },
    el("h2", {}, h.heading || h.id),
    el("div", { class: "meta" }, el("span", { class: "badge" }, h.kind), el("span", { class: "badge" }, h.lang),
      h.session ? el("span", { class: "badge" }, `${T[ui].session} ${h.session}`) : null,
      `${h.title} · ${h.doc}${h.year ? " · " + h.year : ""}`),
    snippet(h.snippet), also(h.also))));
  const params = state();
  const page = (to) => () => { const q = state(); q.set("offset", to); go(q, true); window.scrollTo(0, 0); };
  $("pager").replaceChildren(
    el("button", { id: "prev", onclick: page(Math.max(0, offset - LIMIT)), ...(offset === 0 ? { disabled: "" } : {}) }, T[ui].prev),
    el("span", { class: "meta" }, `${Math.floor(offset / LIMIT) + 1} / ${Math.max(1, Math.ceil(n / LIMIT))}`),
    el("button", { id: "next", onclick: page(offset + LIMIT), ...(offset + LIMIT >= n ? { disabled: "" } : {}) }, T[ui].next));
  void params;
}

function facets(counts, params) {
  const groups = [];
  for (const d of DIMS) {
    const values = Object.entries(counts[d] || {});
    const chosen = params.getAll(d);
    for (const v of chosen) if (!values.some(([x]) => x === v)) values.push([v, 0]);
    if (!values.length) continue;
    values.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    groups.push(el("h3", {}, T[ui][d]), el("ul", { "data-dim": d }, ...values.slice(0, 12).map(([v, c]) => {
      const on = chosen.includes(v);
      return el("li", {}, el("button", {
        type: "button", "aria-pressed": on ? "true" : "false", "data-dim": d, "data-value": v,
        onclick: () => toggle(d, v),
      }, el("span", {}, v), el("span", { class: "count" }, c)));
    })));
  }
  $("facets").replaceChildren(...groups);
}

function toggle(dim, value) {
  const params = state();
  const values = params.getAll(dim);
  params.delete(dim);
  for (const v of values) if (v !== value) params.append(dim, v);
  if (!values.includes(value)) params.append(dim, value);
  params.delete("offset");
  go(params, true);
}

function openRecord(id) {
  const params = state();
  params.delete("doc");
  params.set("record", id);
  go(params, true);
}

function openDoc(doc) {
  const params = state();
  params.delete("record");
  params.set("doc", doc);
  go(params, true);
}

function link(text, onclick) {
  return el("a", { href: "#", onclick: (e) => { e.preventDefault(); onclick(); } }, text);
}

function backLink() {
  return el("button", { class: "back", type: "button", onclick: () => history.length > 1 ? history.back() : go(new URLSearchParams(), true) }, T[ui].back);
}

function paragraphs(text) {
  return el("div", { class: "text" }, ...text.split(/\n\s*\n/).map((p) => el("p", {}, p)));
}

function list(label, items) {
  if (!items || !items.length) return null;
  return el("div", {}, el("h4", {}, label), el("ol", {}, ...items.map((i) => el("li", {}, i))));
}

function roadmapCard(r) {
  return el("div", { class: "card roadmap" },
    el("h3", {}, `${T[ui].roadmap} ${r.number}`),
    el("p", {}, el("strong", {}, `${T[ui].theme}: `), r.theme),
    list(T[ui].subtopics, r.subtopics),
    r.general_objective ? el("div", {}, el("h4", {}, T[ui].general), el("p", {}, r.general_objective)) : null,
    list(T[ui].specific, r.specific_objectives),
    ...r.outcomes.map((o, i) => el("div", {}, o.objective ? el("h4", {}, `${T[ui].outcome} ${i + 1}: ${o.objective}`) : null,
      list(T[ui].indicators, o.indicators))));
}

async function recordView(id, mine) {
  const r = await api("/api/records/" + encodeURIComponent(id));
  const outline = await api("/api/docs/" + encodeURIComponent(r.doc)).catch(() => null);
  if (mine !== generation) return;
  const parts = [backLink(), el("h1", {}, r.heading),
    el("div", { class: "meta" }, el("span", { class: "badge" }, r.kind), el("span", { class: "badge" }, r.lang),
      r.session ? el("span", { class: "badge" }, `${T[ui].session} ${r.session}`) : null,
      r.pages ? el("span", { class: "badge" }, `${T[ui].pages} ${r.pages[0]}–${r.pages[1]}`) : null,
      `${r.title} · `, link(r.doc, () => openDoc(r.doc)), r.year ? ` · ${r.year}` : ""),
    el("div", { class: "meta" }, [...r.mechanisms, ...r.countries].join(" · "))];
  if (r.parent) {
    const parent = outline && outline.records.find((e) => e.id === r.parent);
    parts.push(el("p", { class: "parent" }, `${T[ui].inSession}: `, link(parent ? parent.heading : r.parent, () => openRecord(r.parent))));
  }
  parts.push(r.roadmap ? roadmapCard(r.roadmap) : paragraphs(r.text));
  if (r.kind === "session" && outline) {
    const practices = outline.records.filter((e) => e.kind === "practice" && e.session === r.session);
    if (practices.length) parts.push(el("div", { class: "card practices" }, el("h3", {}, T[ui].practices),
      el("ul", {}, ...practices.map((p) => el("li", {}, link(p.heading, () => openRecord(p.id)))))));
  }
  $("view").replaceChildren(...parts);
  document.title = `${r.heading} · consulta`;
}

async function outlineView(doc, mine) {
  const o = await api("/api/docs/" + encodeURIComponent(doc));
  if (mine !== generation) return;
  $("view").replaceChildren(backLink(), el("h1", {}, o.title),
    el("div", { class: "meta" }, `${o.doc} · ${o.doctype}${o.year ? " · " + o.year : ""}`),
    el("h3", {}, T[ui].outline),
    el("ol", { class: "outline" }, ...o.records.map((e) => el("li", {}, el("span", { class: "kind" }, e.kind),
      link(e.heading, () => openRecord(e.id)), el("span", { class: "meta" }, ` · ${e.words} ${T[ui].words}`)))));
  document.title = `${o.title} · consulta`;
}

function moveSelection(by) {
  const items = [...$("hits").children];
  if (!items.length) return;
  selected = Math.max(0, Math.min(items.length - 1, selected + by));
  items.forEach((li, i) => li.classList.toggle("selected", i === selected));
  items[selected].scrollIntoView({ block: "nearest" });
}

document.addEventListener("DOMContentLoaded", () => {
  $("q").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      const params = state();
      const q = $("q").value;
      if (q) params.set("q", q); else params.delete("q");
      params.delete("offset"); params.delete("record"); params.delete("doc");
      // typing replaces the history entry; the first keystroke from a record view pushes one
      go(params, false);
    }, 150);
  });
  $("form").addEventListener("submit", (e) => { e.preventDefault(); if (selected >= 0 && lastHits[selected]) openRecord(lastHits[selected].id); });
  $("ui-lang").addEventListener("click", () => {
    const params = state();
    const next = ui === "en" ? "es" : "en";
    params.set("ui", next);
    localStorage.setItem("consulta-ui", next);
    go(params, false);
  });
  document.addEventListener("keydown", (e) => {
    const inBox = document.activeElement === $("q");
    if (e.key === "/" && !inBox) { e.preventDefault(); $("q").focus(); $("q").select(); return; }
    if (!$("view").hidden) { if (e.key === "Escape" || (e.key === "Backspace" && !inBox)) history.back(); return; }
    if (e.key === "ArrowDown") { e.preventDefault(); moveSelection(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); moveSelection(-1); }
    else if (e.key === "Enter" && selected >= 0 && lastHits[selected]) { e.preventDefault(); openRecord(lastHits[selected].id); }
  });
  window.addEventListener("popstate", render);
  api("/api/stats").then((s) => { $("footer").textContent = `${s.documents} documents · ${s.records} records`; }).catch(() => {});
  render();
});
