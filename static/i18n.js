// Message catalogue for every string the page shows (English and Chinese).
// Static text in the template carries data-i18n / data-i18n-title / data-i18n-aria /
// data-i18n-placeholder attributes; dynamic text asks t(key, params).
// Kafka's own names (group states, config keys, assignor names) stay untranslated,
// as Kafka's tools print them.

const MESSAGES = {
  en: {
    "app.subtitle": "Kafka consumer groups, live",
    "lang.label": "Language",
    "role.viewer": "viewer",
    "role.viewer.title": "You are watching: the controls belong to the presenter.",
    "conn.connecting": "Connecting…",
    "conn.lost": "Connection lost: reconnecting…",
    "conn.queue": "The server lost its message queue (Redis): showing the last state, reconnecting…",
    "conn.engine": "The simulation process has stopped: showing the last state until it is back…",
    "conn.ok": "live",
    "conn.offline": "offline",
    "conn.noclient": "The Socket.IO client did not load (/vendor/socket.io.min.js): the page cannot connect.",

    "hdr.generation": "generation",
    "hdr.generation.title": "Generation: goes up by one each time a rebalance completes its join phase.",
    "hdr.time": "sim time",
    "hdr.time.real": "time",
    "hdr.time.title": "Simulated time since the start of the scenario.",
    "hdr.paused": "PAUSED",
    "ctl.more": "Controls",
    "ctl.more.title": "Show or hide the speed, seed, language, lesson and classroom controls",
    "hdr.paused.title": "The simulation is paused: Run (or Space) continues it",
    "ctl.resume": "Run",
    "ctl.resume.title": "Resume the simulation (Space)",
    "ctl.pause": "Pause",
    "ctl.pause.title": "Pause the simulation (Space)",
    "ctl.step": "Step",
    "ctl.step.title": "Advance 0.5 s of simulated time (only while paused)",
    "ctl.speed": "Speed",
    "ctl.speed.title": "Simulation speed: 1× is real time, 0.1× is slow motion",
    "ctl.reset": "Reset",
    "ctl.scenario": "Scenario",
    "ctl.scenario.title": "Pick a scenario: the simulation restarts with it",
    "err.server": "The simulation stopped: {error}. Press Reset to recover.",
    "ctl.reset.title": "Start the scenario again from time 0",

    "gs.Empty": "Empty: the group has no members. It may still hold committed offsets.",
    "gs.PreparingRebalance": "PreparingRebalance: membership changed. The coordinator waits for every member to (re)send JoinGroup; with an eager assignor everyone has revoked all partitions.",
    "gs.CompletingRebalance": "CompletingRebalance: the leader computes the assignment; the coordinator waits for its SyncGroup.",
    "gs.Stable": "Stable: every member has its partitions and heartbeats; records flow.",
    "gs.Dead": "Dead: the group has no members and no metadata and is being removed.",
    "gs.unknown": "Group state as the coordinator reports it.",

    "prod.title": "Producer",
    "prod.rate": "rate",
    "prod.rate.unit": "records/s",
    "prod.topicRates": "the rate above: {first}; other topics:",
    "prod.rate.title": "Records the producer sends per second (press Enter to apply)",
    "prod.keys": "keys",
    "prod.keys.uniform": "uniform over {n} keys",
    "prod.keys.uniform.one": "uniform over {n} key",
    "prod.keys.hot": "{share}% to one hot key, {n} keys",
    "prod.keys.hot.one": "{share}% to one hot key, {n} key",
    "prod.keys.other": "{mode}, {n} keys",
    "prod.keys.other.one": "{mode}, {n} key",
    "prod.keys.null": "no key: the partitioner spreads records",
    "prod.keys.title": "How records get keys: the key's hash picks the partition",
    "prod.mode.uniform": "uniform",
    "prod.mode.hot": "hot key",
    "prod.mode.null": "no key",
    "prod.sent": "sent",
    "prod.results": "results back",
    "prod.results.title": "Every result that reached the producer: a record processed twice (after a redelivery) counts twice",
    "prod.unique": "unique",
    "prod.unique.title": "Records with at least one result back: each record counts once, however often it was processed",
    "prod.dups": "+{n} duplicates",
    "prod.dups.one": "+{n} duplicate",
    "prod.groups": "from {n} groups",
    "prod.groups.title": "{n} groups read the topic and each sends its own result for every record it processes: results back and unique count a record once per group (up to {n} times what was sent); outstanding is the group furthest behind.",
    "prod.dups.title": "Results back exceeds unique by {n}: records processed again after a redelivery (a consumer crashed or was expelled before its offset was committed, so the next owner re-read them, or a share group's lock expired). At-least-once delivery: the producer gets some results twice.",
    "prod.latency.title": "End-to-end latency (produce → result back at the producer), median and 95th percentile of the results that arrived in the last 30 s of simulated time",
    "prod.outstanding": "outstanding",
    "prod.latency": "latency p50 / p95, last 30 s",
    "prod.explain": "Key hash → partition → its owner processes the record and sends the result back.",
    "prod.explain.share": "Share group: each member fetches batches from its own partitions (shared only when members outnumber them), processes them and sends the results back.",

    "flow.records": "records",
    "flow.poll": "poll",

    "topic.title": "Topic",
    "topic.partitions": "{n} partitions",
    "topic.partitions.one": "{n} partition",
    "topic.lagscale": "lag bars 0–{max}",
    "topic.lagscale.title": "Every partition's lag bar uses one scale: the largest lag shown, and at least {floor} records, so a small lag draws a short bar.",
    "topic.end": "end",
    "topic.end.title": "Log end offset: the offset the next produced record will get",
    "topic.committed": "committed",
    "topic.committed.title": "Committed offset: the next record the group will read",
    "topic.lag": "lag",
    "topic.lag.title": "Lag = log end offset − committed offset ('-' until the group commits)",
    "topic.unassigned": "unassigned",
    "topic.none": "No partitions",
    "topic.partitionsIn": "{n} partitions in {topics} topics",
    "topic.partitionsIn.one": "{n} partition in {topics} topics",
    "topic.rate": "{rate} records/s",
    "topic.notRead": "this group does not read it",
    "topic.firstOnly": "share groups, Flink jobs and random dispatch here read only the first topic",
    "topic.unread": "not read",

    "group.title": "Group",
    "group.assignor": "assignor",
    "group.assignor.title": "Partition assignment strategy; changing it triggers a rebalance",
    "group.protocol.eager": "eager: everyone revokes everything",
    "group.protocol.cooperative": "cooperative: only moved partitions pause",
    "group.add": "+ Add consumer",
    "group.add.title": "Start a new consumer in this group (it sends JoinGroup → rebalance)",
    "group.empty": "No consumers: add one to start reading.",
    "group.empty.observe": "Observing: this group's members belong to other applications; its offsets and lag are below.",
    "group.select": "group",
    "group.pwin": "record → the owner of its partition (N = {n} active; shares follow partitions, not a draw)",
    "group.pwin.title": "Each record goes to exactly one consumer: the owner of its partition. With partitions spread evenly each consumer gets about 1/N of the records.",

    "card.leader": "leader",
    "card.leader.title": "Group leader: this member runs the assignor and sends the assignment in SyncGroup",
    "card.partitions.none": "no partitions",
    "card.throughput": "throughput",
    "card.lag": "lag",
    "card.processed": "processed",
    "card.rate": "max rate",
    "card.rate.title": "Records per second this consumer can process (press Enter to apply)",
    "card.unit.rps": "/s",
    "card.kill": "Kill",
    "card.kill.title": "Crash this consumer: no LeaveGroup, the coordinator notices after session.timeout.ms",
    "card.stop": "Stop",
    "card.stop.title": "Graceful shutdown: commit offsets, send LeaveGroup (immediate rebalance)",
    "card.pause": "Pause",
    "card.pause.title": "Pause fetching (heartbeats continue, partitions stay assigned)",
    "card.resume": "Resume",
    "card.resume.title": "Resume fetching",
    "card.crashed.in": "crashed: expelled in {s} s",
    "card.crashed.now": "crashed: being expelled…",
    "card.leaving": "leaving: sent LeaveGroup",
    "card.paused": "paused: heartbeats continue",
    "card.restarting": "restarting: process down",
    "card.zombie": "zombie: expelled, still processing ({n} records twice)",
    "card.partitioned": "cut off from the coordinator: heartbeats lost",
    "card.commit_error": "commit failed: {e}",
    "card.static": "Static member (KIP-345): group.instance.id {id}. Closing, it sends no LeaveGroup; back within session.timeout.ms it keeps its partitions",
    "ms.restarting": "restarting",

    "ms.active": "active",
    "ms.paused": "paused",
    "ms.crashed": "crashed",
    "ms.leaving": "leaving",
    "ms.gone": "gone",
    "card.gone": "left the group: its place is kept until the rebalance ends",
    "phase.unjoined": "not joined",
    "phase.joining": "joining",
    "phase.syncing": "syncing",
    "phase.stable": "",
    "phase.title": "Where this member is in the rebalance protocol: JoinGroup → SyncGroup → stable",

    "chart.lag": "Lag over time (records behind)",
    "chart.throughput": "Throughput per consumer (records/s)",
    "chart.x": "simulated time (s)",
    "chart.x.real": "time since the server started (s)",
    "chart.total": "group total",
    "chart.gap": "no commit yet",
    "chart.gap.hover": "no commit yet: log end − starting position (auto.offset.reset); lag is -",

    "tl.title": "Rebalances",
    "tl.gen": "gen {g}",
    "tl.moved": "{n} moved",
    "tl.duration": "{s} s",
    "tl.running": "in progress",
    "tl.none": "No rebalance yet.",

    "narr.label": "Now",
    "narr.waiting": "Waiting for the first event…",
    "log.title": "Event log",

    "toast.failed": "{op} failed: {error}",
    "toast.noanswer": "{op}: no answer from the server",
    "toast.viewer": "Only the presenter can change the simulation.",
    "toast.close": "Dismiss",
  },

  zh: {
    "app.subtitle": "Kafka 消费者组 · 实时演示",
    "lang.label": "语言",
    "role.viewer": "观众",
    "role.viewer.title": "你在观看：只有主讲人可以操作。",
    "conn.connecting": "正在连接…",
    "conn.lost": "连接中断：正在重连…",
    "conn.queue": "服务器与消息队列（Redis）断开：显示最后的状态，正在重连…",
    "conn.engine": "模拟进程已停止：显示最后的状态，等待它恢复…",
    "conn.ok": "在线",
    "conn.offline": "离线",
    "conn.noclient": "Socket.IO 客户端没有加载（/vendor/socket.io.min.js）：页面无法连接。",

    "hdr.generation": "代",
    "hdr.generation.title": "代（generation）：每次再均衡完成加入阶段时加一。",
    "hdr.time": "模拟时间",
    "hdr.time.real": "时间",
    "hdr.time.title": "场景开始以来的模拟时间。",
    "hdr.paused": "已暂停",
    "ctl.more": "控制项",
    "ctl.more.title": "显示或隐藏速度、种子、语言、课程和课堂工具",
    "hdr.paused.title": "模拟已暂停：点“运行”（或按空格键）继续",
    "ctl.resume": "运行",
    "ctl.resume.title": "继续模拟（空格键）",
    "ctl.pause": "暂停",
    "ctl.pause.title": "暂停模拟（空格键）",
    "ctl.step": "单步",
    "ctl.step.title": "前进 0.5 秒模拟时间（仅在暂停时）",
    "ctl.speed": "速度",
    "ctl.speed.title": "模拟速度：1× 为实时，0.1× 为慢动作",
    "ctl.reset": "重置",
    "ctl.scenario": "场景",
    "ctl.scenario.title": "选择一个场景：模拟将以它重新开始",
    "err.server": "模拟已停止：{error}。按“重置”恢复。",
    "ctl.reset.title": "从时间 0 重新开始场景",

    "gs.Empty": "Empty：组内没有成员，但可能仍保留已提交的位移。",
    "gs.PreparingRebalance": "PreparingRebalance：成员变化。协调者等待每个成员（重新）发送 JoinGroup；使用 eager 分配器时，所有成员已撤销全部分区。",
    "gs.CompletingRebalance": "CompletingRebalance：组长计算分配方案；协调者等待它的 SyncGroup。",
    "gs.Stable": "Stable：每个成员都有自己的分区并发送心跳；消息正常流动。",
    "gs.Dead": "Dead：组内没有成员和元数据，正在被删除。",
    "gs.unknown": "协调者报告的组状态。",

    "prod.title": "生产者",
    "prod.rate": "速率",
    "prod.rate.unit": "条/秒",
    "prod.topicRates": "上面是 {first} 的速率；其他主题：",
    "prod.rate.title": "生产者每秒发送的消息数（按回车生效）",
    "prod.keys": "键",
    "prod.keys.uniform": "{n} 个键均匀分布",
    "prod.keys.uniform.one": "{n} 个键均匀分布",
    "prod.keys.hot": "{share}% 发往一个热点键，共 {n} 个键",
    "prod.keys.hot.one": "{share}% 发往一个热点键，共 {n} 个键",
    "prod.keys.other": "{mode}，{n} 个键",
    "prod.keys.other.one": "{mode}，{n} 个键",
    "prod.keys.null": "无键：由分区器分散消息",
    "prod.keys.title": "消息如何得到键：键的哈希决定分区",
    "prod.mode.uniform": "均匀",
    "prod.mode.hot": "热点键",
    "prod.mode.null": "无键",
    "prod.sent": "已发送",
    "prod.results": "已返回结果",
    "prod.results.title": "回到生产者的每一个结果：一条记录（重新投递后）被处理两次就计两次",
    "prod.unique": "不重复",
    "prod.unique.title": "至少有一个结果返回的记录数：无论处理了几次，每条记录只计一次",
    "prod.dups": "+{n} 条重复",
    "prod.dups.one": "+{n} 条重复",
    "prod.groups": "来自 {n} 个组",
    "prod.groups.title": "有 {n} 个组读取该主题，每个组对它处理的每条记录各返回一个结果：已返回结果和不重复按组计数（最多为已发送的 {n} 倍）；未完成数取落后最多的组。",
    "prod.dups.title": "返回结果比不重复的多 {n} 条：这些记录在重新投递后被再次处理（消费者在提交位移之前崩溃或被踢出，下一个拥有者重新读取；或共享组的锁超时）。至少一次投递：生产者会收到部分重复结果。",
    "prod.latency.title": "端到端延迟（从生产到结果回到生产者）：最近 30 秒模拟时间内到达的结果的中位数和第 95 百分位",
    "prod.outstanding": "未完成",
    "prod.latency": "延迟 p50 / p95（最近 30 秒）",
    "prod.explain": "每条消息：键哈希 → 分区 → 分区的拥有者处理，并把结果发回生产者。",
    "prod.explain.share": "共享组：每个成员从自己的分区按批拉取记录（只有成员多于分区时才共享分区），处理后把结果发回生产者。",

    "flow.records": "消息",
    "flow.poll": "拉取",

    "topic.title": "主题",
    "topic.partitions": "{n} 个分区",
    "topic.partitions.one": "{n} 个分区",
    "topic.lagscale": "积压条 0–{max}",
    "topic.lagscale.title": "所有分区的积压条使用同一刻度：取显示中最大的积压，且至少 {floor} 条，所以小的积压只画一小段。",
    "topic.end": "末端",
    "topic.end.title": "日志末端位移：下一条消息将得到的位移",
    "topic.committed": "已提交",
    "topic.committed.title": "已提交位移：该组下一条要读取的消息",
    "topic.lag": "积压",
    "topic.lag.title": "积压（lag）= 日志末端位移 − 已提交位移（组提交之前显示 '-'）",
    "topic.unassigned": "未分配",
    "topic.none": "没有分区",
    "topic.partitionsIn": "{n} 个分区，{topics} 个主题",
    "topic.partitionsIn.one": "{n} 个分区，{topics} 个主题",
    "topic.rate": "每秒 {rate} 条",
    "topic.notRead": "该组不读取这个主题",
    "topic.firstOnly": "这里的共享组、Flink 作业和随机分派只读取第一个主题",
    "topic.unread": "不读取",

    "group.title": "消费者组",
    "group.assignor": "分配器",
    "group.assignor.title": "分区分配策略；修改会触发再均衡",
    "group.protocol.eager": "eager：所有成员撤销全部分区",
    "group.protocol.cooperative": "cooperative：只有被移动的分区暂停",
    "group.add": "+ 添加消费者",
    "group.add.title": "在组内启动一个新消费者（发送 JoinGroup → 再均衡）",
    "group.empty": "没有消费者：添加一个开始读取。",
    "group.empty.observe": "观察模式：这个组的成员属于其他应用；它的位移和积压见下方。",
    "group.select": "组",
    "group.pwin": "消息 → 它所在分区的拥有者（N = {n} 个活跃成员；份额取决于分区，而不是抽签）",
    "group.pwin.title": "每条消息只交给一个消费者：它所在分区的拥有者。分区均匀分布时，每个消费者约得到 1/N 的消息。",

    "card.leader": "组长",
    "card.leader.title": "组长：由它运行分配器，并在 SyncGroup 中发送分配方案",
    "card.partitions.none": "没有分区",
    "card.throughput": "吞吐",
    "card.lag": "积压",
    "card.processed": "已处理",
    "card.rate": "最大速率",
    "card.rate.title": "该消费者每秒能处理的消息数（按回车生效）",
    "card.unit.rps": "/秒",
    "card.kill": "杀死",
    "card.kill.title": "让消费者崩溃：不发送 LeaveGroup，协调者在 session.timeout.ms 之后才发现",
    "card.stop": "停止",
    "card.stop.title": "优雅关闭：提交位移，发送 LeaveGroup（立即再均衡）",
    "card.pause": "暂停",
    "card.pause.title": "暂停拉取（心跳继续，分区保持分配）",
    "card.resume": "恢复",
    "card.resume.title": "恢复拉取",
    "card.crashed.in": "已崩溃：{s} 秒后被移出",
    "card.crashed.now": "已崩溃：正在被移出…",
    "card.leaving": "正在离开：已发送 LeaveGroup",
    "card.paused": "已暂停：心跳继续",
    "card.restarting": "重启中：进程已停止",
    "card.zombie": "僵尸：已被移出组，仍在处理（{n} 条被重复处理）",
    "card.partitioned": "与协调者断开：心跳丢失",
    "card.commit_error": "提交失败：{e}",
    "card.static": "静态成员（KIP-345）：group.instance.id 为 {id}。关闭时不发送 LeaveGroup；在 session.timeout.ms 内回来就保留原来的分区",
    "ms.restarting": "重启中",

    "ms.active": "活跃",
    "ms.paused": "已暂停",
    "ms.crashed": "已崩溃",
    "ms.leaving": "正在离开",
    "ms.gone": "已离开",
    "card.gone": "已离开消费者组：位置保留到再均衡结束",
    "phase.unjoined": "未加入",
    "phase.joining": "加入中",
    "phase.syncing": "同步中",
    "phase.stable": "",
    "phase.title": "该成员在再均衡协议中的位置：JoinGroup → SyncGroup → 稳定",

    "chart.lag": "积压随时间变化（落后的消息数）",
    "chart.throughput": "每个消费者的吞吐（条/秒）",
    "chart.x": "模拟时间（秒）",
    "chart.x.real": "服务器启动以来的时间（秒）",
    "chart.total": "组合计",
    "chart.gap": "尚未提交",
    "chart.gap.hover": "尚未提交：日志末端 − 起始位置（auto.offset.reset）；积压为 -",

    "tl.title": "再均衡",
    "tl.gen": "第 {g} 代",
    "tl.moved": "移动 {n} 个",
    "tl.duration": "{s} 秒",
    "tl.running": "进行中",
    "tl.none": "还没有再均衡。",

    "narr.label": "现在",
    "narr.waiting": "等待第一个事件…",
    "log.title": "事件日志",

    "toast.failed": "{op} 失败：{error}",
    "toast.noanswer": "{op}：服务器没有应答",
    "toast.viewer": "只有主讲人可以修改模拟。",
    "toast.close": "关闭",
  },
};

