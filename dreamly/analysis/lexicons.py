"""Lexicons: the emotion lexicons of the knowledge base turned into rules, and feeling names.

* `with_words(specs)`: each `[emotions.X]` table may hold `words`, a lexicon of
  feeling words and phrases (inflections, slang, British/American spellings), and
  `evaluative`, words that judge an experience ("terrifying", "pleasant"). They become
  phrases of the label (`evaluative_phrases` makes the judging constructions), and their
  leading words its prefilter keys, so the lexicon is data in one place, read by the
  matcher and by `feeling_family`.
* `typed_forms(word)`: how a lexicon word is often typed ("embarassed", "panickin");
* `WordFinder`: the lexicon's plain words matched through the text's word set (no
  regex scan), standing in for the compiled pattern of that phrase;
* `feeling_family(name)`: the emotion a free-form feeling name belongs to
  ("scared" -> "fear"), from the same lexicons.

Whose feeling a hit is, is `feelings.py`'s. Standard library only: imported on the `add` path.
"""

from __future__ import annotations

import re

from dreamly.lazy_re import compile_later

# ---------------------------------------------------------------- lexicons -> rules

_RUN = compile_later(r"[a-z][a-z'-]*")


def _entry_keys(entry: str) -> set[str]:
    """Word starts that a text holds whenever the lexicon entry matches: the longest plain
    word outside any group ("freak(?:ed|ing)? out" -> "freak", "in tears" -> "tears"), or
    else each branch of a leading group ("(?:chastis|scold)(?:ed|ing) myself")."""
    best, depth, i, n = "", 0, 0, len(entry)
    while i < n:
        c = entry[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "[":
            i = entry.index("]", i)
        elif depth == 0 and (i == 0 or entry[i - 1] in " ?)") and c.isalpha():
            run = _RUN.match(entry, i).group()
            i += len(run)
            if i < n and entry[i] in "?*":
                run = run[:-1]  # "sobs?": the last letter is optional
            if len(run) > len(best):
                best = run
            continue
        i += 1
    if len(best) >= 3:
        return {best}
    # else the branches of a required top-level group of plain words ("in a (?:dither|flutter)")
    for g in _TOP_GROUP.finditer(entry):
        if g.start() and entry[g.start() - 1] == "\\" or entry.startswith(("?", "*", "{"), g.end()):
            continue
        branches = g.group(1).split("|")
        keys = {m.group() for m in map(_RUN.match, branches) if m}
        if len(keys) == len(branches) and min(map(len, keys)) >= 3:
            return keys
    raise ValueError(f"feeling word {entry!r} needs a plain word of three letters or more")


_TOP_GROUP = compile_later(r"\(\?:([^()]*)\)")
_PLAIN_WORD = compile_later(r"[a-z]+(?:[-'][a-z]+)*")


def words_pattern(words) -> str:
    """One alternation of the entries, longest first (plain form: its literals index the rule)."""
    return r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"


def grouped_pattern(words) -> str:
    """The same alternation grouped by first letter ("s(?:cared|obbed)|a(?:fraid)"): sre then
    rejects most positions after one character instead of trying every entry."""
    groups: dict[str, list[str]] = {}
    loose = []
    for w in sorted(words, key=len, reverse=True):
        if len(w) > 1 and w[0].isalpha() and w[1] not in "?*+{":
            groups.setdefault(w[0], []).append(w[1:])
        else:
            loose.append(w)
    parts = [c + "(?:" + "|".join(rest) + ")" for c, rest in sorted(groups.items())] + loose
    return r"\b(?:" + "|".join(parts) + r")\b"


_DOUBLE = compile_later(r"([a-z])\1")


def typed_forms(word: str) -> set[str]:
    """How a plain feeling word is often typed: one letter of a double dropped ("embarassed",
    "disapointed", "stresed"), and -ing without its g ("panickin", "fumin"). Words of six
    letters or more only, so that a short word's variant is not another word."""
    if len(word) < 6 or not word.isalpha():
        return set()
    out = {word[:m.start()] + word[m.start() + 1:] for m in _DOUBLE.finditer(word)}
    if word.endswith("ing"):
        out.add(word[:-1])
    if word in _MOST_TYPED:  # the commonest feeling words: two letters swapped or one dropped too
        out |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)}
        out |= {word[:i] + word[i + 1:] for i in range(1, len(word))}
    return out - _REAL_WORDS


