"""The weekly review in words: dates, counts and sentences shared by the terminal view, the
Markdown and the HTML page, so all three say the same thing the same way (which sections
and rows they show is review/sections.py's). Plain strings only: no rich, no markup."""

from __future__ import annotations

from datetime import date

def day(text: str, *, year: bool = False) -> str:
    d = date.fromisoformat(text)
    return f"{d.day} {d:%b}" + (f" {d.year}" if year else "")


def span(since: str, until: str) -> str:
    a, b = date.fromisoformat(since), date.fromisoformat(until)
    if a == b:
        return day(since, year=True)
    return f"{day(since, year=a.year != b.year)} – {day(until, year=True)}"


def per_week(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value else "0"


def label(row: dict) -> str:
    return row.get("label") or row["id"].replace("_", " ")


def is_empty(report: dict) -> bool:
    return report["overview"]["dreams"] == 0


def empty_message(report: dict) -> str:
    w = report["window"]
    return (f"No dreams from {span(w['since'], w['until'])}. Write one with `dreamly add`, "
            "or look at another stretch with --since/--until (or `dreamly demo` for a sample journal).")


def now_word(report: dict) -> str:
    return "this week" if report["window"]["days"] == 7 else "in these days"


def window_weeks(report: dict) -> set[str]:
    """Week starts (Mondays) that overlap the window, to highlight them."""
    since, until = (date.fromisoformat(report["window"][k]) for k in ("since", "until"))
    return {w["start"] for w in report["weeks"]
            if date.fromisoformat(w["start"]) <= until and (date.fromisoformat(w["start"]) - since).days > -7}


def capital(text: str) -> str:
    """The first letter upper case, the rest as it is."""
    return text[:1].upper() + text[1:]


def pursuer_name(row: dict) -> str:
    """"Pursuer: animal" is just "Animal" under the heading that already says who chases."""
    return capital(label(row).split(": ", 1)[-1])


def pursuer_shift_sentence(report: dict) -> str | None:
    """Who chased the dreamer lately against before, in one sentence (None when the review
    has no pursuer at all)."""
    shift = report.get("pursuer_shift")
    if not shift:
        return None
    rows = {p["id"]: p for p in report["pursuers"]}

    def who(key: str) -> str | None:
        """"mostly animal", or "animal and stranger or monster alike" for a tie."""
        tied = [rows[i] for i in shift.get(f"{key}_tied") or [shift.get(key)] if i in rows]
        if not tied:
            return None
        names = [pursuer_name(p).lower() for p in tied]
        if len(names) == 1:
            return f"mostly {names[0]}"
        return f"{', '.join(names[:-1])} and {names[-1]} alike"

    now, before = who("now"), who("before")
    if now is None:
        before_row = rows[(shift.get("before_tied") or [shift["before"]])[0]]
        return (f"Nothing chased you {now_word(report)}; before, {before} "
                f"({per_week(before_row['baseline'])} a week{' each' if ' alike' in before else ''}).")
    if before is None:
        return f"{capital(now)} {now_word(report)}; nothing chased you before."
    if now == before:
        return f"{capital(now)}, now as before."
    return f"Lately {now}; before, {before}."


def link_sentence(link: dict, target_key: str) -> str:
    """One co-occurrence in words: 'tends to come with', never 'causes'."""
    target = (link.get("label") or link[target_key].replace("_", " ")).lower()
    if target_key == "emotion":
        target = f"feeling {target}"
    source = f"the tag “{link['tag']}”" if link["via"] == "tag" else f"“{link['tag']}” in your waking-life notes"
    share = (f"in all {link['count']} of its dreams" if link["count"] == link["with_tag"]
             else f"in {link['count']} of its {link['with_tag']} dreams")
    return f"{source} tends to come with {target}: {share}, {link['lift']:.1f}× the usual rate"


def red_flag_lines(flag: dict) -> tuple[str, str]:
    """What was seen, and the calm suggestion (from the knowledge base when it has one)."""
    shown = flag["weeks"][-3:]  # a long run is named by its latest weeks
    weeks = ("…, " if len(flag["weeks"]) > len(shown) else "") + ", ".join(
        f"week of {day(w['start'])}: {w['dreams']}" for w in shown)
    seen = f"You wrote down {flag['reason']} ({weeks})."
    return seen, flag["message"]  # patterns.review fills it, from the knowledge base or its fallback


def recurring_name(group: dict) -> str:
    """Motif-set repeats are named by their motifs, text repeats by their latest title."""
    if group.get("motif_labels") and "same motifs" in group["reason"]:
        return " + ".join(group["motif_labels"]).lower()
    return f"“{group['title']}”"
