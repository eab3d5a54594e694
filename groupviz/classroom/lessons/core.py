"""Lessons 2-7, 9 and 10 (issues 1-15): idle members, crash versus leave, eager versus cooperative, hot keys,
lag, at-least-once, Kafka versus Flink, three protocols. Lessons 1 and 8 (competing consumers, the seed's demo)
are in competing.py."""

from __future__ import annotations

from groupviz.classroom.lessons.script import T, step

#: The two Flink jobs of the "Kafka group versus Flink job" lesson, beside the default scenario's group g1:
#: the same KafkaSource, one with a plain sink and one with a two-phase-commit sink.
FLINK_JOBS = [{"op": "add_group", "group_id": "job", "type": "flink", "parallelism": 3},
              {"op": "add_group", "group_id": "job-2pc", "type": "flink", "parallelism": 3, "sink": "two-phase-commit"}]

LESSONS: list[dict] = [
    {
        "id": "idle",
        "title": T("2. More consumers than partitions", "2. 消费者多于分区"),
        "scenario": "default", "seed": 7,
        "steps": [
            step(T("Six partitions, three consumers: range gives each consumer two partitions.",
                   "六个分区，三个消费者：range 分配器给每个消费者两个分区。"),
                 T("Each partition has exactly one owner in the group.", "组内每个分区恰好只有一个所有者。"),
                 wait_ms=8000,
                 view={"group": "g1", "chart": "consumers"}),
            step(T("Add three consumers: six partitions, six consumers, one partition each.",
                   "再加三个消费者：六个分区、六个消费者，每人一个分区。"),
                 T("Every consumer now has exactly one partition and processes about 5 records/s: the 30 records/s "
                   "of traffic are split six ways.",
                   "现在每个消费者恰好一个分区，每秒处理约 5 条：每秒 30 条的流量由六个消费者分担。"),
                 actions=[{"op": "add_consumer"}] * 3, wait_ms=6000,
                 view={"group": "g1", "chart": "consumers"}),
            step(T("Add a seventh consumer. There is no partition left for it.",
                   "添加第七个消费者。已经没有分区可以分给它了。"),
                 T("consumer-7 is in the group, heartbeats, and owns nothing: it is idle. A partition is never "
                   "shared inside a classic group, so more consumers than partitions adds no throughput.",
                   "consumer-7 在组里、发送心跳，却没有任何分区：它是空闲的。经典组内分区从不共享，所以消费者多于分区"
                   "不会增加吞吐量。"),
                 actions=[{"op": "add_consumer"}], wait_ms=6000,
                 view={"group": "g1", "member": "consumer-7", "chart": "consumers"}),
        ],
    },
    {
        "id": "crash-vs-leave",
        "title": T("3. Crash versus graceful leave", "3. 崩溃与优雅离开"),
        "scenario": "default", "seed": 7,
        "steps": [
            step(T("Three consumers share six partitions. Each heartbeats every heartbeat.interval.ms (2 s).",
                   "三个消费者分担六个分区。每个消费者每隔 heartbeat.interval.ms（2 秒）发送一次心跳。"),
                 T("The group is Stable; note the generation.", "组处于 Stable；记下代数（generation）。"), wait_ms=8000,
                 view={"group": "g1", "chart": "consumers"}),
            step(T("Kill consumer-2. A crashed process sends no LeaveGroup: the coordinator does not know yet.",
                   "杀掉 consumer-2。崩溃的进程不会发送 LeaveGroup：协调者此时还不知道。"),
                 T("consumer-2 shows 'crashed' but still owns its partitions; their lag climbs until "
                   "session.timeout.ms (6 s) after its last heartbeat, then a rebalance hands them over.",
                   "consumer-2 显示“崩溃”，但仍拥有它的分区；这些分区的积压不断上升，直到最后一次心跳后 "
                   "session.timeout.ms（6 秒），随后再均衡把它们交给别人。"),
                 actions=[{"op": "kill_consumer", "member_id": "consumer-2"}], wait_ms=9000,
                 view={"group": "g1", "member": "consumer-2", "chart": "lag"}),
            step(T("Now stop consumer-3 gracefully: it commits its offsets and sends LeaveGroup.",
                   "现在优雅地停止 consumer-3：它先提交位移，再发送 LeaveGroup。"),
                 T("The rebalance starts at once (others learn it at their next heartbeat), no 6 s wait, and no "
                   "record is processed twice: the duplicates counter stays at what consumer-2's crash caused.",
                   "再均衡立即开始（其他成员在下一次心跳时得知），不用等 6 秒，也没有记录被重复处理："
                   "重复计数器停留在 consumer-2 崩溃造成的数值。"),
                 actions=[{"op": "stop_consumer", "member_id": "consumer-3"}], wait_ms=5000,
                 view={"group": "g1", "chart": "timeline"}),
        ],
    },
    {
        "id": "eager-vs-coop",
        "title": T("4. Eager versus cooperative rebalancing", "4. Eager 与 cooperative 再均衡"),
        "scenario": "cooperative", "seed": 7,
        "steps": [
            step(T("Two groups read the same topic: 'eager' uses range (eager protocol), 'coop' uses "
                   "cooperative-sticky (KIP-429).",
                   "两个组读取同一个主题：'eager' 使用 range（eager 协议），'coop' 使用 cooperative-sticky（KIP-429）。"),
                 T("Both are Stable with three members each.", "两个组都处于 Stable，各有三个成员。"), wait_ms=8000,
                 view={"group": "eager", "chart": "consumers"}),
            step(T("Slow down time, then add one consumer to each group.", "把时间放慢，然后给每个组各加一个消费者。"),
                 T("Eager: every member revokes all its partitions before rejoining. Cooperative: members keep their "
                   "partitions; only the one that moves is revoked, and handed over in a second rebalance. Each band "
                   "on the chart says how many partition-seconds of processing it cost.",
                   "Eager：每个成员在重新加入前撤销全部分区。Cooperative：成员保留分区；只有要移动的分区被撤销，并在第二次"
                   "再均衡中交出。图上每条阴影带都标出了它损失了多少“分区·秒”的处理。"),
                 actions=[{"op": "set_speed", "factor": 0.5}, {"op": "add_consumer", "group_id": "eager"},
                          {"op": "add_consumer", "group_id": "coop"}], wait_ms=6000,
                 view={"group": "eager", "chart": "lag"}),
            step(T("In the Kafka details, read the cost beside each group's rebalance bar: 'coop' (the group shown) "
                   "went through two generations, 'eager' through one.",
                   "在 Kafka 详情中，读每个组再均衡条旁的代价：'coop'（当前显示的组）经历了两代，'eager' 只有一代。"),
                 T("The wall duration is not the cost. Eager stopped all six partitions, but only for a moment: members "
                   "that joined together heartbeat in phase and rejoin together. Cooperative stopped only the moved "
                   "partition, but for a second round. Here the two cost about the same; eager gets expensive when a "
                   "member is slow to rejoin, because then every partition waits for it.",
                   "墙钟时长不等于代价。Eager 停下了全部六个分区，但只停了一瞬间：一起加入的成员心跳同相，会一起重新加入。"
                   "Cooperative 只停下被移动的分区，但要多等一轮。这里两者代价相近；当某个成员重新加入得慢时，eager 才会变贵，"
                   "因为那时所有分区都要等它。"),
                 actions=[{"op": "set_speed", "factor": 1}],
                 view={"group": "coop", "chart": "gantt"}),
        ],
    },
    {
        "id": "hot-key",
        "title": T("5. A hot key skews one partition", "5. 热点键导致分区倾斜"),
        "scenario": "hot-key", "seed": 7,
        "steps": [
            step(T("Half of the records carry the same key. Kafka's partitioner hashes the key (murmur2), so they all "
                   "land in one partition.",
                   "一半的记录使用同一个键。Kafka 的分区器对键做哈希（murmur2），所以它们全都落进同一个分区。"),
                 T("One partition's log end offset grows much faster; its owner is saturated while others idle.",
                   "一个分区的日志末端位移增长得快得多；它的所有者满负荷，其他成员却很空闲。"), wait_ms=10_000,
                 view={"group": "g1", "chart": "topic"}),
            step(T("Add consumers: the hot partition still has one owner.", "添加消费者：热点分区仍然只有一个所有者。"),
                 T("Adding consumers cannot split a partition: the hot partition's lag keeps growing.",
                   "增加消费者无法拆分分区：热点分区的积压继续增长。"),
                 actions=[{"op": "add_consumer"}, {"op": "add_consumer"}], wait_ms=10_000,
                 view={"group": "g1", "chart": "topic"}),
            step(T("Switch the producer back to uniform keys.", "把生产者切回均匀分布的键。"),
                 T("The load spreads again and the hot partition drains.", "负载重新分散，热点分区的积压被消化。"),
                 actions=[{"op": "set_keys", "mode": "uniform"}], wait_ms=10_000,
                 view={"group": "g1", "chart": "lag"}),
        ],
    },
    {
        "id": "lag",
        "title": T("6. Lag builds up and catches up", "6. 积压的形成与追赶"),
        "scenario": "default", "seed": 7,
        "steps": [
            step(T("Three consumers can process 20 records/s each: 60/s of capacity for 30/s of traffic.",
                   "三个消费者每个每秒能处理 20 条：容量 60 条/秒，流量 30 条/秒。"),
                 T("The records sent while the group first joined are a backlog; with 30/s to spare it drains in a "
                   "few seconds. After that lag stays small: just what arrived since the last commit.",
                   "消费者组首次加入期间发送的记录形成积压；有每秒 30 条的富余容量，几秒内就被消化。"
                   "之后积压很小：只是上次提交之后到达的记录。"), wait_ms=14_000,   # auto-play shows the drain
                 view={"group": "g1", "chart": "lag"}),
            step(T("Raise the producer to 90 records/s, above capacity.", "把生产速率提高到每秒 90 条，超过容量。"),
                 T("Lag in records grows by about 30/s; lag in time (age of the oldest unread record) grows too. "
                   "Burrow's status turns WARN: offsets move but lag never shrinks.",
                   "按记录数计的积压每秒增加约 30 条；按时间计的积压（最旧未读记录的年龄）也在增长。"
                   "Burrow 状态变为 WARN：位移在前进，但积压从不减少。"),
                 actions=[{"op": "set_producer_rate", "rate": 90}], wait_ms=15_000,
                 view={"group": "g1", "chart": "lag"}),
            step(T("Drop the producer to 20 records/s.", "把生产速率降到每秒 20 条。"),
                 T("Consumers now have 40/s of spare capacity: lag drains, then Burrow says OK again.",
                   "消费者现在有每秒 40 条的富余容量：积压被消化，Burrow 重新显示 OK。"),
                 actions=[{"op": "set_producer_rate", "rate": 20}], wait_ms=15_000,
                 view={"group": "g1", "chart": "lag"}),
        ],
    },
    {
        "id": "at-least-once",
        "title": T("7. At least once: duplicates after a crash", "7. 至少一次：崩溃后的重复处理"),
        "scenario": "default", "seed": 7,
        "steps": [
            step(T("Commit less often: auto.commit.interval.ms = 5000.", "降低提交频率：auto.commit.interval.ms = 5000。"),
                 T("Committed offsets now trail what consumers have processed by up to 5 s.",
                   "已提交位移现在最多落后实际处理进度 5 秒。"),
                 actions=[{"op": "set_config", "config": {"auto.commit.interval.ms": 5000}}], wait_ms=10_000,
                 view={"group": "g1", "chart": "configs"}),
            step(T("Kill consumer-1 between two commits.", "在两次提交之间杀掉 consumer-1。"),
                 T("Its new owner starts from the last committed offset: the records consumer-1 processed after that "
                   "commit are processed again. The duplicates counter shows how many.",
                   "新的所有者从最后一次提交的位移开始读：consumer-1 在那次提交之后处理过的记录会被再处理一遍。"
                   "重复计数器显示有多少条。"),
                 actions=[{"op": "kill_consumer", "member_id": "consumer-1"}], wait_ms=12_000,
                 view={"group": "g1", "chart": "consumers"}),
            step(T("That is Kafka's default delivery guarantee: at least once. Shorter commit intervals mean fewer "
                   "duplicates, never zero without transactions.",
                   "这就是 Kafka 默认的投递保证：至少一次。提交间隔越短，重复越少，但没有事务就不可能为零。"),
                 T("Compare: a graceful stop commits first, so it causes no duplicates.",
                   "对比：优雅停止会先提交，所以不会产生重复。"),
                 view={"group": "g1", "chart": "consumers"}),
        ],
    },
    {
        "id": "kafka-vs-flink",
        "title": T("9. Kafka group versus Flink job", "9. Kafka 消费者组与 Flink 作业"),
        "scenario": "default", "seed": 7,
        "steps": [
            step(T("One topic, read three times: 'g1' is a Kafka consumer group; 'job' and 'job-2pc' are Flink jobs "
                   "whose KafkaSource reads the same records with 3 source subtasks. Flink uses no group protocol: "
                   "its enumerator gives each partition to one subtask by a fixed rule (getSplitOwner).",
                   "一个主题被读三遍：'g1' 是 Kafka 消费者组；'job' 和 'job-2pc' 是 Flink 作业，它们的 KafkaSource "
                   "用 3 个源子任务读取同样的记录。Flink 不使用消费者组协议：分片枚举器按固定规则（getSplitOwner）"
                   "把每个分区交给一个子任务。"),
                 T("g1 commits its offsets every second. A Flink job commits only when a checkpoint completes "
                   "(every 5 s): its committed offsets and lag move in steps.",
                   "g1 每秒提交一次位移。Flink 作业只在检查点完成时提交（每 5 秒）：它的已提交位移和积压呈阶梯状变化。"),
                 actions=FLINK_JOBS, wait_ms=8000,
                 view={"group": "g1", "chart": "flink"}),
            step(T("The same crash everywhere: kill consumer-1 of g1, and subtask 0 of each job.",
                   "同样的崩溃：杀掉 g1 的 consumer-1，以及每个作业的子任务 0。"),
                 T("g1: only consumer-1's partitions stop; after the session timeout the group rebalances and the "
                   "others continue from the committed offsets. The jobs: the whole job fails at once, waits the "
                   "restart delay (3 s) and restarts every subtask from its last completed checkpoint.",
                   "g1：只有 consumer-1 的分区停下；会话超时后组再均衡，其他成员从已提交位移继续。作业：整个作业立即"
                   "失败，等待重启延迟（3 秒），然后所有子任务从最近完成的检查点重启。"),
                 actions=[{"op": "kill_consumer", "member_id": "consumer-1"},
                          {"op": "kill_consumer", "member_id": "job-subtask-0"},
                          {"op": "kill_consumer", "member_id": "job-2pc-subtask-0"}], wait_ms=15_000,
                 view={"group": "g1", "chart": "flink"}),
            step(T("Count what each one lost and duplicated. g1 re-processes what consumer-1 did after its last commit "
                   "(at most a second). Each job re-reads everything every subtask read after the checkpoint: "
                   "with a plain sink those results reach the producer twice; with a two-phase-commit sink the "
                   "unfinished transactions were aborted, so no result arrives twice.",
                   "数一数各自丢失和重复了什么。g1 只重新处理 consumer-1 在最后一次提交之后处理过的记录（最多一秒）。"
                   "每个作业会重新读取所有子任务在检查点之后读过的记录：plain sink 会把这些结果再次发给生产者；"
                   "两阶段提交 sink 中止了未完成的事务，所以没有结果会到达两次。"),
                 T("Nothing is lost by any of them; time is: g1 paused one member's partitions for the session "
                   "timeout, the jobs stopped everything for the restart delay.",
                   "它们都没有丢失记录；丢失的是时间：g1 暂停了一个成员的分区直到会话超时，作业则在重启延迟期间全部停下。"),
                 view={"group": "g1", "chart": "flink"}),
            step(T("Rescale 'job' to 4 subtasks: Flink stops it with a savepoint and restarts it with the new "
                   "parallelism; getSplitOwner assigns the splits again.",
                   "把 'job' 扩展到 4 个子任务：Flink 以保存点停止作业，再用新的并行度重启；getSplitOwner 重新分配分片。"),
                 T("A savepoint is taken on purpose, so nothing is read twice: the duplicates counter does not move.",
                   "保存点是有意创建的，所以没有记录被读两次：重复计数器不再变化。"),
                 actions=[{"op": "set_parallelism", "group_id": "job", "parallelism": 4}], wait_ms=5000,
                 view={"group": "job", "chart": "flink"}),
        ],
    },
]

