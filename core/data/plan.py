"""Plans of synthetic resumes: what to write, for which role, in which style, with a deterministic id.

A plan is a pure function of its spec and seed, so a resumed generation job plans exactly the same items and can
skip the ids it has already written.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass

from core.data.dataset import ResumeRecord
from core.data.roles import RoleProfile, RoleSpec

SENIORITY_YEARS: dict[str, tuple[int, int]] = {
    "junior": (2, 3),
    "mid": (3, 6),
    "senior": (6, 12),
    "principal": (12, 20),
}
# Word-count buckets and their shares: a third or more of resumes run past 500 words, like real ones.
LENGTH_BUCKETS: tuple[tuple[int, int, float], ...] = ((150, 300, 0.25), (300, 500, 0.38), (500, 900, 0.37))
REGIONS: tuple[str, ...] = (
    "United States",
    "United Kingdom",
    "Germany",
    "India",
    "Netherlands",
    "Poland",
    "Canada",
    "Spain",
    "France",
    "Ireland",
    "Australia",
    "Brazil",
    "Sweden",
    "Singapore",
    "Nigeria",
    "Romania",
    "Italy",
    "Portugal",
)
STYLE_REGIONS: dict[str, tuple[str, ...]] = {
    "indian_cv": ("India",),
    "european_cv": (
        "Germany",
        "Netherlands",
        "Poland",
        "Spain",
        "France",
        "Ireland",
        "Sweden",
        "Romania",
        "Italy",
        "Portugal",
        "United Kingdom",
    ),
    "us_resume": ("United States", "Canada"),
}


@dataclass(frozen=True)
class PlanSpec:
    """The knobs of a plan. ``hard_negative_share`` is the share of negatives drawn from adjacent tech roles."""

    profile_key: str
    per_class: int
    seed: int = 0
    hard_negative_share: float = 0.64

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class PlannedItem:
    """One resume to write."""

    id: str
    label: str
    role: str
    title: str
    hard_negative: bool
    seniority: str
    years: int
    style: str
    region: str
    min_words: int
    max_words: int
    title_without_role_words: bool
    evidence_late: bool

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def record(self, text: str, **extra: object) -> ResumeRecord:
        """The dataset record of this item written as ``text``; ``extra`` adds provenance (source, model, ...)."""
        return ResumeRecord(
            id=self.id,
            text=text,
            label=self.label,
            role=self.role,
            extra={
                "title": self.title,
                "seniority": self.seniority,
                "years": self.years,
                "style": self.style,
                "region": self.region,
                "hard_negative": self.hard_negative,
                **extra,
            },
        )


def _item_id(spec: PlanSpec, label: str, index: int) -> str:
    digest = hashlib.sha256(f"{spec.fingerprint()}:{label}:{index}".encode()).hexdigest()
    return f"{spec.profile_key}-{label}-{digest[:10]}"


def _cycle(rng: random.Random, options: list[RoleSpec], count: int) -> list[RoleSpec]:
    """``count`` roles spread evenly over ``options`` in a shuffled order."""
    roles = [options[i % len(options)] for i in range(count)]
    rng.shuffle(roles)
    return roles


def _length(rng: random.Random) -> tuple[int, int]:
    pick = rng.random()
    for low, high, share in LENGTH_BUCKETS:
        if pick < share:
            return low, high
        pick -= share
    return LENGTH_BUCKETS[-1][0], LENGTH_BUCKETS[-1][1]


def _region(rng: random.Random, style: str) -> str:
    return rng.choice(STYLE_REGIONS.get(style, REGIONS))


def plan_items(profile: RoleProfile, spec: PlanSpec) -> list[PlannedItem]:
    """The planned items of ``spec``: ``per_class`` positives, then ``per_class`` negatives, deterministic."""
    rng = random.Random(f"{spec.fingerprint()}")
    styles = [style.name for style in profile.styles]
    n_hard = round(spec.per_class * spec.hard_negative_share)
    groups: list[tuple[str, list[RoleSpec]]] = [
        (profile.positive_label, _cycle(rng, list(profile.positives), spec.per_class)),
        (
            "other",
            _cycle(rng, list(profile.hard_negatives), n_hard)
            + _cycle(rng, list(profile.other_fields), spec.per_class - n_hard),
        ),
    ]
    items: list[PlannedItem] = []
    for label, roles in groups:
        for index, role in enumerate(roles):
            seniority = rng.choice(list(SENIORITY_YEARS))
            low, high = SENIORITY_YEARS[seniority]
            style = styles[rng.randrange(len(styles))]
            min_words, max_words = _length(rng)
            positive = label == profile.positive_label
            items.append(
                PlannedItem(
                    id=_item_id(spec, label, index),
                    label=label,
                    role=role.name,
                    title=rng.choice(role.titles),
                    hard_negative=role.hard_negative,
                    seniority=seniority,
                    years=rng.randint(low, high),
                    style=style,
                    region=_region(rng, style),
                    min_words=min_words,
                    max_words=max_words,
                    title_without_role_words=positive and rng.random() < 0.25,
                    evidence_late=positive and rng.random() < 0.15,
                )
            )
    return items
