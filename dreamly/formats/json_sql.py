"""The JSON export's records built by SQLite: one line of JSON text per dream.

`formats.json_record` defines the record (its keys, in order). Building each record in
Python means decoding the tags, feelings and motifs SQLite hands over as JSON, fetching the
history, and encoding it all again: 1.4x the cost of streaming the rows through json.dumps.
Here SQLite's json_object writes the whole line, so export does no more than stream it.
When the record gains a key this module does not know, `lines()` returns None and the
export builds records in Python as before (tests/test_export_json_sql.py compares the two).
"""

from __future__ import annotations

from typing import Iterator

_BOOL = "json(CASE WHEN {} THEN 'true' ELSE 'false' END)"

# record key → SQL over the row of store._DREAM_SELECT (alias r)
_EXPRESSIONS = {
    "id": "r.id", "dreamt_on": "r.dreamt_on", "created": "r.created", "updated": "r.updated", "title": "r.title",
    "body": "r.body", "lucid": _BOOL.format("r.lucid"), "nightmare": _BOOL.format("r.nightmare"),
    "recurring": _BOOL.format("r.recurring"), "sleep_quality": "r.sleep_quality", "context": "r.context",
    "source": "r.source", "content_hash": "r.content_hash", "lucidity": "r.lucidity",
    "tags": "json(r.tags_json)", "emotions": "json(r.emotions_json)", "motifs": "json(r.motifs_json)",
    "interpretations": """json((SELECT json_group_array(json_object('id', id, 'model', model, 'lens', lens,
            'prompt', prompt, 'system', system, 'response', response,
            'complete', json(CASE WHEN complete THEN 'true' ELSE 'false' END), 'created', created))
        FROM (SELECT * FROM interpretations WHERE dream_id = r.id ORDER BY id)))""",
    "rehearsals": """json((SELECT json_group_array(json_object('id', id, 'body', body, 'created', created))
        FROM (SELECT * FROM rehearsals WHERE dream_id = r.id ORDER BY id)))""",
    "reflections": """json((SELECT json_group_array(json_object('question', question, 'answer', answer, 'created', created))
        FROM (SELECT * FROM reflections WHERE dream_id = r.id ORDER BY id)))""",
    "corrections": """json((SELECT json_group_array(json_object('kind', kind, 'name', name, 'action', action,
            'created', created))
        FROM (SELECT * FROM dream_corrections WHERE dream_id = r.id ORDER BY kind, name)))""",
}


def lines(journal, filters, keys: tuple[str, ...]) -> Iterator[str] | None:
    """The JSON text of each dream matching `filters`, in export order; None when `keys`
    names a field this module can't build."""
    if any(key not in _EXPRESSIONS for key in keys):
        return None
    from dreamly.store.journal import _DREAM_SELECT

    where, params = filters.where()
    order = "ASC" if filters.oldest_first else "DESC"
    inner = _DREAM_SELECT + f" WHERE {where} ORDER BY d.dreamt_on {order}, d.id {order}"
    if filters.limit is not None:
        inner += " LIMIT ?"
        params.append(filters.limit)
    record = ", ".join(f"'{key}', {_EXPRESSIONS[key]}" for key in keys)
    sql = f"SELECT json_object({record}) FROM ({inner}) AS r ORDER BY r.dreamt_on {order}, r.id {order}"
    return (row[0] for row in journal.conn.execute(sql, params))
