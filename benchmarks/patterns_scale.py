"""`dreamly patterns` on a big journal: the budget is < 1 s at 100,000 dreams, cold process.

Generates a seeded journal of N dreams spread over ~20 years up to today (about 14 a day,
so every window is full), with motifs, emotions and tags written straight into SQLite in
bulk, then times the real CLI in fresh processes: the terminal view, --json and --markdown.

    python benchmarks/patterns_scale.py                 # 100,000 dreams, median of 7 runs
    python benchmarks/patterns_scale.py -n 20000 --runs 3
    python benchmarks/patterns_scale.py --keep          # keep the journal and print its path
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BUDGET_SECONDS = 1.0
YEARS = 20

MOTIFS = ("heavy_legs", "slow_motion", "paralysis", "running_nowhere", "jelly_legs", "uphill_or_water", "chase",
          "pursuer_known_person", "pursuer_stranger_or_monster", "pursuer_animal", "pursuer_invisible", "falling",
          "flying", "teeth", "late_or_exam", "naked_in_public", "death", "trapped", "lost", "water")
EMOTIONS = ("fear", "anxiety", "frustration", "helplessness", "shame", "guilt", "anger", "sadness", "joy",
            "confusion", "relief", "surprise")
TAGS = ("work", "deadline", "family", "friends", "travel", "exam", "health", "money", "move", "breakup",
        "nature", "home", "sport", "holiday", "new job")
PLACES = ("a train station", "my old school", "a supermarket", "grandmother's house", "the office", "a forest",
          "a beach at night", "a hospital corridor", "a car park", "an airport", "a bridge", "a hotel")
EVENTS = ("someone was chasing me", "my legs were heavy as concrete", "I was flying over rooftops",
          "I was late for an exam", "my teeth fell out", "I could not find the exit", "the water kept rising",
          "I was falling for a long time", "a dog followed me", "I met an old friend", "the floor turned to mud",
          "everyone was speaking a language I did not know")
CONTEXTS = ("deadline at work", "moving house next month", "exam week", "quiet weekend", "visiting family",
            "argument with a friend", "new job starts soon", "holiday planning", "bad cold", "late nights")


def dreamly_command() -> list[str]:
    script = Path(sys.executable).with_name("dreamly")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dreamly"]


def generate(path: Path, count: int, seed: int = 7) -> float:
    """Write `count` dreams (and their motif/emotion/tag rows) to a new journal; returns seconds."""
    from dreamly.store import Journal, content_hash

    rng = random.Random(seed)
    today = date.today()
    first = today - timedelta(days=365 * YEARS)
    span = (today - first).days
    start = time.perf_counter()
    dreams, motifs, emotions, tags = [], [], [], []
    for i in range(1, count + 1):
        day = (first + timedelta(days=span * i // count)).isoformat()
        body = (f"I was in {rng.choice(PLACES)} and {rng.choice(EVENTS)}. Then {rng.choice(EVENTS)}, "
                f"and {rng.choice(PLACES)} appeared. Dream {i}.")
        stamp = f"{day}T07:00:00+00:00"
        dreams.append((i, day, stamp, stamp, body, int(rng.random() < 0.12), int(rng.random() < 0.04),
                       rng.choice((None, 1, 2, 3, 4, 5)), rng.choice(CONTEXTS), content_hash(day, body)))
        for motif in rng.sample(MOTIFS, rng.choice((0, 1, 1, 2, 2, 3))):
            motifs.append((i, motif, "seeded", 0, 6, "dreamer", 1))
        for emotion in rng.sample(EMOTIONS, rng.choice((0, 1, 2, 2, 3))):
            emotions.append((i, emotion, rng.choice((None, 3)), rng.choice(("user", "text"))))
        for tag in rng.sample(TAGS, rng.choice((0, 1, 1, 2))):
            tags.append((i, tag))
    with Journal.open(path) as journal, journal.transaction():
        conn = journal.conn
        conn.executemany(
            """INSERT INTO dreams (id, dreamt_on, created, updated, body, nightmare, lucid, sleep_quality, context,
                   content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", dreams)
        conn.executemany(
            """INSERT INTO dream_motifs (dream_id, motif, evidence, start, "end", subject, matcher_version)
               VALUES (?, ?, ?, ?, ?, ?, ?)""", motifs)
        conn.executemany("INSERT INTO dream_emotions (dream_id, emotion, intensity, origin) VALUES (?, ?, ?, ?)",
                         emotions)
        conn.executemany("INSERT INTO dream_tags (dream_id, tag) VALUES (?, ?)", tags)
    return time.perf_counter() - start


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
