// Competition panels (issue #6): the results flowing back to the producer (every group), the records
// a share group holds in flight, the seed's probability model beside what was measured, and the
// journeys of the seed demo's ten records. Plugged in through panels.js; text via textContent only.
import { addMessages, getLang, t } from "./i18n.js";
import { el, setAttr, setHidden, setText, toggleClass, fmtInt, fmtSeconds } from "./dom.js";
import { colorFor } from "./palette.js";

const MAX_DOTS = 6;            // result dots per lane
const INFLIGHT_SHOWN = 24;     // record chips drawn (the snapshot carries at most 50)

const q = (testid, root = document) => root.querySelector(`[data-testid="${testid}"]`);
let ui = null;
let ctx = null;
const SETTINGS = [   // the in-flight panel's selects: Kafka's share-group configs (and the reject knob)
  ["lock", "group.share.record.lock.duration.ms", Number],
  ["limit", "group.share.delivery.count.limit", Number],
  ["reject", "groupviz.reject.probability", Number],
];
const lanes = new Map();       // group id -> lane view

// ------------------------------------------------------------------ formatting

function pct(x, digits = 1) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : `${(x * 100).toFixed(digits)}%`;
}

/** Probabilities and small numbers as a class reads them: 0.2, 0.02, 2, 1.26, 0.893. */
function num(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (x === 0) return "0";
  if (Math.abs(x) >= 100) return fmtInt(x);
  return String(Number(x.toPrecision(3)));
}

function pval(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return "–";
  if (p < 0.0001) return "< 0.0001";
  return p.toFixed(p < 0.01 ? 4 : 3);
}

function competitionName(c) {
  return t(`comp.${c}`) === `comp.${c}` ? String(c) : t(`comp.${c}`);
}

function memberColor(group, memberId) {
  const m = (group.members || []).find((x) => x.member_id === memberId);
  return m ? colorFor(m.color) : "#9ca3af";
}

// ------------------------------------------------------------------ results flow (every group)

function createLane(gid) {
  const name = el("span", { class: "rf-name" }, gid);
  const track = el("div", { class: "rf-track" }, [el("span", { class: "rf-head", "aria-hidden": "true" })]);
  const dots = el("div", { class: "rf-dots", "aria-hidden": "true" });
  track.append(dots);
  const results = el("b", { class: "num", "data-testid": "results-count" });
  const outstanding = el("b", { class: "num", "data-testid": "results-outstanding" });
  const noResult = el("b", { class: "num", "data-testid": "results-noresult" });
  const latency = el("b", { class: "num", "data-testid": "results-latency" });
  const transit = el("span", { class: "rf-transit num" });
  const kv = (key, node, title) => el("span", { class: "rf-kv", "data-i18n-title": title }, [
    el("span", { class: "k", "data-i18n": key }), node]);
  const root = el("div", { class: "rf-lane", "data-testid": "results-lane", "data-group-id": gid }, [
    el("div", { class: "rf-line" }, [el("span", { class: "rf-prod", "data-i18n": "rf.producer" }), track, name]),
    el("div", { class: "rf-stats" }, [
      kv("rf.results", results, "rf.results.title"),
      kv("rf.outstanding", outstanding, "rf.outstanding.title"),
      kv("rf.noresult", noResult, "rf.noresult.title"),
      kv("rf.latency", latency, "rf.latency.title"),
      transit,
    ]),
  ]);
  for (const n of root.querySelectorAll("[data-i18n]")) n.textContent = t(n.dataset.i18n);
  for (const n of root.querySelectorAll("[data-i18n-title]")) n.title = t(n.dataset.i18nTitle);
  return { root, name, dots, results, outstanding, noResult, latency, transit, dotKey: "" };
}

/** Dots that travel from the group back to the producer; how many follows the results per second. */
function drawDots(view, group, perSecond) {
  const active = (group.members || []).filter((m) => m.state === "active");
  const n = perSecond <= 0 ? 0 : Math.max(1, Math.min(MAX_DOTS, Math.round(perSecond / 5)));
  const key = `${n}:${active.map((m) => m.color).join(",")}`;
  if (view.dotKey === key) return;
  view.dotKey = key;
  const dots = [];
  for (let i = 0; i < n; i++) {
    const m = active.length ? active[i % active.length] : null;
    const dot = el("i", { class: "rf-dot" });
    dot.style.setProperty("--c", m ? colorFor(m.color) : "#64748b");
    dot.style.animationDelay = `${(-i * 1.6) / n}s`;
    dots.push(dot);
  }
  view.dots.replaceChildren(...dots);
}

