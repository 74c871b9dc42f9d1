"""One truth about "someone else's": a motif the matcher files as about someone else is
shown as such after `add`, by `show`, left out of `list`'s motifs, and not counted by
`patterns`, so what you read after saving is what the weekly review counts."""

from __future__ import annotations

import json


def _owl_motif(tmp_path):
    from dreamly.paths import personal_motifs_path

    path = personal_motifs_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[motifs.owl]\nlabel = "Owl"\nsubject = "any"\nphrases = ["owls?"]\n', encoding="utf-8")


def test_someone_elses_motif_is_said_to_be_theirs_everywhere(cli, tmp_path):
    _owl_motif(tmp_path)
    added = cli("add", "My brother kept an owl in the shed. I was falling off the roof.")
    assert added.exit_code == 0, added.output
    assert "someone else" in added.output and "not counted as yours" in added.output
    shown = cli("show", "1")
    assert "About someone else in the dream" in shown.output
    mine, theirs = shown.output.split("About someone else in the dream")
    assert "Owl" in theirs and "Owl" not in mine and "Falling" in mine
    listed = cli("list")
    assert listed.output.splitlines()[1].split()[-1] == "falling"  # the motifs column: only mine
    assert "No dreams" in cli("list", "--motif", "owl").output + cli("list", "--motif", "owl").stderr
    report = json.loads(cli("patterns", "--json").stdout)
    assert "owl" not in json.dumps(report["motifs"]) and "falling" in json.dumps(report["motifs"])


def test_the_dreamers_own_exam_is_the_dreamers_whoever_else_is_in_the_sentence():
    from dreamly.analysis import analyze

    found = analyze("my history final was tomorrow and the teacher had moved it").motifs
    assert [(h.id, h.subject) for h in found] == [("late_or_exam", "dreamer")]
