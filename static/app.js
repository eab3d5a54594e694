// groupviz page: renders the snapshot JSON of docs/wire.md and sends commands.
// The DOM is updated incrementally (keyed by member id / partition), so buttons stay
// clickable while ticks arrive ten times a second.
import { t, getLang, setLang, applyStatic, onLangChange, localized } from "./i18n.js";
import { el, setText, setAttr, toggleClass, setHidden, fmtInt, fmtRate, fmtSeconds } from "./dom.js";
import { ColorBook, colorFor } from "./palette.js";
import { Charts } from "./charts.js";
import { PANELS } from "./panels.js";
import { applyDelta } from "./delta.js";

const LOG_MAX = 200;
const COMPACT_PARTITIONS = 36; // more partitions than this: small coloured squares
const COMPACT_MEMBERS = 8;     // more members than this: slimmer cards
const TIMELINE_MAX = 30;
const STEP_MS = 500;
const COMMAND_TIMEOUT_MS = 5000;
const HOLD_MS = 1500; // after the user changes a control, ticks leave it alone this long

const q = (testid, root = document) => root.querySelector(`[data-testid="${testid}"]`);

const ui = {
  banner: q("connection"),
  dot: q("conn-dot"),
  roleChip: q("role"),
  groupPick: document.querySelector(".group-pick"),
  groupSelect: q("group-select"),
  groupId: q("group-id"),
  groupState: q("group-state"),
  generation: q("generation"),
  simTime: q("sim-time"),
  pause: q("pause"),
  resume: q("resume"),
  step: q("step"),
  stepMs: q("step-ms"),
  seed: q("seed"),
  speed: q("speed"),
  reset: q("reset"),
  scenario: q("scenario"),
  serverError: q("server-error"),
  keyMode: q("key-mode"),
  lang: q("lang"),
  rate: q("producer-rate"),
  rateSlider: q("producer-rate-slider"),
  keys: q("producer-keys"),
  sent: q("producer-sent"),
  results: q("producer-results"),
  outstanding: q("producer-outstanding"),
  latency: q("producer-latency"),
  topicName: q("topic-name"),
  topicCount: document.querySelector(".topic-count"),
  pgrid: q("assignment-view"),
  groupName: document.querySelector(".group-name"),
  assignor: q("assignor"),
  competition: q("competition"),
  add: q("add-consumer"),
  protocol: document.querySelector(".protocol"),
  pwin: document.querySelector(".pwin"),
  cards: q("consumers"),
  empty: document.querySelector(".group .empty"),
  narration: q("narration"),
  narrTime: document.querySelector(".narr-time"),
  narrText: document.querySelector(".narr-text"),
  timeline: q("rebalance-timeline"),
  tlNone: document.querySelector(".tl-none"),
  log: q("event-log"),
  toasts: q("toasts"),
};

const state = {
  snap: null,
  groupId: null,
  role: document.body.dataset.role === "viewer" ? "viewer" : "presenter",
  lastSeq: null,
  lastTime: null,
  socket: null,
  events: [],          // the events shown in the log, oldest first (bounded)
};

const colors = new ColorBook();
const charts = new Charts(q("lag-chart"), q("throughput-chart"), colors);
const cards = new Map();      // member id -> card view
const cells = new Map();      // "topic:partition" -> cell view
const tlItems = new Map();    // "generation:start_ms" -> timeline entry

// ---------------------------------------------------------------- commands

function send(cmd) {
  if (state.role === "viewer") {
    toast(t("toast.viewer"));
    return Promise.resolve({ ok: false, error: "viewer" });
  }
  const socket = state.socket;
  if (!socket) {
    toast(t("toast.noanswer", { op: cmd.op }), "error");
    return Promise.resolve({ ok: false, error: "no socket" });
  }
  return new Promise((resolve) => {
    socket.timeout(COMMAND_TIMEOUT_MS).emit("command", cmd, (err, res) => {
      if (err) {
        toast(t("toast.noanswer", { op: cmd.op }), "error");
        resolve({ ok: false, error: "timeout" });
        return;
      }
      if (!res || res.ok !== true) {
        const msg = (res && (res.error || res.message)) || "?";
        toast(t("toast.failed", { op: cmd.op, error: msg }), "error");
      }
      resolve(res || { ok: false });
    });
  });
}

/** Enter and the change event both commit a number input: send a value once. */
function justSent(input, value) {
  const now = performance.now();
  if (input._sentValue === value && now - (input._sentAt || 0) < 1000) return true;
  input._sentValue = value;
  input._sentAt = now;
  return false;
}

function hold(input) {
  input._holdUntil = performance.now() + HOLD_MS;
}

