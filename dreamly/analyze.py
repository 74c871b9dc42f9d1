"""Rule-based motif and emotion matcher over the knowledge base in motifs.toml.

The rules (phrases, idioms to skip, lexicons) are data; this module holds the
machinery that makes them precise:

* sentences and clauses, so that negation ("nobody was chasing me") and
  "it nearly happened" cues only reach the clause they sit in;
* who the clause is about (the dreamer: I / we / my legs, or someone else), so that
  a friend falling or a woman getting angry is not the dreamer's motif or feeling;
* nearby-context conditions ("followed me" is a chase only near running or hiding);
* pursuer typing from whoever does the chasing, and the guide's one inference
  (fleeing or hiding from something clearly dangerous implies fear).

Standard library only: this module is imported on the `add` path.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import count, islice
from pathlib import Path

from dreamly.errors import DreamlyError
from dreamly.feelings import WordFinder, emotion_subject, heading_end, with_words

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

# The dreamer as the object of the hit's own words ("chasing me", "after us")
_DREAMER_OBJECT = re.compile(r"\b(?:me|us)\b")

BUILTIN_FILE = Path(__file__).with_name("motifs.toml")


# --------------------------------------------------------------------------- results


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


# --------------------------------------------------------------------------- knowledge


@dataclass(frozen=True)
class Motif:
    id: str
    label: str
    group: str
    meaning: str
    questions: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()


_MOTIF_KEYS = {"label", "group", "meaning", "questions", "suggestions", "keys", "phrases",
               "subject", "unless", "realis", "requires", "agents"}
_EMOTION_KEYS = {"label", "keys", "phrases", "subject", "unless", "realis", "words"}
_PHRASE_KEYS = {"re", "near", "not_near", "window", "subject", "realis"}
_SUBJECT_MODES = ("dreamer", "any", "scene")
_TOP_KEYS = {"macros", "motifs", "emotions", "inference", "triggers", "lenses", "red_flag"}


class Knowledge:
    """The parsed knowledge base: descriptions for people, rule specs for the Matcher."""

    def __init__(self, data: dict, sources: tuple[str, ...] = ()):
        self.sources = sources
        self.macros: dict[str, str] = dict(data.get("macros", {}))
        self.motif_specs: dict[str, dict] = dict(data.get("motifs", {}))
        self.emotion_specs: dict[str, dict] = with_words(dict(data.get("emotions", {})))
        self.inference: dict[str, dict] = dict(data.get("inference", {}))
        self.lenses: dict[str, dict] = dict(data.get("lenses", {}))
        self.triggers: dict[str, dict] = dict(data.get("triggers", {}))
        self.red_flag: dict = dict(data.get("red_flag", {}))
        self.motifs: dict[str, Motif] = {
            mid: Motif(
                id=mid,
                label=spec.get("label", mid),
                group=spec.get("group", "personal"),
                meaning=spec.get("meaning", ""),
                questions=tuple(spec.get("questions", ())),
                suggestions=tuple(spec.get("suggestions", ())),
            )
            for mid, spec in self.motif_specs.items()
        }
        self.emotions: dict[str, str] = {eid: spec.get("label", eid) for eid, spec in self.emotion_specs.items()}


def _read_toml(path: Path) -> dict:
    # imported here: ~5 ms that `import dreamly.analyze` (for MATCHER_VERSION, Hit, ...) need not pay
    try:  # Python 3.11+
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise DreamlyError(f"cannot read motif file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:  # older tomllib: "... (at line 3, column 5)"
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else "?"
        reason = getattr(exc, "msg", None) or str(exc)
        raise DreamlyError(f"{path}, line {line}: not valid TOML ({reason})") from None


def _validate(data: dict, path: Path) -> None:
    """Reject unknown keys and bad regexes with a message naming the file and entry."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise DreamlyError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    macros = {**_builtin_macros(), **data.get("macros", {})}
    for section, allowed in (("motifs", _MOTIF_KEYS), ("emotions", _EMOTION_KEYS)):
        for name, spec in data.get(section, {}).items():
            where = f"{path}: [{section}.{name}]"
            if not isinstance(spec, dict):
                raise DreamlyError(f"{where} must be a table")
            bad = set(spec) - allowed
            if bad:
                raise DreamlyError(f"{where}: unknown key(s) {', '.join(sorted(bad))}")
            if spec.get("subject", "dreamer") not in _SUBJECT_MODES:
                raise DreamlyError(f"{where}: subject must be one of {', '.join(_SUBJECT_MODES)}")
            for key in ("phrases", "unless", "agents", "keys", "questions", "suggestions"):
                if key in spec and not isinstance(spec[key], list):
                    raise DreamlyError(f"{where}: `{key}` must be a list")
            for item in spec.get("phrases", []) + spec.get("unless", []) + spec.get("agents", []):
                pats = [item] if isinstance(item, str) else None
                if isinstance(item, dict):
                    bad = set(item) - _PHRASE_KEYS
                    if bad or "re" not in item:
                        raise DreamlyError(f"{where}: phrase tables need `re` and may have "
                                           f"near/window/subject/realis (got {', '.join(sorted(item))})")
                    pats = [item["re"]] + [item[k] for k in ("near", "not_near") if k in item]
                    if item.get("subject", "dreamer") not in _SUBJECT_MODES:
                        raise DreamlyError(f"{where}: subject must be one of {', '.join(_SUBJECT_MODES)}")
                if pats is None:
                    raise DreamlyError(f"{where}: phrase {item!r} must be a string or a table")
                for pat in pats:
                    try:
                        re.compile(_expand(pat, macros), re.I)
                    except re.error as exc:
                        raise DreamlyError(f"{where}: phrase {pat!r} is not a valid regular expression ({exc})") from None


@lru_cache(maxsize=1)
def _builtin_data() -> dict:
    return _read_toml(BUILTIN_FILE)


def _builtin_macros() -> dict:
    return dict(_builtin_data().get("macros", {}))


def load_knowledge(user_file: Path | None = None) -> Knowledge:
    """The built-in knowledge base, plus a personal file that adds or overrides entries."""
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in _builtin_data().items()}
    sources = (str(BUILTIN_FILE),)
    if user_file is not None:
        user_file = Path(user_file)
        extra = _read_toml(user_file)
        _validate(extra, user_file)
        for section, value in extra.items():
            if isinstance(value, dict) and section != "red_flag":
                merged = dict(data.get(section, {}))
                merged.update(value)
                data[section] = merged
            else:
                data[section] = value
        sources += (str(user_file),)
    return Knowledge(data, sources)


# --------------------------------------------------------------------------- text structure

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(3):  # macros may use macros
        pattern = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
    # a literal space in a rule means "any run of whitespace"
    return pattern.replace(" ", r"\s+")


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# The four characters that case-insensitive regexes treat as an ASCII letter but
# str.lower() does not turn into one (dotted/dotless i, long s, Kelvin sign). Mapping
# them first makes `low` agree with re.IGNORECASE and keeps it as long as the text,
# so positions in `low` are positions in the text.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
# [.!?]+["')\]]*\s+ or \n\s*, written to start with one character class: sre then skips
# ahead to the next candidate character in C, about three times faster than the plain
# alternation (which it tries at every position)
_SENT_END = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"')\]]*\s+|(?<=\n)\s*)")
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "ave", "vs", "etc", "jr", "sr", "mt", "ft", "no", "prof", "rd", "e.g", "i.e"}
_WORD = re.compile(r"[A-Za-z][\w'-]*")

