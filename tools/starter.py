"""The bundled starter corpus: assembling it from its plan, checking it, and choosing held-out sample records.

The corpus was written by language models, one resume per planned item (``core.data.plan`` with the seed below).
This module turns the plan and the written texts into the JSONL dataset and enforces the corpus rules: every
planned item present, word counts in range, and no two resumes near duplicates (word 5-gram sets more than half
alike, as generation checks every record: ``core.generation.dedup``).

    python -m tools.starter build RAW_DIR      # writes data/starter/resumes.jsonl and data/samples/held_out.jsonl
    python -m tools.starter samples            # renders data/samples/*.pdf from the held-out records (needs fpdf2)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.data.dataset import ResumeRecord, write_records
from core.data.plan import PlannedItem, PlanSpec, plan_items
from core.data.roles import DEVOPS
from core.generation.dedup import near_duplicate_pairs
from core.paths import samples_dir, starter_corpus_path

STARTER_SPEC = PlanSpec(profile_key="devops", per_class=460, seed=2026)
# A second plan of borderline resumes (messier DevOps careers, adjacent roles that use DevOps tools), added
# because models trained on the first plan alone were over-confident: the classes separated perfectly.
BORDERLINE_SPEC = PlanSpec(profile_key="devops", per_class=120, seed=2027, hard_negative_share=0.8)
# Records held out of training and rendered as sample PDFs: two DevOps, one hard negative, one other field.
SAMPLE_PICKS = (("devops", False), ("devops", False), ("other", True), ("other", False))


def record_for(item: PlannedItem, text: str, plan: str = "core") -> ResumeRecord:
    return item.record(text.strip(), source="starter", plan=plan)


def assemble(
    raw_dir: Path, items: Sequence[PlannedItem], plan: str = "core"
) -> tuple[list[ResumeRecord], list[str]]:
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
        records.append(record_for(item, text, plan))
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
    records, problems = assemble(raw_dir, plan_items(DEVOPS, STARTER_SPEC), "core")
    borderline, borderline_problems = assemble(raw_dir, plan_items(DEVOPS, BORDERLINE_SPEC), "borderline")
    # Samples come from the core plan only, so extending the corpus never changes the sample PDFs.
    samples = pick_samples(records)
    records += borderline
    problems += borderline_problems
    for problem in problems:
        print(problem, file=sys.stderr)
    pairs = near_duplicate_pairs([r.text for r in records])
    for i, j, share in pairs:
        print(f"near duplicates (Jaccard {share:.2f}): {records[i].id} ~ {records[j].id}", file=sys.stderr)
    sample_ids = {r.id for r in samples}
    training = [r for r in records if r.id not in sample_ids]
    write_records(starter_corpus_path(), training)
    write_records(samples_dir() / "held_out.jsonl", samples)
    print(
        f"{len(training)} training records, {len(samples)} held out for samples, "
        f"{len(problems)} problems, {len(pairs)} near-duplicate pairs"
    )
    return 1 if pairs or any("missing" in p for p in problems) else 0


FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _pdf(serif: bool = False) -> Any:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    family = "DejaVuSerif" if serif else "DejaVuSans"
    pdf.add_font(family, fname=str(FONT_DIR / f"{family}.ttf"))
    pdf.set_font(family, size=10)
    pdf.add_page()
    return pdf


def _single_column(text: str, serif: bool = False) -> bytes:
    pdf = _pdf(serif)
    pdf.multi_cell(0, 5, text, align="L")
    return bytes(pdf.output())


def _two_column(text: str) -> bytes:
    """A sidebar (the first lines: name, contact, skills) beside the main column, like many templates."""
    lines = [line for line in text.splitlines() if line.strip()]
    split = max(3, len(lines) // 4)
    pdf = _pdf()
    pdf.set_fill_color(235, 240, 246)
    pdf.rect(0, 0, 70, 297, style="F")
    top = pdf.get_y()
    pdf.set_xy(8, top)
    pdf.multi_cell(56, 5, "\n".join(lines[:split]), align="L")
    pdf.set_xy(76, top)
    pdf.set_left_margin(76)
    pdf.multi_cell(0, 5, "\n".join(lines[split:]), align="L")
    return bytes(pdf.output())


def _scan(text: str) -> bytes:
    """An image of a page and no text layer, as a scanner produces."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 22)
    draw.multiline_text((80, 80), "\n".join(text.splitlines()[:55]), fill=30, font=font, spacing=6)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    pdf = _pdf()
    pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=210)
    return bytes(pdf.output())


def _password_protected(text: str, password: str = "applicant-2026") -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_single_column(text))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_samples(out_dir: Path) -> list[Path]:
    """Sample PDFs from the held-out records: varied layouts, one scan and one password-protected file."""
    from core.data.dataset import read_records

    records, _ = read_records(out_dir / "held_out.jsonl")
    devops_a, devops_b, hard_negative, other = records[:4]

    def file_name(record: ResumeRecord, layout: str) -> str:
        return f"sample-{record.role.replace('_', '-')}-{layout}.pdf"

    documents = {
        file_name(devops_a, "classic"): _single_column(devops_a.text),
        file_name(devops_b, "two-column"): _two_column(devops_b.text),
        file_name(hard_negative, "serif"): _single_column(hard_negative.text, serif=True),
        file_name(other, "two-column"): _two_column(other.text),
        "sample-scan-no-text-layer.pdf": _scan(devops_a.text),
        "sample-password-protected.pdf": _password_protected(other.text),
    }
    written = []
    for name, data in documents.items():
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.starter")
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="assemble the starter corpus from written texts")
    build_cmd.add_argument("raw_dir", type=Path)
    sub.add_parser("samples", help="render the sample PDFs from the held-out records")
    args = parser.parse_args(argv)
    if args.command == "samples":
        for path in render_samples(samples_dir()):
            print(path)
        return 0
    return build(args.raw_dir)


if __name__ == "__main__":
    sys.exit(main())
