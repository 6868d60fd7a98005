"""The inputs of one screening run: what a user uploads or points at (files, folders, ZIP archives), as
:class:`InputFile` entries that are read only when parsed.

Nothing here parses PDFs; :func:`core.documents.parse_documents` does. This module finds the files, names them
(:mod:`core.documents.names`: archive names decoded as unzip tools do, no control characters, repeats told
apart) and defers reading, so a run never holds every archive member's bytes at once: a member is inflated when
its turn to be parsed comes, and at most ``limits.max_bytes + 1`` bytes of it (enough to reject it as too large).

Every file is accounted for. A run is capped (:class:`InputCaps`) in files and in bytes across all its uploads,
counting what archives expand to. What is not parsed is still an input, with its reason: a file over the run's
caps, a file that is not a PDF, an archive inside an archive, a member whose path leads outside the archive, a
password-protected member, an unreadable archive. Only folders and operating-system metadata (``__MACOSX/``,
``._*`` and other dot files, ``Thumbs.db``, ``desktop.ini``) are left out without a word.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from core.documents.names import clean_name, member_name, unique_names
from core.documents.types import DEFAULT_LIMITS, DocumentLimits, RejectionReason
from core.errors import ConfigError, DocumentError

_MIB = 1 << 20
_READ_CHUNK = 1 << 20
_METADATA_NAMES = frozenset({"thumbs.db", "desktop.ini"})
ARCHIVE_SUFFIXES = frozenset({".zip", ".zipx", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst"})


@dataclass(frozen=True)
class InputCaps:
    """What one run takes, across all its uploads, files and archives.

    ``max_upload_mb`` is the largest single upload (a ZIP archive; PDFs are capped lower, at
    :attr:`DocumentLimits.max_bytes`): ``server.maxUploadSize`` in ``.streamlit/config.toml`` must equal it.
    An archive may list at most ``max_archive_entries`` entries (folders and metadata included), checked before
    its directory is read, since reading a directory of a million empty entries costs gigabytes.
    """

    max_files: int = 2_000
    max_total_bytes: int = 512 * _MIB
    max_upload_mb: int = 100
    max_archive_entries: int = 10_000

    def __post_init__(self) -> None:
        for name in ("max_files", "max_total_bytes", "max_upload_mb", "max_archive_entries"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"InputCaps.{name} must be positive, got {getattr(self, name)!r}")


DEFAULT_CAPS = InputCaps()


class UnreadableInput(DocumentError):
    """An input's bytes could not be read (a damaged archive member, a file removed since it was listed)."""

    def __init__(self, reason: RejectionReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class InputFile:
    """One input of a run: its display name, and either how to read it or why it is skipped.

    ``size`` is the size known without reading (a member's recorded size, a file's size on disk). ``read``
    returns the bytes, at most the reader's cap, or raises :class:`UnreadableInput`. A skipped input has a
    ``skipped`` reason and ``message`` and is never read.
    """

    name: str
    size: int = 0
    reader: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)
    skipped: RejectionReason | None = None
    message: str = ""

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> InputFile:
        """An input whose bytes are already in memory (an uploaded PDF)."""
        return cls(name, len(data), reader=_in_memory(data))

    @classmethod
    def skip(cls, name: str, reason: RejectionReason, message: str = "") -> InputFile:
        """An input listed with ``reason`` (and ``message`` for recruiters, when it says more) but not read."""
        return cls(name, skipped=reason, message=message)

    def read(self) -> bytes:
        """The input's bytes; raises :class:`UnreadableInput` when they cannot be read."""
        if self.reader is None:
            raise UnreadableInput(self.skipped or RejectionReason.corrupt, self.message or "Not read")
        return self.reader()


def as_input(file: InputFile | tuple[str, bytes]) -> InputFile:
    """``file`` as an :class:`InputFile`; a ``(name, bytes)`` pair is taken as it is, name included."""
    return file if isinstance(file, InputFile) else InputFile.from_bytes(*file)


# ---------------------------------------------------------------------------------------------- reading


def _in_memory(data: bytes) -> Callable[[], bytes]:
    return lambda: data


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


