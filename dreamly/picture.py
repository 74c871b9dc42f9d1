"""A picture of a dream: an SVG composed from what the matcher found in it, and a prompt
for people who use an image generator elsewhere.

Pure functions over a dream as the store returns it (a dict with motifs and emotions);
nothing here touches the database, the terminal or the network. The colour families and
what each motif adds to the scene are data, in picture.toml. The composition is seeded by
the dream's id: the same dream always gives the same picture, and two dreams differ.

Why it is long (about 600 lines): one composition pipeline (scene, layout, the SVG writer,
the image prompt) whose stages share the scene's types; the data is in picture.toml.
"""

from __future__ import annotations

import colorsys
import math
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dreamly.text import first_words, xml_escape

STYLE_FILE = Path(__file__).with_name("picture.toml")
WIDTH, HEIGHT = 640, 480
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"  # installed fonts only
INTENSITY_TAGGED = 3  # a feeling tagged without a number
INTENSITY_FOUND = 2   # a feeling the text gave away
MAX_SIGNS = 3         # personal motifs drawn as signs
PURSUERS = ("person", "monster", "animal", "fog")  # the elements that shape a chase's shadow


@lru_cache(maxsize=1)
def style() -> dict:
    """picture.toml, parsed once."""
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    with open(STYLE_FILE, "rb") as fh:
        return tomllib.load(fh)


# -- what the picture shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Feeling:
    name: str        # as the dream has it ("fear", "awe")
    family: str      # its colour family in picture.toml ("fear", "surprise")
    intensity: int   # 1-5
    colour: str      # the family's colour at this intensity, as #rrggbb


@dataclass
class Scene:
    dream_id: int
    title: str
    day: str
    motifs: list[str]                    # the dreamer's motifs, in the order the dream tells them
    elements: dict[str, str]             # motif id -> element drawn for it
    feelings: list[Feeling] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    nightmare: bool = False
    lucid: bool = False

    def has(self, element: str) -> bool:
        return element in self.elements.values()

    def motif_for(self, element: str) -> str:
        return next(m for m, e in self.elements.items() if e == element)


def family_of(feeling: str) -> str:
    """The colour family of a feeling name: itself, its family in the knowledge base's
    feeling lexicons (dreamly.analysis.feeling_family: "scared" -> fear), or neutral."""
    from dreamly.analysis import feeling_family

    palette = style()["palette"]
    name = feeling.strip().lower()
    if name in palette:
        return name
    family = feeling_family(name)
    return family if family in palette else "neutral"


def colour(family: str, intensity: int, lightness: float = 0.5, saturation: float = 1.0) -> str:
    """The family's hue at a saturation set by intensity (1-5), as #rrggbb."""
    spec = style()["palette"].get(family) or style()["palette"]["neutral"]
    sat = (0.15 + 0.17 * max(1, min(5, intensity))) * saturation
    sat = min(sat, spec.get("max_saturation", 1.0))
    r, g, b = colorsys.hls_to_rgb(spec["hue"] / 360, max(0.0, min(1.0, lightness)), max(0.0, min(1.0, sat)))
    return "#{:02x}{:02x}{:02x}".format(round(r * 255), round(g * 255), round(b * 255))


def dreamers_motifs(dream: dict) -> list[str]:
    """Motif ids about the dreamer (not a sister who fell), first mention first."""
    from dreamly.model import motif_ids

    return motif_ids(dream, dreamers_only=True)


def feelings_of(dream: dict) -> list[Feeling]:
    """The dream's feelings, strongest first: what you tagged before what the text gave away."""
    ranked = []
    for order, e in enumerate(dream.get("emotions", ())):
        tagged = e.get("origin", "user") == "user"
        level = e.get("intensity") or (INTENSITY_TAGGED if tagged else INTENSITY_FOUND)
        ranked.append((not tagged, -level, order, e["emotion"], level))
    seen, feelings = set(), []
    for *_, name, level in sorted(ranked):
        if name in seen:
            continue
        seen.add(name)
        family = family_of(name)
        feelings.append(Feeling(name, family, level, colour(family, level)))
    return feelings


def scene_for(dream: dict, labels: dict[str, str] | None = None) -> Scene:
    """What to draw for a dream: its motifs' elements and its feelings' colours."""
    scenes = style()["scenes"]
    motifs = dreamers_motifs(dream)
    elements = {m: scenes[m]["draw"] if m in scenes else "sign" for m in motifs}
    return Scene(
        dream_id=int(dream["id"]), title=dream.get("title") or first_words(dream.get("body") or "", 48),
        day=dream.get("dreamt_on") or "", motifs=motifs, elements=elements, feelings=feelings_of(dream),
        labels=dict(labels or {}), nightmare=bool(dream.get("nightmare")), lucid=bool(dream.get("lucid")),
    )


