"""Text from outside (file names, archive members, exception messages) made safe to show anywhere.

A file name can carry characters that other programs act on: a carriage return splits a CSV row, an escape
sequence clears a terminal or retitles its window, a bidirectional override makes ``cv‮fdp.exe`` read as
``cvexe.pdf``. Those characters are never part of a legitimate name, so they are replaced with a visible
U+FFFD (so the reader can see that something was there) wherever such text is shown or written.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

__all__ = ["REPLACEMENT", "echo", "without_controls"]

REPLACEMENT = "\ufffd"
# C0 controls, DEL, C1 controls (\x9b is a one-byte escape on some terminals), bidirectional marks, embeddings,
# overrides and isolates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str, keep: str = "") -> str:
    """``text`` with every control and bidirectional-formatting character except those in ``keep`` replaced
    by U+FFFD."""
    return _CONTROL.sub(lambda match: match.group(0) if match.group(0) in keep else REPLACEMENT, text)


def echo(text: str = "", *, file: TextIO | None = None) -> None:
    """Print ``text`` for a terminal: line breaks and tabs kept, every other control character shown as U+FFFD,
    so no file name or message can clear the screen, retitle the window or rewrite a line."""
    print(without_controls(text, keep="\n\t"), file=file or sys.stdout)
