"""Run every benchmark in bench/ (`make bench` = --quick, `make bench-full` = full).

Each script prints its own table and exits non-zero only when a result is wrong
(outputs that must be equal differ, a run that is not deterministic); timings are
reported, never asserted. This exits non-zero if any script did.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["assignors.py", "engine.py", "fuzz.py", "soak.py", "viewers.py", "click_to_screen.py", "payload.py",
           "realkafka.py"]   # realkafka.py --quick: 3 adds on the mock cluster, ~30 s


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    failed = []
    for name in SCRIPTS:
        print(f"\n=== bench/{name} {' '.join(argv)}", flush=True)
        rc = subprocess.call([sys.executable, str(HERE / name), *argv])
        if rc != 0:
            failed.append(f"{name} (exit {rc})")
    if failed:
        print("\nFAILED: " + ", ".join(failed))
        return 1
    print("\nall benchmarks ran; results correct")
    return 0


if __name__ == "__main__":
    sys.exit(main())
