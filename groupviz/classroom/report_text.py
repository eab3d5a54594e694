"""The report's words in English and Chinese (groupviz.classroom.report): headings, table columns,
member states and event types. Kafka's own names (group states, config keys, assignors, protocols)
stay as Kafka prints them; everything else in the zh report is Chinese.

A value may be {"one": ..., "other": ...}: `tr` picks the form for the count `n` (Chinese has one form).
"""

from __future__ import annotations

#: Every sentence of the report in English and Chinese (GET /report?lang=zh). Kafka's own names
#: (states, config keys, assignors) stay as Kafka prints them.
TEXT = {
    "en": {
        "title": "groupviz report", "lag": "Lag (records behind)", "throughput": "Throughput",
        "records": "records", "rps": "records/s", "total": "group total", "x": "simulated time (s)",
        "gen": "gen {g}",
        "summary": "seed {seed}, scenario {scenario}, simulated time {t} s; producer sent {sent}, results back "
                   "{results}: {unique} unique, {dups}",
        "dups.none": "no duplicates",
        "dups": {"one": "1 duplicate (a record processed again after a redelivery)",
                 "other": "{n} duplicates (records processed again after a redelivery)"},
        "latency": "end-to-end latency p50 / p95 over the last {w} s of simulated time: {p50} / {p95} ms",
        "open.download": "Download this report (HTML, opens offline)",
        "test.kind": "chi-square goodness of fit",
        "charts": "Lag and throughput (shaded: rebalances)",
        "rebalances": "{g}: rebalances ({assignor}, {protocol})",
        "reb.cols": ["generation", "start (s)", "took (s)", "partitions moved", "reason"],
        "members": "{g}: members now", "mem.cols": ["member", "state", "partitions", "processed", "lag"],
        "history": "Assignment history", "hist.cols": ["time (s)", "group", "member", "event", "partitions"],
        "model": "Probability model: who wins a record? (the seed's P_win(i) = 1/N × 1/M)",
        "model.head": {"one": "{g} ({how}): N = 1 live member, M = {m} records per batch, {wins}",
                       "other": "{g} ({how}): N = {n} live members, M = {m} records per batch, {wins}"},
        "wins": {"one": "1 win counted", "other": "{n} wins counted"},
        "processed": {"one": "1 record processed", "other": "{n} records processed"},
        "sep": "; ",
        "model.sharding": ["member", "records processed", "share", "share of the partitions it owns"],
        "model.cols": ["formula", "meaning", "value"],
        "model.members": ["member", "wins", "share of wins", "model", "95% interval (Wilson)", "inside it"],
        "yes": "yes", "no": "no", "more": {"one": "… and 1 more member.", "other": "… and {n} more members."},
        "random": "random dispatch — the seed's idealised queue, not a Kafka mode",
        "share": "share group: who fetches decides (no 1/N model)",
        "first-free": "share group, first free member wins",
        "sharding": "consumer group: partitions decide (sharding)",
        "events": "Event log", "ev.cols": ["time (s)", "type", "text"],
        "log": "Command log (replayable)",
    },
    "zh": {
        "title": "groupviz 报告", "lag": "积压（落后的消息数）", "throughput": "吞吐量",
        "records": "条", "rps": "条/秒", "total": "组合计", "x": "模拟时间（秒）",
        "gen": "第 {g} 代",
        "summary": "种子 {seed}，场景 {scenario}，模拟时间 {t} 秒；生产者已发送 {sent} 条，返回结果 {results} 条："
                   "不重复 {unique} 条，{dups}",
        "dups.none": "无重复",
        "dups": "重复 {n} 条（重新投递后再次处理的记录）",
        "latency": "端到端延迟 p50 / p95（最近 {w} 秒模拟时间）：{p50} / {p95} 毫秒",
        "open.download": "下载本报告（HTML，可离线打开）",
        "test.kind": "卡方拟合优度检验",
        "charts": "积压与吞吐量（阴影：再均衡）",
        "rebalances": "{g}：再均衡（{assignor}，{protocol}）",
        "reb.cols": ["代", "开始（秒）", "耗时（秒）", "移动的分区", "原因"],
        "members": "{g}：当前成员", "mem.cols": ["成员", "状态", "分区", "已处理", "积压"],
        "history": "分配历史", "hist.cols": ["时间（秒）", "组", "成员", "事件", "分区"],
        "model": "概率模型：谁赢得一条记录？（种子文档的 P_win(i) = 1/N × 1/M）",
        "model.head": "{g}（{how}）：N = {n} 个存活成员，M = 每批 {m} 条记录，共统计 {wins}",
        "wins": "{n} 次获胜",
        "processed": "{n} 条已处理的记录",
        "sep": "；",
        "model.sharding": ["成员", "处理的记录", "份额", "所拥有分区的比例"],
        "model.cols": ["公式", "含义", "数值"],
        "model.members": ["成员", "获胜次数", "获胜份额", "模型", "95% 区间（Wilson）", "是否在区间内"],
        "yes": "是", "no": "否", "more": "……另有 {n} 个成员。",
        "random": "随机分派——种子文档中理想化的队列，不是 Kafka 的模式",
        "share": "共享组：由谁来拉取决定（没有 1/N 模型）", "first-free": "共享组，先空闲者得", "sharding": "消费者组：由分区决定（分片）",
        "events": "事件日志", "ev.cols": ["时间（秒）", "类型", "说明"],
        "log": "命令日志（可重放）",
    },
}
LANGS = tuple(TEXT)

