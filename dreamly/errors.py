"""The one exception type that carries a message meant for a person."""


class DreamlyError(Exception):
    """A failure the user can act on; the CLI prints it as one `Error: …` line and exits 1."""
