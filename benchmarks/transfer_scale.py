"""`dreamly export` and `dreamly import` on a big journal, cold processes, the real CLI.

Budgets (DESIGN.md) at 100,000 dreams: `export --format markdown` < 5 s, `import` (with
analysis) < 30 s.

Generates a seeded journal of N dreams straight into SQLite with `_synthetic.py` (tags, the
user's feelings, an interpretation on every tenth dream, a rehearsal on every twentieth) with
no matcher output, so that importing its JSON export analyses every single dream: the worst case. Then times:

- export --format markdown / json / csv to a file, and markdown --split to a folder;
- import of the JSON export into an empty journal (every dream analysed);
- import of that journal's own export into another empty journal (a restore: the dreams
  carry the current matcher's output, which is kept) — for information.

    python benchmarks/transfer_scale.py               # 100,000 dreams
    python benchmarks/transfer_scale.py -n 10000      # quicker
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import dreamly_command, write_journal  # noqa: E402

EXPORT_BUDGET = 5.0
IMPORT_BUDGET = 30.0
YEARS = 20


def generate(path: Path, count: int, seed: int = 11) -> float:
    """A journal of `count` dreams without analysis, with history; returns seconds."""
    return write_journal(path, count, seed=seed, years=YEARS, analysed=False, history=True)


def timed(args: list[str], db: Path) -> float:
    env = dict(os.environ, DREAMLY_DB=str(db), NO_COLOR="1")
    env.pop("DREAMLY_DEBUG", None)
    start = time.perf_counter()
    result = subprocess.run(dreamly_command() + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"dreamly {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--dreams", type=int, default=100_000, help="journal size (default 100,000)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dreamly-transfer-"))
    source = work / "journal.db"
    seconds = generate(source, args.dreams)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; generated {args.dreams:,} dreams in "
          f"{seconds:.1f} s ({source.stat().st_size / 1e6:.0f} MB)")
    ok = True

    def report(label: str, elapsed: float, output: Path | None = None, budget: float | None = None) -> None:
        nonlocal ok
        size = ""
        if output is not None:
            total = sum(p.stat().st_size for p in output.rglob("*")) if output.is_dir() else output.stat().st_size
            size = f"  ({total / 1e6:.0f} MB)"
        verdict = ""
        if budget is not None:
            within = elapsed < budget
            ok = ok and within
            verdict = f"   budget {budget:.0f} s: {'within' if within else 'OVER'}"
        print(f"{label:<44} {elapsed:6.2f} s{size}{verdict}")

    timed(["export", "--format", "json", "-o", str(work / "warm.json")], source)  # warm the file cache
    markdown = work / "journal.md"
    report("export --format markdown", timed(["export", "-o", str(markdown)], source), markdown, EXPORT_BUDGET)
    exported = work / "journal.json"
    report("export --format json", timed(["export", "--format", "json", "-o", str(exported)], source), exported)
    table = work / "journal.csv"
    report("export --format csv", timed(["export", "--format", "csv", "-o", str(table)], source), table)
    notes = work / "notes"
    report("export --split (one note per dream)", timed(["export", "--split", "-o", str(notes)], source), notes)

    fresh = work / "imported.db"
    report("import journal.json (every dream analysed)", timed(["import", str(exported)], fresh), budget=IMPORT_BUDGET)
    again = work / "again.json"
    timed(["export", "--format", "json", "-o", str(again)], fresh)
    report("import again (a restore: analysis kept)", timed(["import", str(again)], work / "restored.db"))
    report("import into the same journal (all known)", timed(["import", str(exported)], fresh))
    print("all budgets met" if ok else "SOME BUDGETS MISSED")
    if args.keep:
        print(f"work folder kept at {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
