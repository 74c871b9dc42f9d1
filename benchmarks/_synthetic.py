"""Seeded synthetic journals for the benchmarks: varied dream text, dates over decades, tags,
feelings, and (optionally) motif rows, interpretations and rehearsals.

The same seed gives the same journal on every machine, so figures compare across runs.
Rows go straight into SQLite through the store's own schema (no matcher, no CLI): a
100,000-dream journal takes seconds to make, not minutes.

    from _synthetic import write_journal, dreams
    write_journal(path, 100_000)                       # analysed-looking journal (motif rows)
    write_journal(path, 100_000, analysed=False, history=True)   # for import: nothing to reuse
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a fresh checkout, not installed


def dreamly_command() -> list[str]:
    """The console script next to this interpreter (what a user runs), else `-m dreamly`."""
    compile_bytecode()
    script = Path(sys.executable).with_name("dreamly")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dreamly"]


def compile_bytecode() -> None:
    """Write dreamly's .pyc files, as `pip install` does. In an editable checkout with
    PYTHONDONTWRITEBYTECODE=1 (set on some machines) every cold run would otherwise compile
    every module from source, and the benchmark would time the compiler, not dreamly."""
    import compileall

    import dreamly

    compileall.compile_dir(str(Path(dreamly.__file__).parent), quiet=1)


MOTIFS = ("heavy_legs", "slow_motion", "paralysis", "running_nowhere", "jelly_legs", "uphill_or_water", "chase",
          "pursuer_known_person", "pursuer_stranger_or_monster", "pursuer_animal", "pursuer_invisible", "falling",
          "flying", "teeth", "late_or_exam", "naked_in_public", "death", "trapped", "lost", "water")
EMOTIONS = ("fear", "anxiety", "frustration", "helplessness", "shame", "guilt", "anger", "sadness", "joy",
            "confusion", "relief", "surprise")
TAGS = ("work", "deadline", "family", "friends", "travel", "exam", "health", "money", "move", "breakup",
        "nature", "home", "sport", "holiday", "new job")
CONTEXTS = ("", "", "deadline at work", "moving house next month", "exam week", "quiet weekend", "visiting family",
            "argument with a friend", "new job starts soon", "holiday planning", "bad cold", "late nights")
TITLES = ("", "", "", "The station again", "Café 🌙", "Lost at sea", "Exam", "Grandmother's house", "Teeth")

FILL = {
    "someone": ("a man in a grey coat", "a huge dog", "my old boss", "something I couldn't see", "a group of soldiers",
                "my brother", "a woman with no face", "a bear", "the police", "a clown", "two strangers", "a wolf"),
    "place": ("corridor", "market", "forest", "school gym", "train station", "shopping mall", "beach", "hospital",
              "old house", "car park", "field behind the church", "hotel lobby", "subway tunnel", "airport"),
    "high": ("roof", "cliff", "balcony", "top of a ladder", "bridge", "tower", "tree"),
    "event": ("exam", "chemistry test", "flight to Lisbon", "job interview", "wedding", "train", "final exam"),
    "room": ("basement", "attic", "kitchen", "bathroom", "lift", "classroom", "cupboard", "garage"),
    "name": ("Anna", "my sister", "Mr. Keller", "Dave", "my mother", "Lucia", "my cousin Tom", "Priya", "Grandpa"),
    "city": ("Paris", "a city I didn't know", "Tokyo", "my home town", "an endless suburb", "Berlin", "Lagos"),
    "stuff": ("mud", "snow", "water", "sand", "sludge"),
    "adj": ("long", "round", "wooden", "crooked", "glass", "enormous", "tiny", "dusty", "polished"),
    "goods": ("bread", "old books", "lamps", "fish", "fabric", "records", "toys", "spices", "bicycles"),
    "colour": ("blue", "yellow", "green", "red", "white", "grey", "orange", "purple"),
    "topic": ("maps", "volcanoes", "tax forms", "knitting", "the moon", "engines", "poetry", "bees"),
    "food": ("soup", "noodles", "cake", "oranges", "rice", "pancakes", "olives", "sandwiches"),
}
MOTIF_SENTENCES = (
    "{someone} was chasing me through the {place} and I could not get away.",
    "My legs felt heavy as concrete and every step was a struggle.",
    "I tried to run from {someone} but I couldn't move at all.",
    "Suddenly I fell off the {high} and kept falling into the dark.",
    "Then I was flying over the {place}, which felt wonderful.",
    "My teeth started to crumble and fall out while I talked to {name}.",
    "I realised I was late for the {event} and had not studied at all.",
    "I was standing naked in the {place} while people stared at me.",
    "I was locked in the {room} and could not get out.",
    "I got completely lost in {city} and didn't know where I was.",
    "I was terrified and kept looking over my shoulder.",
    "My knees turned to jelly when {someone} came closer.",
    "I was wading through deep {stuff}, trying to reach {name}.",
    "I felt so embarrassed in front of {name}.",
    "Nobody was following me, but the {place} felt strange.",
)
PLAIN_SENTENCES = (
    "We sat at a {adj} table in a {room} I did not recognise.",
    "The street outside was full of shops selling {goods}.",
    "{name} was there, talking about a new flat by the river.",
    "There was a {colour} car parked under a tree near the {place}.",
    "Somebody handed me a letter with a stamp from {city}.",
    "The light in the {room} was {colour} and the radio was on.",
    "Later we walked past the {place} and a small park with a fountain.",
    "A teacher from my old school was explaining something about {topic}.",
    "{name} and I ate {food} while the rain drummed on the roof.",
    "Outside, a {colour} bus went by with its windows open.",
    "There were {adj} boxes of {goods} stacked along the wall.",
)


def dream_text(rng: random.Random, sentences: int) -> str:
    """`sentences` sentences, about one in five with a motif or a feeling in it."""
    out = []
    for _ in range(sentences):
        pool = MOTIF_SENTENCES if rng.random() < 0.2 else PLAIN_SENTENCES
        text = rng.choice(pool).format(**{key: rng.choice(values) for key, values in FILL.items()})
        out.append(text[0].upper() + text[1:])
    return " ".join(out)


def dreams(count: int, *, seed: int = 7, years: int = 20, today: date | None = None,
           sentences: tuple[int, int] = (3, 12)) -> Iterator[dict]:
    """`count` dreams spread evenly over `years` years up to `today` (about 14 a day at 100,000,
    so every weekly window is full), oldest first, as plain dicts with their tags, user
    feelings and motif ids. ~75 words each on average."""
    rng = random.Random(seed)
    today = today or date.today()
    first = today - timedelta(days=365 * years)
    span = (today - first).days
    for i in range(1, count + 1):
        day = (first + timedelta(days=span * i // count)).isoformat()
        yield {
            "id": i,
            "dreamt_on": day,
            "stamp": f"{day}T07:00:00+00:00",
            "title": rng.choice(TITLES),
            "body": dream_text(rng, rng.randint(*sentences)) + f" Dream {i}.",
            "lucid": int(rng.random() < 0.04),
            "nightmare": int(rng.random() < 0.12),
            "recurring": int(rng.random() < 0.05),
            "sleep_quality": rng.choice((None, 1, 2, 3, 4, 5)),
            "context": rng.choice(CONTEXTS),
            "tags": rng.sample(TAGS, rng.choice((0, 1, 1, 2))),
            "emotions": rng.sample(EMOTIONS, rng.choice((0, 1, 2, 2, 3))),
            "motifs": rng.sample(MOTIFS, rng.choice((0, 1, 1, 2, 2, 3))),
        }


def write_journal(path: str | Path, count: int, *, seed: int = 7, years: int = 20, analysed: bool = True,
                  history: bool = False, today: date | None = None, progress=None) -> float:
    """Write `count` synthetic dreams into the journal at `path` (created if need be), in one
    transaction; returns seconds taken.

    analysed: give each dream motif rows (matcher_version 0, evidence "seeded": no real matcher
        wrote them, so an import of its export still analyses every dream) and mark half of
        its feelings as found in the text, as `dreamly add` would leave it. Without it, every
        dream carries only the user's feelings, so an import of its export analyses them all.
    history: an interpretation on every tenth dream and a rehearsal on every twentieth.
    progress: called with the number of dreams written so far after each batch of 5,000.
    """
    from dreamly.store import Journal, content_hash

    start = time.perf_counter()
    with Journal.open(Path(path)) as journal, journal.transaction():
        conn = journal.conn
        offset = conn.execute("SELECT coalesce(max(id), 0) FROM dreams").fetchone()[0]
        rows, tags, emotions, motifs, interpretations, rehearsals = [], [], [], [], [], []

        def flush() -> None:
            conn.executemany(
                """INSERT INTO dreams (id, dreamt_on, created, updated, title, body, lucid, nightmare, recurring,
                       sleep_quality, context, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
            conn.executemany("INSERT INTO dream_tags (dream_id, tag) VALUES (?, ?)", tags)
            conn.executemany("INSERT INTO dream_emotions (dream_id, emotion, intensity, origin) VALUES (?, ?, ?, ?)",
                             emotions)
            conn.executemany(
                """INSERT INTO dream_motifs (dream_id, motif, evidence, start, "end", subject, matcher_version)
                   VALUES (?, ?, 'seeded', 0, 6, ?, 0)""", motifs)
            conn.executemany(
                """INSERT INTO interpretations (dream_id, model, lens, prompt, system, response, created)
                   VALUES (?, 'echo', 'jungian', ?, NULL, ?, ?)""", interpretations)
            conn.executemany("INSERT INTO rehearsals (dream_id, body, created) VALUES (?, ?, ?)", rehearsals)
            for batch in (rows, tags, emotions, motifs, interpretations, rehearsals):
                batch.clear()

        for dream in dreams(count, seed=seed, years=years, today=today):
            i = dream["id"] + offset
            stamp = dream["stamp"]
            rows.append((i, dream["dreamt_on"], stamp, stamp, dream["title"], dream["body"], dream["lucid"],
                         dream["nightmare"], dream["recurring"], dream["sleep_quality"], dream["context"],
                         content_hash(dream["dreamt_on"], dream["body"])))
            tags.extend((i, tag) for tag in dream["tags"])
            for n, emotion in enumerate(dream["emotions"]):
                found = analysed and n % 2 == 1
                emotions.append((i, emotion, None if found else 3, "text" if found else "user"))
            if analysed:
                motifs.extend((i, motif, "other" if n == 2 else "dreamer") for n, motif in enumerate(dream["motifs"]))
            if history and i % 10 == 0:
                interpretations.append((i, "prompt " * 40, "An answer. " * 30, stamp))
            if history and i % 20 == 0:
                rehearsals.append((i, "This time I turned round and the pursuer was only my shadow.", stamp))
            if len(rows) >= 5000:
                flush()
                if progress:
                    progress(dream["id"])
        flush()
    return time.perf_counter() - start


def jrnl_text(count: int, *, seed: int = 7) -> str:
    """The same dreams as a jrnl plain-text journal (timeformat '%F %r'), for comparisons."""
    out = []
    for dream in dreams(count, seed=seed):
        title = dream["title"] or "Dream"
        out.append(f"[{dream['dreamt_on']} 07:00:00 AM] {title}\n{dream['body']}\n\n")
    return "".join(out)


GENERATOR_VERSION = 1  # bump when dreams() or write_journal() change what they write


def cached_journal(count: int, *, seed: int = 7, analysed: bool = True, history: bool = True,
                   cache: str | Path | None = None, progress: bool = True) -> Path:
    """A synthetic journal of `count` dreams, generated once and reused: the file lives in
    $DREAMLY_BENCH_CACHE (default ~/.cache/dreamly-bench), named by what it holds and the day it
    was made for (dates run up to today). A half-written file (interrupted generation) is never
    reused: the journal is written under a temporary name and renamed when complete.
    Generation prints progress every 50,000 dreams when `progress`."""
    import os

    folder = Path(cache or os.environ.get("DREAMLY_BENCH_CACHE") or Path.home() / ".cache" / "dreamly-bench")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"journal-{count}-s{seed}-{'a' if analysed else 'u'}{'h' if history else ''}-g{GENERATOR_VERSION}" \
           f"-{date.today().isoformat()}.db"
    path = folder / name
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    start = time.perf_counter()

    def report(done: int) -> None:
        if progress and (done % 50_000 == 0 or done == count):
            elapsed = time.perf_counter() - start
            print(f"  generated {done:,}/{count:,} dreams ({elapsed:.0f} s, ~{elapsed / done * (count - done):.0f} s "
                  f"left)", file=sys.stderr, flush=True)

    write_journal(partial, count, seed=seed, analysed=analysed, history=history, progress=report)
    import sqlite3

    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(path)
    return path
