// Kafka details: the group state explained (a popover on the state badge), Burrow lag status and lag
// in time (kafka-cells.js), and a "Kafka details" view with every group on the topic
// (kafka-groups.js: overview rows; kafka-gantt.js: rebalance phases on one time axis) and
// kafka-consumer-groups.sh / kafka-share-groups.sh --describe with the group configs under Kafka's
// names (kafka-tools.js). Renders the snapshot of docs/wire.md only; text goes in with textContent.
import { addMessages, t } from "./i18n.js";
import { el, q, setText, setAttr, toggleClass, setHidden } from "./dom.js";
import { layoutChanged, relayout, showScreen } from "./hooks.js";
import { groupHint, partitionBadges } from "./kafka-cells.js";
import { overview, topicControls } from "./kafka-groups.js";
import { gantt } from "./kafka-gantt.js";
import { tools } from "./kafka-tools.js";

const STATES = ["Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"];
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
    "kz.dups.one": "{n} duplicate",
    "kz.dups.zombie": "{n} (zombies {z})",
    "kz.dups.zombie.title": "Zombies: members the coordinator expelled (heartbeats lost) that kept processing partitions now owned by others; their commits fail (UNKNOWN_MEMBER_ID), so those records are processed twice",
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
    "kz.col.gen": "gen / epoch",
    "kz.epoch.cell": "epoch {g}",
    "kz.epoch.cell.title": "KIP-848 group epoch {g} (target assignment epoch {t})",
    "tl.epoch": "epoch {g}",
    "hdr.epoch": "group epoch",
    "hdr.epoch.title": "Group epoch (KIP-848): goes up by one on every membership, subscription or partition change; each member's own epoch reaches it once the member is reconciled.",
    "kz.phase.Assigning": "Assigning",
    "kz.phase.Reconciling": "Reconciling",
    "kz.tl.detail848": "group epoch {gen} ({proto}): Assigning {p} (epoch bump → target assignment computed) · Reconciling {c} (members revoke, then receive) · {moved} moved · paused {paused} ({n} partitions) · cost {lost} partition-s, {delayed} records delayed (wall {wall}) · {reason}",
    "chart.reb.hover848": "group epoch {g} ({proto}): {reason}<br>Assigning {p} (epoch bump → target assignment computed), Reconciling {c} (members revoke, then receive)<br>{moved} partitions moved · processing paused {paused} on {n} partitions<br>cost: {lost} partition-seconds without a reader, {delayed} records delayed (wall duration {wall})",
    "kz.col.assignor": "assignor / protocol",
    "kz.col.members": "members",
    "kz.col.lag": "lag",
    "kz.col.lagms": "lag time",
    "kz.col.status": "Burrow",
    "kz.col.dups": "duplicates",
    "kz.col.tp": "records/s",
    "kz.type.consumer": "classic",
    "kz.type.kip848": "consumer (KIP-848)",
    "kz.type.share": "share",
    "kz.proto.eager": "eager",
    "kz.proto.cooperative": "cooperative",
    "kz.proto.consumer": "KIP-848",
    "kz.row.title": "Show {g} in the panels",

    "kz.tl.title": "Rebalance phases, every group on one time axis",
    "kz.tl.none": "no rebalance yet",
    "kz.tl.detail": "generation {gen} ({proto}): PreparingRebalance {p} · CompletingRebalance {c} · {moved} moved · paused {paused} ({n} partitions) · cost {lost} partition-s, {delayed} records delayed (wall {wall}) · {reason}",
    "kz.tl.running": "running",
    "kz.tl.share": "share group: no rebalances (KIP-932 assigns on heartbeat)",

    "chart.reb.moved": "{n} moved",
    "chart.reb.paused": "paused {s}",
    "chart.reb.lost": "{s} partition-s lost",
    "chart.reb.hover": "generation {g} ({proto}): {reason}<br>PreparingRebalance {p}, CompletingRebalance {c}<br>{moved} partitions moved · processing paused {paused} on {n} partitions<br>cost: {lost} partition-seconds without a reader, {delayed} records delayed (wall duration {wall})",

    "kz.tools": "kafka-consumer-groups.sh / kafka-share-groups.sh and configs",
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
    "kz.config.help.session.timeout.ms": "A member without a heartbeat for this long is expelled (then a rebalance)",
    "kz.config.help.heartbeat.interval.ms": "How often a member heartbeats; the answer carries REBALANCE_IN_PROGRESS",
    "kz.config.help.auto.commit.interval.ms": "How often the consumer commits its position",
    "kz.config.help.enable.auto.commit": "Commit automatically (and on revoke); false: nothing is committed",
    "kz.config.help.max.poll.interval.ms": "The longest time between two poll() calls: past it the heartbeat thread sends LeaveGroup (\"consumer poll timeout has expired\"); also the rebalance timeout",
    "kz.config.help.max.poll.records": "The most records one poll() returns; with a processing time per record, a batch must finish within max.poll.interval.ms",
    "kz.config.help.group.initial.rebalance.delay.ms": "A rebalance that starts from Empty waits this long for more members (longer while they keep arriving)",
    "kz.config.help.metadata.max.age.ms": "How often a client refreshes metadata: the leader notices new partitions at its next refresh",
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
    "kz.dups.one": "重复 {n} 条",
    "kz.dups.zombie": "{n}（僵尸 {z}）",
    "kz.dups.zombie.title": "僵尸成员：心跳丢失、已被协调者移出组，却仍在处理已交给别人的分区；它们的提交会失败（UNKNOWN_MEMBER_ID），这些记录因此被处理两次",
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
    "kz.col.gen": "代 / 纪元",
    "kz.epoch.cell": "纪元 {g}",
    "kz.epoch.cell.title": "KIP-848 组纪元 {g}（目标分配纪元 {t}）",
    "tl.epoch": "纪元 {g}",
    "hdr.epoch": "组纪元",
    "hdr.epoch.title": "组纪元（group epoch，KIP-848）：成员、订阅或分区每变化一次加一；每个成员完成协调后，自己的成员纪元追上它。",
    "kz.phase.Assigning": "Assigning（计算目标分配）",
    "kz.phase.Reconciling": "Reconciling（成员协调）",
    "kz.tl.detail848": "组纪元 {gen}（{proto}）：Assigning {p}（纪元加一 → 算出目标分配）· Reconciling {c}（成员先交出、再接收分区）· 迁移 {moved} 个 · 暂停 {paused}（{n} 个分区）· 代价 {lost} 分区·秒，{delayed} 条记录被延迟（墙钟 {wall}）· {reason}",
    "chart.reb.hover848": "组纪元 {g}（{proto}）：{reason}<br>Assigning {p}（纪元加一 → 算出目标分配），Reconciling {c}（成员先交出、再接收分区）<br>迁移 {moved} 个分区 · {n} 个分区暂停处理 {paused}<br>代价：{lost} 分区·秒无人处理，{delayed} 条记录被延迟（墙钟时长 {wall}）",
    "kz.col.assignor": "分配器 / 协议",
    "kz.col.members": "成员",
    "kz.col.lag": "滞后",
    "kz.col.lagms": "滞后时间",
    "kz.col.status": "Burrow",
    "kz.col.dups": "重复",
    "kz.col.tp": "条/秒",
    "kz.type.consumer": "经典",
    "kz.type.kip848": "consumer（KIP-848）",
    "kz.type.share": "共享",
    "kz.proto.eager": "eager",
    "kz.proto.cooperative": "cooperative",
    "kz.proto.consumer": "KIP-848（consumer 协议）",
    "kz.row.title": "在各面板中显示 {g}",

    "kz.tl.title": "再均衡阶段：所有组共用一条时间轴",
    "kz.tl.none": "尚无再均衡",
    "kz.tl.detail": "第 {gen} 代（{proto}）：PreparingRebalance {p} · CompletingRebalance {c} · 迁移 {moved} 个 · 暂停 {paused}（{n} 个分区）· 代价 {lost} 分区·秒，{delayed} 条记录被延迟（墙钟 {wall}）· {reason}",
    "kz.tl.running": "进行中",
    "kz.tl.share": "共享组：没有再均衡（KIP-932 在心跳中分配）",

    "chart.reb.moved": "迁移 {n}",
    "chart.reb.paused": "暂停 {s}",
    "chart.reb.lost": "损失 {s} 分区·秒",
    "chart.reb.hover": "第 {g} 代（{proto}）：{reason}<br>PreparingRebalance {p}，CompletingRebalance {c}<br>迁移 {moved} 个分区 · {n} 个分区暂停处理 {paused}<br>代价：{lost} 分区·秒无人处理，{delayed} 条记录被延迟（墙钟时长 {wall}）",

    "kz.tools": "kafka-consumer-groups.sh / kafka-share-groups.sh 与配置",
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
    "kz.config.help.session.timeout.ms": "成员超过这么久没有心跳就会被逐出（随后再均衡）",
    "kz.config.help.heartbeat.interval.ms": "成员发送心跳的间隔；应答中带有 REBALANCE_IN_PROGRESS",
    "kz.config.help.auto.commit.interval.ms": "消费者提交位移的间隔",
    "kz.config.help.enable.auto.commit": "自动提交（撤销分区时也提交）；false：什么都不提交",
    "kz.config.help.max.poll.interval.ms": "两次 poll() 之间的最长时间：超过后心跳线程发送 LeaveGroup（\"consumer poll timeout has expired\"）；也是再均衡超时",
    "kz.config.help.max.poll.records": "一次 poll() 最多返回的记录数；设置了每条处理时间时，一批记录必须在 max.poll.interval.ms 内处理完",
    "kz.config.help.group.initial.rebalance.delay.ms": "从 Empty 开始的再均衡等待更多成员的时长（成员陆续加入时继续延长）",
    "kz.config.help.metadata.max.age.ms": "客户端刷新元数据的间隔：leader 在下一次刷新时才发现新分区",
    "kz.config.help.auto.offset.reset": "没有已提交位移的组从哪里开始：earliest 或 latest",
  },
});

