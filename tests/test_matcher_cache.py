"""The built matcher is cached between processes (dreamly/analysis/cache.py): used when it
matches the knowledge it was built from and nobody else could have written it; rebuilt
otherwise, with the same results."""

import os
import stat
import sys
from pathlib import Path

import pytest

from dreamly import analysis
from dreamly.analysis import cache
from dreamly.analysis import knowledge as loading

DREAM = "I was running from a huge dog but my legs felt like concrete"
EXPECTED = ["heavy_legs", "pursuer_animal", "chase"]


def fresh_process(monkeypatch, *, forbid_parsing=False):
    """Forget what this process has built, as a new process would."""
    monkeypatch.setattr(analysis, "_MATCHERS", {})
    monkeypatch.setattr(loading, "_LOADED", {})
    loading._builtin_data.cache_clear()
    if forbid_parsing:
        def no_toml(path):
            raise AssertionError(f"parsed {path} although the cache was good")
        monkeypatch.setattr(loading, "_read_toml", no_toml)


def motifs(user_file=None):
    return sorted(h.id for h in analysis.matcher(user_file).analyze(DREAM).motifs)


def cache_file() -> Path:
    return cache.cache_dir() / cache.FILE_NAME


@pytest.fixture
def built(monkeypatch):
    fresh_process(monkeypatch)
    assert motifs() == sorted(EXPECTED)
    assert cache_file().exists()
    return cache_file()


def test_a_built_matcher_is_cached_privately_and_reused(monkeypatch, built):
    assert stat.S_IMODE(built.stat().st_mode) == 0o600
    assert stat.S_IMODE(built.parent.stat().st_mode) == 0o700
    fresh_process(monkeypatch, forbid_parsing=True)
    assert motifs() == sorted(EXPECTED)
    assert analysis.load_knowledge() is analysis.matcher().knowledge  # one knowledge per process
    assert analysis.load_knowledge().motifs["chase"].label


def rebuilt(monkeypatch, user_file=None) -> bool:
    """Analyse in a 'new process'; True when the knowledge base had to be parsed again."""
    fresh_process(monkeypatch)
    parsed = []
    original = loading._read_toml
    monkeypatch.setattr(loading, "_read_toml", lambda path: parsed.append(path) or original(path))
    assert set(EXPECTED) <= set(motifs(user_file))
    return bool(parsed)


def test_a_stale_cache_is_rebuilt(monkeypatch, built, tmp_path):
    monkeypatch.setattr("dreamly.analysis.results.MATCHER_VERSION", 999)
    assert rebuilt(monkeypatch)
    assert not rebuilt(monkeypatch)  # the rebuilt one is good again
    personal = tmp_path / "motifs.toml"
    personal.write_text('[motifs.kite]\nlabel = "Kite"\nphrases = ["kites?"]\n', encoding="utf-8")
    assert rebuilt(monkeypatch, personal)
    assert not rebuilt(monkeypatch, personal)
    personal.write_text('[motifs.kite]\nlabel = "A kite"\nphrases = ["kites?", "kiting"]\n', encoding="utf-8")
    assert rebuilt(monkeypatch, personal)  # the personal file changed
    fresh_process(monkeypatch)
    assert analysis.load_knowledge(personal).motifs["kite"].label == "A kite"


@pytest.mark.parametrize("tamper", ["garbage", "truncated", "other header", "group-writable file",
                                    "world-writable folder", "symlink", "not a matcher", "a pickle"])