function renderResults(snap, selected) {
  const prod = snap.producer || {};
  const per = prod.groups || {};
  const keep = new Set();
  const order = [];
  for (const g of snap.groups || []) {
    const gid = g.group_id;
    keep.add(gid);
    let view = lanes.get(gid);
    if (!view) { view = createLane(gid); lanes.set(gid, view); }
    const r = per[gid] || {};
    setText(view.results, fmtInt(r.results));
    setText(view.outstanding, fmtInt(r.outstanding));
    setText(view.noResult, fmtInt(r.no_result ?? 0));
    const lat = r.latency_ms || {};
    setText(view.latency, lat.p50 === null || lat.p50 === undefined ? "–" : `${fmtInt(lat.p50)} / ${fmtInt(lat.p95)} ms`);
    setText(view.transit, r.in_transit ? t("rf.transit", { n: fmtInt(r.in_transit) }) : "");
    setText(view.name, g.type === "share" ? `${gid} · ${competitionName(g.competition)}` : `${gid} · ${t("comp.sharding")}`);
    toggleClass(view.root, "selected", selected && selected.group_id === gid);
    toggleClass(view.root, "lossy", (r.no_result ?? 0) > 0);
    drawDots(view, g, Number(g.throughput) || 0);
    order.push(view.root);
  }
  for (const [gid, view] of lanes) if (!keep.has(gid)) { view.root.remove(); lanes.delete(gid); }
  const current = [...ui.lanes.children];
  if (current.length !== order.length || current.some((n, i) => n !== order[i])) ui.lanes.replaceChildren(...order);
  const limit = prod.limit;
  setText(ui.rfNote, limit ? t("rf.note.limit", { n: fmtInt(limit), sent: fmtInt(prod.produced) }) : t("rf.note"));
}

// ------------------------------------------------------------------ records in flight (share groups)

function countItem(key, value, cls = "") {
  return el("div", { class: `sif-c ${cls}`, "data-i18n-title": `${key}.title`, title: t(`${key}.title`) }, [
    el("dt", {}, t(key)), el("dd", { class: "num" }, value)]);
}

function renderInflight(snap, group) {
  const show = !!group && group.type === "share";
  setHidden(ui.inflight, !show);
  if (!show) return;
  setText(ui.sifGroup, group.group_id);
  const lockMs = group.record_lock_duration_ms || 1;
  const sig = [group.in_flight_total, group.in_flight_redelivered, group.in_flight_processed, group.available,
    group.archived, group.rejected, group.no_result, group.lock_timeouts, getLang()].join("|");
  if (ui.sifCounts.dataset.sig !== sig) {
    ui.sifCounts.dataset.sig = sig;
    ui.sifCounts.replaceChildren(
      countItem("sif.total", fmtInt(group.in_flight_total)),
      countItem("sif.redelivered", fmtInt(group.in_flight_redelivered), group.in_flight_redelivered ? "hot" : ""),
      countItem("sif.acking", fmtInt(group.in_flight_processed)),
      countItem("sif.available", fmtInt(group.available)),
      countItem("sif.archived", fmtInt(group.archived), group.archived ? "bad" : ""),
      countItem("sif.timeouts", fmtInt(group.lock_timeouts)),
      countItem("sif.rejected", fmtInt(group.rejected), group.rejected ? "bad" : ""),
      countItem("sif.noresult", fmtInt(group.no_result), group.no_result ? "bad" : ""),
    );
  }
  syncSettings(group);
  const recs = (group.in_flight || []).slice(0, INFLIGHT_SHOWN);
  const items = recs.map((r) => {
    const left = Math.max(0, r.lock_expires_ms - snap.time_ms);
    const color = memberColor(group, r.member_id);
    const bar = el("i", { class: "sif-lock" });
    bar.style.width = `${Math.max(0, Math.min(100, (left / lockMs) * 100)).toFixed(0)}%`;
    const li = el("li", {
      class: `sif-rec${r.delivery_count > 1 ? " redelivered" : ""}${r.processed ? " acking" : ""}`,
      "data-testid": "inflight-record", "data-delivery-count": r.delivery_count, "data-member-id": r.member_id,
      title: t("sif.rec.title", { p: r.partition, o: r.offset, m: r.member_id, d: r.delivery_count,
        s: (left / 1000).toFixed(1) }),
    }, [
      el("span", { class: "sif-off num" }, `P${r.partition}@${r.offset}`),
      el("span", { class: "sif-who" }, r.member_id),
      el("span", { class: "sif-dc num" }, `×${r.delivery_count}`),
      el("span", { class: "sif-bar" }, [bar]),
    ]);
    li.style.setProperty("--c", color);
    return li;
  });
  ui.sifList.replaceChildren(...items);
  setHidden(ui.sifNone, items.length > 0);
}

