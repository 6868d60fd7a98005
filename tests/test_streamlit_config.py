"""The app's Streamlit settings agree with core: upload limits, and no usage statistics sent anywhere."""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.documents import DocumentLimits, InputCaps

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


def test_the_upload_cap_is_the_largest_input_core_takes() -> None:
    """The uploader once said 400 MB per file while the parser took 10 MB per PDF."""
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server["maxUploadSize"] == InputCaps().max_upload_mb
    assert DocumentLimits().max_bytes <= server["maxUploadSize"] << 20


def test_streamlit_gathers_no_usage_statistics() -> None:
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert settings["browser"]["gatherUsageStats"] is False
