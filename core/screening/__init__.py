"""Applicants' files to a ranked, explained list, and the runs that keep it.

- ``screener``: :class:`Screener` (a model version with its encoder), ranking, bands, evidence, filters;
- ``fit``: the fit score that orders candidates inside a band, from ``requirements`` (evidence per requirement),
  ``experience`` (years from dated positions, read by ``dates``) and ``quality`` (thin texts, visible
  stuffing), all reading a resume's structure from ``layout``; ``checks`` measures them on a role's check sets;
- ``redaction``: personal details found and removed from what the model reads, and hidden in blind mode;
- ``duplicates``: files of a run that repeat a higher-ranked one (same file, same resume, same applicant);
- ``export``: CSV and Excel that are safe to open in a spreadsheet;
- ``runs``: screening runs in the app database, per reviewer; ``jobs``: runs in the background.
"""

from core.screening.checks import FitCheckReport, corpus_flag_rates, load_check_sets, run_fit_checks
from core.screening.duplicates import repeat_note
from core.screening.export import candidates_frame, pseudonym, to_csv_bytes, to_excel_bytes
from core.screening.fit import Fit, FitFlag, assess_text, fit_report, flag_message
from core.screening.jobs import ScreeningJobs
from core.screening.redaction import blind, find_name, model_input, redact
from core.screening.requirements import Requirement, RequirementResult, RoleRequirements
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
    text_read_by_model,
)

__all__ = [
    "Candidate",
    "Fit",
    "FitCheckReport",
    "FitFlag",
    "Requirement",
    "RequirementResult",
    "RoleRequirements",
    "RunInfo",
    "RunStore",
    "Screener",
    "ScreeningJobs",
    "TextScore",
    "assess_text",
    "blind",
    "candidates_frame",
    "corpus_flag_rates",
    "filter_candidates",
    "find_name",
    "fit_report",
    "flag_message",
    "load_check_sets",
    "load_screener",
    "model_input",
    "new_reviewer_token",
    "pseudonym",
    "rank_candidates",
    "redact",
    "repeat_note",
    "run_fit_checks",
    "screen_documents",
    "screen_files",
    "text_read_by_model",
    "to_csv_bytes",
    "to_excel_bytes",
]
