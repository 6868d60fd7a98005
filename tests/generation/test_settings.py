"""Settings: validation, persistence without the key, where the key comes from, redaction, light imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.generation.settings import (
    LOCAL_PLACEHOLDER_KEY,
    GenerationSettings,
    find_api_key,
    key_for,
    load_settings,
    redact,
    resolve_api_key,
    save_settings,
)

SECRET = "sk-proj-VERYSECRETVALUE0123456789"


def test_settings_are_saved_without_the_key(tmp_path: Path) -> None:
    settings = GenerationSettings(per_class=7, api_key=SECRET, roles=("devops_engineer", "accountant"))
    assert SECRET not in repr(settings)
    path = save_settings(tmp_path, settings)
    assert SECRET not in path.read_text()
    loaded = load_settings(tmp_path)
    assert loaded == settings and loaded.api_key is None and loaded.roles == ("devops_engineer", "accountant")
    values = json.loads(path.read_text())
    values.update(api_key=SECRET, some_future_knob=1)
    assert GenerationSettings.from_dict(values).api_key is None


@pytest.mark.parametrize(
    "change",
    [
        {"per_class": 0},
        {"rpm": 0},
        {"concurrency": 0},
        {"window_s": 0},
        {"hard_negative_share": 1.5},
        {"model": " "},
    ],
)
def test_invalid_settings_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        GenerationSettings(**change)  # type: ignore[arg-type]


def test_key_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets.toml"
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert resolve_api_key(secrets_path=secrets) is None
    secrets.write_text('[openai]\napi_key = "sk-from-secrets-file"\n')
    assert resolve_api_key(secrets_path=secrets) == "sk-from-secrets-file"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    assert resolve_api_key(secrets_path=secrets) == "sk-from-env"
    assert resolve_api_key("sk-typed-in-the-page", secrets_path=secrets) == "sk-typed-in-the-page"


def test_the_page_and_the_cli_find_the_key_in_the_same_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page passes st.secrets; the CLI reads the file. Both get one parser and one order."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    page_secrets = {"openai": {"api_key": " sk-nested "}, "unrelated": "value"}
    assert find_api_key(secrets=page_secrets) == ("sk-nested", "secrets")
    assert find_api_key(secrets={"OPENAI_API_KEY": "sk-top", "openai": {"api_key": "sk-nested"}}) == (
        "sk-top",
        "secrets",
    )
    assert find_api_key(secrets={"openai": "not a table", "OPENAI_API_KEY": " "}) is None
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    assert find_api_key(secrets=page_secrets) == ("sk-from-env", "environment")
    assert find_api_key(" sk-typed ", secrets=page_secrets) == ("sk-typed", "given")


def test_local_servers_need_no_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr("core.generation.settings.repo_root", lambda: tmp_path)
    assert key_for(GenerationSettings(base_url="http://localhost:11434/v1")) == LOCAL_PLACEHOLDER_KEY
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        key_for(GenerationSettings())


def test_redact() -> None:
    assert redact(f"bad key {SECRET} here", SECRET) == "bad key *** here"
    assert "abcdef" not in redact("Incorrect API key provided: sk-abcdefghijkl")


def test_the_page_api_imports_light() -> None:
    code = (
        "import sys, core.generation; "
        "print(sorted(m for m in ('openai', 'numpy', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
