"""The fit score: how well a scored resume matches the role, so candidates inside a band have a meaningful order.

The band comes from the model's calibrated probability (shortlist, review, reject), as before. Inside each band,
candidates are ordered by fit, a number from 0 to 100 made of three parts a reviewer can check by hand:

    fit = 40 × role match + 40 × requirements + 20 × experience

- **Role match**: the probability that the resume is the role. It separates a borderline 0.3 from a 0.7 in
  review; at the top of the shortlist it is close to 1 for everyone, and the other parts decide.
- **Requirements**: must-haves count twice, nice-to-haves once. A requirement met in described work counts in
  full, one only listed (a skills list, a certification) counts half, one not found counts nothing. Lists count
  less than work because anyone can type a list.
- **Experience**: years of relevant experience divided by the role's minimum, capped at 1. Years beyond the
  minimum add nothing: a 25-year career is not a better fit than a 10-year one, and counting years without a cap
  would favour older applicants.

A role that asks for no seniority has no experience part: fit = 50 × role match + 50 × requirements. Without
role requirements at all, fit is 100 × role match.

Three rules then hold whatever the probability, because the model cannot see them:

- **Too little to judge** (a thin text, or no experience at all): the band is review. A person reads it.
- **Visible stuffing**: the stuffing is removed before the model, the requirements and the years read the text
  (so it cannot raise anything), and the band is at most review.
- **Seniority**: when the role asks for a minimum of years and the resume shows fewer (or no dates at all), the
  band is at most review. A junior is then always ranked below a senior with a similar career in the shortlist,
  and inside review the experience part puts them lower still. This is a rule on top of the model rather than
  juniors taught as negatives, because the same junior resume is a good match for a role that asks for no
  seniority, and the rule is one a reviewer can read and overrule.

Candidates are ranked by band, then fit, then probability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from core.screening.experience import Experience, estimate_experience
from core.screening.layout import layout, words
from core.screening.quality import Stuffing, find_stuffing, too_little_reason, without_spans
from core.screening.requirements import (
    Importance,
    RequirementResult,
    RoleRequirements,
    Status,
    check_requirements,
)

ROLE_MATCH_POINTS = 40
REQUIREMENT_POINTS = 40
EXPERIENCE_POINTS = 20
MUST_WEIGHT = 2
NICE_WEIGHT = 1
LISTED_CREDIT = 0.5
BANDS = ("shortlist", "review", "reject")


class FitFlag(StrEnum):
    """Something the fit rules found; each keeps a candidate out of the shortlist."""

    too_little = "too_little_to_judge"
    stuffing = "visible_stuffing"
    below_seniority = "below_seniority"

    @property
    def message(self) -> str:
        """A one-line explanation for recruiters."""
        return _FLAG_MESSAGES[self]


_FLAG_MESSAGES = {
    FitFlag.too_little: "Too little to judge: sent to review for a person to read",
    FitFlag.stuffing: "Visible keyword stuffing was removed before scoring; never shortlisted",
    FitFlag.below_seniority: "Fewer years of experience than the role asks for; never shortlisted",
}


@dataclass(frozen=True)
class TextAssessment:
    """What the text says before the model scores it: what the model may read, requirements, years."""

    model_text: str  # the text with visible stuffing cut out
    words: int
    too_little: str
    stuffing: tuple[Stuffing, ...]
    requirements: tuple[RequirementResult, ...]
    experience: Experience


@dataclass(frozen=True)
class FitPart:
    """One part of the fit: a value from 0 to 1, the points it can give, and why."""

    name: str
    value: float
    points: int
    detail: str

    @property
    def earned(self) -> float:
        return self.value * self.points


@dataclass(frozen=True)
class Fit:
    """The fit score of one candidate with everything it was made from."""

    score: float  # 0 to 100, one decimal
    parts: tuple[FitPart, ...]
    requirements: tuple[RequirementResult, ...] = field(default_factory=tuple)
    experience: Experience = field(default_factory=lambda: Experience(years=None, total_years=None))
    min_years: int | None = None
    words: int = 0
    too_little: str = ""  # why the text is too little to judge, or ""
    stuffing: tuple[Stuffing, ...] = field(default_factory=tuple)
    below_seniority: str = ""  # why the years fall short of the role's minimum, or ""

    @property
    def flags(self) -> tuple[FitFlag, ...]:
        found = []
        if self.too_little:
            found.append(FitFlag.too_little)
        if self.stuffing:
            found.append(FitFlag.stuffing)
        if self.below_seniority:
            found.append(FitFlag.below_seniority)
        return tuple(found)

    def band(self, probability_band: str) -> str:
        """The band after the fit rules: too little to judge goes to review; stuffing and too few years keep a
        candidate out of the shortlist."""
        if self.too_little:
            return "review"
        if (self.stuffing or self.below_seniority) and probability_band == "shortlist":
            return "review"
        return probability_band

    def notes(self) -> list[str]:
        """Why the fit rules moved or capped the band, in plain words."""
        notes = []
        if self.too_little:
            notes.append(f"Too little to judge: {self.too_little}.")
        for item in self.stuffing:
            notes.append(f"Removed before scoring ({item.kind}: {item.why}): {item.excerpt}")
        if self.below_seniority:
            notes.append(f"Never shortlisted: {self.below_seniority}.")
        return notes


def assess_text(text: str, role: RoleRequirements | None = None, as_of: date | None = None) -> TextAssessment:
    """The stuffing, requirements, years and thinness of ``text`` for ``role``, as of ``as_of`` (default today).

    Everything after the stuffing check reads the text with the stuffing cut out, so stuffing cannot add a
    requirement, a year or a word.
    """
    requirements = role.requirements if role else ()
    stuffing = find_stuffing(text, requirements)
    model_text = without_spans(text, [(item.start, item.end) for item in stuffing]) if stuffing else text
    structure = layout(model_text)
    experience = estimate_experience(structure, as_of, role)
    return TextAssessment(
        model_text=model_text,
        words=len(words(model_text)),
        too_little=too_little_reason(structure, len(experience.positions), experience.stated_years),
        stuffing=stuffing,
        requirements=check_requirements(structure, requirements),
        experience=experience,
    )


def requirement_coverage(results: tuple[RequirementResult, ...]) -> float:
    """Must-haves twice, nice-to-haves once; met 1, listed only :data:`LISTED_CREDIT`, not found 0."""
    total = earned = 0.0
    for result in results:
        weight = MUST_WEIGHT if result.importance is Importance.must else NICE_WEIGHT
        total += weight
        earned += weight * {Status.met: 1.0, Status.listed: LISTED_CREDIT, Status.missing: 0.0}[result.status]
    return earned / total if total else 0.0


def _requirements_detail(results: tuple[RequirementResult, ...]) -> str:
    parts = []
    for importance, label in ((Importance.must, "must-haves"), (Importance.nice, "nice-to-haves")):
        group = [r for r in results if r.importance is importance]
        if group:
            met = sum(r.status is Status.met for r in group)
            listed = sum(r.status is Status.listed for r in group)
            parts.append(f"{met} of {len(group)} {label} met" + (f", {listed} listed only" if listed else ""))
    return "; ".join(parts)


def years_used(experience: Experience) -> tuple[float | None, str]:
    """The years the experience part uses, and where they come from."""
    if experience.years is not None:
        return experience.years, "from dated positions"
    if experience.stated_years is not None:
        return experience.stated_years, "as stated (no dated positions)"
    return None, "no dated positions"


def fit_score(probability: float, assessment: TextAssessment, role: RoleRequirements | None) -> Fit:
    """The fit of a scored text: the weighted parts, and the seniority rule's verdict."""
    parts = [FitPart("role match", probability, ROLE_MATCH_POINTS, f"probability {probability:.3f}")]
    min_years = role.min_years if role else None
    below = ""
    if role and role.requirements:
        coverage = requirement_coverage(assessment.requirements)
        parts.append(
            FitPart(
                "requirements", coverage, REQUIREMENT_POINTS, _requirements_detail(assessment.requirements)
            )
        )
    if min_years:
        years, source = years_used(assessment.experience)
        value = min(years / min_years, 1.0) if years is not None else 0.0
        shown = f"{years:g} years {source}" if years is not None else source
        parts.append(
            FitPart(
                "experience",
                value,
                EXPERIENCE_POINTS,
                f"{shown}; the role asks for {min_years}, more adds nothing",
            )
        )
        if years is None:
            below = f"no dated positions, so the {min_years} years the role asks for cannot be checked"
        elif years < min_years:
            below = f"{years:g} years of relevant experience ({source}), the role asks for {min_years}"
    total_points = sum(part.points for part in parts)
    # Scale to 100 whatever parts the role has, so fits of one role always compare on the same scale.
    score = round(100 * sum(part.earned for part in parts) / total_points, 1)
    return Fit(
        score=score,
        parts=tuple(parts),
        requirements=assessment.requirements,
        experience=assessment.experience,
        min_years=min_years,
        words=assessment.words,
        too_little=assessment.too_little,
        stuffing=assessment.stuffing,
        below_seniority=below,
    )


