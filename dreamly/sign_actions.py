"""Dream-sign use cases shared by the CLI: keep each dream's candidate signs current, the
`signs` list, `tonight`, hiding. No printing, no Typer (the views are render_signs.py).
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from dreamly.analysis import signs as finder
from dreamly.review import signs as sign_review
from dreamly.store import signs as sign_store
from dreamly.errors import DreamlyError

PARALLEL_FROM = 4000  # dreams to read before worker processes pay for their start-up
EXCERPTS = 2
EXCERPT_WIDTH = 56  # characters around the sign's words: an excerpt and its date fit 80 columns


def _candidates(item) -> tuple:
    """(id, day, lucid, [(sign, kind)]) for one pending dream (runs in workers too). The
    text's signs only: motif signs follow the matcher's output by triggers."""
    dream_id, body, day, lucid = item
    return dream_id, day, int(bool(lucid)), [(c.key, c.kind) for c in finder.extract(body)]


def _read_batch(items: list) -> list:
    return [_candidates(item) for item in items]


def keep_current(journal, on_progress=None, workers: int | None = None) -> int:
    """Read the candidate signs of every dream whose signs are not current (new, edited,
    re-analysed, or read by an older finder) and store them, a batch per transaction.
    Returns how many dreams were read. Usually none or one: `add` leaves it to here."""
    if getattr(journal, "read_only", None):  # a read-only journal is read as it is
        return 0
    version = finder.SIGNS_VERSION
    pending = sign_store.pending_count(journal, version)
    if not pending:
        return 0
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    pool = None
    if workers > 1 and pending >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(workers)
    done = 0
    try:
        for batch in sign_store.iter_pending(journal, version, batch=4000 if pool else 2000):
            if pool:
                chunk = max(1, len(batch) // (workers * 4))
                parts = [batch[i:i + chunk] for i in range(0, len(batch), chunk)]
                results = [r for part in pool.map(_read_batch, parts) for r in part]
            else:
                results = _read_batch(batch)
            sign_store.save_signs(journal, results, version)
            done += len(batch)
            if on_progress:
                on_progress(len(batch))
    finally:
        if pool:
            pool.shutdown()
    return done


def read_new(journal, progress=None) -> None:
    """Find the dream signs of dreams added, edited or imported since the last look (each
    dream's text is read once; motif signs are stored with the matcher's output), before a
    view that shows them. `progress(total, label)`, when given, is a context manager giving
    an `advance(n)` function (the CLI's bar, for when there are many: after a big import)."""
    from contextlib import nullcontext

    from dreamly.analysis.signs import SIGNS_VERSION

    if journal.read_only:  # a read-only journal is read as it is: nothing new can be kept
        return
    pending = sign_store.pending_count(journal, SIGNS_VERSION)
    if not pending:
        return
    with (progress(pending, "Finding dream signs") if progress else nullcontext(lambda n: None)) as advance:
        keep_current(journal, on_progress=advance)


def personal_motif_ids(knowledge) -> set:
    """The motif ids that come from the dreamer's own motifs file (their personal signs)."""
    if knowledge is None:
        return set()
    built_in = getattr(knowledge, "built_in_ids", None)
    if built_in is None:
        from dreamly.analysis import load_knowledge

        built_in = set(load_knowledge(None).motifs)
    return set(knowledge.motifs) - set(built_in)


def review_rows(journal, knowledge, since: date, until: date, window_since: date) -> dict:
    """What the weekly review adds to `Journal.pattern_rows` for its "dream signs" section:
    the reviewed dreams' signs counted (`since` to `until`, the window from `window_since`),
    when each sign of the window was first seen, the hidden signs, the personal motif ids.
    Brings the stored signs up to date first."""
    keep_current(journal)
    rows = sign_store.review_rows(journal, since, until, window_since)
    rows["signs_hidden"] = sign_store.hidden(journal)
    rows["personal_motifs"] = personal_motif_ids(knowledge)
    rows["signs_skipped"] = skipped_motifs(knowledge)
    return rows


def skipped_motifs(knowledge) -> set:
    """Motif signs left out: those of the groups signs.toml names (who chases you)."""
    if knowledge is None:
        return set()
    groups = finder.lexicon().skip_groups
    return {finder.MOTIF_PREFIX + mid for mid, m in knowledge.motifs.items() if m.group in groups}


def _labels(knowledge) -> dict:
    return {mid: m.label for mid, m in knowledge.motifs.items()} if knowledge is not None else {}


def _with_excerpts(journal, ranked: list[dict], since, until) -> None:
    """Two short excerpts per sign, newest first, with the words marked; the sign's label
    taken from how the latest dream says it (a name's capitals, "Gran's kitchen")."""
    for sign in ranked:
        sign["excerpts"] = []
        for dream in sign_store.latest_dreams_with(journal, sign["sign"], since, until, limit=EXCERPTS):
            span = None
            if sign["sign"].startswith(finder.MOTIF_PREFIX):
                span = dream["motif_spans"].get(sign["sign"][len(finder.MOTIF_PREFIX):])
            else:
                for c in finder.extract(dream["body"], spans=True):
                    if c.key == sign["sign"]:
                        span = (c.start, c.end)
                        if not sign.get("_labelled") and c.kind == "person" and not c.label.lower().startswith("my "):
                            sign["label"], sign["_labelled"] = c.label, True
                        break
            item = {"dream_id": dream["id"], "dreamt_on": dream["dreamt_on"]}
            if span and 0 <= span[0] < span[1] <= len(dream["body"]):
                item.update(sign_review.excerpt(dream["body"], *span, width=EXCERPT_WIDTH))
            else:
                item.update(sign_review.excerpt(dream["body"], 0, 0, width=EXCERPT_WIDTH))
            sign["excerpts"].append(item)
        sign.pop("_labelled", None)


def signs_report(journal, knowledge, *, since: date | None = None, until: date | None = None,
                 kinds=None, limit: int = 20, lucid: bool = False) -> dict:
    """What `dreamly signs` shows: the window's signs ranked (or by lucid lift), with excerpts."""
    keep_current(journal)
    rows = sign_store.sign_counts(journal, since, until)
    total, lucid_total = sign_store.window_totals(journal, since, until)
    hidden = sign_store.hidden(journal)
    ranked = sign_review.rank(rows, hidden=hidden, personal=personal_motif_ids(knowledge), labels=_labels(knowledge),
                              kinds=kinds, total=total, lucid_total=lucid_total, skip=skipped_motifs(knowledge))
    if lucid:
        ranked = sign_review.by_lucid_lift(ranked)
    shown = ranked[:limit]
    _with_excerpts(journal, shown, since, until)
    return {
        "window": {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None},
        "dreams": total, "lucid_dreams": lucid_total, "order": "lucid lift" if lucid else "strength",
        "signs": shown, "more": len(ranked) - len(shown), "hidden": len(hidden),
    }


def tonight(journal, knowledge, *, rehearsals: int = 3, signs: int = 3) -> dict:
    """What to take to bed: the rehearsed endings to read (as `rehearse --tonight` lists
    them) and the strongest recurring signs of the latest dream that was not lucid, each
    with an intention to notice it."""
    keep_current(journal)
    endings = journal.rehearsals_for_tonight(rehearsals)
    latest = sign_store.latest_not_lucid(journal)
    chosen = []
    if latest:
        own = sign_store.signs_of(journal, latest["id"])
        counts = sign_store.counts_for(journal, [s for s, _ in own])
        rows = [(s, *counts[s]) for s, _ in own if s in counts]
        total, lucid_total = sign_store.window_totals(journal)
        ranked = sign_review.rank(rows, hidden=sign_store.hidden(journal), personal=personal_motif_ids(knowledge),
                                  labels=_labels(knowledge), total=total, lucid_total=lucid_total,
                                  skip=skipped_motifs(knowledge))
        chosen = _distinct(ranked, signs)
        _label_from(journal, chosen, latest["id"])
        for sign in chosen:
            sign["intention"] = sign_review.intention(sign)
    return {"dream": latest, "rehearsals": endings, "signs": chosen}


def _distinct(ranked: list[dict], limit: int) -> list[dict]:
    """The strongest `limit` signs, passing over one whose words a stronger one already says
    ("the exam" after the motif "Late or exam"): two intentions for one thing read as a repeat."""
    chosen, said = [], set()
    for sign in ranked:
        words = set(sign["label"].lower().replace("'s", "").split()) - _ARTICLES
        if words and words <= said:
            continue
        chosen.append(sign)
        said |= words | set(sign["sign"].removeprefix(finder.MOTIF_PREFIX).replace("_", " ").split())
        if len(chosen) == limit:
            break
    return chosen


_ARTICLES = {"the", "a", "an", "my", "our", "or", "and", "of"}


def _label_from(journal, chosen: list[dict], dream_id: int) -> None:
    """Names as the dream writes them ("Anna", not "anna")."""
    people = [s for s in chosen if s["kind"] == "person" and not s["label"].startswith("my ")]
    if not people:
        return
    body = journal.conn.execute("SELECT body FROM dreams WHERE id = ?", (dream_id,)).fetchone()[0]
    said = {c.key: c.label for c in finder.extract(body, spans=True)}
    for sign in people:
        sign["label"] = said.get(sign["sign"], sign["label"])


def hidden(journal) -> list[str]:
    """`signs --hidden`: the hidden signs' keys, sorted."""
    return sorted(sign_store.hidden(journal))


def hide(journal, word: str, labels: dict | None = None) -> tuple[str, bool]:
    """Hide a sign by the word shown for it ("the old school", "Grandma", "chase", "Being
    chased"); returns (the sign's key, whether any dream has it)."""
    key = resolve(journal, word, labels=labels)
    sign_store.hide(journal, key, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    return key, sign_store.known(journal, key)


def unhide(journal, word: str, labels: dict | None = None) -> str:
    key = resolve(journal, word, hidden_too=True, labels=labels)
    sign_store.unhide(journal, key)
    return key


def resolve(journal, word: str, *, hidden_too: bool = False, labels: dict | None = None) -> str:
    """The stored key for a word: a motif id ("chase" or "motif:chase") or label ("being
    chased", from `labels`: lower-case label -> motif id), else the phrase normalised as the
    finder keys it."""
    if not word.strip():
        raise DreamlyError("give the sign, as `dreamly signs` shows it")
    raw = " ".join(word.strip().lower().split())
    if raw.startswith(finder.MOTIF_PREFIX):
        return raw
    if labels and raw in labels:
        return finder.MOTIF_PREFIX + labels[raw]
    key = finder.normalise_key(word)
    if sign_store.known(journal, key) or (hidden_too and key in sign_store.hidden(journal)):
        return key
    motif = finder.MOTIF_PREFIX + raw.replace(" ", "_")
    if sign_store.known(journal, motif) or (hidden_too and motif in sign_store.hidden(journal)):
        return motif
    return key
