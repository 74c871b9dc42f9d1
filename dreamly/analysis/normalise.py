"""Text normalisation before matching: the way tired people type, mapped to what the rules
read (apostrophe-less contractions, a lone lower-case i, stretched letters, cheap typos),
with an offset map so that every hit's evidence still points into the text as written."""

from __future__ import annotations

import re
from bisect import bisect_right

from dreamly.lazy_re import compile_later

# Contractions typed without the apostrophe. Only words that are almost never anything
# else ("cant", "wont" and "ill" are rare as words; "ill", "wed", "its", "id", "hell"
# are common, so they are left alone).
CONTRACTIONS = {
    "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't", "didnt": "didn't",
    "doesnt": "doesn't", "dont": "don't", "cant": "can't", "wont": "won't", "wasnt": "wasn't",
    "werent": "weren't", "isnt": "isn't", "arent": "aren't", "hasnt": "hasn't", "havent": "haven't",
    "hadnt": "hadn't", "aint": "ain't", "mustnt": "mustn't", "neednt": "needn't", "im": "I'm",
    "ive": "I've", "youre": "you're", "theyre": "they're", "thats": "that's", "whats": "what's",
    "theres": "there's", "shes": "she's", "itll": "it'll", "couldve": "could've", "wouldve": "would've",
    "shouldve": "should've", "theyd": "they'd", "youve": "you've", "weve": "we've", "theyve": "they've",
    # the apostrophe in the wrong place
    "could'nt": "couldn't", "would'nt": "wouldn't", "did'nt": "didn't", "was'nt": "wasn't",
    "were'nt": "weren't", "does'nt": "doesn't", "is'nt": "isn't", "had'nt": "hadn't",
    "wasent": "wasn't", "didint": "didn't", "couldent": "couldn't", "dident": "didn't",
}
# Misspellings that are cheap to catch: never a word of their own.
TYPOS = {
    "soo": "so", "wer": "were", "whre": "were", "concreet": "concrete", "concret": "concrete", "cement": "cement",
    "realy": "really", "reallly": "really", "becuase": "because", "becasue": "because", "beacuse": "because",
    "teh": "the", "chaseing": "chasing", "chacing": "chasing", "chassing": "chasing", "chsing": "chasing",
    "runing": "running", "runnin": "running", "chasin": "chasing", "scarey": "scary", "scard": "scared",
    "skared": "scared", "frightend": "frightened", "terrifed": "terrified", "terified": "terrified",
    "beleive": "believe", "wierd": "weird", "untill": "until", "freind": "friend", "freinds": "friends",
    "agian": "again", "thier": "their", "wich": "which", "tryed": "tried", "stoped": "stopped",
    "droped": "dropped", "thru": "through", "nite": "night", "hevy": "heavy", "heavey": "heavy",
    "mouve": "move", "moove": "move", "legz": "legs", "fallin": "falling", "fallling": "falling",
    "runnning": "running", "folowing": "following", "followin": "following", "folowed": "followed",
    "persued": "pursued", "pursuied": "pursued", "chaced": "chased", "chassed": "chased",
    "exsam": "exam", "exame": "exam", "naked": "naked", "nakid": "naked", "neked": "naked",
    "trappd": "trapped", "traped": "trapped", "stucked": "stuck", "dieing": "dying", "dyed": "died",
    "killd": "killed", "teath": "teeth", "teeths": "teeth", "flyed": "flew", "flyied": "flew",
    "ppl": "people", "peeps": "people", "bc": "because", "cuz": "because", "coz": "because", "tho": "though",
    "rly": "really", "b4": "before", "ur": "your", "wth": "with", "frm": "from",
    "couldnot": "could not", "cannnot": "cannot", "cudnt": "couldn't", "cudn't": "couldn't",
    "wudnt": "wouldn't", "coudnt": "couldn't", "coudn't": "couldn't", "couldn'": "couldn't",
    # -ing typed as -in for the verbs that show a feeling (the lexicons' own words get theirs
    # from lexicons.typed_forms)
    "screamin": "screaming", "cryin": "crying", "laughin": "laughing", "shakin": "shaking",
    "tremblin": "trembling", "sobbin": "sobbing", "smilin": "smiling", "gigglin": "giggling",
    "yellin": "yelling", "shoutin": "shouting", "whimperin": "whimpering", "grinnin": "grinning",
    # and for the verbs of the motifs (runnin, chasin, fallin are above)
    "flyin": "flying", "floatin": "floating", "hidin": "hiding", "drownin": "drowning", "dyin": "dying",
    "sinkin": "sinking", "climbin": "climbing", "swimmin": "swimming", "walkin": "walking",
    "huntin": "hunting", "stalkin": "stalking", "trippin": "tripping", "buildin": "building",
}
TYPOS = {k: v for k, v in TYPOS.items() if k != v}

# Words that keep a doubled o or e when a stretched run is collapsed ("goood" -> good,
# "sooo" -> so); other letters stretched for emphasis collapse to one.
_DOUBLE_OK = frozenset("""
    too good soon door floor moon cool food room look looked looking book took shook wood loose fool
    fooled pool school boots foot feet feel feeling felt see seen seem seemed been sleep sleeping need
    needed free freezing three tree trees deep keep week meet knee knees sheep speed scream screamed
    screaming green queen teeth street sweet agree weeks cheese bleeding ooze boom doom gloom zoom""".split())