/** Write a server value into a control unless the user is busy with it. */
function syncControl(input, value) {
  if (document.activeElement === input) return;
  if (input._holdUntil && performance.now() < input._holdUntil) return;
  const s = String(value);
  if (input.value !== s) input.value = s;
}

// ---------------------------------------------------------------- toasts & banner

function toast(message, kind = "info") {
  const close = el("button", { type: "button", class: "toast-close", "aria-label": t("toast.close") }, "×");
  const node = el("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": "toast" },
    [el("span", { class: "toast-text" }, message), close]);
  const remove = () => node.remove();
  close.addEventListener("click", remove);
  ui.toasts.append(node);
  while (ui.toasts.children.length > 4) ui.toasts.firstElementChild.remove();
  setTimeout(remove, kind === "error" ? 8000 : 4000);
}

function setConnection(status) {
  // status: "connecting" | "ok" | "lost"
  toggleClass(ui.dot, "ok", status === "ok");
  toggleClass(ui.dot, "lost", status === "lost");
  ui.dot.title = t(status === "ok" ? "conn.ok" : status === "lost" ? "conn.offline" : "conn.connecting");
  ui.dot.dataset.i18nTitle = status === "ok" ? "conn.ok" : status === "lost" ? "conn.offline" : "conn.connecting";
  if (status === "ok") {
    setHidden(ui.banner, true);
  } else {
    ui.banner.dataset.i18n = status === "lost" ? "conn.lost" : "conn.connecting";
    setText(ui.banner, t(ui.banner.dataset.i18n));
    setHidden(ui.banner, false);
  }
  document.body.dataset.conn = status;
}

// ---------------------------------------------------------------- role

function setRole(role) {
  state.role = role === "viewer" ? "viewer" : "presenter";
  document.body.dataset.role = state.role;
  setHidden(ui.roleChip, state.role !== "viewer");
  applyDisabled();
}

function applyDisabled() {
  const viewer = state.role === "viewer";
  for (const node of document.querySelectorAll("[data-control]")) {
    const own = node._disabledBySim === true;
    node.disabled = viewer || own;
  }
}

function setSimDisabled(node, off) {
  node._disabledBySim = !!off;
  const d = state.role === "viewer" || !!off;
  if (node.disabled !== d) node.disabled = d;
}

// ---------------------------------------------------------------- header

function pickGroup(snap) {
  const groups = snap.groups || [];
  if (!groups.length) return null;
  let g = groups.find((x) => x.group_id === state.groupId);
  if (!g) g = groups[0];   // the scenario lists its main group first (competition: the share group "queue")
  state.groupId = g.group_id;
  return g;
}

function renderGroupPicker(snap) {
  const groups = snap.groups || [];
  setHidden(ui.groupPick, groups.length < 2);
  const ids = groups.map((g) => g.group_id);
  const have = [...ui.groupSelect.options].map((o) => o.value);
  if (ids.join("\u0000") !== have.join("\u0000")) {
    ui.groupSelect.replaceChildren(...ids.map((id) => el("option", { value: id }, id)));
  }
  if (state.groupId !== null) syncControl(ui.groupSelect, state.groupId);
}

function renderScenarios(snap) {
  const sc = snap.scenarios && typeof snap.scenarios === "object" ? snap.scenarios : null;
  const pick = ui.scenario.closest(".scenario-pick");
  setHidden(pick, !sc);
  if (!sc) return;
  const lang = getLang();
  const ids = Object.keys(sc);
  const sig = ids.map((id) => `${id}=${scenarioLabel(sc[id], id, lang)}`).join("\u0000");
  if (ui.scenario._sig !== sig) {
    ui.scenario._sig = sig;
    ui.scenario.replaceChildren(...ids.map((id) => el("option", { value: id }, scenarioLabel(sc[id], id, lang))));
    ui.scenario.value = snap.scenario ?? ids[0];
  }
  if (snap.scenario) syncControl(ui.scenario, snap.scenario);
}

function scenarioLabel(entry, id, lang) {
  if (entry && typeof entry === "object") return entry[lang] || entry.en || id;
  if (typeof entry === "string") return entry;
  return id;
}

function renderServerError(snap) {
  const err = snap.error;
  setHidden(ui.serverError, !err);
  if (err) setText(ui.serverError, t("err.server", { error: err }));
}

