"""Fit checks: do juniors rank below seniors, are thin and stuffed texts caught, does stuffing raise nothing?

    python bench/fit_checks.py [--checks data/checks/senior-devops] [--role-file FILE.toml] [--model DIR]

Screens every text of the role's check sets (``python -m tools.fit_checks build``; never trained on) with the
bundled model and the real encoder, in one batch, and prints:

- the share of senior/junior pairs where the senior ranks higher (target: 90% or more);
- thin texts flagged "too little to judge" and never shortlisted (target: 100%);
- stuffed texts flagged, never shortlisted, and scoring no higher than their unstuffed base (target: 100%);
- career breaks: the same years whatever the stated reason, and with no break line at all;
- how often the text checks fire on the starter corpus, per writing style (ordinary resumes: should be 0), and on
  the check sets' own unstuffed resumes;
- the years estimate against the years each starter resume was planned with.

``--role-file`` is a role profile in TOML; only its ``[seniority]`` and ``[[requirements]]`` are read. Until the
role profiles land in ``data/roles/``, the Senior DevOps requirements live in the tests' fixture (the default).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.data.dataset import read_records
from core.errors import ConfigError
from core.paths import starter_corpus_path
from core.screening.checks import FitCheckReport, corpus_flag_rates, load_check_sets, run_fit_checks
from core.screening.experience import estimate_experience
from core.screening.layout import layout
from core.screening.requirements import RoleRequirements
from core.screening.screener import Candidate, load_screener

DEFAULT_CHECKS = ROOT / "data" / "checks" / "senior-devops"
DEFAULT_ROLE_FILE = ROOT / "tests" / "fixtures" / "roles" / "senior-devops.toml"


def read_role(path: Path) -> RoleRequirements:
    try:
        with path.open("rb") as handle:
            return RoleRequirements.from_mapping(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read the role file {path}: {exc}") from None


def describe(candidate: Candidate) -> str:
    fit = candidate.fit
    years = fit.experience.years if fit else None
    return (
        f"{candidate.band:<9} fit {fit.score if fit else 0:5.1f}  p {candidate.score or 0:.3f}  "
        f"years {years if years is not None else '-':>4}  flags {','.join(candidate.flags) or '-'}"
    )


def _fit(candidate: Candidate) -> float:
    return candidate.fit.score if candidate.fit else 0.0


def print_report(report: FitCheckReport) -> None:
    print(
        f"Senior above junior: {report.senior_first_share:.1%} of {len(report.pairs)} pairs (target >= 90%)"
    )
    by_fit = sum(_fit(p.senior) > _fit(p.junior) for p in report.pairs) / len(report.pairs)
    by_probability = sum((p.senior.score or 0) > (p.junior.score or 0) for p in report.pairs) / len(
        report.pairs
    )
    print(
        f"  fit alone puts the senior higher in {by_fit:.1%} of pairs; the probability alone (the order before "
        f"fit) in {by_probability:.1%}"
    )
    for pair in report.pairs:
        if not pair.senior_first:
            print(f"  MISSED {pair.career}: senior {describe(pair.senior)} | junior {describe(pair.junior)}")
    seniors = [p.senior for p in report.pairs]
    juniors = [p.junior for p in report.pairs]
    for name, group in (("seniors", seniors), ("juniors", juniors)):
        bands = {band: sum(c.band == band for c in group) for band in ("shortlist", "review", "reject")}
        years = [c.fit.experience.years for c in group if c.fit and c.fit.experience.years is not None]
        print(
            f"  {name}: {bands}; years found median {statistics.median(years):.1f} "
            f"(min {min(years):.1f}, max {max(years):.1f}); fit median "
            f"{statistics.median(c.fit.score for c in group if c.fit):.1f}"
        )
    print(
        f"Thin texts: flagged {report.thin_flagged_share:.0%}, never shortlisted "
        f"{report.thin_not_shortlisted_share:.0%} of {len(report.thin)} (target 100%)"
    )
    for candidate in report.thin:
        if not (candidate.fit and candidate.fit.too_little) or candidate.band == "shortlist":
            print(f"  MISSED {candidate.file}: {describe(candidate)}")
    print(
        f"Stuffed texts: flagged {report.stuffed_flagged_share:.0%}, never shortlisted "
        f"{report.stuffed_not_shortlisted_share:.0%}, score not raised {report.stuffed_not_raised_share:.0%} "
        f"of {len(report.stuffed)} (target 100%)"
    )
    for item in report.stuffed:
        ok = item.flagged and item.not_raised and item.stuffed.band != "shortlist"
        if not ok:
            print(f"  MISSED {item.id}: stuffed {describe(item.stuffed)} | base {describe(item.base)}")
    kinds: dict[str, list[bool]] = {}
    for item in report.stuffed:
        caught = item.flagged and item.not_raised and item.stuffed.band != "shortlist"
        kinds.setdefault(item.kind.removesuffix("_in_middle"), []).append(caught)
    print("  caught per kind: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(kinds.items())))
    rises = [(s.stuffed.score or 0) - (s.base.score or 0) for s in report.stuffed]
    print(f"  probability change stuffed - base: max {max(rises):+.4f}, min {min(rises):+.4f}")
    print(
        f"Career breaks: same years in every version for {report.breaks_same_years_share:.0%} "
        f"of {len(report.breaks)} careers"
    )
    for career, versions in report.breaks:
        fits = [c.fit.score for c in versions if c.fit]
        break_years = [c.fit.experience.years for c in versions if c.fit]
        print(f"  {career}: years {break_years}, fit {fits}")


def print_flag_rates(role: RoleRequirements, checks: Path) -> None:
    records, _ = read_records(starter_corpus_path())
    rows = [{"id": r.id, "text": r.text, "style": r.extra.get("style", "?")} for r in records]
    rates = corpus_flag_rates(rows, role)
    stuffed = sum(v[0] for v in rates.stuffing.values())
    thin = sum(v[0] for v in rates.too_little.values())
    print(f"Starter corpus ({rates.total} resumes): stuffing flagged {stuffed}, too little to judge {thin}")
    for style, (hits, total) in rates.stuffing.items():
        print(f"  {style:<16} stuffing {hits}/{total}  too little {rates.too_little[style][0]}/{total}")
    for record_id, why in rates.flagged_ids:
        print(f"  flagged {record_id}: {why}")
    sets = load_check_sets(checks)
    bases = {str(r["id"]): str(r["base"]) for r in sets.stuffed}
    own = [{"id": str(r["id"]), "text": str(r["text"]), "style": "pairs"} for r in sets.pairs]
    own += [{"id": key, "text": text, "style": "stuffing bases"} for key, text in bases.items()]
    own_rates = corpus_flag_rates(own, role)
    for group, (hits, total) in own_rates.stuffing.items():
        print(f"Check-set resumes ({group}): stuffing flagged {hits}/{total}")
    for record_id, why in own_rates.flagged_ids:
        print(f"  flagged {record_id}: {why}")
    errors = []
    gate: dict[str, list[bool]] = {"planned 6 years or more": [], "planned 3 years or fewer": []}
    for record in records:
        planned = record.extra.get("years")
        if not isinstance(planned, int):
            continue
        # The starter corpus was written in early 2025 (the latest year its texts mention), so "present" is then.
        experience = estimate_experience(layout(record.text), date(2025, 1, 1), role)
        if experience.total_years is not None:
            errors.append(experience.total_years - planned)
        if record.label == "devops" and role.min_years and (planned >= 6 or planned <= 3):
            years = experience.years if experience.years is not None else experience.stated_years
            below = years is None or years < role.min_years
            gate["planned 6 years or more" if planned >= 6 else "planned 3 years or fewer"].append(below)
    print(
        f"Years from dated positions vs the starter plan's years ({len(errors)} resumes with dates): median "
        f"difference {statistics.median(errors):+.1f}, within 2 years {sum(abs(e) <= 2 for e in errors) / len(errors):.0%}"
        " (the plan's years are a target the writers followed loosely)"
    )
    print(
        f"Seniority rule on the starter corpus's DevOps resumes (relevant years below {role.min_years}): "
        + "; ".join(f"{group}: {sum(v)} of {len(v)}" for group, v in gate.items())
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--checks", type=Path, default=DEFAULT_CHECKS)
    parser.add_argument("--role-file", type=Path, default=DEFAULT_ROLE_FILE)
    parser.add_argument("--model", type=Path, default=None, help="model version folder (default: bundled)")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    role = read_role(args.role_file)
    sets = load_check_sets(args.checks)
    print(
        f"Role file {args.role_file}; checks {args.checks} (role {sets.role}, present = {sets.as_of:%Y-%m})"
    )
    started = time.perf_counter()
    screener = load_screener(args.model, device=args.device, use_cache=False, role=role)
    report = run_fit_checks(sets, screener)
    print(f"Model {screener.artifact.version}; screened in {time.perf_counter() - started:.1f} s\n")
    print_report(report)
    print()
    print_flag_rates(role, args.checks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
