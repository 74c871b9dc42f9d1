"""The dream record and its vocabulary: one copy of each name the rest of dreamly uses.

Light on purpose (standard library only): `cli.py` imports it at start-up for its option
choices, so nothing here may import the store, the matcher, rich or llm.
"""

from __future__ import annotations

TYPE_CHECKING = False  # the typed dicts are for readers and type checkers: typing is a few
if TYPE_CHECKING:       # milliseconds of `dreamly add`, which imports this module
    from typing import Iterable, TypedDict

# The yes/no marks a dream carries (columns of `dreams`, options of `add` and `edit`).
FLAGS = ("lucid", "nightmare", "recurring")

# The cultural readings `interpret --lens` offers; the knowledge base describes each one
# (`[lenses]` in motifs.toml; a test keeps the two equal).
LENSES = ("jungian", "western", "eastern", "indigenous")

# Who or what chases the dreamer: the matcher's pursuer motifs, in the review's order.
PURSUER_IDS = ("pursuer_known_person", "pursuer_stranger_or_monster", "pursuer_animal", "pursuer_invisible")

# The file formats a journal travels in (`dreamly.formats` registers one module per name;
# a test keeps the registry and these names equal). "auto" guesses from the file.
EXPORT_FORMATS = ("markdown", "json", "csv")
IMPORT_FORMATS = ("auto", "json", "jrnl", "markdown", "csv")


if TYPE_CHECKING:
    class MotifRow(TypedDict, total=False):
        """A motif found in a stored dream (a row of `dream_motifs`)."""

        motif: str
        evidence: str
        start: int
        end: int
        subject: str  # "dreamer" or who else the motif belongs to
        matcher_version: int


    class EmotionRow(TypedDict):
        emotion: str
        intensity: int | None
        origin: str  # "user" (tagged) or "text" (found by the matcher)


    class Dream(TypedDict, total=False):
        """A dream as `Journal.get` returns it (and `--json` prints it)."""

        id: int
        dreamt_on: str
        created: str
        updated: str
        title: str
        body: str
        lucid: bool
        nightmare: bool
        recurring: bool
        sleep_quality: int | None
        context: str
        source: str | None
        content_hash: str | None
        tags: list[str]
        emotions: list[EmotionRow]
        motifs: list[MotifRow]


def motif_ids(dream: dict, *, dreamers_only: bool = False) -> list[str]:
    """The ids of the motifs found in a dream, each once, in the order they were found.

    `dreamers_only` keeps the motifs that belong to the dreamer (not "my sister fell").
    """
    hits: Iterable[dict] = dream.get("motifs", ())
    if dreamers_only:
        hits = (m for m in hits if m.get("subject", "dreamer") == "dreamer")
    return list(dict.fromkeys(m["motif"] for m in hits))


def others_motif_ids(dream: dict) -> list[str]:
    """Motifs the matcher found only about someone else in the dream (not counted as the dreamer's)."""
    own = set(motif_ids(dream, dreamers_only=True))
    return [m for m in motif_ids(dream) if m not in own]


def is_pursuer(motif_id: str, group: str = "") -> bool:
    """Whether a motif names who or what chases (a built-in or a personal pursuer motif)."""
    return group.startswith("pursuer") or motif_id.startswith("pursuer_")
