"""The weekly review's maths: pure functions over rows the journal hands out.

Nothing here touches the database or the terminal. `review()` takes the compact rows of
`Journal.pattern_rows()` and returns plain data (the `--json` output); the renderers only
show it. Only `dreamly patterns` imports this module, so dateutil's cost stays off `add`.

It is long (over 600 lines) because every section of the review is computed here from one
pass over the rows, the recurring-dream search among them (union-find and the bounded
candidate generation that keeps it linear in the window, `similar_pairs`); splitting it
would spread that one pass over several files.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import chain
from sys import intern
from typing import AbstractSet, Collection, Iterable, Iterator

from dateutil.relativedelta import MO, relativedelta

from dreamly.errors import DreamlyError
from dreamly.model import PURSUER_IDS
from dreamly.text import first_words

DEFAULT_BASELINE_WEEKS = 4  # DESIGN.md: "the week against the four weeks before it"
FREQUENCY_WEEKS = 12        # the issue: dreams per week over the last 12 weeks

# The red flag. The source article: "Occasional paralysis dreams are normal, especially during
# stressful periods. But if you're having them multiple times a week, … it may be time to seek
# support." We read "multiple times a week" as 3 or more can't-run or nightmare dreams in one
# calendar week, and DESIGN.md's "week after week" as at least 2 such weeks in a row.
RED_FLAG_PER_WEEK = 3
RED_FLAG_WEEKS = 2
# Said only when the knowledge base (motifs.toml [red_flag] message) cannot be read.
RED_FLAG_FALLBACK = ("Dreams like these often come with stressful stretches. When they keep returning, talking "
                     "them through with a therapist or counsellor can help. This is a pattern in your journal, "
                     "not a diagnosis.")

# A change counts only when it is both relatively and absolutely big enough: one dream more
# than an average of 0.5 a week is noise, not a trend.
TREND_RATIO = 1.5
TREND_MIN_DIFFERENCE = 1.0

# Links: a co-occurrence needs this many dreams behind it and this lift over the base rate
# before it is worth a line (three dreams is the least that can look like a pattern).
LINK_MIN_SUPPORT = 3
LINK_MIN_LIFT = 1.5

# Recurring dreams: told this many times, by the same motif set (at least two motifs, since
# one motif alone is a theme, not a dream) or by similar text.
RECURRING_MIN_TIMES = 3
RECURRING_MIN_MOTIFS = 2
SIMILAR_TEXT_DICE = 0.5     # Dice coefficient of the content words
SIMILAR_TEXT_MIN_SHARED = 4  # and at least this many content words in common
# Pairs to compare are proposed by the rarest words of each dream (see similar_pairs): two
# tellings of one dream share the words that set it apart. A word in at most
# SIMILAR_TEXT_BUCKET dreams' prefixes pairs them all; a commoner one pairs each dream, for its
# SIMILAR_TEXT_KEYS rarest words only, with the SIMILAR_TEXT_NEIGHBOURS dreams nearest to it in
# an order by rarest words. So every dream meets a bounded number of others, whatever the
# journal's size: the work is linear in the window.
SIMILAR_TEXT_KEYS = 3
SIMILAR_TEXT_BUCKET = 12
SIMILAR_TEXT_NEIGHBOURS = 8

# Used when the knowledge base can't be loaded; the matcher's groups win when it can.
CANT_RUN_IDS = ("heavy_legs", "slow_motion", "paralysis", "running_nowhere", "jelly_legs", "uphill_or_water")


STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each even ever every few for
from further get got had has have having he her here hers herself him himself his how i if in into
is it its itself just like lot lots me more most much my myself no nor not now of off on once only
or other our ours ourselves out over own really same she should so some still such than that the
their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself
yourselves im ive dont didnt couldnt wasnt cant bit kind sort thing things way went going go
one two back again around
""".split())

_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]")


