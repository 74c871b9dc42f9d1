"""Export and import: the file formats a journal travels in.

Writers stream: they walk `Journal.iter_dreams` a batch at a time and write as they go, so
an export of any size needs the memory of one batch. Formats:

- markdown, one file: a readable document, each dream with everything that belongs to it.
- markdown, split: one file per dream with YAML front matter (Obsidian and friends read
  it) plus an `index.md`. The front matter is written by hand, every string as a JSON
  string, which is also a valid YAML double-quoted scalar, so exporting needs no YAML
  library.
- json: every field of every table that belongs to a dream; `import` reads it back
  without loss.
- csv: one row per dream, lists joined with ", ".

Readers turn dreamly JSON, dreamly Markdown (front matter), jrnl's JSON export and CSV into
one record shape (that of the JSON export) and name the file and the line or record of
anything malformed. Nothing is written before every record has been read and checked,
and the journal receives the whole import in one transaction.

Memory: a JSON export is streamed (formats/jsonstream.py) and read twice: `survey_import`
checks every record and keeps of each only its day, place and content hash; then
`write_streamed` reads it again inside the transaction, analysing a chunk at a time, so an
import holds a bounded number of records whatever the size of the file.

Analysis on import: every imported dream is analysed with the current matcher, except a
dream from a dreamly JSON export whose motifs all carry the current MATCHER_VERSION: its
stored motifs and text-found feelings are kept as they were. That keeps export → import →
export identical (the analysis would come out the same anyway, unless the user's own
motifs differ between the two journals) and makes restoring a backup fast.

Nothing here prints; long loops report progress through an `on_progress(n)` callback.

It runs just past 600 lines because it holds both directions' entry points: the registry,
export with its guards (a folder, a file that is no earlier export), and import's survey,
record checks and streamed write. The import half is the natural piece to move out next.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator, TextIO

from dreamly.errors import DreamlyError
from dreamly.files import write_atomically
from dreamly.model import IMPORT_FORMATS
from dreamly.text import first_words
from dreamly.formats.records import (  # noqa: F401  (formats.X stays the API)
    ExportJob,
    ImportOptions,
    ImportPlan,
    Incoming,
    _load_json,
    _no_cyclic_gc,
    _one_line,
    _unique_emotions,
)
from dreamly.formats.dreamly_json import (  # noqa: F401  (formats.X stays the API)
    EXPORT_VERSION,
    JSON_KEYS,
    _read_dreamly_json,
    json_record,
    write_json,
    write_json_lines,
)
from dreamly.formats.markdown import (  # noqa: F401  (formats.X stays the API)
    INDEX_NAME,
    NOTES_MARKER,
    _read_markdown_file,
    _read_markdown_folder,
    _write_split,
    dream_note,
    front_matter,
    note_name,
    slug,
    write_markdown,
    yaml_string,
)
from dreamly.formats.jrnl import (  # noqa: F401  (formats.X stays the API)
    _read_jrnl,
)
from dreamly.formats.csv_file import (  # noqa: F401  (formats.X stays the API)
    CSV_COLUMNS,
    _read_csv,
    write_csv,
)

from dreamly.formats import csv_file, dreamly_json, jrnl, markdown  # noqa: E402

# The registry: each format's module by the name `--format` takes; `export` and `import` ask
# it, never a format by name. The CLI must not import this package at start-up, so its
# choices are dreamly.model's names; a test keeps the two equal. What a module offers (see
# the end of each):
#   an exporter: export(dreams, stream, job) -> count, NEWLINE (for the file it writes),
#                and export_split(dreams, folder, job) if it can write one file per dream;
#   an importer: SUFFIXES (what `--format auto` reads as it), and read(path, options), or
#                recognises(data) and read_json(path, data, options) for a JSON file (one
#                suffix, several formats: the first that recognises the contents reads them),
#                and read_folder(folder, options) if it reads a folder.
EXPORTERS = {module.NAME: module for module in (markdown, dreamly_json, csv_file)}
IMPORTERS = {module.NAME: module for module in (dreamly_json, jrnl, markdown, csv_file)}

BATCH = 500

Progress = Callable[[int], None] | None


# -- export --------------------------------------------------------------------------------


def iter_export(journal, filters) -> Iterator[dict]:
    """Every matching dream as an export record, with its interpretations and rehearsals
    (fetched for a batch of dreams at a time, not once per dream)."""
    batch: list[dict] = []
    for dream in journal.iter_dreams(filters):
        batch.append(dream)
        if len(batch) == BATCH:
            yield from _with_history(journal, batch)
            batch = []
    yield from _with_history(journal, batch)


def _with_history(journal, batch: list[dict]) -> Iterator[dict]:
    if not batch:
        return
    history = journal.history_for([d["id"] for d in batch])
    for dream in batch:
        dream.update(history[dream["id"]])
        yield dream


def export(journal, filters, fmt: str, output: Path | None, out: TextIO | None = None, *, split: bool = False,
           on_progress: Progress = None, motif_labels: Callable[[], dict] | dict | None = None,
           today: date | None = None, replace: bool = False) -> int:
    """Write the dreams matching `filters` as `fmt` to `output` (a file, or with `split` a
    folder), or to `out` when there is no output. Returns how many dreams were written.
    `motif_labels` (a dict, or a function giving one) is asked only by a format that names motifs.
    An existing file is replaced only when it is empty or an earlier export (a weekly
    `export -o backup.json` keeps working), or with `replace`: `-o notes.md` must not wipe
    someone's own notes.

    A file is written next to its target and renamed into place, and a split export is
    built in a hidden folder and renamed, so a failed export never leaves half a file.
    """
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise DreamlyError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}")
    split_problem = split_conflict(fmt, split, output)
    if split_problem:
        raise DreamlyError(split_problem)
    if output is not None and not split and output.is_dir():
        raise DreamlyError(f"{output} is a folder; give a file name, or add --split for one file per dream")
    if output is not None and not split and not replace and not _replaceable(output):
        raise DreamlyError(f"{output} already exists and is not a dreamly export; "
                           "give another file name, or add --force to replace it")
    job = ExportJob(journal, filters, journal.count_matching(filters), on_progress, motif_labels, today)
    dreams = job.counting(iter_export(journal, filters))
    if split:
        return exporter.export_split(dreams, output, job)
    if output is None:
        return exporter.export(dreams, out, job)
    return write_atomically(output, lambda stream: exporter.export(dreams, stream, job), newline=exporter.NEWLINE)


def _replaceable(output: Path) -> bool:
    """Whether export may write over `output`: missing, empty, or begun as an export is. A
    symbolic link is (the write replaces the link, never the file it points to), and so is
    anything but a regular file: a device the user names is written into, never read from
    (reading a terminal would wait for input)."""
    try:
        if output.is_symlink() or not stat.S_ISREG(output.stat().st_mode):
            return True
        with open(output, "rb") as existing:
            start = existing.read(64)
    except OSError:  # missing, or not readable (writing it fails with its own clear error)
        return True
    start = start.removeprefix(b"\xef\xbb\xbf")
    return not start.strip() or any(start.startswith(module.SIGNATURE) for module in EXPORTERS.values())


def split_conflict(fmt: str, split: bool, output: Path | None) -> str | None:
    """Why `--split` can't be used as asked (the CLI's usage error), or None."""
    if not split:
        return None
    splitting = [name for name, module in EXPORTERS.items() if hasattr(module, "export_split")]
    if fmt not in splitting:
        return f"--split writes one Markdown file per dream; use it with --format {' or '.join(splitting)}"
    if output is None:
        return "--split needs --output FOLDER: the folder to write one file per dream into"
    return None


def read_import(path: Path, fmt: str = "auto", *, date_column: str = "date", text_column: str = "text",
                today: date | None = None) -> tuple[list[Incoming], list[Path]]:
    """Read and check every record of `path`, all at once. Returns the records and the
    Markdown files of a folder that were passed over (no front matter with a date)."""
    source = open_import(path, fmt, date_column=date_column, text_column=text_column, today=today)
    with _no_cyclic_gc():
        return list(source.records()), source.skipped


class ImportSource:
    """A file (or folder) to import, read again each time `records()` is asked: a JSON export
    streams, one record at a time, so an import of any size holds a bounded number of them.
    `skipped`: the Markdown files of a folder that were passed over (no front matter date)."""

    def __init__(self, path: Path, read: Callable[[], Iterator[Incoming]], today: date | None,
                 skipped: list[Path] | None = None):
        self.path = path
        self._read = read
        self._today = today
        self.skipped = skipped or []

    def records(self) -> Iterator[Incoming]:
        """Every record, checked as it is read; a malformed one raises DreamlyError naming it."""
        from dreamly.dates import refuse_future
        from dreamly.store import tag_problem

        limit = self._today or date.today()
        for item in self._read():
            # as `add` and `edit` refuse it: a CSV row dated 2031 is named, not imported
            refuse_future(item.dream["dreamt_on"], limit, where=item.where)
            for tag in item.dream["tags"]:  # a tag with a NUL or of 100,000 characters, as `add` refuses it
                problem = tag_problem(tag)
                if problem:
                    raise DreamlyError(f"{item.where}: a tag {problem}")
            yield item


def open_import(path: Path, fmt: str = "auto", *, date_column: str = "date", text_column: str = "text",
                today: date | None = None) -> ImportSource:
    """What `path` is and how to read it; a usage problem (no such file, unknown format) is
    raised now, a malformed record when `records()` reaches it."""
    if fmt != "auto" and fmt not in IMPORTERS:
        raise DreamlyError(f"unknown import format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}")
    if not path.exists():
        raise DreamlyError(f"{path} does not exist")
    from dreamly.store import now_utc

    options = ImportOptions(now_utc(), today, date_column, text_column)
    if path.is_dir():
        folders = [m for name, m in IMPORTERS.items() if hasattr(m, "read_folder") and fmt in ("auto", name)]
        if not folders:
            raise DreamlyError(f"{path} is a folder; only Markdown notes are read from a folder")
        with _no_cyclic_gc():
            records, skipped = folders[0].read_folder(path, options)
        return ImportSource(path, lambda: iter(records), today, skipped)
    if not path.is_file():  # a FIFO would block the import for ever; a device could be endless
        raise DreamlyError(f"{path} is not a regular file (a pipe or a device?); import reads files and folders")
    suffix = path.suffix.lower()
    # --format names the reader; else the file's suffix does (and for JSON, what the file holds)
    readers = [IMPORTERS[fmt]] if fmt != "auto" else [m for m in IMPORTERS.values() if suffix in m.SUFFIXES]
    if not readers:
        names = list(IMPORTERS)
        raise DreamlyError(f"can't tell the format of {path} from its name; "
                           f"use --format {', '.join(names[:-1])} or {names[-1]}")
    if not hasattr(readers[0], "recognises"):
        reader = readers[0]
        if hasattr(reader, "read_stream"):
            return ImportSource(path, lambda: reader.read_stream(path, options), today)
        with _no_cyclic_gc():
            records = reader.read(path, options)
        return ImportSource(path, lambda: iter(records), today)
    from dreamly.formats.jsonstream import read_json_file

    return ImportSource(path, lambda: read_json_file(path, readers, options), today)


# -- import: planning, analysis, writing --------------------------------------------------------


def plan_import(incoming: list[Incoming], existing_hashes: set[str]) -> ImportPlan:
    """Drop what the journal already holds (same day, same text) and repeats within the
    input, then order the rest by day so ids follow dates."""
    from dreamly.store import content_hash

    with _no_cyclic_gc():
        return _plan_import(incoming, existing_hashes, content_hash)


def _plan_import(incoming: list[Incoming], existing_hashes: set[str], content_hash: Callable) -> ImportPlan:
    seen = set(existing_hashes)
    new = []
    for item in incoming:
        key = item.key = content_hash(item.dream["dreamt_on"], item.dream["body"])
        if key in seen:
            continue
        seen.add(key)
        new.append(item)
    new.sort(key=lambda item: (item.dream["dreamt_on"], item.order))
    return ImportPlan(new=new, known=len(incoming) - len(new))


def make_analyser(user_file: Path | None):
    """(analyse(text) -> Analysis, matcher version), with the knowledge loaded once."""
    from dreamly import analysis

    matcher = analysis.Matcher(analysis.load_knowledge(user_file))
    return matcher.analyze, analysis.MATCHER_VERSION


PARALLEL_FROM = 3000  # fewer dreams than this: starting worker processes costs more than it saves
CHUNK = 250


def analyse_plan(plan: ImportPlan, user_file: Path | None, on_progress: Progress = None,
                 workers: int | None = None) -> int:
    """Give each new dream the current matcher's motifs and text-found feelings, keeping what
    a dreamly export already carries from this matcher version. Big imports are analysed in
    worker processes, one per core (the matcher is pure Python, so threads would not help).

    Returns how many dreams failed to analyse; those go in unanalysed, as with `dreamly add`
    (`dreamly reanalyze` retries). Raises DreamlyError if the motifs can't be loaded.
    """
    with _no_cyclic_gc():
        return _analyse_plan(plan, user_file, on_progress, workers)


def _analyse_plan(plan: ImportPlan, user_file: Path | None, on_progress: Progress, workers: int | None) -> int:
    analyser = make_analyser(user_file)  # loads (and checks) the knowledge before any worker starts
    failed = [0]
    for _ in _analysed(iter(plan.new), analyser, user_file, len(plan.new), workers, on_progress, failed):
        pass  # each dream is analysed in place
    return failed[0]


def _reusable(item: Incoming, version: int) -> bool:
    motifs = item.dream["motifs"]
    return item.carries_analysis and bool(motifs) and all(m["matcher_version"] == version for m in motifs)


def _findings(analyse: Callable, body: str) -> tuple[list[tuple], list[str]] | None:
    """The matcher's output as plain tuples (cheap to send between processes); None if it failed."""
    try:
        result = analyse(body)
    except Exception:  # noqa: BLE001 - one odd dream must not stop the import
        return None
    return [(h.id, h.evidence, h.start, h.end, h.subject) for h in result.motifs], list(result.emotion_ids())