def describe(scene: Scene) -> dict:
    """The scene as plain data (for --json and the page)."""
    return {
        "dream_id": scene.dream_id,
        "motifs": scene.motifs,
        "elements": [{"motif": m, "element": e} for m, e in scene.elements.items()],
        "palette": [{"feeling": f.name, "family": f.family, "intensity": f.intensity, "colour": f.colour}
                    for f in scene.feelings] or [{"feeling": None, "family": "neutral", "intensity": 1,
                                                  "colour": colour("neutral", 1)}],
    }


# -- the image prompt ---------------------------------------------------------------------------


def image_prompt(dream: dict, scene: Scene) -> str:
    """A text-to-image prompt built from the same analysis as the picture."""
    data = style()
    scenes, prompt = data["scenes"], data["prompt"]
    parts = [scenes[m]["prompt"] if m in scenes else f"a glowing sign for {scene.labels.get(m, m.replace('_', ' ')).lower()}"
             for m in scene.motifs]
    lines = [f"A dream scene: {'; '.join(parts) if parts else prompt['quiet']}."]
    evidence = list(dict.fromkeys(m["evidence"] for m in dream.get("motifs", ())
                                  if m.get("subject", "dreamer") == "dreamer" and m.get("evidence")))
    if evidence:
        lines.append("In the dreamer's words: " + ", ".join(f"“{first_words(e, 60)}”" for e in evidence[:6]) + ".")
    body = first_words(dream.get("body") or "", 240)
    if body:
        lines.append(f"The dream as written: {body}")
    if scene.feelings:
        moods = [f"{_strength(f.intensity)} {f.name}" for f in scene.feelings[:3]]
        colours = list(dict.fromkeys(data["palette"][f.family]["prompt"] for f in scene.feelings[:2]))
        lines.append(f"Mood: {', '.join(moods)}. Colours: {' with '.join(colours)}.")
    else:
        lines.append(f"Colours: {data['palette']['neutral']['prompt']}.")
    lines.append(prompt["style"])
    if scene.nightmare:
        lines.append(prompt["nightmare"])
    if scene.lucid:
        lines.append(prompt["lucid"])
    return "\n".join(lines)


def _strength(intensity: int) -> str:
    return {1: "a hint of", 2: "some", 3: "clear", 4: "strong", 5: "overwhelming"}[max(1, min(5, intensity))]


# -- drawing ------------------------------------------------------------------------------------


def num(value: float) -> str:
    """A coordinate with one decimal, and none when it is whole (smaller, steadier files)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class _Canvas:
    """The picture's colours and seeded choices, and the SVG it collects."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.rng = random.Random(f"dreamly-picture:{scene.dream_id}")  # str seeds don't depend on PYTHONHASHSEED
        self.id = f"d{scene.dream_id}-"
        feelings = scene.feelings
        first = feelings[0] if feelings else Feeling("", "neutral", 1, "")
        second = feelings[1] if len(feelings) > 1 else first
        self.main, self.other = first, second
        self.parts: list[str] = []

    def tone(self, lightness: float, saturation: float = 1.0, *, second: bool = False) -> str:
        f = self.other if second else self.main
        return colour(f.family, f.intensity, lightness, saturation)

    def add(self, text: str) -> None:
        self.parts.append(text)

    def group(self, motif: str | None, element: str, body: str, extra: str = "") -> None:
        attrs = f' data-element="{element}"' + (f' data-motif="{xml_escape(motif)}"' if motif else "")
        self.add(f"<g{attrs}{extra}>{body}</g>")


