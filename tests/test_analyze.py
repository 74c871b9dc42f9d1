"""Tests for the rule-based matcher (dreamly.analysis) with sentences written for them."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dreamly.analysis import (
    BUILTIN_FILE,
    Analysis,
    Hit,
    Matcher,
    analyze,
    load_knowledge,
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
    # scenes: where the dream happens (MATCHER_VERSION 5)
    "water": (["I fell off a cliff into the sea.", "I was swimming in a dark lake.", "Huge waves crashed over me.",
               "The street flooded.", "I was drowning in the sea."],
              ["I was drowning in paperwork.", "I was swimming in debt.", "The room was flooded with light.",
               "Relief flooded through me.", "I felt waves of panic.", "The tide was turning at work.",
               "We had a flat by the river.", "I drank a glass of water.", "She waved at me.", "I saw a sea of faces.",
               "Nobody was swimming."]),
    "house": (["I was in my grandmother's old house.", "We found a secret room behind the wardrobe.",
               "I was in the living room of the house."],
              ["We went to a house party.", "The drinks were on the house.", "We toured the White House.",
               "I wasn't in the house."]),
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


@settings(max_examples=300 * settings.default.max_examples // 100, deadline=None)
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


def test_a_subject_mode_typo_is_refused(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('[motifs.x]\nlabel = "X"\nsubject = "scnee"\nphrases = ["x"]\n', encoding="utf-8")
    with pytest.raises(DreamlyError, match="subject must be one of dreamer, any, scene"):
        load_knowledge(f)


@pytest.mark.parametrize("text, subject", [
    ("A man was chasing me.", "dreamer"),         # the dreamer as the object of the hit's own words
    ("Something was after us.", "dreamer"),
    ("Huge waves rolled over the pier.", "dreamer"),  # a scene is the dreamer's, whoever acts in it
    ("My sister swam in the lake.", "dreamer"),
    ("My friend fell off the wall.", None),        # other people's falls are not found at all
])
def test_whose_motif_it_is(text, subject):
    hits = analyze(text).motifs
    if subject is None:
        assert not hits, hits
    else:
        assert hits and {h.subject for h in hits} == {subject}, hits


def test_builtin_knowledge_is_complete():
    kb = load_knowledge()
    Matcher(kb).compile_all()
    for mid in ("heavy_legs", "slow_motion", "paralysis", "running_nowhere", "jelly_legs", "uphill_or_water"):
        assert kb.motifs[mid].group == "cant_run"
    assert len(kb.emotions) == 13 and "calm" in kb.emotions  # the twelve scored feelings, and calm
    assert set(kb.lenses) == {"western", "eastern", "indigenous", "jungian"}
    assert "therapist" in kb.red_flag["message"]
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


@pytest.mark.skipif(not (SHARED / "reference" / "source-article.txt").exists() and not os.environ.get("CI"),
                    reason="shared article not present")  # in CI (CI=true) a missing article fails, never skips
def test_no_eight_word_run_of_the_article_in_descriptions():
    assert (SHARED / "reference" / "source-article.txt").exists(), f"CI needs the article at {SHARED / 'reference'}"
    words = lambda s: re.findall(r"[a-z0-9]+", s.lower().replace("’", "'"))  # noqa: E731
    article = words((SHARED / "reference" / "source-article.txt").read_text(encoding="utf-8"))
    grams = {tuple(article[i:i + 8]) for i in range(len(article) - 7)}
    with open(BUILTIN_FILE, "rb") as fh:
        data = tomllib.load(fh)
    for text in _descriptions(data):
        w = words(text)
        for i in range(len(w) - 7):
            assert tuple(w[i:i + 8]) not in grams, text


@pytest.mark.slow
def test_import_stays_light():
    import subprocess
    import sys

    code = "import dreamly.analysis, sys; print(sorted(m for m in ('rich', 'typer', 'sqlite3', 'platformdirs', 'llm') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- speed machinery: the prefilters may skip work, never findings ---------------------

from dreamly.analysis.literals import _lower_pattern, _required_literals  # noqa: E402
from dreamly.analysis.text import _FOLD  # noqa: E402

SAMPLES = [t for found, not_found in MOTIF_CASES.values() for t in found + not_found] + \
          [t for pair in EMOTION_CASES.values() for t in pair] + [
    "A man with a knife came into the house. I ran and hid in the attic.",
    "Someone was chasing me down a long corridor and my legs felt heavy as concrete.",
    "I tried to run but I couldn't move at all, it was like wading through mud uphill.",
    "My teeth started to crumble and I was embarrassed; people stared because I was naked.",
    "We were at school and I realised I had missed the exam. I got lost on the way home.",
    "The monster grabbed me and I screamed for help but nothing came out.",
]


def _variants(text: str) -> list[str]:
    # the letters that fold oddly under re.IGNORECASE (dotted/dotless i, long s, Kelvin)
    odd = text.replace("i", "\u0131").replace("s", "\u017f").replace("k", "\u212a").replace("I", "\u0130")
    return [text, text.upper(), text.title(), odd]


def test_every_match_holds_one_of_its_literals():
    m = Matcher(load_knowledge())
    checked = 0
    for source, lits in m._literals.items():
        if lits is None:
            continue
        pattern = re.compile(source, re.I)
        for text in (v for t in SAMPLES for v in _variants(t)):
            for match in pattern.finditer(text):
                found = match.group().translate(_FOLD).lower()
                assert any(lit in found for lit in lits), (source, text)
                checked += 1
    assert checked > 100  # the samples do exercise the rules


def test_lowered_patterns_find_what_ignorecase_finds():
    m = Matcher(load_knowledge())
    for source in m._literals:
        lowered = _lower_pattern(source)
        assert lowered is not None, source  # every built-in pattern takes the fast path
        slow, fast = re.compile(source, re.I), re.compile(lowered)
        for text in (v for t in SAMPLES for v in _variants(t)):
            folded = text.translate(_FOLD).lower()
            assert [x.span() for x in slow.finditer(text)] == [x.span() for x in fast.finditer(folded)], source


@pytest.mark.parametrize("pattern, lits", [
    (r"slow[- ]?mo(?:tion)?\b", ("slow",)),
    (r"(?:heavy|leaden)\s+(?:legs|feet)", ("heavy", "leaden")),
    (r"colou?r", ("colo",)),
    (r"(?:run|ran)(?=\s+away)", ("ran", "run")),  # a lookahead consumes nothing
    (r"x{0,3}yyy", ("yyy",)),
    (r"\d+\s+dogs", ("dogs",)),
    (r"(?:fell|dog)?\s+down", ("down",)),  # an optional group is not required
    (r"\bf(?:a|e)ll\b", None),  # nothing of three letters is certain
    (r"(?i)abc", None),  # inline flags, escapes that spell characters, backreferences:
    (r"a\x41bcd", None),  # not modelled, so never guessed
    (r"(a)\1xyz", None),
    (r"r2d2", None),  # would not be found inside the text's words
])
def test_required_literals(pattern, lits):
    assert _required_literals(pattern) == lits


def test_lower_pattern_keeps_escapes_and_refuses_what_it_cannot_lower():
    assert _lower_pattern(r"\Wab[A-Z]\S(?:I|We)") == r"\Wab[a-z]\S(?:i|we)"
    for pattern in (r"[A-z]", r"\x41", r"(?P<n>a)", "caf\u00e9"):
        assert _lower_pattern(pattern) is None


def test_odd_letters_match_as_the_regexes_say():
    # re.IGNORECASE matches "\u017f" (long s) as "s"; so does the prefilter (MATCHER_VERSION 2)
    res = analyze("I was \u017fcared.")
    assert res.emotion_ids() == ["fear"] and res.emotions[0].evidence == "\u017fcared"


def test_personal_rules_with_inline_flags_or_odd_literals_still_match(tmp_path):
    flags, droid = tmp_path / "flags.toml", tmp_path / "droid.toml"
    flags.write_text('[motifs.ada]\nlabel = "Ada"\nmeaning = "m"\nphrases = ["\\\\bI met (?-i:Ada)\\\\b"]\n',
                     encoding="utf-8")
    droid.write_text('[motifs.droid]\nlabel = "Droid"\nmeaning = "m"\nphrases = [{re = "r2d2", subject = "any"}]\n',
                     encoding="utf-8")
    m = Matcher(load_knowledge(flags))
    assert "ada" in m.analyze("I met Ada at the station.").motif_ids()
    assert "ada" not in m.analyze("I met ada at the station.").motif_ids()  # case-sensitive, as written
    assert "droid" in Matcher(load_knowledge(droid)).analyze("R2D2 beeped at me.").motif_ids()


def test_rules_compile_only_when_a_dream_needs_them():
    m = Matcher(load_knowledge())
    m.analyze("We sat at a long wooden table in the kitchen. The radio was on.")
    assert not [r for rules in m.rules.values() for r in rules if r.regex is not None]
    m.analyze("My legs felt heavy and someone was chasing me.")
    compiled = [r for rules in m.rules.values() for r in rules if r.regex is not None]
    assert 0 < len(compiled) < 20


# --------------------------------------------------------------------------- probe set

PROBE = Path(__file__).with_name("data") / "probe_reports.jsonl"
MOTIF_IDS = {"heavy_legs", "slow_motion", "paralysis", "running_nowhere", "jelly_legs", "uphill_or_water",
             "chase", "pursuer_known_person", "pursuer_stranger_or_monster", "pursuer_animal",
             "pursuer_invisible", "falling", "flying", "teeth", "late_or_exam", "naked_in_public", "death",
             "trapped", "lost"}
EMOTION_IDS = {"fear", "anxiety", "frustration", "helplessness", "shame", "guilt", "anger", "sadness", "joy",
               "confusion", "relief", "surprise"}


def _micro_f1(pairs: list[tuple[set[str], set[str]]]) -> float:
    tp = sum(len(gold & pred) for gold, pred in pairs)
    fp = sum(len(pred - gold) for gold, pred in pairs)
    fn = sum(len(gold - pred) for gold, pred in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_probe_reports_keep_their_scores():
    """Hand-written reports (labelled by the eval guide, not taken from DreamBank) cover every
    label in several phrasings plus hard negatives; the floors sit a little under today's
    scores (motifs 0.996, emotions 0.992) so that a rule change that loses ground shows up."""
    import json

    rows = [json.loads(line) for line in PROBE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 150
    m_pairs, e_pairs = [], []
    for row in rows:
        res = analyze(row["text"])
        m_pairs.append((set(row["motifs"]) & MOTIF_IDS, set(res.motif_ids()) & MOTIF_IDS))
        e_pairs.append((set(row["emotions"]) & EMOTION_IDS, set(res.emotion_ids()) & EMOTION_IDS))
    assert _micro_f1(m_pairs) >= 0.97
    assert _micro_f1(e_pairs) >= 0.97
    # every label is exercised by the probe set
    assert {x for gold, _ in m_pairs for x in gold} == MOTIF_IDS
    assert {x for gold, _ in e_pairs for x in gold} == EMOTION_IDS


def test_general_rules_from_the_probe_set():
    assert {"chase", "pursuer_animal"} <= motifs("Snakes were slithering after me down the hall.")
    assert {"chase", "pursuer_stranger_or_monster"} <= motifs("We were running from a giant made of stone.")
    assert {"chase", "pursuer_invisible"} <= motifs("A figure without a face was following me, so I ran.")
    assert "pursuer_known_person" not in motifs("A Doberman chased me down the alley.")
    assert "chase" not in motifs("I chased my dog through the park.")
    assert "falling" in motifs("I was plunging down into darkness.")
    assert "late_or_exam" in motifs("I panicked before the chemistry exam.")
    assert "fear" in emotions("I screamed for my mother.")
    assert "fear" not in emotions("I was screaming with joy.")
    assert "sadness" not in emotions("I laughed until I cried.")
    assert "sadness" not in emotions("I cried out in terror.")
    assert "shame" in emotions("I felt like a fool in my costume.")
    assert "frustration" in emotions("It was so frustrating.")


# --------------------------------------------------------------------------- following and subjectless passives

CHASED_BY_UNSEEN = "Chased through a station by someone I couldn't see"  # the README's tour


@pytest.mark.parametrize("text, pursuer", [
    (CHASED_BY_UNSEEN, "pursuer_invisible"),
    ("Being chased by a dog.", "pursuer_animal"),
    ("Followed home by a stranger.", "pursuer_stranger_or_monster"),
    ("Hunted by wolves all night.", "pursuer_animal"),
    ("Stalked by a tall figure through the car park.", "pursuer_invisible"),
    ("Chased across the field by my brother.", "pursuer_known_person"),
    ("I ran down the alley, chased by two men in masks.", "pursuer_stranger_or_monster"),
    ("Then, chased by a dog, I climbed a tree.", "pursuer_animal"),
    ("I was chased through the woods by a bear.", "pursuer_animal"),
])
def test_passive_without_a_subject_is_the_dreamer_chased(text, pursuer):
    assert {"chase", pursuer} <= motifs(text), text


@pytest.mark.parametrize("text, pursuer", [
    ("Someone was following me.", "pursuer_invisible"),
    ("Someone I couldn't see was following me.", "pursuer_invisible"),
    ("A man was following me home.", "pursuer_stranger_or_monster"),
    ("Something followed us through the woods.", "pursuer_invisible"),
    ("Two guys in hoodies followed me out of the bar.", "pursuer_stranger_or_monster"),
    ("A black car was following me.", "pursuer_invisible"),
    ("This man kept following me everywhere I went.", "pursuer_stranger_or_monster"),
    ("The old woman followed me home.", "pursuer_stranger_or_monster"),
    ("I was being followed.", "pursuer_invisible"),
    ("We were followed by a pack of dogs.", "pursuer_animal"),
])
def test_unknown_or_relentless_follower_is_a_chase(text, pursuer):
    assert {"chase", pursuer} <= motifs(text), text


@pytest.mark.parametrize("text", [
    # friendly, guided or the dreamer's own people and pets
    "My dog followed me around the kitchen happily.",
    "My friend followed me into the shop and we laughed.",
    "The waiter followed me to the table.",
    "My cat followed me around the house purring.",
    "My little brother kept following me everywhere.",
    "A man followed me into the shop and we chatted about the weather.",
    "A puppy followed me home and I adopted it.",
    "I was followed by my dog all day.",
    "Followed home by my puppy.",
    "Someone said follow me, so I did.",
    # negated
    "Nobody was following me.",
    "No one chased us.",
    "I wasn't being followed.",
    "Nobody followed me home.",
    "We weren't followed.",
    # the dreamer or a third party does the chasing, or is chased
    "I followed a man down the street.",
    "Chased the chickens around the yard.",
    "Followed my sister to the shop.",
    "The girl was followed home by a stranger.",
    "The cat ran, chased by a dog.",
    "Chased by the dogs, the fox ran.",
])
def test_friendly_negated_or_someone_elses_following_is_not_a_chase(text):
    assert "chase" not in motifs(text), text


def test_a_man_following_me_is_no_fear_by_itself():
    assert "fear" not in emotions("A man was following me home.")


# -- speed rewrites: each fast form finds exactly what the plain form finds -------------

from dreamly.analysis.text import _CLAUSE_CUT, _CLAUSE_WORDS, _SENT_END, _TOKENS, _Doc, _token_runs  # noqa: E402

# texts made of the pieces the rewritten patterns care about
_TRICKY = st.lists(st.sampled_from(list("abIiJ .!?\"')]\n\t,;:-'") + ["and", "that", "Mr", "e.g", "see", "\u2014",
                                                                        "\u00e9", "\u0130", "9", "_"]),
                   max_size=40).map("".join)


@settings(max_examples=300 * settings.default.max_examples // 100)
@given(_TRICKY)
def test_sentence_ends_are_the_plain_pattern(text):
    plain = re.compile(r"[.!?]+[\"')\]]*\s+|\n\s*")
    assert [m.span() for m in _SENT_END.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300 * settings.default.max_examples // 100)
@given(_TRICKY)
def test_clause_cuts_are_punctuation_and_whole_clause_words(text):
    low = text.lower()
    plain = []
    for m in re.finditer(r"([,;:()\"]|--|\s-\s|\u2014)|\w+", low):
        if m.lastindex or m.group() in _CLAUSE_WORDS or m.group() == "that":
            plain.append((m.span(), m.lastindex))
    assert [(m.span(), m.lastindex) for m in _CLAUSE_CUT.finditer(low)] == plain


@settings(max_examples=300 * settings.default.max_examples // 100)
@given(_TRICKY)
def test_token_runs_give_the_tokens(text):
    low = text.lower()
    assert {w.lstrip("'-") for w in _token_runs(low)} - {""} == set(_TOKENS.findall(low))


@settings(max_examples=300 * settings.default.max_examples // 100)
@given(_TRICKY, st.sampled_from(["and", "see", "that", "mr", "ee"]))
def test_sentences_holding_a_literal(text, lit):
    low = text.translate(_FOLD).lower()
    doc = _Doc(text, low)
    assert doc.holding(lit) == {i for i, (s, e) in enumerate(doc.sents) if lit in low[s:e]}


# -- the matcher package: one loader per file state, clauses as named tuples ------------


def test_knowledge_loads_once_per_file_state(tmp_path):
    import os

    assert load_knowledge() is load_knowledge()
    f = tmp_path / "mine.toml"
    f.write_text('[motifs.owl]\nlabel = "Owl"\nsubject = "any"\nphrases = ["owls?"]\n', encoding="utf-8")
    first = load_knowledge(f)
    assert load_knowledge(str(f)) is first
    f.write_text('[motifs.owl]\nlabel = "Owl"\nsubject = "any"\nphrases = ["owls?", "hoot\\\\w*"]\n', encoding="utf-8")
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    second = load_knowledge(f)
    assert second is not first
    assert [h.evidence for h in analyze("An owl was hooting.", user_file=f).motifs] == ["owl", "hooting"]


def test_clauses_are_named_tuples():
    from dreamly.analysis.text import Clause

    doc = _Doc("I ran but he fell.", "i ran but he fell.")
    clauses, ci = doc.clause_of(12)
    assert isinstance(clauses[ci], Clause)
    assert (clauses[0].subject, clauses[ci].subject) == ("dreamer", "other")
    assert doc.text[clauses[ci].start:clauses[ci].end].startswith("but he")
