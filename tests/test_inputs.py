"""The inputs of a run: folders, files and ZIP archives (uploaded or on disk), read only when parsed, within
the run's caps, every skipped file listed with its reason, every name readable and safe."""

from __future__ import annotations

import io
import os
import random
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from core.documents.batch import parse_documents
from core.documents.inputs import (
    InputCaps,
    InputFile,
    collect_inputs,
    collect_uploads,
    declared_entries,
    upload_limits,
    upload_summary,
)
from core.documents.names import clean_name, decode_name, unique_names
from core.documents.pdf import parse_pdf
from core.documents.types import DocumentLimits, RejectionReason
from core.errors import ConfigError
from tests import pdf_factory as pdfs
from tests import zip_factory as zips

PDF = b"%PDF-1.4 stand-in bytes"  # collecting never parses, so any bytes do
R = RejectionReason


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _listing(inputs: list[InputFile]) -> list[tuple[str, R | None]]:
    return [(item.name, item.skipped) for item in inputs]


# ------------------------------------------------------------------------------------- folders and files


def test_folder_is_searched_recursively_and_every_file_is_accounted_for(tmp_path: Path) -> None:
    folder = tmp_path / "applicants"
    for relative in ["b.pdf", "A.PDF", "sub/c.Pdf", "sub/deeper/d.pdf", "notes.txt", "sub/cv.docx"]:
        _write(folder / relative, PDF + relative.encode())
    _write(folder / "old.zip", _zip({"e.pdf": PDF}))
    _write(folder / "__MACOSX" / "b.pdf", b"resource fork")
    _write(folder / "._b.pdf", b"AppleDouble")
    _write(folder / ".DS_Store", b"Finder")
    _write(folder / "Thumbs.db", b"Explorer")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # must not be followed forever

    found = collect_inputs([folder], DocumentLimits())

    assert _listing(found) == [
        ("A.PDF", None),
        ("b.pdf", None),
        ("notes.txt", R.not_pdf),
        ("old.zip", R.nested_archive),
        ("sub/c.Pdf", None),
        ("sub/cv.docx", R.not_pdf),
        ("sub/deeper/d.pdf", None),
    ]
    assert found[0].read() == PDF + b"A.PDF"
    assert "a .docx file" in found[5].message
    assert "command line" in found[3].message  # how to screen an archive that sits in a folder


def test_named_files_are_taken_whatever_their_extension_and_only_once(tmp_path: Path) -> None:
    resume = _write(tmp_path / "resume.pdf", PDF)
    renamed = _write(tmp_path / "photo.png", pdfs.png_bytes())
    found = collect_inputs([resume, renamed, tmp_path / "." / "resume.pdf"], DocumentLimits())
    assert _listing(found) == [("resume.pdf", None), ("photo.png", None)]
    assert parse_pdf(found[1].read(), found[1].name).rejection is R.not_pdf


def test_oversized_file_is_kept_as_too_large_without_reading_it_all(tmp_path: Path) -> None:
    limits = DocumentLimits(max_bytes=1000)
    big = _write(tmp_path / "big.pdf", pdfs.resume_pdf(pages=3))
    [item] = collect_inputs([big], limits)
    assert item.name == "big.pdf" and len(item.read()) == limits.max_bytes + 1
    [document] = parse_documents([item], limits)
    assert document.rejection is R.too_large and "too large" in (document.reason_message or "")


