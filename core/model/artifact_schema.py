"""The schema of ``model.json``: what a model version's metadata must hold before anything is built from it.

A version that does not match is refused with a :class:`~core.errors.ModelError` that names every wrong field,
never with the ``KeyError`` or ``TypeError`` that using it would raise later. The arrays and their hash are
checked by :mod:`core.model.artifact`; this module checks the JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ModelError

FORMAT_VERSION = 1

Number = Annotated[float, Field(allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class _Fixed(BaseModel):
    """Parts that Shortlist derives itself: exact types, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class RbfDecision(_Fixed):
    type: Literal["rbf"]
    gamma: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
    intercept: Number


class LinearDecision(_Fixed):
    type: Literal["linear"]
    intercept: Number


class CalibrationFields(_Fixed):
    a: Number
    b: Number


class ThresholdFields(_Fixed):
    shortlist: Probability
    review: Probability


class ChunkingFields(_Fixed):
    window_tokens: Annotated[int, Field(gt=0)]
    overlap_tokens: Annotated[int, Field(ge=0)]
    pooling: Literal["mean", "first", "max"]
    max_windows: Annotated[int, Field(gt=0)]


class EncoderFields(BaseModel):
    """Which encoder the model was trained with; later versions may add keys."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    id: Annotated[str, Field(min_length=1)]
    dimension: Annotated[int, Field(gt=0)] | None = None


class ModelDocument(BaseModel):
    """``model.json``. Besides the fields below it holds free-form descriptions (training data, library
    versions...); those that the app reads must at least have the right shape."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    format: Literal[1]
    decision: Annotated[RbfDecision | LinearDecision, Field(discriminator="type")]
    calibration: CalibrationFields
    thresholds: ThresholdFields
    chunking: ChunkingFields
    encoder: EncoderFields
    arrays_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    version: str | None = None
    created_at: str | None = None
    metrics: dict[str, dict[str, Any]] | None = None
    training: dict[str, Any] | None = None
    classifier: dict[str, Any] | None = None
    role: dict[str, Any] | None = None
    derived_from: dict[str, Any] | None = None


def validate_document(document: Any, directory: Path) -> ModelDocument:
    """``document`` checked against the schema; ``ModelError`` says what is wrong, field by field."""
    if not isinstance(document, dict):
        raise ModelError(f"Model metadata in {directory} is not a JSON object")
    written = document.get("format")
    if isinstance(written, int) and not isinstance(written, bool) and written > FORMAT_VERSION:
        raise ModelError(
            f"Model at {directory} was written by a newer Shortlist (format {written}); this version reads "
            f"format {FORMAT_VERSION}. Update Shortlist to use it."
        )
    try:
        return ModelDocument.model_validate(document)
    except ValidationError as exc:
        raise ModelError(f"Model at {directory} has invalid metadata: {_describe(exc)}") from None


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False):
        # A discriminated union puts the chosen tag in the location ("decision.rbf.gamma"); keep it readable.
        where = ".".join(str(part) for part in item["loc"]) or "model.json"
        if item["type"] == "missing":
            problem = "missing"
        elif item["type"] in ("model_type", "dict_type"):
            problem = "should be a JSON object"  # pydantic's message would name our class
        else:
            problem = item["msg"]
        problems.append(f"{where}: {problem}")
    return "; ".join(problems)
