"""How the weekly review looks: in the terminal (rich) and as Markdown. Decides nothing:
every number and finding comes from `patterns.review()`, and which sections and rows are
shown from `sections.sections()` (their `rows`; the page adds their `more`); this only
draws them and fits them to the terminal's width."""

from __future__ import annotations

from rich.panel import Panel
from rich.text import Text

from dreamly.render import console
from dreamly.review.sections import Section, sections
from dreamly.review.words import (day, empty_message, is_empty, label, link_sentence, now_word, per_week, pursuer_name,
                                  recurring_name, red_flag_lines, span, window_weeks)

TREND_MARKS = {"rising": ("↑ rising", "bold yellow"), "falling": ("↓ falling", "cyan"),
               "new": ("★ new", "bold magenta"), "steady": ("· steady", "dim"), "none": ("", "")}
HEAT = ("", "on grey27", "on dark_orange3", "on red3")  # cell backgrounds, none to most
SPARKS = "▁▂▃▄▅▆▇█"


# -- terminal -----------------------------------------------------------------------------------


def show(report: dict) -> None:
    """The review in the terminal, sections with nothing to say left out."""
    from dreamly.text import printable

    report = printable(report)  # titles and excerpts are dream text
    width = console.width
    w, b = report["window"], report["baseline"]
    console.print(Text.assemble(("Dream patterns", "bold"), "  ", (span(w["since"], w["until"]), "bold cyan")))
    console.print(Text(f"against the {b['weeks']} weeks before ({span(b['since'], b['until'])})", style="dim"))
    if is_empty(report):
        console.print()
        console.print(empty_message(report))
        return
    for section in sections(report):
        console.print()
        for line in TERMINAL[section.key](section, report, width):
            console.print(line)


def _item(marker: str, body: Text | str, width: int) -> Text:
    """A list item whose wrapped lines keep their indent (rich would wrap them to column 0)."""
    body = body if isinstance(body, Text) else Text(body)
    indent = len(marker)
    lines = body.wrap(console, max(20, width - indent))
    out = Text(marker)
    for i, line in enumerate(lines):
        if i:
            out.append("\n" + " " * indent)
        line.rstrip()
        out.append_text(line)
    return out


def _heading(title: str, note: str, width: int) -> Text:
    """A section title; its note moves to a line of its own when both don't fit."""
    text = Text(title, style="bold underline")
    if note:
        fits = len(title) + 2 + len(note) <= width
        text.append(f"  {note}" if fits else f"\n  {note}", style="dim")
    return text


FACT_STYLE = {"dreams": "bold", "nightmares": "red", "lucid": "cyan", "streak": "green"}


def _overview(section: Section, report: dict, width: int) -> list:
    line = Text()
    for i, (key, figure, words) in enumerate(section.rows):
        line.append(" · " if i else "")
        line.append(f"{figure} {words}", style=FACT_STYLE.get(key, ""))
        if key == "dreams":
            line.append(f" ({section.extra['before']})", style="dim")
    return [_heading("Overview", "", width), _item("  ", line, width)]


def _frequency(section: Section, report: dict, width: int) -> list:
    weeks = section.rows
    top = max(w["dreams"] for w in weeks)
    room = max(8, min(40, width - 20))
    highlighted = window_weeks(report)
    lines = [_heading("Dreams per week", f"last {len(weeks)} weeks", width)]
    for w in weeks:
        bar = "█" * round(room * w["dreams"] / top) if w["dreams"] else ""
        style = "bold cyan" if w["start"] in highlighted else "blue"
        lines.append(Text.assemble(f"  {day(w['start']):>6}  ", (bar, style), f" {w['dreams']}" if w["dreams"] else (" ·", "dim")))
    return lines


def _trend(trend: str) -> Text:
    mark, style = TREND_MARKS.get(trend, (trend, ""))
    return Text(mark, style=style)


