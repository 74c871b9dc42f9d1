"""Use cases: what a command does, apart from how it is asked for and shown.

Shared by the command line (`cli.py`) and the llm plugin (`llm_plugin.py`). Nothing here
prints or knows about Typer or click: results and warnings are returned, model output
goes to the `on_chunk` callback the caller passes, notes that must appear as they happen
to `on_note`, and a long job's bar to `progress(total, label)` (a context manager giving
`advance(n)`; the CLI passes its rich bar). Light at import (standard library
only): `dreamly add` imports it, and the store, matcher and llm load inside the functions.
"""

from __future__ import annotations

import os

from dreamly._struct import Struct
from dreamly.errors import DreamlyError

TYPE_CHECKING = False  # (typing itself is a few milliseconds of `dreamly add`: annotations only)
if TYPE_CHECKING:
    from typing import Callable, Optional


# -- the knowledge base: one loader for everything outside the matcher ----------------------


def personal_motifs_file():
    from dreamly.paths import personal_motifs_file as find

    return find()


def knowledge():
    """The built-in knowledge base plus the user's motifs.toml, loaded once per process
    (per state of the file) by the matcher's cached loader."""
    from dreamly import analysis

    return analysis.load_knowledge(personal_motifs_file())


def knowledge_or_warning():
    """(knowledge, None), or (None, warning) when the personal file is broken: views that can
    do without the labels still show the dream."""
    try:
        return knowledge(), None
    except DreamlyError as exc:
        return None, f"Warning: {exc}"


def analyze(text: str):
    """`analyze`: the matcher's findings in a text, nothing saved (errors are raised: nothing
    else depends on this analysis)."""
    from dreamly import analysis

    return analysis.analyze(text, user_file=personal_motifs_file())


def knowledge_or_note(on_note: Callable[[str], None]):
    """The knowledge base, or None after passing the warning to `on_note` (a broken personal
    motifs.toml: the caller goes on with motif ids for labels)."""
    found, warning = knowledge_or_warning()
    if warning:
        on_note(warning)
    return found


def unknown_motif(motifs) -> Optional[str]:
    """The first of `motifs` the knowledge base does not know (a typo in --motif)."""
    known = knowledge().motifs
    return next((m for m in motifs or () if m.strip().lower() not in known), None)


def tags_starting(prefix: str) -> list:
    """The journal's tags that start with `prefix`, most used first (shell completion; no
    journal, no tags: a completion never creates one)."""
    from dreamly.paths import journal_path
    from dreamly.store import open_journal

    path = journal_path(None)
    if not path.exists():
        return []
    with open_journal(path, create=False) as journal:
        return [t["tag"] for t in journal.tag_counts() if t["tag"].startswith(prefix.lower())]


# -- saving and analysing ----------------------------------------------------------------------


class Analysed(Struct):
    """What analysing a text before writing it gave: `result` (an analysis.Analysis) and
    `stored` (motifs, found emotion ids, matcher version) for the journal, or neither and a
    `warning` saying why (`deferred`: the text is too big to analyse now)."""

    _fields = ("result", "stored", "warning", "deferred")

    def __init__(self, result: object = None, stored: Optional[tuple] = None, warning: Optional[str] = None,
                 deferred: bool = False):
        self.result = result
        self.stored = stored
        self.warning = warning
        self.deferred = deferred


def analyse_text(body: str) -> Analysed:
    """Run the matcher on `body` before it is written, so the dream and its analysis go into
    the journal in one transaction. Never raises: the dream matters more than its analysis.
    A text over analysis.ANALYSE_INLINE_LIMIT is not analysed now (saving must not wait for
    it); such a dream has no analysis record, `check` reports it and `reanalyze` finishes it."""
    try:
        from dreamly import analysis

        if analysis.too_big_to_analyse_now(body):
            return Analysed(deferred=True, warning=(
                f"Note: the dream is {len(body):,} characters long, so it is saved now and analysed later; "
                "run `dreamly reanalyze` to analyse it"))
        result = analysis.analyze(body, user_file=personal_motifs_file())
        return Analysed(result, (result.motifs, list(result.emotion_ids()), analysis.MATCHER_VERSION))
    except DreamlyError as exc:
        return Analysed(warning=f"Warning: the dream is saved, but it was not analysed: {exc}")
    except Exception as exc:  # noqa: BLE001 - analysis is optional, the dream is not
        if os.environ.get("DREAMLY_DEBUG"):
            raise
        return Analysed(warning=f"Warning: the dream is saved, but analysing it failed ({type(exc).__name__}); "
                                "run `dreamly reanalyze` later")