#: "Three protocols, one event" (issue 15): eager, cooperative and KIP-848 groups on one topic get the same add
#: and the same crash; the claims are what tests/classroom/test_lessons.py and the browser test read off.
LESSONS.append({
    "id": "three-protocols",
    "title": T("10. Three protocols, one event", "10. 三种协议，同一事件"),
    "scenario": "three-protocols", "seed": 7,
    "steps": [
        step(T("One topic, 12 partitions, three groups of three fast consumers: 'eager' (range, JoinGroup/SyncGroup), "
               "'coop' (cooperative-sticky, KIP-429) and 'kip848' (group.protocol=consumer: the coordinator assigns, "
               "members reconcile one by one).",
               "一个主题、12 个分区、三个组，各有三个快速消费者：'eager'（range，JoinGroup/SyncGroup）、'coop'"
               "（cooperative-sticky，KIP-429）和 'kip848'（group.protocol=consumer：协调者分配，成员逐个协调）。"),
             T("In the Kafka details, the protocol view draws every request of the group shown: kip848 sends only "
               "ConsumerGroupHeartbeat.",
               "在 Kafka 详情中，协议视图画出当前显示的组的每个请求：kip848 只发送 ConsumerGroupHeartbeat。"), wait_ms=10_000,
             view={"group": "kip848", "chart": "protocol"}),
        step(T("Add one consumer to each group.", "给每个组各加一个消费者。"),
             T("Read the partition-seconds lost on each group's bar. Eager stops all 12 partitions, briefly; "
               "cooperative and KIP-848 stop only the 3 that move. KIP-848's new member gets a released partition "
               "on its next heartbeat, so each moved partition waits up to a heartbeat interval. In this run eager "
               "loses the fewest partition-seconds: its members heartbeat in phase, so its stop is short.",
               "读每个组条上损失的“分区·秒”。Eager 短暂停下全部 12 个分区；cooperative 和 KIP-848 只停下要移动的 3 个。"
               "KIP-848 的新成员要等下一次心跳才拿到被释放的分区，所以每个被移动的分区最多等一个心跳间隔。本次运行中 eager "
               "损失的分区·秒最少：它的成员心跳同相，停顿很短。"),
             actions=[{"op": "add_consumer", "group_id": g} for g in ("eager", "coop", "kip848")], wait_ms=8000,
             view={"group": "eager", "chart": "gantt"}),
        step(T("Now crash one member of each group (kill: no LeaveGroup, no epoch -1 heartbeat).",
               "现在让每个组各崩溃一个成员（杀死进程：没有 LeaveGroup，也没有纪元 -1 的心跳）。"),
             T("Every protocol waits the session timeout (6 s) for the dead member's partitions, so all three lose "
               "similar partition-seconds: the protocol cannot help before the coordinator knows. Eager's real cost "
               "shows when a member is slow to rejoin (a long batch): then every partition waits for it; that slow "
               "rejoin is not simulated here.",
               "每种协议都要等会话超时（6 秒）才能处理死去成员的分区，所以三者损失的分区·秒相近：协调者知道之前，协议帮不上忙。"
               "Eager 真正的代价出现在某个成员重新加入得慢时（正在处理一个长批次）：那时所有分区都要等它；这里没有模拟这种慢速重新加入。"),
             actions=[{"op": "kill_consumer", "member_id": m} for m in ("consumer-1", "consumer-4", "consumer-7")],
             wait_ms=12_000,
             view={"group": "eager", "chart": "gantt"}),
    ],
})
