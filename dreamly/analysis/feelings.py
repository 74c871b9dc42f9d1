"""Feelings: whose feeling a hit is, and where negation may reach it from.

* `emotion_scope(...)`: where negation may reach a feeling from (after a feelings
  heading; not across "and" into a feeling with its own verb; "never been so happy";
  not back past "made me" to a denial with its own verb);
* `emotion_subject(low, clause_start, start, end)`: what the words around a feeling
  say about whose it is, before the clause's subject is asked: "it made me sad" is
  mine, "I made her sad" is not; "a feeling of dread", "my fear was that ...", "fear
  gripped me", "much to my relief", "it was a happy dream", "Feelings and Thoughts: Happy,
  worried" are mine; "I'll be sad when ...", "she asked if I was scared" are not feelings in
  the dream; "I scared my cousin", "to surprise them", "watching my aunt cry", "they thought
  it was hilarious", "dad just laughed", '"I'm scared," she said', "Terrified, the children
  ran" are someone else's; "..., so relieved" (a note's comment), "woke up fuming", "me and my
  mates were laughing" are mine;
* `inherits_dummy(...)`: a verb-first clause whose inherited subject cannot feel ("it was
  ...", "couldnt find the exit", "the train was late, got so annoyed") is the dreamer's;
  `feeler_named` says whether a subject names a person or creature.

The lexicons themselves (words and phrases as data, typed forms, feeling names) are
`lexicons.py`'s. Standard library only: this module is imported on the `add` path.
"""

from __future__ import annotations

from bisect import bisect_right

from dreamly.lazy_re import compile_later

# ---------------------------------------------------------------- whose feeling

# "it made me sad", "that got us so worked up", "they laughed at me for being scared"
_CAUSED_IN_ME = compile_later(
    r"(?:\b(?:made|make|makes|making|left|leave|leaves|leaving|got|get|gets|getting|drove|drive|drives|driving|"
    r"kept|keep|keeps|keeping)\s+(?:me|us)\s+(?:feel(?:ing)?\s+)?|\b(?:me|us)\s+for\s+(?:being|feeling|getting|looking)\s+)"
    r"(?:(?:so|very|really|quite|kind of|sort of|a bit|a little|totally|even more|more|all|pretty|extremely|terribly|"
    r"incredibly)\s+)*$"
)
# "I made her sad", "it made my mother cry", "drove the teacher mad": someone else's
_CAUSED_IN_OTHER = compile_later(
    r"\b(?:made|make|makes|making|drove|drive|drives|driving)\s+"
    r"(?:(?:the|a|an|my|our|his|her|their|your|this|that)\s+)?(?!me\b|us\b|myself\b|ourselves\b|it\b|sure\b)"
    r"[a-z'-]+\s+(?:(?:feel|so|very|really|quite|kind of|sort of|a bit|a little|totally|even more|more|all)\s+)*$"
)
# a feeling that is the subject noun phrase itself: "a feeling of dread", "some guilt",
# "sheer panic set in", "Feeling of fear and uneasiness"
_FEELING_NP = compile_later(
    r"(?:\s|[,;:(\"'-]|\b(?:and|but|or|then|with|now|suddenly|just|also|again|only)\b)*"
    r"(?:there\s+(?:was|is|were|came)\s+)?"
    r"(?:(?:a|an|the|my|our|some|such|much|great|sudden|deep|intense|real|sheer|pure|utter|overwhelming|terrible|awful|"
    r"huge|strong|slight|mild|little|bit|of|bits|lot|lots|feelings?|sense|sensation|wave|waves|surge|pang|pangs|"
    r"rush|twinge|flash|moment|hint|touch|mixture|mix)\s+)*$"
)
# the feelings heading of a report form ("Feelings and Thoughts: Happy, worried."),
# or a numbered questionnaire answer on how the dreamer felt ("Answers to questions 2. Anxious")
_HEADING = compile_later(
    r"\b(?:feelings?(?:\s+and\s+thoughts)?|emotions?|moods?|feelings? during the dream|how i felt|i felt)"
    r"(?:\s+(?:felt|in the dream|during the dream|during it|on waking|when i woke(?: up)?))?\s*[:\-]\s*"
    r"(?:[a-z'-]+(?:\s+[a-z'-]+)?\s*(?:,|/|and|&|\s)\s*){0,8}$"
    r"|\banswers to questions\s+2\.\s+(?:[a-z'-]+\s*(?:,|and|\s)\s*){0,6}$"
)
# feeling nouns (the noun-phrase reading needs one: "a bit embarrassed" is an adjective)
_NOUN = compile_later(r"[a-z'-]*(?:ness|ment|ion|ity|ety|ism)|fear|dread|terror|panic|horror|fright|guilt|shame|joy|relief|"
                   r"anger|rage|fury|grief|sorrow|surprise|shock|awe|worry|worries|unease|stress|delight|pleasure|bliss|"
                   r"despair|remorse|regret|pity|love|calm|peace|glee|gloom|dismay|alarm|angst|disgust|envy|jealousy|"
                   r"euphoria|ecstasy|contempt|hatred|hate|resentment|sympathy")
