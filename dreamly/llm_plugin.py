"""dreamly as an `llm` plugin: `llm dream interpret ID`, `llm dream list`, and `-f dream:…`.

llm imports this module on every run, so it stays tiny: only `click` and `llm` (both
already loaded by then) at the top, and dreamly itself only inside the commands. The
commands are plain click: a Typer app mounted in llm's click group breaks `--help`.
"""

import click
import llm

from dreamly.model import LENSES  # the vocabulary, once (standard library only: the plugin stays tiny)


@llm.hookimpl
def register_commands(cli):
    @cli.group(name="dream")
    def dream():
        """Your dreamly journal: read and interpret dreams from llm."""

    @dream.command(name="interpret")
    @click.argument("dream_id", type=int, metavar="ID")
    @click.option("-m", "--model", help="Model id or alias (default: your llm default model).")
    @click.option("--lens", type=click.Choice(LENSES, case_sensitive=False), help="Also read it through this tradition.")
    @click.option("--db", envvar="DREAMLY_DB", type=click.Path(dir_okay=False), help="dreamly journal file.")
    def interpret_command(dream_id, model, lens, db):
        """Interpret a dream from your dreamly journal and keep the reading there.

        Example: llm dream interpret 12 -m gpt-4o-mini --lens jungian
        """
        from dreamly import actions
        from dreamly.errors import DreamlyError
        from dreamly.plain import stream_printer
        from dreamly.store import open_journal

        on_chunk, finish = stream_printer()
        try:
            with open_journal(db, create=False) as journal:
                outcome = actions.interpret(
                    journal, dream_id, model, lens.lower() if lens else None, on_chunk=on_chunk,
                    on_start=lambda model_id: click.echo(f"Sending dream {dream_id} to {model_id}…", err=True),
                )
        except DreamlyError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            finish()  # end the streamed text's last line
        if outcome.warning:
            click.echo(f"Warning: {outcome.warning}", err=True)
        click.echo(f"Saved as interpretation {outcome.interpretation['id']}; `dreamly show {dream_id}` lists them.",
                   err=True)

    @dream.command(name="list")
    @click.option("-n", "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Show at most this many.")
    @click.option("--db", envvar="DREAMLY_DB", type=click.Path(dir_okay=False), help="dreamly journal file.")
    def list_command(limit, db):
        """List the latest dreams in your dreamly journal, newest first.

        Example: llm dream list -n 5
        """
        from dreamly.errors import DreamlyError
        from dreamly.plain import dream_lines
        from dreamly.store import Filters, open_journal

        try:
            with open_journal(db, create=False) as journal:
                dreams = journal.list(Filters(limit=limit))
        except DreamlyError as exc:
            raise click.ClickException(str(exc)) from None
        dream_lines(dreams)


@llm.hookimpl
def register_fragment_loaders(register):
    register("dream", load_dream_fragment)


def load_dream_fragment(argument):
    """`dream:ID`, `dream:last` or `dream:week` (the last 7 days) as prompt fragments."""
    from dreamly.errors import DreamlyError
    from dreamly.interpret import dream_as_text, fragment_dreams

    try:
        dreams = fragment_dreams(argument)
    except DreamlyError as exc:
        raise ValueError(str(exc)) from None  # llm reports it as "Could not load fragment dream:…: …"
    return [llm.Fragment(dream_as_text(d), source=f"dream:{d['id']}") for d in dreams]
