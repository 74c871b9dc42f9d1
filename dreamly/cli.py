"""The `dreamly` command line: options, prompts, exit codes. Thin on purpose.

Start-up matters (`dreamly add` is typed half-awake every morning), so this module imports
typer and the standard library only; everything else is imported inside the command that
needs it.

Why it is long (about 1,700 lines): it declares 28 commands, and Typer reads each one's
options from its signature (about 250 lines) and its help text with an example from its
docstring (about 175); the bodies (about 650) check the options against each other, prompt,
and render: every message, exit code and --json shape a user sees is written here. The work
of a command is one call into `actions` (use cases: no Typer, no printing; notes and
progress come back through callbacks), or `sign_actions` for dream signs; orchestration that
combines the store, the matcher and the formats does not belong in this module.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from dreamly import _typer_fast, add_flow, start
from dreamly.errors import DreamlyError, ExitStatus
from dreamly.model import EXPORT_FORMATS, IMPORT_FORMATS, LENSES


_VALIDATION_WORDS = (
    ("Input should be a valid integer, unable to parse string as an integer", "not a whole number"),
    ("Value error, ", ""), ("Input should be ", "must be "),
)


def _one_line_usage(parse, command_ctx=None):
    """Run `parse`; a click usage error comes out as one line, as every other error does
    (click prints the usage, a hint and a blank line before its `Error:` line; the hint
    goes on the same line here), with the usage exit code. `command_ctx` names the command
    when the error carries no context (click's "Option '-e' requires an argument")."""
    try:
        return parse()
    except typer.TyperException as error:  # Typer's own copy of click's exceptions
        if getattr(error, "exit_code", None) != 2 or not hasattr(error, "format_message"):
            raise  # not a usage error
        ctx = getattr(error, "ctx", None) or command_ctx
        path = ctx.command_path.partition(" ")[2] if ctx else ""
        message = error.format_message()
        for library, ours in _VALIDATION_WORDS:  # the validation library's words, in ours
            message = message.replace(library, ours)
        typer.echo(f"Error: {message} (see `{' '.join(('dreamly', path)).strip()} --help`)", err=True)
        raise typer.Exit(error.exit_code) from None


class DreamlyCommand(TyperCommand):
    """Turns every failure into one `Error: …` line on stderr and exit 1, never a traceback
    (unless DREAMLY_DEBUG=1). Messages never include dream text."""

    def parse_args(self, ctx, args):
        _typer_fast.install_lazy_coercion(self.get_params(ctx))  # includes the -h/--help option
        return _one_line_usage(lambda: super(DreamlyCommand, self).parse_args(ctx, args), ctx)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # click's own exits and usage errors
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence (KeyboardInterrupt too, below)
            handled = start.outcome(exc)
            if handled is None:
                raise
        except KeyboardInterrupt as exc:
            handled = start.outcome(exc)
        line, code = handled
        if line:
            typer.echo(line, err=True)
        raise typer.Exit(code) from None


class DreamlyGroup(TyperGroup):
    def parse_args(self, ctx, args):
        _typer_fast.install_lazy_coercion(self.get_params(ctx))  # includes the -h/--help option
        return _one_line_usage(lambda: super(DreamlyGroup, self).parse_args(ctx, args), ctx)

    def resolve_command(self, ctx, args):
        return _one_line_usage(lambda: super(DreamlyGroup, self).resolve_command(ctx, args))

    def list_commands(self, ctx):  # keep the order commands are defined in, the order of a day
        return list(self.commands)


app = typer.Typer(
    name="dreamly",
    cls=DreamlyGroup,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,  # locals hold dream text
    add_completion=True,  # --install-completion / --show-completion; the machinery runs only when completing
    rich_markup_mode=None,
)


_os_error_line = start.os_error_line


def command(*args, **kwargs):
    kwargs.setdefault("cls", DreamlyCommand)
    return app.command(*args, **kwargs)


def fail(message: str, code: ExitStatus = ExitStatus.ERROR):
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(int(code))


def conflict(message: str):
    """Options that cannot go together: a usage error (exit 2), in one `Error: …` line."""
    fail(message, ExitStatus.USAGE)


@contextmanager
def option_values():
    """A value given on the command line that can't be read (`--since 2026-13-45`,
    `-e fear:9`, a day in the future) is a usage error: exit 2, like Typer's own."""
    try:
        yield
    except DreamlyError as exc:
        conflict(str(exc))


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


# -- shell completion (`dreamly --install-completion`): runs only when the shell asks ----------


def _complete_motifs(incomplete: str) -> list:
    try:
        return [(m.id, m.label) for m in _load_knowledge().motifs.values() if m.id.startswith(incomplete.lower())]
    except Exception:  # noqa: BLE001 - a completion never breaks the shell
        return []


def _complete_feelings(incomplete: str) -> list:
    from dreamly.feeling_names import FEELINGS

    return [name for name in FEELINGS if name.startswith(incomplete.lower())]


def _complete_tags(incomplete: str) -> list:
    try:
        from dreamly import actions

        return actions.tags_starting(incomplete)
    except Exception:  # noqa: BLE001 - a completion never breaks the shell
        return []


# -- shared options ------------------------------------------------------------------------

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="DREAMLY_DB", metavar="PATH", help="Journal file to use (default: see `dreamly path`).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
SinceOption = Annotated[Optional[str], typer.Option("--since", metavar="DAY", help="From this day on (same forms as --date).", show_default=False)]
UntilOption = Annotated[Optional[str], typer.Option("--until", metavar="DAY", help="Up to and including this day.", show_default=False)]
TagFilter = Annotated[Optional[List[str]], typer.Option("--tag", "-t", autocompletion=_complete_tags, metavar="TAG", help="Only dreams with this tag (repeatable).", show_default=False)]
EmotionFilter = Annotated[Optional[List[str]], typer.Option("--emotion", "-e", autocompletion=_complete_feelings, metavar="NAME", help="Only dreams with this feeling (repeatable).", show_default=False)]
MotifFilter = Annotated[Optional[List[str]], typer.Option("--motif", "-m", autocompletion=_complete_motifs, metavar="ID", help="Only dreams with this motif id (repeatable; see `dreamly themes`).", show_default=False)]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="Show at most this many.")]


