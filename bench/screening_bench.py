"""Screening benchmark: N distinct PDF resumes end to end (parse, embed, score), ours against the blog's path.

    python bench/screening_bench.py [--n 200] [--device auto] [--paths blog,ours,ours-fp32]

Each path runs in its own fresh process, in the same run on the same PDFs, so the ratio between them is
meaningful on a noisy shared machine even when the absolute times are not. For each path it prints resumes per
second, cold start (process start to first scored resume) and peak resident memory.

- ``blog``: the original approach. pypdf in the same process, one ``encode`` call per resume truncated at the
  encoder's 256 tokens, full precision, ``SVC(gamma="auto")`` trained on truncated embeddings.
- ``ours``: ``core`` as shipped: parsing in worker processes, every resume read whole in overlapping windows,
  length-sorted batches, the encoder on the backend and precision ``auto`` picks (OpenVINO on the CPU, bf16 on
  CPUs with bf16 units), torch scoring.
- ``ours-torch-bf16``: the same with the encoder on PyTorch in bf16.
- ``ours-fp32``: the same with the full-precision PyTorch encoder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONNECTORS = (
    "Led",
    "Built",
    "Owned",
    "Migrated",
    "Designed",
    "Automated",
    "Reduced",
    "Introduced",
    "Ran",
    "Maintained",
    "Improved",
    "Supported",
    "Delivered",
    "Coordinated",
    "Wrote",
    "Reviewed",
)
OBJECTS = (
    "the release process",
    "a team of five",
    "quarterly planning",
    "the customer onboarding flow",
    "incident reviews",
    "vendor contracts",
    "the data warehouse",
    "nightly builds",
    "monthly reporting",
    "the hiring pipeline",
    "cost dashboards",
    "the on-call rota",
    "service documentation",
)


def resume_text(rng: random.Random, index: int) -> str:
    """A distinct, plausible resume of 350 to 900 words drawn from the role profile's vocabulary."""
    from core.data.roles import DEVOPS

    roles = [*DEVOPS.positives, *DEVOPS.hard_negatives, *DEVOPS.other_fields]
    role = roles[index % len(roles)]
    lines = [
        f"Candidate {index:04d}",
        f"{rng.choice(role.titles)} | {rng.randint(2, 20)} years",
        "",
        "EXPERIENCE",
    ]
    words = 0
    target = rng.randint(350, 900)
    while words < target:
        skills = rng.sample(role.skills, k=min(3, len(role.skills)))
        line = (
            f"- {rng.choice(CONNECTORS)} {rng.choice(OBJECTS)} using {', '.join(skills)}, "
            f"cutting effort by {rng.randint(5, 60)}% across {rng.randint(2, 40)} teams in {2005 + index % 19}."
        )
        lines.append(line)
        words += len(line.split())
    lines += ["", "SKILLS", ", ".join(role.skills)]
    return "\n".join(lines)


def build_pdfs(folder: Path, n: int, seed: int = 0) -> list[Path]:
    from fpdf import FPDF

    rng = random.Random(seed)
    paths = []
    for index in range(n):
        pdf = FPDF()
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, resume_text(rng, index))
        path = folder / f"resume-{index:04d}.pdf"
        pdf.output(str(path))
        paths.append(path)
    return paths


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def run_blog(folder: Path, started: float) -> dict[str, float]:
    """The original approach, as faithfully as it can run here."""
    import numpy as np
    from pypdf import PdfReader
    from sentence_transformers import SentenceTransformer
    from sklearn.svm import SVC

    from core.embedding.torch_encoder import default_encoder_path

    model = SentenceTransformer(str(default_encoder_path()), device="cpu", local_files_only=True)
    # The blog's classifier: SVC(gamma="auto") fit on truncated embeddings of labelled texts.
    rng = random.Random(1)
    train_texts = [resume_text(rng, i) for i in range(40)]
    labels = [1 if i % 49 < 7 else 0 for i in range(40)]
    svc = SVC(gamma="auto").fit(model.encode(train_texts), labels)
    files = sorted(folder.glob("*.pdf"))
    first = None
    t0 = time.perf_counter()
    for path in files:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
        vector = model.encode(text)
        svc.decision_function(np.asarray([vector]))
        if first is None:
            first = time.time() - started
    elapsed = time.perf_counter() - t0
    return {"n": len(files), "seconds": elapsed, "cold_start_s": first or 0.0}


