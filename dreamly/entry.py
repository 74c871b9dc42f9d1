"""Reading what the user gives us: dream text from an argument, stdin or $EDITOR, and
the small option languages (`-e fear:4`)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from dreamly.errors import DreamlyError

_EMOTION_SPEC = re.compile(r"\s*([^\W\d][\w -]{0,39}?)\s*(?::\s*(\S+))?\s*")


def parse_emotion(spec: str) -> tuple[str, int | None]:
    """`fear` → ("fear", None); `fear:4` → ("fear", 4). Intensity is 1–5."""
    m = _EMOTION_SPEC.fullmatch(spec)
    if not m:
        raise DreamlyError(f"can't read emotion {spec!r}: use NAME or NAME:1-5, e.g. fear:4")
    name = " ".join(m.group(1).lower().split()).replace(" ", "_")
    level = m.group(2)
    if level is None:
        return name, None
    if not (level.isascii() and level.isdigit()) or len(level) > 3 or not 1 <= int(level) <= 5:  # '²' passes isdigit()
        raise DreamlyError(f"emotion {spec!r}: the intensity after ':' must be a whole number from 1 to 5")
    return name, int(level)


def clean_text(text: str) -> str:
    """What we store: the text exactly as given, minus trailing blank space (the newline
    `echo` and editors add). Accepted text then comes back byte for byte.

    Text with a NUL character is refused rather than silently changed: NUL is almost always
    a binary file piped in by mistake, and the sqlite3 shell and many tools cut text at it.
    Bytes that were not UTF-8 (argv decoded with surrogateescape) become U+FFFD, as on stdin.
    """
    if "\x00" in text:
        raise DreamlyError("the text contains a NUL character (is it a binary file?); nothing was saved")
    return repair_surrogates(text).rstrip()


def repair_surrogates(text: str) -> str:
    """Undecodable bytes that Python smuggled in as lone surrogates become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape" if _only_escapes(text) else "surrogatepass").decode(
            "utf-8", errors="replace")


def _only_escapes(text: str) -> bool:
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)


def read_stdin() -> str:
    """Piped text; bytes that are not UTF-8 become U+FFFD instead of failing."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        editor = "notepad" if os.name == "nt" else "vi"
    try:
        import shlex  # the editor path only: `add "…"` never needs it

        return shlex.split(editor)
    except ValueError:
        raise DreamlyError(f"can't read the editor command {editor!r} from $VISUAL/$EDITOR") from None


def _wait_leaving_ctrl_c_to(editor: subprocess.Popen) -> int:
    """Wait for the editor while Ctrl-C is its business alone, as git does: killing it
    mid-edit left the terminal in raw mode and the draft behind without a word."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to change
        return editor.wait()
    try:
        return editor.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


class EditorDraft:
    """A private temp file the user writes in. It is deleted only after the dream is
    safely stored, so a failed save never loses what was typed."""

    def __init__(self, initial: str = "", suffix: str = ".md", name: str = "draft"):
        import tempfile  # the editor path only

        fd, name = tempfile.mkstemp(prefix=f"dreamly-{name}-", suffix=suffix)  # mode 0600
        self.path = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(initial)

    def edit(self) -> str:
        command = editor_command()
        try:
            editor = subprocess.Popen([*command, str(self.path)])
        except OSError as exc:
            self.discard()
            raise DreamlyError(f"can't start the editor {command[0]!r}: {exc.strerror or exc}; "
                               "set $EDITOR, or pass the dream as an argument") from None
        code = _wait_leaving_ctrl_c_to(editor)
        if code != 0:
            if not self.path.read_bytes().strip():  # nothing was typed: nothing to keep
                self.discard()
                raise DreamlyError(f"the editor exited with status {code}; nothing was saved")
            raise DreamlyError(f"the editor exited with status {code}; your text is kept in {self.path}")
        return self.path.read_bytes().decode("utf-8", errors="replace")

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def read_text(text: str | None, *, force_editor: bool = False) -> tuple[str, EditorDraft | None]:
    """The text a person means to give: the argument, else $EDITOR when asked for or when
    stdin is a terminal, else piped stdin. A draft comes back too: discard it once the text
    is safely stored."""
    if text is not None:
        return text, None
    if force_editor or stdin_is_terminal():
        draft = EditorDraft()
        return draft.edit(), draft
    return read_stdin(), None
