"""One PDF in this process: cheap checks first (size, magic bytes), then pypdf under tightened resource limits,
empty-password decryption, page and character caps, and hidden-text separation (:mod:`core.documents.visibility`).
Every failure becomes a typed :class:`~core.documents.types.RejectionReason`, never an exception.

pypdf is imported only inside the parse, so importing this module stays cheap for pages and the CLI.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.documents.types import (
    DEFAULT_LIMITS,
    DocumentFlag,
    DocumentLimits,
    ParsedDocument,
    RejectionReason,
    rejected_document,
    sha256_of,
    too_large_message,
)
from core.documents.visibility import Box, HiddenReason, PageResources, VisibilityTracker

if TYPE_CHECKING:
    from pypdf import Configuration, PageObject, PdfReader

# Readers accept a header anywhere in the first 1024 bytes (mail gateways and web forms prepend junk).
HEADER_SEARCH_BYTES = 1024
_MIB = 1 << 20
# Fewer visible non-space characters than this across all pages is too little to screen: a scan (no words at
# all), a file whose text is hidden, or a few words ("Hello Python developer").
MIN_TEXT_CHARS = 30
# Less hidden text than this is noise (a stray white space glyph, a hairline label), not keyword stuffing.
HIDDEN_FLAG_MIN_CHARS = 20


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


def precheck_document(data: bytes, name: str, limits: DocumentLimits) -> ParsedDocument | None:
    """The rejection :func:`precheck` finds, as a document; None when the file may be a PDF."""
    early = precheck(data, limits)
    if early is None:
        return None
    message = too_large_message(limits) if early[0] is RejectionReason.too_large else ""
    return rejected_document(name, data, *early, message=message)


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
            return rejected_document(name, data, RejectionReason.encrypted, "user password required")
    except (NotImplementedError, DependencyError) as error:
        if b"/Encrypt" not in data:  # an unsupported filter, not encryption: the caller maps it to corrupt
            raise
        # Certificate (public-key) security or an unknown crypt filter: only the sender can fix this.
        detail = f"unsupported encryption ({type(error).__name__})"
        return rejected_document(name, data, RejectionReason.encrypted, detail)
    pages = len(reader.pages)
    if pages > limits.max_pages:
        detail = f"{pages} pages, limit {limits.max_pages}"
        return rejected_document(name, data, RejectionReason.too_many_pages, detail, pages=pages)
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
        return rejected_document(name, data, RejectionReason.timeout, detail, **common)
    if extraction.failure is not None and extraction.failed_pages == pages:
        reason, detail = extraction.failure
        return rejected_document(name, data, reason, f"every page failed: {detail}", **common)
    text = normalise_text("\n\n".join(extraction.texts))
    if _meaningful_chars(text) < MIN_TEXT_CHARS:
        return _too_little_text(data, name, text, extraction, common)
    truncated = extraction.truncated or len(text) > limits.max_chars
    text = _truncate(text, limits.max_chars)
    partial = (DocumentFlag.partial_text,) if truncated or extraction.failed_pages else ()
    failed = f"; {extraction.failed_pages} pages failed" if extraction.failed_pages else ""
    cut = "; truncated" if truncated else ""
    return ParsedDocument(
        name=name,
        sha256=sha256_of(data),
        pages=pages,
        text=text,
        detail=f"{pages} pages, {len(text)} chars{cut}{failed}{hidden}",
        flags=hidden_flag + partial,
        hidden_text_chars=extraction.hidden_chars,
    )


def _too_little_text(
    data: bytes, name: str, text: str, extraction: _Extraction, common: dict[str, Any]
) -> ParsedDocument:
    """The rejection of a file with too little visible text, telling a scan (no words at all), a file whose
    text is hidden, and a file with a few words apart: each needs a different request to the applicant."""
    words = len(text.split())
    hidden = _hidden_detail(extraction)
    if extraction.hidden_chars >= HIDDEN_FLAG_MIN_CHARS:
        detail = f"{words} visible words{hidden}"
        return rejected_document(name, data, RejectionReason.only_hidden_text, detail, **common)
    if words == 0:
        return rejected_document(name, data, RejectionReason.no_text, f"no text layer{hidden}", **common)
    message = (
        f"Too little text to screen: {words} word{'s' if words != 1 else ''} "
        "(perhaps a scan with a caption, or an unfinished export): ask for the full resume as a text-based PDF"
    )
    detail = f"{words} words, {_meaningful_chars(text)} characters{hidden}"
    return rejected_document(name, data, RejectionReason.too_little_text, detail, message=message, **common)


def parse_pdf(data: bytes, name: str, limits: DocumentLimits = DEFAULT_LIMITS) -> ParsedDocument:
    """Parse one PDF in this process and return its visible text or a typed rejection; never raises.

    This is what a worker runs. It checks the time between pages, but only :func:`parse_documents` can stop
    a parse stuck inside one page, and only a worker has a memory cap.
    """
    deadline = time.monotonic() + limits.timeout_s
    early = precheck_document(data, name, limits)
    if early is not None:
        return early
    from pypdf import apply_configuration

    try:
        with apply_configuration(_pypdf_configuration(limits)):
            opened = _open(data, name, limits)
            if isinstance(opened, ParsedDocument):
                return opened
            extraction = _extract_pages(opened, limits, deadline)
            return _assemble(data, name, len(opened.pages), extraction, limits)
    except Exception as error:  # MemoryError and RecursionError included: both are Exceptions
        return rejected_document(name, data, *_error_reason(error))
