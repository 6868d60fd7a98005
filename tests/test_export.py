import csv
import io

from core.screening.export import EXPORT_COLUMNS, candidates_frame, to_csv_bytes
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
