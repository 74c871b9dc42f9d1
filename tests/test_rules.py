"""Rules that hold in one place for every command that needs them (issue 13)."""

import json

from dreamly import model


def test_a_future_dated_csv_row_is_refused_with_the_row_named(cli, tmp_path):
    source = tmp_path / "dreams.csv"
    source.write_text("date,text\n2026-01-05,a quiet garden\n2031-03-01,a dream from the future\n", encoding="utf-8")
    for args in (("import", source), ("import", source, "--dry-run")):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
        assert f"{source}, line 3" in result.stderr and "2031-03-01 is in the future" in result.stderr
    assert json.loads(cli("list", "--json").stdout) == []  # nothing of the file was imported


def test_add_edit_and_import_refuse_the_future_in_the_same_words(cli, tmp_path):
    added = cli("add", "a dream", "-d", "2031-03-01")
    assert cli("add", "a dream").exit_code == 0
    edited = cli("edit", "1", "-d", "2031-03-01")
    source = tmp_path / "d.csv"
    source.write_text("date,text\n2031-03-01,x\n", encoding="utf-8")
    imported = cli("import", source)
    for result, code in ((added, 2), (edited, 2), (imported, 1)):  # an option's value is a usage error, a file's is not
        assert result.exit_code == code
        assert result.stderr.strip().endswith(
            "2031-03-01 is in the future; a dream is filed under the morning you woke"), result.stderr


def test_the_lenses_are_the_knowledge_bases_lenses():
    from dreamly.analysis import load_knowledge

    assert set(model.LENSES) == set(load_knowledge().lenses)


def test_the_cli_choices_come_from_the_vocabulary():
    from dreamly import cli

    assert tuple(f.value for f in cli.ExportFormat) == model.EXPORT_FORMATS
    assert tuple(f.value for f in cli.ImportFormat) == model.IMPORT_FORMATS
    assert tuple(lens.value for lens in cli.Lens) == model.LENSES


def test_one_control_character_policy_for_plain_and_rich_views(cli):
    hostile = "a train \x1b]0;owned\x07 station\nnext line"
    assert cli("add", hostile).exit_code == 0
    found = cli("search", "train").stdout
    shown = cli("show", "1").stdout
    for out in (found, shown):
        assert "\x1b" not in out and "\x07" not in out and "\ufffd" in out


def test_options_that_conflict_are_usage_errors_in_one_line(cli):
    assert cli("add", "a dream").exit_code == 0
    for args in (("patterns", "--json", "--markdown"), ("patterns", "--markdown", "--html", "-"),
                 ("rehearse", "1", "x", "--suggest"), ("rehearse", "--tonight", "1"), ("rehearse", "1", "x", "--save"),
                 ("picture", "1", "-m", "echo"), ("export", "--split"), ("export", "--split", "-f", "json", "-o", "x")):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr


def test_exit_status_names_every_code_dreamly_uses():
    from dreamly.errors import ExitStatus

    assert [int(s) for s in ExitStatus] == [0, 1, 2, 130, 141]


def test_the_format_registry_is_the_clis_choices():
    from dreamly import formats

    assert tuple(formats.EXPORTERS) == model.EXPORT_FORMATS
    assert ("auto", *formats.IMPORTERS) == model.IMPORT_FORMATS


def test_export_and_import_ask_the_registry_not_a_format_by_name(cli, db_path, tmp_path, monkeypatch):
    """A format added to the registry is written and read with no other change: nothing in
    `export` or `import` names a format (the CLI's choices are model.py's, checked above)."""
    import types

    from dreamly import formats
    from dreamly.store import Filters, open_journal

    assert cli("add", "a lighthouse in the fog", "-d", "2026-01-05").exit_code == 0

    def export(dreams, out, job):
        count = 0
        for dream in dreams:
            out.write(f"{dream['dreamt_on']}|{dream['body']}\n")
            count += 1
        return count

    def read(path, options):
        day, body = path.read_text(encoding="utf-8").strip().split("|")
        return [formats.Incoming(f"{path}, line 1", formats.records._record(
            dreamt_on=day, body=body, created=options.stamp), order=(1,))]

    piped = types.SimpleNamespace(NAME="piped", SUFFIXES=(".piped",), NEWLINE=None, export=export, read=read)
    monkeypatch.setitem(formats.EXPORTERS, "piped", piped)
    monkeypatch.setitem(formats.IMPORTERS, "piped", piped)
    target = tmp_path / "dreams.piped"
    with open_journal(db_path) as journal:
        assert formats.export(journal, Filters(), "piped", target) == 1
    assert target.read_text(encoding="utf-8") == "2026-01-05|a lighthouse in the fog\n"
    target.write_text("2026-01-06|a second lighthouse\n", encoding="utf-8")
    assert "Imported 1 dream" in cli("import", target).stdout  # auto: told by the suffix the registry gives
    assert [d["body"] for d in json.loads(cli("list", "--json").stdout)] == ["a second lighthouse",
                                                                            "a lighthouse in the fog"]
    split = formats.split_conflict("piped", True, tmp_path / "notes")
    assert split and "--format markdown" in split  # only a format that can split is offered
