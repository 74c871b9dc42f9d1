"""The dreamer's settings: `config.toml` in the config folder (`dreamly config` shows where).

    editor = "nano"              # when neither $VISUAL nor $EDITOR is set
    questions = false            # no questions after `dreamly add` (--questions still asks)
    tags = ["dream"]             # added to every new dream
    date_order = "day-month"     # 1/12 is 1 December ("month-day": 12 January)
    journal = "~/dreams.db"      # when neither --db nor $DREAMLY_DB is given

Environment variables and flags always win over the file. The file is read only when it
exists, once per process; a mistake in it is one clear error naming the file and the key.
"""

from __future__ import annotations

from pathlib import Path

from dreamly._struct import Frozen
from dreamly.errors import DreamlyError

FILE_NAME = "config.toml"
DATE_ORDERS = ("day-month", "month-day")
KEYS = {
    "editor": "the editor for dreams, when neither $VISUAL nor $EDITOR is set",
    "questions": "true or false: the questions after `dreamly add` in a terminal",
    "tags": "tags added to every new dream",
    "date_order": "day-month or month-day: how to read 1/12",
    "journal": "the journal file, when neither --db nor $DREAMLY_DB is given",
}


class Config(Frozen):
    _fields = ("path", "exists", "editor", "questions", "tags", "date_order", "journal", "set_keys")
    path: Path
    exists: bool
    editor: str | None
    questions: bool
    tags: tuple
    date_order: str | None
    journal: Path | None
    set_keys: tuple

    def __init__(self, path: Path, exists: bool = False, editor: str | None = None, questions: bool = True,
                 tags: tuple = (), date_order: str | None = None, journal: Path | None = None, set_keys: tuple = ()):
        self.__dict__.update(path=path, exists=exists, editor=editor, questions=questions, tags=tags,
                             date_order=date_order, journal=journal, set_keys=set_keys)

    def as_json(self) -> dict:
        return {"path": str(self.path), "exists": self.exists, "set": list(self.set_keys),
                "editor": self.editor, "questions": self.questions, "tags": list(self.tags),
                "date_order": self.date_order, "journal": str(self.journal) if self.journal else None}


def config_path() -> Path:
    from dreamly.paths import config_dir

    return config_dir() / FILE_NAME


_CACHE: dict = {}


def load(path: Path | None = None) -> Config:
    """The settings in the config file (defaults where it says nothing, or there is none)."""
    path = path or config_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise DreamlyError(f"can't read {path}: {exc.strerror or exc}") from None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        _CACHE[key] = _read(path)
    return _CACHE[key]


def _read(path: Path) -> Config:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DreamlyError(f"can't read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DreamlyError(f"{path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise DreamlyError(f"{path}: unknown setting {unknown[0]!r}; the settings are {', '.join(KEYS)}")

    def bad(key: str) -> DreamlyError:
        return DreamlyError(f"{path}: '{key}' must be {KEYS[key].split(':')[0] if key == 'questions' else _shape(key)}")

    values: dict = {}
    if "editor" in data:
        if not isinstance(data["editor"], str) or not data["editor"].strip():
            raise bad("editor")
        values["editor"] = data["editor"].strip()
    if "questions" in data:
        if not isinstance(data["questions"], bool):
            raise bad("questions")
        values["questions"] = data["questions"]
    if "tags" in data:
        tags = data["tags"]
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise bad("tags")
        values["tags"] = tuple(t for t in tags if t.strip())
    if "date_order" in data:
        order = data["date_order"]
        if order not in DATE_ORDERS:
            raise bad("date_order")
        values["date_order"] = order
    if "journal" in data:
        if not isinstance(data["journal"], str) or not data["journal"].strip():
            raise bad("journal")
        values["journal"] = Path(data["journal"]).expanduser()
    return Config(path=path, exists=True, set_keys=tuple(k for k in KEYS if k in data), **values)


def _shape(key: str) -> str:
    return {"editor": "a command, e.g. \"nano\"", "tags": "a list of tags, e.g. [\"dream\"]",
            "date_order": "\"day-month\" or \"month-day\"", "journal": "a file path"}[key]
