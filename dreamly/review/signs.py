"""Dream signs over stored rows: ranking, lucid lift, the weekly review's section. Pure
functions, no database, no terminal; `dreamly signs`, `dreamly tonight` and `patterns`
(all three views) take their numbers from here.

Ranking: score = rarity × log2(1 + dreams). Rarity (signs.rarity) is how far below the top
of the Zipf scale a sign's words are, so at the same number of dreams a rare word always
ranks above a common one, and recurrence counts with diminishing returns: "grandma's attic"
in four dreams ranks above "the house" in ten.
"""

from __future__ import annotations

import math
from datetime import timedelta

from dreamly.analysis import signs as finder

LUCID_MIN_DREAMS = 2      # a sign needs two lucid dreams behind it to be "associated with lucidity"
LUCID_RATE_STEP = 0.10    # a lucid rate moves (rising/falling) by ten points at least …
LUCID_RATE_RATIO = 1.5    # … and by half again (or half as much)
SECTION_SIZE = 3          # the review shows this many signs per list


def kind_of(sign: str, stored_kind: str, personal: set) -> str:
    if sign.startswith(finder.MOTIF_PREFIX):
        return "personal motif" if sign[len(finder.MOTIF_PREFIX):] in personal else "motif"
    return stored_kind


def label_of(sign: str, labels: dict) -> str:
    """How a sign is shown when no dream says it better: the motif's label, "my brother",
    or the key itself."""
    if sign.startswith(finder.MOTIF_PREFIX):
        motif = sign[len(finder.MOTIF_PREFIX):]
        return labels.get(motif, motif.replace("_", " "))
    if sign in finder.lexicon().relation_of.values():
        return f"my {sign}"
    return sign


def score(rarity: float, dreams: int) -> float:
    return round(rarity * math.log2(1 + dreams), 3)


def rank(rows, *, hidden=frozenset(), personal=frozenset(), labels=None, kinds=None, min_dreams=None,
         total=0, lucid_total=0, skip=frozenset()) -> list[dict]:
    """Rows of (sign, kind, dreams, first, last, lucid) ranked best first, as dicts:
    sign, kind, label, dreams, first, last, lucid_dreams, rarity, score, lift.

    Hidden signs never appear. A phrase ("old school") stands in for its head ("school")
    when it is most of the head's dreams. `lift` is P(lucid | sign) / P(lucid) over the
    same window (None when there are no lucid dreams)."""
    labels = labels or {}
    rank_data = finder.lexicon().rank
    least = int(min_dreams if min_dreams is not None else rank_data["min_dreams"])
    absorb = float(rank_data["absorb"])
    by_sign = {r[0]: r for r in rows}
    absorbed = set()
    for sign, _kind, count, *_ in rows:
        if " " in sign and not sign.startswith(finder.MOTIF_PREFIX) and count >= least:
            head = sign.rsplit(" ", 1)[1]
            if head in by_sign and count >= absorb * by_sign[head][2]:
                absorbed.add(head)
    base_rate = lucid_total / total if total else 0.0
    out = []
    for sign, stored_kind, count, first, last, lucid in rows:
        if count < least or sign in hidden or sign in absorbed or sign in skip:
            continue
        kind = kind_of(sign, stored_kind, personal)
        if kinds and kind not in kinds:
            continue
        r = finder.rarity(sign, stored_kind)
        lucid = int(lucid or 0)
        out.append({
            "sign": sign, "kind": kind, "label": label_of(sign, labels), "dreams": count,
            "first": first, "last": last, "lucid_dreams": lucid, "rarity": r, "score": score(r, count),
            "lift": round((lucid / count) / base_rate, 2) if base_rate else None,
        })
    out.sort(key=lambda s: (-s["score"], -s["dreams"], s["sign"]))
    return out


def by_lucid_lift(ranked: list[dict]) -> list[dict]:
    """The signs most associated with lucid dreams: lift above 1, two lucid dreams at least,
    highest lift first (then more lucid dreams, then score)."""
    chosen = [s for s in ranked if s["lift"] is not None and s["lift"] > 1 and s["lucid_dreams"] >= LUCID_MIN_DREAMS]
    chosen.sort(key=lambda s: (-s["lift"], -s["lucid_dreams"], -s["score"], s["sign"]))
    return chosen


def rate_trend(now: float | None, before: float | None) -> str:
    """rising / falling / steady for a rate against its baseline; new / none from zero."""
    if now is None and before is None:
        return "none"
    now, before = now or 0.0, before or 0.0
    if before == 0:
        return "new" if now else "none"
    if now >= before * LUCID_RATE_RATIO and now - before >= LUCID_RATE_STEP:
        return "rising"
    if now <= before / LUCID_RATE_RATIO and before - now >= LUCID_RATE_STEP:
        return "falling"
    return "steady"


def _rate(lucid: int, dreams: int) -> float | None:
    return round(lucid / dreams, 3) if dreams else None