def draw(scene: Scene, *, standalone: bool = True) -> str:
    """The SVG of a scene. `standalone` adds the XML declaration and a fixed size, for a
    file of its own; inline (in the review page) it scales to its box."""
    c = _Canvas(scene)
    rng = c.rng
    horizon = rng.uniform(HEIGHT * 0.56, HEIGHT * 0.66)
    ground_y = rng.uniform(HEIGHT * 0.8, HEIGHT * 0.85)
    facing = rng.choice((1, -1))  # which way the figure runs; a pursuer comes from behind
    fx = WIDTH / 2 + rng.uniform(30, 90) * facing
    flying, falling = scene.has("flight"), scene.has("fall")

    _sky(c, horizon)
    _far_land(c, horizon)
    if scene.has("house"):
        _house(c, horizon, fx)
    if scene.has("paths"):
        _paths(c, horizon, ground_y, fx)
    if scene.has("slope"):
        _slope(c, ground_y, fx, facing)
    elif scene.has("fall"):
        _cliff(c, ground_y, fx, facing)
    else:
        _ground(c, ground_y)
    if scene.has("water"):
        _water(c, ground_y)
    if scene.has("door"):
        _room(c, ground_y, fx)
    if scene.has("spotlight"):
        _spotlight(c, ground_y, fx)
    # Where the dream puts the dreamer: on the ground, or in the air when they fall or fly.
    # A can't-run dream that also falls or flies keeps a fainter figure on the ground for
    # the part of the dream spent stuck there.
    airborne = "fall" if falling else "fly" if flying else None
    stuck = [e for e in ("sunk", "frozen", "trails", "treadmill", "wobble") if scene.has(e)]
    gx = fx - facing * 70 if airborne else fx
    if scene.has("shadow") or any(e in scene.elements.values() for e in PURSUERS):
        _pursuers(c, ground_y, gx, facing)
    if airborne is None or stuck:
        gy = ground_y - (18 if scene.has("slope") else 0)
        running = scene.has("shadow") or scene.has("trails") or scene.has("treadmill") or scene.has("slope")
        pose = "frozen" if scene.has("frozen") else "run" if running else "stand"
        if scene.has("trails"):
            for i, alpha in enumerate((0.14, 0.24, 0.36), start=1):
                c.group(scene.motif_for("trails"), "trails",
                        _figure(gx - facing * 26 * (4 - i), gy, pose, c.tone(0.85, 0.3), facing, opacity=alpha))
        if scene.has("treadmill"):
            _treadmill(c, gx, gy)
        c.group(None, "figure" if airborne is None else "figure-earlier",
                _figure(gx, gy, pose, c.tone(0.9, 0.25), facing, wobble=scene.has("wobble"),
                        opacity=1.0 if airborne is None else 0.55))
        if scene.has("sunk"):
            _sunk(c, gx, gy)
        if scene.has("frozen"):
            _bands(c, gx, gy)
    if airborne == "fall":
        fy = ground_y - rng.uniform(150, 190)
        _fall_streaks(c, fx, fy)
        c.group(None, "figure", _figure(fx, fy, "fall", c.tone(0.9, 0.25), facing))
    elif airborne == "fly":
        fy = horizon - rng.uniform(90, 150)
        _wind(c, fx, fy, facing)
        c.group(None, "figure", _figure(fx, fy, "fly", c.tone(0.9, 0.25), facing))
    if scene.has("teeth"):
        _teeth(c)
    if scene.has("clock"):
        _clock(c, fx)
    if scene.has("candle"):
        _candle(c, ground_y, fx)
    _signs(c, horizon)
    _caption(c)
    return _svg(c, standalone)


def _svg(c: _Canvas, standalone: bool) -> str:
    scene = c.scene
    names = [scene.labels.get(m, m.replace("_", " ")) for m in scene.motifs]
    feelings = [f"{f.name} ({f.intensity}/5)" for f in scene.feelings]
    desc = (f"Dream {scene.dream_id}, {scene.day}. " + (f"Motifs: {', '.join(names)}. " if names else "No motifs found. ")
            + (f"Feelings: {', '.join(feelings)}." if feelings else "No feelings recorded."))
    size = f'width="{WIDTH}" height="{HEIGHT}"' if standalone else 'width="100%" preserveAspectRatio="xMidYMid slice"'
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if standalone else ""
    motifs = " ".join(scene.motifs)
    families = " ".join(dict.fromkeys(f.family for f in scene.feelings)) or "neutral"
    return (f'{head}<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" {size} role="img" '
            f'aria-labelledby="{c.id}title {c.id}desc" data-dream="{scene.dream_id}" data-motifs="{xml_escape(motifs)}" '
            f'data-palette="{families}">'
            f'<title id="{c.id}title">{xml_escape(scene.title or f"Dream {scene.dream_id}")}</title>'
            f'<desc id="{c.id}desc">{xml_escape(desc)}</desc>'
            + "".join(c.parts) + "</svg>\n")


# -- the elements -------------------------------------------------------------------------------


def _sky(c: _Canvas, horizon: float) -> None:
    top, low = c.tone(0.1, 0.7), c.tone(0.42, 0.9, second=True)
    glow = c.tone(0.7, 1.0, second=True)
    mx, my = c.rng.uniform(60, WIDTH - 60), c.rng.uniform(50, horizon - 110)
    c.add(f'<defs><linearGradient id="{c.id}sky" x1="0" y1="0" x2="0" y2="1">'
          f'<stop offset="0" stop-color="{top}"/><stop offset="0.75" stop-color="{low}"/></linearGradient>'
          f'<radialGradient id="{c.id}glow"><stop offset="0" stop-color="{glow}" stop-opacity="0.9"/>'
          f'<stop offset="1" stop-color="{glow}" stop-opacity="0"/></radialGradient>'
          f'<linearGradient id="{c.id}drop" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000000" stop-opacity="0"/>'
          f'<stop offset="1" stop-color="#000000" stop-opacity="0.85"/></linearGradient>'
          f'<filter id="{c.id}blur" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="9"/></filter>'
          f'</defs>')
    c.group(None, "sky", f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#{c.id}sky)"/>'
                         f'<circle cx="{num(mx)}" cy="{num(my)}" r="90" fill="url(#{c.id}glow)"/>'
                         f'<circle cx="{num(mx)}" cy="{num(my)}" r="{num(c.rng.uniform(16, 26))}" fill="{c.tone(0.88, 0.4, second=True)}"/>')
    stars = "".join(f'<circle cx="{num(c.rng.uniform(0, WIDTH))}" cy="{num(c.rng.uniform(0, horizon - 30))}" '
                    f'r="{num(c.rng.uniform(0.6, 1.8))}" opacity="{num(c.rng.uniform(0.3, 0.9))}"/>'
                    for _ in range(c.rng.randint(18, 40)))
    c.group(None, "stars", f'<g fill="#ffffff">{stars}</g>')


