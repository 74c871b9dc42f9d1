"""The weekly review as one self-contained HTML page: the findings of `patterns.review()`
with inline SVG charts and the window's dream pictures as thumbnails.

Decides nothing (every number comes from the review, and which sections and rows from
`sections.sections()`: the page shows each section's rows and, folded or in its charts,
its `more`) and touches no database or terminal. The page loads nothing from anywhere: no scripts at all (its Content Security
Policy says so to the browser), no fonts, no images but its own inline SVG. It is also
well-formed XML, so a test can read it with the standard library.
"""

from __future__ import annotations

import math
import re

from dreamly import picture
from dreamly.review.sections import Section, sections
from dreamly.review.words import (capital, day, empty_message, is_empty, label, link_sentence, now_word, per_week,
                                  pursuer_name, recurring_name, red_flag_lines, span, window_weeks)
from dreamly.picture import num as _n
from dreamly.text import first_words
from dreamly.text import xml_escape as esc

FONT = picture.FONT
# The marks of each chart, one colour each (a browser test looks for them where the page
# says each chart is).
WEEK_INK, WEEK_INK_BEFORE = "#3b6fd4", "#b4c5ea"
MOTIF_INK, MOTIF_INK_BEFORE = "#7a4fc9", "#d3c6ee"
PURSUER_INK, PURSUER_INK_BEFORE = "#3d3a5c", "#c4c2d6"
HEAT = ("#fde0c5", "#f6ad78", "#e8743f", "#c0392b")  # fewest to most dreams in a week
HEAT_NONE = "#efedf3"
CHART_WIDTH = 480  # viewBox units: text stays readable when a phone shrinks the chart
MAX_THUMBNAILS = 24
TREND_WORDS = {"rising": "↑ rising", "falling": "↓ falling", "new": "★ new", "steady": "· steady", "none": ""}

STYLE = """
:root { color-scheme: light; --ink: #1d1b26; --muted: #66636f; --paper: #fbfaf7; --rule: #e2dfd8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 %(font)s; color: var(--ink); background: var(--paper); }
header { background: linear-gradient(#17153a, #3b2f6e); color: #fff; padding: 28px 20px 24px; }
header h1 { margin: 0; font-size: 1.6rem; }
header p { margin: 4px 0 0; opacity: .85; }
main { max-width: 760px; margin: 0 auto; padding: 4px 16px 48px; }
section { margin: 28px 0; }
h2 { font-size: 1.15rem; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
.note { color: var(--muted); font-size: .9rem; margin: 0 0 8px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 20px; padding: 0; margin: 0; list-style: none; }
.facts b { font-size: 1.3rem; display: block; }
figure { margin: 12px 0; }
figure.chart svg { width: 100%%; max-width: 560px; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .85rem; }
code { font-size: .9em; background: #efedf3; padding: 0 .25em; border-radius: 3px; }
ul.findings { padding-left: 1.2em; }
ul.findings li { margin: 4px 0; }
aside.flag { border-left: 4px solid #d89b2b; background: #fff5df; padding: 10px 14px; border-radius: 4px; }
aside.flag p { margin: 6px 0; }
.take dt { font-weight: 600; margin-top: 10px; }
.take dd { margin: 2px 0 0 1em; }
.thumbs { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 14px; }
.thumbs figure { margin: 0; }
.thumbs svg { width: 100%%; height: auto; display: block; border-radius: 6px; aspect-ratio: 4 / 3; }
footer { color: var(--muted); font-size: .8rem; max-width: 760px; margin: 0 auto; padding: 0 16px 32px; }
@media print {
  header { background: none; color: #000; padding: 0 0 8px; border-bottom: 2px solid #000; }
  body { background: #fff; }
  .thumbs { grid-template-columns: repeat(4, 1fr); }
  section, figure, aside { break-inside: avoid; }
}
""" % {"font": FONT}


def html(report: dict, dreams: list[dict] = (), *, labels: dict[str, str] | None = None, more_dreams: int = 0) -> str:
    """The page. `dreams` are the window's dreams (store dicts) to show as thumbnails;
    `more_dreams` how many more the window holds than were given."""
    w, b = report["window"], report["baseline"]
    title = f"Dream patterns, {span(w['since'], w['until'])}"
    body = [f'<header><h1>{esc(title)}</h1><p>against the {b["weeks"]} weeks before '
            f'({esc(span(b["since"], b["until"]))})</p></header>', "<main>"]
    if is_empty(report):
        body.append(f'<section data-finding="empty"><p>{_prose(empty_message(report))}</p></section>')
    else:
        for section in sections(report):
            body.append(PAGE[section.key](section, report))
        body.append(_thumbnails(list(dreams), labels or {}, more_dreams))
    body.append("</main>")
    body.append("<footer>Written by dreamly from your own journal. Links between tags and motifs are "
                "co-occurrence, not cause; nothing here is a diagnosis.</footer>")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            """<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>"""
            f'<meta name="generator" content="dreamly"/><title>{esc(title)}</title><style>{STYLE}</style></head>'
            f'<body>{"".join(body)}</body></html>\n')


