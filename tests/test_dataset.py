"""Datasets: the first record with an id wins, in one file and across files, as every reader applies it."""

from __future__ import annotations

import json
from pathlib import Path

from core.data.dataset import ResumeRecord, first_of_each_id, load_datasets, read_records


def record(record_id: str, text: str = "text") -> ResumeRecord:
    return ResumeRecord(id=record_id, text=text, label="other", role="x")


def write(path: Path, *records: ResumeRecord) -> Path:
    path.write_text("".join(json.dumps(r.to_json()) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_first_record_with_an_id_wins_and_seen_ids_carry_over() -> None:
    seen: set[str] = set()
    first = first_of_each_id([record("a", "first"), record("b"), record("a", "second")], seen)
    assert [(r.id, r.text) for r in first] == [("a", "first"), ("b", "text")]
    assert [r.id for r in first_of_each_id([record("b"), record("c"), record("d")], seen, exclude={"d"})] == [
        "c"
    ]
    assert seen == {"a", "b", "c"}


def test_files_apply_the_rule_within_and_across_files(tmp_path: Path) -> None:
    one = write(tmp_path / "one.jsonl", record("a", "one"), record("a", "again"), record("b"))
    two = write(tmp_path / "two.jsonl", record("b", "two"), record("c"), record("d"))
    assert [r.text for r in read_records(one)[0]] == ["one", "text"]
    loaded = load_datasets([one, two], exclude_ids=["d"])
    assert [(r.id, r.text) for r in loaded.records] == [("a", "one"), ("b", "text"), ("c", "text")]
