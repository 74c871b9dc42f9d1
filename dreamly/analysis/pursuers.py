"""Pursuers and inferences: who does the chasing (typed from the chase's agent), and flight implying fear."""

from __future__ import annotations

import re

from dreamly.lazy_re import compile_later
from dreamly.analysis.results import Hit
from dreamly.analysis.text import (
    _DETERMINERS,
    _DREAMER,
    _MY,
    _OTHER,
    _VERBISH,
    _WORD,
    _Doc,
)

_BY = compile_later(r"\s+by\s+((?:[\w'.-]+\s+){0,6}?[\w'.-]+)(?=\s*(?:[,.;!?]|$|\s(?:with|who|that|in|on|at|from|and|through|around|all|across|down|up|into|near|by|outside|behind|under|over|past|inside|beside|along|toward|towards|to|for|while|as|when|because|after|before|until|but|so)\b))", re.I)
# a passive's by-phrase a few words on: "chased through a station by someone"
_BY_LATER = compile_later(r"(?:\s+[\w'-]+){1,5}?" + _BY.pattern, re.I)
_PASSIVE = compile_later(r"(?:chased|hunted|stalked|followed|pursued|tracked|trailed)(?: down)?$", re.I)
_FLED = compile_later(r"(?:fled|flee|flees|fleeing|outran|outrun|outruns|outrunning|escaped|escape|escapes|escaping|evaded|"
                      r"evade|evades|evading|eluded|elude|eludes|eluding|dodged|dodge|dodging|shook off|shake off)\b", re.I)
_FROM = compile_later(r"\bfrom\s+(.{1,60}?)(?=[,.;!?]|$)", re.I)
# what lies between two pursuers joined in one noun phrase: "a bear and a hunter", "the police or the army"
_JOINED_NP = compile_later(r"\s+(?:and|or|&)\s+(?:(?:a|an|the|some|his|her|their|its|my|our|two|three)\s+)?(?:[\w'-]+\s+){0,2}", re.I)
_VERB_NEXT = compile_later(r"\s+(?:was|were|is|are|had|has|did|does|could|would|will|can|kept|started|began|came|went|"
                           r"said|got|\w+ed)\b", re.I)
_IRREGULAR_VERB = compile_later(r"\b(?:fell|ran|came|went|saw|got|hid|fled|took|left|began|kept|made|caught|threw|grabbed)\b")
# a second pursuer joined to the first: "chased by a man and his dog", "from a bear and a hunter"
_AND_NP = compile_later(r"\s+(?:and|or|&)\s+((?:[\w'-]+\s+){0,3}?[\w'-]+)(?=\s*(?:[,.;!?]|$|\s(?:with|who|that|in|on|at|from|through|around|across|down|up|into|and|behind|after|all)\b))", re.I)
# a person word that names a place or an owner, not who chases: "near my grandparents
# house", "my friend's dog" (the dog is the agent), "at mum's"
_PLACE_OR_OWNER = compile_later(
    r"(?:'s|s'|')(?![\w'])|s?\s+(?:house|home|place|farm|garden|yard|backyard|room|bedroom|apartment|flat|kitchen|office|"
    r"shop|store|street|car|school|church|porch|land|property|ranch|cabin|basement|attic|building|party|wedding|"
    r"funeral|door|driveway|village|town|cottage|bungalow)\b")
# a stranger's vehicle is no place: "a police car", "an army truck" (but "my uncles car" is an owner's)
_VEHICLE_NEXT = compile_later(r"\s+(?:car|cars|truck|trucks|van|vans)\b")
# the first word of a hit that opens with its own agent ("a big dog was right behind me")
_OPENS_NOUN_PHRASE = frozenset(("a", "an", "the", "this", "that", "these", "those", "some", "something", "someone",
                                "somebody", "two", "three", "four", "five", "several", "many", "his", "her", "their",
                                "my", "our"))
# a candidate that is only a comparison: "a crab the size of a car", "as big as a horse"
_LIKENED = compile_later(r"(?:\b(?:size|shape|height|length|colou?r) of|\bas (?:big|large|tall|huge|fast) as|"
                      r"\b(?:bigger|larger|taller|faster) than|\blooked like|\bdressed (?:up )?as)\s+(?:an?\s+|the\s+)?$")
