"""Which sections the weekly review has, and which rows each shows: decided here, once, for
the terminal, the Markdown and the page (review/terminal.py, review/page.py), which only
draw what `sections()` gives them. Plain data, no rendering.

Each section has `rows`, what every view shows, and `more`, the rest of the same findings:
the page (the complete view) adds them, folded or in its charts; the terminal and the
Markdown, made to be read at a glance, leave them out. A section is in the review when it
has rows; the order of `sections()` is the order of every view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dreamly.review.words import per_week

MAX_MOTIFS = 10
MAX_EMOTIONS = 8
MAX_LINKS = 5
MIN_EMOTION_LINKS = 2  # feelings' links are shown even when the motifs' fill MAX_LINKS
MAX_RECURRING = 4


@dataclass
class Section:
    key: str  # overview, weeks, motifs, emotions, pursuers, links, signs, recurring, red_flag, suggestions
    rows: list
    more: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # what a section says besides its rows (see each builder)


def sections(report: dict) -> list[Section]:
    """The review's sections, in order; none for a review with no dreams (each view then
    says so with `words.empty_message`)."""
    if report["overview"]["dreams"] == 0:
        return []
    built = (_overview(report), _weeks(report), _motifs(report), _emotions(report), _pursuers(report),
             _links(report), _recurring(report), _signs(report), _red_flag(report), _suggestions(report))
    return [section for section in built if section is not None and section.rows]


def facts(report: dict) -> list[tuple[str, str, str]]:
    """The overview as (key, figure, words): the dreams always, the rest when there is
    something to say (the weekly average before is the section's `extra["before"]`)."""
    o = report["overview"]
    out = [("dreams", str(o["dreams"]), f"dream{'' if o['dreams'] == 1 else 's'}")]
    if o["nightmares"]:
        out.append(("nightmares", str(o["nightmares"]), f"nightmare{'' if o['nightmares'] == 1 else 's'}"))
    if o["lucid"]:
        out.append(("lucid", str(o["lucid"]), "lucid"))
    if o["sleep_quality"] is not None:
        out.append(("sleep", f"{o['sleep_quality']}/5", "sleep on average"))
    if o["streak"] > 1:
        out.append(("streak", str(o["streak"]), "mornings in a row written down"))
    return out


def _overview(report: dict) -> Section:
    return Section("overview", facts(report),
                   extra={"before": f"before: {per_week(report['overview']['baseline'])} a week"})


def _weeks(report: dict) -> Section:
    weeks = report["weeks"]
    return Section("weeks", weeks if any(w["dreams"] for w in weeks) else [])


def _motifs(report: dict) -> Section:
    """Rows: motifs seen in the window, or falling (pursuers have their own section), and
    the can't-run family as the last row (`extra["family"]`, its row or None). More: the
    other motifs, those seen now and those of the weeks before only (count 0)."""
    pursuers = {p["id"] for p in report["pursuers"]}
    own = [m for m in report["motifs"] if m["id"] not in pursuers]
    listed = [m for m in own if m["count"] or m["trend"] == "falling"]
    quiet = [m for m in own if not (m["count"] or m["trend"] == "falling")]
    family = report.get("cant_run")
    rows = listed[:MAX_MOTIFS] + ([family] if family else [])
    return Section("motifs", rows, more=listed[MAX_MOTIFS:] + quiet, extra={"family": family})


def _emotions(report: dict) -> Section:
    weekly = [e for e in report["emotions"] if any(e.get("weeks", ()))]
    rest = [e for e in report["emotions"] if not any(e.get("weeks", ()))]
    return Section("emotions", weekly[:MAX_EMOTIONS], more=weekly[MAX_EMOTIONS:] + rest)


def _pursuers(report: dict) -> Section:
    """Rows: every pursuer of the window or the weeks before. `extra["quiet"]`: none chased
    now (a view says it in a sentence rather than a table of zeros)."""
    from dreamly.review.words import pursuer_shift_sentence

    rows = [p for p in report["pursuers"] if p["count"] or p["baseline"]]
    return Section("pursuers", rows, extra={"sentence": pursuer_shift_sentence(report),
                                            "quiet": not any(p["count"] for p in rows)})


def _links(report: dict) -> Section:
    """Rows: ("motif" | "emotion", link), the motifs' first."""
    motif_links = [("motif", link) for link in report["links"]]
    emotion_links = [("emotion", link) for link in report.get("emotion_links", [])]
    shown_motifs = motif_links[:MAX_LINKS]
    shown_emotions = emotion_links[:max(MAX_LINKS - len(shown_motifs), MIN_EMOTION_LINKS)]
    return Section("links", shown_motifs + shown_emotions,
                   more=motif_links[MAX_LINKS:] + emotion_links[len(shown_emotions):])


def _recurring(report: dict) -> Section:
    groups = report["recurring"]
    return Section("recurring", groups[:MAX_RECURRING], more=groups[MAX_RECURRING:])


def _signs(report: dict) -> Section:
    from dreamly.review.sign_words import is_quiet

    signs = report.get("signs")
    return Section("signs", [] if is_quiet(signs) else [signs])


def _red_flag(report: dict) -> Section:
    flag = report.get("red_flag")
    return Section("red_flag", [flag] if flag else [])


def _suggestions(report: dict) -> Section:
    return Section("suggestions", list(report.get("suggestions") or []))