_worker_analyse: Callable | None = None


def _start_worker(user_file: Path | None, parent: int | None = None) -> None:
    global _worker_analyse
    _die_with_parent(parent if parent is not None else os.getppid())
    _worker_analyse, _ = make_analyser(user_file)


def _die_with_parent(parent: int) -> None:
    """A worker whose dreamly is killed (kill -9, a closed terminal) must not live on: on Linux
    the kernel sends it SIGKILL when its parent dies; elsewhere a thread watches the parent.
    `parent` is the importing dreamly's pid, passed in: if it died while this worker was still
    starting, the worker is already an orphan and goes at once."""
    import signal

    if os.getppid() != parent:
        os._exit(1)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _analyse_chunk(bodies: list[str]) -> list:
    return [_findings(_worker_analyse, body) for body in bodies]


def write_import(journal, plan: ImportPlan, on_progress: Progress = None) -> int:
    """Write the plan in one transaction. The journal is checked again inside it, so a dream
    added meanwhile (another terminal) is not added twice."""
    with _no_cyclic_gc(), journal.transaction():
        existing = journal.content_hashes()
        fresh = [item.dream for item in plan.new if item.key not in existing]
        return journal.insert_dreams(fresh, on_progress=on_progress)


def describe(item: Incoming) -> str:
    """A line for --dry-run: the day and the title, or the first words."""
    dream = item.dream
    label = _one_line(dream["title"]) if dream["title"].strip() else first_words(dream["body"], 50)
    return f"{dream['dreamt_on']}  {label}"


