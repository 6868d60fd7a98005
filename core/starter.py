"""The bundled starter corpus: assembling it from its plan, checking it, and choosing held-out sample records.

The corpus was written by language models, one resume per planned item (``core.plan`` with the seed below).
This module turns the plan and the written texts into the JSONL dataset and enforces the corpus rules: every
planned item present, word counts in range, and no two resumes sharing more than half of their word 5-grams.

    python -m core.starter build RAW_DIR      # writes data/starter/resumes.jsonl and data/samples/held_out.jsonl
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from core.dataset import ResumeRecord, write_records
from core.paths import samples_dir, starter_corpus_path
from core.plan import PlannedItem, PlanSpec, plan_items
from core.roles import DEVOPS

STARTER_SPEC = PlanSpec(profile_key="devops", per_class=460, seed=2026)
WORD = re.compile(r"\w+")
# Records held out of training and rendered as sample PDFs: two DevOps, one hard negative, one other field.
SAMPLE_PICKS = (("devops", False), ("devops", False), ("other", True), ("other", False))


def shingles(text: str, n: int = 5) -> set[int]:
    """Hashes of the text's lower-cased word n-grams."""
    words = WORD.findall(text.lower())
    return {hash(tuple(words[i : i + n])) for i in range(max(0, len(words) - n + 1))}


def overlapping_pairs(texts: Sequence[str], limit: float = 0.5, n: int = 5) -> list[tuple[int, int, float]]:
    """Pairs of texts sharing more than ``limit`` of the smaller text's word n-grams, with that share."""
    sets = [shingles(text, n) for text in texts]
    index: dict[int, list[int]] = defaultdict(list)
    for i, grams in enumerate(sets):
        for gram in grams:
            index[gram].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for owners in index.values():
        if len(owners) > 50:  # a phrase in fifty resumes is boilerplate ("responsible for the design of")
            continue
        for a in range(len(owners)):
            for b in range(a + 1, len(owners)):
                shared[(owners[a], owners[b])] += 1
    pairs = []
    for (i, j), count in shared.items():
        share = count / max(1, min(len(sets[i]), len(sets[j])))
        if share > limit:
            pairs.append((i, j, share))
    return sorted(pairs, key=lambda pair: -pair[2])


def record_for(item: PlannedItem, text: str) -> ResumeRecord:
    return ResumeRecord(
        id=item.id,
        text=text.strip(),
        label=item.label,
        role=item.role,
        extra={
            "title": item.title,
            "seniority": item.seniority,
            "years": item.years,
            "style": item.style,
            "region": item.region,
            "hard_negative": item.hard_negative,
            "source": "starter",
        },
    )


def assemble(raw_dir: Path, items: Sequence[PlannedItem]) -> tuple[list[ResumeRecord], list[str]]:
    """Records for every planned item with a written text, and a list of problems found."""
    problems = []
    records = []
    for item in items:
        path = raw_dir / f"{item.id}.txt"
        if not path.is_file():
            problems.append(f"{item.id}: missing")
            continue
        text = path.read_text(encoding="utf-8")
        words = len(text.split())
        if not 0.9 * item.min_words <= words <= 1.1 * item.max_words:
            problems.append(f"{item.id}: {words} words, planned {item.min_words}-{item.max_words}")
        records.append(record_for(item, text))
    return records, problems


def pick_samples(records: Sequence[ResumeRecord]) -> list[ResumeRecord]:
    """A few records to hold out of training and render as sample PDFs (deterministic)."""
    chosen: list[ResumeRecord] = []
    for label, hard in SAMPLE_PICKS:
        for record in sorted(records, key=lambda r: r.id):
            matches = record.label == label and bool(record.extra.get("hard_negative")) == hard
            long_enough = 250 <= len(record.text.split()) <= 600
            if matches and long_enough and record not in chosen:
                chosen.append(record)
                break
    return chosen


def build(raw_dir: Path) -> int:
    records, problems = assemble(raw_dir, plan_items(DEVOPS, STARTER_SPEC))
    for problem in problems:
        print(problem, file=sys.stderr)
    pairs = overlapping_pairs([r.text for r in records])
    for i, j, share in pairs:
        print(f"overlap {share:.2f}: {records[i].id} ~ {records[j].id}", file=sys.stderr)
    samples = pick_samples(records)
    sample_ids = {r.id for r in samples}
    training = [r for r in records if r.id not in sample_ids]
    write_records(starter_corpus_path(), training)
    write_records(samples_dir() / "held_out.jsonl", samples)
    print(
        f"{len(training)} training records, {len(samples)} held out for samples, "
        f"{len(problems)} problems, {len(pairs)} overlapping pairs"
    )
    return 1 if pairs or any("missing" in p for p in problems) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.starter")
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="assemble the starter corpus from written texts")
    build_cmd.add_argument("raw_dir", type=Path)
    args = parser.parse_args(argv)
    return build(args.raw_dir)


if __name__ == "__main__":
    sys.exit(main())
