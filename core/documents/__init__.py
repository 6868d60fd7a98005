"""PDF bytes to visible text, treating every file as hostile input.

- ``types``: limits, typed rejections and flags with recruiter-facing messages, :class:`ParsedDocument`;
- ``pdf``: one PDF in this process (the pypdf adapter), ``visibility``: hidden-text detection inside it;
- ``batch``: many files in isolated worker processes (:mod:`core.isolation`) with time and memory caps;
- ``inputs``: uploads, files, folders and zip archives to the inputs of a run, read when parsed, with caps;
- ``names``: file names as a recruiter should see them (archive names decoded as unzip tools do);
- ``labelled``: PDFs labelled by folder, as an evaluation set.
"""

from core.documents.batch import parse_documents
from core.documents.inputs import (
    InputCaps,
    InputFile,
    collect_inputs,
    collect_uploads,
    upload_limits,
    upload_summary,
)
from core.documents.labelled import SkippedFile, labelled_pdf_records, read_evaluation_upload
from core.documents.pdf import parse_pdf
from core.documents.types import (
    DocumentFlag,
    DocumentLimits,
    DocumentRejected,
    ParsedDocument,
    RejectionReason,
)

__all__ = [
    "DocumentFlag",
    "DocumentLimits",
    "DocumentRejected",
    "InputCaps",
    "InputFile",
    "ParsedDocument",
    "RejectionReason",
    "SkippedFile",
    "collect_inputs",
    "collect_uploads",
    "labelled_pdf_records",
    "parse_documents",
    "parse_pdf",
    "read_evaluation_upload",
    "upload_limits",
    "upload_summary",
]
