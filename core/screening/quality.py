"""Texts the model should not judge as they stand: too little to judge, and visible keyword stuffing.

**Too little to judge.** A text with fewer than :data:`MIN_WORDS` words (after stuffing is removed), or one that
shows no experience at all (no dated position, no experience or projects section with content, no stated years
and under :data:`MIN_PROSE_WORDS` words of prose), is flagged and sent to review: it is never shortlisted, and
never rejected unread either, because a person can ask the applicant for a full resume. The starter corpus's
shortest resume has 150 words.

**Visible stuffing.** Keywords pasted to game a screener. Each stretch found is cut out of what the model, the
requirement checks and the years read (as hidden text is) and flagged; a flagged candidate is never shortlisted.
The shapes:

- *repeated keywords*: 40 words in a row with fewer than 12 different words ("Kubernetes Terraform" x 200,
  "Kubernetes, Kubernetes, ..."). The lowest count in the starter corpus's 1,156 resumes is 19;
- *a copied list*: a list line of five items or more that repeats an earlier one word for word;
- *a list for screening software*: labelled "Keywords", "Tags" and the like, with eight items or more;
- *a tool list with no context*: keyword lines (items of one to four words, no sentences; one per line counts
  too) that are a flat list of :data:`LONG_LIST_ITEMS` or more with no group labels; or at least
  :data:`ROLE_LIST_ITEMS` items, mostly the role's keywords, that the rest of the resume does not back (it
  mentions fewer than two must-haves); or at least :data:`OUT_OF_PLACE_ITEMS` of the role's keywords outside any
  skills or certifications heading (above the first heading only when the resume has none).

A blank line, a sentence, or a clear switch from another list to the role's keywords ends a list, so a list
pasted under the resume's own skills line is judged on its own; a flagged list loses only its lines of the
role's keywords, not a name or a town above it. Legitimate skills sections are lists too: grouped lines under a
skills heading, and "skills-first" resumes that open with one. None of the rules fires on them; a well-formed
skills section appended to a resume whose work backs the role reads the same and is not caught.
``bench/fit_checks.py`` measures both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from core.screening.layout import (
    LABEL,
    Layout,
    Line,
    Section,
    is_keyword_item,
    keyword_items,
    layout,
    list_items,
    words,
)
from core.screening.requirements import Importance, Requirement

MIN_WORDS = 100
MIN_PROSE_WORDS = 150
REPEAT_WINDOW = 40
REPEAT_MIN_DISTINCT = 12  # fewer different words than this in any 40 in a row is repetition
LONG_LIST_ITEMS = 40
ROLE_LIST_ITEMS = 12
ROLE_LIST_SHARE = 0.6
OUT_OF_PLACE_ITEMS = 20
COPIED_LIST_ITEMS = 5  # separated items; an employer's name and town often repeat, legitimately
KEYWORD_LABEL_ITEMS = 8
# Labels that say a list is there for screening software, not for a reader.
KEYWORD_LABELS = frozenset({"keywords", "key words", "tags", "ats keywords", "search terms", "buzzwords"})
# Where a list of tools belongs: under a skills or certifications heading (or at the top of a resume that has
# no such heading).
LIST_SECTIONS = frozenset({Section.skills, Section.certifications})


class StuffingKind(StrEnum):
    repeated = "repeated keywords"
    copied_list = "copied list"
    tool_list = "tool list with no context"


@dataclass(frozen=True)
class Stuffing:
    """One stretch of text that was removed from what the model reads, and why."""

    start: int
    end: int
    kind: StuffingKind
    why: str
    excerpt: str  # the first words of what was removed


@dataclass(frozen=True)
class _ListLine:
    index: int
    items: tuple[str, ...]
    label: str  # the group's name before its items ("Tools", "Keywords"), lower case, or ""


@dataclass(frozen=True)
class _ListBlock:
    """Keyword-list lines in a row, with no blank line between them."""

    lines: tuple[_ListLine, ...]

    @property
    def first(self) -> int:
        return self.lines[0].index

    @property
    def last(self) -> int:
        return self.lines[-1].index

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(item for line in self.lines for item in line.items)

    @property
    def labelled_lines(self) -> int:
        return sum(bool(line.label) for line in self.lines)


def _list_line(index: int, line: Line) -> _ListLine | None:
    """The line as a keyword list: separated items, a run of names, or one name alone on its line (the lines
    of a list written one item per line)."""
    if line.heading:
        return None
    items = keyword_items(line.text)
    if not items and is_keyword_item(line.content) and not line.content.rstrip().endswith((".", ":")):
        items = [line.content.strip()]
    if not items:
        return None
    label = LABEL.match(line.content)
    return _ListLine(index, tuple(items), label.group(0).rstrip(" :.—–|").strip().lower() if label else "")


def _role_share(items: Sequence[str], requirements: Sequence[Requirement]) -> float:
    """The share of ``items`` that name one of the role's requirements."""
    return sum(any(r.search(item) for r in requirements) for item in items) / len(items) if items else 0.0


