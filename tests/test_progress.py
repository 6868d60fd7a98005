"""The command line's progress bar: drawn from the first update, closed even when the step fails."""

from __future__ import annotations

import pytest

from core.progress import progress_bar


def test_the_bar_shows_the_last_update_and_nothing_before_the_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with progress_bar("scoring", "resume"):
        pass
    assert capsys.readouterr().err == ""
    with pytest.raises(RuntimeError), progress_bar("scoring", "resume") as update:
        update(3, 10)
        raise RuntimeError("the step failed")
    drawn = capsys.readouterr().err
    assert "scoring" in drawn and "3/10" in drawn