# Clause boundaries. Words are included because the subject of "I knew he was lost" or
# "I saw the boy fall" is the second clause's, and negation does not cross them.
_CLAUSE_WORDS = frozenset("""
    and but or because cause when whenever while until till then though although as after before since
    once if unless whereas where who whom which whose knew know knows think thought thinks realise
    realises realised realize realizes realized realising realizing notice noticed notices see saw sees
    seeing watched watch heard hear hears said say says told tell tells guess remember remembered recall
    recalled believe believed decided hope hoped wish wished found find finds like seemed seems dreamed
    dreamt dream dreams wonder wondered imagine imagined suppose knowing thinking""".split())


def _by_first_letter(words) -> str:
    """An alternation of lower-case words grouped by first letter ("a(?:nd|fter|s)|b(?:ut)"):
    sre then rejects most positions after one character instead of trying every word."""
    groups: dict[str, list[str]] = {}
    for w in sorted(words):
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(c + "(?:" + "|".join(rests) + ")" for c, rests in groups.items())


# One scan of a sentence's folded lower-case text finds the punctuation cuts and the
# clause words ("that" is checked after); \b on both sides, so a hit is a whole \w+ word,
# the same words as splitting into words and looking them up, with no Python per word.
_CLAUSE_CUT = re.compile(r"([,;:()\"\u2014]|--|\s-\s)|\b(?:" + _by_first_letter(_CLAUSE_WORDS | {"that"}) + r")\b")
# "that" starts a clause only before a subject ("I knew that he …", not "that house")
_THAT_CLAUSE = re.compile(r"\s+(?:i|we|he|she|they|it|you|the|a|an|my|his|her|our|their|there|this|someone|"
                          r"somebody|everyone|nobody|no one|people)\b")
# Words and connectives that come before a clause's subject. This and the patterns below
# run on the folded lower-case text (`_Doc.low`): case-sensitive matching is several times
# faster than re.IGNORECASE and, thanks to _FOLD, matches the same places.
_LEAD_SKIP = re.compile(
    r"(?:\s|[,;:()\"'-]|\b(?:and|but|or|so|then|when|whenever|while|because|cause|as|after|before|since|once|"
    r"if|until|till|though|although|where|whereas|that|like|suddenly|finally|soon|later|now|still|just|also|"
    r"again|together|eventually|immediately|quickly|slowly|somehow|maybe|perhaps|probably|apparently|"
    r"actually|really|even|only|well|oh|yes|anyway|meanwhile|afterwards?|instantly|gradually|first|next|"
    r"all of a sudden|at first|at last|at that (?:point|moment|time)|at one point|little by little|"
    r"bit by bit|in the end|of course|right away|after a while|for some reason|in turn|unless|"
    r"knew|know|knows|think|thought|thinks|reali[sz]e[ds]?|reali[sz]ing|noticed?|notices|see|saw|sees|"
    r"seeing|watched|watch|heard|hear|hears|said|say|says|told|tell|tells|guess|remember|remembered|"
    r"recall|recalled|believed?|decided|hoped?|wish|wished|found|find|finds|seemed|seems|dreamed|dreamt|"
    r"dream|dreams|wondered?|imagined?|suppose|knowing|thinking)\b)+",
)
_DREAMER = {"i", "we", "me", "us", "myself", "ourselves", "i'm", "we're", "i'd", "we'd", "i've",
            "we've", "i'll", "we'll"}
_OTHER = {"he", "she", "they", "it", "you", "someone", "somebody", "something", "everyone", "everybody",
          "nobody", "anyone", "anybody", "people", "who", "which", "what", "there", "this", "these",
          "those", "he's", "she's", "they're", "it's", "you're", "there's", "whoever", "everything",
          "nothing", "none", "noone", "him", "her", "them"}
_DETERMINERS = {"the", "a", "an", "his", "their", "its", "your", "some", "any", "all", "every", "each",
                "another", "several", "many", "both", "one", "two", "three", "four", "five", "most",
                "few", "other", "no", "that", "whose"}
_MY = {"my", "our"}
_OWN_BODY = {"legs", "leg", "feet", "foot", "knees", "knee", "body", "arms", "arm", "hands", "hand",
             "teeth", "tooth", "heart", "mouth", "eyes", "head", "muscles", "limbs", "whole", "own",
             "dream", "dreams", "voice", "mind", "stomach", "chest", "words", "next", "last", "first",
             "second", "third", "other"}
_VERBISH = {"is", "was", "were", "are", "had", "has", "have", "did", "does", "do", "could", "would",
            "will", "can", "should", "might", "must", "kept", "keeps", "started", "began", "came",
            "comes", "went", "goes", "got", "gets", "said", "says", "told", "tells", "ran", "runs",
            "fell", "falls", "flew", "flies", "took", "takes", "saw", "sees", "knew", "knows", "and",
            "wants", "wanted", "looked", "looks", "seemed", "seems", "stood", "stands", "made", "makes"}
_TOKENS = re.compile(r"[a-z][a-z'-]*")
# The runs of [a-z'-] in a text, split apart in C: every byte outside that set becomes a
# space (other characters first become "?" when encoded). A run less its leading ' and -
# is exactly one _TOKENS match, several times cheaper than findall building match strings.
_RUN_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz'-" else 32 for c in range(256))


def _token_runs(low: str) -> list[str]:
    return low.encode("ascii", "replace").translate(_RUN_BYTES).decode("ascii").split()


_WHO = re.compile(r"\s*(?:who|which)\b")
_JOINED = re.compile(r"\s*(?:and|or)\b")
_BY = re.compile(r"\s+by\s+((?:[\w'.-]+\s+){0,6}?[\w'.-]+)(?=\s*(?:[,.;!?]|$|\s(?:with|who|that|in|on|at|from|and|through|around|all|across|down|up|into)\b))", re.I)
# a passive's by-phrase a few words on: "chased through a station by someone"
_BY_LATER = re.compile(r"(?:\s+[\w'-]+){1,5}?" + _BY.pattern, re.I)
_PASSIVE = re.compile(r"(?:chased|hunted|stalked|followed|pursued)$", re.I)
_FROM = re.compile(r"\bfrom\s+(.{1,60}?)(?=[,.;!?]|$)", re.I)
_PEOPLE_NOUNS = {"kids", "children", "people", "friends", "men", "women", "boys", "girls", "students",
                 "others", "teachers", "guys", "everyone", "everybody", "nobody", "crowd", "parents"}
