"""Prompts from planned items: role, title, skills, seniority, region, style, length, twists, style examples.

The model is asked for one JSON object ``{"resume": "<the full resume text>"}``. A couple of short snippets
from the starter corpus, written in the same style for other roles, show the layout without inviting a copy.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from pathlib import Path

from core.data.dataset import read_records
from core.data.plan import PlannedItem
from core.data.roles import RoleProfile
from core.errors import DatasetError
from core.paths import starter_corpus_path

EXAMPLES_PER_PROMPT = 2
SNIPPET_LINES = 6
SNIPPET_CHARS = 420
# Words that name the target role in a title; the "title without role words" twist avoids them.
ROLE_WORDS = (
    "DevOps",
    "SRE",
    "Site Reliability",
    "Platform",
    "Cloud",
    "Infrastructure",
    "Kubernetes",
    "Release",
    "Build",
    "DevSecOps",
    "Reliability",
)

SYSTEM_PROMPT = (
    "You write realistic synthetic resumes used to train a resume-screening model. Reply with one JSON "
    'object of the form {"resume": "<the full resume text>"} and nothing else. Inside the string write plain '
    "text with newlines as \\n. Invent plausible names, employers, places, dates and numbers. Never use "
    "placeholders such as [Your Name], <Company>, Lorem ipsum or XXX-XXX-XXXX, and never comment on the "
    "task. Write in English."
)

StyleExamples = dict[str, list[tuple[str, str]]]


def _snippet(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines() if line.strip()][:SNIPPET_LINES]
    snippet = "\n".join(line[:160] for line in lines)
    return snippet[:SNIPPET_CHARS]


def load_style_examples(path: Path | None = None) -> StyleExamples:
    """Short snippets of the starter corpus by style: ``{style: [(role, snippet), ...]}``; empty if absent."""
    path = path or starter_corpus_path()
    try:
        records, _ = read_records(path)
    except DatasetError:
        return {}
    examples: StyleExamples = {}
    for record in records:
        style = record.extra.get("style")
        if isinstance(style, str):
            examples.setdefault(style, []).append((record.role, _snippet(record.text)))
    return examples


def pick_examples(item: PlannedItem, examples: StyleExamples) -> list[str]:
    """Up to two snippets in the item's style from other roles, chosen deterministically from its id."""
    candidates = [snippet for role, snippet in examples.get(item.style, []) if role != item.role and snippet]
    rng = random.Random(item.id)
    return rng.sample(candidates, min(EXAMPLES_PER_PROMPT, len(candidates)))


def _humanise(name: str) -> str:
    return name.replace("_", " ")


def user_prompt(item: PlannedItem, profile: RoleProfile, examples: StyleExamples | None = None) -> str:
    """The instruction for one planned item."""
    role = profile.role(item.role)
    styles = {style.name: style.description for style in profile.styles}
    lines = [
        "Write one resume.",
        f"Role: {_humanise(role.name)}",
        f"Job title: {item.title}",
        f"Candidate: {item.seniority} level, {item.years} years of experience, based in {item.region}.",
        f"Skills and topics to draw on (use several, not all, and add realistic ones of your own): "
        f"{', '.join(role.skills)}.",
        f"Style: {styles.get(item.style, item.style)}",
        f"Length: between {item.min_words} and {item.max_words} words.",
    ]
    if item.label != profile.positive_label and item.hard_negative:
        lines.append(
            f"This person is a genuine {_humanise(role.name)}, not a {profile.title}. Like real resumes in "
            "this field it may mention a few shared tools (Git, Docker, Linux, cloud services), but the work "
            "described stays in this field."
        )
    if item.title_without_role_words:
        lines.append(
            "Give the current position a company-specific title that avoids the words "
            f"{', '.join(ROLE_WORDS)}; let the described work show the role instead."
        )
    if item.evidence_late:
        lines.append(
            "Open with earlier or unrelated experience and education; the strongest evidence for the role "
            "comes late in the resume."
        )
    snippets = pick_examples(item, examples or {})
    if snippets:
        lines.append("Short openings of resumes in this style, for layout only (do not copy their content):")
        for number, snippet in enumerate(snippets, 1):
            lines.append(f"--- example {number} ---\n{snippet}")
    lines.append('Reply with JSON only: {"resume": "..."}')
    return "\n".join(lines)


def build_messages(
    item: PlannedItem, profile: RoleProfile, examples: StyleExamples | None = None
) -> list[dict[str, str]]:
    """The chat messages for one planned item."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": user_prompt(item, profile, examples)},
    ]


def estimate_prompt_tokens(messages: list[Mapping[str, str]] | list[dict[str, str]]) -> int:
    """A generous token estimate (3.5 characters a token plus per-message overhead), reconciled later."""
    return sum(math.ceil(len(m.get("content", "")) / 3.5) + 4 for m in messages) + 3


def max_tokens_for(item: PlannedItem, length_tolerance: float, override: int | None = None) -> int:
    """The completion budget: room for the longest accepted resume, JSON escaping included."""
    if override:
        return override
    return math.ceil(item.max_words * (1 + length_tolerance) * 1.7) + 150
