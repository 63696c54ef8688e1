// idsync dashboard: plain JavaScript over the admin API (specs/admin.yaml); no build step.
// Every value from the server is set with textContent, never parsed as HTML.
"use strict";

const ADMIN = "/__admin";
const TOKEN_KEY = "idsync-admin-token";
// The default seed's well-known bearer token (README, "Credentials"): tried first, so a default local
// server needs no typing; a server with its own admin token answers 401 and the page asks for it.
const DEFAULT_TOKEN = "idsync-token";
const POLL_MS = 1000;
const KEEP = 1000; // entries kept in the page, as many as the server's journal holds
const ROUTINE = new Set(["host", "content-length", "connection", "accept-encoding", "user-agent"]);

const state = { token: sessionStorage.getItem(TOKEN_KEY) || DEFAULT_TOKEN, lastId: null, paused: false,
  locked: false, busy: false, tick: 0 };
const $ = (id) => document.getElementById(id);

async function admin(method, path, body) {
  const headers = { Authorization: "Bearer " + state.token };
  if (method === "GET") headers["X-Idsync-Dashboard"] = "poll";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(ADMIN + path, { method, headers, cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) { lock(); throw new Error("the admin API refused the token"); }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((data && data.detail) || "HTTP " + response.status);
  return data;
}

function lock() {
  state.locked = true;
  setStatus("the admin API needs its token: enter it above", "error");
  $("token").focus();
}

function setStatus(text, kind) {
  const el = $("status");
  el.textContent = text;
  el.className = "status " + (kind || "");
}

// ---- journal ---------------------------------------------------------------------------------

function shellQuote(text) {
  return "'" + String(text).replace(/'/g, "'\\''") + "'";
}

function curlLine(e) {
  const parts = ["curl -sS -X " + e.method];
  for (const [name, value] of Object.entries(e.request_headers || {})) {
    if (ROUTINE.has(name) || (name === "accept" && value === "*/*")) continue; // what curl sends anyway
    if (name === "authorization" && /^basic \*+$/i.test(value)) parts.push('-u "$IDSYNC_BASIC"');
    else if (name === "authorization" && /\*\*\*/.test(value)) parts.push('-H "Authorization: Bearer $IDSYNC_TOKEN"');
    else parts.push("-H " + shellQuote(name + ": " + value));
  }
  if (e.request_body) parts.push("--data-raw " + shellQuote(e.request_body));
  parts.push(shellQuote(location.origin + e.path + (e.query ? "?" + e.query : "")));
  return parts.join(" ");
}

function pretty(text) {
  if (!text) return "(empty)";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return text; }
}

function entryElement(e) {
  const body = $("entry-template").content.firstElementChild.cloneNode(true);
  body.dataset.id = e.id;
  body.dataset.api = e.api || "";
  body.dataset.method = e.method;
  body.dataset.status = String(e.status);
  body.dataset.path = e.path;
  const cell = (cls, text) => { body.querySelector("." + cls).textContent = text; };
  cell("id", e.id);
  cell("time", new Date(e.time * 1000).toISOString().replace("T", " ").replace("Z", ""));
  cell("api", e.api || "–");
  cell("method", e.method);
  cell("path", e.path + (e.query ? "?" + e.query : ""));
  cell("code", e.status);
  cell("ms", e.duration_ms.toFixed(1));
  body.querySelector(".code").classList.add("s" + String(e.status)[0]);
  const headers = Object.entries(e.request_headers || {}).map(([k, v]) => k + ": " + v).join("\n");
  cell("req-headers", headers || "(none)");
  cell("req-body", pretty(e.request_body));
  cell("resp-body", pretty(e.response_body));
  cell("notes", (e.notes || []).map((n) => "note: " + n).join("\n"));
  const curl = curlLine(e);
  cell("curl", curl);
  const summary = body.querySelector(".summary");
  const toggle = () => { const d = body.querySelector(".detail"); d.hidden = !d.hidden; body.classList.toggle("open"); };
  summary.addEventListener("click", toggle);
  summary.addEventListener("keydown", (ev) => { if (ev.key === "Enter") toggle(); });
  body.querySelector(".copy").addEventListener("click", (ev) => copy(curl, ev.target));
  return body;
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) { // no clipboard permission (plain http off localhost): select the line instead
    const range = document.createRange();
    range.selectNodeContents(button.previousElementSibling);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = "Copy curl"; }, 1200);
}

