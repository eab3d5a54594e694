// The help line of each KIP-848 and share-group config in the configs tab (kafka-tools.js), en and zh.
// The names are Kafka's; the values and limits come from GET /api/group-configs.
import { addMessages } from "./i18n.js";

addMessages({
  en: {
    "kz.config.nokafka": "a groupviz knob: Kafka has no such config",
    "kz.config.help.group.consumer.session.timeout.ms": "Broker (per group): a member without a ConsumerGroupHeartbeat for this long is fenced and its partitions reassigned",
    "kz.config.help.group.consumer.heartbeat.interval.ms": "Broker (per group): the interval the coordinator tells members to heartbeat at (in every response)",
    "kz.config.help.group.share.record.lock.duration.ms": "How long a delivered record stays locked to its consumer before it is released for redelivery",
    "kz.config.help.group.share.delivery.count.limit": "Deliveries before a record is archived as undeliverable",
    "kz.config.help.group.share.partition.max.record.locks": "In-flight (locked) records a share-partition holds at most",
    "kz.config.help.group.share.session.timeout.ms": "A member without a ShareGroupHeartbeat for this long is removed",
    "kz.config.help.group.share.heartbeat.interval.ms": "How often a share consumer heartbeats",
    "kz.config.help.groupviz.reject.probability": "Share of records the consumers reject (groupviz, to show redelivery)",
  },
  zh: {
    "kz.config.nokafka": "groupviz 自己的旋钮：Kafka 没有这个配置",
    "kz.config.help.group.consumer.session.timeout.ms": "Broker（按组）：成员这么久没有发送 ConsumerGroupHeartbeat 就被隔离，分区重新分配",
    "kz.config.help.group.consumer.heartbeat.interval.ms": "Broker（按组）：协调者在每个响应里告诉成员的心跳间隔",
    "kz.config.help.group.share.record.lock.duration.ms": "投递出去的记录锁定给该消费者的时长，超时后释放以便重新投递",
    "kz.config.help.group.share.delivery.count.limit": "一条记录最多投递几次，之后作为无法投递而归档",
    "kz.config.help.group.share.partition.max.record.locks": "一个共享分区最多同时锁定（在途）的记录数",
    "kz.config.help.group.share.session.timeout.ms": "成员这么久没有发送 ShareGroupHeartbeat 就被移出",
    "kz.config.help.group.share.heartbeat.interval.ms": "共享消费者发送心跳的间隔",
    "kz.config.help.groupviz.reject.probability": "消费者拒绝（reject）的记录比例（groupviz 用来演示重新投递）",
  },
});
