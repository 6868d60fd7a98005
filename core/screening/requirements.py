"""A role's requirements, and the evidence a resume gives for each: met, listed only, or not found.

A requirement is met when one of its synonyms appears in described work: a line under an experience or
projects heading, or a sentence of prose in a summary. It is "listed only" when its synonyms appear only in
skills lists, certifications, education or other list-like lines, and "not found" otherwise. The passage shown
is the whole line or sentence that holds the match (long sentences are cut at word boundaries), so a reviewer
reads the resume's own words.

Matching is lexical on purpose: it is cheap, it explains itself ("matched Terraform"), and a recruiter can fix a
miss by adding a synonym to the role profile. Synonyms match whole words, any case, with an optional plural;
spaces and hyphens inside a synonym are optional ("Argo CD" matches "ArgoCD"). Synonyms of one or two
characters ("Go", "R") match only with the case they are written in, so "go" in a sentence is not Go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from core.errors import ConfigError
from core.screening.layout import Layout, Section, passage, sentences

WORK_SECTIONS = frozenset({Section.experience, Section.projects})
PROSE_SECTIONS = frozenset({Section.header, Section.summary})


class Importance(StrEnum):
    must = "must"
    nice = "nice"


class Status(StrEnum):
    """How well a resume shows one requirement."""

    met = "met"
    listed = "listed only"
    missing = "not found"


@dataclass(frozen=True)
class Requirement:
    """One thing the role asks for, with the words that show it."""

    id: str
    importance: Importance
    description: str
    synonyms: tuple[str, ...]

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], ...]:
        any_case = [s for s in self.synonyms if len(s.strip()) > 2]
        exact_case = [s for s in self.synonyms if len(s.strip()) <= 2]
        patterns = []
        for group, flags in ((any_case, re.IGNORECASE), (exact_case, 0)):
            if group:
                # Longest first, so "GitLab CI" wins over "GitLab" inside one match.
                body = "|".join(_synonym_pattern(s) for s in sorted(group, key=len, reverse=True))
                patterns.append(re.compile(rf"(?<![\w])(?:{body})(?![\w])", flags))
        return tuple(patterns)

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """Character spans of every synonym in ``text``."""
        for pattern in self._patterns:
            for match in pattern.finditer(text):
                yield match.start(), match.end()

    def search(self, text: str) -> bool:
        """True when ``text`` mentions one of the synonyms."""
        return any(pattern.search(text) for pattern in self._patterns)


def _synonym_pattern(synonym: str) -> str:
    parts = [re.escape(part) for part in re.split(r"[\s-]+", synonym.strip()) if part]
    body = r"[\s-]*".join(parts)
    return body + r"(?:e?s)?" if synonym.strip()[-1:].isalpha() else body


@dataclass(frozen=True)
class RoleRequirements:
    """What the fit score checks a resume against: the requirements, the minimum years if the role asks, and the
    words that name the role in a job title.

    Role profiles (``data/roles/<role-id>.toml``) hold the same fields: ``[seniority] min_years``,
    ``[[requirements]] id, importance, description, synonyms`` and ``role_words``.
    """

    requirements: tuple[Requirement, ...]
    min_years: int | None = None
    role_words: tuple[str, ...] = ()  # words that name the role in a job title ("DevOps", "SRE")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RoleRequirements:
        """The requirements of a role profile as parsed from TOML (or dumped from a profile model).

        Raises :class:`ConfigError` naming the first field that is wrong.
        """
        raw = data.get("requirements", [])
        if not isinstance(raw, list):
            raise ConfigError("requirements must be a list of tables")
        requirements: list[Requirement] = []
        for index, item in enumerate(raw, start=1):
            where = f"requirement {index}"
            if not isinstance(item, Mapping):
                raise ConfigError(f"{where} must be a table with id, importance, description and synonyms")
            rid = item.get("id")
            if not isinstance(rid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", rid):
                raise ConfigError(f"{where}: id must be lower-case letters, digits, - or _ (got {rid!r})")
            where = f"requirement {rid!r}"
            if any(r.id == rid for r in requirements):
                raise ConfigError(f"{where} appears twice")
            importance = item.get("importance")
            if importance not in ("must", "nice"):
                raise ConfigError(f'{where}: importance must be "must" or "nice" (got {importance!r})')
            description = item.get("description")
            if not isinstance(description, str) or not description.strip():
                raise ConfigError(f"{where}: description must be a non-empty string")
            synonyms = item.get("synonyms")
            if (
                not isinstance(synonyms, list)
                or not synonyms
                or not all(isinstance(s, str) and s.strip() for s in synonyms)
            ):
                raise ConfigError(f"{where}: synonyms must be a non-empty list of non-empty strings")
            requirements.append(
                Requirement(
                    rid, Importance(importance), description.strip(), tuple(s.strip() for s in synonyms)
                )
            )
        seniority = data.get("seniority") or {}
        if not isinstance(seniority, Mapping):
            raise ConfigError("seniority must be a table")
        min_years = seniority.get("min_years")
        if min_years is not None and (
            isinstance(min_years, bool) or not isinstance(min_years, int) or not 0 < min_years <= 40
        ):
            raise ConfigError(f"seniority.min_years must be a whole number from 1 to 40 (got {min_years!r})")
        role_words = data.get("role_words", [])
        if not isinstance(role_words, list) or not all(isinstance(w, str) and w.strip() for w in role_words):
            raise ConfigError("role_words must be a list of non-empty strings")
        return cls(tuple(requirements), min_years, tuple(w.strip() for w in role_words))

    @property
    def must(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.importance is Importance.must)

    @cached_property
    def title_words(self) -> Requirement | None:
        """The role's words as one matcher (same matching rules as synonyms), or None without any."""
        if not self.role_words:
            return None
        return Requirement("title", Importance.must, "the role's words in a job title", self.role_words)


