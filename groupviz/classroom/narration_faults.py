"""Narration (en, zh) for issue 16's membership events: static members bounced, zombies cut off from the
coordinator, fenced instance ids, and the leader's metadata refresh.

One table, as narration.py's KIP-848 and random-dispatch ones: an event reads one way, or two ways told
apart by one of its fields (`_CASES`: a static or a dynamic member restarting, a static member rejoining
with or without a rebalance, a healed partition whose member was or was not expelled meanwhile).
"""

from __future__ import annotations


def _secs(ms) -> str:
    return f"{(ms or 0) / 1000:g}"


#: The events that read two ways, and the field whose truth picks the way: the table's key is (type, bool).
_CASES = {"consumer_restarting": "static", "consumer_restarted": "instance_id", "static_member_rejoined": "rebalance",
          "consumer_healed": "expelled"}

#: By event type (or (type, case) for _CASES): (en, zh) templates over m (member), g (group), iid
#: (group.instance.id), by (the member that took it), gen (generation), state, and in seconds: down, session
#: (session.timeout.ms), ms (a network partition), at, max_age (metadata.max.age.ms).
_TEXT = {
    ("consumer_restarting", True): (
        "{m} (group.instance.id {iid}) is restarting for {down} s: a static member sends no LeaveGroup; back "
        "within session.timeout.ms ({session} s) it keeps its partitions",
        "{m}（group.instance.id {iid}）重启 {down} 秒：静态成员不发送 LeaveGroup；"
        "在 session.timeout.ms（{session} 秒）内回来就保留原来的分区"),
    ("consumer_restarting", False): (
        "{m} is restarting for {down} s: a dynamic member leaves (LeaveGroup) and comes back as a new member, "
        "so the group rebalances twice",
        "{m} 重启 {down} 秒：动态成员先离开（LeaveGroup），回来时作为新成员加入，组会再均衡两次"),
    ("consumer_restarted", True): ("{m} started again and sent JoinGroup with no member id and group.instance.id {iid}",
                                   "{m} 重新启动，发送不带成员 ID 的 JoinGroup（group.instance.id {iid}）"),
    ("consumer_restarted", False): ("{m} started again and sent JoinGroup with no member id",
                                    "{m} 重新启动，发送不带成员 ID 的 JoinGroup"),
    ("static_member_rejoined", False): (
        "{g}: the coordinator knows instance {iid}: it gave {m} the old member's place and assignment, "
        "generation {gen} stays, no rebalance",
        "{g}：协调者认得实例 {iid}：让 {m} 接替原成员的位置和分配，代数仍是 {gen}，没有再均衡"),
    ("static_member_rejoined", True): ("{g}: static member {m} ({iid}) rejoined during {state}: the group rebalances",
                                       "{g}：静态成员 {m}（{iid}）在 {state} 时重新加入：组要再均衡"),
    "member_fenced": ("{g}: {by} took group.instance.id {iid}: {m} is fenced (FENCED_INSTANCE_ID)",
                      "{g}：{by} 接管了 group.instance.id {iid}：{m} 被隔离（FENCED_INSTANCE_ID）"),
    "consumer_fenced": ("{m} got FENCED_INSTANCE_ID, a fatal error: the consumer stops",
                        "{m} 收到 FENCED_INSTANCE_ID（致命错误）：消费者停止运行"),
    "consumer_partitioned": (
        "network partition: {m} cannot reach {g}'s coordinator for {ms} s; it keeps fetching and processing, "
        "but its heartbeats and commits are lost",
        "网络分区：{m} 在 {ms} 秒内连不上 {g} 的协调者；它继续拉取和处理，但心跳和提交都丢失了"),
    ("consumer_healed", True): (
        "the partition healed: {m} was expelled meanwhile (a zombie); its next request gets UNKNOWN_MEMBER_ID, "
        "it drops its partitions and rejoins as a new member",
        "网络恢复：{m} 在此期间已被移出组（僵尸成员）；它的下一个请求会收到 UNKNOWN_MEMBER_ID，"
        "它放弃分区并作为新成员重新加入"),
    ("consumer_healed", False): (
        "the partition healed: {m} reached the coordinator again within its session: nothing changed",
        "网络恢复：{m} 在会话超时前重新连上协调者：一切照旧"),
    "metadata_refresh_scheduled": (
        "{g}: the coordinator does not watch topics; leader {m} will see the new partitions at its next "
        "metadata refresh, at {at} s (metadata.max.age.ms {max_age} s)",
        "{g}：协调者不监视主题；leader {m} 要到下一次元数据刷新（{at} 秒时，"
        "metadata.max.age.ms {max_age} 秒）才看到新分区"),
}


def faults(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    case = _CASES.get(t)
    tpl = _TEXT.get(t if case is None else (t, bool(ev.get(case))))
    if tpl is None:
        return None
    f = {"m": m, "g": g, "iid": ev.get("instance_id"), "by": ev.get("by"), "gen": ev.get("generation"),
         "state": ev.get("state"), "down": _secs(ev.get("down_ms")), "session": _secs(ev.get("session_timeout_ms")),
         "ms": _secs(ev.get("ms")), "at": _secs(ev.get("at_ms")), "max_age": _secs(ev.get("max_age_ms"))}
    return tpl[0].format(**f), tpl[1].format(**f)
