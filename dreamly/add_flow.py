"""`dreamly add`'s work as the person sees it: the checks before asking for the dream, the
save, what is printed after it (findings, streak, questions). One function, `run_add`,
called by both ways in: the Typer command `cli.add` and the fast start of dreamly/start.py
(which parses `add`'s options without Typer; see dreamly/_add_fast.py). So it knows no
Typer: a failure is a DreamlyError (each way in prints it as one `Error: …` line, exit 1),
output goes through dreamly/_echo.py's `output()` (Typer's echo when Typer is loaded).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from dreamly.errors import DreamlyError, UsageError

TYPE_CHECKING = False  # (typing itself is a few milliseconds of `dreamly add`: annotations only)
if TYPE_CHECKING:
    from typing import Callable, Optional


def echo(message=None, nl: bool = True, err: bool = False) -> None:
    from dreamly._echo import output

    output().echo(message, nl=nl, err=err)


def note(message: str) -> None:
    """A message for the person, not data: stderr, so pipes get only data."""
    echo(message, err=True)


def _print_json(data) -> None:
    import json

    from dreamly.text import json_for_terminal

    echo(json_for_terminal(json.dumps(data, ensure_ascii=False, indent=2)))


@contextmanager
def _option_values():
    """A value given on the command line that can't be read is a usage error (exit 2), as in
    cli.option_values; in the editor's template it stays a plain error naming the draft."""
    try:
        yield
    except UsageError:
        raise
    except DreamlyError as exc:
        raise UsageError(str(exc)) from None


def _knowledge_or_none():
    from dreamly import actions

    return actions.knowledge_or_note(note)


def run_add(text: Optional[str], *, date: str, title: str, emotion, tag, context: str, lucid: bool,
            lucidity: Optional[int], nightmare: bool, recurring: bool, sleep: Optional[int], editor: bool,
            questions: Optional[bool], json_: bool, db, interpret: Optional[Callable] = None) -> None:
    """Write down a dream (the options as `dreamly add --help` gives them). `interpret`, when
    given (`--interpret`), reads the saved dream with the model: (journal, dream_id, quiet)
    -> a failure line or None."""
    from dreamly.config import load as load_config
    from dreamly.dates import parse_day, refuse_future
    from dreamly.entry import clean_text, read_text, refuse_argument_and_pipe
    from dreamly.store import NewDream, open_journal

    # Check every option before asking for the dream, so nobody writes a dream for nothing.
    settings = load_config()
    with _option_values():
        day = parse_day(date)
        refuse_future(day)
    emotions = feelings_from_options(emotion)
    from dreamly.store import check_tags

    check_tags(tag or ())
    if interpret:
        from dreamly.interpret import require_llm

        require_llm()
    if text is not None:
        refuse_argument_and_pipe()
    text, draft = read_text(text, force_editor=editor, template=True)
    extra_tags: list = []
    if draft:  # the editor's template: its feelings and tags lines are read, not saved
        from dreamly.entry import split_template

        text, more_feelings, extra_tags = split_template(text)
        try:
            emotions = [*emotions, *feelings_from_options(more_feelings)]
            check_tags(extra_tags)
        except DreamlyError as exc:
            raise DreamlyError(f"{exc} (your text is kept in {draft.path})") from None
    body = clean_text(text)
    if not body.strip():
        if draft:
            draft.discard()
        raise DreamlyError("the dream is empty; nothing was saved")
    from dreamly.entry import repair_surrogates

    title, context = repair_surrogates(title), repair_surrogates(context)  # as the dream's own text
    dream = NewDream(body=body, dreamt_on=day, title=title.strip(), context=context.strip(),
                     lucid=lucid or lucidity is not None, lucidity=lucidity, nightmare=nightmare, recurring=recurring,
                     sleep_quality=sleep, tags=[*settings.tags, *(tag or ()), *extra_tags], emotions=emotions)
    from dreamly import actions

    with keeping(draft):  # a failed save (busy journal, full disk) names the draft that keeps the text
        from dreamly.paths import journal_path

        path = journal_path(db)
        new_journal = not os.path.lexists(path)  # the first dream, or a mistyped --db: say where it went
        journal = open_journal(db)
        try:
            saved = actions.save_dream(journal, dream, on_saved=draft.discard if draft else lambda: None)
        except BaseException:
            journal.close()
            raise
    with journal:
        dream_id, found = saved.dream_id, saved.analysis
        if new_journal:
            note(f"Started a new journal at {path}.")
        _warn_if_repeated(journal, dream_id, dream)
        if saved.warning:
            note(saved.warning)
        if json_:
            failure = interpret(journal, dream_id, quiet=True) if interpret else None
            _print_json(journal.get(dream_id))
            if failure:
                raise DreamlyError(failure)
            return
        echo(f"Saved dream {dream_id} for {day.isoformat()}.")
        if found is not None:
            echo_findings(found)
        _echo_streak(journal)
        if _should_ask(questions, settings, found):
            _ask_questions(journal, dream_id, found, always=bool(questions))
        if interpret:
            echo()
            failure = interpret(journal, dream_id, quiet=False)
            if failure:
                raise DreamlyError(failure)


