"""The group as Kafka's own command-line tools print it for a real cluster.

Classic groups: `kafka-consumer-groups.sh --describe`, following
`org.apache.kafka.tools.consumer.group.ConsumerGroupCommand`
(`printOffsets`, `printMembers`, `printStates`, `shouldPrintMemberState`):
same columns, same widths (at least 15, widened to the longest value), "-" for
missing values, rows of members with partitions first (most partitions
first), then committed partitions that no member owns. The warnings Kafka
prints to stderr ("is rebalancing", "has no active members") come first, as a
terminal shows them.

Share groups (KIP-932): `kafka-share-groups.sh --describe`, following
`org.apache.kafka.tools.consumer.group.ShareGroupCommand` as of Kafka 4.2
(apache/kafka commit 0096980326406af44566c8d571d0b4130986eb18, the version
with the LAG column of KIP-1226; checked against `ShareGroupCommandTest`):
`printOffsets` / `printOffsetFormat`, `printMembers` / `getAssignmentString`,
`printStates`, `maybePrintEmptyGroupState`, `printError`. START-OFFSET is the
share-partition start offset (SPSO) and LAG is
`partition end offset - SPSO - deliveryCompleteCount`, as the broker computes
it (`GroupCoordinatorService.describeShareGroupOffsets`).
"""

from __future__ import annotations

MISSING = "-"
COORDINATOR = "localhost:9092  (1)"


def _warning(group: dict) -> str:
    state = group["state"]
    if state == "Empty":
        return f"\nConsumer group '{group['group_id']}' has no active members.\n"
    if state in ("PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling"):
        return f"\nWarning: Consumer group '{group['group_id']}' is rebalancing.\n"
    return ""


def _dead(group: dict) -> str:
    # ConsumerGroupCommand.printError: "\nError: " + message, then a newline.
    return f"\nError: Consumer group '{group['group_id']}' does not exist.\n"


def _coordinator_members(group: dict) -> list[dict]:
    """The members as the group coordinator answers DescribeGroups / ShareGroupDescribe: every member
    it knows (a crashed member stays until its session times out). A classic group's row carries them
    with their assignment only while the group is Stable (GroupMetadata.summary vs summaryNoMetadata),
    a share group's with its target assignment; a bare snapshot's `members` is the fallback."""
    members = group.get("coordinator_members")
    return members if members is not None else group.get("members", [])


