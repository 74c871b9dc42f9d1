"""Files dreamly writes for you (exports, pictures, the review page): private (0600) and
written whole or not at all, so a full disk or Ctrl-C never leaves half a file in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, TextIO

from dreamly.errors import DreamlyError


def write_atomically(target: Path, write: Callable[[TextIO], int], newline: str | None = None) -> int:
    """Call `write(stream)` on a private temporary file next to `target`, then rename it into
    place; returns what `write` returns. A symlink is written through (its target is
    replaced, not the link), and a device or pipe (`-o /dev/stdout`) is written into."""
    shown = target
    if target.is_symlink() or (target.exists() and not target.is_file()):
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise DreamlyError(f"can't write {shown}: it is a folder")
    if target.exists() and not target.is_file():  # nothing to rename onto: write straight into it
        try:
            with open(target, "w", encoding="utf-8", newline=newline) as stream:
                return write(stream)
        except OSError as exc:
            raise DreamlyError(f"can't write {shown}: {exc.strerror or exc}") from None
    folder = target.parent
    if not folder.is_dir():
        raise DreamlyError(f"can't write {shown}: the folder {folder} does not exist")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")  # private: 0600
    except OSError as exc:
        raise DreamlyError(f"can't write to {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as stream:
            count = write(stream)
        os.replace(temp, target)
    except OSError as exc:
        _remove(Path(temp))
        raise DreamlyError(f"can't write {shown}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(Path(temp))
        raise
    return count


def write_text(target: Path, text: str) -> None:
    """A whole text file, written as `write_atomically` does."""
    write_atomically(target, lambda stream: stream.write(text))


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
