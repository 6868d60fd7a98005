"""Build test PDFs in memory: ordinary resumes and every kind of hostile or unusable file.

Most builders use fpdf2; the hostile ones write raw PDF syntax with :func:`raw_pdf`, which produces a correct
cross-reference table so that the only thing wrong with the file is the thing under test.

The module also holds test-only parse functions (:func:`hostile_parser`) that worker processes import by name,
so they must stay top-level functions here.
"""

from __future__ import annotations

import functools
import io
import os
import time
import zipfile
import zlib
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import EncryptionMethod, TextMode

from core.documents.pdf import parse_pdf
from core.documents.types import DocumentLimits, ParsedDocument

RESUME_TEXT = (
    "Jane Example\n"
    "Senior DevOps Engineer\n"
    "Eight years building and running cloud infrastructure on AWS and GCP. "
    "Kubernetes, Terraform, Ansible, GitHub Actions, Prometheus and Grafana. "
    "Led the migration of forty services to a managed Kubernetes platform and cut deploy time from hours "
    "to minutes. On-call lead for a payments platform with a 99.95 percent availability target."
)
HIDDEN_TEXT = "kubernetes terraform aws sre devops kubernetes terraform aws sre devops"

# Core fonts only know Latin-1; keep generated text inside it.
_FONT = "Helvetica"


def _new_pdf() -> FPDF:
    pdf = FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(auto=True, margin=40)
    pdf.set_margins(40, 40, 40)
    pdf.set_font(_FONT, size=11)
    return pdf


def _write(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 14, text, new_x="LMARGIN", new_y="NEXT")


def _output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def resume_pdf(text: str = RESUME_TEXT, *, pages: int = 1) -> bytes:
    """A plain text resume; with ``pages`` > 1 the text is repeated once per page."""
    pdf = _new_pdf()
    for page in range(pages):
        pdf.add_page()
        _write(pdf, text if pages == 1 else f"Page {page + 1}. {text}")
    return _output(pdf)


def two_column_pdf(left: Sequence[str], right: Sequence[str]) -> bytes:
    """A two-column layout: a narrow side column and a main column, each line drawn as its own cell."""
    pdf = _new_pdf()
    pdf.add_page()
    for column_x, lines, width in ((40.0, left, 160.0), (220.0, right, 330.0)):
        pdf.set_xy(column_x, 60)
        for line in lines:
            pdf.set_x(column_x)
            pdf.cell(width, 16, line, new_x="LMARGIN", new_y="NEXT")
    return _output(pdf)


def scanned_pdf() -> bytes:
    """An image-only page, like a scan: a bitmap and some vector shapes, no text layer at all."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 560), color=255)
    draw = ImageDraw.Draw(image)
    for row in range(20):
        draw.rectangle((40, 40 + row * 24, 360 - (row % 5) * 30, 52 + row * 24), fill=30)
    pdf = _new_pdf()
    pdf.add_page()
    pdf.image(image, x=40, y=40, w=500)
    pdf.rect(40, 700, 200, 20, style="F")
    return _output(pdf)


def _encrypted(text: str, owner: str, user: str, method: EncryptionMethod) -> bytes:
    pdf = _new_pdf()
    pdf.set_encryption(owner_password=owner, user_password=user, encryption_method=method)
    pdf.add_page()
    _write(pdf, text)
    return _output(pdf)


def user_password_pdf(text: str = RESUME_TEXT, password: str = "s3cret") -> bytes:
    """Needs a password to open (AES-128)."""
    return _encrypted(text, owner="owner-pw", user=password, method=EncryptionMethod.AES_128)


def owner_password_only_pdf(text: str = RESUME_TEXT) -> bytes:
    """Encrypted with an owner password only (RC4): anyone can open it, as with many HR-portal exports."""
    return _encrypted(text, owner="owner-pw", user="", method=EncryptionMethod.RC4)


def aes256_open_pdf(text: str = RESUME_TEXT) -> bytes:
    """AES-256 encrypted with an empty user password: opens without a prompt."""
    return _encrypted(text, owner="owner-pw", user="", method=EncryptionMethod.AES_256)


def truncated_pdf(text: str = RESUME_TEXT) -> bytes:
    """A download cut off early: the header and part of the first object, nothing a reader can recover."""
    data = resume_pdf(text)
    return data[: max(200, len(data) // 10)]


def certificate_encrypted_pdf() -> bytes:
    """Public-key (certificate) security: only the recipient's private key opens it."""
    encrypt = b"/Encrypt << /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /Length 128 >> "
    body = text_line(RESUME_TEXT[:100], 700)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(body),
        ],
        trailer=encrypt,
    )


def png_bytes() -> bytes:
    """A real PNG image (what an applicant sends when they rename a screenshot to .pdf)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color=(200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def docx_like_bytes() -> bytes:
    """A ZIP container shaped like a .docx (the other common 'resume.pdf' that is not a PDF)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Jane Example DevOps</w:document>")
    return buffer.getvalue()


