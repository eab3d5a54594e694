// The story of the run: the rebalance timeline of the group shown, the narration line ("Now": the latest
// event of the group shown, or of the topic, when the topic has several groups) and the event log of every
// group, newest first.
import { t, getLang, localized, addMessages } from "./i18n.js";
import { el, q, reconcile, setText, toggleClass, setHidden, fmtSeconds } from "./dom.js";
import { genLabel } from "./kafka-format.js";

addMessages({
  en: { "narr.group.title": "Only events of group {g} (the group shown) and of the whole topic; the event log below has every group's" },
  zh: { "narr.group.title": "只显示组 {g}（当前显示的组）和整个主题的事件；下方的事件日志包含所有组的事件" },
});

const LOG_MAX = 200;
const TIMELINE_MAX = 30;

let ui = null;
let lastSeq = null;   // the newest event shown: a tick repeats the recent events
let events = [];      // the events shown in the log, oldest first (bounded)
let nowGroup = null;  // the group whose events the Now strip shows (null: every group, a topic with one group)

// ---------------------------------------------------------------- timeline

function createEntry(r) {
  const gen = el("span", { class: "tl-gen" });
  const at = el("span", { class: "tl-at num" });
  const reason = el("span", { class: "tl-reason" });
  const moved = el("span", { class: "tl-moved" });
  const dur = el("span", { class: "tl-dur num" });
  const root = el("li", { class: "tl-item", "data-generation": r.generation }, [gen, at, reason, moved, dur]);
  return { root, gen, at, reason, moved, dur };
}

function updateEntry(item, r, now) {
  const running = r.end_ms === null || r.end_ms === undefined;
  toggleClass(item.root, "running", running);
  setText(item.gen, genLabel(r));
  setText(item.at, `t=${(r.start_ms / 1000).toFixed(1)}s`);
  setText(item.reason, localized(r, "reason"));
  setText(item.moved, running ? "" : t("tl.moved", { n: r.moved ?? 0 }));
  const ms = (running ? now : r.end_ms) - r.start_ms;
  setText(item.dur, running ? t("tl.running") : t("tl.duration", { s: (ms / 1000).toFixed(2) }));
}

function renderTimeline(snap, group) {
  const list = group ? (group.rebalances || []).slice(-TIMELINE_MAX) : [];
  setHidden(ui.tlNone, list.length > 0);
  reconcile(ui.timeline, list.reverse(), (r) => `${r.generation}:${r.start_ms}`, createEntry,
    (item, r) => updateEntry(item, r, snap.time_ms));
}

// ---------------------------------------------------------------- narration and log

function eventKind(type) {
  const s = String(type || "");
  if (/crash|expel|timeout|fail|error|dead/.test(s)) return "bad";
  if (/rebalance|join|leave|left|revok|assign/.test(s)) return "reb";
  return "info";
}

function eventText(e) {
  const lang = getLang();
  return (lang !== "en" && e[`text_${lang}`]) || e.text || e.type || "";
}

function logItem(e) {
  return el("li", { class: `ev ${eventKind(e.type)}`, "data-seq": e.seq ?? "" }, [
    el("span", { class: "ev-t num" }, fmtSeconds(e.time_ms)),
    el("span", { class: "ev-text" }, eventText(e)),
  ]);
}

/** An event the Now strip shows: the group's own, or the topic's (no group: producer, keys, lesson steps). */
function concerns(e) {
  return nowGroup === null || e.group_id === undefined || e.group_id === null || e.group_id === nowGroup;
}

function latestShown() {
  for (let i = events.length - 1; i >= 0; i--) if (concerns(events[i])) return events[i];
  return null;
}

function showNarration(e) {
  if (!e) {
    ui.narrText.dataset.i18n = "narr.waiting";
    setText(ui.narrText, t("narr.waiting"));
    setText(ui.narrTime, "");
    return;
  }
  ui.narrText.removeAttribute("data-i18n");
  const text = eventText(e);
  setText(ui.narrText, text);
  ui.narrText.title = text;
  setText(ui.narrTime, fmtSeconds(e.time_ms));
}

function renderEvents(snap) {
  const fresh = [];
  for (const e of snap.events || []) {
    const seq = typeof e.seq === "number" ? e.seq : null;
    if (seq !== null && lastSeq !== null && seq <= lastSeq) continue;
    fresh.push(e);
    if (seq !== null) lastSeq = lastSeq === null ? seq : Math.max(lastSeq, seq);
  }
  if (!fresh.length) return;
  const recent = fresh.slice(-LOG_MAX);
  for (const e of recent) ui.log.prepend(logItem(e));
  while (ui.log.children.length > LOG_MAX) ui.log.lastElementChild.remove();
  events.push(...recent);
  if (events.length > LOG_MAX) events.splice(0, events.length - LOG_MAX);
  if (!recent.some(concerns)) return;
  showNarration(latestShown());
  if (ui.narration.animate) {
    ui.narration.animate([{ backgroundColor: "#fef3c7" }, { backgroundColor: "#ffffff" }], { duration: 1200, easing: "ease-out" });
  }
}

/** A full snapshot: the run starts over, and so does its story. */
export function clear() {
  lastSeq = null;
  events = [];
  ui.log.replaceChildren();
  showNarration(null);
}

/** After a language change: the events already shown, in the new language. */
export function relabel() {
  ui.log.replaceChildren(...events.map(logItem).reverse());
  showNarration(latestShown());
  showNowGroup();
}

function showNowGroup() {
  setText(ui.narrGroup, nowGroup ?? "");
  setHidden(ui.narrGroup, nowGroup === null);
  ui.narrGroup.title = nowGroup === null ? "" : t("narr.group.title", { g: nowGroup });
}

/** The Now strip follows the group shown (a lesson step's view, the group picker, a row of the Kafka details). */
function followGroup(snap, group) {
  const gid = group && (snap.groups || []).length > 1 ? group.group_id : null;
  if (gid === nowGroup) return;
  nowGroup = gid;
  showNowGroup();
  showNarration(latestShown());
}

export function render(snap, group) {
  renderTimeline(snap, group);
  followGroup(snap, group);
  renderEvents(snap);
}

export function init() {
  ui = {
    narration: q("narration"), narrTime: document.querySelector(".narr-time"),
    narrGroup: el("span", { class: "narr-group", "data-testid": "narration-group", hidden: true }),
    narrText: document.querySelector(".narr-text"), timeline: q("rebalance-timeline"),
    tlNone: document.querySelector(".tl-none"), log: q("event-log"),
  };
  document.querySelector(".narr-label").after(ui.narrGroup);
}