# -- import in bounded memory: a checking pass, then a writing pass -------------------------------


@dataclass
class ImportSurvey:
    """What the first pass over an import learnt: how many records are new and how many the
    journal (or the file itself) already holds; each record's place among the new ones by
    day (-1: skipped), which becomes its id; the new ones' content hashes; and the first ten
    new ones by day, described, for --dry-run."""

    new: int
    known: int
    ranks: "array.array"  # noqa: F821 - imported where it is built (pass 1 only)
    hashes: set
    preview: list


def survey_import(source: ImportSource, existing_hashes: set[str]) -> ImportSurvey:
    """Read and check every record of `source` (a malformed one raises, naming it, before
    anything is written), keeping of each only its day, place and content hash."""
    import bisect
    from array import array

    from dreamly.store import content_hash

    with _no_cyclic_gc():
        hashes: set[bytes] = set()  # of the new records, as 16 bytes each: a small object per record
        keys = []  # (day, order, index) of each new record as one int: ids follow days, as plan_import orders them
        preview: list = []
        count = 0
        for index, item in enumerate(source.records()):
            count += 1
            key = content_hash(item.dream["dreamt_on"], item.dream["body"])
            short = bytes.fromhex(key)[:16]
            if key in existing_hashes or short in hashes:
                continue
            hashes.add(short)
            place = _place(item.dream["dreamt_on"], item.order, index)
            keys.append(place)
            if len(preview) < 10 or place < preview[-1][0]:
                bisect.insort(preview, (place, describe(item)))
                del preview[10:]
        keys.sort()
        ranks = array("q", [-1]) * count
        for rank, place in enumerate(keys):
            ranks[place & _INDEX] = rank
    return ImportSurvey(len(keys), count - len(keys), ranks, hashes, [line for _, line in preview])


