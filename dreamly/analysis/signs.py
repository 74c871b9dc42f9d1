"""Dream signs: candidate signs found in a dream's text, and how unusual their words are.

Pure functions, no database, no terminal. `extract(text)` returns a dream's candidate
signs: named people (capitalised names not at a sentence start), people by relation
("my brother", "grandma"), places and things as short noun phrases ("the old school",
"grandma's attic", "a station"), each with the span of the words that show it. The
matcher's motifs are signs too, keyed "motif:<id>" (the journal's triggers store them with the
matcher's output). What the finder knows
(relation words, place words, stop words) is data in `signs.toml`; word frequencies come
from `data/wordfreq-en.txt`, a small table derived from wordfreq (see its header).

Only the commands that show signs import this module, never `dreamly add`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SIGNS_VERSION = 3  # bump when extraction changes: stored candidates are then extracted again
MOTIF_PREFIX = "motif:"
KINDS = ("person", "place", "thing", "motif", "personal motif")

_HERE = Path(__file__).resolve().parent.parent  # the dreamly package: signs.toml sits by motifs.toml
LEXICON_FILE = _HERE / "signs.toml"
FREQUENCY_FILE = _HERE / "data" / "wordfreq-en.txt"


@dataclass(frozen=True)
class Candidate:
    """One sign in one dream: `key` is what recurs across dreams ("old school",
    "grandmother", "anna", "motif:chase"); `label` is how this dream says it."""

    key: str
    kind: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Lexicon:
    relation_of: dict           # word -> canonical relation
    bare: frozenset
    owners: frozenset
    modifiers: frozenset
    titles: frozenset
    person_nouns: frozenset
    not_names: frozenset
    place_prepositions: frozenset
    name_breaks: frozenset
    determiners: frozenset
    max_words: int
    generic: frozenset
    plain_adjectives: frozenset
    never_heads: frozenset
    places: frozenset
    verbs: frozenset
    stop: frozenset
    rank: dict
    intention: dict
    skip_groups: frozenset
    breakers: frozenset = frozenset()   # words that end a phrase: stop words, verbs, determiners
    triggers: frozenset = frozenset()   # words that start something: determiners, bare relations


def _read_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    with open(path, "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = _read_toml(LEXICON_FILE)
    people, phrases = data["people"], data["phrases"]
    relation_of = {}
    for canonical, words in people["relations"].items():
        for word in words:
            relation_of[word] = canonical
    low = lambda key, table=people: frozenset(w.lower() for w in table[key])  # noqa: E731
    return Lexicon(
        relation_of=relation_of, bare=low("bare"), owners=low("owners"), modifiers=low("modifiers"),
        titles=low("titles"), person_nouns=low("nouns"), not_names=low("not_names"),
        place_prepositions=low("place_prepositions"), name_breaks=low("name_breaks"),
        determiners=low("determiners", phrases), max_words=int(phrases["max_words"]),
        generic=low("generic", phrases), plain_adjectives=low("plain_adjectives", phrases),
        never_heads=low("never_heads", phrases),
        places=low("places", phrases), verbs=low("verbs", phrases), stop=low("stop", phrases),
        rank=dict(data["rank"]), intention=dict(data["intention"]),
        skip_groups=frozenset(data.get("motifs", {}).get("skip_groups", ())),
        breakers=low("stop", phrases) | low("verbs", phrases) | low("determiners", phrases) | set(_PUNCTUATION),
        triggers=low("determiners", phrases) | low("bare"),
    )


# -- word frequencies ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def zipf_table() -> dict[str, float]:
    """word -> Zipf frequency (7 ≈ "the", 3 ≈ once per million words), for ~40,000 words."""
    table: dict[str, float] = {}
    with open(FREQUENCY_FILE, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            value, _, words = line.partition(" ")
            z = float(value)
            for word in words.split():
                table.setdefault(word, z)
    return table


def zipf(word: str) -> float:
    """How common a word is in English (Zipf scale); rare and unknown words get the table's floor."""
    table = zipf_table()
    word = word.lower().replace("’", "'")
    if word in table:
        return table[word]
    if word.endswith("'s") and word[:-2] in table:
        return table[word[:-2]]
    return float(lexicon().rank["unknown_zipf"])


