// groupviz page: renders the snapshot JSON of docs/wire.md and sends commands. This module connects
// the socket to the store (store.js) and, on every change, renders the board areas and the feature
// panels in order; each area updates its DOM in place (keyed by member id / partition), so buttons
// stay clickable while ticks arrive ten times a second.
import { t, applyStatic, onLangChange } from "./i18n.js";
import { q } from "./dom.js";
import { colors } from "./palette.js";
import { Charts } from "./charts.js";
import { layoutChanged } from "./hooks.js";
import { select, subscribe, selectedGroup, receiveSnapshot, receiveTick, setRole } from "./store.js";
import { send, toast, useSocket, currentSocket } from "./commands.js";
import * as header from "./header.js";
import * as producer from "./producer.js";
import * as topic from "./topic.js";
import * as group from "./group.js";
import * as story from "./story.js";
import { PANELS } from "./panels.js";

/** The board, left to right and top to bottom, then the feature panels (panels.js). */
const AREAS = [header, producer, topic, group, story];

const charts = new Charts(q("lag-chart"), q("throughput-chart"), colors);
const perf = { render_ms: 0, draw_ms: 0, ticks: 0 };

function render(s) {
  const snap = s.snap;
  for (const g of snap.groups || []) colors.learn(g.members);
  const shown = selectedGroup(s);
  for (const area of AREAS) area.render(snap, shown);
  for (const p of PANELS) p.render(snap, shown);
  charts.select(shown ? shown.group_id : null);
}

// Ticks are merged and sampled as they arrive, but drawn at most once per animation frame: a page whose
// render of a tick costs more than 100 ms (the large scenario, 1,000 partitions and 200 cards, on a slow
// machine) then draws the newest state each frame instead of falling further behind the server. The
// events of ticks not drawn are kept (seq-ordered; story.js skips any it has shown) and drawn with the
// next frame; at most EVENTS_HELD of them, for a hidden tab that draws no frames.
const EVENTS_HELD = 500;
let heldEvents = [];
let frame = 0;

function drawTick() {
  frame = 0;
  const s = select((st) => st);
  if (!s.snap) return;
  const t0 = performance.now();
  if (heldEvents.length) s.snap.events = heldEvents;
  heldEvents = [];
  render(s);
  charts.schedule();
  perf.render_ms = 0.8 * perf.render_ms + 0.2 * (performance.now() - t0);
  perf.draw_ms = charts.lastDrawMs;
}

function onChange(s, change) {
  if (!s.snap || change === "role") return;
  if (change === "snapshot") {
    heldEvents = [];
    story.clear();
    render(s);
    charts.seed(s.snap);
    charts.redraw();
    document.body.dataset.ready = "true";
  } else if (change === "tick") {
    charts.ingest(s.snap);
    perf.ticks += 1;
    const events = s.snap.events || [];     // held until the next frame draws them (drawTick empties it)
    if (events.length) heldEvents = heldEvents.concat(events).slice(-EVENTS_HELD);
    if (!frame) frame = requestAnimationFrame(drawTick);
  } else {
    render(s);
    charts.redraw();
  }
}

function connect() {
  if (typeof window.io !== "function") {
    header.setConnection("lost");
    toast(t("conn.noclient"), "error");
    return;
  }
  // Behind several workers (app.py --workers) the page uses WebSocket only: one connection, one worker.
  const only = document.body.dataset.transport ? { transports: [document.body.dataset.transport] } : {};
  const socket = window.io({ reconnection: true, reconnectionDelay: 500, reconnectionDelayMax: 3000,
    query: { ticks: "delta" }, ...only });
  useSocket(socket);
  socket.on("connect", () => header.setConnection("ok"));
  socket.on("disconnect", () => header.setConnection("lost"));
  socket.on("connect_error", () => header.setConnection("lost"));
  socket.on("role", (msg) => setRole(msg && msg.role));
  // a worker's link to Redis and the engine process ("ok" | "queue" | "engine"); the state stays on screen
  socket.on("link", (msg) => header.setConnection(msg && msg.status === "ok" ? "ok" : (msg && msg.status) || "queue"));
  socket.on("snapshot", receiveSnapshot);
  socket.on("tick", receiveTick);
}

/** For the browser console and the tests: the state as it is now, the socket, and the page's commands. */
const debugState = Object.defineProperties({}, {
  snap: { get: () => select((s) => s.snap), enumerable: true },
  groupId: { get: () => select((s) => s.groupId), enumerable: true },
  role: { get: () => select((s) => s.role), enumerable: true },
  socket: { get: currentSocket, enumerable: true },
});

function main() {
  layoutChanged.push(() => charts.relayout());
  for (const p of PANELS) p.init();
  applyStatic();
  for (const area of AREAS) area.init();
  subscribe(onChange);
  onLangChange(() => {
    story.relabel();
    if (select((s) => s.snap)) render(select((s) => s));
    charts.redraw();
  });
  connect();
  window.groupviz = { state: debugState, send, charts, setRole, perf };
}

main();
