"""Loading the knowledge base (motifs.toml plus a personal file) and expanding its macros."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from dreamly._struct import Frozen
from dreamly.lazy_re import compile_later
from dreamly.errors import DreamlyError
from dreamly.analysis.lexicons import with_words

BUILTIN_FILE = Path(__file__).resolve().parent.parent / "motifs.toml"


class Motif(Frozen):
    _fields = ("id", "label", "group", "meaning", "questions", "suggestions")
    id: str
    label: str
    group: str
    meaning: str
    questions: tuple[str, ...]
    suggestions: tuple[str, ...]

    def __init__(self, id: str, label: str, group: str, meaning: str, questions: tuple[str, ...] = (),
                 suggestions: tuple[str, ...] = ()):
        self.__dict__.update(id=id, label=label, group=group, meaning=meaning, questions=questions,
                             suggestions=suggestions)


_MOTIF_KEYS = {"label", "group", "meaning", "questions", "suggestions", "keys", "phrases",
               "subject", "unless", "realis", "requires", "agents", "not_near", "not_near_window"}
_EMOTION_KEYS = {"label", "keys", "phrases", "subject", "unless", "realis", "words", "names", "evaluative", "not_near",
                 "not_near_window"}
_PHRASE_KEYS = {"re", "near", "not_near", "window", "subject", "realis"}
_SUBJECT_MODES = ("dreamer", "any", "scene")
# "triggers" is no longer read (its table left the knowledge base); a personal file that has
# one still loads
_TOP_KEYS = {"macros", "motifs", "emotions", "inference", "triggers", "lenses", "red_flag"}


class Knowledge:
    """The parsed knowledge base: descriptions for people, rule specs for the Matcher."""

    def __init__(self, data: dict):
        self.macros: dict[str, str] = dict(data.get("macros", {}))
        self.motif_specs: dict[str, dict] = dict(data.get("motifs", {}))
        self.emotion_specs: dict[str, dict] = with_words(dict(data.get("emotions", {})))
        self.inference: dict[str, dict] = dict(data.get("inference", {}))
        self.lenses: dict[str, dict] = dict(data.get("lenses", {}))
        self.red_flag: dict = dict(data.get("red_flag", {}))
        self.motifs: dict[str, Motif] = {
            mid: Motif(
                id=mid,
                label=spec.get("label", mid),
                group=spec.get("group", "personal"),
                meaning=spec.get("meaning", ""),
                questions=tuple(spec.get("questions", ())),
                suggestions=tuple(spec.get("suggestions", ())),
            )
            for mid, spec in self.motif_specs.items()
        }
        self.emotions: dict[str, str] = {eid: spec.get("label", eid) for eid, spec in self.emotion_specs.items()}


def _read_toml(path: Path) -> dict:
    # imported here: ~5 ms that `import dreamly.analysis` (for MATCHER_VERSION, Hit, ...) need not pay
    try:  # Python 3.11+
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise DreamlyError(f"cannot read motif file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:  # older tomllib: "... (at line 3, column 5)"
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else "?"
        reason = getattr(exc, "msg", None) or str(exc)
        raise DreamlyError(f"{path}, line {line}: not valid TOML ({reason})") from None


def _validate(data: dict, path: Path) -> None:
    """Reject unknown keys and bad regexes with a message naming the file and entry."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise DreamlyError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    macros = {**_builtin_macros(), **data.get("macros", {})}
    for section, allowed in (("motifs", _MOTIF_KEYS), ("emotions", _EMOTION_KEYS)):
        for name, spec in data.get(section, {}).items():
            where = f"{path}: [{section}.{name}]"
            if not isinstance(spec, dict):
                raise DreamlyError(f"{where} must be a table")
            bad = set(spec) - allowed
            if bad:
                raise DreamlyError(f"{where}: unknown key(s) {', '.join(sorted(bad))}")
            if spec.get("subject", "dreamer") not in _SUBJECT_MODES:
                raise DreamlyError(f"{where}: subject must be one of {', '.join(_SUBJECT_MODES)}")
            for key in ("phrases", "unless", "agents", "keys", "questions", "suggestions"):
                if key in spec and not isinstance(spec[key], list):
                    raise DreamlyError(f"{where}: `{key}` must be a list")
            for item in spec.get("phrases", []) + spec.get("unless", []) + spec.get("agents", []):
                pats = [item] if isinstance(item, str) else None
                if isinstance(item, dict):
                    bad = set(item) - _PHRASE_KEYS
                    if bad or "re" not in item:
                        raise DreamlyError(f"{where}: phrase tables need `re` and may have "
                                           f"near/window/subject/realis (got {', '.join(sorted(item))})")
                    pats = [item["re"]] + [item[k] for k in ("near", "not_near") if k in item]
                    if item.get("subject", "dreamer") not in _SUBJECT_MODES:
                        raise DreamlyError(f"{where}: subject must be one of {', '.join(_SUBJECT_MODES)}")
                if pats is None:
                    raise DreamlyError(f"{where}: phrase {item!r} must be a string or a table")
                for pat in pats:
                    try:
                        re.compile(_expand(pat, macros), re.I)
                    except re.error as exc:
                        raise DreamlyError(f"{where}: phrase {pat!r} is not a valid regular expression ({exc})") from None


@lru_cache(maxsize=1)
def _builtin_data() -> dict:
    return _read_toml(BUILTIN_FILE)


def _builtin_macros() -> dict:
    return dict(_builtin_data().get("macros", {}))


def file_state(user_file: Path | str | None) -> tuple | None:
    """What identifies a personal file's current contents: its resolved path, mtime and size
    (None for the built-in knowledge base alone). Raises OSError when it cannot be read."""
    if user_file is None:
        return None
    p = Path(user_file).resolve()
    st = p.stat()
    return (str(p), st.st_mtime_ns, st.st_size)


_LOADED: dict[tuple | None, Knowledge] = {}


def load_knowledge(user_file: Path | str | None = None) -> Knowledge:
    """The built-in knowledge base, plus a personal file that adds or overrides entries.

    Loaded once per process per state of the personal file: every caller gets the same
    Knowledge until the file changes (treat it as read-only)."""
    try:
        key = file_state(user_file)
    except OSError:
        return _build_knowledge(user_file)  # raises the one-line error for a missing file
    known = _LOADED.get(key)
    if known is None:
        if len(_LOADED) > 8:  # a long-running process editing its file: keep the newest few
            _LOADED.clear()
        known = _LOADED[key] = _build_knowledge(user_file)
    return known


def _build_knowledge(user_file: Path | str | None = None) -> Knowledge:
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in _builtin_data().items()}
    if user_file is not None:
        user_file = Path(user_file)
        extra = _read_toml(user_file)
        _validate(extra, user_file)
        for section, value in extra.items():
            if isinstance(value, dict) and section != "red_flag":
                merged = dict(data.get(section, {}))
                merged.update(value)
                data[section] = merged
            else:
                data[section] = value
    return Knowledge(data)


_MACRO = compile_later(r"\{([A-Z][A-Z0-9_]*)\}")


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(3):  # macros may use macros
        pattern = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
    # a literal space in a rule means "any run of whitespace"
    return pattern.replace(" ", r"\s+")
