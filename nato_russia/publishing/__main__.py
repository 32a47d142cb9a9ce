"""Command line: `python -m nato_russia.publishing [options]` (what `make reports` runs).

Exit status: 0 all variants built or up to date; 1 a variant failed (the others still
published), or the disk is full; 2 the variants file, a date or the command line is wrong, or
the Dask scheduler cannot be reached or its workers run other code (nothing ran); 3 another
build holds the lock; 130/143 stopped by SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from nato_russia import paths


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m nato_russia.publishing",
        description="Build every report variant declared in reports.yaml into reports/ "
        "(HTML, PDF, executed notebooks, figures), skipping those whose inputs did not change.",
    )
    p.add_argument("--only", action="append", metavar="NAME", default=[], help="build only this variant (repeatable)")
    p.add_argument("--force", action="store_true", help="rebuild even if inputs are unchanged")
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="variants built at once (default: %(default)s, the CPU count)",
    )
    p.add_argument(
        "--reports-dir",
        type=Path,
        default=paths.REPORTS_DIR,
        metavar="DIR",
        help="where reports are published (default: reports/)",
    )
    p.add_argument(
        "--variants",
        type=Path,
        default=paths.VARIANTS_FILE,
        metavar="FILE",
        help="variants file (default: reports.yaml)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="data folder (with datapackage.json) given to every notebook as data_dir",
    )
    p.add_argument(
        "--cell-timeout",
        type=float,
        default=None,
        metavar="S",
        help="seconds one cell may run (default: reports.yaml settings, else 600)",
    )
    p.add_argument(
        "--notebook-timeout",
        type=float,
        default=None,
        metavar="S",
        help="seconds one notebook may run (default: reports.yaml settings, else 1800)",
    )
    p.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        default=None,
        help="the date a blank as_of stands for (default: $NATO_RUSSIA_TODAY, else today's date in UTC); "
        "for tests and back-dated runs",
    )
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where variants are built: worker processes on this machine (default), or tasks on a Dask "
        "cluster (needs --scheduler; see the README)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="the Dask scheduler's address, with --executor dask",
    )
    p.add_argument(
        "--scheduler-timeout",
        type=float,
        default=15.0,
        metavar="S",
        help="seconds to wait for the scheduler to answer and for a worker to join it (default: %(default)s)",
    )
    p.add_argument("--wait", action="store_true", help="wait for a running build instead of refusing")
    p.add_argument("--no-live", action="store_true", help="plain log lines even at a terminal")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from nato_russia import params

    try:  # a bad date is refused here, in a sentence, before anything is read or started
        today = params.today(args.today).isoformat()
    except params.ParameterError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 2
    if args.executor == "dask" and not args.scheduler:
        print("build: --executor dask needs --scheduler tcp://HOST:PORT", file=sys.stderr)
        return 2
    from nato_russia.publishing.cluster import ClusterError
    from nato_russia.publishing.lock import LockHeld
    from nato_russia.publishing.runner import Build, Options
    from nato_russia.publishing.variants import VariantError

    options = Options(
        reports_dir=args.reports_dir,
        variants_file=args.variants,
        only=args.only,
        force=args.force,
        jobs=max(1, args.jobs),
        data_dir=args.data_dir,
        wait=args.wait,
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.notebook_timeout,
        live=False if args.no_live else None,
        today=today,
        executor=args.executor,
        scheduler=args.scheduler,
        scheduler_timeout=args.scheduler_timeout,
    )
    try:
        return Build(options).run()
    except (VariantError, FileNotFoundError, ClusterError) as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 2
    except LockHeld as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    from nato_russia.publishing import exiting

    exiting.leave(main())
