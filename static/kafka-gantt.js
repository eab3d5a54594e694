// The rebalance phases of every group on one time axis (the last 90 s): PreparingRebalance,
// CompletingRebalance and the Stable stretch after each rebalance, one row a group.
import { t, getLang, localized } from "./i18n.js";
import { el, q, reconcile, setText, toggleClass } from "./dom.js";
import { select } from "./store.js";
import { fmtMs, protoLabel, isClassic } from "./kafka-format.js";

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
  const detail = t("kz.tl.detail", {
    gen: r.generation, proto: r.protocol || (g.protocol ?? ""),
    p: fmtMs(join - r.start_ms), c: end === null ? t("kz.tl.running") : fmtMs(end - join),
    moved: r.moved ?? 0, paused: fmtMs(r.paused_ms ?? 0), n: r.paused_partitions ?? 0, reason: localized(r, "reason"),
  });
  const segs = [segment("PreparingRebalance", Math.max(r.start_ms, range[0]), Math.min(join, range[1]), range,
    `g${r.generation}`, `${g.group_id} ${detail}`, r.generation)];
  if (end !== null && joined) {
    segs.push(segment("CompletingRebalance", Math.max(join, range[0]), Math.min(end, range[1]), range, "",
      `${g.group_id} ${detail}`, r.generation));
  }
  if (r.end_ms !== null && r.end_ms !== undefined && r.end_ms < stableTo) {
    const label = r.moved || r.paused_partitions
      ? `${t("chart.reb.moved", { n: r.moved ?? 0 })} · ${t("chart.reb.paused", { s: fmtMs(r.paused_ms ?? 0) })}` : "";
    segs.push(segment("Stable", Math.max(r.end_ms, range[0]), stableTo, range, label,
      `${g.group_id}, generation ${r.generation}: Stable · ${detail}`, r.generation));
  }
  return segs;
}

function createRow(g) {
  const label = el("span", { class: "kz-glabel" });
  const track = el("span", { class: "kz-track" });
  return { root: el("div", { class: "kz-grow", "data-group-id": g.group_id }, [label, track]), label, track, sig: "" };
}

function updateRow(row, g, range, now) {
  setText(row.label, `${g.group_id} · ${protoLabel(g)}`);
  toggleClass(row.root, "selected", g.group_id === select((s) => s.groupId));
  const list = g.rebalances || [];
  // Redraw this row only when something on it moved by at least a pixel's worth of time.
  const sig = `${Math.round(range[0] / 250)}|${getLang()}|${g.type}|${list.map((r) => `${r.generation}:${r.start_ms}:${r.join_ms}:${r.end_ms}:${r.moved}:${r.paused_ms}`).join(",")}`;
  if (sig === row.sig) return;
  row.sig = sig;
  const segs = isClassic(g) ? [] : [el("span", { class: "kz-track-note" }, t(`kz.tl.${g.type}`))];
  list.forEach((r, i) => segs.push(...rebalanceSegments(g, r, list[i + 1], range, now)));
  row.track.replaceChildren(...segs);
}

/** A tick every 10 s (every 5 s for short runs). */
function renderAxis(axis, range) {
  const sig = `${Math.floor(range[0] / 1000)}:${Math.floor(range[1] / 1000)}`;
  if (axis.dataset.sig === sig) return;
  axis.dataset.sig = sig;
  const span = range[1] - range[0];
  const step = span > 40_000 ? 10_000 : 5_000;
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