def analyse_and_store(journal, dream_id: int, body: str):
    """Tag the stored dream with motifs and found feelings: (analysis, None) or (None, warning).
    The analysis records `body` as the text analysed: if the dream changed meanwhile, `check`
    shows it as stale."""
    outcome = analyse_text(body)
    if outcome.stored is not None:
        motifs, found, version = outcome.stored
        try:
            journal.save_analysis(dream_id, motifs, found, version, text=body)
        except DreamlyError as exc:
            return None, f"Warning: the dream is saved, but it was not analysed: {exc}"
    return outcome.result, outcome.warning


class Saved(Struct):
    _fields = ("dream_id", "analysis", "warning")

    def __init__(self, dream_id: int, analysis: object, warning: Optional[str]):
        self.dream_id = dream_id
        self.analysis = analysis  # an analysis.Analysis, or None when analysing failed or was deferred
        self.warning = warning


def save_dream(journal, dream, on_saved: Callable[[], None] = lambda: None) -> Saved:
    """Analyse a new dream, then write it and its analysis in one transaction (a kill leaves
    both or neither). `on_saved` runs as soon as the dream is safe (the CLI discards the
    editor's draft there). If the analysis failed, the dream is written without it."""
    outcome = analyse_text(dream.body)
    dream_id = journal.add(dream, analysis=outcome.stored)  # the dream is safe from here on
    on_saved()
    return Saved(dream_id, outcome.result, outcome.warning)


def repeated_today(journal, dream_id: int, dream) -> bool:
    """Whether another dream of the same morning already has this text (`add` warns; both kept)."""
    from dreamly.store import content_hash

    day = dream.dreamt_on.isoformat()
    return journal.same_text_today(day, content_hash(day, dream.body), dream_id)


def recall_streak(journal) -> int:
    """How many mornings in a row have a dream, ending today (or yesterday, if today has none yet)."""
    from datetime import date, timedelta

    today = date.today()
    streak, expected = 0, today
    for day in journal.recall_days(today):
        if day == expected or (streak == 0 and day == today - timedelta(days=1)):
            streak += 1
            expected = day - timedelta(days=1)
        else:
            break
    return streak


def finish_analysis(journal, on_batch: Callable[[int, int], None] = lambda done, size: None) -> int:
    """Analyse the dreams whose analysis is missing or older than their text (`check
    --repair`, `reanalyze --missing`); returns how many."""
    from dreamly import analysis

    ids = journal.unanalysed_ids()
    if not ids:
        return 0
    matcher = analysis.Matcher(knowledge())
    done = 0
    for start in range(0, len(ids), 500):
        results = []
        for dream_id in ids[start:start + 500]:
            row = journal.conn.execute("SELECT body FROM dreams WHERE id = ?", (dream_id,)).fetchone()
            if row is None:
                continue
            found = matcher.analyze(row[0])
            results.append((dream_id, found.motifs, found.emotion_ids(), row[0]))
        journal.save_analyses(results, analysis.MATCHER_VERSION)
        done += len(results)
        on_batch(done, len(results))
    return done


