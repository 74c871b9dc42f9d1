"""`dreamly patterns --html`: the weekly review as one self-contained page.

The page is well-formed XML (polyglot HTML), so the standard library reads it; every
finding of `patterns --json` has an element marked `data-finding` in it.
"""

import html
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from dreamly.demo import HARD_FORTNIGHT_ENDS

HOSTILE_TITLE = "<script>alert(1)</script>"


@pytest.fixture
def demo_db(cli, tmp_path):
    db = tmp_path / "demo.db"
    assert cli("demo", "--db", db).exit_code == 0
    return db


def hard_week() -> str:
    """The end of the demo's red-flag fortnight: the page with the most to say."""
    return (date.today() - timedelta(days=HARD_FORTNIGHT_ENDS)).isoformat()


def page_and_report(cli, *args):
    result = cli("patterns", *args, "--html", "-")
    assert result.exit_code == 0, result.output
    report = json.loads(cli("patterns", *args, "--json").stdout)
    return result.stdout, report


def parse(page: str) -> ET.Element:
    return ET.fromstring(page.encode("utf-8"))


def findings(root) -> dict[str, str]:
    """data-finding -> all the text inside it (SVG <title>s included)."""
    return {node.attrib["data-finding"]: " ".join("".join(node.itertext()).split())
            for node in root.iter() if "data-finding" in node.attrib}


def test_the_page_holds_every_finding_of_the_json(cli, demo_db):
    page, report = page_and_report(cli, "--db", demo_db, "--until", hard_week())
    found = findings(parse(page))
    assert report["red_flag"] and report["links"] and report["recurring"] and report["pursuers"]  # a full page
    o = report["overview"]
    assert f"{o['dreams']} dream" in found["overview"] and f"{o['nightmares']} nightmares" in found["overview"]
    for week in report["weeks"]:
        assert f"{week['dreams']} dream" in found[f"week:{week['start']}"]
    pursuers = {p["id"] for p in report["pursuers"]}
    for motif in report["motifs"]:
        key = f"pursuer:{motif['id']}" if motif["id"] in pursuers else f"motif:{motif['id']}"
        name = motif["label"].split(": ")[-1]  # under "Who or what chases you", "Pursuer: animal" is "Animal"
        assert name.lower() in found[key].lower(), key
        if motif["count"]:
            assert f"{motif['count']} this week" in found[key]
    assert f"{report['cant_run']['count']} this week" in found["cant_run"]
    for emotion in report["emotions"]:
        assert f"{emotion['count']} this week" in found[f"emotion:{emotion['id']}"]
    assert "pursuer-shift" in found
    for link in report["links"]:
        assert f"{link['lift']:.1f}× the usual rate" in found[f"link:{link['tag']}:{link['motif']}"]
    for link in report["emotion_links"]:
        assert f"in {link['count']} of its" in found[f"emotion-link:{link['tag']}:{link['emotion']}"] or \
            f"in all {link['count']}" in found[f"emotion-link:{link['tag']}:{link['emotion']}"]
    for i, group in enumerate(report["recurring"]):
        assert f"{group['times']} times" in found[f"recurring:{i}"]
    assert " ".join(report["red_flag"]["message"].split()) in found["red-flag"]
    for item in report["suggestions"]:
        assert item["question"] in found[f"suggestion:{item['motif']}"]
        assert item["try"] in found[f"suggestion:{item['motif']}"]


def test_charts_and_thumbnails_are_inline_svg(cli, demo_db):
    page, report = page_and_report(cli, "--db", demo_db, "--until", hard_week())
    root = parse(page)
    charts = {node.attrib["data-chart"]: node for node in root.iter() if "data-chart" in node.attrib}
    assert set(charts) == {"weeks", "motifs", "emotions", "pursuers"}
    for node in charts.values():
        assert node.find("{http://www.w3.org/2000/svg}svg") is not None
    thumbs = [node for node in root.iter() if "data-dream" in node.attrib and node.tag == "figure"]
    assert len(thumbs) == report["overview"]["dreams"]
    # each picture's gradients have ids of their own, so thumbnails don't borrow each other's sky
    ids = [node.attrib["id"] for node in root.iter() if "id" in node.attrib]
    assert len(ids) == len(set(ids))