def _list_blocks(structure: Layout, requirements: Sequence[Requirement]) -> list[_ListBlock]:
    """Keyword-list lines grouped into blocks. A blank line or a line that says something ends a block, and so
    does a clear switch between a list of something else and a list of the role's keywords (under a third of
    one line's items, at least :data:`ROLE_LIST_SHARE` of the next): a list pasted under the resume's own skills
    line is judged on its own."""
    blocks: list[_ListBlock] = []
    current: list[_ListLine] = []
    previous: float | None = None
    for index, line in enumerate(structure.lines):
        listed = _list_line(index, line)
        share = (
            _role_share(listed.items, requirements)
            if listed is not None and requirements and len(listed.items) >= 3
            else None
        )
        switched = (
            share is not None
            and previous is not None
            and min(share, previous) < 1 / 3
            and max(share, previous) >= ROLE_LIST_SHARE
        )
        if current and (listed is None or line.gap_before or switched):
            blocks.append(_ListBlock(tuple(current)))
            current = []
            previous = None
        if listed is not None:
            current.append(listed)
            previous = share if share is not None else previous
    if current:
        blocks.append(_ListBlock(tuple(current)))
    return blocks


def _role_core(block: _ListBlock, requirements: Sequence[Requirement]) -> tuple[int, int]:
    """The first and last line of ``block`` that are mostly the role's keywords: what a flagged block removes,
    so a name or a town on the line above a pasted list stays in the resume."""
    if not requirements:
        return block.first, block.last
    core = [line.index for line in block.lines if _role_share(line.items, requirements) >= 0.5]
    return (core[0], core[-1]) if core else (block.first, block.last)


