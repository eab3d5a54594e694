// Random dispatch (type "random-dispatch", groupviz/seed): the seed's idealised queue, not a Kafka mode.
// Its label and what the page says about it, in English and Chinese, wherever it appears: the group panel,
// the results lanes, the probability panel, the Kafka details (overview, describe, configs) and the
// protocol view.
import { addMessages } from "./i18n.js";

export const DISPATCH = "random-dispatch";

/** Is `g` the seed's random dispatch (not a Kafka group)? */
export const isDispatch = (g) => !!g && g.type === DISPATCH;

addMessages({
  en: {
    "dispatch.label": "random dispatch — the seed's idealised queue, not a Kafka mode",
    "dispatch.label.title": "Each record goes to a uniformly random live member (the seed's P_win = 1/N). Kafka has no such mode: a classic group shards by partition, a share group's members pull batches.",
    "group.protocol.dispatch": "not a Kafka mode: no coordinator, no heartbeats; the dispatcher hands each record to a random live member",
    "group.pwin.dispatch": "P(record → consumer i) = 1/N with N = {n} live, whatever its speed",
    "group.pwin.dispatch.title": "Random dispatch ignores speed: a slow member gets 1/N too, and its backlog grows.",
    "group.pwin.share": "record → a member that fetches it while it is available (N = {n} live; no 1/N draw)",
    "group.pwin.share.title": "A share group's members pull batches from the partitions assigned to them: who fetches, and how fast each works, decides its share.",
    "topic.dispatch": "into the queue",
    "prod.explain.dispatch": "Random dispatch (the seed's model, not Kafka): every record goes into one queue, a uniformly random live member processes it and sends the result back.",
    "card.backlog": "backlog",
    "card.backlog.title": "Records handed to this member, not processed yet",
    "comp.dispatch": "random dispatch (the seed's, not Kafka)",
    "comp.share": "share group: who fetches",
    "kz.type.random-dispatch": "random dispatch (not Kafka)",
    "kz.tl.random-dispatch": "random dispatch, the seed's idealised queue, not a Kafka mode: no rebalances, no coordinator",
    "kz.proto.dispatch": "none (not Kafka)",
    "kz.config.random-dispatch": "{g} is random dispatch, the seed's idealised queue, not a Kafka mode: it has no Kafka configs.",
    "kz.describe.dispatch": "no Kafka tool describes {g}: random dispatch is the seed's idealised queue, not a Kafka mode",
    "pv.dispatch": "{g}: random dispatch, the seed's idealised queue, not a Kafka mode. It sends no Kafka requests: there is no coordinator and no heartbeat to show.",
    "pv.own.dispatch": "Random dispatch: no partition has an owner; the dispatcher hands each record to a random live member.",
  },
  zh: {
    "dispatch.label": "随机分派——种子文档中理想化的队列，不是 Kafka 的模式",
    "dispatch.label.title": "每条记录均匀随机地交给一个存活成员（种子文档的 P_win = 1/N）。Kafka 没有这种模式：经典消费者组按分区分片，共享组的成员成批拉取。",
    "group.protocol.dispatch": "不是 Kafka 的模式：没有协调者，没有心跳；分派器把每条记录随机交给一个存活成员",
    "group.pwin.dispatch": "P(记录 → 消费者 i) = 1/N，N = {n} 个存活，与速度无关",
    "group.pwin.dispatch.title": "随机分派不看速度：慢的成员也得到 1/N，它的积压不断增长。",
    "group.pwin.share": "记录 → 在它可用时拉取它的成员（N = {n} 个存活；没有 1/N 抽签）",
    "group.pwin.share.title": "共享组的成员从分配给它的分区中成批拉取：谁来拉取、每个成员处理得多快，决定它的份额。",
    "topic.dispatch": "进入队列",
    "prod.explain.dispatch": "随机分派（种子文档的模型，不是 Kafka）：每条记录进入同一个队列，由均匀随机选出的一个存活成员处理，并把结果发回。",
    "card.backlog": "积压",
    "card.backlog.title": "已交给这个成员、尚未处理的记录",
    "comp.dispatch": "随机分派（种子文档的，不是 Kafka）",
    "comp.share": "共享组：由谁拉取决定",
    "kz.type.random-dispatch": "随机分派（不是 Kafka）",
    "kz.tl.random-dispatch": "随机分派，种子文档中理想化的队列，不是 Kafka 的模式：没有再均衡，没有协调者",
    "kz.proto.dispatch": "无（不是 Kafka）",
    "kz.config.random-dispatch": "{g} 是随机分派，种子文档中理想化的队列，不是 Kafka 的模式：它没有 Kafka 配置。",
    "kz.describe.dispatch": "没有 Kafka 工具能描述 {g}：随机分派是种子文档中理想化的队列，不是 Kafka 的模式",
    "pv.dispatch": "{g}：随机分派，种子文档中理想化的队列，不是 Kafka 的模式。它不发送任何 Kafka 请求：没有协调者，也没有心跳可显示。",
    "pv.own.dispatch": "随机分派：分区没有持有者；分派器把每条记录随机交给一个存活成员。",
  },
});

/** How a group's shares are decided, named for the page: the seed's random dispatch, a share group's
 * "who fetches", a consumer group's sharding. */
export function howName(g, t) {
  if (isDispatch(g)) return t("comp.dispatch");
  if (g.type === "share") return t("comp.share");
  return t("comp.sharding");
}
