"""The atomic writer and owner-only state: what a crash or another local user can see of Shortlist's files."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.paths import state_dir
from core.storage import atomic_file, connect_private, private_dir, private_file, write_json


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The widest umask: whatever ends up private was made so by Shortlist, not by the process's umask."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_write_json_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b.json"
    write_json(path, {"version": 1})
    write_json(path, {"version": 2}, indent=2, sort_keys=True)
    assert json.loads(path.read_text()) == {"version": 2}
    assert [p.name for p in path.parent.iterdir()] == ["b.json"]  # no temporary file left


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    write_json(path, {"kept": True})
    with pytest.raises(RuntimeError), atomic_file(path) as handle:
        handle.write('{"half": ')
        raise RuntimeError("the writer died")
    assert json.loads(path.read_text()) == {"kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_binary_atomic_file(tmp_path: Path) -> None:
    with atomic_file(tmp_path / "x.bin", binary=True) as handle:
        handle.write(b"\x00\x01")
    assert (tmp_path / "x.bin").read_bytes() == b"\x00\x01"


@pytest.mark.usefixtures("open_umask")
def test_written_files_and_new_folders_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "file.json"
    write_json(path, [])
    assert mode(path) == 0o600
    assert mode(tmp_path / "new") == mode(tmp_path / "new" / "deeper") == 0o700
    assert mode(private_file(tmp_path / "new" / "marker")) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_an_existing_wide_file_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    path.write_text("{}\n")
    os.chmod(path, 0o644)
    private_file(path)
    assert mode(path) == 0o600 and path.read_text() == "{}\n"


@pytest.mark.usefixtures("open_umask")
def test_the_state_folder_is_narrowed_but_other_folders_are_left_alone(tmp_path: Path) -> None:
    state_dir().mkdir(parents=True, exist_ok=True)
    os.chmod(state_dir(), 0o755)  # as an older version created it
    private_dir(state_dir() / "cache")
    assert mode(state_dir()) == 0o700
    elsewhere = tmp_path / "repo-folder"
    elsewhere.mkdir(mode=0o755)
    os.chmod(elsewhere, 0o755)
    private_dir(elsewhere)
    assert mode(elsewhere) == 0o755  # a folder the user chose keeps its mode


@pytest.mark.usefixtures("open_umask")
def test_sqlite_database_and_its_wal_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "db" / "app.sqlite3"
    conn = connect_private(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        with conn:
            conn.execute("CREATE TABLE t (x)")
            conn.execute("INSERT INTO t VALUES (1)")
        side_files = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(p.exists() for p in side_files)
        assert [mode(p) for p in (path, *side_files)] == [0o600] * 3
    finally:
        conn.close()
    assert mode(path.parent) == 0o700


def test_only_a_durable_write_waits_for_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    write_json(tmp_path / "model.json", {})
    assert len(synced) == 1
    write_json(tmp_path / "status.json", {}, durable=False)
    assert len(synced) == 1 and json.loads((tmp_path / "status.json").read_text()) == {}
