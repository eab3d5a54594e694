// The Kafka tools of the group shown: kafka-consumer-groups.sh / kafka-share-groups.sh --describe
// (GET /api/describe, at most once a second while the section is on screen) and its configs under
// Kafka's names (GET /api/group-configs), edited in place.
import { isDispatch } from "./dispatch-i18n.js";
import { t, applyStatic } from "./i18n.js";
import { el, q, setText, setAttr, toggleClass, setHidden } from "./dom.js";
import { hold, release, busy, setDisabled } from "./controls.js";
import { send } from "./commands.js";
import { isClassic, isKip848 } from "./kafka-format.js";
import "./config-i18n.js";

const DESCRIBE_EVERY_MS = 1000;
const CONFIG_HOLD_MS = 4000;   // a config input is left alone this long while its command travels

const ui = {};
let view = "offsets";
let group = null;
let references = null;       // GET /api/group-configs by_kind: {classic|consumer|share: [{name, kind, kafka_default, ...}]}
let reference = null;        // the shown group's kind's list
let referenceKind = null;
const inputs = new Map();    // kafka name -> {input, ref, row, mark, pending}
let lastFetch = 0;
let fetching = false;

// ---------------------------------------------------------------- --describe

function shown() {
  return ui.section.offsetParent !== null && document.visibilityState !== "hidden";
}

async function refresh(force = false) {
  if (view === "config" || !group || fetching || !shown()) return;
  if (!force && performance.now() - lastFetch < DESCRIBE_EVERY_MS) return;
  const gid = group.group_id;
  // The server answers with the exact line (body.command); until then show the tool this group type uses:
  // kafka-consumer-groups.sh for a classic group, kafka-share-groups.sh for a share group (KIP-932).
  // Random dispatch is not a Kafka mode: no Kafka tool describes it, and the line says so (groupviz/seed/view.py).
  const tool = group.type === "share" ? "kafka-share-groups.sh" : "kafka-consumer-groups.sh";
  setText(ui.cmd, isDispatch(group) ? t("kz.describe.dispatch", { g: gid })
    : `${tool} --bootstrap-server localhost:9092 --describe --group ${gid}${view === "offsets" ? "" : ` --${view}`}`);
  fetching = true;
  lastFetch = performance.now();
  try {
    const r = await fetch(`/api/describe?group=${encodeURIComponent(gid)}&view=${view}`, { cache: "no-store" });
    const body = await r.json();
    if (!group || group.group_id !== gid) return;
    if (body.ok) {
      setText(ui.cmd, isDispatch(group) ? t("kz.describe.dispatch", { g: gid }) : body.command);
      setText(ui.out, body.output.replace(/^\n/, ""));
    } else {
      setText(ui.out, t("kz.describe.failed", { error: body.error }));
    }
    setAttr(ui.out, "data-group-id", gid);
    setAttr(ui.out, "data-view", view);
  } catch (e) {
    setText(ui.out, t("kz.describe.failed", { error: String(e && e.message || e) }));
  } finally {
    fetching = false;
  }
}

function showTab(v) {
  view = v;
  for (const b of ui.tabs) setAttr(b, "aria-selected", b.dataset.view === v ? "true" : "false");
  setHidden(ui.describePanel, v === "config");
  setHidden(ui.configPanel, v !== "config");
  lastFetch = 0;
  refresh(true);
}

// ---------------------------------------------------------------- configs

const currentValue = (name) => (group && group.config ? group.config[name] : undefined);

function writeValue(name, v, force = false) {
  const it = inputs.get(name);
  if (!it || v === undefined) return;
  if (!force && busy(it.input)) return;
  const s = String(v);
  if (it.input.value !== s) it.input.value = s;
  const differs = v !== it.ref.kafka_default;
  toggleClass(it.row, "differs", differs);
  it.mark.title = differs ? t("kz.config.differs") : "";
  setText(it.mark, differs ? "≠" : "");
}

async function commit(name, raw) {
  if (!group) return;
  const it = inputs.get(name);
  let value = raw;
  if (it.ref.kind === "int" || it.ref.kind === "number") value = raw === "" ? raw : (Number.isFinite(Number(raw)) ? Number(raw) : raw);
  else if (it.ref.kind === "bool") value = raw === "true";
  if (value === currentValue(name)) return;
  if (it.pending !== undefined && it.pending === value) return;   // Enter and change: send once
  it.pending = value;
  hold(it.input, CONFIG_HOLD_MS);
  const res = await send({ op: "set_config", group_id: group.group_id, config: { [name]: value } });
  release(it.input);
  it.pending = undefined;
  // Rejected (the server's message is in the toast): show the unchanged value again.
  if (!res || res.ok !== true) writeValue(name, currentValue(name), true);
  else if (res.config) writeValue(name, res.config[name], true);
}

