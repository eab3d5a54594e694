// Competition panels (issue #6): the results flowing back to the producer (every group), the records
// a share group holds in flight and their settings; the seed's probability model and the record
// journeys are in share-model.js. Plugged in through panels.js; text via textContent only.
import { howName } from "./dispatch-i18n.js";
import { addMessages, getLang, t, applyStatic } from "./i18n.js";
import { el, q, reconcile, setHidden, setText, toggleClass, fmtInt } from "./dom.js";
import { colorFor } from "./palette.js";
import { hold, syncOption } from "./controls.js";
import { select } from "./store.js";
import { send } from "./commands.js";
import { pct, competitionName, memberColor } from "./share-format.js";
import * as model from "./share-model.js";

const MAX_DOTS = 6;            // result dots per lane
const INFLIGHT_SHOWN = 24;     // record chips drawn (the snapshot carries at most 50)
const SETTINGS = [   // the in-flight panel's selects: Kafka's share-group configs (and the reject knob)
  ["lock", "group.share.record.lock.duration.ms", (v) => `${v / 1000} s`, Number],
  ["limit", "group.share.delivery.count.limit", String, Number],
  ["reject", "groupviz.reject.probability", (v) => pct(v, 0), Number],
  ["maxpoll", "max.poll.records", String, Number],
  ["ackmode", "share.acknowledgement.mode", (v) => t(`sif.ackmode.${v}`), String],
];

let ui = null;

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
  applyStatic(root);
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

function updateLane(view, g, r, selected) {
  const gid = g.group_id;
  setText(view.results, fmtInt(r.results));
  setText(view.outstanding, fmtInt(r.outstanding));
  setText(view.noResult, fmtInt(r.no_result ?? 0));
  const lat = r.latency_ms || {};
  setText(view.latency, lat.p50 === null || lat.p50 === undefined ? "–" : `${fmtInt(lat.p50)} / ${fmtInt(lat.p95)} ms`);
  setText(view.transit, r.in_transit ? t("rf.transit", { n: fmtInt(r.in_transit) }) : "");
  setText(view.name, `${gid} · ${howName(g, t)}`);
  toggleClass(view.root, "selected", selected && selected.group_id === gid);
  toggleClass(view.root, "lossy", (r.no_result ?? 0) > 0);
  drawDots(view, g, Number(g.throughput) || 0);
}

function renderResults(snap, selected) {
  const prod = snap.producer || {};
  const per = prod.groups || {};
  reconcile(ui.lanes, snap.groups || [], (g) => g.group_id, (g) => createLane(g.group_id),
    (view, g) => updateLane(view, g, per[g.group_id] || {}, selected));
  const limit = prod.limit;
  setText(ui.rfNote, limit ? t("rf.note.limit", { n: fmtInt(limit), sent: fmtInt(prod.produced) }) : t("rf.note"));
}

// ------------------------------------------------------------------ records in flight (share groups)

function countItem(key, value, cls = "") {
  return el("div", { class: `sif-c ${cls}`, "data-i18n-title": `${key}.title`, title: t(`${key}.title`),
    "data-testid": `sif-${key.slice(4)}` }, [el("dt", {}, t(key)), el("dd", { class: "num" }, value)]);
}

function inflightItem(r, group, now, lockMs) {
  const left = Math.max(0, r.lock_expires_ms - now);
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
  li.style.setProperty("--c", memberColor(group, r.member_id));
  return li;
}

function renderInflight(snap, group) {
  const show = !!group && group.type === "share";
  setHidden(ui.inflight, !show);
  if (!show) return;
  setText(ui.sifGroup, group.group_id);
  const sig = [group.in_flight_total, group.in_flight_redelivered, group.in_flight_processed, group.available,
    group.archived, group.rejected, group.no_result, group.lock_timeouts, group.late_acks, group.group_epoch,
    getLang()].join("|");
  if (ui.sifCounts.dataset.sig !== sig) {
    ui.sifCounts.dataset.sig = sig;
    ui.sifCounts.replaceChildren(
      countItem("sif.total", fmtInt(group.in_flight_total)),
      countItem("sif.redelivered", fmtInt(group.in_flight_redelivered), group.in_flight_redelivered ? "hot" : ""),
      countItem("sif.acking", fmtInt(group.in_flight_processed)),
      countItem("sif.available", fmtInt(group.available)),
      countItem("sif.archived", fmtInt(group.archived), group.archived ? "bad" : ""),
      countItem("sif.timeouts", fmtInt(group.lock_timeouts), group.lock_timeouts ? "hot" : ""),
      countItem("sif.late", fmtInt(group.late_acks ?? 0), group.late_acks ? "bad" : ""),
      countItem("sif.epoch", fmtInt(group.group_epoch ?? group.generation)),
      countItem("sif.rejected", fmtInt(group.rejected), group.rejected ? "bad" : ""),
      countItem("sif.noresult", fmtInt(group.no_result), group.no_result ? "bad" : ""),
    );
  }
  syncSettings(group);
  const lockMs = group.record_lock_duration_ms || 1;
  const items = (group.in_flight || []).slice(0, INFLIGHT_SHOWN).map((r) => inflightItem(r, group, snap.time_ms, lockMs));
  ui.sifList.replaceChildren(...items);
  setHidden(ui.sifNone, items.length > 0);
}

