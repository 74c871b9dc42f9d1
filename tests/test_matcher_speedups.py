"""The matcher's shortcuts answer as the longer way round does: the normaliser's quick look
(`_needs_work`) says what its three regex scans say, and a rule's extra literal sets
(`_Rule.factors`) only skip sentences where its pattern cannot match."""

import random

from hypothesis import given, settings, strategies as st

from dreamly import analysis
from dreamly.analysis import normalise as N

PIECES = ["i", "I", "i'm", "i-", "'i", "xi", "i.", "i.e.", " ", "  ", "'", "-", ",", ".", "!", "\n", "a", "o", "ooo",
          "sooo", "noo", "dont", "'dont", "dont'", "wont-", "could'nt", "couldn'", "b4", "id", "id got", "teh", "xdont",
          "Dont", "DONT", "K", "\u212a", "\u017f", "\u0130", "é", "ß", "3", "ab", "aab", "aaa", "AAA", "xyz", "word",
          "legs", "im", "ill"]


def expected(text: str) -> bool:
    low = text.lower()
    return bool(N._LONE_I.search(text) or N._TRIPLE.search(low) or not N._TABLE.isdisjoint(N._WORDISH.findall(low)))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=12).map("".join))
def test_the_quick_look_for_what_to_normalise_agrees_with_the_scans(text):
    assert N._needs_work(text) == expected(text)


def test_the_quick_look_on_typed_sentences():
    for text in ["the sky was blue. i was so scared", "couldnt move", "I was sooo tired", "id got an exam",
                 "my id card", "Nothing here at all.", "i.e. nothing", "(i) a list", "it was b4 dawn",
                 "he said 'dont' twice", "well-dont", ""]:
        assert N._needs_work(text) == expected(text), text


def test_a_rule_is_never_kept_from_a_sentence_it_matches():
    """Every sentence where a rule's pattern matches holds a literal of each of its factors
    (generated dreams and lower-cased, apostrophe-less copies: how people type)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import matcher_speed

    from dreamly.analysis.text import _FOLD, _QUOTES, _Doc

    m = analysis.Matcher(analysis.load_knowledge())
    m.compile_all()
    with_factors = [r for r in m._ordered if r.factors]
    assert len(with_factors) > 100
    rng = random.Random(3)
    texts = [matcher_speed.dream(rng, words=80, dense=True) for _ in range(60)]
    texts += [t.lower().replace("'", "") for t in texts]
    checked = 0
    for text in texts:
        work, _ = N.normalise(text.translate(_QUOTES))
        low = work.translate(_FOLD).lower()
        doc = _Doc(work, low, low)
        for s, e in doc.sents:
            for rule in with_factors:
                if next(iter(rule.regex.finditer(low, s, e)), None) is not None:
                    checked += 1
                    for factor in rule.factors:
                        assert any(low.find(lit, s, e) >= 0 for lit in factor), (rule.source, low[s:e])
    assert checked > 50


def test_the_words_read_sentence_by_sentence_find_what_the_whole_text_finds(monkeypatch):
    """`analyze` reads the words sentence by sentence (and so learns which sentences hold each
    literal) unless a sentence starts inside a word; both ways give the same analysis."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import matcher_speed

    from dreamly.analysis import rules

    rng = random.Random(5)
    texts = [matcher_speed.dream(rng, words=120, dense=i % 2 == 0) for i in range(40)]
    texts += [t.lower() for t in texts[:10]]
    run_on = "I was being chased by a huge dog " + "x" * 700 + "ran away and I was so scared."
    texts.append(run_on)
    m = analysis.Matcher(analysis.load_knowledge())
    by_sentence = [m.analyze(t) for t in texts]
    monkeypatch.setattr(rules, "_tokens_stay_in_sentences", lambda low, sents: False)
    whole = analysis.Matcher(analysis.load_knowledge())
    assert [whole.analyze(t) for t in texts] == by_sentence
    assert sum(len(a.motifs) + len(a.emotions) for a in by_sentence) > 100
    from dreamly.analysis.text import _Doc

    monkeypatch.undo()
    low = run_on.lower()
    assert not rules._tokens_stay_in_sentences(low, _Doc(run_on, low, low).sents)  # the other way, really


def _sentences_as_before(text):
    """`_Doc._sentences` as it was before its shortcut for a word of six letters."""
    from dreamly.analysis import text as T

    out, start = [], 0
    n = len(text)
    for m in T._SENT_END.finditer(text):
        if m.end() < n and text[m.end()].islower() and text.startswith("..", m.start()):
            continue
        if text[m.start()] == ".":
            before = text[max(start, m.start() - 24):m.start()]
            last = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.strip() else ""
            if len(last) == 1 or last in T._ABBREV:
                continue
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    if any(e - s > T.MAX_SENTENCE for s, e in out):
        out = [piece for s, e in out for piece in T._cut_run_on(text, s, e)]
    return out or [(0, len(text))]


SENTENCE_PIECES = [" ", ". ", ".. ", "... ", "! ", "? ", "\n", "Mr", "mr", "Prof", "e.g", "i.e", "etc", "J", "x",
                   "ab", "abcde", "abcdef", "abcdefg", "Señora", "İstanbul", "ma\u00dfe", "3", "it", "dog", "said",
                   "'", '"', ")", "walked"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=25).map("".join))
def test_sentences_break_where_they_broke(text):
    from dreamly.analysis.text import _Doc

    assert _Doc._sentences(text) == _sentences_as_before(text)
