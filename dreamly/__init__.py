"""dreamly: a local-first command-line dream journal."""

__version__ = "0.1.0"