def _refuse_unknown_filters(filters, journal) -> None:
    """A typo in --motif or --emotion silently matches nothing. Called only when nothing
    matched, so the knowledge base is loaded only then, not on every filtered list. A feeling
    dreamly does not count may still be one the dreamer tagged (`-e wibbly`): only when no
    dream has it does it get a guess."""
    if filters.motifs:
        from dreamly import actions

        unknown = actions.unknown_motif(filters.motifs)
        if unknown is not None:
            fail(f"no motif {unknown!r}; `dreamly themes` lists them", code=ExitStatus.USAGE)  # a bad option value
    from dreamly.feeling_names import FEELINGS, guess_of
    from dreamly.store import Filters

    for name in filters.emotions:
        if name not in FEELINGS and not journal.count_matching(Filters(emotions=(name,))):
            fail(f"no dream has the feeling {name!r}{guess_of(name)}; dreamly counts {', '.join(FEELINGS)}", code=ExitStatus.USAGE)


def _feeling_filter(name: str) -> str:
    """The feeling a --emotion filter means: `-e scared` finds the dreams `add -e scared`
    stored as fear; a feeling dreamly does not count is looked for as typed."""
    from dreamly.feeling_names import FEELINGS, feeling_family

    name = name.strip().lower()
    return name if name in FEELINGS else feeling_family(name)[0]


def _reading(db):
    """The journal, for a command that only reads: one that does not exist yet reads as empty,
    with a note naming where it was looked for (a mistyped --db or DREAMLY_DB must not quietly
    start a new journal, nor look like every dream is gone)."""
    from dreamly.store import open_journal

    _note_if_no_journal(db)
    return open_journal(db, missing_is_empty=True)


def _note_if_no_journal(db) -> None:
    from dreamly.paths import journal_path

    path = journal_path(db)
    if not os.path.lexists(path):
        note(f"No journal at {path} yet; `dreamly add` starts one there.")


def _filters(since, until, tags, emotions, motifs, limit=None, oldest_first=False):
    from dreamly.dates import day_range
    from dreamly.store import Filters

    with option_values():
        start, end = day_range(since, until)
    emotions = tuple(dict.fromkeys(_feeling_filter(name) for name in emotions or ()))
    return Filters(since=start, until=end, tags=tags or (), emotions=emotions, motifs=motifs or (),
                   limit=limit, oldest_first=oldest_first)