/** Show the group's current settings; a value not in a select's list is added to it. */
function syncSettings(group) {
  for (const [name, key] of SETTINGS) {
    const select = ui.settings[name];
    const v = group.config ? group.config[key] : undefined;
    if (v === undefined || document.activeElement === select || Date.now() < (select._holdUntil || 0)) continue;
    const value = String(v);
    if (![...select.options].some((o) => Number(o.value) === Number(v))) {
      select.append(el("option", { value }, name === "lock" ? `${Number(v) / 1000} s`
        : name === "reject" ? pct(Number(v), 0) : value));
    }
    const opt = [...select.options].find((o) => Number(o.value) === Number(v));
    if (opt && select.value !== opt.value) select.value = opt.value;
  }
}

function wireSettings() {
  for (const [name, key, conv] of SETTINGS) {
    const select = ui.settings[name];
    select.addEventListener("change", () => {
      const gid = ctx && ctx.state ? ctx.state.groupId : null;
      if (!gid) return;
      select._holdUntil = Date.now() + 1500;    // ticks leave the control alone while the command travels
      ctx.send({ op: "set_config", group_id: gid, config: { [key]: conv(select.value) } });
    });
  }
}

// ------------------------------------------------------------------ the probability model (every group)

function formulaRow(f) {
  return el("tr", { "data-key": f.key }, [
    el("td", { class: "pm-f" }, f.formula),
    el("td", { class: "pm-l" }, t(`model.f.${f.key}`)),
    el("td", { class: "pm-v num r", "data-testid": `model-${f.key}` }, num(f.value)),
  ]);
}

function memberRow(row, scale) {
  const lo = row.ci95 ? row.ci95[0] : 0;
  const hi = row.ci95 ? row.ci95[1] : 0;
  const track = el("span", { class: "pm-track" }, [
    el("i", { class: "pm-ci" }), el("i", { class: "pm-bar" }), el("i", { class: "pm-exp" }),
  ]);
  const [ci, bar, exp] = track.children;
  const share = row.share ?? 0;
  const x = (v) => `${Math.min(100, (v / scale) * 100).toFixed(1)}%`;
  ci.style.left = x(lo);
  ci.style.width = `${Math.max(0, Math.min(100, ((hi - lo) / scale) * 100)).toFixed(1)}%`;
  bar.style.width = x(share);
  exp.style.left = x(row.expected_share ?? 0);
  const tr = el("tr", { "data-member-id": row.member_id, class: row.within_ci === false ? "outside" : "" }, [
    el("td", { class: "pm-id" }, [el("span", { class: "swatch" }), row.member_id]),
    el("td", { class: "num r" }, fmtInt(row.wins)),
    el("td", { class: "pm-share" }, [
      track,
      el("span", { class: "pm-nums num" },
        row.share === null ? "–" : `${pct(share)} (${pct(lo)}–${pct(hi)}) · ${pct(row.expected_share)}`),
    ]),
  ]);
  tr.style.setProperty("--c", colorFor(row.color));
  return tr;
}

/** The largest distance between a member's measured share and the model's share for it. */
function gapToModel(model) {
  const gaps = (model.members || []).filter((r) => r.share !== null && r.share !== undefined)
    .map((r) => Math.abs(r.share - (r.expected_share ?? 0)));
  return gaps.length ? Math.max(...gaps) : null;
}

/** Bars share one scale so that small shares (1/N of many members) stay readable. */
function shareScale(rows) {
  let top = 0;
  for (const r of rows) top = Math.max(top, r.expected_share ?? 0, r.share ?? 0, r.ci95 ? r.ci95[1] : 0);
  return Math.min(1, Math.max(0.05, top * 1.15));
}

