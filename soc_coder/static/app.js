// The clerical coders' page: code an answer as it is typed, accept a candidate or any other code, and work
// through a CSV of referred answers. Plain JavaScript over the soc-coder HTTP API (/v1/code, /v1/search,
// /v1/unit-groups); no build step.
"use strict";

const FIELDS = ["job_title", "job_description", "industry"];
const OUTPUT_COLUMNS = ["clerical_code", "clerical_title", "clerical_decision"];
const MAX_FIELD_CHARS = 2000;
const $ = (id) => document.getElementById(id);

const state = {
  rows: null,          // CSV rows as arrays of cells, or null when coding typed answers
  header: [],          // the CSV's columns
  fileName: "",
  current: 0,          // row being coded
  decisions: [],       // per row: {code, title, decision} or undefined
  session: [],         // typed answers coded on this page
  candidates: [],      // candidates of the current answer
  highlighted: 0,
  overrides: [],       // unit groups found by the override search
  overrideHighlighted: 0,
  sequence: 0,         // drops answers to requests overtaken by newer ones
  groups: new Map(),   // unit group descriptions already fetched
  unsaved: false,
  codedFor: "",        // the answer the candidates shown belong to
};

// ------------------------------------------------------------------ API

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(typeof body.detail === "string" ? body.detail : `${response.status} ${response.statusText}`);
  }
  return body;
}

function currentAnswer() {
  const answer = {};
  for (const field of FIELDS) answer[field] = $(field).value.slice(0, MAX_FIELD_CHARS);
  return answer;
}

async function describeGroup(code) {
  if (!state.groups.has(code)) state.groups.set(code, api(`/v1/unit-groups/${encodeURIComponent(code)}`));
  return state.groups.get(code);
}

// ------------------------------------------------------------------ coding as you type

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

async function codeCurrent() {
  const answer = currentAnswer();
  const sequence = ++state.sequence;
  if (!FIELDS.some((f) => answer[f].trim())) {
    state.codedFor = JSON.stringify(answer);
    state.candidates = [];
    renderCandidates(null);
    renderEntries([]);
    return;
  }
  try {
    const [result, found] = await Promise.all([
      api("/v1/code", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(answer) }),
      api(`/v1/search?limit=8&q=${encodeURIComponent((answer.job_title || answer.job_description).slice(0, 200))}`).catch(() => null),
    ]);
    if (sequence !== state.sequence) return;
    state.codedFor = JSON.stringify(answer);
    state.candidates = result.candidates || [];
    state.highlighted = 0;
    renderCandidates(result);
    renderEntries(found ? found.index_entries : []);
  } catch (error) {
    if (sequence === state.sequence) $("status-line").textContent = `Could not code this answer: ${error.message}`;
  }
}
const codeSoon = debounce(codeCurrent, 250);

function renderCandidates(result) {
  const list = $("candidates");
  list.replaceChildren();
  if (!result) {
    $("status-line").textContent = "";
    showGroup(null);
    return;
  }
  const line = $("status-line");
  line.replaceChildren();
  const badge = element("span", `badge ${result.status}`, result.status.replace(/_/g, " "));
  line.append(badge, ` confidence ${result.confidence.toFixed(2)}`);
  if (result.soc2020_code) line.append(` \u00b7 best guess ${result.soc2020_code}`);
  if (result.explanation) line.append(element("span", "hint", ` \u00b7 ${result.explanation}`));
  state.candidates.forEach((candidate, i) => {
    const item = element("li", "candidate");
    item.setAttribute("role", "option");
    item.dataset.code = candidate.code;
    const bar = element("span", "bar");
    bar.style.width = `${Math.round(candidate.score * 100)}%`;
    const accept = element("button", "accept", `Accept (${i + 1})`);
    accept.type = "button";
    accept.addEventListener("click", (event) => { event.stopPropagation(); acceptCandidate(i); });
    item.append(element("span", "code", candidate.code), element("span", "title", candidate.title),
                element("span", "score", candidate.score.toFixed(2)), bar, accept);
    item.addEventListener("click", () => highlight(i));
    list.append(item);
  });
  highlight(0);
}