function renderHeader(snap, group) {
  const gs = group ? group.state : "Dead";
  setText(ui.groupId, group ? group.group_id : "");
  setText(ui.groupState, gs);
  setAttr(ui.groupState, "data-state", gs);
  ui.groupState.title = t(`gs.${gs}`) === `gs.${gs}` ? t("gs.unknown") : t(`gs.${gs}`);
  setText(ui.generation, group ? String(group.generation) : "–");
  setText(ui.simTime, fmtSeconds(snap.time_ms));

  const running = !!snap.running;
  setHidden(ui.pause, !running);
  setHidden(ui.resume, running);
  setSimDisabled(ui.step, running);
  document.body.dataset.running = running ? "true" : "false";

  const speed = Number(snap.speed ?? 1);
  if (![...ui.speed.options].some((o) => Number(o.value) === speed)) {
    ui.speed.append(el("option", { value: String(speed) }, `${speed}×`));
  }
  const opt = [...ui.speed.options].find((o) => Number(o.value) === speed);
  if (opt) syncControl(ui.speed, opt.value);
}

// ---------------------------------------------------------------- producer

function keysText(keys) {
  if (!keys) return "–";
  const count = fmtInt(keys.count ?? 0);
  if (keys.mode === "uniform") return t("prod.keys.uniform", { count });
  if (keys.mode === "null" || keys.mode === null) return t("prod.keys.null");
  if (keys.mode === "hot" || keys.mode === "hotkey" || keys.mode === "skewed") {
    return t("prod.keys.hot", { count, share: Math.round((keys.hot_share || 0) * 100) });
  }
  return t("prod.keys.other", { mode: keys.mode ?? "?", count });
}

function renderProducer(snap) {
  const p = snap.producer || {};
  const rate = Number(p.rate ?? 0);
  syncControl(ui.rate, String(Math.round(rate * 10) / 10));
  if (Number(ui.rateSlider.max) < rate) ui.rateSlider.max = String(Math.ceil(rate / 50) * 50);
  syncControl(ui.rateSlider, String(Math.round(rate)));
  setText(ui.keys, keysText(p.keys));
  if (p.keys && p.keys.mode) {
    const mode = String(p.keys.mode);
    if (![...ui.keyMode.options].some((o) => o.value === mode)) ui.keyMode.append(el("option", { value: mode }, mode));
    syncControl(ui.keyMode, mode);
  }
  setText(ui.sent, fmtInt(p.produced));
  setText(ui.results, fmtInt(p.results));
  setText(ui.outstanding, fmtInt(p.outstanding ?? ((p.produced ?? 0) - (p.results ?? 0))));
  const lat = p.latency_ms;
  setText(ui.latency, lat ? `${fmtInt(lat.p50)} / ${fmtInt(lat.p95)} ms` : "-");
}

function commitProducerRate() {
  const v = Number(ui.rate.value);
  if (ui.rate.value === "" || !Number.isFinite(v)) {
    toast(t("toast.failed", { op: "set_producer_rate", error: ui.rate.value || "''" }), "error");
    return;
  }
  const current = state.snap && state.snap.producer ? Number(state.snap.producer.rate) : null;
  if (current !== null && Math.abs(current - v) < 1e-9) return;
  if (justSent(ui.rate, v)) return;
  hold(ui.rate);
  hold(ui.rateSlider);
  send({ op: "set_producer_rate", rate: v });
}

// ---------------------------------------------------------------- topic / partition grid

function partitionRows(snap, group) {
  const rows = [];
  const byKey = new Map();
  if (group) for (const gp of group.partitions || []) byKey.set(`${gp.topic}:${gp.partition}`, gp);
  const topics = snap.topics || [];
  for (const tp of topics) {
    for (const p of tp.partitions || []) {
      const key = `${tp.name}:${p.partition}`;
      const gp = byKey.get(key);
      byKey.delete(key);
      rows.push({
        key, topic: tp.name, partition: p.partition,
        end: gp && gp.log_end_offset !== undefined ? gp.log_end_offset : p.log_end_offset,
        committed: gp ? gp.committed : null,
        lag: gp ? gp.lag : null,
        owner: gp ? gp.owner : null,
      });
    }
  }
  for (const gp of byKey.values()) {  // group partitions of a topic not listed in `topics`
    rows.push({ key: `${gp.topic}:${gp.partition}`, topic: gp.topic, partition: gp.partition,
      end: gp.log_end_offset, committed: gp.committed, lag: gp.lag, owner: gp.owner });
  }
  return rows;
}

function createCell(row, multiTopic) {
  const label = el("span", { class: "p-label" });
  const owner = el("span", { class: "p-owner" });
  const end = el("span", { class: "num" });
  const committed = el("span", { class: "num" });
  const lag = el("span", { class: "num" });
  const bar = el("i");
  const kEnd = el("span", { class: "k", "data-i18n": "topic.end", "data-i18n-title": "topic.end.title" });
  const kCom = el("span", { class: "k", "data-i18n": "topic.committed", "data-i18n-title": "topic.committed.title" });
  const kLag = el("span", { class: "k", "data-i18n": "topic.lag", "data-i18n-title": "topic.lag.title" });
  const root = el("div", {
    class: "pcell", "data-testid": "partition", "data-partition": row.partition, "data-topic": row.topic,
    "data-owner": "",
  }, [
    el("div", { class: "p-head" }, [label, owner]),
    el("div", { class: "p-row" }, [kEnd, end]),
    el("div", { class: "p-row" }, [kCom, committed]),
    el("div", { class: "p-row lag" }, [kLag, lag]),
    el("div", { class: "lagbar" }, [bar]),
  ]);
  applyStatic(root);
  setText(label, multiTopic ? `${row.topic}-${row.partition}` : `P${row.partition}`);
  return { root, label, owner, end, committed, lag, bar, ownerId: undefined };
}