# a feeling noun's owner after "to": "(much) to my relief", "to our great surprise", "to his horror"
# a feeling noun's owner before it, with up to two words between ("my biggest fear", "her sudden anger")
# a feeling fronted before its sentence's subject: "Scared, I ran", "Feeling very sad, I walked
# away", "Terrified, the children ran": what may come before it, and the subject after the comma
_FRONT_LEAD = compile_later(r"[\s\"'(]*(?:(?:then|suddenly|still|now|finally|and|but|so|very|really|quite|rather|a bit|"
                         r"a little|somewhat|increasingly|more|feeling|being|getting|looking|totally|completely|utterly)\s+)*"
                         r"(?:[a-z'-]+(?:\s*,\s*|\s+and\s+))?")
_FRONTED = compile_later(r"(?:\s+(?:and|but|yet|or|now|then|though|still|very|so|really|quite|a bit|a little|at|by|with|"
                      r"about|of|[a-z'-]+ed|[a-z'-]+ing|[a-z'-]+ly|the|this|that|what|it|him|her|them|everything)\b){0,6}"
                      r"\s*,\s*(?:(?:then|suddenly|quickly|slowly|immediately|finally|now|still|just)\s+)?(?:(i|we)\b|"
                      r"(?:he|she|they|it|the|my|his|her|their|our|a|an|everyone|everybody|people|someone|somebody)\b)")
_INTERJECTION = compile_later(r"(?:phew|whew|yay|hooray|hurray|yahoo|yippee|woo|ugh|argh|grr|yuck|yikes|eek|thank|wow|damn|"
                            r"dammit|ffs|omg|oh|holy|what a)\b")
_FIRST_WORD = compile_later(r"[a-z'-]+")
_OWNER_BEFORE = compile_later(r"\b(my|our|his|her|their)\s+(?:(?!(?:and|or|of|felt|feel|feels|was|were|is|had|has|got|gets|"
                            r"showed|shows|saw|sees|hid|hides|lost)\b)[a-z-]+(?<!ed)\s+){0,2}$")
_TO_OWNER = compile_later(r"\bto\s+(my|our|his|her|their|[a-z]+'s)\s+(?:(?:great|utter|complete|total|enormous|deep|"
                       r"immense|considerable|intense|huge|absolute|profound|sheer|horror|surprise|and)\s+)*$")
# a feeling noun as the agent of a verb of seizing: "fear gripped me", "panic set in", "joy filled my heart"
_SEIZES = compile_later(
    r"\s+(?:(?:suddenly|then|slowly|quickly|immediately|gradually|soon|instantly|began to|started to|began|started)\s+)*"
    r"(?:grip|gripped|grips|gripping|seiz(?:e|ed|es|ing)|overc(?:a|o)me|overcomes|overwhelm(?:ed|s|ing)?|fill(?:ed|s|ing)|"
    r"flood(?:ed|s|ing)|swept|sweep(?:s|ing)|wash(?:ed|es|ing)|c(?:a|o)me over|comes over|coming over|r(?:o|i)se|rises|rising|"
    r"well(?:ed|s|ing)(?: up)?|surg(?:e|ed|es|ing)|t(?:oo|a)k(?:e|es)? (?:hold|over)|set(?:s|ting)? in|cr(?:e|ee)p(?:t|s|ing)?|"
    r"r(?:a|u)n(?:s|ning)? (?:through|down)|cours(?:ed|es|ing)|shot through|shoots through|struck|consum(?:ed|es|ing)|"
    r"engulf(?:ed|s|ing)|gr(?:e|o)w(?:s|ing)?|mount(?:ed|s|ing)|kicked in|kicks in|hit me|hit us|gnaw(?:ed|s|ing)? at|"
    r"(?:was|is|were) (?:present|there|strong|overwhelming|intense|everywhere|in the air)|prevailed|dominated|reigned)\b")
_SEIZED_OTHER = compile_later(r"(?:\s+(?:over|through|into|in|up in|at|within|inside))?\s+(?:him|her|them|everyone|everybody|"
                           r"the|his|their|its|people|all of them)\b")
_NP_WORD = compile_later(r"\b(?:a|an|the|my|our|some|feelings?|sense|sensation|wave|waves|surge|pangs?|rush|twinge|mixture|mix)\b")
_ON_FACE = compile_later(r"\s+(?:in|on)\s+(?:his|her|their|its|the\s+[a-z]+'s|[a-z]+'s)\s+(?:eyes|face|voice)")
# not (yet) felt: "I'll be sad to leave", "would be happy", "I'll feel free", "I'm going to
# be scared", "wanted to be happy"; "anxious to meet them" is keen (below)
_NOT_YET = compile_later(
    r"(?:\b(?:will|would|shall|going to|gonna)|'ll)\s+(?:not\s+)?(?:(?:be|feel|get|become|so|very|really|quite|kind of|"
    r"sort of|a bit|a little|more|less|too)\s+)*$"
    r"|(?:\b(?:might|may|want to|wanted to|wants to|hope to|hoped to|try to|tried to|trying to|pretend(?:ed|ing)? to|"
    r"supposed to)|'d)\s+(?:not\s+)?(?:(?:be|feel|get|become|look|seem)\s+)(?:(?:so|very|really|quite|kind of|sort of|"
    r"a bit|a little|more|less|too)\s+)*$"
)
# the dreamer as the object of a feeling verb ("it scared me", "lights that annoyed us"),
# or someone else ("I scared them", "it surprised him")
_ATTRIBUTIVE = compile_later(r"\b(?:a|an|the|this|that|these|those|some|his|her|their|its|my|our|your|such a|such an)\s+"
                          r"(?:(?:very|really|rather|quite|pretty|most|little|big|old|young|strange|small)\s+)?$")
