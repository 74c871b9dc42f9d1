"""The `dreamly` command line: options, prompts, exit codes. Thin on purpose.

Start-up matters (`dreamly add` is typed half-awake every morning), so this module imports
typer and the standard library only; everything else is imported inside the command that
needs it.
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from dreamly.errors import DreamlyError


class _LazyCoercion:
    """Stands in for Typer's per-parameter coercion until a value needs more than a type check.

    Typer 0.29 builds a pydantic TypeAdapter for every parameter of the command being run,
    given or not: importing pydantic costs ~40 ms and each adapter a few more, which would
    make `dreamly add` slower than a bare Typer app. Values that are absent, or strings for
    `str` / `list[str]` / plain `Path` parameters, need no adapter; anything else (ints with
    a range, enums) gets Typer's real coercion, built on first use.
    """

    def __init__(self, param, build):
        self.param = param
        self.build = build

    def coerce(self, value, param, ctx):
        multi = param.multiple or param.nargs == -1
        if value is None or (multi and value in ((), [])):
            return () if multi else None
        annotation = param.type_descriptor.annotation
        if (annotation is str and isinstance(value, str)) or (annotation is bool and isinstance(value, bool)):
            return value
        if annotation == List[str] and multi and all(isinstance(v, str) for v in value):
            return list(value)
        if annotation is Path and isinstance(value, str) and _plain_path(param):
            return Path(value)
        if annotation is int:
            _refuse_huge_int(value, param)
            number = _plain_int(value)
            if number is not None and _in_range(param, number):
                return number  # out-of-range and odd values go to Typer for its own message
        param._runtime_param = self.build(param.type_descriptor)
        return param._runtime_param.coerce(value, param=param, ctx=ctx)


def _refuse_huge_int(value, param) -> None:
    """Python refuses to read integers of more than 4,300 digits (and SQLite holds 19): say so as
    a usage error instead of a traceback. Ids of up to 4,300 digits are 'no dream with id N'."""
    if not isinstance(value, str):
        return
    digits = value.strip().lstrip("+-")
    if len(digits) > 4000 and digits.isascii() and digits.isdigit():
        raise typer.BadParameter(f"{value.strip()[:12]}… ({len(digits):,} digits) is far too large", param=param)


def _plain_int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        digits = value.strip()
        if digits[:1] in "+-":
            digits = digits[1:]
        if digits.isascii() and digits.isdigit():
            return int(value)
    return None


def _in_range(param, number: int) -> bool:
    info = param.type_descriptor.parameter_info
    if getattr(info, "clamp", False):
        return False
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    return (low is None or number >= low) and (high is None or number <= high)


def _plain_path(param) -> bool:
    info = param.type_descriptor.parameter_info
    return not (getattr(info, "exists", False) or getattr(info, "resolve_path", False)
                or getattr(info, "allow_dash", False)) and getattr(info, "dir_okay", True) and getattr(info, "file_okay", True)


def _install_lazy_coercion(params) -> None:
    try:
        from typer._coercion import build_runtime_param
    except ImportError:  # another Typer: keep its own coercion
        return
    for param in params:
        if hasattr(param, "type_descriptor") and getattr(param, "_runtime_param", False) is None:
            param._runtime_param = _LazyCoercion(param, build_runtime_param)


class DreamlyCommand(TyperCommand):
    """Turns every failure into one `Error: …` line on stderr and exit 1, never a traceback
    (unless DREAMLY_DEBUG=1). Messages never include dream text."""

    def parse_args(self, ctx, args):
        _install_lazy_coercion(self.get_params(ctx))  # includes the -h/--help option
        return super().parse_args(ctx, args)

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
        except BrokenPipeError:  # `dreamly demo | head -1`: the reader has all it wanted
            _silence_stdout()
            raise typer.Exit(141) from None
        except OSError as exc:  # a file the user named: too long a name, no permission, a full disk
            if os.environ.get("DREAMLY_DEBUG"):
                raise
            fail(_os_error_line(exc))
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("DREAMLY_DEBUG"):
                raise
            import sqlite3

            if isinstance(exc, sqlite3.Error):
                # not SQLite's message: it can quote SQL or a search query (DREAMLY_DEBUG=1 shows it)
                fail(f"the journal gave an error ({getattr(exc, 'sqlite_errorname', type(exc).__name__)}); "
                     "run `dreamly check`")
            fail(f"unexpected {type(exc).__name__}; rerun with DREAMLY_DEBUG=1 to see the traceback")


class DreamlyGroup(TyperGroup):
    def parse_args(self, ctx, args):
        _install_lazy_coercion(self.get_params(ctx))  # includes the -h/--help option
        return super().parse_args(ctx, args)

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


def _os_error_line(exc: OSError) -> str:
    """One line for a failed file operation, naming the file (shortened), never its contents."""
    name = str(exc.filename) if exc.filename is not None else ""
    if len(name) > 80:
        name = name[:40] + "…" + name[-20:]
    reason = exc.strerror or type(exc).__name__
    return f"can't use {name}: {reason}" if name else f"a file operation failed: {reason}"


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
    from dreamly.text import json_for_terminal

    typer.echo(json_for_terminal(json.dumps(data, ensure_ascii=False, indent=2)))


def echo_view(text: str, nl: bool = True) -> None:
    """A text view for a person (Markdown review, prompts, a model's answer): the terminal policy
    of dreamly/text.py applied, so nothing from the journal reaches the terminal as a control."""
    from dreamly.text import for_terminal

    typer.echo(for_terminal(text), nl=nl)


# -- shared options ------------------------------------------------------------------------

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="DREAMLY_DB", metavar="PATH", help="Journal file to use (default: see `dreamly path`).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
SinceOption = Annotated[Optional[str], typer.Option("--since", metavar="DAY", help="From this day on (same forms as --date).", show_default=False)]
UntilOption = Annotated[Optional[str], typer.Option("--until", metavar="DAY", help="Up to and including this day.", show_default=False)]
TagFilter = Annotated[Optional[List[str]], typer.Option("--tag", "-t", metavar="TAG", help="Only dreams with this tag (repeatable).", show_default=False)]
EmotionFilter = Annotated[Optional[List[str]], typer.Option("--emotion", "-e", metavar="NAME", help="Only dreams with this feeling (repeatable).", show_default=False)]
MotifFilter = Annotated[Optional[List[str]], typer.Option("--motif", "-m", metavar="ID", help="Only dreams with this motif id (repeatable; see `dreamly themes`).", show_default=False)]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="Show at most this many.")]


def _refuse_unknown_motifs(motifs) -> None:
    """A typo in --motif silently matches nothing. Called only when nothing matched, so the
    knowledge base is loaded only then, not on every filtered list."""
    if motifs:
        known = _load_knowledge().motifs
        unknown = [m for m in motifs if m.strip().lower() not in known]
        if unknown:
            fail(f"no motif {unknown[0]!r}; `dreamly themes` lists them")


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
    interpret_: Annotated[bool, typer.Option("--interpret", help="Right after saving, ask your llm model for a reading (see `dreamly interpret`).")] = False,
    model: ModelOption = None,
    lens: LensOption = None,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Write down a dream. The text comes from the argument, else piped stdin, else $EDITOR.

    Example: dreamly add "Chased, legs like concrete" -e fear:4 -t work
    """
    from dreamly.dates import parse_day
    from dreamly.entry import clean_text, parse_emotion, read_text
    from dreamly.store import NewDream, open_journal

    # Check every option before asking for the dream, so nobody writes a dream for nothing.
    day = parse_day(date)
    _refuse_future(day)
    emotions = [parse_emotion(spec) for spec in emotion or ()]
    from dreamly.store import check_tags

    check_tags(tag or ())
    if interpret_:
        from dreamly.interpret import require_llm

        require_llm()
    text, draft = read_text(text, force_editor=editor)
    with _keeping(draft):
        body = clean_text(text)
        if not body.strip():
            if draft:
                draft.discard()
            fail("the dream is empty; nothing was saved")
        from dreamly.entry import repair_surrogates

        title, context = repair_surrogates(title), repair_surrogates(context)  # as the dream's own text
        dream = NewDream(body=body, dreamt_on=day, title=title.strip(), context=context.strip(), lucid=lucid,
                         nightmare=nightmare, recurring=recurring, sleep_quality=sleep, tags=tag or (),
                         emotions=emotions)
        from dreamly.analysing import analyse_text

        outcome = analyse_text(body, _personal_motifs_file())
        journal = open_journal(db)
        try:
            dream_id = journal.add(dream, analysis=outcome.stored)  # the dream (and its analysis) are safe
        except BaseException:
            journal.close()
            raise
    with journal:
        if draft:
            draft.discard()
        found = outcome.result
        if outcome.warning:
            note(("Note: " if outcome.deferred else "Warning: ") + outcome.warning)
        if json_:
            failure = _interpret_after_add(journal, dream_id, model, lens, quiet=True) if interpret_ else None
            print_json(journal.get(dream_id))
            if failure:
                fail(failure)
            return
        typer.echo(f"Saved dream {dream_id} for {day.isoformat()}.")
        if found is not None:
            _echo_findings(found)
        if interpret_:
            typer.echo()
            failure = _interpret_after_add(journal, dream_id, model, lens, quiet=False)
            if failure:
                fail(failure)


def _interpret_after_add(journal, dream_id: int, model, lens, *, quiet: bool) -> Optional[str]:
    """Interpret a dream that is already saved; a failure is returned as one line that says
    the dream is safe, never raised past the saved dream."""
    try:
        _interpret_and_store(journal, dream_id, model, lens.value if lens else None, quiet=quiet)
    except DreamlyError as exc:
        return f"dream {dream_id} is saved, but interpreting it failed: {exc}"
    except Exception as exc:  # noqa: BLE001 - the dream is saved; say so whatever went wrong
        if os.environ.get("DREAMLY_DEBUG"):
            raise
        return (f"dream {dream_id} is saved, but interpreting it failed ({type(exc).__name__}); "
                "rerun `dreamly interpret` with DREAMLY_DEBUG=1 to see why")
    return None


def _keeping(draft):
    """While an editor's draft is not yet saved: any failure names the file that keeps the text."""
    from contextlib import contextmanager

    @contextmanager
    def keeping():
        try:
            yield
        except DreamlyError as exc:
            if draft is None or not draft.path.exists():
                raise
            raise DreamlyError(f"{str(exc).rstrip('.')}; your text is kept in {draft.path}") from None

    return keeping()


def _refuse_future(day) -> None:
    from datetime import date as _date

    if day > _date.today():
        fail(f"{day.isoformat()} is in the future; a dream is filed under the morning you woke")


def _echo_findings(result) -> None:
    if not result.motifs and not result.emotions:
        return
    from dreamly import plain  # not rich: `add` prints this every morning

    plain.findings(result, _load_knowledge())


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
    if not dreams:
        _refuse_unknown_motifs(motif)
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
        return _load_knowledge()
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
    if not hits:
        _refuse_unknown_motifs(motif)
    if json_:
        for hit in hits:  # scripts get the hit words in [brackets]
            hit["snippet"] = hit["snippet"].replace(SNIPPET_START, "[").replace(SNIPPET_END, "]")
        print_json(hits)
        return
    from dreamly import plain  # not rich: its import would be a fifth of the search

    plain.search_results(hits)


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
    from dreamly.entry import EditorDraft, clean_text, parse_emotion, repair_surrogates
    from dreamly.store import open_journal

    fields: dict = {}
    if date is not None:
        fields["dreamt_on"] = parse_day(date)
        _refuse_future(fields["dreamt_on"])
    for name, value in (("title", title), ("context", context), ("lucid", lucid), ("nightmare", nightmare),
                        ("recurring", recurring), ("sleep_quality", sleep)):
        if value is not None:
            fields[name] = repair_surrogates(value).strip() if isinstance(value, str) else value
    set_emotions = [parse_emotion(spec) for spec in emotion or ()]
    dropped = [parse_emotion(e)[0] for e in drop_emotion or ()]
    from dreamly.store import check_tags

    check_tags(tag or ())
    nothing_else = not (fields or set_emotions or drop_emotion or tag or untag or text is not None)
    with open_journal(db, create=False) as journal:
        draft = None
        expect = None
        if text is not None:
            fields["body"] = clean_text(text)
        elif editor or nothing_else:
            current = journal.get(dream_id, with_history=False)
            # the optimistic check: the save is refused if the dream changed while the editor was open
            expect = {"updated": current["updated"], "body": current["body"]}
            draft = EditorDraft(current["body"], name=f"dream-{dream_id}")
            fields["body"] = draft.edit()
        with _keeping(draft):
            if draft and clean_text(fields["body"]) == expect["body"]:  # nothing typed: no check needed
                del fields["body"]
                expect = None
            if "body" in fields:
                fields["body"] = clean_text(fields["body"])
                if not fields["body"].strip():
                    if draft:
                        draft.discard()
                    fail("the new text is empty; the dream was not changed (use `dreamly delete` to remove it)")
            outcome = None
            if "body" in fields and (draft is None or fields["body"] != expect["body"]):
                from dreamly.analysing import analyse_text

                outcome = analyse_text(fields["body"], _personal_motifs_file())
            changed = journal.edit(dream_id, fields, add_tags=tag or (), drop_tags=untag or (),
                                   set_emotions=set_emotions, drop_emotions=dropped, expect=expect,
                                   analysis=outcome.stored if outcome else None)
        if draft:
            draft.discard()
        if not changed:
            note(f"Nothing changed in dream {dream_id}.")
            return
        if outcome and outcome.warning:
            note(("Note: " if outcome.deferred else "Warning: ") + outcome.warning)
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
            try:
                confirmed = typer.confirm(f"Delete dream {dream_id} ({label})?", default=False, err=True)
            except typer.Abort:  # end of input (a script) or Ctrl-C at the prompt
                note("")  # end the prompt's line
                fail(f"dream {dream_id} was not deleted: no answer came (add --yes to delete without asking)")
            if not confirmed:
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


# -- the matcher: analyze, themes, reanalyze ------------------------------------------------


def _personal_motifs_file():
    from dreamly.paths import personal_motifs_file

    return personal_motifs_file()


def _load_knowledge():
    from dreamly import analysis

    return analysis.load_knowledge(_personal_motifs_file())


@command("analyze")
def analyze_(
    text: Annotated[Optional[str], typer.Argument(metavar="TEXT", help="Text to analyse; leave it out to pipe it in.", show_default=False)] = None,
    *,
    json_: JsonOption = False,
) -> None:
    """Find motifs and feelings in a text without saving anything.

    Example: echo "my legs were like concrete" | dreamly analyze --json
    """
    from dreamly import analysis
    from dreamly.entry import read_stdin, stdin_is_terminal

    if text is None:
        if stdin_is_terminal():
            fail("give the text as an argument or pipe it in")
        text = read_stdin()
    if not text.strip():
        fail("nothing to analyse: the text is empty")
    result = analysis.analyze(text, user_file=_personal_motifs_file())
    if json_:
        print_json(result.to_json())
        return
    if not result.motifs and not result.emotions:
        note("No motifs or feelings found.")
        return
    _echo_findings(result)


@command()
def themes(
    motif_id: Annotated[Optional[str], typer.Argument(metavar="ID", help="A motif id to show in full.", show_default=False)] = None,
    *,
    json_: JsonOption = False,
) -> None:
    """List the motifs dreamly knows, or show one in full with questions and things to try.

    Example: dreamly themes heavy_legs
    """
    knowledge = _load_knowledge()
    if motif_id is None:
        motifs = list(knowledge.motifs.values())
        if json_:
            print_json([{"id": m.id, "label": m.label, "group": m.group, "meaning": m.meaning} for m in motifs])
            return
        from dreamly import render

        render.theme_table(motifs)
        return
    motif = knowledge.motifs.get(motif_id.strip().lower())
    if motif is None:
        fail(f"no motif {motif_id!r}; `dreamly themes` lists them")
    if json_:
        print_json({"id": motif.id, "label": motif.label, "group": motif.group, "meaning": motif.meaning,
                    "questions": list(motif.questions), "suggestions": list(motif.suggestions)})
        return
    from dreamly import render

    render.theme_detail(motif)


@command()
def reanalyze(db: DbOption = None) -> None:
    """Re-tag every dream with the current matcher (after dreamly or your motifs.toml changed).

    Work is committed in batches: if it is interrupted, each batch is either done or
    untouched, and running it again finishes the job.

    Example: dreamly reanalyze
    """
    from dreamly import analysis
    from dreamly.store import open_journal

    matcher = analysis.Matcher(_load_knowledge())  # built once: rules compile once per run
    with open_journal(db, create=False) as journal:
        total = journal.count()
        done = 0
        with _progress(total, "Re-analysing") as advance:
            for batch in journal.iter_bodies():
                results = []
                for dream_id, body in batch:
                    found = matcher.analyze(body)
                    results.append((dream_id, found.motifs, found.emotion_ids(), body))
                journal.save_analyses(results, analysis.MATCHER_VERSION)  # this batch is now safe
                done += len(batch)
                advance(len(batch))
                if done < total and not sys.stderr.isatty():
                    note(f"Re-analysed {done} of {total}…")  # for logs: how far a run got
    typer.echo(f"Re-analysed {done} dream{'s' if done != 1 else ''} with matcher version {analysis.MATCHER_VERSION}.")


def _finish_analysis(journal) -> int:
    """Analyse the dreams whose analysis is missing or older than their text; returns how many."""
    from dreamly import analysis

    matcher = analysis.Matcher(_load_knowledge())
    ids = journal.unanalysed_ids()
    for start in range(0, len(ids), 500):
        batch = [(i, journal.get(i, with_history=False)["body"]) for i in ids[start:start + 500]]
        journal.save_analyses([(i, (found := matcher.analyze(body)).motifs, found.emotion_ids(), body)
                               for i, body in batch], analysis.MATCHER_VERSION)
    return len(ids)


def _progress(total: int, label: str):
    """A rich progress bar for big jobs in a terminal, drawn on stderr so it never mixes with
    data; quiet when stdout is not a terminal (piped or redirected)."""
    from contextlib import contextmanager

    @contextmanager
    def bar():
        if total < 500 or not (sys.stdout.isatty() and sys.stderr.isatty()):
            yield lambda n: None
            return
        from rich.console import Console
        from rich.progress import Progress

        with Progress(transient=True, console=Console(stderr=True)) as progress:
            task = progress.add_task(label, total=total)
            yield lambda n: progress.advance(task, n)

    return bar()


# -- interpretation and rehearsal (llm, optional) ----------------------------------------------

class Lens(str, Enum):
    jungian = "jungian"
    western = "western"
    eastern = "eastern"
    indigenous = "indigenous"


ModelOption = Annotated[Optional[str], typer.Option(
    "--model", "-m", metavar="MODEL", help="Any llm model id or alias (default: your llm default model; see `llm models`).",
    show_default=False)]
LensOption = Annotated[Optional[Lens], typer.Option(
    "--lens", help="Also read the dream through this tradition.", show_default=False, case_sensitive=False)]


def _stream_printer():
    """Print a model's answer as it arrives; `finish()` ends the last line."""
    last = ["\n"]

    def on_chunk(chunk: str) -> None:
        echo_view(chunk, nl=False)  # click flushes, so each piece shows as it comes
        last[0] = chunk[-1:] or last[0]

    def finish() -> None:
        if last[0] != "\n":
            try:
                typer.echo()
            except OSError:  # stdout was closed early (`| head`); the answer is stored anyway
                pass

    return on_chunk, finish


def _streamed(call, *, quiet: bool):
    """Run a model call that streams through `on_chunk`: its answer goes to stdout as it
    arrives (unless `quiet`), the last line is ended even if the call fails, and its
    warning, if any, is passed on."""
    on_chunk, finish = _stream_printer() if not quiet else (lambda chunk: None, lambda: None)
    try:
        result = call(on_chunk)
    finally:
        finish()
    if result.warning:
        note(f"Warning: {result.warning}")
    return result


def _interpret_and_store(journal, dream_id: int, model: Optional[str], lens: Optional[str], *, quiet: bool) -> dict:
    """Run the interpretation, streaming it to stdout unless `quiet`; returns the stored row."""
    from dreamly import interpret as interpreting

    return _streamed(lambda on_chunk: interpreting.interpret_dream(
        journal, dream_id, model_id=model, lens=lens, knowledge=interpreting.load_knowledge(),
        on_chunk=on_chunk, on_start=lambda model_id: note(f"Sending dream {dream_id} to {model_id}…"),
    ), quiet=quiet).interpretation


@command()
def interpret(
    dream_id: Annotated[int, typer.Argument(metavar="ID", help="The dream's id (see `dreamly list`).")],
    *,
    model: ModelOption = None,
    lens: LensOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print exactly what would be sent, and send nothing.")] = False,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Ask a language model, through llm, for a tentative reading of a dream, and keep it.

    The prompt holds the dream, its motifs and what they tend to mean, your feelings, the
    waking-life context and how often these motifs came before. It goes only to the model
    you pick: a local one (llm-ollama, llm-gguf) or a hosted one. Needs `pip install 'dreamly[llm]'`.

    Example: dreamly interpret 12 -m gpt-4o-mini --lens jungian --dry-run
    """
    from dreamly import interpret as interpreting
    from dreamly.store import open_journal

    lens_id = lens.value if lens else None
    if not dry_run:
        interpreting.require_llm()
    with open_journal(db, create=False) as journal:
        if dry_run:  # works without llm installed: nothing is sent
            request = interpreting.prepare(journal, dream_id, lens=lens_id, knowledge=interpreting.load_knowledge())
            if json_:
                print_json({"dream_id": dream_id, "model": model, "lens": lens_id, "system": request.system,
                            "prompt": request.prompt, "sent": False})
                return
            echo_view(f"--- system prompt ---\n{request.system}\n\n--- prompt ---\n{request.prompt}")
            note(f"Dry run: this is what would go to {model or 'your llm default model'}; nothing was sent.")
            return
        stored = _interpret_and_store(journal, dream_id, model, lens_id, quiet=json_)
    if json_:
        print_json(stored | {"dream_id": dream_id})
        return
    note(f"Saved as interpretation {stored['id']}; `dreamly show {dream_id}` lists them.")


@command()
def rehearse(
    dream_id: Annotated[Optional[int], typer.Argument(metavar="ID", help="The dream to write a new ending for.", show_default=False)] = None,
    text: Annotated[Optional[str], typer.Argument(
        metavar="TEXT", help="The new ending. Leave it out to pipe it in, or to write it in $VISUAL/$EDITOR.", show_default=False)] = None,
    *,
    tonight: Annotated[bool, typer.Option("--tonight", help="Show the endings to read before sleep, recurring dreams first.")] = False,
    suggest: Annotated[bool, typer.Option("--suggest", help="Ask the llm model for a gentle ending to start from; in a terminal it opens in $EDITOR for you to make it yours.")] = False,
    model: ModelOption = None,
    save: Annotated[bool, typer.Option("--save", help="With --suggest: keep the suggestion as it is, without editing.")] = False,
    editor: Annotated[bool, typer.Option("--editor", "-E", help="Write in $EDITOR even if stdin is not a terminal.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="With --tonight: show at most this many.")] = 3,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Dream rehearsal: write a new, safer ending for a dream and read it before sleep.

    Picturing a different ending (you turn and face what follows you; your legs work) is an
    established way to take the sting out of recurring nightmares. The ending comes from
    TEXT, else piped stdin, else $EDITOR; --suggest asks your llm model for a first draft.

    Example: dreamly rehearse 12 "I turn around, and the shadow is only my coat on a hook"
    """
    from dreamly.store import open_journal

    if tonight:
        if dream_id is not None or text is not None or suggest:
            fail("--tonight lists what you wrote; it takes no ID, TEXT or --suggest")
        with open_journal(db) as journal:
            items = journal.rehearsals_for_tonight(limit)
        if json_:
            print_json(items)
            return
        from dreamly import render

        render.rehearsals_tonight(items)
        return
    if dream_id is None:
        fail("give the dream's ID (see `dreamly list`), or --tonight to read your endings")
    if suggest and text is not None:
        fail("give either TEXT or --suggest, not both")
    if save and not suggest:
        fail("--save keeps a --suggest draft as it is; your own ending is saved without it")
    from dreamly.entry import EditorDraft, clean_text, read_text, stdin_is_terminal

    with open_journal(db, create=False) as journal:
        journal.get(dream_id, with_history=False)  # a wrong id fails before anyone writes anything
        draft = None
        if suggest:
            suggestion = _suggest_ending(journal, dream_id, model, quiet=json_)
            if save:
                text = suggestion
            elif editor or stdin_is_terminal():
                draft = EditorDraft(suggestion.strip() + "\n")
                text = draft.edit()
            else:
                note("Not saved: add --save to keep it as it is, or run this in a terminal to edit it first.")
                if json_:
                    print_json({"dream_id": dream_id, "id": None, "body": suggestion, "saved": False})
                return
        else:
            text, draft = read_text(text, force_editor=editor)
        body = clean_text(text)
        if not body.strip():
            if draft:
                draft.discard()
            fail("the new ending is empty; nothing was saved")
        rehearsal_id = journal.add_rehearsal(dream_id, body)
        if draft:
            draft.discard()
    if json_:
        print_json({"dream_id": dream_id, "id": rehearsal_id, "body": body, "saved": True})
        return
    typer.echo(f"Saved a new ending for dream {dream_id}. Read it before sleep: dreamly rehearse --tonight")


def _suggest_ending(journal, dream_id: int, model: Optional[str], *, quiet: bool) -> str:
    from dreamly import interpret as interpreting

    return _streamed(lambda on_chunk: interpreting.suggest_ending(
        journal, dream_id, model_id=model, knowledge=interpreting.load_knowledge(), on_chunk=on_chunk,
        on_start=lambda model_id: note(f"Asking {model_id} for a gentle ending to dream {dream_id}…"),
    ), quiet=quiet).text


# -- pictures: picture (drawing lives in picture.py) ------------------------------------------


@command()
def picture(
    dream_id: Annotated[int, typer.Argument(metavar="ID", help="The dream's id (see `dreamly list`).")],
    *,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="FILE",
        help="Where to write the SVG; - for stdout. Default: dream-ID.svg in this folder (stdout when it is a pipe).",
        show_default=False)] = None,
    prompt: Annotated[bool, typer.Option("--prompt", help="Print a text-to-image prompt for the dream instead of drawing it.")] = False,
    model: Annotated[Optional[str], typer.Option(
        "--model", "-m", metavar="MODEL",
        help="With --prompt: have this llm model refine the prompt (this sends the dream to it).", show_default=False)] = None,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Draw a dream as a picture: an SVG composed from its motifs and feelings.

    The colours come from the feelings (the stronger the feeling, the stronger the colour),
    the scene from the motifs: a figure sunk in heavy ground, a shadow behind it shaped by
    who chases, a fall, water, a shut door. The same dream always gives the same picture.
    Nothing is sent anywhere unless --prompt is given with -m.

    Example: dreamly picture 12 -o dream.svg
    """
    from dreamly import picture as drawing
    from dreamly.store import open_journal

    if model is not None and not prompt:
        fail("-m refines a --prompt; add --prompt (a picture is drawn here, by no model)")
    if prompt and output is not None:
        fail("--prompt prints the prompt; --output is for the picture")
    if json_ and output == Path("-"):
        fail("--json describes the picture written to a file; give -o FILE, or drop --json to get the SVG")
    with open_journal(db, create=False) as journal:
        dream = journal.get(dream_id, with_history=False)
    knowledge = _knowledge_or_none()
    labels = {motif_id: m.label for motif_id, m in knowledge.motifs.items()} if knowledge else {}
    scene = drawing.scene_for(dream, labels)
    if prompt:
        _print_image_prompt(dream, drawing.image_prompt(dream, scene), model, json_=json_)
        return
    svg = drawing.draw(scene)
    to_stdout = output == Path("-") or (output is None and not json_ and not _stdout_is_terminal())
    if to_stdout:
        echo_data(svg, nl=False)
        return
    from dreamly.files import write_text

    target = output or Path(f"dream-{dream_id}.svg")
    write_text(target, svg)
    if json_:
        print_json(drawing.describe(scene) | {"file": str(target)})
        return
    found = ", ".join(labels.get(m, m) for m in scene.motifs) or "no motifs"
    colours = ", ".join(f"{f.name} {f.intensity}/5" for f in scene.feelings) or "no feelings, so moonlight"
    note(f"Drew dream {dream_id} ({found}; {colours}) to {target}. Open it in any browser.")


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _print_image_prompt(dream: dict, draft: str, model: Optional[str], *, json_: bool) -> None:
    """The draft prompt as it is, or refined by the user's llm model (streamed)."""
    if model is None:
        if json_:
            print_json({"dream_id": dream["id"], "prompt": draft, "model": None, "sent": False})
        else:
            echo_view(draft)
        return
    from dreamly import interpret as interpreting

    reply = _streamed(lambda on_chunk: interpreting.refine_image_prompt(
        dream, draft, model_id=model, on_chunk=on_chunk,
        on_start=lambda model_id: note(f"Asking {model_id} to refine the image prompt for dream {dream['id']}…"),
    ), quiet=json_)
    if json_:
        print_json({"dream_id": dream["id"], "prompt": reply.text, "draft": draft, "model": reply.model_id, "sent": True})


# -- the weekly review: patterns, demo ---------------------------------------------------------


@command()
def patterns(
    *,
    week: Annotated[bool, typer.Option("--week", help="This calendar week (Monday to Sunday) instead of the last 7 days.")] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=520, metavar="N", help="Compare with this many weeks before the window.")] = 4,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown, for pasting into notes.")] = False,
    html: Annotated[Optional[Path], typer.Option(
        "--html", metavar="FILE", help="Write the review as one self-contained web page, with charts and the "
        "window's dream pictures (- for stdout).", show_default=False)] = None,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The weekly review: the last 7 days against the weeks before — motifs and their
    trend, feelings by week, who chases you, what travels together, recurring dreams.

    Example: dreamly patterns --since 2026-03-01 --until 2026-03-31 --markdown

    Example: dreamly patterns --html review.html
    """
    from datetime import date as _date

    from dreamly.review import patterns as reviewing
    from dreamly.dates import day_range
    from dreamly.store import open_journal

    if sum((json_, markdown, html is not None)) > 1:
        fail("use one of --json, --markdown and --html")
    start, end = day_range(since, until)
    from datetime import timedelta

    try:
        (start or end or _date.today()) - timedelta(weeks=weeks + 2)
    except OverflowError:  # the weeks before --since 0001-01-01 are before the calendar starts
        fail(f"the {weeks} weeks before {start or end} are before the calendar begins; give a later day")
    window = reviewing.make_window(_date.today(), week=week, since=start, until=end, baseline_weeks=weeks)
    vocabulary = reviewing.vocabulary_from(_knowledge_or_none())
    with open_journal(db) as journal:
        rows = journal.pattern_rows(window.load_since, window.until)
        report = reviewing.review(rows, window, recall_days=journal.recall_days(window.until), vocabulary=vocabulary)
        if html is not None:
            from dreamly.review import page
            from dreamly.store import Filters

            shown = journal.list(Filters(since=window.since, until=window.until, oldest_first=True,
                                         limit=page.MAX_THUMBNAILS))
            text = page.html(report, shown, labels=vocabulary.labels,
                             more_dreams=report["overview"]["dreams"] - len(shown))
    if html is not None:
        if html == Path("-"):
            echo_data(text, nl=False)
            return
        from dreamly.files import write_text

        write_text(html, text)
        note(f"Wrote the review of {report['window']['since']} to {report['window']['until']} to {html}; "
             "open it in a browser (it loads nothing from anywhere).")
        return
    if json_:
        print_json(report)
        return
    from dreamly.review import terminal as render_patterns

    if markdown:
        echo_view(render_patterns.markdown(report))
        return
    render_patterns.show(report)


@command()
def demo(
    *,
    db: Annotated[Optional[Path], typer.Option("--db", metavar="PATH", dir_okay=False, show_default=False,
                                               help="Write the sample journal here (a new or empty file) instead of a temporary one.")] = None,
) -> None:
    """Write a sample journal of about ten weeks of dreams, to see `patterns` at work.

    It goes to a new temporary journal unless --db names one (never DREAMLY_DB: the demo
    stays out of your own journal).

    Example: dreamly demo
    """
    import tempfile

    from dreamly.demo import how_to_explore, write_demo
    from dreamly.store import open_journal

    if db is None:
        db = Path(tempfile.mkdtemp(prefix="dreamly-demo-")) / "journal.db"
    with open_journal(db) as journal:
        count = write_demo(journal)
        where = journal.path
    typer.echo(f"Wrote {count} sample dreams (ten weeks) to {where}\n")
    typer.echo("\n".join(how_to_explore(where)))


# -- taking it anywhere: export, import (formats live in formats/) ------------------------------


class ExportFormat(str, Enum):
    markdown = "markdown"
    json = "json"
    csv = "csv"


class ImportFormat(str, Enum):
    auto = "auto"
    json = "json"
    jrnl = "jrnl"
    markdown = "markdown"
    csv = "csv"


@command()
def export(
    *,
    format_: Annotated[ExportFormat, typer.Option("--format", "-f", help="markdown (readable), json (everything; `import` reads it back) or csv (one row per dream).")] = ExportFormat.markdown,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="PATH", help="File to write (a new or empty folder with --split). Default: stdout.", show_default=False)] = None,
    split: Annotated[bool, typer.Option("--split", help="Markdown only: one note per dream with YAML front matter, plus index.md, in the --output folder.")] = False,
    oldest_first: Annotated[bool, typer.Option("--oldest-first", help="Oldest dream first (default: newest first).")] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    tag: TagFilter = None,
    emotion: EmotionFilter = None,
    motif: MotifFilter = None,
    db: DbOption = None,
) -> None:
    """Export dreams as Markdown, JSON or CSV, all of them or those the filters pick.

    Example: dreamly export --format markdown --split -o ~/notes/dreams
    """
    from dreamly import formats
    from dreamly.store import open_journal

    filters = _filters(since, until, tag, emotion, motif, oldest_first=oldest_first)
    fmt = format_.value
    if output == Path("-"):  # as everywhere else: - is stdout
        output = None
    labels = {}
    if fmt == "markdown":
        knowledge = _knowledge_or_none()
        labels = {motif_id: m.label for motif_id, m in knowledge.motifs.items()} if knowledge else {}
    with open_journal(db, create=False) as journal:
        # the bar draws on the terminal: never when the export itself goes there, nor into a pipe
        total = journal.count_matching(filters) if output is not None and sys.stdout.isatty() else 0
        try:
            with _progress(total, "Exporting") as advance:
                count = formats.export(journal, filters, fmt, output, _stdout_for_data(), split=split,
                                        on_progress=advance, motif_labels=labels)
        except BrokenPipeError:  # `dreamly export | head`: the reader has all it wanted
            _silence_stdout()
            raise typer.Exit(141) from None
    if output is not None:
        note(f"Exported {count} dream{'' if count == 1 else 's'} to {output}{' (one note each, and index.md)' if split else ''}.")


@command("import")
def import_(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="A dreamly JSON export, a dreamly Markdown note or folder of notes, a jrnl JSON export, or a CSV file.")],
    *,
    format_: Annotated[ImportFormat, typer.Option("--format", "-f", help="What PATH is; auto tells by the file name and contents.")] = ImportFormat.auto,
    date_column: Annotated[str, typer.Option("--date-column", metavar="NAME", help="CSV: the column with each dream's date.")] = "date",
    text_column: Annotated[str, typer.Option("--text-column", metavar="NAME", help="CSV: the column with the dream's text.")] = "text",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be added; write nothing.")] = False,
    db: DbOption = None,
) -> None:
    """Import dreams from another journal or a backup. Dreams already there are skipped.

    Each new dream is analysed. The import is all or nothing: a malformed record stops it
    with the file and line (or record) named, and nothing is written.

    Example: dreamly import dreams.csv --date-column day --text-column dream --dry-run
    """
    from dreamly import formats
    from dreamly.paths import journal_path
    from dreamly.store import open_journal

    incoming, skipped = formats.read_import(path, format_.value, date_column=date_column, text_column=text_column)
    if skipped:
        note(f"Passed over {len(skipped)} Markdown file{'' if len(skipped) == 1 else 's'} without a front matter date "
             f"(e.g. {skipped[0]}).")
    if dry_run:
        existing = set()
        if journal_path(db).exists():  # a dry run never creates the journal
            with open_journal(db, create=False) as journal:
                existing = journal.content_hashes()
        plan = formats.plan_import(incoming, existing)
        typer.echo(f"Would add {len(plan.new)} dream{'' if len(plan.new) == 1 else 's'} from {path}"
                   f"{_known_clause(plan.known)}; nothing was written.")
        for item in plan.new[:10]:
            echo_view(f"  {formats.describe(item)}")
        if len(plan.new) > 10:
            typer.echo(f"  … and {len(plan.new) - 10} more")
        return
    with open_journal(db) as journal:
        plan = formats.plan_import(incoming, journal.content_hashes())
        failed = 0
        if plan.new:
            try:
                with _progress(len(plan.new) if sys.stdout.isatty() else 0, "Analysing") as advance:
                    failed = formats.analyse_plan(plan, _personal_motifs_file(), on_progress=advance)
            except DreamlyError as exc:  # the dreams matter more than their analysis, as in `add`
                note(f"Warning: the dreams are imported without analysis: {exc}; run `dreamly reanalyze` later")
        if failed:
            note(f"Warning: {failed} dream{'' if failed == 1 else 's'} could not be analysed; "
                 "run `dreamly reanalyze` later")
        with _progress(len(plan.new) if sys.stdout.isatty() else 0, "Writing") as advance:
            added = formats.write_import(journal, plan, on_progress=advance)
    typer.echo(f"Imported {added} dream{'' if added == 1 else 's'} from {path}{_known_clause(plan.known)}.")


def _stdout_for_data():
    """stdout for data (an export, a picture, a page): as it is into a pipe or a file, where it
    must come back byte for byte; through the terminal policy when a person is looking at it."""
    if not _isatty(sys.stdout):
        return sys.stdout
    from dreamly.text import for_terminal

    class TerminalStream:
        def write(self, text: str) -> int:
            sys.stdout.write(for_terminal(text))
            return len(text)

        def flush(self) -> None:
            sys.stdout.flush()

    return TerminalStream()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def echo_data(text: str, nl: bool = True) -> None:
    _stdout_for_data().write(text + ("\n" if nl else ""))
    sys.stdout.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the final flush at exit does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both of the first two
        pass


def _known_clause(known: int) -> str:
    if not known:
        return ""
    return f"; skipped {known} already in the journal (same day, same text)"


# -- keeping it safe: backup, check ------------------------------------------------------------


@command()
def backup(
    target: Annotated[Optional[Path], typer.Argument(
        metavar="PATH", help="Where to write the copy: a new file, or a folder to put it in. "
        "Default: next to the journal, named with the date and time.", show_default=False)] = None,
    *,
    db: DbOption = None,
) -> None:
    """Copy the journal to a backup file (private to you), safely even while dreamly writes.

    The copy goes through SQLite's backup API, so it is consistent: it never catches a
    dream half-written. Prints the backup's path.

    Example: dreamly backup ~/backups/
    """
    from dreamly.store import open_journal

    if target == Path("-"):
        fail("a backup is a journal file, not text for stdout; give a file or folder name")
    with open_journal(db, create=False) as journal:
        written, count = journal.backup(target.expanduser() if target else None)
    typer.echo(str(written))
    note(f"Backed up {count} dream{'' if count == 1 else 's'}.")


@command()
def check(
    *,
    repair: Annotated[bool, typer.Option("--repair", help="Rebuild what can be rebuilt (the search index, missing or stale analysis) and say what was done.")] = False,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Check the journal: SQLite's integrity check, the search index against the dreams,
    each dream's analysis against its text, the schema version. Exits 1 if a problem remains.

    Example: dreamly check --repair
    """
    from dreamly.store import open_journal

    with open_journal(db, create=False) as journal:
        report = journal.check(repair=repair)
        if repair and report["analysis"]:
            done = _finish_analysis(journal)
            report["analysis"] = journal.analysis_problems()
            report["repaired"].append(f"analysed {done} dream{'' if done == 1 else 's'} with their current text")
            report["ok"] = not (report["integrity"] or report["search_index"] or report["analysis"]
                                or report["schema_version"] != report["known_schema_version"])
    if json_:
        print_json(report)
    else:
        dreams = "?" if report["dreams"] is None else report["dreams"]
        typer.echo(f"Journal: {report['path']} ({dreams} dream{'' if dreams == 1 else 's'})")
        typer.echo(f"Schema: version {report['schema_version']} (this dreamly knows {report['known_schema_version']})")
        for label, key in (("Integrity", "integrity"), ("Search index", "search_index"), ("Analysis", "analysis")):
            problems = report[key]
            typer.echo(f"{label}: {'ok' if not problems else 'PROBLEM'}")
            for problem in problems:
                typer.echo(f"  - {problem}")
        for done in report["repaired"]:
            typer.echo(f"Repaired: {done}")
    if report["integrity"]:
        fail("the journal file is damaged; nothing will be written into it until it is sound again. "
             "`dreamly salvage` copies every dream that can still be read into a new journal, "
             "or restore a backup")
    if report["search_index"]:
        fail("the search index is out of step with the dreams" +
             ("" if repair else "; `dreamly check --repair` rebuilds it"))
    if report["analysis"]:
        fail("some dreams are not analysed with their current text; `dreamly reanalyze` finishes them")
    if not report["ok"]:
        fail("the journal's schema version is not the one this dreamly knows")