function renderTopic(snap, group) {
  const topics = snap.topics || [];
  const multiTopic = topics.length > 1;
  setText(ui.topicName, topics.map((x) => x.name).join(", "));
  const rows = partitionRows(snap, group);
  setText(ui.topicCount, rows.length ? t("topic.partitions", { n: rows.length }) : t("topic.none"));
  const members = new Map((group ? group.members || [] : []).map((m) => [m.member_id, m]));
  let maxLag = 1;
  for (const r of rows) if (r.lag > maxLag) maxLag = r.lag;
  const compact = rows.length > COMPACT_PARTITIONS;
  toggleClass(ui.pgrid, "compact", compact);
  // A share group (KIP-932) has no partition owner: every member reads every partition.
  const shared = !!group && group.type === "share";
  toggleClass(ui.pgrid, "shared", shared);

  const keep = new Set();
  let order = [];
  for (const row of rows) {
    keep.add(row.key);
    let c = cells.get(row.key);
    if (!c) {
      c = createCell(row, multiTopic);
      cells.set(row.key, c);
    }
    const ownerId = row.owner || "";
    if (c.ownerId !== ownerId) {
      const moved = c.ownerId !== undefined;
      c.ownerId = ownerId;
      setAttr(c.root, "data-owner", ownerId);
      const m = members.get(ownerId);
      const color = ownerId ? (m ? colorFor(m.color) : colors.get(ownerId)) : null;
      if (color) c.root.style.setProperty("--c", color);
      else c.root.style.removeProperty("--c");
      if (moved && !compact && c.root.animate) flash(c.root, color || "#9ca3af");
    }
    toggleClass(c.root, "unassigned", !ownerId && !shared);
    const om = members.get(ownerId);
    setAttr(c.root, "data-owner-state", om ? om.state : "");
    c.row = row;
    if (compact) { order.push(c.root); continue; }
    setText(c.owner, ownerId || t(shared ? "topic.shared" : "topic.unassigned"));
    setText(c.end, fmtInt(row.end));
    setText(c.committed, row.committed === null || row.committed === undefined ? "-" : fmtInt(row.committed));
    setText(c.lag, row.lag === null || row.lag === undefined ? "-" : fmtInt(row.lag));
    const w = row.lag ? Math.min(100, Math.round((row.lag / maxLag) * 100)) : 0;
    const ws = `${w}%`;
    if (c.bar.style.width !== ws) c.bar.style.width = ws;
    order.push(c.root);
  }
  for (const [key, c] of cells) {
    if (!keep.has(key)) { c.root.remove(); cells.delete(key); }
  }
  placeInOrder(ui.pgrid, order);
}

/** A short glow where a partition changed owner (a rebalance drawn where it happens). */
function flash(node, color) {
  node.animate([
    { boxShadow: `0 0 0 7px ${color}`, transform: "scale(1.05)" },
    { boxShadow: "0 0 0 0 transparent", transform: "scale(1)" },
  ], { duration: 1200, easing: "ease-out" });
}

/** Put nodes in `order` inside parent, moving only when the order is wrong. */
function placeInOrder(parent, order) {
  const current = [...parent.children];
  if (current.length === order.length && current.every((n, i) => n === order[i])) return;
  for (const node of order) parent.append(node);
}

// ---------------------------------------------------------------- group / consumer cards

