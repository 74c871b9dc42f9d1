"""Reading what the user gives us: dream text from an argument, stdin or $EDITOR, and
the small option languages (`-e fear:4`)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from dreamly.errors import DreamlyError
from dreamly.lazy_re import compile_later

_EMOTION_SPEC = compile_later(r"\s*([^\W\d][\w -]{0,39}?)\s*(?::\s*(\S+))?\s*")


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
        from dreamly.config import load

        editor = load().editor
    if not editor:
        editor = "notepad" if os.name == "nt" else "vi"
    try:
        import shlex  # the editor path only: `add "…"` never needs it

        return shlex.split(editor)
    except ValueError:
        raise DreamlyError(f"can't read the editor command {editor!r} from $VISUAL/$EDITOR") from None


def _wait_leaving_ctrl_c_to(editor) -> int:
    """Wait for the editor while Ctrl-C is its business alone, as git does: killing it
    mid-edit left the terminal in raw mode and the draft behind without a word."""
    import signal  # only with an editor open

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
        self.initial = initial.encode("utf-8")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(initial)

    def edit(self) -> str:
        command = editor_command()
        try:
            import subprocess  # only for the editor: `add "…"` never starts one

            editor = subprocess.Popen([*command, str(self.path)])
        except OSError as exc:
            self.discard()
            raise DreamlyError(f"can't start the editor {command[0]!r}: {exc.strerror or exc}; "
                               "set $EDITOR, or pass the dream as an argument") from None
        code = _wait_leaving_ctrl_c_to(editor)
        if code != 0:
            written = self.path.read_bytes()
            if not written.strip() or written == self.initial:  # nothing was typed (or changed): nothing to keep
                self.discard()
                raise DreamlyError(f"the editor exited with status {code}; nothing was saved")
            raise DreamlyError(f"the editor exited with status {code}; your text is kept in {self.path}")
        return self.path.read_bytes().decode("utf-8", errors="replace")

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def read_text(text: str | None, *, force_editor: bool = False, template: bool = False) -> tuple[str, EditorDraft | None]:
    """The text a person means to give: the argument, else $EDITOR when asked for or when
    stdin is a terminal, else piped stdin. A draft comes back too: discard it once the text
    is safely stored. With `template`, the editor opens on TEMPLATE and what comes back is
    the text without its comment lines (read the feelings and tags lines with `split_template`)."""
    if text is not None:
        return text, None
    if force_editor or stdin_is_terminal():
        draft = EditorDraft(TEMPLATE if template else "")
        written = draft.edit()
        return (written if not template else strip_comments(written)), draft
    return read_stdin(), None


TEMPLATE = """\

# Write last night's dream above. Lines starting with # are not saved; save the
# template as it is (or empty) and nothing is saved.
#
#   Who or what was after you?  How did you feel?  What does it remind you of?
#
# Feelings and tags, if you like (feelings: fear:4, shame   tags: work, exam):
feelings:
tags:
"""

_TEMPLATE_LINE = compile_later(r"(?im)^(feelings|tags):[ \t]*(.*)$")


def strip_comments(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#"))


def split_template(text: str) -> tuple[str, list[str], list[str]]:
    """The dream, and the feelings and tags written on their template lines."""
    feelings: list[str] = []
    tags: list[str] = []

    def take(m: re.Match) -> str:
        items = [item.strip() for item in m.group(2).split(",") if item.strip()]
        (feelings if m.group(1).lower() == "feelings" else tags).extend(items)
        return ""

    body = _TEMPLATE_LINE.sub(take, text)
    return body, feelings, tags


def stdin_is_redirected() -> bool:
    """stdin is a real file that is not a terminal: a pipe (`… | dreamly edit 3`), a file
    (`< new.txt`), /dev/null (a script, cron). Not a test's in-memory stream."""
    try:
        return not os.isatty(sys.stdin.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def refuse_argument_and_pipe() -> None:
    """A dream given as an argument while more comes down a pipe: say so rather than drop the
    pipe. Only a pipe with data waiting, or a redirected file not yet read, counts."""
    try:
        fd = sys.stdin.fileno()
        import stat

        mode = os.fstat(fd).st_mode
        if stat.S_ISFIFO(mode):
            waiting = _bytes_waiting(fd)
        elif stat.S_ISREG(mode):
            waiting = os.lseek(fd, 0, os.SEEK_CUR) < os.fstat(fd).st_size
        else:
            return
    except (AttributeError, ValueError, OSError):
        return
    if waiting:
        raise DreamlyError("the dream came both as an argument and on stdin; give one or the other (nothing was saved)")


def _bytes_waiting(fd: int) -> bool:
    """A pipe with bytes in it now (a writer that wrote nothing and closed leaves none)."""
    try:
        import array
        import fcntl
        from termios import FIONREAD
    except ImportError:  # not a POSIX system: don't guess
        return False
    buf = array.array("i", [0])
    fcntl.ioctl(fd, FIONREAD, buf, True)
    return buf[0] > 0
