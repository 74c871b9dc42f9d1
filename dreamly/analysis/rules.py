"""The rules and the Matcher: knowledge compiled into indexed rules, run on a text, each hit checked.

Why this module is long (over 600 lines): the index the Matcher builds, the loop that runs
it on a text and the checks of each hit (`_check`) read the same rule fields and the same
`_Doc`, on the hot path of every analysis; pursuer typing (pursuers.py), feelings'
subjects (feelings.py) and the text structure (text.py) are already their own modules."""

from __future__ import annotations

import re
from dreamly._struct import Struct
from dreamly.lazy_re import compile_later, from_program, program
from dreamly.analysis.knowledge import Knowledge, _expand
from dreamly.analysis.literals import (
    _INLINE_FLAGS,
    _lower_pattern,
    _remember_groups,
    _required_literals,
)
from dreamly.analysis.normalise import normalise
from dreamly.analysis.pursuers import Pursuers
from dreamly.analysis.results import Analysis, Hit, _tidy
from dreamly.analysis.text import (
    _FINITE,
    _FOLD,
    _IRREALIS,
    _NEGATION,
    _NP_NEGATION,
    _QUOTES,
    _TOKENS,
    _Doc,
    _last_subject,
    _token_runs,
)
from dreamly.analysis.feelings import emotion_scope, emotion_subject, inherits_dummy
from dreamly.analysis.lexicons import WordFinder

# verbs whose denial denies the clause they open ("I don't think", "I didn't believe")
_NEG_RAISER = compile_later(r"(?:think|thought|believe|believed|suppose|supposed|reckon|recall|remember)\b")

_LEADING = frozenset(",;:.!?(-\n\t ")
_AUX_FIRST = compile_later(r"[\s,;:(\"'-]*(?:and\s+|but\s+|then\s+|just\s+)?(?:didn't|didnt|couldn't|couldnt|wasn't|wasnt|"
                        r"weren't|werent|wouldn't|wouldnt|can't|cant|don't|dont|haven't|havent|hadn't|hadnt|"
                        r"won't|wont)\b")
# a clause cut at a verb of saying or knowing ("I | told the man ..."): the verb opens the clause
_SAYING_FIRST = compile_later(r"[\s,;:(\"'-]*(?:told|tell|tells|telling|said|say|says|saying|wondered|wonder|wondering|"
                            r"knew|thought|realized|realised|remembered|decided|hoped|wished|imagined)\b")
# words a macro's regex may hold that name no one ("(?:the )?", "with", "from")
_FUNCTION_WORDS = frozenset("the and with from that this for who his her their our its into onto over".split())
# a capitalised word that is not all capitals ("Joy", not "SCARED"), after a word ("met Joy"),
# not after punctuation ("Feelings: Happy, Worried")
_NAME_LIKE = compile_later(r"[A-Z][a-z]")
_MID_SENTENCE = compile_later(r"(?<![A-Za-z])(?!(?:was|were|am|is|be|been|felt|feel|feeling|so|very|really|got|get|became|"
                           r"become|quite|too|more|and|or|but|of|with)\s)[A-Za-z0-9]+\s+$", re.I)

# The dreamer as the object of the hit's own words ("chasing me", "after us")
_DREAMER_OBJECT = compile_later(r"\b(?:me|us)\b")
# ... or as the subject inside them ("no matter how hard I ran"); "I" as the text was
# normalised (a lone lower-case i is "I" by then)
_DREAMER_SUBJECT = compile_later(r"\b(?:I|[Ww]e)\b")
# ... or as the owner of what the hit names ("on my heels", "our tail")
_DREAMER_OWN = compile_later(r"\b(?:my|our)\b")
# the thing a hit names is the dreamer's own ("one of my front teeth", "all my teeth"), or no
# owner is named at all ("one tooth kept falling out")
_MINE_BEFORE = compile_later(r"(?:^|\s)(?:my|our)\s+(?:[\w-]+\s+){0,2}$")
_NO_OWNER_BEFORE = compile_later(r"[\s,;:]*(?:(?:and|but|then|so|suddenly) )?(?:(?:one|two|three|a few|some|all|both|most|several) (?:of )?)?")
# a hit that opens with a past-tense verb ends a noun phrase's negation before it: "a man
# with no face chased me", "a horse without a rider chased us"
_PAST_VERB_FIRST = compile_later(r"[a-z]{2,}ed\b")
# a clause whose subject is the scene itself: what happens there happens to the dreamer
_SCENE_SUBJECT = compile_later(r"[\s,;:]*(?:(?:and|but|then|so|now|suddenly) )?(?:(?:there|everything|it all|all of it|the whole thing)\b|it (?:was|is|felt|feels|seemed|went) (?:all |like |as if |as though |kind of |sort of |almost ))")
# ... or whose hit follows a dummy "it was like" cut off as a clause of its own ("but it was like | slow motion")
_SCENE_BEFORE = compile_later(r"\b(?:it|everything|it all) (?:was|is|felt|feels|seemed|went)(?: all| just| kind of| sort of)?(?: like| as if| as though| in)?\s+$")
# the dreamer fleeing, within a chase hit's window (macros from motifs.toml)
_DREAMER_FLIGHT = r"\b{SELF} (?:[\w']+ ){0,3}?{FLIGHT}"