def _read_file(path: Path, cap: int) -> bytes:
    try:
        with path.open("rb") as stream:
            return _read_capped(stream, cap)
    except OSError as error:
        message = f"Could not be read from disk ({error.strerror or error}): check the file"
        raise UnreadableInput(RejectionReason.corrupt, message) from error


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    try:
        with archive.open(info) as member:
            return _read_capped(member, cap)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, OSError, ValueError) as error:
        # A CRC mismatch, a truncated or bad deflate stream, an unsupported compression method (zstd, deflate64).
        message = f"Damaged inside the archive ({type(error).__name__}): re-create the archive"
        raise UnreadableInput(RejectionReason.unreadable_archive, message) from error


# ------------------------------------------------------------------------------------------ what to read


class _RunBudget:
    """Files and bytes taken so far in a run, against its caps."""

    def __init__(self, caps: InputCaps) -> None:
        self.caps = caps
        self.files = 0
        self.bytes = 0

    def take(self, size: int) -> str | None:
        """Count a file of ``size`` bytes, or say (for recruiters) why the run has no room for it."""
        caps = self.caps
        if self.files >= caps.max_files:
            return (
                f"Not screened: this run already holds {caps.max_files:,} files, the most one run takes; "
                "screen it in another run"
            )
        if self.bytes + size > caps.max_total_bytes:
            return (
                f"Not screened: this run's files already add up to {caps.max_total_bytes / _MIB:,g} MB "
                "unpacked, the most one run takes; screen it in another run"
            )
        self.files += 1
        self.bytes += size
        return None


def _is_metadata(path: PurePosixPath) -> bool:
    """Files that operating systems add next to real ones (resource forks, thumbnails, dot files)."""
    return "__MACOSX" in path.parts or path.name.startswith(".") or path.name.lower() in _METADATA_NAMES


