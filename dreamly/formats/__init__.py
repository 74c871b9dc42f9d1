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

Analysis on import: every imported dream is analysed with the current matcher, except a
dream from a dreamly JSON export whose motifs all carry the current MATCHER_VERSION: its
stored motifs and text-found feelings are kept as they were. That keeps export → import →
export identical (the analysis would come out the same anyway, unless the user's own
motifs differ between the two journals) and makes restoring a backup fast.

Nothing here prints; long loops report progress through an `on_progress(n)` callback.
"""

from __future__ import annotations

import os
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
           today: date | None = None) -> int:
    """Write the dreams matching `filters` as `fmt` to `output` (a file, or with `split` a
    folder), or to `out` when there is no output. Returns how many dreams were written.
    `motif_labels` (a dict, or a function giving one) is asked only by a format that names motifs.

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
    job = ExportJob(journal, filters, journal.count_matching(filters), on_progress, motif_labels, today)
    dreams = job.counting(iter_export(journal, filters))
    if split:
        return exporter.export_split(dreams, output, job)
    if output is None:
        return exporter.export(dreams, out, job)
    return write_atomically(output, lambda stream: exporter.export(dreams, stream, job), newline=exporter.NEWLINE)


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
    """Read and check every record of `path`. Returns the records and the Markdown files of a
    folder that were passed over (no front matter with a date)."""
    from dreamly.dates import refuse_future

    with _no_cyclic_gc():
        records, skipped = _read_import(path, fmt, date_column=date_column, text_column=text_column, today=today)
    from dreamly.store import tag_problem

    limit = today or date.today()
    for item in records:  # as `add` and `edit` refuse it: a CSV row dated 2031 is named, not imported
        refuse_future(item.dream["dreamt_on"], limit, where=item.where)
        for tag in item.dream["tags"]:  # a tag with a NUL or of 100,000 characters, as `add` refuses it
            problem = tag_problem(tag)
            if problem:
                raise DreamlyError(f"{item.where}: a tag {problem}")
    return records, skipped


def _read_import(path: Path, fmt: str, *, date_column: str, text_column: str,
                 today: date | None) -> tuple[list[Incoming], list[Path]]:
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
        return folders[0].read_folder(path, options)
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
        return readers[0].read(path, options), []
    data = _load_json(path)  # once, for every JSON reader that might claim it
    for reader in readers:
        if reader.recognises(data):
            return reader.read_json(path, data, options), []
    wanted = readers[0].NOT_THIS if len(readers) == 1 else f"a {' or '.join(r.LABEL for r in readers)} JSON export"
    raise DreamlyError(f"{path} is not {wanted}")


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
    analyse, version = make_analyser(user_file)  # loads (and checks) the knowledge before any worker starts
    todo = []
    for item in plan.new:
        if _reusable(item, version):
            item.dream["analysis_version"] = version  # the export carries this matcher's analysis of this text
        else:
            todo.append(item.dream)
    if on_progress and len(todo) < len(plan.new):
        on_progress(len(plan.new) - len(todo))
    bodies = [dream["body"] for dream in todo]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    results = None
    if workers > 1 and len(bodies) >= PARALLEL_FROM:
        results = _analyse_in_processes(bodies, user_file, workers, on_progress)
    if results is None:
        results = _analyse_here(bodies, analyse, on_progress)
    failed = 0
    for dream, found in zip(todo, results):
        if found is None:
            failed += 1
            continue
        motifs, emotion_ids = found
        dream["motifs"] = [{"motif": motif, "evidence": evidence, "start": start, "end": end, "subject": subject,
                            "matcher_version": version} for motif, evidence, start, end, subject in motifs]
        user = [e for e in dream["emotions"] if e["origin"] == "user"]
        found_rows = [{"emotion": name, "intensity": None, "origin": "text"} for name in emotion_ids]
        dream["emotions"] = _unique_emotions([*user, *found_rows])
        dream["analysis_version"] = version
    return failed


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


def _analyse_here(bodies: list[str], analyse: Callable, on_progress: Progress) -> list:
    results = []
    for body in bodies:
        results.append(_findings(analyse, body))
        if on_progress:
            on_progress(1)
    return results


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


def _analyse_in_processes(bodies: list[str], user_file: Path | None, workers: int, on_progress: Progress) -> list | None:
    """The bodies analysed by `workers` processes, in order; None if processes can't be had
    (the caller then analyses them itself)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = [bodies[i:i + CHUNK] for i in range(0, len(bodies), CHUNK)]
    results: list = []
    done = 0
    try:
        # spawn, not fork: the parent holds an open SQLite connection and maybe a progress thread
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                 initargs=(user_file, os.getpid())) as pool:
            for chunk_results in pool.map(_analyse_chunk, chunks):
                results.extend(chunk_results)
                done += len(chunk_results)
                if on_progress:
                    on_progress(len(chunk_results))
    except (OSError, BrokenProcessPool):
        if on_progress and done:
            on_progress(-done)  # start the bar again for the fallback
        return None
    return results


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