_NEXT = compile_later(r"\s+([a-z][a-z'-]*)")
_NOT_A_NOUN = frozenset("""of in on at and or but to for with about as than that because when while if so then by from into
    over after before like is was were are am be been being had has have did does do would could will can
    should might must not nor yet all too enough now again i we he she they you it me us him them there
    something someone somebody everything nothing the a an my his her their our its this""".split())
# "I was a nervous wreck", "I felt like the happiest person alive": the dreamer is the noun
_COPULA = compile_later(r"\b(?:was|were|am|'m|is|are|be|been|felt like|feel like|became|become|seemed|looked like)\s+$")
_FELT_NOUNS = frozenset("""time times day days moment moments feeling feelings mood sense sensation experience
    ending end night evening morning week weekend state wreck look looks glance tone voice energy heart laugh
    laughter smile grin sigh scream shriek giggle vibe vibes mess shiver shudder glow warmth rush buzz thrill tears
    sob whimper gasp stomach knot pit dream dreams nightmare adventure situation atmosphere evening afternoon trip
    journey ride ordeal event encounter occasion""".split())
# the experience as the predicate of a dummy subject: "it was a happy dream", "there was a sad feeling"
_DUMMY_COPULA = compile_later(
    r"(?:\s|[,;:(\"'-]|\b(?:and|but|then|so|just|suddenly|overall|all in all)\b)*(?:it|this|that|there|everything|it all|(?:(?:the|this|that) )?"
    r"(?:whole )?(?:dream|experience|thing))(?:'s|\s+(?:was|is|were|felt|seemed|became|had been|turned into|had|has))\s+"
    r"(?:(?:so|really|very|quite|rather|such|all|just|overall|definitely|mostly|mainly)\s+)*(?:a|an|one|such a|such an)\s+"
    r"(?:(?:so|really|very|quite|rather|pretty|most|strange|strangely|weird|weirdly|oddly|odd|bit|little)\s+)*$")
_MINE = compile_later(r"\b(?:my|our|me|us)\b")
_MINE_BODY = compile_later(r"(?:my|our)\s+(?:[a-z'-]+\s+)?(?:legs?|feet|foot|knees?|body|arms?|hands?|heart|mouth|eyes|head|"
                        r"muscles|limbs|stomach|chest|voice|mind|whole body)\b")
_OBJECT_ME = compile_later(r"\s+(?:me|us)\b")
# the object of a feeling verb the dreamer does to someone ("I scared them", "scared it off",
# "I annoyed my brother"); not the subject of what follows ("worried people would see")
_OBJECT_OTHER = compile_later(
    r"\s+(?:him|them|everyone|everybody|someone|somebody|people|her(?=\s*[.,;!?]|\s+(?:and|so|away|off|with|by)\b)"
    r"|it\s+(?:off|away)\b|(?:the|a|an|my|his|her|their|our|your|this|that|some|these|those)\s+[a-z'-]+(?:\s+[a-z'-]+)?\s+(?:off|away)\b)"
    r"(?!\s+(?:would|will|could|might|may|were|was|are|is|had|have|has|did|do|does|can|must|should|'d|wouldn't|didn't|"
    r"weren't|wasn't|won't|couldn't|hadn't|knew|saw|thought|got|kept|noticed|found|see|think|know|find)\b)")
# the dreamer doing it to someone named by a noun ("I scared my little brother", "I surprised the
# teacher"): a feeling verb in the past, right after I/we, with a noun phrase for object
_DID_TO_OTHER = compile_later(r"\s+(?:the|a|an|my|his|her|their|our|your|these|those|some)\s+"
                           r"(?!(?:way|hell|shit|crap|life|wits|living|i|we|he|she|they|it|you)\b)[a-z'-]+"
                           r"(?!\s+(?:would|will|could|might|was|were|had|is|are|did)\b)")
_I_DID = compile_later(r"\b(?:i|we|and|then)\s+(?:(?:just|really|accidentally|even|also|then|totally|probably|must have|had)\s+)*$")
# a typed note's verbless comment, after a comma or a "lol", with an intensifier: the writer's
# own feeling ("..., so relieved", "lol sooo embarrassed"); a bare adjective after a comma
# describes the subject instead ("she turned round, furious")
_FRAGMENT_LEAD = compile_later(r"(?:^|[,;:(\n-]|\b(?:lol|lmao|haha+|omg))\s*(?:(?:so+|really|very|well|proper|super|totally|"
                            r"absolutely|completely|utterly|bloody|fucking|fkn|dead|just|honestly|actually)\s+)+$")
_SAID_IT = compile_later(r"\b(?:i|we)\s+(?:\w+\s+)?(?:tell|told|say|said|ask|asked|shout|shouted|yell|yelled|reply|replied|"
                      r"answer|answered|whisper|whispered|call|called|look|looked|watch|watched)\s+(?:[a-z'-]+\s+){0,2}$")
