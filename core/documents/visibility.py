"""Separate the text a reader can see from text hidden in a PDF page (keyword stuffing).

pypdf's text extraction reports every operator it executes (``visitor_operand_before`` / ``_after``) and
every run of text it emits (``visitor_text``). :class:`VisibilityTracker` follows the parts of the graphics
state that decide whether glyphs show up on paper: fill and stroke colour, alpha, text render mode, font size
and the transformation matrices, saved and restored by ``q``/``Q``. Each text-showing operator is judged when
it runs; the run of text pypdf emits later is attributed to those judgements.

pypdf batches several text-showing operators into one emitted run (it flushes at line breaks, ``BT``/``ET``,
``Tf``, ``cm``), so a run can mix visible and hidden operators. Such a run is split in proportion to the raw
string length of each operator, snapped to word boundaries: exact for the one-operator runs most writers
produce, and within a character or two otherwise.

Paper is assumed white, except where the page has painted something: filled paths and images are remembered
(:class:`_Backdrop`), so white text on a dark sidebar or a photo banner, a staple of resume templates, stays
visible while white text on white is hidden.

Clipping paths (``W``/``W*`` before a path-painting operator) are followed as the bounding box of their path,
intersected with the clip in force and saved and restored with the rest of the state. Text drawn wholly outside
the clip, or under a clip too thin for a glyph, is hidden: drawn, then clipped away so that no reader sees it.
A path's bounding box is never smaller than the path, so text that a reader can see is never called clipped.

This module knows nothing about pypdf objects beyond duck typing: operands only need ``float()``/``len()``.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar

Matrix = list[float]
Box = tuple[float, float, float, float]  # left, bottom, right, top
Colour = tuple[float, ...] | None  # None: a colour we cannot judge (pattern, indexed, spot), assumed visible

# Below this glyph height (in points, on the page) text is unreadable; ~2 pt is fine print's lower bound.
MIN_VISIBLE_FONT_PT = 2.0
# Below this horizontal size per glyph (Tz squashing, scaled matrices) letters collapse into a line.
MIN_VISIBLE_GLYPH_WIDTH_PT = 1.0
# Every channel at or above this (0..1) reads as white on a white page; 0.92 ≈ RGB 235.
NEAR_WHITE = 0.92
# Fill/stroke alpha below this is effectively transparent.
MIN_VISIBLE_ALPHA = 0.1
# Average glyph advance as a fraction of the font size, to estimate where a run of text ends.
_AVERAGE_ADVANCE = 0.55

# Painted areas smaller than this (pt) in either direction are rules and bars, never a background for text.
_MIN_BACKDROP_PT = 4.0
# Painted areas remembered per page (newest kept): bounds the cost of charts drawn from thousands of shapes.
_MAX_BACKDROPS = 2_000
_FILL_PAINTING = frozenset({b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})
_PATH_ENDING = frozenset({b"S", b"s", b"n"})
_CLIPPING = frozenset({b"W", b"W*"})

_DEVICE_COMPONENTS = {
    "/DeviceGray": 1,
    "/G": 1,
    "/CalGray": 1,
    "/DeviceRGB": 3,
    "/RGB": 3,
    "/CalRGB": 3,
    "/DeviceCMYK": 4,
    "/CMYK": 4,
}
# pypdf's own assumption before any Tf.
_DEFAULT_FONT_SIZE = 12.0
_IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
_TEXT_SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})


class HiddenReason(StrEnum):
    """Why a run of text is not visible to a reader."""

    background_colour = "background_colour"
    transparent = "transparent"
    invisible_mode = "invisible_mode"
    tiny_font = "tiny_font"
    off_page = "off_page"
    clipped = "clipped"


@dataclass(slots=True)
class _GraphicsState:
    fill: Colour = (0.0,)
    stroke: Colour = (0.0,)
    fill_components: int | None = 1  # components of the current fill colour space; None if not judgeable
    stroke_components: int | None = 1
    fill_alpha: float = 1.0
    stroke_alpha: float = 1.0
    render_mode: int = 0
    font_size: float | None = None  # None until a Tf: unknown sizes are never called tiny
    horizontal_scale: float = 1.0
    clip: Box | None = None  # the clipping path's bounding box on the page; None: nothing clipped yet


@dataclass(slots=True)
class _FormFrame:
    saved: _GraphicsState
    stack_depth: int
    base: Matrix


@dataclass
class PageResources:
    """What the tracker needs from a page's /Resources, resolved by the caller.

    ``colour_spaces`` maps a resource name (``/CS0``) to its component count, or None when the space
    (Indexed, Separation, Pattern, Lab...) cannot be judged. ``alphas`` maps an ExtGState name to its
    (fill alpha, stroke alpha).
    """

    colour_spaces: Mapping[str, int | None] = field(default_factory=dict)
    alphas: Mapping[str, tuple[float | None, float | None]] = field(default_factory=dict)
    images: frozenset[str] = frozenset()  # names of image XObjects, which may be a dark background


def _mult(m: Sequence[float], n: Sequence[float]) -> Matrix:
    """Matrix product m × n in PDF's row-vector convention ([a b c d e f])."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _apply(matrix: Sequence[float], x: float, y: float) -> tuple[float, float]:
    return x * matrix[0] + y * matrix[2] + matrix[4], x * matrix[1] + y * matrix[3] + matrix[5]