def test_a_tampered_or_untrustworthy_cache_is_rebuilt(monkeypatch, built, tmp_path, tamper):
    data = built.read_bytes()
    header, payload = data.split(b"\n", 1)
    if tamper == "garbage":
        built.write_bytes(header + b"\n" + b"\x80\x05not a pickle")
    elif tamper == "truncated":
        built.write_bytes(data[: len(data) // 2])
    elif tamper == "other header":
        built.write_bytes(header.replace(b"dreamly", b"dreamlx") + b"\n" + payload)
    elif tamper == "group-writable file":
        built.chmod(0o620)
    elif tamper == "world-writable folder":
        built.parent.chmod(0o777)
    elif tamper == "symlink":
        elsewhere = tmp_path / "elsewhere.pickle"
        os.replace(built, elsewhere)
        built.symlink_to(elsewhere)
    elif tamper == "not a matcher":
        import marshal
        built.write_bytes(header + b"\n" + marshal.dumps((cache.FORMAT, ("id",), ("kind",), {}, {}, [], {})))
    elif tamper == "a pickle":  # what an older dreamly wrote: never unpickled
        import pickle
        built.write_bytes(header + b"\n" + pickle.dumps(({"a": 1}, {})))
    assert cache.load(None) is None
    assert rebuilt(monkeypatch)
    if tamper == "world-writable folder":
        assert cache.load(None) is None  # never trusted, never written to
    else:
        assert not rebuilt(monkeypatch)  # replaced by a good one (the symlink too, not its target)
        assert not built.is_symlink() and stat.S_IMODE(built.stat().st_mode) == 0o600


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_cache_owned_by_someone_else_is_not_trusted(monkeypatch, built):
    os.chown(built, 12345, 12345)
    assert cache.load(None) is None
    os.chown(built, os.getuid(), os.getgid())
    os.chown(built.parent, 12345, 12345)
    assert cache.load(None) is None


def test_an_unwritable_cache_folder_only_means_no_cache(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DREAMLY_CACHE_DIR", str(blocker / "cache"))
    fresh_process(monkeypatch)
    assert motifs() == sorted(EXPECTED)


@pytest.mark.slow
def test_add_uses_the_cache_across_processes(tmp_path):
    import subprocess

    env = dict(os.environ, DREAMLY_DB=str(tmp_path / "j.db"), DREAMLY_CACHE_DIR=str(tmp_path / "c"))
    probe = ("import sys; from dreamly.cli import main; sys.argv=['dreamly','add',%r]; "
             "import atexit; atexit.register(lambda: print('toml parsed' if 'tomllib' in sys.modules else 'from cache', "
             "file=sys.stderr)); main()") % DREAM
    runs = [subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True) for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    assert "toml parsed" in runs[0].stderr and "from cache" in runs[1].stderr
    assert "chase" in runs[1].stdout.lower() or "chase" in runs[1].stderr.lower()


def test_the_default_cache_folder_is_platformdirs(monkeypatch):
    import platformdirs

    monkeypatch.delenv("DREAMLY_CACHE_DIR")
    for xdg in (None, "/tmp/xdg-cache-test"):
        if xdg:
            monkeypatch.setenv("XDG_CACHE_HOME", xdg)
        assert cache.cache_dir() == Path(platformdirs.user_cache_dir("dreamly", appauthor=False))


def test_a_cached_matcher_reads_like_a_built_one(monkeypatch, built):
    """Every probe report gives the same motifs and feelings from the cached matcher as from
    a freshly built one (the cache carries the literals' group table along)."""
    import json

    texts = [json.loads(line)["text"] for line in
             (Path(__file__).parent / "data" / "probe_reports.jsonl").read_text(encoding="utf-8").splitlines()[:80]]
    fresh_process(monkeypatch)
    monkeypatch.setattr(cache, "load", lambda user_file: None)
    from dreamly.analysis import literals

    monkeypatch.setattr(literals, "_KNOWN_GROUPS", {})
    built_results = [analysis.matcher().analyze(t) for t in texts]
    monkeypatch.undo()
    monkeypatch.setenv("DREAMLY_CACHE_DIR", str(built.parent))
    fresh_process(monkeypatch, forbid_parsing=True)
    monkeypatch.setattr(literals, "_KNOWN_GROUPS", {})
    cached = analysis.matcher()
    assert [cached.analyze(t) for t in texts] == built_results


def test_a_built_matcher_is_plain_data_and_pickles(monkeypatch):
    """The cache holds plain data only (marshal), and the Matcher keeps no itertools.count
    (which Python 3.14 cannot pickle): a pickle round trip analyses alike."""
    import itertools
    import marshal
    import pickle

    fresh_process(monkeypatch)
    built = analysis.Matcher(analysis.load_knowledge())
    assert not any(isinstance(v, itertools.count) for v in vars(built).values())
    marshal.dumps(cache._encode(built)[0])  # raises on anything but plain data
    copy = pickle.loads(pickle.dumps(built))
    assert copy.analyze(DREAM) == built.analyze(DREAM)


def test_a_cached_knowledge_base_is_the_built_one(monkeypatch, built):
    """What the cache leaves to be decoded later (the rule specs) is there when asked for."""
    fresh_process(monkeypatch)
    monkeypatch.setattr(cache, "load", lambda user_file: None)
    made = analysis.load_knowledge()
    expected = {name: getattr(made, name) for name in vars(made)}
    analysis.matcher()
    monkeypatch.undo()
    monkeypatch.setenv("DREAMLY_CACHE_DIR", str(built.parent))
    fresh_process(monkeypatch, forbid_parsing=True)
    loaded = analysis.matcher().knowledge
    assert "_later" in vars(loaded)  # not decoded until read
    assert {name: getattr(loaded, name) for name in expected} == expected
    assert isinstance(loaded, analysis.Knowledge)


# -- compiled programs: a process that loads the cache compiles no regex (lazy_re) ----------------


def test_every_cached_program_is_the_pattern_re_compiles(monkeypatch):
    """The cache keeps each pattern's compiled program; rebuilt, each is re.compile's own
    Pattern (code, flags, groups), for every rule of the knowledge base and every
    module-level pattern."""
    import re

    from dreamly import lazy_re

    fresh_process(monkeypatch)
    built = analysis.Matcher(analysis.load_knowledge())
    programs, (_, _, module) = cache._programs(built)
    assert len(programs) > 300 and len(module) > 50
    for source, packed in programs.items():
        expected = re.compile(*built._form(source))
        rebuilt = lazy_re.from_program(packed)
        assert (rebuilt, rebuilt.groupindex) == (expected, expected.groupindex), source
    for (source, flags), packed in module.items():
        assert lazy_re.from_program(packed) == re.compile(source, flags), source


def test_a_cached_matcher_compiles_nothing_with_re(monkeypatch, built):
    import re

    fresh_process(monkeypatch, forbid_parsing=True)
    compiled = []
    original = re.compile
    monkeypatch.setattr(re, "compile", lambda *a: compiled.append(a) or original(*a))
    matcher = analysis.matcher()
    assert sorted(h.id for h in matcher.analyze(DREAM).motifs) == sorted(EXPECTED)
    assert compiled == [] and matcher._patterns
    import pickle

    copy = pickle.loads(pickle.dumps(matcher))  # its programs are views of the file's bytes: copied
    assert copy.analyze(DREAM) == matcher.analyze(DREAM) and copy._programs.keys() == matcher._programs.keys()


@pytest.mark.parametrize("damage", ["not marshal", "not a program", "invalid code"])
def test_a_damaged_program_is_compiled_instead(monkeypatch, built, damage):
    import marshal

    from dreamly import lazy_re

    fresh_process(monkeypatch, forbid_parsing=True)
    matcher = analysis.matcher()
    bad = {"not marshal": b"\xff\x00junk", "not a program": marshal.dumps(("x", 0)),
           "invalid code": marshal.dumps(("legs", 32, [999, 1, 2], 0, {}, (None,)))}[damage]
    with pytest.raises(Exception):
        lazy_re.from_program(bad)
    # every program read from the file (the rules' and the module-level ones) is these bytes
    monkeypatch.setattr(cache._Programs, "get", lambda self, key, default=None: bad if key in self else default)
    compiled = []
    import re
    original = re.compile
    monkeypatch.setattr(re, "compile", lambda *a: compiled.append(a) or original(*a))
    assert sorted(h.id for h in matcher.analyze(DREAM).motifs) == sorted(EXPECTED)
    assert compiled  # compiled with re instead


def payload_end(path: Path) -> int:
    """Where a cache file's payload ends and what is read only when needed begins."""
    data = path.read_bytes()
    header = data.index(b"\n") + 1
    return header + 8 + int.from_bytes(data[header:header + 8], "little")


@pytest.mark.parametrize("change", ["cut short", "grown"])
def test_a_cache_whose_size_is_not_its_own_is_rebuilt(monkeypatch, built, change):
    """The payload is whole but what is read later is not all there (or more is): the size is
    checked when the cache is loaded, not found out halfway through a dream."""
    data = built.read_bytes()
    built.write_bytes(data[:-100] if change == "cut short" else data + b"\0" * 100)
    assert payload_end(built) < len(built.read_bytes())
    assert cache.load(None) is None
    assert rebuilt(monkeypatch)
    assert not rebuilt(monkeypatch)


@pytest.mark.parametrize("where", ["everything after the payload", "the rules only"])
def test_a_cache_damaged_in_place_still_reads_right_and_is_replaced(monkeypatch, built, where):
    """Bytes after the payload (rule fields, programs, rule specs) that do not decode, found
    only when a dream needs them: that dream is read as a built matcher reads it, and the
    file is removed, so the next process builds a good one."""
    import marshal

    data = bytearray(built.read_bytes())
    start = payload_end(built)
    if where == "the rules only":
        header = data.index(b"\n") + 1
        heads = marshal.loads(bytes(data[header + 8:start]))[5]
        for _label, s, e in heads:
            data[start + s:start + e] = b"\xff" * (e - s)
    else:
        data[start:] = b"\xff" * (len(data) - start)
    built.write_bytes(bytes(data))
    fresh_process(monkeypatch)
    matcher = analysis.matcher()
    assert type(matcher) is cache._LazyMatcher  # the damage is not seen at load
    assert sorted(h.id for h in matcher.analyze(DREAM).motifs) == sorted(EXPECTED)
    assert matcher.analyze(DREAM) == analysis.Matcher(analysis.load_knowledge()).analyze(DREAM)
    assert not built.exists()
    assert rebuilt(monkeypatch)
    assert not rebuilt(monkeypatch)


def test_a_cached_matcher_reads_only_what_a_dream_needs(monkeypatch, built):
    """The load reads the first line and the payload; a dream then reads the fields of the
    rules its words wake and their programs, a small part of the file."""
    fresh_process(monkeypatch, forbid_parsing=True)
    reads = []
    original = os.pread
    monkeypatch.setattr(os, "pread", lambda fd, n, at: reads.append(n) or original(fd, n, at))
    matcher = analysis.matcher()
    loaded = sum(reads)
    assert loaded == payload_end(built)
    matcher.analyze(DREAM)
    size = built.stat().st_size
    assert sum(reads) - loaded < (size - loaded) / 4
    decoded = [r for r in matcher._ordered if r._place is None]
    assert 0 < len(decoded) < len(matcher._ordered) / 4


def test_no_programs_where_the_regex_internals_differ(monkeypatch):
    from dreamly import lazy_re

    monkeypatch.setattr(lazy_re, "check_programs", lambda: False)
    fresh_process(monkeypatch)
    assert motifs() == sorted(EXPECTED)  # built and saved without programs
    fresh_process(monkeypatch, forbid_parsing=True)
    matcher = analysis.matcher()
    assert matcher._programs == {} and motifs() == sorted(EXPECTED)
