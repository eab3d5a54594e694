// The topic panel: one cell per partition with its log end offset, the group's committed offset and
// lag, coloured by its owner; a cell glows where a rebalance moves it. Other panels add to the cells
// through decorateCell.
import { t, plural, applyStatic } from "./i18n.js";
import { el, q, reconcile, setText, setAttr, toggleClass, fmtInt } from "./dom.js";
import { colors, colorFor } from "./palette.js";
import { keepFitting } from "./fit.js";

const COMPACT_PARTITIONS = 36; // more partitions than this: small coloured squares
// Lag bars share one scale: the largest lag on screen, but never less than LAG_BAR_FLOOR records, so a
// lag of 5 beside lags of 3 draws a short bar instead of a full one (and 5 beside 500 draws 1%).
export const LAG_BAR_FLOOR = 100;

/** The records a full lag bar stands for: max(largest lag, LAG_BAR_FLOOR). */
export function lagScale(rows) {
  let top = LAG_BAR_FLOOR;
  for (const r of rows) if (r.lag > top) top = r.lag;
  return top;
}

const DENSITY = ["", "dense", "tight"];   // cells shed rows as they multiply (fit.js, style.css)

/**
 * Extension hook for the partition cells: an entry {create(cell), update(made, row, group)}.
 * create runs once per cell, where cell.addToHead(node) puts node in the cell's heading and
 * cell.addRow(node) adds a row below the lag; what it returns comes back to update, which runs on
 * every render with the partition's row ({topic, partition, end, committed, lag, owner, entry: the group's
 * own entry for the partition or null}) and the group.
 */
export const decorateCell = [];

let ui = null;

function partitionRows(snap, group) {
  const rows = [];
  const byKey = new Map();
  if (group) for (const gp of group.partitions || []) byKey.set(`${gp.topic}:${gp.partition}`, gp);
  const topics = snap.topics || [];
  const read = new Set(group ? (group.partitions || []).map((gp) => gp.topic) : []);
  const rates = (snap.producer && snap.producer.topics) || {};
  for (const tp of topics) {
    // several topics: a heading row per topic (its partitions, the producer's rate, whether the group reads it)
    if (topics.length > 1) {
      rows.push({ key: `topic:${tp.name}`, heading: true, topic: tp.name, count: (tp.partitions || []).length,
        rate: rates[tp.name] ? rates[tp.name].rate : null, notRead: !!group && !read.has(tp.name),
        firstOnly: !!group && ["share", "flink", "random-dispatch"].includes(group.type) });
    }
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
        entry: gp || null,
        notRead: topics.length > 1 && !!group && !read.has(tp.name),
      });
    }
  }
  for (const gp of byKey.values()) {  // group partitions of a topic not listed in `topics`
    rows.push({ key: `${gp.topic}:${gp.partition}`, topic: gp.topic, partition: gp.partition,
      end: gp.log_end_offset, committed: gp.committed, lag: gp.lag, owner: gp.owner, entry: gp });
  }
  return rows;
}

/** The heading of one topic's partitions when there are several topics. */
function createHeading(row) {
  const name = el("span", { class: "p-topic-name" });
  const info = el("span", { class: "muted" });
  const note = el("span", { class: "p-topic-note" });
  const root = el("div", { class: "p-topic", "data-testid": "topic-heading", "data-topic": row.topic },
    [name, info, note]);
  setText(name, row.topic);
  return { root, info, note, heading: true };
}

function updateHeading(h, row) {
  const rate = row.rate === null ? "" : ` · ${t("topic.rate", { rate: fmtInt(row.rate) })}`;
  setText(h.info, plural(row.count, "topic.partitions") + rate);
  setText(h.note, row.notRead ? t(row.firstOnly ? "topic.firstOnly" : "topic.notRead") : "");
}

function createCell(row) {
  if (row.heading) return createHeading(row);
  const label = el("span", { class: "p-label" });
  const owner = el("span", { class: "p-owner" });
  const end = el("span", { class: "num" });
  const committed = el("span", { class: "num" });
  const lag = el("span", { class: "num" });
  const bar = el("i");
  const key = (name) => el("span", { class: "k", "data-i18n": `topic.${name}`, "data-i18n-title": `topic.${name}.title` });
  const head = el("div", { class: "p-head" }, [label, owner]);
  const lagbar = el("div", { class: "lagbar" }, [bar]);
  const root = el("div", {
    class: "pcell", "data-testid": "partition", "data-partition": row.partition, "data-topic": row.topic,
    "data-owner": "",
  }, [
    head,
    el("div", { class: "p-row" }, [key("end"), end]),
    el("div", { class: "p-row" }, [key("committed"), committed]),
    el("div", { class: "p-row lag" }, [key("lag"), lag]),
    lagbar,
  ]);
  applyStatic(root);
  setText(label, `P${row.partition}`);   // several topics: the topic's heading row names it
  const slots = { addToHead: (node) => head.append(node), addRow: (node) => root.insertBefore(node, lagbar) };
  const decorations = decorateCell.map((d) => d.create(slots));
  return { root, owner, end, committed, lag, bar, decorations, ownerId: undefined, row };
}