function highlight(i) {
  if (!state.candidates.length) return showGroup(null);
  state.highlighted = Math.max(0, Math.min(i, state.candidates.length - 1));
  [...$("candidates").children].forEach((item, j) => item.setAttribute("aria-selected", String(j === state.highlighted)));
  showGroup(state.candidates[state.highlighted].code);
}

async function showGroup(code) {
  for (const id of ["group-hierarchy", "group-description", "group-related", "group-links"]) $(id).textContent = "";
  for (const id of ["group-tasks", "group-subunits"]) $(id).replaceChildren();
  $("group-heading").textContent = code ? code : "Group";
  if (!code) return;
  try {
    const group = await describeGroup(code);
    if ($("group-heading").textContent !== code) return;  // another group was chosen meanwhile
    $("group-heading").textContent = `${group.code} ${group.title}`;
    $("group-hierarchy").textContent = group.hierarchy.map((g) => `${g.code} ${g.title}`).join(" \u203a ");
    $("group-description").textContent = group.description;
    for (const task of group.tasks || []) $("group-tasks").append(element("li", "", task));
    $("group-related").textContent = (group.related_titles || []).join("; ");
    for (const sub of group.sub_unit_groups || []) $("group-subunits").append(element("li", "", `${sub.code} ${sub.title} (${sub.index_entries})`));
    const links = (name, items) => items && items.length ? `${name}: ${items.map((l) => `${l.code} ${l.title} (${l.index_entries})`).join(", ")}` : "";
    $("group-links").textContent = [links("SOC 2010", group.soc2010), links("ISCO-08", group.isco08)].filter(Boolean).join(" \u00b7 ");
  } catch (error) {
    $("group-description").textContent = error.message;
  }
  markEntries();
}

function renderEntries(entries) {
  const body = $("index-entries").querySelector("tbody");
  body.replaceChildren();
  for (const entry of entries) {
    const row = element("tr");
    row.dataset.code = entry.code;
    const text = entry.title + (entry.add ? ` [add: ${entry.add}]` : "") + (entry.ind ? ` [ind: ${entry.ind}]` : "");
    const use = element("button", "use", "Use");
    use.type = "button";
    use.title = `Code as ${entry.code} ${entry.unit_group_title}`;
    use.addEventListener("click", () => accept(entry.code, entry.unit_group_title, "index entry"));
    const cell = element("td");
    cell.append(use);
    row.append(element("td", "", text), element("td", "code", entry.sub_unit_group), cell);
    body.append(row);
  }
  markEntries();
}

function markEntries() {
  const code = state.candidates[state.highlighted] && state.candidates[state.highlighted].code;
  for (const row of $("index-entries").querySelectorAll("tbody tr")) row.classList.toggle("match", row.dataset.code === code);
}

// ------------------------------------------------------------------ choosing another code

async function searchOverride() {
  const query = $("override").value.trim();
  const list = $("override-results");
  state.overrides = [];
  if (!query) return list.replaceChildren();
  try {
    if (/^\d{4}$/.test(query)) {
      const group = await describeGroup(query);
      state.overrides = [{ code: group.code, title: group.title, matched: "the code" }];
    } else {
      const found = await api(`/v1/search?limit=8&q=${encodeURIComponent(query.slice(0, 200))}`);
      state.overrides = found.unit_groups.map((g) => ({ code: g.code, title: g.title, matched: g.matches.map((m) => m.text).join("; ") }));
    }
  } catch (error) {
    list.replaceChildren(element("li", "hint", error.message));
    return;
  }
  if ($("override").value.trim() !== query) return;
  list.replaceChildren();
  state.overrides.forEach((group, i) => {
    const item = element("li", "candidate");
    item.setAttribute("role", "option");
    item.append(element("span", "code", group.code), element("span", "title", group.title), element("span", "hint", group.matched));
    item.addEventListener("click", () => accept(group.code, group.title, "other code"));
    list.append(item);
  });
  if (!state.overrides.length) list.append(element("li", "hint", "nothing matches"));
  highlightOverride(0);
}
const searchOverrideSoon = debounce(searchOverride, 200);

function highlightOverride(i) {
  if (!state.overrides.length) return;
  state.overrideHighlighted = Math.max(0, Math.min(i, state.overrides.length - 1));
  [...$("override-results").children].forEach((item, j) => item.setAttribute("aria-selected", String(j === state.overrideHighlighted)));
  showGroup(state.overrides[state.overrideHighlighted].code);
}

