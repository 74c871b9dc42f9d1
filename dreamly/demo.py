"""A believable sample journal, so a newcomer sees `dreamly patterns` at work in a minute.

Ten weeks of one person's dreams, written for dreamly: an ordinary start, a work deadline
that builds (heavy legs, being chased, nightmares, a red-flag fortnight), the launch, and a
calmer last week. Dates count back from today, so the default window is always the end of
the story. Motifs are given by hand with the words that show them (the evidence `show`
marks), so the story does not depend on how well the matcher reads each sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dreamly.errors import DreamlyError


@dataclass(frozen=True)
class DemoHit:
    """Shaped like analysis.Hit, which `Journal.save_analysis` stores."""

    id: str
    evidence: str
    start: int
    end: int
    subject: str = "dreamer"


@dataclass(frozen=True)
class DemoDream:
    days_ago: int
    body: str
    title: str = ""
    tags: tuple = ()
    emotions: tuple = ()  # ("fear", 4) pairs: what the dreamer tagged
    motifs: dict = field(default_factory=dict)  # motif id -> the words in the body that show it
    context: str = ""
    nightmare: bool = False
    lucid: bool = False
    recurring: bool = False
    sleep: int | None = None


STAIRS = "the house with the endless stairs"
HARD_FORTNIGHT_ENDS = 24  # days ago: the launch, the last of the red-flag weeks

# Oldest first. days_ago 69 is ten weeks back; 0 is this morning.
DREAMS: tuple[DemoDream, ...] = (
    # -- weeks 10-8: an ordinary stretch ------------------------------------------------------
    DemoDream(69, "I was flying low over the allotments, skimming the bean poles, and Mum was waving from "
              "the shed. It felt easy and warm.", title="Over the allotments", tags=("family",),
              emotions=(("joy", 4),), motifs={"flying": "I was flying"}, context="Quiet week, visited Mum on Sunday",
              sleep=4),
    DemoDream(67, "A long dinner at a restaurant that kept changing rooms. Nobody minded. I ordered soup three "
              "times.", tags=("friends",), emotions=(("confusion", 2),), context="Birthday dinner with Sam", sleep=4),
    DemoDream(65, "I was back in my grandmother's house, climbing the stairs to the attic. The stairs kept going "
              "up and up and I never found the attic door.", title=STAIRS, tags=("family",),
              emotions=(("confusion", 3), ("frustration", 2)), motifs={"lost": "never found the attic door"},
              context="Sorting old photos of Gran", recurring=True, sleep=3),
    DemoDream(63, "Swimming in a clear green lake with the dog. The water was warm and I could see the stones "
              "on the bottom.", tags=("nature",), emotions=(("joy", 3), ("relief", 2)),
              motifs={"water": "Swimming in a clear green lake"}, context="Long walk in the hills", sleep=5),
    DemoDream(60, "I was late for an exam I hadn't revised for, running down corridors that all looked the "
              "same.", tags=("work",), emotions=(("anxiety", 3),), motifs={"late_or_exam": "late for an exam"},
              context="New project kickoff at work, big launch in eight weeks", sleep=3),
    DemoDream(58, "A train journey along the coast. I knew I was dreaming and decided to make the train fly "
              "over the sea. It did.", title="The flying train", tags=("travel",), emotions=(("joy", 5), ("surprise", 3)),
              motifs={"flying": "make the train fly"}, context="Booked a weekend away", lucid=True, sleep=5),
    DemoDream(56, "Grandmother's house again. Endless stairs, the attic door nowhere, and the lights flickering "
              "on every landing.", title=STAIRS, tags=("family",), emotions=(("confusion", 3), ("anxiety", 2)),
              motifs={"lost": "the attic door nowhere"}, context="Gran's birthday would have been this week",
              recurring=True, sleep=3),
    DemoDream(54, "I was at a market buying oranges and the stallholder was my old maths teacher. We talked about "
              "nothing much.", tags=("friends",), emotions=(("surprise", 2),), context="Easy weekend", sleep=4),
    # -- weeks 7-5: the deadline builds --------------------------------------------------------
    DemoDream(51, "Someone was chasing me through a car park at night. My legs were heavy as wet concrete and "
              "every step took all my strength.", title="The car park", tags=("work", "deadline"),
              emotions=(("fear", 4), ("helplessness", 3)),
              motifs={"chase": "Someone was chasing me", "pursuer_stranger_or_monster": "Someone",
                      "heavy_legs": "My legs were heavy as wet concrete"},
              context="Launch date moved forward two weeks, late nights on the release", sleep=2),
    DemoDream(49, "I was giving the quarterly presentation and realised I was naked from the waist down. Nobody "
              "said anything.", tags=("work",), emotions=(("shame", 4), ("anxiety", 3)),
              motifs={"naked_in_public": "naked from the waist down"},
              context="Presentation to the board on Thursday", sleep=3),
    DemoDream(47, "Running for the last bus but I was running in slow motion, the bus pulling away while I "
              "wade through air thick as syrup.", tags=("work", "deadline"), emotions=(("frustration", 4),),
              motifs={"slow_motion": "running in slow motion"}, context="Missed the sprint deadline, release slipping",
              sleep=2),
    DemoDream(45, "A dog was chasing me along the canal path. I kept trying to run but my legs felt like lead.",
              tags=("deadline",), emotions=(("fear", 3), ("frustration", 3)),
              motifs={"chase": "A dog was chasing me", "pursuer_animal": "A dog",
                      "heavy_legs": "my legs felt like lead"},
              context="Weekend on call for the release", sleep=2),
    DemoDream(44, "In grandmother's house, climbing the stairs that go on forever. I could hear my phone ringing "
              "somewhere above but never found the attic door.", title=STAIRS, tags=("family", "work"),
              emotions=(("anxiety", 3), ("frustration", 3)), motifs={"lost": "never found the attic door"},
              context="Phone buzzing all evening with release questions", recurring=True, sleep=2),
    DemoDream(42, "My teeth were crumbling into my hand during a video call with my manager.", tags=("work",),
              emotions=(("anxiety", 4), ("shame", 2)), motifs={"teeth": "My teeth were crumbling"},
              context="Performance review next week, deadline stress", nightmare=True, sleep=2),
    DemoDream(40, "A man in a grey suit was following me through the office. I tried to run and my legs "
              "wouldn't move at all.", title="Grey suit", tags=("work", "deadline"),
              emotions=(("fear", 5), ("helplessness", 4)),
              motifs={"chase": "was following me", "pursuer_stranger_or_monster": "A man in a grey suit",
                      "paralysis": "my legs wouldn't move"},
              context="Deadline in two weeks, the release is behind", nightmare=True, sleep=1),
    DemoDream(38, "I was falling from a tall building but landed softly in a pile of laundry.", tags=("home",),
              emotions=(("fear", 2), ("relief", 3)), motifs={"falling": "I was falling"},
              context="A slow Sunday at home", sleep=3),
    # -- weeks 4-3: the hard fortnight ------------------------------------------------------------
    DemoDream(35, "Something I couldn't see was chasing me down a corridor. My legs were heavy as sandbags and "
              "the corridor got longer.", tags=("work", "deadline"), emotions=(("fear", 5), ("helplessness", 4)),
              motifs={"chase": "Something I couldn't see was chasing me", "pursuer_invisible": "Something I couldn't see",
                      "heavy_legs": "My legs were heavy as sandbags"},
              context="Release crunch, worked until midnight", nightmare=True, sleep=1),
    DemoDream(34, "The office was flooding and I was wading through water up to my waist to reach my laptop.",
              tags=("work", "deadline"), emotions=(("anxiety", 4), ("frustration", 4)),
              motifs={"uphill_or_water": "wading through water up to my waist"},
              context="Deadline crunch, bugs piling up", sleep=2),
    DemoDream(33, "My manager was chasing me around the car park shouting numbers. My legs were heavy, like "
              "running through mud.", tags=("work", "deadline"), emotions=(("fear", 4), ("frustration", 4)),
              motifs={"chase": "My manager was chasing me", "pursuer_known_person": "My manager",
                      "heavy_legs": "My legs were heavy"},
              context="Manager asking for daily status on the release", nightmare=True, sleep=2),
    DemoDream(31, "Trapped in a lift between floors with the whole team. The buttons didn't work.",
              tags=("work",), emotions=(("anxiety", 4), ("helplessness", 3)), motifs={"trapped": "Trapped in a lift"},
              context="Deadline week, everyone tense", sleep=2),
    DemoDream(29, "Something was chasing me through a forest. I ran and ran but my legs were heavy as stone "
              "and I woke up gasping.", title="The forest", tags=("deadline",), emotions=(("fear", 5), ("helplessness", 4)),
              motifs={"chase": "Something was chasing me", "pursuer_stranger_or_monster": "Something",
                      "heavy_legs": "my legs were heavy as stone"},
              context="Weekend working on the release", nightmare=True, sleep=1),
    DemoDream(28, "Grandmother's house once more: the endless stairs, the attic door I never found, and this "
              "time the stairs were sinking under my feet.", title=STAIRS, tags=("family", "deadline"),
              emotions=(("anxiety", 4), ("helplessness", 3)), motifs={"lost": "the attic door I never found"},
              context="Release in five days", recurring=True, nightmare=True, sleep=1),
    DemoDream(27, "A stranger was chasing me across the bridge and my legs were heavy, dragging like they "
              "were full of wet sand.", tags=("work", "deadline"), emotions=(("fear", 4), ("frustration", 4)),
              motifs={"chase": "A stranger was chasing me", "pursuer_stranger_or_monster": "A stranger",
                      "heavy_legs": "my legs were heavy"},
              context="Deadline tomorrow, staying late", sleep=2),
    DemoDream(26, "I was running down the platform but stayed in the same place, the train doors closing.",
              tags=("work", "deadline"), emotions=(("frustration", 5), ("anxiety", 3)),
              motifs={"running_nowhere": "running down the platform but stayed in the same place"},
              context="Launch day eve, final checks", nightmare=True, sleep=1),
    DemoDream(24, "A shadow was following me home. I couldn't run; my legs felt like jelly.", tags=("work", "deadline"),
              emotions=(("fear", 4), ("helplessness", 4)),
              motifs={"chase": "was following me", "pursuer_invisible": "A shadow",
                      "jelly_legs": "my legs felt like jelly"},
              context="Launch went out, fixing bugs all weekend", nightmare=True, sleep=2),
    # -- weeks 2-1: after the launch ------------------------------------------------------------
    DemoDream(21, "I was late for my own leaving party and couldn't find the venue.", tags=("work",),
              emotions=(("anxiety", 2), ("confusion", 3)), motifs={"late_or_exam": "late for my own leaving party",
                                                                   "lost": "couldn't find the venue"},
              context="Launch retro at work", sleep=3),
    DemoDream(19, "My legs were heavy on a hill path, but I reached the top and the view was wide open.",
              tags=("nature",), emotions=(("relief", 4),), motifs={"heavy_legs": "My legs were heavy"},
              context="First free weekend in a month, went hiking", sleep=3),
    DemoDream(17, "A cat followed me around a sunny house. I wasn't afraid; it just wanted feeding.",
              tags=("home",), emotions=(("joy", 3),), context="Quiet evening in", sleep=4),
    DemoDream(15, "I was swimming in the sea with friends, laughing, diving for shells.", tags=("friends", "nature"),
              emotions=(("joy", 4), ("relief", 3)), motifs={"water": "swimming in the sea"},
              context="Day at the beach with Sam", sleep=4),
    DemoDream(13, "A planning meeting that went on for hours. I was chased by a spreadsheet, which was funny "
              "more than scary.", tags=("work",), emotions=(("confusion", 2), ("surprise", 2)),
              motifs={"chase": "I was chased by a spreadsheet", "pursuer_stranger_or_monster": "a spreadsheet"},
              context="Next quarter planning, no deadline yet", sleep=3),
    DemoDream(11, "Flying over the city at dusk, steering with my arms. Totally calm.", tags=("travel",),
              emotions=(("joy", 4), ("relief", 3)), motifs={"flying": "Flying over the city"},
              context="Weekend away at last", sleep=5),
    DemoDream(9, "Gran's kitchen, baking bread. She showed me where she kept the attic key.", tags=("family",),
              emotions=(("sadness", 2), ("joy", 3)), context="Called Mum about Gran's things", sleep=4),
    DemoDream(7, "I was in a garden full of tall sunflowers, looking for my bike, and then found it.",
              tags=("home",), emotions=(("relief", 3),), context="Gardening at the weekend", sleep=4),
    DemoDream(5, "I was flying over the allotments again. Mum was there, and the dog.", tags=("family",),
              emotions=(("joy", 4),), motifs={"flying": "I was flying"}, context="Visited Mum", sleep=5),
    DemoDream(4, "A hike up a steep hill with old friends. We stopped for tea and laughed at nothing.",
              tags=("friends", "nature"), emotions=(("joy", 3), ("relief", 2)), context="Planning a hiking trip", sleep=4),
    DemoDream(3, "The office, but calm. I was explaining the launch to a new starter and it made sense.",
              tags=("work",), emotions=(("relief", 3),), context="New teammate started, a calmer week", sleep=4),
    DemoDream(2, "Falling slowly through clouds, not scared, more like floating.", tags=("home",),
              emotions=(("surprise", 3), ("relief", 2)), motifs={"falling": "Falling slowly through clouds"},
              context="Slept in", sleep=5),
    DemoDream(1, "Swimming in the clear green lake again. I could see the bottom.", tags=("nature",),
              emotions=(("joy", 4),), motifs={"water": "Swimming in the clear green lake"}, context="Long walk in the hills",
              sleep=5),
    DemoDream(0, "I was at the top of grandmother's stairs at last and the attic door was open, full of light.",
              title=STAIRS, tags=("family",), emotions=(("relief", 4), ("sadness", 2)),
              context="Sorting Gran's photos with Mum", recurring=True, sleep=4),
)


def hits_for(dream: DemoDream) -> list[DemoHit]:
    """The dream's hand-given motifs as hits, with the span of the evidence in the body."""
    hits = []
    for motif_id, evidence in dream.motifs.items():
        start = dream.body.find(evidence)
        if start < 0:
            raise ValueError(f"demo dream {dream.days_ago} days ago: {evidence!r} is not in its text")
        hits.append(DemoHit(motif_id, evidence, start, start + len(evidence)))
    return hits


