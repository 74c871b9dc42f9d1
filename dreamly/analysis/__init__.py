"""The matcher: rule-based motifs and feelings in a dream text, over the knowledge base
in dreamly/motifs.toml.

Stages, one module each:

* `knowledge` — loading motifs.toml (plus a personal file) and expanding its macros;
* `text` — sentences and clauses (`Clause`), who a clause is about, negation scope;
* `literals` — the prefilter: which literals a rule's matches must contain;
* `rules` — the `Matcher`: rules indexed by literal, run on a text, each hit checked;
* `pursuers` — who does the chasing, and fleeing danger implying fear;
* `results` — `Hit`, `Analysis`, `MATCHER_VERSION`.

Standard library only: this package is imported on the `add` path.
"""

from __future__ import annotations

from pathlib import Path

from dreamly.analysis.knowledge import BUILTIN_FILE, Knowledge, Motif, file_state, load_knowledge
from dreamly.analysis.results import MATCHER_VERSION, Analysis, Hit, merge_emotions
from dreamly.analysis.rules import Matcher

__all__ = ["MATCHER_VERSION", "BUILTIN_FILE", "Hit", "Analysis", "Knowledge", "Motif", "load_knowledge",
           "Matcher", "analyze", "merge_emotions", "matcher", "file_state"]

_MATCHERS: dict[tuple | None, Matcher] = {}


def matcher(user_file: Path | str | None = None) -> Matcher:
    """The process's Matcher for this knowledge (rules compile once, lazily)."""
    knowledge = load_knowledge(user_file)
    m = _MATCHERS.get(id(knowledge))
    if m is None or m.knowledge is not knowledge:
        if len(_MATCHERS) > 8:
            _MATCHERS.clear()
        m = _MATCHERS[id(knowledge)] = Matcher(knowledge)
    return m


def analyze(text: str, user_file: Path | str | None = None) -> Analysis:
    """Motifs and emotions in one dream text (rules compiled once per process)."""
    return matcher(user_file).analyze(text)
