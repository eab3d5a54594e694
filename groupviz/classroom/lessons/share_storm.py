"""Share groups (issue 16): the redelivery storm, and two ways out of it.

A KafkaShareConsumer's poll returns a batch of up to `max.poll.records` records, all acquired under one
lock of `group.share.record.lock.duration.ms`. With implicit acknowledgement the batch is acknowledged
with the next poll, so when max.poll.records x processing time exceeds the lock, every lock runs out
first: the records are redelivered, the late acknowledgements are refused, delivery counts climb to
`group.share.delivery.count.limit` and the records are archived. The claims below are checked in
tests/classroom/test_lesson_share_storm.py and read off the page in tests/test_browser_share_storm.py.
"""

from __future__ import annotations

from groupviz.classroom.lessons.script import T, step

GROUP = "queue"
RATE = 15.0                      # records/s per consumer: a batch of 100 takes 6.7 s, a batch of 20 takes 1.3 s
MEMBERS = ("consumer-4", "consumer-5", "consumer-6")    # g1 has consumer-1..3 in the default scenario
#: What each step shows: the backlog waiting for 'queue' (results back: outstanding), the storm in its records in
#: flight (delivery counts, lock timeouts, late acknowledgements, archived), the backlog draining (lag).
RESULTS = {"group": GROUP, "chart": "results"}
INFLIGHT = {"group": GROUP, "chart": "inflight"}
LAG = {"group": GROUP, "chart": "lag"}

LESSON = {
    "id": "share-storm",
    "title": T("14. Share groups: the redelivery storm", "14. 共享组：重新投递风暴"),
    "scenario": "default", "seed": 7,
    "steps": [
        step(T("Beside the consumer group g1, a share group 'queue' reads the same six partitions. Its consumers "
               "will be slow (15 records/s each) and its max.poll.records is 100 (Kafka's default is 500). "
               "Nobody reads 'queue' yet: its records wait in the topic, a backlog (results back to the producer counts them "
               "as outstanding for 'queue').",
               "在消费者组 g1 旁边，共享组 'queue' 读取同样的六个分区。它的消费者会很慢（每个每秒 15 条），"
               "max.poll.records 为 100（Kafka 默认 500）。现在还没有成员读取 'queue'：它的记录留在"
               "主题里，形成积压（“结果返回生产者”面板把它们算作 'queue' 的未完成记录）。"),
             T("Each record a share consumer acquires is locked for group.share.record.lock.duration.ms: 5 s here "
               "(Kafka's default is 30 s).",
               "共享消费者获取的每条记录都被锁定 group.share.record.lock.duration.ms：这里是 5 秒（Kafka 默认 30 秒）。"),
             actions=[{"op": "add_group", "group_id": GROUP, "type": "share"},
                      {"op": "set_config", "group_id": GROUP, "config": {"max.poll.records": 100}}],
             wait_ms=10_000, view=RESULTS),
        step(T("Three consumers join 'queue'; the simple assignor gives each two partitions. Each poll acquires a "
               "batch of up to 100 records, and at 15 records/s a batch takes almost 7 s: longer than the 5 s lock.",
               "三个消费者加入 'queue'；simple 分配器给每个消费者两个分区。每次 poll 获取最多 100 条记录的一批，"
               "每秒 15 条时处理一批要将近 7 秒：比 5 秒的锁更长。"),
             T("The storm: every lock runs out before its batch is done, the records are offered again (delivery "
               "count 2, 3, …), and the implicit acknowledgements sent with the next poll arrive too late and are "
               "refused. No record is accepted, yet each is processed at every delivery: the producer gets duplicate "
               "results. After 5 deliveries (group.share.delivery.count.limit) records are archived.",
               "风暴：每把锁都在这一批处理完之前过期，记录被再次投递（投递次数 2、3、…），随下一次 poll 发出的隐式确认"
               "来得太晚而被拒绝。没有一条记录被接受，但每次投递都会被处理一遍：生产者收到重复的结果。投递 5 次"
               "（group.share.delivery.count.limit）后，记录被归档。"),
             actions=[{"op": "add_consumer", "group_id": GROUP, "rate": RATE} for _ in MEMBERS],
             wait_ms=40_000, view=INFLIGHT),
        step(T("The fix: max.poll.records = 20. A batch now takes 20 / 15 ≈ 1.3 s, well inside the lock.",
               "解决办法：max.poll.records = 20。现在一批只要 20 / 15 ≈ 1.3 秒，远在锁的时限之内。"),
             T("Once the last long batches are done, no more locks time out, records are accepted, and the backlog "
               "drains: 45 records/s of processing against 30 produced.",
               "最后几批长批次处理完之后，不再有锁超时，记录被接受，积压开始下降：每秒处理 45 条，而每秒只生产 30 条。"),
             actions=[{"op": "set_config", "group_id": GROUP, "config": {"max.poll.records": 20}}],
             wait_ms=30_000, view=LAG),
        step(T("Another way out: back to batches of 100, with share.acknowledgement.mode = explicit. The application "
               "acknowledges each record (ACCEPT) as soon as it has processed it and sends the acknowledgements with "
               "commitAsync() (in Kafka an acknowledgement otherwise waits for the next poll).",
               "另一种办法：恢复每批 100 条，但设置 share.acknowledgement.mode = explicit。应用每处理完一条记录就立即确认（ACCEPT），"
               "并用 commitAsync() 发出确认（在 Kafka 中，否则确认要等到下一次 poll 才发出）。"),
             T("Records processed within the lock are accepted in time; only the tail of each batch times out and is "
               "delivered again, so far fewer locks run out than in the storm, though the tail's work is wasted.",
               "在锁时限内处理完的记录都能及时被接受；只有每批末尾的记录超时并被再次投递，所以锁超时比风暴时少得多，"
               "只是末尾那部分的处理白做了。"),
             actions=[{"op": "set_config", "group_id": GROUP,
                       "config": {"max.poll.records": 100, "share.acknowledgement.mode": "explicit"}}],
             wait_ms=30_000, view=INFLIGHT),
    ],
}

LESSONS = [LESSON]
