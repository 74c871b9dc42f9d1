"""What the matcher returns: hits with their evidence, an analysis, the matcher version."""

from __future__ import annotations

from dataclasses import dataclass, field

# Raise it when the matcher's output changes; say what changed in CHANGELOG.md (the
# version history lives there), so users know `dreamly reanalyze` is worth running.
MATCHER_VERSION = 8


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # "motif" | "emotion"
    id: str
    evidence: str
    start: int
    end: int  # text[start:end] == evidence
    subject: str = "dreamer"  # "dreamer" | "other"


@dataclass
class Analysis:
    motifs: list[Hit] = field(default_factory=list)
    emotions: list[Hit] = field(default_factory=list)

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
