"""Interpretation through `llm`: building the prompt, calling the model, storing the answer.

Building a prompt is pure (a dream, the knowledge base and the history in; two strings
out), so it is tested without any model. `llm` is an optional extra and costs ~250 ms to
import (more to load its plugins), so it is imported inside the functions that call a
model and never at the top of this module. Nothing here prints: streamed text goes to an
`on_chunk` callback the caller chooses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from dreamly.errors import DreamlyError
from dreamly.model import LENSES, is_pursuer, motif_ids  # noqa: F401  (LENSES: the vocabulary, once)
from dreamly.text import first_words

INSTALL_HINT = "asking a model needs the llm extra: pip install 'dreamly[llm]'"
RELATED_LIMIT = 3  # earlier dreams quoted in the prompt: enough to see a thread, short enough to read
RELATED_EXCERPT = 240

SYSTEM = """\
You are a warm, careful companion helping someone reflect on a dream from their private \
dream journal. You are not a therapist, and nobody can know for sure what a dream means: \
every reading you give is a possibility for the dreamer to check against their own life.

Write a short reading (about 250 to 400 words) in plain language, speaking to the dreamer as "you":
1. Start with a sentence or two that acknowledges how the dream felt.
2. Offer two to four possible readings. Tie each one to specifics from the notes: the \
dream's images, the motifs and what they tend to point to, the feelings, what is going on \
in waking life, and how often these motifs have come back. Say "this might", "perhaps", \
"one possibility is" - never "this means".
3. Ask two or three open questions the dreamer could ask themselves.
4. Suggest one small, concrete thing to try in the coming days (after a frightening \
dream, this can be rehearsing a new, safer ending before sleep).

Do not state anything as certain, do not predict the future, and do not diagnose any \
condition, physical or mental. If the notes contain a section headed "Pattern worth \
noticing", end by gently saying that dreams this frequent can be worth talking over with a \
therapist, counsellor or doctor - calmly, without alarm. If the notes name a reading lens, \
offer your readings through that tradition and say it is one lens among many."""

REHEARSAL_SYSTEM = """\
You help someone practise dream rehearsal (imagery rehearsal): before sleep they will read \
a new ending for a dream that troubled them. Write one gentle alternative ending, in the \
first person and the present tense, that picks up at the hardest moment of the dream. Keep \
the dream's setting and people, but let the dreamer find safety or strength: their legs \
work, they turn and face what follows them, help arrives, the scene softens. Make it calm, \
concrete and believable, about 80 to 150 words. Write only the ending: no title, no \
interpretation, no advice."""

IMAGE_PROMPT_SYSTEM = """\
You write prompts for text-to-image models. You are given notes on a dream from someone's \
private journal: the scene the journal drew from it, the dreamer's own words, the mood and \
the colours. Write one vivid prompt, at most 120 words, that an image model can follow: \
the setting, the figure and what happens to it, the light, the colours, the mood. Keep the \
dream's own details and how it felt; add concrete visual detail. No names of real people, \
no text or lettering in the image, nothing gory. Reply with the prompt only."""


@dataclass(frozen=True)
class Request:
    """Exactly what would be sent to a model."""

    dream_id: int
    system: str
    prompt: str
    lens: str | None = None


# -- building the prompt (pure) --------------------------------------------------------------


def build_prompt(dream: dict, knowledge=None, history: dict | None = None, *,
                 red_flag: dict | None = None, lens: str | None = None) -> tuple[str, str]:
    """(system, prompt) for interpreting `dream` (as `Journal.get` returns it).

    `knowledge` is analysis.Knowledge (or None: then motifs go without meanings),
    `history` is `Journal.motif_history(...)`, `red_flag` is `patterns.red_flag_as_of(...)`
    (None when the pattern does not hold).
    """
    parts = [_dream_section(dream), _motif_section(dream, knowledge), _context_section(dream),
             _reflection_section(dream, knowledge)]
    parts.append(_history_section(history or {}, knowledge))
    if red_flag:
        parts.append(_red_flag_section(red_flag))
    if lens:
        parts.append(_lens_section(lens, knowledge))
    return SYSTEM, "\n\n".join(p for p in parts if p)