def tokens(text: str) -> list[str]:
    """Content words of a text: lower case, no stop-words, no possessive 's, 3+ letters."""
    words = []
    stop = STOP_WORDS
    for word in _WORD.findall(text.lower().replace("’", "'")):
        if "'" in word:
            if word.endswith("'s"):
                word = word[:-2]
            word = word.replace("'", "")
        if len(word) >= 3 and word not in stop:
            words.append(word)
    return words


# -- the window --------------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # the same few days come by thousands of times in a big journal
def week_start(day: date) -> date:
    """The Monday of the calendar week `day` is in."""
    return day + relativedelta(weekday=MO(-1))


@dataclass(frozen=True)
class Window:
    """The days under review, and the weeks before them they are compared with."""

    since: date
    until: date
    baseline_weeks: int = DEFAULT_BASELINE_WEEKS

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def baseline_since(self) -> date:
        return self.since - relativedelta(weeks=self.baseline_weeks)

    @property
    def baseline_until(self) -> date:
        return self.since - relativedelta(days=1)

    @property
    def week_starts(self) -> list[date]:
        """The Mondays of the last FREQUENCY_WEEKS calendar weeks, the window's end included."""
        last = week_start(self.until)
        return [last - relativedelta(weeks=n) for n in range(FREQUENCY_WEEKS - 1, -1, -1)]

    @property
    def load_since(self) -> date:
        """The first day the review needs rows for."""
        return min(self.baseline_since, self.week_starts[0])


def make_window(
    today: date,
    *,
    week: bool = False,
    since: date | None = None,
    until: date | None = None,
    baseline_weeks: int = DEFAULT_BASELINE_WEEKS,
) -> Window:
    """The last 7 days by default; `week` = this calendar week; or since/until."""
    if baseline_weeks < 1:
        raise DreamlyError("--weeks must be 1 or more")
    if week:
        if since or until:
            raise DreamlyError("use either --week or --since/--until, not both")
        start = week_start(today)
        return Window(start, start + relativedelta(days=6), baseline_weeks)
    if until is None:
        until = today if since is None or since <= today else since
    if since is None:
        since = until - relativedelta(days=6)
    if since > until:
        raise DreamlyError(f"--since {since.isoformat()} is after --until {until.isoformat()}")
    return Window(since, until, baseline_weeks)


# -- what the knowledge base says ---------------------------------------------------------------


@dataclass
class Vocabulary:
    """The parts of the knowledge base the review uses, as plain data."""

    labels: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    questions: dict[str, tuple] = field(default_factory=dict)
    suggestions: dict[str, tuple] = field(default_factory=dict)
    red_flag: str = ""

    def group(self, motif_id: str) -> str:
        if motif_id in self.groups:
            return self.groups[motif_id]
        if motif_id in CANT_RUN_IDS:
            return "cant_run"
        if motif_id in PURSUER_IDS:
            return "pursuer"
        return ""


def vocabulary_from(knowledge) -> Vocabulary:
    """Read an `analysis.Knowledge` (or None) into a Vocabulary."""
    vocab = Vocabulary()
    if knowledge is None:
        return vocab
    for motif_id, motif in getattr(knowledge, "motifs", {}).items():
        vocab.labels[motif_id] = getattr(motif, "label", "") or motif_id
        vocab.groups[motif_id] = getattr(motif, "group", "") or ""
        vocab.questions[motif_id] = tuple(getattr(motif, "questions", ()) or ())
        vocab.suggestions[motif_id] = tuple(getattr(motif, "suggestions", ()) or ())
    flag = getattr(knowledge, "red_flag", None)
    if isinstance(flag, dict):
        vocab.red_flag = str(flag.get("message") or next((v for v in flag.values() if isinstance(v, str)), ""))
    elif isinstance(flag, str):
        vocab.red_flag = flag
    return vocab


# -- the review ----------------------------------------------------------------------------------


@dataclass
class _Dream:
    id: int
    day: date
    title: str
    body: str
    context: str
    nightmare: bool
    lucid: bool
    sleep_quality: int | None
    motifs: set = field(default_factory=set)
    emotions: set = field(default_factory=set)
    tags: set = field(default_factory=set)