export const CATALOGUE = MESSAGES;
const STORAGE_KEY = "groupviz.lang";
const listeners = [];

function pickDefault() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && MESSAGES[saved]) return saved;
  } catch (_) { /* storage may be disabled */ }
  const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
  for (const l of langs) {
    const base = String(l).toLowerCase().split("-")[0];
    if (MESSAGES[base]) return base;
  }
  return "en";
}

let current = pickDefault();

export function getLang() {
  return current;
}

/** obj[`${field}_${lang}`] when the server sent the text in the page's language, else obj[field]. */
export function localized(obj, field) {
  return (current !== "en" && obj[`${field}_${current}`]) || obj[field] || "";
}

export function t(key, params) {
  const table = MESSAGES[current] || MESSAGES.en;
  let s = table[key] ?? MESSAGES.en[key] ?? key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return s;
}

/**
 * A count in words, singular or plural: plural(n, "topic.partitions") uses the key `topic.partitions.one`
 * when n is 1 and the language has that form (English), else `topic.partitions` ("{n} partitions").
 * Chinese has one form (Intl.PluralRules says "other"); its catalogue repeats it under `.one` only because
 * every key is listed in both languages (tests/test_browser.py). `{n}` is the count, formatted with
 * `fmt` (default: as is); more parameters may follow.
 */
