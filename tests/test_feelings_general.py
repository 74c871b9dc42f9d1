"""General kinds of emotion error, one test each (issue 14): every sentence is written for
the test, none comes from a labelled report. Each kind is named in its docstring."""

from __future__ import annotations

import pytest

from dreamly.analysis import analyze


def emotions(text: str) -> set[str]:
    return set(analyze(text).emotion_ids())


def test_fleeing_a_dangerous_animal_is_fear():
    """Kind: flight from something clearly dangerous, where the danger is an animal."""
    assert "fear" in emotions("A bear came out of the trees and chased us.")
    assert "fear" in emotions("There was a shark in the lagoon. I swam for the rocks and hid.")
    assert "fear" in emotions("a huge snarling dog came at me and i ran")
    assert "fear" in emotions("The lion got out of its cage and we ran for the car.")
    # an ordinary animal, or a threat the text calls harmless, is no fear by itself
    assert "fear" not in emotions("A dog was chasing me around the park.")
    assert "fear" not in emotions("There was a bear in the yard. It was tame, but I ran inside anyway.")
    assert "fear" not in emotions("A wolf followed us. I wasn't scared, but we ran to the hut.")


def test_fear_of_a_social_consequence_is_anxiety():
    """Kind: a fear word whose object is trouble, lateness, an exam or others' judgement."""
    got = emotions("I was scared that I'd be late for school.")
    assert "anxiety" in got and "fear" not in got
    got = emotions("i was scared the teacher would find out")
    assert "anxiety" in got and "fear" not in got
    got = emotions("I was afraid of what my mother would say.")
    assert "anxiety" in got and "fear" not in got
    got = emotions("We were frightened we would get caught by the teacher.")
    assert "anxiety" in got and "fear" not in got
    # a fear of something physical stays fear
    assert "fear" in emotions("I was scared that the roof would fall on us.")


def test_a_feeling_the_dreamer_causes_or_watches_is_someone_elses():
    """Kind: whose feeling — the dreamer scares, sees or hears someone else feel it, or
    someone else judges it; a person noun right before the verb is the one who feels."""
    assert "fear" not in emotions("I hid behind the door and scared my little cousin.")
    assert "fear" not in emotions("i threw a shoe and scared it off")
    assert "surprise" not in emotions("We surprised the neighbours with a party.")
    assert "sadness" not in emotions("I stood by the grave watching my aunt cry.")
    assert "joy" not in emotions("The waiters all thought it was hilarious.")
    assert "sadness" not in emotions("At the station her brother was crying.")
    # ... while the dreamer's own stays the dreamer's
    assert "joy" in emotions("I enjoyed the whole trip.")
    assert "anxiety" in emotions("I was worried people would notice my shoes.")
    assert "fear" in emotions("My knees were shaking.")
    assert "fear" in emotions("I thought it was terrifying.")


def test_negation_stops_at_a_turn():
    """Kind: negation scope — a contrast, a typed "lol", or a new subject with its own verb
    ends a negation's reach; a feeling held back ("trying not to laugh") is still shown."""
    assert "anger" in emotions("i wasnt even scared just really annoyed")
    assert "joy" in emotions("wasnt scared at all weirdly it was thrilling")
    assert "relief" in emotions("checked and i didnt have the exam lol relieved")
    assert {"fear", "anger"} <= emotions("I was not only scared but angry.")
    assert "joy" in emotions("We were all trying not to giggle.")
    assert "sadness" in emotions("I was trying hard not to cry.")
    # ... and still reaches what it denies
    assert "fear" not in emotions("I didn't think it was scary.")
    assert "fear" not in emotions("i wasnt scared at all")
    assert "fear" not in emotions("I didn't feel scared, just very calm.")


def test_typed_notes_comment_on_their_own_feelings():
    """Kind: the verbless comment of a typed note ("..., so annoying", "humiliating",
    "gutted", "lol so relieved") is the dreamer's feeling, and British/typed joy words count."""
    assert "anger" in emotions("my brother kept nicking my chips all night, so annoying")
    assert "shame" in emotions("tripped up the stairs on stage in front of everyone, humiliating")
    assert "confusion" in emotions("the house had six kitchens. confusing as hell")
    assert "sadness" in emotions("missed the last train home. gutted")
    assert "anxiety" in emotions("exam in ten minutes and no pen. stomach in knots")
    assert "relief" in emotions("couldnt find the cat for ages then she was under the bed, so relieved")
    assert "relief" in emotions("nobody noticed lol so relieved")
    assert "joy" in emotions("went to the beach with my mates. sunny and fun")
    assert "joy" in emotions("It was a really fun afternoon.")
    assert "joy" in emotions("passed my test and came out buzzing")
    assert "joy" in emotions("we were all cracking up")
    assert "joy" in emotions("i was crying laughing") and "sadness" not in emotions("i was crying laughing")
    assert "shame" in emotions("stood there in my pants feeling daft")
    # ... but not someone or something else's
    assert "sadness" not in emotions("The barn was empty and gutted by the fire.")
    assert "joy" not in emotions("the phone on the table was buzzing")
    assert "joy" not in emotions("the older kids were making fun of me")
    assert "anger" not in emotions("She turned around, furious.")