_INDEX = (1 << 40) - 1


def _place(day: str, order: tuple, index: int) -> int:
    """(day, order, index) packed into one int that sorts as the tuple would (the parts of
    `order` are whole numbers or infinity, their count the same for every record of a file)."""
    place = date.fromisoformat(day).toordinal()
    for part in order:
        part = 1 << 64 if part == float("inf") else min(max(part + (1 << 63), 0), (1 << 64) - 1)
        place = place << 65 | part
    return place << 40 | index


def write_streamed(journal, source: ImportSource, survey: ImportSurvey, analyser: tuple | None,
                   user_file: Path | None, on_progress: Progress = None, workers: int | None = None) -> tuple[int, int]:
    """The second pass: read `source` again and write its new dreams, analysed (with
    `analyser`, make_analyser's pair; None: unanalysed), in one transaction, so a record that
    fails now (the file changed since the survey) leaves the journal as it was. The journal is
    checked again inside the transaction, so a dream added meanwhile is not added twice.
    Returns (dreams written, dreams that failed to analyse)."""
    failed = [0]
    with _no_cyclic_gc(), journal.transaction():
        items = _still_new(source, survey, journal.content_hashes())
        if analyser is not None:
            dreams = _analysed(items, analyser, user_file, survey.new, workers, on_progress, failed)
        else:
            dreams = _unanalysed(items, on_progress)
        try:
            return journal.insert_dreams(dreams, ranked=True), failed[0]
        finally:
            dreams.close()  # a failed import stops its worker processes now, not when the error is forgotten


