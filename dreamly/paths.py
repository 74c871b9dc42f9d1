"""Where dreamly keeps things on disk. One place decides, so every command (and the llm
plugin) finds the same journal."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "dreamly"


def journal_path(db: str | os.PathLike | None = None) -> Path:
    """--db, else $DREAMLY_DB, else `journal` in config.toml, else the platform's user data folder."""
    if db:
        return Path(db).expanduser()
    env = os.environ.get("DREAMLY_DB")
    if env:
        return Path(env).expanduser()
    from dreamly.config import load

    configured = load().journal
    if configured:
        return configured
    import platformdirs  # only when the default is needed

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "journal.db"


def config_dir() -> Path:
    """$DREAMLY_CONFIG_DIR, else the platform's user config folder."""
    env = os.environ.get("DREAMLY_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def personal_motifs_path() -> Path:
    """The user's own motifs, same shape as the built-in motifs.toml."""
    return config_dir() / "motifs.toml"


def personal_motifs_file() -> Path | None:
    """The user's motifs.toml if they wrote one, else None: what every matcher run loads."""
    user_file = personal_motifs_path()
    return user_file if user_file.exists() else None
