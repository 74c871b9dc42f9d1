"""Rerun issue 18's attacks and print their figures as JSON.

    python benchmarks/attacks.py [edits] [copies] [salvage]

- edits: 4 processes x 25 rounds of `dreamly edit 1 -t ... -e ...` on one dream, released
  together each round by a barrier: tags and feelings lost.
- copies: 20 kills (SIGKILL, each on an observed step of the copy) of `dreamly backup` and 20
  of the pre-migration copy: files under a final name that do not open with every dream.
- salvage: three journals with pages flipped at several places: dreams salvaged / dreams a
  one-row query can read from the damaged file.

Uses the helpers of tests/test_hardening.py; everything happens in a temporary folder.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers import `helpers.…`


def edits(folder: Path) -> dict:
    from typer.testing import CliRunner

    from dreamly.cli import app
    from tests.test_hardening import _edit_writer

    db = folder / "edits.db"
    os.environ["DREAMLY_DB"] = str(db)
    CliRunner().invoke(app, ["add", "the corridor again", "-t", "start"])
    writers, rounds = 4, 25
    context = multiprocessing.get_context("fork")
    barrier, failures = context.Barrier(writers), context.Value("i", 0)
    processes = [context.Process(target=_edit_writer, args=(str(db), n, rounds, barrier, failures))
                 for n in range(writers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    dream = json.loads(CliRunner().invoke(app, ["show", "1", "--json"]).stdout)
    tags = {f"w{w}-r{r}" for w in range(writers) for r in range(rounds)}
    feelings = {f"feel_w{w}_r{r}" for w in range(writers) for r in range(rounds)}
    mine = {e["emotion"] for e in dream["emotions"] if e["origin"] == "user"}
    return {"edits": writers * rounds, "failed_edits": failures.value, "tags_lost": len(tags - set(dream["tags"])),
            "feelings_lost": len(feelings - mine)}


def copies(folder: Path) -> dict:
    from dreamly.store.copies import copy_problems
    from tests.test_hardening import _fill, _run_until, _v1_journal_with, query

    points = ["temp", "page 1", "page 2", "page 3", "page 5", "page 8", "page 13", "page 20", "copied",
              "verified", "named"]
    stops = [points[i % len(points)] for i in range(20)]
    bad_backups = named = 0
    journal = folder / "backup-source.db"
    _fill(journal, 300)
    for number, stop in enumerate(stops):
        target = folder / f"copy-{number}.db"
        _run_until(stop, "backup", journal, target)
        if target.exists():
            named += 1
            bad_backups += bool(copy_problems(target, dreams=300))
    bad_baks = migrated_without_copy = 0
    for number, stop in enumerate(stops):
        old = folder / f"v1-{number}" / "journal.db"
        old.parent.mkdir()
        dreams = _v1_journal_with(old, 300)
        _run_until(stop, "migrate", old)
        bak = old.with_name("journal.db.bak-1")
        if bak.exists():
            bad_baks += bool(copy_problems(bak, version=1, dreams=dreams))
        if query(old, "PRAGMA user_version")[0][0] > 1 and (not bak.exists() or copy_problems(bak, version=1)):
            migrated_without_copy += 1
    return {"backup_kills": len(stops), "backup_files_named": named, "backup_files_bad": bad_backups,
            "migration_copy_kills": len(stops), "bak_files_bad": bad_baks,
            "migrated_without_copy": migrated_without_copy}


def salvage(folder: Path) -> list[dict]:
    from typer.testing import CliRunner

    from dreamly.cli import app
    from tests.test_hardening import _fill, _flip_pages, _pages_of, _readable_by_hand, file_hash, query

    results = []
    cases = {"one dreams page": lambda leaves, db: [leaves[len(leaves) // 2]],
             "dreams pages at three places": lambda leaves, db: [leaves[2], leaves[len(leaves) // 2], leaves[-3]],
             "dreams, tags and an index": lambda leaves, db: [leaves[5], _pages_of(db, "dream_tags")[1],
                                                                _pages_of(db, "dreams_by_day")[0]]}
    for number, (name, pages) in enumerate(cases.items()):
        db = folder / f"damaged-{number}.db"
        _fill(db, 2000)
        _flip_pages(db, pages(_pages_of(db, "dreams"), db))
        before = file_hash(db)
        scratch = folder / f"by-hand-{number}.db"
        scratch.write_bytes(db.read_bytes())
        by_hand = _readable_by_hand(scratch, range(1, 2001))
        out = folder / f"salvaged-{number}.db"
        result = CliRunner().invoke(app, ["salvage", str(out), "--db", str(db)])
        salvaged = {r[0] for r in query(out, "SELECT id FROM dreams")} if out.exists() else set()
        results.append({"damage": name, "dreams": 2000, "readable_by_hand": len(by_hand),
                        "salvaged": len(salvaged), "same_ids": salvaged == set(by_hand),
                        "exit_code": result.exit_code, "damaged_file_unchanged": file_hash(db) == before})
    return results


def main() -> None:
    wanted = sys.argv[1:] or ["edits", "copies", "salvage"]
    with tempfile.TemporaryDirectory(prefix="dreamly-attacks-") as scratch:
        folder = Path(scratch)
        report = {}
        for name in wanted:
            report[name] = {"edits": edits, "copies": copies, "salvage": salvage}[name](folder)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
