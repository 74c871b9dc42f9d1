"""Peak RSS of one cold `dreamly import` of N dreams (the JSON export of a synthetic journal
without analysis, so every dream is analysed): the import process, and the largest of its
worker processes. Issue 18's figure for bounded import memory (target: <= 200 MB at 100,000).

    python benchmarks/import_rss.py 100000
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synthetic import dreamly_command, write_journal  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
work = Path(tempfile.mkdtemp(prefix="dreamly-rss-"))
source = work / "journal.db"
write_journal(source, n, seed=11, years=20, analysed=False, history=True)
env = dict(os.environ, DREAMLY_DB=str(source), NO_COLOR="1")
exported = work / "journal.json"
subprocess.run(dreamly_command() + ["export", "--format", "json", "-o", str(exported)], env=env, check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
env["DREAMLY_DB"] = str(work / "imported.db")
start = time.perf_counter()
p = subprocess.Popen(dreamly_command() + ["import", str(exported)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
_, status, usage = os.wait4(p.pid, 0)
print(p.stdout.read().decode().strip(), p.stderr.read().decode().strip()[-200:])
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{n} dreams, export {exported.stat().st_size/1e6:.0f} MB: import {time.perf_counter()-start:.0f} s, "
      f"peak RSS of the import process {usage.ru_maxrss/1024:.0f} MB (largest child of this script, workers included: {children:.0f} MB)")
shutil.rmtree(work)