// ------------------------------------------------------------------ decisions

async function acceptFresh(i) {
  // Enter straight after typing: code what is in the fields now, not what was there 250 ms ago
  if (JSON.stringify(currentAnswer()) !== state.codedFor) await codeCurrent();
  acceptCandidate(i);
}

function acceptCandidate(i) {
  const candidate = state.candidates[i];
  if (candidate) accept(candidate.code, candidate.title, `candidate ${i + 1}`);
}

function accept(code, title, decision) {
  const chosen = { code, title, decision };
  if (state.rows) {
    state.decisions[state.current] = chosen;
    state.unsaved = true;
    $("decision").textContent = `Row ${state.current + 1}: ${code} ${title} (${decision})`;
    renderProgress();
    const next = nextUndecided(state.current);
    if (next !== null) loadRow(next);
  } else {
    state.session.push({ ...currentAnswer(), ...chosen });
    state.unsaved = true;
    $("decision").textContent = `Coded ${code} ${title} (${decision})`;
    renderSession();
    for (const field of FIELDS) $(field).value = "";
    codeCurrent();
    $("job_title").focus();
  }
  $("override").value = "";
  $("override-results").replaceChildren();
}

function renderSession() {
  $("session").hidden = state.session.length === 0;
  const body = $("session-table").querySelector("tbody");
  body.replaceChildren();
  for (const coded of state.session.slice().reverse()) {
    const row = element("tr");
    for (const key of [...FIELDS, "code", "title", "decision"]) row.append(element("td", key === "code" ? "code" : "", coded[key]));
    body.append(row);
  }
}

// ------------------------------------------------------------------ a CSV of referred answers