def review(rows: dict, window: Window, *, recall_days: Iterable[date] = (), vocabulary: Vocabulary | None = None) -> dict:
    """The whole weekly review as plain data.

    `rows` is what `Journal.pattern_rows(window.load_since, window.until)` returns;
    `recall_days` the days with a dream, newest first (read lazily, for the streak).
    Counts and links cover the window and its baseline; the weekly rows, the red flag's
    run of weeks and recurring dreams look at every row given (12 weeks at least).
    """
    vocab = vocabulary or Vocabulary()
    dreams = _assemble(rows)
    cant_run_ids = {m for d in dreams for m in d.motifs if vocab.group(m) == "cant_run"}
    since, until, baseline_since, baseline_until = window.since, window.until, window.baseline_since, window.baseline_until
    in_window = [d for d in dreams if since <= d.day <= until]
    in_baseline = [d for d in dreams if baseline_since <= d.day <= baseline_until]
    week_starts = window.week_starts

    motifs = _compare(in_window, in_baseline, window, lambda d: d.motifs, vocab)
    pursuers = [m for m in motifs if vocab.group(m["id"]) == "pursuer"]
    cant_run = _compare(in_window, in_baseline, window,
                        lambda d: {"cant_run"} if d.motifs & cant_run_ids else set(), vocab)
    emotions = _compare(in_window, in_baseline, window, lambda d: d.emotions, vocab)
    by_week = _weekly(dreams, week_starts, lambda d: d.emotions)
    for row in emotions:
        row["weeks"] = by_week.get(row["id"], [0] * len(week_starts))
    for emotion_id in sorted(set(by_week) - {row["id"] for row in emotions}):
        emotions.append({"id": emotion_id, "count": 0, "baseline": 0.0, "trend": "none", "weeks": by_week[emotion_id]})

    reviewed = in_baseline + in_window
    dreams_per_week = _weekly(dreams, week_starts, lambda d: {"all"}).get("all", [0] * len(week_starts))
    flag = red_flag(dreams, window, cant_run_ids)
    if flag:
        flag["message"] = vocab.red_flag or RED_FLAG_FALLBACK
    report = {
        "window": {"since": window.since.isoformat(), "until": window.until.isoformat(), "days": window.days},
        "baseline": {"since": window.baseline_since.isoformat(), "until": window.baseline_until.isoformat(),
                     "weeks": window.baseline_weeks},
        "overview": _overview(in_window, in_baseline, window, recall_days),
        "weeks": [{"start": start.isoformat(), "dreams": n} for start, n in zip(week_starts, dreams_per_week)],
        "motifs": motifs,
        "cant_run": cant_run[0] if cant_run else None,
        "emotions": emotions,
        "pursuers": pursuers,
        "pursuer_shift": _shift(pursuers),
        "links": _links(reviewed, lambda d: d.motifs, "motif", vocab),
        "emotion_links": _links(reviewed, lambda d: d.emotions, "emotion", vocab),
        "recurring": recurring(dreams),
        "red_flag": flag,
    }
    if "sign_counts" in rows:  # the dream signs section (issue 17): sign_review computes it for all three views
        from dreamly.review import signs as sign_review

        report["signs"] = sign_review.section(
            dreams, rows["sign_counts"], rows.get("sign_first_seen", {}), window, week_starts,
            hidden=rows.get("signs_hidden", frozenset()), personal=rows.get("personal_motifs", frozenset()),
            labels=vocab.labels, skip=rows.get("signs_skipped", frozenset()))
    for group in report["recurring"]:
        group["motif_labels"] = [vocab.labels.get(m, m.replace("_", " ")) for m in group["motifs"]]
    report["suggestions"] = _suggestions(report, vocab)
    return report