def _repeated_runs(text: str) -> list[tuple[int, int]]:
    """Character spans where any 40 words in a row hold fewer than 12 different words, trimmed to the words
    that repeat."""
    tokens = [(m.start(), m.end(), m.group(0).casefold()) for m in re.finditer(r"[^\W_]+", text)]
    if len(tokens) < REPEAT_WINDOW:
        return []
    flagged = [False] * len(tokens)
    counts: dict[str, int] = {}
    for i, (_, _, token) in enumerate(tokens):
        counts[token] = counts.get(token, 0) + 1
        if i >= REPEAT_WINDOW:
            old = tokens[i - REPEAT_WINDOW][2]
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
        if i >= REPEAT_WINDOW - 1 and len(counts) < REPEAT_MIN_DISTINCT:
            for j in range(i - REPEAT_WINDOW + 1, i + 1):
                flagged[j] = True
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not flagged[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and flagged[j + 1]:
            j += 1
        # A window that straddles the edge of the stuffing also holds a few words of the resume: keep only
        # the words that repeat inside the run (three times or more), from the first to the last of them.
        run = tokens[i : j + 1]
        frequent = {t for t in {tok for _, _, tok in run} if sum(tok == t for _, _, tok in run) >= 3}
        keep = [k for k, (_, _, tok) in enumerate(run) if tok in frequent]
        if keep:
            spans.append((run[keep[0]][0], run[keep[-1]][1]))
        i = j + 1
    return spans


def _line_span(structure: Layout, first: int, last: int) -> tuple[int, int]:
    return structure.lines[first].start, structure.lines[last].end


def _excerpt(text: str) -> str:
    folded = " ".join(text.split())
    return folded if len(folded) <= 80 else folded[:80].rsplit(" ", 1)[0] + " …"


def find_stuffing(text: str, requirements: Sequence[Requirement] = ()) -> tuple[Stuffing, ...]:
    """Every stretch of visible keyword stuffing in ``text``, in text order.

    ``requirements`` are the role's: they tell a list of the role's keywords from an ordinary skills list.
    Without them, only repetition, copied lists, lists labelled as keywords and very long flat lists are found.
    """
    found = [
        Stuffing(
            start, end, StuffingKind.repeated, "a few words repeated over and over", _excerpt(text[start:end])
        )
        for start, end in _repeated_runs(text)
    ]
    structure = layout(text)
    blocks = _list_blocks(structure, requirements)
    seen: set[str] = set()
    for block in blocks:
        for listed in block.lines:
            line = structure.lines[listed.index]
            why = ""
            if len(list_items(line.text)) >= COPIED_LIST_ITEMS:
                key = " ".join(words(line.content.casefold()))
                why = "repeats an earlier list word for word" if key in seen else ""
                seen.add(key)
            kind = StuffingKind.copied_list
            if not why and len(listed.items) >= LONG_LIST_ITEMS:
                why, kind = f"a flat list of {len(listed.items)} keywords on one line", StuffingKind.tool_list
            if not why and listed.label in KEYWORD_LABELS and len(listed.items) >= KEYWORD_LABEL_ITEMS:
                why = f"a list of {len(listed.items)} keywords labelled {listed.label!r}, written for screening software"
                kind = StuffingKind.tool_list
            if why:
                found.append(Stuffing(line.start, line.end, kind, why, _excerpt(line.text)))
    for block in blocks:
        why = _tool_list_reason(structure, block, requirements)
        if why:
            start, end = _line_span(structure, *_role_core(block, requirements))
            found.append(Stuffing(start, end, StuffingKind.tool_list, why, _excerpt(text[start:end])))
    return tuple(_merge(found))


def _tool_list_reason(structure: Layout, block: _ListBlock, requirements: Sequence[Requirement]) -> str:
    """Why a block of keyword lines is a tool list with no context, or "" when it reads as a skills list."""
    n = len(block.items)
    if n >= LONG_LIST_ITEMS and block.labelled_lines <= 1:
        return f"a flat list of {n} keywords with no grouping"
    if not requirements or n < ROLE_LIST_ITEMS:
        return ""
    role_items = round(_role_share(block.items, requirements) * n)
    if role_items < ROLE_LIST_SHARE * n:
        return ""
    section = structure.lines[block.first].section
    has_skills_heading = any(line.heading and line.section in LIST_SECTIONS for line in structure.lines)
    # The top of a resume holds its skills list only when no skills heading does.
    in_place = section in LIST_SECTIONS or (section is Section.header and not has_skills_heading)
    if n >= OUT_OF_PLACE_ITEMS and not in_place:
        where = "above the first heading" if section is Section.header else f"under the {section} heading"
        return f"{role_items} role keywords in a list {where}, where no skills list belongs"
    # What backs a list is everything else the resume says: jobs, summary, certifications, other lists.
    start, end = _line_span(structure, block.first, block.last)
    context = structure.text[:start] + "\n" + structure.text[end:]
    must = [r for r in requirements if r.importance is Importance.must]
    backed = sum(r.search(context) for r in must)
    if must and backed < 2:
        return (
            f"{role_items} role keywords in a list, while the rest of the resume mentions {backed} of the "
            f"{len(must)} must-have requirements"
        )
    return ""


def _merge(found: list[Stuffing]) -> list[Stuffing]:
    """Overlapping finds as one stretch (the first find's kind and reason), in text order."""
    merged: list[Stuffing] = []
    for item in sorted(found, key=lambda s: (s.start, -s.end)):
        if merged and item.start <= merged[-1].end:
            last = merged[-1]
            if item.end > last.end:
                merged[-1] = Stuffing(last.start, item.end, last.kind, last.why, last.excerpt)
            continue
        merged.append(item)
    return merged


def without_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with ``spans`` cut out (each replaced by a line break, so words on either side stay apart)."""
    parts = []
    cursor = 0
    for start, end in sorted(spans):
        parts.append(text[cursor:start])
        parts.append("\n")
        cursor = max(cursor, end)
    parts.append(text[cursor:])
    return "".join(parts)


def too_little_reason(structure: Layout, dated_positions: int, stated_years: float | None) -> str:
    """Why a (stuffing-free) text is too little to judge, or ""."""
    count = len(words(structure.text))
    if count < MIN_WORDS:
        return f"only {count} words (at least {MIN_WORDS} are needed to judge a resume)"
    if dated_positions or stated_years:
        return ""
    work_words = sum(
        len(words(line.text))
        for line in structure.lines
        if not line.heading and line.section in (Section.experience, Section.projects)
    )
    prose_words = sum(
        len(words(line.text)) for line in structure.lines if not line.heading and not line.list_like
    )
    if work_words >= 20 or prose_words >= MIN_PROSE_WORDS:
        return ""
    return "no experience: no dated position, no work history and no description of work"
