"""Interpretation through llm, dream rehearsal, and dreamly as an llm plugin.

Every model here runs offline: llm-echo's `echo` (answers with the JSON of what it was
sent), its `echo-needs-key`, and small models defined below.
"""

import json
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import llm
import pytest
from click.testing import CliRunner as ClickRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dreamly import analysis, interpret
from dreamly.errors import DreamlyError
from dreamly.store import NewDream, open_journal

TODAY = date.today()

pytestmark = pytest.mark.usefixtures("llm_logs")  # llm's logs database migrated once per run, not per test


def seed(db_path, body, *, motifs=(), days_ago=0, **fields):
    """Store a dream with exactly these motif hits: (motif, evidence) or (motif, evidence, subject)."""
    with open_journal(db_path) as journal:
        dream_id = journal.add(NewDream(body=body, dreamt_on=TODAY - timedelta(days=days_ago), **fields))
        hits = []
        for motif, evidence, *subject in motifs:
            start = body.find(evidence)
            assert start >= 0, evidence
            hits.append(analysis.Hit("motif", motif, evidence, start, start + len(evidence), *subject))
        journal.save_analysis(dream_id, hits, [], analysis.MATCHER_VERSION)
    return dream_id


def stored(db_path, dream_id):
    with open_journal(db_path) as journal:
        return journal.get(dream_id)


@pytest.fixture
def knowledge():
    return analysis.load_knowledge()


@pytest.fixture
def two_dreams(db_path):
    """An earlier recurring dream and today's, sharing heavy legs."""
    earlier = seed(db_path, "At the station my legs were like concrete again.", days_ago=5, recurring=True,
                   motifs=[("heavy_legs", "legs were like concrete")])
    today = seed(db_path, "Something chased me across a field and my legs felt like concrete.",
                 motifs=[("chase", "Something chased me"), ("heavy_legs", "legs felt like concrete")],
                 context="deadline on Friday", tags=["work"], emotions=[("fear", 4)], nightmare=True)
    return earlier, today


class HalfwayModel(llm.Model):
    """Streams two pieces, then the connection drops."""

    model_id = "halfway"
    can_stream = True

    def execute(self, prompt, stream, response, conversation=None):
        yield "You were carrying "
        yield "a lot."
        raise ConnectionError("connection reset by peer")


class InterruptedModel(llm.Model):
    """Streams a piece, then the person presses Ctrl-C."""

    model_id = "interrupted"
    can_stream = True

    def execute(self, prompt, stream, response, conversation=None):
        yield "Perhaps the weight"
        raise KeyboardInterrupt


class KeyAtReadModel(llm.Model):
    """Finds out it has no key only when the response is read, as hosted models do."""

    model_id = "key-at-read"
    can_stream = True

    def execute(self, prompt, stream, response, conversation=None):
        raise llm.NeedsKeyException("No key found - add one using 'llm keys set key-at-read'")
        yield  # a generator, like every model's execute


class TestModels:
    @llm.hookimpl
    def register_models(self, register):
        register(HalfwayModel())
        register(InterruptedModel())
        register(KeyAtReadModel())


@pytest.fixture
def test_models():
    plugin = TestModels()
    llm.pm.register(plugin, name="dreamly-test-models")
    yield
    llm.pm.unregister(plugin)


@pytest.fixture
def no_llm(monkeypatch):
    """As if `llm` were not installed: `import llm` raises ImportError."""
    monkeypatch.setitem(sys.modules, "llm", None)


# -- the prompt --------------------------------------------------------------------------------


