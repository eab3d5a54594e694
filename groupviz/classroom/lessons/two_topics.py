"""Issue 16: range versus roundrobin across two topics (scenario `two-topics`).

Range assigns each topic on its own (RangeAssignor: per topic, partitions / members each, the first
members in member-id order taking one more), so with 3 partitions in each of two topics and two members
the first member takes the extra partition of both topics: 4 against 2. Roundrobin lists every partition
of every subscribed topic and deals them out in turn: 3 and 3. tests/classroom/test_two_topics.py checks
each claim on the engine; tests/test_browser_two_topics.py reads the 4 and the 2 off the page.
"""

from __future__ import annotations

from groupviz.classroom.lessons.script import T, step

BOTH = ["orders", "payments"]

LESSONS: list[dict] = [{
    "id": "two-topics",
    "title": T("13. Range versus roundrobin across two topics", "13. 跨两个主题：range 与 roundrobin"),
    "scenario": "two-topics", "seed": 7,
    "steps": [
        step(T("Two topics, orders and payments, 3 partitions each; the producer writes 30 records/s to each. Two "
               "groups of two consumers subscribe to both topics: by-range uses the range assignor, by-roundrobin "
               "the roundrobin assignor. Each consumer processes up to 35 records/s.",
               "两个主题 orders 和 payments，各 3 个分区；生产者每秒向每个主题写入 30 条记录。两个组各有两个消费者，"
               "都订阅这两个主题：by-range 用 range 分配器，by-roundrobin 用 roundrobin 分配器。每个消费者每秒最多处理 "
               "35 条记录。"),
             T("Count by-range's partitions: consumer-1 owns 4 (orders-0, orders-1, payments-0, payments-1) and "
               "consumer-2 owns 2. Range splits each topic on its own, 2 and 1, and the first member takes the extra "
               "partition of every topic. consumer-1 gets 40 records/s from its four partitions but processes only "
               "35: it runs at its limit and its lag keeps growing, while consumer-2 has only 20 records/s to do.",
               "数一数 by-range 的分区：consumer-1 拥有 4 个（orders-0、orders-1、payments-0、payments-1），consumer-2 "
               "只有 2 个。range 逐个主题分配，每个主题分成 2 和 1，排在前面的成员拿走每个主题多出来的那个分区。"
               "consumer-1 从四个分区每秒收到 40 条记录，却只能处理 35 条：它满负荷运转，滞后不断增长；而 consumer-2 "
               "每秒只有 20 条要处理。"),
             wait_ms=30_000, view={"group": "by-range", "chart": "consumers"}),
        step(T("Now the other group, by-roundrobin, for another half minute: roundrobin lists the six partitions "
               "of both topics and deals them out in turn.",
               "现在看另一个组 by-roundrobin，再看半分钟：roundrobin 把两个主题的六个分区排成一列，轮流分发。"),
             T("Each member owns 3 partitions and gets 30 records/s: it keeps up, and its lag stays small.",
               "每个成员拥有 3 个分区，每秒收到 30 条记录：跟得上，滞后一直很小。"),
             wait_ms=30_000, view={"group": "by-roundrobin", "chart": "consumers"}),
        step(T("Add a third consumer, subscribed to both topics, to each group (a new consumer processes up to 20 "
               "records/s, the default). Back to by-range.",
               "给每个组各加第三个消费者，同样订阅两个主题（新消费者每秒最多处理 20 条，即默认值）。回到 by-range。"),
             T("Now 3 partitions per topic divide evenly by 3 members: range and roundrobin both give every member "
               "one partition of each topic, 2 each, and by-range's lag drains. Range is uneven only when a topic's "
               "partitions do not divide by the members.",
               "现在每个主题的 3 个分区正好分给 3 个成员：range 和 roundrobin 都让每个成员各拿每个主题的一个分区，每人 2 个，"
               "by-range 的滞后随之消退。只有当主题的分区数不能被成员数整除时，range 才会不均。"),
             actions=[{"op": "add_consumer", "group_id": g, "topics": BOTH} for g in ("by-range", "by-roundrobin")],
             wait_ms=30_000, view={"group": "by-range", "chart": "lag"}),
    ],
}]