_INTENSIFIERS = compile_later(r"\s*(?:(?:so+|really|very|well|proper|super|totally|absolutely|completely|utterly|bloody|"
                           r"fucking|fkn|dead|just|honestly|actually|bit|a bit|kinda|kind of|quite|pretty|a little|"
                           r"little|abit)\s+)*")
_BARE_AFTER_PUNCT = compile_later(r"[,;:(\n-]\s*$")
_TYPED_MARK = compile_later(r"\s+(?:af|tbh|lol|lmao|ngl|as hell|as fuck|haha\w*|innit|tho)\b")
# "woke up fuming", "woke up in tears": who woke is the dreamer unless the text says who
_WOKE = compile_later(r"(\b[a-z'-]+\s+)?(?:woke|woken|wake|waking|wakes)\s+(?:up\s+)?(?:(?:so|really|feeling|still|very|"
                   r"totally|absolutely|a bit|bit|all|proper|well|kind of|kinda)\s+)*$")
_NOT_ME_BEFORE_WOKE = frozenset("""he she they it him her them mum mom dad sister brother baby boyfriend girlfriend husband
    wife friend everyone everybody nobody someone somebody who which bf gf""".split())
# cheap looks before the regexes that need one of these words
_SEEN_WORDS = compile_later(r"watch|saw|see|hear|notic|let")
_VIEW_WORDS = compile_later(r"thought|think|said|say|found|finds|agreed|reckon|told")
_WOKE_WORDS = compile_later(r"wok|wak")


# "me and my mates", "my sister and me" as the subject, as people say it
_ME_AND = compile_later(r"(?:\bme\s+and\s+(?:my\s+|the\s+|a\s+|his\s+|her\s+)?[a-z'-]+|\b[a-z'-]+\s+and\s+me)\s+"
                     r"(?:(?:were|was|are|got|get|both|all|just|really|so|started|kept|felt|went)\s+)+$")
# feeling verbs whose subject feels it and whose object is what it is about ("I pitied him",
# "I resented them"), unlike "I scared him"
_EXPERIENCER = frozenset("""resented feared dreaded pitied envied adored enjoyed loved hated missed regretted relished
    savoured savored mourned despised loathed detested cherished admired fancied liked""".split())
# verbs whose object feels it ("I scared my brother"), unlike "I enjoyed the party", "I feared the man"
_CAUSATIVE = frozenset("""scared frightened terrified horrified spooked startled surprised shocked amazed astonished
    stunned annoyed irritated angered enraged infuriated upset bothered worried alarmed saddened disappointed
    embarrassed humiliated shamed confused puzzled baffled bewildered frustrated relieved reassured calmed
    delighted pleased amused excited thrilled""".split())
# the same verbs not in the past ("to surprise them", "scaring the kids", "it annoys him")
_CAUSING = frozenset("""scare scares scaring frighten frightens frightening terrify terrifies terrifying horrify
    horrifies spook spooks spooking startle startles startling surprise surprises surprising shock shocks amaze
    amazes astonish astonishes stun stuns annoy annoys annoying irritate irritates irritating anger angers enrage
    enrages infuriate infuriates upset upsets upsetting bother bothers bothering worry worries worrying alarm alarms
    sadden saddens disappoint disappoints embarrass embarrasses embarrassing humiliate humiliates humiliating shame
    shames confuse confuses confusing puzzle puzzles baffle baffles bewilder bewilders frustrate frustrates
    frustrating relieve relieves reassure reassures calm calms delight delights please pleases amuse amuses amusing
    excite excites thrill thrills""".split())
# someone else seen or heard doing it ("watching my mom cry", "heard her scream", "let him laugh")
_SEEN_IN_OTHER = compile_later(
    r"\b(?:watch|watched|watching|watches|saw|see|sees|seeing|heard|hear|hearing|hears|noticed|notice|let|lets|letting"
    r")\s+(?:(?:the|a|an|my|his|her|their|our|your|this|that|some)\s+)?(?!(?:me|us|myself|ourselves|and|or|but|then|so|"
    r"very|really|completely|totally|quite|too|in|at|with|for|on|from|it|that|this|everything|something|nothing|all)\b)"
    r"[a-z'-]+\s+(?:(?:start|begin|begun|began|just)\s+(?:to\s+)?)?$")
# someone else's judgement of it: "the others thought it was hilarious", "she said it was scary"
_THEIR_VIEW = compile_later(
    r"\b(?!i\s|we\s)[a-z'-]+\s+(?:all\s+|also\s+|just\s+)?(?:thought|think|thinks|said|say|says|found|finds|agreed|"
    r"reckoned|reckons|told me|told us|told him|told her)\s+(?:that\s+)?(?:(?:it|this|that|everything)\s+"
    r"(?:was|is|'s|were|would be|seemed|looked)\s+(?:(?:so|really|very|pretty|quite|totally|absolutely|just|a bit|kind of)\s+)*)?$")

# a person named just before the feeling, with the verb between: "(At the hospital) his mom was
# crying", "the kids were laughing"; but "my legs were shaking", "the whole time I was" are not
_NP_BEFORE = compile_later(
    r"\b(?:his|her|their|the|a|an|my|our|your|this|that|these|those)\s+((?:[a-z'-]+\s+){0,2}?[a-z'-]+)\s+"
    r"(?:was|were|is|are|got|gets|became|seemed|looked|started|began|kept|just|also|still|then|suddenly)\s+"
    r"(?:(?:was|were|started|began|kept|to|just|really|so|very|quite|pretty|all|also|still|looking|getting|feeling)\s+)*$")