def feelings_from_options(specs) -> list:
    """`-e fear:4 -e scared`: each parsed, names outside the twelve mapped to their family
    when close (with a note) and warned about when unknown."""
    from dreamly.entry import parse_emotion
    from dreamly.feeling_names import feeling_family

    feelings = []
    for spec in specs or ():
        with _option_values():
            name, level = parse_emotion(spec)
        name, said = feeling_family(name)
        if said:
            note(said if said.startswith("Warning") else f"Note: {said}.")
        feelings.append((name, level))
    return feelings


def _warn_if_repeated(journal, dream_id: int, dream) -> None:
    from dreamly import actions

    if actions.repeated_today(journal, dream_id, dream):
        day = dream.dreamt_on.isoformat()
        note(f"Warning: this text was already added for {day}; both are kept "
             f"(`dreamly delete {dream_id}` removes the new one).")


def _echo_streak(journal) -> None:
    """One line after `add`: how many mornings in a row have a dream (today, or up to yesterday)."""
    from dreamly import actions

    streak = actions.recall_streak(journal)
    if streak > 1:
        echo(f"Recall streak: {streak} mornings in a row.")
    elif streak == 1:
        echo("Recall streak: 1 morning; write one tomorrow to make it 2.")


def _should_ask(flag, settings, found) -> bool:
    """Questions only for a person at a terminal: never piped, never in CI, never with --json."""
    if flag is False or (flag is None and not settings.questions):
        return False
    if os.environ.get("CI") or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    return flag is True or bool(found is not None and found.motifs)


def _ask_questions(journal, dream_id: int, found, *, always: bool) -> None:
    from dreamly import questions as asking

    knowledge = _knowledge_or_none()
    motif_ids = [h.id for h in found.motifs if getattr(h, "subject", "dreamer") == "dreamer"] if found else []
    chosen = asking.questions_for(motif_ids, knowledge, always=always)
    if not chosen:
        return
    known = tuple(getattr(knowledge, "emotions", None) or ()) or None
    from dreamly.feeling_names import FEELINGS

    kept = []

    def keep(question, answer) -> None:
        asking.store_answer(journal, dream_id, question.id, answer)
        kept.append(question.id)

    try:
        answered = asking.ask(chosen, keep, known_feelings=known or FEELINGS,
                              found_pursuers={h.id for h in found.motifs} if found else ())
    except asking.Ended:
        echo(f"Questions ended; dream {dream_id} is saved" + (", with the answers you gave." if kept else "."))
        return
    if answered:
        echo(f"\nKept {answered} answer{'' if answered == 1 else 's'} with dream {dream_id} "
                   f"(`dreamly show {dream_id}`; change them with `dreamly reflect {dream_id}`).")


def keeping(draft):
    """While an editor's draft is not yet saved: any failure names the file that keeps the text."""
    from contextlib import contextmanager

    @contextmanager
    def keeping():
        try:
            yield
        except DreamlyError as exc:
            if draft is None or not draft.path.exists() or str(draft.path) in str(exc):
                raise
            raise DreamlyError(f"{str(exc).rstrip('.')}; your text is kept in {draft.path}") from None

    return keeping()


def echo_findings(result) -> None:
    if not result.motifs and not result.emotions:
        return
    from dreamly import plain  # not rich: `add` prints this every morning

    from dreamly import actions

    plain.findings(result, actions.knowledge())