function renderModel(snap, group) {
  setHidden(ui.model, !group || !group.model);
  if (!group || !group.model) return;
  const m = group.model;
  const comp = m.competition || group.competition || "sharding";
  setText(ui.pmGroup, group.group_id);
  setText(ui.pmComp, competitionName(comp));
  setAttr(ui.pmComp, "data-competition", comp);
  const lang = getLang();
  const fsig = `${lang}|${m.n}|${m.m}|${m.since_ms}|` + (m.formulas || []).map((f) => f.value).join(",");
  if (ui.pmFormulas.dataset.sig !== fsig) {
    ui.pmFormulas.dataset.sig = fsig;
    ui.pmFormulas.replaceChildren(
      el("tr", { class: "pm-nm" }, [el("td", { colspan: "3" }, t("model.nm", { n: m.n, m: m.m }))]),
      el("tr", { class: "pm-since" }, [el("td", { colspan: "3", title: t("model.since.title") },
        t("model.since", { s: ((m.since_ms || 0) / 1000).toFixed(1) }))]),
      ...(m.formulas || []).map(formulaRow));
  }
  const msig = `${lang}|` + (m.members || []).map((r) => `${r.member_id}:${r.wins}:${r.expected_share}`).join(",");
  if (ui.pmMembers.dataset.sig !== msig) {
    ui.pmMembers.dataset.sig = msig;
    const scale = shareScale(m.members || []);
    const rows = (m.members || []).map((r) => memberRow(r, scale));
    if (m.members_total > (m.members || []).length) {
      rows.push(el("tr", { class: "pm-more" }, [el("td", { colspan: "3" },
        t("model.more", { n: m.members_total - m.members.length }))]));
    }
    if (!rows.length) rows.push(el("tr", {}, [el("td", { colspan: "3", class: "muted" }, t("model.nomembers"))]));
    ui.pmMembers.replaceChildren(...rows);
  }
  const test = m.test || {};
  const verdict = test.verdict ? (test.verdict[lang] || test.verdict.en) : "";
  const stat = test.statistic === null || test.statistic === undefined ? "∞" : num(test.statistic);
  setText(ui.pmTest, t("model.test", { stat, df: test.df ?? 0, p: pval(test.p_value), total: fmtInt(m.total_wins),
    verdict }));
  toggleClass(ui.pmTest, "thin", !test.enough_data);
  toggleClass(ui.pmTest, "reject", !!test.enough_data && test.p_value < (test.alpha ?? 0.05));
  setText(ui.pmWhy, t(`model.why.${comp}`));
  // all groups side by side: sharding and competition compared on the same records
  const csig = `${lang}|` + (snap.groups || []).map((g) => `${g.group_id}:${g.model && g.model.total_wins}`).join(",");
  if (ui.pmCompare.dataset.sig !== csig) {
    ui.pmCompare.dataset.sig = csig;
    ui.pmCompare.replaceChildren(...(snap.groups || []).filter((g) => g.model).map((g) => {
      const gm = g.model;
      const sp = gapToModel(gm);
      return el("tr", { "data-group-id": g.group_id, class: g.group_id === group.group_id ? "selected" : "" }, [
        el("td", {}, g.group_id),
        el("td", {}, competitionName(gm.competition)),
        el("td", { class: "num r" }, String(gm.n)),
        el("td", { class: "num r" }, sp === null ? "–" : pct(sp)),
        el("td", { class: "num r" }, gm.test && gm.test.enough_data ? pval(gm.test.p_value) : "–"),
      ]);
    }));
  }
}

// ------------------------------------------------------------------ journeys (seed demo)

function at(ms) {
  return ms === null || ms === undefined ? "–" : fmtSeconds(ms);
}

function journeyRow(j, group) {
  const dels = (j.deliveries || []).map((d) => {
    const chip = el("span", { class: `rj-del ${d.outcome ? `o-${d.outcome}` : "o-open"}`,
      title: t("rj.del.title", { m: d.member_id, t: at(d.acquired_ms), d: d.delivery_count,
        o: d.outcome ? t(`rj.o.${d.outcome}`) : t("rj.o.open") }) }, [
      el("span", { class: "rj-del-m" }, d.member_id), ` ×${d.delivery_count}`]);
    chip.style.setProperty("--c", memberColor(group, d.member_id));
    return chip;
  });
  const won = j.winner || (j.deliveries && j.deliveries.length ? j.deliveries[0].member_id : null);
  const wonCell = el("td", { class: "rj-won" }, won ? [el("span", { class: "swatch" }), won] : "–");
  if (won) wonCell.style.setProperty("--c", memberColor(group, won));
  const result = j.result_ms !== null && j.result_ms !== undefined ? at(j.result_ms)
    : j.result_in_transit ? t("rj.transit") : "–";
  const state = j.state === "Acknowledged" && j.result_ms !== null && j.result_ms !== undefined ? "done" : j.state;
  return el("tr", { "data-testid": "journey", "data-record": j.record, "data-state": j.state,
    class: j.result_ms !== null && j.result_ms !== undefined ? "back" : "" }, [
    el("td", { class: "rj-rec" }, j.record),
    el("td", { class: "num r" }, at(j.produced_ms)),
    wonCell,
    el("td", { class: "rj-dels" }, dels.length ? dels : "–"),
    el("td", { class: "num r" }, at(j.processed_ms)),
    el("td", { class: "num r rj-res" }, result),
    el("td", { class: "rj-state" }, t(`rj.s.${state}`) === `rj.s.${state}` ? state : t(`rj.s.${state}`)),
  ]);
}

