"""The `dreamly` command line: options, prompts, exit codes. Thin on purpose.

Start-up matters (`dreamly add` is typed half-awake every morning), so this module imports
typer and the standard library only; everything else is imported inside the command that
needs it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from dreamly.errors import DreamlyError


class DreamlyCommand(TyperCommand):
    """Turns every failure into one `Error: …` line on stderr and exit 1, never a traceback
    (unless DREAMLY_DEBUG=1). Messages never include dream text."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DreamlyError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            typer.echo("Interrupted; nothing more was written.", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):  # click's own exits and usage errors
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("DREAMLY_DEBUG"):
                raise
            import sqlite3

            if isinstance(exc, sqlite3.Error):
                fail(f"the journal gave an error ({type(exc).__name__}: {exc}); run `dreamly check`")
            fail(f"unexpected {type(exc).__name__}; rerun with DREAMLY_DEBUG=1 to see the traceback")


class DreamlyGroup(TyperGroup):
    def list_commands(self, ctx):  # keep the order commands are defined in, the order of a day
        return list(self.commands)


app = typer.Typer(
    name="dreamly",
    cls=DreamlyGroup,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,  # locals hold dream text
    add_completion=False,
    rich_markup_mode=None,
)


def command(*args, **kwargs):
    kwargs.setdefault("cls", DreamlyCommand)
    return app.command(*args, **kwargs)


def fail(message: str, code: int = 1):
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    """A message for the person, not data: stderr, so pipes get only data."""
    typer.echo(message, err=True)


def print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


# -- shared options ------------------------------------------------------------------------

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="DREAMLY_DB", metavar="PATH", help="Journal file to use (default: see `dreamly path`).",
                 show_default=False, dir_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
SinceOption = Annotated[Optional[str], typer.Option("--since", metavar="DAY", help="From this day on (same forms as --date).", show_default=False)]
UntilOption = Annotated[Optional[str], typer.Option("--until", metavar="DAY", help="Up to and including this day.", show_default=False)]
TagFilter = Annotated[Optional[List[str]], typer.Option("--tag", "-t", metavar="TAG", help="Only dreams with this tag (repeatable).", show_default=False)]
EmotionFilter = Annotated[Optional[List[str]], typer.Option("--emotion", "-e", metavar="NAME", help="Only dreams with this feeling (repeatable).", show_default=False)]
MotifFilter = Annotated[Optional[List[str]], typer.Option("--motif", "-m", metavar="ID", help="Only dreams with this motif id (repeatable; see `dreamly themes`).", show_default=False)]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="Show at most this many.")]


def _filters(since, until, tags, emotions, motifs, limit=None, oldest_first=False):
    from dreamly.dates import day_range
    from dreamly.store import Filters

    start, end = day_range(since, until)
    return Filters(since=start, until=end, tags=tags or (), emotions=emotions or (), motifs=motifs or (),
                   limit=limit, oldest_first=oldest_first)


@app.callback()
def main_callback() -> None:
    """dreamly: a private dream journal for the terminal.

    Write last night's dream with `dreamly add`, see what keeps coming back with
    `dreamly patterns`. Everything stays in one SQLite file on your disk.
    """


# -- the morning: add ------------------------------------------------------------------------


