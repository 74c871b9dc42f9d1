"""The emotion side of the matcher: lexicons, whose feeling it is, and feeling names.

Every sentence here is written for the test (none comes from the labelled reports)."""

from __future__ import annotations

import pytest

from dreamly.analysis import analyze, load_knowledge
from dreamly.analysis.lexicons import feeling_family


def emotions(text: str) -> set[str]:
    return set(analyze(text).emotion_ids())


# --------------------------------------------------------------------------- lexicons

LEXICON = {
    "fear": ["I was petrified.", "We were scared stiff.", "I ran for my life.", "A chill ran down my spine.",
             "I cowered behind the sofa.", "I was absolutely terrified of the thing."],
    "anxiety": ["I was on edge all evening.", "I was wound up about the interview.", "I totally freaked out.",
                "I had butterflies in my stomach.", "I felt uneasy in that room.", "I was stressed out."],
    "frustration": ["I was fed up with the queue.", "I grew more and more impatient.", "I was at my wits' end."],
    "helplessness": ["I felt powerless.", "I was at their mercy.", "It felt hopeless."],
    "shame": ["I was mortified.", "I felt so ashamed.", "I blushed and looked away.", "I felt self-conscious."],
    "guilt": ["I felt guilty.", "I was full of remorse.", "I was scolding myself for forgetting her."],
    "anger": ["I was livid.", "I was pissed off.", "I lost my temper with the clerk.", "I was fuming."],
    "sadness": ["I was heartbroken.", "I was in tears.", "I burst into tears.", "I was lonesome for home.",
                "My heart sank.", "I felt so down."],
    "joy": ["I was over the moon.", "I was thrilled.", "I felt on top of the world.", "I was so proud of it.",
            "I was psyched.", "We were having a wonderful time.", "I was attracted to him."],
    "confusion": ["I was bewildered.", "I was totally baffled.", "I didn't understand why I was there."],
    "relief": ["I breathed a sigh of relief.", "We made it out alive.", "Thank goodness it was only the cat."],
    "surprise": ["I was gobsmacked.", "I was taken aback.", "I couldn't believe that she was there.",
                 "I stood there in awe."],
    "calm": ["I felt calm.", "I was completely at peace.", "I felt relaxed and safe."],
}


@pytest.mark.parametrize("emotion,text", [(e, t) for e, texts in LEXICON.items() for t in texts])
def test_feeling_words_of_real_writing(emotion, text):
    assert emotion in emotions(text)


def test_calm_is_a_feeling_of_the_knowledge_base():
    kb = load_knowledge()
    assert kb.emotions["calm"] == "Calm"
    assert "calm" in emotions("I felt calm")


# --------------------------------------------------------------------------- whose feeling


def test_feelings_of_other_characters_do_not_count():
    assert not emotions("She was furious with the waiter.")
    assert not emotions("The old man was heartbroken.")
    assert not emotions("My brother was over the moon about his new bike.")


def test_the_dreamer_as_the_object_of_a_feeling_verb():
    assert "fear" in emotions("The noise from the attic scared me.")
    assert "anger" in emotions("There were lights that annoyed me.")
    assert "surprise" in emotions("This surprised me a lot.")
    assert "fear" not in emotions("I jumped out and scared them.")
    assert "surprise" not in emotions("My answer surprised him.")


def test_caused_feelings_belong_to_whoever_feels_them():
    assert "sadness" in emotions("It made me so sad.")
    assert "joy" in emotions("The song made me laugh.")
    assert "sadness" not in emotions("I told her the news and it made my sister cry.")
    assert "sadness" not in emotions("She said that I had made Tom sad.")


def test_feeling_nouns_as_the_subject_are_the_dreamers():
    assert "fear" in emotions("A wave of panic washed over me.")
    assert "fear" in emotions("My fear was that the ice would break.")
    assert "guilt" in emotions("I kept the money; a feeling of relief and some guilt.")
    assert "fear" not in emotions("There was terror in her eyes.")


def test_feelings_listed_under_a_heading():
    assert emotions("Setting: my school. Feelings: Happy, worried, a bit confused.") >= {"joy", "anxiety", "confusion"}
    assert {"anxiety", "frustration"} <= emotions("Characters: Mum and Dad. Feelings and Thoughts: Nervous, frustrated.")
    assert "fear" not in emotions("Feelings: not scared at all.")


def test_feelings_not_yet_felt():
    assert "sadness" not in emotions("I'll be sad to leave this town.")
    assert "joy" not in emotions("I would be happy if he called.")
    assert "anxiety" not in emotions("I was anxious to get to the party.")
    assert "joy" in emotions("I thought it would be fun to go back.")


