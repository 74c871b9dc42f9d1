"""Matcher throughput on generated 150-word dreams, and knowledge-base load time.

    python benchmarks/matcher_speed.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dreamly import analyze as A  # noqa: E402

SENTENCES = [
    "I was walking through an old house that felt like my grandmother's place.",
    "Someone was chasing me down a long corridor and my legs felt heavy as concrete.",
    "We were at school and I realised I had missed the exam.",
    "My friend laughed and we drove to the beach late at night.",
    "The water rose around the car, and I could hardly walk through it.",
    "Nobody was following me, but I kept looking over my shoulder.",
    "A dog barked somewhere behind the fence while the radio played.",
    "I tried to run but I couldn't move at all.",
    "Then I was flying over the city, which felt wonderful.",
    "She was angry with her brother about the money.",
    "I fell in love with the garden and its tall trees.",
    "There was a long table covered with food and strange flowers.",
    "My teeth started to crumble and I was embarrassed.",
    "The man in the grey coat was not following me after all.",
    "We talked for hours about nothing in particular in the kitchen.",
    "I woke up confused and a little sad.",
]


NEUTRAL = [
    "We sat at a long wooden table in a room I did not recognise.",
    "The street outside was full of shops selling bread and old books.",
    "My cousin was there, talking about her new apartment by the river.",
    "There was a blue car parked under a tree near the school.",
    "Somebody handed me a letter with a stamp from another country.",
    "The light in the kitchen was yellow and the radio was on.",
    "Later we walked past a church and a small park with a fountain.",
    "A teacher from my old school was explaining something about maps.",
]


def dream(rng: random.Random, words: int = 150, dense: bool = False) -> str:
    out, n = [], 0
    while n < words:
        s = rng.choice(SENTENCES) if dense or rng.random() < 0.3 else rng.choice(NEUTRAL)
        out.append(s)
        n += len(s.split())
    return " ".join(out)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    t0 = time.perf_counter()
    A._builtin_data.cache_clear()
    kb = A.load_knowledge()
    matcher = A.Matcher(kb)
    load_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    matcher.compile_all()
    compile_ms = (time.perf_counter() - t0) * 1000
    print(f"knowledge base load (parse + index): {load_ms:.1f} ms; compiling every rule: {compile_ms:.1f} ms "
          "(done lazily, once per process, per label first needed)")
    for dense in (False, True):
        rng = random.Random(7)
        dreams = [dream(rng, dense=dense) for _ in range(n)]
        t0 = time.perf_counter()
        for d in dreams:
            matcher.analyze(d)
        dt = time.perf_counter() - t0
        kind = "motif in every sentence" if dense else "about 30% motif sentences"
        print(f"matcher: {n / dt:,.0f} dreams/s on {n} generated ~150-word dreams, {kind} ({dt * 1e6 / n:.0f} us each)")


if __name__ == "__main__":
    main()
