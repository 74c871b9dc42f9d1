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
from pathlib import Path

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from dreamly.errors import DreamlyError

MATCHER_VERSION = 1

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
_EMOTION_KEYS = {"label", "keys", "phrases", "subject", "unless", "realis"}
_PHRASE_KEYS = {"re", "near", "not_near", "window", "subject", "realis"}
_TOP_KEYS = {"macros", "motifs", "emotions", "inference", "triggers", "lenses", "red_flag"}


class Knowledge:
    """The parsed knowledge base: descriptions for people, rule specs for the Matcher."""

    def __init__(self, data: dict, sources: tuple[str, ...] = ()):
        self.sources = sources
        self.macros: dict[str, str] = dict(data.get("macros", {}))
        self.motif_specs: dict[str, dict] = dict(data.get("motifs", {}))
        self.emotion_specs: dict[str, dict] = dict(data.get("emotions", {}))
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
_SENT_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n\s*")
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "ave", "vs", "etc", "jr", "sr", "mt", "ft", "no", "prof", "rd", "e.g", "i.e"}
_WORD = re.compile(r"[A-Za-z][\w'-]*")

# Clause boundaries. Words are included because the subject of "I knew he was lost" or
# "I saw the boy fall" is the second clause's, and negation does not cross them.
_CLAUSE_BOUNDARY = re.compile(
    r"[,;:()\"]|--|\s-\s|\u2014|\b(?:and|but|or|because|cause|when|whenever|while|until|till|then|"
    r"though|although|as|after|before|since|once|if|unless|whereas|where|who|whom|which|whose|"
    r"that(?=\s+(?:I|we|he|she|they|it|you|the|a|an|my|his|her|our|their|there|this|someone|somebody|"
    r"everyone|nobody|no one|people)\b)|"
    r"knew|know|knows|think|thought|thinks|reali[sz]e[ds]?|reali[sz]ing|noticed?|notices|see|saw|sees|"
    r"seeing|watched|watch|heard|hear|hears|said|say|says|told|tell|tells|guess|remember|remembered|"
    r"recall|recalled|believed?|decided|hoped?|wish|wished|found|find|finds|like|seemed|seems|"
    r"dreamed|dreamt|dream|dreams|wondered?|imagined?|suppose|knowing|thinking)\b",
    re.I,
)
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
    re.I,
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
_JOINED = re.compile(r"\s*(?:and|or)\b", re.I)
_BY = re.compile(r"\s+by\s+((?:[\w'.-]+\s+){0,6}?[\w'.-]+)(?=\s*(?:[,.;!?]|$|\s(?:with|who|that|in|on|at|from|and|through|around|all|across|down|up|into)\b))", re.I)
_FROM = re.compile(r"\bfrom\s+(.{1,60}?)(?=[,.;!?]|$)", re.I)
_PEOPLE_NOUNS = {"kids", "children", "people", "friends", "men", "women", "boys", "girls", "students",
                 "others", "teachers", "guys", "everyone", "everybody", "nobody", "crowd", "parents"}
_NEGATION = re.compile(r"\b(?:not|no|never|nobody|nothing|none|neither|nor|without|noone)\b|n't\b", re.I)
_IRREALIS = re.compile(
    r"\b(?:almost|nearly|about to|going to|gonna|would|will|might|trying to|tried to|try to|tries to|"
    r"attempt\w* to|wanted to|want to|wants to|plann\w* to|plans? to|threaten\w* to|if|afraid|hoping|"
    r"in case|wonder\w*|pretend\w*|imagin\w*|could have|would have|supposed to|expect\w*|ready to)\b|'ll\b",
    re.I,
)


