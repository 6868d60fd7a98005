"""Applicants' files to a ranked, explained list, and the runs that keep it.

- ``screener``: :class:`Screener` (a model version with its encoder), ranking, bands, evidence, filters;
- ``redaction``: personal details found and removed from what the model reads, and hidden in blind mode;
- ``duplicates``: files of a run that repeat a higher-ranked one (same file, same resume, same applicant);
- ``export``: CSV and Excel that are safe to open in a spreadsheet;
- ``runs``: screening runs in the app database, per reviewer; ``jobs``: runs in the background.
"""

from core.screening.duplicates import repeat_note
from core.screening.export import candidates_frame, pseudonym, to_csv_bytes, to_excel_bytes
from core.screening.jobs import ScreeningJobs
from core.screening.redaction import blind, find_name, model_input, redact
from core.screening.runs import RunInfo, RunStore, new_reviewer_token
from core.screening.screener import (
    Candidate,
    Screener,
    TextScore,
    filter_candidates,
    load_screener,
    rank_candidates,
    screen_documents,
    screen_files,
)

__all__ = [
    "Candidate",
    "RunInfo",
    "RunStore",
    "Screener",
    "ScreeningJobs",
    "TextScore",
    "blind",
    "candidates_frame",
    "filter_candidates",
    "find_name",
    "load_screener",
    "model_input",
    "new_reviewer_token",
    "pseudonym",
    "rank_candidates",
    "redact",
    "repeat_note",
    "screen_documents",
    "screen_files",
    "to_csv_bytes",
    "to_excel_bytes",
]
