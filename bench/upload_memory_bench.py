"""Memory of one screening run fed zip bombs: every member in memory (the previous design) against members read
when a worker takes them, within the run's caps (``core.documents.collect_uploads``, as shipped).

    python bench/upload_memory_bench.py [--archives 6] [--members 50] [--member-mib 10]

The default is issue 14's attack: six uploads of about 515 KB, each 50 members of 10 MiB of zeros behind a PDF
header. Each path runs in its own fresh process, in the same run on the same archives, and reports the process's
peak resident memory (the parse workers are separate processes, capped by ``DocumentLimits.memory_mb``), the
wall time, and how many members were parsed or listed as over the run's caps.

- ``all-in-memory``: the previous design: each archive expanded into ``(name, bytes)`` pairs (every member read,
  up to the per-file cap, under a per-archive cap of 512 MiB) before parsing.
- ``streamed``: as shipped: members read when a worker takes them, caps across all uploads of the run.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PATHS = ("all-in-memory", "streamed")
OLD_ARCHIVE_CAP = 512 << 20  # what the previous design allowed per archive


def build_archives(folder: Path, archives: int, members: int, member_mib: int) -> list[Path]:
    """``archives`` zips of ``members`` members each: a PDF header and ``member_mib`` MiB of zeros."""
    body = b"%PDF-1.4\n" + bytes(member_mib << 20)
    paths = []
    for number in range(archives):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for member in range(members):
                archive.writestr(f"cv-{member:03d}.pdf", body)
        path = folder / f"bomb-{number}.zip"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def _expand_all(uploads: list[tuple[str, bytes]], cap: int) -> list[tuple[str, bytes]]:
    """The previous design's expansion: every member's bytes, read up front."""
    files = []
    for name, data in uploads:
        total = 0
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in sorted(archive.infolist(), key=lambda item: item.filename):
                with archive.open(info) as member:
                    content = member.read(cap)
                total += len(content)
                if total > OLD_ARCHIVE_CAP:
                    break
                files.append((f"{name}/{info.filename}", content))
    return files


def run_path(path: str, archives: list[str]) -> dict[str, object]:
    """One path in this process; prints its figures as JSON."""
    from core.documents import DocumentLimits, RejectionReason, collect_uploads, parse_documents

    limits = DocumentLimits()
    uploads = [(Path(archive).name, Path(archive).read_bytes()) for archive in archives]
    started = time.perf_counter()
    if path == "all-in-memory":
        documents = parse_documents(_expand_all(uploads, limits.max_bytes + 1), limits)
    else:
        documents = parse_documents(collect_uploads(uploads, limits), limits)
    over = sum(document.rejection is RejectionReason.over_run_limit for document in documents)
    return {
        "path": path,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10,
        "parsed": len(documents) - over,
        "over_caps": over,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--archives", type=int, default=6)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--member-mib", type=int, default=10)
    parser.add_argument("--run-path", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--inputs", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_path:
        print(json.dumps(run_path(args.run_path, args.inputs)))
        return
    with tempfile.TemporaryDirectory() as folder:
        archives = build_archives(Path(folder), args.archives, args.members, args.member_mib)
        size_kb = sum(path.stat().st_size for path in archives) / len(archives) / 1000
        print(
            f"{len(archives)} archives of {size_kb:.0f} KB, {args.members} members of {args.member_mib} MiB each"
        )
        print(f"{'path':<15} {'peak MiB':>9} {'seconds':>8} {'parsed':>7} {'over caps':>10}")
        for path in PATHS:
            command = [sys.executable, __file__, "--run-path", path, "--inputs", *map(str, archives)]
            result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            print(
                f"{path:<15} {result['peak_mib']:>9} {result['seconds']:>8} {result['parsed']:>7} "
                f"{result['over_caps']:>10}"
            )


if __name__ == "__main__":
    main()