def _assemble(rows: dict) -> list[_Dream]:
    dreams = {}
    for row in rows.get("dreams", ()):
        dreams[row["id"]] = _Dream(
            id=row["id"], day=date.fromisoformat(row["dreamt_on"]), title=row.get("title") or "",
            body=row.get("body") or "", context=row.get("context") or "", nightmare=bool(row.get("nightmare")),
            lucid=bool(row.get("lucid")), sleep_quality=row.get("sleep_quality"),
        )
    for key, attr in (("motifs", "motifs"), ("emotions", "emotions"), ("tags", "tags")):
        for dream_id, value in rows.get(key, ()):
            if dream_id in dreams:
                getattr(dreams[dream_id], attr).add(value)
    for dream_id, words in rows.get("reminds", ()):  # what it reminded the dreamer of counts as context
        if dream_id in dreams:
            dreams[dream_id].context = f"{dreams[dream_id].context}\n{words}".strip()
    return sorted(dreams.values(), key=lambda d: (d.day, d.id))


def trend(count: int, baseline_per_week: float, days: int = 7) -> str:
    """rising / falling / steady against the baseline, scaled to the window's length; new
    when the baseline never had it, none when neither had it."""
    if baseline_per_week == 0:  # not `expected == 0`: a tiny baseline can round to 0 there
        return "new" if count else "none"
    expected = baseline_per_week * days / 7
    if count >= expected * TREND_RATIO and count - expected >= TREND_MIN_DIFFERENCE:
        return "rising"
    if count <= expected / TREND_RATIO and expected - count >= TREND_MIN_DIFFERENCE:
        return "falling"
    return "steady"


def _compare(in_window, in_baseline, window: Window, labels_of, vocab: Vocabulary) -> list[dict]:
    """Per label: dreams with it in the window, the baseline's weekly average, the trend."""
    now = Counter(label for d in in_window for label in labels_of(d))
    before = Counter(label for d in in_baseline for label in labels_of(d))
    rows = []
    for label in set(now) | set(before):
        baseline = round(before[label] / window.baseline_weeks, 2)
        row = {"id": label, "count": now[label], "baseline": baseline, "trend": trend(now[label], baseline, window.days)}
        if label in vocab.labels:
            row["label"] = vocab.labels[label]
        rows.append(row)
    rows.sort(key=lambda r: (-r["count"], -r["baseline"], r["id"]))
    return rows


def _weekly(dreams, week_starts: list[date], labels_of) -> dict[str, list[int]]:
    """Per label, the number of dreams with it in each calendar week."""
    index = {start: i for i, start in enumerate(week_starts)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(week_starts))
    for dream in dreams:
        i = index.get(week_start(dream.day))
        if i is None:
            continue
        for label in labels_of(dream):
            counts[label][i] += 1
    return dict(counts)


def _overview(in_window, in_baseline, window: Window, recall_days: Iterable[date]) -> dict:
    sleep = [d.sleep_quality for d in in_window if d.sleep_quality]
    return {
        "dreams": len(in_window),
        "baseline": round(len(in_baseline) / window.baseline_weeks, 2),
        "nightmares": sum(d.nightmare for d in in_window),
        "lucid": sum(d.lucid for d in in_window),
        "sleep_quality": round(sum(sleep) / len(sleep), 1) if sleep else None,
        "streak": recall_streak(recall_days, window.until),
    }


def recall_streak(days_newest_first: Iterable[date], until: date) -> int:
    """Mornings in a row with a dream written down, ending at `until` (or the day before,
    so a streak isn't broken before you've had the chance to write today's dream)."""
    streak = 0
    previous = until + relativedelta(days=1)
    for day in days_newest_first:
        if day > until:
            continue
        gap = (previous - day).days
        if gap > 1 and not (streak == 0 and gap == 2):  # day == until - 1 may start the streak
            break
        streak += 1
        previous = day
    return streak


def _shift(pursuers: list[dict]) -> dict | None:
    """The pursuer seen most now against the one seen most before, when they differ;
    `now_tied` / `before_tied` list every pursuer sharing the top count (two pursuers seen
    once each are not "mostly" either of them)."""
    def top(key: str) -> list[str]:
        best = max((p[key] for p in pursuers), default=0)
        return [p["id"] for p in pursuers if best and p[key] == best]

    now, before = top("count"), top("baseline")
    if not now and not before:
        return None
    return {"now": now[0] if now else None, "before": before[0] if before else None,
            "now_tied": now, "before_tied": before}


