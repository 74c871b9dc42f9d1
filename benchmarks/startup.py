"""Cold-start cost of dreamly's everyday commands against the floors of its stack.

The floor is a bare Typer app of one command with one argument, run by the same
interpreter: nothing built on Typer can start faster. `add` is also set against the floor
of its work: a bare Python script that opens the same journal with sqlite3 and INSERTs the
same dream in one transaction (the FTS trigger fires, as for dreamly). Each pair is run
alternately (floor, dreamly, floor, dreamly, …) so that machine noise hits both sides
alike; the medians of CPU time (user + system, from os.wait4: what a busy machine disturbs
least) and of wall time are reported, with the ratio of the CPU times.

Then `add` against jrnl (installed from PyPI into a throwaway venv) on journals of 30 and
3,000 entries, each side with the same synthetic dreams, and `add` on a 100,000-dream
journal against a 10-dream one: the morning must not get slower as the journal grows.

dreamly runs as a user runs it: the console script, the journal in its default place
(under a throwaway XDG_DATA_HOME), stdin not a terminal (as in CI).

    python benchmarks/startup.py                 # everything, ~1 minute on 2 cores
    python benchmarks/startup.py --runs 21       # more runs, steadier medians
    python benchmarks/startup.py --no-jrnl --big 0   # only the floor comparisons
    python benchmarks/startup.py --encrypted-only    # only plain vs encrypted journals

With the `encrypt` extra installed, `add` on an encrypted journal (key: a raw key from the
keyring, a raw key printed by DREAMLY_PASSPHRASE_COMMAND, a passphrase and its key
derivation) against `add` on the same plain journal, in wall time and in CPU time (the OS's
accounting of the child: steadier than wall time on a loaded machine). The keyring is the
file backend of tests/helpers/dreamly_test_keyring.py set through PYTHON_KEYRING_BACKEND:
no real keychain is touched (a desktop keyring adds its own D-Bus or Keychain round trip).
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

from _synthetic import dreamly_command, jrnl_text, write_journal  # noqa: E402

FLOOR_APP = '''
import typer

app = typer.Typer()


@app.command()
def main(text: str):
    print(text)


app()
'''

INSERT_FLOOR = '''
import sqlite3, sys
from datetime import date, datetime, timezone

conn = sqlite3.connect(sys.argv[1], isolation_level=None)
now = datetime.now(timezone.utc).isoformat(timespec="seconds")
conn.execute("BEGIN IMMEDIATE")
cursor = conn.execute("INSERT INTO dreams (dreamt_on, created, updated, body) VALUES (?, ?, ?, ?)",
                      (date.today().isoformat(), now, now, sys.argv[2]))
conn.execute("COMMIT")
print(f"Saved dream {cursor.lastrowid}")
'''

DREAM = "I was running for the train but my legs felt like concrete and someone was behind me"




def timed(command: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the process and its children)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {error}")
    return elapsed, usage.ru_utime + usage.ru_stime


def encrypted_rows(work: Path, runs: int) -> None:
    """`add` on a plain journal against the same journal encrypted, one key source at a time."""
    try:
        import keyring  # noqa: F401
        import sqlcipher3  # noqa: F401
    except ImportError:
        print("encrypted journals: skipped (pip install -e '.[encrypt]')")
        return
    ours = dreamly_command()
    helpers = Path(__file__).resolve().parents[1] / "tests" / "helpers"

    def user(name: str, **extra) -> dict:
        env = seed_dreamly(work / name, 10)
        env.update({"PYTHONPATH": str(helpers), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", **extra})
        return env

    plain = user("plain")
    keyring_env = user("keyring", PYTHON_KEYRING_BACKEND="dreamly_test_keyring.FileKeyring",
                       DREAMLY_TEST_KEYRING=str(work / "keyring.json"))
    subprocess.run(ours + ["encrypt"], env=keyring_env, check=True, capture_output=True)
    raw_key = work / "raw.key"
    raw_key.write_text(__import__("json").loads((work / "keyring.json").read_text())["dreamly/journal key"] + "\n")
    command_env = user("command", DREAMLY_PASSPHRASE_COMMAND=f"cat {raw_key}")
    shutil.copy(work / "keyring" / "data" / "dreamly" / "journal.db", work / "command" / "data" / "dreamly" / "journal.db")
    passphrase_env = user("passphrase", DREAMLY_PASSPHRASE_COMMAND="echo 'a long bench passphrase'")
    subprocess.run(ours + ["encrypt", "--passphrase"], env=passphrase_env, check=True, capture_output=True)
    print(f"add on an encrypted journal vs the plain one (10 dreams each; median of {runs} alternating runs; "
          f"load {os.getloadavg()[0]:.2f})")
    for label, env, budget in (("raw key from the keyring", keyring_env, 1.3),
                               ("raw key from DREAMLY_PASSPHRASE_COMMAND", command_env, 1.3),
                               ("passphrase (SQLCipher KDF every open)", passphrase_env, None)):
        pair = paired(ours + ["add", DREAM], ours + ["add", DREAM], runs, plain, env)
        (cpu_a, cpu_b), (wall_a, wall_b) = pair, pair.wall
        verdict = f"   target ≤ {budget:.2f}: {'ok' if cpu_b / cpu_a <= budget else 'OVER'}" if budget else ""
        print(f"  {label:<40} plain {wall_a * 1000:6.1f} ms wall {cpu_a * 1000:6.1f} ms cpu   "
              f"encrypted {wall_b * 1000:6.1f} ms wall {cpu_b * 1000:6.1f} ms cpu   "
              f"ratio wall {wall_b / wall_a:4.2f} cpu {cpu_b / cpu_a:4.2f}{verdict}")


class Pair(tuple):
    """(floor CPU, dreamly CPU) medians, with the wall medians alongside."""

    wall: tuple[float, float]


def paired(a: list[str], b: list[str], runs: int, env_a: dict, env_b: dict) -> Pair:
    timed(a, env_a), timed(b, env_b)  # warm the file cache (and dreamly's matcher cache); not counted
    runs_a, runs_b = [], []
    for _ in range(runs):
        runs_a.append(timed(a, env_a))
        runs_b.append(timed(b, env_b))
    result = Pair((statistics.median(c for _, c in runs_a), statistics.median(c for _, c in runs_b)))
    result.wall = (statistics.median(w for w, _ in runs_a), statistics.median(w for w, _ in runs_b))
    return result


def row(label: str, pair: Pair, floor_label: str = "floor", budget: float | None = None) -> str:
    floor, ours = pair
    ratio = ours / floor
    verdict = f"   budget ≤ {budget:.2f}: {'ok' if ratio <= budget else 'OVER'}" if budget else ""
    wall_floor, wall_ours = pair.wall
    return (f"{label:<40} {floor_label} {floor * 1000:6.1f} ms   dreamly {ours * 1000:6.1f} ms CPU   "
            f"ratio {ratio:5.2f}{verdict}   (wall {wall_floor * 1000:.0f} / {wall_ours * 1000:.0f} ms, "
            f"ratio {wall_ours / wall_floor:.2f})")


def user_env(home: Path) -> dict:
    """Environment of a user whose home is `home`: dreamly finds its journal and config in the
    default places (platformdirs' XDG folders), as it does for a real person."""
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), NO_COLOR="1")
    for name in ("DREAMLY_DB", "DREAMLY_CONFIG_DIR", "DREAMLY_CACHE_DIR", "DREAMLY_DEBUG"):
        env.pop(name, None)
    return env


