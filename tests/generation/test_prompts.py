"""Prompts are built from the plan and the role profile, with style examples when the corpus exists."""

from __future__ import annotations

import json
from pathlib import Path

from core.data.plan import PlanSpec, plan_items
from core.data.roles import DEVOPS
from core.generation.planner import build_plan, plan_seed
from core.generation.prompts import (
    build_messages,
    estimate_prompt_tokens,
    load_style_examples,
    max_tokens_for,
)
from core.generation.settings import GenerationSettings


def test_plan_matches_core_plan_and_is_deterministic() -> None:
    settings = GenerationSettings(per_class=10)
    plan = build_plan(settings)
    assert plan == plan_items(DEVOPS, PlanSpec("devops", 10))
    assert [item.id for item in build_plan(settings)] == [item.id for item in plan]
    assert sum(item.label == "devops" for item in plan) == 10


def test_role_subset_changes_ids_and_roles() -> None:
    narrowed = GenerationSettings(per_class=6, roles=("devops_engineer", "backend_developer", "accountant"))
    plan = build_plan(narrowed)
    assert {item.role for item in plan} <= {"devops_engineer", "backend_developer", "accountant"}
    assert plan_seed(narrowed) != 0
    assert not {item.id for item in plan} & {item.id for item in build_plan(GenerationSettings(per_class=6))}


def test_prompt_carries_the_plan(tmp_path: Path) -> None:
    item = next(i for i in build_plan(GenerationSettings(per_class=20)) if i.title_without_role_words)
    messages = build_messages(item, DEVOPS, load_style_examples(tmp_path / "missing.jsonl"))
    system, user = messages[0]["content"], messages[1]["content"]
    assert '{"resume"' in system
    for expected in (
        item.title,
        item.region,
        f"{item.years} years",
        item.seniority,
        f"between {item.min_words} and {item.max_words} words",
        "avoids the words",
    ):
        assert expected in user
    assert "example 1" not in user  # no corpus, no examples
    role = DEVOPS.role(item.role)
    assert any(skill in user for skill in role.skills)
    assert estimate_prompt_tokens(messages) > len(user) // 4
    assert max_tokens_for(item, 0.3) > item.max_words * 1.3


def test_style_examples_come_from_the_starter_corpus(tmp_path: Path) -> None:
    plan = build_plan(GenerationSettings(per_class=8))
    item = plan[0]
    corpus = tmp_path / "resumes.jsonl"
    lines = []
    for number in range(4):
        lines.append(
            json.dumps(
                {
                    "id": f"s{number}",
                    "label": "other",
                    "role": f"role{number}",
                    "style": item.style,
                    "text": f"Example Person {number}\nLine two\n" + "x " * 50,
                }
            )
        )
    lines.append(
        json.dumps(
            {
                "id": "same",
                "label": "devops",
                "role": item.role,
                "style": item.style,
                "text": "Same Role Person\nshould not be shown",
            }
        )
    )
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    user = build_messages(item, DEVOPS, load_style_examples(corpus))[1]["content"]
    assert "--- example 1 ---" in user and "--- example 2 ---" in user
    assert "Same Role Person" not in user
    assert user == build_messages(item, DEVOPS, load_style_examples(corpus))[1]["content"]  # deterministic


def test_hard_negatives_are_told_what_they_are_not() -> None:
    item = next(i for i in build_plan(GenerationSettings(per_class=20)) if i.hard_negative)
    assert "not a Senior DevOps Engineer" in build_messages(item, DEVOPS)[1]["content"]
