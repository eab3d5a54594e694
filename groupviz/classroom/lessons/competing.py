"""Lessons 1 and 8: competing consumers, the seed's 1/N model, and the seed's own demo (issue 16).

Kafka has no per-record random dispatch. Both lessons show the seed's model as what it is, random dispatch
(groupviz.seed: "the seed's idealised queue, not a Kafka mode"), beside Kafka's two real mechanisms: a
classic group (sharding, one owner per partition) and a share group (members pull batches from the
partitions assigned to them; a partition is shared only when members outnumber partitions). Every sentence
is checked against the engine in tests/classroom/test_competing.py.

A step's view names the group shown and the chart the step talks about (script.CHARTS; the chart
implies the tab).
"""

from __future__ import annotations

from groupviz.classroom.lessons.script import T, step


def _view(group: str, chart: str = "throughput") -> dict:
    return {"group": group, "chart": chart}


COMPETING: dict = {
    "id": "competing",
    "title": T("1. Competing consumers and the 1/N model", "1. 竞争消费与 1/N 模型"),
    "scenario": "competition", "seed": 7,
    "steps": [
        step(T("One producer writes to a topic of 3 partitions, and three groups read every record. 'queue' is "
               "random dispatch, the seed's idealised queue, not a Kafka mode: each record goes to a uniformly "
               "random live member (the seed's 'competition by random'). 'g1' is a classic Kafka consumer group: "
               "range gives each of its 3 consumers one of the 3 partitions (the seed's 'competition by "
               "sharding'). 'share' is a Kafka share group (KIP-932): its 6 members outnumber the 3 partitions, "
               "so each partition is assigned to 2 members, who pull batches of records from it.",
               "一个生产者写入一个有 3 个分区的主题，三个组都读取每一条记录。'queue' 是随机分派，即种子文档中理想化的"
               "队列，不是 Kafka 的模式：每条记录均匀随机地交给一个存活成员（种子文档的“随机竞争”）。'g1' 是 Kafka "
               "的经典消费者组：range 分配器给它的 3 个消费者各一个分区（种子文档的“分片竞争”）。'share' 是 Kafka "
               "的共享组（KIP-932）：它的 6 个成员多于 3 个分区，所以每个分区分配给 2 个成员，由它们从中成批拉取记录。"),
             T("Every group gets every record; inside a group exactly one member processes each record, and its "
               "result goes back to the producer. g1 starts reading once its first rebalance completes (a few "
               "seconds: group.initial.rebalance.delay.ms); 'queue' and 'share' start at once.",
               "每个组都收到每一条记录；在组内每条记录只由一个成员处理，处理结果回到生产者。g1 在第一次再均衡完成后"
               "（几秒钟：group.initial.rebalance.delay.ms）才开始读取；'queue' 和 'share' 立即开始。"),
             wait_ms=8000, view=_view("queue")),
        step(T("Look at the probability panel for 'queue'. With N live members, a member gets a given record with "
               "probability 1/N. The seed's P_win(i) = 1/N × 1/M is the chance that member i gets one particular "
               "record of a batch of M: a (member, record) pair, and the N × M pairs add up to 1.",
               "看 'queue' 的概率面板。有 N 个存活成员时，某个成员得到某条记录的概率是 1/N。种子文档的 "
               "P_win(i) = 1/N × 1/M 是成员 i 得到一批 M 条记录中某一条特定记录的概率：即一个（成员，记录）对，"
               "N × M 个对加起来等于 1。"),
             T("In 'queue' the measured shares approach 1/N = 1/3, and the chi-square test against 1/N usually "
               "passes (p ≥ 0.05); by chance alone about one run in 20 falls below 0.05.",
               "'queue' 中实测的份额趋向 1/N = 1/3，针对 1/N 的卡方检验通常通过（p ≥ 0.05）；仅凭偶然，大约每 20 "
               "次运行中有 1 次低于 0.05。"),
             wait_ms=10_000, view=_view("queue", "probability")),
        step(T("Slow consumer-1 of 'queue' down to 5 records/s. The dispatcher does not look at speed: consumer-1 "
               "still gets 1/N of the records, more than it can process, so they wait in its backlog.",
               "把 'queue' 的 consumer-1 减慢到每秒 5 条。分派器不看速度：consumer-1 仍然得到 1/N 的记录，多于它能"
               "处理的数量，于是记录在它的积压中等待。"),
             T("consumer-1's share stays near 1/3 while its lag climbs on the lag chart.",
               "consumer-1 的份额仍接近 1/3，而它在积压图上的积压不断上升。"),
             actions=[{"op": "set_consumer_rate", "member_id": "consumer-1", "rate": 5}], wait_ms=10_000,
             view=_view("queue", "lag")),
        step(T("'g1' is Kafka's classic group: a member processes exactly the records of the partition it owns, so "
               "its share is that partition's share of the records, not a draw. Add a consumer to g1: 4 consumers "
               "for 3 partitions.",
               "'g1' 是 Kafka 的经典消费者组：成员只处理它所拥有分区里的记录，所以它的份额就是该分区在全部记录中的"
               "份额，而不是抽签。给 g1 添加一个消费者：4 个消费者对 3 个分区。"),
             T("After the rebalance one of g1's four consumers owns no partition and processes nothing: a classic "
               "group never shares a partition.",
               "再均衡之后，g1 的四个消费者中有一个没有任何分区，也不处理任何记录：经典消费者组从不共享分区。"),
             actions=[{"op": "add_consumer", "group_id": "g1"}], wait_ms=8000, view=_view("g1")),
        step(T("Add a member to 'share': 7 members for 3 partitions. It gets its assignment in the response to its "
               "first ShareGroupHeartbeat, without a rebalance that stops the others, and starts fetching.",
               "给 'share' 添加一个成员：7 个成员对 3 个分区。它在第一次 ShareGroupHeartbeat 的响应中得到分配，"
               "不需要让其他成员停下来的再均衡，然后开始拉取。"),
             T("Unlike g1, every share member is assigned a partition and processes records: when members "
               "outnumber partitions, a share group shares each partition between several members.",
               "与 g1 不同，共享组的每个成员都分到分区并处理记录：成员多于分区时，共享组让几个成员共享同一个分区。"),
             actions=[{"op": "add_consumer", "group_id": "share"}], wait_ms=8000, view=_view("share")),
        step(T("The probability panel says what decides each group's shares. For 'queue' it is a draw, so the panel "
               "tests its shares against 1/N; for g1 it is partition ownership and the keys; for 'share' it is who "
               "fetches while records are available and how fast each member works.",
               "概率面板说明每个组的份额由什么决定。'queue' 靠抽签，所以面板用 1/N 检验它的份额；g1 靠分区归属和键；"
               "'share' 靠谁在有记录时拉取以及每个成员处理得多快。"),
             T("The seed's 1/N is a model of random dispatch; Kafka decides by partitions (classic groups) or by "
               "who pulls (share groups).",
               "种子文档的 1/N 是随机分派的模型；Kafka 按分区决定（经典消费者组），或按谁来拉取决定（共享组）。"),
             view=_view("share", "probability")),
    ],
}