# someone said not to be there: "a truck with no driver", "without a rider"
_ABSENT = compile_later(r"\b(?:no|without(?: a| an| any)?)\s+$")
# someone else's acquaintance: "his friend", "a friend of hers"
_SOMEONE_ELSES_BEFORE = compile_later(r"\b(?:his|her|their|its)\s+$")
_SOMEONE_ELSES_AFTER = compile_later(r"\s+of\s+(?:his|hers|theirs|him|them)\b")
# a clause cut at its own verb (a clause word such as "sees", "saw", "noticed")
_OPENS_WITH_VERB = compile_later(r"\s*(?:sees|see|saw|seen|watch(?:es|ed)?|notic(?:es|ed)|hears?|heard|spots|spotted|"
                              r"knows|knew|finds|found|realiz(?:es|ed)|realis(?:es|ed)|thinks|thought)\b")
# how far back (characters) a pronoun looks for what it stands for
_ANTECEDENT_REACH = 2000
_AFTER_STOP = compile_later(r"(?:^|[.!?\"]\s*)$")
_AFTER_NAMED = compile_later(r"\b(?:called|named)\s+$", re.I)
_AFTER_ARTICLE = compile_later(r"\b(?:a|an)\s+$", re.I)  # "a Doberman", "an Italian": a kind, not a name
_NEXT_WORD = compile_later(r"\s+([a-z][\w'-]*)")
# what may follow a name and still leave it a name ("Tom from work", "Sarah and her dog")
_AFTER_A_NAME = frozenset("""from who and with at again too then behind after through around down up into across
    right still always just""".split())
# capitalised words that open sentences and are no name ("Then was …", "Suddenly chased …")
_NO_NAME_FIRST = frozenset("""whoever whatever everyone everybody someone somebody nobody anyone anybody it this that
    nothing everything anything all both each many most few several none one two three four five
    these those then there here suddenly later soon now finally eventually also still again once always never
    what when where which why how who after before while until as because but and so if though although yes
    no maybe perhaps luckily unfortunately meanwhile afterwards instead somehow anyway only even just""".split())
# a verb of its own: the sentence after a pronoun tells something new, it does not name the pronoun
_FINITE_WORD = compile_later(r"\b(?:was|were|is|are|am|be|had|has|have|did|does|do|said|came|went|got|saw|ran|made|took|"
                             r"could|would|can|will)\b|\b\w{2,}ed\b")


_BARE_RUN = frozenset(("ran", "run", "runs", "running"))
_JOINING = frozenset(("but", "and", "then", "so", "until", "till"))


# (module-level, so compiled once and kept in the matcher cache's programs: lazy_re)
_PRONOUN = compile_later(r"\b(he|she|they|it|him|her|them)\b", re.I)
_FROM_WORD = compile_later(r"\bfrom\b")
_WE_FIRST = compile_later(r"(?:i|we)\b")
_LEAD_WORD = compile_later(r"[\w']+")
_FIRST_WORDS = compile_later(r"[\w'-]+(?:\s+[\w'-]+)?")
_RELATIVE = compile_later(r"\s*(?:who|that|which)\b", re.I)


