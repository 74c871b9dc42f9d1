"""`dreamly picture`: a dream drawn as SVG from its motifs and feelings, and its image prompt.

Dreams are written through the CLI and the real matcher, so each test checks what a
person would get for the dream they typed.
"""

import json
import os
import re
import stat
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dreamly import picture

SVG = "{http://www.w3.org/2000/svg}"
CHASE_DREAM = "I was chased through the woods by a dog. My legs felt like concrete and I couldn't run."
HOSTILE_TITLE = "<script>alert(1)</script>"


def add(cli, text, *args):
    result = cli("add", text, *args)
    assert result.exit_code == 0, result.output
    return int(result.stdout.split("Saved dream ")[1].split()[0])


def svg_of(cli, dream_id) -> str:
    result = cli("picture", dream_id)
    assert result.exit_code == 0, result.output
    return result.stdout


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode("utf-8"))  # bytes: the XML declaration names the encoding
    assert root.tag == SVG + "svg"
    return root


def elements(root) -> dict[str, set]:
    """element name -> the motifs it was drawn for."""
    found: dict[str, set] = {}
    for node in root.iter():
        if "data-element" in node.attrib:
            found.setdefault(node.attrib["data-element"], set()).add(node.attrib.get("data-motif"))
    return found


def layout(svg: str) -> str:
    """The SVG without what names the dream (its id, date and title)."""
    svg = re.sub(r'\bd\d+-', "d-", svg)
    svg = re.sub(r'data-dream="\d+"', "", svg)
    svg = re.sub(r"<title.*?</desc>", "", svg)
    return re.sub(r"#\d+ · [\d-]+", "", svg)


def test_a_chase_with_heavy_legs_draws_a_sunk_figure_and_the_animal_behind_it(cli):
    dream_id = add(cli, CHASE_DREAM, "-e", "fear:4")
    root = parse(svg_of(cli, dream_id))
    drawn = elements(root)
    assert drawn["sunk"] == {"heavy_legs"}
    assert drawn["shadow"] == {"chase"}
    assert drawn["animal"] == {"pursuer_animal"}  # the shadow is shaped by who chases
    assert "figure" in drawn and "caption" in drawn
    assert root.attrib["data-palette"] == "fear"
    assert root.attrib["viewBox"] == "0 0 640 480"


@pytest.mark.parametrize("text, element, motif", [
    ("I fell off a cliff and kept falling.", "fall", "falling"),
    ("I was flying over the rooftops.", "flight", "flying"),
    ("My teeth crumbled and fell out.", "teeth", "teeth"),
    ("I was late for the exam and couldn't find the room.", "clock", "late_or_exam"),
    ("I was trapped in a room with no way out.", "door", "trapped"),
    ("A tall man with no face was chasing me.", "monster", "pursuer_stranger_or_monster"),
    ("Something I couldn't see was following me.", "fog", "pursuer_invisible"),
    ("I was running in slow motion.", "trails", "slow_motion"),
])
def test_each_motif_adds_its_element(cli, text, element, motif):
    drawn = elements(parse(svg_of(cli, add(cli, text))))
    assert motif in drawn.get(element, set()), drawn


def test_the_same_dream_always_gives_the_same_picture_and_other_dreams_differ(cli):
    first = add(cli, CHASE_DREAM, "-e", "fear:4")
    same_words = add(cli, CHASE_DREAM, "-e", "fear:4", "--date", "yesterday")
    other = add(cli, "I was flying over a calm sea.", "-e", "joy:5")
    picture_1 = svg_of(cli, first)
    assert svg_of(cli, first) == picture_1
    # composition is seeded by the id: with the id and date themselves taken out, the two
    # pictures of the same words still differ (positions, shapes)
    assert layout(svg_of(cli, same_words)) != layout(picture_1)
    assert elements(parse(svg_of(cli, same_words))).keys() == elements(parse(picture_1)).keys()
    flying = parse(svg_of(cli, other))
    assert "flight" in elements(flying) and "sunk" not in elements(flying)
    assert flying.attrib["data-palette"] == "joy"