def many_pages_pdf(pages: int = 41) -> bytes:
    """More pages than the default limit allows."""
    return resume_pdf("Short page.", pages=pages)


def _with_hidden(style: str, visible: str = RESUME_TEXT, hidden: str = HIDDEN_TEXT) -> bytes:
    """A normal resume plus keyword-stuffed text made invisible in one of the ways recruiters cannot see."""
    pdf = _new_pdf()
    pdf.add_page()
    _write(pdf, visible)
    if style == "white":
        pdf.set_text_color(255, 255, 255)
        _write(pdf, hidden)
    elif style == "near_white":
        pdf.set_text_color(250, 252, 251)
        _write(pdf, hidden)
    elif style == "render_mode":
        # local_context wraps the cell in q/Q: fpdf2 never writes "0 Tr" back, and Tr outlives ET.
        with pdf.local_context(text_mode=TextMode.INVISIBLE):
            _write(pdf, hidden)
    elif style == "tiny":
        pdf.set_font(_FONT, size=1)
        _write(pdf, hidden)
    elif style == "off_page":
        pdf.text(x=-2000, y=300, text=hidden)
        pdf.text(x=pdf.w + 500, y=320, text=hidden)
    else:
        raise ValueError(style)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(_FONT, size=11)
    _write(pdf, "References available on request.")
    return _output(pdf)


def white_text_pdf() -> bytes:
    """White keywords on the white page."""
    return _with_hidden("white")


def near_white_text_pdf() -> bytes:
    """Almost-white keywords (RGB 250/252/251): invisible to a reader, missed by an exact-white check."""
    return _with_hidden("near_white")


def invisible_render_mode_pdf() -> bytes:
    """Keywords in text render mode 3 (neither fill nor stroke), the OCR-layer trick."""
    return _with_hidden("render_mode")


def tiny_font_pdf() -> bytes:
    """Keywords in a 1 pt font."""
    return _with_hidden("tiny")


def off_page_text_pdf() -> bytes:
    """Keywords positioned outside the page box, left and right of the page."""
    return _with_hidden("off_page")


def sidebar_resume_pdf() -> bytes:
    """A modern template: white name on a photo banner, white skills in a navy sidebar. Nothing is hidden."""
    from PIL import Image

    pdf = _new_pdf()
    pdf.add_page()
    pdf.image(Image.new("RGB", (60, 10), color=(20, 60, 120)), x=0, y=0, w=pdf.w, h=90)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(_FONT, size=22)
    pdf.text(40, 55, "Jane Example")
    pdf.set_fill_color(25, 35, 70)
    pdf.rect(0, 90, 170, pdf.h - 90, style="F")
    pdf.set_font(_FONT, size=10)
    for row, skill in enumerate(["Kubernetes and Helm", "Terraform and Pulumi", "Prometheus, Grafana, Loki"]):
        pdf.text(20, 130 + row * 16, skill)
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(190, 110)
    pdf.set_left_margin(190)
    _write(pdf, RESUME_TEXT)
    return _output(pdf)


def only_hidden_text_pdf() -> bytes:
    """Nothing visible at all: the whole resume is white text."""
    pdf = _new_pdf()
    pdf.add_page()
    pdf.set_text_color(255, 255, 255)
    _write(pdf, RESUME_TEXT)
    return _output(pdf)


def with_leading_junk(data: bytes, junk: bytes = b"\x00\r\nX-Mailer: junk before the header\r\n") -> bytes:
    """Prefix bytes before ``%PDF-``, as some mail gateways and web forms do; readers still open these."""
    return junk + data


# ------------------------------------------------------------------------------------------ raw PDF syntax


def raw_pdf(
    objects: Sequence[bytes], *, root: int = 1, header: bytes = b"%PDF-1.7\n", trailer: bytes = b""
) -> bytes:
    """Assemble numbered objects (1-based, in order) into a PDF with a correct xref table and trailer.

    ``trailer`` is spliced into the trailer dictionary (e.g. an /Encrypt entry).
    """
    out = bytearray(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def content_pdf(
    content: bytes,
    *,
    mediabox: bytes = b"[0 0 612 792]",
    resources: bytes = b"",
    extra_objects: Sequence[bytes] = (),
) -> bytes:
    """A one-page PDF whose page content stream is ``content``.

    Helvetica is /F1; ``resources`` is spliced into the page's /Resources dictionary, and ``extra_objects``
    are numbered from 6 on (for forms or colour spaces the resources refer to).
    """
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox "
            + mediabox
            + b" /Resources << /Font << /F1 5 0 R >> "
            + resources
            + b" >> /Contents 4 0 R >>",
            _stream(content),
            HELVETICA,
            *extra_objects,
        ]
    )


