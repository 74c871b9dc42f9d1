"""Where an encrypted journal's key comes from, in this order:

1. the system keyring (through `keyring`), when it has a working backend and holds a key:
   a raw random 256-bit key, so opening skips the passphrase's key derivation;
2. `DREAMLY_PASSPHRASE_COMMAND`, a command that prints the passphrase (`pass show dreamly`);
3. a prompt on the terminal, without echo.

Never argv, and on purpose no passphrase variable: the environment is inherited by every
program dreamly starts (your $EDITOR, llm's plugins), and the command covers scripts
(`DREAMLY_PASSPHRASE_COMMAND='cat /run/secrets/dreamly'`).

A passphrase of the form x'<64 hex digits>' is a raw key (SQLCipher reads it so): what
`dreamly key show` prints can be typed at the prompt or printed by the command.
"""

from __future__ import annotations

import os
import re
import sys
import types

from dreamly._struct import Frozen
from dreamly.errors import DreamlyError

TYPE_CHECKING = False  # (typing itself is a few milliseconds of `dreamly add`: annotations only)
if TYPE_CHECKING:
    from typing import Iterator


KEYRING_SERVICE = "dreamly"
KEYRING_USER = "journal key"  # one key for your journals and their backups
PASSPHRASE_COMMAND = "DREAMLY_PASSPHRASE_COMMAND"
RAW_KEY = re.compile(r"x'[0-9a-fA-F]{64}'")


class Key(Frozen):
    __slots__ = _fields = ("secret", "source")
    secret: str   # a passphrase, or x'<hex>' for a raw key
    source: str   # where it came from, for messages

    def __init__(self, secret: str, source: str):
        object.__setattr__(self, "secret", secret)
        object.__setattr__(self, "source", source)

    @property
    def raw(self) -> bool:
        return bool(RAW_KEY.fullmatch(self.secret))

    def sql(self) -> str:
        """The key as an SQL string literal, for PRAGMA key and ATTACH … KEY."""
        return "'" + self.secret.replace("'", "''") + "'"


def new_raw_key() -> Key:
    import secrets

    return Key("x'" + secrets.token_hex(32) + "'", "a new random key")


# -- the system keyring ---------------------------------------------------------------------


# keyring's own imports load modules it never uses on the way to a password: jaraco.context
# imports urllib.request (hence http.client, email and ssl) and backports.tarfile, and
# keyring.compat imports importlib_metadata, needed only to search for a backend. That is
# ~50 ms, a third of an encrypted `add`. jaraco.functools imports more_itertools (and with it
# dataclasses) for functions keyring never calls: another ~12 ms. Each is put off: a
# stand-in module imports the real one the first time anyone reads an attribute of it.
_DEFERRED = ("urllib.request", "backports.tarfile", "importlib_metadata", "more_itertools")


class _Deferred(types.ModuleType):
    def __getattr__(self, attr):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        import importlib

        real = importlib.import_module(name)  # also sets it on its parent package
        return getattr(real, attr)


def _defer(name: str) -> None:
    if name in sys.modules:
        return
    stand_in = _Deferred(name)
    sys.modules[name] = stand_in
    parent, _, child = name.rpartition(".")
    if parent:
        try:
            __import__(parent)
        except ImportError:
            del sys.modules[name]
            return
        setattr(sys.modules[parent], child, stand_in)


def _import_keyring():
    if "keyring" not in sys.modules:
        for name in _DEFERRED:
            _defer(name)
    import keyring
    from keyring.backends import fail

    return keyring, fail


# Finding a backend (keyring reads every installed package's entry points and tries each
# backend, D-Bus included) costs more than the rest of a command. Once a backend has held the
# key, its class name (nothing secret) is remembered in dreamly's config folder, and later
# runs load that one directly, unless keyring itself is configured (PYTHON_KEYRING_BACKEND,
# keyringrc.cfg), which always wins.
BACKEND_FILE = "keyring-backend"
_chosen = False


def _backend_file():
    from dreamly.paths import config_dir

    return config_dir() / BACKEND_FILE