def test_intensity_sets_saturation_and_the_family_the_hue():
    faint, strong = picture.colour("fear", 1), picture.colour("fear", 5)
    assert faint != strong
    import colorsys

    def hls(hex_colour):
        r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(r, g, b)

    assert hls(strong)[2] > hls(faint)[2] + 0.5
    assert abs(hls(strong)[0] * 360 - 258) < 2  # fear is indigo-violet (picture.toml)
    assert picture.family_of("awe") == "surprise" and picture.family_of("Peaceful") == "calm"
    assert picture.family_of("zorblax") == "neutral"


def test_a_hostile_title_is_text_in_the_svg(cli):
    dream_id = add(cli, "I was falling & falling", "--title", HOSTILE_TITLE)
    svg = svg_of(cli, dream_id)
    root = parse(svg)
    assert not any(node.tag.endswith("script") for node in root.iter())
    assert root.find(SVG + "title").text == HOSTILE_TITLE
    assert HOSTILE_TITLE in "".join(root.itertext())
    assert "<script>" not in svg


def test_output_file_is_private_and_json_says_what_was_drawn(cli, tmp_path):
    dream_id = add(cli, CHASE_DREAM, "-e", "fear:4", "-e", "anger")
    target = tmp_path / "out" / "dream.svg"
    target.parent.mkdir()
    result = cli("picture", dream_id, "-o", target, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["file"] == str(target)
    assert {"motif": "heavy_legs", "element": "sunk"} in data["elements"]
    assert [p["feeling"] for p in data["palette"]] == ["fear", "anger"]  # strongest first
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    parse(target.read_text(encoding="utf-8"))


def test_default_file_in_the_current_folder_when_stdout_is_a_terminal(cli, tmp_path, monkeypatch):
    dream_id = add(cli, CHASE_DREAM)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("dreamly.cli._stdout_is_terminal", lambda: True)
    result = cli("picture", dream_id)
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"dream-{dream_id}.svg").exists()
    assert f"dream-{dream_id}.svg" in result.stderr and "Heavy legs" in result.stderr


def test_bad_input_is_one_line(cli, tmp_path):
    dream_id = add(cli, CHASE_DREAM)
    for args, words, code in ((("picture", "99"), "no dream with id 99", 1),
                              (("picture", "99999999999999999999"), "no dream with id 99999999999999999999", 1),
                              (("show", "99999999999999999999"), "no dream with id 99999999999999999999", 1),
                              (("picture", dream_id, "-m", "echo"), "add --prompt", 2),  # options that conflict:
                              (("picture", dream_id, "--prompt", "-o", tmp_path / "x.txt"), "--output is for the picture", 2),
                              (("picture", dream_id, "-o", tmp_path / "missing" / "x.svg"), "does not exist", 1),
                              (("picture", dream_id, "-o", "-", "--json"), "give -o FILE", 2),  # usage errors
                              (("picture", dream_id, "-o", tmp_path), "can't write", 1)):
        result = cli(*args)
        assert result.exit_code == code, (args, result.output)
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert cli("picture", "one").exit_code == 2