function parseCsv(text) {
  // RFC 4180: quoted cells may hold commas, quotes ("") and line breaks; \r\n, \n and \r all end a row
  text = text.replace(/^\ufeff/, "");
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

function loadCsv(text, fileName) {
  const rows = parseCsv(text);
  if (!rows.length) throw new Error(`${fileName} is empty`);
  const header = rows[0].map((h) => h.trim());
  if (!FIELDS.some((f) => header.includes(f))) {
    throw new Error(`${fileName} has none of the columns ${FIELDS.join(", ")} (it has: ${header.join(", ")})`);
  }
  for (const column of OUTPUT_COLUMNS) if (!header.includes(column)) header.push(column);
  state.header = header;
  state.rows = rows.slice(1).map((r) => { const cells = r.slice(); while (cells.length < header.length) cells.push(""); return cells; });
  state.fileName = fileName;
  state.decisions = state.rows.map((r) => {
    const code = cell(r, "clerical_code");
    return code ? { code, title: cell(r, "clerical_title"), decision: cell(r, "clerical_decision") } : undefined;
  });
  state.unsaved = false;
  $("row-nav").hidden = false;
  $("download").disabled = false;
  $("file-info").textContent = `${state.rows.length} rows from ${fileName}`;
  renderProgress();
  if (state.rows.length) loadRow(nextUndecided(-1) ?? 0);
}

function cell(row, column) {
  const i = state.header.indexOf(column);
  return i >= 0 && i < row.length ? row[i] : "";
}

function nextUndecided(after) {
  for (let i = after + 1; i < state.rows.length; i++) if (!state.decisions[i]) return i;
  return null;
}

function loadRow(i) {
  state.current = Math.max(0, Math.min(i, state.rows.length - 1));
  const row = state.rows[state.current];
  for (const field of FIELDS) $(field).value = cell(row, field);
  $("row-pos").textContent = state.current + 1;
  $("row-count").textContent = state.rows.length;
  $("row-id").textContent = cell(row, "id") || "(none)";
  const decided = state.decisions[state.current];
  $("decision").textContent = decided ? `Row ${state.current + 1} is coded ${decided.code} ${decided.title} (${decided.decision})` : "";
  const shown = state.current;
  codeCurrent().then(() => {
    if (state.current !== shown) return;
    $("candidates").dataset.row = String(shown);  // the candidates shown are this row's
    $("candidates").focus();
  });
}

function renderProgress() {
  const done = state.decisions.filter(Boolean).length;
  $("row-done").textContent = `${done} of ${state.rows.length} coded`;
}

function skip() {
  if (!state.rows) return;
  state.decisions[state.current] = { code: "", title: "", decision: "skipped" };
  state.unsaved = true;
  renderProgress();
  const next = nextUndecided(state.current);
  if (next !== null) loadRow(next);
}

function csvCell(value) {
  // like `soc-coder code`: text a spreadsheet would run as a formula gets a leading '; plain numbers do not
  let text = String(value ?? "");
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?$/.test(text)) text = "'" + text;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function downloadCsv(header, rows, fileName) {
  const text = [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  const link = element("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  state.unsaved = false;
}

function downloadRows() {
  const rows = state.rows.map((r, i) => {
    const out = r.slice();
    const decided = state.decisions[i] || { code: "", title: "", decision: "" };
    for (const [column, value] of [["clerical_code", decided.code], ["clerical_title", decided.title], ["clerical_decision", decided.decision]]) {
      out[state.header.indexOf(column)] = value;
    }
    return out;
  });
  downloadCsv(state.header, rows, `coded-${state.fileName.replace(/\.csv$/i, "")}.csv`);
}

function downloadSession() {
  const header = [...FIELDS, ...OUTPUT_COLUMNS];
  downloadCsv(header, state.session.map((s) => [...FIELDS.map((f) => s[f]), s.code, s.title, s.decision]), "coded-answers.csv");
}

// ------------------------------------------------------------------ keyboard

function onKey(event) {
  const target = event.target;
  if (event.altKey && /^[1-5]$/.test(event.key)) { event.preventDefault(); return acceptFresh(Number(event.key) - 1); }
  if (state.rows && (event.key === "PageDown" || event.key === "PageUp")) {
    event.preventDefault();
    return loadRow(state.current + (event.key === "PageDown" ? 1 : -1));
  }
  if (target.id === "override") {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); highlightOverride(state.overrideHighlighted + (event.key === "ArrowDown" ? 1 : -1)); }
    else if (event.key === "Enter") {
      event.preventDefault();
      const group = state.overrides[state.overrideHighlighted];
      if (group) accept(group.code, group.title, "other code");
    } else if (event.key === "Escape") { $("override").value = ""; $("override-results").replaceChildren(); $("candidates").focus(); }
    return;
  }
  if (target.id === "job_title" || target.id === "industry" || (target.id === "job_description" && event.ctrlKey)) {
    if (event.key === "Enter") { event.preventDefault(); acceptFresh(state.highlighted); }
    return;
  }
  if (target.id === "candidates") {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") { event.preventDefault(); highlight(state.highlighted + (event.key === "ArrowDown" ? 1 : -1)); }
    else if (event.key === "Enter") { event.preventDefault(); acceptCandidate(state.highlighted); }
    else if (/^[1-5]$/.test(event.key)) { event.preventDefault(); acceptCandidate(Number(event.key) - 1); }
    else if (event.key === "/") { event.preventDefault(); $("override").focus(); }
    else if (event.key === "s") { event.preventDefault(); skip(); }
  }
}

// ------------------------------------------------------------------ wiring

function element(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

for (const field of FIELDS) $(field).addEventListener("input", codeSoon);
$("override").addEventListener("input", searchOverrideSoon);
document.addEventListener("keydown", onKey);
$("prev").addEventListener("click", () => loadRow(state.current - 1));
$("next").addEventListener("click", () => loadRow(state.current + 1));
$("download").addEventListener("click", downloadRows);
$("download-session").addEventListener("click", downloadSession);
$("csv-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    loadCsv(await file.text(), file.name);
  } catch (error) {
    $("file-info").textContent = error.message;
  }
});
window.addEventListener("beforeunload", (event) => { if (state.unsaved) { event.preventDefault(); event.returnValue = ""; } });
api("/health").then((health) => {
  const m = health.model;
  $("model-info").textContent = `model: coding index v${m.coding_index_version}, Volume 1 of ${m.volume1_version}` +
    (health.search ? "" : " (no search: retrain the model)");
}).catch(() => { $("model-info").textContent = "the service does not answer"; });