function createCard(m, groupId) {
  const id = m.member_id;
  const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
  const name = el("span", { class: "c-name" }, id);
  const leader = el("span", { class: "c-leader", "data-i18n": "card.leader", "data-i18n-title": "card.leader.title", hidden: true });
  const pill = el("span", { class: "c-state" });
  const phase = el("span", { class: "c-phase", "data-i18n-title": "phase.title" });
  const parts = el("div", { class: "c-parts" });
  const note = el("div", { class: "c-note", "data-testid": "consumer-note", hidden: true });
  const tp = el("span", { class: "num v w5" });
  const lag = el("span", { class: "num v w5" });
  const processed = el("span", { class: "num v w6" });
  const rate = el("input", {
    type: "number", min: "0", max: "1000", step: "1", class: "num c-rate", "data-testid": "consumer-rate",
    "data-control": true, "data-i18n-title": "card.rate.title", "aria-label": id,
  });
  const wins = el("span", { class: "num v w5", "data-testid": "consumer-wins" });
  const redelivered = el("span", { class: "num v w5" });
  const share = el("div", { class: "c-share", hidden: true }, [
    el("span", { class: "k", "data-i18n": "card.wins", "data-i18n-title": "card.wins.title" }), wins,
    el("span", { class: "k", "data-i18n": "card.redelivered", "data-i18n-title": "card.redelivered.title" }), redelivered,
  ]);
  const pauseBtn = el("button", { type: "button", class: "btn sm", "data-testid": "pause-consumer", "data-control": true });
  const stopBtn = el("button", { type: "button", class: "btn sm", "data-testid": "stop-consumer", "data-control": true,
    "data-i18n": "card.stop", "data-i18n-title": "card.stop.title" });
  const killBtn = el("button", { type: "button", class: "btn sm danger", "data-testid": "kill-consumer", "data-control": true,
    "data-i18n": "card.kill", "data-i18n-title": "card.kill.title" });

  const stat = (key, node, unit) => el("div", { class: "c-stat" }, [
    el("span", { class: "k", "data-i18n": key }),
    el("span", { class: "vv" }, unit ? [node, el("span", { class: "unit", "data-i18n": unit })] : [node]),
  ]);

  const root = el("article", {
    class: "card", "data-testid": "consumer", "data-member-id": id, "data-state": m.state,
  }, [
    el("header", { class: "c-head" }, [swatch, name, leader, phase, pill]),
    el("div", { class: "c-mid" }, [parts, el("div", { class: "c-actions" }, [pauseBtn, stopBtn, killBtn])]),
    el("div", { class: "c-stats" }, [
      stat("card.throughput", tp, "card.unit.rps"),
      stat("card.lag", lag),
      stat("card.processed", processed),
      el("label", { class: "c-stat c-rate-wrap", "data-i18n-title": "card.rate.title" }, [
        el("span", { class: "k", "data-i18n": "card.rate" }), rate,
      ]),
    ]),
    share,
    note,
  ]);
  applyStatic(root);

  const view = { root, name, leader, phase, pill, parts, note, tp, lag, processed, rate, pauseBtn, stopBtn, killBtn,
    share, wins, redelivered, lagKey: root.querySelector(".c-stat:nth-child(2) .k"), partsKey: null, member: m };
  pauseBtn.addEventListener("click", () => {
    const paused = view.member.state === "paused";
    send({ op: paused ? "resume_consumer" : "pause_consumer", member_id: id });
  });
  stopBtn.addEventListener("click", () => send({ op: "stop_consumer", member_id: id }));
  killBtn.addEventListener("click", () => {
    send({ op: "kill_consumer", member_id: id });
  });
  const commitRate = () => {
    const v = Number(rate.value);
    if (rate.value === "" || !Number.isFinite(v)) return;
    if (Math.abs(Number(view.member.rate) - v) < 1e-9) return;
    if (justSent(rate, v)) return;
    hold(rate);
    send({ op: "set_consumer_rate", member_id: id, rate: v });
  };
  rate.addEventListener("change", commitRate);
  rate.addEventListener("keydown", (e) => { if (e.key === "Enter") { commitRate(); rate.blur(); } });
  applyRoleTo(root);
  return view;
}

function applyRoleTo(root) {
  if (state.role !== "viewer") return;
  for (const n of root.querySelectorAll("[data-control]")) n.disabled = true;
}

function crashNote(m, snap, group) {
  const key = group.type === "share" ? "group.share.session.timeout.ms" : "session.timeout.ms";
  const timeout = group.config && group.config[key];
  if (timeout === undefined || m.last_heartbeat_ms === undefined || m.last_heartbeat_ms === null) {
    return t("card.crashed.now");
  }
  const left = m.last_heartbeat_ms + timeout - snap.time_ms;
  return left > 0 ? t("card.crashed.in", { s: (left / 1000).toFixed(1) }) : t("card.crashed.now");
}