def _not_a_pdf(path: PurePosixPath) -> tuple[RejectionReason, str] | None:
    """Why a file is skipped by its name (an archive, a Word file), or None for a PDF."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return None
    if suffix in ARCHIVE_SUFFIXES:
        return RejectionReason.nested_archive, ""
    kind = f"a {suffix} file" if suffix else "a file without an extension"
    return RejectionReason.not_pdf, f"Not a PDF ({kind}): ask the applicant for a PDF"


def _unsafe(path: PurePosixPath) -> bool:
    """An archive path that would leave the folder it is unpacked into: never read by path here, but only an
    attack names a member like this."""
    first = path.parts[0] if path.parts else ""
    return path.is_absolute() or ".." in path.parts or ":" in first


def _take(budget: _RunBudget, name: str, size: int, reader: Callable[[], bytes]) -> InputFile:
    over = budget.take(size)
    if over is not None:
        return InputFile.skip(name, RejectionReason.over_run_limit, over)
    return InputFile(name, size, reader=reader)


# --------------------------------------------------------------------------------------------- archives


_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_OF_DIRECTORY = b"PK\x06\x06"
_END_RECORD_SIZE = 22
_MAX_COMMENT = 65_535


def declared_entries(handle: BinaryIO) -> int | None:
    """How many entries a ZIP archive's end-of-central-directory record says it holds (ZIP64 included), read
    from the end of the file without reading the directory; None when there is no such record.
    """
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    start = max(0, size - _END_RECORD_SIZE - _MAX_COMMENT)
    handle.seek(start)
    tail = handle.read()
    position = tail.rfind(_END_OF_DIRECTORY)
    if position < 0 or len(tail) - position < _END_RECORD_SIZE:
        return None
    (entries,) = struct.unpack_from("<H", tail, position + 10)
    locator = position - 20
    if entries == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        (record_offset,) = struct.unpack_from("<Q", tail, locator + 8)
        handle.seek(record_offset)
        record = handle.read(56)
        if len(record) == 56 and record[:4] == _ZIP64_END_OF_DIRECTORY:
            (entries,) = struct.unpack_from("<Q", record, 32)
    return int(entries)


def _open_archive(source: Path | bytes, label: str, caps: InputCaps) -> zipfile.ZipFile | InputFile:
    """The opened archive, or the skip that says why it cannot be used."""
    if isinstance(source, Path):
        try:
            handle: BinaryIO = source.open("rb")
        except OSError as error:  # a named archive the operator cannot read
            raise ConfigError(f"Cannot read {source}: {error.strerror or error}") from error
    else:
        handle = io.BytesIO(source)
    try:
        entries = declared_entries(handle)
        if entries is not None and entries > caps.max_archive_entries:
            handle.close()
            message = (
                f"Not opened: the archive lists {entries:,} entries, more than one run takes "
                f"({caps.max_archive_entries:,}); split it up"
            )
            return InputFile.skip(label, RejectionReason.over_run_limit, message)
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError, OSError) as error:
        # Not a ZIP at all, a corrupt or truncated central directory, unsupported features.
        handle.close()
        message = f"Not a readable ZIP archive ({type(error).__name__}): re-create the archive"
        return InputFile.skip(label, RejectionReason.unreadable_archive, message)


def _archive_inputs(
    source: Path | bytes, label: str, limits: DocumentLimits, caps: InputCaps, budget: _RunBudget
) -> list[InputFile]:
    """One input per member of the archive (sorted by name), or one skip for an archive that cannot be read.

    The archive stays open for as long as its members' readers exist; they read it from one thread at a time.
    """
    opened = _open_archive(source, label, caps)
    if isinstance(opened, InputFile):
        return [opened]
    members = sorted(((member_name(info), info) for info in opened.infolist()), key=lambda item: item[0])
    results: list[InputFile] = []
    for raw, info in members:
        path = PurePosixPath(raw)
        if raw.endswith("/") or not path.parts or _is_metadata(path):
            continue
        name = f"{label}/{clean_name(raw)}"
        if _unsafe(path):
            results.append(InputFile.skip(name, RejectionReason.unsafe_path))
            continue
        not_pdf = _not_a_pdf(path)
        if not_pdf is not None:
            results.append(InputFile.skip(name, *not_pdf))
            continue
        if info.flag_bits & 0x1:
            message = "Password-protected inside the archive: upload an archive without a password"
            results.append(InputFile.skip(name, RejectionReason.encrypted, message))
            continue
        cap = limits.max_bytes + 1
        results.append(
            _take(budget, name, min(info.file_size, cap), partial(_read_member, opened, info, cap))
        )
    return results


# -------------------------------------------------------------------------------------------- uploads


def collect_uploads(
    uploads: Sequence[tuple[str, bytes]],
    limits: DocumentLimits = DEFAULT_LIMITS,
    caps: InputCaps = DEFAULT_CAPS,
) -> list[InputFile]:
    """The inputs of one run from uploaded files: PDFs as they are, ``.zip`` archives expanded into their
    members (``upload.zip/folder/cv.pdf``), every name made safe and unique. Never raises for what a file
    holds: an unreadable or oversized archive is one skipped input with its reason.
    """
    budget = _RunBudget(caps)
    results: list[InputFile] = []
    for raw_name, data in uploads:
        name = clean_name(raw_name)
        if PurePosixPath(name).suffix.lower() == ".zip":
            if len(data) > caps.max_upload_mb * _MIB:
                message = f"ZIP archive over {caps.max_upload_mb} MB, the most one upload takes: split it up"
                results.append(InputFile.skip(name, RejectionReason.too_large, message))
            else:
                results.extend(_archive_inputs(data, name, limits, caps, budget))
        else:
            results.append(_take(budget, name, len(data), _in_memory(data)))
    return _with_unique_names(results)


def _with_unique_names(inputs: list[InputFile]) -> list[InputFile]:
    names = unique_names([item.name for item in inputs])
    return [
        item if item.name == name else replace(item, name=name)
        for item, name in zip(inputs, names, strict=True)
    ]


def upload_limits(limits: DocumentLimits = DEFAULT_LIMITS, caps: InputCaps = DEFAULT_CAPS) -> str:
    """The limits on uploads, in words for the people uploading."""
    return (
        f"Each PDF up to {limits.max_bytes / _MIB:g} MB, each ZIP archive up to {caps.max_upload_mb} MB. "
        f"One run takes up to {caps.max_files:,} files and {caps.max_total_bytes / _MIB:,g} MB unpacked; "
        "archives inside archives are not opened. Anything not screened is listed with the reason."
    )


def upload_summary(names: Sequence[str]) -> str:
    """What was uploaded, in words and without file names (they may name applicants): "1 ZIP archive and 3 PDFs"."""
    archives = sum(PurePosixPath(name).suffix.lower() == ".zip" for name in names)
    others = len(names) - archives
    parts = []
    if archives:
        parts.append(f"{archives} ZIP archive" + ("s" if archives > 1 else ""))
    if others:
        parts.append(f"{others} PDF" + ("s" if others > 1 else ""))
    return " and ".join(parts) or "No files"


# ------------------------------------------------------------------------------------ paths (the CLI)


def _walk(folder: Path) -> Iterator[Path]:
    """Every file under ``folder``, without following symlinked folders (no loops)."""
    for root, dirs, files in os.walk(folder, onerror=_raise_config_error):
        dirs[:] = [entry for entry in dirs if not _is_metadata(PurePosixPath(entry))]
        for file_name in files:
            yield Path(root) / file_name


def _raise_config_error(error: OSError) -> None:
    raise ConfigError(f"Cannot read {error.filename}: {error.strerror or error}") from error


def _readable(path: Path) -> int:
    """The file's size; a file the operator named that cannot be read is their error, said at once."""
    try:
        if not os.access(path, os.R_OK):
            raise PermissionError(13, "Permission denied")
        return path.stat().st_size
    except OSError as error:
        raise ConfigError(f"Cannot read {path}: {error.strerror or error}") from error


