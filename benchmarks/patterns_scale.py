"""`dreamly patterns` on a big journal: the budget is < 1 s at 100,000 dreams, cold process.

Generates a seeded journal of N dreams spread over ~20 years up to today (about 14 a day,
so every window is full), with motifs, emotions and tags written straight into SQLite in
bulk by `_synthetic.py`, then times the real CLI in fresh processes: the terminal view, --json and --markdown.

    python benchmarks/patterns_scale.py                 # 100,000 dreams, median of 7 runs
    python benchmarks/patterns_scale.py -n 20000 --runs 3
    python benchmarks/patterns_scale.py --keep          # keep the journal and print its path
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import dreamly_command, write_journal  # noqa: E402

BUDGET_SECONDS = 1.0
YEARS = 20


def generate(path: Path, count: int, seed: int = 7) -> float:
    """Write `count` dreams (and their motif/emotion/tag rows) to a new journal; returns seconds."""
    return write_journal(path, count, seed=seed, years=YEARS, analysed=True)


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode(errors='replace')}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--dreams", type=int, default=100_000, help="journal size (default 100,000)")
    parser.add_argument("--runs", type=int, default=7, help="cold runs per variant (default 7)")
    parser.add_argument("--keep", action="store_true", help="keep the generated journal")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dreamly-patterns-"))
    db = work / "journal.db"
    seconds = generate(db, args.dreams)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; generated {args.dreams:,} dreams over "
          f"{YEARS} years in {seconds:.1f} s ({db.stat().st_size / 1e6:.0f} MB)")
    env = dict(os.environ, DREAMLY_DB=str(db), NO_COLOR="1", COLUMNS="100")
    env.pop("DREAMLY_DEBUG", None)
    worst = 0.0
    for label, extra in (("patterns", []), ("patterns --json", ["--json"]), ("patterns --markdown", ["--markdown"]),
                         ("patterns --weeks 12", ["--weeks", "12"])):
        command = dreamly_command() + ["patterns", *extra]
        timed(command, env)  # warm the file cache; not counted
        times = [timed(command, env) for _ in range(args.runs)]
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{label:<24} median {median * 1000:7.1f} ms   min {min(times) * 1000:7.1f} ms   "
              f"max {max(times) * 1000:7.1f} ms")
    verdict = "within" if worst < BUDGET_SECONDS else "OVER"
    print(f"budget {BUDGET_SECONDS:.0f} s: {verdict} (slowest median {worst * 1000:.0f} ms)")
    if args.keep:
        print(f"journal kept at {db}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
