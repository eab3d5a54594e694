"""Narration (en, zh) for issue 16's membership events: static members bounced, zombies cut off from the
coordinator, fenced instance ids, and the leader's metadata refresh."""

from __future__ import annotations


def _secs(ms) -> str:
    return f"{(ms or 0) / 1000:g}"


def faults(ev: dict, t: str, g: str, m: str) -> tuple[str, str] | None:
    iid = ev.get("instance_id")
    if t == "consumer_restarting":
        down, session = _secs(ev.get("down_ms")), _secs(ev.get("session_timeout_ms"))
        if ev.get("static"):
            return (f"{m} (group.instance.id {iid}) is restarting for {down} s: a static member sends no "
                    f"LeaveGroup; back within session.timeout.ms ({session} s) it keeps its partitions",
                    f"{m}（group.instance.id {iid}）重启 {down} 秒：静态成员不发送 LeaveGroup；"
                    f"在 session.timeout.ms（{session} 秒）内回来就保留原来的分区")
        return (f"{m} is restarting for {down} s: a dynamic member leaves (LeaveGroup) and comes back as a new "
                f"member, so the group rebalances twice",
                f"{m} 重启 {down} 秒：动态成员先离开（LeaveGroup），回来时作为新成员加入，组会再均衡两次")
    if t == "consumer_restarted":
        return (f"{m} started again and sent JoinGroup with no member id" + (f" and group.instance.id {iid}" if iid else ""),
                f"{m} 重新启动，发送不带成员 ID 的 JoinGroup" + (f"（group.instance.id {iid}）" if iid else ""))
    if t == "static_member_rejoined":
        if not ev.get("rebalance"):
            return (f"{g}: the coordinator knows instance {iid}: it gave {m} the old member's place and "
                    f"assignment, generation {ev.get('generation')} stays, no rebalance",
                    f"{g}：协调者认得实例 {iid}：让 {m} 接替原成员的位置和分配，"
                    f"代数仍是 {ev.get('generation')}，没有再均衡")
        return (f"{g}: static member {m} ({iid}) rejoined during {ev.get('state')}: the group rebalances",
                f"{g}：静态成员 {m}（{iid}）在 {ev.get('state')} 时重新加入：组要再均衡")
    if t == "member_fenced":
        return (f"{g}: {ev.get('by')} took group.instance.id {iid}: {m} is fenced (FENCED_INSTANCE_ID)",
                f"{g}：{ev.get('by')} 接管了 group.instance.id {iid}：{m} 被隔离（FENCED_INSTANCE_ID）")
    if t == "consumer_fenced":
        return (f"{m} got FENCED_INSTANCE_ID, a fatal error: the consumer stops",
                f"{m} 收到 FENCED_INSTANCE_ID（致命错误）：消费者停止运行")
    if t == "consumer_partitioned":
        return (f"network partition: {m} cannot reach {g}'s coordinator for {_secs(ev.get('ms'))} s; it keeps "
                f"fetching and processing, but its heartbeats and commits are lost",
                f"网络分区：{m} 在 {_secs(ev.get('ms'))} 秒内连不上 {g} 的协调者；它继续拉取和处理，"
                f"但心跳和提交都丢失了")
    if t == "consumer_healed":
        if ev.get("expelled"):
            return (f"the partition healed: {m} was expelled meanwhile (a zombie); its next request gets "
                    f"UNKNOWN_MEMBER_ID, it drops its partitions and rejoins as a new member",
                    f"网络恢复：{m} 在此期间已被移出组（僵尸成员）；它的下一个请求会收到 UNKNOWN_MEMBER_ID，"
                    f"它放弃分区并作为新成员重新加入")
        return (f"the partition healed: {m} reached the coordinator again within its session: nothing changed",
                f"网络恢复：{m} 在会话超时前重新连上协调者：一切照旧")
    if t == "metadata_refresh_scheduled":
        return (f"{g}: the coordinator does not watch topics; leader {m} will see the new partitions at its next "
                f"metadata refresh, at {_secs(ev.get('at_ms'))} s (metadata.max.age.ms {_secs(ev.get('max_age_ms'))} s)",
                f"{g}：协调者不监视主题；leader {m} 要到下一次元数据刷新（{_secs(ev.get('at_ms'))} 秒时，"
                f"metadata.max.age.ms {_secs(ev.get('max_age_ms'))} 秒）才看到新分区")
    return None