_NOT_PEOPLE = frozenset("""legs leg feet foot knees knee body arms arm hands hand heart mouth eyes head muscles limbs
    stomach chest voice mind whole dream dreams feeling feelings experience thing things situation atmosphere place
    mood moment scene night day room house air sense idea thought fact time whole was is were are be been felt seemed
    looked got i we me us i'm it it's""".split())
_AFTERWARDS = compile_later(
    r"\bjust (?:thinking|to think) (?:about|of) (?:it|this|that|the dream|this dream)\b"
    r"|\b(?:thinking|think) (?:about|of) (?:it|this|that|the dream|this dream) (?:now|again|later|afterwards)\b"
    r"|\beven (?:now|today)\b|\bto this day\b|\bas i (?:write|type|tell|recall|remember) (?:this|it)\b"
    r"|\bwhen i (?:think|remember|recall) (?:about )?(?:it|this|that|the dream)\b|\bstill (?:gives|makes) me\b")
# a waking-life event told as background, earlier than the dream: a past perfect or "used to"
# with a time before it ("I had visited lately", "we used to go there as kids")
_BEFORE_DREAM = compile_later(r"\b(?:had|'d)\s+(?:been|gone|visited|[a-z]+ed)\b|\bused\s+to\b")
_WHEN_BEFORE = compile_later(r"\b(?:in (?:real|waking) life|lately|recently|last (?:year|summer|winter|spring|autumn|fall|"
                          r"month|week)|(?:years|months|weeks) (?:ago|before|earlier)|as (?:a )?(?:child|kid|kids|children|"
                          r"teenagers?)|when (?:i|we) (?:was|were) (?:little|young|small|a child|a kid|kids|children))\b")
_SENT_END = compile_later(r"[.!?\n]")


def _sentence_end(low: str, end: int) -> int:
    m = _SENT_END.search(low, end, end + 80)
    return m.start() if m else min(len(low), end + 80)


_EXPECTED = compile_later(r"\b(?:i|we)\s+(?:thought|think|knew|know|felt|feel|could tell)\s+(?:that\s+)?(?:it|this|that)\s+"
                       r"(?:would|will|'d|'ll|was going to|is going to)\s+$")
_ASKED_IF = compile_later(r"\b(?:asked|asks|asking|ask|wondered|wonders|wondering)\b[^.!?]{0,30}\b(?:if|whether)\s+(?:i|we)\s+"
                       r"(?:was|were|am|'m|felt|feel|had been|was feeling)\s+(?:(?:so|very|really|at all|too|ok|okay|all)\s+)*$")
_EAGER = compile_later(r"\s+(?:to|for)\s+(?!death\b|me\b|us\b)")


def emotion_scope(low: str, scope: int, clause_start: int, sent_start: int, start: int) -> int:
    """Where negation may reach a feeling at `start` from (the matcher's scope is `scope`).

    * after a feelings heading only ("No interpretation. Answers to questions 2. Anxious");
    * not back across "and" into the clause before when the feeling has its own verb
      ("I had no money and felt embarrassed"), as it does for a shared verb ("didn't run and hide");
    * not at all in "I had never been so happy": the comparison says it was."""
    m = _HEADING.search(low, max(sent_start, start - 160), start)
    if m:
        scope = max(scope, m.start())
    m = _CAUSED_IN_ME.search(low, max(scope, start - 60), start)
    if m:  # "(the fact) that nobody believed me made me furious": a denial before the causing verb's own is not its
        scope = max(scope, m.start() - 8)
    if scope < clause_start and _OWN_VERB.match(low, clause_start):
        scope = clause_start
    if _NEVER_SO.search(low, max(scope, start - 40), start):
        scope = start
    if scope < start:
        scope = _past_turn(low, scope, start)
    return scope


# what ends a negation's reach inside one clause: a contrast ("wasn't scared, just annoyed",
# "not only scared but angry"), a typed-note break ("didn't have an exam lol relieved"), or a
# new subject with its own verb in a run-on ("wasnt scared weirdly it was thrilling")
_TURN = compile_later(r"\b(?:just|only|rather|instead|more like|lol|lmao|lmfao|rofl|haha+|hehe+|tbh|ngl|omg)\b"
                   r"|\b(?:i|we|it|that|this|everything)\s+(?:was|were|felt|feel|got|am|is|'m|'s|became)\b(?!n't)"
                   r"|\b(?:i'm|it's|that's)\b")
_RAISED = compile_later(r"\b(?:think|thought|believe|believed|say|said|know|knew|sure|realise|realize|realised|realized|"
                     r"feel|felt|that|if|whether)\s+$")
_NEG_WORD = compile_later(r"\b(?:not|no|never|nobody|nothing|none|neither|nor|without)\b|n't\b")


