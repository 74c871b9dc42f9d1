"""`dreamly export --format json` against the floor of its work: a bare Python script that
streams the same SELECT (store._DREAM_SELECT: every dream with its tags, feelings and motifs
as JSON columns, plus its interpretations and rehearsals) through json.dumps into a file.
Paired cold runs (floor, dreamly, floor, dreamly, ...), CPU time (user + system) from
os.wait4, the ratio of the medians.

    python benchmarks/export_floor.py                # 100,000 dreams (cached journal), 3 runs
    python benchmarks/export_floor.py -n 20000 --runs 5
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

FLOOR = '''
import json, sqlite3, sys
from dreamly.store.journal import _DREAM_SELECT

conn = sqlite3.connect(sys.argv[1])
conn.row_factory = sqlite3.Row
sql = _DREAM_SELECT + """,
    (SELECT json_group_array(json_object('id', id, 'model', model, 'lens', lens, 'prompt', prompt, 'system', system,
        'response', response, 'complete', complete, 'created', created))
     FROM interpretations WHERE dream_id = d.id) AS interpretations_json,
    (SELECT json_group_array(json_object('id', id, 'body', body, 'created', created))
     FROM rehearsals WHERE dream_id = d.id) AS rehearsals_json
"""
sql = sql.replace("AS motifs_json\\nFROM dreams d\\n,", "AS motifs_json,", 1)
sql += " FROM dreams d ORDER BY d.dreamt_on DESC, d.id DESC"
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write('{"dreamly_export": 1, "dreams": [')
    for n, row in enumerate(conn.execute(sql)):
        out.write(",\\n" if n else "\\n")
        out.write(json.dumps(dict(row), ensure_ascii=False))
    out.write("\\n]}\\n")
'''


def cpu_of(command: list[str], env: dict) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {error}")
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--dreams", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dreamly-export-floor-"))
    try:
        db = work / "journal.db"
        shutil.copyfile(cached_journal(args.dreams), db)
        floor_script = work / "floor.py"
        floor_script.write_text(FLOOR)
        env = dict(os.environ, DREAMLY_DB=str(db), DREAMLY_CACHE_DIR=str(work / "cache"), NO_COLOR="1")
        floor = [sys.executable, str(floor_script), str(db), str(work / "floor.json")]
        ours = dreamly_command() + ["export", "--format", "json", "-o", str(work / "dreamly.json")]
        times = {"floor": [], "dreamly": []}
        for _ in range(args.runs):
            times["floor"].append(cpu_of(floor, env))
            times["dreamly"].append(cpu_of(ours, env))
        f = statistics.median(c for c, _ in times["floor"])
        d = statistics.median(c for c, _ in times["dreamly"])
        print(f"python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}; {args.dreams:,} dreams, "
              f"median of {args.runs} paired cold runs (CPU time)")
        print(f"export --format json: floor {f:.2f} s, dreamly {d:.2f} s CPU, ratio {d / f:.2f} "
              f"(files {(work / 'floor.json').stat().st_size / 1e6:.0f} / {(work / 'dreamly.json').stat().st_size / 1e6:.0f} MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
