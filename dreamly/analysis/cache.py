"""The built matcher (parsed knowledge base and rule index) kept between processes.

Parsing motifs.toml and indexing its rules is most of what `dreamly add` spends on the
matcher (~120 ms of CPU; matching a dream is under 5 ms). The Matcher as `Matcher(knowledge)`
leaves it (no regex compiled yet: patterns are kept as their sources and compiled lazily,
the first time a rule runs) is written into the user's cache folder as plain data with
`marshal` (the standard library's serialiser of built-in types: no pickle module to import,
no code run on load), together with the compiled program (lazy_re.program) of every
pattern the matcher may compile and of the module-level patterns made so far, so that a
process that loads the cache compiles no regex (compiling the few dozen a dream wakes was a
fifth of a cold `add`).

A load reads only what every dream needs (the payload: about a sixth of the file); the
rest stays in the file until something asks for it. The file, after its first line:

* the payload's length (8 bytes) and the payload: the knowledge base's small tables, the
  word index (key -> the number of its set of labels, literal -> rule orders: small numbers,
  not an object each), each rule's label and where its other fields are, where the programs
  of the patterns no rule owns (agents, the flight inference) are, and the Matcher's other
  attributes as they are;
* then, each placed by (start, end): each rule's fields as a tuple with the places of its
  patterns' programs (decoded the first time a dream wakes the rule: `_LazyRule`), each
  program (`_Programs`: read when a pattern is first compiled), the rule specs (read
  when something builds from them or asks for feeling names) and the tables few dreams
  need (LATER_STATE). `_Stored` reads them with one pread each from the file it keeps open
  (a new cache replaces the file by a rename: the open one never changes).

A load costs about a third of reading and decoding the whole file did (issue 19, fourth
pass in docs/performance.md). An attribute that is not plain data makes the save fail
quietly (then every process builds; a test checks it is).

The file starts with one line naming what it was built from: dreamly's version,
MATCHER_VERSION, the Python version (marshal's format is the interpreter's), the mtime and
size of the bundled motifs.toml, of the personal file (and its path) and of the matcher's
own modules. A cache whose line differs is stale and is rebuilt; so is one that can't be
read or decoded, does not hold a matcher, or is not the size its payload says (cut short
or grown). What is decoded later and does not decode (a file damaged in place) is taken
from a matcher built from the knowledge (the rule specs from motifs.toml), so a dream reads
as a built matcher reads it, and the file is removed for the next process to rebuild; a
program that does not verify is compiled with re instead.

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
from dreamly.analysis.rules import Matcher, _Rule

FILE_NAME = "matcher.cache"
FORMAT = "dreamly-matcher-4"  # the payload's layout (see _encode)


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


def _open_trusted(path: Path) -> int | None:
    """A read-only descriptor of `path` when only this user could have written it (a regular
    file, theirs, private, in a private folder, not through a link), else None: the one
    trust check for every cache dreamly reads."""
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
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def read_trusted(path: Path, header: bytes) -> memoryview | None:
    """What follows the first line of a cache file only this user could have written
    (`_open_trusted`), when that line is `header`; else None. (A view of the bytes read, not
    a copy.)"""
    fd = _open_trusted(path)
    if fd is None:
        return None
    try:
        # the whole file in one read (a buffered reader's read after its readline took twenty
        # times as long), then whatever it grew by
        data = os.read(fd, os.fstat(fd).st_size + 1)
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
    """The cached Matcher for this knowledge, or None (missing, stale, unreadable, truncated,
    not trustworthy). Reads the first line and the payload; each rule's fields and each
    compiled program stay in the file until something needs them (`_Stored`)."""
    try:
        header = key(user_file) + b"\n"
        path = cache_dir() / FILE_NAME
    except OSError:
        return None
    fd = _open_trusted(path)
    if fd is None:
        return None
    import gc
    import marshal

    gc.disable()  # a few thousand objects, none cyclic garbage: the collector would only slow it
    try:
        head = os.pread(fd, len(header) + 8, 0)
        if head[:-8] != header or len(head) != len(header) + 8:
            return None
        size = int.from_bytes(head[-8:], "little")
        payload = os.pread(fd, size, len(head))
        if len(payload) != size:
            return None
        stored = _Stored(fd, len(head) + size, path, user_file)
        fd = None  # the matcher's from here: closed when it goes
        return _decode(marshal.loads(payload), stored)
    except Exception:  # a damaged cache is only a cache: build instead
        return None
    finally:
        gc.enable()
        if fd is not None:
            os.close(fd)


class _Stored:
    """The part of a matcher cache file read only when needed (each rule's fields, each
    compiled program, the rule specs and a few tables), each at a (start, end) after the
    payload and read with one pread. The file stays open while the matcher lives: a new
    cache replaces the file by a rename, so the bytes of this one never change under it.
    What does not decode (a file damaged in place) is taken from a matcher built from the
    knowledge instead, and the file is removed, so that the next process builds a good one.
    Never pickled (a matcher's __getstate__ reads what it still needs from it)."""

    __slots__ = ("fd", "base", "path", "user_file", "knowledge", "_built")

    def __init__(self, fd: int, base: int, path: Path, user_file):
        self.fd, self.base, self.path, self.user_file = fd, base, path, user_file
        self.knowledge = None
        self._built = None

    def read(self, start: int, end: int) -> bytes:
        data = os.pread(self.fd, end - start, self.base + start)
        if len(data) != end - start:
            raise OSError("matcher cache: short read")
        return data

    def decode(self, start: int, end: int):
        import marshal

        return marshal.loads(self.read(start, end))

    def built(self):
        """A Matcher built from the knowledge, for what this file could not give."""
        if self._built is None:
            self._built = Matcher(self.knowledge)
            self.forget()
        return self._built

    def forget(self) -> None:
        """Remove the damaged file, unless it was replaced already: the next process builds."""
        try:
            here, there = os.fstat(self.fd), os.stat(self.path, follow_symlinks=False)
            if (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino):
                os.unlink(self.path)
        except OSError:
            pass

    def __reduce__(self):
        raise TypeError("a matcher cache file is not pickled")

    def __del__(self):
        try:
            os.close(self.fd)
        except Exception:  # noqa: BLE001 - at interpreter exit, os may be gone
            pass


class _Programs:
    """Source -> compiled program (lazy_re.program), each read from the cache file when asked
    for: a dream wakes a few dozen of the seven hundred (three megabytes). A rule's own
    programs are added to it when the rule's fields are decoded (_LazyRule)."""

    __slots__ = ("_stored", "_places")

    def __init__(self, stored: _Stored, places: dict):
        self._stored, self._places = stored, places

    def get(self, key, default=None):
        place = self._places.get(key)
        if place is None:
            return default
        try:
            return self._stored.read(*place)
        except OSError:
            return default

    def __contains__(self, key) -> bool:
        return key in self._places

    def __iter__(self):
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def keys(self):
        return self._places.keys()

    def items(self):
        for key in list(self._places):
            packed = self.get(key)
            if packed is not None:
                yield key, packed


class _LazyRule(_Rule):
    """A rule from the cache: its label and order at once (what `analyze` reads of each rule
    a dream's words wake), its other fields decoded from the file the first time one is read,
    its programs and lexicon words then added to the matcher's. Pickles as the plain _Rule it is."""

    __slots__ = ("_place",)

    def __init__(self, place: tuple, label: str, order: int):
        self.label = label
        self.order = order
        self._place = place  # (the _Stored, the matcher's _Programs or None, its _lexicons, start, end)

    def __getattr__(self, name):  # only called for a field not (yet) set
        if name == "_place" or name.startswith("__"):
            raise AttributeError(name)
        place = self._place
        if place is None:
            raise AttributeError(name)
        stored, programs, lexicons, start, end = place
        fields = _Rule._fields
        try:
            row, places, words = stored.decode(start, end)
            if not (type(row) is tuple and len(row) == len(fields) and row[1] == self.label and row[7] == self.order):
                raise ValueError("not this rule")
            if programs is not None:
                programs._places.update(places)
        except Exception:  # noqa: BLE001 - a file damaged in place: this rule as built
            built = stored.built()
            rule = built._ordered[self.order]
            row = tuple(getattr(rule, n) for n in fields)
            sources = {rule.source, *rule.unless_sources, rule.near_source, rule.not_near_source}
            words = {s: built._lexicons[s] for s in sources if s in built._lexicons}
        lexicons.update(words)
        for field, value in zip(fields, row):
            setattr(self, field, value)
        self._place = None
        return getattr(self, name)

    def __reduce__(self):
        return _Rule, tuple(getattr(self, n) for n in _Rule._fields)


class _LazyMatcher(Matcher):
    """A Matcher from the cache: the tables in LATER_STATE are decoded the first time one is read."""

    def __getattr__(self, name):  # only called for an attribute not (yet) set
        later = self.__dict__.get("_later_state")
        if not later or name not in later:
            raise AttributeError(name)
        stored, start, end = later.pop(name)
        try:
            value = stored.decode(start, end)
        except Exception:  # noqa: BLE001 - a file damaged in place: as built
            value = getattr(stored.built(), name)
        setattr(self, name, value)
        return value

    def __getstate__(self):
        for name in list(self.__dict__.get("_later_state", ())):
            getattr(self, name)
        for rule in self._ordered:
            rule.kind  # (decoded: their programs are the matcher's now)
        state = super().__getstate__()
        state.pop("_later_state", None)
        return state


# Knowledge attributes that only building a Matcher reads (and feeling names, later): what
# makes up half of the knowledge base's bytes
LATER = ("motif_specs", "emotion_specs", "lenses")
# Matcher attributes that only some dreams need: the agent patterns' literals (a chase), who
# can feel (a feeling without a subject of its own)
LATER_STATE = ("_literals", "_feelers")


class _Knowledge(Knowledge):
    """A Knowledge from the cache: the LATER attributes are read and decoded the first time
    one is read (from the file; bytes in an older pickle of a matcher)."""

    def __getattr__(self, name):  # only called for an attribute not (yet) set
        later = self.__dict__.pop("_later", None)
        if later is None:
            raise AttributeError(name)
        import marshal

        try:
            specs = marshal.loads(later) if isinstance(later, bytes) else later[0].decode(*later[1:])
        except Exception:  # noqa: BLE001 - a file damaged in place: parse the knowledge base
            from dreamly.analysis.knowledge import _build_knowledge

            later[0].forget()
            made = _build_knowledge(later[0].user_file)
            specs = {n: getattr(made, n) for n in LATER if hasattr(made, n)}
        self.__dict__.update(specs)
        return getattr(self, name)

    def __getstate__(self):
        if "_later" in self.__dict__:
            getattr(self, LATER[0])
        return self.__dict__


def _encode(matcher) -> tuple:
    """The freshly built matcher as plain data (tuples, dicts, lists, sets, strings,
    numbers: what marshal can write), and the bytes read later (`_Stored`), each placed in
    them by (start, end): each rule's fields with the places of its programs (and its words,
    for a lexicon), the programs, the rule specs and the LATER_STATE tables."""
    import marshal

    from dreamly.analysis.knowledge import Motif

    state = dict(vars(matcher))
    knowledge = dict(vars(state.pop("knowledge")))
    motif_fields = Motif._fields
    motifs = {mid: tuple(getattr(m, n) for n in motif_fields) for mid, m in knowledge.pop("motifs").items()}
    rule_fields = _Rule._fields
    later = bytearray()

    def place(packed: bytes) -> tuple[int, int]:
        later.extend(packed)
        return len(later) - len(packed), len(later)

    # the rule specs were read while the index was built: left in the file until asked for
    knowledge["_later"] = place(marshal.dumps({name: knowledge.pop(name) for name in LATER if name in knowledge}))
    # Every pattern's literals are read while the index is built; afterwards only the agent
    # patterns' (Matcher.agents), so only those are kept.
    agent_sources = {src for sources in state["_agent_specs"].values() for src in sources}
    state["_literals"] = {src: lits for src, lits in state["_literals"].items() if src in agent_sources}
    state["_later_state"] = {name: place(marshal.dumps(state.pop(name))) for name in LATER_STATE}
    ours, module = _programs(matcher)
    placed = {source: place(packed) for source, packed in ours.items()}
    rules = state.pop("_ordered")
    assert all(rule.order == n for n, rule in enumerate(rules))
    heads = []  # per rule (by order): its label, where its fields are
    of_rules: set[str] = set()
    lexicons = state["_lexicons"]
    for rule in rules:
        # a rule's fields, where the programs of its patterns are (a pattern several rules
        # share is with each), and the words of its lexicon
        sources = {rule.source, *rule.unless_sources, rule.near_source, rule.not_near_source}
        row = (tuple(getattr(rule, n) for n in rule_fields), {s: placed[s] for s in sources if s in placed},
               {s: lexicons[s] for s in sources if s in lexicons})
        of_rules.update(sources)
        heads.append((rule.label, *place(marshal.dumps(row))))
    # (what no rule has stays with the matcher: a rule's patterns are compiled after it is decoded)
    state["_programs"] = {source: where for source, where in placed.items() if source not in of_rules}
    state["_lexicons"] = {source: words for source, words in lexicons.items() if source not in of_rules}
    state["rules"] = {label: [r.order for r in rs] for label, rs in state["rules"].items()}
    state["_unindexed"] = [r.order for r in state["_unindexed"]]
    module_programs = (module[0], module[1], {key: place(packed) for key, packed in module[2].items()}) if module else ()
    return (FORMAT, motif_fields, rule_fields, knowledge, motifs, heads, state, module_programs, len(later)), bytes(later)


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


def _decode(payload, stored: _Stored) -> object:
    """The Matcher back from `_encode`'s data, the rest left in `stored`; raises on anything else."""
    from dreamly.analysis.knowledge import Motif

    tag, motif_fields, rule_fields, knowledge_state, motifs, heads, state, module_programs, later = payload
    if (tag != FORMAT or motif_fields != Motif._fields or rule_fields != _Rule._fields
            or not isinstance(state.get("_programs"), dict)):
        raise TypeError("not a cached Matcher")
    if os.fstat(stored.fd).st_size != stored.base + later:
        raise ValueError("a truncated (or grown) cache")
    programs = None
    if module_programs:
        import _sre

        from dreamly import lazy_re

        magic, codesize, module = module_programs
        if (magic, codesize) == (_sre.MAGIC, _sre.CODESIZE):
            programs = _Programs(stored, state["_programs"])
            lazy_re._PROGRAMS = _Programs(stored, module)
    state["_programs"] = programs if programs is not None else {}
    knowledge = _Knowledge.__new__(_Knowledge)
    knowledge.__dict__.update(knowledge_state)
    knowledge._later = (stored, *knowledge._later)
    knowledge.motifs = {mid: Motif(*row) for mid, row in motifs.items()}
    stored.knowledge = knowledge
    lexicons = state["_lexicons"]
    rules = state["_ordered"] = [_LazyRule((stored, programs, lexicons, start, end), label, n)
                                 for n, (label, start, end) in enumerate(heads)]
    state["rules"] = {label: [rules[n] for n in ns] for label, ns in state["rules"].items()}
    state["_unindexed"] = [rules[n] for n in state["_unindexed"]]
    state["_later_state"] = {name: (stored, start, end) for name, (start, end) in state["_later_state"].items()}
    matcher = _LazyMatcher.__new__(_LazyMatcher)
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
        payload, later = _encode(matcher)
        packed = marshal.dumps(payload)
        write_private(cache_dir() / FILE_NAME, header + b"\n", len(packed).to_bytes(8, "little"), packed, later)
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
