"""The structure of a resume's text: lines, the section each line sits in, and list-like lines.

Requirement evidence, years of experience and stuffing detection all need to know *where* a word appears: in a
described job, in a skills list, under education. Resumes mark that with headings ("EXPERIENCE", "Skill
Details:", "-- EDUCATION --"), so a line's section is the kind of the last heading above it. Passages shown to a
reviewer are whole lines or whole sentences, never cut mid-word.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from core.screening.dates import RANGE, has_range


class Section(StrEnum):
    """What part of a resume a line belongs to."""

    header = "header"  # before the first heading: name, title, contact line, sometimes everything
    summary = "summary"
    experience = "experience"
    projects = "projects"
    skills = "skills"
    certifications = "certifications"
    education = "education"
    other = "other"  # languages, interests, personal details, references, awards


# Checked in order: a heading that names a list ("Education and certifications", "Skills summary") opens a list
# section, and "Career Objective" is a summary.
_HEADING_KINDS: tuple[tuple[Section, re.Pattern[str]], ...] = tuple(
    (section, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE))
    for section, pattern in (
        (
            Section.skills,
            r"skills?|competenc(?:y|ies)|expertise|technolog(?:y|ies)|tools|tech|tech stack|toolbox|"
            r"proficienc(?:y|ies)|keywords|programming|capabilities|strengths|stack|toolkit|tooling|kenntnisse|"
            r"comp[ée]tences|competencias",
        ),
        (Section.certifications, r"certifications?|certificates?|licen[cs]es?|courses|training"),
        (Section.summary, r"summary|profile|objective|about|overview|introduction|highlights"),
        (
            Section.education,
            r"education(?:al)?|academic|qualifications?|studies|degrees?|ausbildung|formation|formaci[óo]n",
        ),
        (Section.projects, r"projects?|volunteer(?:ing)?"),
        (
            Section.experience,
            r"experience|employment|work|work history|career|positions|professional background|"
            r"engagements|roles?|berufserfahrung|stationen|t[äa]tigkeit|exp[ée]riences?|experiencia|trayectoria",
        ),
        (
            Section.other,
            r"languages?|interests|hobbies|personal|references|awards|publications|declaration|contact|"
            r"additional information|memberships",
        ),
    )
)
# A line naming a job is a title, not a heading: "Training Manager", "Projects Lead".
_TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|manager|lead|specialist|analyst|administrator|consultant|architect|officer|"
    r"director|head|intern|coordinator|assistant|technician|scientist)\b",
    re.IGNORECASE,
)
_DECORATION = re.compile(r"^[\s\-=#*_|:•·>~—–]+|[\s\-=#*_|:•·<~—–]+$")
_BULLET = re.compile(r"^(?:[-*•·●▪■►>»✔✓➢→◦◆★o]|–|—|\d{1,2}[.)])\s+")
# "Tools: a, b", "CI/CD ...... a, b", "Delivery automation — a, b": a group's name before its items.
LABEL = re.compile(r"^[^:,;|]{1,40}?(?::|\s\.{3,}|\s[—–|])\s+(?=\S)")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ITEM_SPLIT = re.compile(r"\s*(?:[,;|•·]|\s\+\s|\s/\s)\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")
# Words that put a dated line in education rather than work ("MSc ..., University of Coimbra, 2010 - 2012").
EDUCATION_WORDS = re.compile(
    r"\b(?:universi\w*|hochschule|college|school|academy|institute of|institut|[ée]cole|escuela|polytechnic|"
    r"politecnico|facult\w*|faculdade|dipl[oô]m\w*|licenciatura|licen[tț][aă]|grado|laurea|mestrado|"
    r"b\.?\s?eng|m\.?\s?eng|bachelor|masters|master's|master of|b\.?\s?sc|m\.?\s?sc|"
    r"b\.?\s?e\b|b\.?\s?tech|m\.?\s?tech|b\.?\s?a\b|m\.?\s?a\b|mba|ph\.?\s?d|diploma|degree|graduated|"
    r"studies|student|thesis|gpa|cgpa|puc|hsc|ssc|abitur|licence|bootcamp|course|ll\.?m|lyc[ée]e|gymnasium)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "i",
        "my",
        "we",
        "our",
        "me",
        "this",
        "that",
        "it",
        "its",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "while",
        "which",
        "who",
        "when",
        "where",
    ]
)
MAX_PASSAGE_CHARS = 320


@dataclass(frozen=True)
class Line:
    """One non-empty line: its text (stripped), where it is in the whole text, and what it is."""

    start: int
    end: int
    text: str
    section: Section
    heading: bool
    list_like: bool
    gap_before: bool = False  # a blank line separates it from the line above

    @property
    def content(self) -> str:
        """The line without its bullet marker."""
        return _BULLET.sub("", self.text)


@dataclass(frozen=True)
class Layout:
    """A text split into lines with their sections."""

    text: str
    lines: tuple[Line, ...]

    @cached_property
    def _starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def line_at(self, offset: int) -> int:
        """The index of the line holding character ``offset`` (the last line starting at or before it)."""
        return max(bisect.bisect_right(self._starts, offset) - 1, 0)


def words(text: str) -> list[str]:
    """The words of ``text`` (letters and digits, with inner hyphens, apostrophes and dots kept)."""
    return _WORD.findall(text)


def heading_kind(line: str) -> Section | None:
    """The section a heading line opens, or None when the line is not a heading.

    A heading is short (at most six words), has no content after a colon and no year, and names a known
    section: "WORK EXPERIENCE", "Skill Details:", "-- EDUCATION --", "Experience 1:".
    """
    if _BULLET.match(line.strip()):
        return None
    stripped = _DECORATION.sub("", re.sub(r"\([^)]*\)", "", line).strip())
    if not stripped or stripped.endswith((".", ",", ";")):
        return None
    # No numbers, except a heading's own counter ("Experience 1:").
    if any(ch.isdigit() for ch in re.sub(r"\s\d{1,2}$", "", stripped)):
        return None
    if len(stripped.split()) > 6 or ":" in stripped or "," in stripped or _TITLE_WORDS.search(stripped):
        return None
    for section, pattern in _HEADING_KINDS:
        if pattern.search(stripped):
            return section
    return None


def list_items(line: str) -> list[str]:
    """The items of a list-like line ("Tools: Terraform, Ansible, Helm" gives three), label removed."""
    content = LABEL.sub("", _BULLET.sub("", line.strip()))
    return [item for item in _ITEM_SPLIT.split(content) if item.strip()]


def is_keyword_item(item: str) -> bool:
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
        keywords = [item for item in items if is_keyword_item(item)]
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


def is_list_like(line: str) -> bool:
    """A line that names things rather than describing work: it has keywords (:func:`keyword_items`)."""
    return bool(keyword_items(line))


def layout(text: str) -> Layout:
    """The lines of ``text`` with their sections, headings and list-likeness.

    A dated line under an education or certifications heading that is not about schooling (nor is the line
    after it, where "2016 – 2019" stands alone above "MSc ..., University of Porto") starts an experience
    section: resumes often give their job history a heading no list knows ("STATIONEN", "What I do now").
    """
    found: list[tuple[int, str, bool]] = []
    offset = 0
    blank = False
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            found.append((offset + raw.index(stripped), stripped, blank))
        blank = not stripped
        offset += len(raw)
    lines: list[Line] = []
    section = Section.header
    for index, (start, stripped, gap_before) in enumerate(found):
        kind = heading_kind(stripped)
        if kind is not None:
            section = kind
        elif section in (Section.education, Section.certifications) and has_range(stripped):
            following = found[index + 1][1] if index + 1 < len(found) else ""
            # A date alone on its line belongs to the line after it, which must then name a job.
            date_only = not any(ch.isalpha() for ch in RANGE.sub("", stripped))
            names_job = _TITLE_WORDS.search(following) if date_only else True
            if names_job and not EDUCATION_WORDS.search(stripped) and not EDUCATION_WORDS.search(following):
                section = Section.experience
        lines.append(
            Line(
                start=start,
                end=start + len(stripped),
                text=stripped,
                section=section,
                heading=kind is not None,
                list_like=kind is None and is_list_like(stripped),
                gap_before=gap_before,
            )
        )
    return Layout(text=text, lines=tuple(lines))


def sentences(line: Line) -> Iterator[tuple[int, int]]:
    """Character spans (in the whole text) of the sentences of a line; a short line is one sentence."""
    if len(line.text) <= MAX_PASSAGE_CHARS:
        yield line.start, line.end
        return
    cursor = 0
    for match in _SENTENCE_END.finditer(line.text):
        yield line.start + cursor, line.start + match.start()
        cursor = match.end()
    yield line.start + cursor, line.end


def passage(text: str, span: tuple[int, int], focus: tuple[int, int] | None = None) -> str:
    """The text of ``span`` with whitespace folded; a sentence longer than :data:`MAX_PASSAGE_CHARS` is cut at
    word boundaries around ``focus`` (the matched words), with an ellipsis where it was cut."""
    start, end = span
    if end - start > MAX_PASSAGE_CHARS:
        centre = (focus[0] + focus[1]) // 2 if focus else start
        window_start = max(start, min(centre - MAX_PASSAGE_CHARS // 2, end - MAX_PASSAGE_CHARS))
        window_end = min(end, window_start + MAX_PASSAGE_CHARS)
        # Snap both ends outwards to whitespace so no word is cut in half.
        while window_start > start and not text[window_start - 1].isspace():
            window_start -= 1
        while window_end < end and not text[window_end].isspace():
            window_end += 1
        prefix = "… " if window_start > start else ""
        suffix = " …" if window_end < end else ""
        return prefix + " ".join(text[window_start:window_end].split()) + suffix
    return " ".join(text[start:end].split())
