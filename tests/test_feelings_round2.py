"""Emotion kinds of the second round (issue 14): each test names a kind of sentence and
holds sentences written for it, none from a labelled report; each failed before its rule."""

from __future__ import annotations

from dreamly.analysis import analyze


def emotions(text: str) -> set[str]:
    return set(analyze(text).emotion_ids())


def anxiety_not_fear(text: str) -> bool:
    got = emotions(text)
    return "anxiety" in got and "fear" not in got


def test_a_fear_word_with_a_clause_for_complement_is_anxiety_unless_the_outcome_is_physical():
    """Kind: the README's line between fear and anxiety, by the sentence's shape: "afraid
    (that) she would leave me", "scared of missing the plane", "afraid to tell her" fear an
    outcome; it is anxiety unless the outcome is bodily harm or a threat."""
    assert anxiety_not_fear("I was afraid that she would leave me.")
    assert anxiety_not_fear("I was afraid I had lost my wallet.")
    assert anxiety_not_fear("I was afraid of losing my job.")
    assert anxiety_not_fear("I was afraid to tell my mother what had happened.")
    assert anxiety_not_fear("We were afraid that the car would not start.")
    assert anxiety_not_fear("i was scared id forget my lines")
    # a physical outcome stays fear
    for text in ("I was afraid that he would kill me.", "I was scared that I would fall off the ledge.",
                 "I was afraid the boat would sink.", "I was afraid they would find me hiding there.",
                 "I was afraid I would slip and lose my grip on the rope.", "I was scared of the dark.",
                 "I was afraid to move.", "There were snakes on the floor and I was terrified of stepping on one."):
        got = emotions(text)
        assert "fear" in got and "anxiety" not in got, text
    # a result clause is no complement, and the polite idiom is no feeling
    assert emotions("I was so scared I couldn't move.") == {"fear"}
    assert emotions("I'm afraid I don't remember much of the rest.") == set()
