"""Tests for the rule-based matcher (dreamly.analyze) with sentences written for them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dreamly.analyze import (
    BUILTIN_FILE,
    Analysis,
    Hit,
    Matcher,
    analyze,
    load_knowledge,
    merge_emotions,
)
from dreamly.errors import DreamlyError

SHARED = Path(__file__).resolve().parents[2] / "shared"


def motifs(text: str) -> set[str]:
    return set(analyze(text).motif_ids())


def emotions(text: str) -> set[str]:
    return set(analyze(text).emotion_ids())


# Each motif: a plain example that must be found, and forms that must not be.
MOTIF_CASES = {
    "heavy_legs": (["My legs felt heavy as lead and I stumbled along the path.",
                    "I tried to get away but I couldn't run fast enough."],
                   ["My legs were fine and I ran home.", "The bag was heavy."]),
    "slow_motion": (["I ran toward the door but I was moving in slow motion."],
                    ["We watched the film's car crash in slow motion on TV."]),
    "paralysis": (["I couldn't move my legs.", "My legs wouldn't budge.", "I stood rooted to the spot."],
                  ["I was paralysed with fear but kept running.", "We ate frozen peas for dinner.",
                   "The car couldn't move in the traffic."]),
    "running_nowhere": (["I ran and ran but I wasn't getting anywhere."],
                        ["We drove around for hours getting nowhere fast."]),
    "jelly_legs": (["My legs turned to jelly on the stage."], ["She served jelly at the party."]),
    "uphill_or_water": (["I was wading through deep mud, trying to get home."],
                        ["We had a picnic on the hill."]),
    "chase": (["A huge dog was chasing me down the road.", "I was being chased through the woods."],
              ["Nobody was chasing me.", "No one chased us that night.", "I chased the cat out of the kitchen.",
               "The man was not following me."]),
    "falling": (["I fell off the roof of my school.", "I was falling through the dark."],
                ["I fell in love with the painter.", "I fell asleep on the train.", "My friend fell off the wall.",
                 "I never fell."]),
    "flying": (["I flew over the rooftops of the town."],
               ["We flew to Madrid on a cheap airline.", "Birds were flying over the lake."]),
    "teeth": (["My teeth crumbled and fell out into my hand."], ["The dog bared his teeth at the postman."]),
    "late_or_exam": (["I was late for my train and missed the exam.", "I was taking a chemistry exam."],
                     ["We talked late at night.", "I stayed out late."]),
    "naked_in_public": (["I was standing naked in the street while people stared."],
                        ["A naked man was sleeping in the next bed."]),
    "death": (["My grandfather died in the dream.", "We found a skeleton in the cellar."],
              ["The road was a dead end.", "He was going to kill me.", "I was dead tired."]),
    "trapped": (["I was locked in a cellar and could not get out.", "We were trapped in the burning house."],
                ["I was nearly trapped by the lift door.", "I feel trapped in my job."]),
    "lost": (["I was completely lost in a strange city."],
             ["I lost my keys.", "We lost touch years ago.", "The little girl was lost."]),
}


@pytest.mark.parametrize("motif", sorted(MOTIF_CASES))
def test_motif_found_and_not_found(motif):
    found, not_found = MOTIF_CASES[motif]
    for text in found:
        assert motif in motifs(text), text
    for text in not_found:
        assert motif not in motifs(text), text


def test_negation_inside_the_pattern_is_the_motif():
    assert "paralysis" in motifs("I couldn't move my legs.")
    assert "paralysis" in motifs("My legs wouldn't move.")
    assert "heavy_legs" in motifs("I couldn't run.")


def test_negation_and_unrealised_events():
    assert "chase" not in motifs("Nobody was following me as I ran home.")
    assert "chase" not in motifs("No one chased us.")
    assert "falling" not in motifs("I never fell off the ladder.")
    assert "trapped" not in motifs("I was nearly trapped in the lift.")
    assert "death" not in motifs("He was going to kill me.")


def test_pursuer_types_come_from_the_chaser():
    assert {"chase", "pursuer_animal"} <= motifs("A lion was chasing me across the field.")
    assert {"chase", "pursuer_known_person"} <= motifs("My brother chased me around the garden.")
    assert {"chase", "pursuer_stranger_or_monster"} <= motifs("I was chased by a monster with red eyes.")
    assert {"chase", "pursuer_invisible"} <= motifs("Something was chasing me in the dark and I ran.")
    assert "pursuer_animal" not in motifs("My dog sat with me. A man was chasing me.")
    assert not {m for m in motifs("My cousin talked about her dog.") if m.startswith("pursuer")}


EMOTION_CASES = {
    "fear": ("I was terrified.", "I wasn't scared at all."),
    "anxiety": ("I felt nervous before the meeting.", "She was nervous."),
    "frustration": ("I got so frustrated with the lock.", "He was frustrated."),
    "helplessness": ("I felt completely helpless.", "The puppy looked helpless."),
    "shame": ("I was embarrassed in front of everyone.", "She was embarrassed."),
    "guilt": ("I felt guilty about the broken vase.", "He felt guilty."),
    "anger": ("I was furious with my boss.", "She was angry."),
    "sadness": ("I was crying on the stairs.", "The woman was sad."),
    "joy": ("I was so happy to see the sea.", "The children were happy."),
    "confusion": ("I was confused about where to go.", "He seemed confused."),
    "relief": ("I was relieved when the door opened.", "They were relieved."),
    "surprise": ("I was surprised to see my old teacher.", "My mother was surprised."),
}


@pytest.mark.parametrize("emotion", sorted(EMOTION_CASES))
def test_emotion_found_and_others_feelings_ignored(emotion):
    mine, theirs = EMOTION_CASES[emotion]
    assert emotion in emotions(mine), mine
    assert emotion not in emotions(theirs), theirs


def test_emotion_negated():
    assert "fear" not in emotions("I wasn't scared.")
    assert "anger" not in emotions("I was not angry with him.")


def test_fear_inferred_from_fleeing_danger():
    assert "fear" in emotions("A man with a knife came into the house. I ran and hid in the attic.")
    assert "fear" not in emotions("I ran to catch the bus.")


def test_evidence_spans_are_exact():
    text = "I couldn’t move. Someone was chasing me and I felt scared; later I fell off a cliff."
    res = analyze(text)
    assert res.motifs and res.emotions
    for hit in res.motifs + res.emotions:
        assert text[hit.start:hit.end] == hit.evidence
    data = res.to_json()
    assert set(data) == {"motifs", "emotions"}
    assert set(data["motifs"][0]) == {"id", "evidence", "start", "end"}


def test_ids_unique_in_order():
    res = analyze("I was falling. Then I was falling again and I was scared, so scared.")
    assert res.motif_ids() == ["falling"]
    assert res.emotion_ids() == ["fear"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
       | st.lists(st.sampled_from(["I", "was", "not", "chased", "by", "a", "dog", "fell", "off", ".", ",",
                                   "couldn't", "move", "and", "he", "scared", "\n", "’", "Carter", "after",
                                   "me", "nearly", "trapped", "who", "late", "exam"]), max_size=60).map(" ".join))
def test_never_raises_and_spans_stay_valid(text):
    res = analyze(text)
    assert isinstance(res, Analysis)
    for hit in res.motifs + res.emotions:
        assert isinstance(hit, Hit)
        assert 0 <= hit.start <= hit.end <= len(text)
        assert text[hit.start:hit.end] == hit.evidence


def test_merge_emotions_user_wins():
    found = analyze("I was scared and then very happy.").emotions
    rows = merge_emotions([("fear", 4), ("sadness", None)], found)
    assert rows[0] == {"emotion": "fear", "intensity": 4, "origin": "user"}
    assert {"emotion": "joy", "intensity": None, "origin": "text"} in rows
    assert [r["emotion"] for r in rows].count("fear") == 1


def test_personal_motif_adds_and_overrides(tmp_path):
    f = tmp_path / "motifs.toml"
    f.write_text(
        '[motifs.grandmas_house]\nlabel = "Grandma\'s house"\nmeaning = "Family roots."\n'
        'keys = ["grandma"]\nphrases = ["grandma\'s (?:house|kitchen)"]\n\n'
        '[motifs.flying]\nlabel = "Soaring"\nmeaning = "My own reading."\nkeys = ["zoom"]\nphrases = ["zoom(?:ed|ing)"]\n',
        encoding="utf-8",
    )
    kb = load_knowledge(f)
    assert kb.motifs["grandmas_house"].label == "Grandma's house"
    assert kb.motifs["flying"].meaning == "My own reading."
    m = Matcher(kb)
    assert "grandmas_house" in m.analyze("I was back in grandma's kitchen.").motif_ids()
    assert "flying" in m.analyze("I zoomed over the hills.").motif_ids()
    assert "flying" not in m.analyze("I flew over the hills.").motif_ids()
    assert "grandmas_house" in analyze("At grandma's house again.", user_file=f).motif_ids()


def test_malformed_personal_file_names_file_and_line(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('[motifs.x]\nlabel = "ok"\nphrases = ["a"\n', encoding="utf-8")
    with pytest.raises(DreamlyError) as exc:
        load_knowledge(f)
    assert "mine.toml" in str(exc.value) and "line" in str(exc.value)


def test_bad_regex_and_unknown_key_are_clear(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('[motifs.x]\nlabel = "X"\nphrases = ["(unclosed"]\n', encoding="utf-8")
    with pytest.raises(DreamlyError, match=r"mine\.toml.*motifs\.x"):
        load_knowledge(f)
    f.write_text('[motifs.x]\nlabel = "X"\ncolour = "blue"\n', encoding="utf-8")
    with pytest.raises(DreamlyError, match="colour"):
        load_knowledge(f)


def test_builtin_knowledge_is_complete():
    kb = load_knowledge()
    Matcher(kb).compile_all()
    for mid in ("heavy_legs", "slow_motion", "paralysis", "running_nowhere", "jelly_legs", "uphill_or_water"):
        assert kb.motifs[mid].group == "cant_run"
    assert len(kb.emotions) == 12
    assert set(kb.lenses) == {"western", "eastern", "indigenous", "jungian"}
    assert len(kb.triggers) == 4 and "therapist" in kb.red_flag["message"]
    for motif in kb.motifs.values():
        assert motif.meaning and motif.questions and motif.suggestions


def _descriptions(data) -> list[str]:
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("label", "meaning", "questions", "suggestions", "description", "message", "rule"):
                out += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
            else:
                out += _descriptions(value)
    return out


@pytest.mark.skipif(not (SHARED / "reference" / "source-article.txt").exists(), reason="shared article not present")
def test_no_eight_word_run_of_the_article_in_descriptions():
    words = lambda s: re.findall(r"[a-z0-9]+", s.lower().replace("’", "'"))  # noqa: E731
    article = words((SHARED / "reference" / "source-article.txt").read_text(encoding="utf-8"))
    grams = {tuple(article[i:i + 8]) for i in range(len(article) - 7)}
    with open(BUILTIN_FILE, "rb") as fh:
        data = tomllib.load(fh)
    for text in _descriptions(data):
        w = words(text)
        for i in range(len(w) - 7):
            assert tuple(w[i:i + 8]) not in grams, text


def test_import_stays_light():
    import subprocess
    import sys

    code = "import dreamly.analyze, sys; print(sorted(m for m in ('rich', 'typer', 'sqlite3', 'platformdirs', 'llm') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
