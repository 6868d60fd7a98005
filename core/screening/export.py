"""Screening results as tables for people: CSV (and Excel) that is safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a formula in Excel or
LibreOffice; such text cells get a leading apostrophe. Control characters are shown as U+FFFD (a carriage
return inside a file name used to split a CSV row, putting a formula at the start of a new one), and every text
field of the CSV is quoted. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence

import pandas as pd

from core.safe_text import without_controls
from core.screening.duplicates import repeat_note
from core.screening.redaction import blind as blind_text
from core.screening.screener import Candidate

EXPORT_COLUMNS = ["rank", "file", "status", "score", "band", "reason", "evidence", "model_version"]
EXTRA_COLUMNS = ["candidate", "flags", "duplicate", "pages", "sha256"]
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


def candidates_frame(candidates: Sequence[Candidate], blind: bool = False) -> pd.DataFrame:
    """One row per candidate, the export columns first. ``blind`` hides names, emails, phones and links."""
    rows = []
    for c in candidates:
        evidence = " ".join(c.evidence.split())
        rows.append(
            {
                "rank": c.rank,
                "file": pseudonym(c) if blind else c.file,
                "status": c.status,
                "score": round(c.score, 4) if c.score is not None else None,
                "band": c.band or "",
                "reason": c.reason,
                "evidence": blind_text(evidence, c.name) if blind else evidence,
                "model_version": c.model_version,
                "candidate": "[hidden]" if blind else (c.name or ""),
                "flags": ", ".join(c.flags),
                "duplicate": repeat_note(c, pseudonym(c) if blind else None),
                "pages": c.pages,
                "sha256": c.sha256,
            }
        )
    frame = pd.DataFrame(rows, columns=EXPORT_COLUMNS + EXTRA_COLUMNS)
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