# a lone lower-case i (not "i.e." or a list item "i)"), a word with a letter three times
# in a row, or a word of the two tables; one scan finds them all
_WORDS = sorted(set(CONTRACTIONS) | set(TYPOS), key=len, reverse=True)
_FIX = compile_later(
    r"(?<![\w'])(?:(i)(?=\s|'[mdv]|'ll|[,;:!?]|\.(?![a-z]\.))"
    r"|(" + "|".join(re.escape(w) for w in _WORDS) + r")(?![\w'])"
    r"|([a-z]*([a-z])\4\4[a-z]*)(?![\w'])"
    # "id" is I'd only before what follows I'd ("id got an exam", "id never been"), not "my id card"
    r"|(id)(?= (?:got|gotten|been|gone|left|never|already|just|forgotten|forgot|rather|better|have|had|love|like|"
    r"done|seen|lost|missed|taken|come|fallen|hate|say|think|thought|need|probably|always|only|be|left|locked|"
    r"made|run|ran|wanted|heard|tried|dreamt|dreamed)\b))",
    re.I,
)
_RUN = compile_later(r"([a-z])\1{2,}", re.I)
_SO = compile_later(r"(?:s|n)o{2,}", re.I)  # "soo", "nooo": so, no


def _keep_case(word: str, repl: str) -> str:
    if repl[0] == "I" and repl[1:2] == "'":
        return repl  # I'm, I've
    if word[:1].isupper():
        return repl[0].upper() + repl[1:]
    return repl


def _unstretch(word: str) -> str | None:
    if _SO.fullmatch(word):
        return word[0] + "o"
    one = _RUN.sub(r"\1", word)
    if one.lower() in _DOUBLE_OK:
        return one
    two = _RUN.sub(r"\1\1", word)
    if two.lower() in _DOUBLE_OK:
        return two
    if two.lower() in TYPOS:  # "realllly" -> "really" via the typo table
        return TYPOS[two.lower()]
    return one


class OffsetMap:
    """Positions in the normalised text back to positions in the text as written."""

    __slots__ = ("_new_starts", "_regions")

    def __init__(self, regions: list[tuple[int, int, int, int]]):
        self._regions = regions  # (new start, new end, old start, old end), in order
        self._new_starts = [r[0] for r in regions]

    def start(self, pos: int) -> int:
        i = bisect_right(self._new_starts, pos) - 1
        if i < 0:
            return pos
        ns, ne, os_, oe = self._regions[i]
        return os_ if pos < ne else pos - ne + oe

    def end(self, pos: int) -> int:
        i = bisect_right(self._new_starts, pos - 1) - 1
        if i < 0:
            return pos
        ns, ne, os_, oe = self._regions[i]
        return oe if pos <= ne else pos - ne + oe


_TABLE = frozenset(_WORDS) | {"id"}
_WORDISH = compile_later(r"[a-z][a-z']*")
_TRIPLE = compile_later(r"([a-z])\1\1")
_LONE_I = compile_later(r"(?<![\w'])i(?![\w-])")
# The same three looks, several times cheaper (`_needs_work` was two thirds of the time a
# typical dream spends before its rules run): the lone i found from its letter (a pattern
# that starts with a lookbehind is tried at every position; one that starts with "i" skips to
# each i in C), a letter three times in a row as 26 substring tests, and the words as the
# runs of [a-z'] less their leading apostrophes (each is one _WORDISH match), split in C
_LONE_I_FROM_I = compile_later(r"i(?![\w-])(?<![\w']i)")
_TRIPLES = tuple(c * 3 for c in "abcdefghijklmnopqrstuvwxyz")
_WORDISH_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz'" else 32 for c in range(256))
_TABLE_BYTES = frozenset(w.encode("ascii") for w in _TABLE)


def _needs_work(text: str) -> bool:
    """A cheap look (C scans and a set intersection) for anything _FIX would change: whether
    a lone lower-case i, a letter three times in a row, or a word of the tables is there
    (what `_LONE_I.search(text) or _TRIPLE.search(low) or not _TABLE.isdisjoint(
    _WORDISH.findall(low))` says; tests/test_matcher_speedups.py checks they agree)."""
    low = text.lower()
    if _LONE_I_FROM_I.search(text) or any(t in low for t in _TRIPLES):
        return True
    data = low.encode("ascii", "replace")
    words = set(data.translate(_WORDISH_BYTES).split())
    if b"'" in data:
        words = {w.lstrip(b"'") for w in words}
    return not _TABLE_BYTES.isdisjoint(words)


def normalise(text: str) -> tuple[str, OffsetMap | None]:
    """The text as the rules read it, and the map back (None when nothing changed)."""
    if not _needs_work(text):
        return text, None
    pieces: list[str] = []
    regions: list[tuple[int, int, int, int]] = []
    last = 0
    new_len = 0
    for m in _FIX.finditer(text):
        word = m.group()
        if m.group(1):
            repl = "I"
        elif m.group(5):
            repl = "I'd"
        elif m.group(2):
            low = word.lower()
            repl = _keep_case(word, CONTRACTIONS.get(low) or TYPOS[low])
        else:
            repl = _unstretch(word)
            if repl is None or repl == word:
                continue
        if repl == word:
            continue
        pieces.append(text[last:m.start()])
        new_len += m.start() - last
        regions.append((new_len, new_len + len(repl), m.start(), m.end()))
        pieces.append(repl)
        new_len += len(repl)
        last = m.end()
    if not regions:
        return text, None
    pieces.append(text[last:])
    return "".join(pieces), OffsetMap(regions)