# the feeling words people type most, whose slips are worth catching ("scraed", "worired",
# "frsutrated", "embarrassd"), and the slips that are words of their own
_MOST_TYPED = frozenset("""scared afraid frightened terrified panicked panicking worried nervous anxious stressed
    annoyed furious frustrated embarrassed ashamed guilty confused relieved surprised shocked excited
    crying laughing helpless disappointed lonely upset""".split())
_REAL_WORDS = frozenset("""sacred scare fried frighten worrier relived relieve confuse surprise excite exited socked
    guilt upsets setup""".split())


# how much: the degree words before an evaluative word ("it was all very confusing")
_DEGREE = (r"(?:(?:so+|really|very|pretty|quite|extremely|incredibly|totally|kind of|kinda|sort of|a bit|a little|"
           r"rather|most|truly|simply|just|absolutely|somewhat|fairly|terribly|awfully|all|genuinely|utterly|"
           r"thoroughly|especially|particularly|super|more|increasingly|too|also|still|even|actually|definitely) )*")
# what a dream's own feeling is said of: the experience, not a thing in it ("it was a pleasant
# feeling", "the whole experience was frightening", not "a nice house", "a scary movie")
_EXPERIENCE = (r"(?:experiences?|feelings?|sensations?|dreams?|nightmares?|situations?|atmosphere|ordeal|moments?|time|times|"
               r"evening|night|day|adventure|trip|ride|journey|mood|event|encounter|episode|party|game|thing to happen)")
_OF_EXPERIENCE = (r"(?:it|this|that|which|everything|it all|the (?:whole |entire )?(?:dream|experience|thing|situation|"
                  r"atmosphere|feeling|mood|night|evening|trip|journey|ride|ordeal|adventure))")


def evaluative_phrases(words) -> list[dict]:
    """The phrases an emotion's `evaluative` words make (adjectives that judge an experience:
    "terrifying", "pleasant"), one list for all of them:

    * said of the experience: "it was (all very) confusing", "it was a pleasant feeling",
      "the whole experience was frightening", "it's so stressful" (whoever the clause's subject);
    * a typed note's verbless comment: "..., so annoying", "humiliating." (FRAGMENT macros);
    * what the dreamer had: "I had a terrifying experience" (the clause's subject decides)."""
    adj = "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
    both = rf"(?:[\w'-]+ and {_DEGREE})?{adj}"
    lead = rf"\b(?:{_OF_EXPERIENCE} (?:was|is|felt|seemed|looked|sounded|got|became|had been) |(?:it's|its|that's|it is) )"
    return [
        # (the experience noun in a look-ahead: the adjectives are the rule's index literals)
        {"re": rf"{lead}{_DEGREE}(?:a|an|such a|such an|quite a|quite an|the|one of the) {_DEGREE}{both}(?= {_EXPERIENCE}\b)",
         "subject": "any"},
        {"re": rf"{lead}{_DEGREE}{both}\b", "subject": "any"},
        {"re": rf"{{FRAGMENT}}{adj}\b{{FRAGMENT_END}}", "subject": "any"},
        {"re": rf"{{FRAGMENT_ALONE}}{adj}\b{{FRAGMENT_END}}"},
        {"re": rf"\b(?:a|an|such a|such an) {_DEGREE}{both}(?= {_EXPERIENCE}\b)"},
    ]


def with_words(specs: dict[str, dict]) -> dict[str, dict]:
    """Emotion specs with their `words` lexicon turned into phrases and keys.

    Plain words become one phrase that `WordFinder` matches (no regex scan), with their
    typed forms (`typed_forms`); entries with spaces or regex syntax become a second
    phrase, an ordinary alternation."""
    out = {}
    every = {w for spec in specs.values() for w in spec.get("words") or () if _PLAIN_WORD.fullmatch(w)}
    for label, spec in specs.items():
        words = spec.get("words")
        if spec.get("evaluative"):
            spec = dict(spec)
            spec["phrases"] = list(spec.get("phrases", ())) + evaluative_phrases(spec["evaluative"])
            spec["keys"] = list(spec.get("keys", ())) + sorted(set().union(*map(_entry_keys, spec["evaluative"])))
        if words:
            spec = dict(spec)
            single = [w for w in words if _PLAIN_WORD.fullmatch(w)]
            typed = sorted(set().union(*map(typed_forms, single)) - every)
            single += typed
            words = list(words) + typed
            multi = [w for w in words if not _PLAIN_WORD.fullmatch(w)]
            lexicon = []
            if single:
                lexicon.append({"re": words_pattern(single), "plain": words_pattern(single), "words": single})
            if multi:
                lexicon.append({"re": grouped_pattern(multi), "plain": words_pattern(multi)})
            spec["phrases"] = lexicon + list(spec.get("phrases", ()))
            spec["keys"] = list(spec.get("keys", ())) + sorted(set().union(*map(_entry_keys, words)))
        out[label] = spec
    return out


