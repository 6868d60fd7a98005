"""One exception tree for Shortlist. Pages and the CLI show only these, never a traceback.

ShortlistError
├── ConfigError            a setting, path or argument is wrong
├── DocumentError          a file could not become usable text (carries a Rejection reason)
├── ModelError             a model version is missing, incomplete or fails its integrity check
│   └── IntegrityError     an artifact's sha256 does not match its metadata
├── DatasetError           a dataset file or record is unusable
├── EncoderError           the sentence encoder could not be loaded or run
└── GenerationError        the LLM endpoint refused or failed in a way that stops a job
    ├── AuthenticationFailed   401: the key is wrong
    └── QuotaExhausted         429 insufficient_quota: the account is out of credit
"""

from __future__ import annotations


class ShortlistError(Exception):
    """Base of every error Shortlist shows to a user."""


class ConfigError(ShortlistError):
    """A setting, path or argument is wrong."""


class DocumentError(ShortlistError):
    """A document could not be turned into usable text."""


class ModelError(ShortlistError):
    """A model version is missing, incomplete or unusable."""


class IntegrityError(ModelError):
    """An artifact does not match the hash recorded in its metadata."""


class DatasetError(ShortlistError):
    """A dataset file or record is unusable."""


class EncoderError(ShortlistError):
    """The sentence encoder could not be loaded or run."""


class GenerationError(ShortlistError):
    """Generation cannot continue."""


class AuthenticationFailed(GenerationError):
    """The endpoint rejected the API key."""


class QuotaExhausted(GenerationError):
    """The account has no quota left."""
