"""Text structure: sentences, clauses (Clause), who a clause is about, negation and irrealis scope."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice
from collections import namedtuple

from dreamly.lazy_re import compile_later

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# The four characters that case-insensitive regexes treat as an ASCII letter but
# str.lower() does not turn into one (dotted/dotless i, long s, Kelvin sign). Mapping
# them first makes `low` agree with re.IGNORECASE and keeps it as long as the text,
# so positions in `low` are positions in the text.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
# [.!?]+["')\]]*\s+ or \n\s*, written to start with one character class: sre then skips
# ahead to the next candidate character in C, about three times faster than the plain
# alternation (which it tries at every position)
_SENT_END = compile_later(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"')\]]*\s+|(?<=\n)\s*)")
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "ave", "vs", "etc", "jr", "sr", "mt", "ft", "no", "prof", "rd", "e.g", "i.e"}
_WORD = compile_later(r"[A-Za-z][\w'-]*")

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
# clause words that are verbs: right after a bare noun phrase ("the driver realized") they are its verb
_MAIN_VERB_AFTER_NP = frozenset("""
    knew saw heard said told found thought watched noticed realized realised remembered recalled decided
    wondered dreamed dreamt believed hoped wished imagined guessed""".split())
# clause words that are verbs in their plain form: after "to" they are an infinitive ("to see him")
_INFINITIVE_AFTER_TO = frozenset("""know think realise realize notice see watch hear say tell guess remember recall
    believe decide hope wish find dream wonder imagine suppose""".split())
_CLAUSE_CUT = compile_later(r"([,;:()\"\u2014]|--|\s-\s)|\b(?:" + _by_first_letter(_CLAUSE_WORDS | {"that", "so"}) + r")\b")
# "that" and "so" start a clause only before a subject ("I knew that he …", not "that house";
# "he wouldn't listen so I got angry", not "so angry")
# the word after "and", to see whether it repeats the one before ("more and more", "closer and closer")
_REPEATED = compile_later(r"\s+([a-z]+)\b")
_THAT_CLAUSE = compile_later(r"\s+(?:i|we|he|she|they|it|you|the|a|an|my|his|her|our|their|there|this|someone|"
                          r"somebody|everyone|nobody|no one|people)\b")
# Words and connectives that come before a clause's subject. This and the patterns below
# run on the folded lower-case text (`_Doc.low`): case-sensitive matching is several times
# faster than re.IGNORECASE and, thanks to _FOLD, matches the same places.
_LEAD_SKIP = compile_later(
    r"(?:\s|[,;:()\"'-]|\b(?:and|but|or|so|then|when|whenever|while|because|cause|as|after|before|since|once|"
    r"if|until|till|though|although|where|whereas|that|like|suddenly|finally|soon|later|now|still|just|also|"
    r"again|together|eventually|immediately|quickly|slowly|somehow|maybe|perhaps|probably|apparently|"
    r"actually|really|even|only|well|oh|yes|anyway|meanwhile|afterwards?|instantly|gradually|first|next|"
    r"all of a sudden|at first|at last|at that (?:point|moment|time)|at one point|little by little|"
    r"bit by bit|in the end|of course|right away|after a while|for some reason|in turn|unless|"
    r"outside|inside|upstairs|downstairs|outdoors|indoors|nearby|overhead|meanwhile|"
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
_ABOUT = {"of", "about", "that", "the", "a", "an", "to", "what", "how", "where", "why", "who", "something",
          "everything", "nothing", "some", "his", "her", "their", "its"}
# past tenses without -ed: "(and) felt embarrassed" is a verb and its adjective, not a noun and its verb
_IRREGULAR_PAST = {"felt", "feel", "feels", "got", "get", "gets", "became", "become", "grew", "grow", "went", "ran",
                   "kept", "began", "stood", "sat", "saw", "heard", "found", "thought", "knew", "told", "said",
                   "left", "made", "took", "came", "fell", "flew", "woke", "seemed", "looked", "sounded"}
_INDEFINITE = {"anyone", "anybody", "anything", "someone", "somebody", "something", "everyone", "everybody",
               "everything", "nobody", "nothing"}
_OWN_BODY = {"legs", "leg", "feet", "foot", "knees", "knee", "body", "arms", "arm", "hands", "hand",
             "teeth", "tooth", "heart", "mouth", "eyes", "head", "muscles", "limbs", "whole", "own",
             "dream", "dreams", "voice", "mind", "stomach", "chest", "words", "next", "last", "first",
             "second", "third", "other"}
# verbs that open a clause whose subject is elided ("and felt embarrassed"): not a noun
# followed by its verb
_VERB_FIRST = {"felt", "feel", "feels", "got", "get", "gets", "seemed", "looked", "became", "become", "heard",
               "saw", "thought", "knew", "found", "kept", "left", "tried", "wanted", "started", "began", "stayed",
               "remained", "turned", "grew", "went", "came", "ended", "was", "were", "had", "suddenly", "then",
               "just", "really", "very", "so", "still", "also", "never", "always", "being", "having"}
# adverbs that can open a clause before its verb ("but never got any closer"): no noun
_ADVERB_FIRST = {"never", "always", "just", "still", "also", "really", "very", "so", "then", "even", "only",
                 "barely", "hardly", "suddenly", "finally", "soon", "almost", "nearly", "already", "again",
                 "quickly", "slowly", "somehow", "simply", "actually", "literally", "totally", "completely",
                 # typed notes: markers and intensifiers that open a clause before its verb ("ngl was terrified",
                 # "v confused", "lowkey scared")
                 "ngl", "tbh", "tbf", "lowkey", "highkey", "lol", "omg", "honestly", "basically", "deadass", "v",
                 "rlly", "rly", "kinda", "sorta", "pretty", "super", "proper", "hella", "mega", "bloody", "dead"}
# a quantity opening a subject ("most of the cattle", "all of us"): whose it is follows "of"
_QUANTITY = {"all", "most", "some", "many", "few", "several", "both", "none", "each", "half", "one", "two",
             "three", "four", "five", "about", "almost", "nearly", "over", "lots", "plenty", "rest", "part"}
_ING_NOUNS = {"something", "nothing", "everything", "anything", "building", "ceiling", "evening", "morning",
              "wedding", "pudding", "clothing", "painting", "drawing", "feeling", "meeting", "darling", "offspring"}
# clause words after which a noun phrase with no verb is their object ("found the exit")
# (not remember/recall/imagine: like see, they take a scene, "I recall the parrots soaring")
_OBJECT_TAKERS = {"find", "found", "finds", "decided", "know", "knew", "hope", "hoped", "wish", "wished", "like",
                  "believe", "believed"}
# people typed without a determiner at a clause's start ("mum was crying", "dad just laughed")
_KIN_FIRST = {"mum", "mom", "dad", "mother", "father", "nan", "nana", "grandma", "grandpa", "gran", "grandad",
              "sister", "brother", "bf", "gf", "boyfriend", "girlfriend", "husband", "wife", "mate", "mates",
              "friend", "boss", "teacher", "examiner", "manager", "flatmate", "roommate"}
# a clause opened by a place or time phrase: the subject comes after it
_PREP_OPEN = {"at", "in", "on", "inside", "outside", "near", "under", "behind", "during", "through", "across",
              "into", "from", "beside", "around", "along", "upstairs", "downstairs"}
_PP_OTHER = {"he", "she", "they", "his", "her", "their", "someone", "somebody", "people", "everyone", "everybody"}
_BARE_BODY = {"legs", "leg", "feet", "knees", "limbs", "teeth"}
_VERBISH = {"is", "was", "were", "are", "had", "has", "have", "did", "does", "do", "could", "would",
            "will", "can", "should", "might", "must", "kept", "keeps", "started", "began", "came",
            "comes", "went", "goes", "got", "gets", "said", "says", "told", "tells", "ran", "runs",
            "fell", "falls", "flew", "flies", "took", "takes", "saw", "sees", "knew", "knows", "and",
            "wants", "wanted", "looked", "looks", "seemed", "seems", "stood", "stands", "made", "makes"}
_TOKENS = compile_later(r"[a-z][a-z'-]*")
# The runs of [a-z'-] in a text, split apart in C: every byte outside that set becomes a
# space (other characters first become "?" when encoded). A run less its leading ' and -
# is exactly one _TOKENS match, several times cheaper than findall building match strings.
_RUN_BYTES = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz'-" else 32 for c in range(256))


def _token_runs(low: str) -> list[str]:
    return low.encode("ascii", "replace").translate(_RUN_BYTES).decode("ascii").split()


_WHO = compile_later(r"\s*(?:who|which)\b")
_JOINED = compile_later(r"\s*(?:and|or)\b")
_PEOPLE_NOUNS = {"kids", "children", "people", "friends", "men", "women", "boys", "girls", "students",
                 "others", "teachers", "guys", "everyone", "everybody", "nobody", "crowd", "parents"}
_NEGATION = compile_later(r"\b(?:not|no|never|nobody|nothing|none|neither|nor|without|noone)\b|n't\b")
# "without" and a bare "no" negate their noun phrase ("a man with no face", "a figure
# without a face"), not a verb that follows it: a finite verb in between ends their reach.
# "with nobody driving it" likewise: a noun phrase that has no one in it, not a denial
_NP_NEGATION = compile_later(r"\b(?:without|no(?! ?one\b|body\b| longer\b| more\b)|(?<=with )(?:nobody|no one|noone))\b")
_FINITE = compile_later(r"\b(?:is|was|were|are|am|had|has|have|did|does|do|could|would|will|can|kept|keeps|came|comes|"
                     r"started|starts|began|begins|got|gets|went|goes)\b")
# Words that can open a clause (_CLAUSE_WORDS) but are often prepositions: "before the
# exam", "like a fool". Followed by a noun phrase with no verb, they are no new subject.
_PREPOSITIONS = {"before", "after", "since", "until", "till", "like", "as"}
_OBJECTS = {"me", "us", "him", "her", "them", "it"}
_IRREALIS = compile_later(
    r"\b(?:almost|nearly|about to|going to|gonna|would|will|might|trying to|tried to|try to|tries to|"
    r"attempt\w* to|wanted to|want to|wants to|plann\w* to|plans? to|threaten\w* to|(?<!as )if|afraid|hoping|"
    r"in case|wonder\w*|pretend\w*|imagin\w*|could have|would have|supposed to|expect\w*|ready to)\b|'ll\b|'d be\b",
)


# Longest sentence the matcher reads as one; longer run-ons are cut (see _cut_run_on).
MAX_SENTENCE = 600
_SOFT_CUT = compile_later(r"[,;:]\s+|\s+")


def _cut_run_on(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A run-on sentence cut into pieces of at most MAX_SENTENCE characters, each ending
    after a comma (or else a space) where there is one."""
    out = []
    while e - s > MAX_SENTENCE:
        limit = s + MAX_SENTENCE
        comma = space = None
        for m in _SOFT_CUT.finditer(text, limit - MAX_SENTENCE // 4, limit):
            if text[m.start()] in ",;:":
                comma = m.end()
            else:
                space = m.end()
        cut = comma or space or limit
        out.append((s, cut))
        s = cut
    out.append((s, e))
    return out


# (a namedtuple, not typing.NamedTuple: typing is a few milliseconds of `dreamly add`)
class Clause(namedtuple("Clause", "start end subject joined sentence explicit")):
    """One clause of a sentence: text[start:end], who it is about, and how it got its subject.

    start, end: int
    subject: "dreamer" | "other" (inherited from the clause before when not stated)
    joined: opens with and/or and states no subject: negation reaches back past it
    sentence: the index of its sentence
    explicit: the clause states its own subject
    """

    __slots__ = ()


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
        self._clauses_of: dict[int, list[Clause]] = {}

    @staticmethod
    def _sentences(text: str) -> list[tuple[int, int]]:
        """Sentence spans: a break after . ! ? or a newline, whatever case follows (people
        type lower case), except after an initial or an abbreviation ("J. Tesar", "Mr.
        Hall"); a run-on longer than MAX_SENTENCE is cut at a comma or space, so that the
        cost of every rule stays linear in the text."""
        out, start = [], 0
        n = len(text)
        for m in _SENT_END.finditer(text):
            if m.end() < n and text[m.end()].islower() and text.startswith("..", m.start()):
                continue  # "I called... but nobody came": an ellipsis in lower case is a pause
            if text[m.start()] == "." and not (m.start() - start >= 6 and text[m.start() - 6:m.start()].isalpha()):
                # the word before the full stop (looking back a bounded stretch: a long
                # text without breaks must not be copied again at every full stop); one
                # ending in six letters is neither an initial nor an abbreviation
                before = text[max(start, m.start() - 24):m.start()]
                last = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.strip() else ""
                if len(last) == 1 or last in _ABBREV:
                    continue  # "J. Tesar", "Ave. without"
            out.append((start, m.end()))
            start = m.end()
        if start < len(text):
            out.append((start, len(text)))
        if any(e - s > MAX_SENTENCE for s, e in out):
            out = [piece for s, e in out for piece in _cut_run_on(text, s, e)]
        return out or [(0, len(text))]

    def _clause_spans(self, s: int, e: int) -> list[tuple[int, int]]:
        text, low = self.text, self.low
        cuts = [s]
        for m in _CLAUSE_CUT.finditer(low, s, e):
            if m.lastindex:  # punctuation ends a clause after itself
                pos = m.end()
            else:  # a boundary word starts the next one
                word = m.group()
                if m.start() > 0 and low[m.start() - 1] in "-'":
                    continue  # "raft-like", "so-called": part of the word before
                if word in ("that", "so") and not _THAT_CLAUSE.match(low, m.end(), e):
                    continue
                pos = m.start()
                if word == "and" and len(text[cuts[-1]:pos].split()) <= 2:
                    continue  # "I and J. Tesar were …", "my brother and I": one subject, not two clauses
                if word == "and" and _REPEATED.match(low, m.end()) and low.endswith(
                        " " + _REPEATED.match(low, m.end()).group(1), s, m.start() - 1):
                    continue  # "more and more frustrated", "closer and closer": one phrase, no new clause
                if word in _INFINITIVE_AFTER_TO and low.endswith(" to", s, m.start() - 1):
                    continue  # "(I was surprised) to see him (but also very happy)": an infinitive, no new clause
                if word in _MAIN_VERB_AFTER_NP:
                    before = low[cuts[-1]:pos].split()
                    if 1 < len(before) <= 3 and (before[0] in _DETERMINERS or before[0] in _MY):
                        continue  # "The driver realized it": the noun phrase's own verb, no new clause
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
                and not any(x in _VERBISH or x in _IRREGULAR_PAST or x.endswith("ed") for x in lows[1:])):
            # "before the exam", "like a fool", "after me": a phrase, not a clause ("until the man
            # became angry" is one: an irregular past counts as its verb); the
            # subject is the one before it
            return None
        if lead and lead[-1] in _OBJECT_TAKERS and (lw in _DETERMINERS or lw in _MY) and not any(
                x in _VERBISH or x.endswith(("ed", "ing")) for x in lows[1:4]):
            return None  # "(I) couldn't find the exit for ages": its object, not a new subject
        if lw in ("me", "us", "him", "them") and lead and len(lows) > 1 and lows[1] in _ABOUT:
            return None  # "(he) tells me of a woman ...": an object, and the clause is about something else
        if (lw in _INDEFINITE and lead and lead[-1] in _CLAUSE_WORDS and len(lows) > 1
                and lows[1] not in _VERBISH and not lows[1].endswith("ed")):
            return None  # "(I did not) know anyone there": an object; "(I knew) someone was there" is a subject
        if lw in _DREAMER:
            return "dreamer"
        if lw in _QUANTITY and "of" in lows[1:3]:  # "all of us", "most of the cattle", "about 85% of them"
            k = lows.index("of", 1)
            return "dreamer" if lows[k + 1:k + 2] in (["us"], ["we"], ["me"]) else "other"
        if lead and lead[-1] == "like" and lw.endswith("ing") and len(lw) > 5 and lw not in _ING_NOUNS:
            return "dreamer"  # "it was like running on a treadmill": the dreamer's own movement
        if "i" in lows[:5]:  # "Fisher and I", "my brother and I"
            k = lows.index("i")
            if k > 0 and lows[k - 1] == "and" or k + 1 < len(lows) and lows[k + 1] == "and":
                return "dreamer"
        if lw in _BARE_BODY:
            return "dreamer"  # "legs were like concrete": a body with no owner named is the dreamer's
        if lw in _MY:
            if len(lows) > 1 and lows[1].endswith(("'s", "s'")):
                return "other"  # "my dad's legs": someone else's body
            return "dreamer" if len(lows) > 1 and any(x in _OWN_BODY for x in lows[1:3]) else "other"
        if lw == "no" and len(lows) > 1 and lows[1] == "one":
            return "other"
        if lw in _OTHER or lw in _DETERMINERS or lw == "her":
            return "other"
        if lw in _PEOPLE_NOUNS or lw in _KIN_FIRST:
            return "other"  # "dad just laughed": a person named without a determiner, typed style
        if lw in _PREP_OPEN and lead == [] and len(lows) > 2:
            # "At the hospital his mom was crying", "In my dream I was flying": past the place
            for x in lows[2:6]:
                if x in _DREAMER:
                    return "dreamer"
                if x in _PP_OTHER:
                    return "other"
        if (len(words) > 1 and lw not in _VERBISH and lw not in _IRREGULAR_PAST and lw not in _ADVERB_FIRST
                and not lw.endswith(("ed", "ing", "ly"))):
            nxt = words[1][1].lower()
            if (nxt in _VERBISH or nxt.endswith("ed") and len(nxt) > 4 and lw not in _VERB_FIRST) and nxt != "and":
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
            cl.append(Clause(a, b, subj or (cl[-1].subject if cl else "dreamer"), joined, si, subj is not None))
        return cl, ci

    @staticmethod
    def scope_start(cl: list, ci: int) -> int:
        """Where negation/irrealis reach back from: the clause, or the clause before an
        elided "and …" ("going to rape and kill me", "didn't run and hide")."""
        while ci > 0 and cl[ci].joined:
            ci -= 1
        return cl[ci].start

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




_SUBJECT_WORD = compile_later(r"\b(?:(i|we|i'm|we're|i've|we've|i'd|we'd)|(he|she|they|he's|she's|they're|someone|somebody|nobody|everyone|everybody))\b")


def _last_subject(text: str, low: str, lo: int, hi: int) -> str | None:
    """The last subject pronoun before the hit in its clause wins over the clause's first
    subject: in "when he looked at me I became afraid" the feeling is mine."""
    last = None
    for m in _SUBJECT_WORD.finditer(low, lo, hi):
        if m.group(1) == "i" and text[m.start(1)] == "i":
            continue  # a lower-case "i" is more often a typo or a list item than the dreamer
        last = "dreamer" if m.group(1) else "other"
    return last
