"""What the matcher returns: hits with their evidence, an analysis, the matcher version."""

from __future__ import annotations

from dataclasses import dataclass, field

# 2: the same rules; texts with İ ı ſ K (Kelvin) now match the way the regexes say (the
# prefilter used to lower-case them differently). Everything else is unchanged.
# 3: rules generalised against a hand-written probe set (tests/data/probe_reports.jsonl):
# word families for chase ("slithered after me", "gaining on us", running from any kind
# of pursuer), falling without "fall", screaming/shaking/pounding heart as fear, "it was
# frustrating"-style feelings, tears of laughter not sadness; "without"/"no" negate only
# their noun; "before the exam" / "like a fool" / "after me" are phrases, not new subjects.
# 4: following the dreamer is a chase when the follower is unknown or unseen, or follows
# relentlessly ("kept following me", "followed me home"), unless it is friendly, guiding
# or the dreamer's own people or pets; "I was being followed" and "wouldn't stop following
# me" count; subjectless passives ("Chased through a station by someone", "Being hunted
# by wolves", "…, chased by two men") are the dreamer's; a passive's by-phrase a few words
# on ("chased through the woods by a bear") names the pursuer.
# 5: a hit whose own words make the dreamer its object ("a man was chasing me") is the
# dreamer's, and a pursuer belongs to the chase it types (before, "X chased me" and every
# pursuer were stored as someone else's, so `patterns` never counted them); water and house
# have phrases (they had meanings only).
MATCHER_VERSION = 5


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



def merge_emotions(user: list[tuple[str, int | None]], found: list[Hit]) -> list[dict]:
    """User-tagged emotions win; emotions found in the text are added once, with no intensity."""
    rows: list[dict] = []
    seen: set[str] = set()
    for emotion, intensity in user:
        if emotion in seen:
            continue
        seen.add(emotion)
        rows.append({"emotion": emotion, "intensity": intensity, "origin": "user"})
    for hit in found:
        if hit.id in seen:
            continue
        seen.add(hit.id)
        rows.append({"emotion": hit.id, "intensity": None, "origin": "text"})
    return rows