def test_feeling_words_as_tired_people_type_them():
    """Kind: typing — a double letter dropped, -ing without its g, the common misspellings."""
    assert "shame" in emotions("i was sooo embarassed")
    assert "sadness" in emotions("totally disapointed with myself")
    assert "anxiety" in emotions("i was so stresed about it")
    assert "fear" in emotions("i was panicing")
    assert "frustration" in emotions("got really frustated")
    assert "confusion" in emotions("i was so confussed")
    assert "relief" in emotions("i was releived")
    assert "surprise" in emotions("i was suprised")
    assert "anger" in emotions("i was fumin")
    assert "fear" in emotions("a huge spider ran at me, i was screamin")
    assert "joy" in emotions("i was so exited to see her")
    # ... and the real words they could be mistaken for are not feelings
    assert not emotions("I exited the building by the side door.")
    assert not emotions("I relived the whole day in my head.")


def test_words_and_frames_of_one_feeling_and_not_another():
    """Kind: which emotion — British "wound up" is anger, "felt awful for making her wait"
    guilt, "glad to wake up" and "what a relief" relief, calling out while nobody comes
    helplessness; shaking put down to nerves is not fear, gasping for air not surprise."""
    assert "anger" in emotions("i was so wound up i woke up grumpy")
    assert "anxiety" in emotions("I was wound up about the big match.")
    assert "anxiety" not in emotions("she really wound me up")
    assert "anger" in emotions("I was cross with my sister all day.")
    assert "anger" in emotions("I told the bus driver off.")
    assert "guilt" in emotions("felt terrible for leaving him there")
    assert "sadness" in emotions("I felt sorry for the old dog.")
    got = emotions("I was so glad to wake up.")
    assert "relief" in got and "joy" not in got
    assert "relief" in emotions("What a relief that was.")
    assert "helplessness" in emotions("I kept shouting for my dad but nobody came.")
    assert "confusion" in emotions("I had no idea what was going on.")
    assert "anxiety" in emotions("I was afraid they'd blame me for it.")
    got = emotions("I was so nervous my knees were shaking.")
    assert "anxiety" in got and "fear" not in got
    assert "surprise" not in emotions("I came up from the water gasping for air.")
    assert "joy" in emotions("I felt so in love with her.")
    assert "fear" not in emotions("I'm afraid I don't remember the rest.")
    assert "anger" not in emotions("I yelled at him to come and look at the view.")


def test_fleeing_and_standing_ground():
    """Kind: the flight rule — more ways to flee (swimming for the boat, as fast as I could),
    and no flight when the dreamer stands and fights."""
    assert "fear" in emotions("There was a shark behind me and I swam for the rocks.")
    assert "fear" in emotions("A man with a gun came in so I ran as fast as I could.")
    assert "fear" not in emotions("A man came at me with a knife. I didn't run, I hit him with a chair.")


def test_a_verb_first_clause_after_it_was_is_the_dreamers():
    """Kind: whose feeling in run-on notes — "it was ..., came out buzzing": a clause that opens
    with its verb after an "it was" clause is the dreamer's, not the it's."""
    assert "joy" in emotions("the test was fine and it was all easy, came out buzzing")
    assert "fear" not in emotions("It was a dark valley, full of screaming crows.")


def test_report_constructions_of_feelings():
    """Kind: constructions of narrative reports — a feeling as what there was, the manner of
    what the dreamer says, attraction, relief that it is over, nothing to be done, feeling
    threatened; and set phrases that are no feeling of the dreamer's."""
    assert "anxiety" in emotions("There was a feeling of anxiety in the hall.")
    assert "anger" in emotions("I tell the clerk angrily that it is wrong.")
    assert "joy" in emotions("I really fancied him.")
    assert "joy" not in emotions("I liked her coat.")
    assert "confusion" in emotions("I don't understand what's happening.")
    got = emotions("I'm glad it's over.")
    assert "relief" in got and "joy" not in got
    assert "helplessness" in emotions("I couldn't do anything to stop it.")
    assert "fear" in emotions("I felt threatened by the men at the bar.")
    assert "joy" not in emotions("I tried to cheer him up.")
    assert "joy" not in emotions("We sang happy birthday to my aunt.")


