"""Every everyday command on a big journal: cold-process wall time and peak memory.

Generates a seeded journal of N synthetic dreams (default 100,000: varied text of 3-12
sentences, dates over 20 years, tags, feelings, motif rows, an interpretation on every tenth
dream) with `_synthetic.py`, then runs the real `dreamly` CLI in fresh processes, as a user
would, and reports for each command the median wall time and the peak resident memory
(ru_maxrss of the process, from os.wait4) against the budgets in DESIGN.md:

    add "…"                 no slower than on a 10-dream journal (same run, alternating)
    list (and filtered)     < 200 ms
    search (and filtered)   < 100 ms
    patterns                < 1 s, peak memory < 150 MB (also with --html)
    signs (and --lucid, --since, --kind)  < 1 s, peak memory < 200 MB
    tonight                 < 300 ms, peak memory < 200 MB
    export --format markdown  < 5 s
    import (JSON export, every dream analysed)  < 30 s
    reanalyze               < 30 s

For list and search it also prints the query alone (in-process, the median of 20), to show
how much of the cold time is the query and how much is starting Python.

    python benchmarks/scale.py                  # 100,000 dreams, ~3 minutes on 2 cores
    python benchmarks/scale.py -n 20000 --runs 5
    python benchmarks/scale.py --keep           # keep the work folder (journal, exports)

Journals are generated once (with progress) and kept in ~/.cache/dreamly-bench (or
$DREAMLY_BENCH_CACHE) for the day, then copied into the work folder for each run.

Against a smaller journal, `--against M` runs the read commands (and add) on both journals
and on a 10-dream one, alternating, and prints each command's CPU-time ratio N vs M, and the
ratio of its data work (CPU minus that of the same command on 10 dreams: start-up and
imports do not grow with the journal):

    python benchmarks/scale.py --dreams 1000000 --against 100000 --runs 3

Targets there: add and list no slower (≤ 1.1x), patterns and patterns --html no worse than
linear in the window (data work ≤ 11x for a window of 10x the dreams) within 80 MiB, search
of a word in most dreams (park: ~70 %) < 200 ms on a quiet machine.

Exits 1 if a budget is missed.
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

from _synthetic import cached_journal, dreamly_command  # noqa: E402

DREAM = "I was running for the train but my legs felt like concrete and someone was behind me"


def run(args: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one cold `dreamly ARGS`. For a command with worker
    processes the peak is the largest single process (the kernel's rule for ru_maxrss)."""
    start = time.perf_counter()
    process = subprocess.Popen(dreamly_command() + args, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"dreamly {' '.join(args)} failed ({process.returncode}): {error}")
    return elapsed, usage.ru_maxrss / 1024


def median_run(args: list[str], env: dict, runs: int) -> tuple[float, float]:
    run(args, env)  # warm the file cache; not counted
    results = [run(args, env) for _ in range(runs)]
    return statistics.median(t for t, _ in results), max(m for _, m in results)


def query_alone(db: Path, kind: str, query: str | None, filters: dict) -> float:
    """Median in-process time of Journal.list / Journal.search (the query without start-up)."""
    from datetime import date

    from dreamly.store import Filters, Journal

    fields = {key: (date.fromisoformat(value) if key in ("since", "until") else value)
              for key, value in filters.items()}
    with Journal.open(db) as journal:
        times = []
        for _ in range(21):
            start = time.perf_counter()
            if kind == "search":
                journal.search(query, Filters(limit=20, **fields))
            else:
                journal.list(Filters(limit=20, **fields))
            times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