def motif_corrections(add, drop) -> list:
    """`edit --motif / --drop-motif` as corrections, each checked against the knowledge base."""
    wanted = [(name.strip().lower(), "add") for name in add or ()] + [(name.strip().lower(), "drop") for name in drop or ()]
    if not wanted:
        return []
    known = knowledge().motifs
    for name, _ in wanted:
        if name not in known:
            raise DreamlyError(f"no motif {name!r}; `dreamly themes` lists them")
    both = {name for name, action in wanted if action == "add"} & {name for name, action in wanted if action == "drop"}
    if both:
        raise DreamlyError(f"--motif and --drop-motif both name {sorted(both)[0]!r}; say which")
    return [("motif", name, action) for name, action in wanted]


class Edited(Struct):
    """What `edit` wrote: `changed` (the journal's account: which fields, the corrections
    kept; None when nothing changed), the new text's analysis `found` (None when the text did
    not change or analysing it failed) and a `warning` about that analysis."""

    _fields = ("changed", "found", "warning")

    def __init__(self, changed: Optional[dict], found: object = None, warning: Optional[str] = None):
        self.changed = changed
        self.found = found
        self.warning = warning


def save_edit(journal, dream_id: int, fields: dict, *, add_tags=(), drop_tags=(), set_emotions=(),
              drop_emotions=(), corrections=(), expect=None) -> Edited:
    """Write an edit in one transaction; a new text is analysed first and its analysis written
    with it. `expect` (the dream as the editor opened it) refuses the save if it changed since."""
    outcome = analyse_text(fields["body"]) if "body" in fields else None
    changed = journal.edit(dream_id, fields, add_tags=add_tags, drop_tags=drop_tags,
                           set_emotions=set_emotions, drop_emotions=drop_emotions,
                           corrections=corrections, expect=expect,
                           analysis=outcome.stored if outcome else None)
    if changed is None or not (outcome and changed["body"]):
        return Edited(changed)
    return Edited(changed, outcome.result, outcome.warning)


def reanalyze(journal, on_batch: Callable[[int, int], None]) -> int:
    """Re-tag every dream with the current matcher, one committed batch at a time;
    `on_batch(done so far, batch size)` after each. Returns how many were re-analysed."""
    from dreamly import analysis

    matcher = analysis.Matcher(knowledge())  # built once: rules compile once per run
    done = 0
    for batch in journal.iter_bodies():
        results = []
        for dream_id, body in batch:
            found = matcher.analyze(body)
            results.append((dream_id, found.motifs, found.emotion_ids(), body))  # the text analysed
        journal.save_analyses(results, analysis.MATCHER_VERSION)  # this batch is now safe
        done += len(batch)
        on_batch(done, len(batch))
    return done


def reanalyze_journal(db, *, missing: bool = False, progress=None,
                      on_batch: Callable[[int, int], None] = lambda done, total: None) -> int:
    """`reanalyze`: re-tag every dream (or with `missing` only those `check` reports), one
    committed batch at a time. A broken motifs.toml raises before the journal is touched.
    `progress(total, label)` as for import; `on_batch(done so far, total)` after each batch."""
    from dreamly.store import open_journal

    progress = progress or _no_progress
    knowledge()  # a broken motifs.toml is reported before the journal is touched
    with open_journal(db, create=False) as journal:
        total = len(journal.unanalysed_ids()) if missing else journal.count()
        with progress(total, "Re-analysing") as advance:
            def each_batch(done: int, size: int) -> None:
                advance(size)
                on_batch(done, total)

            return finish_analysis(journal, each_batch) if missing else reanalyze(journal, each_batch)


def check_journal(db, *, repair: bool = False) -> dict:
    """`check`: the journal's health report (the `--json` output). With `repair`, the store
    rebuilds what it can and the dreams whose analysis is missing or stale are analysed."""
    from dreamly.store import open_journal

    with open_journal(db, create=False) as journal:
        report = journal.check(repair=repair)
        if repair and report["analysis"]:
            done = finish_analysis(journal)
            report["analysis"] = journal.analysis_problems()
            report["repaired"].append(f"analysed {done} dream{'' if done == 1 else 's'} with their current text")
            report["ok"] = not (report["integrity"] or report["search_index"] or report["analysis"]
                                or report["schema_version"] != report["known_schema_version"])
    return report