#: Member states as the page shows them (static/i18n.js "ms.*").
MEMBER_STATES = {"zh": {"active": "活跃", "paused": "已暂停", "crashed": "已崩溃", "leaving": "正在离开",
                        "joining": "加入中", "fenced": "已隔离"}}

#: Event types (the engine's `type`), for the tables' "type" and "event" columns.
EVENT_TYPES = {"zh": {
    "assigned": "分配", "revoked": "撤销", "lost": "丢失", "assignor_changed": "更换分配器",
    "checkpoint_completed": "检查点完成", "checkpoint_failed": "检查点失败", "command": "命令",
    "commit_rejected": "提交被拒绝", "config_changed": "配置变更", "connect": "连接", "disconnect": "断开",
    "consumer_added": "添加消费者", "consumer_error": "消费者出错", "consumer_killed": "消费者被杀死",
    "consumer_left": "消费者离开", "consumer_paused": "消费者暂停", "consumer_resumed": "消费者恢复",
    "consumer_stopping": "消费者正在停止", "group_added": "添加组", "job_failed": "作业失败",
    "job_restarted": "作业重启", "join_completed": "加入完成", "keys_changed": "键分布变更",
    "lesson_step": "课程步骤", "locks_expired": "锁超时", "member_expired": "成员过期",
    "member_joined": "成员加入", "member_left": "成员离开", "partitions_added": "增加分区",
    "producer_rate": "生产速率", "protocol_changed": "更换协议", "ready": "就绪",
    "rebalance_callback": "再均衡回调", "rebalance_started": "再均衡开始", "rebalance_completed": "再均衡完成",
    "reset": "重置", "savepoint_started": "保存点开始", "splits_discovered": "发现分片", "state": "状态变化",
    "target_assignment": "目标分配", "topic_created": "创建主题",
}}


def tr(lang: str, key: str, **kw) -> str:
    """The text of `key` in `lang` (English when missing), formatted with `kw`; plural forms by `n`."""
    v = TEXT.get(lang, TEXT["en"]).get(key, TEXT["en"][key])
    if isinstance(v, dict):
        v = v["one"] if kw.get("n") == 1 and "one" in v else v["other"]
    return v.format(**kw) if kw else v


def state_name(lang: str, state: str) -> str:
    return MEMBER_STATES.get(lang, {}).get(state, state)


def event_type(lang: str, kind: str) -> str:
    return EVENT_TYPES.get(lang, {}).get(kind, kind)
