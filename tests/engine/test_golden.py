"""Behaviour is pinned: every scenario and lesson (seeds 7 and 11), through one fixed script and then
rebuilt from its own exported command log, gives byte-identical JSON to tests/golden/*.json.gz.

A change of behaviour on purpose regenerates them (`python -m tests.golden.record`) in the same commit.
On a mismatch the produced file is written to artifacts/golden/ for a diff.
"""

from pathlib import Path

import pytest

from tests.golden import record

CASES = list(record.cases())
OUT = Path(__file__).resolve().parents[2] / "artifacts" / "golden"


@pytest.mark.parametrize("name,make,start", CASES, ids=[c[0] for c in CASES])
def test_golden_run_is_byte_identical(name, make, start):
    got = record.render(record.run_case(make, start))
    want = record.read(name)
    if got != want:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{name}.json").write_bytes(got)
        (OUT / f"{name}.expected.json").write_bytes(want)
    assert got == want, f"{name} differs: diff artifacts/golden/{name}.expected.json artifacts/golden/{name}.json"


def test_every_scenario_and_lesson_has_a_golden_file():
    assert len(CASES) == len(list(record.HERE.glob("*.json.gz")))