def _disk_file(path: Path, name: str, limits: DocumentLimits, budget: _RunBudget) -> InputFile:
    cap = limits.max_bytes + 1
    return _take(budget, name, min(_readable(path), cap), partial(_read_file, path, cap))


def _folder_inputs(folder: Path, limits: DocumentLimits, budget: _RunBudget) -> list[InputFile]:
    found = sorted(
        ((path.relative_to(folder).as_posix(), path) for path in _walk(folder)),
        key=lambda item: (item[0].lower(), item[0]),
    )
    results: list[InputFile] = []
    for relative, path in found:
        posix = PurePosixPath(relative)
        if _is_metadata(posix):
            continue
        name = clean_name(relative)
        not_pdf = _not_a_pdf(posix)
        if not_pdf is not None and not_pdf[0] is RejectionReason.nested_archive:
            message = "An archive in a folder is not opened: name it on the command line to screen its PDFs"
            results.append(InputFile.skip(name, RejectionReason.nested_archive, message))
        elif not_pdf is not None:
            results.append(InputFile.skip(name, *not_pdf))
        else:
            results.append(_disk_file(path, name, limits, budget))
    return results


def collect_inputs(
    paths: Sequence[Path],
    limits: DocumentLimits = DEFAULT_LIMITS,
    caps: InputCaps = DEFAULT_CAPS,
) -> list[InputFile]:
    """The inputs of one run from files, folders (recursively, sorted) and ``.zip`` archives on disk.

    Names are the file name for a file, the path relative to the folder for a folder's files, and
    ``archive.zip/member.pdf`` for archive members. A file named explicitly is taken whatever its extension (the
    parser says what is wrong with it); in folders, files that are not PDFs and archives are listed as skipped.
    A path given twice is read once.

    Raises:
        ConfigError: a path does not exist or cannot be read (the operator's mistake, said before any work).
    """
    budget = _RunBudget(caps)
    results: list[InputFile] = []
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
        name = clean_name(path.name)
        if path.is_dir():
            results.extend(_folder_inputs(path, limits, budget))
        elif path.suffix.lower() == ".zip":
            _readable(path)
            results.extend(_archive_inputs(path, name, limits, caps, budget))
        else:
            results.append(_disk_file(path, name, limits, budget))
    return _with_unique_names(results)
