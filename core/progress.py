"""Progress on the command line: a ``(done, total)`` callback, as core's long steps take, drawn as a tqdm bar.

Pages show progress with Streamlit widgets; the CLI commands (``shortlist screen``, ``train``, ``eval`` and
``generate``) all draw it with :func:`progress_bar`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(description: str, unit: str) -> Iterator[Callable[[int, int], None]]:
    """A ``(done, total)`` callback drawing a tqdm bar on stderr; the bar appears with the first update and is
    closed when the block ends, also on an error."""
    from tqdm import tqdm

    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(desc=description, unit=unit, total=total, file=sys.stderr, dynamic_ncols=True)
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
