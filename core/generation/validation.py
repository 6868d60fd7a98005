"""Checks on every reply before it may become a record. A failed check names its reason; nothing is written.

Reasons: ``truncated`` (finish reason ``length``), ``bad_finish_reason``, ``invalid_json``, ``empty_resume``,
``refusal``, ``placeholder``, ``too_short``, ``too_long``, ``not_english``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from core.data.plan import PlannedItem

REJECT_REASONS = (
    "truncated",
    "bad_finish_reason",
    "invalid_json",
    "empty_resume",
    "refusal",
    "placeholder",
    "too_short",
    "too_long",
    "not_english",
    "exact_duplicate",
    "near_duplicate",
)

_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL | re.IGNORECASE)
_REFUSAL_START = re.compile(
    r"^\W*(i'?m sorry|i am sorry|sorry,|i cannot|i can'?t|i'?m unable|i am unable|i won'?t"
    r"|unfortunately,? i)",
    re.IGNORECASE,
)
# "as an AI" is a refusal, "as an AI engineer" is a job.
_REFUSAL_ANYWHERE = re.compile(
    r"\bas an ai\b(?!\s*(?:/|-|and\b|engineer|researcher|scientist|specialist|developer|product|practitioner|"
    r"consultant|lead|architect|ethics|trainer|team))|\bas a language model\b|\bi cannot (?:fulfil|fulfill|"
    r"comply|assist|help|create|write)|\bi can'?t (?:assist|help) with\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"\[\s*(?:your|insert|candidate|company|employer|name|full name|phone|email|address|city|date|university)"
    r"[^\]]{0,40}\]|lorem ipsum"
    r"|<\s*(?:name|company|employer|email|phone|address|city|date|your[^>]{0,30})\s*>"
    r"|\bx{3}[-. )]+x{3}|\(x{3}\)|\bxxx@",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?")
STOPWORDS = frozenset(
    (
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "during",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "do",
        "did",
        "i",
        "my",
        "me",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "they",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "while",
        "than",
        "then",
        "also",
        "not",
        "no",
    )
)
# German, Spanish, French, Portuguese, Italian and Dutch function words that are not also English words or
# common in names ("de", "la", "da" are left out).
FOREIGN_STOPWORDS = frozenset(
    (
        "und",
        "der",
        "die",
        "das",
        "mit",
        "für",
        "von",
        "ist",
        "ich",
        "bei",
        "auf",
        "im",
        "zum",
        "zur",
        "nicht",
        "eine",
        "einer",
        "y",
        "el",
        "los",
        "las",
        "con",
        "para",
        "por",
        "del",
        "una",
        "es",
        "que",
        "se",
        "al",
        "et",
        "le",
        "les",
        "des",
        "avec",
        "pour",
        "une",
        "du",
        "dans",
        "est",
        "sur",
        "au",
        "aux",
        "os",
        "com",
        "uma",
        "em",
        "não",
        "são",
        "il",
        "di",
        "che",
        "per",
        "gli",
        "nel",
        "della",
        "delle",
        "sono",
        "het",
        "een",
        "van",
        "voor",
        "met",
        "niet",
        "ook",
    )
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of validating one reply: the resume text when accepted, else the reason."""

    text: str | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.reason is None


def _reject(reason: str) -> Verdict:
    return Verdict(text=None, reason=reason)


def extract_resume(content: str) -> str | None:
    """The ``resume`` string of a JSON reply (tolerating a Markdown code fence), or None."""
    content = content.strip()
    fenced = _FENCE.match(content)
    if fenced:
        content = fenced.group(1)
    try:
        obj = json.loads(content)
    except json.JSONDecodeError:
        return None
    if not isinstance(obj, dict):
        return None
    value = obj.get("resume")
    return value if isinstance(value, str) else None


def word_count(text: str) -> int:
    """Whitespace-separated words, as a reader would count them."""
    return len(text.split())


def looks_english(text: str) -> bool:
    """A cheap language check: mostly Latin letters, and English function words outnumber foreign ones.

    Terse bullet resumes use few function words of any language, so the check only fails a text that reads as
    another language, or one with practically no English function words at all.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if sum(1 for c in letters if c.isascii()) / len(letters) < 0.85:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 40:
        return True  # too short to judge; the length check decides
    english = sum(1 for w in words if w in STOPWORDS) / len(words)
    foreign = sum(1 for w in words if w in FOREIGN_STOPWORDS) / len(words)
    return english >= 0.01 and not (foreign >= 0.04 and foreign > english)


def check_text(text: str, item: PlannedItem, length_tolerance: float) -> str | None:
    """The reason ``text`` is not usable for ``item``, or None when it is."""
    if not text.strip():
        return "empty_resume"
    if _REFUSAL_START.search(text[:300]) or _REFUSAL_ANYWHERE.search(text):
        return "refusal"
    if _PLACEHOLDER.search(text):
        return "placeholder"
    words = word_count(text)
    if words < item.min_words * (1 - length_tolerance):
        return "too_short"
    if words > item.max_words * (1 + length_tolerance):
        return "too_long"
    if not looks_english(text):
        return "not_english"
    return None


def validate_reply(
    content: str | None, finish_reason: str | None, item: PlannedItem, length_tolerance: float = 0.3
) -> Verdict:
    """Validate one reply for ``item``: finish reason, JSON shape, then the text itself."""
    if finish_reason == "length":
        return _reject("truncated")
    # Some local servers omit the finish reason; anything but "stop" or nothing is a failed reply.
    if finish_reason not in ("stop", None):
        return _reject("bad_finish_reason")
    if content is None:
        return _reject("empty_resume")
    text = extract_resume(content)
    if text is None:
        return _reject("invalid_json")
    text = text.strip()
    reason = check_text(text, item, length_tolerance)
    return Verdict(text=text, reason=None) if reason is None else _reject(reason)