# a context cue that is denied right before it ("I didn't run") is no cue
_DENIED_CUE = compile_later(r"(?:n't|\bnot|\bnever)\s+$")


_NEGATION_WORDS = compile_later(r"n't|n.t\b|\b(?:not|no|never|nobody|nothing|none|neither|nor|without|noone|nowhere)\b", re.I)
_ASKS: dict[str, bool] = {}


_ESCAPE = compile_later(r"\\[a-zA-Z]")
# "never-ending", "no end of": a negation word inside an adjective or an idiom of amount, no denial
_NOT_A_DENIAL = compile_later(r"never[- ]?ending|no end\b|non-?stop|nonstop")


def _denied_inside(low: str, start: int, end: int) -> bool:
    """Whether a negation word inside the hit denies it ("my legs never gave way"), not an
    adjective such as "a never-ending hole"."""
    m = _NEGATION.search(low, start, end)
    while m is not None:
        if not _NOT_A_DENIAL.match(low, m.start()):
            return True
        m = _NEGATION.search(low, m.end(), end)
    return False


def _asks_negation(source: str) -> bool:
    """Whether a phrase holds a negation of its own ("couldn't move", "no way out")."""
    got = _ASKS.get(source)
    if got is None:
        # (escapes read as a gap first: in the text of "\bno door" the \b hides the word "no")
        got = _ASKS[source] = bool(_NEGATION_WORDS.search(_ESCAPE.sub(" ", source)))
    return got


def _affirmed(pattern: re.Pattern, hay: str, lo: int, hi: int) -> bool:
    """Whether `pattern` occurs in hay[lo:hi] at least once without a denial just before it."""
    m = pattern.search(hay, lo, hi)
    while m is not None:
        if not _DENIED_CUE.search(hay, max(lo, m.start() - 8), m.start()):
            return True
        m = pattern.search(hay, m.end() if m.end() > m.start() else m.start() + 1, hi)
    return False


_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz'-")


def _tokens_stay_in_sentences(low: str, sents: list[tuple[int, int]]) -> bool:
    """Whether no sentence starts inside a word (only a run-on cut where it had no space to
    cut at does): then a sentence's words are the text's words that lie in it."""
    for s, _ in sents[1:]:
        if low[s - 1] in _TOKEN_CHARS and low[s] in _TOKEN_CHARS:
            return False
    return True


class _Rule:
    """One phrase of a label. Its regexes are compiled the first time it has to run.
    Compared by identity (rules are dict keys)."""

    __slots__ = _fields = ("kind", "label", "source", "subject", "window", "realis", "lits", "order", "near_source",
                           "not_near_source", "unless_sources", "near_lits", "not_near_lits", "unless_lits", "regex",
                           "near", "not_near", "unless", "factors")
    __repr__ = Struct.__repr__

    def __init__(self, kind: str, label: str, source: str, subject: str, window: int, realis: bool,
                 lits: frozenset[str] | None, order: int, near_source: str | None = None,
                 not_near_source: str | None = None, unless_sources: tuple[str, ...] = (),
                 near_lits: frozenset[str] | None = None, not_near_lits: frozenset[str] | None = None,
                 unless_lits: tuple[frozenset[str] | None, ...] = (), regex: re.Pattern | None = None,
                 near: re.Pattern | None = None, not_near: re.Pattern | None = None, unless: tuple[re.Pattern, ...] = (),
                 factors: tuple[frozenset[str], ...] = ()):
        self.kind = kind
        self.label = label
        self.source = source  # the phrase with macros expanded
        self.subject = subject  # "dreamer" | "any" | "scene"
        self.window = window
        self.realis = realis
        # Literals: every match contains one of them (lower case); None: no such guarantee.
        self.lits = lits
        self.order = order  # position in the knowledge base, so that hits come out in a stable order
        self.near_source = near_source
        self.not_near_source = not_near_source
        self.unless_sources = unless_sources
        self.near_lits = near_lits
        self.not_near_lits = not_near_lits
        self.unless_lits = unless_lits
        self.regex = regex  # set by Matcher._compile, with the three below
        self.near = near
        self.not_near = not_near
        self.unless = unless
        # More literal sets every match holds one of each of (literals._required_factors),
        # besides `lits`: a sentence that lacks one is not searched (set by the Matcher)
        self.factors = factors


