"""Settings of a generation job: what to plan, which endpoint to call, how fast, and at what price.

Settings are saved in the job folder (``settings.json``) so a restarted worker plans exactly the same items,
but the API key never is: it lives only in memory and in the worker's environment. The key comes from an
explicit value, ``OPENAI_API_KEY``, or ``.streamlit/secrets.toml``, in that order.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from core.errors import ConfigError
from core.paths import repo_root
from core.storage import write_json

# Where a key was found: typed in (or passed), the environment, or the secrets.
KeySource = Literal["given", "environment", "secrets"]

SETTINGS_FILE = "settings.json"
OPENAI_BASE_URL = "https://api.openai.com/v1"
# Local servers (vLLM, Ollama, llama.cpp) ignore the key but the SDK insists on one.
LOCAL_PLACEHOLDER_KEY = "sk-no-key-needed"


@dataclass(frozen=True)
class GenerationSettings:
    """Everything a generation job needs except the key. Times are seconds; prices are USD per 1M tokens."""

    per_class: int = 100
    profile_key: str = "devops"
    seed: int = 0
    hard_negative_share: float = 0.64
    # Restrict the plan to these role names (empty: every role of the profile). Changes the plan's ids.
    roles: tuple[str, ...] = ()
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False, compare=False)
    rpm: int = 500
    tpm: int = 200_000
    concurrency: int = 16
    # The rate-limit window: a minute for real endpoints; tests and the benchmark shrink it.
    window_s: float = 60.0
    # Extra time a request stays in our window, covering the delay before the server sees it (None: auto).
    limiter_margin_s: float | None = None
    # Sends never go faster than this multiple of the average rate the limits allow (0: no smoothing).
    smoothing: float = 4.0
    request_timeout_s: float = 120.0
    connect_timeout_s: float = 10.0
    max_attempts: int = 6
    max_item_attempts: int = 4
    backoff_base_s: float = 1.0
    backoff_max_s: float = 60.0
    temperature: float = 1.0
    max_tokens: int | None = None
    json_mode: bool = True
    length_tolerance: float = 0.3
    near_duplicate_threshold: float = 0.5
    use_starter_corpus: bool = True
    starter_corpus: str | None = None
    price_input_per_m: float = 0.15
    price_output_per_m: float = 0.60
    batch: bool = False
    batch_discount: float = 0.5
    batch_poll_s: float = 30.0
    batch_max_requests: int = 50_000
    status_interval_s: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if self.per_class < 1:
            problems.append("per_class must be at least 1")
        if self.rpm < 1 or self.tpm < 1:
            problems.append("rpm and tpm must be at least 1")
        if self.concurrency < 1:
            problems.append("concurrency must be at least 1")
        if not 0.0 <= self.hard_negative_share <= 1.0:
            problems.append("hard_negative_share must be between 0 and 1")
        if self.window_s <= 0 or self.request_timeout_s <= 0 or self.connect_timeout_s <= 0:
            problems.append("window and timeouts must be positive")
        if self.max_attempts < 1 or self.max_item_attempts < 1:
            problems.append("attempt caps must be at least 1")
        if not self.model.strip():
            problems.append("model must not be empty")
        if problems:
            raise ConfigError("Invalid generation settings: " + "; ".join(problems))

    @property
    def margin_s(self) -> float:
        """The limiter's safety margin unless set: 1.5% of the window plus 100 ms (1 s for a real minute)."""
        if self.limiter_margin_s is not None:
            return self.limiter_margin_s
        return 0.015 * self.window_s + 0.1

    def to_dict(self) -> dict[str, Any]:
        """Plain values for ``settings.json``: never the key."""
        values = dataclasses.asdict(self)
        values.pop("api_key", None)
        values["roles"] = list(self.roles)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> GenerationSettings:
        """Settings from ``to_dict`` output; unknown keys (newer versions, an api_key) are ignored."""
        known = {f.name for f in dataclasses.fields(cls)} - {"api_key"}
        clean = {key: value for key, value in values.items() if key in known}
        if "roles" in clean:
            clean["roles"] = tuple(clean["roles"] or ())
        try:
            return cls(**clean)
        except TypeError as error:
            raise ConfigError(f"Invalid generation settings: {error}") from None

    def with_changes(self, **changes: Any) -> GenerationSettings:
        """A copy with ``changes`` applied (validated)."""
        return dataclasses.replace(self, **changes)

    def endpoint(self) -> str:
        """The base URL requests go to: the setting, ``OPENAI_BASE_URL``, or OpenAI's."""
        return resolve_base_url(self.base_url) or OPENAI_BASE_URL