def _choose_backend(keyring) -> None:
    global _chosen
    if _chosen:
        return
    _chosen = True
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return
    try:
        name = _backend_file().read_text(encoding="utf-8").strip()
        if not name or keyring.core._config_path().exists():
            return
        keyring.set_keyring(keyring.core.load_keyring(name))
    except Exception:  # noqa: BLE001 - no note, or a backend gone: let keyring look for one
        return


def _remember_backend(keyring) -> None:
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return
    backend = type(keyring.get_keyring())
    name = f"{backend.__module__}.{backend.__qualname__}"
    try:
        path = _backend_file()
        if path.exists() and path.read_text(encoding="utf-8").strip() == name:
            return
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(name + "\n", encoding="utf-8")
    except OSError:
        pass


# keyring's documented ways to turn it off (PYTHON_KEYRING_BACKEND, which keyring reads before
# anything else): backends that hold no key, so neither they nor keyring need importing (keyring
# is most of what an encrypted `add` costs beyond the plain one's)
_OFF = ("keyring.backends.null.Keyring", "keyring.backends.fail.Keyring")


def _keyring():
    """The keyring module when it is installed and has a working backend, else None."""
    if os.environ.get("PYTHON_KEYRING_BACKEND") in _OFF:
        return None
    try:
        keyring, fail = _import_keyring()
    except ImportError:
        return None
    try:
        _choose_backend(keyring)
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or backend.priority <= 0:  # fail / null backends
            return None
    except Exception:  # noqa: BLE001 - a broken backend is no backend
        return None
    return keyring


def keyring_name() -> str | None:
    """The working keyring backend's name, or None."""
    keyring = _keyring()
    if keyring is None:
        return None
    backend = keyring.get_keyring()
    return getattr(backend, "name", None) or type(backend).__name__


def keyring_key() -> Key | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        secret = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception:  # noqa: BLE001 - locked or unreachable keyring: try the next source
        return None
    if not secret:
        return None
    _remember_backend(keyring)
    return Key(secret.strip(), "the system keyring")


def store_in_keyring(key: Key) -> None:
    keyring = _keyring()
    if keyring is None:
        raise DreamlyError("there is no working system keyring to keep the key in")
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key.secret)
        kept = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception as exc:  # noqa: BLE001
        raise DreamlyError(f"the system keyring refused the key ({type(exc).__name__})") from None
    if kept != key.secret:
        raise DreamlyError("the system keyring did not keep the key")
    _remember_backend(keyring)


# -- a passphrase command, or the terminal ----------------------------------------------------------