def _still_new(source: ImportSource, survey: ImportSurvey, existing: set[str]) -> Iterator[Incoming]:
    from dreamly.store import content_hash

    changed = DreamlyError(f"{source.path} changed while it was being imported; nothing was written "
                           "(import it again)")
    pending = survey.hashes
    count = 0
    for index, item in enumerate(source.records()):
        count += 1
        if index >= len(survey.ranks):
            raise changed
        rank = survey.ranks[index]
        if rank < 0:
            continue
        key = content_hash(item.dream["dreamt_on"], item.dream["body"])
        short = bytes.fromhex(key)[:16]
        if short not in pending:
            raise changed
        pending.discard(short)
        if key in existing:  # added from another terminal since the survey
            continue
        item.dream["rank"] = rank
        yield item
    if count != len(survey.ranks):
        raise changed


def _unanalysed(items: Iterator[Incoming], on_progress: Progress) -> Iterator[dict]:
    for item in items:
        yield item.dream
        if on_progress:
            on_progress(1)


def _analysed(items: Iterator[Incoming], analyser: tuple, user_file: Path | None, total: int,
              workers: int | None, on_progress: Progress, failed: list) -> Iterator[dict]:
    """`items`' dreams with the current matcher's analysis, as analyse_plan gives it, in
    order, a chunk at a time: at most two chunks per worker wait in the pool, so the records
    held at once are bounded whatever the size of the import."""
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    analyse, version = analyser
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    pool = _start_pool(user_file, workers) if workers > 1 and total >= PARALLEL_FROM else None
    waiting: deque = deque()

    def finish(chunk: list[Incoming], todo: list[dict], future) -> list[dict]:
        nonlocal pool
        results = None
        if future is not None:
            try:
                results = future.result()
            except (OSError, BrokenProcessPool):  # the processes went: analyse here from now on
                pool = _stop_pool(pool)
        if results is None:
            results = [_findings(analyse, dream["body"]) for dream in todo]
        for dream, found in zip(todo, results):
            if found is None:
                failed[0] += 1
            else:
                _apply_findings(dream, found, version)
        if on_progress:
            on_progress(len(chunk))
        return [item.dream for item in chunk]

    try:
        chunk: list[Incoming] = []
        for item in items:
            chunk.append(item)
            if len(chunk) < CHUNK:
                continue
            waiting.append(_submit(chunk, version, pool))
            chunk = []
            while len(waiting) > (2 * workers if pool is not None else 0):
                yield from finish(*waiting.popleft())
        if chunk:
            waiting.append(_submit(chunk, version, pool))
        while waiting:
            yield from finish(*waiting.popleft())
    finally:
        _stop_pool(pool)


