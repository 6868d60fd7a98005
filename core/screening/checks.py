"""Checks of the fit rules on evaluation sets of a role's own (never trained on), and flag rates on a corpus.

A check folder (``data/checks/<role-id>/``, built by ``python -m tools.fit_checks build``) holds:

- ``pairs.jsonl``: one career told twice, ``version`` senior or junior; the senior must rank higher;
- ``thin.jsonl``: texts too thin to judge; each must be flagged and never shortlisted;
- ``stuffed.jsonl``: a ``base`` resume and its ``text`` with visible stuffing; the stuffed text must be flagged,
  never shortlisted, and score no higher than its base;
- ``breaks.jsonl``: one career with a gap, told with no break line and with breaks for different reasons; the
  years must be the same in every version;
- ``manifest.json``: the role and ``as_of``, the month "present" means in the texts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from core.documents.types import ParsedDocument
from core.errors import DatasetError
from core.screening.fit import assess_text
from core.screening.requirements import RoleRequirements
from core.screening.screener import Candidate, Screener, rank_key, screen_documents

# The stuffed and base texts are scored in one batch on one machine; after the stuffing is cut out the model
# reads the same words, but a window can land in a batch with other padding, which moves a bf16 probability
# in its third decimal at most. Anything above these margins is a real rise.
PROBABILITY_MARGIN = 1e-3
FIT_MARGIN = 0.1  # one step of the fit's single decimal


@dataclass(frozen=True)
class CheckSets:
    """The check texts of one role."""

    role: str
    as_of: date
    pairs: tuple[Mapping[str, Any], ...]
    thin: tuple[Mapping[str, Any], ...]
    stuffed: tuple[Mapping[str, Any], ...]
    breaks: tuple[Mapping[str, Any], ...]


def _read_jsonl(path: Path) -> tuple[Mapping[str, Any], ...]:
    if not path.is_file():
        raise DatasetError(f"{path} is missing: build the checks with python -m tools.fit_checks build")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number} is not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or "text" not in record:
            raise DatasetError(f"{path}:{number} needs an id and a text")
        records.append(record)
    return tuple(records)


def load_check_sets(folder: Path) -> CheckSets:
    """The check sets in ``folder``; :class:`DatasetError` when one is missing or broken."""
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        year, month = (int(part) for part in str(manifest["as_of"]).split("-"))
        as_of = date(year, month, 1)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatasetError(f"{manifest_path} must be JSON with as_of as YYYY-MM ({exc})") from None
    return CheckSets(
        role=str(manifest.get("role", folder.name)),
        as_of=as_of,
        pairs=_read_jsonl(folder / "pairs.jsonl"),
        thin=_read_jsonl(folder / "thin.jsonl"),
        stuffed=_read_jsonl(folder / "stuffed.jsonl"),
        breaks=_read_jsonl(folder / "breaks.jsonl"),
    )


@dataclass(frozen=True)
class PairResult:
    career: str
    senior: Candidate
    junior: Candidate

    @property
    def senior_first(self) -> bool:
        return rank_key(self.senior) < rank_key(self.junior)


@dataclass(frozen=True)
class StuffedResult:
    id: str
    label: str
    kind: str
    base: Candidate
    stuffed: Candidate

    @property
    def flagged(self) -> bool:
        return bool(self.stuffed.fit and self.stuffed.fit.stuffing)

    @property
    def not_raised(self) -> bool:
        base_fit = self.base.fit.score if self.base.fit else 0.0
        fit = self.stuffed.fit.score if self.stuffed.fit else 0.0
        return (self.stuffed.score or 0.0) <= (self.base.score or 0.0) + PROBABILITY_MARGIN and (
            fit <= base_fit + FIT_MARGIN
        )


@dataclass(frozen=True)
class FitCheckReport:
    """What the checks found, with every candidate kept for the details."""

    pairs: tuple[PairResult, ...]
    thin: tuple[Candidate, ...]
    stuffed: tuple[StuffedResult, ...]
    breaks: tuple[tuple[str, tuple[Candidate, ...]], ...]  # career, its versions

    @property
    def senior_first_share(self) -> float:
        return _share(p.senior_first for p in self.pairs)

    @property
    def thin_flagged_share(self) -> float:
        return _share(bool(c.fit and c.fit.too_little) for c in self.thin)

    @property
    def thin_not_shortlisted_share(self) -> float:
        return _share(c.band != "shortlist" for c in self.thin)

    @property
    def stuffed_flagged_share(self) -> float:
        return _share(s.flagged for s in self.stuffed)

    @property
    def stuffed_not_shortlisted_share(self) -> float:
        return _share(s.stuffed.band != "shortlist" for s in self.stuffed)

    @property
    def stuffed_not_raised_share(self) -> float:
        return _share(s.not_raised for s in self.stuffed)

    @property
    def breaks_same_years_share(self) -> float:
        return _share(len({_years(c) for c in versions}) == 1 for _, versions in self.breaks)


def _years(candidate: Candidate) -> float | None:
    return candidate.fit.experience.years if candidate.fit else None


def _share(values: Iterable[bool]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def documents_from_texts(items: Iterable[tuple[str, str]]) -> list[ParsedDocument]:
    """Parsed documents for (name, text) pairs: the screener's input without PDFs."""
    return [
        ParsedDocument(name=name, sha256=hashlib.sha256(text.encode()).hexdigest(), pages=1, text=text)
        for name, text in items
    ]


