"""How dream signs look in the terminal: `dreamly signs`, `dreamly tonight`, and the
review's "dream signs" section. Decides nothing (numbers come from sign_review, sentences
from sign_words). Calm on purpose: few colours, no dim text for what matters, so it reads
in a dark room on a dimmed screen.
"""

from __future__ import annotations

from rich.text import Text

from dreamly.render import console, errors
from dreamly.review.words import day
from dreamly.review.sign_words import (NEW, STRONGEST, dreams_word, in_lucid_sentence, is_quiet, lucid_sentence, names,
                                sign_list, span_words, week_rates)
from dreamly.text import printable

KIND_STYLE = {"person": "magenta", "place": "cyan", "thing": "yellow", "motif": "green", "personal motif": "green"}


def _excerpt(item: dict, width: int) -> Text:
    line = Text("    “")
    line.append(item.get("before", ""))
    line.append(item.get("words", ""), style="bold underline")
    line.append(item.get("after", ""))
    line.append("”")
    line.append(f"  {day(item['dreamt_on'])}", style="italic")
    return _wrapped(line, width, 5)


def _wrapped(text: Text, width: int, indent: int) -> Text:
    lines = text.wrap(console, max(20, width))
    out = Text()
    for i, line in enumerate(lines):
        if i:
            out.append("\n" + " " * indent)
            line = line[len(line.plain) - len(line.plain.lstrip()):]
        out.append_text(line)
    return out


def signs_list(report: dict) -> None:
    report = printable(report)
    width = console.width
    signs = report["signs"]
    if not signs:
        if report["dreams"] == 0:
            errors.print("No dreams yet, so no dream signs. Write one with: dreamly add")
        elif report["order"] == "lucid lift":
            errors.print("No sign stands out in your lucid dreams yet: it takes two lucid dreams with the same sign.")
        else:
            errors.print("No dream signs yet: a sign is something that comes back, in two dreams at least.")
        return
    what = "most associated with lucid dreams" if report["order"] == "lucid lift" else "best first"
    head = Text.assemble(("Dream signs", "bold"), f"  {what} · from {dreams_word(report['dreams'])}")
    console.print(head)
    for n, sign in enumerate(signs, 1):
        console.print()
        line = Text(f"{n:>2}. ")
        line.append(sign["label"], style="bold")
        line.append(f"  {sign['kind']}", style=KIND_STYLE.get(sign["kind"], ""))
        line.append(f"  {dreams_word(sign['dreams'])} · {span_words(sign)}")
        if report["order"] == "lucid lift":
            line.append(f" · {sign['lucid_dreams']} lucid, {sign['lift']:.1f}× the usual rate")
        console.print(_wrapped(line, width, 4))
        for item in sign.get("excerpts", ()):
            if item.get("words"):
                console.print(_excerpt(item, width))
    notes = []
    if report["more"]:
        notes.append(f"{report['more']} more (--limit)")
    if report["hidden"]:
        notes.append(f"{report['hidden']} hidden (--hidden lists them)")
    if notes:
        console.print()
        console.print(Text(" · ".join(notes), style="italic"))


def hidden_list(signs: list[str]) -> None:
    if not signs:
        errors.print("No hidden signs.")
        return
    for sign in sorted(signs):
        console.print(sign)


def tonight(data: dict) -> None:
    """Short and calm: the endings to read, then the signs to notice."""
    data = printable(data)
    width = min(console.width, 72)
    endings, signs = data["rehearsals"], data["signs"]
    if data["dream"] is None and not endings:
        console.print("Nothing for tonight yet. Write down the next dream you remember with: dreamly add")
        return
    console.print(Text("For tonight", style="bold"))
    if endings:
        console.print()
        console.print(Text("Read slowly, and picture it as you drift off:"))
        for item in endings:
            head = Text("  ")
            head.append(item["title"] or f"the dream of {day(item['dreamt_on'], year=True)}", style="bold")
            if item.get("recurring"):
                head.append("  (recurring)")
            console.print(head)
            console.print(_wrapped(Text("  " + " ".join(item["body"].split())), width, 2))
    if signs:
        console.print()
        console.print(Text("If these come back, you may be dreaming:"))
        for sign in signs:
            line = Text("  • ")
            line.append(sign["label"], style="bold")
            line.append(f" ({dreams_word(sign['dreams'])})")
            console.print(line)
        console.print()
        console.print(Text("Say it once, slowly:"))
        for sign in signs:
            console.print(_wrapped(Text("  " + sign["intention"], style="italic"), width, 2))
    elif data["dream"] is not None:
        console.print()
        console.print(_wrapped(Text("No dream signs from your last dream yet. Tonight, simply intend to notice "
                                    "when something feels odd, and ask: am I dreaming?"), width, 0))


def review_section(section: dict | None, width: int) -> list:
    """The weekly review's "dream signs" block, as lines for render_patterns."""
    if is_quiet(section):
        return []
    lines = [Text.assemble(("Dream signs", "bold underline"))]
    lines.append(_wrapped(Text("  " + lucid_sentence(section)), width, 2))
    lines.append(_wrapped(Text("  Lucid rate by week: " + week_rates(section)), width, 2))
    if section["new"]:
        lines.append(_wrapped(Text.assemble(f"  {NEW} ", names(section["new"])), width, 4))
    if section["strongest"]:
        lines.append(_wrapped(Text.assemble(f"  {STRONGEST} ", sign_list(section["strongest"])), width, 4))
    for s in section["in_lucid"]:
        lines.append(_wrapped(Text.assemble("  In lucid dreams: ", in_lucid_sentence(s)), width, 4))
    return lines