_NEGATION = re.compile(r"\b(?:not|no|never|nobody|nothing|none|neither|nor|without|noone)\b|n't\b")
# "without" and a bare "no" negate their noun phrase ("a man with no face", "a figure
# without a face"), not a verb that follows it: a finite verb in between ends their reach.
_NP_NEGATION = re.compile(r"\b(?:without|no(?! ?one\b|body\b| longer\b| more\b))\b")
_FINITE = re.compile(r"\b(?:is|was|were|are|am|had|has|have|did|does|do|could|would|will|can|kept|keeps|came|comes|"
                     r"started|starts|began|begins|got|gets|went|goes)\b")
# Words that can open a clause (_CLAUSE_WORDS) but are often prepositions: "before the
# exam", "like a fool". Followed by a noun phrase with no verb, they are no new subject.
_PREPOSITIONS = {"before", "after", "since", "until", "till", "like", "as"}
_OBJECTS = {"me", "us", "him", "her", "them", "it"}
_IRREALIS = re.compile(
    r"\b(?:almost|nearly|about to|going to|gonna|would|will|might|trying to|tried to|try to|tries to|"
    r"attempt\w* to|wanted to|want to|wants to|plann\w* to|plans? to|threaten\w* to|if|afraid|hoping|"
    r"in case|wonder\w*|pretend\w*|imagin\w*|could have|would have|supposed to|expect\w*|ready to)\b|'ll\b",
)


class _Doc:
    """Sentences of one text, and the clauses of a sentence once a rule fires in it."""

    __slots__ = ("text", "low", "hay", "sents", "sent_starts", "found", "_holding", "_clauses_of", "_spans_of",
                 "_starts_of")

    def __init__(self, text: str, low: str, hay: str | None = None):
        self.text = text
        self.low = low  # text folded to lower case, same length
        self.hay = low if hay is None else hay  # what the knowledge base's patterns run on
        self.found: set[str] = set()  # the rule literals that occur in the text (Matcher.analyze)
        self._holding: dict[str, set[int]] = {}  # literal -> sentences holding it, on first use
        self.sents = self._sentences(text)
        self.sent_starts = [s for s, _ in self.sents]
        # per sentence, built on first use: the clause spans, and the clauses as far as
        # asked for: (start, end, subject, elided after and/or, sentence index, subject
        # stated in the clause itself)
        self._spans_of: dict[int, list[tuple[int, int]]] = {}
        self._starts_of: dict[int, list[int]] = {}
        self._clauses_of: dict[int, list[tuple[int, int, str, bool, int, bool]]] = {}

    @staticmethod
    def _sentences(text: str) -> list[tuple[int, int]]:
        out, start = [], 0
        n = len(text)
        for m in _SENT_END.finditer(text):
            if m.end() < n and text[m.end()].islower():
                continue
            if text[m.start()] == ".":
                before = text[start:m.start()]
                last = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.strip() else ""
                if len(last) == 1 or last in _ABBREV:
                    continue  # "J. Tesar", "Ave. without"
            out.append((start, m.end()))
            start = m.end()
        if start < len(text):
            out.append((start, len(text)))
        return out or [(0, len(text))]

    def _clause_spans(self, s: int, e: int) -> list[tuple[int, int]]:
        text, low = self.text, self.low
        cuts = [s]
        for m in _CLAUSE_CUT.finditer(low, s, e):
            if m.lastindex:  # punctuation ends a clause after itself
                pos = m.end()
            else:  # a boundary word starts the next one
                word = m.group()
                if word == "that" and not _THAT_CLAUSE.match(low, m.end(), e):
                    continue
                pos = m.start()
                if word == "and" and len(text[cuts[-1]:pos].split()) <= 2:
                    continue  # "I and J. Tesar were …", "my brother and I": one subject, not two clauses
            if pos > cuts[-1]:
                cuts.append(pos)
        cuts.append(e)
        return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]

    def _subject(self, a: int, b: int, sent_start: int) -> str | None:
        text, low = self.text, self.low
        # (matching at a in the whole text equals matching the clause cut out: the
        # character before a clause is never part of a word)
        if _WHO.match(low, a, b):
            return "other"
        m = _LEAD_SKIP.match(low, a, b)
        rest_start = m.end() if m else a
        words = [(w.start(), w.group()) for w in islice(_WORD.finditer(text, rest_start, b), 6)]
        if not words:
            return None
        pos, w = words[0]
        lw = w.lower()
        lows = [x[1].lower() for x in words]
        lead = low[a:rest_start].split()
        if lead and lead[0] in _PREPOSITIONS and (
                lw in _OBJECTS or (lw in _DETERMINERS or lw in _MY)
                and not any(x in _VERBISH or x.endswith("ed") for x in lows[1:])):
            # "before the exam", "like a fool", "after me": a phrase, not a clause; the
            # subject is the one before it
            return None
        if lw in _DREAMER:
            return "dreamer"
        if "i" in lows[:5]:  # "Fisher and I", "my brother and I"
            k = lows.index("i")
            if k > 0 and lows[k - 1] == "and" or k + 1 < len(lows) and lows[k + 1] == "and":
                return "dreamer"
        if lw in _MY:
            return "dreamer" if len(lows) > 1 and any(x in _OWN_BODY for x in lows[1:3]) else "other"
        if lw == "no" and len(lows) > 1 and lows[1] == "one":
            return "other"
        if lw in _OTHER or lw in _DETERMINERS or lw == "her":
            return "other"
        if lw in _PEOPLE_NOUNS:
            return "other"
        if len(words) > 1 and lw not in _VERBISH and not lw.endswith(("ed", "ing", "ly")):
            nxt = words[1][1].lower()
            if nxt in _VERBISH and nxt != "and":
                return "other"  # "kids were laughing": a noun followed by its verb
        if w[0].isupper() and lw not in _DREAMER and lw not in ("being", "getting"):  # "Being chased by": no name
            nxt = words[1][1] if len(words) > 1 else ""
            if pos != sent_start and text[sent_start:pos].strip():
                return "other"  # a name in mid-sentence
            if nxt and nxt != "I" and (nxt.lower() in _VERBISH or nxt[0].isupper() or nxt.endswith("ed")):
                return "other"  # "Josh fell off", "Carter was after me"
        return None

    def sentence_of(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos) - 1  # the first sentence starts at 0

    def holding(self, lit: str) -> set[int]:
        """The sentences holding a literal of `found`. A literal has no space, so no
        occurrence straddles two sentences: one find per sentence that has it. Worked out
        only for the literals a woken rule asks about (a text holds dozens)."""
        out = self._holding.get(lit)
        if out is None:
            low, sents, starts = self.low, self.sents, self.sent_starts
            out = self._holding[lit] = set()
            pos = low.find(lit)
            while pos >= 0:
                si = bisect_right(starts, pos) - 1
                out.add(si)
                pos = low.find(lit, max(sents[si][1], pos + 1))  # (pos + 1: always moves on)
        return out

    def clause_of(self, pos: int) -> tuple[list, int]:
        """The clauses of pos's sentence up to the one holding pos, and its index. Later
        clauses are left for later: a hit only ever looks back, and working out who a
        clause is about is the costly part."""
        si = self.sentence_of(pos)
        spans = self._spans_of.get(si)
        if spans is None:
            spans = self._spans_of[si] = self._clause_spans(*self.sents[si])
            self._starts_of[si] = [a for a, _ in spans]
            self._clauses_of[si] = []
        ci = max(0, bisect_right(self._starts_of[si], pos) - 1)
        cl = self._clauses_of[si]
        while len(cl) <= ci:
            a, b = spans[len(cl)]
            subj = self._subject(a, b, self.sents[si][0])
            joined = subj is None and bool(_JOINED.match(self.low, a))
            # elided subjects ("and fell") inherit the one before them; a sentence without one is the dreamer's
            cl.append((a, b, subj or (cl[-1][2] if cl else "dreamer"), joined, si, subj is not None))
        return cl, ci

    @staticmethod
    def scope_start(cl: list, ci: int) -> int:
        """Where negation/irrealis reach back from: the clause, or the clause before an
        elided "and …" ("going to rape and kill me", "didn't run and hide")."""
        while ci > 0 and cl[ci][3]:
            ci -= 1
        return cl[ci][0]

    def window(self, pos: int, n: int) -> tuple[int, int]:
        first, last = self.window_sents(pos, n)
        return self.sents[first][0], self.sents[last][1]

    def window_sents(self, pos: int, n: int) -> tuple[int, int]:
        si = self.sentence_of(pos)
        return max(0, si - n), min(len(self.sents) - 1, si + n)

    def may_hold(self, lits: frozenset[str] | None, first: int, last: int) -> bool:
        """False when a pattern with these literals cannot match in sentences first..last:
        none of them occurs there. Saves running big alternations ({FLIGHT}, {DANGER})
        over windows of several sentences."""
        if lits is None:
            return True
        here = lits.intersection(self.found)
        if not here:
            return False
        # sentences first..last are one stretch of the text, and a literal never straddles
        # a sentence boundary: it occurs in them exactly when find sees it in that stretch
        lo, hi = self.sents[first][0], self.sents[last][1]
        find = self.low.find
        for lit in here:
            if find(lit, lo, hi) >= 0:
                return True
        return False