class _Span:
    """What the matcher reads of a match: its span."""

    __slots__ = ("_s", "_e")

    def __init__(self, s: int, e: int):
        self._s, self._e = s, e

    def span(self) -> tuple[int, int]:
        return self._s, self._e

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e


_TOKEN_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz" else 32 for c in range(256))
_last: tuple = (None, frozenset())  # the last text looked at, and its words (one tuple: thread-safe)


def _words_of(hay: str) -> frozenset[bytes]:
    """The a-z words of a text (every other byte splits), worked out once per text."""
    global _last
    last = _last
    if last[0] is hay:
        return last[1]
    words = frozenset(hay.encode("ascii", "replace").translate(_TOKEN_BYTES).split())
    _last = (hay, words)
    return words


class WordFinder:
    """A lexicon of plain words, matched like the regex \\b(?:w1|w2|...)\\b on lower-case
    text but without scanning it: the text's words (split once per text, in C) meet
    the lexicon in a set, and only the few words found are looked up with str.find.
    A regex scan costs about 150 ns a character for an alternation this size."""

    __slots__ = ("words", "_simple", "_compound")

    def __init__(self, words):
        self.words = frozenset(words)
        self._simple = frozenset(w.encode() for w in self.words if "-" not in w and "'" not in w)
        # a compound as the a-z pieces the text's split gives ("self-conscious": self, conscious)
        self._compound = [(w, frozenset(p.encode() for p in re.split(r"[-']", w)))
                          for w in sorted(self.words) if "-" in w or "'" in w]

    def finditer(self, hay: str, pos: int = 0, endpos: int | None = None):
        if endpos is None:
            endpos = len(hay)
        have = _words_of(hay)
        found = [b.decode() for b in self._simple.intersection(have)]
        found += [w for w, parts in self._compound if parts <= have]
        if not found:
            return
        spans = []
        for w in found:
            n = len(w)
            i = hay.find(w, pos, endpos)
            while i >= 0:
                j = i + n
                if (i == 0 or not _is_word(hay[i - 1])) and (j >= len(hay) or not _is_word(hay[j])):
                    spans.append((i, j))
                i = hay.find(w, j, endpos)
        for s, e in sorted(spans):
            yield _Span(s, e)


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


# ---------------------------------------------------------------- feeling names

_FAMILIES: dict[int, list[tuple[str, re.Pattern]]] = {}


def feeling_family(name: str, knowledge=None) -> str | None:
    """The emotion id a free-form feeling name belongs to, or None.

    An emotion id or label is itself; otherwise a name the emotion lists (`names`: words
    for the feeling that are too ambiguous to look for in a dream, "love", "shock") or
    the lexicon entry the whole name matches ("scared", "freaked out", "over the moon").
    Built-in and personal emotions count."""
    if knowledge is None:
        from dreamly.analysis import load_knowledge

        knowledge = load_knowledge()
    key = " ".join(name.lower().replace("_", " ").split())
    if not key:
        return None
    for eid, label in knowledge.emotions.items():
        if key in (eid.lower(), label.lower()):
            return eid
    table = _FAMILIES.get(id(knowledge))
    if table is None:
        table = _FAMILIES[id(knowledge)] = [
            (eid, frozenset(spec.get("names", ())),
             re.compile("(?:" + "|".join(spec.get("words") or ["(?!)"]) + r")\Z"))
            for eid, spec in knowledge.emotion_specs.items()
        ]
    for eid, names, rx in table:
        if key in names:
            return eid
    for eid, names, rx in table:
        if rx.match(key):
            return eid
    return None
