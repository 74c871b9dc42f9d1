"""A keyring backend for the tests: a JSON file named by $DREAMLY_TEST_KEYRING, so no test
ever touches the user's real keychain or the network.

    PYTHON_KEYRING_BACKEND=dreamly_test_keyring.FileKeyring   (tests/helpers on PYTHONPATH)
"""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def _file(self) -> Path:
        return Path(os.environ["DREAMLY_TEST_KEYRING"])

    def _load(self) -> dict:
        try:
            return json.loads(self._file.read_text())
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}/{username}"] = password
        self._file.write_text(json.dumps(data))

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._file.write_text(json.dumps(data))