function statusMatches(filter, status) {
  if (!filter) return true;
  const s = String(status);
  return /^[1-5]xx$/i.test(filter) ? s[0] === filter[0] : s === filter;
}

function visible(body) {
  const api = $("filter-api").value, method = $("filter-method").value;
  const path = $("filter-path").value.trim();
  if (body.dataset.api === "admin" && api !== "admin" && !$("filter-admin").checked) return false;
  return (!api || body.dataset.api === api) && (!method || body.dataset.method === method)
    && statusMatches($("filter-status").value.trim(), body.dataset.status)
    && (!path || body.dataset.path.includes(path));
}

function applyFilters() {
  const all = document.querySelectorAll("#journal tbody.entry");
  let shown = 0;
  for (const body of all) { body.hidden = !visible(body); shown += body.hidden ? 0 : 1; }
  $("journal-count").textContent = shown + " shown of " + all.length;
  $("journal-empty").hidden = all.length > 0;
}

function addEntries(entries) {
  const table = $("journal");
  for (const e of entries) { // oldest first: each new one goes on top
    table.insertBefore(entryElement(e), table.tBodies[0] || null);
    state.lastId = Math.max(state.lastId || 0, e.id);
  }
  const bodies = table.tBodies;
  while (bodies.length > KEEP) bodies[bodies.length - 1].remove();
  if (entries.length) applyFilters();
}

async function pollJournal() {
  const query = state.lastId === null ? "?limit=500" : "?after=" + state.lastId;
  const { entries } = await admin("GET", "/journal" + query);
  addEntries(entries);
}

// ---- state, clock, faults ----------------------------------------------------------------------

function fillTable(id, rows) {
  const tbody = $(id).tBodies[0];
  tbody.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    for (const c of cells) {
      const td = document.createElement("td");
      if (c instanceof Node) td.append(c); else td.textContent = c;
      tr.append(td);
    }
    return tr;
  }));
}

async function pollCounts() {
  const { counts } = await admin("GET", "/counts");
  fillTable("counts", counts.map((c) => [c.api, c.tenant === null ? "–" : c.tenant,
    Object.entries(c.records).map(([k, n]) => k + " " + n).join(", ") || "–"]));
}

function showClock(clock) {
  $("clock-now").textContent = clock.iso;
  const sign = clock.offset >= 0 ? "+" : "";
  $("clock-offset").textContent = "offset " + sign + clock.offset + " s" + (clock.frozen ? ", frozen" : "");
}

async function pollClock() { showClock(await admin("GET", "/clock")); }

function describe(rule) {
  const what = { status: "answer " + rule.status, rate_limit: "429, Retry-After " + rule.retry_after,
    latency: "delay " + rule.latency_ms + " ms", close: "drop the connection" }[rule.action];
  const where = [rule.api || "any API", rule.method || "any method", "path ~ " + rule.path].join(", ");
  const limits = (rule.count === null ? "" : ", " + rule.count + " times") +
    (rule.probability < 1 ? ", p=" + rule.probability : "");
  return what + " on " + where + limits;
}

async function pollFaults() {
  const { faults } = await admin("GET", "/faults");
  fillTable("faults", faults.map((rule) => {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.className = "remove";
    remove.addEventListener("click", () => act(() => admin("DELETE", "/faults/" + rule.id), pollFaults));
    return [String(rule.id), describe(rule), String(rule.hits), remove];
  }));
}

