// A Flink job on the charts (the chartMarks hook, hooks.js): its checkpoints as thin lines where they
// ended (completed solid green, failed dashed red) and its restarts as shaded bands from the failure to
// the job running again, labelled with the checkpoint it restored.
import { t } from "./i18n.js";

const DONE = "rgba(0, 158, 115, 0.45)";      // Okabe–Ito bluish green
const FAILED = "rgba(213, 94, 0, 0.8)";       // vermillion
const RESTART_FILL = "rgba(213, 94, 0, 0.10)";
const FONT = "system-ui, sans-serif";

function checkpointLines(job, range) {
  const out = [];
  for (const cp of job.checkpoints || []) {
    if (cp.end_ms === null || cp.end_ms === undefined) continue;
    const x = cp.end_ms / 1000;
    if (x < range[0] || x > range[1]) continue;
    const failed = cp.status === "failed";
    out.push({ type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, layer: "below",
      line: { width: failed ? 1.5 : 1.2, color: failed ? FAILED : DONE, dash: failed ? "dash" : "dot" } });
  }
  return out;
}

function restartBands(job, range, now) {
  const shapes = [];
  const annotations = [];
  for (const r of job.restarts || []) {
    const x0 = r.failed_ms / 1000;
    const x1 = (r.running_ms ?? now) / 1000;
    if (!Number.isFinite(x0) || !Number.isFinite(x1) || x1 < range[0] || x0 > range[1]) continue;
    shapes.push({ type: "rect", xref: "x", yref: "paper", x0, x1: Math.max(x1, x0 + 0.3), y0: 0, y1: 1,
      fillcolor: RESTART_FILL, line: { width: 1, color: FAILED, dash: "dot" }, layer: "below" });
    const text = r.kind === "rescale" ? t("fl.band.rescale", { p: r.parallelism })
      : t("fl.band.restart", { cp: r.checkpoint ?? "-" });
    annotations.push({ x: x0, xref: "x", y: 1, yref: "paper", yanchor: "top", xanchor: "left", showarrow: false,
      text, font: { size: 11, color: "#9a3412", family: FONT }, bgcolor: "rgba(255,255,255,0.8)" });
  }
  return { shapes, annotations };
}

/** The chartMarks entry: `key` changes whenever the marks would, `marks` draws them for the shown group. */
export const flinkMarks = {
  key(group) {
    if (!group || group.type !== "flink") return "";
    const cps = (group.checkpoints || []).map((c) => `${c.id}${c.status[0]}`).join(",");
    const rs = (group.restarts || []).map((r) => `${r.failed_ms}-${r.running_ms}`).join(",");
    return `${cps}|${rs}`;
  },
  marks(group, range, now) {
    if (!group || group.type !== "flink") return { shapes: [], annotations: [] };
    const bands = restartBands(group, range, now);
    return { shapes: [...checkpointLines(group, range), ...bands.shapes], annotations: bands.annotations };
  },
};