@command()
def salvage(
    output: Annotated[Optional[Path], typer.Argument(
        metavar="OUT", help="The new journal to write (a new file). Default: next to the journal, "
        "named with the date and time.", show_default=False)] = None,
    *,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Copy every dream that can still be read from a damaged journal into a new, sound
    journal, and say what could not be read. The damaged file is never changed.

    Example: dreamly salvage ~/dreams-salvaged.db
    """
    from datetime import datetime

    from dreamly.paths import journal_path
    from dreamly.store.salvage import salvage as salvaging

    damaged = journal_path(db)
    if output is None:
        output = damaged.with_name(f"{damaged.stem}.salvaged-{datetime.now():%Y%m%dT%H%M%S}{damaged.suffix or '.db'}")
    report = salvaging(damaged, output.expanduser())
    if json_:
        print_json(report)
        return
    typer.echo(str(report["to"]))
    for table in report["tables"]:
        lost = [f"{a}" + ("" if a == b else f"-{b}" if b < 2**62 else " on") for a, b in table["unreadable_ranges"]]
        extra = []
        if lost:
            whose = "dreams" if table["table"] == "dreams" else f"the rows of dream{'s' if len(lost) > 1 or '-' in lost[0] else ''}"
            extra.append(f"could not read {whose} " + ", ".join(lost))
        if table["orphans"]:
            extra.append(f"{table['orphans']} belonged to dreams that could not be read")
        if table["refused"]:
            extra.append(f"{table['refused']} were garbled beyond use")
        note(f"  {table['table']}: {table['written']} rows saved" + (f" ({'; '.join(extra)})" if extra else ""))
    note(f"Salvaged {report['dreams']} dream{'' if report['dreams'] == 1 else 's'} into {report['to']}; "
         f"{damaged} was not changed. Check the new journal (`dreamly check --db {report['to']}`), then use it "
         "in place of the damaged one.")


def _terminate(signum, frame):
    """SIGTERM (kill, a closing terminal's hangup) unwinds like Ctrl-C: open transactions roll
    back, temporary files (`.part`) are removed, worker processes are stopped."""
    raise KeyboardInterrupt


def main() -> None:
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        try:
            signal.signal(getattr(signal, name), _terminate)
        except (AttributeError, ValueError, OSError):  # not on this system, or not the main thread
            pass
    args = _argv()
    _build_only(args[0] if args else None)
    app(args=args, prog_name="dreamly")


def _build_only(name) -> None:
    """Typer builds the parameters of every command before it runs one (~10 ms for ours, a
    tenth of `dreamly add`): when the first argument names a command, it gets only that one.
    Anything else (--help, a typo) gets the whole app, so help and "No such command" stay."""
    from typer.main import get_command_name

    for info in app.registered_commands:
        if (info.name or get_command_name(info.callback.__name__)) == name:
            app.registered_commands = [info]
            return


def _argv() -> list[str]:
    """The arguments, with bytes that are not UTF-8 turned into U+FFFD (as on piped stdin):
    Python hands them over as lone surrogates, which SQLite would refuse to store."""
    args = []
    for arg in sys.argv[1:]:
        try:
            args.append(arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        except UnicodeEncodeError:
            args.append(arg)
    return args


if __name__ == "__main__":  # pragma: no cover
    main()
