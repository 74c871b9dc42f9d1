"""Analysing a dream before it is written, so that its text and its analysis go into the
journal in one transaction (`add`, `edit --text`, the editor).

The matcher runs first, in memory; the dream and what was found are then written together.
If the matcher fails, or the dream is too big to analyse at once, the dream is written
without analysis: it is never held back for it. Such a dream has no `dream_analysis` row,
so `dreamly check` reports it and `dreamly reanalyze` finishes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dreamly.errors import DreamlyError

# Above this size (UTF-8 bytes), `add` saves at once and leaves the analysis to `reanalyze`.
# The matcher's own threshold, once `dreamly.analysis` exposes one, wins.
DEFER_ANALYSIS_ABOVE = 200_000


def defer_threshold() -> int:
    try:
        from dreamly import analysis  # the matcher's package, once it exists

        return int(getattr(analysis, "DEFER_ANALYSIS_ABOVE", DEFER_ANALYSIS_ABOVE))
    except ImportError:
        return DEFER_ANALYSIS_ABOVE


@dataclass
class Outcome:
    """What analysing a text gave: `result` (an Analysis) and `stored` (motifs, found emotion
    ids, matcher version) for the journal, or neither and a `warning` saying why."""

    result: object | None = None
    stored: tuple | None = None
    warning: str | None = None
    deferred: bool = False


def analyse_text(body: str, user_file: Path | None) -> Outcome:
    """Run the matcher on `body`; never raises (the dream matters more than its analysis)."""
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > defer_threshold():
        return Outcome(deferred=True, warning=(
            f"the dream is {size // 1000:,} KB, so its analysis is deferred; "
            "run `dreamly reanalyze` to analyse it"))
    try:
        from dreamly import analysis

        result = analysis.analyze(body, user_file=user_file)
        return Outcome(result=result, stored=(result.motifs, list(result.emotion_ids()), analysis.MATCHER_VERSION))
    except DreamlyError as exc:
        return Outcome(warning=f"the dream is saved, but it was not analysed: {exc}")
    except Exception as exc:  # noqa: BLE001 - analysis is optional, the dream is not
        if os.environ.get("DREAMLY_DEBUG"):
            raise
        return Outcome(warning=f"the dream is saved, but analysing it failed ({type(exc).__name__}); "
                               "run `dreamly reanalyze` later")
