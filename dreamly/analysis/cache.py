"""The built matcher (parsed knowledge base and rule index) kept between processes.

Parsing motifs.toml and indexing its rules is most of what `dreamly add` spends on the
matcher (~50 ms of a ~200 ms process; matching a dream is under 5 ms). The Matcher as
`Matcher(knowledge)` leaves it (no regex compiled yet: patterns are kept as their sources
and compiled lazily, the first time a rule runs) is written into the user's cache folder as
plain data with `marshal` (the standard library's serialiser of built-in types: no pickle
module to import, no code run on load; with what is left out below, a load costs about two
thirds of the pickle's): the knowledge base's tables, each rule as a tuple of its fields,
the rule index as rule numbers, only the literals still read after building (the agent
patterns'), the Matcher's other attributes as they are; the rule specs stay bytes until
something reads them; and the compiled program (lazy_re.program) of every pattern the
matcher may compile and of the module-level patterns made so far, so that a process that
loads the cache compiles no regex (compiling the few dozen a dream wakes was a fifth of a
cold `add`; building them all once costs about as much as compiling them all). The
programs are one block before the payload (its length in 8 bytes, then the block; the
payload holds each program's place in it), so a load keeps them as views of the bytes it
read instead of copying two megabytes. Loading puts the objects back together. An
attribute that is not plain data makes the save fail quietly (then every process builds; a
test checks it is).

The file starts with one line naming what it was built from: dreamly's version,
MATCHER_VERSION, the Python version (marshal's format is the interpreter's), the mtime and
size of the bundled motifs.toml, of the personal file (and its path) and of the matcher's
own modules. A cache whose line differs is stale and is rebuilt; so is one that can't be
read or decoded, or does not hold a matcher.

A cache is trusted only when nobody else could have written it: the folder
(DREAMLY_CACHE_DIR, else platformdirs' user cache folder) must be the user's own and not
writable by anyone else (it is made 0700), and the file a regular file of the user's,
readable and writable by the user alone (0600), opened without following a symlink. A cache
is written to a temporary file in the folder and renamed into place, so a reader never sees
half of one. Any failure here only means building the matcher as if there were no cache.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from dreamly.analysis.knowledge import Knowledge

FILE_NAME = "matcher.cache"
FORMAT = "dreamly-matcher-3"  # the payload's layout (see _encode)


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
    here = os.path.dirname(os.path.abspath(__file__))
    files = [str(BUILTIN_FILE)] + sorted(os.path.join(here, n) for n in os.listdir(here) if n.endswith(".py"))
    for path in files:  # (not Path.glob: its pattern compiling costs more than these stats)
        st = os.stat(path)
        parts.append(f"{os.path.basename(path)} {st.st_mtime_ns} {st.st_size}")
    if user_file is not None:
        path = Path(user_file).resolve()
        st = os.stat(path)
        parts.append(f"personal {path} {st.st_mtime_ns} {st.st_size}")
    return repr(parts).encode("utf-8", "backslashreplace").replace(b"\n", b" ")


def _private_dir(folder: Path) -> bool:
    """The folder is a real directory of this user that nobody else can write to."""
    st = os.lstat(folder)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def read_trusted(path: Path, header: bytes) -> memoryview | None:
    """What follows the first line of a cache file only this user could have written (a
    regular file, theirs, private, in a private folder, not through a link), when that line
    is `header`; else None. The one trust check for every cache dreamly reads. (A view of
    the bytes read, not a copy: each copy of the matcher cache's two megabytes is a
    millisecond of page faults in a fresh process.)"""
    if not hasattr(os, "getuid"):  # no owners to check (Windows): never trust a file
        return None
    try:
        if not _private_dir(path.parent):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None
        # the whole file in one read (a buffered reader's read after its readline took twenty
        # times as long for the matcher's two megabytes), then whatever it grew by
        data = os.read(fd, st.st_size + 1)
        more = os.read(fd, 1 << 20)
        while more:
            data += more
            more = os.read(fd, 1 << 20)
        end = data.find(b"\n")
        if end < 0:
            end = len(data)
        if data[:end] != header:
            return None
        return memoryview(data)[end + 1:]
    except OSError:
        return None
    finally:
        os.close(fd)


def load(user_file: Path | str | None):
    """The cached Matcher for this knowledge, or None (missing, stale, unreadable, not
    trustworthy)."""
    try:
        data = read_trusted(cache_dir() / FILE_NAME, key(user_file))
    except OSError:
        return None
    if data is None:
        return None
    import gc
    import marshal

    gc.disable()  # a few thousand objects, none cyclic garbage: the collector would only slow it
    try:
        size = int.from_bytes(data[:8], "little")  # the programs, then the matcher (see save)
        return _decode(marshal.loads(data[8 + size:]), data[8:8 + size])
    except Exception:  # a damaged cache is only a cache: build instead
        return None
    finally:
        gc.enable()


# Knowledge attributes that only building a Matcher reads (and feeling names, later): what
# makes up half of the knowledge base's bytes
LATER = ("motif_specs", "emotion_specs", "lenses")


class _Knowledge(Knowledge):
    """A Knowledge from the cache: the LATER attributes are decoded the first time one is read."""

    def __getattr__(self, name):  # only called for an attribute not (yet) set
        later = self.__dict__.pop("_later", None)
        if later is None:
            raise AttributeError(name)
        import marshal

        self.__dict__.update(marshal.loads(later))
        return getattr(self, name)


def _encode(matcher) -> tuple:
    """The freshly built matcher as plain data (tuples, dicts, lists, sets, strings,
    numbers): what marshal can write."""
    import marshal

    from dreamly.analysis.knowledge import Motif
    from dreamly.analysis.rules import _Rule

    state = dict(vars(matcher))
    knowledge = dict(vars(state.pop("knowledge")))
    # the rule specs were read while the index was built: kept as bytes, decoded if asked for
    knowledge["_later"] = marshal.dumps({name: knowledge.pop(name) for name in LATER if name in knowledge})
    motif_fields = Motif._fields
    motifs = {mid: tuple(getattr(m, n) for n in motif_fields) for mid, m in knowledge.pop("motifs").items()}
    rule_fields = _Rule._fields
    numbers: dict[int, int] = {}
    rules = []
    for rule in [r for rs in state["rules"].values() for r in rs] + state["_unindexed"]:
        if id(rule) not in numbers:
            numbers[id(rule)] = len(rules)
            rules.append(tuple(getattr(rule, n) for n in rule_fields))
    for name in ("rules", "_by_literal"):
        state[name] = {key: [numbers[id(r)] for r in rs] for key, rs in state[name].items()}
    state["_unindexed"] = [numbers[id(r)] for r in state["_unindexed"]]
    # Every pattern's literals are read while the index is built; afterwards only the agent
    # patterns' (Matcher.agents), so only those are kept: a third less to load.
    agent_sources = {src for sources in state["_agent_specs"].values() for src in sources}
    state["_literals"] = {src: lits for src, lits in state["_literals"].items() if src in agent_sources}
    ours, module = _programs(matcher)
    # the programs go into one block beside the payload, as (start, end) in it: a load reads
    # them as views of the file's bytes, and a process rebuilds only the few a dream wakes
    blob = bytearray()

    def place(packed: bytes) -> tuple[int, int]:
        blob.extend(packed)
        return len(blob) - len(packed), len(blob)

    state["_programs"] = {source: place(packed) for source, packed in ours.items()}
    module_programs = (module[0], module[1], {key: place(packed) for key, packed in module[2].items()}) if module else ()
    return (FORMAT, motif_fields, rule_fields, knowledge, motifs, rules, state, module_programs), bytes(blob)


def _programs(matcher) -> tuple[dict, tuple]:
    """The compiled programs (lazy_re.program) of every pattern the matcher may compile, and
    (this interpreter's regex engine, those of the module-level patterns made so far): so a
    later process compiles no regex. Nothing when this interpreter's internals are not the
    ones lazy_re knows."""
    import _sre

    from dreamly import lazy_re

    if not lazy_re.check_programs():
        return {}, ()
    try:
        ours = matcher.programs()
        module = {}
        for source, flags in set(lazy_re._MADE):
            if isinstance(source, str):
                module[(source, int(flags))] = lazy_re.program(source, flags)
    except Exception:  # noqa: BLE001 - then patterns compile as they did before
        return {}, ()
    return ours, (_sre.MAGIC, _sre.CODESIZE, module)


def _decode(payload, blob) -> object:
    """The Matcher back from `_encode`'s data and block of programs; raises on anything else."""
    from dreamly.analysis.knowledge import Motif
    from dreamly.analysis.rules import Matcher, _Rule

    tag, motif_fields, rule_fields, knowledge_state, motifs, rule_rows, state, module_programs = payload
    if (tag != FORMAT or motif_fields != Motif._fields or rule_fields != _Rule._fields or not isinstance(state.get("_programs"), dict)):
        raise TypeError("not a cached Matcher")
    if module_programs:
        import _sre

        from dreamly import lazy_re

        magic, codesize, programs = module_programs
        if (magic, codesize) == (_sre.MAGIC, _sre.CODESIZE):
            lazy_re._PROGRAMS.update({key: blob[start:end] for key, (start, end) in programs.items()})
        else:
            state["_programs"] = {}
    state["_programs"] = {source: blob[start:end] for source, (start, end) in state["_programs"].items()}
    knowledge = _Knowledge.__new__(_Knowledge)
    knowledge.__dict__.update(knowledge_state)
    knowledge.motifs = {mid: Motif(*row) for mid, row in motifs.items()}
    rules = [_Rule(*row) for row in rule_rows]
    state["rules"] = {label: [rules[n] for n in ns] for label, ns in state["rules"].items()}
    state["_by_literal"] = {lit: [rules[n] for n in ns] for lit, ns in state["_by_literal"].items()}
    state["_unindexed"] = [rules[n] for n in state["_unindexed"]]
    matcher = Matcher.__new__(Matcher)
    matcher.__dict__.update(state)
    matcher.knowledge = knowledge
    matcher._macros = knowledge.macros
    # (literals._KNOWN_GROUPS, which Matcher.__init__ fills, only speeds up building the
    # next Matcher, which fills it again: a loaded matcher needs none of it)
    return matcher


def save(user_file: Path | str | None, matcher) -> None:
    """Write the freshly built `matcher` (before it has analysed anything) for the next
    process. Quietly does nothing when the folder can't be made private."""
    if not hasattr(os, "getuid"):
        return
    try:
        import marshal

        header = key(user_file)
        payload, blob = _encode(matcher)
        write_private(cache_dir() / FILE_NAME, header + b"\n", len(blob).to_bytes(8, "little"), blob,
                      marshal.dumps(payload))
    except Exception:  # noqa: BLE001 - only a cache: the next process builds again
        pass


def write_private(path: Path, *chunks: bytes) -> bool:
    """Write `chunks` as the file `path`, for this user alone: in a folder made private (else
    nothing is written and False comes back), through a new temporary file (0600, never a
    link) renamed over `path`, so a reader sees the old file or the whole new one. Raises on
    failure, leaving no temporary file behind. The one writer of dreamly's caches."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private_dir(path.parent):
        return False
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


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
