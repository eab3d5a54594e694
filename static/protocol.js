// The protocol made visible (issue 15), in the Kafka details view: every request and response between
// the shown group's members and its coordinator as an arrow on simulated time (the group row's `wire`,
// docs/wire.md), the newest ones listed, and who owns each partition over the last 30 simulated seconds
// (owned, revoking, unowned, newly assigned), sampled from the snapshots this page received.
// Plugged in through panels.js; text via textContent only.
import { isDispatch } from "./dispatch-i18n.js";
import { addMessages, t } from "./i18n.js";
import { el, q, reconcile, setText, setAttr, setHidden } from "./dom.js";
import { colors } from "./palette.js";

const WINDOW_MS = 4000;       // the arrows' time axis
const LISTED = 8;             // messages listed under it
const SAMPLE_MS = 500;        // ownership sampled every half simulated second...
const SAMPLES = 60;           // ...for 30 s
const MAX_ROWS = 24;          // partitions drawn (a large topic shows its first ones)
const SVG = "http://www.w3.org/2000/svg";
const CLASSIC_APIS = new Set(["JoinGroup", "SyncGroup", "Heartbeat", "LeaveGroup"]);
let shownClassic = false;     // the group shown speaks the classic protocol (its OffsetCommits carry a generation)
const ROUTINE = new Set(["Heartbeat", "ConsumerGroupHeartbeat", "ShareGroupHeartbeat", "OffsetCommit"]);

/** A heartbeat or commit that changes nothing: no error, no assignment, not a join (epoch 0) or leave (-1). */
function routine(w) {
  return ROUTINE.has(w.api) && (!w.error || w.error === "NONE") && !w.assignment && w.epoch !== 0 && w.epoch !== -1;
}

addMessages({
  en: {
    "pv.title": "Protocol: requests and responses",
    "pv.hint": "{g} · the last {s} s of simulated time; slow motion or Step shows each message",
    "pv.none": "This group exchanges no group-protocol messages (a Flink job assigns its splits itself).",
    "pv.own.share": "Share group: every member fetches from every partition (KIP-932), so no partition has one owner; the broker hands out records under locks (see the share panel).",
    "pv.heartbeats": "show routine heartbeats and commits",
    "pv.coordinator": "coordinator",
    "pv.req": "{t} s  {m} → coordinator  {api}",
    "pv.resp": "{t} s  coordinator → {m}  {api}",
    "pv.epoch": "epoch {e}",
    "pv.gen": "generation {e}",
    "pv.owned": "owns {n}",
    "pv.assign": "assignment {a}",
    "pv.own.title": "Who owns each partition (last 30 s)",
    "pv.own.owned": "owned (member colour)",
    "pv.own.new": "newly assigned",
    "pv.own.revoking": "revoking",
    "pv.own.unowned": "unowned: nobody processes it",
    "pv.own.more": "first {n} of {total} partitions",
  },
  zh: {
    "pv.title": "协议：请求与响应",
    "pv.hint": "{g} · 最近 {s} 秒模拟时间；慢放或单步可以看清每条消息",
    "pv.none": "这个组没有组协议消息（Flink 作业自己分配分片）。",
    "pv.own.share": "共享组：每个成员都从每个分区拉取（KIP-932），分区没有唯一的持有者；broker 在锁定下逐条分发记录（见共享组面板）。",
    "pv.heartbeats": "显示例行心跳与提交",
    "pv.coordinator": "协调者",
    "pv.req": "{t} 秒  {m} → 协调者  {api}",
    "pv.resp": "{t} 秒  协调者 → {m}  {api}",
    "pv.epoch": "纪元 {e}",
    "pv.gen": "第 {e} 代",
    "pv.owned": "持有 {n} 个",
    "pv.assign": "分配 {a}",
    "pv.own.title": "每个分区由谁持有（最近 30 秒）",
    "pv.own.owned": "已持有（成员颜色）",
    "pv.own.new": "新分配",
    "pv.own.revoking": "撤销中",
    "pv.own.unowned": "无人持有：没有成员在处理",
    "pv.own.more": "共 {total} 个分区，只显示前 {n} 个",
  },
});

let ui = null;
const history = new Map();    // group_id -> {last_ms, samples: [{time_ms, cells: [[owner, status], ...]}]}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function tpText(list) {
  const by = new Map();
  for (const [topic, p] of list || []) by.set(topic, [...(by.get(topic) || []), p]);
  return [...by].map(([topic, ps]) => `${topic}:${ps.sort((a, b) => a - b).join(",")}`).join(";") || "-";
}

