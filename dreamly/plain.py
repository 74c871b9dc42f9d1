"""Terminal output without rich, for the commands whose start-up is budgeted.

Importing rich costs ~20 ms, a fifth of a cold `dreamly search`; search results and the
findings `dreamly add` prints are a couple of styled lines each, which the echo and style
of Typer's own click (typer._click, already loaded) draw as well, or dreamly/_echo.py's copy
of them when `add` runs without Typer. Not the `click` package:
Typer 0.29 no longer uses it, and importing it would cost ~20 ms. Like render.py, it
decides nothing.
"""

from __future__ import annotations

import os
import sys

from dreamly._echo import output
from dreamly.text import one_line as _clean  # dream text never moves the cursor or recolours the terminal

click = output()  # Typer's own echo and style (its vendored click; the llm plugin draws with these views too),
# or, in the `dreamly add` that runs without Typer, dreamly/_echo.py's, which writes the same bytes



def _styled() -> bool:
    """Colour unless NO_COLOR or a dumb terminal says not to (click drops it on pipes itself)."""
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def search_results(hits: list[dict]) -> None:
    """Each hit as two lines: `#id date  title`, then the snippet with the hits in bold yellow.
    The snippet marks hits with SNIPPET_START / SNIPPET_END (see store.search)."""
    from dreamly.store import SNIPPET_END, SNIPPET_START

    if not hits:
        click.echo("No dreams match.", err=True)
        return
    color = _styled()

    def style(text: str, **how) -> str:
        return click.style(text, **how) if color and text else text

    lines = []
    for dream in hits:
        head = style(f"#{dream['id']} ", dim=True) + style(dream["dreamt_on"], bold=True)
        if dream["title"]:
            head += style(f"  {_clean(dream['title'])}", bold=True)
        parts = dream["snippet"].replace(SNIPPET_END, SNIPPET_START).split(SNIPPET_START)
        snippet = "".join(style(_clean(part), bold=True, fg="yellow") if i % 2 else _clean(part)
                          for i, part in enumerate(parts))
        lines.append(f"{head}\n  {snippet}")
    click.echo("\n".join(lines))


def findings(result, knowledge) -> None:
    """What the matcher found (an analysis.Analysis): each motif once, with its evidence and
    what it tends to mean, then the feelings, wrapped to the terminal."""
    import textwrap

    width = max(40, min(100, _columns()) - 1)
    shown = set()
    own = {h.id for h in result.motifs if h.subject == "dreamer"}
    # the dreamer's motifs first (what `patterns` counts), then those only about someone else
    ordered = [h for h in result.motifs if h.id in own and h.subject == "dreamer"] + \
        [h for h in result.motifs if h.id not in own]
    for hit in ordered:
        if hit.id in shown:
            continue
        shown.add(hit.id)
        motif = knowledge.motifs.get(hit.id)
        label = motif.label if motif else hit.id
        meaning = f" {motif.meaning}" if motif and motif.meaning else ""
        if hit.id not in own:
            meaning = " About someone else in the dream: not counted as yours in patterns."
        # wrapped by hand with the label as a placeholder, so styling never splits a word
        lines = textwrap.wrap(f"{label} ({hit.id}) — “{hit.evidence}”.{meaning}", width,
                              initial_indent="  ", subsequent_indent="    ")
        lines[0] = lines[0].replace(label, click.style(label, bold=True), 1)
        click.echo("\n".join(lines))
    feelings = result.emotion_ids()
    if feelings:
        click.echo(textwrap.fill(f"Feelings found in the text: {', '.join(feelings)}", width,
                                 initial_indent="  ", subsequent_indent="    "))


def _columns() -> int:
    """shutil.get_terminal_size((80, 24)).columns, without importing shutil on `add`'s path."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def dream_lines(dreams: list[dict]) -> None:
    """Dreams as one line each, `id  date  first words  [motif ids]` (the llm plugin's list)."""
    from dreamly.model import motif_ids
    from dreamly.text import first_words

    if not dreams:
        click.echo("No dreams yet. Write one with: dreamly add", err=True)
    for d in dreams:
        words = _clean(first_words(d["title"] or d["body"]))
        motifs = ", ".join(motif_ids(d, dreamers_only=True))  # as `dreamly list` shows them
        click.echo(f"{d['id']:>4}  {d['dreamt_on']}  {words}" + (f"  [{motifs}]" if motifs else ""))


def stream_printer():
    """(on_chunk, finish): print a model's answer as it arrives; `finish()` ends the last line."""
    last = ["\n"]

    def on_chunk(chunk: str) -> None:
        from dreamly.text import for_terminal

        click.echo(for_terminal(chunk), nl=False)  # click flushes, so each piece shows as it comes
        last[0] = chunk[-1:] or last[0]

    def finish() -> None:
        if last[0] != "\n":
            try:
                click.echo()
            except OSError:  # stdout was closed early (`| head`); the answer is stored anyway
                pass

    return on_chunk, finish
