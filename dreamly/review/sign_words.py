"""Dream signs in words: the sentences the terminal, Markdown and HTML views share, and the
review section's Markdown and HTML. Plain strings only (no rich), so Markdown and the page
never load the terminal's machinery.
"""

from __future__ import annotations

from html import escape as esc

from dreamly.review.words import day


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}%"


def dreams_word(n: int) -> str:
    return f"{n} dream" + ("" if n == 1 else "s")


def span_words(sign: dict) -> str:
    """'3 Nov – 1 Dec' (or one day)."""
    first, last = sign["first"], sign["last"]
    return day(first, year=True) if first == last else f"{day(first)} – {day(last, year=True)}"


def excerpt_text(item: dict, mark: tuple[str, str] = ("[", "]")) -> str:
    words = item.get("words") or ""
    return f"{item.get('before', '')}{mark[0]}{words}{mark[1]}{item.get('after', '')}" if words else \
        f"{item.get('before', '')}{item.get('after', '')}"


def lucid_sentence(section: dict, now: str = "these days") -> str:
    """"Lucid: 1 of 6 dreams these days (17%), 5% before — rising.\""""
    lucid = section["lucid"]
    count = lucid["dreams"]
    dreams = section.get("window_dreams")
    rate = percent(lucid["rate"])
    before = percent(lucid["baseline_rate"])
    trend = {"rising": " — rising", "falling": " — falling", "steady": " — steady", "new": " — new",
             "none": ""}[lucid["trend"]]
    total = f" of {dreams_word(dreams)}" if dreams is not None else ""
    return f"Lucid: {count}{total} {now} ({rate}), {before} before{trend}."


def is_quiet(section: dict | None) -> bool:
    """Nothing to say: no signs, no lucid dream in the window or before it."""
    if not section:
        return True
    lucid = section["lucid"]
    return not (section["new"] or section["strongest"] or section["in_lucid"]
                or lucid["dreams"] or lucid["baseline_rate"])


NEW = "New this time:"
STRONGEST = "Strongest of these weeks:"


def sign_list(signs: list[dict]) -> str:
    """"attic door (3 dreams), my grandmother (2 dreams)"."""
    return ", ".join(f"{s['label']} ({dreams_word(s['dreams'])})" for s in signs)


def names(signs: list[dict]) -> str:
    return ", ".join(s["label"] for s in signs)


def in_lucid_sentence(s: dict) -> str:
    other = "" if s["other_share"] is None else f", {percent(s['other_share'])} of the others"
    return f"{s['label']}: in {s['lucid_dreams']} lucid dream{'s' if s['lucid_dreams'] != 1 else ''} " \
           f"({percent(s['lucid_share'])} of them{other})"


def week_rates(section: dict) -> str:
    """The lucid rate per week as a short line of percentages (· for a week without dreams)."""
    return " ".join("·" if w["rate"] is None else percent(w["rate"]) for w in section["lucid"]["weeks"])


def markdown_section(section: dict | None) -> list[str]:
    if is_quiet(section):
        return []
    out = ["## Dream signs", "", lucid_sentence(section), "",
           f"Lucid rate by week ({day(section['lucid']['weeks'][0]['start'])} – "
           f"{day(section['lucid']['weeks'][-1]['start'])}): {week_rates(section)}", ""]
    if section["new"]:
        out.append(f"- **{NEW}** {names(section['new'])}")
    if section["strongest"]:
        out.append(f"- **{STRONGEST}** {sign_list(section['strongest'])}")
    for s in section["in_lucid"]:
        out.append(f"- **In lucid dreams:** {in_lucid_sentence(s)}")
    out += ["", "_`dreamly signs` lists them all with excerpts; `dreamly tonight` turns them into an intention._", ""]
    return out


def html_section(section: dict | None) -> str:
    if is_quiet(section):
        return ""
    items = [f'<li data-finding="lucid-rate">{esc(lucid_sentence(section))}</li>']
    if section["new"]:
        items.append(f'<li data-finding="signs-new"><b>{NEW}</b> {esc(names(section["new"]))}</li>')
    if section["strongest"]:
        items.append(f'<li data-finding="signs-strongest"><b>{STRONGEST}</b> {esc(sign_list(section["strongest"]))}</li>')
    for s in section["in_lucid"]:
        items.append(f'<li data-finding="signs-lucid:{esc(s["sign"])}"><b>In lucid dreams:</b> '
                     f'{esc(in_lucid_sentence(s))}</li>')
    weeks = section["lucid"]["weeks"]
    note = (f"Lucid rate by week, {day(weeks[0]['start'])} – {day(weeks[-1]['start'])}: {week_rates(section)}")
    return (f'<section data-finding="signs"><h2>Dream signs</h2><p class="note">{esc(note)}</p>'
            f'<ul class="findings">{"".join(items)}</ul></section>')


JSON_SIGN_FIELDS = ("sign", "kind", "label", "dreams", "first", "last", "lucid_dreams", "lift", "rarity", "score")


def json_report(report: dict) -> dict:
    """`dreamly signs --json`: stable fields (tests/test_signs.py pins them); excerpts carry
    the sign's words in [brackets], as `search --json` marks its hits."""
    return {
        "window": report["window"], "dreams": report["dreams"], "lucid_dreams": report["lucid_dreams"],
        "order": report["order"], "more": report["more"], "hidden": report["hidden"],
        "signs": [
            {**{key: s[key] for key in JSON_SIGN_FIELDS},
             "excerpts": [{"dream_id": e["dream_id"], "dreamt_on": e["dreamt_on"], "text": excerpt_text(e)}
                          for e in s.get("excerpts", ())]}
            for s in report["signs"]
        ],
    }