def _wave_path(c: _Canvas, y: float, amplitude: float, bottom: float, steps: int = 6) -> str:
    """A closed shape whose top edge is a soft wave around y, down to `bottom`."""
    xs = [i * WIDTH / steps for i in range(steps + 1)]
    ys = [y + c.rng.uniform(-amplitude, amplitude) for _ in xs]
    d = f"M0 {num(bottom)} L0 {num(ys[0])}"
    for i in range(1, len(xs)):
        mid = (xs[i - 1] + xs[i]) / 2
        d += f" Q{num(mid)} {num(ys[i - 1] + c.rng.uniform(-amplitude, amplitude))} {num(xs[i])} {num(ys[i])}"
    return d + f" L{WIDTH} {num(bottom)} Z"


def _far_land(c: _Canvas, horizon: float) -> None:
    c.group(None, "hills", f'<path d="{_wave_path(c, horizon - 12, 22, HEIGHT)}" fill="{c.tone(0.2, 0.5)}"/>'
                           f'<path d="{_wave_path(c, horizon + 14, 12, HEIGHT)}" fill="{c.tone(0.13, 0.5)}"/>')


def _ground(c: _Canvas, ground_y: float) -> None:
    c.group(None, "ground", f'<path d="{_wave_path(c, ground_y, 5, HEIGHT, 4)}" fill="{c.tone(0.07, 0.4)}"/>')


# Figures as polylines of (dx, dy) from the feet, dx mirrored when the figure faces left:
# body, two legs, two arms; and where the head goes.
POSES = {
    "run": ((((0, -72), (4, -40)), ((4, -40), (20, -20), (14, 0)), ((4, -40), (-12, -18), (-26, -10)),
             ((1, -64), (18, -52), (26, -62)), ((1, -64), (-16, -52), (-22, -40))), (2, -84)),
    "fly": ((((-30, 0), (10, -4)), ((-30, 0), (-62, 4)), ((-30, 0), (-60, -8)),
             ((0, -3), (26, -22)), ((0, -3), (30, 10))), (20, -8)),
    "fall": ((((0, 0), (6, -34)), ((6, -34), (-14, -60)), ((6, -34), (28, -56)),
              ((2, -10), (-28, -2)), ((2, -10), (30, 2))), (-2, 12)),
    "stand": ((((0, -72), (0, -40)), ((0, -40), (-10, 0)), ((0, -40), (10, 0)),
               ((0, -64), (-16, -38)), ((0, -64), (16, -38))), (0, -84)),
    "frozen": ((((0, -72), (0, -40)), ((0, -40), (-4, 0)), ((0, -40), (4, 0)),
                ((0, -64), (-6, -38)), ((0, -64), (6, -38))), (0, -84)),
}
# Jelly legs: the two legs as curves that bend like rubber (M hip, Q control, end).
WOBBLY_LEGS = {"run": (((4, -40), (30, -26), (14, 0)), ((4, -40), (2, -4), (-26, -10))),
               "stand": (((0, -40), (-16, -20), (-10, 0)), ((0, -40), (16, -20), (10, 0)))}


def _figure(x: float, y: float, pose: str, fill: str, facing: int, *, opacity: float = 1.0, wobble: bool = False) -> str:
    """A simple human figure standing on (x, y), about 90 units tall."""
    limbs, (hx, hy) = POSES[pose]

    def at(dx: float, dy: float) -> str:
        return f"{num(x + dx * facing)} {num(y + dy)}"

    paths = ["M" + " L".join(at(*point) for point in line) for line in limbs]
    if wobble and pose in WOBBLY_LEGS:
        paths[1:3] = [f"M{at(*hip)} Q{at(*bend)} {at(*foot)}" for hip, bend, foot in WOBBLY_LEGS[pose]]
    strokes = "".join(f'<path d="{d}"/>' for d in paths)
    return (f'<g fill="none" stroke="{fill}" stroke-width="7" stroke-linecap="round" stroke-linejoin="round" '
            f'opacity="{num(opacity) if opacity < 1 else 1}">{strokes}'
            f'<circle cx="{num(x + hx * facing)}" cy="{num(y + hy)}" r="10" fill="{fill}" stroke="none"/></g>')