def test_no_journal_is_an_error_not_a_new_journal(cli, tmp_path):
    result = cli("picture", "1", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and not (tmp_path / "none.db").exists()


def test_image_prompt_is_built_from_the_analysis_and_sends_nothing(cli):
    dream_id = add(cli, CHASE_DREAM, "-e", "fear:4", "--nightmare")
    result = cli("picture", dream_id, "--prompt")
    assert result.exit_code == 0, result.output
    prompt = result.stdout
    assert "sunk to the knees" in prompt          # heavy legs, from picture.toml
    assert "four-legged" in prompt                # the animal pursuer
    assert "“My legs felt like concrete”" in prompt  # the matcher's evidence
    assert "strong fear" in prompt and "indigo" in prompt
    assert "Unsettling rather than gory" in prompt and "No text" in prompt
    data = json.loads(cli("picture", dream_id, "--prompt", "--json").stdout)
    assert data["sent"] is False and data["model"] is None and data["prompt"] == prompt.rstrip("\n")


def test_prompt_refined_through_a_real_llm_model(cli):
    """llm-echo's `echo` model answers with the JSON of what it was sent: the refinement
    goes through llm's own plugin machinery, offline."""
    dream_id = add(cli, CHASE_DREAM, "-e", "fear:4")
    result = cli("picture", dream_id, "--prompt", "-m", "echo", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sent"] is True and data["model"] == "echo"
    sent = json.loads(data["prompt"])  # what echo received
    assert "sunk to the knees" in sent["prompt"] and "text-to-image" in sent["system"]
    assert "Asking echo to refine" in result.stderr


def test_unknown_model_is_one_line(cli):
    dream_id = add(cli, CHASE_DREAM)
    result = cli("picture", dream_id, "--prompt", "-m", "no-such-model")
    assert result.exit_code == 1 and "Unknown model" in result.stderr and "Traceback" not in result.output


def test_a_dream_with_no_motifs_or_feelings_is_a_quiet_moonlit_scene(cli):
    dream_id = add(cli, "I sat at my desk and sorted papers.")
    root = parse(svg_of(cli, dream_id))
    assert set(elements(root)) == {"sky", "stars", "hills", "ground", "figure", "caption"}
    assert root.attrib["data-palette"] == "neutral"
    assert "quiet night landscape" in cli("picture", dream_id, "--prompt").stdout


def test_personal_motifs_are_drawn_as_signs(cli, tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "motifs.toml").write_text(
        '[motifs.grandmas_house]\nlabel = "Grandma\'s house"\nmeaning = "Family."\nkeys = ["grandma"]\n'
        'phrases = ["grandma\'s (?:house|kitchen)"]\n', encoding="utf-8")
    dream_id = add(cli, "I was in grandma's kitchen again.")
    assert elements(parse(svg_of(cli, dream_id)))["sign"] == {"grandmas_house"}
    assert "grandma's house" in cli("picture", dream_id, "--prompt").stdout


dream_texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)


@settings(max_examples=60 * settings.default.max_examples // 100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=80), body=dream_texts, feeling=st.text(min_size=1, max_size=20),
       intensity=st.one_of(st.none(), st.integers(1, 5)), dream_id=st.integers(1, 10**9))
def test_any_dream_gives_well_formed_svg(title, body, feeling, intensity, dream_id):
    """Whatever the title, text and feelings hold (control characters, markup, emoji), the
    SVG parses and the title survives as text."""
    dream = {"id": dream_id, "title": title, "body": body, "dreamt_on": "2026-11-30",
             "motifs": [{"motif": m, "evidence": body[:10], "subject": "dreamer"}
                        for m in ("chase", "pursuer_animal", "heavy_legs", "falling", "my_own<motif>")],
             "emotions": [{"emotion": feeling, "intensity": intensity, "origin": "user"}]}
    scene = picture.scene_for(dream)
    root = parse(picture.draw(scene))
    shown = root.find(SVG + "title").text or ""
    if title.strip() and all(ch >= " " or ch in "\t\n" for ch in title):  # XML reads \r as \n
        assert shown == title
    assert picture.image_prompt(dream, scene)


def test_output_through_a_symlink_or_into_a_device(cli, tmp_path):
    """-o never follows a symlink (a link planted in a shared folder must not overwrite its
    target: the file takes the link's place), and writes into a pipe or a device such as
    /dev/stdout (never replacing it with a file)."""
    dream_id = add(cli, CHASE_DREAM)
    real = tmp_path / "real.svg"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.svg"
    link.symlink_to(real)
    assert cli("picture", dream_id, "-o", link).exit_code == 0
    assert not link.is_symlink() and link.read_text(encoding="utf-8").startswith("<?xml")
    assert real.read_text(encoding="utf-8") == "old"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    assert cli("picture", dream_id, "-o", fifo).exit_code == 0
    reader.join(10)
    assert got and got[0].startswith("<?xml") and stat.S_ISFIFO(os.stat(fifo).st_mode)
