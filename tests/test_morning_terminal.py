"""The questions after `dreamly add`, through a real pseudo-terminal (issue 15)."""

import json
import os
import subprocess
import sys

import pytest

from tests.pty_session import Terminal

pytestmark = pytest.mark.slow

CHASE = "I was chased through the station and my legs felt like concrete"


@pytest.fixture
def env(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "VISUAL", "EDITOR")}
    return base | {"DREAMLY_DB": str(tmp_path / "journal.db"), "DREAMLY_CONFIG_DIR": str(tmp_path / "config"),
                   "NO_COLOR": "1"}


def dreamly_json(env, *args):
    out = subprocess.run([sys.executable, "-m", "dreamly", *args, "--json"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_questions_answered_with_a_few_keys_are_kept_shown_and_counted(env):
    term = Terminal(["add", CHASE], env)
    term.read_until("something you never saw?")
    term.read_until("one key, or type your own words")
    term.type("3")  # one key: an animal
    term.read_until("How did you feel")
    term.read_until("> ")
    term.type("fear:4, embarrassed\r")
    term.read_until("remind you of")
    term.read_until("> ")
    term.type("the exam on friday\r")
    assert term.finish() == 0
    assert "'embarrassed' is counted as shame" in term.output
    assert "Kept 3 answers with dream 1" in term.output
    dream = dreamly_json(env, "show", "1")
    answers = {r["question"]: r["answer"] for r in dream["reflections"]}
    assert answers == {"pursuer": "pursuer_animal", "feeling": "fear:4, shame", "reminds": "the exam on friday"}
    assert {"emotion": "fear", "intensity": 4, "origin": "user"} in dream["emotions"]
    motifs = {m["motif"] for m in dream["motifs"]}
    assert "pursuer_animal" in motifs and "pursuer_invisible" not in motifs  # the dreamer's answer wins
    review = dreamly_json(env, "patterns")
    assert [(p["id"], p["count"]) for p in review["pursuers"] if p["count"]] == [("pursuer_animal", 1)]
    hits = dreamly_json(env, "search", "friday")
    assert [h["id"] for h in hits] == [1]  # answers are searchable


def test_ctrl_c_at_the_second_question_keeps_the_dream_and_the_first_answer(env):
    term = Terminal(["add", CHASE], env)
    term.read_until("one key, or type your own words")
    term.type("2")
    term.read_until("How did you feel")
    term.read_until("> ")
    term.interrupt()
    assert term.finish() == 0
    assert "Questions ended; dream 1 is saved, with the answers you gave." in term.output
    assert "Traceback" not in term.output
    dream = dreamly_json(env, "show", "1")
    assert dream["body"] == CHASE
    assert [(r["question"], r["answer"]) for r in dream["reflections"]] == [("pursuer", "pursuer_known_person")]


def test_ctrl_d_ends_the_questions_too(env):
    term = Terminal(["add", CHASE], env)
    term.read_until("one key, or type your own words")
    term.type("\x04")
    assert term.finish() == 0
    assert "Questions ended; dream 1 is saved." in term.output  # no answers to speak of
    assert "the answers you gave" not in term.output
    assert dreamly_json(env, "show", "1")["reflections"] == []


def test_enter_skips_and_own_words_answer_the_pursuer(env):
    term = Terminal(["add", CHASE], env)
    term.read_until("one key, or type your own words")
    term.type("my boss\r")  # a key that is no choice starts the dreamer's own words
    term.read_until("How did you feel")
    term.read_until("> ")
    term.type("\r")
    term.read_until("remind you of")
    term.read_until("> ")
    term.type("\r")
    assert term.finish() == 0
    dream = dreamly_json(env, "show", "1")
    assert [(r["question"], r["answer"]) for r in dream["reflections"]] == [("pursuer", "my boss")]
    # the words get a line of their own: nothing of the key prompt is left after them
    assert "\n  > my boss" in term.output.replace("\r", "") and "bossor" not in term.output


@pytest.mark.parametrize("how", ["--json", "--no-questions", "CI", "config"])
def test_no_questions_with_json_no_questions_ci_or_config(env, tmp_path, how):
    args = ["add", CHASE]
    if how.startswith("--"):
        args.append(how)
    if how == "CI":
        env = env | {"CI": "true"}
    if how == "config":
        (tmp_path / "config").mkdir()
        (tmp_path / "config" / "config.toml").write_text("questions = false\n")
    term = Terminal(args, env)
    assert term.finish() == 0
    assert "Saved dream 1" in term.output or '"id": 1' in term.output
    assert "questions while the dream is fresh" not in term.output


def test_piped_stdout_never_asks(env):
    out = subprocess.run([sys.executable, "-m", "dreamly", "add", CHASE], env=env, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 0 and "questions" not in out.stdout + out.stderr


def test_questions_flag_asks_even_with_no_motif(env):
    term = Terminal(["add", "A quiet walk by a lake at dusk", "--questions"], env)
    term.read_until("How did you feel?")
    term.read_until("> ")
    term.type("relief\r")
    term.read_until("remind you of")
    term.read_until("> ")
    term.type("\x04")
    assert term.finish() == 0
    dream = dreamly_json(env, "show", "1")
    assert [(r["question"], r["answer"]) for r in dream["reflections"]] == [("feeling", "relief")]


def test_reflect_asks_again_and_enter_keeps_an_answer(env):
    term = Terminal(["add", CHASE], env)
    term.read_until("one key, or type your own words")
    term.type("1")
    term.read_until("How did you feel")
    term.read_until("> ")
    term.interrupt()
    term.finish()
    term = Terminal(["reflect", "1"], env)
    term.read_until("(now: a stranger or monster)")
    term.read_until("one key, or type your own words")
    term.type("\r")
    term.read_until("(kept)")
    term.read_until("> ")
    term.type("anger:2\r")
    term.read_until("remind you of")
    term.read_until("> ")
    term.type("my landlord\r")
    assert term.finish() == 0
    assert "Changed 2 answers of dream 1" in term.output
    dream = dreamly_json(env, "show", "1")
    assert {r["question"]: r["answer"] for r in dream["reflections"]} == {
        "pursuer": "pursuer_stranger_or_monster", "feeling": "anger:2", "reminds": "my landlord"}