def _past_turn(low: str, scope: int, start: int) -> int:
    """The scope moved past the last turn after a negation (see _TURN)."""
    neg = None
    for neg in _NEG_WORD.finditer(low, scope, start):
        pass
    if neg is None:
        return scope
    last = None
    for m in _TURN.finditer(low, neg.end(), min(len(low), start + 12)):
        if m.start() > start:
            break
        last = m  # (a turn may open the hit itself: "wasnt scared, it was thrilling")
    if last is None or _RAISED.search(low, max(scope, last.start() - 12), last.start()):
        return scope
    return min(start, last.start() if last.group()[0] in "iwte" and " " in last.group() else last.end())


# an elided clause with a feeling verb of its own: "and felt", "but got", "and became"
_OWN_VERB = compile_later(r"\s*(?:and|but|then|yet)\s+(?:then\s+|suddenly\s+|just\s+|also\s+)?"
                       r"(?:felt|feel|feels|feeling|became|become|grew|got|get|gets|getting|was|were|started|began)\b")
_NEVER_SO = compile_later(r"\bnever\s+(?:been|felt|was|were)\s+(?:so|this|that|more|as)\s+$")


_last_quotes: tuple = (None, ())  # the last text looked at, and where its double quotes are


def _quoted_by(low: str, start: int, end: int) -> str | None:
    """Who says the quotation a feeling is in: "dreamer" for "I said" / "I whispered",
    "other" for "she said", "my mother told me"; None when it is in none, or no one is named."""
    global _last_quotes
    last = _last_quotes
    if last[0] is not low:
        last = _last_quotes = (low, tuple(i for i, c in enumerate(low) if c == '"') if '"' in low else ())
    quotes = last[1]
    if not quotes:
        return None
    k = bisect_right(quotes, start)
    if k % 2 == 0 or k >= len(quotes) or quotes[k] < end:
        return None  # not between an opening and a closing quote
    after = _SAID_AFTER.match(low, quotes[k] + 1) or _SAID_INVERTED.match(low, quotes[k] + 1)
    before = _SAID_BEFORE.search(low, max(0, quotes[k - 1] - 60), quotes[k - 1])
    said = after or before
    if said is None:
        return None
    return "dreamer" if said.group(1) else "other"


# the speaker of a quotation, after it (", she said", "I whispered") or before it ("He said, ")
_SPEECH = (r"(?:said|says|say|asked|asks|whispered|whispers|shouted|shouts|yelled|yells|screamed|screams|cried|told|"
           r"tells|replied|replies|answered|answers|added|muttered|mutters|exclaimed|called|sobbed|sighed|laughed|"
           r"snapped|admitted|explained|insisted|wailed|groaned|murmured|cries)")
_SAID_AFTER = compile_later(r"\s*[,.!?]?\s*(?:(i|we)|(?:he|she|they|my\s+[a-z'-]+|the\s+[a-z'-]+|[a-z'-]+))\s+"
                         r"(?:(?:then|just|quietly|softly|angrily|loudly|suddenly|finally)\s+)?" + _SPEECH + r"\b")
_SAID_INVERTED = compile_later(r"\s*[,.!?]?\s*" + _SPEECH + r"\s+(?:(i|we)\b|(?:he|she|they|my\s+[a-z'-]+|the\s+[a-z'-]+|"
                            r"[a-z'-]+)\b)")
_SAID_BEFORE = compile_later(r"(?:\b(i|we)|\b(?:he|she|they|my\s+[a-z'-]+|the\s+[a-z'-]+|[a-z'-]+))\s+"
                          r"(?:(?:then|just|quietly|softly|angrily|loudly|suddenly|finally)\s+)?" + _SPEECH +
                          r"(?:\s+(?:to\s+)?(?:me|us|him|her|them))?\s*[,:]?\s*$")


