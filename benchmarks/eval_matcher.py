"""Score the matcher against hand-labelled dream reports.

    python benchmarks/eval_matcher.py [JSONL] [--set dev-2] [--exclude-untouched] [--errors]

Prints precision, recall, F1 and support per label, micro-F1 for motifs and for
emotions, and the can't-run family pooled into one label; then micro-F1 per `set`,
overall, and for the untouched part. Labels outside the knowledge base's eval
vocabulary (e.g. water, house) are ignored on both sides.

The untouched part: the dev-2 and dev-3 reports whose sha1(id) ends in a hex digit 0-3
(about a quarter). Rules are never written from them: `--errors` never lists them, and
`--exclude-untouched` leaves them out of every figure (the working mode); score them
only now and then, to see whether a change generalises.
`--errors` lists misses and false alarms with the matched evidence.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dreamly.analysis import analyze, load_knowledge  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval" / "dev.jsonl"
CANT_RUN = {"heavy_legs", "slow_motion", "paralysis", "running_nowhere", "jelly_legs", "uphill_or_water"}
MOTIF_VOCAB = CANT_RUN | {
    "chase", "pursuer_known_person", "pursuer_stranger_or_monster", "pursuer_animal", "pursuer_invisible",
    "falling", "flying", "teeth", "late_or_exam", "naked_in_public", "death", "trapped", "lost",
}
EMOTION_VOCAB = {"fear", "anxiety", "frustration", "helplessness", "shame", "guilt", "anger", "sadness",
                 "joy", "confusion", "relief", "surprise"}


def untouched(rep: dict) -> bool:
    """The held-out quarter of dev-2/dev-3, fixed by the report id alone."""
    return rep.get("set") in ("dev-2", "dev-3") and hashlib.sha1(rep["id"].encode()).hexdigest()[-1] in "0123"


def micro(rows, vocab) -> tuple[float, float, float]:
    tp, fp, fn = score(rows, vocab)
    return prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(rows, vocab):
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, pred in rows:
        gold, pred = gold & vocab, pred & vocab
        for x in gold & pred:
            tp[x] += 1
        for x in pred - gold:
            fp[x] += 1
        for x in gold - pred:
            fn[x] += 1
    return tp, fp, fn


def table(title, rows, vocab):
    tp, fp, fn = score(rows, vocab)
    print(f"\n{title:<30} {'P':>6} {'R':>6} {'F1':>6} {'supp':>5} {'tp':>4} {'fp':>4} {'fn':>4}")
    for label in sorted(vocab):
        p, r, f = prf(tp[label], fp[label], fn[label])
        print(f"{label:<30} {p:6.2f} {r:6.2f} {f:6.2f} {tp[label] + fn[label]:5d} {tp[label]:4d} {fp[label]:4d} {fn[label]:4d}")
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p, r, f = prf(T, F, N)
    print(f"{'micro':<30} {p:6.2f} {r:6.2f} {f:6.2f} {T + N:5d} {T:4d} {F:4d} {N:4d}")
    return f


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", nargs="?", default=str(DEFAULT))
    ap.add_argument("--errors", action="store_true", help="print misses and false alarms (never of untouched reports)")
    ap.add_argument("--set", action="append", dest="sets", help="only reports of this set (repeatable)")
    ap.add_argument("--exclude-untouched", action="store_true", help="leave the untouched part out of every figure")
    ap.add_argument("--untouched-only", action="store_true", help="score only the untouched part")
    ap.add_argument("--all-subjects", action="store_true", help="count motifs the matcher files as someone else's too (the app does not)")
    args = ap.parse_args(argv)
    load_knowledge()
    reports = [json.loads(line) for line in Path(args.jsonl).read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.sets:
        reports = [r for r in reports if r.get("set") in args.sets]
    if args.exclude_untouched:
        reports = [r for r in reports if not untouched(r)]
    if args.untouched_only:
        reports = [r for r in reports if untouched(r)]
    m_rows, e_rows, pooled = [], [], []
    for rep in reports:
        res = analyze(rep["text"])
        gm, pm = set(rep["motifs"]), set(res.motif_ids()) if args.all_subjects else {h.id for h in res.motifs if h.subject == "dreamer"}
        ge, pe = set(rep["emotions"]), set(res.emotion_ids())
        m_rows.append((gm, pm))
        e_rows.append((ge, pe))
        pool = lambda s: {"cant_run"} if s & CANT_RUN else set()  # noqa: E731
        pooled.append((pool(gm), pool(pm)))
        if args.errors and not untouched(rep):
            lines = []
            for kind, gold, pred, hits, vocab in (("motif", gm, pm, res.motifs, MOTIF_VOCAB),
                                                  ("emotion", ge, pe, res.emotions, EMOTION_VOCAB)):
                for x in sorted((gold - pred) & vocab):
                    lines.append(f"  MISS  {kind:7} {x}")
                for x in sorted((pred - gold) & vocab):
                    ev = "; ".join(repr(h.evidence) for h in hits if h.id == x)
                    lines.append(f"  FALSE {kind:7} {x}: {ev}")
            if lines:
                print(f"{rep['id']}:")
                print("\n".join(lines))
    print(f"\n{len(reports)} reports from {args.jsonl}")
    fm = table("MOTIFS", m_rows, MOTIF_VOCAB)
    fe = table("EMOTIONS", e_rows, EMOTION_VOCAB)
    table("CAN'T-RUN (pooled)", pooled, {"cant_run"})
    print(f"\n{'part':<22} {'n':>4}   {'motif P / R / F1':>18}   {'emotion P / R / F1':>18}   {'cant-run F1':>11}")
    groups: dict[str, list[int]] = {}
    for i, rep in enumerate(reports):
        groups.setdefault(rep.get("set", "?"), []).append(i)
    for i, rep in enumerate(reports):
        if untouched(rep):
            groups.setdefault("untouched (dev-2/3)", []).append(i)
        elif rep.get("set") in ("dev-2", "dev-3"):
            groups.setdefault("worked-on (dev-2/3)", []).append(i)
    groups["overall"] = list(range(len(reports)))
    for name in sorted(groups, key=lambda g: (g == "overall", g.startswith(("untouched", "worked")), g)):
        idx = groups[name]
        mp, mr, mf = micro([m_rows[i] for i in idx], MOTIF_VOCAB)
        ep, er, ef = micro([e_rows[i] for i in idx], EMOTION_VOCAB)
        cf = micro([pooled[i] for i in idx], {"cant_run"})[2]
        print(f"{name:<22} {len(idx):4d}   {mp:.2f} / {mr:.2f} / {mf:.3f}   {ep:.2f} / {er:.2f} / {ef:.3f}   {cf:11.3f}")
    print(f"\nmotif micro-F1 {fm:.3f}   emotion micro-F1 {fe:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