class Matcher(Pursuers):
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
        self._programs: dict[str, bytes] = {}  # expanded source -> its compiled program (lazy_re), from the cache
        self._literals: dict[str, frozenset[str] | None] = {}  # expanded source -> its literals
        self._lexicons: dict[str, list[str]] = {}  # expanded source -> its plain words (lexicons.WordFinder)
        self._factors: dict[str, list[frozenset[str]]] = {}  # expanded source -> literals._required_factors
        self._ordered: list[_Rule] = []  # every rule, by its order (rule.order is its place here)
        self.rules: dict[str, list[_Rule]] = {}
        self.requires: dict[str, str] = {}
        self._agent_specs: dict[str, list[str]] = {}
        self._agents: dict[str, list[tuple[re.Pattern, frozenset[str] | None]]] | None = None
        key_owner: dict[str, set[str]] = {}
        self.always: set[str] = set()
        self._by_literal: dict[str, list[int]] = {}  # literal -> the orders of the rules indexed under it
        self._unindexed: list[_Rule] = []  # no literal found: run whenever their label may fire
        _remember_groups(_expand(v, self._macros) for v in self._macros.values())
        inf = self._inference = knowledge.inference.get("flight_fear")
        self._flight_lits = self._lits(_expand(inf["flight"], self._macros)) if inf else None
        self._danger_lits = self._lits(_expand(inf["danger"], self._macros)) if inf else None
        self._calm_lits = self._lits(_expand(inf["calm"], self._macros)) if inf and inf.get("calm") else None
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
                    key_owner.setdefault(k, set()).add(label)
                for rule in rules:
                    if rule.lits is None:
                        self._unindexed.append(rule)
                    for lit in rule.lits or ():
                        self._by_literal.setdefault(lit, []).append(rule.order)
        # key -> the number of its set of labels: a hundred-odd sets for two thousand keys, and
        # small numbers, which the matcher cache loads without making an object for each
        label_sets: dict[frozenset[str], int] = {}
        self._key_owner = {k: label_sets.setdefault(frozenset(v), len(label_sets)) for k, v in key_owner.items()}
        self._label_sets = tuple(label_sets)
        self._key_lengths = sorted({len(k) for k in self._key_owner})
        # Patterns run on the folded lower-case text, unless one of them uses inline flags
        # (rare; then all run with re.IGNORECASE on the original text, as they are written).
        self._on_low = not any(_INLINE_FLAGS.search(src) for src in self._literals)
        self._flight: re.Pattern | None = None
        self._danger: re.Pattern | None = None
        self._calm: re.Pattern | None = None  # no threat after all ("the bear was tame", "I wasn't scared")
        self._own: re.Pattern | None = None  # a danger word that is the dreamer's own ("I hid with a knife")
        self._flight_rule: _Rule | None = None  # the flight pattern as a rule, for _check
        self._flight_window = int(inf.get("window", 2)) if inf else 0
        self._flight_emotion = inf.get("emotion", "fear") if inf else "fear"
        # A rule's other required literal sets (a pattern "{SELF} ... {FLIGHT}" needs a word of
        # each, and is indexed on one): searched only in sentences holding a literal of each.
        # Only for a pattern that runs case-sensitively on the folded text (there a literal
        # of the match is a literal of the sentence, character for character), not a
        # lexicon's (it is run by a WordFinder), and only literals `found` can hold.
        for rule in self._ordered:
            factors = tuple(f for f in self._factors.get(rule.source, ())
                            if not (rule.lits and f >= rule.lits) and all(_TOKENS.fullmatch(x) for x in f))
            if factors and self._on_low and rule.source not in self._lexicons and _lower_pattern(rule.source) is not None:
                rule.factors = factors
        del self._factors
        # every literal of every pattern, by its first three characters (no literal is
        # shorter): finds the literals inside a word with a few dict lookups
        self._lits_by_head: dict[str, list[str]] = {}
        for lit in set().union(*(x for x in self._literals.values() if x), *(f for r in self._ordered for f in r.factors)):
            self._lits_by_head.setdefault(lit[:3], []).append(lit)
        # word -> (labels it wakes, literals inside it); words that do neither are kept
        # apart, so that a set difference (in C) drops most of a text's words at once
        self._words: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        self._dull: set[str] = set()
        # words for who can feel (people, creatures), from the knowledge base's macros: an
        # inherited subject that is none of them ("the exit", "the plane") feels nothing
        # (a word and its plural; the singular only of a plural: "wasp" gives no "was")
        self._feelers = frozenset(w for name in ("KNOWN", "STRANGER", "ANIMAL") for t in
                                  re.findall(r"[a-z]{3,}", self._macros.get(name, "").lower())
                                  for w in ((t, t + "s", t[:-1]) if t.endswith("s") else (t, t + "s"))
                                  if w not in _FUNCTION_WORDS)
        self._agent_order = [a for a in ("pursuer_known_person", "pursuer_animal",
                                         "pursuer_stranger_or_monster", "pursuer_invisible")
                             if a in self._agent_specs] + [a for a in self._agent_specs if not a.startswith("pursuer_")]

    def _make_rules(self, kind: str, label: str, spec: dict) -> list[_Rule]:
        unless = tuple(_expand(p, self._macros) for p in spec.get("unless", ()))
        unless_lits = tuple(self._lits(u) for u in unless)
        default_subject = spec.get("subject", "dreamer")
        default_realis = bool(spec.get("realis", kind == "motif"))
        # a context that vetoes every phrase of the motif nearby ("in the game" for death), for the
        # phrases with no nearby condition of their own (their window is the motif's for it)
        motif_not_near = _expand(spec["not_near"], self._macros) if spec.get("not_near") else None
        rules = []
        for item in spec.get("phrases", ()):
            item = {"re": item} if isinstance(item, str) else item
            source = _expand(item["re"], self._macros)
            if "plain" in item:  # a lexicon (lexicons.with_words): indexed by its ungrouped form's literals
                if source not in self._literals:
                    every: list = []
                    _required_literals(source, every)  # (its own pattern's literal sets: Rule.factors)
                    if every:
                        self._factors[source] = every
                self._literals.setdefault(source, self._lits(_expand(item["plain"], self._macros)))
                if "words" in item:
                    self._lexicons[source] = item["words"]
            near = _expand(item["near"], self._macros) if item.get("near") else None
            not_near = _expand(item["not_near"], self._macros) if item.get("not_near") else None
            window = int(item.get("window", 0))
            if motif_not_near is not None and near is None:
                not_near = motif_not_near if not_near is None else f"(?:{not_near})|(?:{motif_not_near})"
                window = max(window, int(spec.get("not_near_window", 0)))
            rules.append(_Rule(
                kind, label, source, item.get("subject", default_subject), window,
                bool(item.get("realis", default_realis)), self._lits(source), order=len(self._ordered),
                near_source=near, not_near_source=not_near, unless_sources=unless,
                near_lits=self._lits(near), not_near_lits=self._lits(not_near), unless_lits=unless_lits,
            ))
            self._ordered.append(rules[-1])
        return rules

    def _re(self, source: str) -> re.Pattern:
        """The compiled pattern, for the text `_Doc.hay` (IGNORECASE on lower-case text is
        still right when a pattern cannot be lower-cased, just slower)."""
        pattern = self._patterns.get(source)
        if pattern is None and self._on_low and source in self._lexicons:
            pattern = self._patterns[source] = WordFinder(self._lexicons[source])
        if pattern is None:
            packed = self._programs.get(source)
            if packed is not None:
                try:
                    pattern = from_program(packed)
                except Exception:  # noqa: BLE001 - only a cache: compile it
                    pattern = None
            if pattern is None:
                pattern = re.compile(*self._form(source))
            self._patterns[source] = pattern
        return pattern

    def __getstate__(self):
        """(pickle) A loaded matcher's programs are views of the cache file's bytes: copied."""
        state = dict(self.__dict__)
        state["_programs"] = {source: bytes(packed) for source, packed in self._programs.items()}
        return state

    def _form(self, source: str) -> tuple[str, int]:
        """What `_re` compiles for a source: the pattern and its flags."""
        lowered = _lower_pattern(source) if self._on_low else None
        return (lowered, 0) if lowered is not None else (source, int(re.I))

    def programs(self) -> dict[str, bytes]:
        """The compiled program (lazy_re.program) of every pattern `_re` may compile, by
        source: what the matcher cache keeps so that a later process compiles none."""
        sources = [_expand(_DREAMER_FLIGHT, self._macros)]
        for rules in self.rules.values():
            for rule in rules:
                sources += [rule.source, *rule.unless_sources]
                sources += [s for s in (rule.near_source, rule.not_near_source) if s]
        sources += [src for specs in self._agent_specs.values() for src in specs]
        if self._inference is not None:
            sources += [_expand(self._inference[k], self._macros) for k in ("flight", "danger", "calm")
                        if self._inference.get(k)]
        out = {}
        for source in sources:
            if source not in out and not (self._on_low and source in self._lexicons):
                out[source] = program(*self._form(source))
        return out

    def _rx(self, p: str) -> re.Pattern:
        return self._re(_expand(p, self._macros))

    def _lits(self, source: str | None) -> frozenset[str] | None:
        """The literals of a pattern, remembered for the word index: call during __init__
        only, since `_Doc.found` only knows the literals indexed there."""
        if source is None:
            return None
        if source not in self._literals:
            every: list = []
            lits = _required_literals(source, every)
            if every:
                self._factors[source] = every  # (read once the rules are made, then dropped)
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
            if self._inference.get("calm"):
                self._calm = self._rx(self._inference["calm"])
            if self._inference.get("own"):
                self._own = self._rx(self._inference["own"])
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
            if got is not None:
                labels |= self._label_sets[got]
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
        written = text
        work, offsets = normalise(text.translate(_QUOTES))
        if offsets is not None:
            text = work  # hits are found in the normalised text, and mapped back at the end
        low = work.translate(_FOLD).lower()
        doc = _Doc(work, low, low if self._on_low else work)
        # One pass over the words of the whole text: which labels can fire (a word starts
        # with one of their keys) and which rule literals occur. Literals only hold letters,
        # ' and -, so a literal occurs in the text exactly when it occurs inside one of these
        # words. Which sentences hold it is worked out (with str.find) only for the
        # literals of the rules that run, a fraction of the forty-odd a dream holds.
        labels = set(self.always)
        words, word_info, dull = self._words, self._word, self._dull
        found = doc.found
        hold = doc._holding
        sents = doc.sents
        if _tokens_stay_in_sentences(low, sents):
            # the same pass sentence by sentence also gives the sentences holding each literal
            # (what `_Doc.holding` works out with str.find, one literal at a time)
            for si, (s, e) in enumerate(sents):
                for w in set(_token_runs(low[s:e])).difference(dull):
                    if w[0] in "'-":  # "'cause", "--run": the word starts at its first letter
                        w = w.lstrip("'-")
                        if not w:
                            continue
                    woken, lits = words.get(w) or word_info(w)
                    if woken:
                        labels |= woken
                    for lit in lits:
                        got = hold.get(lit)
                        if got is None:
                            hold[lit] = {si}
                        else:
                            got.add(si)
            found.update(hold)
            holding = hold.__getitem__  # (every literal asked about below is one of `found`)
        else:  # a run-on cut inside a word: the text's words as a whole
            for w in set(_token_runs(low)).difference(dull):
                if w[0] in "'-":
                    w = w.lstrip("'-")
                    if not w:
                        continue
                woken, lits = words.get(w) or word_info(w)
                if woken:
                    labels |= woken
                found.update(lits)
            holding = doc.holding
        # the woken rules, with their index literals found in the text
        todo: dict[int, list[str] | None] = {}  # rule order -> its literals in the text
        by_literal, ordered = self._by_literal, self._ordered
        for lit in found:
            for n in by_literal.get(lit, ()):
                if ordered[n].label in labels:
                    got = todo.get(n)
                    if got is None:
                        todo[n] = [lit]
                    else:
                        got.append(lit)
        for rule in self._unindexed:
            if rule.label in labels:
                todo[rule.order] = None
        hits: list[Hit] = []
        hay = doc.hay
        for n in sorted(todo):
            rule, lits = ordered[n], todo[n]
            factors = rule.factors
            if lits is None:
                if factors and any(f.isdisjoint(found) for f in factors):
                    continue
                spans = [(0, len(hay))]
            else:
                where = holding(lits[0]) if len(lits) == 1 else set().union(*map(holding, lits))
                for f in factors:  # (a new set each time: `holding`'s are kept)
                    here = f.intersection(found)
                    where = where.intersection(*map(holding, here)) if len(here) == 1 else \
                        where.intersection(set().union(*map(holding, here)))
                    if not where:
                        break
                if not where:
                    continue  # (nor compiled: a rule no sentence can match costs `add` nothing)
                spans = [sents[si] for si in sorted(where)]
            regex = rule.regex or self._compile(rule)
            emotion = rule.kind == "emotion"
            for s, e in spans:
                for m in regex.finditer(hay, s, e):
                    start, end = m.span()
                    if emotion:  # a fragment's punctuation (motifs.toml FRAGMENT) is no evidence
                        while start < end and hay[start] in _LEADING:
                            start += 1
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
        if offsets is not None:
            hits = [Hit(h.kind, h.id, written[a:b], a, b, h.subject)
                    for h in hits for a, b in ((offsets.start(h.start), offsets.end(h.end)),)]
        return _tidy(hits)

    def _dreamer_pursued(self, doc: _Doc, rule: _Rule, start: int, end: int) -> bool:
        """A chase told from the pursuer's side is the dreamer's when the dreamer is the one
        it reaches or the one who flees: "the wolves were right on my heels", "a bear charged
        and I fled", "the monster got closer as we ran" (the sentence's subject is the agent)."""
        if _DREAMER_OWN.search(doc.low, start, end):
            return True
        first, last = doc.window_sents(start, rule.window)
        return self._rx(_DREAMER_FLIGHT).search(doc.hay, doc.sents[first][0], doc.sents[last][1]) is not None

    def _check(self, doc: _Doc, rule: _Rule, start: int, end: int) -> str | None:
        """None if the hit does not stand; else who it is about."""
        hay = doc.hay
        # nearby context first: it needs no clauses (every check can only veto the hit,
        # so their order does not change the outcome)
        if rule.near is not None or rule.not_near is not None:
            first, last = doc.window_sents(start, rule.window)
            lo, hi = doc.sents[first][0], doc.sents[last][1]
            if rule.near is not None and not (doc.may_hold(rule.near_lits, first, last)
                                              and _affirmed(rule.near, hay, lo, hi)):
                return None
            if rule.not_near is not None and (doc.may_hold(rule.not_near_lits, first, last)
                                              and rule.not_near.search(hay, lo, hi)):
                return None
        cl, ci = doc.clause_of(start)
        c_start, c_end, subj = cl[ci].start, cl[ci].end, cl[ci].subject
        scope = doc.scope_start(cl, ci)
        if rule.kind == "motif" and scope < c_start and _asks_negation(rule.source):
            # a phrase holding its own denial ("couldn't get back", "no idea where I was") is not
            # denied by the clause it is joined to ("I'd never seen it and couldn't get back")
            scope = c_start
        if rule.kind == "emotion":  # where negation may reach a feeling from (feelings.py)
            scope = emotion_scope(doc.low, scope, c_start, doc.sents[cl[ci].sentence][0], start)
        prefix = doc.low[scope:start]
        for neg in _NEGATION.finditer(prefix):
            if not (_NP_NEGATION.match(prefix, neg.start()) and (_FINITE.search(prefix, neg.end())
                                                                 or _PAST_VERB_FIRST.match(doc.low, start))):
                return None
        # "I don't think anyone was after me": a denied think/believe reaches the clause it opens
        if ci > 0 and _NEG_RAISER.match(doc.low, cl[ci].start) and _NEGATION.search(doc.low, cl[ci - 1].start,
                                                                                     cl[ci - 1].end):
            return None
        if rule.realis and _IRREALIS.search(doc.low, scope, start):  # (on the text: "as if" looks back)
            return None
        if rule.kind == "motif" and _denied_inside(doc.low, start, end) and not _asks_negation(rule.source):
            return None  # "my legs never gave way": a denial inside a hit whose phrase does not ask for one
        if rule.unless:
            # idioms are checked in the hit's clause, and across the hit itself
            # (an idiom across the hit may run past a clause word inside it: "lost in thought")
            si = doc.sentence_of(start)
            lo, hi = doc.sents[si][0], max(c_end, end)
            # a motif's idiom may reach a little past its clause when it overlaps the hit ("lost in
            # thought"); a feeling's is read to the end of the sentence and counts when it starts
            # in the hit's clause ("scared (that) I'd be late")
            reach = (max(hi, doc.sents[si][1]) if rule.kind == "emotion"
                     else max(hi, min(doc.sents[si][1], end + 30)))
            last = doc.sentence_of(reach - 1)
            found = doc.found
            for u, u_lits in zip(rule.unless, rule.unless_lits):
                if u_lits is not None and u_lits.isdisjoint(found):
                    continue  # (what may_hold says first, without the call: most idioms are not in the text)
                um = u.search(hay, lo, reach) if doc.may_hold(u_lits, si, last) else None
                while um is not None:
                    if um.start() < end and um.end() > start:
                        return None  # across the hit
                    if c_start <= um.start() < hi and (um.end() <= hi or rule.kind == "emotion"):
                        return None  # in the hit's clause
                    um = u.search(hay, um.end(), reach) if um.end() < reach else None
        if rule.subject == "scene":  # where the dream happens is the dreamer's, whoever acts in it
            return "dreamer"
        if rule.subject == "owner" and (_MINE_BEFORE.search(doc.low, c_start, start) or
                                        _NO_OWNER_BEFORE.fullmatch(doc.low, c_start, start)):
            return "dreamer"  # "one of my front teeth", "one tooth kept falling out"; else the clause decides
        if rule.kind == "emotion" and _NAME_LIKE.match(doc.text, start) and _MID_SENTENCE.search(
                doc.text, max(0, start - 16), start):
            return None  # "I met Joy at the station", "we saw Rage play": a name, not a feeling
        if rule.kind == "emotion":  # "it made me sad", "a sense of dread", "I'll be sad": feelings.py
            who = emotion_subject(doc.low, c_start, start, end, doc.sents[cl[ci].sentence][0])
            if who is not None:
                return "dreamer" if who == "dreamer" else None  # "other", "skip": not the dreamer's feeling
            if (subj == "other" and cl[ci].explicit and ci > 0 and _SAYING_FIRST.match(doc.low, c_start)
                    and _SAYING_FIRST.match(doc.low, c_start).end() > start):
                # "I told the man to go to hell": the hit opens with the verb the clause was cut
                # at, so its subject is the clause's before it, not the object after the verb
                subj = cl[ci - 1].subject
            if subj == "other" and cl[ci].explicit and _AUX_FIRST.match(doc.low, cl[ci].start):
                # "didnt have a clue what was happening": an auxiliary first, so no subject of its
                # own (the subject finder read "didn't" as a noun before its verb)
                subj = cl[ci - 1].subject if ci > 0 else "dreamer"
            if subj == "other" and not cl[ci].explicit and inherits_dummy(doc.low, cl, ci, doc.text, self._feelers):
                subj = "dreamer"  # "it was all stuff I knew, came out buzzing": an "it" feels nothing
        subj = _last_subject(doc.text, doc.low, c_start, start) or subj
        if subj != "dreamer" and _DREAMER_SUBJECT.search(doc.text, start, end):
            subj = "dreamer"  # "no matter how fast I ran": the hit names the dreamer as its own subject
        elif subj and subj != "dreamer" and _DREAMER_OBJECT.search(doc.low, start, end):
            subj = "dreamer"  # "a man was chasing me", "it scared us": it happens to the dreamer
        elif subj != "dreamer" and doc.low.startswith(("my ", "our "), start):
            subj = "dreamer"  # the hit is the dreamer's own thing: "my history final", "our flight"
        if subj != "dreamer" and rule.kind == "motif" and (
                _DREAMER_OWN.search(doc.low, start, end) or _SCENE_SUBJECT.match(doc.low, c_start, end)
                or _SCENE_BEFORE.search(doc.low, max(0, start - 40), start)):
            subj = "dreamer"  # "the water was up to my chest", "there was no way out", "everything went slow motion"
        elif subj != "dreamer" and rule.label == "chase" and self._dreamer_pursued(doc, rule, start, end):
            subj = "dreamer"
        if rule.subject == "dreamer" and subj != "dreamer":
            return None
        return subj or "dreamer"
