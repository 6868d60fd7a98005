"""Build the fit check sets: senior/junior pairs, thin texts, stuffed texts and career breaks, never trained on.

The sets measure what the probability alone cannot show (``bench/fit_checks.py`` runs them): a junior ranks
below a senior with a similar career, a thin text is never shortlisted, visible stuffing is flagged and raises
nothing, and a documented career break costs nothing beyond its dates. The texts are handwritten
(``tools/fit_check_careers.py``, ``tools/fit_check_texts.py``) and rendered here in the starter corpus's styles
and date formats, deterministically.

    python -m tools.fit_checks build     # writes data/checks/senior-devops/*.jsonl and manifest.json
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from tools.fit_check_careers import CAREERS, EXTRAS, JUNIOR_GOALS, Career, Position
from tools.fit_check_texts import OTHER_RESUMES, THIN_TEXTS

ROLE = "senior-devops"
AS_OF = (2026, 12)  # the month "present" means in every check text
OUT = Path(__file__).resolve().parents[1] / "data" / "checks" / ROLE
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Keywords a stuffer would paste for a DevOps role: tools and role words, as people write them.
DEVOPS_KEYWORDS = [
    "Kubernetes",
    "Docker",
    "Terraform",
    "Ansible",
    "Jenkins",
    "AWS",
    "Azure",
    "GCP",
    "Helm",
    "Prometheus",
    "Grafana",
    "ELK",
    "Vault",
    "Python",
    "Bash",
    "Linux",
    "Git",
    "GitLab CI",
    "GitHub Actions",
    "Argo CD",
    "CloudFormation",
    "Pulumi",
    "Packer",
    "Istio",
    "OpenShift",
    "EKS",
    "AKS",
    "GKE",
    "Datadog",
    "Splunk",
    "PagerDuty",
    "Nagios",
    "Zabbix",
    "Puppet",
    "Chef",
    "SaltStack",
    "Nomad",
    "Consul",
    "Spinnaker",
    "Tekton",
    "CircleCI",
    "TeamCity",
    "Artifactory",
    "Nexus",
    "SonarQube",
    "Trivy",
    "OPA",
    "Kyverno",
    "Flux",
    "Rancher",
    "Karpenter",
    "Crossplane",
    "Backstage",
    "Loki",
    "Thanos",
    "OpenTelemetry",
    "CI/CD",
    "DevOps",
    "SRE",
    "GitOps",
]


def month_index(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def month_text(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def shifted(positions: Sequence[Position], offset: int) -> list[Position]:
    """Positions moved ``offset`` months later; a position ending at the present keeps ending there."""
    return [
        (
            title,
            where,
            month_text(month_index(start) + offset),
            end and month_text(month_index(end) + offset),
            bullets,
        )
        for title, where, start, end, bullets in positions
    ]


def version(career: Career, senior: bool) -> tuple[list[Position], int]:
    """The positions of one version and the year its education ended.

    The junior is the same person earlier on: the career up to :func:`junior_months` after it began (at most
    its first ``junior_positions`` positions), moved forward so that the position held then runs to the present.
    """
    degree_year = career.education[1]
    if senior:
        return list(career.positions), degree_year
    first = month_index(career.positions[0][2])
    cut = first + junior_months(career) - 1
    early = []
    for title, where, start, end, bullets in career.positions[: career.junior_positions]:
        if month_index(start) > cut:
            break
        early.append(
            (title, where, start, end if end and month_index(end) < cut else month_text(cut), bullets)
        )
    now = AS_OF[0] * 12 + AS_OF[1] - 1
    offset = now - cut
    moved = shifted(early, offset)
    title, where, start, _, bullets = moved[-1]
    moved[-1] = (title, where, start, None, bullets)
    return moved, degree_year + round(offset / 12)


def junior_months(career: Career) -> int:
    """How long the junior has worked: 18, 24, 30 or 36 months, by career, capped by the early positions."""
    early = career.positions[: career.junior_positions]
    span = month_index(str(early[-1][3])) - month_index(early[0][2]) + 1
    return min(span, 18 + 6 * (int(career.key[1:]) % 4))


def years_of(positions: Sequence[Position]) -> float:
    now = AS_OF[0] * 12 + AS_OF[1] - 1
    months = sum(
        (month_index(end) if end else now) - month_index(start) + 1 for _, _, start, end, _ in positions
    )
    return round(months / 12, 1)


def date_range(start: str, end: str | None, style: str) -> str:
    """A position's dates in the style's usual format."""
    s = month_index(start)
    e = month_index(end) if end else None
    if style == "us":
        return f"{MONTH_NAMES[s % 12]} {s // 12} – " + (
            f"{MONTH_NAMES[e % 12]} {e // 12}" if e else "Present"
        )
    if style == "european":
        return f"{s % 12 + 1:02d}/{s // 12} – " + (f"{e % 12 + 1:02d}/{e // 12}" if e else "present")
    if style == "terse":
        return f"{s // 12}-" + (f"{e // 12 % 100:02d}" if e else "now")
    if style == "indian":
        return f"{MONTH_NAMES[s % 12]} {s // 12} - " + (
            f"{MONTH_NAMES[e % 12]} {e // 12}" if e else "Till Date"
        )
    if style == "narrative":
        return f"{LONG_MONTHS[s % 12]} {s // 12} to " + (f"{LONG_MONTHS[e % 12]} {e // 12}" if e else "today")
    return f"{s // 12} – " + (f"{e // 12}" if e else "present")  # skills_first: years only


def render(career: Career, senior: bool) -> str:
    """One version of a career as a resume in the career's style."""
    positions, degree_year = version(career, senior)
    title = career.senior_title if senior else career.junior_title
    summary = career.senior_summary if senior else f"{career.junior_summary} {JUNIOR_GOALS[career.key]}"
    skills = list(career.skills if senior else career.skills[: career.junior_skills])
    degree, school = (
        career.education[0].rsplit(", ", 1) if ", " in career.education[0] else (career.education[0], "")
    )
    newest_first = list(reversed(positions))
    style = career.style
    detail, all_certificates, languages = EXTRAS[career.key]
    certificates = list(all_certificates if senior else all_certificates[:1])
    lines: list[str] = []
    if style == "us":
        lines += [career.name, f"{title} | {career.contact}", "", "SUMMARY", summary, "", "EXPERIENCE"]
        for t, where, start, end, bullets in newest_first:
            lines += [f"{t} — {where} | {date_range(start, end, style)}", *(f"• {b}" for b in bullets), ""]
        lines += [
            "SKILLS",
            ", ".join(skills),
            "",
            "EDUCATION",
            f"{degree}, {school}, {degree_year}",
            detail,
            "",
        ]
        lines += ["CERTIFICATIONS", "; ".join(certificates), "", "LANGUAGES", languages]
    elif style == "european":
        lines += [
            "Curriculum Vitae",
            "",
            career.name,
            career.contact,
            "",
            "Profile",
            summary,
            "",
            "Work experience",
        ]
        for t, where, start, end, bullets in newest_first:
            lines += [date_range(start, end, style), t, where, *(f"- {b}" for b in bullets), ""]
        lines += ["Education", f"{degree_year - 3} – {degree_year}", f"{degree}, {school}", detail, ""]
        lines += ["Certifications", *certificates, ""]
        lines += ["Skills", *(", ".join(skills[i : i + 4]) for i in range(0, len(skills), 4)), ""]
        lines += ["Languages", languages]
    elif style == "terse":
        lines += [career.name.upper(), career.contact, "", "-- PROFILE --", summary, "", "-- EXPERIENCE --"]
        for t, where, start, end, bullets in newest_first:
            lines += [
                f"{t.upper()} | {where} | {date_range(start, end, style)}",
                *(f"> {b}" for b in bullets),
                "",
            ]
        lines += [
            "-- SKILLS --",
            ", ".join(skills),
            "",
            "-- EDUCATION --",
            f"{degree}, {school}, {degree_year}",
        ]
        lines += [detail.lower(), "", "-- CERTIFICATIONS --", *certificates, "", "-- LANGUAGES --", languages]
    elif style == "indian":
        lines += ["CURRICULUM VITAE", "", career.name, career.contact, "", "Career Objective:", summary, ""]
        lines += ["Professional Experience:"]
        for number, (t, where, start, end, bullets) in enumerate(newest_first, start=1):
            lines += [f"Experience {number}:", f"{where} - {t} ({date_range(start, end, style)})"]
            lines += [f"- {b}" for b in bullets] + [""]
        lines += ["Technical Skills:", ", ".join(skills), "", "Educational Qualification:"]
        lines += [f"{degree} - {school} - {degree_year}", detail, ""]
        lines += ["Certifications:", *certificates, "", "Languages Known:", languages, ""]
        lines += [
            "Declaration: I hereby declare that the above information is true to the best of my knowledge."
        ]
    elif style == "narrative":
        lines += [career.name, career.contact, "", "About me", summary, "", "My work"]
        for t, where, start, end, bullets in positions:
            company, _, place = where.partition(", ")
            s = month_index(start)
            opening = (
                f"From {date_range(start, end, style)} I worked as {t} at {company} in {place}."
                if end
                else f"Since {LONG_MONTHS[s % 12]} {s // 12} I have been {t} at {company} in {place}."
            )
            lines += [f"{opening} " + " ".join(bullets), ""]
        lines += ["Education", f"{degree}, {school} ({degree_year}). {detail}", ""]
        lines += ["Certifications", "; ".join(certificates), "", "Languages", languages, ""]
        lines += ["Tools I use", ", ".join(skills)]
    else:  # skills_first
        lines += [career.name.upper(), title, career.contact, "", "CORE SKILLS"]
        size = -(-len(skills) // 4)  # four groups at most
        groups = ("Delivery", "Platform", "Cloud and code", "Operations")
        for group, first in zip(groups, range(0, len(skills), size), strict=False):
            lines.append(f"{group}: {', '.join(skills[first : first + size])}")
        lines += [
            "",
            "CERTIFICATIONS",
            *(f"✔ {c}" for c in certificates),
            "",
            "PROFILE",
            summary,
            "",
            "EMPLOYMENT",
        ]
        for t, where, start, end, bullets in newest_first:
            # Brief history: one line per job; a junior, with one or two jobs, says a little more.
            shown = bullets if not senior else bullets[:1]
            lines += [f"{date_range(start, end, style)}  {t}, {where}", *(f"- {b}" for b in shown)]
        lines += ["", "EDUCATION", f"{degree}, {school}, {degree_year}", detail, "", "LANGUAGES", languages]
    return "\n".join(lines).strip() + "\n"


def pair_records() -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for career in CAREERS:
        for senior in (True, False):
            positions, _ = version(career, senior)
            records.append(
                {
                    "id": f"{career.key}-{'senior' if senior else 'junior'}",
                    "career": career.key,
                    "version": "senior" if senior else "junior",
                    "style": career.style,
                    "years": years_of(positions),
                    "text": render(career, senior),
                }
            )
    return records


def thin_records() -> list[dict[str, object]]:
    return [{"id": f"thin-{key}", "text": text} for key, text in THIN_TEXTS.items()]


def stuffing_blocks(rng: random.Random, base: str) -> list[tuple[str, str]]:
    """Every kind of visible stuffing, as (kind, text to add), for one base resume."""
    pick = rng.sample(DEVOPS_KEYWORDS, 10)
    repeated_mix = " ".join(rng.choice(pick) for _ in range(200))
    skills_line = next(
        (line for line in reversed(base.splitlines()) if line.count(",") >= 4), ", ".join(pick)
    )
    return [
        ("repeated_pair", " ".join(["Kubernetes Terraform"] * 200)),
        ("repeated_mix", repeated_mix),
        ("tool_list", ", ".join(rng.sample(DEVOPS_KEYWORDS, 30))),
        ("keywords_label", "Keywords: " + ", ".join(rng.sample(DEVOPS_KEYWORDS, 25))),
        ("flat_list", " ".join(rng.sample(DEVOPS_KEYWORDS, 50))),
        ("copied_list", "\n".join([skills_line] * 3)),
        ("multi_line_list", "\n".join(", ".join(rng.sample(DEVOPS_KEYWORDS, 6)) for _ in range(4))),
        ("vertical_list", "\n".join(rng.sample(DEVOPS_KEYWORDS, 24))),
        # Written after the detection rules were set, to see how they carry over to shapes they were not
        # developed on.
        ("single_keyword", ", ".join(["Kubernetes"] * 60)),
        (
            "grouped_skills",
            "TECHNICAL SKILLS\n"
            + "\n".join(
                f"{group}: {', '.join(rng.sample(DEVOPS_KEYWORDS, 6))}"
                for group in (
                    "Cloud",
                    "Containers",
                    "CI/CD",
                    "Infrastructure as code",
                    "Monitoring",
                    "Security",
                )
            ),
        ),
        ("keyword_lines", "\n".join(" ".join(rng.sample(pick, 3)) for _ in range(30))),
        ("second_skills_section", "SKILLS\n" + ", ".join(rng.sample(DEVOPS_KEYWORDS, 20))),
        ("no_blank_line", "\b" + ", ".join(rng.sample(DEVOPS_KEYWORDS, 25))),
    ]


def stuffed_records(pairs: Iterable[dict[str, object]]) -> list[dict[str, object]]:
    """Stuffing appended to real-looking resumes of both classes (and once put in the middle), with the base."""
    rng = random.Random(2026)
    devops_bases = [(str(r["id"]), "devops", str(r["text"])) for r in pairs][::5]
    other_bases = [(f"other-{key}", "other", text) for key, text in OTHER_RESUMES.items()]
    records: list[dict[str, object]] = []
    bases = devops_bases + other_bases
    for round_ in range(2):  # every base twice, with two different kinds
        for number, (base_id, label, base) in enumerate(bases):
            kinds = stuffing_blocks(rng, base)
            kind, block = kinds[(number + round_ * len(bases)) % len(kinds)]
            if number % 7 == 3:  # in the middle of the resume, after its second paragraph
                head, _, tail = base.partition("\n\n")
                middle, _, rest = tail.partition("\n\n")
                text = f"{head}\n\n{middle}\n{block}\n\n{rest}"
                kind = f"{kind}_in_middle"
            elif block.startswith("\b"):  # straight after the last line, no blank line between
                text = base.rstrip("\n") + "\n" + block[1:] + "\n"
            else:
                text = base.rstrip("\n") + "\n\n" + block + "\n"
            records.append(
                {"id": f"stuffed-{base_id}-{kind}", "label": label, "kind": kind, "base": base, "text": text}
            )
    return records


def break_records() -> list[dict[str, object]]:
    """Senior careers with a 14-month gap before their last position, told with and without a documented
    break, for several stated reasons: the years must be the same in every version."""
    reasons = (
        "",
        "Career break (parental leave)",
        "Career break (sabbatical)",
        "Career break (caring for a parent)",
    )
    headings = {"us": "\nSKILLS", "european": "\nEducation"}
    records: list[dict[str, object]] = []
    for career in [c for c in CAREERS if c.style in headings][:6]:
        earlier = shifted(career.positions[:-1], -14)
        last = career.positions[-1]
        gap = date_range(
            month_text(month_index(str(earlier[-1][3])) + 1), month_text(month_index(last[2]) - 1), "us"
        )
        body = render(replace(career, positions=(*earlier, last)), senior=True)
        for number, reason in enumerate(reasons):
            text = (
                body.replace(headings[career.style], f"\n{reason} | {gap}\n{headings[career.style]}", 1)
                if reason
                else body
            )
            records.append(
                {
                    "id": f"break-{career.key}-{number}",
                    "career": career.key,
                    "reason": reason or "none",
                    "text": text,
                }
            )
    return records


def write_jsonl(path: Path, records: Sequence[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def build(out: Path = OUT) -> None:
    pairs = pair_records()
    for record in pairs:
        senior = record["version"] == "senior"
        years = float(str(record["years"]))
        assert (years >= 6) if senior else (years < 5), f"{record['id']}: {years} years"
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(out / "pairs.jsonl", pairs)
    write_jsonl(out / "thin.jsonl", thin_records())
    write_jsonl(out / "stuffed.jsonl", stuffed_records(pairs))
    write_jsonl(out / "breaks.jsonl", break_records())
    manifest = {
        "role": ROLE,
        "as_of": f"{AS_OF[0]}-{AS_OF[1]:02d}",
        "note": "Evaluation only: never train on these texts. Built by python -m tools.fit_checks build.",
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(
        f"Wrote {len(pairs)} pair texts, {len(THIN_TEXTS)} thin texts and the stuffed and break sets to {out}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("command", choices=("build",))
    parser.parse_args(argv)
    build()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
