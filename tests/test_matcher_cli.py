"""The matcher as the user meets it: add, show, analyze, themes, reanalyze, --motif."""

import json


CHASE = "Someone was chasing me through the station and my legs felt like concrete."


def add(cli, *args, input=None):
    result = cli("add", *args, input=input)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def test_add_prints_motifs_with_evidence_and_meaning(cli):
    from dreamly.analysis import load_knowledge

    result = add(cli, CHASE)
    assert "Saved dream 1" in result.stdout
    knowledge = load_knowledge()
    assert "heavy_legs" in result.stdout and "chase" in result.stdout
    assert "legs felt like concrete" in result.stdout
    assert knowledge.motifs["heavy_legs"].meaning in " ".join(result.stdout.split())  # wrapped to the terminal


def test_add_stores_motifs_with_matcher_version_and_text_emotions(cli):
    from dreamly.analysis import MATCHER_VERSION

    add(cli, "I was terrified. " + CHASE, "-e", "frustration:3")
    dream = json.loads(cli("show", "1", "--json").stdout)
    motifs = {m["motif"] for m in dream["motifs"]}
    assert {"chase", "heavy_legs"} <= motifs
    assert {m["matcher_version"] for m in dream["motifs"]} == {MATCHER_VERSION}
    origins = {e["emotion"]: e["origin"] for e in dream["emotions"]}
    assert origins["frustration"] == "user" and origins["fear"] == "text"


def test_user_tagged_emotion_wins_over_the_text(cli):
    add(cli, "I was terrified of the dark hallway.", "-e", "fear:2")
    dream = json.loads(cli("show", "1", "--json").stdout)
    assert [(e["emotion"], e["intensity"], e["origin"]) for e in dream["emotions"] if e["emotion"] == "fear"] == [
        ("fear", 2, "user")]


def test_dream_is_saved_even_when_analysis_fails(cli, monkeypatch):
    from dreamly import analysis

    def broken(*args, **kwargs):
        raise RuntimeError("matcher bug")

    monkeypatch.setattr(analysis, "analyze", broken)
    result = cli("add", CHASE)
    assert result.exit_code == 0
    assert "Saved dream 1" in result.stdout
    assert "reanalyze" in result.stderr
    assert json.loads(cli("show", "1", "--json").stdout)["body"] == CHASE


def test_findings_wrap_to_the_terminal(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    result = add(cli, CHASE)
    lines = [line for line in result.stdout.splitlines()[1:] if not line.startswith("Recall streak")]
    assert len(lines) > 3 and all(len(line) <= 50 for line in lines)
    assert all(line.startswith("  ") for line in lines)


def test_unknown_motif_filter_is_an_error(cli):
    add(cli, CHASE)
    result = cli("list", "--motif", "chse")
    assert result.exit_code == 2  # a bad option value, as --format pdf
    assert "no motif 'chse'" in result.stderr and "dreamly themes" in result.stderr


def test_show_marks_the_evidence(cli):
    add(cli, CHASE)
    result = cli("show", "1")
    assert result.exit_code == 0
    assert "Motifs:" in result.stdout and "legs felt like concrete" in result.stdout


def test_analyze_json_shape_and_spans(cli):
    result = cli("analyze", "--json", input=CHASE)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"motifs", "emotions"}
    assert data["motifs"], data
    for hit in data["motifs"] + data["emotions"]:
        assert set(hit) >= {"id", "evidence", "start", "end"}
        assert CHASE[hit["start"]:hit["end"]] == hit["evidence"]
    assert cli("list", "--json").stdout.strip() == "[]"  # nothing was saved


def test_analyze_argument_plain_output(cli):
    result = cli("analyze", CHASE)
    assert result.exit_code == 0
    assert "chase" in result.stdout


def test_themes_lists_and_shows(cli):
    listing = cli("themes", "--json")
    ids = {m["id"] for m in json.loads(listing.stdout)}
    assert {"heavy_legs", "chase", "pursuer_animal", "falling", "teeth"} <= ids
    one = cli("themes", "heavy_legs")
    assert one.exit_code == 0 and "Questions" in one.stdout
    missing = cli("themes", "no_such_thing")
    assert missing.exit_code == 1 and "no motif" in missing.stderr


def test_list_and_search_filter_by_motif(cli):
    add(cli, CHASE)
    add(cli, "A calm walk by the lake with my sister.")
    listed = json.loads(cli("list", "--json", "--motif", "chase").stdout)
    assert [d["id"] for d in listed] == [1]
    found = json.loads(cli("search", "station", "--json", "--motif", "heavy_legs").stdout)
    assert [d["id"] for d in found] == [1]


def test_personal_motif_is_found_after_reanalyze(cli, tmp_path):
    add(cli, "I was back at grandma's house, the kitchen smelled of bread.")
    assert "grandmas_house" not in json.dumps(json.loads(cli("show", "1", "--json").stdout)["motifs"])
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    from dreamly.analysis import load_knowledge  # the personal-file shape is documented in motifs.toml

    example = (config / "motifs.toml")
    example.write_text(PERSONAL_MOTIF, encoding="utf-8")
    load_knowledge(example)  # valid
    result = cli("reanalyze")
    assert result.exit_code == 0, result.stderr
    assert "Re-analysed 1 dream" in result.stdout
    motifs = {m["motif"] for m in json.loads(cli("show", "1", "--json").stdout)["motifs"]}
    assert "grandmas_house" in motifs


def test_malformed_personal_motifs_is_one_clear_line(cli, tmp_path):
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "motifs.toml").write_text("[motifs.broken\nlabel = 'x'\n", encoding="utf-8")
    result = cli("themes")
    assert result.exit_code == 1
    assert "motifs.toml" in result.stderr and "line" in result.stderr
    # the dream itself is still saved when the personal file is broken
    saved = cli("add", CHASE)
    assert saved.exit_code == 0 and "Saved dream 1" in saved.stdout


PERSONAL_MOTIF = """
[motifs.grandmas_house]
label = "Grandma's house"
meaning = "Childhood safety and family ties."
keys = ["grandma", "granny"]
phrases = ["grand(?:ma|mother)'s (?:house|home|kitchen)"]
"""


def test_dropping_chase_drops_its_pursuer_for_good(cli):
    add(cli, "a big dog was chasing me down the lane and i ran")
    dream = json.loads(cli("show", "1", "--json").stdout)
    assert {"chase", "pursuer_animal"} <= {m["motif"] for m in dream["motifs"]}
    result = cli("edit", "1", "--drop-motif", "chase")
    assert result.exit_code == 0, result.output + result.stderr
    assert "no motif chase" in result.stdout
    for _ in range(2):  # as edited, and after a reanalysis
        dream = json.loads(cli("show", "1", "--json").stdout)
        assert not {m["motif"] for m in dream["motifs"]} & {"chase", "pursuer_animal"}
        assert "pursuer_animal" not in cli("show", "1").stdout.replace("Pursuer: animal", "")
        assert cli("reanalyze").exit_code == 0
    assert json.loads(cli("list", "--motif", "pursuer_animal", "--json").stdout) == []


def test_a_pursuer_the_dreamer_names_stays_when_chase_is_dropped(cli):
    add(cli, "a big dog was chasing me down the lane and i ran")
    assert cli("edit", "1", "--drop-motif", "chase", "--motif", "pursuer_animal").exit_code == 0
    dream = json.loads(cli("show", "1", "--json").stdout)
    motifs = {m["motif"] for m in dream["motifs"]}
    assert "pursuer_animal" in motifs and "chase" not in motifs
