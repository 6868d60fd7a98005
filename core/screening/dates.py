"""Date ranges as resumes write them: "2019 – present", "Jan 2018 - Mar 2021", "03/2016 – 08/2019", "2015-18".

A range is read as whole months, both ends included. A year without a month is the middle of that year (a start
in July, an end in June), so "2016 – 2019" is 3 years, as a reader would say. "Present" is the month of
screening. Product versions ("SQL Server 2012 to 2019", "ISO 27001:2013") are not ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_PRESENT = (
    r"(?:present|current(?:ly)?|now|today|ongoing|till\s+date|to\s+date|date|till\s+now|until\s+now|"
    r"heute|aujourd'hui|actual)"
)
# One endpoint: a month name and a year, a numeric month/year, an ISO year-month, or a year.
_POINT = (
    rf"(?:{_MONTH}\s*,?\s*(?:{_YEAR}|'\d\d)"
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"
    rf"|{_YEAR}[/.-](?:0[1-9]|1[0-2])(?!\d)"
    rf"|{_YEAR})"
)
_END = rf"(?:{_PRESENT}|{_POINT}|\d\d)"
_SEP = r"\s*(?:-{1,2}>?|–|—|~|→|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\bbis\b)\s*"
RANGE = re.compile(
    rf"(?<![\w/.:])(?:"
    rf"since\s+(?P<since>{_POINT})"
    rf"|(?P<start>{_POINT}){_SEP}(?P<end>{_END})"
    rf"|(?P<onwards>{_POINT})\s+onwards?"
    rf")(?![\w])",
    re.IGNORECASE,
)
# "SQL Server 2012 to 2019", "Windows Server 2016-2022": product versions, not dates of work.
_PRODUCT_BEFORE = re.compile(
    r"(?:server|windows|office|studio|exchange|sharepoint|sql|excel|dynamics|outlook|autocad|revit|"
    r"solidworks|versions?|v\.?)(?:\s+[a-z]+){0,2}\s*\(?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Month:
    """A calendar month; ``index`` counts months since year 0, so differences are durations."""

    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    def label(self) -> str:
        """ "2019-07": how the breakdown and the export write a month."""
        return f"{self.year}-{self.month:02d}"


def _month_of(text: str, is_end: bool) -> Month:
    """An endpoint as a month; a bare year is the middle of that year (July as a start, June as an end)."""
    text = text.strip().lower()
    name = re.match(r"([a-z]+)\.?\s*,?\s*(\d{4}|'\d\d)", text)
    if name:
        year_text = name.group(2)
        year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text[1:]))
        return Month(year, MONTHS[name.group(1)[:3]])
    numeric = re.fullmatch(r"(\d{1,2})\s*[/.]\s*(\d{4})", text)
    if numeric:
        return Month(int(numeric.group(2)), int(numeric.group(1)))
    iso = re.fullmatch(r"(\d{4})\s*[/.-]\s*(\d{2})", text)
    if iso:
        return Month(int(iso.group(1)), int(iso.group(2)))
    return Month(int(text[:4]), 6 if is_end else 7)


def _two_digit_year(value: int) -> int:
    return 2000 + value if value < 50 else 1900 + value


def parse_range(match: re.Match[str], as_of: Month) -> tuple[Month, Month] | None:
    """The months of a :data:`RANGE` match, or None for something that is not a plausible range."""
    open_start = match.group("since") or match.group("onwards")
    start_text = open_start or match.group("start")
    start = _month_of(start_text, is_end=False)
    end_text = match.group("end")
    if open_start or re.fullmatch(_PRESENT, end_text.strip(), re.IGNORECASE):
        end = as_of
    elif re.fullmatch(r"\d\d", end_text):
        if not re.fullmatch(_YEAR, start_text.strip()):
            return None
        year = start.year - start.year % 100 + int(end_text)
        end = Month(year if year >= start.year else year + 100, 6)
    else:
        end = _month_of(end_text, is_end=True)
    if start.index > as_of.index or end.index < start.index or start.year < 1950:
        return None
    end = min(end, as_of, key=lambda month: month.index)
    if end.index - start.index > 50 * 12:
        return None
    return start, end


def find_ranges(text: str, as_of: Month) -> list[tuple[int, int, Month, Month]]:
    """Every plausible date range in ``text``: (start offset, end offset, first month, last month)."""
    found = []
    for match in RANGE.finditer(text):
        if _PRODUCT_BEFORE.search(text[max(0, match.start() - 20) : match.start()]):
            continue
        months = parse_range(match, as_of)
        if months is not None:
            found.append((match.start(), match.end(), *months))
    return found


FAR_FUTURE = Month(2999, 12)


def has_range(text: str) -> bool:
    """True when ``text`` holds a plausible date range (whatever the screening date)."""
    return any(parse_range(match, FAR_FUTURE) is not None for match in RANGE.finditer(text))