def _print_version(value: bool) -> None:
    if value:
        from dreamly import __version__

        typer.echo(f"dreamly {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True,
                                          help="Print dreamly's version and exit.")] = False,
) -> None:
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
    emotion: Annotated[Optional[List[str]], typer.Option("--emotion", "-e", autocompletion=_complete_feelings, metavar="NAME[:1-5]", help="A feeling, optionally with intensity 1-5: fear, fear:4 (repeatable).", show_default=False)] = None,
    tag: Annotated[Optional[List[str]], typer.Option("--tag", "-t", autocompletion=_complete_tags, metavar="TAG", help="A tag such as work or exam (repeatable).", show_default=False)] = None,
    context: Annotated[str, typer.Option("--context", "-c", metavar="TEXT", help="What is going on in waking life.", show_default=False)] = "",
    lucid: Annotated[bool, typer.Option("--lucid", help="You knew you were dreaming.")] = False,
    lucidity: Annotated[Optional[int], typer.Option("--lucidity", min=1, max=5, metavar="1-5", help="How lucid, 1 (a flicker of knowing) to 5 (fully aware, steering); implies --lucid.", show_default=False)] = None,
    nightmare: Annotated[bool, typer.Option("--nightmare", help="It was a nightmare.")] = False,
    recurring: Annotated[bool, typer.Option("--recurring", help="You have had this dream before.")] = False,
    sleep: Annotated[Optional[int], typer.Option("--sleep", min=1, max=5, metavar="1-5", help="How well you slept, 1 (badly) to 5 (very well).", show_default=False)] = None,
    editor: Annotated[bool, typer.Option("--editor", "-E", help="Write the dream in $EDITOR even if stdin is not a terminal.")] = False,
    interpret_: Annotated[bool, typer.Option("--interpret", help="Right after saving, ask your llm model for a reading (see `dreamly interpret`).")] = False,
    questions: Annotated[Optional[bool], typer.Option(
        "--questions/--no-questions", help="In a terminal, a few questions follow the saved dream when a motif was "
        "found: --questions asks even when none was, --no-questions never (or `questions = false` in config.toml).",
        show_default=False)] = None,
    model: ModelOption = None,
    lens: LensOption = None,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Write down a dream. The text comes from the argument, else piped stdin, else $EDITOR.

    In a terminal, up to three questions follow (who or what was after you, how you felt,
    what it reminds you of); Enter skips one, Ctrl-C ends them, and the dream stays saved.

    Example: dreamly add "Chased, legs like concrete" -e fear:4 -t work
    """
    from dreamly import _add_fast

    if _add_fast.spec_needed():  # the fast start's copy of these options, read from Typer's own
        _add_fast.save(_add_command())
    interpret = None
    if interpret_:
        def interpret(journal, dream_id, *, quiet):
            return _interpret_after_add(journal, dream_id, model, lens, quiet=quiet)
    add_flow.run_add(text, date=date, title=title, emotion=emotion, tag=tag, context=context, lucid=lucid,
                     lucidity=lucidity, nightmare=nightmare, recurring=recurring, sleep=sleep, editor=editor,
                     questions=questions, json_=json_, db=db, interpret=interpret)


def _add_command():
    """The click command Typer builds for `add` (what its parser reads)."""
    from typer.main import get_command

    return get_command(app).commands["add"]


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


_feelings_from_options = add_flow.feelings_from_options
_keeping = add_flow.keeping
_echo_findings = add_flow.echo_findings


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

    filters = _filters(since, until, tag, emotion, motif, limit)
    with _reading(db) as journal:
        dreams = journal.list(filters)
        if not dreams:
            _refuse_unknown_filters(filters, journal)
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

    with _reading(db) as journal:
        dream = journal.get(dream_id)
    if json_:
        print_json(dream)
        return
    from dreamly import render

    render.dream_detail(dream, _knowledge_or_none())


def _knowledge_or_none():
    from dreamly import actions

    return actions.knowledge_or_note(note)


@command()
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Words to find in titles, dreams and context (all of them); words in double quotes are a phrase; `run*` matches a prefix.")],
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
    """Search the journal, best matches first (newest first when over 5,000 dreams match).

    Every word must be in the dream; put a phrase in double quotes to find the words side by
    side, in that order (in the shell, quote the quotes).

    Example: dreamly search train station --since 2026-01-01

    Example: dreamly search '"train station"'
    """
    from dreamly.store import SNIPPET_END, SNIPPET_START

    filters = _filters(since, until, tag, emotion, motif, limit)
    with _reading(db) as journal:
        hits, order = journal.search_page(query, filters)
        if not hits:
            _refuse_unknown_filters(filters, journal)
    if order == "newest":
        from dreamly.store.fulltext import RANK_LIMIT

        note(f"Over {RANK_LIMIT:,} dreams match: newest first. Add words, a \"phrase\" or --since to rank by relevance.")
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
    emotion: Annotated[Optional[List[str]], typer.Option("--emotion", "-e", autocompletion=_complete_feelings, metavar="NAME[:1-5]", help="Set a feeling: fear or fear:4 (repeatable).", show_default=False)] = None,
    drop_emotion: Annotated[Optional[List[str]], typer.Option("--drop-emotion", autocompletion=_complete_feelings, metavar="NAME", help="Remove a feeling, one you tagged or one found in the text (repeatable; kept by reanalyze).", show_default=False)] = None,
    motif: Annotated[Optional[List[str]], typer.Option("--motif", "-m", autocompletion=_complete_motifs, metavar="ID", help="The dream has this motif, whatever the matcher found: your decision, kept by reanalyze (repeatable; see `dreamly themes`).", show_default=False)] = None,
    drop_motif: Annotated[Optional[List[str]], typer.Option("--drop-motif", autocompletion=_complete_motifs, metavar="ID", help="The dream does not have this motif, whatever the matcher found (repeatable).", show_default=False)] = None,
    tag: Annotated[Optional[List[str]], typer.Option("--tag", "-t", autocompletion=_complete_tags, metavar="TAG", help="Add a tag (repeatable).", show_default=False)] = None,
    untag: Annotated[Optional[List[str]], typer.Option("--untag", autocompletion=_complete_tags, metavar="TAG", help="Remove a tag (repeatable).", show_default=False)] = None,
    context: Annotated[Optional[str], typer.Option("--context", "-c", metavar="TEXT", help="New waking-life context.", show_default=False)] = None,
    lucid: Annotated[Optional[bool], typer.Option("--lucid/--not-lucid", help="Mark or unmark as lucid.", show_default=False)] = None,
    lucidity: Annotated[Optional[int], typer.Option("--lucidity", min=1, max=5, metavar="1-5", help="How lucid, 1-5 (marks it lucid).", show_default=False)] = None,
    nightmare: Annotated[Optional[bool], typer.Option("--nightmare/--not-nightmare", help="Mark or unmark as a nightmare.", show_default=False)] = None,
    recurring: Annotated[Optional[bool], typer.Option("--recurring/--not-recurring", help="Mark or unmark as recurring.", show_default=False)] = None,
    sleep: Annotated[Optional[int], typer.Option("--sleep", min=1, max=5, metavar="1-5", help="Sleep quality 1-5.", show_default=False)] = None,
    editor: Annotated[bool, typer.Option("--editor", "-E", help="Also edit the text in $EDITOR.")] = False,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a dream. With no options, opens its text in $VISUAL/$EDITOR (or, with text piped
    in, makes that its new text).

    Example: dreamly edit 12 --title "The station again" -t work --nightmare
    """
    from dreamly.dates import parse_day, refuse_future
    from dreamly.entry import EditorDraft, clean_text, parse_emotion, read_stdin, repair_surrogates, stdin_is_redirected
    from dreamly import actions
    from dreamly.store import open_journal

    fields: dict = {}
    if date is not None:
        with option_values():
            fields["dreamt_on"] = parse_day(date)
            refuse_future(fields["dreamt_on"])
    if lucidity is not None and lucid is False:
        conflict("--lucidity marks the dream lucid; leave out --not-lucid")
    for name, value in (("title", title), ("context", context), ("lucid", lucid), ("nightmare", nightmare),
                        ("recurring", recurring), ("sleep_quality", sleep), ("lucidity", lucidity)):
        if value is not None:
            fields[name] = repair_surrogates(value).strip() if isinstance(value, str) else value
    set_emotions = _feelings_from_options(emotion)
    from dreamly.store import check_tags

    check_tags(tag or ())
    corrections = actions.motif_corrections(motif, drop_motif)
    nothing_else = not (fields or set_emotions or drop_emotion or tag or untag or text is not None or corrections)
    with option_values():
        dropped_feelings = [parse_emotion(e)[0] for e in drop_emotion or ()]
    # one option adds what the other removes: say which, as --motif/--drop-motif do
    both = sorted({name for name, _ in set_emotions} & set(dropped_feelings))
    if both:
        conflict(f"--emotion and --drop-emotion both name {both[0]!r}; say which")
    both = sorted({t.strip().lower() for t in tag or ()} & {t.strip().lower() for t in untag or ()})
    if both:
        conflict(f"--tag and --untag both name {both[0]!r}; say which")
    with open_journal(db, create=False) as journal:
        draft = None
        expect = None
        if text is None and nothing_else and not editor and stdin_is_redirected():
            text = read_stdin()  # as `add` reads a pipe: the new text (there is no terminal for an editor)
            if not text.strip():
                fail("no new text came on stdin; the dream was not changed (give --text, or run in a terminal "
                     "to open the editor)")
        if text is not None:
            fields["body"] = clean_text(text)
        elif editor or nothing_else:
            current = journal.get(dream_id, with_history=False)
            # the optimistic check: the save is refused if the dream changed while the editor was open
            expect = {"updated": current["updated"], "body": current["body"]}
            draft = EditorDraft(current["body"], name=f"dream-{dream_id}")
            fields["body"] = draft.edit()
        with _keeping(draft):
            if draft:
                fields["body"] = clean_text(fields["body"])
                if fields["body"] == expect["body"]:  # nothing typed: no check needed
                    del fields["body"]
                    expect = None
            if "body" in fields and not fields["body"].strip():
                if draft:
                    draft.discard()
                fail("the new text is empty; the dream was not changed (use `dreamly delete` to remove it)")
            edited = actions.save_edit(journal, dream_id, fields, add_tags=tag or (), drop_tags=untag or (),
                                       set_emotions=set_emotions, drop_emotions=dropped_feelings,
                                       corrections=corrections, expect=expect)
        if draft:
            draft.discard()
        if edited.changed is None:
            note(f"Nothing changed in dream {dream_id}.")
            return
        corrections = edited.changed["corrections"]
        found = edited.found
        if edited.warning:
            note(edited.warning)
        if json_:
            print_json(journal.get(dream_id))
            return
    typer.echo(f"Updated dream {dream_id}.")
    if found is not None:  # the new text's motifs, as after `add`
        if found.motifs or found.emotions:
            typer.echo("The matcher found in the new text:")
            _echo_findings(found)
        else:
            typer.echo("The matcher found no motifs or feelings in the new text.")
    for kind, name, action in corrections:
        if action != "forget":
            typer.echo(f"Kept as your decision: {'no ' if action == 'drop' else ''}{kind} {name} "
                       "(`dreamly reanalyze` leaves it as it is).")


