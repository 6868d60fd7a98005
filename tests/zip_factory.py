"""Build ZIP archives in memory the way real tools write them, names byte for byte.

``zipfile`` can only write a name as ASCII or as UTF-8 with the UTF-8 flag. Tools write names in other ways:
Linux ``zip`` writes raw UTF-8 bytes without the flag, Windows Explorer the DOS code page of the machine,
macOS Archive Utility flagged UTF-8 in decomposed form (NFD). :func:`tool_zip` writes each member under an
ASCII placeholder of the same byte length and then puts the real name bytes in its place, in the local header
and in the central directory, with the flags, extra fields and "made by" system the tool would record.
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

UNIX, DOS = 3, 0  # "version made by" host systems
_UTF8_FLAG = 0x800
# What Info-ZIP's zip adds on Unix: extended timestamp (UT) and Unix uid/gid (ux) fields.
_UNIX_EXTRA = struct.pack("<HHBI", 0x5455, 5, 3, 0x6B14E2BC) + struct.pack(
    "<HHBBIBI", 0x7875, 11, 1, 4, 0, 4, 0
)
# What 7-Zip and Explorer add on Windows: an NTFS timestamps field.
_NTFS_EXTRA = struct.pack("<HHIHH", 0x000A, 32, 0, 1, 24) + bytes(24)


@dataclass(frozen=True)
class Member:
    """One archive member: the name bytes as the tool records them, and how it flags them."""

    raw_name: bytes
    data: bytes
    utf8_flag: bool = False
    system: int = UNIX
    extra: bytes = b""


def tool_zip(members: Sequence[Member]) -> bytes:
    """An archive holding ``members`` with their names recorded byte for byte."""
    buffer = io.BytesIO()
    placeholders = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, member in enumerate(members):
            placeholder = f"{number:04d}".encode().ljust(len(member.raw_name), b"_")
            assert len(member.raw_name) >= 4, "names of at least 4 bytes keep placeholders unique"
            info = zipfile.ZipInfo(placeholder.decode("ascii"), date_time=(2024, 5, 1, 12, 0, 0))
            info.create_system = member.system
            info.flag_bits = _UTF8_FLAG if member.utf8_flag else 0
            info.extra = member.extra
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.data)
            placeholders.append(placeholder)
    data = buffer.getvalue()
    for placeholder, member in zip(placeholders, members, strict=True):
        assert data.count(placeholder) == 2, "each name appears once in each header"
        data = data.replace(placeholder, member.raw_name)
    return data


def unicode_path_field(raw_name: bytes, name: str) -> bytes:
    """Info-ZIP's Unicode Path extra field (0x7075): version 1, the CRC-32 of the recorded name, UTF-8 name."""
    body = struct.pack("<BI", 1, zlib.crc32(raw_name)) + name.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(body)) + body


def linux_zip(files: Mapping[str, bytes]) -> bytes:
    """As Info-ZIP ``zip`` 3.0 on Linux writes it: raw UTF-8 bytes, no UTF-8 flag, Unix fields."""
    return tool_zip([Member(name.encode("utf-8"), data, extra=_UNIX_EXTRA) for name, data in files.items()])


def macos_archive_utility_zip(files: Mapping[str, bytes]) -> bytes:
    """As macOS Archive Utility or ``ditto -c -k`` write it: flagged UTF-8, decomposed (NFD) names."""
    return tool_zip(
        [
            Member(unicodedata.normalize("NFD", name).encode("utf-8"), data, utf8_flag=True)
            for name, data in files.items()
        ]
    )


def windows_explorer_zip(files: Mapping[str, bytes], code_page: str = "cp437") -> bytes:
    """As Windows Explorer writes it: the machine's DOS code page (cp437 in the US, cp850 in Western Europe,
    cp866 in Russia), no UTF-8 flag, made by DOS."""
    return tool_zip(
        [Member(name.encode(code_page), data, system=DOS, extra=_NTFS_EXTRA) for name, data in files.items()]
    )


def seven_zip(files: Mapping[str, bytes]) -> bytes:
    """As 7-Zip writes it for names outside ASCII: flagged UTF-8, made by DOS, NTFS times."""
    return tool_zip(
        [
            Member(name.encode("utf-8"), data, utf8_flag=True, system=DOS, extra=_NTFS_EXTRA)
            for name, data in files.items()
        ]
    )


def info_zip_windows(files: Mapping[str, bytes]) -> bytes:
    """As Info-ZIP ``zip`` on Windows writes it: cp437 names plus the Unicode Path field with the real name."""
    members = []
    for name, data in files.items():
        raw = name.encode("cp437", errors="replace")
        members.append(Member(raw, data, system=DOS, extra=unicode_path_field(raw, name)))
    return tool_zip(members)
