"""One cold build of every variant, broken down by stage from its own records and the CPU it kept busy.

    .venv/bin/python benchmarks/timeline.py [--runs 2]

Each run copies data/ into a temporary folder, empties .cache/validated (as the benchmark's cold build
does) and runs `python -m nato_russia.publishing` into an empty reports folder, sampling /proc/stat every
0.1 s (Linux). From the executed notebooks' papermill metadata and the manifest it prints, relative to the
command's start: when each notebook's papermill run started, its first cell ran (kernel start), its
data-loading cell took (the notebook's third cell: imports, parameters, load_dataset, as-of view), its last
cell ended and papermill ended (kernel shutdown, notebook written); then the variants' stage timings, the
busy cores per second and the idle core-seconds. No profiler: the build runs as `make reports` runs it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
CORES = os.cpu_count() or 1


def _busy() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def cold_build(folder: Path) -> tuple[float, float, list[tuple[float, float]]]:
    """Run one cold build into `folder`; return its start (epoch), wall seconds and (t, busy cores) samples."""
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.rmtree(ROOT / ".cache" / "validated", ignore_errors=True)
    cmd = [PYTHON, "-m", "nato_russia.publishing", "--no-live", "--reports-dir", folder / "reports"]
    cmd += ["--data-dir", folder / "data"]
    samples = []
    start = time.time()
    with open(folder / "build.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        b0, t0 = _busy()
        while proc.poll() is None:
            time.sleep(0.1)
            b, t = _busy()
            samples.append((time.time() - start, CORES * (b - b0) / max(1, t - t0)))
            b0, t0 = b, t
    wall = time.time() - start
    if proc.returncode != 0:
        sys.exit(f"the build failed; see {folder / 'build.log'}")
    return start, wall, samples


def report(folder: Path, start: float, wall: float, samples: list) -> None:
    def at(stamp: str) -> float:
        return dt.datetime.fromisoformat(stamp).timestamp() - start

    rows = []
    for nb_file in sorted((folder / "reports").glob("*/*.ipynb")):
        nb = json.loads(nb_file.read_text(encoding="utf-8"))
        meta = nb["metadata"]["papermill"]
        cells = [
            c["metadata"]["papermill"]
            for c in nb["cells"]
            if c.get("metadata", {}).get("papermill", {}).get("start_time")
        ]
        last_end = at(cells[-1]["start_time"]) + (cells[-1]["duration"] or 0)
        load = nb["cells"][3]["metadata"]["papermill"]["duration"] or 0
        rows.append(
            (at(meta["start_time"]), at(cells[0]["start_time"]), load, last_end, at(meta["end_time"]), nb_file.name)
        )
    print(f"{'notebook':40} {'start':>6} {'kernel':>7} {'load':>6} {'cells end':>9} {'tail':>6}")
    for begun, first, load, last_end, ended, name in sorted(rows):
        print(f"{name:40} {begun:6.2f} {first - begun:7.2f} {load:6.2f} {last_end:9.2f} {ended - last_end:6.2f}")
    n = len(rows)
    print(
        f"means over {n} notebooks: kernel start {sum(r[1] - r[0] for r in rows) / n:.3f} s, data-loading cell "
        f"{sum(r[2] for r in rows) / n:.3f} s, tail {sum(r[4] - r[3] for r in rows) / n:.3f} s; "
        f"first cell at {min(r[1] for r in rows):.2f} s"
    )
    manifest = json.loads((folder / "reports" / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in manifest["variants"].items():
        print(f"  {name:20} {entry['published']['timings']}")
    per_second: dict[int, list[float]] = {}
    for t, cores in samples:
        per_second.setdefault(int(t), []).append(cores)
    print("busy cores, per second:", " ".join(f"{sum(v) / len(v):.1f}" for _, v in sorted(per_second.items())))
    idle = sum((CORES - cores) * 0.1 for _, cores in samples)
    print(f"wall {wall:.2f} s, idle {idle:.2f} core-seconds (of {CORES * wall:.1f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        print(f"\nrun {run}, load average {os.getloadavg()[0]:.2f} at the start")
        with tempfile.TemporaryDirectory(prefix="bench-timeline-") as tmp:
            start, wall, samples = cold_build(Path(tmp))
            report(Path(tmp), start, wall, samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