def test_missing_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="No such file or folder"):
        collect_inputs([tmp_path / "nope"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    locked = _write(tmp_path / "locked.pdf", PDF)
    locked.chmod(0)
    with pytest.raises(ConfigError, match="Cannot read"):
        collect_inputs([locked])


def test_a_file_removed_after_listing_is_a_rejection_not_a_crash(tmp_path: Path) -> None:
    gone = _write(tmp_path / "gone.pdf", pdfs.resume_pdf())
    [item] = collect_inputs([gone])
    gone.unlink()
    [document] = parse_documents([item])
    assert document.rejection is R.corrupt and "Could not be read from disk" in (
        document.reason_message or ""
    )


# --------------------------------------------------------------------------------------------- archives


def test_zip_members_are_sorted_and_every_skipped_one_says_why(tmp_path: Path) -> None:
    archive = _write(
        tmp_path / "Batch.ZIP",
        _zip(
            {
                "folder/": b"",
                "z-last.pdf": PDF,
                "folder/a-first.PDF": PDF,
                "__MACOSX/folder/._a-first.PDF": b"AppleDouble",
                "folder/._hidden.pdf": b"AppleDouble",
                "../escape.pdf": PDF,
                "/etc/absolute.pdf": PDF,
                "..\\windows-escape.pdf": PDF,
                "C:/drive.pdf": PDF,
                "inner.zip": _zip({"nested.pdf": PDF}),
                "readme.txt": b"hello",
            }
        ),
    )
    found = collect_inputs([archive], DocumentLimits())
    assert sorted(_listing(found)) == sorted(
        [
            ("Batch.ZIP/folder/a-first.PDF", None),
            ("Batch.ZIP/z-last.pdf", None),
            ("Batch.ZIP/../escape.pdf", R.unsafe_path),
            ("Batch.ZIP//etc/absolute.pdf", R.unsafe_path),
            ("Batch.ZIP/../windows-escape.pdf", R.unsafe_path),
            ("Batch.ZIP/C:/drive.pdf", R.unsafe_path),
            ("Batch.ZIP/inner.zip", R.nested_archive),
            ("Batch.ZIP/readme.txt", R.not_pdf),
        ]
    )
    assert {item.read() for item in found if item.skipped is None} == {PDF}


def test_a_zip_holding_only_zips_lists_each_with_the_reason() -> None:
    data = _zip({"part-1.zip": _zip({"a.pdf": PDF}), "part-2.zip": _zip({"b.pdf": PDF})})
    found = collect_uploads([("outer.zip", data)])
    assert _listing(found) == [
        ("outer.zip/part-1.zip", R.nested_archive),
        ("outer.zip/part-2.zip", R.nested_archive),
    ]
    documents = parse_documents(found)
    assert all("archive inside the archive" in (d.reason_message or "") for d in documents)


def test_uploaded_zip_members_are_named_after_the_upload_and_parse() -> None:
    good = pdfs.resume_pdf()
    found = collect_uploads([("upload.zip", _zip({"cv-2.pdf": good, "cv-1.pdf": good}))], DocumentLimits())
    assert [item.name for item in found] == ["upload.zip/cv-1.pdf", "upload.zip/cv-2.pdf"]
    assert parse_pdf(found[0].read(), found[0].name).ok


def test_uploads_mix_pdfs_and_archives_and_repeated_names_are_told_apart() -> None:
    found = collect_uploads([("cv.pdf", PDF), ("cv.pdf", PDF + b"other"), ("b.zip", _zip({"cv.pdf": PDF}))])
    assert [item.name for item in found] == ["cv.pdf", "cv (2).pdf", "b.zip/cv.pdf"]
    assert found[1].read() == PDF + b"other"


def test_zip_bomb_member_is_cut_at_max_bytes_and_nothing_is_inflated_while_collecting() -> None:
    limits = DocumentLimits(max_bytes=64 << 10)
    bomb = b"%PDF-1.4\n" + bytes(64 << 20)  # 64 MiB of zeros, about 64 KiB compressed
    data = _zip({"bomb.pdf": bomb, "ok.pdf": PDF})
    started = time.monotonic()
    found = collect_uploads([("bombs.zip", data)], limits)
    bomb_input, ok_input = found
    assert [item.name for item in found] == ["bombs.zip/bomb.pdf", "bombs.zip/ok.pdf"]
    assert len(bomb_input.read()) == limits.max_bytes + 1 and ok_input.read() == PDF
    assert time.monotonic() - started < 1.0  # only max_bytes + 1 bytes were inflated
    [document, _] = parse_documents(found, limits)
    assert document.rejection is R.too_large


def test_caps_hold_across_all_uploads_of_a_run_and_the_rest_is_listed() -> None:
    """The attack from issue 14: several small zip bombs in one run, each under the old per-archive cap."""
    caps = InputCaps(max_files=5, max_total_bytes=2_500)
    members = {f"cv-{i}.pdf": bytes(1_000) for i in range(3)}
    found = collect_uploads([(f"bomb-{n}.zip", _zip(members)) for n in range(3)], caps=caps)
    assert len(found) == 9
    taken = [item.name for item in found if item.skipped is None]
    assert taken == ["bomb-0.zip/cv-0.pdf", "bomb-0.zip/cv-1.pdf"]  # 2,000 bytes: a third would pass 2,500
    over = [item for item in found if item.skipped is R.over_run_limit]
    assert len(over) == 7 and "unpacked" in over[0].message and "screen it in another run" in over[0].message

    by_count = collect_uploads([(f"{n}.pdf", PDF) for n in range(7)], caps=InputCaps(max_files=5))
    assert [item.skipped for item in by_count] == [None] * 5 + [R.over_run_limit] * 2
    assert "5 files" in by_count[-1].message


def test_a_batch_of_members_is_never_held_in_memory_at_once() -> None:
    """Members are inflated when a worker takes them: 40 members of 1 MiB never make 40 MiB at once."""
    limits = DocumentLimits(max_bytes=2 << 20)
    members = {f"cv-{i:02d}.pdf": b"%PDF-1.4\n" + bytes([i]) * (1 << 20) for i in range(40)}
    found = collect_uploads([("batch.zip", _zip(members))], limits)
    tracemalloc.start()
    try:
        documents = parse_documents(found, limits, workers=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(documents) == 40 and all(d.rejection is R.corrupt for d in documents)
    # About one member per worker plus its pickled copy in flight; 40 MiB if all were read first.
    assert peak < 12 << 20, f"peak {peak >> 20} MiB"


def test_an_archive_listing_too_many_entries_is_refused_before_its_directory_is_read() -> None:
    data = _zip({f"{i}.txt": b"" for i in range(30)})
    [item] = collect_uploads([("many.zip", data)], caps=InputCaps(max_archive_entries=20))
    assert item.skipped is R.over_run_limit and "30 entries" in item.message
    assert declared_entries(io.BytesIO(data)) == 30


def test_declared_entries_reads_zip64_archives() -> None:
    data = _zip({f"{i}": b"" for i in range(65_536)}, compression=zipfile.ZIP_STORED)
    assert declared_entries(io.BytesIO(data)) == 65_536
    assert declared_entries(io.BytesIO(b"not an archive")) is None


def test_an_archive_over_the_upload_cap_is_listed_not_opened() -> None:
    data = _zip({"cv.pdf": os.urandom(200_000)}, compression=zipfile.ZIP_STORED)
    [item] = collect_uploads([("big.zip", data)], caps=InputCaps(max_upload_mb=1))
    assert item.skipped is None
    [item] = collect_uploads([("big.zip", data + bytes(1 << 20))], caps=InputCaps(max_upload_mb=1))
    assert item.skipped is R.too_large and "1 MB" in item.message


def _encrypted_member_zip() -> bytes:
    """zipfile cannot encrypt, so set the 'encrypted' flag bit in the local and central headers by hand."""
    data = bytearray(_zip({"locked.pdf": PDF, "open.pdf": PDF}, compression=zipfile.ZIP_STORED))
    data[data.find(b"PK\x03\x04") + 6] |= 1
    data[data.find(b"PK\x01\x02") + 8] |= 1
    return bytes(data)


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 but not really a zip", pdfs.resume_pdf(), b""],
    ids=["garbage", "pdf-named-zip", "empty"],
)
def test_an_unreadable_archive_is_one_input_with_its_reason(data: bytes, tmp_path: Path) -> None:
    for found in (
        collect_uploads([("upload.zip", data)]),
        collect_inputs([_write(tmp_path / "disk.zip", data)]),
    ):
        [item] = found
        assert item.skipped is R.unreadable_archive and "Not a readable ZIP archive" in item.message


def test_a_password_protected_member_is_listed_and_the_rest_screened() -> None:
    found = collect_uploads([("upload.zip", _encrypted_member_zip())])
    assert _listing(found) == [("upload.zip/locked.pdf", R.encrypted), ("upload.zip/open.pdf", None)]
    assert "Password-protected inside the archive" in found[0].message


def test_a_damaged_member_is_rejected_with_the_reason_when_read() -> None:
    member = b"%PDF-" + random.Random(0).randbytes(4000)  # incompressible: the stream stays 4 KB long
    data = bytearray(_zip({"cv.pdf": member, "ok.pdf": pdfs.resume_pdf()}))
    start = data.find(b"PK\x03\x04") + 30 + len("cv.pdf")
    data[start + 1000 : start + 1040] = bytes(40)  # damage the middle of the member's data
    documents = parse_documents(collect_uploads([("upload.zip", bytes(data))]))
    assert [d.name for d in documents] == ["upload.zip/cv.pdf", "upload.zip/ok.pdf"]
    assert documents[0].rejection is R.unreadable_archive and documents[1].ok
    assert "Damaged inside the archive" in (documents[0].reason_message or "")


def test_skipped_inputs_come_back_from_parsing_in_order_with_their_reasons() -> None:
    found = collect_uploads([("a.zip", _zip({"x.docx": b"PK", "y.pdf": pdfs.resume_pdf()})), ("b.pdf", b"")])
    documents = parse_documents(found)
    assert [(d.name, d.rejection) for d in documents] == [
        ("a.zip/x.docx", R.not_pdf),
        ("a.zip/y.pdf", None),
        ("b.pdf", R.empty),
    ]
    assert documents[0].reason_message == "Not a PDF (a .docx file): ask the applicant for a PDF"
    assert documents[0].sha256 == ""  # never read, so never hashed


def test_what_the_uploader_is_told() -> None:
    text = upload_limits(DocumentLimits(), InputCaps())
    assert "Each PDF up to 10 MB, each ZIP archive up to 100 MB" in text and "2,000 files" in text
    assert upload_summary(["a.zip", "b.pdf", "c.PDF"]) == "1 ZIP archive and 2 PDFs"
    assert upload_summary(["x.zip", "y.zip"]) == "2 ZIP archives"


# ---------------------------------------------------------------------------------------------- names

NAMES = ["Zoë_Haddad.pdf", "Müller, Jürgen.pdf", "José_Núñez.pdf", "plain.pdf"]


@pytest.mark.parametrize(
    "build",
    [
        zips.linux_zip,
        zips.macos_archive_utility_zip,
        zips.windows_explorer_zip,
        zips.seven_zip,
        zips.info_zip_windows,
    ],
    ids=["linux-zip", "macos-archive-utility", "windows-explorer-cp437", "7-zip", "info-zip-windows"],
)
def test_non_ascii_member_names_read_as_their_author_wrote_them(build) -> None:  # type: ignore[no-untyped-def]
    found = collect_uploads([("batch.zip", build(dict.fromkeys(NAMES, PDF)))])
    assert sorted(item.name for item in found) == sorted(f"batch.zip/{name}" for name in NAMES)


def test_windows_explorer_names_in_other_code_pages() -> None:
    western = zips.windows_explorer_zip(
        dict.fromkeys(["Ángel_García.pdf", "João.pdf"], PDF), code_page="cp850"
    )
    cyrillic = zips.windows_explorer_zip({"Иванов_Пётр.pdf": PDF}, code_page="cp866")
    found = collect_uploads([("w.zip", western), ("c.zip", cyrillic)])
    assert [item.name for item in found] == [
        "w.zip/João.pdf",
        "w.zip/Ángel_García.pdf",
        "c.zip/Иванов_Пётр.pdf",
    ]


def test_the_linux_fixture_matches_what_info_zip_writes() -> None:
    """``zipfile`` reads our Linux fixture exactly as it reads a real Info-ZIP archive: garbled as cp437."""
    [info] = zipfile.ZipFile(io.BytesIO(zips.linux_zip({"Zoë_Haddad.pdf": PDF}))).infolist()
    assert info.filename == "Zo├½_Haddad.pdf" and info.flag_bits == 0 and info.create_system == zips.UNIX


def test_decode_name_prefers_a_matching_unicode_path_field() -> None:
    raw = b"Zielinska.pdf"
    assert decode_name(raw, zips.unicode_path_field(raw, "Zielińska.pdf")) == "Zielińska.pdf"
    stale = zips.unicode_path_field(b"renamed.pdf", "Zielińska.pdf")
    assert decode_name(raw, stale) == "Zielinska.pdf"  # the field no longer describes this name


def test_control_characters_in_names_are_made_visible_and_harmless(tmp_path: Path) -> None:
    hostile = "a/x\r=cmd|' /C calc'!A0\r.pdf"
    escape = "\x1b[2J\x1b]0;owned-title\x07.pdf"
    found = collect_uploads([("up.zip", _zip({hostile: PDF, escape: PDF})), ("cv\u202efdp.exe.pdf", PDF)])
    names = [item.name for item in found]
    assert names == [
        "up.zip/\ufffd[2J\ufffd]0;owned-title\ufffd.pdf",
        "up.zip/a/x\ufffd=cmd|' /C calc'!A0\ufffd.pdf",
        "cv\ufffdfdp.exe.pdf",
    ]
    if os.name == "posix":
        _write(tmp_path / "in" / "cv\r=HYPERLINK().pdf", PDF)
        [item] = collect_inputs([tmp_path / "in"])
        assert item.name == "cv\ufffd=HYPERLINK().pdf"


def test_clean_name_composes_decomposed_names() -> None:
    assert clean_name("Zoe\u0308.pdf") == "Zoë.pdf"


def test_unique_names_number_repeats_like_browsers() -> None:
    assert unique_names(["cv.pdf", "cv.pdf", "cv (2).pdf", "cv.pdf", "README"]) == [
        "cv.pdf",
        "cv (3).pdf",
        "cv (2).pdf",
        "cv (4).pdf",
        "README",
    ]