def section(dreams, sign_counts, first_seen: dict, window, week_starts, *, hidden=frozenset(), personal=frozenset(),
            labels=None, skip=frozenset()) -> dict:
    """The weekly review's "dream signs" section, as plain data.

    `dreams` are the review's assembled dreams (id, day, lucid); `sign_counts` each sign of
    the window and its baseline, counted (`store.signs.review_rows`: sign, kind, dreams,
    first, last, lucid dreams, window dreams); `first_seen` the first day each sign of the
    window was ever seen. Returns the lucid rate of the window, its baseline and trend, per
    week; the signs new in the window; the strongest signs of the window and its baseline;
    and the signs of the lucid dreams against the rest."""
    labels = labels or {}
    since, until = window.since, window.until
    baseline_since, baseline_until = window.baseline_since, window.baseline_until
    in_window = [d for d in dreams if since <= d.day <= until]
    in_baseline = [d for d in dreams if baseline_since <= d.day <= baseline_until]
    weeks = {start: [0, 0] for start in week_starts}
    for d in dreams:
        start = d.day - timedelta(days=d.day.weekday())
        if start in weeks:
            weeks[start][0] += 1
            weeks[start][1] += int(d.lucid)
    now = _rate(sum(d.lucid for d in in_window), len(in_window))
    before = _rate(sum(d.lucid for d in in_baseline), len(in_baseline))
    lucid = {
        "dreams": sum(d.lucid for d in in_window), "rate": now, "baseline_rate": before,
        "trend": rate_trend(now, before),
        "weeks": [{"start": s.isoformat(), "dreams": n, "lucid": lucid, "rate": _rate(lucid, n)} for s, (n, lucid) in weeks.items()],
    }

    rows, window_dreams = [], {}
    for sign, kind, count, first, last, lucid_count, in_window_count in sign_counts:
        if sign in hidden or sign in skip:
            continue
        rows.append((sign, kind, count, first, last, lucid_count))
        window_dreams[sign] = in_window_count
    total = len(in_window) + len(in_baseline)
    lucid_dreams = sum(1 for d in in_window if d.lucid) + sum(1 for d in in_baseline if d.lucid)
    ranked = rank(rows, hidden=hidden, personal=personal, labels=labels, total=total, lucid_total=lucid_dreams)
    since = window.since.isoformat()
    # new: first seen in the window (ever), ranked like the rest; once is enough to be new
    new = [dict(s, window_dreams=window_dreams[s["sign"]]) for s in
           rank([r for r in rows if window_dreams[r[0]] and (first_seen.get(r[0]) or r[3]) >= since],
                hidden=hidden, personal=personal, labels=labels, min_dreams=1)][:SECTION_SIZE]
    strongest = [dict(s, window_dreams=window_dreams[s["sign"]]) for s in ranked if window_dreams[s["sign"]]][:SECTION_SIZE]

    other_dreams = total - lucid_dreams
    in_lucid = []
    if lucid_dreams:
        for s in ranked:
            if s["lucid_dreams"]:
                in_lucid.append({
                    "sign": s["sign"], "kind": s["kind"], "label": s["label"], "lucid_dreams": s["lucid_dreams"],
                    "other_dreams": s["dreams"] - s["lucid_dreams"],
                    "lucid_share": round(s["lucid_dreams"] / lucid_dreams, 2),
                    "other_share": round((s["dreams"] - s["lucid_dreams"]) / other_dreams, 2) if other_dreams else None,
                    "lift": s["lift"],
                })
        in_lucid.sort(key=lambda s: (-(s["lift"] or 0), -s["lucid_dreams"], s["sign"]))
        in_lucid = in_lucid[:SECTION_SIZE]
    return {"window_dreams": len(in_window), "lucid": lucid, "new": new, "strongest": strongest,
            "in_lucid": in_lucid, "lucid_dreams": lucid_dreams, "other_dreams": other_dreams}


def intention(sign: dict) -> str:
    """The bedtime intention for a sign, from signs.toml's [intention] templates (a motif
    may have words of its own there: "When someone is chasing me, …")."""
    lex = finder.lexicon()
    templates = lex.intention
    label = sign["label"]
    if sign["sign"].startswith(finder.MOTIF_PREFIX):
        motif = sign["sign"][len(finder.MOTIF_PREFIX):]
        own = templates.get("motifs", {}).get(motif)
        if own:
            return templates["motif_own"].format(words=own)
        return templates["motif"].format(sign=label[:1].lower() + label[1:])
    kind = sign["kind"] if sign["kind"] in templates else "thing"
    if not label[:1].isupper() and not label.lower().startswith(("my ", "the ", "a ", "an ")) and "'s " not in label:
        label = f"the {label}"
    return templates[kind].format(sign=label)


def excerpt(body: str, start: int, end: int, width: int = 70) -> dict:
    """A short excerpt around body[start:end], about `width` characters: {"before", "words",
    "after"} with … where cut, whole words only, on one line (newlines become spaces). Room
    the text does not need on one side goes to the other."""
    room = max(0, width - (end - start))
    left = min(start, room // 2)
    right = min(len(body) - end, room - left)
    left = min(start, room - right)
    a, b = start - left, end + right
    if a > 0:
        space = body.find(" ", a, start)
        a = space + 1 if space >= 0 else start
    if b < len(body):
        space = body.rfind(" ", end, b)
        b = space if space >= 0 else end
    flat = lambda s: " ".join(s.split())  # noqa: E731
    before, words, after = body[a:start], body[start:end], body[end:b]
    return {
        "before": ("…" if a > 0 else "") + (flat(before) + (" " if before[-1:].isspace() else "") if before.strip() else ""),
        "words": flat(words),
        "after": ((" " if after[:1].isspace() else "") + flat(after) if after.strip() else after.strip())
                 + ("…" if b < len(body) else ""),
    }
