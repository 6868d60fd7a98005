"""Synthetic resume generation from any OpenAI-compatible API: resumable, rate-limited, validated.

The page and other callers use this API (none of it imports ``openai`` or does I/O at import):

- :func:`start_job` (settings, job id, key) -> job id: start or resume a job in a detached worker;
- :func:`resume_job`, :func:`cancel_job`, :func:`job_status`, :func:`list_jobs`, :func:`is_running`;
- :class:`GenerationSettings`, :func:`find_api_key` and :func:`resolve_api_key` (typed key, environment,
  secrets, in that order), :func:`key_for` (ConfigError explains a missing key);
- :class:`JobStatus`: what to show (done of planned per class, rate, ETA, tokens, cost, rejects, waits,
  errors).

Modules, one concern each: ``settings`` (what a job is), ``planner`` (its plan), ``prompts``, ``client`` (the
SDK), ``limiter`` (rate budget), ``validation``, ``dedup``, ``store`` (JSONL with checks), ``status``,
``engine`` (real time), ``batch`` (Batch API), ``runner`` (one job in this process), ``jobs`` (worker
processes), ``worker`` (the worker's entry point) and ``cli`` (``shortlist generate``).
"""

from core.generation.cli import add_generate_parser
from core.generation.jobs import (
    cancel_job,
    is_running,
    job_records_path,
    job_status,
    list_jobs,
    resume_job,
    start_job,
)
from core.generation.planner import job_profile
from core.generation.settings import (
    GenerationSettings,
    KeySource,
    find_api_key,
    is_local_endpoint,
    key_for,
    resolve_api_key,
    resolve_base_url,
)
from core.generation.status import JobStatus

__all__ = [
    "GenerationSettings",
    "JobStatus",
    "KeySource",
    "add_generate_parser",
    "cancel_job",
    "find_api_key",
    "is_local_endpoint",
    "is_running",
    "job_profile",
    "job_records_path",
    "job_status",
    "key_for",
    "list_jobs",
    "resolve_api_key",
    "resolve_base_url",
    "resume_job",
    "start_job",
]
