"""What the matcher returns: hits with their evidence, an analysis, the matcher version."""

from __future__ import annotations

from dreamly._struct import Frozen, Struct

# Raise it when the matcher's output changes; say what changed in CHANGELOG.md (the
# version history lives there), so users know `dreamly reanalyze` is worth running.
MATCHER_VERSION = 9


_NEW_LIST: list = []  # a default that means "a new empty list" (never handed out)


class Hit(Frozen):
    __slots__ = _fields = ("kind", "id", "evidence", "start", "end", "subject")
    kind: str  # "motif" | "emotion"
    id: str
    evidence: str
    start: int
    end: int  # text[start:end] == evidence
    subject: str  # "dreamer" | "other"

    def __init__(self, kind: str, id: str, evidence: str, start: int, end: int, subject: str = "dreamer"):
        set_ = object.__setattr__
        set_(self, "kind", kind)
        set_(self, "id", id)
        set_(self, "evidence", evidence)
        set_(self, "start", start)
        set_(self, "end", end)
        set_(self, "subject", subject)


class Analysis(Struct):
    _fields = ("motifs", "emotions")

    def __init__(self, motifs: list[Hit] = _NEW_LIST, emotions: list[Hit] = _NEW_LIST):
        self.motifs = [] if motifs is _NEW_LIST else motifs
        self.emotions = [] if emotions is _NEW_LIST else emotions

    def motif_ids(self) -> list[str]:
        return list(dict.fromkeys(h.id for h in self.motifs))

    def emotion_ids(self) -> list[str]:
        return list(dict.fromkeys(h.id for h in self.emotions))

    def to_json(self) -> dict:
        def rows(hits: list[Hit]) -> list[dict]:
            return [{"id": h.id, "evidence": h.evidence, "start": h.start, "end": h.end} for h in hits]

        return {"motifs": rows(self.motifs), "emotions": rows(self.emotions)}



def _tidy(hits: list[Hit]) -> Analysis:
    """Sort by position; drop a hit that overlaps an earlier one of the same label."""
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    last_end: dict[tuple[str, str], int] = {}
    for h in hits:
        key = (h.kind, h.id)
        if last_end.get(key, -1) > h.start:
            continue
        last_end[key] = h.end
        kept.append(h)
    return Analysis([h for h in kept if h.kind == "motif"], [h for h in kept if h.kind == "emotion"])