function renderJourneys(snap, group) {
  const js = group && group.type === "share" ? group.journeys || [] : [];
  setHidden(ui.journeys, js.length === 0);
  if (!js.length) return;
  const sig = `${getLang()}|${snap.time_ms}|${js.length}`;
  if (ui.rjBody.dataset.sig === sig) return;
  ui.rjBody.dataset.sig = sig;
  ui.rjBody.replaceChildren(...js.map((j) => journeyRow(j, group)));
}

// ------------------------------------------------------------------ panel hooks

export function init(panelCtx) {
  ctx = panelCtx || null;
  const inside = (testid, css) => q(testid).querySelector(css);
  ui = {
    row: q("share-row"),
    lanes: inside("results-flow", ".rf-lanes"),
    rfNote: inside("results-flow", ".rf-note"),
    inflight: q("share-inflight"),
    sifGroup: inside("share-inflight", ".sif-group"),
    sifCounts: inside("share-inflight", ".sif-counts"),
    sifList: q("inflight-list"),
    sifNone: inside("share-inflight", ".sif-none"),
    model: q("probability-panel"),
    pmGroup: inside("probability-panel", ".pm-group"),
    pmComp: inside("probability-panel", ".pm-comp"),
    pmFormulas: inside("model-formulas", "tbody"),
    pmMembers: inside("model-members", "tbody"),
    pmTest: q("model-test"),
    pmWhy: inside("probability-panel", ".pm-why"),
    pmCompare: inside("model-compare", "tbody"),
    journeys: q("record-journeys"),
    rjBody: inside("record-journeys", "tbody"),
    settings: { lock: q("share-lock"), limit: q("share-limit"), reject: q("share-reject") },
    explain: document.querySelector(".producer .explain"),
  };
  wireSettings();
}

export function render(snap, group) {
  if (!ui) return;
  // The competition row belongs to scenarios with a share group (competition, seed-demo, added ones);
  // classic-only scenarios keep the one-screen layout (their producer panel counts the results).
  const on = (snap.groups || []).some((g) => g.type === "share");
  // The producer's one-line explanation follows the selected group: partitions (sharding) or records (share).
  const explainKey = group && group.type === "share" ? "prod.explain.share" : "prod.explain";
  if (ui.explain && ui.explain.dataset.i18n !== explainKey) {
    ui.explain.dataset.i18n = explainKey;
    ui.explain.dataset.i18nTitle = explainKey;     // the whole text on hover where it is clamped
    setText(ui.explain, t(explainKey));
    ui.explain.title = t(explainKey);
  }
  setHidden(ui.row, !on);
  toggleClass(document.body, "competition", on);
  if (!on) return;
  renderResults(snap, group);
  renderInflight(snap, group);
  renderModel(snap, group);
  renderJourneys(snap, group);
  const share = !!group && group.type === "share";
  toggleClass(ui.row, "with-inflight", share);
  toggleClass(ui.row, "with-journeys", share && (group.journeys || []).length > 0);
}

// ------------------------------------------------------------------ strings

