"""Files dreamly writes for you (exports, pictures, the review page): private (0600) and
written whole or not at all, so a full disk or Ctrl-C never leaves half a file in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, TextIO

from dreamly.errors import DreamlyError


def names_a_device(target: Path) -> bool:
    """A path the user gave for a device or a stream (`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`):
    written into, whatever it links to."""
    text = os.path.abspath(str(target))
    return text.startswith(("/dev/", "/proc/"))


def write_atomically(target: Path, write: Callable[[TextIO], int], newline: str | None = None) -> int:
    """Call `write(stream)` on a private temporary file next to `target`, then rename it into
    place; returns what `write` returns.

    A symlink at `target` is never followed: the new file takes the place of the link itself,
    so a link planted in a shared folder (to someone's ~/.bashrc) is not a way to overwrite its
    target. Only a device the user named (`-o /dev/stdout`, see names_a_device) and a pipe or
    device at the name itself are written into."""
    shown = target
    if names_a_device(target) and target.exists() and not target.is_dir():
        return _write_into(target, shown, write, newline)
    if target.is_dir() and not target.is_symlink():
        raise DreamlyError(f"can't write {shown}: it is a folder")
    if not target.is_symlink() and target.exists() and not target.is_file():  # a pipe or device: write into it
        try:
            with open(target, "w", encoding="utf-8", newline=newline) as stream:
                return write(stream)
        except OSError as exc:
            raise DreamlyError(f"can't write {shown}: {exc.strerror or exc}") from None
    folder = target.parent
    if not folder.is_dir():
        raise DreamlyError(f"can't write {shown}: the folder {folder} does not exist")
    sweep_parts(folder, target.name)
    try:
        # the pid in the name lets a later run tell the leftovers of a killed one (sweep_parts)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.{os.getpid()}.", suffix=".part")  # 0600
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


def _write_into(target: Path, shown: Path, write, newline) -> int:
    try:
        with open(target, "w", encoding="utf-8", newline=newline) as stream:
            return write(stream)
    except OSError as exc:
        raise DreamlyError(f"can't write {shown}: {exc.strerror or exc}") from None


def sweep_parts(folder: Path, name: str) -> None:
    """Remove `.NAME.PID.*.part` files that a killed dreamly left in `folder` (its pid is gone)."""
    prefix = f".{name}."
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name.startswith(prefix)
                   and entry.name.endswith(".part")]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid():
                os.unlink(entry.path)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def make_private_folders(folder: Path) -> None:
    """Create `folder` and any missing folders above it, each 0700 (mkdir's mode covers only
    the last one; the umask decides the others)."""
    old_umask = os.umask(0o077)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    finally:
        os.umask(old_umask)


def write_text(target: Path, text: str) -> None:
    """A whole text file, written as `write_atomically` does."""
    write_atomically(target, lambda stream: stream.write(text))


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