def offsets_rows(group: dict) -> list[tuple]:
    gid = group["group_id"]
    by_tp = {(p["topic"], p["partition"]): p for p in group["partitions"]}
    members = sorted((m for m in _coordinator_members(group) if m["partitions"]),
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


def _widths(rows, *columns) -> list[int]:
    """The tools' column widths: at least 15, widened to the longest value in the column."""
    return [max([15] + [len(r[i]) for r in rows]) for i in columns]


def describe_offsets(group: dict) -> str:
    """`kafka-consumer-groups.sh --describe --group G` (the default --offsets view)."""
    out = _warning(group)
    if group["state"] == "Dead":
        return _dead(group)
    rows = offsets_rows(group)
    if not rows:
        return out
    g, t, c, h = _widths(rows, 0, 1, 6, 7)

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
    members = _coordinator_members(group)
    if any(m.get("instance_id") for m in members):
        return out + _members_with_instance_ids(group, members)
    rows = [(group["group_id"], m["member_id"], m.get("host") or MISSING, m.get("client_id") or MISSING,
             str(len(m["partitions"]))) for m in members]
    g, c, h, k = _widths(rows, 0, 1, 2, 3)

    def line(r):
        return f"{r[0]:<{g}} {r[1]:<{c}} {r[2]:<{h}} {r[3]:<{k}} {r[4]:<15} "

    out += "\n" + line(("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS")) + "\n"
    for r in rows:
        out += line(r) + "\n"
    return out


def _members_with_instance_ids(group: dict, members: list) -> str:
    """printMembers' `format0`, used when any member has a group.instance.id (static members, KIP-345):
    GROUP-INSTANCE-ID after CONSUMER-ID, at least 17 wide; a dynamic member's is empty."""
    rows = [(group["group_id"], m["member_id"], m.get("instance_id") or "", m.get("host") or MISSING,
             m.get("client_id") or MISSING, str(len(m["partitions"]))) for m in members]
    g, c, h, k = _widths(rows, 0, 1, 3, 4)
    i = max([17] + [len(r[2]) for r in rows])

    def line(r):
        return f"{r[0]:<{g}} {r[1]:<{c}} {r[2]:<{i}} {r[3]:<{h}} {r[4]:<{k}} {r[5]:<15} "

    out = "\n" + line(("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS")) + "\n"
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
    members = len(_coordinator_members(group))

    def line(a, b, c, d, e):
        return f"\n{a:<{gl}} {b:<{cl}} {c:<20} {d:<20} {e}"

    out += line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS")
    out += line(group["group_id"], COORDINATOR, strategy, group["state"], str(members))
    return out + "\n"


VIEWS = {"offsets": describe_offsets, "members": describe_members, "state": describe_state}


def _command_lines(tool: str) -> dict[str, str]:
    """The command line each view stands for (the page prints it above the output, as a terminal would)."""
    line = f"{tool} --bootstrap-server localhost:9092 --describe --group {{group}}"
    return {"offsets": line, "members": line + " --members", "state": line + " --state"}


COMMANDS = _command_lines("kafka-consumer-groups.sh")


# ---------------------------------------------------------------- share groups: kafka-share-groups.sh

def _share_empty_or_dead(group: dict) -> tuple[str, bool]:
    """`ShareGroupService.maybePrintEmptyGroupState`: (what it prints, whether the group is Dead).

    Dead: `printError` on stdout ("\nError: " + message, println). Empty: a line on stderr
    (println "\nShare group 'G' has no active members."), shown first as a terminal does.
    """
    gid, state = group["group_id"], group["state"]
    if state == "Dead":
        return f"\nError: Share group '{gid}' does not exist.\n", True
    if state == "Empty":
        return f"\nShare group '{gid}' has no active members.\n", False
    return "", False


def share_offsets_rows(group: dict) -> list[tuple[str, str, str, str, str, str]]:
    """(group, topic, partition, leader epoch, start offset, lag) per share-partition, by topic then partition.

    Kafka lists the partitions whose share-group state the group coordinator has initialized
    (`describeShareGroupAllOffsets`: the group's initialized topics). The coordinator initializes them,
    with no start offset, when a member heartbeats; a share-partition gets its start offset at its first
    fetch (share/fetch.py `_load_share_partitions`). So a group no member ever joined prints "has no offset
    information", and a partition not fetched yet prints "-" (its row has `initialized` true and
    `committed` null). A Dead group's state is gone with it: no rows.
    """
    if group["state"] == "Dead":
        return []
    rows = []
    for p in sorted(group["partitions"], key=lambda p: (p["topic"], p["partition"])):
        if p.get("initialized") is False:    # the coordinator holds no state for it: Kafka lists no row
            continue
        spso = p.get("committed")            # share/group.py puts the SPSO in `committed`
        # Kafka's lag is LEO - SPSO - deliveryCompleteCount (terminal records above the SPSO), the
        # simulation's `lag` (share/records.py `SharePartition.lag`). No SPSO: the admin client maps the
        # partition to null and the tool prints "-" for both.
        lag = p.get("lag") if spso is not None else None
        # LEADER-EPOCH (verbose only): the simulation has no partition leaders, so no leader epoch to
        # show; Kafka prints MISSING_COLUMN_VALUE ("-") when it has none.
        rows.append((group["group_id"], p["topic"], str(p["partition"]), MISSING, _opt(spso), _opt(lag)))
    return rows


def share_describe_offsets(group: dict, verbose: bool = False) -> str:
    """`kafka-share-groups.sh --describe --group G [--offsets] [--verbose]` (`printOffsets`).

    Kafka 4.2 prints no Empty/Dead warning in this view: either the table or "has no offset information".
    """
    gid = group["group_id"]
    rows = share_offsets_rows(group)
    if not rows:
        return f"\nShare group '{gid}' has no offset information.\n"
    g = max(15, len(gid))
    (t,) = _widths(rows, 1)
    if verbose:
        def line(r):   # "\n%-Gs %-Ts %-10s %-13s %-13s %s"
            return f"\n{r[0]:<{g}} {r[1]:<{t}} {r[2]:<10} {r[3]:<13} {r[4]:<13} {r[5]}"
        head = ("GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "START-OFFSET", "LAG")
    else:
        def line(r):   # "\n%-Gs %-Ts %-10s %-13s %s"
            return f"\n{r[0]:<{g}} {r[1]:<{t}} {r[2]:<10} {r[4]:<13} {r[5]}"
        head = ("GROUP", "TOPIC", "PARTITION", None, "START-OFFSET", "LAG")
    return line(head) + "".join(line(r) for r in rows) + "\n"


def share_assignment(partitions) -> str:
    """`getAssignmentString`: "topic:0,1;other:3", partitions sorted per topic, topics sorted; "" for none."""
    by_topic: dict[str, list[int]] = {}
    for topic, part in partitions:
        by_topic.setdefault(topic, []).append(int(part))
    return ";".join(sorted(f"{topic}:{','.join(str(p) for p in sorted(ps))}" for topic, ps in by_topic.items()))


def share_describe_members(group: dict, verbose: bool = False) -> str:
    """`kafka-share-groups.sh --describe --group G --members [--verbose]` (`printMembers`)."""
    gid = group["group_id"]
    out, dead = _share_empty_or_dead(group)
    members = [] if dead else sorted(_coordinator_members(group), key=lambda m: m["member_id"])
    if dead or not members:        # maybePrintEmptyGroupState(..., members.size()) is false: nothing more
        return out
    g = max(15, len(gid))
    c = max([15] + [len(m["member_id"]) for m in members])
    h = max([15] + [len(m.get("host") or "") for m in members])
    k = max([15] + [len(m.get("client_id") or "") for m in members])

    def line(*r):
        if verbose:    # "\n%-Gs %-Cs %-Hs %-Ks %-12s %-13s %s"
            return f"\n{r[0]:<{g}} {r[1]:<{c}} {r[2]:<{h}} {r[3]:<{k}} {r[4]:<12} {r[5]:<13} {r[6]}"
        return f"\n{r[0]:<{g}} {r[1]:<{c}} {r[2]:<{h}} {r[3]:<{k}} {r[4]:<12} {r[6]}"   # "... %-12s %s"

    out += line("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "MEMBER-EPOCH", "ASSIGNMENT")
    for m in members:
        parts = m["partitions"]
        # MEMBER-EPOCH: the member's epoch as the coordinator holds it (share/view.py `member_epoch`).
        out += line(gid, m["member_id"], m.get("host") or "", m.get("client_id") or "", str(len(parts)),
                    str(m.get("member_epoch", m.get("generation", MISSING))), share_assignment(parts))
    return out + "\n"


def share_describe_state(group: dict, verbose: bool = False) -> str:
    """`kafka-share-groups.sh --describe --group G --state [--verbose]` (`printStates`).

    `printStates` calls maybePrintEmptyGroupState but ignores its answer: a Dead group gets the error
    line *and* the table.
    """
    gid = group["group_id"]
    out, _ = _share_empty_or_dead(group)
    gl = max(15, len(gid))
    cl = max(25, len(COORDINATOR))
    n = str(len(_coordinator_members(group)))
    if verbose:
        # GROUP-EPOCH and ASSIGNMENT-EPOCH (share/view.py); share/group.py computes the target assignment at
        # every epoch bump, so they are equal.
        epoch = str(group.get("group_epoch", group.get("generation", MISSING)))
        assignment_epoch = str(group.get("assignment_epoch", epoch))

        def line(*r):  # "\n%-Gs %-Cs %-15s %-12s %-17s %s"
            return f"\n{r[0]:<{gl}} {r[1]:<{cl}} {r[2]:<15} {r[3]:<12} {r[4]:<17} {r[5]}"
        out += line("GROUP", "COORDINATOR (ID)", "STATE", "GROUP-EPOCH", "ASSIGNMENT-EPOCH", "#MEMBERS")
        out += line(gid, COORDINATOR, group["state"], epoch, assignment_epoch, n)
    else:
        def line(*r):  # "\n%-Gs %-Cs %-15s %s"
            return f"\n{r[0]:<{gl}} {r[1]:<{cl}} {r[2]:<15} {r[3]}"
        out += line("GROUP", "COORDINATOR (ID)", "STATE", "#MEMBERS")
        out += line(gid, COORDINATOR, group["state"], n)
    return out + "\n"


SHARE_VIEWS = {"offsets": share_describe_offsets, "members": share_describe_members, "state": share_describe_state}

SHARE_COMMANDS = _command_lines("kafka-share-groups.sh")


# ---------------------------------------------------------------- KIP-848 consumer groups (--verbose)

def consumer_describe_members(group: dict) -> str:
    """`kafka-consumer-groups.sh --describe --group G --members --verbose` for a consumer-protocol group:
    the member epoch and assignment beside the target epoch and assignment (ConsumerGroupCommand
    `printMembers`; headers as DescribeConsumerGroupTest `checkMembersArgsHeaderOutput` expects)."""
    out = _warning(group)
    if group["state"] == "Dead":
        return _dead(group)
    target_epoch = str(group.get("target_assignment_epoch", MISSING))
    rows = [(group["group_id"], m["member_id"], m.get("host") or MISSING, m.get("client_id") or MISSING,
             str(len(m["partitions"])), str(m.get("member_epoch", MISSING)),
             share_assignment(m["partitions"]) or MISSING, target_epoch,
             share_assignment(m.get("target", [])) or MISSING) for m in _coordinator_members(group)]
    g, c, h, k, a = _widths(rows, 0, 1, 2, 3, 6)

    def line(r):
        return f"{r[0]:<{g}} {r[1]:<{c}} {r[2]:<{h}} {r[3]:<{k}} {r[4]:<15} {r[5]:<15} {r[6]:<{a}} {r[7]:<15} {r[8]}"

    out += "\n" + line(("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "CURRENT-EPOCH",
                        "CURRENT-ASSIGNMENT", "TARGET-EPOCH", "TARGET-ASSIGNMENT")) + "\n"
    for r in rows:
        out += line(r) + "\n"
    return out


def consumer_describe_state(group: dict) -> str:
    """`kafka-consumer-groups.sh --describe --group G --state --verbose` for a consumer-protocol group:
    GROUP-EPOCH and TARGET-ASSIGNMENT-EPOCH beside the state (DescribeConsumerGroupTest
    `checkStateArgsHeaderOutput`)."""
    out = _warning(group)
    if group["state"] == "Dead":
        return _dead(group)
    gl = max(15, len(group["group_id"]))
    cl = max(25, len(COORDINATOR))

    def line(*r):
        return f"\n{r[0]:<{gl}} {r[1]:<{cl}} {r[2]:<20} {r[3]:<20} {r[4]:<15} {r[5]:<25} {r[6]}"

    out += line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "GROUP-EPOCH", "TARGET-ASSIGNMENT-EPOCH",
                "#MEMBERS")
    out += line(group["group_id"], COORDINATOR, group["assignor"], group["state"], str(group.get("group_epoch")),
                str(group.get("target_assignment_epoch")), str(len(_coordinator_members(group))))
    return out + "\n"


CONSUMER_VIEWS = {"offsets": describe_offsets, "members": consumer_describe_members, "state": consumer_describe_state}
CONSUMER_COMMANDS = {view: line + (" --verbose" if view != "offsets" else "") for view, line in COMMANDS.items()}


def describe(group: dict, view: str = "offsets") -> dict:
    """One view of a group: {"command": the shell line, "output": what it prints}.

    A share group (`type == "share"`) is described by kafka-share-groups.sh, any other by
    kafka-consumer-groups.sh; a consumer-protocol group's members and state with --verbose (its epochs).
    """
    if group.get("type") == "share":
        return {"command": SHARE_COMMANDS[view].format(group=group["group_id"]), "output": SHARE_VIEWS[view](group)}
    if group.get("group_protocol") == "consumer":
        return {"command": CONSUMER_COMMANDS[view].format(group=group["group_id"]),
                "output": CONSUMER_VIEWS[view](group)}
    return {"command": COMMANDS[view].format(group=group["group_id"]), "output": VIEWS[view](group)}