def build_rehearsal_prompt(dream: dict, knowledge=None) -> tuple[str, str]:
    """(system, prompt) asking for a gentle alternative ending to start a rehearsal from."""
    parts = [_dream_section(dream), _motif_section(dream, knowledge, with_meanings=False)]
    feelings = _feelings(dream)
    if feelings:
        parts.append(f"Feelings: {feelings}")
    parts.append("Write the new ending.")
    return REHEARSAL_SYSTEM, "\n\n".join(p for p in parts if p)


def _dream_section(dream: dict) -> str:
    flags = [name for name in ("nightmare", "recurring", "lucid") if dream.get(name)]
    head = f"Dream #{dream['id']}, written for the morning of {dream['dreamt_on']}"
    if flags:
        head += " (" + ", ".join("marked " + f for f in flags) + ")"
    lines = [head + "."]
    if dream.get("title"):
        lines.append(f"Title: {dream['title']}")
    if dream.get("sleep_quality"):
        lines.append(f"Sleep quality: {dream['sleep_quality']}/5")
    lines += ["", "The dream, in the dreamer's own words:", '"""', dream["body"].strip(), '"""']
    return "\n".join(lines)


def _motif_section(dream: dict, knowledge, with_meanings: bool = True) -> str:
    hits: dict[tuple[str, str], list[str]] = {}
    for hit in dream.get("motifs", ()):
        hits.setdefault((hit["motif"], hit.get("subject", "dreamer")), []).append(hit["evidence"])
    if not hits:
        return "Motifs: none of the journal's motifs were recognised in this dream."
    lines = ["Motifs the journal recognised" + (", with what each tends to point to:" if with_meanings else ":")]
    for (motif_id, subject), evidence in hits.items():
        motif = knowledge.motifs.get(motif_id) if knowledge else None
        label = motif.label if motif else motif_id
        words = ", ".join(f'"{e}"' for e in dict.fromkeys(evidence))
        line = f"- {label} ({motif_id}), from the words {words}"
        if _is_pursuer(motif_id, motif):
            line += " - who or what does the chasing"
        elif subject != "dreamer":
            line += " - possibly about someone else in the dream rather than the dreamer"
        if with_meanings and motif and motif.meaning:
            line += f": {motif.meaning}"
        lines.append(line)
    return "\n".join(lines)


def _is_pursuer(motif_id: str, motif) -> bool:
    return is_pursuer(motif_id, motif.group if motif else "")


def _feelings(dream: dict) -> str:
    parts = []
    for e in dream.get("emotions", ()):
        how = [f"{e['intensity']}/5"] if e.get("intensity") else []
        how.append("tagged by the dreamer" if e.get("origin") == "user" else "found in the words")
        parts.append(f"{e['emotion']} ({', '.join(how)})")
    return "; ".join(parts)


def _context_section(dream: dict) -> str:
    lines = []
    feelings = _feelings(dream)
    lines.append(f"Feelings: {feelings}" if feelings else "Feelings: none tagged or found.")
    if dream.get("context"):
        lines.append(f"What is going on in waking life: {dream['context']}")
    if dream.get("tags"):
        lines.append(f"Tags: {', '.join(dream['tags'])}")
    return "\n".join(lines)


def _reflection_section(dream: dict, knowledge) -> str:
    """The dreamer's own answers and reflections: their word, to be taken over any reading."""
    items = dream.get("reflections") or []
    if not items:
        return ""
    from dreamly.questions import answer_text, label

    lines = ["The dreamer's own answers and reflections (their word; take it over any guess):"]
    for item in items:
        lines.append(f"- {label(item['question'], knowledge)}: {answer_text(item['question'], item['answer'])}")
    return "\n".join(lines)