def emotion_subject(low: str, clause_start: int, start: int, end: int, sent_start: int) -> str | None:
    """"dreamer", "other", "skip" (not a feeling in the dream) or None (ask the clause)."""
    quoted = _quoted_by(low, start, end)
    if quoted is not None:
        return quoted  # '"I'm so scared," she said': hers; '"I'm scared," I whispered': mine
    if _FRONT_LEAD.fullmatch(low, sent_start, start) and not _INTERJECTION.match(low, start):
        front = _FRONTED.match(low, end)
        if front:  # "Frightened and confused, I tried ...": the main clause's subject feels it
            return "dreamer" if front.group(1) else "other"
    prefix = low[max(clause_start - 120, sent_start):start]
    near = prefix[-60:]
    one_word = " " not in low[start:end]
    first = _FIRST_WORD.match(low, start, end)
    noun = first is not None and _NOUN.fullmatch(low, start, first.end()) is not None  # "fear", "fear was that"
    if noun:
        to = _TO_OWNER.search(low, max(0, start - 40), start)
        if to:  # "(much) to my relief", "to our great surprise"; "to his horror" is his
            return "dreamer" if to.group(1) in ("my", "our") else "other"
        seize = _SEIZES.match(low, end)
        if seize and _FEELING_NP.fullmatch(low, clause_start, start):
            # "Fear gripped me", "panic set in", "a wave of relief washed over me"; not "fear
            # gripped the town", "panic seized them"
            return None if _SEIZED_OTHER.match(low, seize.end()) else "dreamer"
    att = _ATTRIBUTIVE.search(low, max(0, start - 30), start) if one_word else None
    owner = _OWNER_BEFORE.search(low, max(0, start - 30), start) if noun else None
    if owner:
        # "my fear grew", "my biggest fear was", "our relief was enormous"; "her fear was obvious" is hers
        return "dreamer" if owner.group(1) in ("my", "our") else "other"
    if att:
        nxt = _NEXT.match(low, end)
        if nxt and nxt.group(1) in _FELT_NOUNS and _DUMMY_COPULA.fullmatch(low, clause_start, start):
            return "dreamer"  # "it was a happy dream", "there was a sad feeling": the experience's
        if (not _COPULA.search(low, max(0, att.start() - 20), att.start()) and nxt and nxt.group(1) not in _NOT_A_NOUN
                and not nxt.group(1).endswith("ly")):
            # "a calm sea", "an angry man", "the sad story": describes the thing, not a
            # feeling of the dreamer's (but "a happy time", "a sad feeling" are felt)
            return None if nxt.group(1) in _FELT_NOUNS else "other"
    if _MINE.search(low, start, end):
        return "dreamer"  # "a chill ran down my spine", "butterflies in my stomach", "ran for our lives"
    if _ME_AND.search(low, max(clause_start, start - 50), start):
        return "dreamer"  # "me and my mates were laughing", "my sister and me got scared"
    if one_word and _OBJECT_ME.match(low, end):
        return "dreamer"
    if one_word and low.endswith("ed", start, end) and low[start:end] not in _EXPERIENCER:
        if _OBJECT_OTHER.match(low, end):
            return "other"
        if (low[start:end] in _CAUSATIVE and _I_DID.search(low, max(0, start - 40), start)
                and _DID_TO_OTHER.match(low, end)):
            return "other"  # "I scared my little brother"
    if one_word and low[start:end] in _CAUSING and (_OBJECT_OTHER.match(low, end) or _DID_TO_OTHER.match(low, end)):
        return "other"  # "(I jumped out) to surprise them", "scaring the kids": the feeling is theirs
    if _SEEN_WORDS.search(near) and _SEEN_IN_OTHER.search(near):
        return "other"  # "watching my mom cry"
    if _VIEW_WORDS.search(near) and _THEIR_VIEW.search(near):
        return "other"  # "the other visitors thought it was hilarious"
    np = _NP_BEFORE.search(low, max(clause_start, start - 60), start)
    if np and not _MINE_BODY.match(low, np.start()) and not (set(np.group(1).split()) & _NOT_PEOPLE):
        return "other"  # "his mom was crying"
    if _CAUSED_IN_ME.search(near):
        return "dreamer"
    if low.endswith("ly", start, end) and _SAID_IT.search(low, max(0, start - 40), start):
        return "dreamer"  # "I tell him angrily", "we answered nervously": the manner is the speaker's
    if _KIN_BEFORE.search(low[max(clause_start - 2, start - 50, 0):start]):
        return "other"  # "dad just laughed"
    if _FRAGMENT_LEAD.search(low, max(0, start - 40), start):
        return "dreamer"  # "found her by the rides, so relieved", "nobody saw lol so embarrassed"
    if low.startswith(("no idea", "no clue"), start) and not low[clause_start:start].strip():
        return "dreamer"  # "no idea what was going on tbh": the note's own sentence, not "no" as a subject
    if (clause_start == sent_start and low[clause_start:start].strip()
            and _INTENSIFIERS.fullmatch(low, clause_start, start)):
        return "dreamer"  # "bit scared tbh", "really worried.": a sentence of the feeling alone
    if _BARE_AFTER_PUNCT.search(low, max(0, start - 3), start) and _TYPED_MARK.match(low, end):
        return "dreamer"  # "..., stressed af", "..., knackered lol"
    woke = _WOKE.search(low, max(0, start - 40), start) if _WOKE_WORDS.search(low, max(0, start - 40), start) else None
    if woke:
        return None if woke.group(1) and woke.group(1).strip() in _NOT_ME_BEFORE_WOKE else "dreamer"
    if _CAUSED_IN_OTHER.search(near):
        return "other"
    if _AFTERWARDS.search(low, max(sent_start, start - 80), _sentence_end(low, end)):
        return "skip"  # "I get nervous just thinking about it": felt while recounting, not in the dream
    if _BEFORE_DREAM.search(low, sent_start, start) and _WHEN_BEFORE.search(low, sent_start, start):
        return "skip"  # "I had visited there lately and it was very enjoyable": waking life, told as background
    if _EXPECTED.search(near):
        return "dreamer"  # "I thought it would be fun": looking forward to it is felt now
    if _NOT_YET.search(near):
        return "skip"
    if _ASKED_IF.search(near):
        return "skip"  # "she asked me if I was scared": a question, not a feeling stated
    if low.startswith(("anxious", "eager"), start) and _EAGER.match(low, end):
        return "skip"  # "anxious to get to the party": keen, not worried
    if _HEADING.search(prefix):
        return "dreamer"
    own = low[clause_start:start]
    if (own.strip(" ,;:(\"'-") and _FEELING_NP.fullmatch(own) and _NP_WORD.search(own)
            and _NOUN.fullmatch(low, start, end) and not _ON_FACE.match(low, end)):
        return "dreamer"
    return None


# a subject that cannot feel: "it was", "there were", "this is", "everything went"
_DUMMY = compile_later(r"(?:\s|[,;:(\"'-]|\b(?:and|but|then|so|just|suddenly)\b)*(?:it|there|this|that|everything|nothing)"
                    r"(?:'s|\s+(?:was|is|were|are|had|has|seemed|looked|felt|went|got|kept|became))\b")


