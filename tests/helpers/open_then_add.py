"""A writer that opens the journal, says so, then adds a dream (waiting for the write lock
as `dreamly add` does). For the test of a writer that waits while `encrypt` swaps the file.

    python tests/helpers/open_then_add.py JOURNAL TEXT
"""

import sys
from datetime import date

from dreamly.errors import DreamlyError
from dreamly.store import NewDream, open_journal

journal = open_journal(sys.argv[1], create=False)
print("opened", flush=True)
try:
    dream_id = journal.add(NewDream(body=sys.argv[2], dreamt_on=date.today()))
except DreamlyError as exc:
    print(f"Error: {exc}", file=sys.stderr)
    sys.exit(1)
finally:
    journal.close()
print(f"added {dream_id}", flush=True)
