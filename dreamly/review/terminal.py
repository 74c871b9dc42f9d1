"""How the weekly review looks: in the terminal (rich) and as Markdown. Decides nothing:
every number and finding comes from `patterns.review()`; this only hides empty sections
and fits the rest to the terminal's width."""

from __future__ import annotations

from rich.panel import Panel
from rich.text import Text

from dreamly.render import console
from dreamly.review.words import (MAX_EMOTIONS, MAX_LINKS, MAX_MOTIFS, MAX_RECURRING, day, empty_message, is_empty,
                                  label, link_sentence, motif_rows, now_word, per_week, pursuer_name, pursuer_shift_sentence,
                                  recurring_name,
                                  red_flag_lines, span, window_weeks)

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
    for section in (_overview, _frequency, _motifs, _emotion_map, _pursuers, _links, _recurring, _red_flag,
                    _suggestions):
        block = section(report, width)
        if block:
            console.print()
            for line in block:
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


def _overview(report: dict, width: int) -> list:
    o = report["overview"]
    line = Text.assemble((f"{o['dreams']} dream" + ("s" if o["dreams"] != 1 else ""), "bold"),
                         (f" (before: {per_week(o['baseline'])} a week)", "dim"))
    facts = []
    if o["nightmares"]:
        facts.append((f"{o['nightmares']} nightmare" + ("s" if o["nightmares"] != 1 else ""), "red"))
    if o["lucid"]:
        facts.append((f"{o['lucid']} lucid", "cyan"))
    if o["sleep_quality"] is not None:
        facts.append((f"slept {o['sleep_quality']}/5 on average", ""))
    if o["streak"] > 1:
        facts.append((f"recall streak {o['streak']} mornings", "green"))
    for fact in facts:
        line.append(" · ")
        line.append(*fact)
    return [_heading("Overview", "", width), _item("  ", line, width)]


def _frequency(report: dict, width: int) -> list:
    weeks = report["weeks"]
    if sum(w["dreams"] for w in weeks) == 0:
        return []
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


def _motifs(report: dict, width: int) -> list:
    rows = motif_rows(report)[:MAX_MOTIFS]
    family = report.get("cant_run")
    if not rows and not family:
        return []
    entries = [(label(m), m, "") for m in rows]
    if family:
        entries.append(("all can't-run dreams", family, "bold"))
    return [_heading("Motifs", f"{now_word(report)} · weekly average before · change", width),
            *_count_rows(entries, width)]


def _emotion_map(report: dict, width: int) -> list:
    rows = [e for e in report["emotions"] if any(e.get("weeks", ()))][:MAX_EMOTIONS]
    if not rows:
        return []
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


def _pursuers(report: dict, width: int) -> list:
    rows = [p for p in report["pursuers"] if p["count"] or p["baseline"]]
    if not rows:
        return []
    shift = report.get("pursuer_shift")
    if not any(p["count"] for p in rows):  # a quiet week: one sentence, not a table of zeros
        return [_heading("Who or what chases you", "", width), _item("  ", pursuer_shift_sentence(report), width)]
    lines = [_heading("Who or what chases you", f"{now_word(report)} · weekly average before", width),
             *_count_rows([(pursuer_name(p), p, "") for p in rows], width)]
    if shift and shift["now"] and shift["before"] and shift["now"] != shift["before"]:  # only a change is news here
        lines.append(_item("  ", Text(pursuer_shift_sentence(report), style="italic"), width))
    return lines


def _links(report: dict, width: int) -> list:
    motif_links = report["links"][:MAX_LINKS]
    emotion_links = report.get("emotion_links", [])[:max(0, MAX_LINKS - len(motif_links)) or 2]
    if not motif_links and not emotion_links:
        return []
    lines = [_heading("What travels together", "co-occurrence in these weeks, not cause", width)]
    for link in motif_links:
        lines.append(_item("  • ", link_sentence(link, "motif"), width))
    for link in emotion_links:
        lines.append(_item("  • ", link_sentence(link, "emotion"), width))
    return lines


def _recurring(report: dict, width: int) -> list:
    groups = report["recurring"][:MAX_RECURRING]
    if not groups:
        return []
    lines = [_heading("Dreams that come back", "", width)]
    for g in groups:
        line = Text()
        line.append(f"{g['times']} times", style="bold magenta")
        line.append(f" — {recurring_name(g)}: ")
        line.append(", ".join(day(d) for d in g["dates"]))
        line.append(f" ({g['reason']})", style="dim")
        lines.append(_item("  • ", line, width))
    return lines


def _red_flag(report: dict, width: int) -> list:
    flag = report.get("red_flag")
    if not flag:
        return []
    seen, message = red_flag_lines(flag)
    body = Text(seen + "\n\n" + message)
    return [Panel(body, title="Worth noticing", title_align="left", border_style="yellow", padding=(0, 1),
                  width=min(width, 100))]


