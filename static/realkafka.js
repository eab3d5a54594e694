// Real Kafka on the page (snapshot.backend, docs/wire.md): a "real Kafka" label naming the cluster
// (embedded mock or the external bootstrap; never a librdkafka property), the controls real Kafka
// cannot honour disabled with a tooltip saying why, a caption saying which group the charts show, and
// in twin mode the simulated and the real group one above the other: assignment, rebalance timeline
// (each on its own backend's elapsed time) and the differences that come from the cluster.
import { addMessages, t } from "./i18n.js";
import { el, q, setText, setAttr, setHidden, reconcile, fmtInt, fmtRate } from "./dom.js";
import { setDisabled } from "./controls.js";
import { colors } from "./palette.js";

const TIMELINE_S = 120;      // the twin timelines show the last two minutes of each backend

addMessages({
  en: {
    "rk.label.embedded": "real Kafka · embedded mock cluster {b}",
    "rk.label.external": "real Kafka · cluster {b}",
    "rk.label.twin": " · twin",
    "rk.label.observe": " · observing {g}",
    "rk.label.title": "This page drives real librdkafka clients, one OS process per consumer, in wall time",
    "rk.off.time": "Real Kafka runs in wall time: it cannot be paused, stepped, sped up or reset",
    "rk.off.lesson": "Lessons and replays run on the simulation: start groupviz without --kafka",
    "rk.off.topic": "groupviz does not change the topic on a real cluster",
    "rk.off.observe": "Observer mode only watches: it never joins, produces or commits",
    "rk.charts": " · {g}",
    "rk.charts.twin": " · {g} (simulated); the real {k} is in the twin panel",
    "rk.twin.title": "Simulation and real Kafka, one above the other",
    "rk.twin.sim": "simulation · {g}",
    "rk.twin.kafka": "real Kafka · {g}",
    "rk.twin.stats": "{s} · generation {gen} · lag {lag} · {tp} rec/s",
    "rk.twin.axis": "rebalances over the last {w} s of this backend (elapsed {e} s since it started)",
    "rk.twin.differences": "Differences that come from the cluster",
    "rk.twin.free": "unowned",
  },
  zh: {
    "rk.label.embedded": "真实 Kafka · 内嵌模拟集群 {b}",
    "rk.label.external": "真实 Kafka · 集群 {b}",
    "rk.label.twin": " · 双胞胎",
    "rk.label.observe": " · 观察 {g}",
    "rk.label.title": "本页驱动真实的 librdkafka 客户端，每个消费者一个进程，按真实时间运行",
    "rk.off.time": "真实 Kafka 按真实时间运行：不能暂停、单步、加速或重置",
    "rk.off.lesson": "课程和回放只在模拟上运行：不带 --kafka 启动 groupviz",
    "rk.off.topic": "groupviz 不修改真实集群上的主题",
    "rk.off.observe": "观察模式只观察：从不加入、生产或提交",
    "rk.charts": " · {g}",
    "rk.charts.twin": " · {g}（模拟）；真实的 {k} 见双胞胎面板",
    "rk.twin.title": "模拟与真实 Kafka，上下对照",
    "rk.twin.sim": "模拟 · {g}",
    "rk.twin.kafka": "真实 Kafka · {g}",
    "rk.twin.stats": "{s} · 代 {gen} · 积压 {lag} · {tp} 条/秒",
    "rk.twin.axis": "该后端最近 {w} 秒的再均衡（启动后 {e} 秒）",
    "rk.twin.differences": "来自集群的差异",
    "rk.twin.free": "无主",
  },
});

/** Controls real Kafka cannot honour, by test id, with the reason shown as their tooltip. */
const OFF = {
  pause: "rk.off.time", step: "rk.off.time", "step-ms": "rk.off.time", speed: "rk.off.time", seed: "rk.off.time",
  reset: "rk.off.time", resume: "rk.off.time", scenario: "rk.off.lesson", "lesson-select": "rk.off.lesson",
  "lesson-prev": "rk.off.lesson", "lesson-next": "rk.off.lesson", "lesson-autoplay": "rk.off.lesson",
  "load-log": "rk.off.lesson", "add-partition": "rk.off.topic",
};
const OBSERVE_OFF = ["add-consumer", "producer-rate", "producer-rate-slider", "key-mode", "hot-share", "assignor",
  "add-group-id"];

let ui = null;

export function init() {
  ui = { label: q("backend-label"), twin: q("twin"), sides: q("twin-sides"), diffs: q("twin-differences"),
    chartOf: [...document.querySelectorAll(".chart-of")], lessons: document.querySelector(".lesson-ctl"),
    resultRows: ["producer-results", "producer-outstanding", "producer-latency"].map((id) => q(id).parentElement)
      .concat([document.querySelector('.producer [data-i18n="prod.explain"]')]).filter(Boolean),
    time: document.querySelector('[data-i18n="hdr.time"]') };
}

function label(b) {
  let text = t(b.cluster === "embedded" ? "rk.label.embedded" : "rk.label.external", { b: b.bootstrap || "" });
  if (b.twin) text += t("rk.label.twin");
  if (b.observe) text += t("rk.label.observe", { g: b.observe.join(", ") });
  return text;
}

