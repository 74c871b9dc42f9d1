"""Recurring dreams by similar text: the bounded candidate generation finds the same groups
as comparing every pair of dreams, on the demo journal and on generated journals.

`patterns.similar_pairs` proposes pairs from each dream's rarest words so that its cost stays
linear in the window. These tests pin what that must not change: the recurring-dream groups.
The references are the exhaustive all-pairs comparison (the definition of "similar text")
and the candidate generation the review used before (postings capped at max(50, n/20)).
"""

import random
import sys
from collections import defaultdict
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

import pytest

from dreamly.review import patterns
from dreamly.review.patterns import _Dream

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


def similar(a: frozenset, b: frozenset) -> bool:
    shared = len(a & b)
    return shared >= patterns.SIMILAR_TEXT_MIN_SHARED and 2 * shared / (len(a) + len(b)) >= patterns.SIMILAR_TEXT_DICE


def all_pairs(words: dict[int, frozenset]) -> list[tuple[int, int]]:
    """Every pair compared: the definition, O(n²)."""
    eligible = sorted(i for i, w in words.items() if len(w) >= patterns.SIMILAR_TEXT_MIN_SHARED)
    return [(a, b) for a, b in combinations(eligible, 2) if similar(words[a], words[b])]


def capped_postings(words: dict[int, frozenset]) -> list[tuple[int, int]]:
    """The review's earlier candidate generation (every pair in each posting of at most
    max(50, n/20) dreams): its pair count grew about as n²."""
    postings = defaultdict(list)
    for dream_id, found in words.items():
        if len(found) >= patterns.SIMILAR_TEXT_MIN_SHARED:
            for word in found:
                postings[word].append(dream_id)
    common = max(50, len(words) // 20)
    candidates = set()
    for ids in postings.values():
        if len(ids) <= common:
            candidates.update(combinations(ids, 2))
    return sorted((min(a, b), max(a, b)) for a, b in candidates if similar(words[a], words[b]))


def groups_with(monkeypatch, dreams, pair_finder):
    """The groups `recurring` finds with another pair finder (given each dream's words as a
    frozenset: the review hands them over as tuples of distinct words)."""
    with monkeypatch.context() as m:
        m.setattr(patterns, "similar_pairs",
                  lambda words, skip=None: pair_finder({i: frozenset(w) for i, w in words.items()}))
        return [(g["ids"], g["reason"]) for g in patterns.recurring(dreams)]


def dream(i, day, body, motifs=(), title=""):
    return _Dream(id=i, day=day, title=title, body=body, context="", nightmare=False, lucid=False,
                  sleep_quality=None, motifs=set(motifs))


def demo_dreams():
    from dreamly.demo import DREAMS

    today = date(2026, 3, 15)
    return [dream(i, today - timedelta(days=d.days_ago), d.body, d.motifs, d.title)
            for i, d in enumerate(DREAMS, 1)]


def template_journal(count: int, seed: int):
    """The benchmarks' synthetic dreams (template sentences: every word common)."""
    from _synthetic import dreams

    return [dream(d["id"], date.fromisoformat(d["dreamt_on"]), d["body"], d["motifs"], d["title"])
            for d in dreams(count, seed=seed, years=1)]


def diary_journal(count: int, seed: int):
    """Free-written dreams: a Zipf-like vocabulary of a few thousand words, and a dozen
    recurring dreams told 3-6 times each, every telling keeping part of the dream's own words
    (some tellings too loose to count), mixed in among the others."""
    rng = random.Random(seed)
    vocabulary = [f"w{n}x" for n in range(4000)]  # tokens() keeps letters only: w12x
    weights = [1 / (n + 1) for n in range(len(vocabulary))]

    def words(k):
        return rng.choices(vocabulary, weights, k=k)

    bodies = [" ".join(words(rng.randint(8, 60))) for _ in range(count)]
    for theme in range(12):
        core = [f"theme{chr(97 + theme)}{chr(97 + n)}" for n in range(rng.randint(6, 14))]
        for _ in range(rng.randint(3, 6)):
            kept = rng.sample(core, max(2, int(len(core) * rng.uniform(0.45, 1.0))))
            bodies[rng.randrange(count)] = " ".join(kept + words(rng.randint(2, 12)))
    start = date(2026, 1, 1)
    return [dream(i, start + timedelta(days=i * 84 // count), body) for i, body in enumerate(bodies, 1)]


JOURNALS = {
    "demo": demo_dreams,
    "diary 800 (seed 1)": lambda: diary_journal(800, 1),
    "diary 800 (seed 2)": lambda: diary_journal(800, 2),
    "diary 800 (seed 3)": lambda: diary_journal(800, 3),
}


@pytest.mark.parametrize("name", JOURNALS)
def test_recurring_groups_are_those_of_comparing_every_pair(monkeypatch, name):
    dreams = JOURNALS[name]()
    bounded = [(g["ids"], g["reason"]) for g in patterns.recurring(dreams)]
    assert bounded == groups_with(monkeypatch, dreams, all_pairs)
    assert bounded == groups_with(monkeypatch, dreams, capped_postings)
    assert sum(reason == "similar text" for _, reason in bounded) >= (1 if name == "demo" else 3)  # it has teeth


def test_the_demo_journal_keeps_its_recurring_dreams():
    groups = patterns.recurring(demo_dreams())
    assert any(g["times"] >= 4 and g["reason"] == "similar text" for g in groups)


@pytest.mark.slow  # a scale test: thousands of dreams
def test_candidates_per_dream_stay_bounded_when_every_word_is_common(monkeypatch):
    """The benchmarks' template dreams share all their words with thousands of others (so
    many are "similar" that they form one blob: a property of the generator, which is why the
    group tests above use journals with a real vocabulary); the comparisons made grow with the
    window, not with its square."""
    counted = []
    original = patterns.similar

    def counting(a, b):
        counted.append(1)
        return original(a, b)

    monkeypatch.setattr(patterns, "similar", counting)
    per_dream = {}
    for count in (1200, 4800):
        counted.clear()
        patterns.recurring(template_journal(count, 5))
        per_dream[count] = len(counted) / count
    assert per_dream[4800] <= 1.25 * per_dream[1200]  # 4x the dreams, about 4x the comparisons
    assert per_dream[4800] <= patterns.SIMILAR_TEXT_KEYS * patterns.SIMILAR_TEXT_NEIGHBOURS
