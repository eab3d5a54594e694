// Kafka details: the group state explained, Burrow lag status and lag in time on the partition cells,
// duplicates, and a "Kafka details" view with every group on the topic (overview rows, rebalance
// phases on one time axis), kafka-consumer-groups.sh / kafka-share-groups.sh --describe and the group configs
// under Kafka's names.
// Renders the snapshot of docs/wire.md only; text goes in with textContent.
import { addMessages, t, getLang, applyStatic, localized } from "./i18n.js";
import { el, setText, setAttr, toggleClass, setHidden, fmtInt, fmtRate } from "./dom.js";

const STATES = ["Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"];
const PHASES = ["PreparingRebalance", "CompletingRebalance", "Stable"];
const ASSIGNORS = ["range", "roundrobin", "sticky", "cooperative-sticky"];
const DESCRIBE_EVERY_MS = 1000;
const GANTT_WINDOW_MS = 90_000;
const VIEW_KEY = "groupviz.view";
const DESKTOP = "(min-width: 1100px) and (min-height: 640px)";

addMessages({
  en: {
    "kz.toggle": "Kafka details ▸",
    "kz.toggle.title": "Every group on the topic, rebalance phases side by side, kafka-consumer-groups.sh / kafka-share-groups.sh --describe and the group configs",
    "kz.back": "◂ Board",
    "kz.back.title": "Back to the producer, topic, group, charts and events",
    "kz.states.title": "Kafka group states",
    "kz.states.intro": "The group coordinator's state machine (classic protocol). Generation {g}: it goes up by one each time a join completes.",
    "kz.states.now": "now",
    "kz.states.close": "Close",
    "kz.states.open": "What the group states mean (Enter)",

    "kz.status.title": "Burrow's status over the last commits of each partition (window of 10)",
    "kz.status.none": "no commit yet: Burrow has nothing to evaluate",
    "kz.rule.OK": "OK: current lag is 0, or some commit in the window had lag 0, or no rule fired",
    "kz.rule.WARN": "WARN (rule 5): offsets advance but the lag never decreased over the window: the consumer is too slow",
    "kz.rule.STOP": "STOP (rule 3): no commit for longer than the window spans (now − last commit > last − first) and the consumer was not caught up",
    "kz.rule.STALL": "STALL (rule 4): the same offset is committed again and again while lag is not 0",
    "kz.rule.REWIND": "REWIND (rule 2): a committed offset went backwards",
    "kz.rule.ERR": "ERR: a partition is STOP, STALL or REWIND",
    "kz.rule.window": "window: {n} of 10 commits",
    "kz.group.status": "Burrow {s}",
    "kz.group.status.none": "Burrow -",
    "kz.lagms": "lag time",
    "kz.lagms.title": "Lag in time: age of the oldest record not yet committed (kafka-lag-exporter's estimate), beside lag in records",
    "kz.lagms.hint": "oldest unread {v}",
    "kz.dups": "{n} duplicates",
    "kz.dups.title": "Records processed more than once: after a crash the new owner re-reads from the last committed offset (at-least-once)",

    "kz.overview.title": "Groups on the topic",
    "kz.overview.hint": "click a row to show that group in the panels",
    "kz.add.placeholder": "new group id",
    "kz.add.group": "+ group",
    "kz.add.group.title": "Add a consumer group with 3 consumers on the same topic: it reads every record too (auto.offset.reset decides where it starts)",
    "kz.add.partition": "+ partition",
    "kz.add.partition.title": "Add a partition to the topic (Kafka only grows partitions): every group rebalances, as on a metadata change",
    "kz.hot": "hot key share",
    "kz.hot.title": "Share of the records that carry the one hot key (they all land on one partition)",
    "kz.col.group": "group",
    "kz.col.type": "type",
    "kz.col.state": "state",
    "kz.col.gen": "gen",
    "kz.col.assignor": "assignor / protocol",
    "kz.col.members": "members",
    "kz.col.lag": "lag",
    "kz.col.lagms": "lag time",
    "kz.col.status": "Burrow",
    "kz.col.dups": "duplicates",
    "kz.col.tp": "records/s",
    "kz.type.consumer": "classic",
    "kz.type.share": "share",
    "kz.proto.eager": "eager",
    "kz.proto.cooperative": "cooperative",
    "kz.row.title": "Show {g} in the panels",

    "kz.tl.title": "Rebalance phases, every group on one time axis",
    "kz.tl.none": "no rebalance yet",
    "kz.tl.seg": "{g}, generation {gen}: {phase} {d}",
    "kz.tl.detail": "generation {gen} ({proto}): PreparingRebalance {p} · CompletingRebalance {c} · {moved} moved · paused {paused} ({n} partitions) · {reason}",
    "kz.tl.running": "running",
    "kz.tl.share": "share group: no rebalances (KIP-932 assigns on heartbeat)",

    "chart.reb.moved": "{n} moved",
    "chart.reb.paused": "paused {s}",
    "chart.reb.hover": "generation {g} ({proto}): {reason}<br>PreparingRebalance {p}, CompletingRebalance {c}<br>{moved} partitions moved · processing paused {paused} on {n} partitions",

    "kz.tools": "kafka-consumer-groups.sh / kafka-share-groups.sh and configs",
    "kz.describe.loading": "…",
    "kz.describe.failed": "could not read the describe output: {error}",
    "kz.config.tab": "configs",
    "kz.config.hint": "Each group's configs under Kafka's own names. Classroom defaults make things happen in seconds; Kafka's defaults are beside them. A change applies at once.",
    "kz.config.name": "Kafka config",
    "kz.config.value": "value",
    "kz.config.kafka": "Kafka default",
    "kz.config.classroom": "classroom",
    "kz.config.useclass": "Classroom defaults",
    "kz.config.usekafka": "Kafka's defaults",
    "kz.config.share": "{g} is a share group: its configs (group.share.*) are not edited here.",
    "kz.config.differs": "differs from Kafka's default",
    "kz.config.true": "true",
    "kz.config.false": "false",
    "kz.config.help.session.timeout.ms": "A member without a heartbeat for this long is expelled (then a rebalance)",
    "kz.config.help.heartbeat.interval.ms": "How often a member heartbeats; the answer carries REBALANCE_IN_PROGRESS",
    "kz.config.help.auto.commit.interval.ms": "How often the consumer commits its position",
    "kz.config.help.enable.auto.commit": "Commit automatically (and on revoke); false: nothing is committed",
    "kz.config.help.max.poll.interval.ms": "Rebalance timeout: a member that does not rejoin in time is removed",
    "kz.config.help.group.initial.rebalance.delay.ms": "The first join of an empty group waits this long for more members",
    "kz.config.help.auto.offset.reset": "Where a group without a committed offset starts: earliest or latest",
  },
  zh: {
    "kz.toggle": "Kafka 详情 ▸",
    "kz.toggle.title": "主题上的所有消费者组、并排的再均衡阶段、kafka-consumer-groups.sh / kafka-share-groups.sh --describe 与组配置",
    "kz.back": "◂ 主面板",
    "kz.back.title": "回到生产者、主题、消费者组、图表与事件",
    "kz.states.title": "Kafka 消费者组状态",
    "kz.states.intro": "组协调者的状态机（经典协议）。当前代 {g}：每完成一次加入就加一。",
    "kz.states.now": "当前",
    "kz.states.close": "关闭",
    "kz.states.open": "各组状态的含义（回车）",

    "kz.status.title": "Burrow 根据每个分区最近的提交（窗口 10 次）给出的状态",
    "kz.status.none": "尚无提交：Burrow 无从评估",
    "kz.rule.OK": "OK：当前滞后为 0，或窗口内某次提交时滞后为 0，或没有规则触发",
    "kz.rule.WARN": "WARN（规则 5）：位移在前进，但整个窗口内滞后从未减少：消费者太慢",
    "kz.rule.STOP": "STOP（规则 3）：距上次提交的时间超过窗口跨度（现在 − 最后一次 > 最后一次 − 第一次），且消费者并未追上",
    "kz.rule.STALL": "STALL（规则 4）：滞后不为 0，却反复提交同一个位移",
    "kz.rule.REWIND": "REWIND（规则 2）：已提交的位移倒退了",
    "kz.rule.ERR": "ERR：有分区处于 STOP、STALL 或 REWIND",
    "kz.rule.window": "窗口：10 次中已有 {n} 次提交",
    "kz.group.status": "Burrow {s}",
    "kz.group.status.none": "Burrow -",
    "kz.lagms": "滞后时间",
    "kz.lagms.title": "以时间计的滞后：最早一条尚未提交的消息已等待多久（kafka-lag-exporter 的估算），与以条数计的滞后并列",
    "kz.lagms.hint": "最早未读 {v}",
    "kz.dups": "重复 {n} 条",
    "kz.dups.title": "被处理了不止一次的消息：崩溃后新的分区所有者从最后提交的位移重新读取（至少一次）",

    "kz.overview.title": "主题上的消费者组",
    "kz.overview.hint": "点击一行，在各面板中显示该组",
    "kz.add.placeholder": "新组的 id",
    "kz.add.group": "+ 组",
    "kz.add.group.title": "在同一主题上添加一个有 3 个消费者的消费者组：它也会读取每一条消息（从哪里开始由 auto.offset.reset 决定）",
    "kz.add.partition": "+ 分区",
    "kz.add.partition.title": "给主题增加一个分区（Kafka 只能增加分区）：每个组都会像元数据变化时那样再均衡",
    "kz.hot": "热点键占比",
    "kz.hot.title": "带有那一个热点键的消息所占的比例（它们都落在同一个分区）",
    "kz.col.group": "组",
    "kz.col.type": "类型",
    "kz.col.state": "状态",
    "kz.col.gen": "代",
    "kz.col.assignor": "分配器 / 协议",
    "kz.col.members": "成员",
    "kz.col.lag": "滞后",
    "kz.col.lagms": "滞后时间",
    "kz.col.status": "Burrow",
    "kz.col.dups": "重复",
    "kz.col.tp": "条/秒",
    "kz.type.consumer": "经典",
    "kz.type.share": "共享",
    "kz.proto.eager": "eager",
    "kz.proto.cooperative": "cooperative",
    "kz.row.title": "在各面板中显示 {g}",

    "kz.tl.title": "再均衡阶段：所有组共用一条时间轴",
    "kz.tl.none": "尚无再均衡",
    "kz.tl.seg": "{g}，第 {gen} 代：{phase} {d}",
    "kz.tl.detail": "第 {gen} 代（{proto}）：PreparingRebalance {p} · CompletingRebalance {c} · 迁移 {moved} 个 · 暂停 {paused}（{n} 个分区）· {reason}",
    "kz.tl.running": "进行中",
    "kz.tl.share": "共享组：没有再均衡（KIP-932 在心跳中分配）",

    "chart.reb.moved": "迁移 {n}",
    "chart.reb.paused": "暂停 {s}",
    "chart.reb.hover": "第 {g} 代（{proto}）：{reason}<br>PreparingRebalance {p}，CompletingRebalance {c}<br>迁移 {moved} 个分区 · {n} 个分区暂停处理 {paused}",

    "kz.tools": "kafka-consumer-groups.sh / kafka-share-groups.sh 与配置",
    "kz.describe.loading": "…",
    "kz.describe.failed": "无法读取 describe 输出：{error}",
    "kz.config.tab": "配置",
    "kz.config.hint": "每个组的配置，使用 Kafka 自己的名字。课堂默认值让现象在几秒内出现；旁边是 Kafka 的默认值。修改立即生效。",
    "kz.config.name": "Kafka 配置",
    "kz.config.value": "值",
    "kz.config.kafka": "Kafka 默认",
    "kz.config.classroom": "课堂默认",
    "kz.config.useclass": "课堂默认值",
    "kz.config.usekafka": "Kafka 默认值",
    "kz.config.share": "{g} 是共享组：它的配置（group.share.*）不在这里修改。",
    "kz.config.differs": "与 Kafka 默认值不同",
    "kz.config.true": "true",
    "kz.config.false": "false",
    "kz.config.help.session.timeout.ms": "成员超过这么久没有心跳就会被逐出（随后再均衡）",
    "kz.config.help.heartbeat.interval.ms": "成员发送心跳的间隔；应答中带有 REBALANCE_IN_PROGRESS",
    "kz.config.help.auto.commit.interval.ms": "消费者提交位移的间隔",
    "kz.config.help.enable.auto.commit": "自动提交（撤销分区时也提交）；false：什么都不提交",
    "kz.config.help.max.poll.interval.ms": "再均衡超时：未能及时重新加入的成员会被移除",
    "kz.config.help.group.initial.rebalance.delay.ms": "空组第一次加入时等待更多成员的时长",
    "kz.config.help.auto.offset.reset": "没有已提交位移的组从哪里开始：earliest 或 latest",
  },
});