function disableControls(b) {
  const off = { ...OFF };
  if (b.observe) for (const id of OBSERVE_OFF) off[id] = "rk.off.observe";
  for (const [id, key] of Object.entries(off)) {
    for (const node of document.querySelectorAll(`[data-testid="${id}"]`)) {
      setDisabled(node, true);
      setAttr(node, "title", t(key));
    }
  }
}

export function render(snap, group) {
  const b = snap.backend || { kind: "simulation" };
  const real = b.kind === "kafka";
  setHidden(ui.label, !real);
  // Scenarios and lessons script the simulation: on a real cluster the bar gives their room to the label.
  // Real consumers send no results back to the producer (the seed's reply path is simulated), so those
  // rows and the sentence that explains them are not shown either.
  setHidden(ui.lessons, real);
  for (const node of ui.resultRows) setHidden(node, real);
  if (ui.time.dataset.i18n !== (real ? "hdr.time.real" : "hdr.time")) {
    ui.time.dataset.i18n = real ? "hdr.time.real" : "hdr.time";
    setText(ui.time, t(ui.time.dataset.i18n));
  }
  if (!real) { setHidden(ui.twin, true); return; }
  setText(ui.label, label(b));
  setAttr(ui.label, "title", t("rk.label.title"));
  disableControls(b);
  const tw = snap.twin;
  const caption = tw ? t("rk.charts.twin", { g: tw.simulation, k: tw.kafka })
    : t("rk.charts", { g: group ? group.group_id : "-" });
  for (const node of ui.chartOf) setText(node, caption);
  setHidden(ui.twin, !tw);
  if (tw) renderTwin(snap, tw);
}

function renderTwin(snap, tw) {
  const byId = new Map((snap.groups || []).map((g) => [g.group_id, g]));
  const sides = [
    { key: "simulation", group: byId.get(tw.simulation), now: snap.time_ms, title: "rk.twin.sim" },
    { key: "kafka", group: byId.get(tw.kafka), now: tw.kafka_time_ms ?? snap.time_ms, title: "rk.twin.kafka" },
  ].filter((s) => s.group);
  reconcile(ui.sides, sides, (s) => s.key, createSide, updateSide);
  reconcile(ui.diffs, tw.differences || [], (d) => d, (d) => ({ root: el("li", { "data-testid": "twin-difference" }, d) }),
    () => {});
}

function createSide(s) {
  const root = el("div", { class: "twin-side", "data-testid": "twin-side", "data-side": s.key });
  const v = { root, title: el("h3", { class: "twin-h" }), stats: el("span", { class: "twin-stats muted num" }),
    cells: el("div", { class: "twin-cells", "data-testid": "twin-assignment" }),
    line: el("div", { class: "twin-line", "data-testid": "twin-timeline" }), axis: el("p", { class: "twin-axis muted" }) };
  root.append(el("div", { class: "twin-head" }, [v.title, v.stats]), v.cells, v.line, v.axis);
  return v;
}

function updateSide(v, s) {
  const g = s.group;
  setText(v.title, t(s.title, { g: g.group_id }));
  setText(v.stats, t("rk.twin.stats", { s: g.state, gen: g.generation, lag: fmtInt(g.lag), tp: fmtRate(g.throughput) }));
  reconcile(v.cells, g.partitions || [], (p) => p.partition, createCell, updateCell);
  const from = s.now - TIMELINE_S * 1000;
  const bands = (g.rebalances || []).filter((r) => (r.end_ms ?? s.now) >= from);
  reconcile(v.line, bands, (r) => `${r.start_ms}`, () => ({ root: el("span", { class: "twin-band", "data-testid": "twin-band" }) }),
    (bv, r) => {
      const left = Math.max(0, (r.start_ms - from) / (TIMELINE_S * 10));
      const right = Math.min(100, ((r.end_ms ?? s.now) - from) / (TIMELINE_S * 10));
      bv.root.style.left = `${left.toFixed(2)}%`;
      bv.root.style.width = `${Math.max(0.6, right - left).toFixed(2)}%`;
      setAttr(bv.root, "title", `${r.reason || ""} · ${((r.end_ms ?? s.now) - r.start_ms) / 1000} s`);
      setAttr(bv.root, "data-open", r.end_ms === null || r.end_ms === undefined ? "true" : "false");
    });
  setText(v.axis, t("rk.twin.axis", { w: TIMELINE_S, e: Math.round(s.now / 1000) }));
}

function createCell(p) {
  const root = el("span", { class: "twin-cell num", "data-testid": "twin-cell", "data-partition": p.partition });
  return { root };
}

function updateCell(v, p) {
  const owner = p.owner || "";
  setAttr(v.root, "data-owner", owner);
  setText(v.root, `P${p.partition} ${owner ? owner.replace(/\.kafka$/, "") : t("rk.twin.free")}`);
  v.root.style.setProperty("--c", owner ? colors.get(owner) : "#9ca3af");
}
