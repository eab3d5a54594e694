// Band labels on the charts that never collide (issue 18: "…paused 0.70 sgen 4 · …" ran together and
// a crash band's label could vanish under a newer one). Labels are placed newest first, each in the
// first of a few stacked rows where it overlaps no label already placed, measured in pixels of the
// plot (canvas measureText); a label that fits in no row is shortened (the full text moves to its
// hover), and only when even the short text fits nowhere is an older label left out.

const MAX_ROWS = 3;
const PAD_PX = 8;          // the label's background box around its text
let ctx2d = null;

/** The charts' type sizes in px: ticks, legend, axis titles, band labels; larger in projector mode,
 * largest on a big screen (a 1280 projector has charts half as wide). */
export function typeSizes() {
  if (!document.body.classList.contains("projector")) return { ticks: 13, legend: 12, axis: 12, band: 11 };
  return window.innerWidth >= 1600 ? { ticks: 18, legend: 18, axis: 18, band: 16 }
    : { ticks: 15, legend: 14, axis: 14, band: 13 };
}

function textWidth(text, font) {
  if (!ctx2d) ctx2d = document.createElement("canvas").getContext("2d");
  ctx2d.font = `${font.size}px ${font.family || "sans-serif"}`;
  return ctx2d.measureText(String(text).replace(/<[^>]*>/g, "")).width + PAD_PX;
}

/** The plot area of a chart in px: from Plotly's last drawing, else a guess from the element. */
export function plotArea(el) {
  const size = el && el._fullLayout && el._fullLayout._size;
  if (size && size.w > 0 && size.h > 0) return { width: size.w, height: size.h };
  return { width: Math.max(100, (el ? el.clientWidth : 400) - 180), height: Math.max(60, (el ? el.clientHeight : 200) - 50) };
}

function fits(row, left, right) {
  return row.every(([l, r]) => right <= l || left >= r);
}

/** Where a label of `w` px goes: from its band's start, or ending at the band's end near the right edge. */
function span(a, w, range, pxPerS, width) {
  let left = (a.x - range[0]) * pxPerS;
  if (left + w > width) left = Math.max(0, ((a.xr ?? a.x) - range[0]) * pxPerS - w);
  return [left, left + w];
}

/**
 * annotations: Plotly annotations at y=1 (paper), each with `text`, `x` (band start, s), optional `xr`
 * (band end) and `short` (the text to show when the full one fits nowhere). Returns the annotations
 * to draw, stacked in rows, newest (largest x) first.
 */
export function stackLabels(annotations, range, area) {
  const pxPerS = area.width / Math.max(1e-9, range[1] - range[0]);
  const rows = Array.from({ length: MAX_ROWS }, () => []);
  const out = [];
  const sorted = [...annotations].sort((a, b) => b.x - a.x);
  for (const a of sorted) {
    const { short, xr, ...plain } = a;
    const rowH = (a.font.size * 1.35 + 6) / area.height;    // a label box: its line plus padding
    const texts = short && short !== a.text ? [a.text, short] : [a.text];
    let placed = false;
    for (const text of texts) {
      const [left, right] = span(a, textWidth(text, a.font), range, pxPerS, area.width);
      const r = rows.findIndex((row) => fits(row, left, right));
      if (r < 0) continue;
      rows[r].push([left, right]);
      const full = text === a.text ? {} : { hovertext: a.hovertext ? `${a.text}<br>${a.hovertext}` : a.text };
      out.push({ ...plain, ...full, text, x: range[0] + left / pxPerS, xanchor: "left", y: 1 - r * rowH, yanchor: "top" });
      placed = true;
      break;
    }
    if (!placed) continue;   // more labels than rows within one short label's width: the oldest give way
  }
  return out;
}
