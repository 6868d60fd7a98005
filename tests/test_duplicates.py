"""Repeats within a run: the same file, the same resume, one applicant's files; each names the file it repeats."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from core.screening.duplicates import Repeat, mark_repeats, repeat_note
from core.screening.export import candidates_frame, pseudonym, to_csv_bytes
from core.screening.redaction import contact_details
from core.screening.screener import Candidate, load_screener, rank_candidates, screen_files
from core.training.trainer import TrainConfig, train_model
from tests.conftest import toy_text
from tests.pdf_factory import resume_pdf, scanned_pdf

BODY = " ".join(toy_text(np.random.default_rng(4), True, 220).split()[2:])
OTHER_BODY = " ".join(toy_text(np.random.default_rng(5), False, 220).split()[2:])


def candidate(
    file: str, score: float | None, text: str = "", sha256: str = "", name: str | None = None
) -> Candidate:
    return Candidate(
        file=file,
        sha256=sha256 or f"{hash(file) & 0xFFFFFFFF:08x}" * 8,
        status="scored" if score is not None else "rejected",
        name=name,
        text=text,
        pages=1,
        model_version="v",
        score=score,
    )


def repeats(candidates: list[Candidate]) -> dict[str, tuple[str | None, str | None, int | None]]:
    ranked = rank_candidates(mark_repeats(rank_candidates(candidates)))
    return {c.file: (c.duplicate_kind, c.duplicate_of, c.duplicate_of_rank) for c in ranked}


def test_a_byte_identical_copy_names_the_better_ranked_file() -> None:
    found = repeats(
        [
            candidate("b-copy.pdf", 0.8, BODY, sha256="f" * 64),
            candidate("a.pdf", 0.8, BODY, sha256="f" * 64),
            candidate("other.pdf", 0.9, OTHER_BODY),
        ]
    )
    assert found["a.pdf"] == (None, None, None)  # ties rank by file name: a.pdf is #2, b-copy.pdf #3
    assert found["b-copy.pdf"] == (Repeat.same_file, "a.pdf", 2)
    assert found["other.pdf"] == (None, None, None)


def test_an_edited_copy_is_the_same_resume() -> None:
    edited = BODY.replace("team", "group", 3) + " Certified Kubernetes Administrator."
    found = repeats(
        [
            candidate("v1.pdf", 0.9, BODY),
            candidate("v2.pdf", 0.7, edited),
            candidate("x.pdf", 0.5, OTHER_BODY),
        ]
    )
    assert found["v2.pdf"] == (Repeat.same_resume, "v1.pdf", 1)
    assert found["x.pdf"][0] is None


def test_files_with_one_email_or_phone_are_one_applicant() -> None:
    resume = "Ana Silva\nana.silva@mail.example | +44 7700 900123\n" + BODY
    cover = "Dear hiring team, please find my resume attached. Ana Silva, ANA.SILVA@mail.example."
    update = "Ana Silva\nPhone 07700 900123\n" + OTHER_BODY
    found = repeats(
        [
            candidate("resume.pdf", 0.9, resume, name="Ana Silva"),
            candidate("cover.pdf", 0.2, cover),
            candidate("update.pdf", 0.5, update, name="Ana Silva"),
        ]
    )
    assert found["cover.pdf"] == (Repeat.same_applicant, "resume.pdf", 1)
    assert found["update.pdf"] == (Repeat.same_applicant, "resume.pdf", 1)


def test_an_address_shared_by_different_people_is_not_one_applicant() -> None:
    agency = "Talent Partners, cv@agency.example, +1 (555) 010-2233"
    found = repeats(
        [
            candidate("kim.pdf", 0.9, f"Kim Park\n{agency}\n{BODY}", name="Kim Park"),
            candidate("lee.pdf", 0.5, f"Lee Chen\n{agency}\n{OTHER_BODY}", name="Lee Chen"),
        ]
    )
    assert found["lee.pdf"] == (None, None, None)


def test_two_copies_of_one_scan_are_the_same_file_and_unread_inputs_never_match() -> None:
    found = repeats(
        [
            candidate("scan.pdf", None, sha256="5" * 64),
            candidate("scan (2).pdf", None, sha256="5" * 64),
            Candidate("x.zip/a.zip", "", "rejected", None, "", 0, "v"),
            Candidate("x.zip/b.zip", "", "rejected", None, "", 0, "v"),
        ]
    )
    assert found["scan.pdf"] == (Repeat.same_file, "scan (2).pdf", None)  # unranked: in file-name order
    assert found["x.zip/b.zip"] == (None, None, None)


def test_contact_details_match_however_they_are_written() -> None:
    assert contact_details("Mail: Jane.Doe@X.example. Call +44 (0) 7700-900-123 or 2019 - 2023") == {
        "email:jane.doe@x.example",
        "phone:700900123",
    }


def test_notes_name_the_rank_or_a_stand_in_in_blind_mode() -> None:
    ranked = rank_candidates(
        mark_repeats(
            rank_candidates(
                [
                    candidate("Kwame_Wei.pdf", None, sha256="7" * 64),
                    candidate("copy.pdf", None, sha256="7" * 64),
                ]
            )
        )
    )
    copy = next(c for c in ranked if c.file == "copy.pdf")
    assert repeat_note(copy) == "Same file as Kwame_Wei.pdf"
    assert repeat_note(copy, pseudonym(copy)) == "Same file as candidate-77777777"
    frame = candidates_frame(ranked, blind=True)
    assert "Kwame" not in frame.to_csv()


@pytest.fixture
def screener(tmp_path: Path, toy_dataset: Path, fake_embedder, fake_encoder):
    config = TrainConfig(chunking=fake_embedder.chunking)
    model_dir = train_model([toy_dataset], tmp_path / "m", fake_embedder, config).model_dir
    return load_screener(model_dir, device="cpu", encoder=fake_encoder, use_cache=False)


def test_two_identical_uploads_are_flagged_in_the_ranking_and_the_csv(screener) -> None:
    """Issue 11: two byte-identical files sat at ranks 8 and 9 with no flag."""
    rng = np.random.default_rng(9)
    same = resume_pdf(toy_text(rng, True, 200))
    files = [
        ("first.pdf", same),
        ("second.pdf", same),
        ("other.pdf", resume_pdf(toy_text(rng, False, 200))),
        ("scan.pdf", scanned_pdf()),
    ]
    candidates = screen_files(files, screener)
    by_file = {c.file: c for c in candidates}
    assert by_file["second.pdf"].duplicate_of == "first.pdf"
    assert by_file["second.pdf"].rank == by_file["first.pdf"].rank + 1  # type: ignore[operator]
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(candidates_frame(candidates)).decode("utf-8-sig"))))
    notes = {row["file"]: row["duplicate"] for row in rows}
    assert notes == {
        "first.pdf": "",
        "second.pdf": f"Same file as #{by_file['first.pdf'].rank}",
        "other.pdf": "",
        "scan.pdf": "",
    }
