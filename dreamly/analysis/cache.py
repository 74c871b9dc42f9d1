"""The built matcher (parsed knowledge base and rule index) kept between processes.

Parsing motifs.toml and indexing its rules is most of what `dreamly add` spends on the
matcher (~50 ms of a ~200 ms process; matching a dream is under 5 ms). The Matcher as
`Matcher(knowledge)` leaves it (no regex compiled yet) is pickled into the user's cache
folder and loaded from there by the next process.

The file starts with one line naming what it was built from: dreamly's version,
MATCHER_VERSION, the Python version, the mtime and size of the bundled motifs.toml, of the
personal file (and its path) and of the matcher's own modules. A cache whose line differs is
stale and is rebuilt; so is one that can't be read or unpickled.

Unpickling runs code, so a cache is trusted only when nobody else could have written it:
the folder (DREAMLY_CACHE_DIR, else platformdirs' user cache folder) must be the user's own
and not writable by anyone else (it is made 0700), and the file a regular file of the user's,
readable and writable by the user alone (0600), opened without following a symlink. A cache
is written to a temporary file in the folder and renamed into place, so a reader never sees
half of one. Any failure here only means building the matcher as if there were no cache.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

FILE_NAME = "matcher.pickle"


def cache_dir() -> Path:
    """$DREAMLY_CACHE_DIR, else the platform's user cache folder."""
    env = os.environ.get("DREAMLY_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from dreamly.paths import user_dir

    return user_dir("cache")


def key(user_file: Path | str | None) -> bytes:
    """What the cache was built from, as its first line."""
    import dreamly
    from dreamly.analysis.knowledge import BUILTIN_FILE
    from dreamly.analysis.results import MATCHER_VERSION

    parts = [f"dreamly {dreamly.__version__}", f"matcher {MATCHER_VERSION}", f"python {sys.version.split()[0]}"]
    files = [BUILTIN_FILE]
    files += sorted(Path(__file__).parent.glob("*.py"))
    for path in files:
        st = os.stat(path)
        parts.append(f"{path.name} {st.st_mtime_ns} {st.st_size}")
    if user_file is not None:
        path = Path(user_file).resolve()
        st = os.stat(path)
        parts.append(f"personal {path} {st.st_mtime_ns} {st.st_size}")
    return repr(parts).encode("utf-8", "backslashreplace").replace(b"\n", b" ")


def _private_dir(folder: Path) -> bool:
    """The folder is a real directory of this user that nobody else can write to."""
    st = os.lstat(folder)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def load(user_file: Path | str | None):
    """The cached Matcher for this knowledge, or None (missing, stale, unreadable, not
    trustworthy)."""
    if not hasattr(os, "getuid"):  # no owners to check (Windows): never trust a file
        return None
    try:
        wanted = key(user_file)
        folder = cache_dir()
        if not _private_dir(folder):
            return None
        fd = os.open(folder / FILE_NAME, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            if fh.readline().rstrip(b"\n") != wanted:
                return None
            data = fh.read()
        try:
            import _pickle as pickle  # the C module alone: pickle.py would cost more than the load
        except ImportError:  # pragma: no cover - other Pythons
            import pickle
        import gc

        gc.disable()  # a few thousand objects, none cyclic garbage: the collector would only slow it
        try:
            matcher, groups = pickle.loads(data)
        finally:
            gc.enable()
        _restore(matcher, groups)
        return matcher
    except Exception:  # a damaged cache is only a cache: build instead
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def _restore(matcher, groups: dict) -> None:
    """What Matcher.__init__ leaves outside the object: literals' table of macro groups
    (saved with the matcher; working it out again would cost a third of the load)."""
    from dreamly.analysis import literals
    from dreamly.analysis.rules import Matcher

    if not isinstance(matcher, Matcher) or not isinstance(groups, dict):
        raise TypeError("not a cached Matcher")
    for head, entry in groups.items():
        literals._KNOWN_GROUPS.setdefault(head, entry)


def save(user_file: Path | str | None, matcher) -> None:
    """Write the freshly built `matcher` (before it has analysed anything) for the next
    process. Quietly does nothing when the folder can't be made private."""
    if not hasattr(os, "getuid"):
        return
    tmp = None
    try:
        import copyreg
        import io
        import pickle
        from dataclasses import fields

        from dreamly.analysis.rules import _Rule

        names = tuple(f.name for f in fields(_Rule))
        header = key(user_file)
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        # a rule as its constructor's arguments: one call to load, not a slot-by-slot setstate
        pickler.dispatch_table = {**copyreg.dispatch_table,
                                  _Rule: lambda rule: (_Rule, tuple(getattr(rule, n) for n in names))}
        from dreamly.analysis import literals

        pickler.dump((matcher, dict(literals._KNOWN_GROUPS)))
        payload = buffer.getvalue()
        folder = cache_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(folder):
            return
        tmp = folder / f".{FILE_NAME}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(header + b"\n")
            fh.write(payload)
        os.replace(tmp, folder / FILE_NAME)
        tmp = None
    except Exception:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def adopt(user_file: Path | str | None):
    """The cached Matcher, its knowledge registered as the process's load_knowledge(user_file)
    (so every caller shares it), or None."""
    from dreamly.analysis import knowledge as loading

    try:
        state = loading.file_state(user_file)
    except OSError:
        return None
    if state in loading._LOADED:
        return None  # this process already has it
    matcher = load(user_file)
    if matcher is not None:
        loading._LOADED[state] = matcher.knowledge
    return matcher
