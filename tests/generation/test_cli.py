"""``shortlist generate`` in the foreground (through ``core.cli``, as installed): runs, resumes, refuses a busy
folder, stops on Ctrl-C."""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from core.cli import main
from core.generation.cli import add_generate_parser
from core.generation.jobs import acquire_job_lock
from core.generation.status import read_status
from tools.fake_openai import FakeOpenAI


def args_for(fake: FakeOpenAI, out: Path, *extra: str) -> list[str]:
    return [
        "generate",
        "--out",
        str(out),
        "--per-class",
        "3",
        "--base-url",
        fake.base_url,
        "--rpm",
        "600",
        "--tpm",
        "1000000",
        "--concurrency",
        "4",
        *extra,
    ]


def test_parser_shape() -> None:
    parser = argparse.ArgumentParser()
    add_generate_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["generate", "--out", "d", "--per-class", "5", "--batch", "--model", "m"])
    assert args.per_class == 5 and args.batch and args.model == "m" and callable(args.func)


def test_generate_then_resume(
    fake: FakeOpenAI, api_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(args_for(fake, out)) == 0
    lines = (out / "resumes.jsonl").read_text().splitlines()
    assert len(lines) == 6
    assert "completed: 6/6" in capsys.readouterr().err
    saved = json.loads((out / "settings.json").read_text())
    assert saved["per_class"] == 3 and "api_key" not in saved
    requests = fake.counts["requests"]
    assert main(args_for(fake, out)) == 0  # the same command again: nothing left to do
    assert fake.counts["requests"] == requests


def test_busy_folder_is_refused(fake: FakeOpenAI, api_key: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    lock = acquire_job_lock(out)
    assert lock is not None
    with lock:
        assert main(args_for(fake, out)) == 1


def test_missing_key_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr("core.generation.settings.repo_root", lambda: tmp_path)
    assert (
        main(
            [
                "generate",
                "--out",
                str(tmp_path / "o"),
                "--per-class",
                "2",
                "--base-url",
                "https://api.example.org/v1",
            ]
        )
        == 2
    )
    assert "OPENAI_API_KEY" in capsys.readouterr().err


def test_ctrl_c_stops_cleanly(fake: FakeOpenAI, api_key: str, tmp_path: Path) -> None:
    fake.set_latency(0.2)
    out = tmp_path / "out"

    def interrupt_after_first_record() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            path = out / "resumes.jsonl"
            if path.exists() and path.read_text().count("\n") >= 1:
                break
            time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_after_first_record, daemon=True).start()
    code = main(args_for(fake, out, "--per-class", "30", "--concurrency", "2"))
    assert code == 130
    status = read_status(out)
    assert status is not None and status.state == "cancelled"
    lines = (out / "resumes.jsonl").read_text().splitlines()
    assert 0 < len(lines) == status.done_total < 60