def rarity(key: str, kind: str) -> float:
    """How unusual a sign's words are in ordinary English: the sum over its words of how far
    each is below the ceiling of the Zipf scale. "the house" is low, "grandma's attic" high."""
    rank = lexicon().rank
    ceiling = float(rank["zipf_ceiling"])
    if key.startswith(MOTIF_PREFIX):
        return ceiling - float(rank["motif_zipf"])
    stop = lexicon().stop
    total = 0.0
    for word in key.replace("'s ", " ").split():
        if word in stop:
            continue
        total += max(0.2, ceiling - zipf(word))
    if kind == "person" and key in lexicon().relation_of.values():
        total += float(rank["relation_bonus"])
    return round(max(total, 0.2), 3)


# -- extraction -------------------------------------------------------------------------------



def _is_capitalised(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or not word.isupper())


_PUNCTUATION = ".!?,;:()\"“”—–[]"
_SENTENCE_WORDS = frozenset(".!?")


def _spaced(text: str) -> str:
    """The text with punctuation split off as words of its own (str.replace is C-fast;
    a regex tokeniser costs three times as much on a typical dream)."""
    text = text.replace("’", "'").replace("\n", " . ")
    for mark in _PUNCTUATION:
        if mark in text:
            text = text.replace(mark, f" {mark} ")
    return text


class _Text:
    """A text as parallel lists: words as written and their lower-case base (possessive
    's taken off). Punctuation marks are words of their own, whose base is ""."""

    __slots__ = ("words", "bases", "possessive", "text", "titles", "_spans")

    def __init__(self, text: str, titles: frozenset):
        self.text = text
        self.titles = titles
        self._spans = None
        spaced = _spaced(text)
        words = spaced.split()
        lows = spaced.lower().split() if spaced.isascii() else [w.lower() for w in words]
        if len(lows) != len(words):  # a letter whose lower case is two (rare): word by word
            lows = [w.lower() for w in words]
        possessive: set = set()
        if "'" in spaced:  # most words have none: only those with one are looked at again
            lows = list(lows)
            for i, low in enumerate(lows):
                if "'" in low and len(low) > 2:
                    if low.endswith("'s"):
                        lows[i] = low[:-2]
                        possessive.add(i)
                    elif low.endswith("s'"):
                        lows[i] = low[:-1]
                        possessive.add(i)
        self.words, self.bases, self.possessive = words, lows, possessive

    def starts(self, i: int) -> bool:
        """Whether word i begins a sentence ("Mr. Keller": a title's full stop does not end one)."""
        if i == 0:
            return True
        before = self.words[i - 1]
        if before in _SENTENCE_WORDS:
            return not (before == "." and i >= 2 and self.bases[i - 2] in self.titles)
        if before in ('"', "“", "(", "—", "–", ":") and i >= 2:
            return self.starts(i - 1)
        return False

    def span(self, first: int, last: int, cut_possessive: bool = False) -> tuple[int, int]:
        """Character span in the original text of words first..last."""
        if self._spans is None:
            spans, pos, text = [], 0, self.text.replace("’", "'")
            for word in self.words:
                at = text.find(word, pos)
                if at < 0:  # a newline turned into "."
                    spans.append((pos, pos))
                    continue
                spans.append((at, at + len(word)))
                pos = at + len(word)
            self._spans = spans
        end = self._spans[last][1]
        if cut_possessive and last in self.possessive:
            end -= 2 if self.words[last].endswith("'s") else 1
        return self._spans[first][0], end