def _history_section(history: dict, knowledge) -> str:
    counts = history.get("counts") or {}
    wanted = history.get("motifs") or list(counts)
    lines = ["History in the journal (earlier dreams with the same motifs):"]
    if not wanted and not history.get("related"):
        return lines[0] + "\n- nothing to compare: this dream has no recognised motifs of the dreamer's own."
    for motif_id in wanted:
        motif = knowledge.motifs.get(motif_id) if knowledge else None
        label = motif.label if motif else motif_id
        seen = counts.get(motif_id)
        if seen:
            times = "1 earlier dream" if seen["dreams"] == 1 else f"{seen['dreams']} earlier dreams"
            lines.append(f"- {label}: {times}, the first on {seen['first']}")
        else:
            lines.append(f"- {label}: the first time in the journal")
    if history.get("recurring"):
        n = history["recurring"]
        lines.append(f"- {n} of those earlier dreams {'was' if n == 1 else 'were'} marked recurring")
    related = history.get("related") or []
    if related:
        lines.append("The most recent related dreams, newest first:")
        for r in related:
            marks = [name for name in ("nightmare", "recurring") if r.get(name)]
            head = f"- {r['dreamt_on']}" + (f" ({', '.join(marks)})" if marks else "")
            if r.get("title"):
                head += f" \"{r['title']}\""
            lines.append(f"{head}: {first_words(r['body'], RELATED_EXCERPT)} [shares: {', '.join(r['shared'])}]")
    return "\n".join(lines)


def _red_flag_section(flag: dict) -> str:
    weeks = ", ".join(f"{w['dreams']} in the week of {w['start']}" for w in flag.get("weeks", ()))
    return ("Pattern worth noticing: dreams of being unable to run, or nightmares, came several times a week "
            f"for more than one week in a row ({weeks}). " + flag["message"])


def _lens_section(lens: str, knowledge) -> str:
    lenses = getattr(knowledge, "lenses", None) or {}
    if lens not in lenses:
        raise DreamlyError(f"the knowledge base has no {lens!r} lens (there are: {', '.join(sorted(lenses)) or 'none'})")
    entry = lenses[lens]
    return f"Reading lens: {entry.get('label', lens)}. {entry.get('description', '')}".rstrip()


# -- reading the journal ---------------------------------------------------------------------


def prepare(journal, dream_id: int, *, lens: str | None = None, knowledge=None) -> Request:
    """Everything a model would be sent about dream `dream_id`, read from the journal."""
    if lens is not None and lens not in LENSES:
        raise DreamlyError(f"unknown lens {lens!r}: use one of {', '.join(LENSES)}")
    dream = journal.get(dream_id, with_history=False)
    ids = motif_ids(dream)
    history = journal.motif_history(ids, dream["dreamt_on"], exclude_id=dream_id, limit=RELATED_LIMIT)
    history["motifs"] = ids
    system, prompt = build_prompt(dream, knowledge, history, red_flag=_red_flag_on(journal, dream, knowledge), lens=lens)
    return Request(dream_id=dream_id, system=system, prompt=prompt, lens=lens)


def _red_flag_on(journal, dream: dict, knowledge) -> dict | None:
    """The weekly review's red-flag rule, as it stood on the dream's morning."""
    from datetime import date

    from dreamly.review import patterns

    day = date.fromisoformat(dream["dreamt_on"])
    rows = journal.pattern_rows(patterns.make_window(day).load_since, day)
    return patterns.red_flag_as_of(rows, day, patterns.vocabulary_from(knowledge))


def prepare_rehearsal(journal, dream_id: int, *, knowledge=None) -> Request:
    dream = journal.get(dream_id, with_history=False)
    system, prompt = build_rehearsal_prompt(dream, knowledge)
    return Request(dream_id=dream_id, system=system, prompt=prompt)


# -- calling the model -----------------------------------------------------------------------


def require_llm():
    """The `llm` module, or a clear DreamlyError saying how to install it."""
    try:
        import llm
    except ImportError:
        raise DreamlyError(INSTALL_HINT) from None
    return llm