def form_xobject(content: bytes) -> bytes:
    """A form XObject object body drawing ``content`` with Helvetica as /F1 (object 5 in content_pdf)."""
    return _stream(
        content,
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> ",
    )


def text_line(text: str, y: int, prefix: bytes = b"", size: int = 11) -> bytes:
    """One BT/ET text object at (50, y), after the graphics-state operators in ``prefix``."""
    return prefix + b" BT /F1 %d Tf 50 %d Td (" % (size, y) + text.encode("latin-1") + b") Tj ET\n"


def mixed_colour_line_pdf() -> bytes:
    """Visible and white text in one text object on one line, so one extracted run mixes both."""
    mixed = (
        b"BT /F1 11 Tf 50 680 Td 0 g (Skills: Python) Tj 1 1 1 rg ( "
        + HIDDEN_TEXT.encode()
        + b") Tj 0 0 0 rg ( and Go) Tj ET\n"
    )
    return content_pdf(text_line(RESUME_TEXT[:90], 700) + mixed + text_line(RESUME_TEXT[90:180], 660))


def clipped_text_pdf() -> bytes:
    """Keywords drawn, then clipped away: once inside a clip of zero size, once far from a clip that holds
    nothing else. A reader sees the resume only."""
    visible = text_line(RESUME_TEXT[:90], 700) + text_line(RESUME_TEXT[90:180], 680)
    inside_nothing = b"q 0 0 0 0 re W n" + text_line(HIDDEN_TEXT, 400) + b"Q\n"
    outside_the_clip = b"q 40 600 500 40 re W n" + text_line(HIDDEN_TEXT, 200) + b"Q\n"
    after = text_line("References available on request.", 660)
    return content_pdf(visible + inside_nothing + outside_the_clip + after)


@functools.cache
def _bomb_stream(expanded_mib: int) -> bytes:
    """A FlateDecode stream that inflates to ``expanded_mib`` MiB of spaces (cached: 0.1 s to build)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(compressor.compress(chunk) for _ in range(expanded_mib)) + compressor.flush()
    return _stream(packed, b"/Filter /FlateDecode ")


def decompression_bomb_pdf(expanded_mib: int = 48) -> bytes:
    """A page whose content stream inflates from about 50 KB to ``expanded_mib`` MiB."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page + b"/Contents 4 0 R >>",
            _bomb_stream(expanded_mib),
            HELVETICA,
        ]
    )


def partly_broken_pdf() -> bytes:
    """Two pages: a readable resume page, then a page whose content stream is a decompression bomb."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >> "
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            page + b"/Contents 5 0 R >>",
            page + b"/Contents 7 0 R >>",
            _stream(text_line(RESUME_TEXT[:100], 700) + text_line(RESUME_TEXT[100:200], 680)),
            HELVETICA,
            _bomb_stream(48),
        ]
    )


def deeply_nested_pdf(depth: int = 200_000) -> bytes:
    """An array nested ``depth`` levels deep in the page dictionary: recursion exhaustion in naive parsers."""
    nested = b"[" * depth + b"]" * depth
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Junk " + nested + b" >>",
        ]
    )


def cyclic_page_tree_pdf() -> bytes:
    """A page tree whose /Kids point back at itself."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )


# ------------------------------------------------------------------------------------- test-only parse hooks


def hostile_parser(data: bytes, name: str, limits: DocumentLimits) -> ParsedDocument:
    """Parse normally, except that names starting ``hang``, ``oom`` or ``crash`` misbehave on purpose.

    Passed as ``parse_documents(parser=...)`` to exercise the parent's timeout, memory and dead-worker paths
    without putting any sleep or crash in product code.
    """
    if name.startswith("hang"):
        time.sleep(3600)
    if name.startswith("oom"):
        hoard = []
        while True:  # grows until the worker's address-space cap raises MemoryError
            hoard.append(bytearray(64 << 20))
    if name.startswith("crash"):
        os._exit(3)
    return parse_pdf(data, name, limits)


HEAVY_MODULES = ("torch", "sentence_transformers", "streamlit", "sklearn", "shortlist_heavy_marker")


def worker_modules_parser(data: bytes, name: str, limits: DocumentLimits) -> ParsedDocument:
    """Parse, and report in ``detail`` which of :data:`HEAVY_MODULES` the worker process has loaded."""
    import sys

    heavy = sorted(module for module in HEAVY_MODULES if module in sys.modules)
    result = parse_pdf(data, name, limits)
    from dataclasses import replace

    return replace(result, detail=f"heavy={','.join(heavy)}")


def echo_task(value: str) -> str:
    """A pool task for the reply-channel tests: returns its argument."""
    return value


def refuse_to_decode(value: object) -> object:
    """A parent-side decoder that rejects one reply, as it would a forged one from a compromised worker."""
    if value == "forged":
        raise ValueError("not a protocol reply")
    return value