def _run_shell(command: str) -> tuple[int, bytes]:
    """(exit status, stdout) of `subprocess.run(command, shell=True, stdout=PIPE,
    stderr=DEVNULL)`, the same child without importing subprocess (5 ms of an encrypted
    `add`: its imports of threading, selectors, signal's enums, locale) where the system has
    posix_spawn: /bin/sh -c, stdin inherited, stdout into a pipe, stderr to /dev/null, no
    other descriptor left open (subprocess's close_fds), SIGPIPE and SIGXFSZ back to their
    defaults (its restore_signals); a negative status is the signal that ended it. Ended by
    an exception (Ctrl-C) while it runs, the child is killed and waited for, as by run.
    (glibc's posix_spawn leaves its two internal signals ignored in the child, as CPython's own
    posix_spawn path for subprocess does; a test compares the two ways on sample commands.)"""
    import _signal

    if not (hasattr(os, "posix_spawn") and os.path.exists("/bin/sh")):
        import subprocess

        done = subprocess.run(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return done.returncode, done.stdout
    read_end, write_end = os.pipe()  # neither inherited: only the copy made onto fd 1 is
    try:
        null = os.open(os.devnull, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            actions = [(os.POSIX_SPAWN_DUP2, write_end, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
            actions += [(os.POSIX_SPAWN_CLOSE, fd) for fd in _inherited_fds() if fd not in (write_end, null)]
            signals = [getattr(_signal, name) for name in ("SIGPIPE", "SIGXFSZ") if hasattr(_signal, name)]
            pid = os.posix_spawn("/bin/sh", ["/bin/sh", "-c", command], os.environ, file_actions=actions,
                                 setsigdef=signals)
        finally:
            os.close(null)
            os.close(write_end)
            write_end = -1
        try:
            chunks = []
            chunk = os.read(read_end, 65536)
            while chunk:
                chunks.append(chunk)
                chunk = os.read(read_end, 65536)
            _, status = os.waitpid(pid, 0)
        except BaseException:
            try:
                os.kill(pid, _signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
            raise
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    return os.waitstatus_to_exitcode(status), b"".join(chunks)


def _inherited_fds() -> list:
    """This process's descriptors above 2 that a child would inherit (PEP 446: dreamly's own
    are not inheritable; one handed down by whoever started dreamly may be)."""
    try:
        names = os.listdir("/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd")
    except OSError:
        names = [str(fd) for fd in range(3, 256)]
    found = []
    for name in names:
        fd = int(name)
        if fd > 2:
            try:
                if os.get_inheritable(fd):
                    found.append(fd)
            except OSError:  # the listing's own descriptor, closed by now
                pass
    return found


def command_passphrase() -> Key | None:
    command = os.environ.get(PASSPHRASE_COMMAND, "").strip()
    if not command:
        return None
    try:
        returncode, stdout = _run_shell(command)
    except OSError as exc:
        raise DreamlyError(f"{PASSPHRASE_COMMAND} could not run: {exc.strerror or exc}") from None
    if returncode != 0:
        raise DreamlyError(f"{PASSPHRASE_COMMAND} failed (exit status {returncode})")
    lines = stdout.decode("utf-8", "replace").splitlines()
    secret = lines[0] if lines else ""  # like `pass show`: the first line is the passphrase
    if not secret:
        raise DreamlyError(f"{PASSPHRASE_COMMAND} printed no passphrase")
    return Key(secret, PASSPHRASE_COMMAND)


def has_terminal() -> bool:
    if os.name == "nt":
        return sys.stdin.isatty()
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def prompt_passphrase(prompt: str) -> Key:
    """Ask on the terminal (/dev/tty, never piped stdin), without echo."""
    if not has_terminal():
        raise DreamlyError("no terminal to ask for the passphrase on")
    import getpass

    try:
        secret = getpass.getpass(prompt)
    except EOFError:
        raise DreamlyError("no passphrase given") from None
    if not secret:
        raise DreamlyError("no passphrase given")
    return Key(secret, "the passphrase you typed")


def new_passphrase() -> Key:
    """A passphrase for a journal being encrypted: from the command, or typed twice."""
    key = command_passphrase()
    if key:
        return key
    if not has_terminal():
        raise DreamlyError(f"no passphrase: set {PASSPHRASE_COMMAND}, or run this in a terminal")
    first = prompt_passphrase("New passphrase for the journal: ")
    if prompt_passphrase("The same passphrase again: ").secret != first.secret:
        raise DreamlyError("the two passphrases differ; nothing was changed")
    return first


def candidates(path) -> Iterator[Key]:
    """Keys to try on the encrypted journal at `path`, in order; the last prompts (3 tries)."""
    tried = []
    key = keyring_key()
    if key:
        tried.append("the key in the system keyring")
        yield key
    key = command_passphrase()
    if key:
        yield key
        raise DreamlyError(f"the passphrase from {PASSPHRASE_COMMAND} does not open {path} "
                           "(wrong passphrase, or the file is damaged)")
    if not has_terminal():
        if tried:
            raise DreamlyError(f"the key in the system keyring does not open {path}, and there is no terminal "
                               f"to ask for the passphrase on (set {PASSPHRASE_COMMAND})")
        raise DreamlyError(f"{path} is encrypted and no key was found (no key in the system keyring, "
                           f"no {PASSPHRASE_COMMAND}) and there is no terminal to ask for the passphrase on")
    for attempt in range(3):
        yield prompt_passphrase("Passphrase for the journal: " if attempt == 0 else "Wrong passphrase; try again: ")
    raise DreamlyError(f"wrong passphrase for {path}")