def _sunk(c: _Canvas, x: float, y: float) -> None:
    """Heavy ground risen over the figure's legs."""
    mud = c.tone(0.16, 0.35)
    top = y - 34
    d = (f"M{num(x - 90)} {num(y + 6)} Q{num(x - 60)} {num(top + 8)} {num(x - 22)} {num(top)} "
         f"Q{num(x)} {num(top - 6)} {num(x + 22)} {num(top)} Q{num(x + 60)} {num(top + 8)} {num(x + 90)} {num(y + 6)} Z")
    drips = "".join(f'<ellipse cx="{num(x + c.rng.uniform(-70, 70))}" cy="{num(y - c.rng.uniform(0, 14))}" rx="{num(c.rng.uniform(6, 14))}" '
                    f'ry="{num(c.rng.uniform(2, 5))}" fill="{c.tone(0.24, 0.3)}"/>' for _ in range(5))
    c.group(c.scene.motif_for("sunk"), "sunk", f'<path d="{d}" fill="{mud}"/>{drips}')


def _bands(c: _Canvas, x: float, y: float) -> None:
    glow = c.tone(0.8, 1.0, second=True)
    bands = "".join(f'<ellipse cx="{num(x)}" cy="{num(y - h)}" rx="22" ry="6" fill="none" stroke="{glow}" stroke-width="2.5" '
                    f'opacity="0.8"/>' for h in (14, 34, 56))
    c.group(c.scene.motif_for("frozen"), "frozen", bands)


def _treadmill(c: _Canvas, x: float, y: float) -> None:
    ink = c.tone(0.75, 0.8, second=True)
    c.group(c.scene.motif_for("treadmill"), "treadmill",
            f'<ellipse cx="{num(x)}" cy="{num(y + 4)}" rx="64" ry="12" fill="none" stroke="{ink}" stroke-width="3" '
            f'stroke-dasharray="14 8"/><path d="M{num(x + 58)} {num(y - 6)} l10 6 l-12 4" fill="none" stroke="{ink}" stroke-width="3"/>')


def _slope(c: _Canvas, ground_y: float, x: float, facing: int) -> None:
    """The ground rising steeply the way the figure is going."""
    low, high = ground_y + 30, ground_y - c.rng.uniform(110, 150)
    if facing > 0:
        d = f"M0 {HEIGHT} L0 {num(low)} L{num(x - 60)} {num(low - 8)} L{WIDTH} {num(high)} L{WIDTH} {HEIGHT} Z"
    else:
        d = f"M{WIDTH} {HEIGHT} L{WIDTH} {num(low)} L{num(x + 60)} {num(low - 8)} L0 {num(high)} L0 {HEIGHT} Z"
    c.group(c.scene.motif_for("slope"), "slope", f'<path d="{d}" fill="{c.tone(0.09, 0.4)}"/>')


def _cliff(c: _Canvas, ground_y: float, x: float, facing: int) -> None:
    """A cliff edge the figure has gone over, and the drop beyond it."""
    edge = x - 30 * facing
    far, near = (0, WIDTH) if facing > 0 else (WIDTH, 0)
    rock = f"M{far} {HEIGHT} L{far} {num(ground_y)} L{num(edge)} {num(ground_y + 2)} L{num(edge + 22 * facing)} {HEIGHT} Z"
    drop = f"M{num(edge)} {num(ground_y - 40)} L{near} {num(ground_y - 40)} L{near} {HEIGHT} L{num(edge)} {HEIGHT} Z"
    c.group(c.scene.motif_for("fall"), "cliff",
            f'<path d="{drop}" fill="url(#{c.id}drop)"/><path d="{rock}" fill="{c.tone(0.07, 0.4)}"/>')


def _fall_streaks(c: _Canvas, x: float, y: float) -> None:
    ink = c.tone(0.85, 0.3)
    lines = "".join(f'<path d="M{num(x + dx)} {num(y - 70 - c.rng.uniform(0, 40))} l0 {num(-c.rng.uniform(30, 70))}"/>'
                    for dx in (-24, -8, 10, 26))
    c.group(c.scene.motif_for("fall"), "fall",
            f'<g stroke="{ink}" stroke-width="2" stroke-linecap="round" opacity="0.6">{lines}</g>')


def _wind(c: _Canvas, x: float, y: float, facing: int) -> None:
    ink = c.tone(0.85, 0.4, second=True)
    curves = "".join(f'<path d="M{num(x - facing * (70 + i * 20))} {num(y - 20 + i * 18)} q{num(-facing * 40)} -12 '
                     f'{num(-facing * 80)} 0"/>' for i in range(3))
    c.group(c.scene.motif_for("flight"), "flight",
            f'<g fill="none" stroke="{ink}" stroke-width="2.5" stroke-linecap="round" opacity="0.7">{curves}</g>')


