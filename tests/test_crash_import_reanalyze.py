"""kill -9 in the middle of the real `import` and `reanalyze`: the journal stays sound, with
none or all of the import, and each reanalyze batch either done or untouched."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

PY = sys.executable
BATCH = 1000  # Journal.iter_bodies' batch: what one reanalyze commit covers


def query(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def seed_dreams(path, count, body="A dog was chasing me through the market and I was terrified. Dream {}"):
    """Dreams with stale matcher output (version 0) so reanalyze has work everywhere."""
    from dreamly.store import Journal, content_hash

    with Journal.open(path) as journal, journal.transaction() as conn:
        for number in range(count):
            text = body.format(number)
            cursor = conn.execute(
                "INSERT INTO dreams (dreamt_on, created, updated, body, content_hash) VALUES (?, ?, ?, ?, ?)",
                ("2026-01-01", "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00", text,
                 content_hash("2026-01-01", text)))
            conn.execute("INSERT INTO dream_motifs (dream_id, motif, evidence, start, \"end\", matcher_version) "
                         "VALUES (?, 'stale', 'x', 0, 1, 0)", (cursor.lastrowid,))


def run_and_kill(args, env, after_seconds):
    process = subprocess.Popen([PY, "-m", "dreamly", *args], env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after_seconds)
    killed = process.poll() is None
    if killed:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return killed


def kill_after_line(args, env, starts_with, timeout=60):
    """Run dreamly, kill -9 it as soon as a progress line on stderr starts with `starts_with`."""
    process = subprocess.Popen([PY, "-m", "dreamly", *args], env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, bufsize=1)
    deadline = time.monotonic() + timeout
    for line in process.stderr:
        if line.startswith(starts_with) or time.monotonic() > deadline:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait()
    return process.returncode


def test_kill_9_during_reanalyze_leaves_whole_batches(tmp_path):
    from dreamly.analysis import MATCHER_VERSION

    db = tmp_path / "journal.db"
    total = 6 * BATCH
    seed_dreams(db, total)
    env = {"DREAMLY_DB": str(db)}
    for done_before_kill in (BATCH, 3 * BATCH):
        code = kill_after_line(["reanalyze"], env, f"Re-analysed {done_before_kill} of {total}")
        assert code == -signal.SIGKILL
        assert query(db, "PRAGMA integrity_check")[0][0] == "ok"
        fresh = query(db, "SELECT count(DISTINCT dream_id) FROM dream_motifs WHERE matcher_version = ?",
                      (MATCHER_VERSION,))[0][0]
        stale = query(db, "SELECT count(DISTINCT dream_id) FROM dream_motifs WHERE matcher_version = 0")[0][0]
        # every dream is in exactly one state; whole batches moved together, and at least the
        # batches reported before the kill are kept
        assert fresh + stale == total
        assert fresh % BATCH == 0 and done_before_kill <= fresh < total, f"{fresh} of {total} re-analysed"
    # finishing the job after a crash is just running it again
    done = subprocess.run([PY, "-m", "dreamly", "reanalyze"], env={**os.environ, **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert query(db, "SELECT count(*) FROM dream_motifs WHERE matcher_version = 0")[0][0] == 0


def test_kill_9_during_import_leaves_none_or_all(tmp_path):
    total = 12000
    source = tmp_path / "source.db"
    seed_dreams(source, total, body="Flying over the harbour at dawn, number {}, and my teeth felt loose.")
    export = tmp_path / "export.json"
    made = subprocess.run([PY, "-m", "dreamly", "export", "--format", "json", "-o", str(export)],
                          env={**os.environ, "DREAMLY_DB": str(source)}, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    db = tmp_path / "journal.db"
    seed_dreams(db, 3, body="An older dream {} that must survive.")
    before = query(db, "SELECT id, body FROM dreams ORDER BY id")
    wal = db.with_name(db.name + "-wal")
    env = {"DREAMLY_DB": str(db)}
    caught_writing = 0
    for tenths in range(3, 60):  # a kill every 0.1 s later than the last, until one lands mid-write
        if not run_and_kill(["import", str(export)], env, tenths / 10):
            break  # it finished before the kill
        wal_size = wal.stat().st_size if wal.exists() else 0
        assert query(db, "PRAGMA integrity_check")[0][0] == "ok"
        count = query(db, "SELECT count(*) FROM dreams")[0][0]
        assert count in (3, 3 + total), f"killed after {tenths / 10}s: {count - 3} of {total} imported"
        if count == 3:
            assert query(db, "SELECT id, body FROM dreams ORDER BY id") == before
            caught_writing += wal_size > 100_000  # the kill landed inside the import's transaction
        else:
            break
    assert caught_writing >= 1, "no kill landed while the import was writing"
    finished = subprocess.run([PY, "-m", "dreamly", "import", str(export)], env={**os.environ, **env},
                              capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert query(db, "SELECT count(*) FROM dreams")[0][0] in (3 + total,)