// ---------------------------------------------------------------- the state badge popover

const pop = { node: null, badge: null, items: new Map(), current: null, generation: "–" };

function fillPopover() {
  setText(pop.title, t("kz.states.title"));
  setText(pop.intro, t("kz.states.intro", { g: pop.generation }));
  setText(pop.close, "×");
  pop.close.setAttribute("aria-label", t("kz.states.close"));
  for (const [s, it] of pop.items) {
    const text = t(`gs.${s}`).replace(new RegExp(`^${s}[:：]\\s*`), "");
    setText(it.text, text.charAt(0).toUpperCase() + text.slice(1));
    const on = s === pop.current;
    toggleClass(it.li, "on", on);
    if (on) it.li.setAttribute("aria-current", "true"); else it.li.removeAttribute("aria-current");
    setText(it.now, on ? t("kz.states.now") : "");
  }
}

function placePopover() {
  if (pop.node.hidden) return;
  const r = pop.badge.getBoundingClientRect();
  const w = Math.min(440, window.innerWidth - 16);
  pop.node.style.width = `${w}px`;
  pop.node.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - w - 8))}px`;
  pop.node.style.top = `${r.bottom + 6}px`;
}

function openPopover() {
  fillPopover();
  setHidden(pop.node, false);
  placePopover();
  pop.badge.setAttribute("aria-expanded", "true");
  pop.close.focus({ preventScroll: true });
}

function hidePopover(refocus) {
  if (pop.node.hidden) return;
  setHidden(pop.node, true);
  pop.badge.setAttribute("aria-expanded", "false");
  if (refocus) pop.badge.focus({ preventScroll: true });
}

function buildPopover() {
  pop.title = el("h4", { class: "kz-pop-title" });
  pop.intro = el("p", { class: "kz-pop-intro" });
  const list = el("ul", { class: "kz-pop-list" });
  for (const s of STATES) {
    const now = el("span", { class: "kz-now" });
    const text = el("span", { class: "kz-pop-text" });
    const li = el("li", { "data-state": s }, [el("span", { class: "badge gs sm", "data-state": s }, s), now, text]);
    pop.items.set(s, { li, now, text });
    list.append(li);
  }
  pop.close = el("button", { type: "button", class: "btn sm kz-pop-close" });
  pop.node.replaceChildren(el("div", { class: "kz-pop-head" }, [pop.title, pop.close]), pop.intro, list);
}

function statePopover() {
  pop.badge = q("group-state");
  pop.node = document.getElementById("gs-pop");
  for (const [k, v] of [["role", "button"], ["aria-haspopup", "dialog"], ["aria-expanded", "false"], ["aria-controls", "gs-pop"]]) {
    setAttr(pop.badge, k, v);
  }
  buildPopover();
  const toggle = (refocus) => { if (pop.node.hidden) openPopover(); else hidePopover(refocus); };
  pop.badge.addEventListener("click", (e) => { e.stopPropagation(); toggle(false); });
  pop.badge.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); toggle(true); }
  });
  pop.close.addEventListener("click", () => hidePopover(true));
  pop.node.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); hidePopover(true); } });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hidePopover(false); });
  document.addEventListener("click", (e) => { if (!pop.node.contains(e.target) && e.target !== pop.badge) hidePopover(false); });
  window.addEventListener("resize", placePopover);
  layoutChanged.push(placePopover);
  return {
    render(group) {
      pop.current = group ? group.state : "Dead";
      pop.generation = group ? String(group.generation) : "–";
      pop.badge.setAttribute("aria-label", `${pop.current}: ${t("kz.states.open")}`);
      if (!pop.node.hidden) fillPopover();
    },
  };
}

// ---------------------------------------------------------------- the view switch (board <-> Kafka details)

function viewSwitch() {
  const open = q("kafka-view");
  const back = q("kafka-view-back");
  const desktop = window.matchMedia(DESKTOP);
  let kafka = false;
  try { kafka = localStorage.getItem(VIEW_KEY) === "kafka"; } catch (_) { /* private mode */ }
  const apply = () => {
    const on = kafka && desktop.matches;
    if (on) document.body.dataset.view = "kafka"; else delete document.body.dataset.view;
    setAttr(open, "aria-pressed", on ? "true" : "false");
    setHidden(back, !desktop.matches);
  };
  const set = (on) => {
    kafka = on;
    try { localStorage.setItem(VIEW_KEY, kafka ? "kafka" : "board"); } catch (_) { /* private mode */ }
    apply();
    // Plotly sizes a chart when it is shown: let it measure again once the board is back.
    if (!kafka) requestAnimationFrame(relayout);
  };
  open.addEventListener("click", () => {
    if (!desktop.matches) {   // narrow screens: the section is stacked below; take the reader there
      q("kafka-details").scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    set(true);
  });
  back.addEventListener("click", () => set(false));
  showScreen.push((tab) => {
    if ((tab === "kafka" || tab === "board") && (tab === "kafka") !== kafka) set(tab === "kafka");
    return desktop.matches;
  });
  desktop.addEventListener("change", apply);
  apply();
}

// ---------------------------------------------------------------- the panel

let parts = null;

export function init() {
  partitionBadges();
  viewSwitch();
  parts = { pop: statePopover(), hint: groupHint(), overview: overview(), gantt: gantt(), tools: tools(),
    topic: topicControls() };
}

export function render(snap, group) {
  parts.pop.render(group);
  parts.hint.render(group);
  parts.overview.render(snap);
  parts.gantt.render(snap);
  parts.tools.render(group);
  parts.topic.render(snap);
}