def test_typed_subjects_the_subject_finder_misses():
    """Kind: whose feeling in typed notes — a bare kin noun before the verb is someone else
    ("dad just laughed"); a clause after "couldnt find the X" is still the dreamer's."""
    assert "joy" not in emotions("i dented the car but nobody was hurt. dad just laughed")
    assert "sadness" not in emotions("got home and mum was crying in the kitchen")
    assert "frustration" in emotions("couldnt find my keys for ages, got really frustrated")
    assert "fear" in emotions("I found the cellar door, got really scared.")


def test_broader_lexicons_per_emotion():
    """Kind: lexicon breadth — more words and frames per emotion, from general usage."""
    assert "anger" in emotions("I was really offended.")
    assert "anger" in emotions("I gave the driver the finger.")
    assert "anxiety" in emotions("I was under a lot of pressure.")
    assert "anxiety" in emotions("I felt paranoid the whole time.")
    assert "relief" in emotions("I was so glad my brother was okay.")
    assert "relief" not in emotions("She was glad he was okay.")
    assert "relief" in emotions("It was like a weight had been lifted.")
    assert "joy" in emotions("I had a wonderful feeling.")
    assert "sadness" in emotions("It broke my heart.")
    assert "sadness" in emotions("I felt so alone.")
    assert "surprise" in emotions("I nearly jumped out of my skin.")


def test_more_typed_note_forms():
    """Kind: typed notes — waking up with a feeling is the dreamer's, a bare feeling with
    "af"/"tbh" after a comma is the writer's, a sentence of the feeling alone ("bit scared
    tbh"), subjectless "was so embarrassing", "heart racing", "best feeling ever", happy tears."""
    assert "anger" in emotions("my mate ate my sandwich in the dream, woke up fuming")
    assert "sadness" in emotions("woke up in tears about it")
    assert "anger" not in emotions("my dad woke up fuming")
    assert "anxiety" in emotions("the train was cancelled, stressed af")
    assert "fear" in emotions("bit scared tbh")
    assert "shame" in emotions("fell over in assembly. was so embarassing")
    assert "fear" in emotions("fell down a well and woke with a jolt, heart racing")
    assert "joy" in emotions("was surfing huge waves, best feeling ever")
    got = emotions("my brother got married and i was crying happy tears")
    assert "joy" in got and "sadness" not in got
    assert "sadness" in emotions("gutted when i woke up")
    assert "confusion" in emotions("no idea what was going on tbh")
    # an apposition after a comma stays the subject's
    assert "shame" not in emotions("He agrees, a bit embarrassed.")
    assert "joy" not in emotions("He walks out, grinning.")


WHOLESALE = {
    "fear": ["i was absolutely shitting it", "we feared for our lives", "i was frit to go in"],
    "anxiety": ["i had the jitters all morning", "i was a bundle of nerves", "i was overthinking everything"],
    "frustration": ["ffs the lift broke again", "i was at the end of my tether", "i was tearing my hair out"],
    "shame": ["i went bright red", "my face was burning", "i wanted the ground to swallow me up"],
    "anger": ["i flipped out at the clerk", "i threw a tantrum", "i was in a foul mood with everyone"],
    "sadness": ["i was in bits at the station", "my eyes welled up", "i cried my eyes out"],
    "joy": ["i was beaming all day", "we were all smiles", "i was on a high all day"],
    "confusion": ["nothing made sense", "it just didnt make any sense", "i was completely flummoxed"],
    "relief": ["i could breathe again", "thank fuck for that", "i breathed easy at last"],
    "surprise": ["i was blown away", "i was dumbstruck", "i was knocked for six"],
}


@pytest.mark.parametrize("emotion,text", [(e, t) for e, ts in WHOLESALE.items() for t in ts])
def test_wholesale_lexicons(emotion, text):
    """Kind: lexicon breadth — words and idioms per emotion from general British/American usage."""
    assert emotion in emotions(text)


def test_an_inherited_subject_that_names_no_one_feels_nothing():
    """Kind: whose feeling — relaxing an over-narrow condition: a clause that opens with its verb
    inherits its subject, and when that subject names no person or creature ("the train", "the
    lights", "the car") the feeling is the dreamer's; a person or an animal keeps it theirs."""
    assert "anger" in emotions("the train was late again, got really annoyed")
    assert "fear" in emotions("the lights went out in the whole building, felt so scared")
    assert "anxiety" in emotions("the car broke down on the motorway, got so stressed")
    assert "anger" not in emotions("the man came in, looked furious")
    assert "joy" not in emotions("she walked in, seemed really happy")
    assert "fear" not in emotions("the dog ran off, looked scared")
    assert "anger" not in emotions("the teacher shouted at us, got really angry")


