// The two Plotly charts: lag over time per consumer and throughput per consumer.
// Bounded history: the snapshot's `history` seeds the series, each tick appends a
// sample every SAMPLE_MS simulated ms, and at most MAX_POINTS are kept. Drawing is
// throttled to a few frames a second; rebalances are shaded bands on both charts.
import { t, localized } from "./i18n.js";
import { genLabel, isKip848 } from "./kafka-format.js";
import { chartMarks } from "./hooks.js";
import { typeSizes, stackLabels, plotArea } from "./chart-labels.js";

const MAX_POINTS = 240;
const SAMPLE_MS = 500;
const DRAW_EVERY_MS = 330;
const WINDOW_S = 120;
const BAND_FILL = "rgba(100, 116, 139, 0.16)";
const BAND_LINE = "rgba(100, 116, 139, 0.55)";
const GAP_COLOR = "#9ca3af";   // uncommitted backlog: grey, dashed
const TOTAL_COLOR = "#374151";
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", sans-serif';

/** partition-ms as partition-seconds with one decimal: what a rebalance cost (docs/wire.md). */
export function partitionSeconds(ms) {
  return ms === null || ms === undefined ? "-" : (ms / 1000).toFixed(1);
}

function secs(ms) {
  return ms === null || ms === undefined ? "-" : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A rebalance band's label: the generation, then (once it ended) partitions moved and the processing pause. */
function bandLabel(r) {
  const parts = [genLabel(r)];
  if (r.end_ms !== null && r.end_ms !== undefined) {
    if (r.moved) parts.push(t("chart.reb.moved", { n: r.moved }));
    if (r.partition_ms_lost) parts.push(t("chart.reb.lost", { s: partitionSeconds(r.partition_ms_lost) }));
  }
  return parts.join(" · ");
}

function bandHover(r) {
  const join = r.join_ms ?? null;
  return t(isKip848(r) ? "chart.reb.hover848" : "chart.reb.hover", {
    g: r.generation, proto: r.protocol || "", reason: localized(r, "reason").replace(/[<>&]/g, " "),
    p: secs(join === null ? null : join - r.start_ms),
    c: secs(join === null || r.end_ms === null || r.end_ms === undefined ? null : r.end_ms - join),
    moved: r.moved ?? 0, paused: secs(r.paused_ms ?? 0), n: r.paused_partitions ?? 0,
    lost: partitionSeconds(r.partition_ms_lost ?? 0), delayed: r.records_delayed ?? 0,
    wall: secs(r.end_ms === null || r.end_ms === undefined ? null : r.end_ms - r.start_ms),
  });
}

function padTo(arr, n) {
  while (arr.length < n) arr.unshift(null);
  return arr;
}

function memberOrder(a, b) {
  const na = parseInt(String(a).replace(/^\D+/, ""), 10);
  const nb = parseInt(String(b).replace(/^\D+/, ""), 10);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return String(a).localeCompare(String(b));
}

export class Charts {
  constructor(lagEl, tpEl, colors) {
    this.lagEl = lagEl;
    this.tpEl = tpEl;
    this.colors = colors;
    this.timer = null;
    this.lastDraw = 0;
    this.lastDrawMs = 0;
    this.reset();
    window.addEventListener("resize", () => this.schedule());   // shown again, or a new size
    this.watchSize();
  }

  /** A chart follows its panel whenever the panel changes size, with or without a window resize:
   * a lesson panel opening, projector mode, a tall window's rows (issue 18: charts drawn for a taller
   * panel hung out of it). Plotly measures in the next frame, never inside the observer. */
  watchSize() {
    if (typeof ResizeObserver !== "function") return;
    this.sizes = new WeakMap();
    let frame = 0;
    const ro = new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const size = `${Math.round(e.contentRect.width)}x${Math.round(e.contentRect.height)}`;
        if (this.sizes.get(e.target) !== size) { this.sizes.set(e.target, size); changed = true; }
      }
      if (changed && !frame) frame = requestAnimationFrame(() => { frame = 0; this.relayout(); });
    });
    for (const el of [this.lagEl, this.tpEl]) ro.observe(el);
  }

  reset() {
    this.groupId = null;      // the group the charts show
    this.times = [];          // sample times (simulated ms), shared by every group
    this.groups = new Map();  // group id -> {lag: Map(member -> []), tp: Map, total: [], rebalances: []}
    this.now = 0;
    this.bandKey = "";
    this.dirty = true;
  }

  record(groupId) {
    let rec = this.groups.get(groupId);
    if (!rec) {
      rec = { lag: new Map(), tp: new Map(), total: new Array(this.times.length).fill(null),
        gap: new Array(this.times.length).fill(null), rebalances: [] };
      this.groups.set(groupId, rec);
    }
    return rec;
  }

  /** Show this group's series (every group's series are kept, so switching loses nothing). */
  select(groupId) {
    if (groupId === this.groupId) return;
    this.groupId = groupId;
    this.bandKey = "";
    this.dirty = true;
  }

  /** Start over from a full snapshot (with `history`). */
  seed(snap) {
    const selected = this.groupId;
    this.reset();
    this.groupId = selected;
    const h = snap.history;
    if (h && Array.isArray(h.time_ms) && h.groups) {
      const n = Math.min(h.time_ms.length, MAX_POINTS);
      this.times = h.time_ms.slice(h.time_ms.length - n);
      for (const [gid, gh] of Object.entries(h.groups)) {
        const rec = this.record(gid);
        for (const [mid, arr] of Object.entries(gh.lag || {})) rec.lag.set(mid, padTo((arr || []).slice(-n), n));
        for (const [mid, arr] of Object.entries(gh.throughput || {})) rec.tp.set(mid, padTo((arr || []).slice(-n), n));
        rec.gap = padTo((gh.uncommitted_gap || []).slice(-n), n);
        if (Array.isArray(gh.total_lag)) {
          rec.total = padTo(gh.total_lag.slice(-n), n);
        } else {
          const plag = Object.values(gh.partition_lag || {});
          const source = plag.length ? plag : [...rec.lag.values()];
          rec.total = this.times.map((_, i) => {
            let sum = null;
            for (const arr of source) {
              const v = arr[arr.length - n + i];
              if (v !== null && v !== undefined) sum = (sum || 0) + v;
            }
            return sum;
          });
        }
      }
    }
    this.ingest(snap);
    this.dirty = true;
  }

  /** Append the tick's values when SAMPLE_MS simulated ms have passed since the last sample. */
  ingest(snap) {
    // A real cluster has no simulated clock: its axis counts seconds since the backend started.
    this.realTime = !!snap.backend && snap.backend.kind === "kafka";
    const now = snap.time_ms;
    const last = this.times.length ? this.times[this.times.length - 1] : null;
    if (last !== null && now < last) {
      // Time went backwards: the simulation was reset.
      const selected = this.groupId;
      this.reset();
      this.groupId = selected;
    }
    this.now = now;
    const groups = snap.groups || [];
    for (const g of groups) {
      const rec = this.record(g.group_id);
      rec.rebalances = g.rebalances || [];
      rec.row = g;
    }
    const shown = this.groups.get(this.groupId);
    const bandKey = shown ? shown.rebalances.map((r) => `${r.generation}:${r.start_ms}:${r.end_ms}:${r.moved}:${r.paused_ms}:${r.partition_ms_lost}`).join(",")
      + chartMarks.map((h) => h.key(shown.row)).join("|") : "";
    if (bandKey !== this.bandKey) {
      this.bandKey = bandKey;
      this.dirty = true;
    }
    const lastT = this.times.length ? this.times[this.times.length - 1] : null;
    if (lastT !== null && now - lastT < SAMPLE_MS) return;

    const n = this.times.length;
    this.times.push(now);
    const live = new Set();
    for (const g of groups) {
      live.add(g.group_id);
      const rec = this.record(g.group_id);
      const seen = new Set();
      for (const m of g.members || []) {
        seen.add(m.member_id);
        if (!rec.lag.has(m.member_id)) rec.lag.set(m.member_id, new Array(n).fill(null));
        if (!rec.tp.has(m.member_id)) rec.tp.set(m.member_id, new Array(n).fill(null));
        rec.lag.get(m.member_id).push(m.lag ?? null);
        rec.tp.get(m.member_id).push(m.throughput ?? null);
      }
      for (const map of [rec.lag, rec.tp]) {
        for (const [mid, arr] of map) if (!seen.has(mid)) arr.push(null);
      }
      rec.total.push(g.lag ?? null);
      rec.gap.push(g.uncommitted_gap ?? null);
    }
    for (const [gid, rec] of this.groups) {
      if (live.has(gid)) continue;
      for (const map of [rec.lag, rec.tp]) for (const arr of map.values()) arr.push(null);
      rec.total.push(null);
      rec.gap.push(null);
    }
    this.trim();
    this.dirty = true;
  }

  trim() {
    const extra = this.times.length - MAX_POINTS;
    if (extra <= 0) return;
    this.times.splice(0, extra);
    for (const [gid, rec] of this.groups) {
      rec.total.splice(0, extra);
      rec.gap.splice(0, extra);
      for (const map of [rec.lag, rec.tp]) {
        for (const [mid, arr] of map) {
          arr.splice(0, extra);
          if (arr.every((v) => v === null)) map.delete(mid);
        }
      }
      if (!rec.lag.size && !rec.tp.size && rec.total.every((v) => v === null)) this.groups.delete(gid);
    }
  }

  /** Ask for a redraw; at most one every DRAW_EVERY_MS. */
  schedule() {
    if (!this.dirty || this.timer !== null) return;
    // Many traces (a big scenario) cost more to draw: draw less often.
    const every = Math.max(DRAW_EVERY_MS, Math.min(2000, (this.lastDrawMs || 0) * 8));
    const wait = Math.max(0, every - (performance.now() - this.lastDraw));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, wait);
  }

  /** The board's layout changed without a window resize (hooks.js): Plotly measures the charts again. */
  relayout() {
    if (typeof window.Plotly === "undefined") return;
    // redraw once Plotly has measured the new size: the band labels are placed for the plot area it has
    const resized = [this.lagEl, this.tpEl].map((el) => Promise.resolve(window.Plotly.Plots.resize(el)));
    this.redraw();
    Promise.allSettled(resized).then(() => this.redraw());
  }

  /** Redraw now (after a language change, for instance). */
  redraw() {
    this.dirty = true;
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    this.draw();
  }

  xRange() {
    const nowS = Number.isFinite(this.now) ? this.now / 1000 : 0;
    const firstS = this.times.length ? this.times[0] / 1000 : nowS;
    const end = Math.max(nowS, firstS + 30);
    const start = Math.max(firstS, end - WINDOW_S);
    return [start, end];
  }

  shapes(range) {
    const shapes = [];
    const annotations = [];
    const rec = this.groups.get(this.groupId);
    const span = range[1] - range[0];
    // Every band gets a label; stackLabels (chart-labels.js) places them so that none collide.
    const band = typeSizes().band;
    const list = rec ? rec.rebalances : [];
    for (const r of list) {
      const x0 = r.start_ms / 1000;
      const x1 = (r.end_ms ?? this.now) / 1000;
      if (!Number.isFinite(x0) || !Number.isFinite(x1)) continue;   // never a NaN coordinate for Plotly
      if (x1 < range[0] || x0 > range[1]) continue;
      // Very short rebalances are still drawn visibly (at least ~0.4 s wide).
      const w = Math.max(x1 - x0, span / 300);
      shapes.push({
        type: "rect", xref: "x", yref: "paper", x0, x1: x0 + w, y0: 0, y1: 1,
        fillcolor: BAND_FILL, line: { width: 1, color: BAND_LINE, dash: "dot" }, layer: "below",
      });
      annotations.push({
        x: x0, xr: x0 + w, xref: "x", y: 1, yref: "paper", yanchor: "top", xanchor: "left",
        showarrow: false, text: bandLabel(r), short: genLabel(r), hovertext: bandHover(r),
        font: { size: band, color: "#475569", family: FONT }, bgcolor: "rgba(255,255,255,0.8)",
        hoverlabel: { bgcolor: "#1f2937", font: { color: "#fff", size: 12, family: FONT } },
      });
    }
    for (const h of chartMarks) {
      const extra = h.marks(rec ? rec.row : null, range, this.now);
      shapes.push(...extra.shapes);
      // a panel's band labels (a Flink restart) are read from the back row too
      annotations.push(...extra.annotations.map((a) => ({ ...a, font: { ...a.font, size: Math.max(a.font?.size ?? 0, band) } })));
    }
    return { shapes, annotations };
  }

  traces(map, total) {
    const x = this.times.map((ms) => ms / 1000);
    const ids = [...map.keys()].sort(memberOrder);
    const out = ids.map((mid) => ({
      type: "scatter", mode: "lines", name: mid, x, y: map.get(mid).slice(),
      line: { color: this.colors.get(mid), width: 3 },
      connectgaps: false,
      hovertemplate: `${mid}: %{y}<extra></extra>`,
    }));
    if (total) {
      out.push({
        type: "scatter", mode: "lines", name: t("chart.total"), x, y: total.slice(),
        line: { color: TOTAL_COLOR, width: 2, dash: "dot" },
        hovertemplate: `${t("chart.total")}: %{y}<extra></extra>`,
      });
    }
    return out;
  }

  /** Before a partition's first commit its lag is "-": the records between the starting position
   * (auto.offset.reset) and the log end are drawn apart, grey, so a backlog is never drawn as 0. */
  gapTrace(gap) {
    if (!gap || gap.every((v) => v === null)) return [];
    return [{
      type: "scatter", mode: "lines", name: t("chart.gap"), x: this.times.map((ms) => ms / 1000), y: gap.slice(),
      line: { color: GAP_COLOR, width: 2, dash: "dash" }, connectgaps: false,
      hovertemplate: `${t("chart.gap.hover")}: %{y}<extra></extra>`,
    }];
  }

  yMax(traces) {
    let max = 0;
    for (const tr of traces) for (const v of tr.y) if (v !== null && v !== undefined && v > max) max = v;
    return max > 0 ? max * 1.12 : 1;
  }

  layout(range, extras, yMax, narrow, nTraces) {
    // Projector mode (static/classroom.js): type the back row reads (ticks and legend 18 px) in black.
    const big = document.body.classList.contains("projector");
    const type = typeSizes();
    const legend = narrow
      ? { orientation: "h", x: 0, xanchor: "left", y: -0.14, yanchor: "top", font: { size: type.legend }, bgcolor: "rgba(0,0,0,0)" }
      : { orientation: "v", x: 1.01, xanchor: "left", y: 1, yanchor: "top", font: { size: type.legend }, bgcolor: "rgba(0,0,0,0)" };
    return {
      margin: { l: 52, r: 10, t: 6, b: narrow ? 24 : Math.round(type.axis * 3.1) },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "#ffffff",
      font: { family: FONT, size: type.ticks, color: big ? "#000000" : "#1f2937" },
      xaxis: {
        range, title: { text: narrow ? "" : t(this.realTime ? "chart.x.real" : "chart.x"), font: { size: type.axis }, standoff: 2 },
        showgrid: true, gridcolor: "#eef0f3", zeroline: false, fixedrange: true, ticksuffix: " s",
      },
      yaxis: { range: [0, yMax], gridcolor: "#eef0f3", zeroline: true, zerolinecolor: "#d1d5db", fixedrange: true, automargin: true },
      showlegend: nTraces <= 13,
      legend,
      hovermode: "x unified",
      shapes: extras.shapes,
      annotations: extras.annotations,
    };
  }

  draw() {
    if (typeof window.Plotly === "undefined") return;
    if (!this.lagEl.clientWidth || !this.tpEl.clientWidth) {
      // Hidden (the Kafka details view covers the board): nothing to measure, so nothing is drawn;
      // relayout() when the board is shown again (static/hooks.js) draws the latest data.
      this.dirty = true;
      return;
    }
    const t0 = performance.now();
    this.lastDraw = t0;
    this.dirty = false;
    const range = this.xRange();
    const extras = this.shapes(range);
    const config = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
    const rec = this.groups.get(this.groupId) || { lag: new Map(), tp: new Map(), total: [], gap: [] };
    const lag = this.traces(rec.lag, rec.total).concat(this.gapTrace(rec.gap));
    const tp = this.traces(rec.tp, null);
    const narrow = this.lagEl.clientWidth > 0 && this.lagEl.clientWidth < 560;
    const used = new Map();
    const marks = (el) => {
      const area = plotArea(el);
      used.set(el, `${Math.round(area.width)}x${Math.round(area.height)}`);
      return { shapes: extras.shapes, annotations: stackLabels(extras.annotations, range, area) };
    };
    const drawn = [
      window.Plotly.react(this.lagEl, lag, this.layout(range, marks(this.lagEl), this.yMax(lag), narrow, lag.length), config),
      window.Plotly.react(this.tpEl, tp, this.layout(range, marks(this.tpEl), this.yMax(tp), narrow, tp.length), config),
    ];
    // The labels were placed for the plot area of the last drawing; when this one came out another
    // size (the first drawing, a new legend), place them again for the size it has now.
    const recheck = () => {
      for (const [el, size] of used) {
        const area = plotArea(el);
        if (`${Math.round(area.width)}x${Math.round(area.height)}` !== size) { this.dirty = true; this.schedule(); return; }
      }
    };
    Promise.allSettled(drawn.map((d) => Promise.resolve(d))).then(() => requestAnimationFrame(recheck));
    this.lastDrawMs = performance.now() - t0;
  }
}