@command()
def reflect(
    dream_id: Annotated[int, typer.Argument(metavar="ID", help="The dream's id.")],
    text: Annotated[Optional[str], typer.Argument(
        metavar="TEXT", help="With --free or --question: the words. Leave it out to pipe it in, or to write it in $EDITOR.",
        show_default=False)] = None,
    *,
    free: Annotated[bool, typer.Option("--free", "-f", help="Write a reflection of your own (in $EDITOR unless TEXT is given), kept apart from model interpretations.")] = False,
    question: Annotated[Optional[str], typer.Option("--question", "-q", metavar="QUESTION", help="Answer one question without being asked: pursuer, feeling, reminds (TEXT is the answer; empty clears it).", show_default=False)] = None,
    editor: Annotated[bool, typer.Option("--editor", "-E", help="Write in $EDITOR even if stdin is not a terminal.")] = False,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Answer the questions about a dream later, or change your answers; or write a free
    reflection of your own. With no options, in a terminal, the questions are asked again
    (Enter keeps an answer as it is).

    Example: dreamly reflect 12 --free "It was about the move, I think"
    """
    from dreamly import actions, questions as asking
    from dreamly.entry import clean_text, read_text, stdin_is_terminal
    from dreamly.store import open_journal

    if free and question:
        fail("use --free or --question, not both")
    with open_journal(db, create=False) as journal:
        dream = journal.get(dream_id, with_history=False)
        if free or question:
            if question:
                question = question.strip().lower()
                if question not in (asking.PURSUER, asking.FEELING, asking.REMINDS) and not question.startswith("motif:"):
                    fail(f"no question {question!r}; use pursuer, feeling or reminds")
            text, draft = read_text(text, force_editor=editor)
            words = clean_text(text).strip()
            if free and not words:
                if draft:
                    draft.discard()
                fail("the reflection is empty; nothing was saved")
            actions.keep_reflection(journal, dream_id, question or None, words, on_note=note)
            if question and not words:
                note(f"Cleared your answer to {question} for dream {dream_id}.")
            if draft:
                draft.discard()
            if json_:
                print_json(journal.get(dream_id, with_history=False)["reflections"])
            elif words:
                typer.echo(f"Kept your {'reflection' if free else 'answer'} with dream {dream_id}.")
            return
        if text is not None:
            fail("TEXT goes with --free or --question; with neither, the questions are asked in a terminal")
        if not (stdin_is_terminal() and sys.stdout.isatty()):
            fail("the questions are asked in a terminal; in a script use --question NAME TEXT or --free TEXT")
        knowledge = _knowledge_or_none()
        mine = [m["motif"] for m in dream["motifs"] if m.get("subject", "dreamer") == "dreamer"]
        chosen = asking.questions_for(mine, knowledge, always=True)
        given = {r["question"]: r["answer"] for r in dream["reflections"]}
        try:
            answered = asking.ask(chosen, lambda q, answer: asking.store_answer(journal, dream_id, q.id, answer),
                                  known_feelings=_known_feelings(), found_pursuers=set(mine), current=given)
        except asking.Ended:
            typer.echo(f"Questions ended; the answers you gave are kept with dream {dream_id}.")
            return
    typer.echo(f"\nChanged {answered} answer{'' if answered == 1 else 's'} of dream {dream_id}.")


def _known_feelings():
    from dreamly import actions

    return actions.known_feelings(on_note=note)


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
            from dreamly.text import first_words, printable

            label = f"{dream['dreamt_on']}: “{printable(first_words(dream['title'] or dream['body'], 50))}”"
            try:
                confirmed = typer.confirm(f"Delete dream {dream_id} ({label})?", default=False, err=True)
            except typer.Abort:  # end of input (a script) or Ctrl-C at the prompt
                note("")  # end the prompt's line
                fail(f"dream {dream_id} was not deleted: no answer came (add --yes to delete without asking)")
            if not confirmed:
                note("Kept it.")
                raise typer.Exit(ExitStatus.ERROR)
        journal.delete(dream_id)
    typer.echo(f"Deleted dream {dream_id}.")


@command()
def tags(
    *,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List your tags with how many dreams have each, most used first.

    Example: dreamly tags --json
    """

    with _reading(db) as journal:
        counted = journal.tag_counts()
    if json_:
        print_json(counted)
        return
    if not counted:
        note("No tags yet. Tag a dream with: dreamly add \"…\" -t work")
        return
    width = max(len(t["tag"]) for t in counted)
    for item in counted:
        typer.echo(f"{item['tag']:<{width}}  {item['dreams']}")


@command()
def config(
    *,
    json_: JsonOption = False,
) -> None:
    """Show where the config file is and what it sets (`config.toml` in the config folder).

    Settings: editor, questions (true/false), tags (a list), date_order ("day-month" or
    "month-day", for dates like 1/12), journal (a path). Environment variables and flags win.

    Example: dreamly config
    """
    from dreamly.config import KEYS, config_path, load

    settings = load(config_path())
    if json_:
        print_json(settings.as_json())
        return
    typer.echo(f"Config file: {settings.path}" + ("" if settings.exists else " (not written yet)"))
    values = settings.as_json()
    overridden = {"editor": "$VISUAL/$EDITOR" if (os.environ.get("VISUAL") or os.environ.get("EDITOR")) else None,
                  "journal": "$DREAMLY_DB" if os.environ.get("DREAMLY_DB") else None}
    for key, meaning in KEYS.items():
        value = values[key]
        shown = json.dumps(value, ensure_ascii=False) if key in settings.set_keys else "(not set)"
        wins = f"  — {overridden[key]} wins" if overridden.get(key) and key in settings.set_keys else ""
        typer.echo(f"  {key:<11} {shown}{wins}")
        typer.echo(f"              {meaning}")
    if not settings.exists:
        make_folder = "" if settings.path.parent.is_dir() else f"mkdir -p {settings.path.parent} && "
        typer.echo(f"Write one, e.g.: {make_folder}printf 'date_order = \"day-month\"\\n' >> {settings.path}")


@command()
def path(json_: JsonOption = False, db: DbOption = None) -> None:
    """Print where the journal file is (set DREAMLY_DB or --db to use another).

    Example: sqlite-utils tables "$(dreamly path)"
    """
    from dreamly.paths import journal_path

    journal = journal_path(db)
    if json_:
        print_json({"journal": str(journal), "exists": journal.exists()})
        return
    typer.echo(str(journal))


# -- the matcher: analyze, themes, reanalyze ------------------------------------------------


def _load_knowledge():
    from dreamly.actions import knowledge

    return knowledge()


@command("analyze")
def analyze_(
    text: Annotated[Optional[str], typer.Argument(metavar="TEXT", help="Text to analyse; leave it out to pipe it in.", show_default=False)] = None,
    *,
    json_: JsonOption = False,
) -> None:
    """Find motifs and feelings in a text without saving anything.

    Example: echo "my legs were like concrete" | dreamly analyze --json
    """
    from dreamly import actions
    from dreamly.entry import read_stdin, stdin_is_terminal

    if text is None:
        if stdin_is_terminal():
            fail("give the text as an argument or pipe it in")
        text = read_stdin()
    if not text.strip():
        fail("nothing to analyse: the text is empty")
    result = actions.analyze(text)
    if json_:
        print_json(result.to_json())
        return
    if not result.motifs and not result.emotions:
        note("No motifs or feelings found.")
        return
    _echo_findings(result)


@command()
def themes(
    motif_id: Annotated[Optional[str], typer.Argument(metavar="ID", help="A motif id to show in full.", show_default=False,
                                                      autocompletion=_complete_motifs)] = None,
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
def reanalyze(
    *,
    missing: Annotated[bool, typer.Option("--missing", help="Only the dreams whose analysis is missing or older than their text (what `dreamly check` reports).")] = False,
    db: DbOption = None,
) -> None:
    """Re-tag every dream with the current matcher (after dreamly or your motifs.toml changed).

    Work is committed in batches: if it is interrupted, each batch is either done or
    untouched, and running it again finishes the job.

    Example: dreamly reanalyze
    """
    from dreamly import actions
    from dreamly.analysis import MATCHER_VERSION

    def on_batch(done: int, total: int) -> None:
        if done < total and not sys.stderr.isatty():
            note(f"Re-analysed {done} of {total}…")  # for logs: how far a run got

    done = actions.reanalyze_journal(db, missing=missing, progress=_progress, on_batch=on_batch)
    typer.echo(f"Re-analysed {done} dream{'s' if done != 1 else ''} with matcher version {MATCHER_VERSION}.")


def _read_new_signs(journal) -> None:
    """sign_actions.read_new, with a progress bar when there are many (after a big import)."""
    from dreamly import sign_actions

    sign_actions.read_new(journal, _progress)


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

Lens = Enum("Lens", {name: name for name in LENSES}, type=str)  # the choices of --lens


ModelOption = Annotated[Optional[str], typer.Option(
    "--model", "-m", metavar="MODEL", help="Any llm model id or alias (default: your llm default model; see `llm models`).",
    show_default=False)]
LensOption = Annotated[Optional[Lens], typer.Option(
    "--lens", help="Also read the dream through this tradition.", show_default=False, case_sensitive=False)]


def _streamed(call, *, quiet: bool):
    """Run a model call that streams through `on_chunk`: its answer goes to stdout as it
    arrives (unless `quiet`), the last line is ended even if the call fails, and its
    warning, if any, is passed on."""
    from dreamly.plain import stream_printer

    on_chunk, finish = stream_printer() if not quiet else (lambda chunk: None, lambda: None)
    try:
        result = call(on_chunk)
    finally:
        finish()
    if result.warning:
        note(f"Warning: {result.warning}")
    return result


def _interpret_and_store(journal, dream_id: int, model: Optional[str], lens: Optional[str], *, quiet: bool) -> dict:
    """Run the interpretation, streaming it to stdout unless `quiet`; returns the stored row."""
    from dreamly import actions

    return _streamed(lambda on_chunk: actions.interpret(
        journal, dream_id, model, lens,
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
            from dreamly import actions

            request = actions.prepare_interpretation(journal, dream_id, lens_id)
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
            conflict("--tonight lists what you wrote; it takes no ID, TEXT or --suggest")
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
        conflict("give either TEXT or --suggest, not both")
    if save and not suggest:
        conflict("--save keeps a --suggest draft as it is; your own ending is saved without it")
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
    from dreamly import actions

    return _streamed(lambda on_chunk: actions.suggest_ending(
        journal, dream_id, model, on_chunk=on_chunk,
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
    from dreamly import actions, picture as drawing

    if model is not None and not prompt:
        conflict("-m refines a --prompt; add --prompt (a picture is drawn here, by no model)")
    if prompt and output is not None:
        conflict("--prompt prints the prompt; --output is for the picture")
    if json_ and output == Path("-"):
        conflict("--json describes the picture written to a file; give -o FILE, or drop --json to get the SVG")
    drawn = actions.picture_scene(db, dream_id, on_note=note)
    dream, scene, labels = drawn.dream, drawn.scene, drawn.labels
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
    from dreamly import actions

    reply = _streamed(lambda on_chunk: actions.refine_image_prompt(
        dream, draft, model, on_chunk=on_chunk,
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

    if sum((json_, markdown, html is not None)) > 1:
        conflict("use one of --json, --markdown and --html")
    with option_values():
        start, end = day_range(since, until)
    from datetime import timedelta

    try:
        (start or end or _date.today()) - timedelta(weeks=weeks + 2)
    except OverflowError:  # the weeks before --since 0001-01-01 are before the calendar starts
        fail(f"the {weeks} weeks before {start or end} are before the calendar begins; give a later day")
    try:
        max(d for d in (start, end, _date.today()) if d) + timedelta(weeks=2)
    except OverflowError:  # the week of --until 9999-12-31 runs past the calendar's end
        fail(f"{max(d for d in (start, end) if d)} is too close to the end of the calendar; give an earlier day")
    with option_values():
        window = reviewing.make_window(_date.today(), week=week, since=start, until=end, baseline_weeks=weeks)
    from dreamly import actions

    _note_if_no_journal(db)  # read as an empty journal, nothing created
    review = actions.weekly_review(db, window, page=html is not None, progress=_progress, on_note=note)
    report, text = review.report, review.page
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
    from dreamly import actions
    from dreamly.demo import how_to_explore

    count, where = actions.write_demo(db)
    typer.echo(f"Wrote {count} sample dreams (ten weeks) to {where}\n")
    typer.echo("\n".join(how_to_explore(where)))


# -- dream signs and lucid dreaming: signs, tonight ---------------------------------------------


class SignKind(str, Enum):
    person = "person"
    place = "place"
    thing = "thing"
    motif = "motif"
    personal = "personal"


@command()
def signs(
    *,
    since: SinceOption = None,
    until: UntilOption = None,
    kind: Annotated[Optional[List[SignKind]], typer.Option(
        "--kind", "-k", help="Only signs of this kind (repeatable); personal = your own motifs.", show_default=False,
        case_sensitive=False)] = None,
    lucid: Annotated[bool, typer.Option("--lucid", help="The signs most associated with your lucid dreams (lift over the usual lucid rate).")] = False,
    hide: Annotated[Optional[str], typer.Option("--hide", metavar="SIGN", help="Stop showing a sign, as it is shown ('the house', 'Grandma', 'chase'); remembered.", show_default=False)] = None,
    unhide: Annotated[Optional[str], typer.Option("--unhide", metavar="SIGN", help="Show a hidden sign again.", show_default=False)] = None,
    hidden: Annotated[bool, typer.Option("--hidden", help="List the signs you hid.")] = False,
    limit: LimitOption = 10,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Your dream signs: the people, places, things and motifs that keep turning up, best
    first, each with how many dreams it is in, when, and two short excerpts. Ranked by how
    often they recur and how unusual their words are; found on your machine.

    Personal signs: add motifs of your own to the personal motifs file (`dreamly themes`
    shows the built-in ones; see README).

    Example: dreamly signs --since 2026-09-01 --kind person --kind place
    """
    from dreamly import sign_actions
    from dreamly.dates import day_range
    from dreamly.store import open_journal

    if sum((hide is not None, unhide is not None, hidden)) > 1:
        fail("use one of --hide, --unhide and --hidden", code=2)
    if hide is not None or unhide is not None:
        with open_journal(db) as journal:
            if hide is not None:
                key, seen = sign_actions.hide(journal, hide, labels=_motif_labels())
                typer.echo(f"Hidden: {key}. `dreamly signs --unhide {key!r}` shows it again." if seen else
                           f"Hidden: {key} (no dream has it yet). `dreamly signs --unhide {key!r}` undoes it.")
            else:
                key = sign_actions.unhide(journal, unhide, labels=_motif_labels())
                typer.echo(f"Showing {key} again.")
        return
    if hidden:
        with _reading(db) as journal:
            names = sign_actions.hidden(journal)
        if json_:
            print_json(names)
            return
        from dreamly import render_signs

        render_signs.hidden_list(names)
        return
    with option_values():
        start, end = day_range(since, until)
    kinds = {"personal motif" if k.value == "personal" else k.value for k in kind or ()} or None
    knowledge = _knowledge_or_none()
    with _reading(db) as journal:
        _read_new_signs(journal)
        report = sign_actions.signs_report(journal, knowledge, since=start, until=end, kinds=kinds, limit=limit,
                                           lucid=lucid)
    if json_:
        from dreamly.review.sign_words import json_report

        print_json(json_report(report))
        return
    from dreamly import render_signs

    render_signs.signs_list(report)


def _motif_labels() -> dict:
    knowledge = _knowledge_or_none()
    return {m.label.lower(): motif_id for motif_id, m in knowledge.motifs.items()} if knowledge else {}


@command()
def tonight(
    *,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=10, metavar="N", help="Rehearsed endings to show at most.")] = 3,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What to take to bed: the endings you rehearse (as `rehearse --tonight`), and the two or
    three strongest dream signs of your latest dream that was not lucid, each with an
    intention to notice it and check whether you are dreaming.

    Example: dreamly tonight
    """
    from dreamly import sign_actions

    knowledge = _knowledge_or_none()
    with _reading(db) as journal:
        _read_new_signs(journal)
        data = sign_actions.tonight(journal, knowledge, rehearsals=limit)
    if json_:
        print_json(data)
        return
    from dreamly import render_signs

    render_signs.tonight(data)


# -- taking it anywhere: export, import (formats live in formats/) ------------------------------


# the choices of --format: the names the format registry (dreamly/formats/) holds
ExportFormat = Enum("ExportFormat", {name: name for name in EXPORT_FORMATS}, type=str)
ImportFormat = Enum("ImportFormat", {name: name for name in IMPORT_FORMATS}, type=str)


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
    force: Annotated[bool, typer.Option("--force", help="Replace --output even if it is not an earlier export (an earlier export, or an empty file, is always replaced).")] = False,
    db: DbOption = None,
) -> None:
    """Export dreams as Markdown, JSON or CSV, all of them or those the filters pick.

    Example: dreamly export --format markdown --split -o ~/notes/dreams
    """
    if output == Path("-") and not split:  # as everywhere else: - is stdout
        output = None
    from dreamly import actions, formats

    fmt = format_.value
    split_problem = formats.split_conflict(fmt, split, output)
    if split_problem:
        conflict(split_problem)
    filters = _filters(since, until, tag, emotion, motif, oldest_first=oldest_first)
    # the bar draws on the terminal: never when the export itself goes there, nor into a pipe
    bar = _progress if output is not None and sys.stdout.isatty() else None
    try:
        count = actions.export_dreams(db, filters, fmt, output, _stdout_for_data(), split=split, progress=bar,
                                      on_note=note, replace=force)
    except BrokenPipeError:  # `dreamly export | head`: the reader has all it wanted
        _silence_stdout()
        raise typer.Exit(ExitStatus.BROKEN_PIPE) from None
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
    from dreamly import actions

    done = actions.import_dreams(db, path, format_.value, date_column=date_column, text_column=text_column,
                                 dry_run=dry_run, on_note=note, progress=_progress)
    if dry_run:
        typer.echo(f"Would add {done.new} dream{'' if done.new == 1 else 's'} from {path}"
                   f"{_known_clause(done.known)}; nothing was written.")
        for line in done.preview:
            typer.echo(f"  {line}")
        if done.new > 10:
            typer.echo(f"  … and {done.new - 10} more")
        return
    typer.echo(f"Imported {done.added} dream{'' if done.added == 1 else 's'} from {path}{_known_clause(done.known)}.")


_silence_stdout = start.silence_stdout


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
    from dreamly import actions

    if target == Path("-"):
        fail("a backup is a journal file, not text for stdout; give a file or folder name")
    written, count = actions.backup(db, target.expanduser() if target else None)  # count: what the copy holds
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
    from dreamly import actions

    report = actions.check_journal(db, repair=repair)
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
        fail("an index (search, or the days with a dream) is out of step with the dreams" +
             ("" if repair else "; `dreamly check --repair` rebuilds it"))
    if report["analysis"]:
        fail("some dreams are not analysed with their current text; `dreamly reanalyze --missing` "
             "(or `dreamly check --repair`) finishes them")
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
    from dreamly import actions

    report = actions.salvage(db, output)
    if json_:
        print_json(report)
        return
    typer.echo(str(report["to"]))
    for table in report["tables"]:
        lost = [f"{a}" + ("" if a == b else f"-{b}" if b < 2**62 else " on") for a, b in table["unreadable_ranges"]]
        extra = []
        if lost:
            whose = "dreams" if table["table"] == "dreams" else "the rows of dreams"
            extra.append(f"could not read {whose} " + ", ".join(lost))
        if table["orphans"]:
            extra.append(f"{table['orphans']} belonged to dreams that could not be read")
        if table["refused"]:
            extra.append(f"{table['refused']} were garbled beyond use")
        note(f"  {table['table']}: {table['written']} rows saved" + (f" ({'; '.join(extra)})" if extra else ""))
    note(f"Salvaged {report['dreams']} dream{'' if report['dreams'] == 1 else 's'} into {report['to']}; "
         f"{report['from']} was not changed. Check the new journal (`dreamly check --db {report['to']}`), then use it "
         "in place of the damaged one.")


# -- privacy: encrypt, decrypt, the key ---------------------------------------------------------------


@command()
def encrypt(
    *,
    passphrase: Annotated[bool, typer.Option("--passphrase", help="Use a passphrase (asked twice, or from $DREAMLY_PASSPHRASE_COMMAND) instead of a key kept in the system keyring.")] = False,
    db: DbOption = None,
) -> None:
    """Encrypt the journal (SQLCipher; needs `pip install 'dreamly[encrypt]'`).

    By default a random key is made and kept in your system keyring, so commands do not ask
    for anything; without a working keyring, or with --passphrase, a passphrase is used.
    The encrypted copy is written beside the journal, checked, then swapped into place; the
    plaintext journal and dreamly's `.bak-N` copies are overwritten and removed. If the key
    is lost, the dreams are gone: see `dreamly key show`.

    Example: dreamly encrypt
    """
    from dreamly import actions, keys

    will_ask = sys.stdin.isatty() or os.environ.get("DREAMLY_PASSPHRASE_COMMAND")  # else: one error line, below
    if not passphrase and will_ask and keys.keyring_name() is None:
        note("No working system keyring here, so the journal is encrypted with a passphrase instead "
             "(every command asks for it, or set DREAMLY_PASSPHRASE_COMMAND).")
    outcome = actions.encrypt(db, passphrase)
    if outcome.already:
        typer.echo(f"{outcome.path} is already encrypted.")
    else:
        typer.echo(f"Encrypted {outcome.path} ({outcome.dreams} dream{'' if outcome.dreams == 1 else 's'}); "
                   f"the key is {'in ' if outcome.key_in.startswith('the') else ''}{outcome.key_in}.")
        if outcome.key_in.startswith("the"):
            note("Without that key the dreams can't be read: `dreamly key show` prints it, keep a copy "
                 "somewhere safe (a password manager).")
        else:
            note("Without the passphrase the dreams can't be read, and nobody can recover it.")
    for path in outcome.removed:
        note(f"Removed the plaintext copy {path}.")
    for path in outcome.left:
        note(f"Left alone: {path} is a plaintext backup you made; delete it, or encrypt it with "
             f"`dreamly encrypt --db {path}`.")


@command()
def decrypt(*, db: DbOption = None) -> None:
    """Turn an encrypted journal back into a plain SQLite file (asks for the key as any command does).

    The key stays in the system keyring: backups made while encrypted still need it.

    Example: dreamly decrypt
    """
    from dreamly import actions

    outcome = actions.decrypt(db)
    typer.echo(f"Decrypted {outcome.path} ({outcome.dreams} dream{'' if outcome.dreams == 1 else 's'}); "
               "it is a plain SQLite file again.")


class KeyAction(str, Enum):
    show = "show"
    save = "save"


@command()
def key(
    action: Annotated[KeyAction, typer.Argument(help="show: print the key kept in the system keyring. "
                                                  "save: put a key or passphrase (asked for, or from "
                                                  "$DREAMLY_PASSPHRASE_COMMAND) in the keyring.")],
    *,
    db: DbOption = None,
) -> None:
    """The encrypted journal's key in the system keyring: copy it to a new machine.

    On the old machine `dreamly key show` prints it (x'…', 64 hex digits); on the new one,
    `dreamly key save` asks for it, checks that it opens the journal and keeps it in the
    keyring. Anyone with the key and the journal file can read your dreams.

    Example: dreamly key show
    """
    if action is KeyAction.show:
        from dreamly.store import crypto

        typer.echo(crypto.show_key())
        note("Keep it somewhere safe: with it and the journal file anyone can read your dreams.")
    else:
        from dreamly import actions

        name = actions.save_key(db)
        note(f"Saved the key in the system keyring ({name}); commands won't ask for it.")


def main() -> None:
    """Every command through Typer (dreamly/start.py's `main`, the console script, runs
    `add` without it when it can)."""
    start.install_signals()
    args = start.argv()
    completing = "_DREAMLY_COMPLETE" in os.environ  # shell completion reads the words from the environment
    with _typer_fast.only_the_command(app, args[0] if args else None, completing=completing):
        app(args=args, prog_name="dreamly")


if __name__ == "__main__":  # pragma: no cover
    main()
