"""Dream signs and lucid dreaming (issue 17): short texts of our own, hand-made journals
whose right answer is known, through the real CLI and a real SQLite journal."""

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dreamly.analysis import signs as finder
from dreamly.review import signs as sign_review

DAY = date(2026, 3, 2)  # a Monday, long past


def add(cli, text, day, *extra):
    result = cli("add", text, "--date", day.isoformat(), *extra)
    assert result.exit_code == 0, result.output
    return result


def signs_json(cli, *args):
    result = cli("signs", "--json", "--limit", "50", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_sign(report):
    return {s["sign"]: s for s in report["signs"]}


# -- finding them: a name, a relation, a place, a motif --------------------------------------


def test_a_name_is_found_as_a_sign(cli):
    add(cli, "I was at the pier when Marguerite waved at me.", DAY)
    add(cli, "We ate soup and Marguerite laughed at the clouds.", DAY + timedelta(days=1))
    sign = by_sign(signs_json(cli))["marguerite"]
    assert sign["kind"] == "person" and sign["label"] == "Marguerite" and sign["dreams"] == 2
    assert [e["text"].count("[Marguerite]") for e in sign["excerpts"]] == [1, 1]


def test_a_capitalised_word_at_a_sentence_start_is_a_name_only_when_english_hardly_uses_it():
    keys = {c.key: c.kind for c in finder.extract("Suddenly the lights went out. Quiet filled the hall. "
                                                   "Ottoline laughed.")}
    assert "suddenly" not in keys and "quiet" not in keys and keys["ottoline"] == "person"


def test_a_relation_is_found_as_a_sign(cli):
    add(cli, "My brother was fixing a kite in the rain.", DAY)
    add(cli, "I argued with my older brother about a map.", DAY + timedelta(days=3))
    sign = by_sign(signs_json(cli))["brother"]
    assert sign["kind"] == "person" and sign["label"] == "my brother" and sign["dreams"] == 2
    assert "[My brother]" in sign["excerpts"][-1]["text"]


def test_grandma_and_gran_are_the_same_person_and_her_attic_a_place():
    found = {c.key: c.kind for c in finder.extract("Grandma's attic was dusty.")}
    again = {c.key: c.kind for c in finder.extract("I climbed into gran's attic with a torch.")}
    assert found["grandmother"] == again["grandmother"] == "person"
    assert found["grandmother's attic"] == again["grandmother's attic"] == "place"


def test_typed_shorthand_is_no_sign_and_thru_leads_to_a_place():
    # "a big dog thru the woods" gave the sign "dog thru"
    from dreamly.analysis.signs import extract

    assert [c.key for c in extract("was being chased by a big dog thru the woods tho lol")] == ["dog", "woods"]
    assert [(c.key, c.kind) for c in extract("ran thru the old school")] == [(c.key, c.kind) for c in extract(
        "ran through the old school")]


def test_a_place_is_found_as_a_sign(cli):
    add(cli, "I was walking through the old school looking for a classroom.", DAY)
    add(cli, "Back at the old school, the lockers were painted blue.", DAY + timedelta(days=2))
    signs = by_sign(signs_json(cli))
    assert signs["old school"]["kind"] == "place" and signs["old school"]["dreams"] == 2
    assert "school" not in signs  # the phrase stands in for its head word
    assert "[old school]" in signs["old school"]["excerpts"][0]["text"]


def test_a_motif_is_found_as_a_sign(cli):
    add(cli, "A wolf was chasing me across a frozen field.", DAY)
    add(cli, "Someone was chasing me through the market.", DAY + timedelta(days=1))
    sign = by_sign(signs_json(cli))["motif:chase"]
    assert sign["kind"] == "motif" and sign["dreams"] == 2 and sign["label"] == "Being chased"
    assert all("chasing me" in e["text"] and "[" in e["text"] for e in sign["excerpts"])


def test_a_personal_motif_is_a_personal_sign(cli, isolated):
    config = isolated / "config"
    config.mkdir()
    (config / "motifs.toml").write_text(
        '[motifs.blue_door]\nlabel = "The blue door"\nmeaning = "A threshold I keep meeting."\n'
        'keys = ["door"]\nsubject = "any"\nphrases = ["blue door"]\n', encoding="utf-8")
    add(cli, "There was a blue door at the end of the corridor.", DAY)
    add(cli, "Again the blue door, slightly open.", DAY + timedelta(days=1))
    sign = by_sign(signs_json(cli))["motif:blue_door"]
    assert sign["kind"] == "personal motif" and sign["label"] == "The blue door"
    assert [s["sign"] for s in signs_json(cli, "--kind", "personal")["signs"]] == ["motif:blue_door"]


def test_kind_filters(cli):
    add(cli, "My sister and Tobias were at the station.", DAY)
    add(cli, "At the station again, Tobias met my sister.", DAY + timedelta(days=1))
    kinds = {s["kind"] for s in signs_json(cli, "--kind", "place")["signs"]}
    assert kinds == {"place"}
    people = {s["sign"] for s in signs_json(cli, "-k", "person")["signs"]}
    assert people == {"sister", "tobias"}


# -- ranking ------------------------------------------------------------------------------------


def test_a_common_word_never_outranks_a_rare_one_with_the_same_recurrence():
    rows = [("house", "place", 4, "2026-01-01", "2026-02-01", 0),
            ("attic", "place", 4, "2026-01-01", "2026-02-01", 0),
            ("thing", "thing", 4, "2026-01-01", "2026-02-01", 0)]
    ranked = [s["sign"] for s in sign_review.rank(rows)]
    assert ranked.index("attic") < ranked.index("house")


@settings(max_examples=200 * settings.default.max_examples // 100, deadline=None)
@given(st.sampled_from(sorted(finder.zipf_table())), st.sampled_from(sorted(finder.zipf_table())),
       st.integers(min_value=2, max_value=500))
def test_at_equal_counts_the_rarer_word_ranks_first(a, b, dreams):
    lex = finder.lexicon()
    if a == b or a in lex.stop or b in lex.stop or finder.zipf(a) == finder.zipf(b):
        return
    rows = [(a, "thing", dreams, "2026-01-01", "2026-01-02", 0), (b, "thing", dreams, "2026-01-01", "2026-01-02", 0)]
    first = sign_review.rank(rows)[0]["sign"]
    assert first == (a if finder.zipf(a) < finder.zipf(b) else b)


def test_the_house_ranks_below_grandmas_attic(cli):
    for n in range(10):
        add(cli, f"I was in the house again, room {n}.", DAY + timedelta(days=n))
    for n in range(4):
        add(cli, f"I climbed up to grandma's attic, step {n}.", DAY + timedelta(days=20 + n))
    order = [s["sign"] for s in signs_json(cli)["signs"]]
    assert order.index("grandmother's attic") < order.index("house")


def test_once_is_not_a_sign(cli):
    add(cli, "A lighthouse with a red stripe.", DAY)
    assert signs_json(cli)["signs"] == []
    result = cli("signs")
    assert result.exit_code == 0 and "two dreams at least" in result.stderr


# -- hiding ---------------------------------------------------------------------------------------


def test_hidden_signs_stay_hidden(cli):
    add(cli, "The lighthouse keeper waved from the lighthouse.", DAY)
    add(cli, "I swam towards the lighthouse in the fog.", DAY + timedelta(days=1))
    assert "lighthouse" in by_sign(signs_json(cli))
    result = cli("signs", "--hide", "The Lighthouse")
    assert result.exit_code == 0 and "Hidden: lighthouse" in result.stdout
    assert "lighthouse" not in by_sign(signs_json(cli))
    add(cli, "A lighthouse again, taller than before.", DAY + timedelta(days=2))  # new dreams don't bring it back
    assert "lighthouse" not in by_sign(signs_json(cli))
    assert signs_json(cli)["hidden"] == 1
    assert json.loads(cli("signs", "--hidden", "--json").stdout) == ["lighthouse"]
    patterns = json.loads(cli("patterns", "--since", DAY.isoformat(), "--until", (DAY + timedelta(days=6)).isoformat(),
                              "--json").stdout)
    assert all(s["sign"] != "lighthouse" for part in ("new", "strongest") for s in patterns["signs"][part])
    assert cli("signs", "--unhide", "lighthouse").exit_code == 0
    assert by_sign(signs_json(cli))["lighthouse"]["dreams"] == 3


def test_a_motif_is_hidden_by_its_label_or_id(cli):
    add(cli, "A wolf was chasing me across a frozen field.", DAY)
    add(cli, "Someone was chasing me through the market.", DAY + timedelta(days=1))
    assert cli("signs", "--hide", "being chased").exit_code == 0
    assert "motif:chase" not in by_sign(signs_json(cli))
    assert cli("signs", "--unhide", "chase").exit_code == 0
    assert "motif:chase" in by_sign(signs_json(cli))


@pytest.mark.parametrize("shown, key", [("The old school", "old school"), ("Grandma", "grandmother"),
                                        ("my grandmother", "grandmother"), ("Mrs. Halloran", "halloran"),
                                        ("Gran's kitchen", "grandmother's kitchen"), ("Aunt May", "aunt may")])
def test_a_sign_is_hidden_by_the_words_it_is_shown_with(shown, key):
    assert finder.normalise_key(shown) == key
    assert key in {c.key for c in finder.extract(f"I dreamt of {shown} last week, at home.")}


def test_unhiding_what_is_not_hidden_is_one_error_line(cli):
    result = cli("signs", "--unhide", "moon")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "Traceback" not in result.output


# -- --json -----------------------------------------------------------------------------------------


def test_json_fields_are_stable(cli):
    add(cli, "Marguerite was at the old school.", DAY)
    add(cli, "At the old school I met Marguerite by the gate.", DAY + timedelta(days=1))
    report = signs_json(cli)
    assert set(report) == {"window", "dreams", "lucid_dreams", "order", "more", "hidden", "signs"}
    assert report["window"] == {"since": None, "until": None}
    for sign in report["signs"]:
        assert list(sign) == ["sign", "kind", "label", "dreams", "first", "last", "lucid_dreams", "lift", "rarity",
                              "score", "excerpts"]
        assert sign["kind"] in finder.KINDS
        for excerpt in sign["excerpts"]:
            assert list(excerpt) == ["dream_id", "dreamt_on", "text"]
    assert by_sign(report)["old school"]["first"] == DAY.isoformat()
    assert by_sign(report)["old school"]["last"] == (DAY + timedelta(days=1)).isoformat()


def test_since_and_until_count_only_their_dreams(cli):
    for n in range(3):
        add(cli, "The harbour at night, boats knocking.", DAY + timedelta(days=n * 10))
    window = signs_json(cli, "--since", (DAY + timedelta(days=5)).isoformat())
    assert window["dreams"] == 2 and by_sign(window)["harbour"]["dreams"] == 2
    assert by_sign(window)["harbour"]["first"] == (DAY + timedelta(days=10)).isoformat()
    assert signs_json(cli, "--until", DAY.isoformat())["signs"] == []


# -- keeping them in step ---------------------------------------------------------------------------


def test_edit_and_delete_keep_signs_in_step(cli):
    add(cli, "The lighthouse in the fog.", DAY)
    add(cli, "Another lighthouse, red and white.", DAY + timedelta(days=1))
    assert by_sign(signs_json(cli))["lighthouse"]["dreams"] == 2
    assert cli("edit", "2", "--text", "A windmill by the canal.").exit_code == 0
    assert "lighthouse" not in by_sign(signs_json(cli))
    assert cli("edit", "2", "--text", "The lighthouse again.").exit_code == 0
    assert cli("edit", "2", "--date", (DAY + timedelta(days=9)).isoformat()).exit_code == 0
    assert by_sign(signs_json(cli))["lighthouse"]["last"] == (DAY + timedelta(days=9)).isoformat()
    assert cli("delete", "1", "--yes").exit_code == 0
    assert "lighthouse" not in by_sign(signs_json(cli))


def test_import_and_reanalyze_keep_signs_in_step(cli, tmp_path, db_path):
    from dreamly.store import Journal

    def stored(path, sign):
        with Journal.open(path) as journal:
            return journal.conn.execute("SELECT count(*) FROM dream_signs WHERE sign = ?", (sign,)).fetchone()[0]

    for n in range(3):
        add(cli, f"My brother and I at the harbour; someone was chasing me, day {n}.", DAY + timedelta(days=n))
    export = tmp_path / "out.json"
    assert cli("export", "--format", "json", "-o", export).exit_code == 0
    other = tmp_path / "other.db"
    assert cli("import", export, "--db", other).exit_code == 0
    assert stored(other, "motif:chase") == 3  # motif signs come with the matcher's output
    assert stored(other, "brother") == 0      # the text is read once, by the first command that shows signs
    assert by_sign(signs_json(cli, "--db", other))["brother"]["dreams"] == 3
    assert stored(other, "brother") == 3
    assert cli("reanalyze").exit_code == 0
    assert stored(db_path, "motif:chase") == 3  # re-tagged in the same transaction as the motifs
    assert by_sign(signs_json(cli))["motif:chase"]["dreams"] == 3


# -- lucidity --------------------------------------------------------------------------------------


def test_lucidity_implies_lucid_and_travels(cli, tmp_path):
    result = cli("add", "I knew I was dreaming and flew over the old school.", "--date", DAY.isoformat(),
                 "--lucidity", "4", "--json")
    dream = json.loads(result.stdout)
    assert dream["lucid"] is True and dream["lucidity"] == 4
    assert "lucidity 4/5" in cli("show", "1").stdout
    assert cli("add", "x", "--lucidity", "6").exit_code == 2
    export = tmp_path / "out.json"
    assert cli("export", "--format", "json", "-o", export).exit_code == 0
    assert json.loads(export.read_text())["dreams"][0]["lucidity"] == 4
    other = tmp_path / "other.db"
    assert cli("import", export, "--db", other).exit_code == 0
    again = json.loads(cli("show", "1", "--json", "--db", other).stdout)
    assert again["lucid"] is True and again["lucidity"] == 4
    assert json.loads(cli("edit", "1", "--not-lucid", "--json").stdout)["lucidity"] is None
    assert json.loads(cli("edit", "1", "--lucidity", "2", "--json").stdout)["lucid"] is True


def _hand_made_lucid_journal(cli):
    """Ten dreams in the week of 9-15 March 2026 and its baseline: the station in 4 dreams,
    2 of them lucid; 4 lucid dreams in all, 2 of them in the window."""
    texts = [
        # window: 9-15 March (4 dreams, 2 lucid)
        (date(2026, 3, 9), "I stood at the station and knew I was dreaming.", True),
        (date(2026, 3, 10), "The clock at the station ran backwards; I was dreaming and flew off.", True),
        (date(2026, 3, 11), "A quiet walk in a meadow with Ottoline.", False),
        (date(2026, 3, 12), "The station again, crowded and loud.", False),
        # baseline: 9 Feb - 8 March (6 dreams, 2 lucid)
        (date(2026, 2, 10), "Ottoline showed me a meadow full of bees.", True),
        (date(2026, 2, 12), "The station had no trains at all.", False),
        (date(2026, 2, 17), "A meadow under snow; I knew it was a dream.", True),
        (date(2026, 2, 20), "A long queue at the bakery.", False),
        (date(2026, 2, 25), "A long queue at the bakery again.", False),
        (date(2026, 3, 3), "The bakery was closed.", False),
    ]
    for day, text, lucid in texts:
        add(cli, text, day, *(["--lucid"] if lucid else []))


def test_lucid_rate_and_trend_in_patterns(cli):
    _hand_made_lucid_journal(cli)
    report = json.loads(cli("patterns", "--since", "2026-03-09", "--until", "2026-03-15", "--json").stdout)
    lucid = report["signs"]["lucid"]
    assert lucid["dreams"] == 2 and lucid["rate"] == 0.5
    assert lucid["baseline_rate"] == round(2 / 6, 3) and lucid["trend"] == "rising"
    weeks = {w["start"]: (w["dreams"], w["lucid"]) for w in lucid["weeks"]}
    assert weeks["2026-03-09"] == (4, 2) and weeks["2026-02-09"] == (2, 1) and weeks["2026-03-02"] == (1, 0)
    in_lucid = {s["sign"]: s for s in report["signs"]["in_lucid"]}
    # the station: 2 of the 4 lucid dreams (50%), 2 of the 6 others (33%); lift (2/4) / (4/10)
    assert in_lucid["station"]["lucid_dreams"] == 2 and in_lucid["station"]["other_dreams"] == 2
    assert in_lucid["station"]["lucid_share"] == 0.5 and in_lucid["station"]["other_share"] == 0.33
    assert in_lucid["station"]["lift"] == 1.25


def test_lucid_lift_is_right_on_a_hand_made_journal(cli):
    _hand_made_lucid_journal(cli)
    report = signs_json(cli, "--lucid")
    assert report["order"] == "lucid lift" and report["lucid_dreams"] == 4 and report["dreams"] == 10
    lifts = {s["sign"]: s["lift"] for s in report["signs"]}
    # meadow: 3 dreams, 2 lucid -> (2/3) / (4/10) = 1.67; station (2/4) / (4/10) = 1.25; the bakery never lucid
    assert lifts == {"meadow": 1.67, "station": 1.25}
    assert [s["sign"] for s in report["signs"]] == ["meadow", "station"]


def test_the_review_shows_the_same_signs_section_in_all_three_views(cli, tmp_path):
    _hand_made_lucid_journal(cli)
    window = ("--since", "2026-03-09", "--until", "2026-03-15")
    section = json.loads(cli("patterns", *window, "--json").stdout)["signs"]
    terminal = cli("patterns", *window).stdout
    markdown = cli("patterns", *window, "--markdown").stdout
    page = cli("patterns", *window, "--html", "-").stdout
    from dreamly.review.sign_words import lucid_sentence

    sentence = lucid_sentence(section)
    assert "Lucid: 2 of 4 dreams" in sentence and "rising" in sentence
    assert sentence in " ".join(terminal.split()) and sentence in markdown
    assert "## Dream signs" in markdown and 'data-finding="signs"' in page
    assert "In lucid dreams" in markdown and "station" in markdown


# -- tonight -------------------------------------------------------------------------------------


def test_tonight_with_no_dreams(cli):
    result = cli("tonight")
    assert result.exit_code == 0 and "Nothing for tonight yet" in result.stdout
    assert json.loads(cli("tonight", "--json").stdout) == {"dream": None, "rehearsals": [], "signs": []}


def test_tonight_with_no_signs(cli):
    add(cli, "A lighthouse with a red stripe.", DAY)
    data = json.loads(cli("tonight", "--json").stdout)
    assert data["dream"]["id"] == 1 and data["signs"] == [] and data["rehearsals"] == []
    result = cli("tonight")
    assert result.exit_code == 0 and "am I dreaming?" in result.stdout


def test_tonight_with_rehearsals_and_signs_from_the_latest_dream_that_was_not_lucid(cli):
    add(cli, "My brother and I were lost at the harbour.", DAY)
    add(cli, "The harbour again; my brother rowed a boat.", DAY + timedelta(days=1))
    add(cli, "Ottoline and the windmill.", DAY + timedelta(days=2))
    add(cli, "Ottoline at the windmill; I knew I was dreaming.", DAY + timedelta(days=3), "--lucid")
    assert cli("rehearse", "1", "This time the fog lifts and the boat finds the shore.").exit_code == 0
    data = json.loads(cli("tonight", "--json").stdout)
    assert data["dream"]["id"] == 3  # the lucid dream of the 5th is passed over
    assert {s["sign"] for s in data["signs"]} <= {"ottoline", "windmill"} and data["signs"]
    assert all(s["intention"].endswith("I will check whether I am dreaming.") for s in data["signs"])
    assert [r["body"] for r in data["rehearsals"]] == ["This time the fog lifts and the boat finds the shore."]
    # the same endings as `rehearse --tonight`
    assert data["rehearsals"] == json.loads(cli("rehearse", "--tonight", "--json").stdout)
    text = cli("tonight").stdout
    assert "This time the fog lifts" in text and "When I see Ottoline, I will check whether I am dreaming." in text
    assert len(data["signs"]) <= 3


def test_tonight_is_short_enough_for_a_small_window(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for n in range(4):
        add(cli, f"My brother, Ottoline and the old station at night, part {n}.", DAY + timedelta(days=n))
    lines = cli("tonight").stdout.splitlines()
    assert len(lines) <= 14 and all(len(line) <= 80 for line in lines)


# -- the schema ------------------------------------------------------------------------------------


def test_a_journal_of_the_previous_schema_opens_and_loses_nothing(cli, db_path):
    import importlib.util
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    spec = importlib.util.spec_from_file_location("make_v1_journal", fixtures / "make_v1_journal.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.load(fixtures / "v1_journal.sql", db_path)
    before = [tuple(r) for r in __import__("sqlite3").connect(db_path).execute(
        "SELECT id, dreamt_on, body, lucid FROM dreams ORDER BY id")]
    listed = json.loads(cli("list", "--json").stdout)
    assert sorted((d["id"], d["dreamt_on"], d["body"], d["lucid"]) for d in listed) == \
        sorted((i, day, body, bool(lucid)) for i, day, body, lucid in before)
    assert all(d["lucidity"] is None for d in listed)
    assert cli("signs", "--json").exit_code == 0  # and its dreams' signs are read on first use


def test_add_does_no_sign_work(cli, db_path):
    from dreamly.store import Journal

    add(cli, "My brother at the old station.", DAY)
    with Journal.open(db_path) as journal:
        assert journal.conn.execute("SELECT count(*) FROM dream_signs").fetchone()[0] == 0
    assert "brother" in {c.key for c in finder.extract("My brother at the old station.")}


@pytest.mark.parametrize("text", ["", "   ", "!!!", "'s", "Mr.", "the", "My", "Gran's", "’", "A B C D", "I I I"])
def test_odd_texts_do_not_break_the_finder(text):
    for candidate in finder.extract(text, spans=True):
        assert candidate.key and 0 <= candidate.start <= candidate.end <= len(text)


@settings(max_examples=150 * settings.default.max_examples // 100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAbBmMyY sS'’.,!?\n-tThHeEgGrRnN")), max_size=80))
def test_the_finder_takes_any_text(text):
    for candidate in finder.extract(text, spans=True):
        assert candidate.kind in finder.KINDS and 0 <= candidate.start <= candidate.end <= len(text)


def test_tonight_does_not_say_one_thing_twice(cli):
    # "When I am late, or sitting an exam…" and then "When I am at the exam…"
    for day in ("2026-01-05", "2026-01-06", "2026-01-07"):
        assert cli("add", "I was late for the exam again and my grandmother was there", "-d", day).exit_code == 0
    signs = json.loads(cli("tonight", "--json").stdout)["signs"]
    labels = [s["label"].lower() for s in signs]
    assert any("exam" in label for label in labels)
    assert sum("exam" in label for label in labels) == 1, labels
    assert any("grandmother" in label for label in labels)