/** Show the group's current settings; a value not in a select's list is added to it. */
function syncSettings(group) {
  for (const [name, key, label, parse] of SETTINGS) {
    const v = group.config ? group.config[key] : undefined;
    if (v !== undefined) syncOption(ui.settings[name], v, label(parse(v)));
  }
}

function wireSettings() {
  for (const [name, key, , parse] of SETTINGS) {
    const node = ui.settings[name];
    node.addEventListener("change", () => {
      const gid = select((s) => s.groupId);
      if (!gid) return;
      hold(node);    // ticks leave the control alone while the command travels
      send({ op: "set_config", group_id: gid, config: { [key]: parse(node.value) } });
    });
  }
}

// ------------------------------------------------------------------ panel hooks

export function init() {
  const flow = q("results-flow");
  const inflight = q("share-inflight");
  ui = {
    row: q("share-row"), lanes: flow.querySelector(".rf-lanes"), rfNote: flow.querySelector(".rf-note"),
    inflight, sifGroup: inflight.querySelector(".sif-group"), sifCounts: inflight.querySelector(".sif-counts"),
    sifList: q("inflight-list"), sifNone: inflight.querySelector(".sif-none"),
    settings: { lock: q("share-lock"), limit: q("share-limit"), reject: q("share-reject"),
      maxpoll: q("share-max-poll"), ackmode: q("share-ack-mode") },
  };
  wireSettings();
  model.init();
}

