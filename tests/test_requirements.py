"""Requirement evidence: met in described work, listed only, not found; passages snapped to whole sentences."""

from __future__ import annotations

import re

import pytest

from core.errors import ConfigError
from core.screening.layout import Section, heading_kind, layout
from core.screening.requirements import Importance, Requirement, RoleRequirements, Status, check_requirements

RESUME = """Jordan Reyes
Platform Engineer

SUMMARY
Platform engineer who likes quiet on-call weeks.

EXPERIENCE
Platform Engineer, Acme | Jan 2020 – present
- Wrote Terraform modules for every AWS account and reviewed each plan with the owning team.
- Ran the ArgoCD setup that deploys 60 services.

SKILLS
Vault, Trivy, OPA
"""


def requirement(rid: str, *synonyms: str, importance: str = "must") -> Requirement:
    return Requirement(rid, Importance(importance), f"{rid} description", synonyms)


def check(text: str, *requirements: Requirement) -> dict[str, tuple[Status, str]]:
    return {r.id: (r.status, r.passage) for r in check_requirements(layout(text), requirements)}


def test_met_in_described_work_listed_only_in_a_skills_list_or_not_found() -> None:
    found = check(
        RESUME,
        requirement("iac", "Terraform", "Ansible"),
        requirement("security", "Vault", "OPA", importance="nice"),
        requirement("logging", "Splunk", "ELK"),
    )
    assert found["iac"] == (
        Status.met,
        "- Wrote Terraform modules for every AWS account and reviewed each plan with the owning team.",
    )
    assert found["security"] == (Status.listed, "Vault, Trivy, OPA")
    assert found["logging"] == (Status.missing, "")


def test_synonyms_match_whole_words_spacing_and_plurals_but_short_ones_only_in_their_case() -> None:
    found = check(
        "EXPERIENCE\nRan the ArgoCD setup and the containers.\nWe had to go fast.\n",
        requirement("gitops", "Argo CD"),
        requirement("containers", "container"),
        requirement("go", "Go"),
        requirement("helm", "Helm"),
    )
    assert found["gitops"][0] is Status.met and found["containers"][0] is Status.met
    assert found["go"][0] is Status.missing  # "go" in a sentence is not the Go language
    assert (
        check("Built the helmet factory's website.", requirement("helm", "Helm"))["helm"][0] is Status.missing
    )


def test_a_long_paragraph_gives_the_sentence_with_the_match_never_part_of_a_word() -> None:
    filler = "I spent those years learning how the business worked and who depended on our systems. " * 6
    text = f"EXPERIENCE\n{filler}Then I moved our deployments to Kubernetes, one team at a time. {filler}"
    [result] = check_requirements(layout(text), [requirement("containers", "Kubernetes")])
    assert result.passage == "Then I moved our deployments to Kubernetes, one team at a time."


def test_a_sentence_longer_than_a_passage_is_cut_at_word_boundaries() -> None:
    words = " ".join(f"word{i}" for i in range(200))
    text = f"EXPERIENCE\n{words} Kubernetes {words}"
    [result] = check_requirements(layout(text), [requirement("containers", "Kubernetes")])
    assert (
        "Kubernetes" in result.passage and result.passage.startswith("… ") and result.passage.endswith(" …")
    )
    inner = result.passage.removeprefix("… ").removesuffix(" …")
    assert all(re.fullmatch(r"word\d+|Kubernetes", token) for token in inner.split())  # whole words only


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("WORK EXPERIENCE", Section.experience),
        ("-- EDUCATION --", Section.education),
        ("Skill Details:", Section.skills),
        ("Experience 1:", Section.experience),
        ("CAREER HISTORY (earliest first)", Section.experience),
        ("Education and certifications", Section.certifications),
        ("Technical Lead", None),  # a job title, not a heading
        ("Training Manager", None),
        ("R - Experience - 150 months", None),
        ("- Tools", None),  # a bullet
        ("Ways of working", None),
    ],
)
def test_headings(line: str, kind: Section | None) -> None:
    assert heading_kind(line) == kind


def test_role_requirements_read_from_a_profile() -> None:
    role = RoleRequirements.from_mapping(
        {
            "seniority": {"level": "senior", "min_years": 5},
            "requirements": [
                {"id": "java", "importance": "must", "description": "Java", "synonyms": ["Java", "JVM"]},
                {"id": "testing", "importance": "nice", "description": "Tests", "synonyms": ["JUnit"]},
            ],
        }
    )
    assert role.min_years == 5 and [r.id for r in role.must] == ["java"]
    assert RoleRequirements.from_mapping({}).min_years is None  # a role without a seniority ask


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"requirements": [{"id": "x", "importance": "should", "description": "d", "synonyms": ["s"]}]},
            "'x'",
        ),
        (
            {"requirements": [{"id": "x", "importance": "must", "description": "d", "synonyms": []}]},
            "synonyms",
        ),
        (
            {"requirements": [{"id": "Bad Id", "importance": "must", "description": "d", "synonyms": ["s"]}]},
            "id",
        ),
        (
            {
                "requirements": [
                    {"id": "x", "importance": "must", "description": "d", "synonyms": ["s"]},
                    {"id": "x", "importance": "nice", "description": "d", "synonyms": ["t"]},
                ]
            },
            "twice",
        ),
        ({"seniority": {"min_years": "five"}}, "min_years"),
        ({"seniority": {"min_years": True}}, "min_years"),
        ({"requirements": "java"}, "list"),
    ],
)
def test_a_bad_profile_is_refused_with_what_is_wrong(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        RoleRequirements.from_mapping(data)
