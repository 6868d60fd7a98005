"""Visible stuffing and thin texts: what is found, what is cut out, and what ordinary resumes never trigger."""

from __future__ import annotations

import pytest

from core.data.dataset import read_records
from core.paths import starter_corpus_path
from core.screening.experience import estimate_experience
from core.screening.layout import layout
from core.screening.quality import StuffingKind, find_stuffing, too_little_reason, without_spans
from core.screening.redaction import model_input
from core.screening.requirements import RoleRequirements

NURSE = """Bernadette Okoro
Registered Nurse

EXPERIENCE
Senior Staff Nurse, Leeds General Hospital | Mar 2019 – Present
- Lead a team of six nurses on a 28-bed cardiology ward and mentor student nurses.
- Assess and monitor patients after angiography; escalate deteriorating patients early.

EDUCATION
BSc Adult Nursing, University of Leeds, 2014

SKILLS
Patient assessment, medication administration, IV therapy, wound care, ECG interpretation
"""
DEVOPS_TOOLS = (
    "Kubernetes, Docker, Terraform, Ansible, Jenkins, AWS, Azure, GCP, Helm, Prometheus, Grafana, Vault, "
    "GitLab CI, GitHub Actions, Argo CD, CloudFormation, Datadog, Splunk"
)


def stuffed(block: str) -> str:
    return NURSE + "\n" + block + "\n"


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        (" ".join(["Kubernetes Terraform"] * 200), StuffingKind.repeated),
        (", ".join(["Kubernetes"] * 60), StuffingKind.repeated),
        ("Keywords: " + DEVOPS_TOOLS, StuffingKind.tool_list),
        (DEVOPS_TOOLS, StuffingKind.tool_list),  # the role's tools that nothing else in the resume backs
        ("\n".join(DEVOPS_TOOLS.split(", ")), StuffingKind.tool_list),  # one per line
        (
            "Patient assessment, medication administration, IV therapy, wound care, ECG interpretation",
            StuffingKind.copied_list,
        ),
    ],
)
def test_stuffing_is_found_and_cutting_it_out_gives_the_resume_back(
    block: str, kind: StuffingKind, devops_role: RoleRequirements
) -> None:
    text = stuffed(block)
    [found] = find_stuffing(text, devops_role.requirements)
    assert found.kind is kind and found.why and found.excerpt
    assert model_input(without_spans(text, [(found.start, found.end)])) == model_input(NURSE)


def test_a_flat_list_of_forty_keywords_is_stuffing_even_without_role_requirements() -> None:
    tools = ", ".join(f"Tool{i}" for i in range(45))
    [found] = find_stuffing(stuffed(tools))
    assert found.kind is StuffingKind.tool_list and "45 keywords" in found.why


def test_a_grouped_skills_section_of_a_devops_resume_is_not_stuffing(devops_role: RoleRequirements) -> None:
    text = """EXPERIENCE
DevOps Engineer, Acme | Jan 2019 – present
- Built GitLab CI pipelines and ran Kubernetes on AWS with Terraform; Prometheus alerting and on-call.

SKILLS
Cloud: AWS (EKS, EC2, RDS, IAM, VPC, Route 53), Azure (AKS), GCP
Containers: Docker, Kubernetes, Helm, Kustomize, Karpenter, Istio
CI/CD: GitLab CI, GitHub Actions, Jenkins, Argo CD, Argo Rollouts
Infrastructure as code: Terraform, Terragrunt, Ansible, Packer, Pulumi
Observability: Prometheus, Grafana, Loki, Thanos, Datadog, PagerDuty, OpenTelemetry
Security: Vault, Trivy, OPA, Kyverno, Checkov
"""
    assert find_stuffing(text, devops_role.requirements) == ()


def test_no_starter_corpus_resume_is_flagged(devops_role: RoleRequirements) -> None:
    """The corpus's 1,156 ordinary resumes, 202 of them skills-first, in six styles: none is stuffing, none is
    too little to judge (the rate bench/fit_checks.py reports)."""
    records, _ = read_records(starter_corpus_path())
    flagged = [r.id for r in records if find_stuffing(r.text, devops_role.requirements)]
    assert flagged == []
    thin = []
    for record in records:
        structure = layout(record.text)
        experience = estimate_experience(structure)
        if too_little_reason(structure, len(experience.positions), experience.stated_years):
            thin.append(record.id)
    assert thin == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("DevOps. Kubernetes. AWS. Terraform. 5 yrs.", "only 6 words"),
        ("", "only 0 words"),
        (
            "EDUCATION\nMSc Cloud Computing, University of Edinburgh, 2026\n"
            + "Modules: distributed systems, cloud infrastructure, containers, security. " * 20
            + "\nSKILLS\nKubernetes, Docker, Terraform, AWS, Python, Go, Bash, Linux\n",
            "no experience",
        ),
    ],
)
def test_too_little_to_judge(text: str, reason: str) -> None:
    structure = layout(text)
    experience = estimate_experience(structure)
    assert reason in too_little_reason(structure, len(experience.positions), experience.stated_years)


def test_a_narrative_resume_without_dates_is_not_too_little() -> None:
    story = (
        "I joined a hosting company as a junior administrator and spent my first years on Linux servers, "
        "backups and on-call nights, and later moved the company's deployments to containers and pipelines. "
    ) * 6
    structure = layout(f"Jordan Reyes\n\n{story}")
    assert too_little_reason(structure, 0, None) == ""