class Report:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def line(self, label: str, seconds: float, rss: float | None, budget: float | None, extra: str = "",
             memory_budget: float | None = None) -> None:
        verdict = ""
        if budget is not None:
            ok = seconds < budget
            verdict = f"< {_fmt(budget)}: {'ok' if ok else 'OVER'}"
            if not ok:
                self.missed.append(label)
        if memory_budget is not None and rss is not None:
            ok = rss < memory_budget
            verdict += f"; RSS < {memory_budget:.0f} MB: {'ok' if ok else 'OVER'}"
            if not ok:
                self.missed.append(f"{label} (memory)")
        memory = f"{rss:6.0f} MB" if rss is not None else " " * 9
        print(f"{label:<46} {_fmt(seconds):>9} {memory}   {verdict}{extra}", flush=True)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--dreams", type=int, default=100_000, help="journal size (default 100,000)")
    parser.add_argument("--runs", type=int, default=9, help="cold runs per quick command (default 9)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--against", type=int, metavar="M", help="compare with a journal of M dreams (ratios)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dreamly-scale-"))
    if args.against:
        try:
            compare(args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    db, small = work / "journal.db", work / "small.db"
    start = time.perf_counter()
    shutil.copyfile(cached_journal(args.dreams), db)
    shutil.copyfile(cached_journal(10, progress=False), small)
    seconds = time.perf_counter() - start
    load = os.getloadavg()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load[0]:.2f}; {args.dreams:,} "
          f"dreams ({db.stat().st_size / 1e6:.0f} MB, ready in {seconds:.1f} s); cold processes, median of {args.runs}")
    print(f"{'command':<46} {'wall':>9} {'peak RSS':>9}   budget")
    env = dict(os.environ, DREAMLY_DB=str(db), DREAMLY_CONFIG_DIR=str(work / "config"), NO_COLOR="1",
               COLUMNS="100")
    env.pop("DREAMLY_DEBUG", None)
    small_env = dict(env, DREAMLY_DB=str(small))
    report = Report()

    # add: alternate the big and the small journal so that noise hits both alike
    run(["add", DREAM], env), run(["add", DREAM], small_env)
    big_runs, small_runs = [], []
    for _ in range(args.runs):
        big_runs.append(run(["add", DREAM], env))
        small_runs.append(run(["add", DREAM], small_env))
    big = statistics.median(t for t, _ in big_runs)
    tiny = statistics.median(t for t, _ in small_runs)
    verdict = "ok" if big <= tiny * 1.05 else "OVER"  # 5%: the noise between two medians of cold starts
    if verdict != "ok":
        report.missed.append("add")
    label = f'add "…" (on 10 dreams: {_fmt(tiny)})'
    print(f"{label:<46} {_fmt(big):>9} "
          f"{max(m for _, m in big_runs):6.0f} MB   ≤ 10-dream time: {verdict} (ratio {big / tiny:.2f})")

    checks = [
        ("list", ["list"], 0.2, ("list", None, {})),
        ("list --tag work", ["list", "--tag", "work"], 0.2, ("list", None, {"tags": ["work"]})),
        ("list --motif chase", ["list", "--motif", "chase"], 0.2, ("list", None, {"motifs": ["chase"]})),
        ("list --emotion fear --since … --until …", ["list", "--emotion", "fear", "--since", "2015-01-01", "--until",
         "2016-12-31"], 0.2, ("list", None, {"emotions": ["fear"], "since": "2015-01-01", "until": "2016-12-31"})),
        ("list --tag no-such-tag", ["list", "--tag", "no-such-tag"], 0.2, ("list", None, {"tags": ["no-such-tag"]})),
        ('search "train station"', ["search", "train station"], 0.1, ("search", "train station", {})),
        ("search chasing --tag work", ["search", "chasing", "--tag", "work"], 0.1,
         ("search", "chasing", {"tags": ["work"]})),
        ("search run* --motif chase", ["search", "run*", "--motif", "chase"], 0.1,
         ("search", "run*", {"motifs": ["chase"]})),
    ]
    for label, command, budget, (kind, query, filters) in checks:
        seconds, rss = median_run(command, env, args.runs)
        alone = query_alone(db, kind, query, filters)
        report.line(label, seconds, rss, budget, f"   (query alone {alone * 1000:.1f} ms)")

    # Dream signs: the synthetic journal was written straight into SQLite, as a big import
    # leaves it, so the first command that shows signs reads every dream's text once (motif
    # signs came with the motif rows, by trigger). Measured once, then the everyday runs.
    seconds, rss = run(["signs"], env)
    report.line(f"signs, first run (reads {args.dreams:,} dreams' text once)", seconds, rss, None)
    signs_checks = [
        ("signs", ["signs"], 1.0),
        ("signs --lucid", ["signs", "--lucid"], 1.0),
        ("signs --since … --until … (2 years)", ["signs", "--since", "2015-01-01", "--until", "2016-12-31"], 1.0),
        ("signs --kind person --json", ["signs", "--kind", "person", "--json"], 1.0),
        ("tonight", ["tonight"], 0.3),
        ("tonight --json", ["tonight", "--json"], 0.3),
    ]
    for label, command, budget in signs_checks:
        seconds, rss = median_run(command, env, args.runs)
        report.line(label, seconds, rss, budget, memory_budget=200)

    page = work / "review.html"
    for label, extra in (("patterns", []), ("patterns --json", ["--json"]), ("patterns --weeks 12", ["--weeks", "12"]),
                         ("patterns --html (charts, a picture per dream)", ["--html", str(page)])):
        seconds, rss = median_run(["patterns", *extra], env, max(3, args.runs // 2))
        report.line(label, seconds, rss, 1.0, memory_budget=150)
    seconds, rss = median_run(["picture", "1", "-o", str(work / "dream.svg")], env, args.runs)
    report.line("picture 1 -o dream.svg", seconds, rss, None)

    markdown = work / "journal.md"
    seconds, rss = median_run(["export", "-o", str(markdown)], env, 3)
    report.line("export --format markdown (median of 3)", seconds, rss, 5.0,
                f"   ({markdown.stat().st_size / 1e6:.0f} MB)")
    exported = work / "journal.json"
    seconds, rss = run(["export", "--format", "json", "-o", str(exported)], env)
    report.line("export --format json", seconds, rss, None)

    seconds, rss = run(["import", str(exported)], dict(env, DREAMLY_DB=str(work / "imported.db")))
    report.line("import journal.json (every dream analysed)", seconds, rss, 30.0)
    seconds, rss = run(["reanalyze"], env)
    report.line("reanalyze", seconds, rss, 30.0)

    print("all budgets met" if not report.missed else f"MISSED: {', '.join(report.missed)}")
    if args.keep:
        print(f"work folder kept at {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if report.missed:
        raise SystemExit(1)


def run_cpu(args: list[str], env: dict) -> tuple[float, float, float]:
    """(wall s, CPU s: user + system, peak RSS MiB) of one cold `dreamly ARGS`."""
    start = time.perf_counter()
    process = subprocess.Popen(dreamly_command() + args, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dreamly {' '.join(args)} failed: {error}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def compare(args, work: Path) -> None:
    """The read commands (and add) at N dreams against M and 10, alternating, as ratios."""
    journals = {}
    start = time.perf_counter()
    for n in (10, args.against, args.dreams):
        journals[n] = work / f"journal-{n}.db"
        shutil.copyfile(cached_journal(n, progress=n > 10), journals[n])
    load = os.getloadavg()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load[0]:.2f} (1 min); journals of "
          f"{args.dreams:,} / {args.against:,} / 10 dreams ready in {time.perf_counter() - start:.0f} s; cold "
          f"processes, CPU time (user + system), median of {args.runs} runs taken in turn (10, M, N, 10, M, N, ...)")
    base = dict(os.environ, DREAMLY_CONFIG_DIR=str(work / "config"), DREAMLY_CACHE_DIR=str(work / "cache"),
                NO_COLOR="1", COLUMNS="100")
    base.pop("DREAMLY_DEBUG", None)
    page = work / "review.html"
    commands = [
        ("add", ["add", DREAM], "same", None),
        ("list", ["list"], "same", None),
        ("list --tag work", ["list", "--tag", "work"], "same", None),
        ('search "train station" (both words)', ["search", "train station"], None, None),
        ("search '\"train station\"' (phrase)", ["search", '"train station"'], None, None),
        ("search park (a word in most dreams)", ["search", "park"], None, 0.2),
        ("patterns", ["patterns"], "linear", None),
        ("patterns --json", ["patterns", "--json"], "linear", None),
        ("patterns --html", ["patterns", "--html", str(page)], "linear", None),
        ("export --format json", ["export", "--format", "json", "-o", str(work / "out.json")], None, None),
    ]
    sizes = (10, args.against, args.dreams)
    scale = args.dreams / args.against
    missed = []
    print(f"{'command':<40} {'CPU at ' + format(args.against, ','):>14} {'at ' + format(args.dreams, ','):>14}  "
          f"{'ratio':>6} {'data work':>9} {'peak RSS':>9} {'wall':>8}   target")
    for label, command, target, wall_budget in commands:
        results = {n: [] for n in sizes}
        heavy = command[0] == "export"  # minutes at a million: one run each, no warm-up
        if not heavy:
            for n in sizes:  # warm the file cache and the matcher cache; not counted
                run_cpu(command, dict(base, DREAMLY_DB=str(journals[n])))
        for _ in range(1 if heavy else args.runs):
            for n in sizes:
                results[n].append(run_cpu(command, dict(base, DREAMLY_DB=str(journals[n]))))
        cpu = {n: statistics.median(r[1] for r in results[n]) for n in sizes}
        wall = statistics.median(r[0] for r in results[args.dreams])
        rss = max(r[2] for r in results[args.dreams])
        ratio = cpu[args.dreams] / cpu[args.against]
        work_small = max(cpu[args.against] - cpu[10], 1e-4)
        data = (cpu[args.dreams] - cpu[10]) / work_small
        verdict = ""
        if target == "same":
            ok = ratio <= 1.1
            verdict = f"≤ 1.10x: {'ok' if ok else 'OVER'}"
        elif target == "linear":
            ok = data <= scale * 1.1 and rss <= 80
            verdict = f"data ≤ {scale * 1.1:.0f}x, ≤ 80 MiB: {'ok' if ok else 'OVER'}"
        else:
            ok = True
        if wall_budget is not None:
            quiet = wall < wall_budget
            verdict += f"wall < {wall_budget * 1000:.0f} ms (quiet machine): {'ok' if quiet else 'over here'}"
        if not ok:
            missed.append(label)
        print(f"{label:<40} {_fmt(cpu[args.against]):>14} {_fmt(cpu[args.dreams]):>14}  {ratio:5.2f}x {data:8.2f}x "
              f"{rss:6.0f} MiB {_fmt(wall):>8}   {verdict}", flush=True)
    print("all targets met" if not missed else f"MISSED: {', '.join(missed)}")
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