def seed_dreamly(home: Path, count: int) -> dict:
    """A user whose journal (in the default place) holds `count` synthetic dreams."""
    write_journal(home / "data" / "dreamly" / "journal.db", count)
    return user_env(home)


def jrnl_setup(workdir: Path) -> tuple[list[str], str]:
    """jrnl from PyPI in a throwaway venv: (command, version)."""
    venv = workdir / "jrnl-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "jrnl"], capture_output=True, text=True)
    if install.returncode != 0:
        raise RuntimeError(f"pip install jrnl failed: {install.stderr.strip().splitlines()[-1:]}")
    jrnl = [str(venv / "bin" / "jrnl")]
    out = subprocess.run(jrnl + ["--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    version = out.stdout.split()[1] if out.stdout.startswith("jrnl v") else "v4.2"
    return jrnl, version


def jrnl_env(workdir: Path, entries: int, version: str) -> tuple[dict, Path]:
    """A jrnl config and plain-text journal with `entries` synthetic dreams, in its own XDG
    folder. The config names the installed version, so jrnl does not rewrite it on each run."""
    home = workdir / f"jrnl-{entries}"
    config = home / "config" / "jrnl"
    config.mkdir(parents=True, exist_ok=True)
    journal = home / "journal.txt"
    journal.write_text(jrnl_text(entries), encoding="utf-8")
    (config / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        f"linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\nversion: {version}\n",
        encoding="utf-8",
    )
    return user_env(home), journal


def jrnl_entries(journal: Path) -> int:
    return sum(1 for line in journal.read_text(encoding="utf-8").splitlines() if line.startswith("["))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11, help="runs per side (default 11)")
    parser.add_argument("--no-jrnl", action="store_true", help="skip the comparison with jrnl (it needs PyPI)")
    parser.add_argument("--big", type=int, default=100_000, metavar="N",
                        help="compare `add` on N dreams with `add` on 10 (default 100,000; 0 skips it)")
    parser.add_argument("--encrypted-only", action="store_true", help="only plain vs encrypted journals")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dreamly-startup-"))
    if args.encrypted_only:
        encrypted_rows(work, args.runs)
        shutil.rmtree(work, ignore_errors=True)
        return
    floor_script = work / "floor_app.py"
    floor_script.write_text(FLOOR_APP)
    floor = [sys.executable, str(floor_script)]
    ours = dreamly_command()
    env = seed_dreamly(work / "user-10", 10)
    load = os.getloadavg()[0]

    insert_script = work / "insert_floor.py"
    insert_script.write_text(INSERT_FLOOR)
    journal_file = work / "user-10" / "data" / "dreamly" / "journal.db"
    insert = [sys.executable, str(insert_script), str(journal_file), DREAM]

    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} cores, load {load:.2f}; median of "
          f"{args.runs} alternating cold runs; dreamly's journal: 10 dreams")
    print(row("--help", paired(floor + ["--help"], ours + ["--help"], args.runs, env, env), budget=1.25))
    print(row('add "…"', paired(floor + [DREAM], ours + ["add", DREAM], args.runs, env, env), budget=0.55))
    print(row('add "…" vs bare-Python INSERT', paired(insert, ours + ["add", DREAM], args.runs, env, env),
              floor_label="insert", budget=4.0))
    print(row("list", paired(floor + [DREAM], ours + ["list"], args.runs, env, env)))

    if not args.no_jrnl:
        try:
            jrnl, version = jrnl_setup(work)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            print(f"jrnl: skipped ({exc})")
        else:
            for size in (30, 3000):
                jenv, journal = jrnl_env(work, size, version)
                denv = seed_dreamly(work / f"user-{size}", size)
                before = jrnl_entries(journal)
                pair = paired(jrnl + [DREAM], ours + ["add", DREAM], args.runs, jenv, denv)
                added = jrnl_entries(journal) - before
                if added != args.runs + 1:  # each run must really append, without a prompt
                    raise SystemExit(f"jrnl {version} added {added} entries in {args.runs + 1} runs")
                print(row(f'add "…" on {size:,} entries (jrnl {version})', pair, floor_label="jrnl  ",
                          budget=0.4 if size == 3000 else None))

    if args.big:
        big = seed_dreamly(work / "user-big", args.big)
        pair = paired(ours + ["add", DREAM], ours + ["add", DREAM], args.runs, env, big)
        # "no slower": 1.05 leaves room for the noise between two medians of cold starts
        print(row(f'add "…" on {args.big:,} vs 10 dreams', pair, floor_label="10    ", budget=1.05))
    encrypted_rows(work, args.runs)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
