"""Labelled evaluation sets that users bring: JSONL lines, or PDF resumes labelled by the folder they sit in.

A JSONL set needs a text and a label per line (ids are optional). For PDFs, a recruiter who wants to know how a model does on real applicants puts past applicants' PDFs into two
folders, ``devops/`` and ``other/`` (at any depth, in a folder or a ZIP archive), and evaluates on them. The
files are parsed like screening input (worker processes, the same limits, hidden text ignored). A file that
cannot be used (no label folder, or rejected by the parser) is skipped with a reason, so one bad file never
stops the evaluation; only the reasons are reported, never resume text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from core.data.dataset import LABELS, ResumeRecord, first_of_each_id, parse_record
from core.documents.batch import ProgressCallback, parse_documents
from core.documents.inputs import InputFile, as_input, collect_uploads
from core.documents.types import DEFAULT_LIMITS, DocumentLimits
from core.errors import DatasetError


def parse_labelled_jsonl(data: bytes) -> tuple[list[ResumeRecord], int]:
    """Records of an uploaded labelled JSONL file (``text`` and ``label`` per line), and the lines skipped."""
    parsed: list[ResumeRecord] = []
    skipped = 0
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            skipped += 1
            continue
        if isinstance(obj, dict) and "id" not in obj:
            obj["id"] = f"line-{number}"  # an evaluation set needs labels and texts, not ids
        record = parse_record(json.dumps(obj)) if isinstance(obj, dict) else None
        if record is None:
            skipped += 1
            continue
        parsed.append(record)
    records = first_of_each_id(parsed)
    skipped += len(parsed) - len(records)  # a repeated id is a skipped line too
    if not records:
        raise DatasetError(
            "The evaluation file has no usable lines: each needs a text and a label (devops or other)"
        )
    return records, skipped


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of the evaluation set, and why (never its text)."""

    name: str
    reason: str


def label_of(name: str) -> str | None:
    """The label of a file named ``.../devops/resume.pdf``: the innermost folder named like a label."""
    for part in reversed(PurePosixPath(name.replace("\\", "/")).parts[:-1]):
        if part.lower() in LABELS:
            return part.lower()
    return None


def labelled_pdf_records(
    files: Sequence[InputFile | tuple[str, bytes]],
    limits: DocumentLimits = DEFAULT_LIMITS,
    on_progress: ProgressCallback | None = None,
) -> tuple[list[ResumeRecord], list[SkippedFile]]:
    """Records (id = file name, label from its folder) of the usable files, and the files skipped.

    Raises:
        DatasetError: no file could be used, with the reason of the first one skipped.
    """
    skipped: list[SkippedFile] = []
    labelled: list[tuple[InputFile, str]] = []
    for item in map(as_input, files):
        label = label_of(item.name)
        if item.skipped is not None:
            skipped.append(SkippedFile(item.name, item.message or item.skipped.message))
        elif label is None:
            skipped.append(SkippedFile(item.name, f"not in a folder named {' or '.join(LABELS)}"))
        else:
            labelled.append((item, label))
    parsed = parse_documents([item for item, _ in labelled], limits, on_progress=on_progress)
    records: list[ResumeRecord] = []
    for (item, label), document in zip(labelled, parsed, strict=True):
        if document.rejection is not None:
            skipped.append(SkippedFile(item.name, document.reason_message or str(document.rejection)))
            continue
        records.append(ResumeRecord(id=item.name, text=document.text, label=label, role="unknown"))
    if not records:
        first = f" ({skipped[0].name}: {skipped[0].reason})" if skipped else ""
        raise DatasetError(
            f"No usable labelled PDFs{first}. Put the files in folders named {' and '.join(LABELS)}."
        )
    return records, skipped


def read_evaluation_upload(data: bytes, name: str) -> tuple[list[ResumeRecord], list[str]]:
    """An uploaded evaluation set (a labelled JSONL, or a ZIP of PDFs in devops/ and other/ folders), and
    one line per thing skipped, for the user.

    Raises:
        DatasetError: nothing usable in the upload (an unreadable ZIP says why).
    """
    if name.lower().endswith(".zip"):
        records, skipped_files = labelled_pdf_records(collect_uploads([(name, data)]))
        return records, [f"{file.name}: {file.reason}" for file in skipped_files]
    records, skipped_lines = parse_labelled_jsonl(data)
    notes = [f"{skipped_lines} lines without a text and a label (devops or other)"] if skipped_lines else []
    return records, notes