function updateCard(view, m, snap, group) {
  view.member = m;
  const color = colorFor(m.color);
  if (view.root.style.getPropertyValue("--c") !== color) view.root.style.setProperty("--c", color);
  setAttr(view.root, "data-state", m.state);
  setText(view.pill, t(`ms.${m.state}`) === `ms.${m.state}` ? m.state : t(`ms.${m.state}`));
  setHidden(view.leader, group.leader !== m.member_id);
  const ph = m.phase && m.state !== "crashed" && m.state !== "leaving" ? t(`phase.${m.phase}`) : "";
  setText(view.phase, ph === `phase.${m.phase}` ? m.phase : ph);

  const parts = (m.partitions || []).map((p) => (Array.isArray(p) ? p : [p.topic, p.partition]));
  const multiTopic = (snap.topics || []).length > 1;
  const key = parts.map((p) => p.join("-")).join(",");
  if (key !== view.partsKey) {
    view.partsKey = key;
    if (!parts.length) {
      view.parts.replaceChildren(el("span", { class: "chip none" }, t("card.partitions.none")));
    } else {
      view.parts.replaceChildren(...parts.map(([topic, p]) =>
        el("span", { class: "chip", "data-partition": p, "data-topic": topic }, multiTopic ? `${topic}-${p}` : `P${p}`)));
    }
  } else if (!parts.length) {
    setText(view.parts.firstElementChild, t("card.partitions.none"));
  }

  setText(view.tp, fmtRate(m.throughput));
  setText(view.lag, m.lag === null || m.lag === undefined ? "-" : fmtInt(m.lag));
  setText(view.processed, fmtInt(m.processed));
  const isShare = group.type === "share";
  setHidden(view.share, !isShare);
  // In a share group the card's "lag" is the records this member holds under an acquisition lock.
  const lagKey = isShare ? "card.locked" : "card.lag";
  if (view.lagKey.dataset.i18n !== lagKey) {
    view.lagKey.dataset.i18n = lagKey;
    setText(view.lagKey, t(lagKey));
    view.lagKey.title = isShare ? t("card.locked.title") : "";
  }
  if (isShare) {
    setText(view.wins, fmtInt(m.wins));
    setText(view.redelivered, fmtInt(m.redelivered));
  }
  if (m.rate !== undefined && m.rate !== null) syncControl(view.rate, String(Math.round(Number(m.rate) * 10) / 10));

  let note = "";
  if (m.state === "crashed") note = crashNote(m, snap, group);
  else if (m.state === "leaving") note = t("card.leaving");
  setText(view.note, note);
  view.pill.title = m.state === "paused" ? t("card.paused") : note;
  setHidden(view.note, !note);

  const gone = m.state === "crashed" || m.state === "leaving";
  const paused = m.state === "paused";
  setText(view.pauseBtn, t(paused ? "card.resume" : "card.pause"));
  view.pauseBtn.title = t(paused ? "card.resume.title" : "card.pause.title");
  setAttr(view.pauseBtn, "data-testid", paused ? "resume-consumer" : "pause-consumer");
  for (const b of [view.pauseBtn, view.stopBtn, view.killBtn, view.rate]) setSimDisabled(b, gone);
}

function memberSort(a, b) {
  const ca = Number.isInteger(a.color) ? a.color : 1e9;
  const cb = Number.isInteger(b.color) ? b.color : 1e9;
  if (ca !== cb) return ca - cb;
  return String(a.member_id).localeCompare(String(b.member_id));
}

function renderGroup(snap, group) {
  setText(ui.groupName, group ? group.group_id : "");
  if (group && group.assignor) {
    if (![...ui.assignor.options].some((o) => o.value === group.assignor)) {
      ui.assignor.append(el("option", { value: group.assignor }, group.assignor));
    }
    syncControl(ui.assignor, group.assignor);
  }
  const members = group ? [...(group.members || [])].sort(memberSort) : [];
  const isShare = !!group && group.type === "share";
  const coop = group && (group.protocol === "cooperative" || group.assignor === "cooperative-sticky");
  setHidden(ui.assignor.closest("label"), isShare);
  setHidden(ui.competition, !isShare);
  if (isShare) setText(ui.competition, t("group.competition", { c: t(`comp.${group.competition}`) }));
  ui.competition.title = isShare ? t(`group.competition.${group.competition}.title`) : "";
  setText(ui.protocol, !group ? "" : t(isShare ? "group.protocol.share"
    : coop ? "group.protocol.cooperative" : "group.protocol.eager"));
  const active = members.filter((m) => m.state === "active" || m.state === "paused").length;
  setText(ui.pwin, t(isShare && group.competition === "first-free" ? "group.pwin.firstfree"
    : isShare ? "group.pwin.random" : "group.pwin", { n: active }));
  ui.pwin.dataset.i18nTitle = isShare ? `group.pwin.${group.competition === "first-free" ? "firstfree" : "random"}.title`
    : "group.pwin.title";
  ui.pwin.title = t(ui.pwin.dataset.i18nTitle);

  toggleClass(ui.cards, "compact", members.length > COMPACT_MEMBERS);
  const keep = new Set();
  const order = [];
  for (const m of members) {
    keep.add(m.member_id);
    let view = cards.get(m.member_id);
    if (!view) {
      view = createCard(m, group.group_id);
      cards.set(m.member_id, view);
    }
    updateCard(view, m, snap, group);
    order.push(view.root);
  }
  for (const [id, view] of cards) {
    if (!keep.has(id)) { view.root.remove(); cards.delete(id); }
  }
  placeInOrder(ui.cards, order);
  setHidden(ui.empty, members.length > 0);
  setSimDisabled(ui.add, !group);
}