def _prose(text: str) -> str:
    """Text for the page, escaped, with `commands` as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", esc(text))


def _section(title: str, inner: str, note: str = "", finding: str = "") -> str:
    attr = f' data-finding="{esc(finding)}"' if finding else ""
    note_html = f'<p class="note">{_prose(note)}</p>' if note else ""
    return f'<section{attr}><h2>{esc(title)}</h2>{note_html}{inner}</section>'


# -- sections -----------------------------------------------------------------------------------


def _overview(section: Section, report: dict) -> str:
    items = "".join(f"<li><b>{esc(figure)}</b> {esc(words)}"
                    f"{esc(' (' + section.extra['before'] + ')') if key == 'dreams' else ''}</li>"
                    for key, figure, words in section.rows)
    return _section("Overview", f'<ul class="facts">{items}</ul>', finding="overview")


def _chart(name: str, ink: str, height: float, inner: str, caption: str, summary: str) -> str:
    return (f'<figure class="chart" data-chart="{name}" data-ink="{ink}">'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {_n(height)}" role="img" '
            f'aria-label="{esc(summary)}" font-family="{esc(FONT)}">{inner}</svg>'
            f'<figcaption>{esc(caption)}</figcaption></figure>')


def _weeks(section: Section, report: dict) -> str:
    weeks = section.rows
    top = max(x["dreams"] for x in weeks)
    now = window_weeks(report)
    slot = CHART_WIDTH / len(weeks)
    plot_top, plot_bottom = 22, 130
    bars = []
    for i, x in enumerate(weeks):
        h = (plot_bottom - plot_top) * x["dreams"] / top
        left = i * slot + slot * 0.15
        ink = WEEK_INK if x["start"] in now else WEEK_INK_BEFORE
        text = (f'<text x="{_n(left + slot * 0.35)}" y="{_n(plot_bottom - h - 5)}" font-size="14" '
                f'text-anchor="middle" fill="#333">{x["dreams"]}</text>') if x["dreams"] else ""
        tick = (f'<text x="{_n(left + slot * 0.35)}" y="{plot_bottom + 18}" font-size="13" text-anchor="middle" '
                f'fill="#666">{esc(day(x["start"]))}</text>') if (len(weeks) - 1 - i) % 2 == 0 else ""
        bars.append(f'<g data-finding="week:{x["start"]}"><title>Week of {esc(day(x["start"], year=True))}: '
                    f'{x["dreams"]} dream{"s" if x["dreams"] != 1 else ""}</title>'
                    f'<rect x="{_n(left)}" y="{_n(plot_bottom - h)}" width="{_n(slot * 0.7)}" height="{_n(max(h, 0))}" '
                    f'rx="2" fill="{ink}"/>{text}{tick}</g>')
    axis = f'<path d="M0 {plot_bottom + 0.5} H{CHART_WIDTH}" stroke="#ccc"/>'
    chart = _chart("weeks", WEEK_INK, plot_bottom + 24, axis + "".join(bars),
                   f"Dreams per calendar week, the last {len(weeks)} weeks; the weeks under review are darker.",
                   "Dreams per week: " + ", ".join(f"{day(x['start'])} {x['dreams']}" for x in weeks))
    return _section("Dreams per week", chart)


def _bar_rows(rows: list[tuple[str, dict, str]], ink: str, ink_before: str, report: dict) -> tuple[str, float]:
    """Horizontal bars, two a row: the window's count (solid) and the weekly average before
    (pale), with the trend. Returns the SVG inside and its height."""
    top = max([1.0] + [max(r["count"], r["baseline"]) for _, r, _ in rows])
    name_w, value_w, trend_w = 170, 34, 78
    bar_w = CHART_WIDTH - name_w - value_w - trend_w
    row_h = 38
    out = []
    for i, (name, row, finding) in enumerate(rows):
        y = 8 + i * row_h
        now_w = bar_w * row["count"] / top
        before_w = bar_w * row["baseline"] / top
        trend = TREND_WORDS.get(row["trend"], row["trend"])
        title = (f"{name}: {row['count']} {now_word(report)}, {per_week(row['baseline'])} a week before"
                 + (f", {row['trend']}" if row["trend"] not in ("none", "") else ""))
        out.append(
            f'<g data-finding="{esc(finding)}"><title>{esc(title)}</title>'
            f'<text x="0" y="{_n(y + 14)}" font-size="15" fill="#222">{esc(first_words(name, 20))}</text>'
            f'<rect x="{name_w}" y="{_n(y + 2)}" width="{_n(max(now_w, 1.5))}" height="14" rx="2" fill="{ink}"/>'
            f'<rect x="{name_w}" y="{_n(y + 19)}" width="{_n(max(before_w, 1.5))}" height="6" rx="2" fill="{ink_before}"/>'
            f'<text x="{_n(name_w + bar_w + 6)}" y="{_n(y + 14)}" font-size="15" font-weight="600" fill="#222">{row["count"]}</text>'
            f'<text x="{_n(name_w + bar_w + 6)}" y="{_n(y + 29)}" font-size="12" fill="#777">{esc(per_week(row["baseline"]))}</text>'
            f'<text x="{CHART_WIDTH - trend_w + 4}" y="{_n(y + 14)}" font-size="13" fill="#555">{esc(trend)}</text></g>')
    return "".join(out), 8 + len(rows) * row_h


def _motifs(section: Section, report: dict) -> str:
    family = section.extra["family"]
    rows = [("all can't-run dreams", m, "cant_run") if m is family else (label(m), m, f"motif:{m['id']}")
            for m in section.rows]
    inner, height = _bar_rows(rows, MOTIF_INK, MOTIF_INK_BEFORE, report)
    chart = _chart("motifs", MOTIF_INK, height, inner,
                   f"Dark bar: dreams with the motif {now_word(report)}; pale bar and small figure: the weekly "
                   "average in the weeks before.",
                   "Motifs: " + "; ".join(f"{name} {row['count']} (before {per_week(row['baseline'])})"
                                          for name, row, _ in rows))
    seen = [m for m in section.more if m["count"]]
    if seen:
        names = ", ".join(f'<span data-finding="motif:{esc(m["id"])}">{esc(label(m))} ({m["count"]} {esc(now_word(report))}, '
                          f'{esc(per_week(m["baseline"]))} a week before)</span>' for m in seen)
        chart += f'<p class="note">Also: {names}.</p>'
    quiet = [m for m in section.more if not m["count"]]
    if quiet:
        names = ", ".join(f'<span data-finding="motif:{esc(m["id"])}">{esc(label(m))} ({esc(per_week(m["baseline"]))} a '
                          f'week)</span>' for m in quiet)
        chart += f'<p class="note">Not seen {esc(now_word(report))}, but before: {names}.</p>'
    return _section("Motifs", chart)


def _emotions(section: Section, report: dict) -> str:
    rows = section.rows + section.more  # the page's chart holds every feeling
    weeks = [x["start"] for x in report["weeks"]]
    name = {e["id"]: capital(label(e)) for e in rows}
    top = max([1] + [n for e in rows for n in e.get("weeks", ())])
    now = window_weeks(report)
    name_w, side_w = 112, 70
    cell = (CHART_WIDTH - name_w - side_w) / len(weeks)
    row_h = 26
    out = []
    for j, start in enumerate(weeks):
        if (len(weeks) - 1 - j) % 2 == 0:  # every other week from the last: labels never collide
            out.append(f'<text x="{_n(name_w + j * cell + cell / 2)}" y="13" font-size="12" text-anchor="middle" '
                       f'fill="{"#222" if start in now else "#777"}">{esc(day(start))}</text>')
    for i, e in enumerate(rows):
        y = 20 + i * row_h
        cells = []
        for j, (start, n) in enumerate(zip(weeks, e.get("weeks", [0] * len(weeks)))):
            fill = HEAT[min(len(HEAT) - 1, math.ceil(n * len(HEAT) / top) - 1)] if n else HEAT_NONE
            outline = ' stroke="#222"' if start in now else ""
            cells.append(f'<rect x="{_n(name_w + j * cell + 1)}" y="{y}" width="{_n(cell - 2)}" height="{row_h - 3}" '
                         f'rx="2" fill="{fill}"{outline}>'
                         f'<title>{esc(name[e["id"]])}, week of {esc(day(start))}: {n}</title></rect>')
        trend = TREND_WORDS.get(e["trend"], "")
        title = (f"{name[e['id']]}: {e['count']} {now_word(report)}, {per_week(e['baseline'])} a week before"
                 + (f", {e['trend']}" if e["trend"] not in ("none", "") else ""))
        out.append(f'<g data-finding="emotion:{esc(e["id"])}"><title>{esc(title)}</title>'
                   f'<text x="0" y="{y + 17}" font-size="14" fill="#222">{esc(first_words(name[e["id"]], 14))}</text>{"".join(cells)}'
                   f'<text x="{CHART_WIDTH - side_w + 6}" y="{y + 17}" font-size="13" fill="#555">{e["count"]} {esc(trend)}</text></g>')
    chart = _chart("emotions", HEAT[-1], 20 + len(rows) * row_h, "".join(out),
                   f"Dreams with each feeling, week by week (darker: more); the weeks under review are outlined. "
                   f"At the right: {now_word(report)}, and the trend.",
                   "Feelings by week: " + "; ".join(f"{name[e['id']]} {e['count']}" for e in rows))
    return _section("Feelings by week", chart)


def _pursuers(section: Section, report: dict) -> str:
    rows = [(pursuer_name(p), p, f"pursuer:{p['id']}") for p in section.rows]
    inner, height = _bar_rows(rows, PURSUER_INK, PURSUER_INK_BEFORE, report)
    chart = _chart("pursuers", PURSUER_INK, height, inner,
                   f"Who or what did the chasing {now_word(report)} (dark) and a week on average before (pale).",
                   "Pursuers: " + "; ".join(f"{name} {row['count']}" for name, row, _ in rows))
    sentence = section.extra["sentence"]
    shift_html = f'<p data-finding="pursuer-shift">{esc(sentence)}</p>' if sentence else ""
    return _section("Who or what chases you", chart + shift_html)


def _link_item(kind: str, link: dict) -> str:
    key = f"link:{link['tag']}:{link['motif']}" if kind == "motif" else f"emotion-link:{link['tag']}:{link['emotion']}"
    return f'<li data-finding="{esc(key)}">{esc(capital(link_sentence(link, kind)))}.</li>'


def _folded(items: list[str]) -> str:
    """The section's `more`, under a "N more" the reader opens."""
    if not items:
        return ""
    return f'<details><summary>{len(items)} more</summary><ul class="findings">{"".join(items)}</ul></details>'


