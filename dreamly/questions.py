"""The guided reflection after `dreamly add`: up to three short questions, chosen from what
the matcher found and worded by the knowledge base, asked in a terminal only.

Choosing the questions is plain data work (`questions_for`); asking them is `ask`, which
reads keys from a real terminal. Each answer is handed to `on_answer` as soon as it is
given, so Ctrl-C or Ctrl-D at any question keeps the dream and every earlier answer.
Loaded only when questions are asked: `dreamly add` in a script never imports it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from dreamly.errors import DreamlyError

PURSUER, FEELING, REMINDS = "pursuer", "feeling", "reminds"

# The four pursuer types, as the chase question names them, each on one key.
PURSUER_CHOICES = (
    ("1", "pursuer_stranger_or_monster", "a stranger or monster"),
    ("2", "pursuer_known_person", "someone you know"),
    ("3", "pursuer_animal", "an animal"),
    ("4", "pursuer_invisible", "something you never saw"),
)
PURSUER_IDS = tuple(motif for _, motif, _ in PURSUER_CHOICES)

# When the knowledge base has no wording of its own for a question (no motif found, or one
# whose questions are about something else), these are asked.
GENERIC = {
    PURSUER: "Who or what was after you?",
    FEELING: "How did you feel?",
    REMINDS: "What does it remind you of in waking life?",
}
HINTS = {
    FEELING: "feelings, with an intensity if you like: fear:4, shame",
    REMINDS: "a few words",
}


@dataclass(frozen=True)
class Question:
    id: str  # pursuer, feeling, reminds or motif:ID (the motif's first question)
    text: str
    choices: tuple = ()  # (key, motif id, label) for one-key answers


LABELS = {PURSUER: "Who was after you", FEELING: "How you felt", REMINDS: "It reminds you of", "free": "Reflection"}


def label(question_id: str, knowledge=None) -> str:
    """How `show` names an answer: a short heading, or a motif's question in full."""
    if question_id.startswith("motif:"):
        motif = (getattr(knowledge, "motifs", {}) or {}).get(question_id[6:])
        return motif.questions[0] if motif and motif.questions else question_id[6:].replace("_", " ")
    return LABELS.get(question_id, question_id)


def answer_text(question_id: str, answer: str) -> str:
    """An answer as a person reads it: a chosen pursuer by its name, not its motif id."""
    if question_id == PURSUER:
        return next((words for _, motif, words in PURSUER_CHOICES if motif == answer), answer)
    return answer


def questions_for(motif_ids, knowledge, *, always: bool = False) -> list[Question]:
    """Up to three questions for a dream with these motifs (the dreamer's, in order found).

    A chase asks the chase's own three questions: who was after you (the four pursuer types
    on one key each), how you felt, what it reminds you of. Another motif asks its first
    question, then the feeling and what it reminds you of. No motif asks nothing, unless
    `always` (then the feeling and what it reminds you of)."""
    motifs = getattr(knowledge, "motifs", {}) or {}
    found = list(dict.fromkeys(motif_ids))
    if "chase" in found:
        worded = list(getattr(motifs.get("chase"), "questions", ()) or ())
        worded += [None] * (3 - len(worded))
        return [Question(PURSUER, worded[0] or GENERIC[PURSUER], PURSUER_CHOICES),
                Question(FEELING, _feeling_words(worded[1])),
                Question(REMINDS, worded[2] or GENERIC[REMINDS])]
    asked = []
    for motif_id in found:
        motif = motifs.get(motif_id)
        if motif is not None and motif.questions and motif.group != "pursuer":
            asked.append(Question(f"motif:{motif_id}", motif.questions[0]))
            break
    if asked or always:
        asked += [Question(FEELING, GENERIC[FEELING]), Question(REMINDS, GENERIC[REMINDS])]
    return asked


def _feeling_words(worded: str | None) -> str:
    return worded or GENERIC[FEELING]


