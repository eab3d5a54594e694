"""The classic protocol's vocabulary, shared by the coordinator, its static-membership paths and the clients.

The group states (`GroupState` of Kafka 4.x's `ClassicGroup`), the error codes the coordinator answers with
(`org.apache.kafka.common.protocol.Errors`), why a rebalance started (in English as Kafka's log prints it,
and in Chinese), the JoinGroup request and the coordinator's metadata for each member (`ClassicGroupMember`).
The legal moves between the states are the coordinator's table (coordinator.TRANSITIONS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

EMPTY = "Empty"
PREPARING_REBALANCE = "PreparingRebalance"
COMPLETING_REBALANCE = "CompletingRebalance"
STABLE = "Stable"
DEAD = "Dead"

# Why a rebalance started, in English and in Chinese: reason(key, **fields) -> (en, zh).
REASONS = {
    "joined": ("{member} joined", "{member} 加入了组"),
    "rejoined": ("{member} rejoined with new metadata", "{member} 带着新的订阅信息重新加入"),
    "left": ("{member} left the group (LeaveGroup)", "{member} 离开了组（LeaveGroup）"),
    "left_poll": ("{member} left the group (LeaveGroup: consumer poll timeout has expired, max.poll.interval.ms)",
                  "{member} 离开了组（LeaveGroup：consumer poll timeout has expired，超过了 max.poll.interval.ms）"),
    "expired": ("{member} missed heartbeats for {ms} ms (session.timeout.ms)",
                "{member} 连续 {ms} ms 没有心跳（session.timeout.ms）"),
    "partitions": ("topic {topic} now has {n} partitions", "主题 {topic} 现在有 {n} 个分区"),
    "metadata": ("leader {member}'s metadata refresh: topic {topic} now has {n} partitions",
                 "leader {member} 刷新元数据：主题 {topic} 现在有 {n} 个分区"),
    "static_protocol": ("static member {member} ({instance}) rejoined with another protocol",
                        "静态成员 {member}（{instance}）换了协议重新加入"),
    "static_completing": ("static member {member} ({instance}) rejoined while the group completed a rebalance",
                          "静态成员 {member}（{instance}）在组完成再均衡时重新加入"),
}


def reason(key: str, **fields) -> tuple[str, str]:
    en, zh = REASONS[key]
    return en.format(**fields), zh.format(**fields)


# Kafka error codes used in responses (org.apache.kafka.common.protocol.Errors).
NONE = "NONE"
UNKNOWN_MEMBER_ID = "UNKNOWN_MEMBER_ID"
ILLEGAL_GENERATION = "ILLEGAL_GENERATION"
REBALANCE_IN_PROGRESS = "REBALANCE_IN_PROGRESS"
COORDINATOR_NOT_AVAILABLE = "COORDINATOR_NOT_AVAILABLE"
FENCED_INSTANCE_ID = "FENCED_INSTANCE_ID"
#: JoinGroupRequest.UNKNOWN_MEMBER_ID: the member id a consumer sends before it has one.
UNKNOWN_MEMBER = ""


@dataclass
class JoinGroup:
    member_id: str
    client_id: str
    host: str
    protocol_name: str              # the assignor it joined with, e.g. "range" (JoinGroup protocol name)
    topics: list[str]
    owned: list[tuple[str, int]]    # ownedPartitions (cooperative) / userData (sticky)
    owned_generation: int
    session_timeout_ms: int
    rebalance_timeout_ms: int
    instance_id: str | None = None  # group.instance.id (KIP-345): a static member
    reason: tuple[str, str] | None = None   # JoinGroupRequest.reason (KIP-800) as reason() gives it (en, zh)


@dataclass
class MemberMeta:
    member_id: str
    client_id: str
    host: str
    protocol_name: str
    topics: list[str]
    owned: list[tuple[str, int]]
    owned_generation: int
    session_timeout_ms: int
    rebalance_timeout_ms: int
    instance_id: str | None = None
    awaiting_join: bool = False
    awaiting_sync: bool = False
    last_heartbeat_ms: int = 0
    assignment: list[tuple[str, int]] = field(default_factory=list)
