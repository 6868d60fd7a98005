"""Reply validation: every reason a reply is rejected, and realistic resumes that must pass."""

from __future__ import annotations

import json

import pytest

from core.data.plan import PlannedItem
from core.generation.validation import extract_resume, looks_english, validate_reply

ITEM = PlannedItem(
    id="devops-devops-1",
    label="devops",
    role="site_reliability_engineer",
    title="SRE",
    hard_negative=False,
    seniority="senior",
    years=8,
    style="us_resume",
    region="Germany",
    min_words=60,
    max_words=120,
    title_without_role_words=False,
    evidence_late=False,
)

SENTENCE = (
    "Led the migration of forty services to Kubernetes and cut deployment time from hours to minutes "
    "for the payments team in Berlin. "
)


def resume(words: int = 90) -> str:
    text = "Mara Keller\nSite Reliability Engineer, Berlin\n"
    while len(text.split()) < words:
        text += SENTENCE
    return " ".join(text.split(" ")[:words]) if len(text.split()) > words else text


def reply(text: str) -> str:
    return json.dumps({"resume": text})


def test_accepts_a_good_reply() -> None:
    verdict = validate_reply(reply(resume()), "stop", ITEM)
    assert verdict.ok and verdict.text and verdict.text.startswith("Mara Keller")


@pytest.mark.parametrize(
    ("content", "finish", "reason"),
    [
        (reply(resume()), "length", "truncated"),
        (reply(resume()), "content_filter", "bad_finish_reason"),
        ('{"resume": "Mara Keller, SRE', "stop", "invalid_json"),
        ("Here is your resume: Mara Keller", "stop", "invalid_json"),
        (json.dumps({"cv": resume()}), "stop", "invalid_json"),
        (json.dumps({"resume": ["a", "b"]}), "stop", "invalid_json"),
        (reply("   "), "stop", "empty_resume"),
        (None, "stop", "empty_resume"),
        (reply("I'm sorry, but I can't help with that request. " + resume()), "stop", "refusal"),
        (reply(resume() + " As an AI language model I cannot verify this."), "stop", "refusal"),
        (reply("[Your Name]\n" + resume()), "stop", "placeholder"),
        (reply(resume() + " Phone: XXX-XXX-1234"), "stop", "placeholder"),
        (reply(resume() + " Lorem ipsum dolor sit amet."), "stop", "placeholder"),
        (reply("<Name>\n" + resume()), "stop", "placeholder"),
        (reply(resume(20)), "stop", "too_short"),
        (reply(resume(400)), "stop", "too_long"),
    ],
)
def test_rejects(content: str | None, finish: str, reason: str) -> None:
    verdict = validate_reply(content, finish, ITEM)
    assert not verdict.ok
    assert verdict.reason == reason


def test_code_fences_are_tolerated() -> None:
    assert extract_resume("```json\n" + reply("hello") + "\n```") == "hello"


def test_an_ai_engineer_is_not_a_refusal() -> None:
    text = resume() + " Worked as an AI engineer on forecasting models."
    assert validate_reply(reply(text), "stop", ITEM).ok


def test_language_check() -> None:
    german = (
        "Ich habe fünf Jahre als Ingenieur bei der Firma gearbeitet und bin für die Planung der "
        "Projekte verantwortlich gewesen. Ich arbeite mit den Kunden und mit dem Team an der Umsetzung "
        "von Projekten in der Region, die für die Stadt wichtig sind, und ich bin sehr zufrieden mit "
        "der Arbeit und dem Team."
    )
    assert not looks_english(german)
    assert not looks_english("Инженер по надёжности " * 30)
    terse = "- AWS, Terraform, EKS\n- Jenkins -> GitLab CI migration, 40 svcs\n- on-call: PagerDuty\n" * 8
    assert looks_english(terse + "Led the platform team in Berlin.")
    assert looks_english(resume(100))
