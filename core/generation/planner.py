"""The plan of a job: :func:`core.data.plan.plan_items` over the job's profile, optionally narrowed to some roles.

Narrowing the roles changes what is planned, so it must also change the ids, or a resumed job could mistake
another plan's records for its own. The role subset is therefore folded into the seed the plan is keyed by.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter

from core.data.plan import PlannedItem, PlanSpec, plan_items
from core.data.roles import RoleProfile, get_profile
from core.errors import ConfigError
from core.generation.settings import GenerationSettings


def plan_seed(settings: GenerationSettings) -> int:
    """The seed of the plan: the settings' seed, mixed with the role subset when there is one."""
    if not settings.roles:
        return settings.seed
    digest = hashlib.sha256(f"{settings.seed}:{','.join(sorted(settings.roles))}".encode()).hexdigest()
    return int(digest[:12], 16)


def job_profile(settings: GenerationSettings) -> RoleProfile:
    """The role profile of the job, narrowed to ``settings.roles`` when given."""
    profile = get_profile(settings.profile_key)
    if not settings.roles:
        return profile
    wanted = set(settings.roles)
    known = {r.name for r in (*profile.positives, *profile.hard_negatives, *profile.other_fields)}
    unknown = wanted - known
    if unknown:
        raise ConfigError(f"Unknown roles for profile {profile.key!r}: {', '.join(sorted(unknown))}")
    narrowed = dataclasses.replace(
        profile,
        positives=tuple(r for r in profile.positives if r.name in wanted),
        hard_negatives=tuple(r for r in profile.hard_negatives if r.name in wanted),
        other_fields=tuple(r for r in profile.other_fields if r.name in wanted),
    )
    if not narrowed.positives:
        raise ConfigError("Choose at least one target-role sub-role")
    negatives_needed = (
        settings.hard_negative_share > 0 and not narrowed.hard_negatives,
        settings.hard_negative_share < 1 and not narrowed.other_fields,
    )
    if any(negatives_needed):
        raise ConfigError("Choose hard negatives and other fields to match the hard-negative share")
    return narrowed


def build_plan(settings: GenerationSettings) -> list[PlannedItem]:
    """Every planned item of the job, in plan order, with deterministic ids."""
    spec = PlanSpec(
        profile_key=settings.profile_key,
        per_class=settings.per_class,
        seed=plan_seed(settings),
        hard_negative_share=settings.hard_negative_share,
    )
    return plan_items(job_profile(settings), spec)


def planned_per_class(plan: list[PlannedItem]) -> dict[str, int]:
    """How many items each label has in ``plan``: the class quotas."""
    return dict(Counter(item.label for item in plan))
