"""The JSONL store: locked appends, torn-tail repair, resume by id, quotas, duplicates, many writers."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

from core.data.dataset import ResumeRecord, locked_dataset, read_records
from core.generation.dedup import NearDuplicateIndex, normalise
from core.generation.store import AddOutcome, RecordStore

_WORDS = (
    "kubernetes terraform pipeline budget patients classroom ledger invoices welding freight campaign "
    "incident release audit tenants payroll recipes harvest lesson contract inventory"
)
WORDS = _WORDS.split()


def text(seed: int, words: int = 200) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 99)) for _ in range(words))


def record(number: int, label: str = "devops", body: str | None = None) -> ResumeRecord:
    return ResumeRecord(
        id=f"r{number}", text=body or text(number), label=label, role="x", extra={"source": "test"}
    )


def ids(path: Path) -> set[str]:
    return {r.id for r in read_records(path)[0]}


def test_torn_tail_is_repaired_and_complete_tail_kept(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    with locked_dataset(path) as writer:
        writer.append(record(1))
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "r2", "text": "half a rec')  # a writer killed mid-line
    with locked_dataset(path) as writer:
        assert writer.repair_tail() > 0
    assert path.read_text().endswith("\n")
    assert ids(path) == {"r1"}
    # A complete record without its newline is kept, not cut.
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record(3).to_json()))
    with locked_dataset(path) as writer:
        assert writer.repair_tail() == 0
        writer.append(record(4))
    assert ids(path) == {"r1", "r3", "r4"}
    assert read_records(path)[1] == 0


def test_store_checks_ids_quotas_and_duplicates(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "data.jsonl", quotas={"devops": 3, "other": 3})
    store.open()
    assert store.add(record(1)) is AddOutcome.WRITTEN
    assert store.add(record(1)) is AddOutcome.DUPLICATE_ID
    # Same text in another case and spacing: an exact duplicate after normalisation.
    shouted = "  " + text(1).upper().replace(" ", "  ")
    assert normalise(shouted) == normalise(text(1))
    assert store.add(record(2, body=shouted)) is AddOutcome.EXACT_DUPLICATE
    # A few words changed: still a near duplicate.
    words = text(1).split()
    words[10] = words[50] = words[100] = "changed"
    assert store.add(record(3, body=" ".join(words))) is AddOutcome.NEAR_DUPLICATE
    assert store.add(record(4)) is AddOutcome.WRITTEN
    assert store.add(record(5)) is AddOutcome.WRITTEN
    assert store.add(record(6)) is AddOutcome.QUOTA_FULL
    assert store.add(record(7, label="other")) is AddOutcome.WRITTEN
    assert store.counts() == {"devops": 3, "other": 1}
    assert len(read_records(store.path)[0]) == 4


def test_store_reopens_with_what_is_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    first = RecordStore(path)
    first.open()
    for number in range(5):
        first.add(record(number))
    path.open("a").write('not json at all\n{"id": "torn')
    second = RecordStore(path)
    report = second.open()
    assert report.records == 5 and report.broken_lines == 1 and report.repaired_bytes > 0
    assert second.add(record(2)) is AddOutcome.DUPLICATE_ID
    assert second.add(record(9, body=text(3))) is AddOutcome.EXACT_DUPLICATE


def test_starter_texts_are_kept_out(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "data.jsonl")
    store.open()
    store.seed_texts([text(42)])
    assert store.add(record(1, body=text(42))) is AddOutcome.EXACT_DUPLICATE
    assert store.ids() == set()


def test_near_duplicate_index_is_fast_for_thousands() -> None:
    import time

    index = NearDuplicateIndex()
    started = time.perf_counter()
    for number in range(2000):
        index.add(str(number), text(number, 300))
    assert time.perf_counter() - started < 10
    assert index.query(text(7, 300) + " one more line") is not None
    assert index.query(text(99_999, 300)) is None


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from core.data.dataset import ResumeRecord, locked_dataset
    path, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for i in range(count):
        # Lines well over the pipe buffer size, so a write cannot be atomic by luck.
        body = (name + str(i) + " ") * (1500 + i)
        with locked_dataset(path) as writer:
            writer.append(ResumeRecord(id=f"{name}-{i}", text=body, label="other", role="x"), fsync=False)
""")

STORE_WRITER = textwrap.dedent("""
    import random, sys
    from pathlib import Path
    from core.data.dataset import ResumeRecord
    from core.generation.store import RecordStore
    path, name = Path(sys.argv[1]), sys.argv[2]
    store = RecordStore(path, quotas={"devops": 60}, fsync=False)
    store.open()
    for i in range(80):
        rng = random.Random(i)  # both writers offer the same ids and texts
        body = " ".join(f"w{rng.randint(0, 10**6)}" for _ in range(120))
        store.add(ResumeRecord(id=f"same-{i}", text=body, label="devops", role=name))
""")


def _run_together(script: str, path: Path, *args: list[str]) -> None:
    processes = [subprocess.Popen([sys.executable, "-c", script, str(path), *a]) for a in args]
    assert [p.wait(timeout=60) for p in processes] == [0] * len(processes)


def test_two_writer_processes_corrupt_nothing(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    _run_together(WRITER, path, ["a", "150"], ["b", "150"])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    ids = [json.loads(line)["id"] for line in lines]  # every line is whole JSON
    assert len(set(ids)) == 300


def test_two_stores_in_two_processes_never_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    _run_together(STORE_WRITER, path, ["one"], ["two"])
    records, broken = read_records(path)
    assert broken == 0
    assert len(path.read_text().splitlines()) == len(records) == 60  # the quota, no id twice
