"""The SDK client against the fake server: every failure becomes the right kind of error."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

import pytest

from core.errors import AuthenticationFailed, QuotaExhausted
from core.generation.client import ChatReply, LLMClient, RateLimited, TransientError
from tools.fake_openai import FakeOpenAI

E = TypeVar("E", bound=Exception)
MESSAGES = [{"role": "user", "content": "Job title: Chef\nLength: between 40 and 60 words."}]


def call(fake: FakeOpenAI, key: str | None = None, timeout_s: float = 2.0) -> ChatReply:
    async def go() -> ChatReply:
        client = LLMClient(
            api_key=key or fake.config.api_key,
            base_url=fake.base_url,
            model="fake",
            timeout_s=timeout_s,
            connect_timeout_s=1.0,
        )
        try:
            return await client.chat(MESSAGES, max_tokens=400, temperature=1.0)
        finally:
            await client.aclose()

    return asyncio.run(go())


def raises(fake: FakeOpenAI, fault: str, error: type[E], **kwargs: Any) -> E:
    fake.inject(fault)
    with pytest.raises(error) as caught:
        call(fake, **kwargs)
    return caught.value


def test_reply_with_usage_and_headers(fake: FakeOpenAI) -> None:
    reply = call(fake)
    assert reply.finish_reason == "stop" and reply.content and '"resume"' in reply.content
    assert reply.prompt_tokens and reply.completion_tokens
    assert reply.info.limit_requests and reply.info.remaining_tokens is not None


def test_faults_are_sorted(fake: FakeOpenAI) -> None:
    assert raises(fake, "server_error", TransientError).kind == "http_500"
    assert raises(fake, "bad_gateway", TransientError).kind == "http_502"
    assert raises(fake, "malformed_body", TransientError).kind == "malformed_response"
    assert raises(fake, "hang", TransientError, timeout_s=0.3).kind == "timeout"
    assert raises(fake, "rate_limit", RateLimited).retry_after_s == pytest.approx(0.2)
    quota = raises(fake, "quota", QuotaExhausted)
    assert "quota" in str(quota)
    assert "401" in str(raises(fake, "auth", AuthenticationFailed))


def test_the_key_never_shows(fake: FakeOpenAI) -> None:
    secret = "sk-live-SECRET-should-never-appear-1234"
    client = LLMClient(api_key=secret, base_url=fake.base_url, model="m", timeout_s=1, connect_timeout_s=1)
    assert secret not in repr(client) and secret not in str(vars(client).get("model"))
    error = raises(fake, "auth", AuthenticationFailed, key=secret)
    assert secret not in str(error)


def test_rate_limit_429_from_real_limits(fake: FakeOpenAI) -> None:
    fake.config.rpm = 1
    call(fake)
    with pytest.raises(RateLimited) as caught:
        call(fake)
    assert caught.value.retry_after_s is not None and 0 < caught.value.retry_after_s <= fake.config.window_s
    assert caught.value.info.remaining_requests == 0