@command()
def add(
    text: Annotated[Optional[str], typer.Argument(
        metavar="TEXT", help="The dream. Leave it out to pipe it in, or to write it in $VISUAL/$EDITOR.", show_default=False)] = None,
    *,
    date: Annotated[str, typer.Option("--date", "-d", metavar="DAY", help="The morning you woke: today, yesterday, monday, '3 days ago', 2026-11-20, 'Nov 20'.")] = "today",
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="A short title.", show_default=False)] = "",
    emotion: Annotated[Optional[List[str]], typer.Option("--emotion", "-e", metavar="NAME[:1-5]", help="A feeling, optionally with intensity 1-5: fear, fear:4 (repeatable).", show_default=False)] = None,
    tag: Annotated[Optional[List[str]], typer.Option("--tag", "-t", metavar="TAG", help="A tag such as work or exam (repeatable).", show_default=False)] = None,
    context: Annotated[str, typer.Option("--context", "-c", metavar="TEXT", help="What is going on in waking life.", show_default=False)] = "",
    lucid: Annotated[bool, typer.Option("--lucid", help="You knew you were dreaming.")] = False,
    nightmare: Annotated[bool, typer.Option("--nightmare", help="It was a nightmare.")] = False,
    recurring: Annotated[bool, typer.Option("--recurring", help="You have had this dream before.")] = False,
    sleep: Annotated[Optional[int], typer.Option("--sleep", min=1, max=5, metavar="1-5", help="How well you slept, 1 (badly) to 5 (very well).", show_default=False)] = None,
    editor: Annotated[bool, typer.Option("--editor", "-E", help="Write the dream in $EDITOR even if stdin is not a terminal.")] = False,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Write down a dream. The text comes from the argument, else piped stdin, else $EDITOR.

    Example: dreamly add "Chased, legs like concrete" -e fear:4 -t work
    """
    from dreamly.dates import parse_day
    from dreamly.entry import EditorDraft, clean_text, parse_emotion, read_stdin, stdin_is_terminal
    from dreamly.store import NewDream, open_journal

    # Check every option before asking for the dream, so nobody writes a dream for nothing.
    day = parse_day(date)
    _refuse_future(day)
    emotions = [parse_emotion(spec) for spec in emotion or ()]
    draft = None
    if text is None and (editor or stdin_is_terminal()):
        draft = EditorDraft()
        text = draft.edit()
    elif text is None:
        text = read_stdin()
    body = clean_text(text)
    if not body.strip():
        if draft:
            draft.discard()
        fail("the dream is empty; nothing was saved")
    dream = NewDream(body=body, dreamt_on=day, title=title.strip(), context=context.strip(), lucid=lucid,
                     nightmare=nightmare, recurring=recurring, sleep_quality=sleep, tags=tag or (),
                     emotions=emotions)
    with open_journal(db) as journal:
        dream_id = journal.add(dream)  # the dream is safe from here on
        if draft:
            draft.discard()
        found = _analyse_and_store(journal, dream_id, body)
        if json_:
            print_json(journal.get(dream_id))
            return
    typer.echo(f"Saved dream {dream_id} for {day.isoformat()}.")
    if found is not None:
        _echo_findings(found)


def _refuse_future(day) -> None:
    from datetime import date as _date

    if day > _date.today():
        fail(f"{day.isoformat()} is in the future; a dream is filed under the morning you woke")


def _analyse_and_store(journal, dream_id: int, body: str):
    """Tag the stored dream with motifs and found feelings. A failure here never loses the
    dream (it is already committed): it becomes a warning and `dreamly reanalyze` retries."""
    try:
        from dreamly import analyze
        from dreamly.paths import personal_motifs_path

        user_file = personal_motifs_path()
        result = analyze.analyze(body, user_file=user_file if user_file.exists() else None)
        journal.save_analysis(dream_id, result.motifs, result.emotion_ids(), analyze.MATCHER_VERSION)
        return result
    except DreamlyError as exc:
        note(f"Warning: the dream is saved, but it was not analysed: {exc}")
    except Exception as exc:  # noqa: BLE001 - analysis is optional, the dream is not
        if os.environ.get("DREAMLY_DEBUG"):
            raise
        note(f"Warning: the dream is saved, but analysing it failed ({type(exc).__name__}); "
             "run `dreamly reanalyze` later")
    return None


def _echo_findings(result) -> None:
    from dreamly import analyze
    from dreamly.paths import personal_motifs_path

    if not result.motifs and not result.emotions:
        return
    user_file = personal_motifs_path()
    knowledge = analyze.load_knowledge(user_file if user_file.exists() else None)
    shown = set()
    for hit in result.motifs:
        if hit.id in shown or hit.subject != "dreamer":
            continue
        shown.add(hit.id)
        motif = knowledge.motifs.get(hit.id)
        label = motif.label if motif else hit.id
        meaning = f" {motif.meaning}" if motif and motif.meaning else ""
        typer.echo(f"  {typer.style(label, bold=True)} ({hit.id}) — “{hit.evidence}”.{meaning}")
    feelings = result.emotion_ids()
    if feelings:
        typer.echo(f"  Feelings found in the text: {', '.join(feelings)}")


# -- reading ---------------------------------------------------------------------------------


@command("list")
def list_(
    *,
    since: SinceOption = None,
    until: UntilOption = None,
    tag: TagFilter = None,
    emotion: EmotionFilter = None,
    motif: MotifFilter = None,
    limit: LimitOption = 20,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List dreams, newest first.

    Example: dreamly list --since monday --tag work
    """
    from dreamly.store import open_journal

    filters = _filters(since, until, tag, emotion, motif, limit)
    with open_journal(db) as journal:
        dreams = journal.list(filters)
    if json_:
        print_json(dreams)
        return
    from dreamly import render

    render.dream_table(dreams, empty="No dreams match." if (since or until or tag or emotion or motif) else
                       "No dreams yet. Write one with: dreamly add")