def extract(text: str, *, spans: bool = False) -> list[Candidate]:
    """The candidate signs of one dream's text, first occurrence of each key, in text order.
    With `spans`, each candidate carries the character span of its words (for excerpts);
    without, start and end are 0 (what is stored needs only the key and kind)."""
    lex = lexicon()
    t = _Text(text, lex.titles)
    found: dict[str, tuple] = {}

    def add(key: str, kind: str, label_first: int, first: int, last: int, label: str | None = None) -> None:
        if key and key not in found:
            found[key] = (kind, label, first, last, label_first)

    bases, words, starts, possessive = t.bases, t.words, t.starts, t.possessive
    relation_of, bare, determiners, owners = lex.relation_of, lex.bare, lex.determiners, lex.owners
    not_names, titles, triggers = lex.not_names, lex.titles, lex.triggers
    # only words that can start a sign are visited: determiners, bare relations, capitals
    visit = [i for i, word in enumerate(words) if word[0].isupper() or bases[i] in triggers]
    done = 0  # words before this were read as part of a sign
    for i in visit:
        if i < done:
            continue
        base = bases[i]
        if base in determiners:
            # noun phrases after a determiner: "the old school", "a station", "my brother"
            if i not in possessive:
                done = _phrase_after(t, i + 1, None, i, add, lex, owner=base in owners)
        elif base in bare:
            # people by relation without "my": "Grandma was there", "I called Mum"
            if not (i and bases[i - 1] in determiners):
                rel = relation_of[base]
                add(rel, "person", i, i, i, f"my {rel}")
                if i in possessive:
                    done = _phrase_after(t, i + 1, rel, i, add, lex)
        elif len(base) > 1 and _is_capitalised(words[i]) \
                and ((base not in not_names and base not in relation_of) or base in titles) \
                and (base in titles or not starts(i) or _rare_name(base, words, i, lex)):
            # named people (and places after "in", "from" …): capitalised, not at a sentence start
            done = _name_at(t, i, add, lex)

    out = []
    for key, (kind, label, first, last, label_first) in found.items():
        if spans:
            start, end = t.span(label_first, last, cut_possessive=True)
            label = label or text[start:end]
        else:
            start = end = 0
            label = label or key
        out.append(Candidate(key, kind, label, start, end))
    return out


def _rare_name(base: str, words: list, i: int, lex: Lexicon) -> bool:
    """A capitalised word at a sentence start is a name when English hardly uses it
    ("Ottoline waved"), not when it is an ordinary word ("Suddenly", "Quiet")."""
    if base in lex.stop or base in lex.verbs or base in lex.determiners or not base.isalpha():
        return False
    return zipf(base) < float(lex.rank["name_at_start_zipf"])


def _name_at(t: _Text, i: int, add, lex: Lexicon) -> int:
    """Read a run of capitalised words from word i ("Anna", "Mr. Keller", "Aunt May",
    "Lisbon") and add it; returns the index after it."""
    bases, words, starts, possessive = t.bases, t.words, t.starts, t.possessive
    n = len(bases)
    j, parts, titled = i, [], False
    while j < n and _is_capitalised(words[j]) and bases[j] not in lex.name_breaks \
            and (bases[j] not in lex.not_names or (parts and bases[parts[-1]] in lex.titles)) \
            and (j == i or bases[parts[-1]] in lex.titles or not starts(j)):
        parts.append(j)
        titled = titled or bases[j] in lex.titles
        j += 1
        if parts[-1] in possessive:  # "Anna's": the name ends at the possessive
            break
        # "Mr. Keller": step over the title's full stop
        if j + 1 < n and words[j] == "." and bases[parts[-1]] in lex.titles:
            j += 1
    names = [p for p in parts if bases[p] not in lex.titles or bases[p] in lex.relation_of] if titled else parts
    if not names:
        return i + 1
    key = " ".join(bases[p] for p in names)
    kind = "person"
    prev = bases[i - 1] if i else ""
    if not titled and (prev in lex.place_prepositions or prev == "the"):
        kind = "place"
    last = parts[-1]
    add(key, kind, parts[0], parts[0], last)
    if last in possessive:
        return _phrase_after(t, j, key, parts[0], add, lex)
    return j