def run_fit_checks(
    sets: CheckSets, screener: Screener, on_progress: Callable[[int, int], None] | None = None
) -> FitCheckReport:
    """Screen every check text in one batch with ``screener`` and judge the results."""
    texts: list[tuple[str, str]] = [(f"pair/{r['id']}", str(r["text"])) for r in sets.pairs]
    texts += [(f"thin/{r['id']}", str(r["text"])) for r in sets.thin]
    texts += [(f"stuffed/{r['id']}", str(r["text"])) for r in sets.stuffed]
    texts += [(f"base/{r['id']}", str(r["base"])) for r in sets.stuffed]
    texts += [(f"break/{r['id']}", str(r["text"])) for r in sets.breaks]
    screened = screen_documents(documents_from_texts(texts), screener, on_progress, as_of=sets.as_of)
    by_name = {c.file: c for c in screened}
    pairs = []
    for career in dict.fromkeys(str(r["career"]) for r in sets.pairs):
        versions = {
            str(r["version"]): by_name[f"pair/{r['id']}"] for r in sets.pairs if r["career"] == career
        }
        pairs.append(PairResult(career, versions["senior"], versions["junior"]))
    stuffed = tuple(
        StuffedResult(
            str(r["id"]),
            str(r.get("label", "")),
            str(r.get("kind", "")),
            by_name[f"base/{r['id']}"],
            by_name[f"stuffed/{r['id']}"],
        )
        for r in sets.stuffed
    )
    breaks = tuple(
        (career, tuple(by_name[f"break/{r['id']}"] for r in sets.breaks if r["career"] == career))
        for career in dict.fromkeys(str(r["career"]) for r in sets.breaks)
    )
    return FitCheckReport(
        pairs=tuple(pairs),
        thin=tuple(by_name[f"thin/{r['id']}"] for r in sets.thin),
        stuffed=stuffed,
        breaks=breaks,
    )


@dataclass(frozen=True)
class FlagRates:
    """How often the text checks fire on a corpus of ordinary resumes (no model needed)."""

    total: int
    stuffing: dict[str, tuple[int, int]]  # group -> (flagged, records)
    too_little: dict[str, tuple[int, int]]
    flagged_ids: tuple[tuple[str, str], ...]  # (id, why)


def corpus_flag_rates(
    records: Sequence[Mapping[str, Any]], role: RoleRequirements | None, group_by: str = "style"
) -> FlagRates:
    """Stuffing and too-little flags on ``records`` (each with ``id``, ``text`` and ``group_by``)."""
    stuffing: dict[str, list[int]] = {}
    too_little: dict[str, list[int]] = {}
    flagged: list[tuple[str, str]] = []
    for record in records:
        group = str(record.get(group_by, "all"))
        assessment = assess_text(str(record["text"]), role)
        for counts, hit in ((stuffing, bool(assessment.stuffing)), (too_little, bool(assessment.too_little))):
            counts.setdefault(group, [0, 0])
            counts[group][0] += hit
            counts[group][1] += 1
        for item in assessment.stuffing:
            flagged.append((str(record["id"]), f"{item.kind}: {item.why}"))
        if assessment.too_little:
            flagged.append((str(record["id"]), f"too little to judge: {assessment.too_little}"))
    return FlagRates(
        total=len(records),
        stuffing={k: (v[0], v[1]) for k, v in sorted(stuffing.items())},
        too_little={k: (v[0], v[1]) for k, v in sorted(too_little.items())},
        flagged_ids=tuple(flagged),
    )