# -- reflecting: answers and free words ------------------------------------------------------


def known_feelings(on_note: Callable[[str], None] = lambda message: None) -> tuple:
    """The feeling names answers are read against: the knowledge base's, else the twelve."""
    from dreamly.feeling_names import FEELINGS

    found = knowledge_or_note(on_note)
    return tuple(getattr(found, "emotions", None) or ()) or FEELINGS


def keep_reflection(journal, dream_id: int, question: Optional[str], words: str,
                    on_note: Callable[[str], None] = lambda message: None) -> None:
    """`reflect --free WORDS` (no `question`) or `--question NAME WORDS`: keep them with the
    dream. An empty answer clears that question's answer; a pursuer named by key, motif or
    label is the choice; feelings are read as names (the notes on them go to `on_note`)."""
    from dreamly import questions as asking

    if question is None:
        journal.add_reflection(dream_id, "free", words)
    elif not words:
        journal.drop_reflection(dream_id, question)
    else:
        answer = words
        if question == asking.PURSUER:
            answer = next((m for k, m, label in asking.PURSUER_CHOICES if words in (k, m, label)), words)
        elif question == asking.FEELING:
            answer, said = asking.parse_feelings(words, known_feelings(on_note))
            for line in said:
                on_note(line)
        asking.store_answer(journal, dream_id, question, answer)


# -- keeping it safe: salvage, encryption ---------------------------------------------------


def salvage(db, output) -> dict:
    """`salvage`: copy every readable dream of a damaged journal into `output` (None: next to
    it, named with the date and time); the damaged file is never changed. Returns the report
    (`from`, `to`, `tables`, `dreams`), the `--json` output."""
    from datetime import datetime

    from dreamly.paths import journal_path
    from dreamly.store.salvage import salvage as salvaging

    damaged = journal_path(db)
    if output is None:
        output = damaged.with_name(f"{damaged.stem}.salvaged-{datetime.now():%Y%m%dT%H%M%S}{damaged.suffix or '.db'}")
    return salvaging(damaged, output.expanduser())


def encrypt(db, passphrase: bool):
    """`encrypt`: the store's outcome (`already`, `path`, `dreams`, `key_in`, `removed`, `left`)."""
    from dreamly.paths import journal_path
    from dreamly.store import busy_timeout
    from dreamly.store.crypto import encrypt_journal

    return encrypt_journal(journal_path(db), passphrase=passphrase, timeout=busy_timeout())


def decrypt(db):
    from dreamly.paths import journal_path
    from dreamly.store import busy_timeout
    from dreamly.store.crypto import decrypt_journal

    return decrypt_journal(journal_path(db), timeout=busy_timeout())


def save_key(db) -> str:
    """`key save`: keep the key that opens the journal in the keyring; returns where."""
    from dreamly.paths import journal_path
    from dreamly.store import crypto

    return crypto.save_key(journal_path(db))


# -- bringing dreams in: import ------------------------------------------------------------


def _no_progress(total: int, label: str):
    from contextlib import nullcontext

    return nullcontext(lambda n: None)


class Imported(Struct):
    """What `import` did, or with `dry_run` would do: `added` dreams written (0 in a dry run),
    `known` skipped as already in the journal, `new` the dreams to add (dry run only:
    `preview`, a line for each of the first ten)."""

    _fields = ("added", "known", "new", "preview")

    def __init__(self, added: int, known: int, new: int, preview: list):
        self.added = added
        self.known = known
        self.new = new
        self.preview = preview


