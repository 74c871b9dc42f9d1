"""A real browser: headless Chromium (Debian's `chromium`, which .ci/run installs) renders
a dream picture and the review page, and the screenshots are read pixel by pixel.

The page says where its charts are (a copy of it with a few lines of script asks the
browser for each chart's box) and which colour each chart draws its marks in
(`data-ink`); the screenshot of the page itself must show that colour inside that box.
Skipped where Chromium is missing, except in CI, where that is a failure.
"""

import html
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from datetime import date, timedelta

import pytest

from dreamly.demo import HARD_FORTNIGHT_ENDS

pytestmark = pytest.mark.slow  # processes: headless Chromium

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
PAGE_WIDTH = 900


@pytest.fixture
def browser(tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("needs Chromium (Debian: apt-get install chromium)")
    try:
        from PIL import Image
    except ImportError:  # in the test extra; a CI without it must not pass by skipping
        if os.environ.get("CI"):
            pytest.fail("Pillow is missing: pip install -e '.[test]'")
        pytest.skip("needs Pillow (pip install -e '.[test]')")
    profile = tmp_path / "chromium-profile"

    def run(url: str, *args: str) -> str:
        # the flags keep a headless Chromium from reaching for the network (updates, sync, …)
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--hide-scrollbars", "--force-device-scale-factor=1", "--force-color-profile=srgb",
                   f"--user-data-dir={profile}", *args, url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def screenshot(path, width: int, height: int):
        shot = tmp_path / f"{path.stem}.png"
        run(path.as_uri(), f"--window-size={width},{height}", f"--screenshot={shot}")
        return Image.open(shot).convert("RGB")

    run.screenshot = screenshot
    return run


def pixels(image):
    """Every pixel as (r, g, b), in any Pillow."""
    return list(getattr(image, "get_flattened_data", image.getdata)())


def near(pixel, colour: str, tolerance: int = 6) -> bool:
    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, target))


def not_blank(image) -> None:
    colours = Counter(pixels(image))
    commonest = colours.most_common(1)[0][1]
    assert len(colours) > 50, "the screenshot is (nearly) one colour"
    assert commonest < 0.9 * image.width * image.height


def test_a_dream_picture_renders(cli, browser, tmp_path):
    assert cli("add", "I was chased by a dog. My legs felt like concrete and I couldn't run.", "-e", "fear:4",
               "--title", "The dog in the station").exit_code == 0
    target = tmp_path / "dream.svg"
    assert cli("picture", "1", "-o", target).exit_code == 0
    image = browser.screenshot(target, 640, 480)
    not_blank(image)
    svg = target.read_text(encoding="utf-8")
    figure = re.search(r'data-element="figure"><g fill="none" stroke="(#[0-9a-f]{6})"', svg).group(1)
    assert sum(near(p, figure, 4) for p in pixels(image)) > 150, "the figure is not drawn"
    caption = image.crop((12, 418, 240, 468))
    assert sum(near(p, "#ffffff", 40) for p in pixels(caption)) > 80, "no title in the corner"


def test_the_review_page_renders_with_its_charts_where_it_says(cli, browser, tmp_path):
    db = tmp_path / "demo.db"
    assert cli("demo", "--db", db).exit_code == 0
    until = (date.today() - timedelta(days=HARD_FORTNIGHT_ENDS)).isoformat()
    page = tmp_path / "review.html"
    assert cli("patterns", "--db", db, "--until", until, "--html", page).exit_code == 0
    text = page.read_text(encoding="utf-8")

    # a copy that reports each chart's box: the page itself runs no script (its CSP forbids it)
    probe = tmp_path / "probe.html"
    script = """<script>
      const boxes = [...document.querySelectorAll('[data-chart]')].map(figure => {
        const r = figure.querySelector('svg').getBoundingClientRect();
        return {name: figure.dataset.chart, ink: figure.dataset.ink,
                x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height};
      });
      document.body.dataset.boxes = JSON.stringify(
        {height: document.documentElement.scrollHeight, charts: boxes});
    </script>"""
    probe.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
                     .replace("</body>", script + "</body>"), encoding="utf-8")
    dom = browser(probe.as_uri(), f"--window-size={PAGE_WIDTH},1200", "--dump-dom")
    layout = json.loads(html.unescape(re.search(r'data-boxes="([^"]*)"', dom).group(1)))
    assert {c["name"] for c in layout["charts"]} == {"weeks", "motifs", "emotions", "pursuers"}

    image = browser.screenshot(page, PAGE_WIDTH, int(layout["height"]))
    not_blank(image)
    for chart in layout["charts"]:
        assert chart["width"] > 300 and chart["height"] > 60, chart
        box = image.crop((int(chart["x"]), int(chart["y"]), int(chart["x"] + chart["width"]),
                          int(chart["y"] + chart["height"])))
        inked = sum(near(p, chart["ink"]) for p in pixels(box))
        assert inked > 100, f"{chart['name']}: its marks ({chart['ink']}) are not where the page puts the chart"
    # and the header above the first chart holds none of the charts' marks
    top = min(c["y"] for c in layout["charts"])
    above = pixels(image.crop((0, 0, PAGE_WIDTH, int(top) - 10)))
    for chart in layout["charts"]:
        assert sum(near(p, chart["ink"], 2) for p in above) < 20, chart["name"]
    # the thumbnails drew too: the last tenth of the page is not paper-plain
    thumbs = image.crop((0, int(layout["height"] * 0.85), PAGE_WIDTH, int(layout["height"])))
    assert len(set(pixels(thumbs))) > 200


def test_a_hostile_title_stays_text_in_the_browser(cli, browser, tmp_path):
    assert cli("add", "I was falling", "--title", "<script>alert(1)</script>").exit_code == 0
    page = tmp_path / "review.html"
    assert cli("patterns", "--html", page).exit_code == 0
    dom = browser(page.as_uri(), f"--window-size={PAGE_WIDTH},1200", "--dump-dom")
    assert "<script" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
