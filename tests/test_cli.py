"""The CLI end to end with the real encoder on CPU: train, eval and screen on small data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from core.cli import main
from tests import zip_factory as zips
from tests.conftest import toy_records, toy_text
from tests.pdf_factory import resume_pdf, scanned_pdf

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    data = root / "toy.jsonl"
    records = toy_records(20)
    for record in records[:3]:
        record["dataset"] = "a"
    data.write_text("".join(json.dumps(r) + "\n" for r in records) + '{"torn": ', encoding="utf-8")
    assert main(["train", "--data", str(data), "--out", str(root / "model"), "--device", "cpu"]) == 0
    return data, root / "model"


def test_train_writes_a_verified_model(
    trained: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, model = trained
    meta = json.loads((model / "model.json").read_text())
    assert meta["encoder"]["id"] == "all-MiniLM-L6-v2"
    assert meta["training"]["broken_lines_skipped"] == 1
    assert meta["chunking"]["window_tokens"] == 254


def test_eval_reports_groups_and_writes_scores(
    trained: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, model = trained
    out = tmp_path / "scores.csv"
    assert (
        main(
            [
                "eval",
                "--data",
                str(data),
                "--model",
                str(model),
                "--by",
                "dataset",
                "--out",
                str(out),
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "ROC-AUC" in printed and "[a]" in printed and "[unknown]" in printed
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 40 and set(rows[0]) == {"id", "label", "score", "band"}
    assert all(0.0 <= float(row["score"]) <= 1.0 for row in rows)


def test_eval_reads_pdfs_labelled_by_their_folder(
    trained: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, model = trained
    rng = np.random.default_rng(12)
    for label, positive in (("devops", True), ("other", False)):
        (tmp_path / "real" / label).mkdir(parents=True)
        for i in range(3):
            (tmp_path / "real" / label / f"{i}.pdf").write_bytes(resume_pdf(toy_text(rng, positive, 200)))
    (tmp_path / "real" / "other" / "scan.pdf").write_bytes(scanned_pdf())
    out = tmp_path / "scores.csv"
    args = [
        "eval",
        "--data",
        str(tmp_path / "real"),
        "--model",
        str(model),
        "--out",
        str(out),
        "--device",
        "cpu",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "[all] n=6 devops=3" in printed and "skipped other/scan.pdf" in printed
    rows = list(csv.DictReader(out.open()))
    assert sorted(row["label"] for row in rows) == ["devops"] * 3 + ["other"] * 3


def test_screen_folder_writes_the_ranked_csv(
    trained: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, model = trained
    folder = tmp_path / "in"
    folder.mkdir()
    rng = np.random.default_rng(11)
    (folder / "devops.pdf").write_bytes(resume_pdf(toy_text(rng, True, 250)))
    (folder / "=cmd.pdf").write_bytes(resume_pdf(toy_text(rng, False, 250)))
    (folder / "scan.pdf").write_bytes(scanned_pdf())
    out = tmp_path / "ranked.csv"
    assert main(["screen", str(folder), "--model", str(model), "--out", str(out), "--device", "cpu"]) == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:8] == ["rank", "file", "status", "score", "band", "reason", "evidence", "model_version"]
    body = {row[1]: row for row in rows[1:]}
    assert body["devops.pdf"][0] == "1" and body["devops.pdf"][2] == "scored"
    assert "'=cmd.pdf" in body  # formula neutralised
    assert body["scan.pdf"][2] == "rejected" and body["scan.pdf"][3] == "" and body["scan.pdf"][5]
    assert "3 files: 2 scored" in capsys.readouterr().out


def test_screen_a_linux_zip_with_non_ascii_names_a_duplicate_and_hostile_names(
    trained: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11 and 14's acceptance: right names, a duplicate flag, and a CSV that survives injection."""
    _, model = trained
    rng = np.random.default_rng(21)
    zoe = resume_pdf(toy_text(rng, True, 250))
    archive = tmp_path / "applicants.zip"
    archive.write_bytes(
        zips.linux_zip(
            {
                "Zoë_Haddad.pdf": zoe,
                "Müller, Jürgen.pdf": resume_pdf(toy_text(rng, False, 250)),
                "copies/Zoë_Haddad (copy).pdf": zoe,
                "x\r=cmd|' /C calc'!A0\r.pdf": resume_pdf(toy_text(rng, False, 250)),
                "\x1b[2J\x1b]0;owned-title\x07.pdf": resume_pdf(toy_text(rng, True, 250)),
            }
        )
    )
    out = tmp_path / "ranked.csv"
    assert main(["screen", str(archive), "--model", str(model), "--out", str(out), "--device", "cpu"]) == 0
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err and "\x07" not in printed.out + printed.err

    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    by_file = {row["file"]: row for row in rows}
    assert {
        "applicants.zip/Zoë_Haddad.pdf",
        "applicants.zip/Müller, Jürgen.pdf",
        "applicants.zip/copies/Zoë_Haddad (copy).pdf",
        "applicants.zip/x\ufffd=cmd|' /C calc'!A0\ufffd.pdf",
        "applicants.zip/\ufffd[2J\ufffd]0;owned-title\ufffd.pdf",
    } == set(by_file)
    original, copy = (
        by_file["applicants.zip/Zoë_Haddad.pdf"],
        by_file["applicants.zip/copies/Zoë_Haddad (copy).pdf"],
    )
    earlier, later = sorted((original, copy), key=lambda row: int(row["rank"]))
    assert later["duplicate"] == f"Same file as #{earlier['rank']}" and earlier["duplicate"] == ""
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_errors_are_one_line_not_tracebacks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--data", str(tmp_path / "missing.jsonl"), "--model", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("shortlist: ")