@command()
def show(
    dream_id: Annotated[int, typer.Argument(metavar="ID", help="The dream's id (see `dreamly list`).")],
    *,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Show one dream in full, with the words behind each motif marked.

    Example: dreamly show 12
    """
    from dreamly.store import open_journal

    with open_journal(db) as journal:
        dream = journal.get(dream_id)
    if json_:
        print_json(dream)
        return
    from dreamly import render

    render.dream_detail(dream, _knowledge_or_none())


def _knowledge_or_none():
    try:
        from dreamly import analyze
        from dreamly.paths import personal_motifs_path

        user_file = personal_motifs_path()
        return analyze.load_knowledge(user_file if user_file.exists() else None)
    except DreamlyError as exc:
        note(f"Warning: {exc}")
        return None


@command()
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Words to find in titles, dreams and context; `run*` matches a prefix.")],
    *,
    since: SinceOption = None,
    until: UntilOption = None,
    tag: TagFilter = None,
    emotion: EmotionFilter = None,
    motif: MotifFilter = None,
    limit: LimitOption = 20,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Search the journal, best matches first.

    Example: dreamly search "train station" --since 2026-01-01
    """
    from dreamly.store import SNIPPET_END, SNIPPET_START, open_journal

    filters = _filters(since, until, tag, emotion, motif, limit)
    with open_journal(db) as journal:
        hits = journal.search(query, filters)
    if json_:
        for hit in hits:  # scripts get the hit words in [brackets]
            hit["snippet"] = hit["snippet"].replace(SNIPPET_START, "[").replace(SNIPPET_END, "]")
        print_json(hits)
        return
    from dreamly import render

    render.search_results(hits)


# -- changing --------------------------------------------------------------------------------


@command()
def edit(
    dream_id: Annotated[int, typer.Argument(metavar="ID", help="The dream's id.")],
    *,
    text: Annotated[Optional[str], typer.Option("--text", metavar="TEXT", help="Replace the dream's text with this.", show_default=False)] = None,
    date: Annotated[Optional[str], typer.Option("--date", "-d", metavar="DAY", help="Move it to another morning.", show_default=False)] = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="New title.", show_default=False)] = None,
    emotion: Annotated[Optional[List[str]], typer.Option("--emotion", "-e", metavar="NAME[:1-5]", help="Set a feeling: fear or fear:4 (repeatable).", show_default=False)] = None,
    drop_emotion: Annotated[Optional[List[str]], typer.Option("--drop-emotion", metavar="NAME", help="Remove a feeling you tagged (repeatable).", show_default=False)] = None,
    tag: Annotated[Optional[List[str]], typer.Option("--tag", "-t", metavar="TAG", help="Add a tag (repeatable).", show_default=False)] = None,
    untag: Annotated[Optional[List[str]], typer.Option("--untag", metavar="TAG", help="Remove a tag (repeatable).", show_default=False)] = None,
    context: Annotated[Optional[str], typer.Option("--context", "-c", metavar="TEXT", help="New waking-life context.", show_default=False)] = None,
    lucid: Annotated[Optional[bool], typer.Option("--lucid/--not-lucid", help="Mark or unmark as lucid.", show_default=False)] = None,
    nightmare: Annotated[Optional[bool], typer.Option("--nightmare/--not-nightmare", help="Mark or unmark as a nightmare.", show_default=False)] = None,
    recurring: Annotated[Optional[bool], typer.Option("--recurring/--not-recurring", help="Mark or unmark as recurring.", show_default=False)] = None,
    sleep: Annotated[Optional[int], typer.Option("--sleep", min=1, max=5, metavar="1-5", help="Sleep quality 1-5.", show_default=False)] = None,
    editor: Annotated[bool, typer.Option("--editor", "-E", help="Also edit the text in $EDITOR.")] = False,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a dream. With no options, opens its text in $VISUAL/$EDITOR.

    Example: dreamly edit 12 --title "The station again" -t work --nightmare
    """
    from dreamly.dates import parse_day
    from dreamly.entry import EditorDraft, clean_text, parse_emotion
    from dreamly.store import normalise_tag, open_journal

    fields: dict = {}
    if date is not None:
        fields["dreamt_on"] = parse_day(date)
        _refuse_future(fields["dreamt_on"])
    for name, value in (("title", title), ("context", context), ("lucid", lucid), ("nightmare", nightmare),
                        ("recurring", recurring), ("sleep_quality", sleep)):
        if value is not None:
            fields[name] = value.strip() if isinstance(value, str) else value
    set_emotions = [parse_emotion(spec) for spec in emotion or ()]
    nothing_else = not (fields or set_emotions or drop_emotion or tag or untag or text is not None)
    with open_journal(db, create=False) as journal:
        current = journal.get(dream_id, with_history=False)
        draft = None
        if text is not None:
            fields["body"] = clean_text(text)
        elif editor or nothing_else:
            draft = EditorDraft(current["body"])
            fields["body"] = clean_text(draft.edit())
        if "body" in fields and not fields["body"].strip():
            fail("the new text is empty; the dream was not changed (use `dreamly delete` to remove it)")
        if fields.get("body") == current["body"]:
            del fields["body"]
        tags = None
        if tag or untag:
            drop = {normalise_tag(t) for t in untag or ()}
            tags = [t for t in [*current["tags"], *(tag or ())] if normalise_tag(t) not in drop]
        emotions = None
        if set_emotions or drop_emotion:
            dropped = {parse_emotion(e)[0] for e in drop_emotion or ()}
            mine = {e["emotion"]: e["intensity"] for e in current["emotions"] if e["origin"] == "user"}
            mine.update(dict(set_emotions))
            emotions = [(name, level) for name, level in mine.items() if name not in dropped]
        if not fields and tags is None and emotions is None:
            if draft:
                draft.discard()
            note(f"Nothing changed in dream {dream_id}.")
            return
        journal.update(dream_id, fields, tags=tags, emotions=emotions)
        if draft:
            draft.discard()
        if "body" in fields:
            _analyse_and_store(journal, dream_id, fields["body"])
        if json_:
            print_json(journal.get(dream_id))
            return
    typer.echo(f"Updated dream {dream_id}.")


@command()
def delete(
    dream_id: Annotated[int, typer.Argument(metavar="ID", help="The dream's id.")],
    *,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Delete a dream for good, with its tags, motifs, interpretations and rehearsals.

    Example: dreamly delete 12 --yes
    """
    from dreamly.store import open_journal

    with open_journal(db, create=False) as journal:
        dream = journal.get(dream_id, with_history=False)
        if not yes:
            label = dream["title"] or f"the dream of {dream['dreamt_on']}"
            if not typer.confirm(f"Delete dream {dream_id} ({label})?", default=False, err=True):
                note("Kept it.")
                raise typer.Exit(1)
        journal.delete(dream_id)
    typer.echo(f"Deleted dream {dream_id}.")


@command()
def path(db: DbOption = None) -> None:
    """Print where the journal file is (set DREAMLY_DB or --db to use another).

    Example: sqlite-utils tables "$(dreamly path)"
    """
    from dreamly.paths import journal_path

    typer.echo(str(journal_path(db)))


def main() -> None:
    app(prog_name="dreamly")


if __name__ == "__main__":  # pragma: no cover
    main()
