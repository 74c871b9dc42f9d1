"""Paired, interleaved cold runs of the dream-sign commands on a big journal, with `list` as
the yardstick: wall time, CPU time (user + system, from wait4) and peak RSS per command.
On a loaded machine the CPU ratios to `list` are what carry over.

    python benchmarks/signs_paired.py JOURNAL [ROUNDS]     # e.g. the journal scale.py --keep left
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import dreamly_command  # noqa: E402

COMMANDS = {
    "list": ["list"],
    "signs": ["signs"],
    "signs --lucid": ["signs", "--lucid"],
    "signs --since/--until (2 years)": ["signs", "--since", "2015-01-01", "--until", "2016-12-31"],
    "signs --kind person --json": ["signs", "--kind", "person", "--json"],
    "tonight": ["tonight"],
    "tonight --json": ["tonight", "--json"],
    "patterns": ["patterns"],
}


def run(args: list[str], env: dict) -> tuple[float, float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(dreamly_command() + args, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dreamly {' '.join(args)} failed: {error}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    journal = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    env = dict(os.environ, DREAMLY_DB=journal, NO_COLOR="1", COLUMNS="100",
               DREAMLY_CONFIG_DIR=tempfile.mkdtemp(prefix="dreamly-config-"))
    for args in COMMANDS.values():
        run(args, env)  # warm the file cache (and read any dream whose signs are not stored yet)
    results = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, args in COMMANDS.items():
            results[name].append(run(args, env))
    print(f"load {os.getloadavg()[0]:.1f}; median of {rounds} interleaved rounds")
    yardstick = statistics.median(cpu for _, cpu, _ in results["list"])
    for name, runs in results.items():
        wall = statistics.median(w for w, _, _ in runs)
        cpu = statistics.median(c for _, c, _ in runs)
        print(f"{name:<34} wall {wall * 1000:7.0f} ms  cpu {cpu * 1000:6.0f} ms  cpu/list {cpu / yardstick:5.2f}  "
              f"peak RSS {max(m for _, _, m in runs):5.0f} MB")


if __name__ == "__main__":
    main()