def private_llm_logs(llm) -> None:
    """llm keeps every prompt and answer in its logs.db (the dreams sent to a model). llm
    creates it with the umask's mode (0644 for most): create it first, private (0600), in a
    private folder. An existing logs.db open to others is made private too."""
    try:
        folder = llm.user_dir()
        logs = folder / "logs.db"
        if (folder / "logs-off").exists():  # `llm logs off`: llm writes no logs, so none is made
            return
        if not logs.exists():
            from dreamly.files import make_private_folders

            make_private_folders(folder)
            os.close(os.open(logs, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
        elif logs.is_file() and not logs.is_symlink() and logs.stat().st_mode & 0o077:
            os.chmod(logs, 0o600)
    except OSError:
        pass  # llm reports its own trouble with the folder


def get_model(model_id: str | None = None):
    """An llm model by id or alias; None means the user's llm default model."""
    llm = require_llm()
    private_llm_logs(llm)
    try:
        return llm.get_model(model_id or None)
    except llm.UnknownModelError as exc:
        raise DreamlyError(f"{exc.args[0]} (`llm models` lists the models you have; local ones come "
                           "from plugins such as llm-ollama or llm-gguf, and a local server's models are "
                           "listed only while it runs: is Ollama started?)") from None


def check_key(model) -> None:
    """Fail before saying "Sending…" when the model needs a key nobody set. (llm itself only
    raises NeedsKeyException once the response is read; `run` handles that case too.)"""
    llm = require_llm()
    if getattr(model, "needs_key", None):
        try:
            model.get_key()
        except llm.NeedsKeyException as exc:
            raise DreamlyError(one_line(exc)) from None


@dataclass
class Reply:
    model_id: str
    text: str
    complete: bool
    failure: str | None = None  # one line, when the model stopped halfway
    response: object = None  # the llm Response, for llm's own logs
    warning: str | None = None


def run(model, request: Request, on_chunk: Callable[[str], None], chunks: list[str] | None = None) -> Reply:
    """Stream `request` through `model`, handing each piece of text to `on_chunk`.

    A failure before any text arrived (a missing key, a refused connection) raises
    DreamlyError; a failure halfway returns what arrived with complete=False. `chunks`
    collects the text as it comes, so a caller can keep it even after Ctrl-C.
    """
    llm = require_llm()
    chunks = [] if chunks is None else chunks
    response = None
    showing = True
    try:
        response = model.prompt(request.prompt, system=request.system)
        for chunk in response:  # a missing key is raised here, when the response is read
            chunks.append(chunk)
            if showing:
                try:
                    on_chunk(chunk)
                except OSError:  # the reader went away (`| head`): not the model's fault, finish and keep it
                    showing = False
    except llm.NeedsKeyException as exc:
        raise DreamlyError(one_line(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any model or network failure becomes one line
        if not chunks:
            raise DreamlyError(f"the model {model.model_id} failed: {one_line(exc)}") from None
        return Reply(model.model_id, "".join(chunks), complete=False, failure=one_line(exc), response=response)
    return Reply(model.model_id, "".join(chunks), complete=True, response=response)


def one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def log_to_llm(reply: Reply) -> str | None:
    """Log a finished response to llm's own logs database, as `llm prompt` would, unless the
    user turned llm logging off (`llm logs off`). Returns a warning, or None."""
    if not reply.complete or reply.response is None:
        return None
    llm = require_llm()
    if (llm.user_dir() / "logs-off").exists():
        return None
    try:
        import sqlite_utils  # llm depends on it

        db = sqlite_utils.Database(llm.user_dir() / "logs.db")
        try:
            reply.response.log_to_db(db)  # applies llm's own migrations first
        finally:
            db.close()
    except Exception as exc:  # noqa: BLE001 - the interpretation is already stored in the journal
        return f"the interpretation is saved, but llm's log could not be written ({one_line(exc)})"
    return None


@dataclass
class Outcome:
    interpretation: dict
    warning: str | None = None


def interpret_dream(journal, dream_id: int, *, model_id: str | None = None, lens: str | None = None,
                    knowledge=None, on_chunk: Callable[[str], None] = lambda chunk: None,
                    on_start: Callable[[str], None] = lambda model_id: None) -> Outcome:
    """Interpret one dream: build the prompt, stream the model's answer, store it.

    The row goes into `interpretations` only once the stream ends (complete), or with what
    arrived when the model fails halfway or the user presses Ctrl-C (marked incomplete).
    The dream itself is only read.
    """
    request = prepare(journal, dream_id, lens=lens, knowledge=knowledge)
    model = get_model(model_id)
    check_key(model)
    on_start(model.model_id)
    chunks: list[str] = []

    def store(text: str, complete: bool) -> dict:
        new_id = journal.add_interpretation(dream_id, model=model.model_id, lens=lens, prompt=request.prompt,
                                            system=request.system, response=text, complete=complete)
        return next(i for i in journal.get(dream_id)["interpretations"] if i["id"] == new_id)

    try:
        reply = run(model, request, on_chunk, chunks)
    except KeyboardInterrupt:
        if chunks:
            store("".join(chunks), complete=False)
        raise
    stored = store(reply.text, reply.complete)
    if not reply.complete:
        raise DreamlyError(f"the model {model.model_id} stopped halfway ({reply.failure}); what arrived is kept "
                           f"as interpretation {stored['id']}, marked incomplete")
    return Outcome(stored, log_to_llm(reply))


def suggest_ending(journal, dream_id: int, *, model_id: str | None = None, knowledge=None,
                   on_chunk: Callable[[str], None] = lambda chunk: None,
                   on_start: Callable[[str], None] = lambda model_id: None) -> Reply:
    """Ask the model for a gentle alternative ending. Nothing is stored here: the person decides."""
    return _ask(prepare_rehearsal(journal, dream_id, knowledge=knowledge), model_id, on_chunk, on_start)


def refine_image_prompt(dream: dict, draft: str, *, model_id: str | None = None,
                        on_chunk: Callable[[str], None] = lambda chunk: None,
                        on_start: Callable[[str], None] = lambda model_id: None) -> Reply:
    """Ask the model to turn the draft image prompt (`picture.image_prompt`) into a vivid one."""
    return _ask(Request(dream_id=dream["id"], system=IMAGE_PROMPT_SYSTEM, prompt=draft), model_id, on_chunk, on_start)


def _ask(request: Request, model_id: str | None, on_chunk, on_start) -> Reply:
    """One streamed answer that is only shown, never stored: it must arrive whole."""
    model = get_model(model_id)
    check_key(model)
    on_start(model.model_id)
    reply = run(model, request, on_chunk)
    if not reply.complete:
        raise DreamlyError(f"the model {model.model_id} stopped halfway ({reply.failure}); nothing was saved")
    reply.warning = log_to_llm(reply)
    return reply


# -- journal entries as text for other tools (the llm fragment loader) -----------------------


def dream_as_text(dream: dict) -> str:
    """One dream as plain text for a prompt: date, flags, title, text, context, tags, feelings, motifs."""
    flags = [name for name in ("nightmare", "recurring", "lucid") if dream.get(name)]
    head = f"Dream {dream['id']} - {dream['dreamt_on']}"
    if dream.get("title"):
        head += f" - {dream['title']}"
    if flags:
        head += f" ({', '.join(flags)})"
    lines = [head, "", dream["body"].strip(), ""]
    if dream.get("context"):
        lines.append(f"Waking life: {dream['context']}")
    if dream.get("tags"):
        lines.append(f"Tags: {', '.join(dream['tags'])}")
    feelings = _feelings(dream)
    if feelings:
        lines.append(f"Feelings: {feelings}")
    motifs = motif_ids(dream)  # as `dreamly list` shows them
    if motifs:
        lines.append(f"Motifs: {', '.join(motifs)}")
    return "\n".join(lines).rstrip() + "\n"


def fragment_dreams(spec: str, db=None, *, today: date | None = None) -> list[dict]:
    """The dreams `dream:SPEC` names: an id, `last` (the latest), or `week` (the last 7 days)."""
    from dreamly.store import Filters, open_journal

    spec = spec.strip().lower()
    with open_journal(db, create=False) as journal:
        if spec.isascii() and spec.isdigit():
            if len(spec) > 18:  # beyond SQLite's integers: no such dream
                raise DreamlyError(f"no dream with id {spec}")
            return [journal.get(int(spec), with_history=False)]
        if spec in ("last", "latest"):
            latest = journal.latest_id()
            if latest is None:
                raise DreamlyError("the journal has no dreams yet")
            return [journal.get(latest, with_history=False)]
        if spec == "week":
            today = today or date.today()
            dreams = journal.list(Filters(since=today - timedelta(days=6), until=today, oldest_first=True))
            if not dreams:
                raise DreamlyError("no dreams in the last 7 days")
            return dreams
    raise DreamlyError(f"can't read dream:{spec}: use dream:ID, dream:last or dream:week")
