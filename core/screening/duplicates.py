"""Files of one run that repeat each other: the same file twice, the same resume twice, one applicant's files.

- **same file**: identical bytes (sha256), whatever the names;
- **same resume**: near-identical text, as the dataset's near-duplicate check defines it
  (:class:`core.generation.dedup.NearDuplicateIndex`: word 5-gram shingles, Jaccard above its threshold), so
  a re-exported or lightly edited copy is caught;
- **same applicant**: an email address or a phone number in common, unless the two texts name different people
  (a recruiting agency's address, a referee both list).

Each repeat names the file it repeats, the one ranked higher ("same file as #8"), so a reviewer reads the
best-ranked copy and sees the others tied to it. Nothing is removed or re-scored: duplicates keep their own
rank, so an exact copy sits next to its original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING

from core.generation.dedup import NearDuplicateIndex
from core.screening.redaction import contact_details

if TYPE_CHECKING:  # the screener imports this module, and Candidate lives there
    from core.screening.screener import Candidate


class Repeat(StrEnum):
    """How a file repeats a higher-ranked one, most certain first."""

    same_file = "same_file"
    same_resume = "same_resume"
    same_applicant = "same_applicant"


_NOTES = {
    Repeat.same_file: "Same file as {target}",
    Repeat.same_resume: "Same resume as {target} (near-identical text)",
    Repeat.same_applicant: "Same applicant as {target} (same email or phone)",
}


def _names_differ(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and first.casefold() != second.casefold()


def mark_repeats(ranked: Sequence[Candidate]) -> list[Candidate]:
    """``ranked`` (in rank order) with each repeat's ``duplicate_of`` and ``duplicate_kind`` set.

    The first file of a kind is the original; a later one points at it. Call :func:`rank_candidates` afterwards
    to number the references.
    """
    first_by_hash: dict[str, str] = {}
    resumes = NearDuplicateIndex()
    by_file = {candidate.file: candidate for candidate in ranked}
    position = {candidate.file: index for index, candidate in enumerate(ranked)}
    head_by_contact: dict[str, str] = {}  # an email or phone, and the best-ranked file that gives it
    marked: list[Candidate] = []
    for candidate in ranked:
        link: tuple[Repeat, str] | None = None
        if candidate.sha256 in first_by_hash:
            link = (Repeat.same_file, first_by_hash[candidate.sha256])
        elif candidate.sha256:  # files never read have no hash and repeat nothing
            first_by_hash[candidate.sha256] = candidate.file
        if candidate.text:
            prepared = resumes.prepare(candidate.text)
            similar = resumes.find(prepared)
            if link is None and similar is not None:
                link = (Repeat.same_resume, similar[0])
            resumes.insert(candidate.file, prepared)
            contacts = contact_details(candidate.text)
            heads = {
                head_by_contact[key]
                for key in contacts
                if key in head_by_contact
                and not _names_differ(by_file[head_by_contact[key]].name, candidate.name)
            }
            head = min(heads, key=position.__getitem__) if heads else candidate.file
            if link is None and head != candidate.file:
                link = (Repeat.same_applicant, head)
            for key in contacts:
                head_by_contact.setdefault(key, head)
        if link is not None:
            candidate = replace(candidate, duplicate_kind=str(link[0]), duplicate_of=link[1])
        marked.append(candidate)
    return marked


def repeat_note(candidate: Candidate, label_of_file: str | None = None) -> str:
    """What the reviewer reads about a repeat ("Same file as #8"); "" for a file that repeats nothing.

    The target is named by its rank; an unranked target (a rejected file) by ``label_of_file``, or by its file
    name when that is not given (blind mode passes a stand-in).
    """
    if not candidate.duplicate_kind or not candidate.duplicate_of:
        return ""
    rank = candidate.duplicate_of_rank
    target = f"#{rank}" if rank is not None else (label_of_file or candidate.duplicate_of)
    return _NOTES[Repeat(candidate.duplicate_kind)].format(target=target)
