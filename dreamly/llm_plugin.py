"""dreamly as an `llm` plugin: `llm dream interpret ID`, `llm dream list`, and `-f dream:…`.

llm imports this module on every run, so it stays tiny: only `click` and `llm` (both
already loaded by then) at the top, and dreamly itself only inside the commands. The
commands are plain click: a Typer app mounted in llm's click group breaks `--help`.
"""

import click
import llm

LENSES = ("jungian", "western", "eastern", "indigenous")  # dreamly.interpret.LENSES; a test keeps them equal


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
        from dreamly import interpret
        from dreamly.errors import DreamlyError
        from dreamly.store import open_journal

        last = ["\n"]

        def on_chunk(chunk):
            click.echo(chunk, nl=False)
            last[0] = chunk[-1:] or last[0]

        try:
            with open_journal(db, create=False) as journal:
                outcome = interpret.interpret_dream(
                    journal, dream_id, model_id=model, lens=lens.lower() if lens else None,
                    knowledge=interpret.load_knowledge(), on_chunk=on_chunk,
                    on_start=lambda model_id: click.echo(f"Sending dream {dream_id} to {model_id}…", err=True),
                )
        except DreamlyError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            if last[0] != "\n":  # end the streamed text's last line
                click.echo()
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
        from dreamly.store import Filters, open_journal
        from dreamly.text import first_words

        try:
            with open_journal(db, create=False) as journal:
                dreams = journal.list(Filters(limit=limit))
        except DreamlyError as exc:
            raise click.ClickException(str(exc)) from None
        if not dreams:
            click.echo("No dreams yet. Write one with: dreamly add", err=True)
        for d in dreams:
            words = first_words(d["title"] or d["body"])
            motifs = ", ".join(dict.fromkeys(m["motif"] for m in d["motifs"]))
            click.echo(f"{d['id']:>4}  {d['dreamt_on']}  {words}" + (f"  [{motifs}]" if motifs else ""))


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
