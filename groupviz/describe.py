"""The group as `kafka-consumer-groups.sh --describe` prints it for a real cluster.

Follows `org.apache.kafka.tools.consumer.group.ConsumerGroupCommand`
(`printOffsets`, `printMembers`, `printStates`, `shouldPrintMemberState`):
same columns, same widths (at least 15, widened to the longest value), "-" for
missing values, rows of members with partitions first (most partitions
first), then committed partitions that no member owns. The warnings Kafka
prints to stderr ("is rebalancing", "has no active members") come first, as a
terminal shows them.
"""

from __future__ import annotations

MISSING = "-"
COORDINATOR = "localhost:9092  (1)"


def _warning(group: dict) -> str:
    state = group["state"]
    if state == "Empty":
        return f"\nConsumer group '{group['group_id']}' has no active members.\n"
    if state in ("PreparingRebalance", "CompletingRebalance"):
        return f"\nWarning: Consumer group '{group['group_id']}' is rebalancing.\n"
    return ""


def _dead(group: dict) -> str:
    # ConsumerGroupCommand.printError: "\nError: " + message, then a newline.
    return f"\nError: Consumer group '{group['group_id']}' does not exist.\n"


def _members_in_group(group: dict) -> list[dict]:
    # DescribeGroups answers from the coordinator's view: every member it knows (a crashed
    # member stays until its session times out), with its assignment only while the group
    # is Stable (GroupMetadata.summary vs summaryNoMetadata).
    members = group.get("coordinator_members")
    return members if members is not None else group["members"]


def offsets_rows(group: dict) -> list[tuple]:
    gid = group["group_id"]
    by_tp = {(p["topic"], p["partition"]): p for p in group["partitions"]}
    members = sorted((m for m in _members_in_group(group) if m["partitions"]),
                     key=lambda m: -len(m["partitions"]))          # stable: ties keep member order
    rows, owned = [], set()
    for m in members:
        for topic, part in sorted(tuple(tp) for tp in m["partitions"]):
            p = by_tp.get((topic, part), {})
            owned.add((topic, part))
            rows.append((gid, topic, str(part), _opt(p.get("committed")), _opt(p.get("log_end_offset")),
                         _opt(p.get("lag")), m["member_id"], m.get("host") or MISSING, m.get("client_id") or MISSING))
    for (topic, part), p in sorted(by_tp.items()):
        if (topic, part) not in owned and p.get("committed") is not None:
            rows.append((gid, topic, str(part), _opt(p["committed"]), _opt(p.get("log_end_offset")),
                         _opt(p.get("lag")), MISSING, MISSING, MISSING))
    return rows


def _opt(v) -> str:
    return MISSING if v is None else str(v)


def describe_offsets(group: dict) -> str:
    """`kafka-consumer-groups.sh --describe --group G` (the default --offsets view)."""
    out = _warning(group)
    if group["state"] == "Dead":
        return _dead(group)
    rows = offsets_rows(group)
    if not rows:
        return out
    g = max([15] + [len(r[0]) for r in rows])
    t = max([15] + [len(r[1]) for r in rows])
    c = max([15] + [len(r[6]) for r in rows])
    h = max([15] + [len(r[7]) for r in rows])

    def line(r):
        return f"\n{r[0]:<{g}} {r[1]:<{t}} {r[2]:<10} {r[3]:<15} {r[4]:<15} {r[5]:<15} {r[6]:<{c}} {r[7]:<{h}} {r[8]}"

    out += line(("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
                 "CLIENT-ID"))
    for r in rows:
        out += line(r)
    return out + "\n"


def describe_members(group: dict) -> str:
    """`kafka-consumer-groups.sh --describe --group G --members`."""
    out = _warning(group)
    if group["state"] == "Dead":
        return _dead(group)
    members = _members_in_group(group)
    rows = [(group["group_id"], m["member_id"], m.get("host") or MISSING, m.get("client_id") or MISSING,
             str(len(m["partitions"]))) for m in members]
    g = max([15] + [len(r[0]) for r in rows])
    c = max([15] + [len(r[1]) for r in rows])
    h = max([15] + [len(r[2]) for r in rows])
    k = max([15] + [len(r[3]) for r in rows])

    def line(r):
        return f"{r[0]:<{g}} {r[1]:<{c}} {r[2]:<{h}} {r[3]:<{k}} {r[4]:<15} "

    out += "\n" + line(("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS")) + "\n"
    for r in rows:
        out += line(r) + "\n"
    return out


def describe_state(group: dict) -> str:
    """`kafka-consumer-groups.sh --describe --group G --state`."""
    out = _warning(group)
    if group["state"] == "Dead":
        return _dead(group)
    gl = max(15, len(group["group_id"]))
    cl = max(25, len(COORDINATOR))
    strategy = group["assignor"] if group["state"] == "Stable" else MISSING
    members = len(_members_in_group(group))

    def line(a, b, c, d, e):
        return f"\n{a:<{gl}} {b:<{cl}} {c:<20} {d:<20} {e}"

    out += line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS")
    out += line(group["group_id"], COORDINATOR, strategy, group["state"], str(members))
    return out + "\n"


VIEWS = {"offsets": describe_offsets, "members": describe_members, "state": describe_state}

#: The command line each view stands for (the page prints it above the output, as a terminal would).
COMMANDS = {
    "offsets": "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group {group}",
    "members": "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group {group} --members",
    "state": "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group {group} --state",
}


def describe(group: dict, view: str = "offsets") -> dict:
    """One view of a classic group: {"command": the shell line, "output": what it prints}."""
    return {"command": COMMANDS[view].format(group=group["group_id"]), "output": VIEWS[view](group)}


def describe_all(group: dict) -> dict:
    return {view: fn(group) for view, fn in VIEWS.items()}
