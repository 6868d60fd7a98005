import csv
import io

import openpyxl

from core.screening.export import EXPORT_COLUMNS, candidates_frame, to_csv_bytes, to_excel_bytes
from core.screening.screener import Candidate


def candidate(**overrides) -> Candidate:
    base = dict(
        file="a.pdf",
        sha256="ab" * 32,
        status="scored",
        name="Ann Lee",
        text="",
        pages=1,
        model_version="v1",
        score=0.91234,
        band="shortlist",
        evidence="built\n pipelines",
        rank=1,
    )
    base.update(overrides)
    return Candidate(**base)  # type: ignore[arg-type]


def test_csv_has_the_export_columns_first_and_neutralises_formulas() -> None:
    rows = [
        candidate(),
        candidate(
            file='=HYPERLINK("http://x")', evidence="+cmd|' /C calc'!A0", rank=2, score=0.5, reason="@SUM(1)"
        ),
        candidate(
            file="scan.pdf",
            status="rejected",
            score=None,
            band=None,
            rank=None,
            evidence="",
            reason="-no text layer",
        ),
    ]
    data = to_csv_bytes(candidates_frame(rows)).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(data)))
    assert table[0][: len(EXPORT_COLUMNS)] == EXPORT_COLUMNS
    cells = [cell for row in table[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert table[2][1].startswith("'=")
    assert table[1][3] == "0.9123" and table[3][3] == ""  # numbers stay numbers; rejected has no score
    assert all(row[EXPORT_COLUMNS.index("model_version")] == "v1" for row in table[1:])


def test_blind_export_hides_names_and_file_names() -> None:
    frame = candidates_frame(
        [candidate(file="Ann_Lee_CV.pdf", evidence="Ann Lee ann@x.example ran k8s")], blind=True
    )
    text = frame.to_csv(index=False)
    assert "Ann" not in text and "ann@x.example" not in text and "candidate-abababab" in text


HOSTILE_NAMES = [
    "a/x\r=cmd|' /C calc'!A0\r.pdf",  # a zip member from issue 14: the CR used to start a new CSV row
    "cv\n=1+1.pdf",
    'x,y";=SUM(1).pdf',
    "\x1b[2J\x1b]0;owned-title\x07.pdf",
    '=HYPERLINK("http://x.example")',
]


def test_hostile_names_stay_in_their_cell_in_csv_and_in_excel() -> None:
    rows = [
        candidate(file=name, rank=i + 1, score=0.9 - i / 10, reason="@x\rnext")
        for i, name in enumerate(HOSTILE_NAMES)
    ]
    frame = candidates_frame(rows)

    table = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert len(table) == len(rows) + 1 and {len(row) for row in table} == {len(table[0])}
    files = [row[1] for row in table[1:]]
    assert files == [
        "a/x\ufffd=cmd|' /C calc'!A0\ufffd.pdf",
        "cv\ufffd=1+1.pdf",
        'x,y";=SUM(1).pdf',
        "\ufffd[2J\ufffd]0;owned-title\ufffd.pdf",
        '\'=HYPERLINK("http://x.example")',
    ]
    cells = [cell for row in table[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert not any(char in cell for cell in cells for char in "\r\n\x1b\x07")

    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(frame))).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[1] for row in values] == files
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere


def test_the_fit_its_years_and_each_requirement_are_exported(devops_role) -> None:
    from datetime import date

    from core.screening.export import FIT_COLUMNS, REQUIREMENT_PREFIX
    from core.screening.fit import assess_text, fit_score

    text = (
        "Ann Lee\nEXPERIENCE\nDevOps Engineer, Acme | Jan 2019 – present\n"
        "- Ann Lee built Jenkins pipelines and ran Kubernetes on AWS.\nSKILLS\nVault, Trivy, OPA\n"
    )
    fit = fit_score(0.9, assess_text(text, devops_role, date(2026, 12, 1)), devops_role)
    frame = candidates_frame([candidate(text=text, fit=fit)])
    row = frame.iloc[0]
    assert list(frame.columns[len(EXPORT_COLUMNS) : len(EXPORT_COLUMNS) + len(FIT_COLUMNS)]) == FIT_COLUMNS
    assert row["fit"] == fit.score and row["years_relevant"] == 8.0
    assert row["years_dated_positions"] == "2019-01 to 2026-12"
    assert "ci_cd" in row["requirements_met"] and "security" in row["requirements_listed_only"]
    assert row[REQUIREMENT_PREFIX + "ci_cd"].startswith("met: - Ann Lee built Jenkins")
    assert row[REQUIREMENT_PREFIX + "scripting"] == "not found"
    assert row["fit_breakdown"].startswith(f"Fit {fit.score:.1f} of 100 | role match")
    blind = candidates_frame([candidate(text=text, fit=fit)], blind=True).iloc[0]
    assert "Ann" not in blind[REQUIREMENT_PREFIX + "ci_cd"]


def test_rejected_files_have_empty_fit_columns() -> None:
    frame = candidates_frame([candidate(status="rejected", score=None, band=None, rank=None)])
    assert frame["fit"].isna().all() and frame["fit_breakdown"].isna().all()