/** A short glow where a partition changed owner (a rebalance drawn where it happens). */
function flash(node, color) {
  node.animate([
    { boxShadow: `0 0 0 7px ${color}`, transform: "scale(1.05)" },
    { boxShadow: "0 0 0 0 transparent", transform: "scale(1)" },
  ], { duration: 1200, easing: "ease-out" });
}

function paintOwner(c, ownerId, members, compact) {
  if (c.ownerId === ownerId) return;
  const moved = c.ownerId !== undefined;
  c.ownerId = ownerId;
  setAttr(c.root, "data-owner", ownerId);
  const m = members.get(ownerId);
  const color = ownerId ? (m ? colorFor(m.color) : colors.get(ownerId)) : null;
  if (color) c.root.style.setProperty("--c", color);
  else c.root.style.removeProperty("--c");
  if (moved && !compact && c.root.animate) flash(c.root, color || "#9ca3af");
}

function updateCell(c, row, view) {
  if (c.heading) { updateHeading(c, row); return; }
  const ownerId = row.owner || "";
  paintOwner(c, ownerId, view.members, view.compact);
  const shared = view.shared && !row.notRead;   // a share group reads only the first topic
  toggleClass(c.root, "unassigned", !ownerId && !shared);
  toggleClass(c.root, "not-read", !!row.notRead);
  const om = view.members.get(ownerId);
  setAttr(c.root, "data-owner-state", om ? om.state : "");
  c.row = row;
  decorateCell.forEach((d, i) => d.update(c.decorations[i], row, view.group));
  if (view.compact) return;
  setText(c.owner, ownerId || t(row.notRead ? "topic.unread" : view.dispatch ? "topic.dispatch" : shared ? "topic.shared" : "topic.unassigned"));
  setText(c.end, fmtInt(row.end));
  setText(c.committed, row.committed === null || row.committed === undefined ? "-" : fmtInt(row.committed));
  setText(c.lag, row.lag === null || row.lag === undefined ? "-" : fmtInt(row.lag));
  const w = row.lag ? Math.min(100, Math.round((row.lag / view.maxLag) * 100)) : 0;
  const ws = `${w}%`;
  if (c.bar.style.width !== ws) c.bar.style.width = ws;
}

export function render(snap, group) {
  const topics = snap.topics || [];
  setText(ui.topicName, topics.map((x) => x.name).join(", "));
  const rows = partitionRows(snap, group);
  const maxLag = lagScale(rows);
  const n = rows.filter((r) => !r.heading).length;
  const count = topics.length > 1 ? plural(n, "topic.partitionsIn", { topics: topics.length }) : plural(n, "topic.partitions");
  setText(ui.topicCount, n ? `${count} · ${t("topic.lagscale", { max: fmtInt(maxLag) })}` : t("topic.none"));
  ui.topicCount.title = t("topic.lagscale.title", { floor: LAG_BAR_FLOOR });
  setAttr(ui.topicCount, "data-lag-scale", maxLag);
  const view = {
    group, maxLag,
    members: new Map((group ? group.members || [] : []).map((m) => [m.member_id, m])),
    compact: n > COMPACT_PARTITIONS,
    // A share group (KIP-932) has no partition owner: every member reads every partition.
    shared: !!group && (group.type === "share" || group.type === "random-dispatch"),
    // Random dispatch (not Kafka) reads every partition into one queue and hands each record to a random member.
    dispatch: !!group && group.type === "random-dispatch",
  };
  toggleClass(ui.grid, "compact", view.compact);
  // the most partitions one topic has: fewer than a row holds, and the cells widen to the panel (style.css --pk)
  const perTopic = Math.max(1, ...topics.map((x) => (x.partitions || []).length));
  if (ui.grid.style.getPropertyValue("--pk") !== String(perTopic)) ui.grid.style.setProperty("--pk", String(perTopic));
  toggleClass(ui.grid, "shared", view.shared);
  ui.cells = reconcile(ui.grid, rows, (r) => r.key, createCell, (c, r) => updateCell(c, r, view));
  ui.refit();
}

/** Compact cells carry no text: their numbers go in the tooltip, written when the pointer arrives. */
function compactTitle(e) {
  const cell = e.target.closest && e.target.closest(".pcell");
  if (!cell || !ui.grid.classList.contains("compact")) return;
  const c = ui.cells.get(`${cell.dataset.topic}:${cell.dataset.partition}`);
  if (!c) return;
  const r = c.row;
  cell.title = `${r.topic}-${r.partition} · ${r.owner || t("topic.unassigned")} · ${t("topic.end")} ${fmtInt(r.end)} · `
    + `${t("topic.committed")} ${r.committed ?? "-"} · ${t("topic.lag")} ${r.lag ?? "-"}`;
}

export function init() {
  ui = { topicName: q("topic-name"), topicCount: document.querySelector(".topic-count"), grid: q("assignment-view"),
    cells: new Map() };
  ui.refit = keepFitting(ui.grid, ui.grid.closest(".panel"), DENSITY);
  ui.grid.addEventListener("mouseover", compactTitle);
}