def parse_feelings(answer: str, known) -> tuple[list[tuple[str, int | None]], list[str]]:
    """`fear:4, shame` → ([("fear", 4), ("shame", None)], notes). Raises DreamlyError on a
    malformed one (the question is asked again)."""
    from dreamly.entry import parse_emotion
    from dreamly.feeling_names import feeling_family

    feelings, notes = [], []
    for part in answer.replace(";", ",").split(","):
        for spec in _specs(part):
            name, level = parse_emotion(spec)
            name, said = feeling_family(name, known)
            if said:
                notes.append(said)
            feelings.append((name, level))
    merged: dict = {}
    for name, level in feelings:  # "fear:4, scared" is fear at 4: a later bare name keeps the level
        merged[name] = level if level is not None else merged.get(name)
    return list(merged.items()), notes


def _specs(part: str) -> list[str]:
    """`fear:4 shame` (spaces between) or `fear : 4` (spaces inside) both read."""
    from dreamly.feeling_names import DEGREE_WORDS

    words = part.replace(" :", ":").replace(": ", ":").split()
    return [w for w in words if w.lower() not in DEGREE_WORDS] or words  # "kinda happy" is joy, not kinda and joy


def format_feelings(feelings) -> str:
    return ", ".join(f"{name}:{level}" if level else name for name, level in feelings)


# -- keeping the answers ------------------------------------------------------------------


def pursuer_in_words(words: str) -> str | None:
    """The pursuer type the dreamer's own words name ("my old boss", "a big black dog"), read
    by the matcher's agent lexicons as the agent of a chase; None when they name none or
    several, so nothing is decided for the dreamer."""
    from dreamly.analysis import analyze

    words = words.strip()
    found = {h.id for h in analyze(f"{words} was chasing me").motifs
             if h.id in PURSUER_IDS and h.end <= len(words)}  # named in the words, not guessed from the frame
    return found.pop() if len(found) == 1 else None


def store_answer(journal, dream_id: int, question_id: str, answer) -> None:
    """Keep one answer. A pursuer chosen by key is the dreamer's decision about the motif
    (that type is added, the other types dropped), so patterns counts it; feelings join the
    ones the dreamer tagged."""
    if question_id == PURSUER:
        journal.add_reflection(dream_id, PURSUER, answer)
        chosen = answer if answer in PURSUER_IDS else pursuer_in_words(answer)
        if chosen:
            journal.correct(dream_id, [("motif", other, "add" if other == chosen else "drop") for other in PURSUER_IDS])
        else:  # their own words: no type chosen, whatever was chosen before is taken back
            journal.correct(dream_id, [("motif", other, "forget") for other in PURSUER_IDS])
        return
    if question_id == FEELING:
        feelings = answer
        journal.add_reflection(dream_id, FEELING, format_feelings(feelings))
        dream = journal.get(dream_id, with_history=False)
        mine = {e["emotion"]: e["intensity"] for e in dream["emotions"] if e["origin"] == "user"}
        for name, level in feelings:
            mine[name] = level if level is not None else mine.get(name)
        journal.update(dream_id, {}, emotions=list(mine.items()))
        journal.correct(dream_id, [("emotion", name, "forget") for name, _ in feelings])
        return
    journal.add_reflection(dream_id, question_id, answer)


# -- asking, in a real terminal -------------------------------------------------------------


class Ended(Exception):
    """Ctrl-C or Ctrl-D: no more questions."""


class Terminal:
    """Reads one key (cbreak mode, for the one-key choices) or a line (with line editing)
    from the terminal on stdin; writes the questions to stdout, which is a terminal too."""

    def __init__(self):
        self.fd = sys.stdin.fileno()
        try:
            import readline  # noqa: F401 - gives input() line editing
        except ImportError:  # pragma: no cover - Windows without pyreadline
            pass

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def key(self, prompt: str = "") -> str:
        """Show `prompt`, then read one character without waiting for Enter. Ctrl-C raises
        KeyboardInterrupt (the terminal still turns it into SIGINT); Ctrl-D gives '\\x04'.
        The terminal leaves line mode before the prompt shows, so a key typed as soon as it
        appears is neither echoed nor lost."""
        import termios
        import tty

        old = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd, termios.TCSANOW)  # not TCSAFLUSH: keep what was typed ahead
            self.write(prompt)
            first = os.read(self.fd, 1)
            need = _utf8_length(first)
            while len(first) < need:
                more = os.read(self.fd, 1)
                if not more:
                    break
                first += more
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, old)
        return first.decode("utf-8", errors="replace")

    def line(self, prompt: str, start: str = "") -> str:
        """A line of text; `start` is already typed (the key that began it)."""
        hook = None
        if start:
            try:
                import readline

                def hook():
                    readline.insert_text(start)
                    readline.redisplay()

                readline.set_pre_input_hook(hook)
            except (ImportError, AttributeError):  # no readline: the key is kept anyway
                self.write(prompt + start)
                return start + input()
        try:
            return input(prompt)
        finally:
            if hook is not None:
                import readline

                readline.set_pre_input_hook(None)


