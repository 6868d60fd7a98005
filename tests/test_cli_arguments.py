"""CLI arguments that are wrong get one clear line and exit code 1, before any model or encoder is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main


@pytest.mark.parametrize("gamma", ["fast", "-1", "0"])
def test_a_bad_gamma_is_refused_before_training(
    gamma: str, toy_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model"
    assert main(["train", "--data", str(toy_dataset), "--out", str(out), "--gamma", gamma]) == 1
    error = capsys.readouterr().err
    assert error.startswith("shortlist: gamma must be") and "Traceback" not in error
    assert not out.exists()