def _pursuers(c: _Canvas, ground_y: float, fx: float, facing: int) -> None:
    """What chases: a shadow behind the figure, shaped by who or what it is."""
    kinds = [e for e in c.scene.elements.values() if e in PURSUERS][:2] or ["shadow"]
    dark = c.tone(0.04, 0.5)
    eyes = c.tone(0.7, 1.0)
    if c.scene.has("shadow"):  # the chase itself: a long shadow reaching from behind to the figure
        start, reach = fx - facing * 200, fx - facing * 10
        c.group(c.scene.motif_for("shadow"), "shadow",
                f'<ellipse cx="{num((start + reach) / 2)}" cy="{num(ground_y + 6)}" rx="{num(abs(reach - start) / 2)}" ry="9" '
                f'fill="{c.tone(0.02, 0.3)}" opacity="0.85" filter="url(#{c.id}blur)"/>')
    for i, kind in enumerate(kinds):
        x = fx - facing * (150 + 70 * i + c.rng.uniform(0, 30))
        y = ground_y
        motif = c.scene.motif_for(kind)
        if kind == "person":
            body = _figure(x, y, "run", dark, facing).replace('stroke-width="7"', 'stroke-width="11"')
            body = f'<g transform="translate({num(x)} {num(y)}) scale(1.3) translate({num(-x)} {num(-y)})">{body}</g>'
        elif kind == "monster":
            h = c.rng.uniform(170, 210)
            d = (f"M{num(x - 40)} {num(y)} Q{num(x - 56)} {num(y - h * 0.6)} {num(x - 26)} {num(y - h)} L{num(x - 14)} {num(y - h + 18)} "
                 f"L{num(x)} {num(y - h - 16)} L{num(x + 14)} {num(y - h + 18)} L{num(x + 26)} {num(y - h)} "
                 f"Q{num(x + 56)} {num(y - h * 0.6)} {num(x + 40)} {num(y)} Z")
            gaze = x + 8 * facing
            body = (f'<path d="{d}" fill="{dark}"/><circle cx="{num(gaze - 10)}" cy="{num(y - h + 40)}" r="5" fill="{eyes}"/>'
                    f'<circle cx="{num(gaze + 10)}" cy="{num(y - h + 40)}" r="5" fill="{eyes}"/>')
        elif kind == "animal":
            f = facing
            body = (f'<ellipse cx="{num(x)}" cy="{num(y - 46)}" rx="54" ry="24" fill="{dark}"/>'
                    f'<circle cx="{num(x + 56 * f)}" cy="{num(y - 62)}" r="18" fill="{dark}"/>'
                    f'<path d="M{num(x + 50 * f)} {num(y - 76)} l{num(4 * f)} -18 l{num(10 * f)} 14 Z" fill="{dark}"/>'
                    f'<path d="M{num(x - 52 * f)} {num(y - 52)} q{num(-24 * f)} -6 {num(-30 * f)} -30" fill="none" stroke="{dark}" stroke-width="6"/>'
                    + "".join(f'<path d="M{num(x + dx * f)} {num(y - 30)} l{num(lean * f)} 30" stroke="{dark}" stroke-width="9" '
                              f'stroke-linecap="round"/>' for dx, lean in ((-36, -10), (-20, 8), (24, 12), (38, -8)))
                    + f'<circle cx="{num(x + 62 * f)}" cy="{num(y - 66)}" r="3.5" fill="{eyes}"/>')
        else:  # fog, or a shadow with no name
            blobs = "".join(f'<ellipse cx="{num(x + c.rng.uniform(-40, 40))}" cy="{num(y - c.rng.uniform(30, 120))}" '
                            f'rx="{num(c.rng.uniform(40, 70))}" ry="{num(c.rng.uniform(30, 60))}"/>' for _ in range(5))
            body = f'<g fill="{dark}" opacity="{0.55 if kind == "fog" else 0.8}" filter="url(#{c.id}blur)">{blobs}</g>'
        c.group(motif, kind, body)


def _house(c: _Canvas, horizon: float, fx: float) -> None:
    x = c.rng.uniform(70, 200) if fx > WIDTH / 2 else c.rng.uniform(WIDTH - 200, WIDTH - 70)
    y = horizon - 4
    dark, lit = c.tone(0.06, 0.4), c.tone(0.75, 1.0, second=True)
    c.group(c.scene.motif_for("house"), "house",
            f'<path d="M{num(x - 34)} {num(y)} L{num(x - 34)} {num(y - 40)} L{num(x)} {num(y - 68)} L{num(x + 34)} {num(y - 40)} '
            f'L{num(x + 34)} {num(y)} Z" fill="{dark}"/><rect x="{num(x - 8)}" y="{num(y - 34)}" width="14" height="14" fill="{lit}"/>')