# --------------------------------------------------------------------------- rules


@dataclass(eq=False, slots=True)
class _Rule:
    """One phrase of a label. Its regexes are compiled the first time it has to run."""

    kind: str
    label: str
    source: str  # the phrase with macros expanded
    subject: str  # "dreamer" | "any" | "scene"
    window: int
    realis: bool
    # Literals: every match contains one of them (lower case); None: no such guarantee.
    lits: frozenset[str] | None
    order: int  # position in the knowledge base, so that hits come out in a stable order
    near_source: str | None = None
    not_near_source: str | None = None
    unless_sources: tuple[str, ...] = ()
    near_lits: frozenset[str] | None = None
    not_near_lits: frozenset[str] | None = None
    unless_lits: tuple[frozenset[str] | None, ...] = ()
    regex: re.Pattern | None = None  # set by Matcher._compile, with the three below
    near: re.Pattern | None = None
    not_near: re.Pattern | None = None
    unless: tuple[re.Pattern, ...] = ()


class _Opaque(Exception):
    """A regex feature the literal finder does not model; the rule then runs on every text."""


_COUNT = re.compile(r"\{(\d*)(?:,(\d*))?\}")
_PLAIN = re.compile(r"[^\\\[\]().*+?{}|^$\x80-\U0010ffff]+")  # ASCII that stands for itself


# Macro groups ("(?:couldn't|could not|...)") recur in many patterns; their literals are
# worked out once (Matcher.__init__ -> _remember_groups) and looked up by their first
# characters. Keyed by the group's own text, so a hit is the same answer parsing would give.
_GROUP_HEAD = 40
_KNOWN_GROUPS: dict[str, tuple[str, set[str] | None]] = {}


def _remember_groups(expansions) -> None:
    for text in expansions:
        start = text.find("(?:")
        if start < 0 or len(text) - start < 2 * _GROUP_HEAD or text[start:start + _GROUP_HEAD] in _KNOWN_GROUPS:
            continue
        try:
            lits, end = _alternation(text, start + 3)
        except (_Opaque, IndexError, ValueError):
            continue
        if end < len(text) and text[end] == ")":
            group = text[start:end + 1]
            _KNOWN_GROUPS[group[:_GROUP_HEAD]] = (group, lits)


