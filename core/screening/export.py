"""Screening results as tables for people: CSV (and Excel) that is safe to open in a spreadsheet.

After the export columns come the fit (its score and a one-line breakdown), the years of relevant experience
with the date ranges they came from, the requirements grouped by verdict, and one column per requirement of the
role with its verdict and passage.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a formula in Excel or
LibreOffice; such text cells get a leading apostrophe. Control characters are shown as U+FFFD (a carriage
return inside a file name used to split a CSV row, putting a formula at the start of a new one), and every text
field of the CSV is quoted. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence

import pandas as pd

from core.safe_text import without_controls
from core.screening.duplicates import repeat_note
from core.screening.fit import Fit, breakdown
from core.screening.redaction import blind as blind_text
from core.screening.requirements import Status
from core.screening.screener import Candidate

EXPORT_COLUMNS = ["rank", "file", "status", "score", "band", "reason", "evidence", "model_version"]
FIT_COLUMNS = [
    "fit",
    "fit_breakdown",
    "years_relevant",
    "years_dated_positions",
    "requirements_met",
    "requirements_listed_only",
    "requirements_not_found",
]
EXTRA_COLUMNS = ["candidate", "flags", "duplicate", "pages", "sha256"]
REQUIREMENT_PREFIX = "requirement: "  # one column per requirement of the role, after the others
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` made inert for spreadsheets: no control characters, and formula-like text is prefixed with an
    apostrophe."""
    if not isinstance(value, str):
        return value
    value = without_controls(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def pseudonym(candidate: Candidate) -> str:
    """A stable stand-in for a file name in blind mode (file names often carry the applicant's name); a file
    never read has no content hash, so its name's hash stands in."""
    key = candidate.sha256 or hashlib.sha256(candidate.file.encode("utf-8")).hexdigest()
    return f"candidate-{key[:8]}"


def _fit_cells(fit: Fit | None, hide: Callable[[str], str]) -> dict[str, object]:
    """The fit columns of one candidate, and one column per requirement ("met: <passage>")."""
    if fit is None:
        return {"fit": None}
    experience = fit.experience
    by_status = {
        status: ", ".join(r.id for r in fit.requirements if r.status is status)
        for status in (Status.met, Status.listed, Status.missing)
    }
    cells: dict[str, object] = {
        "fit": fit.score,
        "fit_breakdown": hide(" | ".join(" ".join(line.split()) for line in breakdown(fit))),
        "years_relevant": experience.years,
        "years_dated_positions": "; ".join(
            f"{item.start.label()} to {item.end.label()}{'' if item.relevant else ' (not relevant)'}"
            for item in experience.positions
        ),
        "requirements_met": by_status[Status.met],
        "requirements_listed_only": by_status[Status.listed],
        "requirements_not_found": by_status[Status.missing],
    }
    for result in fit.requirements:
        cells[REQUIREMENT_PREFIX + result.id] = str(result.status) + (
            f": {hide(result.passage)}" if result.passage else ""
        )
    return cells


def candidates_frame(candidates: Sequence[Candidate], blind: bool = False) -> pd.DataFrame:
    """One row per candidate: the export columns first, then the fit, then one column per requirement of the
    role. ``blind`` hides names, emails, phones and links, in passages too."""
    rows = []
    requirement_columns: list[str] = []
    for c in candidates:
        evidence = " ".join(c.evidence.split())

        def hide(text: str, name: str | None = c.name) -> str:
            return blind_text(text, name) if blind else text

        row: dict[str, object] = {
            "rank": c.rank,
            "file": pseudonym(c) if blind else c.file,
            "status": c.status,
            "score": round(c.score, 4) if c.score is not None else None,
            "band": c.band or "",
            "reason": c.reason,
            "evidence": hide(evidence),
            "model_version": c.model_version,
            "candidate": "[hidden]" if blind else (c.name or ""),
            "flags": ", ".join(c.flags),
            "duplicate": repeat_note(c, pseudonym(c) if blind else None),
            "pages": c.pages,
            "sha256": c.sha256,
            **_fit_cells(c.fit, hide),
        }
        requirement_columns.extend(
            k for k in row if k.startswith(REQUIREMENT_PREFIX) and k not in requirement_columns
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=EXPORT_COLUMNS + FIT_COLUMNS + EXTRA_COLUMNS + requirement_columns)
    frame["rank"] = frame["rank"].astype("Int64")
    frame["pages"] = frame["pages"].astype("Int64")
    return frame


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [str(neutralise(str(column))) for column in safe.columns]
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads accents right), formula-safe, every text field quoted."""
    return safe_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame) -> bytes:
    """An .xlsx workbook, formula-safe like the CSV (openpyxl would store "=..." text as a formula)."""
    buffer = io.BytesIO()
    safe_frame(frame).to_excel(buffer, index=False, sheet_name="Shortlist")
    return buffer.getvalue()
