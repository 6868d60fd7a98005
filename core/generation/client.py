"""The OpenAI-compatible endpoint, through the ``openai`` SDK, with every failure sorted into what to do next.

The SDK's own retries are off (``max_retries=0``): the runner retries, because only it knows the shared rate
budget. Replies are read raw, so the ``x-ratelimit-*`` headers reach the limiter and a malformed body is a
retryable error rather than a crash. Failures become:

- :class:`RateLimited` (429 for rate): cool down for ``Retry-After`` and retry;
- :class:`TransientError` (5xx, timeout, connection, malformed body): back off and retry;
- :class:`RequestRejected` (400, 404, 422): this request will never succeed;
- :class:`~core.errors.QuotaExhausted` (429 ``insufficient_quota``) and
  :class:`~core.errors.AuthenticationFailed` (401, 403): stop the job at once.

The key is held by the SDK client only; nothing here prints, logs or reprs it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai

from core.errors import AuthenticationFailed, GenerationError, QuotaExhausted
from core.generation.limiter import RateLimitInfo
from core.generation.settings import redact


class RetryableError(Exception):
    """A request failed in a way that a later attempt may not."""

    kind = "error"


class TransientError(RetryableError):
    """5xx, timeout, dropped connection or an unreadable reply."""

    def __init__(self, kind: str, message: str, info: RateLimitInfo | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.info = info or RateLimitInfo()


class RateLimited(RetryableError):
    """429 for rate: wait ``retry_after_s`` (when the server said) and retry."""

    kind = "rate_limited"

    def __init__(self, message: str, info: RateLimitInfo) -> None:
        super().__init__(message)
        self.info = info
        self.retry_after_s = info.retry_after_s if info.retry_after_s is not None else info.reset_hint_s()


class RequestRejected(Exception):
    """The endpoint refused this request as malformed (400, 404, 422): retrying it is pointless."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ChatReply:
    """What one chat completion returned."""

    content: str | None
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    model: str | None
    info: RateLimitInfo

    @property
    def total_tokens(self) -> int | None:
        if self.prompt_tokens is None and self.completion_tokens is None:
            return None
        return (self.prompt_tokens or 0) + (self.completion_tokens or 0)


@dataclass(frozen=True)
class BatchInfo:
    """The parts of a Batch object the runner uses."""

    id: str
    status: str
    output_file_id: str | None
    error_file_id: str | None
    total: int
    completed: int
    failed: int
    errors: tuple[str, ...]

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "expired", "cancelled")


def parse_chat_body(body: object, info: RateLimitInfo) -> ChatReply:
    """A :class:`ChatReply` from a chat-completion JSON body; TransientError when the body is not one."""
    if not isinstance(body, dict):
        raise TransientError("malformed_response", "The reply is not a JSON object", info)
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise TransientError("malformed_response", "The reply has no choices", info)
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    assert isinstance(usage, dict)

    def _count(name: str) -> int | None:
        value = usage.get(name)
        return int(value) if isinstance(value, int | float) else None

    finish = choices[0].get("finish_reason")
    return ChatReply(
        content=content if isinstance(content, str) else None,
        finish_reason=finish if isinstance(finish, str) else None,
        prompt_tokens=_count("prompt_tokens"),
        completion_tokens=_count("completion_tokens"),
        model=body.get("model") if isinstance(body.get("model"), str) else None,
        info=info,
    )


