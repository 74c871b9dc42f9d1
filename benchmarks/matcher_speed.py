"""Matcher throughput on ~150-word dreams, and how long the knowledge base takes to load.

    python benchmarks/matcher_speed.py [N] [--runs R]

Throughput is the median of R timed passes over N dreams (after one untimed pass that
compiles the rules and warms the word cache, as a long `dreamly reanalyze` would):

* typical: ~150 words; 13% of sentences carry a motif or feeling and 10% are near
  misses (negated, someone else's, an idiom), the rest plain scene-setting. 13% gives
  about 3 findings per 150 words, as in the real reports below; sentences are filled
  from word lists, so the vocabulary is not a handful of repeated sentences;
* worst case: every sentence carries a motif or feeling;
* real: the hand-labelled dream reports in ../shared/eval/dev.jsonl, when present
  (their own lengths; also given per 150 words).

Load times come from fresh processes (median of 7), because the knowledge base is read
once per process: "parse + index" is what every `dreamly add` pays before matching;
rules compile lazily, so `add` then pays only for the rules its dream wakes ("first
dream"), while "compile all" is what compiling every rule up front would add.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dreamly import analysis as A  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"

FILL = {
    "someone": ["a man in a grey coat", "a huge dog", "my old boss", "something I couldn't see", "a group of soldiers",
                "my brother", "a woman with no face", "a bear", "the police", "a clown", "two strangers", "a wolf"],
    "place": ["corridor", "market", "forest", "school gym", "train station", "shopping mall", "beach", "hospital",
              "old house", "parking lot", "field behind the church", "hotel lobby", "subway tunnel"],
    "high": ["roof", "cliff", "balcony", "top of a ladder", "bridge", "tower", "tree"],
    "event": ["exam", "chemistry test", "flight to Lisbon", "job interview", "wedding", "train", "final exam"],
    "room": ["basement", "attic", "kitchen", "bathroom", "elevator", "classroom", "closet", "garage"],
    "name": ["Anna", "my sister", "Mr. Keller", "Dave", "my mother", "Lucia", "my cousin Tom", "Priya", "Grandpa"],
    "city": ["Paris", "a city I didn't know", "Tokyo", "my home town", "an endless suburb", "Berlin"],
    "stuff": ["mud", "snow", "water", "sand", "sludge"],
    "adj": ["long", "round", "wooden", "crooked", "glass", "enormous", "tiny", "dusty", "polished"],
    "goods": ["bread", "old books", "lamps", "fish", "fabric", "records", "toys", "spices", "bicycles"],
    "colour": ["blue", "yellow", "green", "red", "white", "grey", "orange", "purple"],
    "topic": ["maps", "volcanoes", "tax forms", "knitting", "the moon", "engines", "poetry", "bees"],
    "food": ["soup", "noodles", "cake", "oranges", "rice", "pancakes", "olives", "sandwiches"],
    "smell": ["coffee", "rain", "paint", "cinnamon", "smoke", "soap", "pine"],
}

MOTIF = [
    "{someone} was chasing me through the {place} and I could not get away.",
    "My legs felt heavy as concrete and every step was a struggle.",
    "I tried to run from {someone} but I couldn't move at all.",
    "Suddenly I fell off the {high} and kept falling into the dark.",
    "Then I was flying over the {place}, which felt wonderful.",
    "My teeth started to crumble and fall out while I talked to {name}.",
    "I realised I was late for the {event} and had not studied at all.",
    "I was standing naked in the {place} while people stared at me.",
    "We found a dead body in the {room} and nobody said a word.",
    "I was locked in the {room} and could not get out.",
    "I got completely lost in {city} and didn't know where I was.",
    "I was terrified and kept looking over my shoulder.",
    "My knees turned to jelly when {someone} came closer.",
    "I was wading through deep {stuff}, trying to reach {name}.",
    "I felt so embarrassed in front of {name}.",
    "I woke up confused and a little sad.",
]
NEAR_MISS = [  # motif words that must not count: negated, someone else's, an idiom
    "Nobody was following me, but the {place} felt strange.",
    "{name} was angry with her brother about the {goods}.",
    "I fell in love with the {adj} garden and its tall trees.",
    "We talked late at night in the {room}.",
]
PLAIN = [
    "We sat at a {adj} table in a {room} I did not recognise.",
    "The street outside was full of shops selling {goods}.",
    "{name} was there, talking about a new apartment by the river.",
    "There was a {colour} car parked under a tree near the {place}.",
    "Somebody handed me a letter with a stamp from {city}.",
    "The light in the {room} was {colour} and the radio was on.",
    "Later we walked past the {place} and a small park with a fountain.",
    "A teacher from my old school was explaining something about {topic}.",
    "{name} and I ate {food} while the rain drummed on the roof.",
    "The {room} smelled of {smell} and old wood.",
    "Outside, a {colour} bus went by with its windows open.",
    "There were {adj} boxes of {goods} stacked along the wall.",
]


def sentence(rng: random.Random, template: str) -> str:
    out = template.format(**{k: rng.choice(v) for k, v in FILL.items()})
    return out[0].upper() + out[1:]


MOTIF_SHARE = 0.13  # calibrated on dev.jsonl: about 3 findings per 150 words


def dream(rng: random.Random, words: int = 150, dense: bool = False) -> str:
    out, n = [], 0
    while n < words:
        r = rng.random()
        pool = MOTIF if dense or r < MOTIF_SHARE else NEAR_MISS if r < MOTIF_SHARE + 0.1 else PLAIN
        out.append(sentence(rng, rng.choice(pool)))
        n += len(out[-1].split())
    return " ".join(out)


def throughput(matcher: A.Matcher, dreams: list[str], runs: int) -> list[float]:
    for d in dreams:  # untimed: compile the rules this workload needs, fill the word cache
        matcher.analyze(d)
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for d in dreams:
            matcher.analyze(d)
        rates.append(len(dreams) / (time.perf_counter() - t0))
    return rates


LOAD = r"""
import sys, time
t0 = time.perf_counter()
from dreamly import analysis as A
t1 = time.perf_counter()
m = A.Matcher(A.load_knowledge())
t2 = time.perf_counter()
m.analyze(sys.argv[1])
t3 = time.perf_counter()
m.compile_all()
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def load_times(first: str, runs: int = 7) -> dict[str, float]:
    import compileall

    compileall.compile_dir(str(ROOT / "dreamly"), quiet=1)  # as pip would: time the import, not the compiler
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD, first], capture_output=True, text=True, check=True,
                             cwd=ROOT).stdout.split()
        rows.append([float(x) * 1000 for x in out])
    imp, index, first_ms, rest = (statistics.median(col) for col in zip(*rows))
    return {"import": imp, "index": index, "first": first_ms, "rest": rest}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=2000, help="dreams per workload")
    ap.add_argument("--runs", type=int, default=7, help="timed passes; the median is reported")
    args = ap.parse_args(argv)

    rng = random.Random(7)
    t = load_times(dream(rng))
    print(f"import dreamly.analysis: {t['import']:.1f} ms (fresh process, median of 7)")
    print(f"knowledge base, parse + index: {t['index']:.1f} ms; + first typical dream, compiling only the rules it "
          f"wakes: {t['first']:.1f} ms; compiling every other rule: {t['rest']:.1f} ms "
          f"(parse + index + compile all = {t['index'] + t['first'] + t['rest']:.1f} ms)")

    matcher = A.Matcher(A.load_knowledge())
    workloads = [("typical: 13% motif sentences", [dream(rng) for _ in range(args.n)]),
                 ("worst case: motif in every sentence", [dream(rng, dense=True) for _ in range(args.n)])]
    if DEV.exists():
        reports = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        workloads.append((f"real: {len(reports)} dev.jsonl reports", reports))
    for name, dreams in workloads:
        rates = throughput(matcher, dreams, args.runs)
        words = sum(len(d.split()) for d in dreams)
        found = sum(len(r.motifs) + len(r.emotions) for r in map(matcher.analyze, dreams))
        med = statistics.median(rates)
        print(f"{name:36} {med:6,.0f} dreams/s (median of {args.runs}; min {min(rates):,.0f}, max {max(rates):,.0f}), "
              f"{1e6 / med:.0f} us each; {words / len(dreams):.0f} words and {found / words * 150:.1f} findings "
              f"per 150 words; {1e6 / med * 150 * len(dreams) / words:.0f} us per 150 words")


if __name__ == "__main__":
    main()