def _required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of `pattern` contains, or None.

    They let a rule skip a dream (or a sentence) with a set lookup instead of running
    its regex. This reads the pattern text itself (public syntax, no private `re`
    modules): groups, alternation, classes, quantifiers and lookarounds are understood;
    anything else (escapes like \\n or \\1, inline flags, ...) gives None, which only
    costs speed. Literals shorter than three characters are not worth indexing."""
    try:
        lits, end = _alternation(pattern, 0)
    except (_Opaque, IndexError, ValueError):
        return None
    if end != len(pattern) or not lits or min(map(len, lits)) < 3:
        return None
    lits = {x.lower() for x in lits}
    # Matcher finds literals inside the text's words (_TOKENS); "r2d2" or "e.g" would
    # never be found there, so such a pattern goes unindexed rather than unmatched.
    if not all(_TOKENS.fullmatch(x) for x in lits):
        return None
    return tuple(sorted(lits))


_WORD_BRANCH = r"[a-zA-Z][a-zA-Z'-]*(?:s\?|\\w[*+])?"
_WORD_ALTERNATION = re.compile(rf"{_WORD_BRANCH}(?:\|{_WORD_BRANCH})*(?=\))")


def _word_literal(branch: str) -> str:
    """What _sequence finds in one plain branch: the word, less an optional "s" or a \\w tail."""
    if branch.endswith("s?"):
        return branch[:-2]
    if branch.endswith(("\\w*", "\\w+")):
        return branch[:-3]
    return branch


def _alternation(p: str, i: int) -> tuple[set[str] | None, int]:
    """Literals of the branches from p[i] up to an unmatched ")" or the end: a match
    takes one branch, so it holds one literal of the union (None if a branch has none)."""
    words = _WORD_ALTERNATION.match(p, i)
    if words:  # the common case, a group of plain words: "(?:run|ran|dogs?|murder\w*)"
        return {_word_literal(w) for w in words.group().split("|")}, words.end()
    branches = []
    while True:
        lits, i = _sequence(p, i)
        branches.append(lits)
        if i < len(p) and p[i] == "|":
            i += 1
        else:
            break
    if any(b is None for b in branches):
        return None, i
    return set().union(*branches), i


def _sequence(p: str, i: int) -> tuple[set[str] | None, int]:
    """The most selective literal set of one branch: runs of plain characters that every
    match consumes in a row, or a required group's literals."""
    options: list[set[str]] = []
    run = ""
    n = len(p)
    while i < n and p[i] not in "|)":
        plain = _PLAIN.match(p, i)
        if plain and plain.end() - i > 1:
            # a stretch of ordinary characters in one step; the last one may carry a
            # quantifier, so it goes through the general path below
            run += p[i:plain.end() - 1]
            i = plain.end() - 1
        c = p[i]
        char = group = None
        zero_width = False
        if c == "\\":
            e = p[i + 1]
            i += 2
            if e in "bBAZ":
                zero_width = True
            elif e.isalnum() and e not in "dDwWsS":
                raise _Opaque  # \n, \x41, \1, \N{...}: not worth modelling
            elif not e.isalnum():
                char = e  # an escaped punctuation character
        elif c == "[":  # a class: one character, not a literal
            i += 1
            if p[i] == "^":
                i += 1
            if p[i] == "]":
                i += 1
            while p[i] != "]":
                i += 2 if p[i] == "\\" else 1
            i += 1
        elif c == "(":
            if p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
                _, i = _alternation(p, i + (3 if p[i + 2] in "=!" else 4))
                zero_width = True  # looks, consumes nothing
            else:
                known = _KNOWN_GROUPS.get(p[i:i + _GROUP_HEAD])
                if known is not None and p.startswith(known[0], i):
                    # a macro's group met again: its literals are known, its ")" is at the end
                    group, i = known[1], i + len(known[0]) - 1
                else:
                    if p.startswith("(?:", i):
                        i += 3
                    elif p.startswith("(?P<", i):
                        i = p.index(">", i) + 1
                    elif p.startswith("(?", i):
                        raise _Opaque  # inline flags, comments, conditionals, backreferences
                    else:
                        i += 1
                    group, i = _alternation(p, i)
            if i >= n or p[i] != ")":
                raise _Opaque
            i += 1
        elif c in "^$":
            i += 1
            zero_width = True
        elif c in "*+?{":
            raise _Opaque
        else:
            i += 1
            # "." is any character; non-ASCII letters fold in ways `low` does not model
            if c != "." and c.isascii():
                char = c
        least, quantified = 1, False
        if i < n and p[i] in "?*+{":
            m = _COUNT.match(p, i) if p[i] == "{" else None
            if p[i] != "{" or m:  # "{" that is not a count is a plain character
                quantified = True
                least = int(m.group(1) or 0) if m else (1 if p[i] == "+" else 0)
                i = m.end() if m else i + 1
                if i < n and p[i] in "?+":  # lazy or possessive
                    i += 1
        if zero_width:
            if quantified:
                raise _Opaque
            continue
        if char is not None and not quantified:
            run += char
            continue
        if char is not None and least >= 1:
            # "ab+c": the first b follows "a", the last one precedes "c"
            options.append({run + char})
            run = char
            continue
        if run:
            options.append({run})
        run = ""
        if group and least >= 1:
            options.append(group)
    if run:
        options.append({run})
    if len(options) <= 1:
        return (options[0] if options else None), i
    # the set whose shortest member is longest is the one fewest texts contain
    return max(options, key=lambda o: (min(map(len, o)), -len(o))), i


# "(?-i:Bob)" and other inline flags could make part of a pattern case-sensitive again
_INLINE_FLAGS = re.compile(r"\(\?(?!P)[a-zA-Z-]")
_UPPER_RANGE = re.compile(r"[A-Z]-[A-Z]")


def _lower_pattern(source: str) -> str | None:
    r"""`source` in lower case, to run case-sensitively on the folded lower-case text.

    That finds exactly what `source` with re.IGNORECASE finds in the original text, and
    several times faster: sre cannot skip ahead on a case-insensitive pattern. None when
    lower-casing could change the meaning: non-ASCII, escapes that spell a character
    (\x41, \N{...}) or refer to a group, named groups, class ranges mixing cases."""
    if not source.isascii() or "(?P" in source:
        return None
    out = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            e = source[i + 1:i + 2]
            if e in ("x", "u", "U", "N") or e.isdigit():
                return None
            out.append(source[i:i + 2])  # \W, \S, \B ... keep their case
            i += 2
        elif c == "[":
            j = i + 1
            j += source[j:j + 1] == "^"
            j += source[j:j + 1] == "]"
            while j < n and source[j] != "]":
                j += 2 if source[j] == "\\" else 1
            body = source[i:j + 1]
            if "-" in body and any(ch.isupper() for ch in _UPPER_RANGE.sub("", body)):
                return None  # "[A-z]", "[-A]": lower-casing would change the set
            k = 0
            while k < len(body):  # lower-case the class, but not its escapes
                if body[k] == "\\":
                    e = body[k + 1:k + 2]
                    if e in ("x", "u", "U", "N") or e.isdigit():
                        return None
                    out.append(body[k:k + 2])
                    k += 2
                else:
                    out.append(body[k].lower())
                    k += 1
            i = j + 1
        else:
            out.append(c.lower())
            i += 1
    return "".join(out)