@dataclass(frozen=True)
class RequirementResult:
    """The evidence for one requirement in one resume."""

    id: str
    importance: Importance
    description: str
    status: Status
    passage: str = ""  # the best line or sentence, as written
    matched: tuple[str, ...] = field(default_factory=tuple)  # the words that matched, as written


def described_work(structure: Layout, index: int) -> bool:
    """True when line ``index`` describes work: under an experience or projects heading, or prose in a
    summary (not a list)."""
    line = structure.lines[index]
    return line.section in WORK_SECTIONS or (line.section in PROSE_SECTIONS and not line.list_like)


def check_requirement(structure: Layout, requirement: Requirement) -> RequirementResult:
    """Met, listed only or not found, with the best passage: described work before lists, then the passage
    with the most different synonyms, then the first."""
    text = structure.text
    # passage span -> (described, matched words)
    found: dict[tuple[int, int], tuple[bool, list[str]]] = {}
    for start, end in requirement.finditer(text):
        index = structure.line_at(start)
        line = structure.lines[index]
        if line.heading or not line.start <= start < line.end:
            continue
        span = next((s for s in sentences(line) if s[0] <= start < s[1]), (line.start, line.end))
        found.setdefault(span, (described_work(structure, index), []))[1].append(text[start:end])
    if not found:
        return RequirementResult(
            requirement.id, requirement.importance, requirement.description, Status.missing
        )

    def strength(item: tuple[tuple[int, int], tuple[bool, list[str]]]) -> tuple[bool, bool, int, int]:
        # Described work first, a job's own lines before a summary, then more different words, then earliest.
        span, (described, words) = item
        in_job = structure.lines[structure.line_at(span[0])].section in WORK_SECTIONS
        return described, in_job, len({w.casefold() for w in words}), -span[0]

    span = max(found.items(), key=strength)[0]
    all_words: list[str] = []
    for _, matched in found.values():
        all_words.extend(w for w in matched if w.casefold() not in {a.casefold() for a in all_words})
    first_match = next(iter(requirement.finditer(text[span[0] : span[1]])), (0, 0))
    focus = (span[0] + first_match[0], span[0] + first_match[1])
    return RequirementResult(
        requirement.id,
        requirement.importance,
        requirement.description,
        Status.met if any(d for d, _ in found.values()) else Status.listed,
        passage=passage(text, span, focus),
        matched=tuple(all_words),
    )


def check_requirements(
    structure: Layout, requirements: Sequence[Requirement]
) -> tuple[RequirementResult, ...]:
    """The evidence for every requirement, in the profile's order."""
    return tuple(check_requirement(structure, requirement) for requirement in requirements)
