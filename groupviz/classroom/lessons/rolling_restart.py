"""Lesson: a rolling restart, with dynamic members and with static members (KIP-345, group.instance.id)."""

from __future__ import annotations

from groupviz.classroom.lessons.script import T, step

VIEW = {"group": "g1", "chart": "timeline"}   # the rebalance timeline: a bounce rebalances or it does not

LESSONS = [
    {
        "id": "rolling-restart",
        "title": T("12. Rolling restart: dynamic versus static members", "12. 滚动重启：动态成员与静态成员"),
        "scenario": "default", "seed": 7,
        "steps": [
            step(T("Three consumers share six partitions. They are dynamic members: they have no group.instance.id.",
                   "三个消费者分担六个分区。它们是动态成员：没有设置 group.instance.id。"),
                 T("The group is Stable; note its generation.", "组处于 Stable；记下它的代数（generation）。"),
                 wait_ms=8000, view=VIEW),
            step(T("Restart consumer-1 for 3 s, as a deployment does one instance at a time.",
                   "把 consumer-1 重启 3 秒，就像部署时一次重启一个实例。"),
                 T("Closing, a dynamic member sends LeaveGroup: one rebalance. Back, it joins as a new member: a "
                   "second rebalance. The generation goes up by two.",
                   "关闭时动态成员发送 LeaveGroup：一次再均衡。回来时它作为新成员加入：第二次再均衡。代数加 2。"),
                 actions=[{"op": "restart_consumer", "member_id": "consumer-1", "down_ms": 3000}],
                 wait_ms=10000, view=VIEW),
            step(T("Add consumer-4 with group.instance.id app-4: a static member.",
                   "加入 consumer-4，设置 group.instance.id 为 app-4：一个静态成员。"),
                 T("A new member, static or not, makes the group rebalance once.",
                   "新成员加入，无论静态与否，组都会再均衡一次。"),
                 actions=[{"op": "add_consumer", "group_id": "g1", "instance_id": "app-4"}],
                 wait_ms=8000, view=VIEW),
            step(T("Restart consumer-4 for 3 s, less than session.timeout.ms (6 s).",
                   "把 consumer-4 重启 3 秒，短于 session.timeout.ms（6 秒）。"),
                 T("A static member sends no LeaveGroup. Back in time, the coordinator recognises app-4 and hands it "
                   "the same partition: no rebalance, the generation stays.",
                   "静态成员不发送 LeaveGroup。及时回来后，协调者认出 app-4，把原来的分区交还给它：没有再均衡，代数不变。"),
                 actions=[{"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 3000}],
                 wait_ms=8000, view=VIEW),
            step(T("Restart consumer-4 again, this time for 12 s: longer than the session timeout.",
                   "再把 consumer-4 重启一次，这次 12 秒：超过会话超时。"),
                 T("Its partition waits unprocessed until session.timeout.ms (6 s) has passed since its last "
                   "heartbeat; then it is expelled and the group rebalances. When it comes back it joins as a new "
                   "member: another rebalance, two generations in all.",
                   "它的分区一直没人处理，直到距它最后一次心跳超过 session.timeout.ms（6 秒）；随后它被移出组，组再均衡。"
                   "它回来时作为新成员加入：又一次再均衡，代数一共加 2。"),
                 actions=[{"op": "restart_consumer", "member_id": "consumer-4", "down_ms": 12000}],
                 wait_ms=20000, view=VIEW),
        ],
    },
]
