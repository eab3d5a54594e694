// The rebalance phases of every group on one time axis (the last 90 s): PreparingRebalance,
// CompletingRebalance and the Stable stretch after each rebalance, one row a group.
import { t, getLang, localized } from "./i18n.js";
import { el, q, reconcile, setText, toggleClass } from "./dom.js";
import { select } from "./store.js";
import { fmtMs, protoLabel, isClassic, isKip848, genLabel } from "./kafka-format.js";

// Classic: JoinGroup barrier then SyncGroup. KIP-848: the group epoch bumped until the target assignment
// is computed (Assigning), then members reconciled one heartbeat at a time (Reconciling).
const PHASES = { classic: ["PreparingRebalance", "CompletingRebalance"], kip848: ["Assigning", "Reconciling"] };
import { partitionSeconds } from "./charts.js";

const GANTT_WINDOW_MS = 90_000;

function segment(phase, x0, x1, range, label, title, gen) {
  const span = range[1] - range[0] || 1;
  const left = ((x0 - range[0]) / span) * 100;
  const width = Math.max(((x1 - x0) / span) * 100, 0);
  const seg = el("span", {
    class: "kz-seg", "data-phase": phase, "data-generation": gen ?? "", title,
    style: `left:${left.toFixed(3)}%;width:${width.toFixed(3)}%`,
  });
  if (label) seg.append(el("span", { class: "kz-seg-label" }, label));
  return seg;
}

/** The segments of one rebalance `r` (followed by `next`, if any) of group g, inside `range`. */
function rebalanceSegments(g, r, next, range, now) {
  const join = r.join_ms ?? now;
  const joined = r.join_ms !== null && r.join_ms !== undefined;
  const end = r.end_ms ?? (joined ? now : null);
  const stableTo = next ? next.start_ms : now;
  if (stableTo < range[0]) return [];
  const kip = isKip848(g);
  const [first, second] = kip ? PHASES.kip848 : PHASES.classic;
  const detail = t(kip ? "kz.tl.detail848" : "kz.tl.detail", {
    gen: r.generation, proto: r.protocol || (g.protocol ?? ""),
    p: fmtMs(join - r.start_ms), c: end === null ? t("kz.tl.running") : fmtMs(end - join),
    moved: r.moved ?? 0, paused: fmtMs(r.paused_ms ?? 0), n: r.paused_partitions ?? 0, reason: localized(r, "reason"),
    lost: partitionSeconds(r.partition_ms_lost ?? 0), delayed: r.records_delayed ?? 0,
    wall: r.end_ms === null || r.end_ms === undefined ? t("kz.tl.running") : fmtMs(r.end_ms - r.start_ms),
  });
  const segs = [segment(first, Math.max(r.start_ms, range[0]), Math.min(join, range[1]), range,
    `${kip ? "e" : "g"}${r.generation}`, `${g.group_id} ${detail}`, r.generation)];
  if (end !== null && joined) {
    segs.push(segment(second, Math.max(join, range[0]), Math.min(end, range[1]), range, "",
      `${g.group_id} ${detail}`, r.generation));
  }
  if (r.end_ms !== null && r.end_ms !== undefined && r.end_ms < stableTo) {
    const label = r.moved || r.paused_partitions
      ? `${t("chart.reb.moved", { n: r.moved ?? 0 })} · ${t("chart.reb.lost", { s: partitionSeconds(r.partition_ms_lost ?? 0) })}` : "";
    segs.push(segment("Stable", Math.max(r.end_ms, range[0]), stableTo, range, label,
      `${g.group_id}, ${genLabel(r)}: Stable · ${detail}`, r.generation));
  }
  return segs;
}

function createRow(g) {
  const label = el("span", { class: "kz-glabel" });
  const track = el("span", { class: "kz-track" });
  return { root: el("div", { class: "kz-grow", "data-group-id": g.group_id }, [label, track]), label, track, sig: "" };
}

function updateRow(row, g, range, now) {
  setText(row.label, `${g.group_id} · ${isKip848(g) ? "KIP-848" : protoLabel(g)}`);   // short: the row label is narrow
  toggleClass(row.root, "selected", g.group_id === select((s) => s.groupId));
  const list = g.rebalances || [];
  // Redraw this row only when something on it moved by at least a pixel's worth of time.
  const sig = `${Math.round(range[0] / 250)}|${getLang()}|${g.type}|${list.map((r) => `${r.generation}:${r.start_ms}:${r.join_ms}:${r.end_ms}:${r.moved}:${r.paused_ms}:${r.partition_ms_lost}`).join(",")}`;
  if (sig === row.sig) return;
  row.sig = sig;
  const segs = isClassic(g) ? [] : [el("span", { class: "kz-track-note" }, t(`kz.tl.${g.type}`))];
  list.forEach((r, i) => segs.push(...rebalanceSegments(g, r, list[i + 1], range, now)));
  row.track.replaceChildren(...segs);
}

const TICK_STEPS = [5_000, 10_000, 20_000, 30_000, 60_000, 120_000];

/** The smallest step whose labels ("120 s", about 0.6 em a character) keep a gap on a track `px` wide:
 * a tick every 5 or 10 s on a desktop, fewer on a phone (issue 18: they ran together at 390 px). */
function tickStep(span, px, endMs) {
  const labelPx = (String(Math.round(endMs / 1000)).length + 2) * 7 + 12;
  return TICK_STEPS.find((step) => (px * step) / span >= labelPx && (span <= 40_000 || step >= 10_000))
    ?? TICK_STEPS[TICK_STEPS.length - 1];
}

function renderAxis(axis, range) {
  const px = axis.lastElementChild ? axis.lastElementChild.clientWidth : 0;
  const sig = `${Math.floor(range[0] / 1000)}:${Math.floor(range[1] / 1000)}:${px}`;
  if (axis.dataset.sig === sig) return;
  axis.dataset.sig = sig;
  const span = range[1] - range[0];
  const step = px > 0 ? tickStep(span, px, range[1]) : (span > 40_000 ? 10_000 : 5_000);
  const ticks = [];
  for (let x = Math.ceil(range[0] / step) * step; x <= range[1] - span * 0.03; x += step) {
    ticks.push(el("span", { class: "kz-tick", style: `left:${(((x - range[0]) / span) * 100).toFixed(3)}%` }, `${x / 1000} s`));
  }
  axis.replaceChildren(el("span", { class: "kz-glabel" }), el("span", { class: "kz-track" }, ticks));
}

export function gantt() {
  const root = q("rebalance-gantt");
  const info = document.querySelector(".kz-gantt-info");
  const axis = el("div", { class: "kz-axis", "aria-hidden": "true" });   // after the rows
  root.append(axis);
  return {
    render(snap) {
      const now = snap.time_ms || 0;
      const range = [Math.max(0, now - GANTT_WINDOW_MS), Math.max(now, 1)];
      const groups = snap.groups || [];
      reconcile(root, groups, (g) => g.group_id, createRow, (row, g) => updateRow(row, g, range, now));
      renderAxis(axis, range);
      const total = groups.reduce((n, g) => n + (g.rebalances || []).length, 0);
      setText(info, total ? "" : t("kz.tl.none"));
    },
  };
}