def _links(dreams, targets_of, kind: str, vocab: Vocabulary) -> list[dict]:
    """Tags and context words that come with a motif (or emotion) more often than the
    motif's base rate over the same dreams: count and lift = P(target | tag) / P(target)."""
    total = len(dreams)
    if not total:
        return []
    feature_count: Counter = Counter()
    target_count: Counter = Counter()
    pair_count: Counter = Counter()
    for dream in dreams:
        features = {("tag", t) for t in dream.tags}
        features |= {("context", w) for w in set(tokens(dream.context)) if w not in dream.tags}
        targets = targets_of(dream)
        feature_count.update(features)
        target_count.update(targets)
        pair_count.update((f, t) for f in features for t in targets)
    links = []
    for ((via, word), target), n in pair_count.items():
        if n < LINK_MIN_SUPPORT:
            continue
        lift = (n / feature_count[(via, word)]) / (target_count[target] / total)
        if lift < LINK_MIN_LIFT:
            continue
        link = {"tag": word, kind: target, "count": n, "with_tag": feature_count[(via, word)],
                "lift": round(lift, 2), "via": via}
        if kind == "motif" and target in vocab.labels:
            link["label"] = vocab.labels[target]
        links.append(link)
    links.sort(key=lambda item: (-item["count"] * item["lift"], item["via"] != "tag", item["tag"], item[kind]))
    return links


def recurring(dreams) -> list[dict]:
    """Dreams told RECURRING_MIN_TIMES or more: the same set of motifs, or similar words."""
    if len(dreams) < RECURRING_MIN_TIMES:
        return []
    # union-find over the dreams, each group remembering why its dreams were joined
    parent = {d.id: d.id for d in dreams}
    size = dict.fromkeys(parent, 1)
    reasons: dict[int, set] = {}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a, b, reason):
        ra, rb = root(a), root(b)
        if ra != rb:
            if size[ra] > size[rb]:
                ra, rb = rb, ra
            parent[ra] = rb
            size[rb] += size[ra]
            moved = reasons.pop(ra, None)
            if moved:
                reasons.setdefault(rb, set()).update(moved)
        reasons.setdefault(rb, set()).add(reason)

    def joined_by_text(a, b):  # checking a and b cannot change the groups or their reasons
        r = root(a)
        return r == root(b) and "similar text" in reasons.get(r, ())

    by_set: dict[frozenset, list[int]] = defaultdict(list)
    for dream in dreams:
        if len(dream.motifs) >= RECURRING_MIN_MOTIFS:
            by_set[frozenset(dream.motifs)].append(dream.id)
    for ids in by_set.values():
        for other in ids[1:]:
            join(ids[0], other, "same motifs")

    # each dream's content words once, as a tuple of interned strings (shared across dreams;
    # a set per dream would hold a hash table each: most of the memory at a million dreams)
    words = {d.id: tuple(map(intern, set(tokens(d.title + " " + d.body)))) for d in dreams}
    for a, b in similar_pairs(words, skip=joined_by_text):
        join(a, b, "similar text")
    del words

    groups: dict[int, list] = defaultdict(list)
    for dream in dreams:
        groups[root(dream.id)].append(dream)
    found = []
    for key, members in groups.items():
        if len(members) < RECURRING_MIN_TIMES:
            continue
        members.sort(key=lambda d: (d.day, d.id))
        shared = set.intersection(*(d.motifs for d in members))
        latest = members[-1]
        found.append({
            "times": len(members),
            "dates": [d.day.isoformat() for d in members],
            "ids": [d.id for d in members],
            "motifs": sorted(shared),
            "reason": " and ".join(sorted(reasons.get(key, ()))),
            "title": latest.title or first_words(latest.body),
        })
    found.sort(key=lambda g: (g["dates"][-1], g["times"]), reverse=True)
    return found


