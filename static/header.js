// The top bar: connection, role, the group shown and its state, generation and simulated time,
// run / pause / step / speed / reset, the scenario and the language.
import { t, getLang, setLang } from "./i18n.js";
import { el, q, setText, setAttr, toggleClass, setHidden, fmtSeconds } from "./dom.js";
import { hold, syncValue, syncOption, setDisabled, applyDisabled } from "./controls.js";
import { select, subscribe, selectGroup } from "./store.js";
import { send } from "./commands.js";
import { isKip848 } from "./kafka-format.js";

const STEP_MS = 500;

let ui = null;

const CONNECTION_KEYS = { ok: "conn.ok", lost: "conn.offline", connecting: "conn.connecting",
  queue: "conn.offline", engine: "conn.offline" };
const BANNER_KEYS = { lost: "conn.lost", connecting: "conn.connecting", queue: "conn.queue", engine: "conn.engine" };

/** status: "connecting" | "ok" | "lost" | "queue" (the workers lost Redis) | "engine" (no simulation) */
export function setConnection(status) {
  toggleClass(ui.dot, "ok", status === "ok");
  toggleClass(ui.dot, "lost", status !== "ok" && status !== "connecting");
  ui.dot.dataset.i18nTitle = CONNECTION_KEYS[status];
  ui.dot.title = t(CONNECTION_KEYS[status]);
  if (status === "ok") {
    setHidden(ui.banner, true);
  } else {
    ui.banner.dataset.i18n = BANNER_KEYS[status] || "conn.lost";
    setText(ui.banner, t(ui.banner.dataset.i18n));
    setHidden(ui.banner, false);
  }
  document.body.dataset.conn = status;
}

function showRole(role) {
  document.body.dataset.role = role;
  setHidden(ui.roleChip, role !== "viewer");
  applyDisabled();
}

function renderGroupPicker(snap) {
  const groups = snap.groups || [];
  setHidden(ui.groupPick, groups.length < 2);
  const ids = groups.map((g) => g.group_id);
  const have = [...ui.groupSelect.options].map((o) => o.value);
  if (ids.join("\u0000") !== have.join("\u0000")) {
    ui.groupSelect.replaceChildren(...ids.map((id) => el("option", { value: id }, id)));
  }
  const groupId = select((s) => s.groupId);
  if (groupId !== null) syncValue(ui.groupSelect, groupId);
}

function scenarioLabel(entry, id, lang) {
  if (entry && typeof entry === "object") return entry[lang] || entry.en || id;
  if (typeof entry === "string") return entry;
  return id;
}

function renderScenarios(snap) {
  const sc = snap.scenarios && typeof snap.scenarios === "object" ? snap.scenarios : null;
  setHidden(ui.scenario.closest(".scenario-pick"), !sc);
  if (!sc) return;
  const lang = getLang();
  const ids = Object.keys(sc);
  const sig = ids.map((id) => `${id}=${scenarioLabel(sc[id], id, lang)}`).join("\u0000");
  if (ui.scenarioSig !== sig) {
    ui.scenarioSig = sig;
    ui.scenario.replaceChildren(...ids.map((id) => el("option", { value: id }, scenarioLabel(sc[id], id, lang))));
    ui.scenario.value = snap.scenario ?? ids[0];
  }
  if (snap.scenario) syncValue(ui.scenario, snap.scenario);
}

function renderStatus(snap, group) {
  const err = snap.error;
  setHidden(ui.serverError, !err);
  if (err) setText(ui.serverError, t("err.server", { error: err }));
  const gs = group ? group.state : "Dead";
  setText(ui.groupId, group ? group.group_id : "");
  setText(ui.groupState, gs);
  setAttr(ui.groupState, "data-state", gs);
  ui.groupState.title = t(`gs.${gs}`) === `gs.${gs}` ? t("gs.unknown") : t(`gs.${gs}`);
  setText(ui.generation, group ? String(group.generation) : "–");
  // a KIP-848 group has a group epoch, not a generation
  // a share group (KIP-932) has a group epoch too
  const word = isKip848(group) ? "hdr.epoch" : group && group.type === "share" ? "hdr.shareEpoch" : "hdr.generation";
  ui.generationLabel.dataset.i18n = word;
  setText(ui.generationLabel, t(word));
  ui.generationKv.dataset.i18nTitle = `${word}.title`;
  ui.generationKv.title = t(`${word}.title`);
  setText(ui.simTime, fmtSeconds(snap.time_ms));
}

function renderRun(snap) {
  const running = !!snap.running;
  setHidden(ui.pause, !running);
  setHidden(ui.resume, running);
  setHidden(ui.paused, running);       // the room sees that the clock stands still
  setDisabled(ui.step, running);
  document.body.dataset.running = running ? "true" : "false";
  const speed = Number(snap.speed ?? 1);
  syncOption(ui.speed, speed, `${speed}×`);
}

export function render(snap, group) {
  renderGroupPicker(snap);
  renderScenarios(snap);
  renderStatus(snap, group);
  renderRun(snap);
}

/** The number typed in an input, or `fallback` when it is empty (the engine validates the rest). */
function numberOr(input, fallback) {
  if (!input || input.value.trim() === "") return fallback;
  const v = Number(input.value);
  return Number.isFinite(v) ? v : input.value;
}

function wire() {
  ui.pause.addEventListener("click", () => send({ op: "pause" }));
  ui.resume.addEventListener("click", () => send({ op: "resume" }));
  ui.step.addEventListener("click", () => send({ op: "step", ms: numberOr(ui.stepMs, STEP_MS) }));
  ui.reset.addEventListener("click", () => {
    const seed = numberOr(ui.seed, null);
    send(seed === null ? { op: "reset" } : { op: "reset", seed });
  });
  ui.scenario.addEventListener("change", () => {
    hold(ui.scenario);
    send({ op: "reset", scenario: ui.scenario.value });
  });
  ui.speed.addEventListener("change", () => {
    hold(ui.speed);
    send({ op: "set_speed", factor: Number(ui.speed.value) });
  });
  ui.groupSelect.addEventListener("change", () => selectGroup(ui.groupSelect.value));
  // On a phone the board comes first: the controls beyond run / pause / step / reset fold away.
  ui.more.addEventListener("click", () => {
    const open = ui.more.getAttribute("aria-expanded") !== "true";
    setAttr(ui.more, "aria-expanded", open ? "true" : "false");
    toggleClass(document.body, "controls-open", open);
  });
  ui.lang.value = getLang();
  ui.lang.addEventListener("change", () => setLang(ui.lang.value));
}

export function init() {
  ui = {
    banner: q("connection"), dot: q("conn-dot"), roleChip: q("role"), serverError: q("server-error"),
    groupPick: document.querySelector(".group-pick"), groupSelect: q("group-select"),
    groupId: q("group-id"), groupState: q("group-state"), generation: q("generation"),
    generationLabel: q("generation-label"), generationKv: q("generation-kv"), simTime: q("sim-time"),
    paused: q("paused-badge"),
    pause: q("pause"), resume: q("resume"), step: q("step"), stepMs: q("step-ms"), speed: q("speed"),
    seed: q("seed"), reset: q("reset"), scenario: q("scenario"), lang: q("lang"), scenarioSig: null,
    more: q("controls-toggle"),
  };
  showRole(select((s) => s.role));
  subscribe((s, change) => { if (change === "role") showRole(s.role); });
  setConnection("connecting");
  wire();
}