def import_dreams(db, path, fmt: str, *, date_column: str, text_column: str, dry_run: bool = False,
                  on_note: Callable[[str], None] = lambda message: None, progress=_no_progress) -> Imported:
    """Read `path` (all or nothing: a malformed record raises DreamlyError, nothing written),
    skip what the journal already holds, analyse the rest and write it in one transaction,
    holding a bounded number of records at a time (formats.survey_import, write_streamed).
    A dry run never creates the journal. `on_note` gets each note and warning as it happens;
    `progress(total, label)` is a context manager giving an `advance(n)` function."""
    from dreamly import formats
    from dreamly.paths import journal_path
    from dreamly.store import open_journal

    source = formats.open_import(path, fmt, date_column=date_column, text_column=text_column)
    existing = set()
    if journal_path(db).exists():  # a refused import, or a dry run, never creates the journal
        with open_journal(db, create=False) as journal:
            existing = journal.content_hashes()
    # two passes over the file, so that memory stays bounded whatever its size: every record
    # checked first (a malformed one stops the import before anything is written), then the
    # new ones read again, analysed and written in one transaction
    survey = formats.survey_import(source, existing)
    del existing
    skipped = source.skipped
    if skipped:
        on_note(f"Passed over {len(skipped)} Markdown file{'' if len(skipped) == 1 else 's'} without a front matter "
                f"date (e.g. {skipped[0]}).")
    if dry_run:
        return Imported(0, survey.known, survey.new, survey.preview)
    added = failed = 0
    with open_journal(db) as journal:
        if survey.new:
            analyser = None
            try:
                analyser = formats.make_analyser(personal_motifs_file())
            except DreamlyError as exc:  # the dreams matter more than their analysis, as in `add`
                on_note(f"Warning: the dreams are imported without analysis: {exc}; run `dreamly reanalyze` later")
            with progress(survey.new, "Importing") as advance:
                added, failed = formats.write_streamed(journal, source, survey, analyser, personal_motifs_file(),
                                                       on_progress=advance)
    if failed:
        on_note(f"Warning: {failed} dream{'' if failed == 1 else 's'} could not be analysed; "
                "run `dreamly reanalyze` later")
    return Imported(added, survey.known, survey.new, [])


# -- taking dreams out: export, backup ------------------------------------------------------


def export_dreams(db, filters, fmt: str, output, out, *, split: bool = False, progress=None,
                  on_note: Callable[[str], None] = lambda message: None, replace: bool = False) -> int:
    """`export`: write the dreams `filters` pick as `fmt` to `output` (a file, or with `split`
    a folder), or to the stream `out`; returns how many. `progress(total, label)` as for
    import, or None for no bar (the dreams are then not counted first). Motif labels are
    loaded only if the format names motifs; a broken motifs.toml is a note, not a failure."""
    from dreamly import formats
    from dreamly.store import open_journal

    def labels() -> dict:  # asked only by a format that names motifs (Markdown)
        found = knowledge_or_note(on_note)
        return {motif_id: m.label for motif_id, m in found.motifs.items()} if found else {}

    with open_journal(db, create=False) as journal:
        total = journal.count_matching(filters) if progress is not None else 0
        with (progress or _no_progress)(total, "Exporting") as advance:
            return formats.export(journal, filters, fmt, output, out, split=split, on_progress=advance,
                                  motif_labels=labels, replace=replace)


def backup(db, target) -> tuple:
    """`backup`: a consistent copy of the journal at `target` (a file or folder; None: next to
    the journal). Returns the copy's path and how many dreams it holds."""
    from dreamly.store import open_journal

    with open_journal(db, create=False) as journal:
        return journal.backup(target)


# -- the weekly review ---------------------------------------------------------------------------


class Review(Struct):
    """`patterns`: the `report` (plain data, the --json output) and, when asked, the HTML page."""

    _fields = ("report", "page")

    def __init__(self, report: dict, page: Optional[str] = None):
        self.report = report
        self.page = page


