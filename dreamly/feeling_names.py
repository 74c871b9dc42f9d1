"""Feeling names as people type them, mapped onto the feelings dreamly counts (the twelve of the article, and calm).

`-e scared` means fear; `-e feer` is a typo nobody can be sure about: it is kept as typed
and the person is warned. The alias table is data (one word → its family), not rules.

When the knowledge base's emotion lexicons can answer (`dreamly.analysis.lexicons.feeling_family`),
they do, and this table is only the fallback.
"""

from __future__ import annotations

FEELINGS = ("fear", "anxiety", "frustration", "helplessness", "shame", "guilt", "anger", "sadness", "joy",
            "confusion", "relief", "surprise", "calm")

# a word → the feeling family it belongs to
ALIASES = {
    "scared": "fear", "afraid": "fear", "frightened": "fear", "terrified": "fear", "terror": "fear",
    "panic": "fear", "panicked": "fear", "horror": "fear", "horrified": "fear", "dread": "fear",
    "petrified": "fear", "fearful": "fear",
    "anxious": "anxiety", "nervous": "anxiety", "worried": "anxiety", "worry": "anxiety", "uneasy": "anxiety",
    "stressed": "anxiety", "stress": "anxiety", "tense": "anxiety", "restless": "anxiety",
    "frustrated": "frustration", "annoyed": "frustration", "stuck": "frustration", "irritated": "frustration",
    "helpless": "helplessness", "powerless": "helplessness", "trapped": "helplessness", "paralysed": "helplessness",
    "paralyzed": "helplessness",
    "ashamed": "shame", "embarrassed": "shame", "embarrassment": "shame", "humiliated": "shame",
    "exposed": "shame",
    "guilty": "guilt", "remorse": "guilt", "sorry": "guilt",
    "angry": "anger", "mad": "anger", "furious": "anger", "rage": "anger", "irate": "anger",
    "sad": "sadness", "grief": "sadness", "lonely": "sadness", "upset": "sadness", "heartbroken": "sadness",
    "depressed": "sadness", "sorrow": "sadness",
    "happy": "joy", "glad": "joy", "elated": "joy", "excited": "joy", "free": "joy", "delighted": "joy",
    "euphoric": "joy", "happiness": "joy",
    "confused": "confusion", "lost": "confusion", "disoriented": "confusion", "puzzled": "confusion",
    "relieved": "relief", "safe": "relief",
    "peaceful": "calm", "relaxed": "calm", "serene": "calm", "tranquil": "calm", "content": "calm",
    "surprised": "surprise", "shocked": "surprise", "amazed": "surprise", "astonished": "surprise",
    "startled": "surprise",
}


# How much, as people say it before a feeling ("really scared", "kinda happy", "a bit
# nervous"): not a feeling of its own, so `-e "really scared"` is fear.
DEGREE_WORDS = frozenset("""
    a bit little kinda kind of sorta sort somewhat slightly quite pretty really very so super extremely
    totally utterly completely absolutely incredibly terribly awfully rly v lowkey highkey mildly
    and bloody proper well too fairly rather
""".split())


def without_degree(name: str) -> str:
    """`really_scared` → `scared`; a name that is only degree words stays as it is."""
    words = name.replace("_", " ").split()
    kept = [w for w in words if w not in DEGREE_WORDS]
    return "_".join(kept) if kept else name


def feeling_family(name: str, known=FEELINGS) -> tuple[str, str | None]:
    """(the name to store, a note for the person or None).

    One of the known feelings is kept; a word in the alias table becomes its family, with
    a note saying so; anything else is kept as typed, with a warning (and a guess when one
    of the known feelings is close)."""
    if name in known:
        return name, None
    bare = without_degree(name)
    if bare != name:
        family, _ = feeling_family(bare, known)
        if family in known:
            return family, f"'{name.replace('_', ' ')}' is counted as {family}"
    family = _from_lexicons(name) or ALIASES.get(name)
    if family and family in known:
        return family, f"'{name}' is counted as {family}"
    return name, (f"Warning: '{name}' is not one of the feelings dreamly counts{guess_of(name, known)}; it is kept as you typed it. "
                  f"They are: {', '.join(known)}")


def guess_of(name: str, known=FEELINGS) -> str:
    """" (did you mean fear?)" for a near miss of a feeling dreamly counts, else ""."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _from_lexicons(name: str) -> str | None:
    try:
        from dreamly.analysis.lexicons import feeling_family as lexicon_family  # the knowledge base's own lexicons
    except ImportError:
        return None
    try:
        return lexicon_family(name)
    except Exception:  # noqa: BLE001 - a knowledge base that can't load: the table still answers
        return None