class _Doc:
    """Sentences and clauses of one text, computed once and only when a rule fires."""

    __slots__ = ("text", "sents", "sent_starts", "_clauses_of", "_starts_of")

    def __init__(self, text: str):
        self.text = text
        self.sents = self._sentences(text)
        self.sent_starts = [s for s, _ in self.sents]
        # per sentence, built on first use: (start, end, subject, elided after and/or,
        # sentence index, subject stated in the clause itself)
        self._clauses_of: dict[int, list[tuple[int, int, str | None, bool, int, bool]]] = {}
        self._starts_of: dict[int, list[int]] = {}

    def clauses_in(self, si: int) -> list[tuple[int, int, str | None, bool, int, bool]]:
        cl = self._clauses_of.get(si)
        if cl is None:
            s, e = self.sents[si]
            cl = self._clauses_of[si] = self._clauses(s, e, si)
            self._starts_of[si] = [c[0] for c in cl]
        return cl

    @staticmethod
    def _sentences(text: str) -> list[tuple[int, int]]:
        out, start = [], 0
        for m in _SENT_END.finditer(text):
            before = text[start:m.start()]
            last = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.strip() else ""
            nxt = text[m.end():m.end() + 1]
            if m.group().startswith(".") and (len(last) == 1 or last in _ABBREV):
                continue  # "J. Tesar", "Ave. without"
            if nxt and nxt.islower():
                continue
            out.append((start, m.end()))
            start = m.end()
        if start < len(text):
            out.append((start, len(text)))
        return out or [(0, len(text))]

    def _clauses(self, s: int, e: int, si: int) -> list:
        cuts = [s]
        for m in _CLAUSE_BOUNDARY.finditer(self.text, s, e):
            # punctuation ends a clause after itself; a boundary word starts the next one
            pos = m.end() if not m.group()[0].isalpha() else m.start()
            if m.group().lower() == "and" and len(self.text[cuts[-1]:pos].split()) <= 2:
                continue  # "I and J. Tesar were …", "my brother and I": one subject, not two clauses
            if pos > cuts[-1]:
                cuts.append(pos)
        cuts.append(e)
        out = []
        prev = None
        for a, b in zip(cuts, cuts[1:]):
            if b <= a:
                continue
            subj = self._subject(a, b, s)
            joined = subj is None and bool(_JOINED.match(self.text, a))
            # elided subjects ("and fell") inherit the one before them; a sentence without one is the dreamer's
            out.append((a, b, subj or prev or "dreamer", joined, si, subj is not None))
            prev = out[-1][2]
        return out

    def _subject(self, a: int, b: int, sent_start: int) -> str | None:
        text = self.text
        lead = text[a:b]
        low = lead.lstrip().lower()
        if re.match(r"(?:who|which)\b", low):
            return "other"
        m = _LEAD_SKIP.match(lead)
        rest_start = a + (m.end() if m else 0)
        words = [(w.start(), w.group()) for w in _WORD.finditer(text, rest_start, b)][:6]
        if not words:
            return None
        pos, w = words[0]
        lw = w.lower()
        lows = [x[1].lower() for x in words]
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
        if w[0].isupper() and lw not in _DREAMER:
            nxt = words[1][1] if len(words) > 1 else ""
            if pos != sent_start and text[sent_start:pos].strip():
                return "other"  # a name in mid-sentence
            if nxt and nxt != "I" and (nxt.lower() in _VERBISH or nxt[0].isupper() or nxt.endswith("ed")):
                return "other"  # "Josh fell off", "Carter was after me"
        return None

    def sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self.sent_starts, pos) - 1)

    def clause_of(self, pos: int) -> tuple[list, int]:
        """The clauses of pos's sentence, and the index of the one holding pos."""
        si = self.sentence_of(pos)
        cl = self.clauses_in(si)
        return cl, max(0, bisect_right(self._starts_of[si], pos) - 1)

    @staticmethod
    def scope_start(cl: list, ci: int) -> int:
        """Where negation/irrealis reach back from: the clause, or the clause before an
        elided "and …" ("going to rape and kill me", "didn't run and hide")."""
        while ci > 0 and cl[ci][3]:
            ci -= 1
        return cl[ci][0]

    def window(self, pos: int, n: int) -> tuple[int, int]:
        si = self.sentence_of(pos)
        lo = self.sents[max(0, si - n)][0]
        hi = self.sents[min(len(self.sents) - 1, si + n)][1]
        return lo, hi


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    label: str
    regex: re.Pattern
    subject: str  # "dreamer" | "any"
    near: re.Pattern | None
    not_near: re.Pattern | None
    window: int
    unless: tuple[re.Pattern, ...]
    realis: bool
    lits: tuple[str, ...] | None = None  # one of these (lower-case) must occur for a match