class _Backdrop:
    """What the page has painted so far, in page space: the current path's extent and the filled areas.

    Each area only keeps whether it is light: a light area (a white box) hides white text like the paper does;
    a dark or unknown one (a colour, a pattern, an image) does not.
    """

    def __init__(self) -> None:
        self._path: list[float] | None = None  # min x, min y, max x, max y
        self._areas: deque[tuple[Box, bool]] = deque(maxlen=_MAX_BACKDROPS)  # (box, light)

    def extend_path(self, points: Sequence[float], matrix: Matrix) -> None:
        """Add path points (x0 y0 x1 y1 ... in user space) to the current path's extent."""
        for x, y in zip(points[0::2], points[1::2], strict=False):
            page_x, page_y = _apply(matrix, x, y)
            if self._path is None:
                self._path = [page_x, page_y, page_x, page_y]
            else:
                path = self._path
                path[0], path[1] = min(path[0], page_x), min(path[1], page_y)
                path[2], path[3] = max(path[2], page_x), max(path[3], page_y)

    def fill_path(self, colour: Colour) -> None:
        """The current path was filled with ``colour`` (None: a colour we cannot judge, counted as dark)."""
        path, self._path = self._path, None
        if path is not None:
            self.add((path[0], path[1], path[2], path[3]), light=_is_near_white(colour))

    def discard_path(self) -> None:
        """The current path was only stroked, used as a clip, or painted invisibly."""
        self._path = None

    def path_box(self) -> Box | None:
        """The current path's extent on the page, or None when no path has been started."""
        path = self._path
        return None if path is None else (path[0], path[1], path[2], path[3])

    def add(self, box: Box, *, light: bool) -> None:
        """Remember a painted area; rules and thin bars are not backgrounds and are skipped."""
        if box[2] - box[0] >= _MIN_BACKDROP_PT and box[3] - box[1] >= _MIN_BACKDROP_PT:
            self._areas.append((box, light))

    def is_dark_at(self, x: float, y: float) -> bool:
        """Whether the topmost paint under (x, y) is dark or unknown; False over bare paper or a light box."""
        for (left, bottom, right, top), light in reversed(self._areas):
            if left <= x <= right and bottom <= y <= top:
                return not light
        return False


def _floats(operands: Sequence[Any]) -> list[float] | None:
    try:
        return [float(operand) for operand in operands]
    except (TypeError, ValueError):
        return None


def _is_near_white(colour: Colour) -> bool:
    """True for paper-coloured paint, judged by component count: gray, RGB or CMYK."""
    if colour is None:
        return False
    if len(colour) in (1, 3):
        return min(colour) >= NEAR_WHITE
    if len(colour) == 4:
        cyan, magenta, yellow, black = colour
        rgb = ((1 - cyan) * (1 - black), (1 - magenta) * (1 - black), (1 - yellow) * (1 - black))
        return min(rgb) >= NEAR_WHITE
    return False