def _phrase_after(t: _Text, i: int, possessor, phrase_start: int, add, lex: Lexicon, owner: bool = False) -> int:
    """Read up to `max_words` words from word i as a noun phrase and add its signs; returns
    the index after the phrase. `possessor` is the key of "grandma's" / "Anna's"."""
    bases, words, possessive = t.bases, t.words, t.possessive
    n = len(bases)
    breakers, places, relation_of = lex.breakers, lex.places, lex.relation_of
    first = j = i
    proper = False
    end = min(n, first + lex.max_words)
    while j < end:
        base = bases[j]
        if base in breakers or base.endswith(("ly", "ed")) and (base.endswith("ly") or len(base) > 4 and base not in places):
            break
        if j > first:
            if words[j][0].isupper() and not proper or base.endswith("ing") and base not in places:
                break  # "my cousin Tom", "a market buying oranges"
        else:
            proper = words[j][0].isupper() and not t.starts(j)  # "the Eiffel Tower"
        j += 1
        if j - 1 in possessive or (owner and base in relation_of):
            break  # "my brother": the relation ends it
    if j == first:
        return max(j, i)
    head = j - 1
    while head > first and head not in t.possessive and (
            bases[head] in lex.never_heads or bases[head] in lex.generic or bases[head] in lex.plain_adjectives):
        head -= 1  # "a meadow full of bees", "the old school last week": the noun comes first
    if bases[head] in lex.never_heads:
        return j
    head_base = bases[head]
    relation = relation_of.get(head_base)
    if relation and (owner or (possessor is None and head_base in lex.bare)):
        # "my brother", "our old teacher", "my brother's car"
        add(relation, "person", phrase_start, phrase_start, head, f"my {relation}")
        if head in possessive:
            return _phrase_after(t, j, relation, phrase_start, add, lex)
        return j
    if head in possessive:
        # "the teacher's desk": read what the possessor owns
        return _phrase_after(t, j, head_base if head_base not in lex.generic else None, phrase_start, add, lex)
    if head_base in lex.generic or len(head_base) < 3:
        return j
    kind = ("person" if head_base in lex.person_nouns or head_base in relation_of
            else "place" if head_base in places or proper else "thing")
    if proper and head > first:
        add(" ".join(bases[first:head + 1]), kind, first, first, head)
        return j
    if possessor:
        key = f"{possessor}'s {head_base}"
        add(key, kind, phrase_start, phrase_start, head)
    else:
        modifiers = [k for k in range(first, head) if bases[k] not in lex.plain_adjectives]
        if modifiers:
            last = modifiers[-1]
            add(f"{bases[last]} {head_base}", kind, last, last, head)
    add(head_base, kind, head, head, head)
    return j


def find_span(text: str, key: str) -> tuple[int, int] | None:
    """Where a text says a sign (for an excerpt): the span extraction gives it, if any."""
    for candidate in extract(text, spans=True):
        if candidate.key == key:
            return candidate.start, candidate.end
    return None


def normalise_key(word: str) -> str:
    """What `--hide WORD` means, keyed as the finder keys it: "The old school" -> "old
    school", "Grandma" -> "grandmother", "Mrs. Halloran" -> "halloran", "Gran's kitchen" ->
    "grandmother's kitchen". (A motif id or label is the caller's business.)"""
    lex = lexicon()
    words = [w.strip(_PUNCTUATION) for w in word.strip().lower().replace("’", "'").split()]
    words = [w for w in words if w]
    while words and words[0] in lex.determiners:
        words = words[1:]
    while len(words) > 1 and words[0] in lex.titles and words[0] not in lex.relation_of:
        words = words[1:]  # "Mr Okafor" is keyed by the name
    if len(words) == 1 and words[0] in lex.relation_of:
        return lex.relation_of[words[0]]
    if words and words[0].endswith("'s"):
        possessor = words[0][:-2]
        words[0] = lex.relation_of.get(possessor, possessor) + "'s"
    return " ".join(words)