export function plural(n, key, params, fmt = String) {
  const table = MESSAGES[current] || MESSAGES.en;
  const form = pluralRules(current).select(Number(n));
  const k = `${key}.${form}`;
  return t(k in table ? k : key, { ...params, n: fmt(n) });
}

const rulesByLang = {};
function pluralRules(lang) {
  if (!rulesByLang[lang]) rulesByLang[lang] = new Intl.PluralRules(lang === "zh" ? "zh-CN" : lang);
  return rulesByLang[lang];
}

/** Fill every element under root that carries data-i18n* attributes. */
export function applyStatic(root = document) {
  document.documentElement.lang = current === "zh" ? "zh-CN" : current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
}

export function setLang(lang) {
  if (!MESSAGES[lang] || lang === current) return;
  current = lang;
  try { localStorage.setItem(STORAGE_KEY, lang); } catch (_) { /* ignore */ }
  applyStatic();
  for (const fn of listeners) fn(lang);
}

/** Merge a feature module's own strings ({en: {...}, zh: {...}}) into the catalogue. */
export function addMessages(extra) {
  for (const [lang, table] of Object.entries(extra)) {
    if (!MESSAGES[lang]) continue;
    Object.assign(MESSAGES[lang], table);
  }
}

export function onLangChange(fn) {
  listeners.push(fn);
}
