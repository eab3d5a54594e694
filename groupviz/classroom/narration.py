"""One readable line per event, in English and Chinese (the live narration)."""

from __future__ import annotations

from groupviz.classroom.narration_faults import faults


def _tps(parts) -> str:
    if not parts:
        return "nothing"
    return ", ".join(f"{t}-{p}" for t, p in parts[:8]) + (f" (+{len(parts) - 8})" if len(parts) > 8 else "")


#: Kafka's group state names stay as Kafka prints them; Chinese readers get a gloss beside them.
STATE_ZH = {"Empty": "空组", "PreparingRebalance": "准备再均衡", "CompletingRebalance": "完成再均衡",
            "Stable": "稳定", "Dead": "已删除", "Assigning": "计算目标分配", "Reconciling": "逐个协调成员"}


def narrate(ev: dict) -> tuple[str, str] | None:
    """(en, zh) text for an event, or None for events too fine-grained to narrate."""
    t = ev["type"]
    g = ev.get("group_id", "")
    m = ev.get("member_id", "")
    share = (ev.get("protocol") == "share" or t in ("locks_expired", "ack_type")
             or (t == "group_added" and ev.get("group_type") == "share"))
    if ev.get("protocol") == "flink" or (t == "group_added" and ev.get("group_type") == "flink"):
        return _flink(ev, t, g, m)
    if ev.get("protocol") == DISPATCH or (t == "group_added" and ev.get("group_type") == DISPATCH):
        return _dispatch(ev, t, g, m)
    kip848 = (_consumer_protocol,) if ev.get("protocol") == "consumer" else ()
    for part in ((_share,) if share else ()) + kip848 + (_application, faults, _members, _rebalances, _topics, _changes):
        text = part(ev, t, g, m)
        if text is not None:
            return text
    return None


_HOW = {"auto": ("auto-commit", "自动提交"), "sync": ("commitSync", "commitSync"), "async": ("commitAsync", "commitAsync"),
        "revoke": ("the commit in onPartitionsRevoked", "onPartitionsRevoked 里的提交"),
        "leave": ("the commit before leaving", "离开前的提交")}
_MODES = {"auto": ("auto-commit inside poll() every auto.commit.interval.ms",
                   "在 poll() 内每隔 auto.commit.interval.ms 自动提交"),
          "sync": ("commitSync() after each batch", "每批处理完调用 commitSync()"),
          "async": ("commitAsync() after each batch", "每批处理完调用 commitAsync()"),
          "none": ("no commits at all", "完全不提交")}