/** One message as a line of text: who, which request, and what it carries. */
export function messageText(w) {
  const parts = [t(w.dir === "request" ? "pv.req" : "pv.resp", { t: (w.sent_ms / 1000).toFixed(3), m: w.member_id, api: w.api })];
  if (w.error) parts.push(w.error);
  // a classic group's messages carry its generation; KIP-848's and share groups' a member epoch
  if (w.epoch !== undefined) parts.push(t(CLASSIC_APIS.has(w.api) || shownClassic ? "pv.gen" : "pv.epoch", { e: w.epoch }));
  if (w.owned !== undefined) parts.push(t("pv.owned", { n: w.owned }));
  if (w.assignment) parts.push(t("pv.assign", { a: tpText(w.assignment) }));
  return parts.join(" · ");
}

// ------------------------------------------------------------------ arrows

function drawArrows(g, wire, now) {
  const box = ui.lanes;
  const width = Math.max(box.clientWidth || 600, 200);
  const members = (g.members || []).map((m) => m.member_id);
  for (const w of wire) if (!members.includes(w.member_id)) members.push(w.member_id);
  const laneH = 18;
  const height = laneH * (members.length + 1) + 8;
  const x0 = 96;
  const x = (ms) => x0 + ((ms - (now - WINDOW_MS)) / WINDOW_MS) * (width - x0 - 8);
  const y = (who) => (who === null ? 12 : 12 + laneH * (members.indexOf(who) + 1));
  box.replaceChildren();
  box.setAttribute("viewBox", `0 0 ${width} ${height}`);
  box.setAttribute("height", String(height));
  const lanes = [[null, t("pv.coordinator")], ...members.map((m) => [m, m])];
  for (const [who, label] of lanes) {
    box.append(svg("line", { x1: x0, x2: width - 8, y1: y(who), y2: y(who), class: "pv-lane" }));
    const text = svg("text", { x: 4, y: y(who) + 4, class: "pv-lane-label" });
    text.textContent = label;
    if (who !== null) text.setAttribute("fill", colors.get(who));
    box.append(text);
  }
  for (const w of wire) {
    if (w.arrive_ms < now - WINDOW_MS) continue;
    const req = w.dir === "request";
    const line = svg("line", {
      x1: x(w.sent_ms), y1: y(req ? w.member_id : null), x2: x(w.arrive_ms), y2: y(req ? null : w.member_id),
      class: `pv-arrow${w.error && w.error !== "NONE" ? " err" : ""}`, "data-api": w.api, "marker-end": "url(#pv-head)",
    });
    const title = svg("title", {});
    title.textContent = messageText(w);
    line.append(title);
    box.append(line);
  }
  const defs = svg("defs", {});
  const marker = svg("marker", { id: "pv-head", viewBox: "0 0 6 6", refX: 5, refY: 3, markerWidth: 5, markerHeight: 5, orient: "auto" });
  marker.append(svg("path", { d: "M0,0 L6,3 L0,6 z", class: "pv-head" }));
  defs.append(marker);
  box.prepend(defs);
}

function createItem() {
  return { root: el("li", { class: "pv-msg num", "data-testid": "protocol-message" }) };
}

function updateItem(v, w) {
  setText(v.root, messageText(w));
  setAttr(v.root, "data-api", w.api);
  setAttr(v.root, "data-dir", w.dir);
  setAttr(v.root, "data-error", w.error || "");
}

// ------------------------------------------------------------------ ownership

/** Each partition's owner and status now: owned, new (its owner changed since the last sample),
 * revoking (a KIP-848 member still holds it pending revocation) or unowned. */
function cellsNow(g, prev) {
  const pending = new Map();
  for (const m of g.members || []) for (const [, p] of m.pending_revocation || []) pending.set(p, m.member_id);
  return (g.partitions || []).map((p, i) => {
    const owner = p.owner ?? pending.get(p.partition) ?? null;
    if (owner === null) return [null, "unowned"];
    if (pending.has(p.partition)) return [owner, "revoking"];
    const before = prev ? prev.cells[i] : null;
    return [owner, before && before[0] !== owner ? "new" : "owned"];
  });
}

