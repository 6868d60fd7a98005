"""``shortlist``: screen, train, eval and generate from the command line; the same core calls as the pages.

Heavy libraries (torch, sentence-transformers, scikit-learn) are imported inside the commands, so ``--help``
and argument errors answer at once. Everything printed goes through :func:`core.safe_text.echo`: file names and
messages come from applicants' files and archives, and must not drive the terminal. Output files are checked
before any work starts, so a wrong ``--out`` costs a second, not a whole screen.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import ConfigError, ShortlistError
from core.progress import progress_bar
from core.safe_text import echo

SUMMARY_ROWS = 50  # the terminal summary shows the top of the list; the CSV has every row


def _format_rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def check_output(path: Path | None, option: str = "--out") -> None:
    """Refuse, before any work, an output that could not be written: a folder, a file in a folder that does not
    exist, or a place without write permission.

    Raises:
        ConfigError: one line that says what is wrong with ``path``.
    """
    if path is None:
        return
    if path.is_dir():
        raise ConfigError(f"{option} {path} is a folder; give a file name, such as {path / 'ranked.csv'}")
    folder = path.parent
    if not folder.is_dir():
        raise ConfigError(f"{option} {path}: the folder {folder} does not exist")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise ConfigError(f"{option} {path}: no permission to write {target}")


def _write_output(path: Path, data: bytes, option: str = "--out") -> None:
    """Write ``data`` to ``path``; a failure (a full disk, a folder removed meanwhile) is one line too."""
    try:
        path.write_bytes(data)
    except OSError as error:
        raise ConfigError(f"{option} {path} could not be written: {error.strerror or error}") from error


def cmd_screen(args: argparse.Namespace) -> int:
    from core.documents import DocumentLimits, collect_inputs, parse_documents
    from core.screening import candidates_frame, load_screener, screen_documents, to_csv_bytes

    check_output(args.out)
    limits = DocumentLimits()
    files = collect_inputs([Path(p) for p in args.paths], limits)
    if not files:
        echo("No files found in the given paths.", file=sys.stderr)
        return 2
    screener = load_screener(args.model, device=args.device, precision=args.precision, backend=args.backend)
    with progress_bar("parsing", "file") as update:
        documents = parse_documents(files, limits=limits, on_progress=update)
    with progress_bar("scoring", "resume") as update:
        candidates = screen_documents(documents, screener, on_progress=update)
    frame = candidates_frame(candidates)
    if args.out:
        _write_output(args.out, to_csv_bytes(frame))
    _print_summary(frame)
    if args.out:
        echo(f"\nWrote {len(frame)} rows to {args.out}")
    return 0


def _print_summary(frame: Any) -> None:
    scored = frame[frame["status"] == "scored"]
    rejected = frame[frame["status"] == "rejected"]
    counts = scored["band"].value_counts()
    echo(
        f"{len(frame)} files: {len(scored)} scored "
        f"({counts.get('shortlist', 0)} shortlist, {counts.get('review', 0)} review, "
        f"{counts.get('reject', 0)} reject), {len(rejected)} rejected"
    )
    if len(scored):
        echo()
        echo(
            scored[["rank", "file", "band", "fit", "score", "reason"]]
            .head(SUMMARY_ROWS)
            .to_string(index=False)
        )
    if len(rejected):
        echo("\nNot screened, with the reason:")
        echo(rejected[["file", "reason"]].to_string(index=False))


def cmd_train(args: argparse.Namespace) -> int:
    from core.embedding import Chunking, SentenceTransformerEncoder, cached_embedder
    from core.model import parse_gamma
    from core.training import TrainConfig, train_model

    chunking = Chunking(pooling=args.pooling)
    config = TrainConfig(
        classifier=args.classifier,
        C=args.C,
        gamma=parse_gamma(args.gamma),
        balancing=args.balancing,
        seed=args.seed,
        chunking=chunking,
    )
    with progress_bar("embedding", "resume") as update:
        result = train_model(
            [Path(p) for p in args.data],
            Path(args.out),
            cached_embedder(
                SentenceTransformerEncoder(device=args.device, precision=args.precision), chunking
            ),
            config,
            on_progress=update,
        )
    meta = result.metadata
    echo(f"Trained {meta['version']} on {result.n_train} records, evaluated on {result.n_test} held out.")
    _print_report(result.report)
    echo(f"Thresholds: shortlist from {result.thresholds.shortlist}, review from {result.thresholds.review}")
    echo(f"Model written to {result.model_dir}")
    return 0


def _print_report(report: Any) -> None:
    echo(
        f"  [{report.group}] n={report.n} devops={report.n_positive} ROC-AUC={_format_rate(report.roc_auc)} "
        f"AP={_format_rate(report.average_precision)} accuracy={report.accuracy:.3f}"
    )
    echo(
        f"    kept (shortlist+review) devops={_format_rate(report.positives_kept)} "
        f"rejected others={_format_rate(report.negatives_rejected)}"
    )
    echo(
        f"    at review: precision={_format_rate(report.precision_at_review)} "
        f"recall={_format_rate(report.recall_at_review)}; at shortlist: "
        f"precision={_format_rate(report.precision_at_shortlist)} "
        f"recall={_format_rate(report.recall_at_shortlist)}"
    )
    echo(
        "    bands per class: "
        + "; ".join(
            f"{label}: " + ", ".join(f"{band} {count}" for band, count in bands.items())
            for label, bands in report.confusion.items()
        )
    )


def cmd_eval(args: argparse.Namespace) -> int:
    from core.training import evaluate_dataset

    check_output(args.out)
    check_output(args.json, "--json")
    with progress_bar("scoring", "resume") as update:
        result = evaluate_dataset(
            Path(args.data), args.model, by=args.by, device=args.device, on_progress=update
        )
    echo(f"Model {result.model_version} on {args.data} ({result.broken_lines} broken lines skipped)")
    for skipped in result.skipped_files:
        echo(f"  skipped {skipped.name}: {skipped.reason}")
    for report in result.reports:
        _print_report(report)
    if args.out:
        _write_output(args.out, result.scores.to_csv(index=False).encode("utf-8"))
        echo(f"Wrote {len(result.scores)} rows to {args.out}")
    if args.json:
        _write_output(
            args.json, json.dumps([r.to_dict() for r in result.reports], indent=2).encode(), "--json"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    from core.generation import add_generate_parser

    parser = argparse.ArgumentParser(prog="shortlist", description=__doc__.splitlines()[0] if __doc__ else "")
    sub = parser.add_subparsers(dest="command", required=True)
    devices = ("auto", "cpu", "cuda")

    screen = sub.add_parser("screen", help="rank PDF resumes (files, folders or .zip archives)")
    screen.add_argument("paths", nargs="+", metavar="PATH")
    screen.add_argument("--model", type=Path, default=None, help="model version folder (default: bundled)")
    screen.add_argument("--out", type=Path, help="write the ranked list as CSV")
    screen.add_argument("--device", choices=devices, default="auto")
    screen.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16", "fp16"),
        default="auto",
        help="encoder precision (auto: bf16 on CPUs with bf16 units, fp16 on CUDA)",
    )
    screen.add_argument(
        "--backend",
        choices=("auto", "torch", "openvino"),
        default="auto",
        help="encoder runtime (auto: OpenVINO on the CPU when installed, torch on CUDA)",
    )
    screen.set_defaults(func=cmd_screen)

    train = sub.add_parser("train", help="train a model version from JSONL datasets")
    train.add_argument("--data", nargs="+", required=True, metavar="FILE.jsonl")
    train.add_argument("--out", required=True, type=Path, metavar="DIR")
    train.add_argument("--classifier", choices=("svm", "linear", "logreg"), default="svm")
    train.add_argument("--C", type=float, default=1.0)
    train.add_argument("--gamma", default="scale", help='RBF gamma: "scale", "auto" or a number')
    train.add_argument("--pooling", choices=("mean", "first", "max"), default="mean")
    train.add_argument("--balancing", choices=("weights", "downsample", "none"), default="weights")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", choices=devices, default="auto")
    train.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16", "fp16"),
        default="fp32",
        help="encoder precision; fp32 (default) makes a model reproducible on any CPU",
    )
    train.set_defaults(func=cmd_train)

    ev = sub.add_parser("eval", help="evaluate a model version on a labelled JSONL set or labelled PDFs")
    ev.add_argument(
        "--data",
        required=True,
        metavar="FILE.jsonl|FOLDER|FILE.zip",
        help="a JSONL set, or PDFs in folders named devops and other (a folder or a .zip)",
    )
    ev.add_argument("--model", type=Path, default=None)
    ev.add_argument("--by", metavar="FIELD", help="also report per value of this record field")
    ev.add_argument("--out", type=Path, help="write id,label,score,band per record as CSV")
    ev.add_argument("--json", type=Path, help="write the reports as JSON")
    ev.add_argument("--device", choices=devices, default="auto")
    ev.set_defaults(func=cmd_eval)

    add_generate_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ShortlistError as exc:
        echo(f"shortlist: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        echo("shortlist: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