def _suggestions(report: dict, width: int) -> list:
    items = report.get("suggestions") or []
    if not items:
        return []
    lines = [_heading("To take with you", "", width)]
    for item in items:
        lines.append(Text.assemble("  ", (item["label"], "bold yellow"), (f"  ({item['finding']})", "dim")))
        if item.get("question"):
            lines.append(_item("    ", Text.assemble("Ask yourself: ", (item["question"], "italic")), width))
        if item.get("try"):
            lines.append(_item("    ", Text.assemble("Try: ", item["try"]), width))
    return lines


# -- markdown -----------------------------------------------------------------------------------


def markdown(report: dict) -> str:
    """The review as Markdown, for pasting into notes."""
    w, b, o = report["window"], report["baseline"], report["overview"]
    out = [f"# Dream patterns, {span(w['since'], w['until'])}", "",
           f"_Against the {b['weeks']} weeks before ({span(b['since'], b['until'])})._", ""]
    if is_empty(report):
        return "\n".join(out + [empty_message(report), ""])
    facts = [f"**{o['dreams']} dreams** (before: {per_week(o['baseline'])} a week)"]
    if o["nightmares"]:
        facts.append(f"{o['nightmares']} nightmares")
    if o["lucid"]:
        facts.append(f"{o['lucid']} lucid")
    if o["sleep_quality"] is not None:
        facts.append(f"slept {o['sleep_quality']}/5 on average")
    if o["streak"] > 1:
        facts.append(f"recall streak {o['streak']} mornings")
    out += ["## Overview", "", " · ".join(facts), ""]
    weeks = report["weeks"]
    if any(x["dreams"] for x in weeks):
        top = max(x["dreams"] for x in weeks)
        spark = "".join(SPARKS[min(7, (x["dreams"] * 8 - 1) // top)] if x["dreams"] else " " for x in weeks)
        out += ["## Dreams per week", "", f"`{spark}` {day(weeks[0]['start'])} – {day(weeks[-1]['start'])} "
                f"({', '.join(str(x['dreams']) for x in weeks)})", ""]
    rows = motif_rows(report)[:MAX_MOTIFS]
    if rows or report.get("cant_run"):
        out += ["## Motifs", "", f"| motif | {now_word(report)} | weekly before | change |", "|---|--:|--:|---|"]
        for m in rows:
            out.append(f"| {label(m)} | {m['count']} | {per_week(m['baseline'])} | {m['trend']} |")
        if report.get("cant_run"):
            f = report["cant_run"]
            out.append(f"| **all can't-run dreams** | {f['count']} | {per_week(f['baseline'])} | {f['trend']} |")
        out.append("")
    emotions = [e for e in report["emotions"] if any(e.get("weeks", ()))][:MAX_EMOTIONS]
    if emotions:
        out += ["## Feelings by week", "", "| feeling | " + " | ".join(day(x["start"]) for x in weeks) + " |",
                "|---|" + "--:|" * len(weeks)]
        for e in emotions:
            out.append(f"| {label(e)} | " + " | ".join(str(n) if n else "·" for n in e["weeks"]) + " |")
        out.append("")
    pursuers = [p for p in report["pursuers"] if p["count"] or p["baseline"]]
    if pursuers:
        out += ["## Who or what chases you", ""]
        out += [f"- {label(p)}: {p['count']} (before {per_week(p['baseline'])} a week, {p['trend']})" for p in pursuers]
        out.append("")
    links = [("motif", x) for x in report["links"][:MAX_LINKS]] + [("emotion", x) for x in report.get("emotion_links", [])[:2]]
    if links:
        out += ["## What travels together", "", "_Co-occurrence, not cause._", ""]
        out += [f"- {link_sentence(x, key)}" for key, x in links]
        out.append("")
    if report["recurring"]:
        out += ["## Dreams that come back", ""]
        out += [f"- {g['times']} times — {recurring_name(g)}: {', '.join(day(d) for d in g['dates'])} ({g['reason']})"
                for g in report["recurring"][:MAX_RECURRING]]
        out.append("")
    if report.get("red_flag"):
        seen, message = red_flag_lines(report["red_flag"])
        out += ["## Worth noticing", "", f"> {seen}", ">", f"> {message}", ""]
    if report.get("suggestions"):
        out += ["## To take with you", ""]
        for item in report["suggestions"]:
            out.append(f"- **{item['label']}** ({item['finding']})")
            if item.get("question"):
                out.append(f"  - Ask yourself: {item['question']}")
            if item.get("try"):
                out.append(f"  - Try: {item['try']}")
        out.append("")
    return "\n".join(out)