addMessages({
  en: {
    "comp.random": "random",
    "comp.first-free": "first-free",
    "comp.sharding": "sharding",
    "topic.shared": "every member",
    "group.competition": "competition: {c}",
    "group.competition.random.title": "Each record goes to a uniformly random live member with room: the seed's 'competition by random'.",
    "group.competition.first-free.title": "Each record goes to the member that is free first: a member's share follows its capacity.",
    "group.protocol.share": "share group (KIP-932): records, not partitions, are handed out",
    "group.pwin.random": "P(record → consumer i) = 1/N with N = {n} live",
    "group.pwin.random.title": "Random competition: every live member with room has the same chance 1/N for each record.",
    "group.pwin.firstfree": "P(record → consumer i) = rateᵢ / Σ rates, N = {n} live",
    "group.pwin.firstfree.title": "First-free: whoever is free first takes the record, so faster members win more.",
    "card.wins": "wins",
    "card.wins.title": "Records this member acquired first (delivery count 1)",
    "card.redelivered": "redelivered",
    "card.redelivered.title": "Records it acquired that another member had held before (delivery count ≥ 2)",
    "card.locked": "locked",
    "card.locked.title": "Records it holds under an acquisition lock (acquired, not yet acknowledged)",

    "prod.explain.share": "Share group: any member may win any record, process it and send the result back.",
    "rf.title": "Results back to the producer",
    "rf.producer": "producer",
    "rf.results": "results",
    "rf.results.title": "Results that reached the producer from this group (a record processed twice counts twice)",
    "rf.outstanding": "outstanding",
    "rf.outstanding.title": "Records sent that have neither a result nor a final 'no result' yet",
    "rf.noresult": "no result",
    "rf.noresult.title": "Records that ended without a result: rejected, or archived after group.share.delivery.count.limit deliveries",
    "rf.latency": "p50 / p95",
    "rf.latency.title": "End-to-end latency: from produce to the result arriving at the producer",
    "rf.transit": "{n} on the way",
    "rf.note": "Every group reads every record; inside a group one member wins it and sends its result back (20 ms reply path).",
    "rf.note.limit": "The producer sends exactly {n} records (sent so far: {sent}), like the seed's Python loop.",

    "sif.title": "Records in flight",
    "sif.total": "in flight",
    "sif.total.title": "Acquired records: delivered to a member under an acquisition lock, not yet acknowledged",
    "sif.redelivered": "redelivered",
    "sif.redelivered.title": "In-flight records with delivery count ≥ 2: their first holder crashed, released them or ran out of lock time",
    "sif.acking": "awaiting ack",
    "sif.acking.title": "Processed; the ACCEPT rides on the member's next poll",
    "sif.available": "available",
    "sif.available.title": "Records any member may acquire now (new or released)",
    "sif.archived": "archived",
    "sif.archived.title": "Rejected, or delivered group.share.delivery.count.limit times without success: never delivered again",
    "sif.timeouts": "lock timeouts",
    "sif.timeouts.title": "Acquisition locks that ran out before the holder acknowledged",
    "sif.lock": "lock",
    "sif.lock.title": "group.share.record.lock.duration.ms: how long a member may hold a record before it is offered to another",
    "sif.limit": "delivery limit",
    "sif.limit.title": "group.share.delivery.count.limit: deliveries after which a record is archived instead of offered again",
    "sif.reject": "reject",
    "sif.reject.title": "groupviz.reject.probability (a classroom knob, not a Kafka config): the share of records members REJECT; they are archived without a result",
    "sif.rejected": "rejected",
    "sif.rejected.title": "Records a member acknowledged with REJECT: archived, no result",
    "sif.noresult": "no result",
    "sif.noresult.title": "Records that ended without any result: rejected, or archived at the delivery limit before anyone processed them",
    "sif.none": "Nothing in flight: every delivered record is acknowledged.",
    "sif.legend": "Each chip: partition@offset, its holder, delivery count ×n, lock time left. Orange = redelivered.",
    "sif.rec.title": "P{p}@{o} held by {m}, delivery {d}, lock expires in {s} s",

    "model.title": "Who wins a record?",
    "model.nm": "N = {n} live members competing, M = {m} records per batch",
    "model.since": "wins counted since t = {s} s, when the competition last changed",
    "model.since.title": "Counting restarts when members join or leave, pause or resume, or change their rate: shares from different line-ups would be compared against the wrong model.",
    "model.f.p_record": "a given member wins a given record",
    "model.f.p_pair": "the seed's P_win(i): member i wins one particular record of the batch",
    "model.f.expected_wins": "records a member wins per batch, on average",
    "model.f.sd_wins": "spread of a member's wins per batch (binomial)",
    "model.f.p_at_least_one": "a member wins at least one record of the batch",
    "model.seed": "The seed writes P_win(i) = 1/N × 1/M. That is the chance of one (member, record) pair; the N·M pairs add up to 1. The chance that member i wins a record is 1/N, and it wins M/N records of each batch on average.",
    "model.col.member": "member",
    "model.col.wins": "wins",
    "model.col.share": "share (95% interval) · model",
    "model.test": "χ² = {stat}, df = {df}, p = {p} over {total} wins: {verdict}",
    "model.more": "… and {n} more members (the test uses all of them)",
    "model.nomembers": "No live member.",
    "model.why.random": "Random: each record picks a live member uniformly, so every share tends to 1/N whatever the members' speeds, as long as each has room. The 95% intervals shrink as wins accumulate; a high p-value means the measurement agrees with 1/N.",
    "model.why.first-free": "First-free: the member that is free first takes the record, so shares follow capacity, rateᵢ / Σ rates, not 1/N. That is how real share groups and work queues behave: fast members fetch more often.",
    "model.why.sharding": "Sharding (a classic consumer group): a member processes the records of the partitions it owns, so its share is set by partition ownership and by how keys spread over partitions, not by chance. With uniform keys and an even assignment the shares look like 1/N; a hot key or an uneven assignment breaks that.",
    "model.cmp.group": "group",
    "model.cmp.how": "competition",
    "model.cmp.spread": "largest gap to model",
    "model.cmp.p": "p-value",

    "rj.title": "Record journeys",
    "rj.sub": "who won each record, when it was processed, when its result came back",
    "rj.record": "record",
    "rj.produced": "produced",
    "rj.won": "won by",
    "rj.deliveries": "deliveries",
    "rj.processed": "processed",
    "rj.result": "result back",
    "rj.state": "state",
    "rj.transit": "on the way…",
    "rj.del.title": "{m} acquired it at {t} (delivery {d}): {o}",
    "rj.o.accept": "accepted",
    "rj.o.release": "released",
    "rj.o.reject": "rejected",
    "rj.o.lock_timeout": "lock expired",
    "rj.o.open": "held now",
    "rj.s.done": "result back ✓",
    "rj.s.Acknowledged": "Acknowledged",
    "rj.s.Acquired": "Acquired",
    "rj.s.Available": "Available",
    "rj.s.Archived": "Archived",
  },
  zh: {
    "comp.random": "随机",
    "comp.first-free": "先空先得",
    "comp.sharding": "分片",
    "topic.shared": "所有成员",
    "group.competition": "竞争方式：{c}",
    "group.competition.random.title": "每条记录随机交给一个有空位的存活成员：即种子文档中的“随机竞争”。",
    "group.competition.first-free.title": "每条记录交给最先空闲的成员：成员的份额与其处理能力成正比。",
    "group.protocol.share": "共享组（KIP-932）：按记录而不是按分区分发",
    "group.pwin.random": "P(记录 → 消费者 i) = 1/N，N = {n} 个存活",
    "group.pwin.random.title": "随机竞争：每条记录对每个有空位的存活成员都有相同的概率 1/N。",
    "group.pwin.firstfree": "P(记录 → 消费者 i) = 速率ᵢ / 速率总和，N = {n} 个存活",
    "group.pwin.firstfree.title": "先空先得：谁先空闲谁拿走记录，所以处理快的成员赢得更多。",
    "card.wins": "获胜",
    "card.wins.title": "该成员首次获取（投递次数为 1）的记录数",
    "card.redelivered": "重新投递",
    "card.redelivered.title": "它获取的、此前由其他成员持有过的记录（投递次数 ≥ 2）",
    "card.locked": "锁定",
    "card.locked.title": "它在获取锁下持有的记录（已获取，尚未确认）",

    "prod.explain.share": "共享组：任何成员都可能赢得任意分区的任意一条记录，处理后把结果发回生产者。",
    "rf.title": "结果返回生产者",
    "rf.producer": "生产者",
    "rf.results": "结果",
    "rf.results.title": "从该组返回到生产者的结果数（同一条记录处理两次就计两次）",
    "rf.outstanding": "未完成",
    "rf.outstanding.title": "已发送、但既没有结果也没有最终“无结果”的记录",
    "rf.noresult": "无结果",
    "rf.noresult.title": "没有结果就结束的记录：被拒绝，或投递 group.share.delivery.count.limit 次后被归档",
    "rf.latency": "p50 / p95",
    "rf.latency.title": "端到端延迟：从生产到结果回到生产者",
    "rf.transit": "{n} 条在途",
    "rf.note": "每个组都会读取每一条记录；组内由一个成员赢得它，并把结果发回生产者（回程 20 毫秒）。",
    "rf.note.limit": "生产者恰好发送 {n} 条记录（已发送 {sent} 条），和种子文档的 Python 循环一样。",

    "sif.title": "在途记录",
    "sif.total": "在途",
    "sif.total.title": "已获取的记录：在获取锁下交给某个成员，尚未确认",
    "sif.redelivered": "重新投递",
    "sif.redelivered.title": "投递次数 ≥ 2 的在途记录：第一个持有者崩溃、释放了它或锁超时",
    "sif.acking": "等待确认",
    "sif.acking.title": "已处理；ACCEPT 随成员的下一次 poll 发送",
    "sif.available": "可获取",
    "sif.available.title": "现在任何成员都可以获取的记录（新的或被释放的）",
    "sif.archived": "已归档",
    "sif.archived.title": "被拒绝，或已投递 group.share.delivery.count.limit 次仍未成功：不再投递",
    "sif.timeouts": "锁超时",
    "sif.timeouts.title": "持有者确认之前就到期的获取锁",
    "sif.lock": "锁时长",
    "sif.lock.title": "group.share.record.lock.duration.ms：成员持有一条记录的最长时间，超时后交给其他成员",
    "sif.limit": "投递上限",
    "sif.limit.title": "group.share.delivery.count.limit：投递达到此次数后记录被归档，不再投递",
    "sif.reject": "拒绝",
    "sif.reject.title": "groupviz.reject.probability（课堂用的开关，不是 Kafka 配置）：成员以 REJECT 确认的记录比例；这些记录被归档，没有结果",
    "sif.rejected": "已拒绝",
    "sif.rejected.title": "成员以 REJECT 确认的记录：被归档，没有结果",
    "sif.noresult": "无结果",
    "sif.noresult.title": "没有任何结果就结束的记录：被拒绝，或在有人处理之前就达到投递上限被归档",
    "sif.none": "没有在途记录：所有已投递的记录都已确认。",
    "sif.legend": "每个标签：分区@位移、持有者、投递次数 ×n、剩余锁时间。橙色 = 重新投递。",
    "sif.rec.title": "P{p}@{o} 由 {m} 持有，第 {d} 次投递，锁将在 {s} 秒后到期",

    "model.title": "谁赢得一条记录？",
    "model.nm": "N = {n} 个参与竞争的存活成员，M = 每批 {m} 条记录",
    "model.since": "获胜次数从 t = {s} 秒起计算（竞争条件最近一次变化时）",
    "model.since.title": "成员加入或离开、暂停或恢复、或改变速率时重新计数：不同成员组合下的份额不能用同一个模型比较。",
    "model.f.p_record": "某个成员赢得某条记录",
    "model.f.p_pair": "种子文档的 P_win(i)：成员 i 赢得批次中某一条特定记录",
    "model.f.expected_wins": "每批中一个成员平均赢得的条数",
    "model.f.sd_wins": "每批中一个成员赢得条数的波动（二项分布）",
    "model.f.p_at_least_one": "一个成员在一批中至少赢得一条",
    "model.seed": "种子文档写的是 P_win(i) = 1/N × 1/M。它是一个（成员，记录）对的概率；N·M 个对加起来等于 1。成员 i 赢得一条记录的概率是 1/N，每批平均赢得 M/N 条。",
    "model.col.member": "成员",
    "model.col.wins": "获胜",
    "model.col.share": "份额（95% 区间）· 模型",
    "model.test": "χ² = {stat}，自由度 = {df}，p = {p}，共 {total} 次获胜：{verdict}",
    "model.more": "……还有 {n} 个成员（检验使用全部成员）",
    "model.nomembers": "没有存活成员。",
    "model.why.random": "随机：每条记录在存活成员中均匀地挑一个，所以只要每个成员都有空位，无论快慢，份额都趋向 1/N。获胜次数越多，95% 区间越窄；p 值高表示测量结果与 1/N 一致。",
    "model.why.first-free": "先空先得：最先空闲的成员拿走记录，所以份额与处理能力成正比（速率ᵢ / 速率总和），而不是 1/N。真实的共享组和工作队列就是这样：快的成员拉取得更频繁。",
    "model.why.sharding": "分片（经典消费者组）：成员处理它所拥有分区里的记录，所以份额由分区归属和键在分区上的分布决定，而不是由运气决定。键均匀且分配平均时份额看起来像 1/N；热点键或不均匀的分配会打破这一点。",
    "model.cmp.group": "组",
    "model.cmp.how": "竞争方式",
    "model.cmp.spread": "与模型的最大偏差",
    "model.cmp.p": "p 值",

    "rj.title": "记录的旅程",
    "rj.sub": "每条记录由谁赢得、何时处理、结果何时返回",
    "rj.record": "记录",
    "rj.produced": "生产于",
    "rj.won": "赢得者",
    "rj.deliveries": "投递",
    "rj.processed": "处理于",
    "rj.result": "结果返回",
    "rj.state": "状态",
    "rj.transit": "在途…",
    "rj.del.title": "{m} 在 {t} 获取（第 {d} 次投递）：{o}",
    "rj.o.accept": "已接受",
    "rj.o.release": "已释放",
    "rj.o.reject": "已拒绝",
    "rj.o.lock_timeout": "锁已到期",
    "rj.o.open": "正在持有",
    "rj.s.done": "结果已返回 ✓",
    "rj.s.Acknowledged": "Acknowledged",
    "rj.s.Acquired": "Acquired",
    "rj.s.Available": "Available",
    "rj.s.Archived": "Archived",
  },
});
