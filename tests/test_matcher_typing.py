"""The matcher reads dreams the way tired people type them (issue 14's "tried as a new user
would" list, in sentences written for these tests), and stays linear in the text."""

from __future__ import annotations

import pytest

from dreamly.analysis import analyze


def motifs(text: str) -> set[str]:
    return set(analyze(text).motif_ids())


def emotions(text: str) -> set[str]:
    return set(analyze(text).emotion_ids())


def evidence_as_written(text: str) -> None:
    res = analyze(text)
    for h in res.motifs + res.emotions:
        assert text[h.start:h.end] == h.evidence, (h, text)


# -- sentence breaks and a lone lower-case i ------------------------------------------------

@pytest.mark.parametrize("text", [
    "the hallway smelled of paint. i was so frightened",
    "we got off the bus. then i was really scared",
    "it was my old school. i was terrified of the corridor",
])
def test_lower_case_sentences_and_i_are_the_dreamer(text):
    assert "fear" in emotions(text)
    evidence_as_written(text)


def test_a_lower_case_sentence_is_its_own_sentence():
    # "nobody" in the first sentence must not reach the second one
    assert "chase" in motifs("nobody was home. a stranger was chasing me down the road")


# -- contractions typed without apostrophes -------------------------------------------------

def test_couldnt_without_apostrophe_is_paralysis():
    assert "paralysis" in motifs("i couldnt move a muscle")
    assert "paralysis" in motifs("couldnt move at all, just stood there")
    evidence_as_written("i couldnt move a muscle")


def test_wasnt_without_apostrophe_negates():
    assert "fear" not in emotions("i wasnt afraid at all")
    assert "fear" not in emotions("I wasnt scared of the dog")


def test_a_denied_think_denies_the_chase():
    assert "chase" not in motifs("i dont think anybody was after me")
    assert "chase" not in motifs("I didn't think anyone was chasing me")
    assert "chase" in motifs("I don't know why, but someone was chasing me")


# -- pursuer typed from the chase's agent, not from a place or owner -------------------------

def test_a_place_named_after_people_is_no_pursuer():
    res = analyze("got chased by a big dog outside my grandparents house")
    ids = set(res.motif_ids())
    assert {"chase", "pursuer_animal"} <= ids
    assert "pursuer_known_person" not in ids
    for h in res.motifs:
        assert "grandpa" != h.evidence


def test_an_owner_is_no_pursuer():
    ids = motifs("My neighbour's goat chased me round the field.")
    assert "pursuer_animal" in ids and "pursuer_known_person" not in ids


def test_it_came_crashing_after_us_is_an_animal_chase():
    text = ("There was a bear on the porch. I took my sister's hand and we ran into the woods, "
            "and it came crashing after us.")
    assert {"chase", "pursuer_animal"} <= motifs(text)


# -- exam words, late for a flight, water in a lift --------------------------------------------

@pytest.mark.parametrize("text", [
    "a biology final I hadnt revised for",
    "I was sitting my history final and the page was blank.",
    "We had a pop quiz and I knew nothing.",
])
def test_exam_words(text):
    assert "late_or_exam" in motifs(text)


def test_a_final_that_is_no_exam():
    assert "late_or_exam" not in motifs("It was the final round of the match and I scored.")


@pytest.mark.parametrize("text", ["late for a flight to Lisbon", "I was late for my train again."])
def test_late_for_something(text):
    assert "late_or_exam" in motifs(text)


def test_water_filling_a_lift():
    assert "water" in motifs("the elevator was filling with water and the doors stayed shut")


# -- stretched letters and cheap typos --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "my legs were soo heavy",
    "my legs were sooooo heavy i could barely walk",
    "legs wer like concreet",
])
def test_stretched_letters_and_typos(text):
    assert "heavy_legs" in motifs(text)
    evidence_as_written(text)


def test_stretched_feeling_word_keeps_its_evidence():
    text = "I was sooo scaaared"
    res = analyze(text)
    assert [h.evidence for h in res.emotions if h.id == "fear"] == ["scaaared"]


def test_normalise_keeps_offsets():
    from dreamly.analysis.normalise import normalise

    work, offsets = normalise("i couldnt run, soo tired")
    assert work == "I couldn't run, so tired"
    assert offsets is not None
    s = work.index("couldn't")
    assert (offsets.start(s), offsets.end(s + len("couldn't run"))) == (2, 2 + len("couldnt run"))
    assert normalise("Nothing to fix here.")[1] is None


# -- uphill or through water ---------------------------------------------------------------------

def test_walking_through_deep_snow_with_effort():
    assert "uphill_or_water" in motifs("We had to trudge on through deep snow, and it was exhausting.")
    assert "uphill_or_water" not in motifs("We walked along the river and had a picnic.")


# -- cost linear in the text ------------------------------------------------------------------------

def test_a_run_on_paste_is_cut_into_bounded_sentences():
    from dreamly.analysis.text import MAX_SENTENCE, _Doc

    text = "and then i was running and my legs were heavy " * 3000  # ~140 KB, no full stop
    doc = _Doc(text, text.lower())
    assert max(e - s for s, e in doc.sents) <= MAX_SENTENCE
    assert doc.sents[0][0] == 0 and doc.sents[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(doc.sents, doc.sents[1:]))


def test_too_big_to_analyse_during_add_is_exposed():
    from dreamly.analysis import ANALYSE_INLINE_LIMIT, too_big_to_analyse_now

    assert not too_big_to_analyse_now("a short dream")
    assert too_big_to_analyse_now("x" * (ANALYSE_INLINE_LIMIT + 1))


# -- kinds of error found on the dev reports (sentences written for these tests) --------------

def test_the_dreamer_last_in_a_list_of_the_chased():
    assert "chase" in motifs("The bull chased my cousin, the farmer and me across the meadow.")


def test_in_pursuit_with_the_dreamer_fleeing():
    assert "chase" in motifs("I fled down the alley. Two guards were in pursuit.")
    assert "chase" not in motifs("The hounds were in pursuit of a fox while we had tea.")


def test_people_following_me_are_a_chase():
    assert "chase" in motifs("I knew people were following me, so I took the back stairs.")


def test_a_driver_is_a_stranger_pursuer():
    ids = motifs("The driver saw me and chased me down the hill.")
    assert {"chase", "pursuer_stranger_or_monster"} <= ids


@pytest.mark.parametrize("text", [
    "His dead voice droned on about taxes.",
    "I read about near-death experiences in a magazine.",
    'I shouted "Kill him!" at the screen.',
    "In the game I could befriend the troll or kill it.",
])
def test_death_words_that_are_no_death(text):
    assert "death" not in motifs(text)


def test_locking_myself_in_to_hide_is_not_being_trapped():
    assert "trapped" not in motifs("I ran into the office and locked myself in.")
    assert "trapped" in motifs("They locked me in the cellar and I couldn't get out.")