_ELIDED_VERB = compile_later(r"(?:\s|[,;:(-]|\b(?:and|then|but|just|so|still|also|finally)\b)*([a-z'-]+)")
_PAST_OR_GERUND = frozenset("""came went got felt was were flew ran fell woke kept began stood sat saw heard found
    thought knew left made took seemed looked sounded became grew ended started tried wanted stayed turned""".split())


def inherits_dummy(low: str, clauses, ci: int, text: str | None = None, feelers: frozenset | None = None) -> bool:
    """Whether a clause that opens with its verb ("..., came out buzzing") inherits its
    subject from one that cannot feel: an "it was" / "there were" clause, the object of
    "find", or (given the words for who can feel) a subject that names no one."""
    m = _ELIDED_VERB.match(low, clauses[ci].start, clauses[ci].end)
    verb = m.group(1) if m else ""
    if not (verb in _PAST_OR_GERUND or verb.endswith(("ed", "ing"))):
        return False  # ", barren wasteland filled with ...": an apposition, not an elided subject
    while ci > 0:
        ci -= 1
        if clauses[ci].explicit:
            a, b = clauses[ci].start, clauses[ci].end
            if _DUMMY.match(low, a, b) or _FOUND_THING.match(low, a, b):
                return True
            return feelers is not None and not feeler_named(text, low, clauses, ci, feelers)
    return False


# a clause opened by a verb of finding or knowing takes its "subject" from the object:
# "(couldnt) find the exit for ages, got really frustrated" -- the exit feels nothing
_FOUND_THING = compile_later(r"(?:\s|[,;:(-]|\b(?:and|but|then|so|just|still)\b)*(?:find|found|finds|finding|decided|remember|"
                          r"remembered|recall|recalled|hope|hoped|wish|wished|imagine|imagined)\s+(?:the|a|an|his|her|"
                          r"their|its|your|some|any|all|every|each|no|my|our)\s+[a-z'-]+(?:\s+(?!was\b|were\b|is\b|are\b|had\b|"
                          r"would\b|could\b|did\b)[a-z'-]+){0,16}\s*[,;:]?\s*$")
# a person named by a bare noun just before the feeling, as typed notes do: "dad just laughed",
# "mum was crying", "examiner looked livid"
_KIN_BEFORE = compile_later(
    r"(?:^|[.!?,;:(]\s*|\b(?:and|but|then|so|when|while|because|cos|bc)\s+)(?:mum|mom|mam|dad|mother|father|nan|nana|gran|"
    r"granny|grandma|grandpa|grandad|granddad|sister|brother|sis|bro|bf|gf|boyfriend|girlfriend|husband|wife|hubby|"
    r"partner|fiance|fiancee|mate|mates|friend|boss|teacher|examiner|doctor|nurse|everyone|everybody|people|ppl|"
    r"they|he|she)\s+(?:(?:just|also|then|really|still|was|were|is|got|gets|started|starts|began|kept|looked|looking|"
    r"seemed|went|all|so|very)\s+)*$")


_WORDS6 = compile_later(r"[A-Za-z][A-Za-z'-]*")
_CLAUSE_LEAD = compile_later(r"(?:\s|[,;:(\"'-]|\b(?:and|but|or|so|then|when|while|because|as|after|before|since|if|until|"
                          r"though|although|where|that|like|suddenly|finally|just|also|still|even|only|now|later|soon)\b)*")
_PERSON_WORDS = frozenset("""he she they him her them his their you someone somebody everyone everybody nobody anyone
    anybody people who whom whose that which none noone one others other kids children baby babies family crowd
    audience class team group staff students teachers guests passengers couple parents everybody's ppl bf gf""".split())
_NOT_FEELERS = frozenset("""the a an this that these those my our your its some any all no every each bit kinda really
    totally proper well so dead very just pretty quite""".split())


def feeler_named(text: str, low: str, clauses, ci: int, feelers: frozenset) -> bool:
    """Whether the clause a feeling inherits its subject from names someone who can feel: a
    pronoun, a person or creature word of the knowledge base, or a name; "the exit", "the
    plane", "the rest of the day" cannot ("couldnt find the exit for ages, got so frustrated")."""
    j = ci
    while j > 0 and not clauses[j].explicit:
        j -= 1
    a, b = clauses[j].start, clauses[j].end
    m = _CLAUSE_LEAD.match(low, a, b)
    for k, w in enumerate(_WORDS6.finditer(text, m.end() if m else a, b)):
        if k >= 5:
            break
        lw = w.group().lower()
        if lw in _NOT_FEELERS:
            continue
        if lw in _PERSON_WORDS or lw in feelers or lw.rstrip("s") in feelers:
            return True
        if w.group()[0].isupper() and lw != "i" and (k > 0 or clauses[j].start > clauses[0].start):
            return True  # a name
        if k == 0 and w.group()[0].isupper():
            continue  # a capital opening the sentence says nothing
        if lw.endswith(("ed", "ing")) or lw in ("was", "were", "is", "are", "had", "has", "got", "kept", "went", "came"):
            break  # the verb: the subject is behind us
    return False
