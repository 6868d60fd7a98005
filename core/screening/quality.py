"""Texts the model should not judge as they stand: too little to judge, and visible keyword stuffing.

**Too little to judge.** A text with fewer than :data:`MIN_WORDS` words (after stuffing is removed), or one that
shows no experience at all (no dated position, no experience or projects section with content, no stated years
and under :data:`MIN_PROSE_WORDS` words of prose), is flagged and sent to review: it is never shortlisted, and
never rejected unread either, because a person can ask the applicant for a full resume. The starter corpus's
shortest resume has 150 words.

**Visible stuffing.** Keywords pasted to game a screener, found in three shapes, each removed from what the
model, the requirement checks and the years read (as hidden text is) and flagged; a flagged candidate is
never shortlisted:

- *repeated keywords*: a stretch where 40 words in a row hold fewer than 12 different words ("Kubernetes
  Terraform" x 200). The lowest share in the starter corpus's 1,156 resumes is 19 of 40;
- *a copied list*: a list line that repeats an earlier list line word for word;
- *a tool list with no context*: a flat keyword list (items of one to four words, no sentences) that is
  very long (:data:`LONG_LIST_ITEMS` items with no group labels), or that names the role's requirements while the
  resume's described work backs fewer than two of the must-haves, or that trails the resume after its education
  or closing sections where no skills heading introduced it.

Legitimate skills sections are lists too: grouped lines under a skills heading, and "skills-first" resumes that
open with one. None of the rules fires on a grouped skills section under its heading, whatever its length per
group; ``bench/fit_checks.py`` measures the flag rate on the starter corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from core.screening.layout import LABEL, STOPWORDS, Layout, Section, layout, list_items, words
from core.screening.requirements import Importance, Requirement

MIN_WORDS = 100
MIN_PROSE_WORDS = 150
REPEAT_WINDOW = 40
REPEAT_MIN_DISTINCT = 12  # fewer different words than this in any 40 in a row is repetition
LONG_LIST_ITEMS = 40
ROLE_LIST_ITEMS = 12
ROLE_LIST_SHARE = 0.6
TRAILING_LIST_ITEMS = 20
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


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
class TextQuality:
    """What the quality checks found in one text."""

    words: int  # words left once stuffing is removed
    too_little: str = ""  # why the text is too little to judge, or ""
    stuffing: tuple[Stuffing, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _ListBlock:
    """Consecutive keyword-list lines."""

    first: int  # line indexes, inclusive
    last: int
    items: tuple[str, ...]
    labelled_lines: int


def _keyword_item(item: str) -> bool:
    """An item that names a thing: one to four words, no function words, not a sentence."""
    tokens = words(item)
    return (
        0 < len(tokens) <= 4
        and len(item) <= 40
        and not any(token.lower() in STOPWORDS - {"and"} for token in tokens)
        and any(ch.isalpha() for ch in item)
    )


def keyword_items(line: str) -> list[str]:
    """The keywords of a keyword-list line, or [] for a line that says something.

    "Terraform, Ansible, Helm (3 years)" and "Kubernetes Terraform Docker Helm Ansible AWS Azure GCP" are keyword
    lists; "Ran Terraform, Ansible and Helm for 40 teams" is not.
    """
    cleaned = _PARENTHESES.sub("", line)
    items = [item.strip() for item in list_items(cleaned)]
    if len(items) >= 3:
        keywords = [item for item in items if _keyword_item(item)]
        return keywords if len(keywords) >= 0.8 * len(items) else []
    # Without separators: eight or more words, no function word, mostly names ("Kubernetes Terraform Helm").
    tokens = words(LABEL.sub("", cleaned))
    names = sum(not token.islower() for token in tokens)
    if (
        len(tokens) >= 8
        and names >= 0.6 * len(tokens)
        and not any(t.lower() in STOPWORDS for t in tokens)
        and not line.rstrip().endswith(".")
    ):
        return tokens
    return []


def _list_blocks(structure: Layout) -> list[_ListBlock]:
    blocks: list[_ListBlock] = []
    current: list[tuple[int, list[str]]] = []

    def close() -> None:
        if current:
            items = tuple(item for _, line_items in current for item in line_items)
            labelled = sum(bool(LABEL.match(structure.lines[i].content)) for i, _ in current)
            blocks.append(_ListBlock(current[0][0], current[-1][0], items, labelled))
            current.clear()

    for index, line in enumerate(structure.lines):
        items = [] if line.heading else keyword_items(line.text)
        if items:
            current.append((index, items))
        else:
            close()
    close()
    return blocks


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

    ``requirements`` are the role's (used to tell a role-keyword list that the rest of the resume does not back
    from an ordinary skills list); without them only repetition, copies and very long flat lists are found.
    """
    found: list[Stuffing] = []
    for start, end in _repeated_runs(text):
        found.append(
            Stuffing(
                start,
                end,
                StuffingKind.repeated,
                "a few words repeated over and over",
                _excerpt(text[start:end]),
            )
        )
    structure = layout(text)
    blocks = _list_blocks(structure)
    seen_lines: dict[str, int] = {}
    for index, line in enumerate(structure.lines):
        key = " ".join(words(line.text.casefold()))
        if len(list_items(line.text)) >= 6 and keyword_items(line.text):
            if key in seen_lines:
                found.append(
                    Stuffing(
                        line.start,
                        line.end,
                        StuffingKind.copied_list,
                        "repeats an earlier list word for word",
                        _excerpt(line.text),
                    )
                )
            else:
                seen_lines[key] = index
    must = [r for r in requirements if r.importance is Importance.must]
    last_content = len(structure.lines) - 1
    for block in blocks:
        start, end = _line_span(structure, block.first, block.last)
        # What backs a list is everything else the resume says: jobs, summary, certifications, other lists.
        context = text[: structure.lines[block.first].start] + "\n" + text[end:]
        backed = sum(requirement.search(context) for requirement in must)
        why = _tool_list_reason(structure, block, requirements, len(must), backed, block.last == last_content)
        if why:
            found.append(Stuffing(start, end, StuffingKind.tool_list, why, _excerpt(text[start:end])))
    return tuple(_merge(found))


def _tool_list_reason(
    structure: Layout,
    block: _ListBlock,
    requirements: Sequence[Requirement],
    must: int,
    backed: int,
    trailing: bool,
) -> str:
    """Why a keyword-list block is a tool list with no context, or "" when it reads as a skills list.

    ``backed`` counts the ``must`` requirements that the resume mentions outside keyword lists.
    """
    n = len(block.items)
    if n >= LONG_LIST_ITEMS and block.labelled_lines <= 1:
        return f"a flat list of {n} keywords with no grouping"
    if not requirements or n < min(ROLE_LIST_ITEMS, TRAILING_LIST_ITEMS):
        return ""
    role_items = sum(any(r.search(item) for r in requirements) for item in block.items)
    share = role_items / n
    section = structure.lines[block.first].section
    if (
        trailing
        and n >= TRAILING_LIST_ITEMS
        and share >= ROLE_LIST_SHARE
        and section in (Section.education, Section.other)
    ):
        return f"{n} role keywords appended after the {section} section, under no skills heading"
    if n >= ROLE_LIST_ITEMS and share >= ROLE_LIST_SHARE and must and backed < 2:
        return (
            f"{role_items} role keywords in a list, while the rest of the resume mentions {backed} of the "
            f"{must} must-have requirements"
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