def similar_pairs(words: dict[int, Collection[str]], skip=None) -> Iterator[tuple[int, int]]:
    """Pairs of dreams (ids) whose content words (each dream's distinct words) are similar
    (see `similar`), found without comparing every pair, in order. `skip(a, b)`, when
    given, is asked before comparing a candidate pair (a < b): True leaves it out (the
    caller already knows it cannot matter; pairs come one at a time, so what it knows may
    grow with the pairs it was given).

    Prefix filtering: with every dream's words ordered rarest first (across the window), two
    similar dreams must share a word among the first |A| - m + 1 of each, where m is the
    fewest words a similar partner can share with A (SIMILAR_TEXT_MIN_SHARED, or a third of
    A's words for a Dice of 0.5). Dreams are bucketed by those prefix words. A bucket of up to
    SIMILAR_TEXT_BUCKET dreams compares all its pairs, so the result is that of comparing
    every pair whenever no prefix word is that common. A bigger bucket (a word common enough
    to say little) is sorted by its dreams' own rarest words and compares each dream with the
    SIMILAR_TEXT_NEIGHBOURS on either side, and only for a dream's SIMILAR_TEXT_KEYS rarest
    words: every dream meets a bounded number of others, so the work is linear in the window.

    Memory stays a few small objects per dream: words become tuples of ranks, buckets are
    sized in a first pass so a big one keeps only the dreams it pairs, and each dream's
    candidates are gathered and checked in turn (no set of every candidate pair).
    """
    eligible = {i: w for i, w in words.items() if len(w) >= SIMILAR_TEXT_MIN_SHARED}
    frequency = Counter(chain.from_iterable(eligible.values()))
    order = sorted(frequency, key=lambda w, counts=frequency: (counts[w], w))  # bound now: `del frequency` below
    shared_by_one = sum(1 for word in order if frequency[word] == 1)  # ranks below this pair nothing
    rank = {word: n for n, word in enumerate(order)}
    del order, frequency
    dice = SIMILAR_TEXT_DICE
    ranked: dict[int, tuple] = {}  # id -> its words' ranks, rarest first
    prefixes: dict[int, tuple[int, int]] = {}  # id -> where its prefix words are in ranked[id]
    size: Counter = Counter()  # prefix word -> how many dreams it buckets
    for i, found in eligible.items():
        ordered = ranked[i] = tuple(sorted(map(rank.__getitem__, found)))
        fewest = max(SIMILAR_TEXT_MIN_SHARED, math.ceil(dice * len(found) / (2 - dice) - 1e-9))
        bounds = prefixes[i] = (bisect_left(ordered, shared_by_one), len(found) - fewest + 1)
        size.update(ordered[bounds[0]:bounds[1]])
    del rank
    small: dict[int, list[int]] = defaultdict(list)  # a bucket of at most SIMILAR_TEXT_BUCKET: all its dreams
    big: dict[int, list[int]] = defaultdict(list)  # a bigger one: the dreams with the word among their KEYS rarest
    for i, (first, stop) in prefixes.items():
        ordered = ranked[i]
        for position in range(first, max(first, stop)):
            r = ordered[position]
            if size[r] <= SIMILAR_TEXT_BUCKET:
                small[r].append(i)
            elif position - first < SIMILAR_TEXT_KEYS:
                big[r].append(i)
    place: dict[int, dict[int, int]] = {}  # big bucket -> dream -> its index in the bucket's order
    for r, ids in big.items():
        ids.sort(key=lambda i: (ranked[i][:8], i))  # by the dreams' rarest words
        place[r] = {i: n for n, i in enumerate(ids)}
    near = SIMILAR_TEXT_NEIGHBOURS
    check = similar
    for a in sorted(ranked):
        ordered = ranked[a]
        first, stop = prefixes[a]
        partners: set[int] = set()
        for position in range(first, max(first, stop)):
            r = ordered[position]
            if size[r] <= SIMILAR_TEXT_BUCKET:
                partners.update(small[r])
            elif position - first < SIMILAR_TEXT_KEYS:
                ids, n = big[r], place[r][a]
                partners.update(ids[max(0, n - near):n + near + 1])
        partners = sorted(b for b in partners if b > a)
        if not partners:
            continue
        mine = frozenset(ordered)
        for b in partners:
            if not (skip and skip(a, b)) and check(mine, ranked[b]):
                yield a, b