def _required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of `pattern` must contain, or None.

    A cheap `in` test on these lets most rules skip a dream (or a sentence) without
    running the regex at all. Falls back to None (always run) on anything unusual."""
    try:
        try:
            from re import _parser as sre  # 3.11+
        except ImportError:  # pragma: no cover
            import sre_parse as sre  # type: ignore[no-redef]
        c = sre.__dict__
        LIT, SUB, BR, REP, MREP, AT, AS, ASN = (c["LITERAL"], c["SUBPATTERN"], c["BRANCH"], c["MAX_REPEAT"],
                                               c["MIN_REPEAT"], c["AT"], c["ASSERT"], c["ASSERT_NOT"])

        def best(seq) -> set[str] | None:
            options: list[set[str]] = []
            run = ""
            for op, av in seq:
                if op is LIT:
                    run += chr(av)
                    continue
                if op in (AT, AS, ASN):
                    continue  # zero-width: \b, lookarounds
                if run:
                    options.append({run})
                    run = ""
                sub = None
                if op is SUB:
                    sub = best(av[-1])
                elif op is BR:
                    parts = [best(b) for b in av[1]]
                    sub = None if any(x is None for x in parts) else set().union(*parts)
                elif op in (REP, MREP) and av[0] >= 1:
                    sub = best(av[2])
                if sub:
                    options.append(sub)
            if run:
                options.append({run})
            if not options:
                return None
            return max(options, key=lambda o: (min(map(len, o)), -len(o)))

        lits = best(sre.parse(pattern, re.I))
    except Exception:  # noqa: BLE001 - a prefilter must never break matching
        return None
    if not lits or min(map(len, lits)) < 3:
        return None
    return tuple(sorted({x.lower() for x in lits}))


class Matcher:
    """Compiles the knowledge base once per process; `analyze` is then cheap and pure.

    Labels are compiled the first time a dream contains one of their keys, so that
    start-up (the `add` path) pays only for what it uses."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self._macros = knowledge.macros
        self._specs: dict[str, tuple[str, dict]] = {}
        self.rules: dict[str, list[_Rule]] = {}
        self.requires: dict[str, str] = {}
        self._agent_specs: dict[str, list[str]] = {}
        self._agents: dict[str, list[re.Pattern]] | None = None
        key_owner: dict[str, set[str]] = {}
        self.always: set[str] = set()
        for kind, specs in (("motif", knowledge.motif_specs), ("emotion", knowledge.emotion_specs)):
            for label, spec in specs.items():
                self._specs[label] = (kind, spec)
                if spec.get("requires"):
                    self.requires[label] = spec["requires"]
                if spec.get("agents"):
                    self._agent_specs[label] = list(spec["agents"])
                keys = [k.lower() for k in spec.get("keys", ())]
                if spec.get("phrases") and not keys:
                    self.always.add(label)
                for k in keys:
                    key_owner.setdefault(k, set()).add(label)
        # one pass over the text finds which labels can possibly fire
        self._key_labels = {k: set().union(*(v for k2, v in key_owner.items() if k.startswith(k2)))
                            for k in key_owner}
        self._key_lengths = sorted({len(k) for k in key_owner})
        self._inference = knowledge.inference.get("flight_fear")
        self._flight: re.Pattern | None = None
        self._danger: re.Pattern | None = None
        inf = self._inference
        self._flight_window = int(inf.get("window", 2)) if inf else 0
        self._flight_emotion = inf.get("emotion", "fear") if inf else "fear"
        self._agent_order = [a for a in ("pursuer_known_person", "pursuer_animal",
                                         "pursuer_stranger_or_monster", "pursuer_invisible")
                             if a in self._agent_specs] + [a for a in self._agent_specs if not a.startswith("pursuer_")]

    def _rx(self, p: str) -> re.Pattern:
        return re.compile(_expand(p, self._macros), re.I)

    def compile_all(self) -> None:
        """Compile every rule now (tests and benchmarks; analysis does it lazily)."""
        for label in self._specs:
            self._rules(label)
        self.agents
        self._flight_rules()

    def _rules(self, label: str) -> list[_Rule]:
        rules = self.rules.get(label)
        if rules is None:
            kind, spec = self._specs[label]
            unless = tuple(self._rx(p) for p in spec.get("unless", ()))
            default_subject = spec.get("subject", "dreamer")
            default_realis = bool(spec.get("realis", kind == "motif"))
            rules = []
            for item in spec.get("phrases", ()):
                item = {"re": item} if isinstance(item, str) else item
                source = _expand(item["re"], self._macros)
                rules.append(_Rule(
                    kind, label, re.compile(source, re.I), item.get("subject", default_subject),
                    self._rx(item["near"]) if item.get("near") else None,
                    self._rx(item["not_near"]) if item.get("not_near") else None, int(item.get("window", 0)),
                    unless, bool(item.get("realis", default_realis)), _required_literals(source),
                ))
            self.rules[label] = rules
        return rules

    @property
    def agents(self) -> dict[str, list[re.Pattern]]:
        if self._agents is None:
            self._agents = {k: [self._rx(p) for p in v] for k, v in self._agent_specs.items()}
        return self._agents

    def _flight_rules(self) -> bool:
        if self._inference is None:
            return False
        if self._flight is None:
            self._flight = self._rx(self._inference["flight"])
            self._danger = self._rx(self._inference["danger"])
        return True

    # ------------------------------------------------------------------ analysis

    def _find(self, rule: _Rule, work: str, low: str, doc: _Doc):
        """Matches of a rule, run only on sentences holding one of its required literals."""
        if rule.lits is None:
            yield from rule.regex.finditer(work)
            return
        if not any(lit in low for lit in rule.lits):
            return
        sents: set[int] = set()
        for lit in rule.lits:
            i = low.find(lit)
            while i != -1:
                sents.add(doc.sentence_of(i))
                i = low.find(lit, i + 1)
        for si in sorted(sents):
            s, e = doc.sents[si]
            yield from rule.regex.finditer(work, s, e)

    def analyze(self, text: str) -> Analysis:
        if not text:
            return Analysis()
        work = text.translate(_QUOTES)
        low = work.lower()
        # which labels can fire: a word of the text starts with one of their keys
        labels = set(self.always)
        key_labels = self._key_labels
        for w in set(_TOKENS.findall(low)):
            for n in self._key_lengths:
                if n > len(w):
                    break
                got = key_labels.get(w[:n])
                if got:
                    labels |= got
        hits: list[Hit] = []
        doc = _Doc(work)
        for label in labels:
            if label in self.requires:
                continue
            for rule in self._rules(label):
                for m in self._find(rule, work, low, doc):
                    if m.end() == m.start():
                        continue
                    subj = self._check(doc, rule, m.start(), m.end())
                    if subj is not None:
                        hits.append(Hit(rule.kind, label, text[m.start():m.end()], m.start(), m.end(), subj))
        if any(h.id == "chase" for h in hits):
            hits += self._pursuers(doc, text, [h for h in hits if h.id == "chase"])
            for label, req in self.requires.items():
                if any(h.id == req for h in hits):
                    for rule in self._rules(label):
                        for m in self._find(rule, work, low, doc):
                            subj = self._check(doc, rule, m.start(), m.end())
                            if subj is not None:
                                hits.append(Hit(rule.kind, label, text[m.start():m.end()], m.start(), m.end(), "other"))
        if self._flight_rules() and not any(h.id == self._flight_emotion for h in hits):
            hits += self._flight_fear(doc, work, text, [h for h in hits if h.id == "chase"])
        return _tidy(hits)

    def _check(self, doc: _Doc, rule: _Rule, start: int, end: int) -> str | None:
        """None if the hit does not stand; else who it is about."""
        text = doc.text
        cl, ci = doc.clause_of(start)
        c_start, c_end, subj = cl[ci][:3]
        scope = doc.scope_start(cl, ci)
        prefix = text[scope:start]
        if _NEGATION.search(prefix):
            return None
        if rule.realis and _IRREALIS.search(prefix):
            return None
        if rule.unless:
            # idioms are checked in the hit's clause, and across the hit itself
            lo, hi = doc.sents[doc.sentence_of(start)][0], max(c_end, end)
            for u in rule.unless:
                um = u.search(text, lo, hi)
                while um is not None:
                    if um.start() < end and um.end() > start or um.start() >= c_start:
                        return None
                    um = u.search(text, um.end(), hi) if um.end() < hi else None
        if rule.near is not None or rule.not_near is not None:
            lo, hi = doc.window(start, rule.window)
            if rule.near is not None and not rule.near.search(text, lo, hi):
                return None
            if rule.not_near is not None and rule.not_near.search(text, lo, hi):
                return None
        subj = _last_subject(text, c_start, start) or subj
        if rule.subject == "dreamer" and subj != "dreamer":
            return None
        return subj or "dreamer"

    # ------------------------------------------------------------------ pursuers

    def _candidates(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Pursuer-like words in text[lo:hi]: (start, end, type); names count as known people."""
        out = []
        for label in self._agent_order:
            for pat in self.agents[label]:
                out += [(m.start(), m.end(), label) for m in pat.finditer(text, lo, hi)]
        for m in _WORD.finditer(text, lo, hi):
            w = m.group()
            lw = w.lower()
            if (w[0].isupper() and w not in ("I", "I'm", "I'd", "I've", "God", "Oh") and lw not in _OTHER
                    and lw not in _DETERMINERS and lw not in _MY and lw not in _DREAMER
                    and not re.search(r"(?:^|[.!?\"]\s*)$", text[max(0, m.start() - 3):m.start()])
                    and not re.search(r"\b(?:called|named)\s+$", text[max(0, m.start() - 8):m.start()], re.I)):
                nxt = re.match(r"\s+([a-z][\w'-]*)", text[m.end():m.end() + 20])
                if nxt and nxt.group(1) not in _VERBISH and not nxt.group(1).endswith(("ed", "s")):
                    continue  # "French thing", "Bridal Store": an adjective or a title, not a person
                out.append((m.start(), m.end(), "pursuer_known_person"))
        return sorted(out)

    def _antecedent(self, doc: _Doc, pronoun: str, pos: int) -> tuple[str, int, int] | None:
        """What he / she / it / they most likely stands for: the nearest earlier candidate
        of a fitting kind (people for he/she, animals or things for it) within six sentences."""
        lo, _ = doc.window(pos, 8)
        cands = self._candidates(doc.text, lo, pos)
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
        items = [(s, e, label) for s, e, label in self._candidates(text, lo, hi)]
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
            by = _BY.match(text, h.end)
            if by:  # "chased by a man with a dog": the head noun of the by-phrase
                cands = self._candidates(text, by.start(1), by.end(1))
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
                out.append(Hit("motif", "pursuer_invisible", original[h.start:h.end], h.start, h.end, "other"))
            else:
                label, s, e = found
                out.append(Hit("motif", label, original[s:e], s, e, "other"))
        return out

    # ------------------------------------------------------------------ inference

    def _flight_fear(self, doc: _Doc, work: str, original: str, chases: list[Hit]) -> list[Hit]:
        """Fleeing, hiding or being chased near something clearly dangerous implies fear."""
        if not self._danger.search(work):
            return []
        rule = _Rule("emotion", self._flight_emotion, self._flight, "dreamer", None, None, 0, (), True)
        spans = [(m.start(), m.end()) for m in self._flight.finditer(work)
                 if self._check(doc, rule, m.start(), m.end()) == "dreamer"]
        for start, end in sorted(spans + [(h.start, h.end) for h in chases]):
            lo, _ = doc.window(start, self._flight_window)
            hi = doc.sents[doc.sentence_of(start)][1]  # the danger is already shown, not what comes later
            if self._danger.search(work, lo, hi):
                return [Hit("emotion", self._flight_emotion, original[start:end], start, end)]
        return []


_SUBJECT_WORD = re.compile(r"\b(?:(I|we|I'm|we're|I've|we've|I'd|we'd)|(he|she|they|he's|she's|they're|someone|somebody|nobody|everyone|everybody))\b", re.I)


def _last_subject(text: str, lo: int, hi: int) -> str | None:
    """The last subject pronoun before the hit in its clause wins over the clause's first
    subject: in "when he looked at me I became afraid" the feeling is mine."""
    last = None
    for m in _SUBJECT_WORD.finditer(text, lo, hi):
        if m.group(1) and m.group(1).lower() == "i" and m.group(1) != "I":
            continue
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