function sample(g, now) {
  let h = history.get(g.group_id);
  if (!h || now < h.last_ms) { h = { last_ms: -Infinity, samples: [] }; history.set(g.group_id, h); }
  if (now - h.last_ms < SAMPLE_MS) return h;
  h.samples.push({ time_ms: now, cells: cellsNow(g, h.samples[h.samples.length - 1]) });
  if (h.samples.length > SAMPLES) h.samples.shift();
  h.last_ms = now;
  return h;
}

function createRow(p) {
  const label = el("span", { class: "pv-own-label num" }, `p${p.partition}`);
  const track = el("span", { class: "pv-own-track" });
  for (let i = 0; i < SAMPLES; i++) track.append(el("span", { class: "pv-cell" }));
  return { root: el("div", { class: "pv-own-row", "data-testid": "ownership-row", "data-partition": String(p.partition) }, [label, track]), track };
}

function updateRow(v, p, i, samples) {
  const cells = v.track.children;
  const offset = SAMPLES - samples.length;
  for (let k = 0; k < SAMPLES; k++) {
    const s = k >= offset ? samples[k - offset].cells[i] ?? null : null;    // a partition added since: none
    const status = s ? s[1] : "";
    const cell = cells[k];
    if (cell.dataset.status !== status) cell.dataset.status = status;
    const bg = s && s[0] ? colors.get(s[0]) : "";
    if (cell.style.getPropertyValue("--owner") !== bg) cell.style.setProperty("--owner", bg);
  }
  const last = samples.length ? samples[samples.length - 1].cells[i] : null;
  setAttr(v.root, "data-now", last ? last[1] : "");
}

function drawOwnership(g, h) {
  const unowned = g.type === "share" || isDispatch(g);
  setHidden(ui.ownLegend, unowned);
  if (unowned) {       // no owner per partition: say why instead of drawing every row unowned
    reconcile(ui.own, [], () => "", createRow, () => {});
    setHidden(ui.ownMore, false);
    setText(ui.ownMore, t(isDispatch(g) ? "pv.own.dispatch" : "pv.own.share"));
    return;
  }
  const parts = (g.partitions || []).slice(0, MAX_ROWS);
  reconcile(ui.own, parts, (p) => `${g.group_id}:${p.partition}`, createRow,
    (v, p, i) => updateRow(v, p, i, h.samples));
  const total = (g.partitions || []).length;
  setHidden(ui.ownMore, total <= MAX_ROWS);
  setText(ui.ownMore, t("pv.own.more", { n: MAX_ROWS, total }));
}

// ------------------------------------------------------------------ the panel

export function init() {
  ui = {
    root: q("protocol-view"), hint: q("protocol-hint"), lanes: q("protocol-lanes"), list: q("protocol-messages"),
    none: q("protocol-none"), beats: q("protocol-heartbeats"), own: q("ownership-timeline"), ownMore: q("ownership-more"),
    ownLegend: q("ownership-legend"),
  };
  ui.beats.addEventListener("change", () => { ui.sig = ""; });
}

export function render(snap, group) {
  if (!ui || !ui.root) return;
  for (const g of snap.groups || []) if (g.wire && g.type === "consumer") sample(g, snap.time_ms);
  const wireAll = group && group.wire ? group.wire : null;
  setHidden(ui.none, !!wireAll);
  setHidden(ui.lanes, !wireAll);
  setText(ui.hint, isDispatch(group) ? t("pv.dispatch", { g: group.group_id })
    : t("pv.hint", { g: group ? group.group_id : "-", s: WINDOW_MS / 1000 }));
  if (!wireAll) {
    ui.list.replaceChildren();
    ui.own.replaceChildren();
    return;
  }
  shownClassic = group.type === "consumer" && group.group_protocol !== "consumer";
  const wire = ui.beats.checked ? wireAll : wireAll.filter((w) => !routine(w));
  const sig = `${snap.time_ms}|${group.group_id}|${ui.beats.checked}|${document.documentElement.lang}`;
  if (sig === ui.sig) return;
  ui.sig = sig;
  drawArrows(group, wire, snap.time_ms);
  const newest = wire.slice(-LISTED).reverse();
  reconcile(ui.list, newest, (w) => `${w.sent_ms}:${w.member_id}:${w.dir}:${w.api}`, createItem, updateItem);
  drawOwnership(group, history.get(group.group_id) || { samples: [] });
}