SEED_DEMO: dict = {
    "id": "seed-demo",
    "title": T("8. The seed's own demo: 1 producer, 5 consumers, 10 records",
               "8. 种子文档的示例：1 个生产者、5 个消费者、10 条记录"),
    "scenario": "seed-demo", "seed": 7,
    "steps": [
        step(T("The seed's Python example: a producer puts data_0 … data_9 on a queue, five consumers take them and "
               "put results on a results queue. Two groups read the same 10 records from a topic of one partition. "
               "'seed' is random dispatch, the seed's idealised queue, not a Kafka mode: each record goes to one of "
               "its five members at random. 'share' is Kafka's own queue, a share group: its five members "
               "outnumber the one partition, so all five are assigned it.",
               "种子文档中的 Python 示例：生产者把 data_0 … data_9 放进队列，五个消费者取走它们并把结果放进结果队列。"
               "两个组从只有一个分区的主题读取同样的 10 条记录。'seed' 是随机分派，即种子文档中理想化的队列，不是 "
               "Kafka 的模式：每条记录随机交给它五个成员中的一个。'share' 是 Kafka 自己的队列，即共享组：它的五个成员"
               "多于一个分区，所以五个成员都分到这个分区。"),
             T("The journeys table shows who got each record in 'seed', when it was processed and when its result "
               "reached the producer.",
               "记录旅程表显示 'seed' 中每条记录交给了谁、何时处理、结果何时回到生产者。"),
             wait_ms=5000, view=_view("seed")),
        step(T("Count the records each member of 'seed' got: with N = 5 and M = 10 each expects M/N = 2, with a "
               "binomial spread (standard deviation √(10 × 1/5 × 4/5) ≈ 1.26), so uneven counts are normal.",
               "数一数 'seed' 的每个成员得到几条：N = 5、M = 10 时，每个成员的期望是 M/N = 2 条，并有二项分布的波动"
               "（标准差 √(10 × 1/5 × 4/5) ≈ 1.26），所以数量不均是正常的。"),
             T("In the results flow, each group's results back equal the 10 records sent once every record is "
               "processed.",
               "在结果流中，所有记录处理完后，每个组返回的结果都等于发送的 10 条。"),
             wait_ms=10_000, view=_view("seed")),
        step(T("Now look at 'share'. Nobody draws lots in a share group: a member asks the broker for records "
               "(ShareFetch) and gets the available ones, up to max.poll.records, locked to it until it "
               "acknowledges them. Who gets a record depends on who fetches while it is available.",
               "现在看 'share'。共享组里没有人抽签：成员向 broker 请求记录（ShareFetch），得到当时可用的记录，"
               "最多 max.poll.records 条，这些记录锁定给它，直到它确认。一条记录交给谁，取决于它可用时谁来拉取。"),
             T("Its journeys table shows each record's deliveries: every record was acquired by one member and "
               "acknowledged, and its result came back.",
               "它的记录旅程表显示每条记录的投递：每条记录都被一个成员获取并确认，结果也已返回。"),
             view=_view("share")),
    ],
}