def _submit(chunk: list[Incoming], version: int, pool) -> tuple:
    """(chunk, the dreams in it to analyse, their future in the pool or None)."""
    from concurrent.futures.process import BrokenProcessPool

    todo = []
    for item in chunk:
        if _reusable(item, version):
            item.dream["analysis_version"] = version  # the export carries this matcher's analysis of this text
        else:
            todo.append(item.dream)
    future = None
    if pool is not None and todo:
        try:
            future = pool.submit(_analyse_chunk, [dream["body"] for dream in todo])
        except (OSError, RuntimeError, BrokenProcessPool):
            future = None
    return chunk, todo, future


def _start_pool(user_file: Path | None, workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:  # spawn, not fork: the parent holds an open SQLite connection and maybe a progress thread
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(user_file, os.getpid()))
    except OSError:
        return None


def _stop_pool(pool) -> None:
    if pool is not None:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except OSError:
            pass
    return None


def _apply_findings(dream: dict, found: tuple, version: int) -> None:
    motifs, emotion_ids = found
    dream["motifs"] = [{"motif": motif, "evidence": evidence, "start": start, "end": end, "subject": subject,
                        "matcher_version": version} for motif, evidence, start, end, subject in motifs]
    user = [e for e in dream["emotions"] if e["origin"] == "user"]
    found_rows = [{"emotion": name, "intensity": None, "origin": "text"} for name in emotion_ids]
    dream["emotions"] = _unique_emotions([*user, *found_rows])
    dream["analysis_version"] = version