function faultBody() {
  const body = { action: $("fault-action").value };
  const text = (id) => $(id).value.trim();
  const number = (id) => (text(id) === "" ? undefined : Number(text(id)));
  if (text("fault-api")) body.api = text("fault-api");
  if (text("fault-method")) body.method = text("fault-method").toUpperCase();
  if (text("fault-path")) body.path = text("fault-path");
  if (body.action === "status") body.status = number("fault-status");
  if (body.action === "latency") body.latency_ms = number("fault-latency");
  if (body.action === "rate_limit") body.retry_after = number("fault-retry");
  if (number("fault-count") !== undefined) body.count = number("fault-count");
  if (number("fault-probability") !== undefined) body.probability = number("fault-probability");
  return body;
}

// Run one admin change, then refresh what it changed; an error is shown, never thrown away.
async function act(change, ...refreshes) {
  try {
    await change();
    $("fault-error").textContent = "";
    await Promise.all(refreshes.map((r) => r()));
  } catch (err) {
    $("fault-error").textContent = err.message;
    if (!state.locked) setStatus(err.message, "error");
  }
}

// ---- wiring -----------------------------------------------------------------------------------

async function poll() {
  if (state.locked || state.paused || state.busy) return;
  state.busy = true; // one poll at a time: two in flight would ask for the same entries twice
  try {
    const slow = state.tick++ % 2 === 0 ? [pollCounts(), pollClock(), pollFaults()] : [];
    await Promise.all([pollJournal(), ...slow]);
    setStatus("live · updated " + new Date().toLocaleTimeString(), "ok");
  } catch (err) {
    if (state.locked) return;
    setStatus("server unreachable: " + err.message, "error");
    if (!(err instanceof TypeError)) return; // fetch rejects with a TypeError when the server is gone
    // A restarted server numbers its journal from 1 again: start over once it answers.
    state.lastId = null;
    for (const body of [...$("journal").tBodies]) body.remove();
  } finally {
    state.busy = false;
  }
}

async function fillApis() {
  const response = await fetch("/", { headers: { Accept: "application/json", "X-Idsync-Dashboard": "poll" } });
  const { apis } = await response.json();
  for (const select of [$("filter-api"), $("fault-api")]) {
    for (const api of apis) {
      if (select.id === "fault-api" && api.name === "admin") continue; // admin requests are never faulted
      const option = document.createElement("option");
      option.value = option.textContent = api.name;
      select.append(option);
    }
  }
}

function wire() {
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.token = $("token").value.trim() || DEFAULT_TOKEN;
    sessionStorage.setItem(TOKEN_KEY, state.token);
    $("token").value = "";
    state.locked = false;
    state.tick = 0;
    poll();
  });
  $("token-forget").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); state.token = DEFAULT_TOKEN; });
  for (const id of ["filter-api", "filter-method", "filter-status", "filter-path", "filter-admin"]) {
    $(id).addEventListener("input", applyFilters);
  }
  $("journal-pause").addEventListener("click", (ev) => {
    state.paused = !state.paused;
    ev.target.textContent = state.paused ? "Resume" : "Pause";
    setStatus(state.paused ? "paused" : "live", state.paused ? "" : "ok");
  });
  $("journal-clear").addEventListener("click", () => act(async () => {
    await admin("DELETE", "/journal");
    for (const body of [...$("journal").tBodies]) body.remove();
    applyFilters();
  }));
  $("fault-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    act(() => admin("POST", "/faults", faultBody()), pollFaults);
  });
  $("clock-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    act(async () => showClock(await admin("POST", "/clock", { advance: Number($("clock-seconds").value) })));
  });
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () =>
      act(async () => showClock(await admin("POST", "/clock", { advance: Number(button.dataset.advance) }))));
  }
  $("clock-reset").addEventListener("click", () => act(async () => showClock(await admin("POST", "/clock", { reset: true }))));
  $("reset").addEventListener("click", () => {
    if (!confirm("Reset every API to the seeded state?")) return;
    const query = new URLSearchParams({ journal: $("reset-journal").checked, faults: $("reset-faults").checked });
    act(async () => {
      await admin("POST", "/reset?" + query);
      if ($("reset-journal").checked) for (const body of [...$("journal").tBodies]) body.remove();
      applyFilters();
    }, pollCounts, pollClock, pollFaults);
  });
}

wire();
fillApis().catch(() => {}).finally(() => { poll(); setInterval(poll, POLL_MS); });