def _count_rows(entries: list[tuple[str, dict, str]], width: int) -> list[Text]:
    """Rows of name, count now, weekly average before and trend, the name giving way first."""
    name_w = max(10, min(max(len(name) for name, _, _ in entries), width - 27))
    lines = []
    for name, row, style in entries:
        shown = name if len(name) <= name_w else name[: name_w - 1] + "…"
        lines.append(Text.assemble(
            "  ", (f"{shown:<{name_w}}", style), (f"{row['count']:>4}", "bold"),
            (f"{per_week(row['baseline']):>8}", "dim"), "   ", _trend(row["trend"]),
        ))
    return lines


def _motifs(section: Section, report: dict, width: int) -> list:
    family = section.extra["family"]
    entries = [("all can't-run dreams", m, "bold") if m is family else (label(m), m, "") for m in section.rows]
    return [_heading("Motifs", f"{now_word(report)} · weekly average before · change", width),
            *_count_rows(entries, width)]


def _emotion_map(section: Section, report: dict, width: int) -> list:
    rows = section.rows
    starts = [w["start"] for w in report["weeks"]]
    name_w = 14
    fit = max(4, min(len(starts), (width - name_w - 4) // 3))
    starts = starts[-fit:]
    top = max(max(e["weeks"][-fit:]) for e in rows) or 1
    highlighted = window_weeks(report)
    lines = [_heading("Feelings by week", f"{day(starts[0])} – {day(starts[-1])}, dreams per week", width)]
    for e in rows:
        line = Text(f"  {label(e)[:name_w]:<{name_w}}")
        for start, n in zip(starts, e["weeks"][-fit:]):
            if not n:
                line.append("  ·", style="dim")
                continue
            heat = HEAT[min(len(HEAT) - 1, 1 + (n * (len(HEAT) - 1) - 1) // top)]
            line.append(f"{n:>3}", style=f"bold {heat}" if start in highlighted else heat)
        lines.append(line)
    return lines


def _pursuers(section: Section, report: dict, width: int) -> list:
    sentence = section.extra["sentence"]
    if section.extra["quiet"]:  # a quiet week: one sentence, not a table of zeros
        return [_heading("Who or what chases you", "", width), _item("  ", sentence, width)]
    lines = [_heading("Who or what chases you", f"{now_word(report)} · weekly average before", width),
             *_count_rows([(pursuer_name(p), p, "") for p in section.rows], width)]
    if sentence:
        lines.append(_item("  ", Text(sentence, style="italic"), width))
    return lines


def _links(section: Section, report: dict, width: int) -> list:
    lines = [_heading("What travels together", "co-occurrence in these weeks, not cause", width)]
    for kind, link in section.rows:
        lines.append(_item("  • ", link_sentence(link, kind), width))
    return lines


def _recurring(section: Section, report: dict, width: int) -> list:
    lines = [_heading("Dreams that come back", "", width)]
    for g in section.rows:
        line = Text()
        line.append(f"{g['times']} times", style="bold magenta")
        line.append(f" — {recurring_name(g)}: ")
        line.append(", ".join(day(d) for d in g["dates"]))
        line.append(f" ({g['reason']})", style="dim")
        lines.append(_item("  • ", line, width))
    return lines


def _signs(section: Section, report: dict, width: int) -> list:
    from dreamly.render_signs import review_section

    return review_section(section.rows[0], width)


def _red_flag(section: Section, report: dict, width: int) -> list:
    seen, message = red_flag_lines(section.rows[0])
    body = Text(seen + "\n\n" + message)
    return [Panel(body, title="Worth noticing", title_align="left", border_style="yellow", padding=(0, 1),
                  width=min(width, 100))]


def _suggestions(section: Section, report: dict, width: int) -> list:
    lines = [_heading("To take with you", "", width)]
    for item in section.rows:
        lines.append(Text.assemble("  ", (item["label"], "bold yellow"), (f"  ({item['finding']})", "dim")))
        if item.get("question"):
            lines.append(_item("    ", Text.assemble("Ask yourself: ", (item["question"], "italic")), width))
        if item.get("try"):
            lines.append(_item("    ", Text.assemble("Try: ", item["try"]), width))
    return lines


TERMINAL = {"overview": _overview, "weeks": _frequency, "motifs": _motifs, "emotions": _emotion_map,
            "pursuers": _pursuers, "links": _links, "recurring": _recurring, "signs": _signs, "red_flag": _red_flag,
            "suggestions": _suggestions}


# -- markdown -----------------------------------------------------------------------------------


def markdown(report: dict) -> str:
    """The review as Markdown, for pasting into notes."""
    w, b = report["window"], report["baseline"]
    out = [f"# Dream patterns, {span(w['since'], w['until'])}", "",
           f"_Against the {b['weeks']} weeks before ({span(b['since'], b['until'])})._", ""]
    if is_empty(report):
        return "\n".join(out + [empty_message(report), ""])
    for section in sections(report):
        out += MARKDOWN[section.key](section, report)
    return "\n".join(out)


def _md_overview(section: Section, report: dict) -> list[str]:
    shown = [f"**{figure} {words}** ({section.extra['before']})" if key == "dreams" else f"{figure} {words}"
             for key, figure, words in section.rows]
    return ["## Overview", "", " · ".join(shown), ""]


def _md_weeks(section: Section, report: dict) -> list[str]:
    weeks = section.rows
    top = max(x["dreams"] for x in weeks)
    spark = "".join(SPARKS[min(7, (x["dreams"] * 8 - 1) // top)] if x["dreams"] else " " for x in weeks)
    return ["## Dreams per week", "", f"`{spark}` {day(weeks[0]['start'])} – {day(weeks[-1]['start'])} "
            f"({', '.join(str(x['dreams']) for x in weeks)})", ""]


def _md_motifs(section: Section, report: dict) -> list[str]:
    out = ["## Motifs", "", f"| motif | {now_word(report)} | weekly before | change |", "|---|--:|--:|---|"]
    for m in section.rows:
        name = "**all can't-run dreams**" if m is section.extra["family"] else label(m)
        out.append(f"| {name} | {m['count']} | {per_week(m['baseline'])} | {m['trend']} |")
    return out + [""]


def _md_emotions(section: Section, report: dict) -> list[str]:
    weeks = report["weeks"]
    out = ["## Feelings by week", "", "| feeling | " + " | ".join(day(x["start"]) for x in weeks) + " |",
           "|---|" + "--:|" * len(weeks)]
    for e in section.rows:
        out.append(f"| {label(e)} | " + " | ".join(str(n) if n else "·" for n in e["weeks"]) + " |")
    return out + [""]


def _md_pursuers(section: Section, report: dict) -> list[str]:
    out = ["## Who or what chases you", ""]
    out += [f"- {label(p)}: {p['count']} (before {per_week(p['baseline'])} a week, {p['trend']})" for p in section.rows]
    if section.extra["sentence"]:
        out += ["", f"_{section.extra['sentence']}_"]
    return out + [""]


def _md_links(section: Section, report: dict) -> list[str]:
    return ["## What travels together", "", "_Co-occurrence, not cause._", "",
            *(f"- {link_sentence(link, kind)}" for kind, link in section.rows), ""]


def _md_recurring(section: Section, report: dict) -> list[str]:
    return ["## Dreams that come back", "",
            *(f"- {g['times']} times — {recurring_name(g)}: {', '.join(day(d) for d in g['dates'])} ({g['reason']})"
              for g in section.rows), ""]


def _md_signs(section: Section, report: dict) -> list[str]:
    from dreamly.review.sign_words import markdown_section

    return markdown_section(section.rows[0])


def _md_red_flag(section: Section, report: dict) -> list[str]:
    seen, message = red_flag_lines(section.rows[0])
    return ["## Worth noticing", "", f"> {seen}", ">", f"> {message}", ""]


def _md_suggestions(section: Section, report: dict) -> list[str]:
    out = ["## To take with you", ""]
    for item in section.rows:
        out.append(f"- **{item['label']}** ({item['finding']})")
        if item.get("question"):
            out.append(f"  - Ask yourself: {item['question']}")
        if item.get("try"):
            out.append(f"  - Try: {item['try']}")
    return out + [""]


MARKDOWN = {"overview": _md_overview, "weeks": _md_weeks, "motifs": _md_motifs, "emotions": _md_emotions,
            "pursuers": _md_pursuers, "links": _md_links, "recurring": _md_recurring, "signs": _md_signs,
            "red_flag": _md_red_flag, "suggestions": _md_suggestions}
