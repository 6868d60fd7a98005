"""PDF bytes → visible text, treating every file as hostile input.

:func:`parse_pdf` is the in-process parse: cheap checks first (size, magic bytes), then pypdf under tightened
resource limits, empty-password decryption, page and character caps, and hidden-text separation
(:mod:`core.documents_visibility`). Every failure becomes a typed :class:`RejectionReason`, never an
exception.

:func:`parse_documents` runs that parse for a batch in worker processes (:mod:`core.documents_workers`) with a
wall-clock timeout and a memory cap per file, so a hostile file costs at most one worker, never the batch or
the server. Results come back in input order.

pypdf is imported only inside the parse, so importing this module stays cheap for pages and the CLI.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from core.documents_visibility import Box, HiddenReason, PageResources, VisibilityTracker
from core.documents_workers import IsolatedPool, Outcome, TaskResult
from core.errors import ConfigError, DocumentError

if TYPE_CHECKING:
    from pypdf import Configuration, PageObject, PdfReader

ProgressCallback = Callable[[int, int], None]
Parser = Callable[[bytes, str, "DocumentLimits"], "ParsedDocument"]

_MIB = 1 << 20
# Readers accept a header anywhere in the first 1024 bytes (mail gateways and web forms prepend junk).
HEADER_SEARCH_BYTES = 1024
# Fewer visible non-space characters than this across all pages means a scan or an empty template.
MIN_TEXT_CHARS = 30
# Less hidden text than this is noise (a stray white space glyph, a hairline label), not keyword stuffing.
HIDDEN_FLAG_MIN_CHARS = 20


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
    """Why a file produced no usable text. :attr:`message` is written for recruiters."""

    not_pdf = "not_pdf"
    empty = "empty"
    corrupt = "corrupt"
    encrypted = "encrypted"
    no_text = "no_text"
    too_large = "too_large"
    too_many_pages = "too_many_pages"
    timeout = "timeout"
    too_complex = "too_complex"

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
    RejectionReason.too_large: "File too large for screening: ask for a smaller PDF",
    RejectionReason.too_many_pages: "Too many pages for a resume: ask for a shorter version",
    RejectionReason.timeout: "Took too long to read, so it was skipped: check the file by hand",
    RejectionReason.too_complex: (
        "Too complex to read safely (exhausted memory or nesting limits): check the file by hand"
    ),
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
        "Contains text a reader cannot see (white, invisible, tiny or off-page); it was ignored for the score"
    ),
    DocumentFlag.partial_text: (
        "Only part of the text was read (very long, or some pages are damaged); the score may be off"
    ),
}


class DocumentRejected(DocumentError):
    """Raised by :meth:`ParsedDocument.require_text` for a file that has no usable text."""

    def __init__(self, name: str, reason: RejectionReason) -> None:
        super().__init__(f"{name}: {reason.message}")
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

    @property
    def ok(self) -> bool:
        """True when the file has usable text to score."""
        return self.rejection is None

    @property
    def reason_message(self) -> str | None:
        """The recruiter-facing rejection message, or None for a usable file."""
        return None if self.rejection is None else self.rejection.message

    @property
    def flag_messages(self) -> tuple[str, ...]:
        """Recruiter-facing explanations of the flags, in flag order."""
        return tuple(flag.message for flag in self.flags)

    def require_text(self) -> str:
        """The text, or :class:`DocumentRejected` (a :class:`DocumentError`) when the file was rejected."""
        if self.rejection is not None:
            raise DocumentRejected(self.name, self.rejection)
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
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rejected(
    name: str,
    data: bytes,
    reason: RejectionReason,
    detail: str,
    *,
    pages: int = 0,
    flags: tuple[DocumentFlag, ...] = (),
    hidden_text_chars: int = 0,
) -> ParsedDocument:
    return ParsedDocument(
        name=name,
        sha256=_sha256(data),
        pages=pages,
        rejection=reason,
        detail=detail,
        flags=flags,
        hidden_text_chars=hidden_text_chars,
    )


# ----------------------------------------------------------------------------------------- cheap checks


_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP container (DOCX, ODT or an archive)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office document (DOC)"),
    (b"{\\rtf", "an RTF document"),
)


def _sniff(data: bytes) -> str:
    """A short description of what a non-PDF file looks like, for the log detail."""
    for signature, description in _SIGNATURES:
        if data.startswith(signature):
            return description
    return "no %PDF- header in the first 1024 bytes"


def precheck(data: bytes, limits: DocumentLimits) -> tuple[RejectionReason, str] | None:
    """Checks that need no parser: size, emptiness, the ``%PDF-`` header. None when the file may be a PDF."""
    if not data:
        return RejectionReason.empty, "0 bytes"
    if len(data) > limits.max_bytes:
        return RejectionReason.too_large, f"over the {limits.max_bytes:,}-byte limit"
    if not data.strip():
        return RejectionReason.empty, "only whitespace"
    if _header_offset(data) < 0:
        return RejectionReason.not_pdf, _sniff(data)
    return None


def _header_offset(data: bytes) -> int:
    return data.find(b"%PDF-", 0, HEADER_SEARCH_BYTES + len(b"%PDF-"))


# ------------------------------------------------------------------------------------------------ pypdf


def _pypdf_configuration(limits: DocumentLimits) -> Configuration:
    """pypdf resource limits scaled to our caps (pypdf's defaults allow ~75 MB per stream)."""
    from pypdf import Configuration

    # A resume's largest stream (a content stream or an embedded font) is a few MB. Past 32 MB a stream is a
    # decompression bomb: stop it with LimitReachedError, before it costs memory or minutes of parsing.
    decoded = max(4 * _MIB, min(32 * _MIB, limits.memory_mb * _MIB // 16))
    return Configuration().with_overwrites(
        maximum_declared_stream_length=min(decoded, 75_000_000),
        array_based_stream_maximum_output_length=decoded,
        jbig2_maximum_output_length=decoded,
        lzw_maximum_output_length=decoded,
        run_length_maximum_output_length=decoded,
        zlib_maximum_output_length=decoded,
        brotli_maximum_output_length=decoded,
        image_maximum_buffer_size=decoded,
        stream_decoding_work_maximum_length=4 * decoded,
        xfa_decoding_work_maximum_length=decoded,
        page_tree_maximum_entries=max(1_000, 50 * limits.max_pages),
        page_tree_maximum_depth=32,
        xform_maximum_invocations_per_extraction=1_000,
        outline_maximum_entries=10_000,
        form_fields_maximum_entries=10_000,
        jbig2dec_binary=None,  # never run an external decoder on untrusted input
        disable_legacy_handling=True,
    )


def _error_reason(error: BaseException) -> tuple[RejectionReason, str]:
    """Map an exception from pypdf (or below) to a rejection. The detail names types, never file content."""
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 8:
        chain.append(current)
        current = current.__cause__ or current.__context__
    names = " <- ".join(type(item).__name__ for item in chain)
    if any(isinstance(item, MemoryError | RecursionError | LimitReachedError) for item in chain):
        return RejectionReason.too_complex, names
    if any(isinstance(item, FileNotDecryptedError) for item in chain):
        return RejectionReason.encrypted, names
    return RejectionReason.corrupt, names


def _open(data: bytes, name: str, limits: DocumentLimits) -> PdfReader | ParsedDocument:
    """A readable PdfReader, or the rejection that stops here (encrypted, too many pages)."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        # Encryption is set up in the constructor; an empty user password (owner-password-only files, most
        # "AES-256 protected" exports) opens the file the way every viewer does, without a prompt.
        reader = PdfReader(io.BytesIO(data[_header_offset(data) :]), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return _rejected(name, data, RejectionReason.encrypted, "user password required")
    except (NotImplementedError, DependencyError) as error:
        if b"/Encrypt" not in data:  # an unsupported filter, not encryption: the caller maps it to corrupt
            raise
        # Certificate (public-key) security or an unknown crypt filter: only the sender can fix this.
        detail = f"unsupported encryption ({type(error).__name__})"
        return _rejected(name, data, RejectionReason.encrypted, detail)
    pages = len(reader.pages)
    if pages > limits.max_pages:
        detail = f"{pages} pages, limit {limits.max_pages}"
        return _rejected(name, data, RejectionReason.too_many_pages, detail, pages=pages)
    return reader


def _page_box(page: PageObject) -> Box | None:
    try:
        box = page.mediabox
        return (float(box.left), float(box.bottom), float(box.right), float(box.top))
    except Exception:  # a malformed box only costs the off-page check
        return None


def _resource_dict(page: PageObject, key: str) -> dict[str, Any]:
    try:
        resources = page.get("/Resources")
        entries = resources.get_object().get(key) if resources is not None else None
        return dict(entries.get_object()) if entries is not None else {}
    except Exception:
        return {}


def _colour_space_components(entry: Any) -> int | None:
    """Components of a named colour space resource, or None when it cannot be judged as gray/RGB/CMYK."""
    value = entry.get_object()
    family = str(value[0]) if isinstance(value, list) and value else str(value)
    if family in ("/DeviceGray", "/CalGray"):
        return 1
    if family in ("/DeviceRGB", "/CalRGB"):
        return 3
    if family == "/DeviceCMYK":
        return 4
    if family == "/ICCBased" and isinstance(value, list) and len(value) > 1:
        components = value[1].get_object().get("/N")
        return int(components) if components in (1, 3, 4) else None
    return None


def _page_resources(page: PageObject) -> PageResources:
    colour_spaces: dict[str, int | None] = {}
    for key, entry in _resource_dict(page, "/ColorSpace").items():
        try:
            colour_spaces[str(key)] = _colour_space_components(entry)
        except Exception:
            colour_spaces[str(key)] = None
    alphas: dict[str, tuple[float | None, float | None]] = {}
    for key, entry in _resource_dict(page, "/ExtGState").items():
        try:
            state = entry.get_object()
            fill, stroke = state.get("/ca"), state.get("/CA")
            alphas[str(key)] = (
                None if fill is None else float(fill),
                None if stroke is None else float(stroke),
            )
        except Exception:
            continue
    images = set()
    for key, entry in _resource_dict(page, "/XObject").items():
        try:
            if entry.get_object().get("/Subtype") == "/Image":
                images.add(str(key))
        except Exception:
            continue
    return PageResources(colour_spaces=colour_spaces, alphas=alphas, images=frozenset(images))


@dataclass
class _PageText:
    visible: str
    hidden_chars: int
    hidden_by_reason: dict[HiddenReason, int]


def _extract_page(page: PageObject) -> _PageText:
    """One pass over the page's content: visible text plus what was hidden, and how."""
    tracker = VisibilityTracker(_page_box(page), _page_resources(page))
    page.extract_text(
        visitor_operand_before=tracker.before_operator,
        visitor_operand_after=tracker.after_operator,
        visitor_text=tracker.on_text,
    )
    visible = normalise_text(tracker.visible_text())
    return _PageText(visible, tracker.hidden_chars, dict(tracker.hidden_by_reason))


# ------------------------------------------------------------------------------------------------- text


_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """NFKC (ligatures → letters), no zero-width or control characters, single spaces, one blank line at most.

    Whitespace is only collapsed, never removed, so words from different text runs stay apart.
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE_CHARS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS.sub(" ", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _truncate(text: str, max_chars: int) -> str:
    """Cut at ``max_chars``, backing up to a word boundary when one is close."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    return (cut[:boundary] if boundary > max_chars - 200 else cut).rstrip()


def _meaningful_chars(text: str) -> int:
    return sum(1 for char in text if not char.isspace() and char != "\ufffd")


# ------------------------------------------------------------------------------------------------ parse


@dataclass
class _Extraction:
    texts: list[str] = field(default_factory=list)
    hidden_chars: int = 0
    hidden_by_reason: dict[HiddenReason, int] = field(default_factory=dict)
    failed_pages: int = 0
    failure: tuple[RejectionReason, str] | None = None
    truncated: bool = False
    timed_out: bool = False

    def add(self, page: _PageText) -> None:
        self.texts.append(page.visible)
        self.hidden_chars += page.hidden_chars
        for reason, count in page.hidden_by_reason.items():
            self.hidden_by_reason[reason] = self.hidden_by_reason.get(reason, 0) + count


def _extract_pages(reader: PdfReader, limits: DocumentLimits, deadline: float) -> _Extraction:
    """Page by page until done, out of characters or out of time; a failing page does not stop the rest."""
    result = _Extraction()
    chars = 0
    for page in reader.pages:
        if time.monotonic() > deadline:
            result.timed_out = True
            break
        try:
            page_text = _extract_page(page)
        except MemoryError:
            raise  # the whole file is too complex; the worker's state is suspect
        except Exception as error:
            result.failed_pages += 1
            result.failure = _error_reason(error)
            continue
        result.add(page_text)
        chars += len(page_text.visible) + 2
        if chars > limits.max_chars:
            result.truncated = True
            break
    return result


def _hidden_detail(extraction: _Extraction) -> str:
    reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(extraction.hidden_by_reason.items()))
    return f"; hidden {extraction.hidden_chars} chars ({reasons})" if extraction.hidden_chars else ""


def _assemble(
    data: bytes, name: str, pages: int, extraction: _Extraction, limits: DocumentLimits
) -> ParsedDocument:
    """Turn the per-page results into the final document, rejection or flags."""
    hidden_flag = (DocumentFlag.hidden_text,) if extraction.hidden_chars >= HIDDEN_FLAG_MIN_CHARS else ()
    hidden = _hidden_detail(extraction)
    common: dict[str, Any] = {
        "pages": pages,
        "flags": hidden_flag,
        "hidden_text_chars": extraction.hidden_chars,
    }
    if extraction.timed_out:
        detail = f"over {limits.timeout_s:g} s, stopped between pages"
        return _rejected(name, data, RejectionReason.timeout, detail, **common)
    if extraction.failure is not None and extraction.failed_pages == pages:
        reason, detail = extraction.failure
        return _rejected(name, data, reason, f"every page failed: {detail}", **common)
    text = normalise_text("\n\n".join(extraction.texts))
    if _meaningful_chars(text) < MIN_TEXT_CHARS:
        note = "all visible text is hidden" if extraction.hidden_chars else "no text layer"
        return _rejected(name, data, RejectionReason.no_text, f"{note}{hidden}", **common)
    truncated = extraction.truncated or len(text) > limits.max_chars
    text = _truncate(text, limits.max_chars)
    partial = (DocumentFlag.partial_text,) if truncated or extraction.failed_pages else ()
    failed = f"; {extraction.failed_pages} pages failed" if extraction.failed_pages else ""
    cut = "; truncated" if truncated else ""
    return ParsedDocument(
        name=name,
        sha256=_sha256(data),
        pages=pages,
        text=text,
        detail=f"{pages} pages, {len(text)} chars{cut}{failed}{hidden}",
        flags=hidden_flag + partial,
        hidden_text_chars=extraction.hidden_chars,
    )


def parse_pdf(data: bytes, name: str, limits: DocumentLimits = DEFAULT_LIMITS) -> ParsedDocument:
    """Parse one PDF in this process and return its visible text or a typed rejection; never raises.

    This is what a worker runs. It checks the time between pages, but only :func:`parse_documents` can stop
    a parse stuck inside one page, and only a worker has a memory cap.
    """
    deadline = time.monotonic() + limits.timeout_s
    early = precheck(data, limits)
    if early is not None:
        return _rejected(name, data, *early)
    from pypdf import apply_configuration

    try:
        with apply_configuration(_pypdf_configuration(limits)):
            opened = _open(data, name, limits)
            if isinstance(opened, ParsedDocument):
                return opened
            extraction = _extract_pages(opened, limits, deadline)
            return _assemble(data, name, len(opened.pages), extraction, limits)
    except Exception as error:  # MemoryError and RecursionError included: both are Exceptions
        return _rejected(name, data, *_error_reason(error))


# ------------------------------------------------------------------------------------------------ batch


def _prepare_worker() -> None:
    """Worker initializer: import pypdf before the first file's clock starts, and keep the logs quiet."""
    import pypdf  # noqa: F401  (the import is the point: about 0.1 s that no file's timeout should pay)

    # pypdf logs a warning for every defect it repairs, and hostile files have plenty.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def _from_task(name: str, data: bytes, result: TaskResult, limits: DocumentLimits) -> ParsedDocument:
    """A worker's result, or the rejection for a worker that failed at the task."""
    if result.outcome is Outcome.done and isinstance(result.value, ParsedDocument):
        return result.value
    if result.outcome is Outcome.timeout:
        return _rejected(name, data, RejectionReason.timeout, result.detail)
    if result.outcome is Outcome.out_of_memory:
        detail = f"{result.detail} with {limits.memory_mb} MB of parse memory"
        return _rejected(name, data, RejectionReason.too_complex, detail)
    if result.outcome is Outcome.died:
        return _rejected(name, data, RejectionReason.too_complex, result.detail)
    return _rejected(name, data, RejectionReason.corrupt, f"parser raised {result.detail}")


def parse_documents(
    files: Sequence[tuple[str, bytes]],
    limits: DocumentLimits = DEFAULT_LIMITS,
    workers: int = 2,
    on_progress: ProgressCallback | None = None,
    *,
    parser: Parser = parse_pdf,
) -> list[ParsedDocument]:
    """Parse ``(name, bytes)`` pairs in worker processes; one result per file, in input order.

    Each file gets ``limits.timeout_s`` of wall-clock time (a hung worker is killed and replaced: ``timeout``)
    and ``limits.memory_mb`` of extra address space (``MemoryError`` or a dead worker: ``too_complex``). No
    file's content can make this raise. ``on_progress(done, total)`` is called after every file.
    ``parser`` replaces :func:`parse_pdf` in the workers (tests inject misbehaving ones); it must be an
    importable top-level function.

    Raises:
        ConfigError: ``workers`` is below 1.
        DocumentError: the worker processes themselves cannot start.
    """
    if workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    total = len(files)
    results: list[ParsedDocument | None] = [None] * total
    done = 0

    def finish(position: int, document: ParsedDocument) -> None:
        nonlocal done
        results[position] = document
        done += 1
        if on_progress is not None:
            on_progress(done, total)

    queued: list[int] = []
    for position, (name, data) in enumerate(files):
        early = precheck(data, limits)  # no need to ship a 2 GB upload to a worker to learn it is too large
        if early is None:
            queued.append(position)
        else:
            finish(position, _rejected(name, data, *early))
    if queued:
        tasks = [(files[position][1], files[position][0], limits) for position in queued]
        pool = IsolatedPool(
            parser,
            workers=min(workers, len(queued)),
            timeout_s=limits.timeout_s + _kill_grace_s(limits),
            memory_mb=limits.memory_mb,
            initializer=_prepare_worker,
            encode=document_to_json,
            decode=document_from_json,
        )
        with pool:
            for index, result in pool.run(tasks):
                name, data = files[queued[index]]
                finish(queued[index], _from_task(name, data, result, limits))
    return [document for document in results if document is not None]


def _kill_grace_s(limits: DocumentLimits) -> float:
    """Extra time before a kill, so a parse that notices its own deadline between pages can report it."""
    return min(1.0, 0.1 * limits.timeout_s)