export function render(snap, group) {
  // The competition row belongs to scenarios with a share group (competition, seed-demo, added ones);
  // classic-only scenarios keep the one-screen layout (their producer panel counts the results).
  const on = (snap.groups || []).some((g) => g.type === "share");
  setHidden(ui.row, !on);
  toggleClass(document.body, "competition", on);
  if (!on) return;
  renderResults(snap, group);
  renderInflight(snap, group);
  model.renderModel(snap, group);
  model.renderJourneys(snap, group);
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
    "topic.shared": "shared",
    "group.competition": "competition: {c}",
    "group.competition.random.title": "Where members share a partition, the broker serves their waiting fetches in a random order: whichever is served first acquires the batch.",
    "group.competition.first-free.title": "Where members share a partition, the fetch that has waited longest is served first and acquires the batch.",
    "group.protocol.share": "share group (KIP-932): partitions balanced by the simple assignor, records fetched in batches",
    "group.pwin.random": "N = {n} live: each fetches batches from its own partitions",
    "group.pwin.random.title": "A member fetches only from the partitions the simple assignor gave it; a partition is shared only when members outnumber partitions.",
    "group.pwin.firstfree": "N = {n} live: each fetches batches from its own partitions",
    "group.pwin.firstfree.title": "A member fetches only from the partitions the simple assignor gave it; on a shared partition the longest-waiting fetch is served first.",
    "card.wins": "wins",
    "card.wins.title": "Records this member acquired first (delivery count 1)",
    "card.redelivered": "redelivered",
    "card.redelivered.title": "Records it acquired that another member had held before (delivery count ≥ 2)",
    "card.locked": "locked",
    "card.locked.title": "Records it holds under an acquisition lock (acquired, not yet acknowledged)",

    "rf.title": "Results back to the producer",
    "rf.producer": "producer",
    "rf.results": "results",
    "rf.results.title": "Results that reached the producer from this group (a record processed twice counts twice)",
    "rf.outstanding": "outstanding",
    "rf.outstanding.title": "Records sent that have neither a result nor a final 'no result' yet",
    "rf.noresult": "no result",
    "rf.noresult.title": "Records that ended without a result: rejected, or archived after group.share.delivery.count.limit deliveries",
    "rf.latency": "p50 / p95 (30 s)",
    "rf.latency.title": "End-to-end latency: from produce to the result arriving at the producer, over the results of the last 30 s of simulated time",
    "rf.transit": "{n} on the way",
    "rf.note": "Every group reads every record; inside a group one member wins it and sends its result back (20 ms reply path).",
    "rf.note.limit": "The producer sends exactly {n} records (sent so far: {sent}), like the seed's Python loop.",

    "sif.title": "Records in flight",
    "sif.total": "in flight",
    "sif.total.title": "Acquired records: delivered to a member under an acquisition lock, not yet acknowledged",
    "sif.redelivered": "redelivered",
    "sif.redelivered.title": "In-flight records with delivery count ≥ 2: their first holder crashed, released them or ran out of lock time",
    "sif.acking": "awaiting ack",
    "sif.acking.title": "Processed; the acknowledgement rides on the member's next poll (implicit) or leaves at once (explicit)",
    "sif.available": "available",
    "sif.available.title": "Records the members assigned their partitions may acquire now (new or released)",
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
    "sif.late": "late acks",
    "sif.late.title": "Acknowledgements that arrived after their record's lock had run out: refused (the redelivery storm's mark)",
    "sif.epoch": "group epoch",
    "sif.epoch.title": "The share group's epoch: + 1 on every join, leave, expiry and partition change; the simple assignor then computes the new assignment",
    "sif.maxpoll": "max.poll.records",
    "sif.maxpoll.title": "max.poll.records: the most records one poll acquires as a batch, under one lock (Kafka's default 500, classroom 20)",
    "sif.ackmode": "acks",
    "sif.ackmode.title": "share.acknowledgement.mode: implicit (the next poll accepts the whole batch) or explicit (each record acknowledged as it is processed)",
    "sif.ackmode.implicit": "implicit",
    "sif.ackmode.explicit": "explicit",
    "hdr.shareEpoch": "group epoch",
    "hdr.shareEpoch.title": "Group epoch (KIP-932 share group): goes up by one on every membership or partition change; each member's epoch reaches it with its next heartbeat.",

  },
  zh: {
    "comp.random": "随机",
    "comp.first-free": "先空先得",
    "comp.sharding": "分片",
    "topic.shared": "共享",
    "group.competition": "竞争方式：{c}",
    "group.competition.random.title": "当多个成员共享一个分区时，broker 以随机顺序处理它们等待中的拉取请求：谁先被处理，谁就获取这一批记录。",
    "group.competition.first-free.title": "当多个成员共享一个分区时，等待最久的拉取请求先被处理，并获取这一批记录。",
    "group.protocol.share": "共享组（KIP-932）：simple 分配器均衡分配分区，成员按批拉取记录",
    "group.pwin.random": "N = {n} 个存活：每个成员从自己的分区按批拉取",
    "group.pwin.random.title": "成员只从 simple 分配器分给它的分区拉取；只有成员多于分区时，分区才会被共享。",
    "group.pwin.firstfree": "N = {n} 个存活：每个成员从自己的分区按批拉取",
    "group.pwin.firstfree.title": "成员只从 simple 分配器分给它的分区拉取；在共享的分区上，等待最久的拉取请求先被处理。",
    "card.wins": "获胜",
    "card.wins.title": "该成员首次获取（投递次数为 1）的记录数",
    "card.redelivered": "重新投递",
    "card.redelivered.title": "它获取的、此前由其他成员持有过的记录（投递次数 ≥ 2）",
    "card.locked": "锁定",
    "card.locked.title": "它在获取锁下持有的记录（已获取，尚未确认）",

    "rf.title": "结果返回生产者",
    "rf.producer": "生产者",
    "rf.results": "结果",
    "rf.results.title": "从该组返回到生产者的结果数（同一条记录处理两次就计两次）",
    "rf.outstanding": "未完成",
    "rf.outstanding.title": "已发送、但既没有结果也没有最终“无结果”的记录",
    "rf.noresult": "无结果",
    "rf.noresult.title": "没有结果就结束的记录：被拒绝，或投递 group.share.delivery.count.limit 次后被归档",
    "rf.latency": "p50 / p95（30 秒）",
    "rf.latency.title": "端到端延迟：从生产到结果回到生产者，按最近 30 秒模拟时间内的结果计算",
    "rf.transit": "{n} 条在途",
    "rf.note": "每个组都会读取每一条记录；组内由一个成员赢得它，并把结果发回生产者（回程 20 毫秒）。",
    "rf.note.limit": "生产者恰好发送 {n} 条记录（已发送 {sent} 条），和种子文档的 Python 循环一样。",

    "sif.title": "在途记录",
    "sif.total": "在途",
    "sif.total.title": "已获取的记录：在获取锁下交给某个成员，尚未确认",
    "sif.redelivered": "重新投递",
    "sif.redelivered.title": "投递次数 ≥ 2 的在途记录：第一个持有者崩溃、释放了它或锁超时",
    "sif.acking": "等待确认",
    "sif.acking.title": "已处理；确认随成员的下一次 poll 发送（隐式），或立即发送（显式）",
    "sif.available": "可获取",
    "sif.available.title": "分到这些分区的成员现在可以获取的记录（新的或被释放的）",
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
    "sif.late": "迟到的确认",
    "sif.late.title": "在记录的锁到期之后才到达的确认：被拒绝（重新投递风暴的标志）",
    "sif.epoch": "组纪元",
    "sif.epoch.title": "共享组的纪元：每次加入、离开、过期和分区变化时加一；随后 simple 分配器计算新的分配",
    "sif.maxpoll": "max.poll.records",
    "sif.maxpoll.title": "max.poll.records：一次 poll 作为一批获取的最多记录数，共用一把锁（Kafka 默认 500，课堂 20）",
    "sif.ackmode": "确认",
    "sif.ackmode.title": "share.acknowledgement.mode：implicit（下一次 poll 接受整批）或 explicit（每条记录处理完就确认）",
    "sif.ackmode.implicit": "隐式",
    "sif.ackmode.explicit": "显式",
    "hdr.shareEpoch": "组纪元",
    "hdr.shareEpoch.title": "组纪元（KIP-932 共享组）：每次成员或分区变化时加一；每个成员的纪元在下一次心跳时赶上它。",

  },
});