def test_scenery_is_not_a_feeling():
    assert not emotions("The valley was beautiful.")
    assert "joy" not in emotions("I looked for this wonderful place to live.")


# --------------------------------------------------------------------------- behaviour


def test_feelings_shown_by_behaviour():
    assert "fear" in emotions("I was shaking all over.")
    assert "fear" not in emotions("I shook both their hands.")
    assert "sadness" in emotions("I sat on the stairs and sobbed.")
    assert "joy" in emotions("We laughed and laughed.")
    assert "relief" in emotions("Thank God, it was only the wind.")


def test_calling_for_help_that_nobody_answers():
    assert "helplessness" in emotions("I called to the guard... but he did not answer.")
    assert "helplessness" in emotions("A woman walked past and ignored my pleas.")
    assert "helplessness" not in emotions("I called to the guard and he came over.")


def test_fear_when_fleeing_something_clearly_dangerous():
    assert "fear" in emotions("A man with a knife came into the room and I ran.")
    assert "fear" not in emotions("The sheriff chased me down the main street.")


# --------------------------------------------------------------------------- negation and typing


def test_negated_feelings():
    assert "fear" not in emotions("I wasn't scared.")
    assert "anger" not in emotions("I was never angry with her.")


def test_negated_feelings_typed_without_apostrophes():
    assert "fear" not in emotions("i wasnt scared")
    assert "anger" not in emotions("I didnt get angry")


def test_lower_case_writing_keeps_its_feelings():
    assert "fear" in emotions("the sky was blue. i was so scared")


# --------------------------------------------------------------------------- feeling names


@pytest.mark.parametrize("name,family", [
    ("fear", "fear"), ("Fear", "fear"), ("scared", "fear"), ("petrified", "fear"), ("freaked out", "anxiety"),
    ("worried", "anxiety"), ("over the moon", "joy"), ("happy", "joy"), ("livid", "anger"), ("heartbroken", "sadness"),
    ("mortified", "shame"), ("peaceful", "calm"), ("calm", "calm"), ("gobsmacked", "surprise"), ("relieved", "relief"),
])
def test_feeling_family_maps_names_to_their_family(name, family):
    assert feeling_family(name) == family


def test_feeling_family_does_not_guess():
    assert feeling_family("purple") is None
    assert feeling_family("") is None
    assert feeling_family("scared of heights and more") is None


# --------------------------------------------------------------------------- negation's reach


def test_negation_stops_at_so_and_at_a_feeling_verb_of_its_own():
    assert "anger" in emotions("He wouldn't listen so I got angry.")
    assert "anxiety" in emotions("She did not come back so I was worried.")
    assert "shame" in emotions("I had no money and felt embarrassed.")
    assert "anxiety" in emotions("I did not know anyone there and felt nervous.")
    assert "fear" not in emotions("I was not so scared.")
    assert not emotions("I wasn't scared and was not nervous.")


def test_never_so_happy_is_happy():
    assert "joy" in emotions("I had never been so happy.")
    assert "fear" in emotions("I have never been so scared in my life.")
    assert "fear" not in emotions("I was never scared.")


def test_an_object_after_a_skipped_verb_is_not_the_subject():
    assert "fear" not in emotions("He tells me of a woman who went mad, screaming at the walls.")
    assert "fear" in emotions("I knew someone was there and I was scared.")


def test_a_feeling_word_describing_a_thing_is_not_felt():
    assert not emotions("I was flying over a calm sea.")
    assert "anger" not in emotions("I saw an angry man at the gate.")
    assert "fear" in emotions("I was so scared I ran.")
    assert "anxiety" in emotions("I was a nervous wreck.")
    assert "anger" in emotions("I gave him an angry look.")


def test_feeling_names_that_are_too_ambiguous_to_look_for_still_have_a_family():
    assert feeling_family("love") == "joy" and "joy" not in emotions("I love my new car.")
    assert feeling_family("awe") == "surprise" and feeling_family("stress") == "anxiety"


def test_pictures_colour_feelings_by_the_same_lexicon():
    from dreamly import picture

    assert picture.family_of("terrified") == "fear"
    assert picture.family_of("over the moon") == "joy"


def test_feelings_only_while_recounting_do_not_count():
    assert emotions("Scared. I got very nervous just thinking about it.") == {"fear"}
    assert not emotions("I still get scared when I think about it.")
    assert "fear" in emotions("I woke up and I was still scared.")  # on waking counts


def test_relief_at_being_safe_or_that_it_was_a_dream():
    assert "relief" in emotions("I woke up and was glad it was only a dream.")
    assert emotions("I was so happy to be home.") == {"relief"}
    assert emotions("I was glad to see her.") == {"joy"}
