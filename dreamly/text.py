"""Small text helpers shared by the renderers, the review, the prompt builder and the llm
plugin. Standard library only, so any of them can import it without cost."""

from __future__ import annotations


def first_words(text: str, limit: int = 60) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis if it is longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