def write_demo(journal, today: date | None = None) -> int:
    """Write the sample dreams into an empty journal; returns how many were written."""
    from dateutil.relativedelta import relativedelta

    from dreamly.analysis import MATCHER_VERSION
    from dreamly.store import NewDream

    if journal.count():
        raise DreamlyError(f"{journal.path} already holds dreams; the demo only writes to a new or empty journal")
    today = today or date.today()
    for dream in DREAMS:
        dream_id = journal.add(NewDream(
            body=dream.body, dreamt_on=today - relativedelta(days=dream.days_ago), title=dream.title,
            context=dream.context, lucid=dream.lucid, nightmare=dream.nightmare, recurring=dream.recurring,
            sleep_quality=dream.sleep, tags=dream.tags, emotions=dream.emotions, source="dreamly demo",
        ))
        journal.save_analysis(dream_id, hits_for(dream), (), MATCHER_VERSION)
    return len(DREAMS)


def how_to_explore(path, today: date | None = None) -> list[str]:
    """The commands to try on the sample journal, ready to paste."""
    import shlex

    from dateutil.relativedelta import relativedelta

    today = today or date.today()
    db = shlex.quote(str(path))
    hard = (today - relativedelta(days=HARD_FORTNIGHT_ENDS)).isoformat()
    return [
        "Explore it:",
        "  The last 7 days against the 4 weeks before (the story's calmer end):",
        f"    dreamly patterns --db {db}",
        "  The week the deadline hit, red flag and all:",
        f"    dreamly patterns --db {db} --until {hard}",
        "  Every dream, newest first:",
        f"    dreamly list --db {db}",
        "  Or use it for every command in this shell:",
        f"    export DREAMLY_DB={db}",
    ]
