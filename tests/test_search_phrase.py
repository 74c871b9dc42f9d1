"""Search: quoted phrases, and a word found in most dreams (the page is the newest dreams)."""

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dreamly.store import fulltext
from dreamly.store import Journal, NewDream


def add(cli, text, day):
    result = cli("add", text, "-d", day)
    assert result.exit_code == 0, result.output


def test_a_quoted_phrase_finds_the_words_side_by_side_and_in_order(cli):
    add(cli, "I waited at the train station all night", "2026-01-05")
    add(cli, "The station was empty; no train came", "2026-01-06")
    add(cli, "A station for trains, a train for stations", "2026-01-07")
    both_words = {h["id"] for h in json.loads(cli("search", "train station", "--json").stdout)}
    phrase = json.loads(cli("search", '"train station"', "--json").stdout)
    assert both_words == {1, 2, 3}
    assert [h["id"] for h in phrase] == [1]
    assert "[train station]" in phrase[0]["snippet"].replace("] [", " ")
    assert "train station" in cli("search", '"train station"').stdout


def test_a_phrase_mixes_with_words_and_prefixes(cli):
    add(cli, "the old train station by the river", "2026-01-05")
    add(cli, "the old train station in the hills", "2026-01-06")
    assert [h["id"] for h in json.loads(cli("search", 'river "train station"', "--json").stdout)] == [1]
    assert len(json.loads(cli("search", '"train stat"*', "--json").stdout)) == 2
    assert json.loads(cli("search", '"station train"', "--json").stdout) == []


def test_a_contraction_is_found_typed_either_way(cli):
    add(cli, "I couldn't move my legs", "2026-01-05")
    add(cli, "couldnt find the door and didnt care", "2026-01-06")
    add(cli, "a dream about a donut shop", "2026-01-07")
    found = {q: {h["id"] for h in json.loads(cli("search", q, "--json").stdout)}
             for q in ("couldnt", "couldn't", "couldn’t", "didn't", "door couldn't")}
    assert found == {"couldnt": {1, 2}, "couldn't": {1, 2}, "couldn’t": {1, 2}, "didn't": {2}, "door couldn't": {2}}


def test_search_help_explains_phrases(cli):
    out = cli("search", "--help").stdout
    assert "phrase" in out and '"train station"' in out


@given(st.lists(st.sampled_from(list('"*-()^:+ aé\x00') + ["AND", "NOT", "OR", "NEAR", "train"]), max_size=12).map("".join))
@settings(max_examples=150 * settings.default.max_examples // 100, deadline=None)
def test_no_typed_query_is_read_as_fts_syntax(tmp_path_factory, text):
    """Whatever the person types, the query either runs or is refused as empty."""
    path = tmp_path_factory.getbasetemp() / "fts-syntax.db"
    with Journal.open(path) as journal:
        if not journal.count():
            journal.add(NewDream(body="a train station, OR near the AND", dreamt_on=date(2026, 1, 1)))
        try:
            query = fulltext.fts_query(text)
        except Exception as exc:  # only the one clear refusal
            assert "nothing to search for" in str(exc)
            return
        journal.conn.execute("SELECT rowid FROM dreams_fts WHERE dreams_fts MATCH ?", (query,)).fetchall()


def test_a_word_in_most_dreams_shows_the_newest_and_says_so(cli, db_path, monkeypatch):
    monkeypatch.setattr(fulltext, "RANK_LIMIT", 5)
    start = date(2026, 1, 1)
    with Journal.open(db_path) as journal:
        for n in range(12):  # added out of date order: the page follows the dates, not the ids
            day = start + timedelta(days=(n * 5) % 12)
            journal.add(NewDream(body=f"a park, dream {n}" + (" park park" if n == 3 else ""), dreamt_on=day))
        journal.add(NewDream(body="no green here", dreamt_on=start + timedelta(days=30)))
    result = cli("search", "park", "-n", "3")
    assert "newest first" in result.stderr
    hits = json.loads(cli("search", "park", "-n", "3", "--json").stdout)
    assert [h["dreamt_on"] for h in hits] == [(start + timedelta(days=d)).isoformat() for d in (11, 10, 9)]
    assert all("[park]" in h["snippet"] for h in hits)
    # filters still apply, and a rarer query is ranked again
    assert json.loads(cli("search", "park", "--until", "2026-01-02", "--json").stdout)[0]["dreamt_on"] == "2026-01-02"
    ranked = cli("search", '"park park"', "--json")
    assert [h["body"] for h in json.loads(ranked.stdout)] == ["a park, dream 3 park park"]
    assert "newest first" not in cli("search", '"park park"').stderr