def _application(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """A classic consumer's application: stalls, processing time, the poll timeout, commits that fail."""
    if t == "consumer_stalled":
        s, mp = ev["ms"] / 1000, ev["max_poll_interval_ms"] / 1000
        return (f"{m}'s application blocks for {s:g} s without calling poll(); its heartbeat thread keeps "
                f"the session alive (max.poll.interval.ms is {mp:g} s)",
                f"{m} 的应用阻塞 {s:g} 秒，不调用 poll()；心跳线程仍在维持会话（max.poll.interval.ms 为 {mp:g} 秒）")
    if t == "processing_time":
        return (f"{m} now spends {ev['ms']} ms on each record; a poll() returns up to {ev['max_poll_records']} "
                f"(max.poll.records)" if ev["ms"] else f"{m} processes at its rate again (no time per record)",
                f"{m} 现在每条记录处理 {ev['ms']} ms；一次 poll() 最多返回 {ev['max_poll_records']} 条"
                f"（max.poll.records）" if ev["ms"] else f"{m} 恢复按速率处理（不设每条处理时间）")
    if t == "poll_timeout":
        s = ev["since_poll_ms"] / 1000
        return (f"{m} has not called poll() for {s:g} s (max.poll.interval.ms): its heartbeat thread sends "
                f"LeaveGroup, \"consumer poll timeout has expired.\"",
                f"{m} 已 {s:g} 秒没有调用 poll()（max.poll.interval.ms）：心跳线程发送 LeaveGroup："
                f"\"consumer poll timeout has expired.\"")
    if t == "member_left" and ev.get("reason"):
        return (f"{m} left {g} ({ev['reason']}); its partitions go to the others, who start from the last "
                f"committed offsets",
                f"{m} 离开了 {g}（{ev['reason']}）；它的分区交给其他成员，从最后提交的位移开始读")
    if t == "commit_failed":
        en, zh = _HOW.get(ev.get("how"), _HOW["auto"])
        return (f"{m}: {en} failed with {ev['error']}: {ev['message']}",
                f"{m}：{zh}失败（{ev['error']}）：它已不在组内，这些记录的位移提交不了，新的拥有者会重新处理它们")
    if t == "commit_mode":
        en, zh = _MODES[ev["mode"]]
        lis = ev.get("rebalance_listener_commits")
        return (f"{g}'s consumers now commit with {en}" + ("; their rebalance listener commits in "
                                                         "onPartitionsRevoked" if lis else ""),
                f"{g} 的消费者现在{zh}" + ("；再均衡监听器在 onPartitionsRevoked 里提交" if lis else ""))
    return None


def _members(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """Members come, go, crash and pause; groups are added."""
    if t == "consumer_added":
        return (f"{m} started and sent JoinGroup to {g}'s coordinator",
                f"{m} 启动，向 {g} 的协调者发送 JoinGroup")
    if t == "member_joined":
        return (f"{g}: the coordinator added {m} to the group",
                f"{g}：协调者把 {m} 加入了组")
    if t == "member_expired":
        secs = ev.get("session_timeout_ms", 0) / 1000
        gen = ev.get("generation")
        if gen is None:
            return (f"{m} missed its heartbeats for {secs:g} s: the coordinator removed it from {g}",
                    f"{m} 已 {secs:g} 秒没有心跳：协调者把它移出了 {g}")
        return (f"{m} missed its heartbeats for {secs:g} s: the coordinator removed it from {g} "
                f"and started a rebalance towards generation {gen + 1}",
                f"{m} 已 {secs:g} 秒没有心跳：协调者把它移出了 {g}，并开始再均衡（将进入第 {gen + 1} 代）")
    if t == "member_removed":
        return (f"{g}: {m} was removed ({ev.get('why', '')})", f"{g}：{m} 被移除（{ev.get('why', '')}）")
    if t == "member_left" and "released" in ev:     # a share group member (epoch -1 heartbeat)
        return (f"{m} left share group {g} and released {ev['released']} records it had not processed",
                f"{m} 离开共享组 {g}，释放了 {ev['released']} 条尚未处理的记录")
    if t == "member_left":
        return (f"{m} left {g} gracefully (LeaveGroup): no waiting for the session timeout",
                f"{m} 优雅地离开了 {g}（LeaveGroup）：无需等待会话超时")
    if t == "consumer_killed":
        return (f"{m} crashed: no LeaveGroup, so the coordinator only notices after session.timeout.ms",
                f"{m} 崩溃了：没有发送 LeaveGroup，协调者要等 session.timeout.ms 之后才会发现")
    if t == "consumer_stopping":
        return (f"{m} is shutting down: commits its offsets, then sends LeaveGroup",
                f"{m} 正在关闭：先提交位移，再发送 LeaveGroup")
    if t == "consumer_paused":
        return (f"{m} paused its partitions: still heartbeating, so no rebalance; its lag grows",
                f"{m} 暂停了分区：仍在发送心跳，所以不会再均衡；它的积压在增长")
    if t == "consumer_resumed":
        return (f"{m} resumed fetching", f"{m} 恢复拉取")
    if t == "group_added":
        return (f"group {g} added ({ev.get('assignor', '')}): it reads every record too",
                f"新增组 {g}（{ev.get('assignor', '')}）：它也会读取每一条记录")
    return None


def _rebalances(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """The group's state machine: rebalances, assignments, commits."""
    if t == "state":
        gloss = STATE_ZH.get(ev["state"], "")
        return (f"{g}: state {ev['previous']} → {ev['state']}",
                f"{g}：状态 {ev['previous']} → {ev['state']}" + (f"（{gloss}）" if gloss else ""))
    if t == "rebalance_started":
        return (f"{g}: rebalance started ({ev.get('reason', '')}); every member must rejoin",
                f"{g}：开始再均衡（{ev.get('reason_zh') or ev.get('reason', '')}），所有成员都要重新加入")
    if t == "join_completed":
        return (f"{g}: everyone rejoined; generation {ev['generation']}, leader {ev['leader']} runs the {ev['protocol']} assignor",
                f"{g}：全部成员已重新加入；第 {ev['generation']} 代，领导者 {ev['leader']} 运行 {ev['protocol']} 分配器")
    if t == "rebalance_completed":
        return (f"{g}: generation {ev['generation']} is Stable",
                f"{g}：第 {ev['generation']} 代进入 Stable（稳定）")
    if t == "revoked":
        if ev.get("eager"):
            return (f"{m} revoked all its partitions ({_tps(ev['partitions'])}) before rejoining (eager)",
                    f"{m} 在重新加入前撤销了它的全部分区（{_tps(ev['partitions'])}）（eager）")
        return (f"{m} gave up only {_tps(ev['partitions'])} and rejoins at once (cooperative)",
                f"{m} 只交出 {_tps(ev['partitions'])}，并立即重新加入（cooperative）")
    if t == "assigned":
        return (f"{m} now owns {_tps(ev['partitions'])} (generation {ev['generation']})",
                f"{m} 现在拥有 {_tps(ev['partitions'])}（第 {ev['generation']} 代）")
    if t == "group_empty":
        return (f"{g} has no members left: Empty (its committed offsets are kept)",
                f"{g} 已没有成员：Empty（已提交的位移仍然保留）")
    if t == "commit_rejected":
        fatal = ev["error"] in ("UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION")     # the client's CommitFailedException
        return (f"{g}: offset commit from {m} rejected with {ev['error']}"
                + (": CommitFailedException, its partitions were given to others" if fatal else ""),
                f"{g}：{m} 的位移提交被拒绝（{ev['error']}）" + ("：CommitFailedException，它的分区已交给别人" if fatal else ""))
    if t == "lost":
        return (f"{m} lost {_tps(ev.get('partitions', []))}: it was no longer in the group, so it may not commit them",
                f"{m} 失去了 {_tps(ev.get('partitions', []))}：它已不在组内，不能再提交这些分区的位移")
    if t == "protocol_changed":
        return (f"{g}: rebalance protocol {ev.get('old')} → {ev.get('new')}; every member rejoins",
                f"{g}：再均衡协议 {ev.get('old')} → {ev.get('new')}；所有成员重新加入")
    return None


def _changes(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """What the presenter changed: lessons, topics, assignors, configs, the producer, a reset."""
    if t == "lesson_step":
        return (f"lesson: {ev['title']['en']}, step {ev['step'] + 1}", f"课程：{ev['title']['zh']}，第 {ev['step'] + 1} 步")
    if t == "partitions_added":
        return (f"topic {ev['topic']} grew to {ev['partitions']} partitions: clients see them at their next metadata "
                f"refresh (metadata.max.age.ms), KIP-848 coordinators at once",
                f"主题 {ev['topic']} 扩展到 {ev['partitions']} 个分区：客户端在下一次元数据刷新"
                f"（metadata.max.age.ms）时才看到，KIP-848 协调者立即看到")
    if t == "assignor_changed":
        return (f"{g} switched to the {ev['assignor']} assignor ({ev['protocol']} protocol)",
                f"{g} 改用 {ev['assignor']} 分配器（{ev['protocol']} 协议）")
    if t == "config_changed":
        keys = ", ".join(f"{k}={v}" for k, v in ev.get("changes", {}).items())
        return (f"{g}: config changed: {keys}", f"{g}：配置已修改：{keys}")
    if t == "producer_rate":
        return (f"producer now sends {ev['rate']:g} records/s", f"生产者现在每秒发送 {ev['rate']:g} 条记录")
    if t == "reset":
        return (f"reset: scenario {ev['scenario']}, seed {ev['seed']}", f"重置：场景 {ev['scenario']}，种子 {ev['seed']}")
    if t == "keys_changed":
        mode = ev.get("mode")
        if mode == "hot":
            share = round(100 * float(ev.get("hot_share") or 0))
            return (f"producer keys: {share}% of records now carry one hot key, so they all hash to partition "
                    f"{ev.get('hot_partition')}",
                    f"生产者的键：{share}% 的记录现在使用同一个热点键，因此全部哈希到分区 {ev.get('hot_partition')}")
        if mode == "null":
            return ("producer keys: records now have no key; the partitioner spreads them over the partitions",
                    "生产者的键：记录现在没有键；分区器把它们分散到各个分区")
        return (f"producer keys: uniform over {ev.get('count')} keys, so partitions fill evenly",
                f"生产者的键：在 {ev.get('count')} 个键上均匀分布，各分区增长均衡")
    return None

def _share(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """Share groups (KIP-932): members join with ShareGroupHeartbeat and fetch batches from their partitions."""
    if t == "consumer_added":
        return (f"{m} started and sent ShareGroupHeartbeat to {g}: the simple assignor gives it its share of the "
                f"partitions",
                f"{m} 启动，向 {g} 发送 ShareGroupHeartbeat：simple 分配器分给它一份分区")
    if t == "consumer_killed":
        return (f"{m} crashed: the records it holds stay locked until group.share.record.lock.duration.ms runs out",
                f"{m} 崩溃了：它持有的记录保持锁定，直到 group.share.record.lock.duration.ms 到期")
    if t == "consumer_stopping":
        return (f"{m} is closing: acknowledges what it processed and releases the records it still holds",
                f"{m} 正在关闭：确认已处理的记录，并释放仍持有的记录")
    if t == "ack_type":
        kind = str(ev.get("ack_type", "")).upper()
        return (f"{m} now acknowledges each record it processes with {kind} (explicit acknowledgement)",
                f"{m} 现在对处理的每条记录以 {kind} 确认（显式确认）")
    if t == "locks_expired":
        n, archived = ev.get("records", 0), ev.get("archived", 0)
        if not archived:
            return (f"{g}: acquisition locks of {n} record{'s' if n != 1 else ''} held by {m} expired: "
                    f"available again to the next fetch from their partitions",
                    f"{g}：{m} 持有的 {n} 条记录的获取锁到期，可被其分区的下一次拉取再次获取")
        return (f"{g}: acquisition locks of {n} record{'s' if n != 1 else ''} held by {m} expired: "
                f"{n - archived} available again, {archived} archived at group.share.delivery.count.limit",
                f"{g}：{m} 持有的 {n} 条记录的获取锁到期：{n - archived} 条可再次获取，"
                f"{archived} 条达到 group.share.delivery.count.limit 被归档")
    if t == "group_added":
        return (f"share group {g} added ({ev.get('competition', '')} competition): it reads every record too",
                f"新增共享组 {g}（{ev.get('competition', '')} 竞争）：它也会读取每一条记录")
    return None


DISPATCH = "random-dispatch"
#: Random dispatch (groupviz.seed.dispatch), by event type: (en, zh) templates over g (group), m (member), ev.
_DISPATCH_TEXT = {
    "group_added": ("{g} added: random dispatch, the seed's idealised queue (not a Kafka mode): each record goes "
                    "to a uniformly random live member",
                    "新增 {g}：随机分派，种子文档中理想化的队列（不是 Kafka 的模式）：每条记录均匀随机地交给一个存活成员"),
    "consumer_added": ("{m} joined {g} (random dispatch, not a Kafka mode): from now on it gets 1/N of the records",
                       "{m} 加入 {g}（随机分派，不是 Kafka 的模式）：从现在起它得到 1/N 的记录"),
    "member_joined": ("{g}: {m} is one of the members the dispatcher picks from at random",
                      "{g}：{m} 成为分派器随机挑选的成员之一"),
    "consumer_killed": ("{m} crashed: the idealised queue notices at once and hands its backlog to the others",
                        "{m} 崩溃了：理想化的队列立即察觉，把它积压的记录交给其他成员"),
    "consumer_stopping": ("{m} stops: its backlog goes back to the queue", "{m} 停止：它积压的记录回到队列"),
    "member_removed": ("{g}: {handed_back} records {m} had not processed go back to the queue, handed out again at "
                       "random", "{g}：{m} 尚未处理的 {handed_back} 条记录回到队列，再随机交给其他成员"),
    "member_left": ("{g}: {handed_back} records {m} had not processed go back to the queue, handed out again at "
                    "random", "{g}：{m} 尚未处理的 {handed_back} 条记录回到队列，再随机交给其他成员"),
}


def _dispatch(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """Random dispatch: the seed's idealised queue, not Kafka (no heartbeats, no coordinator)."""
    text = _DISPATCH_TEXT.get(t)
    if text is None:
        return _rebalances(ev, t, g, m) or _changes(ev, t, g, m)
    fields = {"g": g, "m": m, "handed_back": ev.get("handed_back", 0)}
    return text[0].format(**fields), text[1].format(**fields)


def _cp(ev: dict) -> tuple[str, str]:
    cp = ev.get("checkpoint")
    return (("its last completed checkpoint " + str(cp)) if cp is not None else "the start (no checkpoint yet)",
            (f"最近完成的检查点 {cp}") if cp is not None else "起点（还没有检查点）")


def _flink(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """A Flink job (groupviz.flink): no group protocol; checkpoints, failures, restarts, savepoints."""
    en, zh = _cp(ev)
    if t == "group_added":
        return (f"Flink job {g} added: {ev.get('parallelism')} source subtasks read every record too, "
                f"{ev.get('sink')} sink", f"新增 Flink 作业 {g}：{ev.get('parallelism')} 个源子任务也读取每一条记录，"
                f"{ev.get('sink')} sink")
    if t == "consumer_killed":
        return (f"{m} crashed with its TaskManager: Flink job {g} fails as a whole, no rebalance",
                f"{m} 随其 TaskManager 崩溃：Flink 作业 {g} 整体失败，不会再均衡")
    if t == "job_failed":
        return (f"{g} failed: every subtask is cancelled; it restarts in {ev.get('delay_ms', 0) / 1000:g} s "
                f"from {en}", f"{g} 失败：所有子任务被取消；{ev.get('delay_ms', 0) / 1000:g} 秒后从{zh}重启")
    if t == "job_restarted" and ev.get("rescale"):
        return (f"{g} runs again with parallelism {ev.get('parallelism')} from savepoint {ev.get('checkpoint')}: "
                f"splits reassigned by getSplitOwner, nothing read twice",
                f"{g} 以并行度 {ev.get('parallelism')} 从保存点 {ev.get('checkpoint')} 重新运行：分片按 getSplitOwner "
                f"重新分配，没有重复读取")
    if t == "job_restarted":
        return (f"{g} restarted from {en}: every reader rewinds, {ev.get('rewound', 0)} records are read again",
                f"{g} 从{zh}重启：每个读取器回退，{ev.get('rewound', 0)} 条记录被再次读取")
    if t == "checkpoint_completed":
        what = "savepoint" if ev.get("savepoint") else "checkpoint"
        return (f"{g}: {what} {ev.get('checkpoint')} completed; its offsets are committed to Kafka",
                f"{g}：{'保存点' if ev.get('savepoint') else '检查点'} {ev.get('checkpoint')} 完成；其位移提交到 Kafka")
    if t == "checkpoint_failed":
        return (f"{g}: checkpoint {ev.get('checkpoint')} failed ({ev.get('reason')})",
                f"{g}：检查点 {ev.get('checkpoint')} 失败（{ev.get('reason')}）")
    if t == "savepoint_started":
        return (f"{g}: stop-with-savepoint to change parallelism {ev.get('old')} → {ev.get('new')}",
                f"{g}：停止作业并创建保存点，把并行度 {ev.get('old')} 改为 {ev.get('new')}")
    if t == "splits_discovered":
        return (f"{g}: the enumerator discovered partitions {ev.get('partitions')} and assigned them by getSplitOwner",
                f"{g}：分片枚举器发现了分区 {ev.get('partitions')}，按 getSplitOwner 分配")
    return _changes(ev, t, g, m)


#: KIP-848 (group.protocol=consumer) narration, by event type: (en, zh) templates over m (member),
#: g (group), n (generation / epoch), tps (the event's partitions), err, assignor, why / why_zh (reason).
_CONSUMER_PROTOCOL = {
    "consumer_added": ("{m} started and sent ConsumerGroupHeartbeat (member epoch 0) to {g}'s coordinator",
                       "{m} 启动，向 {g} 的协调者发送 ConsumerGroupHeartbeat（成员纪元 0）"),
    "rebalance_started": ("{g}: group epoch {n} ({why}); members not affected keep processing",
                          "{g}：组纪元 {n}（{why_zh}）；不受影响的成员继续处理"),
    "target_assignment": ("{g}: the coordinator's {assignor} assignor computed target assignment epoch {n}",
                          "{g}：协调者的 {assignor} 分配器算出了目标分配（纪元 {n}）"),
    "revoked": ("{m} committed and revoked {tps}; its next heartbeat tells the coordinator",
                "{m} 提交并撤销了 {tps}；下一次心跳会告诉协调者"),
    "assigned": ("{m} now owns {tps} (member epoch {n})", "{m} 现在拥有 {tps}（成员纪元 {n}）"),
    "rebalance_completed": ("{g}: every member reached epoch {n}: Stable", "{g}：所有成员都到达纪元 {n}：Stable（稳定）"),
    "member_left": ("{m} left {g} (heartbeat with member epoch -1)", "{m} 离开了 {g}（成员纪元为 -1 的心跳）"),
    "consumer_killed": ("{m} crashed: no heartbeat with epoch -1, so the coordinator notices after "
                        "group.consumer.session.timeout.ms",
                        "{m} 崩溃了：没有发送纪元 -1 的心跳，协调者要等 group.consumer.session.timeout.ms 之后才会发现"),
    "consumer_stopping": ("{m} is shutting down: commits, revokes, then sends a heartbeat with member epoch -1",
                          "{m} 正在关闭：提交、撤销，再发送成员纪元为 -1 的心跳"),
    "member_expired": ("{m} sent no heartbeat in time: the coordinator fenced it and bumped {g}'s group epoch",
                       "{m} 没有按时心跳：协调者将其隔离，并提升了 {g} 的组纪元"),
    "lost": ("{m} was fenced ({err}): it drops {tps} and rejoins with epoch 0",
             "{m} 被隔离（{err}）：放弃 {tps}，以纪元 0 重新加入"),
}


def _consumer_protocol(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """KIP-848 (group.protocol=consumer): one heartbeat request, epochs, no barrier."""
    tpl = _CONSUMER_PROTOCOL.get(t)
    if tpl is None:
        return None
    why = ev.get("reason", "")
    f = {"m": m, "g": g, "n": ev.get("generation"), "tps": _tps(ev.get("partitions", [])), "err": ev.get("error", ""),
         "assignor": ev.get("assignor"), "why": why, "why_zh": ev.get("reason_zh") or why}
    return tpl[0].format(**f), tpl[1].format(**f)


def _topics(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    """Several topics: a topic created, a rate per topic, subscriptions changed or grown by a pattern."""
    if t == "topic_added":
        return (f"topic {ev['topic']} created with {ev['partitions']} partitions; the producer writes "
                f"{ev['rate']:g} records/s to it",
                f"创建了主题 {ev['topic']}，{ev['partitions']} 个分区；生产者每秒向它写入 {ev['rate']:g} 条记录")
    if t == "producer_rate" and ev.get("topic"):
        return (f"producer now sends {ev['rate']:g} records/s to {ev['topic']}",
                f"生产者现在每秒向 {ev['topic']} 发送 {ev['rate']:g} 条记录")
    if t == "subscription_changed":
        what = ev.get("pattern") or ", ".join(ev.get("topics", []))
        return (f"{m} subscribed to {what}: its next poll rejoins {g} if the topics changed",
                f"{m} 改为订阅 {what}：若主题有变，它下次 poll 时重新加入 {g}")
    if t == "subscription_updated":
        topics = ", ".join(ev.get("topics", []))
        return (f"{m}'s metadata refresh found topics matching {ev.get('pattern')}: now {topics}; it rejoins {g}",
                f"{m} 刷新元数据，发现匹配 {ev.get('pattern')} 的主题：现在是 {topics}；它重新加入 {g}")
    return None
