"""PDF parsing as hostile-input parsing: typed rejections, hidden text, and the worker-process batch runner.

The in-process tests call ``parse_pdf`` directly (milliseconds each). The batch tests start real worker
processes, so there are few of them and each covers several paths at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.documents.batch import parse_documents
from core.documents.pdf import normalise_text, parse_pdf
from core.documents.types import (
    DocumentFlag,
    DocumentLimits,
    DocumentRejected,
    ParsedDocument,
    RejectionReason,
)
from core.errors import ConfigError, DocumentError
from tests import pdf_factory as pdfs

HIDDEN_MARKER = "sre devops"  # only in pdfs.HIDDEN_TEXT, in this case and order
R = RejectionReason


def _parse(data: bytes, **limits: float) -> ParsedDocument:
    return parse_pdf(data, "cv.pdf", DocumentLimits(**limits))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ usable files


def test_plain_resume_gives_normalised_visible_text() -> None:
    data = pdfs.resume_pdf()
    document = _parse(data)
    assert document.ok and document.rejection is None and document.reason_message is None
    assert document.pages == 1 and document.flags == () and document.hidden_text_chars == 0
    assert document.text.startswith("Jane Example\nSenior DevOps Engineer\nEight years")
    assert document.text.endswith("99.95\npercent availability target.")
    assert "  " not in document.text and document.text == document.text.strip()
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert "Jane" not in document.detail  # the log detail never carries resume text
    assert document.require_text() == document.text


@pytest.mark.parametrize(
    "build",
    [pdfs.owner_password_only_pdf, pdfs.aes256_open_pdf, lambda: pdfs.with_leading_junk(pdfs.resume_pdf())],
    ids=["owner-password-only", "aes256-empty-user-password", "junk-before-header"],
)
def test_files_that_readers_open_without_asking_parse_normally(build: Callable[[], bytes]) -> None:
    document = _parse(build())
    assert document.ok, document.detail
    assert "Senior DevOps Engineer" in document.text


def test_two_column_layout_keeps_each_line_whole() -> None:
    left = ["SKILLS", "Kubernetes and Helm", "Terraform modules"]
    right = ["EXPERIENCE", "Platform engineer at Acme Cloud", "Built GitOps delivery with Argo CD"]
    document = _parse(pdfs.two_column_pdf(left, right * 2))
    assert document.ok
    lines = document.text.splitlines()
    for line in left + right:
        assert line in lines  # no words from the other column spliced into the middle of a line


def test_long_text_is_truncated_at_max_chars_and_flagged() -> None:
    document = _parse(pdfs.resume_pdf(pages=5), max_chars=700)
    assert document.ok
    assert len(document.text) <= 700
    assert DocumentFlag.partial_text in document.flags
    assert not document.text.endswith(" ")


def test_a_broken_page_keeps_the_good_page_and_flags_partial_text() -> None:
    document = _parse(pdfs.partly_broken_pdf())
    assert document.ok and document.pages == 2
    assert "Jane Example" in document.text
    assert document.flags == (DocumentFlag.partial_text,)
    assert "1 pages failed" in document.detail


# ------------------------------------------------------------------------------------------- rejections

REJECTED_FILES: list[tuple[str, Callable[[], bytes], RejectionReason]] = [
    ("empty", lambda: b"", R.empty),
    ("whitespace", lambda: b" \r\n\t ", R.empty),
    ("png-renamed", pdfs.png_bytes, R.not_pdf),
    ("docx-renamed", pdfs.docx_like_bytes, R.not_pdf),
    ("plain-text", lambda: b"Jane Example, DevOps engineer. Not a PDF at all.", R.not_pdf),
    ("header-too-late", lambda: b"x" * 2000 + pdfs.resume_pdf(), R.not_pdf),
    ("truncated", pdfs.truncated_pdf, R.corrupt),
    ("header-then-garbage", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20, R.corrupt),
    ("cyclic-page-tree", pdfs.cyclic_page_tree_pdf, R.corrupt),
    ("user-password", pdfs.user_password_pdf, R.encrypted),
    ("certificate-security", pdfs.certificate_encrypted_pdf, R.encrypted),
    ("scan", pdfs.scanned_pdf, R.no_text),
    ("all-text-hidden", pdfs.only_hidden_text_pdf, R.only_hidden_text),
    ("too-many-pages", pdfs.many_pages_pdf, R.too_many_pages),
    ("decompression-bomb", pdfs.decompression_bomb_pdf, R.too_complex),
    ("deeply-nested", pdfs.deeply_nested_pdf, R.too_complex),
]


@pytest.mark.parametrize(
    ("build", "reason"), [(b, r) for _, b, r in REJECTED_FILES], ids=[i for i, _, _ in REJECTED_FILES]
)
def test_unusable_files_become_typed_rejections_quickly(
    build: Callable[[], bytes], reason: RejectionReason
) -> None:
    data = build()
    started = time.monotonic()
    document = _parse(data)
    assert time.monotonic() - started < 3.0
    assert document.rejection is reason, document.detail
    assert not document.ok and document.text == ""
    assert document.reason_message == reason.message
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(DocumentError, match=r"cv\.pdf"):
        document.require_text()


def test_oversized_file_is_rejected_before_parsing() -> None:
    document = _parse(pdfs.resume_pdf(), max_bytes=100)
    assert document.rejection is R.too_large and document.pages == 0


def test_text_hidden_everywhere_is_said_so_and_still_flagged() -> None:
    document = _parse(pdfs.only_hidden_text_pdf())
    assert document.rejection is R.only_hidden_text
    assert "invisible" in (document.reason_message or "") and "scan or a photo" not in document.reason_message
    assert document.flags == (DocumentFlag.hidden_text,) and document.hidden_text_chars > 200


@pytest.mark.parametrize(("text", "words"), [("Hello Python developer", 3), ("CV", 1)])
def test_a_few_words_are_too_little_text_with_the_word_count_not_a_scan(text: str, words: int) -> None:
    document = _parse(pdfs.resume_pdf(text))
    assert document.rejection is R.too_little_text
    message = document.reason_message or ""
    assert f"{words} word" in message and "too little text" in message.lower()
    assert "No text layer" not in message
    with pytest.raises(DocumentError, match=f"{words} word"):
        document.require_text()


def test_a_page_with_no_words_at_all_is_still_a_scan() -> None:
    assert _parse(pdfs.scanned_pdf()).rejection is R.no_text


def test_page_deadline_becomes_a_timeout_rejection() -> None:
    document = _parse(pdfs.resume_pdf(pages=3), timeout_s=1e-9)
    assert document.rejection is R.timeout


def test_password_message_tells_the_recruiter_what_to_do() -> None:
    document = _parse(pdfs.user_password_pdf())
    assert document.reason_message == "Password-protected: ask the applicant for an unprotected copy"
    with pytest.raises(DocumentRejected) as caught:
        document.require_text()
    assert caught.value.reason is R.encrypted


def test_every_reason_and_flag_has_a_message() -> None:
    messages = [reason.message for reason in RejectionReason] + [flag.message for flag in DocumentFlag]
    assert all(len(message) > 20 for message in messages)
    assert len(set(messages)) == len(messages)


# ------------------------------------------------------------------------------------------ hidden text


@pytest.mark.parametrize(
    "build",
    [
        pdfs.white_text_pdf,
        pdfs.near_white_text_pdf,
        pdfs.invisible_render_mode_pdf,
        pdfs.tiny_font_pdf,
        pdfs.off_page_text_pdf,
        pdfs.mixed_colour_line_pdf,
        pdfs.clipped_text_pdf,
    ],
)
def test_hidden_text_is_excluded_from_text_and_flagged(build: Callable[[], bytes]) -> None:
    document = _parse(build())
    assert document.ok
    assert DocumentFlag.hidden_text in document.flags
    assert document.hidden_text_chars >= 50
    assert HIDDEN_MARKER not in document.text.lower()
    assert "Jane Example" in document.text
    assert document.flag_messages and "cannot see" in document.flag_messages[0]


def test_text_around_hidden_runs_stays_intact() -> None:
    assert "References available on request." in _parse(pdfs.white_text_pdf()).text
    assert "Skills: Python and Go" in _parse(pdfs.mixed_colour_line_pdf()).text


def _visible_body(prefix: bytes = b"") -> bytes:
    return pdfs.text_line(pdfs.RESUME_TEXT[:100], 700, prefix) + pdfs.text_line(
        pdfs.RESUME_TEXT[100:200], 680
    )


@pytest.mark.parametrize(
    ("content", "resources"),
    [
        (b"0.3 g", b""),  # dark gray
        (b"0 0 0 1 k", b""),  # CMYK black
        (b"0.1 0.2 0.6 rg", b""),  # dark blue
        (b"/DeviceRGB cs 0.2 0.2 0.2 sc", b""),
        (b"/CS0 cs 0.1 0.1 0.1 scn", b"/ColorSpace << /CS0 /DeviceRGB >>"),
        (b"/CS0 cs 1 scn", b"/ColorSpace << /CS0 [/Indexed /DeviceRGB 1 <000000FFFFFF>] >>"),  # not judged
        (b"q 1 g Q", b""),  # white set inside q/Q no longer applies
        (b"/GS0 gs", b"/ExtGState << /GS0 << /ca 0.8 >> >>"),
        (b"2 Tr 1 g 0 G", b""),  # white fill with a black outline still shows
        (b"q 0.05 0 0 0.05 0 0 cm Q", b""),
    ],
)
def test_ordinary_styling_is_not_mistaken_for_hidden_text(content: bytes, resources: bytes) -> None:
    document = _parse(pdfs.content_pdf(_visible_body(content), resources=resources))
    assert document.ok and document.flags == (), document.detail
    assert "Eight years building" in document.text


@pytest.mark.parametrize(
    ("prefix", "resources", "how"),
    [
        (b"0 0 0 0 k", b"", "background_colour"),  # CMYK: no ink at all
        (b"/DeviceGray cs 0.97 sc", b"", "background_colour"),
        (b"1 Tr 1 G", b"", "background_colour"),  # white outline only
        (b"/GS0 gs", b"/ExtGState << /GS0 << /ca 0 >> >>", "transparent"),
        (b"7 Tr", b"", "invisible_mode"),  # clip only
        (b"0.001 0 0 0.001 0 0 cm", b"", "tiny_font"),  # shrunk by the matrix, not the font size
        (b"1 Tz", b"", "tiny_font"),  # squashed to a hairline
        (b"1 0 0 1 5000 0 cm", b"", "off_page"),  # moved off the page by the matrix
    ],
)
def test_other_hiding_tricks_are_caught(prefix: bytes, resources: bytes, how: str) -> None:
    hidden = pdfs.text_line(pdfs.HIDDEN_TEXT, 600, b"q " + prefix) + b"Q\n"
    document = _parse(pdfs.content_pdf(_visible_body() + hidden, resources=resources))
    assert DocumentFlag.hidden_text in document.flags, document.detail
    assert f"{how} 62" in document.detail  # 62 non-space characters in HIDDEN_TEXT, all for this reason
    assert HIDDEN_MARKER not in document.text.lower()


def test_clipped_away_text_is_hidden_for_that_reason() -> None:
    document = _parse(pdfs.clipped_text_pdf())
    assert "clipped 124" in document.detail  # both copies of HIDDEN_TEXT (62 non-space characters each)
    assert "References available on request." in document.text


@pytest.mark.parametrize(
    "clip",
    [
        b"q 0 0 612 792 re W n",  # the page box, as browsers and word processors write
        b"q 40 690 520 40 re W n",  # a text frame around the line
        b"q 45 695 5 5 re W* n",  # a clip that shows only the first glyphs still shows text
        b"q 0 0 612 792 re W n 40 690 520 40 re W n",  # nested clips that hold the line
        b"q 0 0 0 0 re W n Q q",  # a clip restored by Q no longer applies
        b"q 40 690 520 40 re W 0.9 g f",  # a clip whose path is also painted
    ],
    ids=["page-box", "text-frame", "tiny-corner", "nested", "restored", "clip-and-fill"],
)
def test_text_inside_a_clip_stays_visible(clip: bytes) -> None:
    line = pdfs.text_line(pdfs.RESUME_TEXT[:100], 700, clip) + b"Q\n"
    document = _parse(pdfs.content_pdf(line + pdfs.text_line(pdfs.RESUME_TEXT[100:200], 680)))
    assert document.ok and document.flags == () and document.hidden_text_chars == 0, document.detail
    assert "Jane Example" in document.text


def test_white_text_on_dark_boxes_and_images_is_visible() -> None:
    document = _parse(pdfs.sidebar_resume_pdf())
    assert document.ok and document.flags == () and document.hidden_text_chars == 0, document.detail
    for line in ("Jane Example", "Kubernetes and Helm", "Prometheus, Grafana, Loki", "Eight years building"):
        assert line in document.text


def test_white_text_on_a_white_box_over_a_dark_page_is_hidden() -> None:
    backdrop = b"q 0.1 0.1 0.3 rg 0 0 612 792 re f 1 g 40 590 500 30 re f Q\n"
    white_on_white = pdfs.text_line(pdfs.HIDDEN_TEXT, 600, b"q 1 g") + b"Q\n"
    white_on_navy = pdfs.text_line("Platform team lead, on-call owner for payments", 560, b"q 1 g") + b"Q\n"
    document = _parse(pdfs.content_pdf(backdrop + _visible_body() + white_on_white + white_on_navy))
    assert "background_colour 62" in document.detail
    assert "Platform team lead, on-call owner for payments" in document.text
    assert HIDDEN_MARKER not in document.text.lower()


def test_form_xobjects_inherit_colour_and_placement() -> None:
    form_visible = pdfs.form_xobject(
        pdfs.text_line("Visible form text: Kubernetes on-call rotation lead", 400)
    )
    form_hidden = pdfs.form_xobject(pdfs.text_line(pdfs.HIDDEN_TEXT, 300))
    content = _visible_body() + b"q /Fm0 Do Q q 1 g /Fm1 Do Q q 1 0 0 1 0 -5000 cm /Fm0 Do Q"
    resources = b"/XObject << /Fm0 6 0 R /Fm1 7 0 R >>"
    document = _parse(
        pdfs.content_pdf(content, resources=resources, extra_objects=[form_visible, form_hidden])
    )
    assert "Visible form text: Kubernetes on-call rotation lead" in document.text
    assert document.text.count("Visible form text") == 1  # the copy drawn 5000 pt below the page is hidden
    assert HIDDEN_MARKER not in document.text.lower()
    assert DocumentFlag.hidden_text in document.flags


def test_a_few_hidden_characters_are_dropped_but_not_flagged() -> None:
    stray = pdfs.text_line("x y z", 600, b"q 1 g") + b"Q\n"
    document = _parse(pdfs.content_pdf(_visible_body() + stray))
    assert document.ok and document.flags == () and document.hidden_text_chars == 3


def test_normalise_text() -> None:
    raw = "  e\ufb03cient\u00a0ops\u200b team \r\n\r\n\r\n\n next\tline\x00 "
    assert normalise_text(raw) == "efficient ops team\n\nnext line"


def test_limits_are_validated() -> None:
    with pytest.raises(ConfigError, match="max_pages"):
        DocumentLimits(max_pages=0)


# ---------------------------------------------------------------------------------------- worker batches


def test_batch_of_every_kind_keeps_order_and_every_good_file_parses() -> None:
    good = pdfs.resume_pdf()
    files: list[tuple[str, bytes]] = []
    expected: list[RejectionReason | None] = []
    for label, build, reason in REJECTED_FILES:
        files += [(f"{label}.pdf", build()), (f"after-{label}.pdf", good)]
        expected += [reason, None]
    files.append(("stuffed.pdf", pdfs.white_text_pdf()))
    expected.append(None)
    progress: list[tuple[int, int]] = []

    results = parse_documents(
        files, workers=2, on_progress=lambda done, total: progress.append((done, total))
    )

    assert [r.name for r in results] == [name for name, _ in files]
    assert [r.rejection for r in results] == expected
    assert all(r.text.startswith("Jane Example") for r in results if r.name.startswith("after-"))
    assert results[-1].flags == (DocumentFlag.hidden_text,)
    assert progress == [(done, len(files)) for done in range(1, len(files) + 1)]


def test_hung_parse_is_killed_at_the_timeout_and_the_worker_replaced() -> None:
    good = pdfs.resume_pdf()
    files = [("hang-1.pdf", good), ("good-1.pdf", good), ("hang-2.pdf", good), ("good-2.pdf", good)]
    started = time.monotonic()
    results = parse_documents(
        files, DocumentLimits(timeout_s=0.5), workers=1, parser=pdfs.hostile_parser
    )  # one worker: every file after a hang needs the replacement
    elapsed = time.monotonic() - started
    assert [r.rejection for r in results] == [R.timeout, None, R.timeout, None]
    assert "killed" in results[0].detail
    assert elapsed < 8.0


def test_memory_exhaustion_and_dead_workers_are_too_complex() -> None:
    good = pdfs.resume_pdf()
    files = [("oom.pdf", good), ("good-1.pdf", good), ("crash.pdf", good), ("good-2.pdf", good)]
    results = parse_documents(files, DocumentLimits(memory_mb=256), workers=1, parser=pdfs.hostile_parser)
    assert [r.rejection for r in results] == [R.too_complex, None, R.too_complex, None]
    assert "MemoryError" in results[0].detail
    assert "exited with code 3" in results[2].detail


def test_workers_never_run_the_callers_main_module(tmp_path: Path) -> None:
    # Streamlit installs the app script as __main__, and the app imports torch. multiprocessing's spawn and
    # forkserver re-run __main__ in every worker; this script has no __main__ guard: ours must not run it.
    (tmp_path / "shortlist_heavy_marker.py").write_text("# stands in for torch\n")
    script = tmp_path / "caller.py"
    script.write_text(
        "import shortlist_heavy_marker\n"
        "from core.documents import parse_documents\n"
        "from tests.pdf_factory import resume_pdf, worker_modules_parser\n"
        "[result] = parse_documents([('cv.pdf', resume_pdf())], parser=worker_modules_parser)\n"
        "print(result.rejection, result.detail)\n"
    )
    environment = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    completed = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )
    assert completed.stdout.strip() == "None heavy=", completed.stderr


def test_cheap_rejections_never_reach_a_worker() -> None:
    # A worker running hostile_parser would turn a file named crash* into too_complex.
    files = [
        ("crash-empty.pdf", b""),
        ("crash-text.pdf", b"not a PDF"),
        ("crash-big.pdf", b"%PDF-" + b"0" * 99),
    ]
    results = parse_documents(files, DocumentLimits(max_bytes=64), parser=pdfs.hostile_parser)
    assert [r.rejection for r in results] == [R.empty, R.not_pdf, R.too_large]


def test_batch_arguments() -> None:
    assert parse_documents([]) == []
    with pytest.raises(ConfigError):
        parse_documents([("a.pdf", b"")], workers=0)