def _paths(c: _Canvas, horizon: float, ground_y: float, fx: float) -> None:
    ink = c.tone(0.55, 0.5, second=True)
    start_x = fx + c.rng.uniform(-20, 20)
    forks = "".join(f'<path d="M{num(start_x)} {num(ground_y + 30)} C{num(start_x + c.rng.uniform(-80, 80))} {num(ground_y - 40)} '
                    f'{num(c.rng.uniform(40, WIDTH - 40))} {num(horizon + 40)} {num(c.rng.uniform(20, WIDTH - 20))} {num(horizon + 10)}"/>'
                    for _ in range(3))
    post = fx + c.rng.uniform(70, 110) * (1 if fx < WIDTH / 2 else -1)
    sign = (f'<path d="M{num(post)} {num(ground_y)} l0 -70 M{num(post)} {num(ground_y - 62)} l30 -6 M{num(post)} {num(ground_y - 48)} '
            f'l-28 4" stroke="{c.tone(0.3, 0.3)}" stroke-width="5" stroke-linecap="round"/>')
    c.group(c.scene.motif_for("paths"), "paths",
            f'<g fill="none" stroke="{ink}" stroke-width="4" stroke-dasharray="2 10" stroke-linecap="round" '
            f'opacity="0.8">{forks}</g>{sign}')


def _water(c: _Canvas, ground_y: float) -> None:
    deep, crest = c.tone(0.22, 0.8, second=True), c.tone(0.7, 0.7, second=True)
    top = ground_y + 22
    waves = "".join(f'<path d="M{num(x)} {num(top + 10 + row * 14)} q12 -6 24 0 t24 0" />'
                    for row in range(2) for x in range(-10 + row * 20, WIDTH, 90))
    c.group(c.scene.motif_for("water"), "water",
            f'<path d="{_wave_path(c, top, 4, HEIGHT, 8)}" fill="{deep}" opacity="0.9"/>'
            f'<g fill="none" stroke="{crest}" stroke-width="2" opacity="0.7">{waves}</g>')


def _room(c: _Canvas, ground_y: float, fx: float) -> None:
    """Close walls around the figure, and a shut door."""
    wall = c.tone(0.12, 0.3)
    door_x = fx + 60 if fx < WIDTH - 140 else fx - 110
    c.group(c.scene.motif_for("door"), "door",
            f'<rect x="{num(fx - 130)}" y="{num(ground_y - 190)}" width="260" height="190" fill="none" stroke="{wall}" '
            f'stroke-width="14"/><rect x="{num(door_x)}" y="{num(ground_y - 120)}" width="50" height="120" fill="{wall}"/>'
            f'<rect x="{num(door_x + 6)}" y="{num(ground_y - 114)}" width="38" height="108" fill="none" '
            f'stroke="{c.tone(0.3, 0.4)}" stroke-width="2"/>')


def _spotlight(c: _Canvas, ground_y: float, fx: float) -> None:
    beam = c.tone(0.92, 0.3, second=True)
    eye = c.tone(0.85, 0.5)
    eyes = "".join(f'<ellipse cx="{num(x)}" cy="{num(ground_y + 40 + c.rng.uniform(-6, 6))}" rx="7" ry="3.5" fill="{eye}"/>'
                   for x in range(20, WIDTH, 46) if abs(x - fx) > 70)
    c.group(c.scene.motif_for("spotlight"), "spotlight",
            f'<path d="M{num(fx - 12)} 0 L{num(fx + 12)} 0 L{num(fx + 80)} {num(ground_y + 6)} L{num(fx - 80)} {num(ground_y + 6)} Z" '
            f'fill="{beam}" opacity="0.28"/>{eyes}')


def _teeth(c: _Canvas) -> None:
    tooth = "#f4f1e8"
    shapes = "".join(
        f'<path transform="translate({num(c.rng.uniform(40, WIDTH - 40))} {num(c.rng.uniform(40, HEIGHT * 0.55))}) '
        f'rotate({num(c.rng.uniform(-40, 40))})" d="M-7 -9 Q0 -13 7 -9 L6 4 Q4 10 2 4 L0 0 L-2 4 Q-4 10 -6 4 Z"/>'
        for _ in range(c.rng.randint(5, 8)))
    c.group(c.scene.motif_for("teeth"), "teeth", f'<g fill="{tooth}" opacity="0.92">{shapes}</g>')


