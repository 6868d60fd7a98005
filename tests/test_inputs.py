"""Finding inputs: folders, single files and ZIP archives (uploaded or on disk), with zip-bomb guards."""

from __future__ import annotations

import io
import os
import random
import time
import zipfile
from pathlib import Path

import pytest

from core.documents.inputs import collect_inputs, read_upload_zip
from core.documents.pdf import parse_pdf
from core.documents.types import DocumentLimits, RejectionReason
from core.errors import ConfigError, DocumentError
from tests import pdf_factory as pdfs

PDF = b"%PDF-1.4 stand-in bytes"  # collecting never parses, so any bytes do


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


def test_folder_is_searched_recursively_for_pdfs_in_any_case_sorted(tmp_path: Path) -> None:
    folder = tmp_path / "applicants"
    for relative in ["b.pdf", "A.PDF", "sub/c.Pdf", "sub/deeper/d.pdf", "notes.txt", "sub/cv.docx"]:
        _write(folder / relative, PDF + relative.encode())
    _write(folder / "__MACOSX" / "b.pdf", b"resource fork")
    _write(folder / "._b.pdf", b"AppleDouble")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # must not be followed forever

    found = collect_inputs([folder], DocumentLimits())

    assert [name for name, _ in found] == ["A.PDF", "b.pdf", "sub/c.Pdf", "sub/deeper/d.pdf"]
    assert found[0][1] == PDF + b"A.PDF"


def test_named_files_are_taken_whatever_their_extension_and_only_once(tmp_path: Path) -> None:
    resume = _write(tmp_path / "resume.pdf", PDF)
    renamed = _write(tmp_path / "photo.png", pdfs.png_bytes())
    found = collect_inputs([resume, renamed, tmp_path / "." / "resume.pdf"], DocumentLimits())
    assert [name for name, _ in found] == ["resume.pdf", "photo.png"]
    assert parse_pdf(found[1][1], found[1][0]).rejection is RejectionReason.not_pdf


def test_oversized_file_is_kept_as_too_large_without_reading_it_all(tmp_path: Path) -> None:
    limits = DocumentLimits(max_bytes=1000)
    big = _write(tmp_path / "big.pdf", pdfs.resume_pdf(pages=3))
    [(name, data)] = collect_inputs([big], limits)
    assert name == "big.pdf" and len(data) == limits.max_bytes + 1
    assert parse_pdf(data, name, limits).rejection is RejectionReason.too_large


def test_zip_members_are_filtered_and_sorted(tmp_path: Path) -> None:
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
    assert found == [("Batch.ZIP/folder/a-first.PDF", PDF), ("Batch.ZIP/z-last.pdf", PDF)]


def test_uploaded_zip_gives_the_same_members_named_after_the_upload() -> None:
    good = pdfs.resume_pdf()
    found = read_upload_zip(_zip({"cv-2.pdf": good, "cv-1.pdf": good}), "upload.zip", DocumentLimits())
    assert [name for name, _ in found] == ["upload.zip/cv-1.pdf", "upload.zip/cv-2.pdf"]
    assert parse_pdf(found[0][1], found[0][0]).ok


def test_zip_bomb_member_is_cut_at_max_bytes_and_rejected_as_too_large() -> None:
    limits = DocumentLimits(max_bytes=64 << 10)
    bomb = b"%PDF-1.4\n" + bytes(64 << 20)  # 64 MiB of zeros, about 64 KiB compressed
    data = _zip({"bomb.pdf": bomb, "ok.pdf": PDF})
    started = time.monotonic()
    found = read_upload_zip(data, "bombs.zip", limits)
    assert time.monotonic() - started < 1.0  # only max_bytes + 1 bytes were inflated
    assert [(name, len(member)) for name, member in found] == [
        ("bombs.zip/bomb.pdf", limits.max_bytes + 1),
        ("bombs.zip/ok.pdf", len(PDF)),
    ]
    assert parse_pdf(found[0][1], "bomb.pdf", limits).rejection is RejectionReason.too_large


def test_zip_with_too_many_pdfs_is_refused() -> None:
    data = _zip({f"cv-{i}.pdf": PDF for i in range(5)} | {f"note-{i}.txt": b"" for i in range(50)})
    assert len(read_upload_zip(data, "ok.zip", max_members=5)) == 5
    with pytest.raises(DocumentError, match="holds 5 PDF files; at most 4"):
        read_upload_zip(data, "many.zip", max_members=4)


def test_zip_expanding_past_the_total_cap_is_refused() -> None:
    data = _zip({f"cv-{i}.pdf": bytes(40_000) for i in range(3)})
    assert len(read_upload_zip(data, "ok.zip", max_total_bytes=120_000)) == 3
    with pytest.raises(DocumentError, match="expands to more than"):
        read_upload_zip(data, "big.zip", max_total_bytes=100_000)


def _encrypted_member_zip() -> bytes:
    """zipfile cannot encrypt, so set the 'encrypted' flag bit in the local and central headers by hand."""
    data = bytearray(_zip({"locked.pdf": PDF}, compression=zipfile.ZIP_STORED))
    data[data.find(b"PK\x03\x04") + 6] |= 1
    data[data.find(b"PK\x01\x02") + 8] |= 1
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 but not really a zip", "not a readable ZIP"),
        (pdfs.resume_pdf(), "not a readable ZIP"),
        (_encrypted_member_zip(), "password-protected"),
    ],
    ids=["garbage", "pdf-named-zip", "encrypted-member"],
)
def test_unreadable_archives_raise_document_error(data: bytes, message: str, tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=message):
        read_upload_zip(data, "upload.zip")
    with pytest.raises(DocumentError, match=message):
        collect_inputs([_write(tmp_path / "disk.zip", data)])


def test_damaged_member_names_the_member() -> None:
    member = b"%PDF-" + random.Random(0).randbytes(4000)  # incompressible: the stream stays 4 KB long
    data = bytearray(_zip({"cv.pdf": member}))
    start = data.find(b"PK\x03\x04") + 30 + len("cv.pdf")
    data[start + 1000 : start + 1040] = bytes(40)  # damage the middle of the member's data
    with pytest.raises(DocumentError, match=r"cv\.pdf"):
        read_upload_zip(bytes(data), "upload.zip")


def test_missing_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="No such file or folder"):
        collect_inputs([tmp_path / "nope"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    locked = _write(tmp_path / "locked.pdf", PDF)
    locked.chmod(0)
    with pytest.raises(ConfigError, match="Cannot read"):
        collect_inputs([locked])
