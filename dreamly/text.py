"""Small text helpers shared by the renderers, the review, the prompt builder and the llm
plugin. Standard library only, so any of them can import it without cost."""

from __future__ import annotations

import re

from dreamly.lazy_re import compile_later


def first_words(text: str, limit: int = 60) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis if it is longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# The one control-character policy for the terminal (rich views, plain views, the llm
# plugin, whole text views): C0 and C1 control characters but tab and newline, DEL, and the
# bidi controls that reorder what is shown (U+202A-E, U+2066-9) become U+FFFD, one for one, so
# evidence spans still line up. An ESC or U+009B CSI in a dream (typed, or brought in by
# `import`) would otherwise reach the terminal as an escape sequence (OSC 52 clipboard
# writes, OSC 8 links, screen clears); rich passes them on.
_TERMINAL_CONTROL = compile_later("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In JSON, the same characters (and the line separators JavaScript trips on) become \uXXXX
# escapes: the data is unchanged, the terminal sees no control character.
_JSON_UNSAFE = compile_later("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """A whole text view (Markdown review, prompts, an export shown in a terminal) with every
    terminal control character replaced by U+FFFD; tabs and newlines stay."""
    return _TERMINAL_CONTROL.sub("\ufffd", text)


def json_for_terminal(text: str) -> str:
    """JSON text (json.dumps with ensure_ascii=False) with C1 and bidi controls escaped."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(value):
    """`value` (a string, or lists/dicts of them, as the store returns dreams) with terminal
    control characters replaced one for one by U+FFFD, so evidence spans still line up."""
    if isinstance(value, str):
        return _TERMINAL_CONTROL.sub("\ufffd", value)
    if isinstance(value, list):
        return [printable(item) for item in value]
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    return value


def one_line(text: str) -> str:
    """`text` for a one-line view (search hits, a list row): printable, line breaks as spaces."""
    return printable(text).replace("\n", " ").replace("\t", " ")


# Characters XML 1.0 does not allow at all (an SVG or XHTML file with one is not well formed).
_XML_ILLEGAL = compile_later("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_escape(text: str) -> str:
    """`text` safe inside SVG or HTML, as text or an attribute value: markup characters
    escaped, characters XML cannot hold replaced by U+FFFD."""
    text = _XML_ILLEGAL.sub("\ufffd", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")
