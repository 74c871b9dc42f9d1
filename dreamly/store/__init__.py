"""The journal file: one SQLite database per journal.

The package's rooms (see docs/architecture.md):

- `journal`: open a journal, reads and writes (`Journal`, `open_journal`, `Filters`, `NewDream`).
- `schema`: the migrations, named Python functions in order (`MIGRATIONS`, `SCHEMA_VERSION`).
- `errors`: SQLite's errors in words a person can act on, told apart by result code.
- `fulltext`: the FTS5 query a search becomes, and the snippet marks.
- `connect`: how the file is opened: plain or encrypted (by its header), writable or read-only.
- `crypto`: SQLCipher journals (the `encrypt` extra): the connection, `encrypt` / `decrypt`.
  Imported only for an encrypted file; where its key comes from is `dreamly.keys`.
- `morning`: the dreamer's answers, reflections and corrections to the matcher (a mixin of `Journal`).

Everything callers need is importable from `dreamly.store` itself; the rooms are an
implementation detail. Nothing here prints or knows about the command line.
"""

from dreamly.store.journal import (  # noqa: F401  (the package's public names)
    DREAM_FIELDS,
    EDITABLE_FIELDS,
    SNIPPET_END,
    SNIPPET_START,
    StaleEdit,
    Filters,
    Journal,
    NewDream,
    busy_timeout,
    check_tags,
    content_hash,
    fts_query,
    normalise_tag,
    now_utc,
    open_journal,
    text_hash,
    sqlite3,
    tag_problem,
)
from dreamly.store.errors import translate_error  # noqa: F401
from dreamly.store.schema import MIGRATIONS, SCHEMA_VERSION  # noqa: F401