// ---------------------------------------------------------------- small helpers

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function statusRule(status) {
  return status ? t(`kz.rule.${status}`) : t("kz.status.none");
}

function protoLabel(g) {
  if (g.type === "share") return "share";
  const coop = g.protocol === "cooperative" || g.assignor === "cooperative-sticky";
  return t(coop ? "kz.proto.cooperative" : "kz.proto.eager");
}

function isClassic(g) {
  return g && (g.type === undefined || g.type === "consumer");
}

// ---------------------------------------------------------------- the state badge popover

function statePopover(ctx) {
  const badge = ctx.q("group-state");
  const pop = document.getElementById("gs-pop");
  if (!badge || !pop) return { render() {} };
  setAttr(badge, "role", "button");
  setAttr(badge, "aria-haspopup", "dialog");
  setAttr(badge, "aria-expanded", "false");
  setAttr(badge, "aria-controls", "gs-pop");
  const title = el("h4", { class: "kz-pop-title" });
  const intro = el("p", { class: "kz-pop-intro" });
  const list = el("ul", { class: "kz-pop-list" });
  const items = new Map();
  for (const s of STATES) {
    const name = el("span", { class: "badge gs sm", "data-state": s }, s);
    const now = el("span", { class: "kz-now" });
    const text = el("span", { class: "kz-pop-text" });
    const li = el("li", { "data-state": s }, [name, now, text]);
    items.set(s, { li, now, text });
    list.append(li);
  }
  const close = el("button", { type: "button", class: "btn sm kz-pop-close" });
  pop.replaceChildren(el("div", { class: "kz-pop-head" }, [title, close]), intro, list);
  let current = null;
  let generation = "–";

  const fill = () => {
    setText(title, t("kz.states.title"));
    setText(intro, t("kz.states.intro", { g: generation }));
    setText(close, "×");
    close.setAttribute("aria-label", t("kz.states.close"));
    for (const [s, it] of items) {
      const text = t(`gs.${s}`).replace(new RegExp(`^${s}[:：]\\s*`), "");
      setText(it.text, text.charAt(0).toUpperCase() + text.slice(1));
      const on = s === current;
      toggleClass(it.li, "on", on);
      if (on) it.li.setAttribute("aria-current", "true"); else it.li.removeAttribute("aria-current");
      setText(it.now, on ? t("kz.states.now") : "");
    }
  };
  const place = () => {
    const r = badge.getBoundingClientRect();
    const w = Math.min(440, window.innerWidth - 16);
    pop.style.width = `${w}px`;
    pop.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - w - 8))}px`;
    pop.style.top = `${r.bottom + 6}px`;
  };
  const open = () => {
    fill();
    setHidden(pop, false);
    place();
    badge.setAttribute("aria-expanded", "true");
    close.focus({ preventScroll: true });
  };
  const hide = (refocus) => {
    if (pop.hidden) return;
    setHidden(pop, true);
    badge.setAttribute("aria-expanded", "false");
    if (refocus) badge.focus({ preventScroll: true });
  };
  badge.addEventListener("click", (e) => { e.stopPropagation(); if (pop.hidden) open(); else hide(false); });
  badge.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); if (pop.hidden) open(); else hide(true); }
  });
  close.addEventListener("click", () => hide(true));
  pop.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); hide(true); } });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(false); });
  document.addEventListener("click", (e) => { if (!pop.contains(e.target) && e.target !== badge) hide(false); });
  window.addEventListener("resize", () => { if (!pop.hidden) place(); });

  return {
    render(group) {
      current = group ? group.state : "Dead";
      generation = group ? String(group.generation) : "–";
      badge.setAttribute("aria-label", `${current}: ${t("kz.states.open")}`);
      if (!pop.hidden) fill();
    },
    relabel: fill,
  };
}

// ---------------------------------------------------------------- the selected group: hint line and partition cells

function groupHint(ctx) {
  const hint = document.querySelector(".group-hint .kz-hint");
  const stat = ctx.q("lag-status");
  const dups = ctx.q("duplicates");
  const lagms = document.querySelector(".kz-hint-lagms");
  const classicPart = document.querySelector(".group-hint .kz-classic");
  return {
    render(group) {
      const classic = isClassic(group);
      if (hint) setHidden(hint, !group);
      if (!group || !stat) return;
      const s = classic ? group.status ?? null : null;
      setHidden(classicPart, !classic);      // a share group has no commits per partition for Burrow
      setText(stat, s ? t("kz.group.status", { s }) : t("kz.group.status.none"));
      setAttr(stat, "data-status", s || "");
      stat.title = `${t("kz.status.title")}\n${statusRule(s)}`;
      setText(lagms, classic && group.lag_ms !== null && group.lag_ms !== undefined
        ? t("kz.lagms.hint", { v: fmtMs(group.lag_ms) }) : "");
      lagms.title = t("kz.lagms.title");
      setText(dups, t("kz.dups", { n: fmtInt(group.duplicates ?? 0) }));
      setAttr(dups, "data-count", group.duplicates ?? 0);
      dups.title = t("kz.dups.title");
      toggleClass(dups, "some", (group.duplicates ?? 0) > 0);
    },
  };
}

function partitionBadges(ctx) {
  const grid = ctx.q("assignment-view");
  const views = new WeakMap();
  const ensure = (cell) => {
    let v = views.get(cell);
    if (v && v.badge.isConnected) return v;
    const badge = el("span", { class: "pstat", "data-testid": "partition-status", tabindex: "0" });
    const k = el("span", { class: "k" });
    const ms = el("span", { class: "num" });
    const row = el("div", { class: "p-row kz-lagms" }, [k, ms]);
    const head = cell.querySelector(".p-head") || cell;
    head.append(badge);
    const lagRow = cell.querySelector(".p-row.lag");
    if (lagRow && lagRow.nextSibling) cell.insertBefore(row, lagRow.nextSibling); else cell.append(row);
    v = { badge, k, ms, row };
    views.set(cell, v);
    return v;
  };
  return {
    render(group) {
      if (!grid) return;
      const classic = isClassic(group);
      const byKey = new Map();
      if (group && classic) for (const p of group.partitions || []) byKey.set(`${p.topic}:${p.partition}`, p);
      for (const cell of grid.querySelectorAll('[data-testid="partition"]')) {
        const v = ensure(cell);
        setHidden(v.badge, !classic);
        setHidden(v.row, !classic);
        if (!classic) continue;
        const p = byKey.get(`${cell.dataset.topic}:${cell.dataset.partition}`);
        const s = p ? p.status ?? null : null;
        setText(v.badge, s || "-");
        setAttr(v.badge, "data-status", s || "");
        const rule = statusRule(s);
        const win = p && p.window !== undefined && s ? `\n${t("kz.rule.window", { n: p.window })}` : "";
        const title = `${t("kz.status.title")}\n${rule}${win}`;
        if (v.badge.title !== title) v.badge.title = title;
        v.badge.setAttribute("aria-label", `Burrow ${s || "-"}: ${rule}`);
        setText(v.k, t("kz.lagms"));
        // Short in the cell (0.1 s steps), exact on hover.
        const lms = p ? p.lag_ms : null;
        setText(v.ms, lms === null || lms === undefined ? "-" : lms < 60_000 ? `${(lms / 1000).toFixed(1)} s` : fmtMs(lms));
        v.row.title = `${t("kz.lagms.title")}: ${fmtMs(lms)}`;
      }
    },
  };
}

// ---------------------------------------------------------------- overview rows

const OVERVIEW_COLS = ["kz.col.type", "kz.col.state", "kz.col.gen", "kz.col.assignor", "kz.col.members", "kz.col.lag",
  "kz.col.lagms", "kz.col.status", "kz.col.dups", "kz.col.tp"];

function overview(ctx, selectGroup) {
  const table = ctx.q("groups-overview");
  const body = table ? table.querySelector("tbody") : null;
  const rows = new Map();

  const make = (g) => {
    const gid = g.group_id;
    const name = el("th", { scope: "row", class: "kz-gid" }, gid);
    const type = el("td", { class: "kz-type" });
    const state = el("span", { class: "badge gs sm" });
    const gen = el("td", { class: "r num" });
    const assignor = el("select", { "data-testid": "overview-assignor", "data-control": true, "aria-label": `${gid} assignor` },
      ASSIGNORS.map((a) => el("option", { value: a }, a)));
    const assignorText = el("span", { class: "kz-assignor-text" });
    const proto = el("span", { class: "kz-proto" });
    const members = el("td", { class: "r num" });
    const lag = el("td", { class: "r num" });
    const lagms = el("td", { class: "r num" });
    const status = el("span", { class: "lagstat" });
    const dups = el("td", { class: "r num kz-dupcell" });
    const tp = el("td", { class: "r num" });
    const cells = [type, el("td", {}, [state]), gen, el("td", { class: "kz-assigncell" }, [el("div", { class: "kz-assign" }, [assignor, assignorText, proto])]),
      members, lag, lagms, el("td", {}, [status]), dups, tp];
    const tr = el("tr", { "data-testid": "group-row", "data-group-id": gid, tabindex: "0" }, [name, ...cells]);
    const view = { tr, cells, type, state, gen, assignor, assignorText, proto, members, lag, lagms, status, dups, tp, group: g };
    tr.addEventListener("click", (e) => { if (!e.target.closest("select")) selectGroup(gid); });
    tr.addEventListener("keydown", (e) => {
      if ((e.key === "Enter" || e.key === " ") && e.target === tr) { e.preventDefault(); selectGroup(gid); }
    });
    assignor.addEventListener("click", (e) => e.stopPropagation());
    assignor.addEventListener("change", async () => {
      assignor._holdUntil = performance.now() + 1500;
      const res = await ctx.send({ op: "set_assignor", group_id: gid, assignor: assignor.value });
      if (!res || res.ok !== true) { assignor._holdUntil = 0; assignor.value = view.group.assignor; }
    });
    return view;
  };

  return {
    render(snap) {
      if (!body) return;
      const groups = snap.groups || [];
      const keep = new Set();
      const order = [];
      for (const g of groups) {
        keep.add(g.group_id);
        let v = rows.get(g.group_id);
        if (!v) { v = make(g); rows.set(g.group_id, v); }
        v.group = g;
        const classic = isClassic(g);
        toggleClass(v.tr, "selected", g.group_id === ctx.state.groupId);
        setAttr(v.tr, "aria-selected", g.group_id === ctx.state.groupId ? "true" : "false");
        v.tr.title = t("kz.row.title", { g: g.group_id });
        setAttr(v.tr, "data-type", g.type || "consumer");
        setText(v.type, t(`kz.type.${g.type || "consumer"}`));
        setText(v.state, g.state);
        setAttr(v.state, "data-state", g.state);
        v.state.title = t(`gs.${g.state}`) === `gs.${g.state}` ? g.state : t(`gs.${g.state}`);
        setText(v.gen, String(g.generation ?? "-"));
        // Share groups have no client-side assignor to pick: show their assignor as text.
        setHidden(v.assignor, !classic);
        setHidden(v.assignorText, classic);
        if (classic) {
          if (![...v.assignor.options].some((o) => o.value === g.assignor)) v.assignor.append(el("option", { value: g.assignor }, g.assignor));
          const busy = document.activeElement === v.assignor || (v.assignor._holdUntil && performance.now() < v.assignor._holdUntil);
          if (!busy && v.assignor.value !== g.assignor) v.assignor.value = g.assignor;
          v.assignor.disabled = ctx.state.role === "viewer";
        } else {
          setText(v.assignorText, g.assignor || "-");
        }
        setText(v.proto, protoLabel(g));
        setAttr(v.proto, "data-protocol", classic ? (g.protocol || "") : "share");
        const live = (g.members || []).filter((m) => m.state === "active" || m.state === "paused").length;
        setText(v.members, String(live));
        setText(v.lag, g.lag === null || g.lag === undefined ? "-" : fmtInt(g.lag));
        setText(v.lagms, classic ? fmtMs(g.lag_ms) : "-");
        const s = classic ? g.status ?? null : null;
        setText(v.status, s || "-");
        setAttr(v.status, "data-status", s || "");
        v.status.title = classic ? statusRule(s) : "";
        setText(v.dups, fmtInt(g.duplicates ?? 0));
        toggleClass(v.dups, "some", (g.duplicates ?? 0) > 0);
        setText(v.tp, fmtRate(g.throughput));
        if (v.labelLang !== getLang()) {   // each cell's column name, shown above it where the table becomes cards (phones)
          v.labelLang = getLang();
          v.cells.forEach((cell, i) => setAttr(cell, "data-label", t(OVERVIEW_COLS[i])));
        }
        order.push(v.tr);
      }
      for (const [gid, v] of rows) if (!keep.has(gid)) { v.tr.remove(); rows.delete(gid); }
      const current = [...body.children];
      if (current.length !== order.length || current.some((n, i) => n !== order[i])) body.append(...order);
    },
  };
}

// ---------------------------------------------------------------- the rebalance gantt (every group, one time axis)

function gantt(ctx) {
  const root = ctx.q("rebalance-gantt");
  const info = document.querySelector(".kz-gantt-info");
  const rows = new Map();
  let axis = null;

  const segment = (phase, x0, x1, range, label, title, gen) => {
    const span = range[1] - range[0] || 1;
    const left = ((x0 - range[0]) / span) * 100;
    const width = Math.max(((x1 - x0) / span) * 100, 0);
    const seg = el("span", {
      class: "kz-seg", "data-phase": phase, "data-generation": gen ?? "", title,
      style: `left:${left.toFixed(3)}%;width:${width.toFixed(3)}%`,
    });
    if (label) seg.append(el("span", { class: "kz-seg-label" }, label));
    return seg;
  };

  return {
    render(snap) {
      if (!root) return;
      const now = snap.time_ms || 0;
      const range = [Math.max(0, now - GANTT_WINDOW_MS), Math.max(now, 1)];
      const groups = snap.groups || [];
      const keep = new Set();
      let total = 0;
      for (const g of groups) {
        keep.add(g.group_id);
        let row = rows.get(g.group_id);
        if (!row) {
          const label = el("span", { class: "kz-glabel" });
          const track = el("span", { class: "kz-track" });
          const r = el("div", { class: "kz-grow", "data-group-id": g.group_id }, [label, track]);
          row = { r, label, track, sig: "" };
          rows.set(g.group_id, row);
          root.insertBefore(r, axis);
        }
        setText(row.label, `${g.group_id} · ${protoLabel(g)}`);
        toggleClass(row.r, "selected", g.group_id === ctx.state.groupId);
        const list = g.rebalances || [];
        total += list.length;
        // Redraw this row only when something on it moved by at least a pixel's worth of time.
        const sig = `${Math.round(range[0] / 250)}|${getLang()}|${g.type}|${list.map((r) => `${r.generation}:${r.start_ms}:${r.join_ms}:${r.end_ms}:${r.moved}:${r.paused_ms}`).join(",")}`;
        if (sig === row.sig) continue;
        row.sig = sig;
        const segs = [];
        if (!isClassic(g)) {
          segs.push(el("span", { class: "kz-track-note" }, t("kz.tl.share")));
        }
        for (let i = 0; i < list.length; i++) {
          const r = list[i];
          const next = list[i + 1];
          const join = r.join_ms ?? now;
          const end = r.end_ms ?? (r.join_ms !== null && r.join_ms !== undefined ? now : null);
          const stableTo = next ? next.start_ms : now;
          const proto = r.protocol || (g.protocol ?? "");
          const detail = t("kz.tl.detail", {
            gen: r.generation, proto,
            p: fmtMs(join - r.start_ms), c: end === null ? t("kz.tl.running") : fmtMs(end - join),
            moved: r.moved ?? 0, paused: fmtMs(r.paused_ms ?? 0), n: r.paused_partitions ?? 0, reason: localized(r, "reason"),
          });
          if (stableTo < range[0]) continue;
          const genLabel = `g${r.generation}`;
          segs.push(segment("PreparingRebalance", Math.max(r.start_ms, range[0]), Math.min(join, range[1]), range, genLabel,
            `${g.group_id} ${detail}`, r.generation));
          if (end !== null && r.join_ms !== null && r.join_ms !== undefined) {
            segs.push(segment("CompletingRebalance", Math.max(join, range[0]), Math.min(end, range[1]), range, "",
              `${g.group_id} ${detail}`, r.generation));
          }
          if (r.end_ms !== null && r.end_ms !== undefined && r.end_ms < stableTo) {
            segs.push(segment("Stable", Math.max(r.end_ms, range[0]), stableTo, range,
              (r.moved || r.paused_partitions)
                ? `${t("chart.reb.moved", { n: r.moved ?? 0 })} · ${t("chart.reb.paused", { s: fmtMs(r.paused_ms ?? 0) })}` : "",
              `${g.group_id}, generation ${r.generation}: Stable · ${detail}`, r.generation));
          }
        }
        row.track.replaceChildren(...segs);
      }
      for (const [gid, row] of rows) if (!keep.has(gid)) { row.r.remove(); rows.delete(gid); }
      // axis: a tick every 10 s (every 5 s for short runs)
      const axisSig = `${Math.floor(range[0] / 1000)}:${Math.floor(range[1] / 1000)}`;
      if (!axis) { axis = el("div", { class: "kz-axis", "aria-hidden": "true" }); root.append(axis); }
      if (axis._sig !== axisSig) {
        axis._sig = axisSig;
        const span = range[1] - range[0];
        const step = span > 40_000 ? 10_000 : 5_000;
        const ticks = [];
        for (let x = Math.ceil(range[0] / step) * step; x <= range[1] - span * 0.03; x += step) {
          ticks.push(el("span", { class: "kz-tick", style: `left:${(((x - range[0]) / span) * 100).toFixed(3)}%` }, `${x / 1000} s`));
        }
        axis.replaceChildren(el("span", { class: "kz-glabel" }), el("span", { class: "kz-track" }, ticks));
      }
      root.append(axis);
      if (info) setText(info, total ? "" : t("kz.tl.none"));
    },
  };
}

// ---------------------------------------------------------------- describe + configs

function tools(ctx) {
  const tabs = [...document.querySelectorAll(".kz-tab")];
  const describePanel = ctx.q("describe-panel");
  const out = ctx.q("describe-output");
  const cmd = document.querySelector(".kz-cmdline");
  const configPanel = ctx.q("config-panel");
  const configBody = configPanel ? configPanel.querySelector("tbody") : null;
  const configNone = configPanel ? configPanel.querySelector(".kz-config-none") : null;
  const configTable = configPanel ? configPanel.querySelector("table") : null;
  const tabGroup = document.querySelector(".kz-tab-group");
  let view = "offsets";
  let reference = null;        // GET /api/group-configs
  const inputs = new Map();    // kafka name -> {input, kind, row}
  let lastFetch = 0;
  let fetching = false;
  let group = null;

  const showTab = (v) => {
    view = v;
    for (const b of tabs) setAttr(b, "aria-selected", b.dataset.view === v ? "true" : "false");
    setHidden(describePanel, v === "config");
    setHidden(configPanel, v !== "config");
    lastFetch = 0;
    refresh(true);
  };
  for (const b of tabs) b.addEventListener("click", () => showTab(b.dataset.view));

  const shown = () => {
    const sec = ctx.q("kafka-details");
    return sec && sec.offsetParent !== null && document.visibilityState !== "hidden";
  };

  async function refresh(force = false) {
    if (view === "config" || !group || fetching || !shown()) return;
    if (!force && performance.now() - lastFetch < DESCRIBE_EVERY_MS) return;
    const gid = group.group_id;
    // The server answers with the exact line (body.command); until then show the tool this group type uses:
    // kafka-consumer-groups.sh for a classic group, kafka-share-groups.sh for a share group (KIP-932).
    const tool = isClassic(group) ? "kafka-consumer-groups.sh" : "kafka-share-groups.sh";
    setText(cmd, `${tool} --bootstrap-server localhost:9092 --describe --group ${gid}${view === "offsets" ? "" : ` --${view}`}`);
    fetching = true;
    lastFetch = performance.now();
    try {
      const r = await fetch(`/api/describe?group=${encodeURIComponent(gid)}&view=${view}`, { cache: "no-store" });
      const body = await r.json();
      if (!group || group.group_id !== gid) return;
      if (body.ok) {
        setText(cmd, body.command);
        setText(out, body.output.replace(/^\n/, ""));
      } else {
        setText(out, t("kz.describe.failed", { error: body.error }));
      }
      setAttr(out, "data-group-id", gid);
      setAttr(out, "data-view", view);
    } catch (e) {
      setText(out, t("kz.describe.failed", { error: String(e && e.message || e) }));
    } finally {
      fetching = false;
    }
  }

  const currentValue = (name) => (group && group.config ? group.config[name] : undefined);

  const commit = async (name, raw) => {
    if (!group) return;
    const ref = reference.find((c) => c.name === name);
    let value = raw;
    if (ref.kind === "int") value = raw === "" ? raw : (Number.isFinite(Number(raw)) ? Number(raw) : raw);
    else if (ref.kind === "bool") value = raw === "true";
    if (value === currentValue(name)) return;
    const it = inputs.get(name);
    if (it.pending !== undefined && it.pending === value) return;   // Enter and change: send once
    it.pending = value;
    it.holdUntil = performance.now() + 4000;
    const res = await ctx.send({ op: "set_config", group_id: group.group_id, config: { [name]: value } });
    it.holdUntil = 0;
    it.pending = undefined;
    // Rejected (the server's message is in the toast): show the unchanged value again.
    if (!res || res.ok !== true) writeValue(name, currentValue(name), true);
    else if (res.config) writeValue(name, res.config[name], true);
  };

  const writeValue = (name, v, force = false) => {
    const it = inputs.get(name);
    if (!it || v === undefined) return;
    if (!force && (document.activeElement === it.input || (it.holdUntil && performance.now() < it.holdUntil))) return;
    const s = String(v);
    if (it.input.value !== s) it.input.value = s;
    const ref = it.ref;
    const differs = v !== ref.kafka_default;
    toggleClass(it.row, "differs", differs);
    it.mark.title = differs ? t("kz.config.differs") : "";
    setText(it.mark, differs ? "≠" : "");
  };

  const buildConfig = () => {
    if (!configBody || !reference) return;
    inputs.clear();
    const rows = reference.map((ref) => {
      const id = `cfg-${ref.name.replace(/\./g, "-")}`;
      let input;
      if (ref.kind === "int") {
        input = el("input", { type: "number", class: "num", id, step: "1", min: ref.min, max: ref.max, inputmode: "numeric" });
      } else {
        const choices = ref.kind === "bool" ? ["true", "false"] : ref.choices;
        input = el("select", { id }, choices.map((c) => el("option", { value: c }, c)));
      }
      setAttr(input, "data-testid", `config-${ref.name}`);
      setAttr(input, "data-control", "");
      const label = el("label", { for: id, class: "kz-cname" }, ref.name);
      const mark = el("span", { class: "kz-differs", "aria-hidden": "true" });
      const help = el("span", { class: "kz-chelp", "data-i18n": `kz.config.help.${ref.name}` });
      const row = el("tr", { "data-config": ref.name }, [
        el("th", { scope: "row" }, [label, help]),
        el("td", { class: "kz-cval" }, [input, mark]),
        el("td", { class: "r num" }, String(ref.kafka_default)),
        el("td", { class: "r num" }, String(ref.classroom_default)),
      ]);
      const it = { input, ref, row, mark, holdUntil: 0 };
      inputs.set(ref.name, it);
      input.addEventListener("change", () => commit(ref.name, input.value));
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); input.blur(); } });
      return row;
    });
    configBody.replaceChildren(...rows);
    applyStatic(configBody);
  };

  const setAll = (which) => {
    if (!group || !reference) return;
    const config = {};
    for (const ref of reference) config[ref.name] = which === "kafka" ? ref.kafka_default : ref.classroom_default;
    ctx.send({ op: "set_config", group_id: group.group_id, config });
  };
  const useClass = ctx.q("config-classroom-defaults");
  const useKafka = ctx.q("config-kafka-defaults");
  if (useClass) useClass.addEventListener("click", () => setAll("classroom"));
  if (useKafka) useKafka.addEventListener("click", () => setAll("kafka"));

  fetch("/api/group-configs", { cache: "no-store" })
    .then((r) => r.json())
    .then((body) => { reference = body.configs || []; buildConfig(); if (group) renderConfig(); })
    .catch(() => { reference = null; });

  const renderConfig = () => {
    const classic = isClassic(group);
    setHidden(configTable, !classic);
    setHidden(configNone, classic);
    for (const b of [useClass, useKafka]) if (b) { setHidden(b, !classic); b.disabled = ctx.state.role === "viewer"; }
    if (!classic) { setText(configNone, t("kz.config.share", { g: group.group_id })); return; }
    for (const [name, it] of inputs) {
      it.input.disabled = ctx.state.role === "viewer";
      writeValue(name, currentValue(name));
    }
  };

  return {
    render(g) {
      const changed = !group || !g || group.group_id !== (g && g.group_id);
      group = g;
      if (!g) return;
      setText(tabGroup, g.group_id);
      renderConfig();
      refresh(changed);
    },
  };
}

// ---------------------------------------------------------------- the view switch (board <-> Kafka details)

function viewSwitch(ctx) {
  const open = ctx.q("kafka-view");
  const back = ctx.q("kafka-view-back");
  const desktop = window.matchMedia(DESKTOP);
  let kafka = false;
  try { kafka = localStorage.getItem(VIEW_KEY) === "kafka"; } catch (_) { /* private mode */ }
  const apply = () => {
    const on = kafka && desktop.matches;
    if (on) document.body.dataset.view = "kafka"; else delete document.body.dataset.view;
    if (open) setAttr(open, "aria-pressed", on ? "true" : "false");
    if (back) setHidden(back, !desktop.matches);
  };
  const set = (on) => {
    kafka = on;
    try { localStorage.setItem(VIEW_KEY, kafka ? "kafka" : "board"); } catch (_) { /* private mode */ }
    apply();
    // Plotly sizes a chart when it is shown: let it measure again once the board is back.
    if (!kafka) requestAnimationFrame(() => window.dispatchEvent(new Event("resize")));
  };
  if (open) {
    open.addEventListener("click", () => {
      if (!desktop.matches) {   // narrow screens: the section is stacked below; take the reader there
        ctx.q("kafka-details").scrollIntoView({ behavior: "smooth", block: "start" });
        return;
      }
      set(true);
    });
  }
  if (back) back.addEventListener("click", () => set(false));
  desktop.addEventListener("change", apply);
  apply();
  return { relabel: apply };
}

// ---------------------------------------------------------------- adding groups and partitions, the hot key's share

function topicControls(ctx, selectGroup) {
  const form = ctx.q("add-group-form");
  const id = ctx.q("add-group-id");
  const assignor = ctx.q("add-group-assignor");
  const addPartition = ctx.q("add-partition");
  const hotRow = document.querySelector(".kz-hot");
  const hot = ctx.q("hot-share");
  const hotValue = document.querySelector(".kz-hot-v");
  let holdHot = 0;
  let pending = null;
  if (form) {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const gid = id.value.trim();
      const res = await ctx.send({ op: "add_group", group_id: gid, type: "consumer", assignor: assignor.value, consumers: 3 });
      if (res && res.ok) { id.value = ""; pending = gid; }   // shown once a tick carries it
    });
  }
  if (addPartition) addPartition.addEventListener("click", () => ctx.send({ op: "add_partitions", count: 1 }));
  if (hot) {
    hot.addEventListener("input", () => { holdHot = performance.now() + 1500; setText(hotValue, `${hot.value}%`); });
    hot.addEventListener("change", () => {
      holdHot = performance.now() + 1500;
      ctx.send({ op: "set_keys", mode: "hot", hot_share: Number(hot.value) / 100 });
    });
  }
  return {
    render(snap) {
      if (pending !== null && (snap.groups || []).some((g) => g.group_id === pending)) {
        const gid = pending;
        pending = null;
        setTimeout(() => selectGroup(gid), 0);
      }
      const viewer = ctx.state.role === "viewer";
      for (const n of [id, assignor, addPartition, form && form.querySelector("button"), hot]) if (n) n.disabled = viewer;
      const keys = snap.producer && snap.producer.keys;
      const isHot = !!keys && keys.mode === "hot";
      if (hotRow) setHidden(hotRow, !isHot);
      if (isHot && hot && document.activeElement !== hot && performance.now() > holdHot) {
        const v = String(Math.round((keys.hot_share || 0) * 100));
        if (hot.value !== v) hot.value = v;
        setText(hotValue, `${v}%`);
      }
    },
  };
}

// ---------------------------------------------------------------- the panel

let parts = null;

export const kafkaPanel = {
  init(ctx) {
    const select = (gid) => {
      const sel = ctx.q("group-select");
      ctx.state.groupId = gid;
      if (sel) {
        if (![...sel.options].some((o) => o.value === gid)) sel.append(el("option", { value: gid }, gid));
        sel.value = gid;
        sel.dispatchEvent(new Event("change"));
      }
    };
    parts = {
      pop: statePopover(ctx),
      hint: groupHint(ctx),
      cells: partitionBadges(ctx),
      overview: overview(ctx, select),
      gantt: gantt(ctx),
      tools: tools(ctx),
      view: viewSwitch(ctx),
      topic: topicControls(ctx, select),
    };
    const langSelect = ctx.q("lang");
    if (langSelect) langSelect.addEventListener("change", () => { parts.view.relabel(); });
  },
  render(snap, group, ctx) {
    if (!parts) return;
    parts.pop.render(group);
    parts.hint.render(group);
    parts.cells.render(group);
    parts.overview.render(snap);
    parts.gantt.render(snap);
    parts.tools.render(group);
    parts.topic.render(snap);
  },
};
