"""State on disk: the app database's shared plumbing, one atomic file writer, and owner-only permissions.

- :class:`SqliteStore`: the base of the stores in the app database (screening runs, training jobs, verdicts).
  Each store owns its tables and declares them in ``schema``. Every call opens a short-lived connection, so a
  store is safe to share across the server's threads; WAL lets readers (a page polling progress) work while a
  background job writes.
- :func:`atomic_file` and :func:`write_json`: a file is written to a temporary name beside it and moved over
  the old one, so a reader or a crash never sees half a file.
- :func:`private_dir`, :func:`private_file`, :func:`open_private`: everything Shortlist writes holds resume
  text, scores or reviewer decisions, so it is readable by its owner only: folders 0700, files 0600, set
  explicitly rather than left to the process umask.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, ClassVar

from core.paths import database_path, state_dir

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# SQLite's side files: created with the database file's mode, but older versions may have left them wider.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


# --- Owner-only folders and files ----------------------------------------------------------------------------


def private_dir(path: Path) -> Path:
    """``path`` as a folder only its owner can open; returns it.

    Missing folders (``path`` and any missing parents) are created 0700 whatever the umask. Existing folders
    are left alone, except the state folder: one that an older version created 0755 is narrowed to 0700, which
    makes everything already under it private too.
    """
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another thread or process made it first
            folder.mkdir(mode=PRIVATE_DIR_MODE)
            os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask; chmod is not
    _narrow_state_dir(path)
    return path


def _narrow_state_dir(path: Path) -> None:
    root = state_dir()
    if not (path == root or root in path.parents):
        return
    try:
        mode = stat.S_IMODE(root.stat().st_mode)
        if mode & 0o077:
            os.chmod(root, PRIVATE_DIR_MODE)
    except OSError:  # not ours to change (a shared folder set up by an administrator): leave it
        pass


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner can read and write (created empty when missing); returns it."""
    os.close(open_private(path, os.O_RDONLY))
    return path


def open_private(path: Path, flags: int) -> int:
    """``os.open(path, flags)``, creating the file (and its folder) owner-only when missing; an existing file
    is narrowed to 0600. Returns the descriptor."""
    private_dir(Path(path).parent)
    fd = os.open(path, flags | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) != PRIVATE_FILE_MODE:
            os.fchmod(fd, PRIVATE_FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def connect_private(path: Path, timeout: float = 30) -> sqlite3.Connection:
    """A connection to the SQLite database at ``path``, whose file and side files are owner-only.

    The database file is created 0600 before SQLite opens it: SQLite gives its WAL and shared-memory files
    the database file's mode, so they are private too.
    """
    private_file(path)
    for suffix in SQLITE_SIDE_FILES:
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(side.stat().st_mode) != PRIVATE_FILE_MODE:
                os.chmod(side, PRIVATE_FILE_MODE)
    return sqlite3.connect(path, timeout=timeout)


# --- Atomic writes -------------------------------------------------------------------------------------------


@contextmanager
def atomic_file(path: Path, *, binary: bool = False, durable: bool = True) -> Iterator[IO[Any]]:
    """A handle whose content replaces ``path`` in one step when the block ends without an error.

    The content goes to a uniquely named temporary file in the same folder (so two writers, in threads or
    processes, never share one), then is moved over ``path``. On an error the old file stays and the temporary
    one is removed. The file is owner-only (0600). ``durable`` flushes it to disk before the move, so a power
    cut leaves the old file or the new one; a file rewritten every second anyway (a progress heartbeat) skips
    that wait.
    """
    path = Path(path)
    private_dir(path.parent)
    # mkstemp creates the file 0600 (never wider, whatever the umask).
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        handle: IO[Any]
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(
    path: Path, value: object, *, indent: int | None = None, sort_keys: bool = False, durable: bool = True
) -> None:
    """Write ``value`` as JSON to ``path`` atomically and owner-only (see :func:`atomic_file`)."""
    with atomic_file(path, durable=durable) as handle:
        json.dump(value, handle, indent=indent, sort_keys=sort_keys)


# --- The app database ----------------------------------------------------------------------------------------


class SqliteStore:
    """Base class: creates the store's tables on first use and hands out transactions."""

    schema: ClassVar[str] = ""

    def __init__(self, path: Path | None = None):
        self.path = path or database_path()
        self._lock = threading.Lock()  # serialises a store's writes within the process
        with self._connect() as conn:
            conn.executescript(self.schema)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside a transaction: committed on success, rolled back on error, always closed."""
        conn = connect_private(self.path)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA journal_mode=WAL")
        try:
            with conn:
                yield conn
        finally:
            conn.close()
