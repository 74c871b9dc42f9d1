"""The matcher: rule-based motifs and feelings in a dream text, over the knowledge base
in dreamly/motifs.toml.

Stages, one module each:

* `knowledge` — loading motifs.toml (plus a personal file) and expanding its macros;
* `text` — sentences and clauses (`Clause`), who a clause is about, negation scope;
* `literals` — the prefilter: which literals a rule's matches must contain;
* `rules` — the `Matcher`: rules indexed by literal, run on a text, each hit checked;
* `pursuers` — who does the chasing, and fleeing danger implying fear;
* `lexicons` — the emotion lexicons as rules (words, judging words, typed forms), feeling names (`feeling_family`);
* `feelings` — whose feeling a hit is, and where negation reaches it from;
* `results` — `Hit`, `Analysis`, `MATCHER_VERSION`.

Standard library only: this package is imported on the `add` path.
"""

from __future__ import annotations

from pathlib import Path

from dreamly.analysis.knowledge import (
    BUILTIN_FILE,
    Knowledge,
    Motif,
    file_state,
    load_knowledge,
)
from dreamly.analysis.lexicons import feeling_family
from dreamly.analysis.results import MATCHER_VERSION, Analysis, Hit
from dreamly.analysis.rules import Matcher

# Texts longer than this (characters) are saved by `add` at once and analysed later
# (`reanalyze`): analysis is linear, about 1 s per 100 KB on a loaded machine, too slow to
# wait for while saving a dream.
ANALYSE_INLINE_LIMIT = 50_000


def too_big_to_analyse_now(text: str) -> bool:
    """Whether `add` should defer this text's analysis instead of running it inline."""
    return len(text) > ANALYSE_INLINE_LIMIT


__all__ = ["ANALYSE_INLINE_LIMIT", "too_big_to_analyse_now", "MATCHER_VERSION", "BUILTIN_FILE", "Hit", "Analysis", "Knowledge", "Motif", "load_knowledge",
           "Matcher", "analyze", "matcher", "file_state", "feeling_family"]

_MATCHERS: dict[tuple | None, Matcher] = {}


def matcher(user_file: Path | str | None = None) -> Matcher:
    """The process's Matcher for this knowledge (rules compile once, lazily)."""
    if not _MATCHERS:  # the process's first: the one built by an earlier process, if still good
        from dreamly.analysis import cache

        m = cache.adopt(user_file)
        if m is not None:
            _MATCHERS[id(m.knowledge)] = m
            return m
    knowledge = load_knowledge(user_file)
    m = _MATCHERS.get(id(knowledge))
    if m is None or m.knowledge is not knowledge:
        if len(_MATCHERS) > 8:
            _MATCHERS.clear()
        m = _MATCHERS[id(knowledge)] = Matcher(knowledge)
        if len(_MATCHERS) == 1:
            from dreamly.analysis import cache

            cache.save(user_file, m)
    return m


def analyze(text: str, user_file: Path | str | None = None) -> Analysis:
    """Motifs and emotions in one dream text (rules compiled once per process)."""
    return matcher(user_file).analyze(text)
