"""``shortlist screen`` with a toy model and the fake encoder: what it prints and writes for hostile inputs, and
an unwritable ``--out`` refused before any work. tests/test_cli.py runs the real encoder end to end."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

import core.screening
from core.cli import main
from core.screening import Screener, load_screener
from core.training.trainer import TrainConfig, train_model
from tests.conftest import toy_text
from tests.pdf_factory import resume_pdf

ESCAPE_NAME = "\x1b[2J\x1b]0;owned-title\x07.pdf"  # clears the screen and retitles the window if printed raw
CR_NAME = "a/x\r=cmd|' /C calc'!A0\r.pdf"


@pytest.fixture
def toy_screener(
    tmp_path: Path, toy_dataset: Path, fake_embedder, fake_encoder, monkeypatch: pytest.MonkeyPatch
) -> Screener:
    """The CLI's load_screener gives a toy model on the fake encoder."""
    config = TrainConfig(chunking=fake_embedder.chunking)
    model_dir = train_model([toy_dataset], tmp_path / "model", fake_embedder, config).model_dir
    screener = load_screener(model_dir, device="cpu", encoder=fake_encoder, use_cache=False)
    monkeypatch.setattr(core.screening, "load_screener", lambda *args, **kwargs: screener)
    return screener


def _hostile_zip(path: Path) -> Path:
    rng = np.random.default_rng(3)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(ESCAPE_NAME, resume_pdf(toy_text(rng, True, 200)))
        archive.writestr(CR_NAME, resume_pdf(toy_text(rng, False, 200)))
        archive.writestr("nested/\x1b]8;;http://x.example\x07link.zip", b"PK")
    return path


def test_nothing_printed_can_drive_the_terminal(
    toy_screener: Screener, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ranked.csv"
    assert main(["screen", str(_hostile_zip(tmp_path / "batch.zip")), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    for stream in (printed.out, printed.err):
        assert not any(char in stream for char in "\x1b\x07\x9b"), repr(stream)
    assert "owned-title" in printed.out and "\ufffd" in printed.out  # shown, made harmless
    assert "archive inside the archive" in printed.out  # the nested archive is listed, not dropped

    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 4 and {len(row) for row in rows} == {len(rows[0])}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)
    assert "batch.zip/a/x\ufffd=cmd|' /C calc'!A0\ufffd.pdf" in {row[1] for row in rows}


def test_an_error_message_with_escapes_is_printed_harmless(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "/nonexistent/\x1b[2Jcv.pdf"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("shortlist: No such file or folder") and "\x1b" not in err


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("/nonexistent/x.csv", "the folder /nonexistent does not exist"),
        (".", "is a folder; give a file name"),
    ],
    ids=["missing-folder", "a-folder"],
)
def test_an_unwritable_out_is_one_line_before_any_work(
    out: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the screen started before --out was checked")

    monkeypatch.setattr(core.screening, "load_screener", no_work)
    (tmp_path / "cv.pdf").write_bytes(resume_pdf())
    assert main(["screen", str(tmp_path / "cv.pdf"), "--out", out]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("shortlist: --out ") and message in err


def test_eval_checks_its_outputs_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "set.jsonl"
    data.write_text('{"text": "x", "label": "devops"}\n')
    assert main(["eval", "--data", str(data), "--json", str(tmp_path)]) == 1
    assert "--json" in capsys.readouterr().err


def test_a_zip_of_only_zips_says_why_nothing_was_screened(
    toy_screener: Screener, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.zip", b"PK")
        archive.writestr("b.zip", b"PK")
    (tmp_path / "only-zips.zip").write_bytes(buffer.getvalue())
    assert main(["screen", str(tmp_path / "only-zips.zip")]) == 0
    printed = capsys.readouterr().out
    assert "2 files: 0 scored" in printed and printed.count("archive inside the archive") == 2