def save_settings(job_dir: Path, settings: GenerationSettings) -> Path:
    """Write ``settings.json`` (without the key) into ``job_dir`` atomically; returns its path."""
    path = job_dir / SETTINGS_FILE
    write_json(path, settings.to_dict(), indent=1, sort_keys=True)
    return path


def load_settings(job_dir: Path) -> GenerationSettings:
    """The settings saved in ``job_dir``."""
    path = job_dir / SETTINGS_FILE
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"No generation settings in {job_dir}") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"Unreadable generation settings {path}: {error}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"Unreadable generation settings {path}")
    return GenerationSettings.from_dict(values)


def resolve_base_url(explicit: str | None = None) -> str | None:
    """The endpoint: ``explicit``, else ``OPENAI_BASE_URL``, else None (OpenAI's own)."""
    value = explicit or os.environ.get("OPENAI_BASE_URL")
    return value.rstrip("/") if value else None


def key_in_secrets(secrets: Mapping[str, Any]) -> str | None:
    """The key in Streamlit-style secrets: ``OPENAI_API_KEY``, else ``api_key`` in an ``[openai]`` table."""
    nested = secrets.get("openai")
    for value in (
        secrets.get("OPENAI_API_KEY"),
        nested.get("api_key") if isinstance(nested, Mapping) else None,
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _secrets_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def find_api_key(
    explicit: str | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    secrets_path: Path | None = None,
) -> tuple[str, KeySource] | None:
    """The API key and where it came from, in this order: ``explicit`` (typed in), ``OPENAI_API_KEY``, the
    secrets. ``secrets`` are the app's ``st.secrets``; without them ``.streamlit/secrets.toml`` is read."""
    if explicit and explicit.strip():
        return explicit.strip(), "given"
    env = os.environ.get("OPENAI_API_KEY", "").strip()
    if env:
        return env, "environment"
    if secrets is None:
        secrets = _secrets_file(secrets_path or repo_root() / ".streamlit" / "secrets.toml")
    key = key_in_secrets(secrets)
    return (key, "secrets") if key else None


def resolve_api_key(explicit: str | None = None, *, secrets_path: Path | None = None) -> str | None:
    """The API key (see :func:`find_api_key`), or None when there is none."""
    found = find_api_key(explicit, secrets_path=secrets_path)
    return found[0] if found else None


def is_local_endpoint(base_url: str | None) -> bool:
    """True for endpoints that usually need no key (loopback and private hosts)."""
    if not base_url:
        return False
    host = base_url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    return host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or host.endswith(".local")


def key_for(settings: GenerationSettings, explicit: str | None = None) -> str:
    """The key to use with ``settings``' endpoint, or a ConfigError that says how to add one."""
    key = resolve_api_key(explicit or settings.api_key)
    if key:
        return key
    base_url = resolve_base_url(settings.base_url)
    if is_local_endpoint(base_url):
        return LOCAL_PLACEHOLDER_KEY
    raise ConfigError(
        "No API key: set OPENAI_API_KEY in the environment, add OPENAI_API_KEY to .streamlit/secrets.toml, "
        "or point the base URL at a local OpenAI-compatible server (vLLM, Ollama, llama.cpp)."
    )


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every secret and anything shaped like an API key replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return re.sub(r"\b(sk|rk|pk)-[A-Za-z0-9_\-*]{6,}", r"\1-***", text)