STATUS_MARKS = {Status.met: "✔ met", Status.listed: "~ listed only", Status.missing: "✘ not found"}


def breakdown(fit: Fit) -> list[str]:
    """The fit as lines of plain text: the total, each part with its points, the rules that applied."""
    lines = [f"Fit {fit.score:.1f} of 100"]
    scale = 100 / sum(part.points for part in fit.parts)
    for part in fit.parts:
        lines.append(
            f"  {part.name}: {part.value:.3f} × {part.points * scale:.0f} = {part.earned * scale:.1f}"
            f"  ({part.detail})"
        )
    lines.extend(fit.notes())
    return lines


def requirement_lines(fit: Fit) -> list[str]:
    """Each requirement's verdict and the passage that shows it, as plain text."""
    lines = []
    for result in fit.requirements:
        lines.append(
            f"{STATUS_MARKS[result.status]:<14} [{result.importance}] {result.id}: {result.description}"
        )
        if result.passage:
            lines.append(f"    “{result.passage}”")
    return lines


def experience_lines(fit: Fit) -> list[str]:
    """The dated positions the years were counted from, and the breaks that were not counted."""
    experience = fit.experience
    lines = []
    for item in experience.positions:
        counted = (
            f"relevant ({', '.join(item.matched)})"
            if item.relevant and item.matched
            else ("counted" if item.relevant else "not relevant to the role")
        )
        lines.append(
            f"{item.start.label()} to {item.end.label()}  {item.months / 12:4.1f} y  {counted}: {item.line}"
        )
    for item in experience.breaks:
        lines.append(
            f"{item.start.label()} to {item.end.label()}  {item.months / 12:4.1f} y  break, not counted and "
            "not held against the candidate"
        )
    if experience.years is not None and experience.total_years is not None:
        lines.append(
            f"{experience.years:g} years of relevant experience ({experience.total_years:g} in all dated "
            "positions; overlapping positions count once)"
        )
    elif experience.stated_years is not None:
        lines.append(f"No dated positions; the resume states {experience.stated_years:g} years")
    else:
        lines.append("No dated positions")
    return lines


def fit_report(fit: Fit) -> str:
    """Everything behind a fit, for a reviewer: the parts, the requirements with passages, the dates used."""
    sections = [breakdown(fit)]
    if fit.requirements:
        sections.append(["Requirements (must-haves count twice; met 1, listed only 0.5, not found 0)"])
        sections[-1].extend(f"  {line}" for line in requirement_lines(fit))
    sections.append(["Experience"] + [f"  {line}" for line in experience_lines(fit)])
    return "\n\n".join("\n".join(section) for section in sections)


def flag_message(flag: str) -> str:
    """The recruiter-facing message of a fit flag, or the flag itself when it is not one."""
    try:
        return FitFlag(flag).message
    except ValueError:
        return flag