def weekly_review(db, window, *, page: bool = False, progress=None,
                  on_note: Callable[[str], None] = lambda message: None) -> Review:
    """The review of `window` (review.patterns.make_window) against the weeks before it, with
    new dreams' signs read first; with `page`, the self-contained HTML page and its thumbnails.
    A broken motifs.toml is a note: the review goes on with the built-in words."""
    from dreamly import sign_actions
    from dreamly.review import patterns as reviewing
    from dreamly.store import open_journal

    found = knowledge_or_note(on_note)
    vocabulary = reviewing.vocabulary_from(found)
    with open_journal(db, missing_is_empty=True) as journal:
        rows = journal.pattern_rows(window.load_since, window.until)
        sign_actions.read_new(journal, progress)
        rows.update(sign_actions.review_rows(journal, found, window.baseline_since, window.until, window.since))
        report = reviewing.review(rows, window, recall_days=journal.recall_days(window.until), vocabulary=vocabulary)
        if not page:
            return Review(report)
        from dreamly.review import page as pages
        from dreamly.store import Filters

        shown = journal.list(Filters(since=window.since, until=window.until, oldest_first=True,
                                     limit=pages.MAX_THUMBNAILS))
        return Review(report, pages.html(report, shown, labels=vocabulary.labels,
                                         more_dreams=report["overview"]["dreams"] - len(shown)))


def write_demo(db) -> tuple:
    """`demo`: the sample journal, at `db` (a new or empty file) or in a new temporary folder
    (never DREAMLY_DB: the caller passes only --db). Returns how many dreams and where."""
    import tempfile
    from pathlib import Path

    from dreamly.demo import write_demo as writing
    from dreamly.store import open_journal

    if db is None:
        db = Path(tempfile.mkdtemp(prefix="dreamly-demo-")) / "journal.db"
    with open_journal(db) as journal:
        return writing(journal), journal.path


# -- pictures ----------------------------------------------------------------------------------


class Scene(Struct):
    """What `picture` draws: the stored `dream`, its `scene` (picture.scene_for) and the motif
    `labels` it was composed with."""

    _fields = ("dream", "scene", "labels")

    def __init__(self, dream: dict, scene: object, labels: dict):
        self.dream = dream
        self.scene = scene
        self.labels = labels


def picture_scene(db, dream_id: int, on_note: Callable[[str], None] = lambda message: None) -> Scene:
    """The scene of a stored dream. A broken motifs.toml is a note (motif ids stand for labels)."""
    from dreamly import picture as drawing
    from dreamly.store import open_journal

    with open_journal(db, create=False) as journal:
        dream = journal.get(dream_id, with_history=False)
    found = knowledge_or_note(on_note)
    labels = {motif_id: m.label for motif_id, m in found.motifs.items()} if found else {}
    return Scene(dream, drawing.scene_for(dream, labels), labels)


# -- interpretation (llm, optional) ------------------------------------------------------------


def interpret(journal, dream_id: int, model: Optional[str], lens: Optional[str], *,
              on_chunk: Callable[[str], None], on_start: Callable[[str], None]):
    """Run the interpretation of a stored dream on the user's llm model and store it;
    returns the interpret module's outcome (`.interpretation`, `.warning`)."""
    from dreamly import interpret as interpreting

    return interpreting.interpret_dream(journal, dream_id, model_id=model, lens=lens, knowledge=knowledge(),
                                        on_chunk=on_chunk, on_start=on_start)


def suggest_ending(journal, dream_id: int, model: Optional[str], *, on_chunk, on_start):
    from dreamly import interpret as interpreting

    return interpreting.suggest_ending(journal, dream_id, model_id=model, knowledge=knowledge(),
                                       on_chunk=on_chunk, on_start=on_start)


def prepare_interpretation(journal, dream_id: int, lens: Optional[str]):
    """What `interpret --dry-run` shows: the exact system prompt and prompt."""
    from dreamly import interpret as interpreting

    return interpreting.prepare(journal, dream_id, lens=lens, knowledge=knowledge())


def refine_image_prompt(dream: dict, draft: str, model: Optional[str], *, on_chunk, on_start):
    """`picture --prompt -m MODEL`: the user's llm model rewrites the drawn scene's prompt."""
    from dreamly import interpret as interpreting

    return interpreting.refine_image_prompt(dream, draft, model_id=model, on_chunk=on_chunk, on_start=on_start)
