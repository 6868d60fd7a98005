"""Turn what a user points at (files, folders, ZIP archives, an uploaded ZIP) into ``(name, bytes)`` pairs.

Nothing here parses PDFs; :func:`core.documents.parse_documents` does. This module only finds candidate files
and reads them with bounded memory:

* a file or archive member larger than ``limits.max_bytes`` is read only up to ``max_bytes + 1`` bytes, so it
  still appears in the results and is rejected as ``too_large`` instead of vanishing or filling memory;
* archives are capped in PDF member count and in total bytes read (zip bombs), nested archives are not
  opened, and members with absolute or ``..`` paths and macOS metadata (``__MACOSX/``, ``._*``) are skipped.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from core.documents.types import DEFAULT_LIMITS, DocumentLimits
from core.errors import ConfigError, DocumentError

MAX_ARCHIVE_MEMBERS = 2_000
MAX_ARCHIVE_TOTAL_BYTES = 512 << 20
_READ_CHUNK = 1 << 20


def _read_capped(stream: IO[bytes], cap: int) -> bytes:
    """Read at most ``cap`` bytes in chunks: a lying header or a bomb never gets to allocate more."""
    chunks: list[bytes] = []
    remaining = cap
    while remaining > 0:
        chunk = stream.read(min(_READ_CHUNK, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _is_pdf_name(name: str) -> bool:
    return name.lower().endswith(".pdf")


def _is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


def _safe_member_name(raw: str) -> str | None:
    """The member's name if it is a PDF we should read, else None (folders, metadata, traversal, non-PDFs)."""
    name = raw.replace("\\", "/")
    path = PurePosixPath(name)
    if name.endswith("/") or not _is_pdf_name(name):
        return None
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        return None  # never read by path here, but a name like this is an attack, not a resume
    if "__MACOSX" in path.parts or path.name.startswith("._"):
        return None
    return name


def _archive_members(
    archive: zipfile.ZipFile, label: str, limits: DocumentLimits, max_members: int, max_total_bytes: int
) -> list[tuple[str, bytes]]:
    named = ((_safe_member_name(info.filename), info) for info in archive.infolist())
    # Sort by name alone: a ZIP may repeat a name, and ZipInfo objects do not compare.
    members = sorted(((name, info) for name, info in named if name is not None), key=lambda member: member[0])
    if len(members) > max_members:
        raise DocumentError(f"{label} holds {len(members)} PDF files; at most {max_members} are allowed.")
    results: list[tuple[str, bytes]] = []
    total = 0
    for name, info in members:
        if info.flag_bits & 0x1:
            raise DocumentError(f"{label} is password-protected; upload an archive without a password.")
        try:
            with archive.open(info) as member:
                data = _read_capped(member, limits.max_bytes + 1)
        except (zipfile.BadZipFile, EOFError, zlib.error) as error:  # CRC mismatch, truncated or bad deflate
            raise DocumentError(f"{label}: the member {name} is damaged; re-create the archive.") from error
        total += len(data)
        if total > max_total_bytes:
            raise DocumentError(f"{label} expands to more than {max_total_bytes >> 20} MiB; split it up.")
        results.append((f"{label}/{name}", data))
    return results


def _read_archive(
    source: Path | bytes, label: str, limits: DocumentLimits, max_members: int, max_total_bytes: int
) -> list[tuple[str, bytes]]:
    handle: Path | BinaryIO = source if isinstance(source, Path) else io.BytesIO(source)
    try:
        with zipfile.ZipFile(handle) as archive:
            return _archive_members(archive, label, limits, max_members, max_total_bytes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as error:
        # Corrupt central directory, truncated member, unsupported compression (e.g. zstd, deflate64).
        raise DocumentError(f"{label} is not a readable ZIP archive ({type(error).__name__}).") from error
    except RuntimeError as error:  # zipfile's "password required" for encrypted members
        raise DocumentError(f"{label} could not be read: {error}") from error


def read_upload_zip(
    data: bytes,
    name: str,
    limits: DocumentLimits = DEFAULT_LIMITS,
    *,
    max_members: int = MAX_ARCHIVE_MEMBERS,
    max_total_bytes: int = MAX_ARCHIVE_TOTAL_BYTES,
) -> list[tuple[str, bytes]]:
    """The PDF members of an uploaded ZIP, sorted by name, as ``("name.zip/member.pdf", bytes)`` pairs.

    Raises:
        DocumentError: the archive is unreadable, password-protected, or over the member or size caps.
    """
    return _read_archive(data, name, limits, max_members, max_total_bytes)


def _walk_pdfs(folder: Path) -> Iterator[Path]:
    """Every ``*.pdf`` (any case) under ``folder``, without following symlinked folders (no loops)."""
    for root, dirs, files in os.walk(folder, onerror=_raise_config_error):
        dirs[:] = [entry for entry in dirs if entry != "__MACOSX"]
        for file_name in files:
            if _is_pdf_name(file_name) and not file_name.startswith("._"):
                yield Path(root) / file_name


def _raise_config_error(error: OSError) -> None:
    raise ConfigError(f"Cannot read {error.filename}: {error.strerror or error}") from error


def _read_file(path: Path, limits: DocumentLimits) -> bytes:
    try:
        with path.open("rb") as stream:
            return _read_capped(stream, limits.max_bytes + 1)
    except OSError as error:
        raise ConfigError(f"Cannot read {path}: {error.strerror or error}") from error


def _expand(
    path: Path, limits: DocumentLimits, max_members: int, max_total_bytes: int
) -> list[tuple[str, bytes]]:
    if path.is_dir():
        relative = [(found.relative_to(path).as_posix(), found) for found in _walk_pdfs(path)]
        relative.sort(key=lambda item: (item[0].lower(), item[0]))
        return [(name, _read_file(found, limits)) for name, found in relative]
    if _is_zip_name(path.name):
        try:
            return _read_archive(path, path.name, limits, max_members, max_total_bytes)
        except OSError as error:
            raise ConfigError(f"Cannot read {path}: {error.strerror or error}") from error
    # A file named explicitly is taken whatever its extension: the parser says what is wrong with it.
    return [(path.name, _read_file(path, limits))]


def collect_inputs(
    paths: Sequence[Path],
    limits: DocumentLimits = DEFAULT_LIMITS,
    *,
    max_members: int = MAX_ARCHIVE_MEMBERS,
    max_total_bytes: int = MAX_ARCHIVE_TOTAL_BYTES,
) -> list[tuple[str, bytes]]:
    """Expand files, folders (recursively, ``*.pdf`` in any case, sorted) and ``.zip`` archives into inputs.

    Names are the file name for a file, the path relative to the folder for a folder's files, and
    ``archive.zip/member.pdf`` for archive members. Archives inside folders are not opened. A path given twice
    is read once.

    Raises:
        ConfigError: a path does not exist or cannot be read.
        DocumentError: an archive is unreadable, password-protected, or over the member or size caps.
    """
    results: list[tuple[str, bytes]] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            if not path.exists():
                raise ConfigError(f"No such file or folder: {path}")
            resolved = path.resolve()
        except OSError as error:  # e.g. a parent folder without search permission
            raise ConfigError(f"Cannot read {path}: {error.strerror or error}") from error
        if resolved in seen:
            continue
        seen.add(resolved)
        results.extend(_expand(path, limits, max_members, max_total_bytes))
    return results
