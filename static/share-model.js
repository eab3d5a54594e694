// The seed's probability model beside what was measured (every group: who wins a record, a chi-square
// test, all groups compared) and the journeys of the seed demo's ten records (share groups).
import { addMessages, getLang, t, plural } from "./i18n.js";
import { el, q, setAttr, setHidden, setText, toggleClass, fmtInt, fmtSeconds } from "./dom.js";
import { colorFor } from "./palette.js";
import { pct, num, pval, competitionName, memberColor } from "./share-format.js";
import { isDispatch } from "./dispatch-i18n.js";

let ui = null;

/** Only random dispatch (the seed's 1/N) and a share group's first-free competition have a model to test;
 * a classic group's shares follow its partitions, a share group's who fetches: the panel says so instead. */
const TESTED = new Set(["random", "first-free"]);

function modelName(comp) {
  if (comp === "random") return t("comp.dispatch");
  if (comp === "share") return t("comp.share");
  return competitionName(comp);
}

export function init() {
  const panel = q("probability-panel");
  const body = (testid) => q(testid).querySelector("tbody");
  ui = {
    model: panel, pmGroup: panel.querySelector(".pm-group"), pmComp: panel.querySelector(".pm-comp"),
    pmWhy: panel.querySelector(".pm-why"), pmTest: q("model-test"), pmFormulas: body("model-formulas"),
    pmMembers: body("model-members"), pmCompare: body("model-compare"),
    journeys: q("record-journeys"), rjBody: body("record-journeys"),
  };
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

function renderFormulas(m, lang) {
  const sig = `${lang}|${m.n}|${m.m}|${m.since_ms}|` + (m.formulas || []).map((f) => f.value).join(",");
  if (ui.pmFormulas.dataset.sig === sig) return;
  ui.pmFormulas.dataset.sig = sig;
  ui.pmFormulas.replaceChildren(
    el("tr", { class: "pm-nm" }, [el("td", { colspan: "3" }, t("model.nm", { n: m.n, m: m.m }))]),
    el("tr", { class: "pm-since" }, [el("td", { colspan: "3", title: t("model.since.title") },
      t("model.since", { s: ((m.since_ms || 0) / 1000).toFixed(1) }))]),
    ...(m.formulas || []).map(formulaRow));
}

function renderMembers(m, lang) {
  const sig = `${lang}|` + (m.members || []).map((r) => `${r.member_id}:${r.wins}:${r.expected_share}`).join(",");
  if (ui.pmMembers.dataset.sig === sig) return;
  ui.pmMembers.dataset.sig = sig;
  const scale = shareScale(m.members || []);
  const rows = (m.members || []).map((r) => memberRow(r, scale));
  if (m.members_total > (m.members || []).length) {
    rows.push(el("tr", { class: "pm-more" }, [el("td", { colspan: "3" },
      plural(m.members_total - m.members.length, "model.more"))]));
  }
  if (!rows.length) rows.push(el("tr", {}, [el("td", { colspan: "3", class: "muted" }, t("model.nomembers"))]));
  ui.pmMembers.replaceChildren(...rows);
}

function renderTest(m, lang, comp) {
  const test = m.test || {};
  setAttr(ui.pmTest, "data-tested", TESTED.has(comp) ? "true" : "false");
  if (!TESTED.has(comp)) {
    setText(ui.pmTest, t(`model.decides.${comp}`));
    toggleClass(ui.pmTest, "thin", true);
    toggleClass(ui.pmTest, "reject", false);
    return;
  }
  const verdict = test.verdict ? (test.verdict[lang] || test.verdict.en) : "";
  if (test.applies === false) {            // a consumer group: shares follow partition ownership, no chance test
    setText(ui.pmTest, verdict);
    toggleClass(ui.pmTest, "thin", true);
    toggleClass(ui.pmTest, "reject", false);
    return;
  }
  const stat = test.statistic === null || test.statistic === undefined ? "∞" : num(test.statistic);
  setText(ui.pmTest, t("model.test", { stat, df: test.df ?? 0, p: pval(test.p_value), total: fmtInt(m.total_wins),
    verdict }));
  toggleClass(ui.pmTest, "thin", !test.enough_data);
  toggleClass(ui.pmTest, "reject", !!test.enough_data && test.p_value < (test.alpha ?? 0.05));
}

/** All groups side by side: sharding and competition compared on the same records. */
function renderCompare(snap, group, lang) {
  const sig = `${lang}|` + (snap.groups || []).map((g) => `${g.group_id}:${g.model && g.model.total_wins}`).join(",");
  if (ui.pmCompare.dataset.sig === sig) return;
  ui.pmCompare.dataset.sig = sig;
  ui.pmCompare.replaceChildren(...(snap.groups || []).filter((g) => g.model).map((g) => {
    const gm = g.model;
    const sp = gapToModel(gm);
    return el("tr", { "data-group-id": g.group_id, class: g.group_id === group.group_id ? "selected" : "" }, [
      el("td", {}, g.group_id),
      el("td", {}, modelName(gm.competition)),
      el("td", { class: "num r" }, String(gm.n)),
      el("td", { class: "num r" }, sp === null || !TESTED.has(gm.competition) ? "–" : pct(sp)),
      el("td", { class: "num r" }, gm.test && gm.test.enough_data && TESTED.has(gm.competition)
        ? pval(gm.test.p_value) : "–"),
    ]);
  }));
}

export function renderModel(snap, group) {
  setHidden(ui.model, !group || !group.model);
  if (!group || !group.model) return;
  const m = group.model;
  const comp = m.competition || group.competition || "sharding";
  setText(ui.pmGroup, group.group_id);
  setText(ui.pmComp, modelName(comp));
  setAttr(ui.pmComp, "data-competition", comp);
  const lang = getLang();
  renderFormulas(m, lang);
  renderMembers(m, lang);
  renderTest(m, lang, comp);
  setText(ui.pmWhy, t(`model.why.${comp}`));
  renderCompare(snap, group, lang);
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

export function renderJourneys(snap, group) {
  const js = group && (group.type === "share" || isDispatch(group)) ? group.journeys || [] : [];
  setHidden(ui.journeys, js.length === 0);
  if (!js.length) return;
  const sig = `${getLang()}|${snap.time_ms}|${js.length}`;
  if (ui.rjBody.dataset.sig === sig) return;
  ui.rjBody.dataset.sig = sig;
  ui.rjBody.replaceChildren(...js.map((j) => journeyRow(j, group)));
}

// ------------------------------------------------------------------ strings

addMessages({
  en: {
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
    "model.more.one": "… and {n} more member (the test uses all of them)",
    "model.nomembers": "No live member.",
    "model.why.random": "Random dispatch, the seed's idealised queue (not a Kafka mode): each record picks a live member uniformly, so every share tends to 1/N whatever the members' speeds. The 95% intervals shrink as wins accumulate; a high p-value means the measurement agrees with 1/N.",
    "model.why.share": "Share group (Kafka): members pull batches of records from the partitions assigned to them, so who fetches while records are available, and how fast each member works, decides its share. There is no 1/N draw to test.",
    "model.decides.sharding": "No 1/N test: a classic group's member processes the records of the partitions it owns, so partition ownership and how keys spread over partitions decide its share.",
    "model.decides.share": "No 1/N test: in a share group who fetches while records are available, and how fast each member works, decides its share.",
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
    "rj.o.processed": "processed",
    "rj.s.Dispatched": "handed out",
    "rj.s.Processed": "processed",
    "rj.s.done": "result back ✓",
    "rj.s.Acknowledged": "Acknowledged",
    "rj.s.Acquired": "Acquired",
    "rj.s.Available": "Available",
    "rj.s.Archived": "Archived",
  },
  zh: {
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
    "model.more.one": "……还有 {n} 个成员（检验使用全部成员）",
    "model.nomembers": "没有存活成员。",
    "model.why.share": "共享组（Kafka）：成员从分配给它的分区中成批拉取记录，所以谁在有记录时拉取、每个成员处理得多快决定它的份额。没有可检验的 1/N 抽签。",
    "model.decides.sharding": "不做 1/N 检验：经典消费者组的成员处理它所拥有分区里的记录，所以份额由分区归属和键在分区上的分布决定。",
    "model.decides.share": "不做 1/N 检验：在共享组中，谁在有记录时拉取、每个成员处理得多快决定它的份额。",
    "model.why.random": "随机分派，即种子文档中理想化的队列（不是 Kafka 的模式）：每条记录在存活成员中均匀地挑一个，所以无论快慢，份额都趋向 1/N。获胜次数越多，95% 区间越窄；p 值高表示测量结果与 1/N 一致。",
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
    "rj.o.processed": "已处理",
    "rj.s.Dispatched": "已分派",
    "rj.s.Processed": "已处理",
    "rj.s.done": "结果已返回 ✓",
    "rj.s.Acknowledged": "Acknowledged",
    "rj.s.Acquired": "Acquired",
    "rj.s.Available": "Available",
    "rj.s.Archived": "Archived",
  },
});