def test_prompt_holds_the_dream_its_motifs_context_and_history(cli, db_path, two_dreams, knowledge):
    earlier, today = two_dreams
    result = cli("interpret", today, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Something chased me across a field and my legs felt like concrete." in out
    for motif in ("heavy_legs", "chase"):
        assert f"{knowledge.motifs[motif].label} ({motif})" in out
        assert knowledge.motifs[motif].meaning in out
    assert "fear (4/5, tagged by the dreamer)" in out
    assert "deadline on Friday" in out and "Tags: work" in out
    assert "marked nightmare" in out
    earlier_day = (TODAY - timedelta(days=5)).isoformat()
    assert f"{knowledge.motifs['heavy_legs'].label}: 1 earlier dream, the first on {earlier_day}" in out
    assert f"{knowledge.motifs['chase'].label}: the first time in the journal" in out
    assert "1 of those earlier dreams was marked recurring" in out
    assert "At the station my legs were like concrete again." in out  # the last related dream, quoted
    assert interpret.SYSTEM in out


def test_system_prompt_asks_for_a_tentative_kind_reading():
    system = interpret.SYSTEM.lower()
    for promise in ("possible readings", "questions", "one small, concrete thing", "do not state anything as certain",
                    "do not predict", "do not diagnose", "therapist"):
        assert promise in system


def test_history_counts_only_earlier_dreams_and_keeps_the_last_few(db_path):
    for days in (30, 20, 10, 5):
        seed(db_path, f"Falling again, {days} days ago.", days_ago=days, motifs=[("falling", "Falling")])
    later = seed(db_path, "Falling after today.", days_ago=-0, motifs=[("falling", "Falling")])
    target = seed(db_path, "Falling, and nothing to hold.", days_ago=1, motifs=[("falling", "Falling")])
    with open_journal(db_path) as journal:
        history = journal.motif_history(["falling"], (TODAY - timedelta(days=1)).isoformat(),
                                        exclude_id=target, limit=3)
    assert history["counts"]["falling"] == {"dreams": 4, "first": (TODAY - timedelta(days=30)).isoformat()}
    assert [r["dreamt_on"] for r in history["related"]] == [
        (TODAY - timedelta(days=d)).isoformat() for d in (5, 10, 20)]
    assert later not in [r["id"] for r in history["related"]]


def test_a_dream_without_motifs_can_still_be_interpreted(cli, db_path):
    dream_id = seed(db_path, "A quiet kitchen, nobody there.")
    result = cli("interpret", dream_id, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "none of the journal's motifs were recognised" in result.stdout


def test_lens_adds_the_lens_from_the_knowledge_base(cli, db_path, two_dreams, knowledge):
    _, today = two_dreams
    plain = cli("interpret", today, "--dry-run").stdout
    jungian = cli("interpret", today, "--dry-run", "--lens", "jungian")
    assert jungian.exit_code == 0, jungian.output
    assert knowledge.lenses["jungian"]["description"] in jungian.stdout
    assert knowledge.lenses["jungian"]["description"] not in plain
    bad = cli("interpret", today, "--dry-run", "--lens", "astrology")
    assert bad.exit_code == 2 and "astrology" in bad.stderr


def test_red_flag_pattern_adds_a_pointer_to_support(cli, db_path, knowledge):
    from dreamly.review import patterns

    # three can't-run dreams in each of the two calendar weeks before this one: the review's rule
    this_monday = patterns.week_start(TODAY)
    for weeks_back in (1, 2):
        monday = this_monday - timedelta(weeks=weeks_back)
        for n in range(patterns.RED_FLAG_PER_WEEK):
            seed(db_path, "My legs would not move.", days_ago=(TODAY - (monday + timedelta(days=n))).days,
                 motifs=[("paralysis", "legs would not move")])
    target = seed(db_path, "Heavy legs on the stairs.", motifs=[("heavy_legs", "Heavy legs")])
    result = cli("interpret", target, "--dry-run")
    assert "\nPattern worth noticing:" in result.stdout
    assert knowledge.red_flag["message"] in result.stdout
    review = json.loads(cli("patterns", "--json").stdout)
    assert review["red_flag"] is not None  # the review and the prompt agree


def test_no_red_flag_for_an_occasional_hard_night(cli, db_path):
    seed(db_path, "My legs would not move.", days_ago=8, motifs=[("paralysis", "legs would not move")])
    target = seed(db_path, "Heavy legs on the stairs.", motifs=[("heavy_legs", "Heavy legs")], nightmare=True)
    result = cli("interpret", target, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "\nPattern worth noticing:" not in result.stdout


def test_prompt_builds_without_a_knowledge_base():
    dream = {"id": 1, "dreamt_on": "2026-01-02", "title": "", "body": "Teeth falling out.", "context": "",
             "tags": [], "emotions": [], "motifs": [{"motif": "teeth", "evidence": "Teeth", "start": 0, "end": 5}]}
    system, prompt = interpret.build_prompt(dream)
    assert system == interpret.SYSTEM
    assert "Teeth falling out." in prompt and "teeth (teeth)" in prompt


# -- sending -----------------------------------------------------------------------------------


def test_dry_run_sends_nothing_and_needs_no_llm(cli, db_path, two_dreams, no_llm, isolated, no_llm_logs):
    _, today = two_dreams
    result = cli("interpret", today, "--dry-run", "-m", "echo")
    assert result.exit_code == 0, result.output
    assert "nothing was sent" in result.stderr
    assert stored(db_path, today)["interpretations"] == []
    assert not (isolated / "llm" / "logs.db").exists()


def test_dry_run_json_is_exactly_what_would_be_sent(cli, db_path, two_dreams):
    _, today = two_dreams
    data = json.loads(cli("interpret", today, "--dry-run", "--json").stdout)
    with open_journal(db_path) as journal:
        request = interpret.prepare(journal, today, knowledge=analysis.load_knowledge())
    assert (data["system"], data["prompt"], data["sent"]) == (request.system, request.prompt, False)


def test_interpretation_streams_and_is_stored_as_streamed(cli, db_path, two_dreams):
    _, today = two_dreams
    before = stored(db_path, today)
    result = cli("interpret", today, "-m", "echo")
    assert result.exit_code == 0, result.output
    sent = json.loads(result.stdout)  # echo answers with what it was sent
    assert "Something chased me across a field" in sent["prompt"]
    assert sent["system"] == interpret.SYSTEM
    after = stored(db_path, today)
    [item] = after["interpretations"]
    assert item["response"] + "\n" == result.stdout
    assert (item["model"], item["complete"], item["lens"]) == ("echo", True, None)
    assert (item["prompt"], item["system"]) == (sent["prompt"], sent["system"])
    assert {k: v for k, v in after.items() if k not in ("interpretations", "rehearsals")} == \
        {k: v for k, v in before.items() if k not in ("interpretations", "rehearsals")}  # the dream is untouched
    assert "Sending dream" in result.stderr and "dreamly show" in result.stderr


def test_without_m_the_users_llm_default_model_is_used(cli, db_path, two_dreams):
    _, today = two_dreams
    llm.set_default_model("echo")  # in this test's own LLM_USER_PATH
    result = cli("interpret", today)
    assert result.exit_code == 0, result.output
    assert stored(db_path, today)["interpretations"][0]["model"] == "echo"


def test_a_reader_going_away_is_not_a_model_failure():
    def closed_pipe(chunk):
        raise BrokenPipeError

    reply = interpret.run(llm.get_model("echo"), interpret.Request(1, "be kind", "hello"), closed_pipe)
    assert reply.complete and json.loads(reply.text)["prompt"] == "hello"


def test_show_lists_the_stored_interpretation(cli, db_path, two_dreams):
    _, today = two_dreams
    cli("interpret", today, "-m", "echo", "--lens", "eastern")
    shown = cli("show", today)
    assert shown.exit_code == 0, shown.output
    assert "Interpretation 1 · echo · eastern lens" in shown.stdout
    assert "Something chased me across a field" in shown.stdout.split("Interpretation 1")[1]


def test_interpret_json_gives_the_stored_row(cli, two_dreams):
    _, today = two_dreams
    result = cli("interpret", today, "-m", "echo", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dream_id"] == today and data["model"] == "echo" and data["complete"] is True
    assert json.loads(data["response"])["system"] == interpret.SYSTEM


def test_interpretation_is_logged_to_llms_own_logs(cli, two_dreams, isolated):
    _, today = two_dreams
    assert cli("interpret", today, "-m", "echo").exit_code == 0
    logs = sqlite3.connect(isolated / "llm" / "logs.db")
    assert logs.execute("SELECT count(*) FROM turns WHERE model = 'echo'").fetchone()[0] == 1
    assert logs.execute("SELECT count(*) FROM parts WHERE text LIKE '%chased me across a field%'").fetchone()[0] >= 1


def test_no_llm_log_when_the_user_turned_llm_logging_off(cli, two_dreams, isolated, no_llm_logs):
    _, today = two_dreams
    (isolated / "llm").mkdir(exist_ok=True)
    (isolated / "llm" / "logs-off").touch()
    assert cli("interpret", today, "-m", "echo").exit_code == 0
    assert not (isolated / "llm" / "logs.db").exists()


def test_unknown_model_is_one_clear_line(cli, db_path, two_dreams):
    _, today = two_dreams
    result = cli("interpret", today, "-m", "no-such-model")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Unknown model: no-such-model (`llm models` lists")
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert stored(db_path, today)["interpretations"] == []


def test_missing_key_is_one_clear_line(cli, db_path, two_dreams, monkeypatch):
    monkeypatch.delenv("LLM_ECHO_NEEDS_KEY_KEY", raising=False)
    _, today = two_dreams
    result = cli("interpret", today, "-m", "echo-needs-key")
    assert result.exit_code == 1
    assert result.stderr == ("Error: No key found - add one using 'llm keys set echo-needs-key' "
                             "or set the LLM_ECHO_NEEDS_KEY_KEY environment variable\n")  # not even "Sending…"
    assert result.stdout == ""
    assert stored(db_path, today)["interpretations"] == []


def test_missing_key_found_only_when_reading_is_one_clear_line(cli, db_path, two_dreams, test_models):
    _, today = two_dreams
    result = cli("interpret", today, "-m", "key-at-read")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: No key found - add one using 'llm keys set key-at-read'"
    assert result.stdout == "" and stored(db_path, today)["interpretations"] == []


def test_a_model_failing_halfway_keeps_what_arrived_marked_incomplete(cli, db_path, two_dreams, test_models):
    _, today = two_dreams
    result = cli("interpret", today, "-m", "halfway")
    assert result.exit_code == 1
    assert result.stdout == "You were carrying a lot.\n"
    assert result.stderr.splitlines()[-1] == (
        "Error: the model halfway stopped halfway (connection reset by peer); what arrived is kept as "
        "interpretation 1, marked incomplete")
    dream = stored(db_path, today)
    [item] = dream["interpretations"]
    assert (item["response"], item["complete"]) == ("You were carrying a lot.", False)
    assert dream["body"].startswith("Something chased me")
    assert "incomplete" in cli("show", today).stdout


def test_ctrl_c_while_streaming_keeps_what_arrived(cli, db_path, two_dreams, test_models):
    _, today = two_dreams
    result = cli("interpret", today, "-m", "interrupted")
    assert result.exit_code == 130
    [item] = stored(db_path, today)["interpretations"]
    assert (item["response"], item["complete"]) == ("Perhaps the weight", False)


def test_unknown_dream_is_one_line(cli, db_path, two_dreams):
    result = cli("interpret", 99, "-m", "echo")
    assert result.exit_code == 1 and result.stderr == "Error: no dream with id 99\n"


# -- without llm -------------------------------------------------------------------------------


def test_without_llm_interpret_says_how_to_install_it_and_add_still_works(cli, db_path, no_llm):
    result = cli("interpret", 1)
    assert result.exit_code == 1
    assert result.stderr == "Error: asking a model needs the llm extra: pip install 'dreamly[llm]'\n"
    added = cli("add", "Flying over the sea", "-e", "joy")
    assert added.exit_code == 0, added.output
    assert "Saved dream 1" in added.stdout
    assert cli("rehearse", 1, "I land softly on the sand.").exit_code == 0
    # pictures are drawn here, by no model; only refining the image prompt needs llm
    assert cli("picture", 1).exit_code == 0 and cli("picture", 1, "--prompt").exit_code == 0
    refine = cli("picture", 1, "--prompt", "-m", "echo")
    assert refine.exit_code == 1 and refine.stderr == result.stderr


def test_without_llm_add_interpret_refuses_before_saving(cli, db_path, no_llm):
    result = cli("add", "Flying over the sea", "--interpret")
    assert result.exit_code == 1 and "pip install 'dreamly[llm]'" in result.stderr
    assert cli("list", "--json").stdout.strip() == "[]"


@pytest.mark.slow
def test_importing_the_cli_or_interpret_does_not_import_llm():
    code = "import dreamly.cli, dreamly.interpret, sys; print('llm' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- add --interpret ---------------------------------------------------------------------------


def test_add_interpret_runs_right_after_saving(cli, db_path):
    result = cli("add", "My legs felt like concrete on the stairs", "--interpret", "-m", "echo", "-c", "moving house")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Saved dream 1")
    assert "My legs felt like concrete on the stairs" in result.stdout.split("Saved dream 1", 1)[1]
    [item] = stored(db_path, 1)["interpretations"]
    assert item["model"] == "echo" and "moving house" in item["prompt"]


def test_add_interpret_failure_keeps_the_dream_and_says_so(cli, db_path):
    result = cli("add", "Lost in a hotel corridor", "--interpret", "-m", "no-such-model")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        "Error: dream 1 is saved, but interpreting it failed: Unknown model: no-such-model")
    assert stored(db_path, 1)["body"] == "Lost in a hotel corridor"


def test_add_interpret_json_includes_the_interpretation(cli):
    result = cli("add", "Teeth crumbling", "--interpret", "-m", "echo", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["interpretations"][0]["model"] == "echo"


# -- rehearse ----------------------------------------------------------------------------------


def test_rehearse_from_an_argument(cli, db_path, two_dreams):
    _, today = two_dreams
    result = cli("rehearse", today, "I turn around; it is only my coat on a hook.")
    assert result.exit_code == 0, result.output
    assert "rehearse --tonight" in result.stdout
    assert [r["body"] for r in stored(db_path, today)["rehearsals"]] == ["I turn around; it is only my coat on a hook."]


def test_rehearse_from_piped_stdin(cli, db_path, two_dreams):
    _, today = two_dreams
    result = cli("rehearse", today, input="My legs work. I walk, then run, easily.\n")
    assert result.exit_code == 0, result.output
    assert stored(db_path, today)["rehearsals"][0]["body"] == "My legs work. I walk, then run, easily."


def test_rehearse_in_the_editor(cli, db_path, two_dreams, fake_editor):
    _, today = two_dreams
    fake_editor("A friend takes my hand and the field turns to a beach.\n")
    result = cli("rehearse", today, "--editor")
    assert result.exit_code == 0, result.output
    assert stored(db_path, today)["rehearsals"][0]["body"] == "A friend takes my hand and the field turns to a beach."


def test_rehearse_refuses_an_empty_ending_and_an_unknown_dream(cli, db_path, two_dreams):
    _, today = two_dreams
    empty = cli("rehearse", today, input="   \n")
    assert empty.exit_code == 1 and "empty; nothing was saved" in empty.stderr
    unknown = cli("rehearse", 99, "text")
    assert unknown.exit_code == 1 and unknown.stderr == "Error: no dream with id 99\n"
    missing = cli("rehearse")
    assert missing.exit_code == 1 and "--tonight" in missing.stderr
    assert stored(db_path, today)["rehearsals"] == []


def test_suggest_with_save_keeps_the_models_ending(cli, db_path, two_dreams):
    _, today = two_dreams
    result = cli("rehearse", today, "--suggest", "--save", "-m", "echo")
    assert result.exit_code == 0, result.output
    sent = json.loads(result.stdout.split("\nSaved a new ending")[0])
    assert sent["system"] == interpret.REHEARSAL_SYSTEM
    assert "Something chased me across a field" in sent["prompt"]
    [rehearsal] = stored(db_path, today)["rehearsals"]
    assert json.loads(rehearsal["body"])["system"] == interpret.REHEARSAL_SYSTEM


def test_suggest_without_a_terminal_or_save_stores_nothing(cli, db_path, two_dreams):
    _, today = two_dreams
    result = cli("rehearse", today, "--suggest", "-m", "echo")
    assert result.exit_code == 0, result.output
    assert "Not saved" in result.stderr and "--save" in result.stderr
    assert stored(db_path, today)["rehearsals"] == []


def test_suggest_opens_the_editor_with_the_suggestion(cli, db_path, two_dreams, fake_editor):
    _, today = two_dreams
    saw = fake_editor("I stop, turn, and the shape is a tired dog that wants company.\n")
    result = cli("rehearse", today, "--suggest", "-m", "echo", "--editor")
    assert result.exit_code == 0, result.output
    assert json.loads(saw.read_text())["system"] == interpret.REHEARSAL_SYSTEM  # the draft held the suggestion
    assert stored(db_path, today)["rehearsals"][0]["body"].startswith("I stop, turn")


def test_suggest_needs_llm(cli, two_dreams, no_llm):
    _, today = two_dreams
    result = cli("rehearse", today, "--suggest")
    assert result.exit_code == 1 and "pip install 'dreamly[llm]'" in result.stderr


def test_tonight_lists_recurring_dreams_first_then_the_most_recent(cli, db_path):
    one_off = seed(db_path, "A loud exam hall.", days_ago=3)
    recurring_a = seed(db_path, "The station again.", days_ago=9, recurring=True)
    recurring_b = seed(db_path, "The flooded corridor.", days_ago=4, recurring=True)
    with open_journal(db_path) as journal:
        journal.add_rehearsal(recurring_a, "The train waits for me.")
        journal.add_rehearsal(recurring_b, "The water drains away.")
        journal.add_rehearsal(one_off, "I know every answer.")
        journal.add_rehearsal(recurring_a, "The train waits, and a friend waves from the door.")
    result = cli("rehearse", "--tonight", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [(i["dream_id"], i["body"]) for i in items] == [
        (recurring_a, "The train waits, and a friend waves from the door."),
        (recurring_b, "The water drains away."),
        (one_off, "I know every answer."),
    ]
    text = cli("rehearse", "--tonight", "-n", "2")
    assert text.exit_code == 0, text.output
    assert "a friend waves" in text.stdout and "The water drains away." in text.stdout
    assert "I know every answer." not in text.stdout


def test_tonight_with_nothing_rehearsed_says_how_to_start(cli):
    result = cli("rehearse", "--tonight")
    assert result.exit_code == 0 and result.stdout == ""
    assert "dreamly rehearse ID" in result.stderr


# -- the llm plugin ----------------------------------------------------------------------------


def llm_run(*args):
    from llm.cli import cli as llm_cli

    return ClickRunner().invoke(llm_cli, [str(a) for a in args], catch_exceptions=False)


def test_llm_dream_interpret_through_llms_own_cli(db_path, two_dreams):
    _, today = two_dreams
    result = llm_run("dream", "interpret", today, "-m", "echo", "--lens", "jungian")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["system"] == interpret.SYSTEM
    [item] = stored(db_path, today)["interpretations"]
    assert (item["model"], item["lens"]) == ("echo", "jungian")


def test_llm_dream_interpret_errors_are_one_line(db_path, two_dreams):
    _, today = two_dreams
    result = llm_run("dream", "interpret", today, "-m", "no-such-model")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Unknown model: no-such-model") and result.stdout == ""


def test_llm_dream_list(db_path, two_dreams):
    result = llm_run("dream", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and "Something chased me" in lines[0] and "heavy_legs" in lines[0]


def test_llm_dream_list_shows_pursuers_like_dreamly_list(db_path):
    # the matcher stores the pursuer of the dreamer's chase as the dreamer's (MATCHER_VERSION 5 on)
    seed(db_path, "A dog chased me.", motifs=[("chase", "chased me"), ("pursuer_animal", "dog", "dreamer")])
    result = llm_run("dream", "list")
    assert "pursuer_animal" in result.stdout
    assert "pursuer_animal" in llm_run("-f", "dream:last", "-m", "echo", "hi").stdout


def test_llm_help_still_works_with_the_plugin():
    result = llm_run("--help")
    assert result.exit_code == 0 and "dream" in result.stdout
    assert "interpret" in llm_run("dream", "--help").stdout


def test_fragment_dream_last_puts_the_latest_dream_in_a_prompt(db_path, two_dreams):
    result = llm_run("-f", "dream:last", "-m", "echo", "what might this mean?")
    assert result.exit_code == 0, result.output
    prompt = json.loads(result.stdout)["prompt"]
    assert "Something chased me across a field" in prompt and "deadline on Friday" in prompt
    assert prompt.rstrip().endswith("what might this mean?")


def test_fragment_dream_id_and_week(db_path, two_dreams):
    earlier, today = two_dreams
    old = seed(db_path, "A dream from long ago about a lighthouse.", days_ago=30)
    by_id = json.loads(llm_run("-f", f"dream:{old}", "-m", "echo", "x").stdout)["prompt"]
    assert "lighthouse" in by_id
    week = json.loads(llm_run("-f", "dream:week", "-m", "echo", "what ties these together?").stdout)["prompt"]
    assert "At the station" in week and "Something chased me" in week and "lighthouse" not in week
    assert week.index("At the station") < week.index("Something chased me")  # oldest first, like a diary


def test_fragment_errors_are_clear(db_path, two_dreams):
    missing = llm_run("-f", "dream:99", "-m", "echo", "x")
    assert missing.exit_code == 1 and "no dream with id 99" in missing.output
    odd = llm_run("-f", "dream:tomorrow", "-m", "echo", "x")
    assert odd.exit_code == 1 and "use dream:ID, dream:last or dream:week" in odd.output


def test_plugin_finds_no_journal_without_creating_one(isolated):
    result = llm_run("-f", "dream:last", "-m", "echo", "x")
    assert result.exit_code == 1 and "no journal at" in result.output
    assert not (isolated / "journal.db").exists()


@pytest.mark.slow
def test_plugin_module_stays_tiny():
    code = ("import dreamly.llm_plugin, sys; "
            "print(sorted(m for m in ('typer', 'rich', 'dreamly.store', 'dreamly.interpret') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plugin_lenses_match_dreamly():
    from dreamly import llm_plugin
    from dreamly.cli import Lens

    assert llm_plugin.LENSES == interpret.LENSES == tuple(lens.value for lens in Lens)


@settings(max_examples=60 * settings.default.max_examples // 100, deadline=None,  # each example opens a journal: its time is the disk's, not the parser's
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=st.text(max_size=12))
def test_fragment_spec_never_crashes(spec, db_path):
    seed(db_path, "A dream.")
    try:
        dreams = interpret.fragment_dreams(spec, db_path)
    except DreamlyError:
        return
    assert dreams and all("body" in d for d in dreams)