def _fit(text: str, indent: str = "") -> str:
    """`text` wrapped at the terminal's width between words (a terminal breaks mid-word)."""
    import shutil
    import textwrap

    width = max(40, shutil.get_terminal_size((80, 24)).columns - 1)
    return "\n".join(textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent,
                                    break_on_hyphens=False)) or indent


def _utf8_length(first: bytes) -> int:
    if not first:
        return 0
    lead = first[0]
    return 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


PROMPT = "  > "


def ask(questions: list[Question], on_answer, *, known_feelings, found_pursuers=(), terminal=None,
        current=None) -> int:
    """Ask each question in turn; `on_answer(question, answer)` stores an answer at once.

    Answers are: a pursuer motif id or the dreamer's own words; feelings as
    [(name, intensity)]; free text. Enter skips a question. Returns how many were answered;
    raises Ended on Ctrl-C or Ctrl-D (what was answered is already stored)."""
    term = terminal or Terminal()
    answered = 0
    current = current or {}
    if current:
        term.write("\nYour answers so far are shown; Enter keeps one, Ctrl-C stops.\n")
    else:
        term.write("\nA few questions while the dream is fresh (Enter skips, Ctrl-C stops):\n")
    for question in questions:
        term.write(f"\n{_fit(question.text)}\n")
        if question.id in current:
            term.write(f"  (now: {answer_text(question.id, current[question.id])})\n")
        try:
            answer = _ask_one(term, question, known_feelings, found_pursuers,
                              skipped="(kept)" if question.id in current else "(skipped)")
        except (KeyboardInterrupt, EOFError):
            term.write("\n")
            raise Ended from None
        if answer is None:
            continue
        on_answer(question, answer)
        answered += 1
    return answered


def _ask_one(term, question: Question, known_feelings, found_pursuers, skipped="(skipped)"):
    if question.choices:
        guess = next((label for _, motif, label in question.choices if motif in found_pursuers), None)
        term.write(_fit("   ".join(f"[{key}]\u00a0{label.replace(' ', chr(0xa0))}" for key, _, label in question.choices),
                        indent="  ").replace("\u00a0", " ") + "\n")  # a choice never breaks inside itself
        if guess:
            term.write(f"  (the text suggests {guess})\n")
        key = term.key(f"  one key, or type your own words:{PROMPT[1:]}")
        if key == "\x04":
            raise EOFError
        if key in ("\r", "\n", ""):
            term.write(f"{skipped}\n")
            return None
        for choice_key, motif, label in question.choices:
            if key == choice_key:
                term.write(f"{label}\n")
                return motif
        if key in ("\x1b", "\x7f", "\x08") or not key.isprintable():
            term.write(f"{skipped}\n")
            return None
        term.write("\n")  # a line of its own: going back over a long (or wrapped) key prompt left its tail on screen
        words = term.line(PROMPT, start=key).strip()
        return words or None
    hint = HINTS.get(question.id.split(":")[0])
    if hint:
        term.write(f"  ({hint})\n")
    for _ in range(3):
        words = term.line(PROMPT).strip()
        if not words:
            return None
        if question.id != FEELING:
            return words
        try:
            feelings, notes = parse_feelings(words, known_feelings)
        except DreamlyError as exc:
            term.write(f"  {exc}; try again, or Enter to skip\n")
            continue
        for said in notes:
            term.write(f"  {said}\n")
        return feelings
    return None
