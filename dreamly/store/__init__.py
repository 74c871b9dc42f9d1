"""The journal file: one SQLite database per journal.

The package's rooms (see docs/architecture.md):

- `journal`: open a journal, reads and writes (`Journal`, `open_journal`, `Filters`, `NewDream`).
- `copies`: verified copies (`dreamly backup`, the copy before a migration).
- `salvage`: every readable row of a damaged journal into a new one (`dreamly salvage`).

Everything callers need is importable from `dreamly.store` itself; the rooms are an
implementation detail. Nothing here prints or knows about the command line.
"""

from dreamly.store.journal import (  # noqa: F401  (the package's public names)
    DREAM_FIELDS,
    EDITABLE_FIELDS,
    MIGRATIONS,
    SCHEMA_VERSION,
    SNIPPET_END,
    SNIPPET_START,
    TAG_LIMIT,
    Filters,
    Journal,
    NewDream,
    StaleEdit,
    busy_timeout,
    check_tags,
    content_hash,
    damage_marker,
    fts_query,
    normalise_tag,
    now_utc,
    open_journal,
    sqlite3,
    tag_problem,
    text_hash,
    translate_error,
)
