"""dreamly works out the XDG folders itself on Linux (platformdirs costs `add` ~10 ms to
import): they must be platformdirs' answer."""

import sys

import platformdirs
import pytest

from dreamly import paths
from dreamly.store import content_hash


@pytest.mark.skipif(sys.platform != "linux", reason="the hand-made rule is Linux's")
@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-elsewhere", "  "])
def test_user_folders_are_platformdirs(monkeypatch, xdg):
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
    assert str(paths.user_dir("data")) == platformdirs.user_data_dir("dreamly", appauthor=False)
    assert str(paths.user_dir("config")) == platformdirs.user_config_dir("dreamly", appauthor=False)
    assert str(paths.user_dir("cache")) == platformdirs.user_cache_dir("dreamly", appauthor=False)


def test_content_hash_is_hashlibs_sha256():
    import hashlib

    text = "2026-03-01\nI was on a train 🌙"
    assert content_hash("2026-03-01", "I was  on a\ttrain 🌙") == hashlib.sha256(text.encode()).hexdigest()[:32]