class Matcher:
    """Indexes the knowledge base once per process; `analyze` is then cheap and pure.

    Every rule is indexed under the literals its matches must contain, so a dream only
    runs the rules whose literal it holds, and only on the sentences holding it. A rule's
    regexes are compiled the first time it runs, so start-up (the `add` path) pays only
    for what it uses."""

    # word -> what it wakes; bounded so a long-running process cannot grow without limit
    _WORD_CACHE_SIZE = 50_000

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self._macros = knowledge.macros
        self._patterns: dict[str, re.Pattern] = {}  # expanded source -> compiled, shared by rules
        self._literals: dict[str, frozenset[str] | None] = {}  # expanded source -> its literals
        self._lexicons: dict[str, list[str]] = {}  # expanded source -> its plain words (feelings.WordFinder)
        self._order = count()
        self.rules: dict[str, list[_Rule]] = {}
        self.requires: dict[str, str] = {}
        self._agent_specs: dict[str, list[str]] = {}
        self._agents: dict[str, list[tuple[re.Pattern, frozenset[str] | None]]] | None = None
        self._key_owner: dict[str, set[str]] = {}
        self.always: set[str] = set()
        self._by_literal: dict[str, list[_Rule]] = {}
        self._unindexed: list[_Rule] = []  # no literal found: run whenever their label may fire
        _remember_groups(_expand(v, self._macros) for v in self._macros.values())
        inf = self._inference = knowledge.inference.get("flight_fear")
        self._flight_lits = self._lits(_expand(inf["flight"], self._macros)) if inf else None
        self._danger_lits = self._lits(_expand(inf["danger"], self._macros)) if inf else None
        for kind, specs in (("motif", knowledge.motif_specs), ("emotion", knowledge.emotion_specs)):
            for label, spec in specs.items():
                if spec.get("requires"):
                    self.requires[label] = spec["requires"]
                if spec.get("agents"):
                    self._agent_specs[label] = [_expand(a, self._macros) for a in spec["agents"]]
                    for src in self._agent_specs[label]:
                        self._lits(src)  # indexed with the rest
                rules = self.rules[label] = self._make_rules(kind, label, spec)
                if label in self.requires:
                    continue  # run after the main pass, only when what they need was found
                keys = [k.lower() for k in spec.get("keys", ())]
                if spec.get("phrases") and not keys:
                    self.always.add(label)
                for k in keys:
                    self._key_owner.setdefault(k, set()).add(label)
                for rule in rules:
                    if rule.lits is None:
                        self._unindexed.append(rule)
                    for lit in rule.lits or ():
                        self._by_literal.setdefault(lit, []).append(rule)
        self._key_lengths = sorted({len(k) for k in self._key_owner})
        # Patterns run on the folded lower-case text, unless one of them uses inline flags
        # (rare; then all run with re.IGNORECASE on the original text, as they are written).
        self._on_low = not any(_INLINE_FLAGS.search(src) for src in self._literals)
        self._flight: re.Pattern | None = None
        self._danger: re.Pattern | None = None
        self._flight_rule: _Rule | None = None  # the flight pattern as a rule, for _check
        self._flight_window = int(inf.get("window", 2)) if inf else 0
        self._flight_emotion = inf.get("emotion", "fear") if inf else "fear"
        # every literal of every pattern, by its first three characters (no literal is
        # shorter): finds the literals inside a word with a few dict lookups
        self._lits_by_head: dict[str, list[str]] = {}
        for lit in set().union(*(x for x in self._literals.values() if x)):
            self._lits_by_head.setdefault(lit[:3], []).append(lit)
        # word -> (labels it wakes, literals inside it); words that do neither are kept
        # apart, so that a set difference (in C) drops most of a text's words at once
        self._words: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        self._dull: set[str] = set()
        self._agent_order = [a for a in ("pursuer_known_person", "pursuer_animal",
                                         "pursuer_stranger_or_monster", "pursuer_invisible")
                             if a in self._agent_specs] + [a for a in self._agent_specs if not a.startswith("pursuer_")]

    def _make_rules(self, kind: str, label: str, spec: dict) -> list[_Rule]:
        unless = tuple(_expand(p, self._macros) for p in spec.get("unless", ()))
        unless_lits = tuple(self._lits(u) for u in unless)
        default_subject = spec.get("subject", "dreamer")
        default_realis = bool(spec.get("realis", kind == "motif"))
        rules = []
        for item in spec.get("phrases", ()):
            item = {"re": item} if isinstance(item, str) else item
            source = _expand(item["re"], self._macros)
            if "plain" in item:  # a lexicon (feelings.with_words): indexed by its ungrouped form's literals
                self._literals.setdefault(source, self._lits(_expand(item["plain"], self._macros)))
                if "words" in item:
                    self._lexicons[source] = item["words"]
            near = _expand(item["near"], self._macros) if item.get("near") else None
            not_near = _expand(item["not_near"], self._macros) if item.get("not_near") else None
            rules.append(_Rule(
                kind, label, source, item.get("subject", default_subject), int(item.get("window", 0)),
                bool(item.get("realis", default_realis)), self._lits(source), order=next(self._order),
                near_source=near, not_near_source=not_near, unless_sources=unless,
                near_lits=self._lits(near), not_near_lits=self._lits(not_near), unless_lits=unless_lits,
            ))
        return rules

    def _re(self, source: str) -> re.Pattern:
        """The compiled pattern, for the text `_Doc.hay` (IGNORECASE on lower-case text is
        still right when a pattern cannot be lower-cased, just slower)."""
        pattern = self._patterns.get(source)
        if pattern is None and self._on_low and source in self._lexicons:
            pattern = self._patterns[source] = WordFinder(self._lexicons[source])
        if pattern is None:
            lowered = _lower_pattern(source) if self._on_low else None
            pattern = re.compile(lowered) if lowered is not None else re.compile(source, re.I)
            self._patterns[source] = pattern
        return pattern

    def _rx(self, p: str) -> re.Pattern:
        return self._re(_expand(p, self._macros))

    def _lits(self, source: str | None) -> frozenset[str] | None:
        """The literals of a pattern, remembered for the word index: call during __init__
        only, since `_Doc.found` only knows the literals indexed there."""
        if source is None:
            return None
        if source not in self._literals:
            lits = _required_literals(source)
            self._literals[source] = None if lits is None else frozenset(lits)
        return self._literals[source]

    def _compile(self, rule: _Rule) -> re.Pattern:
        rule.unless = tuple(self._re(u) for u in rule.unless_sources)
        rule.near = self._re(rule.near_source) if rule.near_source else None
        rule.not_near = self._re(rule.not_near_source) if rule.not_near_source else None
        rule.regex = self._re(rule.source)  # last: a rule with a regex is ready
        return rule.regex

    def compile_all(self) -> None:
        """Compile every rule now (tests and benchmarks; analysis does it lazily)."""
        for rules in self.rules.values():
            for rule in rules:
                self._compile(rule)
        self.agents
        self._flight_rules()

    @property
    def agents(self) -> dict[str, list[tuple[re.Pattern, frozenset[str] | None]]]:
        """Per pursuer type: its agent patterns, with their literals."""
        if self._agents is None:
            self._agents = {k: [(self._re(src), self._literals[src]) for src in v]
                            for k, v in self._agent_specs.items()}
        return self._agents

    def _flight_rules(self) -> bool:
        if self._inference is None:
            return False
        if self._flight is None:
            self._flight = self._rx(self._inference["flight"])
            self._danger = self._rx(self._inference["danger"])
            self._flight_rule = _Rule("emotion", self._flight_emotion, "", "dreamer", 0, True, None, order=-1,
                                      regex=self._flight)
        return True

    # ------------------------------------------------------------------ analysis

    def _word(self, word: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """The labels whose keys start `word`, and the rule literals inside it."""
        labels: set[str] = set()
        for n in self._key_lengths:
            if n > len(word):
                break
            got = self._key_owner.get(word[:n])
            if got:
                labels |= got
        lits = []
        for i in range(len(word) - 2):
            for lit in self._lits_by_head.get(word[i:i + 3], ()):
                if word.startswith(lit, i):
                    lits.append(lit)
        if len(self._words) + len(self._dull) >= self._WORD_CACHE_SIZE:
            self._words.clear()
            self._dull.clear()
        if not labels and not lits:
            self._dull.add(word)
        info = self._words[word] = (frozenset(labels), tuple(lits))
        return info

    def _matches(self, rule: _Rule, doc: _Doc, sents: set[int] | None):
        """Matches of a rule: in the given sentences, or in the whole text when the rule
        has no literal to look for."""
        regex = rule.regex or self._compile(rule)
        if sents is None:
            yield from regex.finditer(doc.hay)
            return
        for si in sorted(sents):
            s, e = doc.sents[si]
            yield from regex.finditer(doc.hay, s, e)

    def analyze(self, text: str) -> Analysis:
        if not text:
            return Analysis()
        work = text.translate(_QUOTES)
        low = work.translate(_FOLD).lower()
        doc = _Doc(work, low, low if self._on_low else work)
        # One pass over the words of the whole text: which labels can fire (a word starts
        # with one of their keys) and which rule literals occur. Literals only hold letters,
        # ' and -, so a literal occurs in the text exactly when it occurs inside one of these
        # words. Which sentences hold it is worked out (with str.find) only for the
        # literals of the rules that run, a fraction of the forty-odd a dream holds.
        labels = set(self.always)
        words, word_info = self._words, self._word
        found = doc.found
        for w in set(_token_runs(low)).difference(self._dull):
            if w[0] in "'-":  # "'cause", "--run": the word starts at its first letter
                w = w.lstrip("'-")
                if not w:
                    continue
            woken, lits = words.get(w) or word_info(w)
            if woken:
                labels |= woken
            found.update(lits)
        # the woken rules, with their index literals found in the text
        todo: dict[_Rule, list[str] | None] = {}
        by_literal = self._by_literal
        for lit in found:
            for rule in by_literal.get(lit, ()):
                if rule.label in labels:
                    got = todo.get(rule)
                    if got is None:
                        todo[rule] = [lit]
                    else:
                        got.append(lit)
        for rule in self._unindexed:
            if rule.label in labels:
                todo[rule] = None
        hits: list[Hit] = []
        hay, sents = doc.hay, doc.sents
        for rule in sorted(todo, key=lambda r: r.order):
            lits = todo[rule]
            if lits is None:
                spans = [(0, len(hay))]
            else:
                where = doc.holding(lits[0]) if len(lits) == 1 else set().union(*map(doc.holding, lits))
                spans = [sents[si] for si in sorted(where)]
            regex = rule.regex or self._compile(rule)
            for s, e in spans:
                for m in regex.finditer(hay, s, e):
                    start, end = m.span()
                    if end == start:
                        continue
                    subj = self._check(doc, rule, start, end)
                    if subj is not None:
                        hits.append(Hit(rule.kind, rule.label, text[start:end], start, end, subj))
        if any(h.id == "chase" for h in hits):
            chases = [h for h in hits if h.id == "chase"]
            chased = "dreamer" if any(h.subject == "dreamer" for h in chases) else "other"
            hits += self._pursuers(doc, text, chases)
            for label, req in self.requires.items():
                if any(h.id == req for h in hits):
                    for rule in self.rules[label]:
                        sents = None if rule.lits is None else set().union(*map(doc.holding, rule.lits & found))
                        if sents == set():
                            continue
                        for m in self._matches(rule, doc, sents):
                            subj = self._check(doc, rule, m.start(), m.end())
                            if subj is not None:
                                hits.append(Hit(rule.kind, label, text[m.start():m.end()], m.start(), m.end(), chased))
        if self._inference is not None and not any(h.id == self._flight_emotion for h in hits):
            hits += self._flight_fear(doc, text, [h for h in hits if h.id == "chase"])
        return _tidy(hits)

    def _check(self, doc: _Doc, rule: _Rule, start: int, end: int) -> str | None:
        """None if the hit does not stand; else who it is about."""
        hay = doc.hay
        # nearby context first: it needs no clauses (every check can only veto the hit,
        # so their order does not change the outcome)
        if rule.near is not None or rule.not_near is not None:
            first, last = doc.window_sents(start, rule.window)
            lo, hi = doc.sents[first][0], doc.sents[last][1]
            if rule.near is not None and not (doc.may_hold(rule.near_lits, first, last)
                                              and rule.near.search(hay, lo, hi)):
                return None
            if rule.not_near is not None and (doc.may_hold(rule.not_near_lits, first, last)
                                              and rule.not_near.search(hay, lo, hi)):
                return None
        cl, ci = doc.clause_of(start)
        c_start, c_end, subj = cl[ci][:3]
        scope = doc.scope_start(cl, ci)
        if rule.kind == "emotion":  # a feeling listed under a heading: negation after the heading only
            scope = max(scope, heading_end(doc.low, doc.sents[cl[ci][4]][0], start) or 0)
        prefix = doc.low[scope:start]
        for neg in _NEGATION.finditer(prefix):
            if not (_NP_NEGATION.match(prefix, neg.start()) and _FINITE.search(prefix, neg.end())):
                return None
        if rule.realis and _IRREALIS.search(prefix):
            return None
        if rule.unless:
            # idioms are checked in the hit's clause, and across the hit itself
            si = doc.sentence_of(start)
            lo, hi = doc.sents[si][0], max(c_end, end)
            last = doc.sentence_of(hi - 1)
            for u, u_lits in zip(rule.unless, rule.unless_lits):
                um = u.search(hay, lo, hi) if doc.may_hold(u_lits, si, last) else None
                while um is not None:
                    if um.start() < end and um.end() > start or um.start() >= c_start:
                        return None
                    um = u.search(hay, um.end(), hi) if um.end() < hi else None
        if rule.subject == "scene":  # where the dream happens is the dreamer's, whoever acts in it
            return "dreamer"
        if rule.kind == "emotion":  # "it made me sad", "a sense of dread", "I'll be sad": feelings.py
            who = emotion_subject(doc.low, c_start, start, end, doc.sents[cl[ci][4]][0])
            if who is not None:
                return "dreamer" if who == "dreamer" else None  # "other", "skip": not the dreamer's feeling
        subj = _last_subject(doc.text, doc.low, c_start, start) or subj
        if subj and subj != "dreamer" and _DREAMER_OBJECT.search(doc.low, start, end):
            subj = "dreamer"  # "a man was chasing me", "it scared us": it happens to the dreamer
        if rule.subject == "dreamer" and subj != "dreamer":
            return None
        return subj or "dreamer"

    # ------------------------------------------------------------------ pursuers

    def _candidates(self, doc: _Doc, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Pursuer-like words in text[lo:hi]: (start, end, type); names count as known people."""
        text = doc.text
        out = []
        first, last = doc.sentence_of(lo), doc.sentence_of(max(lo, hi - 1))
        for label in self._agent_order:
            for pat, lits in self.agents[label]:
                if doc.may_hold(lits, first, last):
                    out += [(m.start(), m.end(), label) for m in pat.finditer(doc.hay, lo, hi)]
        for m in _WORD.finditer(text, lo, hi):
            if not text[m.start()].isupper():
                continue  # most words: nothing more to look at
            w = m.group()
            lw = w.lower()
            if (w not in ("I", "I'm", "I'd", "I've", "God", "Oh") and lw not in _OTHER
                    and lw not in _DETERMINERS and lw not in _MY and lw not in _DREAMER
                    and not _AFTER_STOP.search(text[max(0, m.start() - 3):m.start()])
                    and not _AFTER_NAMED.search(text[max(0, m.start() - 8):m.start()])
                    and not _AFTER_ARTICLE.search(text[max(0, m.start() - 4):m.start()])):
                nxt = _NEXT_WORD.match(text[m.end():m.end() + 20])
                if nxt and nxt.group(1) not in _VERBISH and not nxt.group(1).endswith(("ed", "s")):
                    continue  # "French thing", "Bridal Store": an adjective or a title, not a person
                out.append((m.start(), m.end(), "pursuer_known_person"))
        return sorted(out)

    def _antecedent(self, doc: _Doc, pronoun: str, pos: int) -> tuple[str, int, int] | None:
        """What he / she / it / they most likely stands for: the nearest earlier candidate
        of a fitting kind (people for he/she, animals or things for it) within six sentences."""
        lo, _ = doc.window(pos, 8)
        cands = self._candidates(doc, lo, pos)
        if pronoun in ("he", "she", "him", "her", "his"):
            tiers = [("pursuer_known_person", "pursuer_stranger_or_monster"), ("pursuer_invisible",), ("pursuer_animal",)]
        elif pronoun == "it":
            tiers = [("pursuer_animal", "pursuer_invisible"), ("pursuer_stranger_or_monster",)]
        else:  # they / them
            tiers = [("pursuer_known_person", "pursuer_stranger_or_monster", "pursuer_animal"), ("pursuer_invisible",)]
        for tier in tiers:
            fit = [c for c in cands if c[2] in tier]
            if fit:
                s, e, label = fit[-1]
                return label, s, e
        return None

    def _agent(self, doc: _Doc, lo: int, hi: int, first: bool = False) -> tuple[str, int, int] | None:
        """The pursuer named in text[lo:hi]: the word nearest the verb (or, for an earlier
        clause whose subject is inherited, its first one); pronouns are resolved."""
        text = doc.text
        items = [(s, e, label) for s, e, label in self._candidates(doc, lo, hi)]
        items += [(lo + m.start(), lo + m.end(), "=" + m.group(1).lower())
                  for m in re.finditer(r"\b(he|she|they|it|him|her|them)\b", text[lo:hi], re.I)]
        if not items:
            return None
        s, e, label = min(items) if first else max(items)
        if label.startswith("="):
            return self._antecedent(doc, label[1:], s)
        return label, s, e

    def _pursuers(self, doc: _Doc, original: str, chases: list[Hit]) -> list[Hit]:
        text = doc.text
        out: list[Hit] = []
        for h in chases:
            ev = text[h.start:h.end].lower()
            found = None
            by = _BY.match(text, h.end) or (_BY_LATER.match(text, h.end) if _PASSIVE.search(ev) else None)
            if by:  # "chased by a man with a dog": the head noun of the by-phrase
                cands = self._candidates(doc, by.start(1), by.end(1))
                found = (cands[-1][2], cands[-1][0], cands[-1][1]) if cands else None
            elif re.search(r"\bfrom\b", ev):  # "running from something"
                fm = _FROM.search(text, h.start)
                if fm:
                    found = self._agent(doc, fm.start(1), fm.end(1))
            elif not re.match(r"(?:i|we)\b", ev):  # active: the doer, in the hit's clause or before it
                cl, ci = doc.clause_of(h.start)
                lead = re.match(r"[\w']+", text[h.start:h.end])  # "he chases": the subject is in the hit
                hi = h.end if lead and lead.group().lower() in ("he", "she", "they", "it") else h.start
                found = self._agent(doc, cl[ci][0], hi)
                # "the guy who was following me": the noun just before the relative pronoun
                relative = re.match(r"\s*(?:who|that|which)\b", text[cl[ci][0]:h.start], re.I)
                if found is None and relative and ci > 0:
                    found = self._agent(doc, cl[ci - 1][0], cl[ci][0])
                # an inherited subject ("… and advances toward me"): the first one of the
                # nearest earlier clause that states its own
                while found is None and ci > 0:
                    ci -= 1
                    c_lo, c_hi, explicit = cl[ci][0], cl[ci][1], cl[ci][5]
                    if explicit:
                        found = self._agent(doc, c_lo, min(c_hi, c_lo + 40), first=True)
                        break
            # a passive without an agent ("we're being pursued") or nothing found: unseen
            if found is None:
                out.append(Hit("motif", "pursuer_invisible", original[h.start:h.end], h.start, h.end, h.subject))
            else:  # the pursuer is part of the chase it types: the dreamer's when the dreamer is chased
                label, s, e = found
                out.append(Hit("motif", label, original[s:e], s, e, h.subject))
        return out

    # ------------------------------------------------------------------ inference

    def _flight_fear(self, doc: _Doc, original: str, chases: list[Hit]) -> list[Hit]:
        """Fleeing, hiding or being chased near something clearly dangerous implies fear."""
        # no danger literal anywhere: no danger match anywhere, nothing to look for
        everywhere = (0, len(doc.sents) - 1)
        if not doc.may_hold(self._danger_lits, *everywhere):
            return []
        self._flight_rules()  # compiled only once a dream mentions danger
        rule = self._flight_rule
        flees = self._flight.finditer(doc.hay) if doc.may_hold(self._flight_lits, *everywhere) else ()
        spans = [(m.start(), m.end()) for m in flees if self._check(doc, rule, m.start(), m.end()) == "dreamer"]
        for start, end in sorted(spans + [(h.start, h.end) for h in chases]):
            first, _ = doc.window_sents(start, self._flight_window)
            si = doc.sentence_of(start)  # the danger is already shown, not what comes later
            if (doc.may_hold(self._danger_lits, first, si)
                    and self._danger.search(doc.hay, doc.sents[first][0], doc.sents[si][1])):
                return [Hit("emotion", self._flight_emotion, original[start:end], start, end)]
        return []


# pursuer names: not a capital after a full stop, nor after "called"/"named"; the next word
_AFTER_STOP = re.compile(r"(?:^|[.!?\"]\s*)$")
_AFTER_NAMED = re.compile(r"\b(?:called|named)\s+$", re.I)
_AFTER_ARTICLE = re.compile(r"\b(?:a|an)\s+$", re.I)  # "a Doberman", "an Italian": a kind, not a name
_NEXT_WORD = re.compile(r"\s+([a-z][\w'-]*)")
_SUBJECT_WORD = re.compile(r"\b(?:(i|we|i'm|we're|i've|we've|i'd|we'd)|(he|she|they|he's|she's|they're|someone|somebody|nobody|everyone|everybody))\b")


def _last_subject(text: str, low: str, lo: int, hi: int) -> str | None:
    """The last subject pronoun before the hit in its clause wins over the clause's first
    subject: in "when he looked at me I became afraid" the feeling is mine."""
    last = None
    for m in _SUBJECT_WORD.finditer(low, lo, hi):
        if m.group(1) == "i" and text[m.start(1)] == "i":
            continue  # a lower-case "i" is more often a typo or a list item than the dreamer
        last = "dreamer" if m.group(1) else "other"
    return last


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


# --------------------------------------------------------------------------- module API

_MATCHERS: dict[tuple[str, float] | None, Matcher] = {}


def _matcher(user_file: Path | None) -> Matcher:
    key = None
    if user_file is not None:
        p = Path(user_file)
        try:
            key = (str(p.resolve()), p.stat().st_mtime)
        except OSError:
            key = (str(p), 0.0)
    m = _MATCHERS.get(key)
    if m is None:
        m = _MATCHERS[key] = Matcher(load_knowledge(user_file))
    return m


def analyze(text: str, user_file: Path | None = None) -> Analysis:
    """Motifs and emotions in one dream text (rules compiled once per process)."""
    return _matcher(user_file).analyze(text)


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
