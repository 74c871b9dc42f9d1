"""Cold-start wall time of dreamly's everyday commands against the floor of its stack.

The floor is a bare Typer app of one command with one argument, run by the same
interpreter: nothing built on Typer can start faster. Each pair is run alternately
(floor, dreamly, floor, dreamly, …) so that machine noise hits both sides alike, and the
median of the runs is reported with the ratio.

    python benchmarks/startup.py            # --help, add, list vs the floor
    python benchmarks/startup.py --runs 21  # more runs, steadier medians
    python benchmarks/startup.py --jrnl     # also `add` against jrnl on 30 and 3,000 entries
                                            # (installs jrnl into a throwaway venv first)
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

FLOOR_APP = '''
import typer

app = typer.Typer()


@app.command()
def main(text: str):
    print(text)


app()
'''

DREAM = "I was running for the train but my legs felt like concrete and someone was behind me"


def dreamly_command() -> list[str]:
    """The console script next to this interpreter (what a user runs), else `-m dreamly`."""
    script = Path(sys.executable).with_name("dreamly")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dreamly"]


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode(errors='replace')}")
    return elapsed


def paired(a: list[str], b: list[str], runs: int, env_a: dict, env_b: dict) -> tuple[float, float]:
    timed(a, env_a), timed(b, env_b)  # warm the file cache; not counted
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(timed(a, env_a))
        times_b.append(timed(b, env_b))
    return statistics.median(times_a), statistics.median(times_b)


def row(label: str, floor: float, ours: float, floor_label: str = "floor") -> str:
    return f"{label:<34} {floor_label} {floor * 1000:7.1f} ms   dreamly {ours * 1000:7.1f} ms   ratio {ours / floor:5.2f}"


def seed_journal(env: dict, count: int) -> None:
    """Fill the journal at env["DREAMLY_DB"] with `count` dreams, in-process and fast."""
    from datetime import date, timedelta

    from dreamly.store import Journal

    with Journal.open(env["DREAMLY_DB"]) as journal, journal.transaction():
        for i in range(count - journal.count()):
            journal.conn.execute(
                "INSERT INTO dreams (dreamt_on, created, updated, body, content_hash) VALUES (?, ?, ?, ?, ?)",
                ((date(2020, 1, 1) + timedelta(days=i % 2000)).isoformat(), "2020-01-01T00:00:00+00:00",
                 "2020-01-01T00:00:00+00:00", f"seeded dream number {i} about a house by the sea", f"seed{i}"),
            )


def jrnl_setup(workdir: Path) -> tuple[list[str], Path]:
    venv = workdir / "jrnl-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "jrnl"], check=True)
    return [str(venv / "bin" / "jrnl")], venv


def jrnl_env(workdir: Path, entries: int) -> dict:
    """A jrnl config and plain-text journal with `entries` entries, in its own XDG folder."""
    home = workdir / f"jrnl-{entries}"
    config = home / "config" / "jrnl"
    config.mkdir(parents=True, exist_ok=True)
    journal = home / "journal.txt"
    with journal.open("w", encoding="utf-8") as handle:
        for i in range(entries):
            day = 1 + i % 28
            handle.write(f"[2020-{1 + (i // 28) % 12:02d}-{day:02d} 07:{i % 60:02d}:00 AM] Dream {i}\n"
                         f"seeded dream number {i} about a house by the sea\n\n")
    (config / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\nversion: v4.2\n",
        encoding="utf-8",
    )
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"), HOME=str(home))
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11, help="runs per side (default 11)")
    parser.add_argument("--jrnl", action="store_true", help="also compare `add` with jrnl (installs it)")
    parser.add_argument("--journal-size", type=int, default=0, help="seed dreamly's journal with N dreams first")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dreamly-startup-"))
    floor_script = work / "floor_app.py"
    floor_script.write_text(FLOOR_APP)
    floor = [sys.executable, str(floor_script)]
    ours = dreamly_command()
    env = dict(os.environ, DREAMLY_DB=str(work / "journal.db"), NO_COLOR="1")
    env.pop("DREAMLY_DEBUG", None)
    if args.journal_size:
        seed_journal(env, args.journal_size)

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} cores; median of {args.runs} "
          f"alternating cold runs; journal: {args.journal_size or 'empty'}")
    print(row("--help", *paired(floor + ["--help"], ours + ["--help"], args.runs, env, env)))
    print(row('add "…"', *paired(floor + [DREAM], ours + ["add", DREAM], args.runs, env, env)))
    print(row("list", *paired(floor + [DREAM], ours + ["list"], args.runs, env, env)))

    if args.jrnl:
        jrnl, _ = jrnl_setup(work)
        for size in (30, 3000):
            jenv = jrnl_env(work, size)
            denv = dict(env, DREAMLY_DB=str(work / f"dreamly-{size}.db"))
            seed_journal(denv, size)
            t_jrnl, t_ours = paired(jrnl + [DREAM], ours + ["add", DREAM], args.runs, jenv, denv)
            print(row(f'add "…" on {size:,} entries', t_jrnl, t_ours, floor_label="jrnl "))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