class LLMClient:
    """A thin async client for chat completions and the Batch API against one endpoint."""

    def __init__(
        self, *, api_key: str, base_url: str | None, model: str, timeout_s: float, connect_timeout_s: float
    ) -> None:
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self._sdk = openai.AsyncOpenAI(
            api_key=api_key,
            base_url=base_url,
            max_retries=0,
            timeout=openai.Timeout(timeout_s, connect=connect_timeout_s),
        )

    def __repr__(self) -> str:
        return f"LLMClient(model={self.model!r}, base_url={self.base_url!r})"

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._sdk.close()

    def _fail(self, error: Exception) -> Exception:
        """The exception to raise for an SDK error (never carries the key)."""
        if isinstance(error, openai.APITimeoutError):
            return TransientError("timeout", "The request timed out")
        if isinstance(error, openai.APIConnectionError):
            return TransientError("connection", "Could not reach the endpoint")
        if isinstance(error, openai.APIStatusError):
            info = RateLimitInfo.from_headers(error.response.headers)
            message = redact(str(getattr(error, "message", error)), self._api_key)[:300]
            code = str(error.code or "")
            kind = str(getattr(error, "type", "") or "")
            status = error.status_code
            if status == 429 and "insufficient_quota" in (code, kind):
                return QuotaExhausted(
                    "The account has no quota left (429 insufficient_quota): add credit or billing details "
                    "at the provider, or use another key. " + message
                )
            if status == 429:
                return RateLimited(message, info)
            if status == 401:
                return AuthenticationFailed(
                    "The endpoint rejected the API key (401): check OPENAI_API_KEY or the key you entered. "
                    + message
                )
            if status == 403:
                return AuthenticationFailed(f"The key may not use this model or endpoint (403). {message}")
            if status in (400, 404, 422):
                return RequestRejected(status, f"{status}: {message}")
            return TransientError(f"http_{status}", f"{status}: {message}", info)
        if isinstance(error, openai.APIResponseValidationError | json.JSONDecodeError):
            return TransientError("malformed_response", "The reply could not be parsed")
        return error

    async def chat(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        json_mode: bool = True,
    ) -> ChatReply:
        """One chat completion; raises the module's errors (see the module docstring)."""
        extra: dict[str, Any] = {}
        if json_mode:
            extra["response_format"] = {"type": "json_object"}
        try:
            raw = await self._sdk.chat.completions.with_raw_response.create(
                model=self.model,
                messages=[dict(m) for m in messages],  # type: ignore[misc]
                max_tokens=max_tokens,
                temperature=temperature,
                **extra,
            )
        except openai.OpenAIError as error:
            raise self._fail(error) from None
        info = RateLimitInfo.from_headers(raw.headers)
        try:
            body = json.loads(raw.content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise TransientError("malformed_response", "The reply body is not JSON", info) from None
        return parse_chat_body(body, info)

    # --- Batch API ---------------------------------------------------------------------------------------
    async def upload_batch_file(self, path: Path) -> str:
        """Upload a batch input JSONL file; returns its file id."""
        try:
            uploaded = await self._sdk.files.create(file=(path.name, path.read_bytes()), purpose="batch")
        except openai.OpenAIError as error:
            raise self._batch_error(error) from None
        return uploaded.id

    async def create_batch(self, input_file_id: str, metadata: dict[str, str]) -> BatchInfo:
        """Start a chat-completions batch with a 24-hour window."""
        try:
            batch = await self._sdk.batches.create(
                input_file_id=input_file_id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
                metadata=metadata,
            )
        except openai.OpenAIError as error:
            raise self._batch_error(error) from None
        return _batch_info(batch)

    async def retrieve_batch(self, batch_id: str) -> BatchInfo:
        """The batch's current state."""
        try:
            return _batch_info(await self._sdk.batches.retrieve(batch_id))
        except openai.OpenAIError as error:
            raise self._batch_error(error) from None

    async def file_content(self, file_id: str) -> bytes:
        """The bytes of an uploaded or produced file."""
        try:
            content = await self._sdk.files.content(file_id)
        except openai.OpenAIError as error:
            raise self._batch_error(error) from None
        return content.read()

    def _batch_error(self, error: Exception) -> Exception:
        failure = self._fail(error)
        if isinstance(failure, RequestRejected):
            return GenerationError(f"The Batch API refused the request ({failure})")
        return failure


def _batch_info(batch: Any) -> BatchInfo:
    counts = getattr(batch, "request_counts", None)
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    return BatchInfo(
        id=batch.id,
        status=batch.status,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        total=getattr(counts, "total", 0) or 0,
        completed=getattr(counts, "completed", 0) or 0,
        failed=getattr(counts, "failed", 0) or 0,
        errors=tuple(str(getattr(e, "message", e))[:200] for e in errors),
    )