def _string_weight(operator: bytes, operands: Sequence[Any]) -> int:
    """Raw length of the strings an operator shows: the share of the emitted text it produced."""
    if operator == b"TJ":
        items = operands[0] if operands and isinstance(operands[0], list) else []
        return sum(len(item) for item in items if isinstance(item, str | bytes))
    shown = operands[-1] if operands else ""
    return len(shown) if isinstance(shown, str | bytes) else 0


class VisibilityTracker:
    """Follows one page's graphics state through pypdf's extraction visitors and splits visible from hidden.

    Pass :meth:`before_operator`, :meth:`after_operator` and :meth:`on_text` as pypdf's
    ``visitor_operand_before``, ``visitor_operand_after`` and ``visitor_text``; then read
    :meth:`visible_text`, :attr:`hidden_chars` and :attr:`hidden_by_reason`.
    """

    def __init__(self, page_box: Box | None, resources: PageResources | None = None) -> None:
        self._page_box = page_box
        self._resources = resources or PageResources()
        self._state = _GraphicsState()
        self._stack: list[_GraphicsState] = []
        self._forms: list[_FormFrame] = []
        self._pending: list[tuple[HiddenReason | None, int]] = []
        self._last_reason: HiddenReason | None = None
        self._parts: list[str] = []
        self._backdrop = _Backdrop()
        self._clip_pending = False  # a W or W* waits for the operator that ends its path
        self.hidden_chars = 0
        self.hidden_by_reason: Counter[HiddenReason] = Counter()

    # ------------------------------------------------------------------------------------------ visitors

    def before_operator(self, operator: bytes, operands: list[Any], cm: Matrix, tm: Matrix) -> None:
        """pypdf ``visitor_operand_before``: update the state, and judge text-showing operators."""
        try:
            if operator in _TEXT_SHOWING:
                weight = _string_weight(operator, operands)
                self._pending.append((self._judge(cm, tm, weight), weight))
                return
            handler = self._HANDLERS.get(operator)
            if operator in _FILL_PAINTING or operator in _PATH_ENDING:
                self._apply_pending_clip()
            if handler is not None:
                handler(self, operands, cm)
            elif operator in _FILL_PAINTING and self._state.fill_alpha >= MIN_VISIBLE_ALPHA:
                self._backdrop.fill_path(self._state.fill)
            elif operator in _PATH_ENDING or operator in _FILL_PAINTING:
                self._backdrop.discard_path()
        except Exception:  # a malformed operand must not cost the page its text: keep the state as it was
            if operator in _TEXT_SHOWING:
                self._pending.append((None, 1))

    def after_operator(self, operator: bytes, operands: list[Any], cm: Matrix, tm: Matrix) -> None:
        """pypdf ``visitor_operand_after``: an XObject's ``Do`` has finished; restore the state around it."""
        if operator == b"Do" and self._forms:
            frame = self._forms.pop()
            self._state = frame.saved
            del self._stack[frame.stack_depth :]

    def on_text(self, text: str, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        """pypdf ``visitor_text``: attribute an emitted run to the operators judged since the last run."""
        pending, self._pending = self._pending, []
        if not text:
            return
        if not pending:
            # Continuation of an operator already attributed (pypdf emits some runs in two pieces).
            pending = [(self._last_reason, 1)]
        self._last_reason = pending[-1][0]
        if text.isspace() or len({reason for reason, _ in pending}) == 1:
            self._emit(text, pending[0][0])
            return
        for piece, reason in _split_by_weight(text, pending):
            self._emit(piece, reason)

    # --------------------------------------------------------------------------------------------- results

    def visible_text(self) -> str:
        """The page text a reader can see, in extraction order; hidden runs become a separator."""
        return "".join(self._parts)

    # ------------------------------------------------------------------------------------- state handlers

    def _save(self, operands: list[Any], cm: Matrix) -> None:
        self._stack.append(replace(self._state))

    def _restore(self, operands: list[Any], cm: Matrix) -> None:
        # An unbalanced Q (common in sloppy writers) keeps the current state rather than failing.
        floor = self._forms[-1].stack_depth if self._forms else 0
        if len(self._stack) > floor:
            self._state = self._stack.pop()

    def _clip(self, operands: list[Any], cm: Matrix) -> None:
        # The clip takes effect when the path is ended (usually by "n"), after any painting of it.
        self._clip_pending = True

    def _apply_pending_clip(self) -> None:
        if not self._clip_pending:
            return
        self._clip_pending = False
        path = self._backdrop.path_box()
        if path is None:
            return
        current = self._state.clip
        if current is None:
            self._state.clip = path
            return
        # An empty intersection is a clip with nothing inside: kept as a zero-size box where the two met.
        left, bottom = max(current[0], path[0]), max(current[1], path[1])
        self._state.clip = (
            left,
            bottom,
            max(left, min(current[2], path[2])),
            max(bottom, min(current[3], path[3])),
        )

    def _set_gray(self, operands: list[Any], cm: Matrix) -> None:
        self._set_colour(operands, stroke=False, components=1)

    def _set_stroke_gray(self, operands: list[Any], cm: Matrix) -> None:
        self._set_colour(operands, stroke=True, components=1)

    def _set_rgb(self, operands: list[Any], cm: Matrix) -> None:
        self._set_colour(operands, stroke=False, components=3)

    def _set_stroke_rgb(self, operands: list[Any], cm: Matrix) -> None:
        self._set_colour(operands, stroke=True, components=3)

    def _set_cmyk(self, operands: list[Any], cm: Matrix) -> None:
        self._set_colour(operands, stroke=False, components=4)

    def _set_stroke_cmyk(self, operands: list[Any], cm: Matrix) -> None:
        self._set_colour(operands, stroke=True, components=4)

    def _set_colour(self, operands: list[Any], *, stroke: bool, components: int) -> None:
        values = _floats(operands)
        colour: Colour = tuple(values) if values is not None and len(values) == components else None
        if stroke:
            self._state.stroke, self._state.stroke_components = colour, components
        else:
            self._state.fill, self._state.fill_components = colour, components

    def _set_fill_space(self, operands: list[Any], cm: Matrix) -> None:
        self._set_space(operands, stroke=False)

    def _set_stroke_space(self, operands: list[Any], cm: Matrix) -> None:
        self._set_space(operands, stroke=True)

    def _set_space(self, operands: list[Any], *, stroke: bool) -> None:
        name = str(operands[0]) if operands else ""
        components = _DEVICE_COMPONENTS.get(name)
        if components is None:
            components = self._resources.colour_spaces.get(name)
        # Selecting a space resets the colour to its initial value: black (0 gray / 0 0 0 / 0 0 0 1).
        initial: Colour = None
        if components in (1, 3):
            initial = (0.0,) * components
        elif components == 4:
            initial = (0.0, 0.0, 0.0, 1.0)
        if stroke:
            self._state.stroke, self._state.stroke_components = initial, components
        else:
            self._state.fill, self._state.fill_components = initial, components

    def _set_fill_in_space(self, operands: list[Any], cm: Matrix) -> None:
        self._set_in_space(operands, stroke=False)

    def _set_stroke_in_space(self, operands: list[Any], cm: Matrix) -> None:
        self._set_in_space(operands, stroke=True)

    def _set_in_space(self, operands: list[Any], *, stroke: bool) -> None:
        components = self._state.stroke_components if stroke else self._state.fill_components
        values = _floats(operands)  # a pattern name as last operand makes this None: not judgeable
        colour: Colour = tuple(values) if values is not None and len(values) == components else None
        if stroke:
            self._state.stroke = colour
        else:
            self._state.fill = colour

    def _set_graphics_state(self, operands: list[Any], cm: Matrix) -> None:
        alphas = self._resources.alphas.get(str(operands[0])) if operands else None
        if alphas is None:
            return
        fill_alpha, stroke_alpha = alphas
        if fill_alpha is not None:
            self._state.fill_alpha = fill_alpha
        if stroke_alpha is not None:
            self._state.stroke_alpha = stroke_alpha

    def _set_render_mode(self, operands: list[Any], cm: Matrix) -> None:
        values = _floats(operands[:1])
        if values:
            self._state.render_mode = int(values[0])

    def _set_font(self, operands: list[Any], cm: Matrix) -> None:
        values = _floats(operands[1:2])
        if values:
            self._state.font_size = values[0]

    def _set_horizontal_scale(self, operands: list[Any], cm: Matrix) -> None:
        values = _floats(operands[:1])
        if values:
            self._state.horizontal_scale = values[0] / 100.0

    def _enter_form(self, operands: list[Any], cm: Matrix) -> None:
        # pypdf extracts a form XObject with a fresh matrix, so remember where the form sits on the page.
        # Image XObjects also pass here; after_operator pops the frame for every Do alike.
        placement = _mult(cm, self._base)
        self._forms.append(_FormFrame(replace(self._state), len(self._stack), placement))
        if operands and str(operands[0]) in self._resources.images:
            # An image fills the unit square of its matrix; its colours are unknown, so count it as dark.
            corners = [_apply(placement, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            self._backdrop.add((min(xs), min(ys), max(xs), max(ys)), light=False)

    def _path_points(self, operands: list[Any], cm: Matrix) -> None:
        values = _floats(operands)
        if values:
            self._backdrop.extend_path(values, _mult(cm, self._base))

    def _rectangle(self, operands: list[Any], cm: Matrix) -> None:
        values = _floats(operands[:4])
        if values and len(values) == 4:
            x, y, width, height = values
            self._backdrop.extend_path([x, y, x + width, y + height], _mult(cm, self._base))

    _HANDLERS: ClassVar[dict[bytes, Callable[[VisibilityTracker, list[Any], Matrix], None]]] = {
        b"q": _save,
        b"Q": _restore,
        b"g": _set_gray,
        b"G": _set_stroke_gray,
        b"rg": _set_rgb,
        b"RG": _set_stroke_rgb,
        b"k": _set_cmyk,
        b"K": _set_stroke_cmyk,
        b"cs": _set_fill_space,
        b"CS": _set_stroke_space,
        b"sc": _set_fill_in_space,
        b"scn": _set_fill_in_space,
        b"SC": _set_stroke_in_space,
        b"SCN": _set_stroke_in_space,
        b"gs": _set_graphics_state,
        b"Tr": _set_render_mode,
        b"Tf": _set_font,
        b"Tz": _set_horizontal_scale,
        b"Do": _enter_form,
        b"W": _clip,
        b"W*": _clip,
        b"m": _path_points,
        b"l": _path_points,
        b"c": _path_points,
        b"v": _path_points,
        b"y": _path_points,
        b"re": _rectangle,
    }

    # ------------------------------------------------------------------------------------------ judgement

    @property
    def _base(self) -> Matrix:
        return self._forms[-1].base if self._forms else _IDENTITY

    def _judge(self, cm: Matrix, tm: Matrix, weight: int) -> HiddenReason | None:
        """Why text shown now would be invisible, or None when a reader can see it."""
        state = self._state
        if state.render_mode in (3, 7):
            return HiddenReason.invisible_mode
        matrix = _mult(_mult(tm, cm), self._base)
        paint = self._paint_reason()
        if paint is HiddenReason.background_colour and self._on_dark_backdrop(matrix, weight):
            paint = None  # light text on a dark box or an image: the classic resume sidebar
        if paint is not None:
            return paint
        if state.font_size is not None:
            height = abs(state.font_size) * math.hypot(matrix[2], matrix[3])
            width = abs(state.font_size * state.horizontal_scale) * math.hypot(matrix[0], matrix[1])
            if height < MIN_VISIBLE_FONT_PT or width < MIN_VISIBLE_GLYPH_WIDTH_PT:
                return HiddenReason.tiny_font
        if self._page_box is not None and not self._overlaps(self._page_box, matrix, weight):
            return HiddenReason.off_page
        if state.clip is not None and not self._inside_clip(state.clip, matrix, weight):
            return HiddenReason.clipped
        return None

    def _paint_reason(self) -> HiddenReason | None:
        """Whether the fill and stroke that this render mode paints leave any mark on a white page."""
        state = self._state
        fills = state.render_mode in (0, 2, 4, 6)
        strokes = state.render_mode in (1, 2, 5, 6)
        painted = [(state.fill, state.fill_alpha)] * fills + [(state.stroke, state.stroke_alpha)] * strokes
        if not painted:
            return None  # an unknown render mode: do not guess
        if all(alpha < MIN_VISIBLE_ALPHA for _, alpha in painted):
            return HiddenReason.transparent
        if all(_is_near_white(colour) or alpha < MIN_VISIBLE_ALPHA for colour, alpha in painted):
            return HiddenReason.background_colour
        return None

    def _text_extent(self, matrix: Matrix, weight: int) -> tuple[tuple[float, float], ...]:
        """Origin, run direction and glyph-up vectors of a run of text, estimated in page space."""
        state = self._state
        size = _DEFAULT_FONT_SIZE if state.font_size is None else state.font_size
        advance = max(weight, 1) * _AVERAGE_ADVANCE * size * state.horizontal_scale
        along = (matrix[0] * advance, matrix[1] * advance)
        up = (matrix[2] * size, matrix[3] * size)
        return (matrix[4], matrix[5]), along, up

    def _on_dark_backdrop(self, matrix: Matrix, weight: int) -> bool:
        """Whether the paint under the first glyphs of the run is dark (so light text on it shows)."""
        (x0, y0), along, up = self._text_extent(matrix, min(weight, 3))
        return self._backdrop.is_dark_at(x0 + along[0] / 2 + up[0] / 3, y0 + along[1] / 2 + up[1] / 3)

    def _overlaps(self, box: Box, matrix: Matrix, weight: int) -> bool:
        """Whether the estimated box of the text run touches ``box`` at all."""
        (x0, y0), along, up = self._text_extent(matrix, weight)
        xs = (x0, x0 + along[0], x0 + up[0], x0 + along[0] + up[0])
        ys = (y0, y0 + along[1], y0 + up[1], y0 + along[1] + up[1])
        left, bottom, right, top = box
        return max(xs) >= left and min(xs) <= right and max(ys) >= bottom and min(ys) <= top

    def _inside_clip(self, clip: Box, matrix: Matrix, weight: int) -> bool:
        """Whether any of the run can show through the clip: one too thin for a glyph shows nothing."""
        too_thin = clip[2] - clip[0] < MIN_VISIBLE_GLYPH_WIDTH_PT or clip[3] - clip[1] < MIN_VISIBLE_FONT_PT
        return not too_thin and self._overlaps(clip, matrix, weight)

    def _emit(self, text: str, reason: HiddenReason | None) -> None:
        if reason is None or text.isspace():
            self._parts.append(text)
            return
        hidden = sum(1 for char in text if not char.isspace())
        self.hidden_chars += hidden
        self.hidden_by_reason[reason] += hidden
        # Keep words on either side apart, and keep the line structure.
        self._parts.append("\n" if "\n" in text else " ")


def _split_by_weight(
    text: str, pending: Sequence[tuple[HiddenReason | None, int]]
) -> list[tuple[str, HiddenReason | None]]:
    """Cut ``text`` into consecutive pieces proportional to each operator's weight, at word boundaries."""
    total = sum(weight for _, weight in pending) or 1
    pieces: list[tuple[str, HiddenReason | None]] = []
    start = 0
    cumulative = 0
    for position, (reason, weight) in enumerate(pending):
        cumulative += weight
        if position == len(pending) - 1:
            end = len(text)
        else:
            end = _snap_to_space(text, round(cumulative / total * len(text)))
        end = max(end, start)
        if pieces and pieces[-1][1] == reason:
            pieces[-1] = (pieces[-1][0] + text[start:end], reason)
        else:
            pieces.append((text[start:end], reason))
        start = end
    return [(piece, reason) for piece, reason in pieces if piece]


def _snap_to_space(text: str, index: int, reach: int = 3) -> int:
    """Move a cut to a nearby whitespace so that it does not split a word."""
    for offset in range(reach + 1):
        for candidate in (index - offset, index + offset):
            if 0 <= candidate < len(text) and text[candidate].isspace():
                return candidate
    return min(max(index, 0), len(text))
