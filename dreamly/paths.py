"""Where dreamly keeps things on disk. One place decides, so every command (and the llm
plugin) finds the same journal."""

from __future__ import annotations

import os
import sys
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
    return user_dir("data") / "journal.db"


def config_dir() -> Path:
    """$DREAMLY_CONFIG_DIR, else the platform's user config folder."""
    env = os.environ.get("DREAMLY_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return user_dir("config")


def personal_motifs_path() -> Path:
    """The user's own motifs, same shape as the built-in motifs.toml."""
    return config_dir() / "motifs.toml"


def personal_motifs_file() -> Path | None:
    """The user's motifs.toml if they wrote one, else None: what every matcher run loads."""
    user_file = personal_motifs_path()
    return user_file if user_file.exists() else None


_XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "config": ("XDG_CONFIG_HOME", "~/.config"),
        "cache": ("XDG_CACHE_HOME", "~/.cache")}


def user_dir(kind: str) -> Path:
    """dreamly's user data, config or cache folder: what platformdirs says. On Linux it is
    the XDG rule, worked out here, since importing platformdirs costs `add` ~10 ms
    (tests/test_paths_xdg.py checks the two agree); elsewhere platformdirs itself."""
    if sys.platform == "linux" and "ANDROID_DATA" not in os.environ:
        variable, default = _XDG[kind]
        base = os.environ.get(variable, "").strip()
        return Path(base or os.path.expanduser(default)) / APP_NAME
    import platformdirs  # only when the default is needed

    find = {"data": platformdirs.user_data_dir, "config": platformdirs.user_config_dir,
            "cache": platformdirs.user_cache_dir}[kind]
    return Path(find(APP_NAME, appauthor=False))