function configRow(ref) {
  const id = `cfg-${ref.name.replace(/\./g, "-")}`;
  let input;
  if (ref.kind === "int" || ref.kind === "number") {
    input = el("input", { type: "number", class: "num", id, step: ref.kind === "int" ? "1" : "0.05", min: ref.min,
      max: ref.max, inputmode: ref.kind === "int" ? "numeric" : "decimal" });
  } else {
    const choices = ref.kind === "bool" ? ["true", "false"] : ref.choices;
    input = el("select", { id }, choices.map((c) => el("option", { value: c }, c)));
  }
  setAttr(input, "data-testid", `config-${ref.name}`);
  setAttr(input, "data-control", "");
  const mark = el("span", { class: "kz-differs", "aria-hidden": "true" });
  const row = el("tr", { "data-config": ref.name }, [
    el("th", { scope: "row" }, [el("label", { for: id, class: "kz-cname" }, ref.name),
      el("span", { class: "kz-chelp", "data-i18n": `kz.config.help.${ref.name}` })]),
    el("td", { class: "kz-cval" }, [input, mark]),
    el("td", { class: "r num", title: ref.kafka_default === null ? t("kz.config.nokafka") : "" },
      ref.kafka_default === null ? "—" : String(ref.kafka_default)),
    el("td", { class: "r num" }, String(ref.classroom_default)),
  ]);
  inputs.set(ref.name, { input, ref, row, mark });
  input.addEventListener("change", () => commit(ref.name, input.value));
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); input.blur(); } });
  return row;
}

function buildConfig() {
  inputs.clear();
  ui.configBody.replaceChildren(...reference.map(configRow));
  applyStatic(ui.configBody);
}

function setAll(which) {
  if (!group || !reference) return;
  const config = {};
  for (const ref of reference) {
    const v = which === "kafka" ? ref.kafka_default : ref.classroom_default;
    if (v !== null) config[ref.name] = v;     // a groupviz knob keeps its value under "Kafka's defaults"
  }
  send({ op: "set_config", group_id: group.group_id, config });
}

/** Which settable configs a group has: a classic group's, a KIP-848 group's (group.consumer.*), a share group's. */
function configKind(g) {
  if (isClassic(g)) return isKip848(g) ? "consumer" : "classic";
  return g.type === "share" ? "share" : null;
}

function renderConfig() {
  const kind = configKind(group);
  const shown = !!kind && !!references;
  setHidden(ui.configTable, !shown);
  setHidden(ui.configNone, shown);
  for (const b of [ui.useClass, ui.useKafka]) setHidden(b, !shown);
  if (!shown) { setText(ui.configNone, t(`kz.config.${group.type}`, { g: group.group_id })); return; }
  if (kind !== referenceKind) {
    referenceKind = kind;
    reference = references[kind] || [];
    buildConfig();
  }
  for (const [name, it] of inputs) {
    setDisabled(it.input, false);
    writeValue(name, currentValue(name));
  }
}

// ---------------------------------------------------------------- the panel part

export function tools() {
  const panel = q("config-panel");
  Object.assign(ui, {
    section: q("kafka-details"), tabs: [...document.querySelectorAll(".kz-tab")], describePanel: q("describe-panel"),
    out: q("describe-output"), cmd: document.querySelector(".kz-cmdline"), configPanel: panel,
    configBody: panel.querySelector("tbody"), configNone: panel.querySelector(".kz-config-none"),
    configTable: panel.querySelector("table"), tabGroup: document.querySelector(".kz-tab-group"),
    useClass: q("config-classroom-defaults"), useKafka: q("config-kafka-defaults"),
  });
  for (const b of ui.tabs) b.addEventListener("click", () => showTab(b.dataset.view));
  ui.useClass.addEventListener("click", () => setAll("classroom"));
  ui.useKafka.addEventListener("click", () => setAll("kafka"));
  fetch("/api/group-configs", { cache: "no-store" })
    .then((r) => r.json())
    .then((body) => { references = body.by_kind || null; referenceKind = null; if (group) renderConfig(); })
    .catch(() => { references = null; });
  return {
    render(g) {
      const changed = !group || !g || group.group_id !== (g && g.group_id);
      group = g;
      if (!g) return;
      setText(ui.tabGroup, g.group_id);
      renderConfig();
      refresh(changed);
    },
  };
}