def test_the_page_loads_nothing_from_anywhere(cli, demo_db):
    page, _ = page_and_report(cli, "--db", demo_db, "--until", hard_week())
    root = parse(page)
    assert not [node for node in root.iter() if node.tag.split("}")[-1] in ("script", "link", "img", "iframe")]
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    csp = next(node for node in root.iter() if node.attrib.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp.attrib["content"]
    assert 'name="viewport"' in page and "@media print" in page


def test_a_hostile_title_is_text_on_the_page(cli):
    assert cli("add", "I was chased by a dog", "--title", HOSTILE_TITLE, "-e", "fear:3").exit_code == 0
    page, _ = page_and_report(cli)
    root = parse(page)
    assert not [node for node in root.iter() if node.tag.split("}")[-1] == "script"]
    assert HOSTILE_TITLE in "".join(root.itertext())
    assert "<script>" not in page


def test_html_file_is_private_and_named(cli, demo_db, tmp_path):
    target = tmp_path / "review.html"
    result = cli("patterns", "--db", demo_db, "--html", target)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert str(target) in result.stderr and result.stdout == ""
    parse(target.read_text(encoding="utf-8"))


def test_an_empty_window_is_a_page_that_says_so(cli, tmp_path):
    page, _ = page_and_report(cli, "--since", "2020-01-01", "--until", "2020-01-07")
    assert "No dreams from 1 Jan – 7 Jan 2020" in "".join(parse(page).itertext())


def test_html_with_json_or_markdown_is_refused(cli, tmp_path):
    for extra in ("--json", "--markdown"):
        result = cli("patterns", "--html", tmp_path / "x.html", extra)
        assert result.exit_code == 2 and "use one of" in result.stderr  # a usage error
        assert not (tmp_path / "x.html").exists()
    result = cli("patterns", "--html", tmp_path / "no" / "x.html")
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_the_three_views_show_the_sections_and_rows_one_place_chose(cli, demo_db):
    """review/sections.py decides; the terminal, the Markdown and the page only draw: each
    shows the same sections in the same order, every row of each, and the page the rest."""
    from dreamly.review.sections import sections
    from dreamly.review.words import link_sentence, recurring_name

    args = ("--db", demo_db, "--until", hard_week())
    report = json.loads(cli("patterns", *args, "--json").stdout)
    chosen = sections(report)
    titles = {"overview": "Overview", "weeks": "Dreams per week", "motifs": "Motifs", "emotions": "Feelings by week",
              "pursuers": "Who or what chases you", "links": "What travels together", "signs": "Dream signs",
              "recurring": "Dreams that come back", "red_flag": "Worth noticing", "suggestions": "To take with you"}
    assert [s.key for s in chosen][:3] == ["overview", "weeks", "motifs"] and len(chosen) >= 8
    terminal = " ".join(cli("patterns", *args).stdout.split())
    markdown = cli("patterns", *args, "--markdown").stdout
    page = cli("patterns", *args, "--html", "-").stdout
    headings = [line[3:] for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == [titles[s.key] for s in chosen]
    assert [t for t in re.findall(r"<h2>([^<]+)</h2>", page) if t in titles.values()] == [titles[s.key] for s in chosen]
    positions = [terminal.index(titles[s.key]) for s in chosen]
    assert positions == sorted(positions)
    by_key = {s.key: s for s in chosen}
    links = by_key["links"]
    assert links.rows and any(kind == "emotion" for kind, _ in links.rows)
    for kind, link in links.rows:  # every chosen row in every view
        sentence = link_sentence(link, kind)
        assert " ".join(sentence.split()) in terminal and sentence in markdown
        assert html.escape(sentence[1:], quote=False) in page
    for kind, link in links.more:  # the rest on the page only
        sentence = link_sentence(link, kind)
        assert sentence not in markdown and html.escape(sentence[1:], quote=False) in page
    for group in by_key["recurring"].rows:
        assert recurring_name(group) in markdown and recurring_name(group) in terminal
