"""Years of experience from dated positions: date formats, overlaps, schooling, career breaks, relevance."""

from __future__ import annotations

from datetime import date

import pytest

from core.screening.dates import Month, find_ranges
from core.screening.experience import estimate_experience, stated_years
from core.screening.layout import layout
from core.screening.requirements import RoleRequirements

AS_OF = date(2026, 12, 1)
NOW = Month(2026, 12)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("2019 – present", "2019-07", "2026-12"),  # a bare year is the middle of that year
        ("Jan 2018 - Mar 2021", "2018-01", "2021-03"),
        ("03/2016 – 08/2019", "2016-03", "2019-08"),
        ("2015-18", "2015-07", "2018-06"),
        ("2020-06 -> now", "2020-06", "2026-12"),
        ("Sep '18 to Jan '20", "2018-09", "2020-01"),
        ("January 2018 to March 2021", "2018-01", "2021-03"),
        ("since 2019", "2019-07", "2026-12"),
        ("(Aug 2021 - Jun 2022)", "2021-08", "2022-06"),
        ("May 2019 – Till Date", "2019-05", "2026-12"),
        ("2016 – 2030", "2016-07", "2026-12"),  # an end in the future stops at the present
    ],
)
def test_date_ranges_as_resumes_write_them(written: str, first: str, last: str) -> None:
    [(_, _, start, end)] = find_ranges(written, NOW)
    assert (start.label(), end.label()) == (first, last)


@pytest.mark.parametrize(
    "text",
    [
        "Upgraded SQL Server 2012 to 2019 across 40 instances",
        "Microsoft SQL Server (2016–2022), PostgreSQL",
        "ISO 27001:2013 to 2022 transition",
        "Date of birth: 11-10-1999",
        "Graduated in 2019",
        "Starting 2027 – 2029",  # begins after the present
    ],
)
def test_versions_single_years_and_future_starts_are_not_ranges(text: str) -> None:
    assert find_ranges(text, NOW) == []


def years(text: str, role: RoleRequirements | None = None) -> float | None:
    return estimate_experience(layout(text), AS_OF, role).years


def test_overlapping_positions_count_once() -> None:
    text = """EXPERIENCE
Platform Engineer, Acme | Jan 2016 – Dec 2019
Consultant (part-time), Beta | Jan 2018 – Dec 2021
Project: migration to Kubernetes (Mar 2018 – Jun 2019)
"""
    assert years(text) == 6.0  # 2016-01 to 2021-12, the overlaps and the project inside once


def test_schooling_is_not_experience() -> None:
    text = """EXPERIENCE
DevOps Engineer, Acme | Jan 2020 – Dec 2021

EDUCATION
2015 – 2019
BSc Computer Science, University of Porto
MSc Informatics, Universidade de Lisboa, 2019 – 2021
"""
    assert years(text) == 2.0


def test_a_job_listed_under_an_unknown_heading_after_education_still_counts() -> None:
    text = """EDUCATION
BSc Computer Science, University of Leeds, 2012

STATIONEN (chronological)
Platform Engineer | Acme GmbH | 01/2015 – 12/2018
"""
    assert years(text) == 4.0


CAREER_WITH_GAP = """EXPERIENCE
Senior DevOps Engineer, Acme | Mar 2021 – Feb 2025
{break_line}
DevOps Engineer, Beta | Jan 2015 – Dec 2019
"""


@pytest.mark.parametrize(
    "break_line",
    [
        "",
        "Career break (parental leave) | Jan 2020 – Feb 2021",
        "Career break (sabbatical) | Jan 2020 – Feb 2021",
        "Career break: caring for a parent, Jan 2020 – Feb 2021",
        "Travelling, Jan 2020 – Feb 2021",
    ],
)
def test_a_career_break_counts_as_a_gap_whatever_its_reason(break_line: str) -> None:
    found = estimate_experience(layout(CAREER_WITH_GAP.format(break_line=break_line)), AS_OF)
    assert found.years == 9.0  # 48 + 60 months worked; the 14 months between them neither add nor subtract
    assert len(found.breaks) == (1 if break_line else 0)
    assert all(not item.relevant for item in found.breaks)


def test_a_break_costs_nothing_beyond_its_dates() -> None:
    continuous = CAREER_WITH_GAP.format(break_line="").replace("Mar 2021", "Jan 2020")
    with_break = CAREER_WITH_GAP.format(break_line="Career break (parental leave) | Jan 2020 – Feb 2021")
    assert years(continuous) - years(with_break) == pytest.approx(14 / 12, abs=0.05)  # type: ignore[operator]


def test_only_positions_that_mention_a_must_have_are_relevant(devops_role: RoleRequirements) -> None:
    text = """EXPERIENCE
DevOps Engineer, Acme | Jan 2020 – Dec 2023
- Built Jenkins pipelines and ran Kubernetes clusters on AWS.

Customer Service Agent, Call Centre Ltd | Jan 2016 – Dec 2019
- Answered customer calls and logged tickets.
"""
    found = estimate_experience(layout(text), AS_OF, devops_role)
    assert (found.years, found.total_years) == (4.0, 8.0)
    devops, call_centre = found.positions
    assert {"title", "ci_cd", "containers", "cloud"} <= set(devops.matched) and not call_centre.relevant


def test_a_position_titled_with_the_roles_words_is_relevant(devops_role: RoleRequirements) -> None:
    text = """EXPERIENCE
Senior Platform Engineer, Foz Health | Feb 2022 – present
- Lead the developer portal: golden paths and self-service environments.
"""
    [position] = estimate_experience(layout(text), AS_OF, devops_role).positions
    assert position.relevant and position.matched == ("title",)


def test_no_dates_gives_no_years_and_keeps_what_the_resume_states() -> None:
    found = estimate_experience(layout("DevOps engineer with 8+ years of experience in Kubernetes."), AS_OF)
    assert found.years is None and found.stated_years == 8.0
    assert stated_years("twelve years in operations, I am 35 years old") == 12.0


def test_a_position_is_judged_on_its_own_lines_not_on_the_skills_section_after_it(
    devops_role: RoleRequirements,
) -> None:
    text = """EXPERIENCE
IT Support Technician, Savannah Agritech | Jan 2014 – Aug 2015
- Supported 150 staff on Windows laptops and Office 365.

SKILLS
AWS, Terraform, Kubernetes, Jenkins
"""
    [position] = estimate_experience(layout(text), AS_OF, devops_role).positions
    assert not position.relevant