def similar(a: AbstractSet, b: Collection) -> bool:
    """Two dreams' distinct content words (a set, and any collection): enough in common, and
    a Dice coefficient high enough."""
    shared = len(a.intersection(b))
    return shared >= SIMILAR_TEXT_MIN_SHARED and 2 * shared / (len(a) + len(b)) >= SIMILAR_TEXT_DICE


def red_flag(dreams, window: Window, cant_run_ids: set) -> dict | None:
    """Can't-run or nightmare dreams RED_FLAG_PER_WEEK+ times a week, RED_FLAG_WEEKS weeks in
    a row, the latest of them in the window or the week just before it."""
    heavy: Counter = Counter()
    for dream in dreams:
        if dream.nightmare or dream.motifs & cant_run_ids:
            heavy[week_start(dream.day)] += 1
    first = week_start(window.since) - relativedelta(weeks=1)
    last = week_start(window.until)
    week = last
    while week >= first:
        run = []
        start = week
        while heavy[start] >= RED_FLAG_PER_WEEK:
            run.append(start)
            start -= relativedelta(weeks=1)
        if len(run) >= RED_FLAG_WEEKS:
            run.reverse()
            # a run reaching back to the first week read may have begun before it
            at_least = "at least " if run[0] <= week_start(window.load_since) else ""
            return {
                "reason": (f"{RED_FLAG_PER_WEEK} or more can't-run or nightmare dreams a week, "
                           f"{at_least}{len(run)} weeks in a row"),
                "weeks": [{"start": w.isoformat(), "dreams": heavy[w]} for w in run],
                "per_week": RED_FLAG_PER_WEEK,
            }
        week -= relativedelta(weeks=1)
    return None


def red_flag_as_of(rows: dict, day: date, vocabulary: Vocabulary | None = None) -> dict | None:
    """The red flag as it stood on `day`: the same rule `patterns` uses, for a prompt about
    that day's dream. `rows` is `Journal.pattern_rows(make_window(day).load_since, day)`."""
    vocab = vocabulary or Vocabulary()
    dreams = _assemble(rows)
    cant_run_ids = {m for d in dreams for m in d.motifs if vocab.group(m) == "cant_run"}
    flag = red_flag(dreams, make_window(day), cant_run_ids)
    if flag:
        flag["message"] = vocab.red_flag or RED_FLAG_FALLBACK
    return flag


def _suggestions(report: dict, vocab: Vocabulary, limit: int = 3) -> list[dict]:
    """For the top findings, one question to ask yourself and one thing to try."""
    candidates: list[tuple[str, str]] = []
    if report["red_flag"]:  # the can't-run motif seen most in the window speaks for the flag
        candidates += [(m["id"], "red flag") for m in report["motifs"] if m["count"] and vocab.group(m["id"]) == "cant_run"][:1]
    candidates += [(m["id"], "rising") for m in report["motifs"] if m["trend"] == "rising"]
    candidates += [(m["id"], "new") for m in report["motifs"] if m["trend"] == "new"]
    candidates += [(m["id"], "most frequent") for m in report["motifs"] if m["count"]]
    chosen, seen = [], set()
    for motif_id, finding in candidates:
        if motif_id in seen:
            continue
        seen.add(motif_id)
        questions, tries = vocab.questions.get(motif_id, ()), vocab.suggestions.get(motif_id, ())
        if not (questions or tries):
            continue
        chosen.append({"motif": motif_id, "label": vocab.labels.get(motif_id, motif_id), "finding": finding,
                       "question": questions[0] if questions else None, "try": tries[0] if tries else None})
        if len(chosen) == limit:
            break
    return chosen
