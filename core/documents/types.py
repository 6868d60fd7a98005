"""What a parse produces: limits, typed rejections and flags with recruiter-facing messages, parsed documents.

Workers report a :class:`ParsedDocument` as JSON (:func:`document_to_json`), never as a pickle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.errors import ConfigError, DocumentError

_MIB = 1 << 20


@dataclass(frozen=True)
class DocumentLimits:
    """Caps applied to every file. ``memory_mb`` is what a worker may allocate on top of its start-up size."""

    max_bytes: int = 10 * _MIB
    max_pages: int = 40
    max_chars: int = 100_000
    timeout_s: float = 15.0
    memory_mb: int = 768

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_pages", "max_chars", "timeout_s", "memory_mb"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"DocumentLimits.{name} must be positive, got {getattr(self, name)!r}")


DEFAULT_LIMITS = DocumentLimits()


class RejectionReason(StrEnum):
    """Why a file produced no usable text, or was not read at all. :attr:`message` is written for recruiters.

    The first group comes from parsing a file; the second from collecting the inputs of a run, for files that
    are listed with their reason instead of being parsed.
    """

    not_pdf = "not_pdf"
    empty = "empty"
    corrupt = "corrupt"
    encrypted = "encrypted"
    no_text = "no_text"
    too_little_text = "too_little_text"
    only_hidden_text = "only_hidden_text"
    too_large = "too_large"
    too_many_pages = "too_many_pages"
    timeout = "timeout"
    too_complex = "too_complex"

    nested_archive = "nested_archive"
    unsafe_path = "unsafe_path"
    unreadable_archive = "unreadable_archive"
    over_run_limit = "over_run_limit"

    @property
    def message(self) -> str:
        """A one-line explanation and what to do about it."""
        return _REJECTION_MESSAGES[self]


_REJECTION_MESSAGES = {
    RejectionReason.not_pdf: "Not a PDF (perhaps a Word file or an image renamed): ask for a PDF export",
    RejectionReason.empty: "Empty file: the upload has no content; ask the applicant to send it again",
    RejectionReason.corrupt: "Damaged PDF that cannot be read: ask the applicant for a fresh export",
    RejectionReason.encrypted: "Password-protected: ask the applicant for an unprotected copy",
    RejectionReason.no_text: "No text layer (a scan or a photo of a resume): ask for a text-based PDF",
    RejectionReason.too_little_text: (
        "Too little text to screen (a few words): ask for the full resume as a text-based PDF"
    ),
    RejectionReason.only_hidden_text: (
        "Its text is invisible to a reader (an OCR layer over a scan, or white, tiny, clipped or off-page type): "
        "check it by hand, or ask for a text-based PDF"
    ),
    RejectionReason.too_large: "File too large for screening: ask for a smaller PDF",
    RejectionReason.too_many_pages: "Too many pages for a resume: ask for a shorter version",
    RejectionReason.timeout: "Took too long to read, so it was skipped: check the file by hand",
    RejectionReason.too_complex: (
        "Too complex to read safely (exhausted memory or nesting limits): check the file by hand"
    ),
    RejectionReason.nested_archive: (
        "An archive inside the archive, not opened: unpack it and upload the PDFs or the inner archive"
    ),
    RejectionReason.unsafe_path: (
        "Skipped: its path in the archive leads outside it (../ or an absolute path), as only an attack would"
    ),
    RejectionReason.unreadable_archive: "Damaged or unsupported ZIP archive: re-create the archive",
    RejectionReason.over_run_limit: "Over the limits of one run: screen it in another run",
}


class DocumentFlag(StrEnum):
    """Something a reviewer should know about a file that was still scored."""

    hidden_text = "hidden_text"
    partial_text = "partial_text"

    @property
    def message(self) -> str:
        """A one-line explanation for recruiters."""
        return _FLAG_MESSAGES[self]


_FLAG_MESSAGES = {
    DocumentFlag.hidden_text: (
        "Contains text a reader cannot see (white, invisible, tiny, off-page or clipped away); it was ignored for "
        "the score"
    ),
    DocumentFlag.partial_text: (
        "Only part of the text was read (very long, or some pages are damaged); the score may be off"
    ),
}


class DocumentRejected(DocumentError):
    """Raised by :meth:`ParsedDocument.require_text` for a file that has no usable text."""

    def __init__(self, name: str, reason: RejectionReason, message: str | None = None) -> None:
        super().__init__(f"{name}: {message or reason.message}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class ParsedDocument:
    """The result of parsing one file. ``text`` is the visible text only, or "" when rejected."""

    name: str
    sha256: str
    pages: int = 0
    text: str = ""
    rejection: RejectionReason | None = None
    detail: str = ""  # for logs; never contains resume text
    flags: tuple[DocumentFlag, ...] = field(default_factory=tuple)
    hidden_text_chars: int = 0
    message: str = ""  # for recruiters, when it says more than the rejection's own message (a count, a limit)

    @property
    def ok(self) -> bool:
        """True when the file has usable text to score."""
        return self.rejection is None

    @property
    def reason_message(self) -> str | None:
        """The recruiter-facing rejection message, or None for a usable file."""
        if self.rejection is None:
            return None
        return self.message or self.rejection.message

    @property
    def flag_messages(self) -> tuple[str, ...]:
        """Recruiter-facing explanations of the flags, in flag order."""
        return tuple(flag.message for flag in self.flags)

    def require_text(self) -> str:
        """The text, or :class:`DocumentRejected` (a :class:`DocumentError`) when the file was rejected."""
        if self.rejection is not None:
            raise DocumentRejected(self.name, self.rejection, self.reason_message)
        return self.text


def document_to_json(document: ParsedDocument) -> dict[str, Any]:
    """A parsed document as JSON values: how a worker reports it (workers never send pickles)."""
    return {
        "name": document.name,
        "sha256": document.sha256,
        "pages": document.pages,
        "text": document.text,
        "rejection": None if document.rejection is None else str(document.rejection),
        "detail": document.detail,
        "flags": [str(flag) for flag in document.flags],
        "hidden_text_chars": document.hidden_text_chars,
        "message": document.message,
    }


def document_from_json(values: dict[str, Any]) -> ParsedDocument:
    """The parsed document a worker reported; raises ``ValueError``/``TypeError``/``KeyError`` on bad input."""
    rejection = values["rejection"]
    return ParsedDocument(
        name=str(values["name"]),
        sha256=str(values["sha256"]),
        pages=int(values["pages"]),
        text=str(values["text"]),
        rejection=None if rejection is None else RejectionReason(rejection),
        detail=str(values["detail"]),
        flags=tuple(DocumentFlag(flag) for flag in values["flags"]),
        hidden_text_chars=int(values["hidden_text_chars"]),
        message=str(values["message"]),
    )


def too_large_message(limits: DocumentLimits) -> str:
    """The recruiter-facing rejection of a file over ``limits.max_bytes``, with the limit."""
    return f"File too large for screening (over {limits.max_bytes / _MIB:g} MB): ask for a smaller PDF"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rejected_document(
    name: str,
    data: bytes,
    reason: RejectionReason,
    detail: str,
    *,
    pages: int = 0,
    flags: tuple[DocumentFlag, ...] = (),
    hidden_text_chars: int = 0,
    message: str = "",
) -> ParsedDocument:
    """A rejection of the file ``data``; ``message`` replaces the reason's own message for recruiters."""
    return ParsedDocument(
        name=name,
        sha256=sha256_of(data),
        pages=pages,
        rejection=reason,
        detail=detail,
        flags=flags,
        hidden_text_chars=hidden_text_chars,
        message=message,
    )


def skipped_document(
    name: str, reason: RejectionReason, message: str = "", detail: str = ""
) -> ParsedDocument:
    """An input listed with its reason without being read, so with no content hash (``sha256`` is empty)."""
    return ParsedDocument(
        name=name, sha256="", rejection=reason, detail=detail or str(reason), message=message
    )
