"""The rules a Flink job keeps (checked by tests and the fuzzer through Group.check_invariants).

- every discovered partition is read by exactly one source subtask while the job runs, the one
  KafkaSourceEnumerator.getSplitOwner names
- committed offsets never go backwards and stay within 0..log end offset
- a reader's position never passes the log end offset and never falls below what Kafka has committed
"""

from __future__ import annotations

from groupviz.errors import fail
from groupviz.flink.enumerator import split_owner


def check_flink(job, log_end_offsets: dict, seen: dict) -> None:
    gid = job.group_id
    if job.status == "RUNNING":
        owners: dict = {}
        for r in job.consumers.values():
            for tp in r.splits:
                if tp in owners:
                    fail(f"{gid}: {tp} is read by {owners[tp]} and {r.member_id}")
                owners[tp] = r.member_id
                if split_owner(tp[0], tp[1], job.parallelism) != r.subtask:
                    fail(f"{gid}: {tp} is read by subtask {r.subtask}, getSplitOwner says "
                         f"{split_owner(tp[0], tp[1], job.parallelism)}")
                pos, committed = r.positions[tp], job.offsets.get(tp)
                if pos > log_end_offsets.get(tp, pos) or (committed is not None and pos < committed):
                    fail(f"{gid}: {r.member_id} is at {pos} on {tp}, outside committed {committed} .. "
                         f"log end {log_end_offsets.get(tp)}")
        if len(owners) != job.enumerator.known:
            fail(f"{gid}: {len(owners)} splits are read, {job.enumerator.known} were discovered")
    for tp, off in job.offsets.committed.items():
        key = (gid, tp)
        if not 0 <= off <= log_end_offsets.get(tp, off):
            fail(f"{gid}: committed offset {off} of {tp} is outside 0..{log_end_offsets.get(tp)}")
        if off < seen.get(key, off):
            fail(f"{gid}: committed offset of {tp} went back from {seen[key]} to {off}")
        seen[key] = off