def _links(section: Section, report: dict) -> str:
    inner = f'<ul class="findings">{"".join(_link_item(*row) for row in section.rows)}</ul>'
    inner += _folded([_link_item(*row) for row in section.more])
    return _section("What travels together", inner, note="Co-occurrence in these weeks, not cause.")


def _recurring(section: Section, report: dict) -> str:
    lis = [f'<li data-finding="recurring:{i}"><b>{g["times"]} times</b> — {esc(recurring_name(g))}: '
           f'{esc(", ".join(day(d) for d in g["dates"]))} <span class="note">({esc(g["reason"])})</span></li>'
           for i, g in enumerate(section.rows + section.more)]
    inner = f'<ul class="findings">{"".join(lis[:len(section.rows)])}</ul>' + _folded(lis[len(section.rows):])
    return _section("Dreams that come back", inner)


def _signs(section: Section, report: dict) -> str:
    from dreamly.review.sign_words import html_section

    return html_section(section.rows[0])


def _red_flag(section: Section, report: dict) -> str:
    seen, message = red_flag_lines(section.rows[0])
    return (f'<section><aside class="flag" data-finding="red-flag"><h2>Worth noticing</h2>'
            f'<p>{esc(seen)}</p><p>{esc(message)}</p></aside></section>')


def _suggestions(section: Section, report: dict) -> str:
    parts = []
    for item in section.rows:
        parts.append(f'<div data-finding="suggestion:{esc(item["motif"])}"><dt>{esc(item["label"])} '
                     f'<span class="note">({esc(item["finding"])})</span></dt>')
        if item.get("question"):
            parts.append(f'<dd>Ask yourself: <i>{esc(item["question"])}</i></dd>')
        if item.get("try"):
            parts.append(f'<dd>Try: {esc(item["try"])}</dd>')
        parts.append("</div>")
    return _section("To take with you", f'<dl class="take">{"".join(parts)}</dl>')


PAGE = {"overview": _overview, "weeks": _weeks, "motifs": _motifs, "emotions": _emotions, "pursuers": _pursuers,
        "links": _links, "recurring": _recurring, "signs": _signs, "red_flag": _red_flag, "suggestions": _suggestions}


def _thumbnails(dreams: list[dict], labels: dict[str, str], more: int) -> str:
    if not dreams:
        return ""
    figures = []
    for dream in dreams:
        scene = picture.scene_for(dream, labels)
        caption = " · ".join(filter(None, (day(dream["dreamt_on"]), first_words(scene.title, 40))))
        figures.append(f'<figure data-dream="{scene.dream_id}">{picture.draw(scene, standalone=False)}'
                       f'<figcaption>{esc(caption)}</figcaption></figure>')
    note = (f"The first {len(dreams)}; {more} more in these days (`dreamly picture ID` draws any of them)."
            if more else "Each drawn from its motifs and feelings; `dreamly picture ID` saves one.")
    return _section("The dreams of these days", f'<div class="thumbs">{"".join(figures)}</div>', note=note,
                    finding="pictures")