// ---------------------------------------------------------------- timeline, narration, log

function renderTimeline(snap, group) {
  const list = group ? (group.rebalances || []).slice(-TIMELINE_MAX) : [];
  setHidden(ui.tlNone, list.length > 0);
  const keep = new Set();
  const order = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const r = list[i];
    const key = `${r.generation}:${r.start_ms}`;
    keep.add(key);
    let item = tlItems.get(key);
    if (!item) {
      const gen = el("span", { class: "tl-gen" });
      const at = el("span", { class: "tl-at num" });
      const reason = el("span", { class: "tl-reason" });
      const moved = el("span", { class: "tl-moved" });
      const dur = el("span", { class: "tl-dur num" });
      const root = el("li", { class: "tl-item", "data-generation": r.generation }, [gen, at, reason, moved, dur]);
      item = { root, gen, at, reason, moved, dur };
      tlItems.set(key, item);
    }
    const running = r.end_ms === null || r.end_ms === undefined;
    toggleClass(item.root, "running", running);
    setText(item.gen, t("tl.gen", { g: r.generation }));
    setText(item.at, `t=${(r.start_ms / 1000).toFixed(1)}s`);
    setText(item.reason, localized(r, "reason"));
    setText(item.moved, running ? "" : t("tl.moved", { n: r.moved ?? 0 }));
    const ms = (running ? snap.time_ms : r.end_ms) - r.start_ms;
    setText(item.dur, running ? t("tl.running") : t("tl.duration", { s: (ms / 1000).toFixed(2) }));
    order.push(item.root);
  }
  for (const [key, item] of tlItems) {
    if (!keep.has(key)) { item.root.remove(); tlItems.delete(key); }
  }
  placeInOrder(ui.timeline, order);
}

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

function showNarration(e) {
  ui.narrText.removeAttribute("data-i18n");
  const text = eventText(e);
  setText(ui.narrText, text);
  ui.narrText.title = text;
  setText(ui.narrTime, fmtSeconds(e.time_ms));
}

function rerenderEvents() {
  ui.log.replaceChildren(...state.events.map(logItem).reverse());
  if (state.events.length) showNarration(state.events[state.events.length - 1]);
}

function renderEvents(snap) {
  const events = snap.events || [];
  const fresh = [];
  for (const e of events) {
    const seq = typeof e.seq === "number" ? e.seq : null;
    if (seq !== null && state.lastSeq !== null && seq <= state.lastSeq) continue;
    fresh.push(e);
    if (seq !== null) state.lastSeq = state.lastSeq === null ? seq : Math.max(state.lastSeq, seq);
  }
  if (!fresh.length) return;
  const recent = fresh.slice(-LOG_MAX);
  for (const e of recent) ui.log.prepend(logItem(e));
  while (ui.log.children.length > LOG_MAX) ui.log.lastElementChild.remove();
  state.events.push(...recent);
  if (state.events.length > LOG_MAX) state.events.splice(0, state.events.length - LOG_MAX);
  showNarration(recent[recent.length - 1]);
  if (ui.narration.animate) {
    ui.narration.animate([{ backgroundColor: "#fef3c7" }, { backgroundColor: "#ffffff" }], { duration: 1200, easing: "ease-out" });
  }
}

function clearEvents() {
  state.lastSeq = null;
  state.events = [];
  ui.log.replaceChildren();
  ui.narrText.dataset.i18n = "narr.waiting";
  setText(ui.narrText, t("narr.waiting"));
  setText(ui.narrTime, "");
}

// ---------------------------------------------------------------- whole-page render

function render(snap) {
  for (const g of snap.groups || []) colors.learn(g.members);
  renderGroupPicker(snap);
  renderScenarios(snap);
  renderServerError(snap);
  const group = pickGroup(snap);
  renderHeader(snap, group);
  renderProducer(snap);
  renderTopic(snap, group);
  renderGroup(snap, group);
  renderTimeline(snap, group);
  renderEvents(snap);
  for (const p of PANELS) if (p.render) p.render(snap, group, panelCtx);
  return group;
}

function onSnapshot(snap) {
  state.snap = snap;
  state.lastTime = snap.time_ms;
  clearEvents();
  for (const g of snap.groups || []) colors.learn(g.members);
  const group = render(snap);
  charts.select(group ? group.group_id : null);
  charts.seed(snap);
  charts.redraw();
  document.body.dataset.ready = "true";
}