class Pursuers:
    """The Matcher's pursuer typing and flight inference (a mixin: it reads the Matcher's agents)."""

    def _candidates(self, doc: _Doc, lo: int, hi: int, opening_names: bool = False) -> list[tuple[int, int, str]]:
        """Pursuer-like words in text[lo:hi]: (start, end, type); names count as known people (one
        opening a sentence only when asked: in the chase's own clause, "Mark chased me")."""
        text = doc.text
        out = []
        first, last = doc.sentence_of(lo), doc.sentence_of(max(lo, hi - 1))
        for label in self._agent_order:
            for src in self._agent_specs[label]:  # compiled only when its literals are there
                if doc.may_hold(self._literals[src], first, last):
                    for m in self._re(src).finditer(doc.hay, lo, hi):
                        if ((_PLACE_OR_OWNER.match(doc.hay, m.end()) and not (
                                label != "pursuer_known_person" and _VEHICLE_NEXT.match(doc.hay, m.end()))) or _LIKENED.search(doc.hay, max(0, m.start() - 24), m.start())
                                or _ABSENT.search(doc.hay, max(0, m.start() - 16), m.start())):
                            continue  # "near my grandparents house", "a crab the size of a car", "with no driver"
                        kind = label
                        if kind == "pursuer_known_person" and (
                                _SOMEONE_ELSES_BEFORE.search(doc.hay, max(0, m.start() - 8), m.start())
                                or _SOMEONE_ELSES_AFTER.match(doc.hay, m.end())):
                            kind = "pursuer_stranger_or_monster"  # "a friend of his": not someone the dreamer knows
                        out.append((m.start(), m.end(), kind))
        lexical = {(s, e) for s, e, _ in out}
        for m in _WORD.finditer(text, lo, hi):
            if not text[m.start()].isupper():
                continue  # most words: nothing more to look at
            w = m.group()
            lw = w.lower()
            if (w not in ("I", "I'm", "I'd", "I've", "God", "Oh") and lw not in _OTHER
                    and lw not in _DETERMINERS and lw not in _MY and lw not in _DREAMER
                    and not _AFTER_NAMED.search(text[max(0, m.start() - 8):m.start()])
                    and not _AFTER_ARTICLE.search(text[max(0, m.start() - 4):m.start()])):
                nxt = _NEXT_WORD.match(text[m.end():m.end() + 20])
                if _AFTER_STOP.search(text[max(0, m.start() - 3):m.start()]):
                    # a capital opening the sentence is a name only as the subject of a verb
                    # ("Mark chased me", "Jenny was after me"), never an opener ("Then was …")
                    if not opening_names or lw in _NO_NAME_FIRST or lw.endswith(("ing", "ly")) or not (
                            nxt and (nxt.group(1) in _VERBISH or nxt.group(1).endswith("ed"))):
                        continue
                elif nxt and nxt.group(1) not in _VERBISH and not nxt.group(1).endswith(("ed", "s")) \
                        and nxt.group(1) not in _AFTER_A_NAME:
                    continue  # "French thing", "Bridal Store": an adjective or a title, not a person
                if (m.start(), m.end()) not in lexical:  # "the Indians": the lexicon's word, not a name
                    out.append((m.start(), m.end(), "pursuer_known_person"))
        # a word inside a longer candidate is part of it: "my landlord" is someone known, not a
        # stranger; "a hooded figure", "a figure in black" are strangers, not an unseen "figure"
        spans = {(s, e) for s, e, _ in out}
        out = [c for c in out if not any(s <= c[0] and c[1] <= e and (s, e) != c[:2] for s, e in spans)]
        # an unseen-kind word right after another candidate is that one's: "a police car", "an army truck"
        ends = {e for s, e, label in out if label != "pursuer_invisible"}
        out = [c for c in out if not (c[2] == "pursuer_invisible" and c[0] - 1 in ends and text[c[0] - 1] == " ")]
        # ... and a person or creature word right before another is its modifier: the head names
        # the pursuer ("a giant spider", "killer bees", "a guard dog", "a mother bear")
        heads = {s for s, e, label in out if label != "pursuer_invisible"}
        out = [c for c in out if not (c[2] != "pursuer_invisible" and c[1] + 1 in heads and text[c[1]:c[1] + 1] == " ")]
        return sorted(set(out))

    def _antecedent(self, doc: _Doc, pronoun: str, pos: int) -> tuple[str, int, int] | None:
        """What he / she / it / they most likely stands for: the nearest earlier candidate
        of a fitting kind (people for he/she, animals or things for it) within six sentences."""
        lo, _ = doc.window(pos, 8)
        lo = max(lo, pos - _ANTECEDENT_REACH)  # a run-on paste: look back a bounded stretch
        cands = self._candidates(doc, lo, pos)
        if pronoun in ("he", "she", "him", "her", "his"):
            tiers = [("pursuer_known_person", "pursuer_stranger_or_monster"), ("pursuer_invisible",), ("pursuer_animal",)]
        elif pronoun == "it":
            tiers = [("pursuer_animal", "pursuer_invisible"), ("pursuer_stranger_or_monster",)]
        else:  # they / them
            tiers = [("pursuer_known_person", "pursuer_stranger_or_monster", "pursuer_animal"), ("pursuer_invisible",)]
        for tier in tiers:
            fit = [c for c in cands if c[2] in tier]
            if fit:
                s, e, label = fit[-1]
                return label, s, e
        # nothing before it: a typed note may name it just after ("she was after me. my sister.")
        if not any(c[2] != "pursuer_invisible" for c in cands):
            si = doc.sentence_of(pos)
            if si + 1 < len(doc.sents):
                a, b = doc.sents[si + 1]
                if b - a <= 40 and not _FINITE_WORD.search(doc.low, a, b):  # a fragment naming it, not a new event
                    after = [c for c in self._candidates(doc, a, b) if c[2] in tiers[0]]
                    if after:
                        s, e, label = after[0]
                        return label, s, e
        return None

    def _agent(self, doc: _Doc, lo: int, hi: int, first: bool = False,
               opening_names: bool = True) -> tuple[str, int, int] | None:
        """The pursuer named in text[lo:hi]: the word nearest the verb (or, for an earlier
        clause whose subject is inherited, its first one); pronouns are resolved."""
        text = doc.text
        items = [(s, e, label) for s, e, label in self._candidates(doc, lo, hi, opening_names)]
        items += [(lo + m.start(), lo + m.end(), "=" + m.group(1).lower())
                  for m in _PRONOUN.finditer(text[lo:hi])]
        if not items:
            return None
        pos = min(items)[0] if first else max(items)[0]
        # one word of two kinds ("person": a stranger, or unseen): the more specific kind
        order = self._agent_order
        s, e, label = min((i for i in items if i[0] == pos),
                          key=lambda i: order.index(i[2]) if i[2] in order else -1)
        if label.startswith("="):
            return self._antecedent(doc, label[1:], s)
        return label, s, e

    def _pursuers(self, doc: _Doc, original: str, chases: list[Hit]) -> list[Hit]:
        text = doc.text
        out: list[Hit] = []
        for h in chases:
            ev = text[h.start:h.end].lower()
            found = None
            also = None  # a second pursuer joined by "and"
            by = _BY.match(text, h.end) or (_BY_LATER.match(text, h.end) if _PASSIVE.search(ev) else None)
            if by and _FLED.match(ev) and not _PASSIVE.search(ev):
                by = None  # "escaped the zombies by climbing onto the roof": a means, the agent is the object
            if by:  # "chased by a man with a dog": the head noun of the by-phrase
                # (a known-person frame may run on past it: "by the girls who used to bully me")
                reach = min(doc.sents[doc.sentence_of(by.start(1))][1], by.end(1) + 60)
                further = self._candidates(doc, by.start(1), reach)
                cands = [c for c in further if c[0] < by.end(1)]
                if not cands and further:  # a hedge cut the phrase: "by what seemed to be a giant creature"
                    cands = further[:1]
                found = (cands[-1][2], cands[-1][0], cands[-1][1]) if cands else None
                joined = _AND_NP.match(text, by.end(1)) if found else None
                if joined and not _FINITE_WORD.search(doc.low, joined.start(1), joined.end(1)) \
                        and not _IRREGULAR_VERB.search(doc.low, joined.start(1), joined.end(1)):  # "… and my brother fell"
                    more = self._candidates(doc, joined.start(1), joined.end(1))
                    also = (more[-1][2], more[-1][0], more[-1][1]) if more else None
            elif _FROM_WORD.search(ev):  # "running from something"
                fm = _FROM.search(text, h.start)
                if fm:  # the object of "from" (not a later noun: "from a bear and my friend was laughing")
                    found = self._agent(doc, fm.start(1), fm.end(1), first=True)
                    both = self._candidates(doc, fm.start(1), fm.end(1))
                    if (found and len(both) > 1 and _JOINED_NP.fullmatch(text, both[0][1], both[1][0])
                            and not _VERB_NEXT.match(text, both[1][1])):  # not "… and my friend was laughing"
                        also = (both[1][2], both[1][0], both[1][1])  # "from a bear and a hunter": the second as well
            elif _FLED.match(ev):  # "we fled the soldiers", "I outran the wolves": the object is the agent
                found = self._agent(doc, h.start, h.end)
            elif not _WE_FIRST.match(ev):  # active: the doer, in the hit's clause or before it
                cl, ci = doc.clause_of(h.start)
                lead = _LEAD_WORD.match(text[h.start:h.end])  # "he chases": the subject is in the hit
                lead = lead.group().lower() if lead else ""
                if lead in _JOINING and h.end - h.start > len(lead) + 1:
                    # "but it followed me": the hit opens with a conjunction; its subject comes next
                    after = _LEAD_WORD.match(text, h.start + len(lead) + 1, h.end)
                    if after and after.group().lower() in ("he", "she", "they", "it"):
                        lead = after.group().lower()
                head = _FIRST_WORDS.match(text, h.start, h.end)  # the hit's first two words
                if lead in _OPENS_NOUN_PHRASE or (lead not in ("he", "she", "they", "it", "them", "him", "her")
                                                  and self._candidates(doc, h.start, head.end() if head else h.start + len(lead))):
                    # the hit opens with its agent: "the dog was right behind me", "giant spider after me",
                    # "I ran and the monster followed"
                    found = self._agent(doc, h.start, h.end, first=True)
                else:
                    hi = h.end if lead in ("he", "she", "they", "it", "them", "him", "her") else h.start
                    found = self._agent(doc, cl[ci].start, hi)
                    if found is None and lead in ("was", "were", "is", "are"):
                        found = self._agent(doc, h.start, h.end, first=True)  # "(there) were people after me"
                # "the guy who was following me": the noun just before the relative pronoun
                relative = _RELATIVE.match(text[cl[ci].start:h.start])
                if found is None and relative and ci > 0:
                    found = self._agent(doc, cl[ci - 1].start, cl[ci].start)
                # an inherited subject ("… and advances toward me"): the first one of the
                # nearest earlier clause that states its own
                while found is None and ci > 0:
                    ci -= 1
                    c_lo, c_hi, explicit = cl[ci].start, cl[ci].end, cl[ci].explicit
                    if explicit and _OPENS_WITH_VERB.match(doc.low, c_lo) and ci > 0:
                        continue  # "It | sees me … and advances": the clause cut at its verb; its subject is before
                    if explicit:
                        found = self._agent(doc, c_lo, min(c_hi, c_lo + 40), first=True)
                        if found is None and cl[ci].subject == "other":
                            continue  # an aside with no agent in it ("a crab, the size of a car, came"): further back
                        break
            # a passive without an agent ("we're being pursued") or nothing found: unseen
            if found is None:
                out.append(Hit("motif", "pursuer_invisible", original[h.start:h.end], h.start, h.end, h.subject))
            else:  # the pursuer is part of the chase it types: the dreamer's when the dreamer is chased
                label, s, e = found
                out.append(Hit("motif", label, original[s:e], s, e, h.subject))
                if also is not None and also[0] != label:
                    out.append(Hit("motif", also[0], original[also[1]:also[2]], also[1], also[2], h.subject))
        return out

    # ------------------------------------------------------------------ inference

    def _threat(self, doc: _Doc, lo: int, hi: int) -> bool:
        """Whether text[lo:hi] shows a danger that is not the dreamer's own weapon
        ("we were carrying pistols", "I hid in the corner with a knife")."""
        for m in self._danger.finditer(doc.hay, lo, hi):
            if self._own is None or not self._own.search(doc.hay, max(lo, m.start() - 48), m.start()):
                return True
        return False

    def _flight_fear(self, doc: _Doc, original: str, chases: list[Hit]) -> list[Hit]:
        """Fleeing, hiding or being chased near something clearly dangerous implies fear."""
        # no danger literal anywhere: no danger match anywhere, nothing to look for
        everywhere = (0, len(doc.sents) - 1)
        if not doc.may_hold(self._danger_lits, *everywhere):
            return []
        self._flight_rules()  # compiled only once a dream mentions danger
        rule = self._flight_rule
        flees = self._flight.finditer(doc.hay) if doc.may_hold(self._flight_lits, *everywhere) else ()
        spans = [(m.start(), m.end()) for m in flees if self._check(doc, rule, m.start(), m.end()) == "dreamer"]
        for start, end in sorted(spans + [(h.start, h.end) for h in chases]):
            # a bare "ran" is often no flight ("ran to catch the bus"): its danger must be close
            bare = doc.low[start:end] in _BARE_RUN
            first, last = doc.window_sents(start, min(1, self._flight_window) if bare else self._flight_window)
            si = doc.sentence_of(start)  # the danger is already shown, not what comes later
            if doc.may_hold(self._danger_lits, first, si) and self._threat(doc, doc.sents[first][0], doc.sents[si][1]):
                if self._calm is not None and doc.may_hold(self._calm_lits, first, last) \
                        and self._calm.search(doc.hay, doc.sents[first][0], doc.sents[last][1]):
                    continue  # "the bear was tame", "I wasn't scared but ran": no threat felt
                return [Hit("emotion", self._flight_emotion, original[start:end], start, end)]
        return []
