"""A long multi-row write in ONE transaction, through dreamly's own transaction
machinery, for the kill -9 test.

    python tests/helpers/big_write.py JOURNAL ROWS

It prints `begun` once the write lock is held and `wrote K` every 500 rows, so the test
can kill it mid-way; `committed` at the end. Bodies are ~1 KB so the batch outgrows
SQLite's page cache and spills into the -wal file before the commit: the kill then
lands on a half-written transaction that is really on disk, not only in memory.
"""

import sys

from dreamly.store import Journal, content_hash


def main(path: str, rows: int) -> None:
    journal = Journal.open(path)
    with journal.transaction() as conn:
        print("begun", flush=True)
        for number in range(rows):
            body = f"batch dream {number} " + "the stairs kept folding under my feet " * 28
            conn.execute(
                "INSERT INTO dreams (dreamt_on, created, updated, body, source, content_hash)"
                " VALUES ('2026-01-01', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', ?, 'batch', ?)",
                (body, content_hash("2026-01-01", body)),
            )
            conn.execute("INSERT INTO dream_tags (dream_id, tag) VALUES (last_insert_rowid(), 'batch')")
            if number and number % 500 == 0:
                print(f"wrote {number}", flush=True)
    journal.close()
    print("committed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
