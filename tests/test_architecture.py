"""docs/architecture.md's module map is the code's: every room has a row, and every room
imports only the rooms its row lists."""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dreamly"


def room_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "dreamly"


@cache  # read once per run: the tests only read it
def imports_by_room() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        room = room_of(module)
        found = graph.setdefault(room, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "dreamly":
                names = [a.name for a in node.names] if node.module == "dreamly" else [room_of(node.module)]
                found.update(names)
            elif isinstance(node, ast.Import):
                found.update(room_of(a.name) for a in node.names if a.name.startswith("dreamly."))
        found.discard(room)
    return graph


def documented() -> dict[str, set[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        room = cells[0].strip("`").rstrip("/")
        if room.endswith(".toml"):
            continue  # data, not code
        rows[room] = set(re.findall(r"`([\w.]+)`", cells[2]))
    return rows


def test_every_room_has_a_row_and_every_row_a_room():
    code, doc = imports_by_room(), documented()
    assert sorted(set(code) - set(doc)) == [], "rooms missing from docs/architecture.md"
    assert sorted(set(doc) - set(code)) == [], "docs/architecture.md names rooms that do not exist"


def test_each_room_imports_only_what_the_map_lists():
    code, doc = imports_by_room(), documented()
    unlisted = {room: sorted(imports - doc.get(room, set())) for room, imports in code.items()
                if imports - doc.get(room, set())}
    assert unlisted == {}, "imports that docs/architecture.md does not list"


def test_the_map_lists_no_import_that_is_gone():
    code, doc = imports_by_room(), documented()
    stale = {room: sorted(listed - code.get(room, set())) for room, listed in doc.items()
             if listed - code.get(room, set())}
    assert stale == {}, "docs/architecture.md lists imports the code no longer has"


def test_no_module_over_600_lines_without_a_reason_in_its_docstring():
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 600:
            doc = ast.get_docstring(ast.parse(text)) or ""
            assert "lines" in doc.lower() and "long" in doc.lower(), \
                f"{path.relative_to(ROOT)} is {text.count(chr(10))} lines: split it, or say in its docstring why it is long"


def test_the_add_path_compiles_no_pattern_at_import():
    # `add` pays only for the patterns the dream wakes (dreamly/lazy_re.py): a module-level
    # re.compile in these files would be paid by every add
    import re as _re

    roots = [ROOT / "dreamly" / "analysis", ROOT / "dreamly" / "text.py", ROOT / "dreamly" / "dates.py"]
    files = [p for r in roots for p in ([r] if r.is_file() else sorted(r.glob("*.py")))]
    offenders = [f"{p.name}:{n}" for p in files for n, line in enumerate(p.read_text().splitlines(), 1)
                 if _re.match(r"[A-Za-z_][\w]* *(?::[^=]+)?= *re\.compile\(", line)]
    assert not offenders, offenders
