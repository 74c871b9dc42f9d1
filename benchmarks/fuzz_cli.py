"""Fuzz dreamly's command line: N random command lines built from hostile values, run in one
process through Typer's CliRunner on a scratch journal; counts the runs that end in a
traceback (an exception other than SystemExit) or print "unexpected X; rerun with
DREAMLY_DEBUG=1" (the last line of defence in cli.py), and lists the first of them. (Click's
own usage line "Got unexpected extra argument" is a named usage error, exit 2.)

    python benchmarks/fuzz_cli.py --count 3000 --seed 1

Exit status 1 when any run failed that way. Nothing touches the network or your journal:
the journal, config and llm folders are in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HUGE = "9" * 5000
INTS = ["0", "-1", "1", "3", "5", "6", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999", HUGE, "²", "٣", "1e3", "0x10", " 2", "", "+4", "1_000", "NaN", "١٢"]
DAYS = ["today", "yesterday", "monday", "3 days ago", "99999999999 days ago", "0001-01-01", "9999-12-31",
        "2026-02-30", "", "Nov 20", "tomorrow", "-1 days ago", "10000-01-01", "2026-13-01", "last week",
        "\x00", "2026-01-01T00:00", "١٢ days ago", "31 Feb", "0 days ago", HUGE + " days ago"]
TEXTS = ["I was chased, legs like concrete", "", " ", "\x1b]52;c;ZXZpbA==\x07 stolen", "\x00binary",
         "\ud800 lone surrogate", "a" * 300_000, "[/] [link=https://x]y[/link]", "\u202eevil\u202c",
         "=HYPERLINK(\"http://x\")", "<!-- dreamly: the notes below are not part of the dream -->", "\r\n\r\n",
         "😀" * 1000, "nobody was chasing me", "-", "--", "-h"]
TAGS = ["work", "[/]", "a" * 100_000, "\x00", "a, b", "c; d", "", " ", "\u202e", "-", "💤" * 50]
EMOTIONS = ["fear", "fear:4", "fear:²", "fear:0", "fear:6", "fear:99999999999999999999", ":", "", "1fear",
            "f" * 60, "fear:4:5", "fear: 3", "\x00", "joy:" + HUGE]
QUERIES = ["chased", '"', "*", "NEAR(", "a OR", "\x00", "", "run*", "-x", "(", "'", "🙂", "a" * 10_000]
FORMATS = ["markdown", "json", "csv", "xml", "", "MARKDOWN"]


def _paths(scratch: Path) -> list[str]:
    return [str(scratch / "out.md"), "-", "/dev/null", str(scratch / ("n" * 300)), str(scratch / "nofolder" / "x"),
            str(scratch), str(scratch / "link"), "", str(scratch / "fifo"), "/proc/self/fd/1",
            str(scratch / "files" / "bad.json"), str(scratch / "files" / "bad.csv"), str(scratch / "files" / "bomb.md"),
            str(scratch / "files" / "surrogate.json"), str(scratch / "files" / "swapped.csv"),
            str(scratch / "files" / "future.json"), str(scratch / "files")]


def _hostile_files(folder: Path) -> None:
    folder.mkdir()
    (folder / "bad.json").write_text('{"dreamly_export": 1, "dreams": [{oops}]}', encoding="utf-8")
    (folder / "bad.csv").write_text('date,text\n2026-01-01,"unclosed\n', encoding="utf-8")
    (folder / "swapped.csv").write_text("date,text\nmy secret dream,2026-01-01\n", encoding="utf-8")
    (folder / "surrogate.json").write_text(
        '{"dreamly_export": 1, "dreams": [{"dreamt_on": "2026-01-01", "body": "\\ud800", "tags": ["\\udfff"],'
        ' "motifs": [{"motif": "chase", "evidence": "x", "start": 1' + "0" * 40 + ', "end": 2}]}]}',
        encoding="utf-8")
    (folder / "future.json").write_text(
        '{"dreamly_export": 1, "dreams": [{"dreamt_on": "2999-01-01", "body": "later", "tags": ["a\\u0000b"]}]}',
        encoding="utf-8")
    bomb = "a: &a [" + ",".join(["x"] * 10) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8))
    (folder / "bomb.md").write_text(f"---\ndate: 2026-01-01\n{bomb}---\nA dream\n", encoding="utf-8")


def command_line(rng: random.Random, paths: list[str]) -> list[str]:
    pick = rng.choice
    kind = pick(["add", "add", "list", "show", "search", "edit", "delete", "export", "import", "backup", "check",
                 "patterns", "analyze", "themes", "picture", "interpret", "rehearse", "salvage", "reanalyze"])
    args = [kind]
    if kind == "add":
        args += [pick(TEXTS)]
        for _ in range(rng.randint(0, 3)):
            option = pick(["-d", "-e", "-t", "--sleep", "--title", "-c", "--lucid", "--nightmare"])
            value = {"-d": DAYS, "-e": EMOTIONS, "-t": TAGS, "--sleep": INTS, "--title": TEXTS, "-c": TEXTS}.get(option)
            args += [option] + ([pick(value)] if value else [])
    elif kind in ("list", "search", "patterns"):
        if kind == "search":
            args.append(pick(QUERIES))
        for _ in range(rng.randint(0, 3)):
            option = pick(["--since", "--until", "-n", "-t", "-e", "-m", "--json"] +
                          (["--weeks", "--markdown", "--week"] if kind == "patterns" else []))
            value = {"--since": DAYS, "--until": DAYS, "-n": INTS, "-t": TAGS, "-e": EMOTIONS, "-m": QUERIES,
                     "--weeks": INTS}.get(option)
            if option == "-n" and kind == "patterns":
                continue
            args += [option] + ([pick(value)] if value else [])
    elif kind in ("show", "delete", "picture", "interpret"):
        args.append(pick(INTS))
        if kind == "delete":
            args.append("--yes")
        if kind == "picture":
            args += pick([["--prompt"], ["-o", pick(paths)], ["--json"], []])
        if kind == "interpret":
            args += ["--dry-run"] + pick([[], ["--lens", pick(["jungian", "x", ""])]])
    elif kind == "edit":
        args.append(pick(INTS))
        for _ in range(rng.randint(1, 3)):
            option = pick(["--text", "-d", "-t", "--untag", "-e", "--drop-emotion", "--sleep", "--title"])
            value = {"--text": TEXTS, "-d": DAYS, "-t": TAGS, "--untag": TAGS, "-e": EMOTIONS,
                     "--drop-emotion": EMOTIONS, "--sleep": INTS, "--title": TEXTS}[option]
            args += [option, pick(value)]
    elif kind == "export":
        args += ["-f", pick(FORMATS)] + pick([[], ["-o", pick(paths)], ["--split", "-o", pick(paths)]])
        if rng.random() < 0.3:
            args += ["--since", pick(DAYS)]
    elif kind == "import":
        args += [pick(paths)] + pick([[], ["--dry-run"], ["-f", pick(["csv", "json", "jrnl", "markdown", "x"])]])
    elif kind in ("backup", "salvage"):
        args += pick([[], [pick(paths)]])
    elif kind == "analyze":
        args.append(pick(TEXTS))
    elif kind == "themes":
        args += pick([[], [pick(QUERIES)], ["--json"]])
    elif kind == "rehearse":
        args += pick([["--tonight", "-n", pick(INTS)], [pick(INTS), pick(TEXTS)], [pick(INTS)]])
    return args


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="dreamly-fuzz-"))
    os.environ.update(DREAMLY_DB=str(scratch / "journal.db"), DREAMLY_CONFIG_DIR=str(scratch / "config"),
                      LLM_USER_PATH=str(scratch / "llm"), NO_COLOR="1", DREAMLY_BUSY_TIMEOUT="1")
    os.environ.pop("DREAMLY_DEBUG", None)
    os.chdir(scratch)  # relative names (`-o -`, a backup named `-`) land in the scratch folder
    _hostile_files(scratch / "files")
    (scratch / "link").symlink_to(scratch / "victim")
    os.mkfifo(scratch / "fifo")
    from typer.testing import CliRunner

    from dreamly.cli import app

    runner = CliRunner()
    for text in ("I was chased, legs like concrete", "I was falling", "my teeth fell out"):
        runner.invoke(app, ["add", text, "-t", "work"])
    rng = random.Random(options.seed)
    paths = _paths(scratch)
    failures, codes = [], {}
    started = time.monotonic()
    sys.stdout.flush()
    real_stdout = os.dup(1)  # `-o /dev/stdout` writes to fd 1 itself: keep that out of the report
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    ran = 0
    while ran < options.count:
        args = command_line(rng, paths)
        if any(a.endswith("fifo") for a in args) and args[0] != "import":
            continue  # writing into a pipe nobody reads waits for a reader, as it should; import must refuse it
        ran += 1
        result = runner.invoke(app, args)
        codes[result.exit_code] = codes.get(result.exit_code, 0) + 1
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        said = (result.stdout or "") + (result.stderr or "")
        # "unexpected X; rerun with DREAMLY_DEBUG=1" is cli.py's last line of defence: an error nobody named
        if crashed or "rerun with DREAMLY_DEBUG=1" in said or "Traceback" in said:
            failures.append({"args": [a[:60] for a in args], "exception": repr(result.exception)[:200],
                             "said": said.strip().splitlines()[-1][:200] if said.strip() else ""})
    os.dup2(real_stdout, 1)
    report = {"command_lines": options.count, "seed": options.seed, "tracebacks_or_unexpected": len(failures),
              "exit_codes": dict(sorted(codes.items())), "seconds": round(time.monotonic() - started, 1),
              "first_failures": failures[:15]}
    print(json.dumps(report, indent=2, ensure_ascii=True))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
