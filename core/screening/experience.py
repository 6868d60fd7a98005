"""Years of experience from the dated positions in a resume, with the dates it used.

How a resume's dates become years:

- **Date ranges.** "2019 – present", "Jan 2018 - Mar 2021", "03/2016 – 08/2019", "2020-06 -> now", "2015-18",
  "Sep '18 to Jan '20", "since 2019", "from 2016 to 2019". A range is counted in whole months, both ends
  included. A year without a month is read as the middle of that year (a start in July, an end in June), so
  "2016 – 2019" is 3 years, as a reader would say. "Present" is the month of screening (``as_of``).
- **Positions, not schooling.** Ranges under an education, certification or personal-details heading, or on a
  line about a degree or a school, are not experience.
- **Overlaps count once.** Two jobs at once, or a project inside a job, add up to the months covered, not more.
- **Career breaks are gaps, never penalties.** A range on a line that documents a break (career break,
  sabbatical, parental leave, caring, travel, ...) is listed as a break and not counted; nothing else changes.
  Its stated reason plays no part: any break gives the same years as an undocumented gap of the same dates.
  Years only ever add months worked; no gap, break or its timing subtracts anything.
- **Relevant positions.** With a role's requirements, a position counts when its text (the lines from its date
  to the next date or heading) mentions a must-have requirement, or its title holds one of the role's words
  ("Site Reliability Engineer" for a DevOps role). Each position says what made it count.
- **No dates.** A resume without any dated position says so; the years a summary states ("8+ years of
  experience") are reported as stated, not as counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from core.screening.dates import Month, find_ranges, has_range
from core.screening.layout import EDUCATION_WORDS, Layout, Section
from core.screening.requirements import RoleRequirements

_STATED = re.compile(
    r"\b(?P<n>\d{1,2}(?:\.\d)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\s*\+?\s*(?:years?|yrs?)\b(?!\s+old)",
    re.IGNORECASE,
)
_NUMBER_WORDS = dict(
    zip(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        range(1, 21),
        strict=True,
    )
)
_BREAK = re.compile(
    r"\b(?:career\s+break|break|sabbatical|parental\s+leave|maternity|paternity|family\s+leave|"
    r"leave\s+of\s+absence|caring\s+for|carer|caregiv\w*|time\s+off|gap\s+year|travell?ing|relocation|"
    r"unemployed|job\s+search)\b",
    re.IGNORECASE,
)
NOT_WORK_SECTIONS = frozenset({Section.education, Section.certifications})
WORK_SECTIONS = frozenset({Section.experience, Section.projects})
MAX_CONTEXT_LINES = 12  # a position's text: its date line and up to this many lines after it


@dataclass(frozen=True)
class DatedRange:
    """One date range as written, read as months (both ends included)."""

    written: str
    start: Month
    end: Month
    line: str  # the line it was found on, whitespace folded
    kind: str  # "position", "break" or "education"
    relevant: bool = True
    matched: tuple[str, ...] = ()  # requirement ids that made a position relevant

    @property
    def months(self) -> int:
        return self.end.index - self.start.index + 1


@dataclass(frozen=True)
class Experience:
    """Years of relevant experience and everything they were computed from."""

    years: float | None  # None: no dated position at all
    total_years: float | None  # every dated position, relevant or not
    positions: tuple[DatedRange, ...] = field(default_factory=tuple)
    breaks: tuple[DatedRange, ...] = field(default_factory=tuple)
    stated_years: float | None = None  # the largest "N years" a resume states; never counted as dated

    @property
    def dated(self) -> bool:
        return self.years is not None


def union_months(ranges: Sequence[DatedRange]) -> int:
    """Months covered by ``ranges``, each month once however many ranges cover it."""
    covered = 0
    current_start = current_end = None
    for item in sorted(ranges, key=lambda r: r.start.index):
        if current_end is None or item.start.index > current_end + 1:
            if current_end is not None and current_start is not None:
                covered += current_end - current_start + 1
            current_start, current_end = item.start.index, item.end.index
        else:
            current_end = max(current_end, item.end.index)
    if current_end is not None and current_start is not None:
        covered += current_end - current_start + 1
    return covered


def stated_years(text: str) -> float | None:
    """The largest number of years a resume states ("8+ years of experience", "twelve yrs"), or None."""
    values = []
    for match in _STATED.finditer(text):
        number = match.group("n").lower()
        values.append(float(_NUMBER_WORDS.get(number, number)))
    plausible = [value for value in values if 0 < value <= 50]
    return max(plausible) if plausible else None


def estimate_experience(
    structure: Layout,
    as_of: date | None = None,
    role: RoleRequirements | None = None,
) -> Experience:
    """Years of experience from the dated positions of a laid-out resume, as of ``as_of`` (default: today).

    A position is relevant to ``role`` when its text mentions one of the role's must-have requirements, or when
    its title (the date's line, or the short line above it) holds one of the role's words ("DevOps", "SRE"):
    then ``matched`` names the requirements, or "title". Without a role, or for a role with neither, every
    position is relevant.
    """
    today = as_of or date.today()
    must = role.must if role else ()
    title_words = role.title_words if role else None
    now = Month(today.year, today.month)
    lines = structure.lines
    positions: list[DatedRange] = []
    breaks: list[DatedRange] = []
    dated_lines = []
    for index, line in enumerate(lines):
        for start, end, first, last in find_ranges(line.text, now):
            dated_lines.append((index, line.text[start:end], first, last))
    for position, (index, written, first, last) in enumerate(dated_lines):
        line = lines[index]
        folded = " ".join(line.text.split())
        if line.section in NOT_WORK_SECTIONS or (
            line.section not in WORK_SECTIONS and EDUCATION_WORDS.search(line.text)
        ):
            continue
        if _BREAK.search(line.text):
            breaks.append(DatedRange(written, first, last, folded, "break", relevant=False))
            continue
        # A position's text runs to the next date, the next heading of another kind than work ("SKILLS", not
        # "Roles & Responsibilities:") or MAX_CONTEXT_LINES, whichever comes first.
        next_index = dated_lines[position + 1][0] if position + 1 < len(dated_lines) else len(lines)
        next_heading = next(
            (
                i
                for i in range(index + 1, len(lines))
                if lines[i].heading and lines[i].section not in WORK_SECTIONS
            ),
            len(lines),
        )
        stop = min(max(next_index, index + 1), next_heading, index + 1 + MAX_CONTEXT_LINES)
        # The line above a date often names the job ("DevOps Engineer" then "Acme | 2019 - 2021"): a short line
        # that is neither a heading nor a bullet of the job before.
        above = lines[index - 1] if index > 0 else None
        names_job = (
            above is not None
            and not above.heading
            and above.content == above.text
            and len(above.text.split()) <= 8
            and not has_range(above.text)
        )
        context_start = index - 1 if names_job else index
        context = "\n".join(item.text for item in lines[context_start:stop])
        matched = tuple(requirement.id for requirement in must if requirement.search(context))
        title = "\n".join(item.text for item in lines[context_start : index + 1])
        if title_words is not None and title_words.search(title):
            matched = ("title", *matched)
        positions.append(
            DatedRange(
                written,
                first,
                last,
                folded,
                "position",
                relevant=not (must or title_words) or bool(matched),
                matched=matched,
            )
        )
    stated = stated_years(structure.text)
    if not positions:
        return Experience(years=None, total_years=None, breaks=tuple(breaks), stated_years=stated)
    relevant = [p for p in positions if p.relevant]
    return Experience(
        years=round(union_months(relevant) / 12, 1),
        total_years=round(union_months(positions) / 12, 1),
        positions=tuple(positions),
        breaks=tuple(breaks),
        stated_years=stated,
    )
