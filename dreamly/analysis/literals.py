"""The prefilter: literals every match of a pattern must contain, and patterns lowered for folded text."""

from __future__ import annotations


from dreamly.lazy_re import compile_later
from dreamly.analysis.text import _TOKENS


class _Opaque(Exception):
    """A regex feature the literal finder does not model; the rule then runs on every text."""


_COUNT = compile_later(r"\{(\d*)(?:,(\d*))?\}")
_PLAIN = compile_later(r"[^\\\[\]().*+?{}|^$\x80-\U0010ffff]+")  # ASCII that stands for itself


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


def _required_literals(pattern: str, every: list | None = None) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of `pattern` contains, or None.

    They let a rule skip a dream (or a sentence) with a set lookup instead of running
    its regex. This reads the pattern text itself (public syntax, no private `re`
    modules): groups, alternation, classes, quantifiers and lookarounds are understood;
    anything else (escapes like \\n or \\1, inline flags, ...) gives None, which only
    costs speed. Literals shorter than three characters are not worth indexing. Given
    `every`, the same parse also puts there what `_required_factors` returns."""
    options: list = []
    try:
        lits, end = _alternation(pattern, 0, options)
    except (_Opaque, IndexError, ValueError):
        return None
    if every is not None and end == len(pattern):
        every.extend(_factors(options))
    if end != len(pattern) or not lits or min(map(len, lits)) < 3:
        return None
    lits = {x.lower() for x in lits}
    # Matcher finds literals inside the text's words (_TOKENS); "r2d2" or "e.g" would
    # never be found there, so such a pattern goes unindexed rather than unmatched.
    if not all(_TOKENS.fullmatch(x) for x in lits):
        return None
    return tuple(sorted(lits))


def _required_factors(pattern: str) -> tuple[frozenset[str], ...]:
    """Sets of lower-case strings every match of `pattern` holds one of each of, all at once:
    the literal sets of a pattern that is one sequence ("{SELF} ... {FLIGHT}" holds a word of
    each), those of three characters or more; () for a pattern with alternatives at its top
    level or with what the literal finder does not model. Each is a necessary condition, as
    `_required_literals`' one set is, so a sentence that lacks one cannot match."""
    every: list = []
    _required_literals(pattern, every)
    return tuple(every)


def _factors(options: list) -> list[frozenset[str]]:
    return [frozenset(x.lower() for x in o) for o in options if o and min(map(len, o)) >= 3]


_WORD_BRANCH = r"[a-zA-Z][a-zA-Z'-]*(?:s\?|\\w[*+])?"
_WORD_ALTERNATION = compile_later(rf"{_WORD_BRANCH}(?:\|{_WORD_BRANCH})*(?=\))")


def _word_literal(branch: str) -> str:
    """What _sequence finds in one plain branch: the word, less an optional "s" or a \\w tail."""
    if branch.endswith("s?"):
        return branch[:-2]
    if branch.endswith(("\\w*", "\\w+")):
        return branch[:-3]
    return branch


def _alternation(p: str, i: int, every: list | None = None) -> tuple[set[str] | None, int]:
    """Literals of the branches from p[i] up to an unmatched ")" or the end: a match
    takes one branch, so it holds one literal of the union (None if a branch has none).
    Given `every`, a lone branch's literal sets go there (`_sequence`)."""
    words = _WORD_ALTERNATION.match(p, i)
    if words:  # the common case, a group of plain words: "(?:run|ran|dogs?|murder\w*)"
        return {_word_literal(w) for w in words.group().split("|")}, words.end()
    branches = []
    while True:
        lits, i = _sequence(p, i, every if not branches else None)
        branches.append(lits)
        if i < len(p) and p[i] == "|":
            i += 1
            if every:
                every.clear()  # alternatives: no set is in every match
        else:
            break
    if any(b is None for b in branches):
        return None, i
    return set().union(*branches), i


def _sequence(p: str, i: int, every: list | None = None) -> tuple[set[str] | None, int]:
    """The most selective literal set of one branch: runs of plain characters that every
    match consumes in a row, or a required group's literals (each of them, given `every`)."""
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
    if every is not None:
        every.extend(options)
    if len(options) <= 1:
        return (options[0] if options else None), i
    # the set whose shortest member is longest is the one fewest texts contain; a set of words
    # nearly every sentence holds ("the", "for", "with") only when there is no other
    return max(options, key=lambda o: (min(map(_weight, o)), -len(o))), i


# function words nearly every sentence holds: a rule indexed on one runs everywhere, so they
# count as shorter than any three-letter word ("on the run" is indexed on "run"), though
# still better than none
_EVERYWHERE = frozenset("""the and was were for with that had has have not but you his her they this she him
    them our are""".split())


def _weight(lit: str) -> float:
    return 2.5 if lit in _EVERYWHERE else len(lit)


# "(?-i:Bob)" and other inline flags could make part of a pattern case-sensitive again
_INLINE_FLAGS = compile_later(r"\(\?(?!P)[a-zA-Z-]")
_UPPER_RANGE = compile_later(r"[A-Z]-[A-Z]")


_LOWERED: dict[str, str | None] = {}  # source -> _lower_pattern(source): building a Matcher asks twice


def _lower_pattern(source: str) -> str | None:
    """`_lowered(source)`, worked out once per source."""
    got = _LOWERED.get(source, _LOWERED)
    if got is _LOWERED:
        if len(_LOWERED) > 20_000:
            _LOWERED.clear()
        got = _LOWERED[source] = _lowered(source)
    return got


def _lowered(source: str) -> str | None:
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