def _clock(c: _Canvas, fx: float) -> None:
    x = c.rng.uniform(80, 160) if fx > WIDTH / 2 else c.rng.uniform(WIDTH - 160, WIDTH - 80)
    y = c.rng.uniform(80, 130)
    face, ink = c.tone(0.88, 0.3, second=True), c.tone(0.1, 0.5)
    hour, minute = c.rng.uniform(0, 2 * math.pi), c.rng.uniform(0, 2 * math.pi)
    ticks = "".join(f'<path d="M{num(x + 34 * math.sin(a))} {num(y - 34 * math.cos(a))} L{num(x + 40 * math.sin(a))} '
                    f'{num(y - 40 * math.cos(a))}"/>' for a in (i * math.pi / 6 for i in range(12)))
    hands = (f'<path d="M{num(x)} {num(y)} L{num(x + 22 * math.sin(hour))} {num(y - 22 * math.cos(hour))}" stroke-width="5"/>'
             f'<path d="M{num(x)} {num(y)} L{num(x + 34 * math.sin(minute))} {num(y - 34 * math.cos(minute))}" stroke-width="3"/>')
    paper = "".join(f'<rect transform="translate({num(x + c.rng.uniform(-70, 70))} {num(y + c.rng.uniform(60, 120))}) '
                    f'rotate({num(c.rng.uniform(-30, 30))})" width="22" height="28" fill="{face}" opacity="0.85"/>' for _ in range(3))
    c.group(c.scene.motif_for("clock"), "clock",
            f'<circle cx="{num(x)}" cy="{num(y)}" r="44" fill="{face}"/><g stroke="{ink}" stroke-width="3" '
            f'stroke-linecap="round">{ticks}{hands}</g>{paper}')


def _candle(c: _Canvas, ground_y: float, fx: float) -> None:
    x = fx + (120 if fx < WIDTH / 2 else -120) + c.rng.uniform(-20, 20)
    wax, smoke = c.tone(0.85, 0.2), c.tone(0.7, 0.2)
    c.group(c.scene.motif_for("candle"), "candle",
            f'<rect x="{num(x - 9)}" y="{num(ground_y - 52)}" width="18" height="52" rx="3" fill="{wax}"/>'
            f'<path d="M{num(x)} {num(ground_y - 52)} l0 -8" stroke="#222" stroke-width="2"/>'
            f'<path d="M{num(x)} {num(ground_y - 62)} q-12 -18 0 -34 t0 -36" fill="none" stroke="{smoke}" '
            f'stroke-width="3" opacity="0.6" stroke-linecap="round"/>')


def _signs(c: _Canvas, horizon: float) -> None:
    """Personal motifs, which have no element of their own: a small glowing sign each."""
    glow = c.tone(0.8, 1.0, second=True)
    for motif in [m for m, e in c.scene.elements.items() if e == "sign"][:MAX_SIGNS]:
        x, y, r = c.rng.uniform(60, WIDTH - 60), c.rng.uniform(40, horizon - 60), c.rng.uniform(10, 16)
        points = " ".join(f"{num(x + (r if i % 2 == 0 else r / 2.4) * math.cos(i * math.pi / 4))},"
                          f"{num(y + (r if i % 2 == 0 else r / 2.4) * math.sin(i * math.pi / 4))}" for i in range(8))
        c.group(motif, "sign", f'<polygon points="{points}" fill="{glow}" opacity="0.9"/>')


def _caption(c: _Canvas) -> None:
    """Title and date in the bottom-left corner, on a veil so they read on any sky."""
    scene = c.scene
    title = _fit_caption(scene.title or f"Dream {scene.dream_id}")
    date_line = f"#{scene.dream_id} · {scene.day}"
    width = 22 + max(_text_width(title, 15), _text_width(date_line, 12))
    c.group(None, "caption",
            f'<rect x="12" y="{HEIGHT - 62}" width="{num(min(WIDTH - 24, width))}" height="50" rx="6" fill="#000000" '
            f'opacity="0.45"/>'
            f'<text x="22" y="{HEIGHT - 40}" font-family="{FONT}" font-size="15" font-weight="600" fill="#ffffff">'
            f'{xml_escape(title)}</text>'
            f'<text x="22" y="{HEIGHT - 21}" font-family="{FONT}" font-size="12" fill="#dddddd">'
            f'{xml_escape(date_line)}</text>')


def _text_width(text: str, size: float) -> float:
    """About how wide text is in a sans-serif font: wide (CJK) characters take a full em."""
    import unicodedata

    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.55 for ch in text)


def _fit_caption(title: str, room: float = WIDTH - 56) -> str:
    """The title on one line, cut with an ellipsis where it would run off the picture. One pass,
    each character measured once, stopping once the title is known not to fit: linear in the
    title (a 20,000-character title took 101 s when each cut re-measured the whole rest)."""
    flat = " ".join(title.split())
    budget = room - _text_width("…", 15)
    used, cut = 0.0, None
    for i, ch in enumerate(flat):
        used += _text_width(ch, 15)
        if cut is None and used > budget:
            cut = i  # the longest prefix that fits with the ellipsis ends before this character
        if used > room:
            return flat[:cut].rstrip() + "…"
    return flat
