"""A handful of the role's fit checks with the bundled model and the real encoder (bench/fit_checks.py runs all).

Each case compares orders, flags and bands, never the last digits of a probability, so it holds on any CPU: the
seniors here score above 0.99 and the juniors are kept out of the shortlist by the seniority rule, not by a
margin of rounding. A stuffed text and its base are compared within ``PROBABILITY_MARGIN`` (see there).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.screening.checks import CheckSets, load_check_sets, run_fit_checks
from core.screening.requirements import RoleRequirements
from core.screening.screener import load_screener

pytestmark = pytest.mark.slow

CHECKS = Path(__file__).resolve().parents[1] / "data" / "checks" / "senior-devops"


@pytest.fixture(scope="module")
def sample() -> CheckSets:
    sets = load_check_sets(CHECKS)
    careers = {"c01", "c14", "c27"}
    stuffed = {
        "stuffed-c01-senior-repeated_pair",  # the case: "Kubernetes Terraform" x 200 at the end
        "stuffed-other-java_backend-tool_list",
        "stuffed-other-data_engineer-keywords_label",
        "stuffed-c13-junior-copied_list",
    }
    return replace(
        sets,
        pairs=tuple(r for r in sets.pairs if r["career"] in careers),
        thin=tuple(
            r for r in sets.thin if r["id"] in {"thin-one_liner", "thin-education_only", "thin-cover_note"}
        ),
        stuffed=tuple(r for r in sets.stuffed if r["id"] in stuffed),
        breaks=tuple(r for r in sets.breaks if r["career"] == "c01"),
    )


def test_seniors_rank_above_juniors_thin_and_stuffed_texts_are_caught(
    sample: CheckSets, devops_role: RoleRequirements
) -> None:
    assert len(sample.stuffed) == 4 and len(sample.pairs) == 6
    screener = load_screener(device="cpu", use_cache=False, role=devops_role)
    report = run_fit_checks(sample, screener)
    assert [p.career for p in report.pairs if not p.senior_first] == []
    assert all(p.senior.band == "shortlist" and p.junior.band != "shortlist" for p in report.pairs)
    assert report.thin_flagged_share == report.thin_not_shortlisted_share == 1.0
    for item in report.stuffed:
        assert item.flagged and item.not_raised and item.stuffed.band != "shortlist", item.id
    assert report.breaks_same_years_share == 1.0
