"""The slow consumer (issue 16): a consumer whose application stops calling poll() for longer than
max.poll.interval.ms leaves the group on its own, its records are processed again, and its late commit
fails; then how the application commits decides what lag says."""

from __future__ import annotations

from groupviz.classroom.lessons.script import T, step

#: The lesson's max.poll.interval.ms (Kafka's default is 300000) and consumer-1's stall.
MAX_POLL_MS = 10_000
STALL_MS = 15_000
_G1 = {"group": "g1"}

LESSONS: list[dict] = [
    {
        "id": "slow-consumer",
        "title": T("11. The slow consumer: max.poll.interval.ms", "11. 慢消费者：max.poll.interval.ms"),
        "scenario": "default", "seed": 7,
        "steps": [
            step(T("Group g1: three consumers, six partitions, auto-commit every second. For this lesson "
                   "max.poll.interval.ms is 10 s (Kafka's default is 300 s): a consumer must call poll() at least "
                   "that often. Its heartbeats come from a separate thread and only prove the process is alive.",
                   "g1 组：三个消费者、六个分区，每秒自动提交一次。本课把 max.poll.interval.ms 设为 10 秒"
                   "（Kafka 默认 300 秒）：消费者至少要这么频繁地调用 poll()。心跳来自另一个线程，只能证明进程还活着。"),
                 T("Every consumer card shows its partitions; the group is Stable at generation 1.",
                   "每张消费者卡片显示它的分区；组处于 Stable，第 1 代。"),
                 actions=[{"op": "set_config", "group_id": "g1", "config": {"max.poll.interval.ms": MAX_POLL_MS}}],
                 wait_ms=8000, view={**_G1, "chart": "consumers"}),
            step(T("consumer-1's application blocks in processing for 15 s and does not call poll(). Its heartbeat "
                   "thread keeps sending heartbeats, so the 6 s session timeout never fires.",
                   "consumer-1 的应用在处理时阻塞 15 秒，不调用 poll()。它的心跳线程照常发送心跳，"
                   "所以 6 秒的会话超时不会触发。"),
                 T("consumer-1's card says it is blocked and how long since its last poll(); the group stays Stable "
                   "at generation 1; consumer-1's lag grows on the lag chart while the others keep up.",
                   "consumer-1 的卡片显示它被阻塞，以及距上次 poll() 已过多久；组仍是 Stable、第 1 代；"
                   "积压图上 consumer-1 的积压在增长，其他消费者跟得上。"),
                 actions=[{"op": "stall_consumer", "member_id": "consumer-1", "ms": STALL_MS}],
                 wait_ms=6000, view={**_G1, "member": "consumer-1", "chart": "lag"}),
            step(T("10 s after its last poll() the heartbeat thread gives up: it sends LeaveGroup with the reason "
                   "'consumer poll timeout has expired.' The group rebalances without consumer-1, and its "
                   "partitions restart from the last committed offsets, so what consumer-1 processed after its "
                   "last auto-commit is processed again.",
                   "最后一次 poll() 之后 10 秒，心跳线程放弃了：它发送 LeaveGroup，原因是 "
                   "'consumer poll timeout has expired.'。组在没有 consumer-1 的情况下再均衡，它的分区从最后提交的"
                   "位移重新开始，所以 consumer-1 在最后一次自动提交之后处理过的记录会被再处理一遍。"),
                 T("The rebalance list shows generation 2, started because consumer-1 left the group with LeaveGroup "
                   "on the poll timeout (its card says so too); the producer panel counts the duplicates (above 0).",
                   "再均衡列表显示第 2 代，起因是 consumer-1 因 poll 超时发送 LeaveGroup 离开了组（它的卡片上也写着）；"
                   "生产者面板统计重复处理数（大于 0）。"),
                 wait_ms=8000, view={**_G1, "chart": "timeline"}),
            step(T("15 s after it blocked, consumer-1's application comes back and calls poll(). Its auto-commit fails with "
                   "CommitFailedException ('... it is likely that the consumer was kicked out of the group.'): it "
                   "gives its partitions up as lost and joins the group again.",
                   "阻塞 15 秒之后，consumer-1 的应用回来了，调用 poll()。它的自动提交失败，抛出 CommitFailedException"
                   "（'... it is likely that the consumer was kicked out of the group.'）：它把分区当作丢失放弃，"
                   "然后重新加入组。"),
                 T("consumer-1's card shows the failed commit; after one more rebalance (generation 3) it owns "
                   "partitions again.",
                   "consumer-1 的卡片显示提交失败；再经过一次再均衡（第 3 代），它又拥有了分区。"),
                 wait_ms=8000, view={**_G1, "member": "consumer-1", "chart": "consumers"}),
            step(T("Now the applications stop committing (enable.auto.commit=false and no commitSync). They keep "
                   "processing, but lag is measured from the committed offsets, so it only grows.",
                   "现在应用不再提交位移（enable.auto.commit=false，也不调用 commitSync）。它们照常处理，"
                   "但积压是按已提交的位移算的，所以只会增长。"),
                 T("Throughput stays up while the group's lag climbs.", "吞吐量不变，组的积压却在上升。"),
                 actions=[{"op": "set_commit_mode", "group_id": "g1", "mode": "none"}],
                 wait_ms=10_000, view={**_G1, "chart": "lag"}),
            step(T("With commitSync() after each batch the committed offsets catch up at once: lag falls back to "
                   "what is really waiting.",
                   "每批处理完调用 commitSync()，已提交的位移立刻追上：积压回落到真正还在等待的记录数。"),
                 T("The group's lag drops to a few records within a second.", "一秒之内，组的积压降到几条记录。"),
                 actions=[{"op": "set_commit_mode", "group_id": "g1", "mode": "sync"}],
                 wait_ms=6000, view={**_G1, "chart": "lag"}),
        ],
    },
]
