"""Finding and removing personal details: the candidate's name, emails, phone numbers and profile URLs.

The model reads resumes with these removed, so a candidate's name or contact details can never move their score,
and blind mode hides the same details from reviewers.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:linkedin|github|gitlab)\.com/\S*", re.IGNORECASE)
# Seven or more digits with the usual separators: phone numbers, not years or date ranges.
PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().-]{6,}\d(?![\w/])")
NAME_PUNCTUATION = "'’.-"
NOT_NAME_WORDS = {
    "resume",
    "résumé",
    "curriculum",
    "vitae",
    "cv",
    "profile",
    "summary",
    "objective",
    "contact",
    "engineer",
    "developer",
    "manager",
    "senior",
    "junior",
    "lead",
    "experience",
    "skills",
    "education",
    "personal",
    "details",
    "information",
    "professional",
    "career",
    "page",
    "address",
    "phone",
    "email",
    "mobile",
    "analyst",
    "administrator",
    "consultant",
    "specialist",
    "devops",
    "sre",
    "cloud",
    "platform",
    "nurse",
    "teacher",
    "designer",
    "officer",
    "technician",
    "architect",
    "the",
    "and",
    "of",
    "for",
    "at",
    "in",
}
LABEL_PREFIX = re.compile(r"^(?:name|candidate|full name)\s*[:\-–]\s*", re.IGNORECASE)


YEAR_RANGE = re.compile(r"\(?(?:19|20)\d\d\)?(?:\s*[-–.]\s*\(?(?:19|20)\d\d\)?)+")


def _phone_like(match: re.Match[str]) -> bool:
    """Seven or more digits that are not a run of years such as "2019 - 2023"."""
    value = match.group(0).strip()
    return sum(ch.isdigit() for ch in value) >= 7 and not YEAR_RANGE.fullmatch(value)


def _name_token(word: str) -> bool:
    """A capitalised word of letters from any script (Zielińska-Kruk, Ólafsdóttir, O'Neil) or an initial."""
    return (
        word[0].isupper()
        and any(ch.isalpha() for ch in word)
        and all(ch.isalpha() or ch in NAME_PUNCTUATION for ch in word)
    )


def find_name(text: str, max_lines: int = 6) -> str | None:
    """The candidate's name, when one of the first lines looks like one (2 to 4 capitalised words)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:max_lines]
    for line in lines:
        candidate = LABEL_PREFIX.sub("", line)
        candidate = re.split(r"\s+[|•·,–—]\s+|\t| {3,}", candidate)[0].strip()
        words = candidate.split()
        if not 2 <= len(words) <= 4:
            continue
        if any(word.lower().strip(".,") in NOT_NAME_WORDS for word in words):
            continue
        if all(_name_token(word) for word in words):
            return " ".join(words)
    return None


# The last digits of a phone number name the line; the rest is a country or trunk prefix written many ways
# (+44 7700 900123 and 07700 900123 are one number).
PHONE_DIGITS_KEPT = 9


def contact_details(text: str) -> set[str]:
    """The emails and phone numbers in ``text``, normalised so that two ways of writing one match:
    ``email:jane@x.example`` (lower case) and ``phone:`` plus the last nine digits."""
    details = {f"email:{match.group(0).lower().rstrip('.')}" for match in EMAIL.finditer(text)}
    for match in PHONE.finditer(text):
        if _phone_like(match):
            digits = "".join(char for char in match.group(0) if char.isdigit())
            details.add(f"phone:{digits[-PHONE_DIGITS_KEPT:]}")
    return details


def redact(text: str, name: str | None = None, markers: tuple[str, str, str, str] = ("", "", "", "")) -> str:
    """``text`` with emails, URLs, phone numbers and the candidate's name (found when not given) replaced by
    ``markers`` (email, link, phone, name); empty markers remove them."""
    email, link, phone, name_marker = markers
    name = name if name is not None else find_name(text)
    redacted = EMAIL.sub(email, text)
    redacted = URL.sub(link, redacted)
    redacted = PHONE.sub(lambda m: phone if _phone_like(m) else m.group(0), redacted)
    if name:
        redacted = re.sub(re.escape(name), name_marker, redacted, flags=re.IGNORECASE)
        for token in name.split():
            token = token.strip(".")
            if len(token) >= 2:
                redacted = re.sub(rf"\b{re.escape(token)}\b", name_marker, redacted, flags=re.IGNORECASE)
    return redacted


def model_input(text: str) -> str:
    """The text the encoder reads: personal details removed and whitespace folded, so they never move a score."""
    lines = (" ".join(line.split()) for line in redact(text).splitlines())
    return "\n".join(line for line in lines if line)


def blind(text: str, name: str | None = None) -> str:
    """``text`` for blind review: personal details replaced by visible markers."""
    return redact(text, name, markers=("[email]", "[link]", "[phone]", "[name]"))