OUR_PATHS = {"ours": ("auto", "auto"), "ours-torch-bf16": ("torch", "bf16"), "ours-fp32": ("torch", "fp32")}


def run_ours(folder: Path, started: float, path_name: str, device: str) -> dict[str, float]:
    from core.documents.batch import parse_documents
    from core.documents.types import DocumentLimits
    from core.paths import bundled_model_dir
    from core.screening.screener import load_screener, screen_documents

    model_dir = bundled_model_dir() if (bundled_model_dir() / "model.json").is_file() else None
    if model_dir is None:
        raise SystemExit("The bundled model is missing: run `shortlist train` first (see README).")
    backend, precision = OUR_PATHS[path_name]
    screener = load_screener(
        model_dir,
        device=device,
        use_cache=False,
        precision=precision,  # type: ignore[arg-type]
        backend=backend,  # type: ignore[arg-type]
    )
    files = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.pdf"))]
    # Cold start: the first file on its own, as a recruiter screening one resume would see it.
    screen_documents(parse_documents(files[:1]), screener)
    first = time.time() - started
    t0 = time.perf_counter()
    candidates = screen_documents(parse_documents(files, limits=DocumentLimits()), screener)
    elapsed = time.perf_counter() - t0
    assert sum(c.scored for c in candidates) == len(files), "every benchmark PDF must be scored"
    return {"n": len(files), "seconds": elapsed, "cold_start_s": first}


def worker(path_name: str, folder: Path, device: str) -> None:
    started = float(os.environ["BENCH_STARTED"])
    if path_name == "blog":
        result = run_blog(folder, started)
    else:
        result = run_ours(folder, started, path_name, device)
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="number of distinct PDF resumes")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--paths", default="blog,ours,ours-torch-bf16,ours-fp32")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.folder, args.device)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_pdfs(folder, args.n)
        results: dict[str, dict[str, float]] = {}
        for name in args.paths.split(","):
            launch = time.perf_counter()
            # Wall-clock time is comparable across processes (perf_counter is not): cold start counts from here.
            # The normal state folder: the OpenVINO model converted at a first start is reused, as in the app.
            # The embedding cache is off in the workers (use_cache=False), so nothing else is reused.
            env = {
                **os.environ,
                "BENCH_STARTED": repr(time.time()),
                "HF_HUB_OFFLINE": "1",
                "TOKENIZERS_PARALLELISM": "false",
            }
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    name,
                    "--folder",
                    str(folder),
                    "--device",
                    args.device,
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{name} failed")
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result["wall_s"] = time.perf_counter() - launch
            results[name] = result
        print(f"{args.n} distinct PDF resumes, device={args.device}, cpus={os.cpu_count()}")
        print(f"{'path':<10} {'resumes/s':>10} {'seconds':>8} {'cold start s':>13} {'peak MB':>8}")
        for name, r in results.items():
            print(
                f"{name:<10} {r['n'] / r['seconds']:>10.2f} {r['seconds']:>8.1f} {r['cold_start_s']:>13.2f} "
                f"{r['peak_mb']:>8.0f}"
            )
        if "blog" in results:
            base = results["blog"]["n"] / results["blog"]["seconds"]
            for name, r in results.items():
                if name != "blog":
                    print(f"speed-up {name} vs blog: {r['n'] / r['seconds'] / base:.2f}x")


if __name__ == "__main__":
    main()
