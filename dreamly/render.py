"""How things look in the terminal: rich tables, marked text, bars. Decides nothing.

Imported only by commands that draw something, so `dreamly add` never pays for rich.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dreamly.model import motif_ids, others_motif_ids
from dreamly.text import first_words, printable

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def dream_motif_ids(dream: dict) -> list[str]:
    """The dreamer's own motifs (what `patterns` counts), in text order."""
    return motif_ids(dream, dreamers_only=True)


FLAG_MARKS = (("nightmare", "N", "red"), ("lucid", "L", "cyan"), ("recurring", "R", "magenta"))


def flags(dream: dict) -> Text:
    text = Text()
    for key, mark, style in FLAG_MARKS:
        if dream.get(key):
            text.append(mark, style=style)
    return text


def dream_table(dreams: list[dict], empty: str) -> None:
    """One line per dream. Widths are worked out here so the dream text, not the tags,
    gives way on a narrow terminal (rich would squeeze every wrappable column instead)."""
    dreams = printable(dreams)
    if not dreams:
        errors.print(empty)
        return
    rows = []
    for dream in dreams:
        rows.append((
            str(dream["id"]), dream["dreamt_on"], flags(dream),
            dream["title"] or first_words(dream["body"], 200), bool(dream["title"]),
            ", ".join(dream_motif_ids(dream)), ", ".join(dream["tags"]),
        ))
    id_w = max(2, *(len(r[0]) for r in rows))
    flag_w = max(len(r[2]) for r in rows)
    motif_w = min(32, max(len(r[5]) for r in rows))
    tag_w = min(20, max(len(r[6]) for r in rows))
    gaps = 2
    fixed = id_w + gaps + 10 + gaps + (flag_w + gaps if flag_w else 0)
    room = console.width - fixed
    show_tags = tag_w and room - (tag_w + gaps) - (motif_w + gaps if motif_w else 0) >= 24
    show_motifs = motif_w and room - (motif_w + gaps) - (tag_w + gaps if show_tags else 0) >= 20
    dream_w = room - (motif_w + gaps if show_motifs else 0) - (tag_w + gaps if show_tags else 0)
    dream_w = max(12, min(dream_w, max(len(r[3]) for r in rows)))

    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, gaps, 0, 0), collapse_padding=True)
    table.add_column("id", justify="right", style="dim", no_wrap=True, width=id_w)
    table.add_column("date", no_wrap=True, width=10)
    if flag_w:
        table.add_column("", no_wrap=True, width=flag_w)
    table.add_column("dream", no_wrap=True, overflow="ellipsis", width=dream_w)
    if show_motifs:
        table.add_column("motifs", style="yellow", no_wrap=True, overflow="ellipsis", width=motif_w)
    if show_tags:
        table.add_column("tags", style="green", no_wrap=True, overflow="ellipsis", width=tag_w)
    for ident, day, marks, text, is_title, motifs, tags in rows:
        cells = [ident, day]
        if flag_w:
            cells.append(marks)
        cells.append(Text(text, style="bold" if is_title else ""))
        if show_motifs:
            cells.append(Text(motifs))
        if show_tags:
            cells.append(Text(tags))  # a Text, never markup: a tag `[/]` or `[link=…]` is shown as typed
        table.add_row(*cells)
    console.print(table)


def marked_body(body: str, motifs: list[dict]) -> Text:
    """The dream's text with the words behind each motif underlined."""
    text = Text(body)
    for hit in motifs:
        start, end = hit.get("start"), hit.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body):
            text.stylize("bold yellow underline", start, end)
    return text


