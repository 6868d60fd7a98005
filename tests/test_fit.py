"""The fit score and its rules, with the fake encoder: arithmetic, caps, ranking, and what a run keeps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from core.model.classifier import Thresholds
from core.screening.checks import documents_from_texts
from core.screening.experience import Experience
from core.screening.fit import TextAssessment, assess_text, fit_report, fit_score
from core.screening.requirements import Importance, RequirementResult, RoleRequirements, Status
from core.screening.runs import RunStore
from core.screening.screener import Candidate, load_screener, rank_candidates, screen_documents
from core.training.trainer import TrainConfig, train_model

AS_OF = date(2026, 12, 1)
ROLE = RoleRequirements.from_mapping(
    {
        "seniority": {"min_years": 5},
        "requirements": [
            {"id": "a", "importance": "must", "description": "A", "synonyms": ["alpha"]},
            {"id": "b", "importance": "must", "description": "B", "synonyms": ["beta"]},
            {"id": "c", "importance": "must", "description": "C", "synonyms": ["gamma"]},
            {"id": "d", "importance": "nice", "description": "D", "synonyms": ["delta"]},
        ],
    }
)


def assessment(statuses: tuple[Status, ...], years: float | None) -> TextAssessment:
    results = tuple(
        RequirementResult(r.id, r.importance, r.description, status)
        for r, status in zip(ROLE.requirements[: len(statuses)], statuses, strict=True)
    )
    return TextAssessment(
        model_text="",
        words=300,
        too_little="",
        stuffing=(),
        requirements=results,
        experience=Experience(years=years, total_years=years),
    )


def test_the_fit_is_the_documented_sum_of_its_parts() -> None:
    statuses = (Status.met, Status.met, Status.listed, Status.missing)
    fit = fit_score(0.9, assessment(statuses, 3.0), ROLE)
    # requirements: (2 + 2 + 2 × 0.5 + 0) of (2 + 2 + 2 + 1); experience: 3 of the 5 years asked
    assert fit.score == round(40 * 0.9 + 40 * 5 / 7 + 20 * 3 / 5, 1)
    assert [part.name for part in fit.parts] == ["role match", "requirements", "experience"]


def test_years_beyond_the_minimum_add_nothing() -> None:
    statuses = (Status.met,) * 4
    assert (
        fit_score(0.9, assessment(statuses, 5.0), ROLE).score
        == fit_score(0.9, assessment(statuses, 25.0), ROLE).score
    )


def test_a_role_without_seniority_or_requirements_scales_to_100() -> None:
    no_seniority = replace(ROLE, min_years=None)
    fit = fit_score(0.8, assessment((Status.met,) * 4, None), no_seniority)
    assert fit.score == round(50 * 0.8 + 50 * 1.0, 1) and not fit.below_seniority
    assert fit_score(0.8, assessment((), None), None).score == 80.0


@pytest.mark.parametrize(
    ("years", "expected"),
    [(2.0, "2 years of relevant experience"), (None, "no dated positions"), (5.0, "")],
)
def test_fewer_years_than_the_role_asks_keep_a_candidate_out_of_the_shortlist(
    years: float | None, expected: str
) -> None:
    fit = fit_score(0.99, assessment((Status.met,) * 4, years), ROLE)
    assert expected in fit.below_seniority if expected else not fit.below_seniority
    assert fit.band("shortlist") == ("review" if expected else "shortlist")
    assert fit.band("reject") == "reject"


def test_too_little_to_judge_goes_to_review_from_any_band() -> None:
    fit = fit_score(0.99, replace(assessment((Status.met,) * 4, 9.0), too_little="only 6 words"), ROLE)
    assert {fit.band(band) for band in ("shortlist", "review", "reject")} == {"review"}


def candidate(file: str, score: float, fit: float | None, band: str = "review") -> Candidate:
    base = fit_score(score, assessment((Status.met,) * 4, 9.0), ROLE)
    return Candidate(
        file=file,
        sha256="0" * 64,
        status="scored",
        name=None,
        text="",
        pages=1,
        model_version="v",
        score=score,
        band=band,
        fit=None if fit is None else replace(base, score=fit),
    )


def test_rank_is_band_then_fit_then_score() -> None:
    ranked = rank_candidates(
        [
            candidate("low-fit-high-score", 0.99, 60.0),
            candidate("high-fit", 0.80, 90.0),
            candidate("tie-lower-score", 0.70, 90.0),
            candidate("old-run", 0.95, None),
        ],
        Thresholds(shortlist=0.9, review=0.5),
    )
    assert [(c.file, c.band) for c in ranked] == [
        ("low-fit-high-score", "shortlist"),
        ("old-run", "shortlist"),  # a run saved before fit existed still ranks by its score
        ("high-fit", "review"),
        ("tie-lower-score", "review"),
    ]


def test_moving_the_thresholds_keeps_the_fit_rules() -> None:
    thin = candidate("thin", 0.99, 50.0)
    assert thin.fit is not None
    thin = replace(thin, fit=replace(thin.fit, too_little="only 6 words"))
    [ranked] = rank_candidates([thin], Thresholds(shortlist=0.0, review=0.0))
    assert ranked.band == "review"


RESUME = """Jordan Example
EXPERIENCE
Platform Engineer, Example Ltd | Jan 2015 – present
{body}
"""


@pytest.fixture
def screener(tmp_path: Path, toy_dataset: Path, fake_embedder, fake_encoder, devops_role: RoleRequirements):
    config = TrainConfig(chunking=fake_embedder.chunking)
    model_dir = train_model([toy_dataset], tmp_path / "m", fake_embedder, config).model_dir
    return load_screener(model_dir, device="cpu", encoder=fake_encoder, role=devops_role)


BODY = (
    "Built Jenkins pipelines and ran Kubernetes clusters on AWS with Terraform. "
    "Owned Prometheus alerting and the on-call rotation for the payment team. "
) * 6


def test_stuffing_is_cut_out_before_the_model_reads_and_never_shortlisted(screener) -> None:
    base = RESUME.format(body=BODY)
    stuffed = base + "\n" + " ".join(["Kubernetes Terraform"] * 200) + "\n"
    by_name = {
        c.file: c
        for c in screen_documents(
            documents_from_texts([("base", base), ("stuffed", stuffed)]), screener, as_of=AS_OF
        )
    }
    assert by_name["stuffed"].score == by_name["base"].score
    assert by_name["stuffed"].fit and by_name["base"].fit
    assert by_name["stuffed"].fit.score == by_name["base"].fit.score
    assert "visible_stuffing" in by_name["stuffed"].flags and by_name["stuffed"].band != "shortlist"
    assert "stuffing" in by_name["stuffed"].reason.lower()


def test_a_thin_text_is_flagged_and_sent_to_review(screener) -> None:
    [thin] = screen_documents(
        documents_from_texts([("thin", "DevOps. Kubernetes. AWS. Terraform. 5 yrs.")]), screener
    )
    assert thin.band == "review" and "too_little_to_judge" in thin.flags


def test_a_run_keeps_the_fit_and_its_evidence(screener) -> None:
    candidates = screen_documents(
        documents_from_texts([("a.pdf", RESUME.format(body=BODY))]), screener, as_of=AS_OF
    )
    store = RunStore()
    run_id = store.create_run("reviewer-token-0001", "t", "v", 1)
    store.finish(run_id, candidates)
    [reopened] = store.candidates("reviewer-token-0001", run_id)
    assert reopened == candidates[0]
    assert reopened.fit is not None and reopened.fit.experience.years == 12.0
    assert {r.id: r.status for r in reopened.fit.requirements}["ci_cd"] is Status.met


def test_the_report_shows_the_parts_the_passages_and_the_dates(screener) -> None:
    [c] = screen_documents(documents_from_texts([("a.pdf", RESUME.format(body=BODY))]), screener, as_of=AS_OF)
    assert c.fit is not None
    report = fit_report(c.fit)
    assert f"Fit {c.fit.score:.1f} of 100" in report
    assert "✔ met          [must] ci_cd" in report and "“Built Jenkins pipelines" in report
    assert "2015-01 to 2026-12" in report


def test_the_same_career_with_a_break_for_any_reason_gets_the_same_fit(screener) -> None:
    def version(break_line: str) -> str:
        return (
            "EXPERIENCE\nPlatform Engineer, Example Ltd | Mar 2021 – present\n"
            f"{BODY}\n{break_line}\nDevOps Engineer, Sample GmbH | Jan 2014 – Dec 2019\n{BODY}\n"
        )

    texts = [
        ("none", version("")),
        ("parental", version("Career break (parental leave) | Jan 2020 – Feb 2021")),
        ("sabbatical", version("Career break (sabbatical) | Jan 2020 – Feb 2021")),
    ]
    screened = screen_documents(documents_from_texts(texts), screener, as_of=AS_OF)
    assert len({(c.fit.experience.years, c.fit.parts[2].value) for c in screened if c.fit}) == 1


def test_assessing_uses_the_profile_requirements_and_years(devops_role: RoleRequirements) -> None:
    found = assess_text(RESUME.format(body=BODY), devops_role, AS_OF)
    assert found.experience.years == 12.0 and not found.too_little and not found.stuffing
    met = {r.id for r in found.requirements if r.status is Status.met}
    assert {"ci_cd", "containers", "infrastructure_as_code", "cloud", "observability"} <= met
    assert all(r.importance in (Importance.must, Importance.nice) for r in found.requirements)
