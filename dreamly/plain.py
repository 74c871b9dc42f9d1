"""Terminal output without rich, for the commands whose start-up is budgeted.

Importing rich costs ~20 ms, a fifth of a cold `dreamly search`; search results and the
findings `dreamly add` prints are a couple of styled lines each, which click's styling
(already loaded with Typer) draws as well. Like render.py, it decides nothing.
"""

from __future__ import annotations

import os
import re

import typer

# C0 controls but tab, DEL and C1 controls: dream text must not move the cursor or recolour the
# terminal (rich strips a few of these; this strips them all)
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # and bidi controls


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _styled() -> bool:
    """Colour unless NO_COLOR or a dumb terminal says not to (click drops it on pipes itself)."""
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def search_results(hits: list[dict]) -> None:
    """Each hit as two lines: `#id date  title`, then the snippet with the hits in bold yellow.
    The snippet marks hits with SNIPPET_START / SNIPPET_END (see store.search)."""
    from dreamly.store import SNIPPET_END, SNIPPET_START

    if not hits:
        typer.echo("No dreams match.", err=True)
        return
    color = _styled()

    def style(text: str, **how) -> str:
        return typer.style(text, **how) if color and text else text

    lines = []
    for dream in hits:
        head = style(f"#{dream['id']} ", dim=True) + style(dream["dreamt_on"], bold=True)
        if dream["title"]:
            head += style(f"  {_clean(dream['title'])}", bold=True)
        parts = dream["snippet"].replace(SNIPPET_END, SNIPPET_START).split(SNIPPET_START)
        snippet = "".join(style(_clean(part), bold=True, fg="yellow") if i % 2 else _clean(part)
                          for i, part in enumerate(parts))
        lines.append(f"{head}\n  {snippet}")
    typer.echo("\n".join(lines))


def findings(result, knowledge) -> None:
    """What the matcher found (an analysis.Analysis): each motif once, with its evidence and
    what it tends to mean, then the feelings, wrapped to the terminal."""
    import shutil
    import textwrap

    width = max(40, min(100, shutil.get_terminal_size((80, 24)).columns) - 1)
    shown = set()
    for hit in result.motifs:
        if hit.id in shown:
            continue
        shown.add(hit.id)
        motif = knowledge.motifs.get(hit.id)
        label = motif.label if motif else hit.id
        meaning = f" {motif.meaning}" if motif and motif.meaning else ""
        # wrapped by hand with the label as a placeholder, so styling never splits a word
        lines = textwrap.wrap(f"{label} ({hit.id}) — “{hit.evidence}”.{meaning}", width,
                              initial_indent="  ", subsequent_indent="    ")
        lines[0] = lines[0].replace(label, typer.style(label, bold=True), 1)
        typer.echo("\n".join(lines))
    feelings = result.emotion_ids()
    if feelings:
        typer.echo(textwrap.fill(f"Feelings found in the text: {', '.join(feelings)}", width,
                                 initial_indent="  ", subsequent_indent="    "))