const perf = { render_ms: 0, draw_ms: 0, ticks: 0 };

function onTick(msg) {
  // A delta tick (docs/wire.md) is merged into the last full state; without one, wait for a full tick.
  if (msg.delta && !state.snap) return;
  const snap = msg.delta ? applyDelta(state.snap, msg) : msg;
  if (!state.snap || (state.lastTime !== null && snap.time_ms < state.lastTime)) {
    // First data, or the simulation was reset without a snapshot reaching us.
    onSnapshot(snap);
    return;
  }
  const t0 = performance.now();
  state.snap = snap;
  state.lastTime = snap.time_ms;
  const group = render(snap);
  charts.select(group ? group.group_id : null);
  charts.ingest(snap);
  charts.schedule();
  perf.ticks += 1;
  perf.render_ms = 0.8 * perf.render_ms + 0.2 * (performance.now() - t0);
  perf.draw_ms = charts.lastDrawMs;
}

// ---------------------------------------------------------------- wiring

function wireControls() {
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
  ui.keyMode.addEventListener("change", () => {
    hold(ui.keyMode);
    send({ op: "set_keys", mode: ui.keyMode.value });
  });
  ui.pgrid.addEventListener("mouseover", (e) => {
    const cell = e.target.closest && e.target.closest(".pcell");
    if (!cell || !ui.pgrid.classList.contains("compact")) return;
    const c = cells.get(`${cell.dataset.topic}:${cell.dataset.partition}`);
    if (!c || !c.row) return;
    const r = c.row;
    cell.title = `${r.topic}-${r.partition} · ${r.owner || t("topic.unassigned")} · ${t("topic.end")} ${fmtInt(r.end)} · `
      + `${t("topic.committed")} ${r.committed ?? "-"} · ${t("topic.lag")} ${r.lag ?? "-"}`;
  });
  ui.speed.addEventListener("change", () => {
    hold(ui.speed);
    send({ op: "set_speed", factor: Number(ui.speed.value) });
  });
  ui.rate.addEventListener("change", commitProducerRate);
  ui.rate.addEventListener("keydown", (e) => { if (e.key === "Enter") { commitProducerRate(); } });
  ui.rateSlider.addEventListener("input", () => {
    hold(ui.rateSlider);
    hold(ui.rate);
    ui.rate.value = ui.rateSlider.value;
  });
  ui.rateSlider.addEventListener("change", () => {
    ui.rate.value = ui.rateSlider.value;
    commitProducerRate();
  });
  ui.assignor.addEventListener("change", () => {
    hold(ui.assignor);
    send({ op: "set_assignor", group_id: state.groupId, assignor: ui.assignor.value });
  });
  ui.add.addEventListener("click", () => send({ op: "add_consumer", group_id: state.groupId ?? undefined }));
  ui.groupSelect.addEventListener("change", () => {
    state.groupId = ui.groupSelect.value;
    if (state.snap) {
      const group = render(state.snap);
      charts.select(group ? group.group_id : null);
      charts.redraw();
    }
  });
  ui.lang.value = getLang();
  ui.lang.addEventListener("change", () => setLang(ui.lang.value));
  onLangChange(() => {
    rerenderEvents();
    if (state.snap) render(state.snap);
    charts.redraw();
  });
  // Keyboard and presenter-clicker keys live in static/classroom.js.
}

/** The number typed in an input, or `fallback` when it is empty (the engine validates the rest). */
function numberOr(input, fallback) {
  if (!input || input.value.trim() === "") return fallback;
  const v = Number(input.value);
  return Number.isFinite(v) ? v : input.value;
}

function connect() {
  if (typeof window.io !== "function") {
    setConnection("lost");
    toast(t("conn.noclient"), "error");
    return;
  }
  const socket = window.io({ reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 3000,
    query: { ticks: "delta" } });
  state.socket = socket;
  socket.on("connect", () => setConnection("ok"));
  socket.on("disconnect", () => setConnection("lost"));
  socket.on("connect_error", () => setConnection("lost"));
  socket.on("role", (msg) => setRole(msg && msg.role));
  socket.on("snapshot", onSnapshot);
  socket.on("tick", onTick);
}

/** What a feature panel (static/panels.js) gets: the page's shared helpers. */
const panelCtx = { send, state, toast, colors, charts, q, t, setDisabled: setSimDisabled };

function main() {
  for (const p of PANELS) if (p.init) p.init(panelCtx);
  applyStatic();
  setRole(state.role);
  setConnection("connecting");
  wireControls();
  connect();
  // Exposed for debugging in the browser console and for tests.
  window.groupviz = { state, send, charts, setRole, perf };
}

main();
