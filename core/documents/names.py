"""File names as a recruiter should see them: decoded the way unzip tools decode them, and safe to show.

ZIP archives record names as bytes. Only a name flagged UTF-8 (bit 11) says its encoding; for the rest
Python's ``zipfile`` assumes IBM code page 437, as the format's specification says, and so turns the UTF-8 names
that Linux ``zip`` writes into ``Zo├½_Haddad``. :func:`member_name` decodes an unflagged name like Info-ZIP's
``unzip`` and 7-Zip do:

1. the Info-ZIP Unicode Path extra field (0x7075), when its checksum matches the recorded name;
2. UTF-8, when the bytes are valid UTF-8 (Linux and macOS command-line ``zip``, Java tools);
3. otherwise the DOS code page of the Windows that made it (Explorer, 7-Zip): the first of cp437 (US), cp850
   (Western Europe) and cp866 (Cyrillic) that reads as letters, else cp437.

Names are returned in NFC, since macOS tools write decomposed (NFD) names: ``Zoe`` plus a combining
diaeresis looks like ``Zoë`` but would not match it in a search or a comparison. Names from other
encodings (Shift-JIS, GBK) without the UTF-8 flag are not guessed; they stay as cp437 reads them.
"""

from __future__ import annotations

import struct
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePosixPath

from core.safe_text import without_controls

_UTF8_FLAG = 0x800
_UNICODE_PATH_FIELD = 0x7075
# Tried in order for names without the UTF-8 flag that are not valid UTF-8 either.
DOS_CODE_PAGES = ("cp437", "cp850", "cp866")


def _unicode_path_field(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name in an Info-ZIP Unicode Path extra field, if there is one that matches ``raw``."""
    offset = 0
    while offset + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4 : offset + 4 + size]
        offset += 4 + size
        if field_id != _UNICODE_PATH_FIELD or len(body) < 5 or body[0] != 1:
            continue
        (checksum,) = struct.unpack_from("<I", body, 1)
        if checksum != zlib.crc32(raw):
            return None  # the name was changed after the field was written: the field is stale
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _reads_as_letters(name: str) -> bool:
    """Whether every non-ASCII character of ``name`` is a letter or a combining mark (no box drawing)."""
    return all(char.isascii() or unicodedata.category(char)[0] in "LM" for char in name)


def decode_name(raw: bytes, extra: bytes = b"") -> str:
    """A ZIP name recorded without the UTF-8 flag, decoded as common unzip tools do (see the module doc)."""
    unicode_path = _unicode_path_field(extra, raw)
    if unicode_path is not None:
        return unicode_path
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for code_page in DOS_CODE_PAGES:
        decoded = raw.decode(code_page)
        if _reads_as_letters(decoded):
            return decoded
    return raw.decode(DOS_CODE_PAGES[0])


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it, in NFC, with ``/`` as separator.

    ``zipfile`` decodes unflagged names as cp437, a mapping of all 256 bytes, so encoding its result with cp437
    gives back the bytes the archive recorded.
    """
    if info.flag_bits & _UTF8_FLAG:
        name = info.orig_filename
    else:
        name = decode_name(info.orig_filename.encode("cp437"), info.extra)
    return unicodedata.normalize("NFC", name).replace("\\", "/")


def clean_name(name: str) -> str:
    """``name`` in NFC with control and bidirectional-formatting characters shown as U+FFFD.

    Applied to every input's name (uploads, archive members, files on disk), so no table, CSV, spreadsheet,
    terminal or page ever receives a carriage return, an escape sequence or a direction override from one.
    """
    return without_controls(unicodedata.normalize("NFC", name))


def unique_names(names: Sequence[str]) -> list[str]:
    """``names`` with repeats told apart as browsers do: ``cv.pdf``, ``cv (2).pdf``, ``cv (3).pdf``.

    Two uploads of different ``cv.pdf`` files are two applicants; the table, the CSV and references such as
    "same file as" need a name that says which one.
    """
    taken = set(names)
    counts: Counter[str] = Counter()
    result = []
    for name in names:
        counts[name] += 1
        if counts[name] == 1:
            result.append(name)
            continue
        path = PurePosixPath(name)
        stem, suffix = (name[: -len(path.suffix)], path.suffix) if path.suffix else (name, "")
        number = counts[name]
        while f"{stem} ({number}){suffix}" in taken:
            number += 1
        renamed = f"{stem} ({number}){suffix}"
        taken.add(renamed)
        result.append(renamed)
    return result