def test_feelings_done_to_the_dreamer():
    """Kind: the dreamer as the object of a feeling idiom — "freaked me out", "gave me the
    creeps", "my stomach dropped", "no clue whats happening" typed without its apostrophe."""
    assert "anxiety" in emotions("the noises in the loft freaked me out")
    assert "fear" in emotions("that clown gave me the creeps")
    assert "fear" in emotions("when the door opened my stomach dropped")
    assert "confusion" in emotions("no clue whats happening")


def test_more_evaluative_words():
    """Kind: lexicon breadth — how the dreamer judges what happened: eerie, sinister; tense;
    gutting, tragic; unexpected; brilliant, funny; as "it was X" and as a note's comment."""
    assert "fear" in emotions("the house was dark and it was eerie")
    assert "fear" in emotions("walked into the woods, so sinister")
    assert "anxiety" in emotions("it was really tense")
    assert "sadness" in emotions("missed the final, gutting")
    assert "surprise" in emotions("it was so unexpected")
    assert "joy" in emotions("it was brilliant")
    assert "joy" not in emotions("The brilliant light blinded me.")
    assert "joy" not in emotions("She said it was brilliant.")


def test_colloquial_subjects_and_headings():
    """Kind: whose feeling — "me and my mates" / "my sister and me" as the subject; a feelings
    heading with a word or two more ("Emotions felt:", "Feelings in the dream:")."""
    assert "joy" in emotions("me and my cousins were laughing the whole way home")
    assert "fear" in emotions("my sister and me got really scared")
    assert {"fear", "confusion"} <= emotions("Setting: a ship. Emotions felt: fear, confusion.")
    assert {"anxiety", "sadness"} <= emotions("Feelings in the dream: anxious, sad.")


def test_flight_and_shaking_that_show_no_fear():
    """Kind: fear false alarms — a bare "ran" far from the danger is no flight, and a shaking
    house or ground is no trembling dreamer."""
    assert "fear" not in emotions("We watched a film about a killer. The next day was sunny. "
                                  "In the morning I ran to catch the bus.")
    assert "fear" in emotions("The man pulled out a gun. I ran.")
    assert "fear" not in emotions("I felt the ground shaking under my feet.")
    assert "fear" not in emotions("The whole house shook as the train went past.")
    assert "fear" in emotions("I was shaking all over.")


def test_a_capitalised_feeling_word_after_a_word_is_a_name():
    """Kind: word sense — "Joy", "Rage" capitalised after a word are names, not feelings;
    capitals after a copula, in a heading list or in all caps are still feelings."""
    assert not emotions("I met Joy at the station.")
    assert not emotions("we went to see Rage Against the Machine")
    assert "fear" in emotions("I was SO SCARED")
    assert {"fear", "sadness"} <= emotions("Characters: Mom, Dad. Feelings: Scared and Sad.")
    assert "joy" in emotions("I was Happy.")


def test_slips_in_the_commonest_feeling_words():
    """Kind: typing — two letters swapped or one dropped in the feeling words typed most."""
    assert "fear" in emotions("i was so scraed")
    assert "anxiety" in emotions("i was worired sick")
    assert "shame" in emotions("i was embarrassd")
    assert "confusion" in emotions("totally confsued")
    assert "surprise" in emotions("i was shoked")
    # slips that are words of their own are left alone
    assert not emotions("We visited the sacred temple.")
    assert not emotions("He socked me on the jaw and I exited the bar.")


def test_feelings_in_what_the_dreamer_gives_off():
    """Kind: whose feeling — "a nervous laugh", "this nervous energy", "a happy sigh" are felt
    (the noun is something the feeler gives off, not a thing described); a nervous or polite
    laugh or smile is no joy."""
    assert "anxiety" in emotions("I gave a nervous laugh.")
    assert "joy" not in emotions("I gave a nervous laugh.")
    assert "anxiety" in emotions("I had this nervous energy all day.")
    assert "joy" in emotions("I let out a happy sigh.")
    assert "joy" not in emotions("I smiled politely at the clerk.")
    assert "fear" not in emotions("a scared girl ran past me")


def test_more_typed_forms_of_feelings():
    """Kind: typed notes — "proper freaked", "sick with nerves", "had the best time", "felt like
    a failure", "doing my head in", and a clause that opens with "didnt" has no subject of its own."""
    assert "anxiety" in emotions("proper freaked tbh")
    assert "anxiety" in emotions("felt sick with nerves before it started")
    assert "joy" in emotions("we had the best time at the fair")
    assert "shame" in emotions("felt like a total failure")
    assert "anger" in emotions("the noise was doing my head in")
    assert "confusion" in emotions("didnt have a clue what was happening")
