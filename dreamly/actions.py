"""Use cases: what a command does, apart from how it is asked for and shown.

Shared by the command line (`cli.py`) and the llm plugin (`llm_plugin.py`). Nothing here
prints or knows about Typer or click: results and warnings are returned, model output
goes to the `on_chunk` callback the caller passes. Light at import (standard library
only): `dreamly add` imports it, and the store, matcher and llm load inside the functions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Optional

from dreamly.errors import DreamlyError


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


def unknown_motif(motifs) -> Optional[str]:
    """The first of `motifs` the knowledge base does not know (a typo in --motif)."""
    known = knowledge().motifs
    return next((m for m in motifs or () if m.strip().lower() not in known), None)


# -- saving and analysing ----------------------------------------------------------------------


@dataclass
class Analysed:
    """What analysing a text before writing it gave: `result` (an analysis.Analysis) and
    `stored` (motifs, found emotion ids, matcher version) for the journal, or neither and a
    `warning` saying why (`deferred`: the text is too big to analyse now)."""

    result: object = None
    stored: Optional[tuple] = None
    warning: Optional[str] = None
    deferred: bool = False


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


@dataclass
class Saved:
    dream_id: int
    analysis: object  # an analysis.Analysis, or None when analysing failed or was deferred
    warning: Optional[str]


def save_dream(journal, dream, on_saved: Callable[[], None] = lambda: None) -> Saved:
    """Analyse a new dream, then write it and its analysis in one transaction (a kill leaves
    both or neither). `on_saved` runs as soon as the dream is safe (the CLI discards the
    editor's draft there). If the analysis failed, the dream is written without it."""
    outcome = analyse_text(dream.body)
    dream_id = journal.add(dream, analysis=outcome.stored)  # the dream is safe from here on
    on_saved()
    return Saved(dream_id, outcome.result, outcome.warning)


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


def merged_tags(current: list[str], add, drop) -> Optional[list[str]]:
    """`edit`'s tags: the dream's tags plus `add`, less `drop` (compared normalised); None
    when neither was given."""
    if not (add or drop):
        return None
    from dreamly.store import normalise_tag

    dropped = {normalise_tag(t) for t in drop or ()}
    return [t for t in [*current, *(add or ())] if normalise_tag(t) not in dropped]


def merged_feelings(current: list[dict], set_: list[tuple], drop) -> Optional[list[tuple]]:
    """`edit`'s feelings: the ones the user tagged, with `set_` (name, intensity) set and
    `drop` removed; None when that changes nothing (e.g. dropping a feeling the dream lacks)."""
    if not (set_ or drop):
        return None
    from dreamly.entry import parse_emotion

    dropped = {parse_emotion(e)[0] for e in drop or ()}
    before = {e["emotion"]: e["intensity"] for e in current if e["origin"] == "user"}
    mine = before | dict(set_)
    emotions = [(name, level) for name, level in mine.items() if name not in dropped]
    return None if dict(emotions) == before else emotions


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