def dream_detail(dream: dict, knowledge=None) -> None:
    dream = printable(dream)
    header = Text()
    header.append(f"#{dream['id']}  ", style="dim")
    header.append(dream["dreamt_on"], style="bold")
    if dream["title"]:
        header.append(f"  {dream['title']}", style="bold")
    marks = [key for key, _, _ in FLAG_MARKS if dream.get(key)]
    if marks:
        header.append("  (" + ", ".join(marks) + ")", style="magenta")
    if dream.get("lucidity"):
        header.append(f"  lucidity {dream['lucidity']}/5", style="cyan")
    if dream.get("sleep_quality"):
        header.append(f"  sleep {dream['sleep_quality']}/5", style="dim")
    console.print(header)
    console.print()
    console.print(marked_body(dream["body"], dream.get("motifs", [])))
    console.print()
    if dream.get("context"):
        console.print(Text.assemble(("Waking life: ", "bold"), dream["context"]))
    if dream.get("tags"):
        console.print(Text.assemble(("Tags: ", "bold"), (", ".join(dream["tags"]), "green")))
    if dream.get("emotions"):
        parts = []
        for e in dream["emotions"]:
            level = f":{e['intensity']}" if e.get("intensity") else ""
            parts.append(f"{e['emotion']}{level}" + (" (found in text)" if e["origin"] == "text" else ""))
        console.print(Text.assemble(("Feelings: ", "bold"), ", ".join(parts)))
    motif_ids = dream_motif_ids(dream)
    chosen = next((r["answer"] for r in dream.get("reflections", []) if r["question"] == "pursuer"), None)
    if motif_ids:
        console.print(Text("Motifs:", style="bold"))
        for motif_id in motif_ids:
            evidence = [m["evidence"] for m in dream["motifs"] if m["motif"] == motif_id]
            motif = knowledge.motifs.get(motif_id) if knowledge else None
            line = Text("  ")
            line.append(motif.label if motif else motif_id, style="yellow bold")
            line.append(f" ({motif_id})", style="dim")
            words = [e for e in dict.fromkeys(evidence) if e]
            line.append(" — " + ", ".join(f"“{e}”" for e in words) if words else
                        " — your answer" if motif_id == chosen else " — added by you")
            console.print(line)
            if motif and motif.meaning:
                import textwrap

                for part in textwrap.wrap(motif.meaning, max(20, console.width - 4)):  # wrapped lines keep the indent
                    console.print(Text("    " + part, style="italic"))
    others = others_motif_ids(dream)
    if others:
        console.print(Text("About someone else in the dream (not counted as yours in patterns):", style="bold"))
        for motif_id in others:
            evidence = [m["evidence"] for m in dream["motifs"] if m["motif"] == motif_id]
            motif = knowledge.motifs.get(motif_id) if knowledge else None
            line = Text("  ")
            line.append(motif.label if motif else motif_id, style="dim bold")
            line.append(f" ({motif_id})", style="dim")
            line.append(" — " + ", ".join(f"“{e}”" for e in dict.fromkeys(evidence)))
            console.print(line)
    # the other pursuer types a chosen one rules out go without saying
    dropped = [c for c in dream.get("corrections", []) if c["action"] == "drop"
               and not (chosen in motif_ids and c["name"].startswith("pursuer_"))]
    if dropped:
        names = [(knowledge.motifs[c["name"]].label if knowledge and c["kind"] == "motif" and c["name"] in knowledge.motifs
                  else c["name"]) for c in dropped]
        console.print(Text.assemble(("Dropped by you: ", "bold"), ", ".join(names)))
    order = {"pursuer": 0, "feeling": 1, "reminds": 2}
    answers = sorted((r for r in dream.get("reflections", []) if r["question"] != "free"),
                     key=lambda r: order.get(r["question"], 3))
    if answers:
        from dreamly.questions import answer_text, label

        console.print()
        console.print(Text("Your answers:", style="bold"))
        for item in answers:
            console.print(Text.assemble("  ", (label(item["question"], knowledge) + ": ", "bold"),
                                        answer_text(item["question"], item["answer"])))
    for item in dream.get("reflections", []):
        if item["question"] == "free":
            console.print()
            console.print(Text(f"Your reflection · {item['created'][:10]}", style="bold magenta"))
            console.print(Text(item["answer"]))
    for item in dream.get("interpretations", []):
        console.print()
        title = f"Interpretation {item['id']} · {item['model']}"
        if item.get("lens"):
            title += f" · {item['lens']} lens"
        title += f" · {item['created'][:10]}"
        if not item.get("complete", True):
            title += " · incomplete (the model stopped halfway)"
        console.print(Text(title, style="bold cyan"))
        console.print(Text(item["response"]))
    for item in dream.get("rehearsals", []):
        console.print()
        console.print(Text(f"Rehearsed ending · {item['created'][:10]}", style="bold green"))
        console.print(Text(item["body"]))


# -- the knowledge base ------------------------------------------------------------------------


def theme_table(motifs) -> None:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", style="yellow", no_wrap=True)
    table.add_column("group", style="dim", no_wrap=True)
    table.add_column("what it tends to point to")
    for motif in motifs:
        table.add_row(motif.id, motif.group, motif.meaning)
    console.print(table)


def theme_detail(motif) -> None:
    console.print(Text.assemble((motif.label, "bold yellow"), (f"  ({motif.id}, {motif.group})", "dim")))
    console.print()
    console.print(motif.meaning)
    for heading, items in (("Questions to ask yourself", motif.questions), ("Things that can help", motif.suggestions)):
        if items:
            console.print()
            console.print(Text(heading, style="bold"))
            bullets = Table.grid(padding=(0, 1))
            bullets.add_column(no_wrap=True)
            bullets.add_column()
            for item in items:
                bullets.add_row("  •", item)  # a hanging indent: wrapped lines stay under the text
            console.print(bullets)


# -- rehearsal ---------------------------------------------------------------------------------


def rehearsals_tonight(items: list[dict]) -> None:
    """The endings to read before sleep, each under the dream it rewrites."""
    items = printable(items)
    if not items:
        errors.print("No rehearsed endings yet. Write one with: dreamly rehearse ID")
        return
    errors.print(Text("Read each ending slowly and picture it as you drift off.", style="dim"))
    for i, item in enumerate(items):
        if i:
            console.print()
        header = Text()
        header.append(f"#{item['dream_id']}  ", style="dim")
        header.append(item["dreamt_on"], style="bold")
        if item.get("title"):
            header.append(f"  {item['title']}", style="bold")
        marks = [name for name in ("recurring", "nightmare") if item.get(name)]
        if marks:
            header.append("  (" + ", ".join(marks) + ")", style="magenta")
        console.print(header)
        console.print(Text(item["body"]))
