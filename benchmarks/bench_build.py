"""Benchmark the report build against the route a user would otherwise script.

Measured in one run, on this machine, with the same notebooks and parameters:

  ours, cold      every variant of reports.yaml into a fresh reports dir (nothing to skip)
  ours, no-op     the same command again: every variant is up to date and skipped
  one row changed one event's title edited in a copy of the data, then the same command again
  naive route     per variant, one after another: the papermill CLI per notebook, then
                  `jupyter nbconvert --to html --no-input`, then the weasyprint CLI on that HTML
                  (WeasyPrint 70.0 is no dependency of the project: the benchmark installs it once
                  into .cache/weasyprint-70.0 with uv, outside the lock, and runs it from there;
                  papermill and nbconvert run with rfc3987-syntax hidden, see naive_shim)
  scale           1, 10, 50 … generated variants of the brief notebook (as_of spread over 2016–2026)
  scale, Dask     the largest of those sizes again, on a LocalCluster of one single-threaded worker
                  per core started by the benchmark (its start-up not counted): --executor dask
  peak memory     the largest RSS sum of every process under this one, sampled every ~50 ms

Every figure is measured --runs times (default 3); medians, min and max are printed, checked
against the targets and written to benchmarks/results/<timestamp>.json and latest.json.
`--profile` instead breaks one cold build of one variant down into its stages.

Run with `make bench` (ARGS="--quick", ARGS="--scale 1,10,20 --runs 3", ARGS="--no-dask",
ARGS="--compare FILE").
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import yaml

from nato_russia.paths import CACHE_DIR, DATA_DIR, NOTEBOOKS_DIR, ROOT, VARIANTS_FILE

BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
BRIEF_NOTEBOOK = NOTEBOOKS_DIR / "05-brief.ipynb"
RESULTS_DIR = ROOT / "benchmarks" / "results"
CORES = os.cpu_count() or 1
MIB = 2**20

#: The targets the build is held to (see benchmarks/README.md).
COLD_RATIO_LIMIT = 0.20  # ours cold ≤ 0.20 × the naive route
NOOP_LIMIT_S = 1.0  # a no-op rebuild under one second
SCALE_SLACK = 1.3  # N variants within 1.3 × N × (one-variant time) / cores
PEAK_LIMIT_MB = 1.5 * 1024  # peak memory of the process tree under 1.5 GB (MiB here)
LIMIT_SLACK = 1.3  # ours cold ≤ 1.3 × the limit (cells' own work + HTML + PDF, summed, / cores)


# ---- measuring -------------------------------------------------------------------------------


class PeakMemory:
    """Track the peak RSS sum of every process below this one, from a sampling thread.

    The benchmark itself is not counted: only the commands it runs, their workers and their
    kernels (kernels start in a session of their own but stay our descendants). RSS counts
    pages shared between forked workers once per process, so the figure errs on the high side.
    """

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak_bytes = 0
        self._me = psutil.Process()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / MIB

    def _loop(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_bytes = max(self.peak_bytes, self._tree_rss())

    def _tree_rss(self) -> int:
        total = 0
        for proc in self._me.children(recursive=True):
            try:
                total += proc.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue  # it ended between listing and reading: nothing left to count
        return total


@dataclass
class Measurement:
    """Wall-clock seconds and peak memory of a list of commands run one after another."""

    seconds: float
    peak_mb: float
    by_tool: dict[str, float] = field(default_factory=dict)  # seconds per program (papermill, nbconvert, …)


#: The naive route's PDF step: WeasyPrint's command line, run by the project's Python with WeasyPrint on its path.
WEASYPRINT_CLI = [PYTHON, "-m", "weasyprint"]
WEASYPRINT = "weasyprint==70.0"


def weasyprint_dir() -> Path:
    """A folder holding WeasyPrint and its dependencies, installed there once with uv (not in the lock)."""
    folder = CACHE_DIR / "weasyprint-70.0"
    if not (folder / "weasyprint").is_dir():
        print(f"bench: installing {WEASYPRINT} into {folder} for the naive route (outside the lock)", flush=True)
        subprocess.run([BIN / "uv", "pip", "install", "--quiet", "--target", folder, WEASYPRINT], check=True)
    return folder


def naive_shim() -> Path:
    """A folder whose sitecustomize.py hides rfc3987-syntax from the naive route's papermill and nbconvert.

    The lock carries rfc3987-syntax (plain pip needs it), whose import costs 1.7-3 s in every process that imports
    nbformat; the build avoids it (nato_russia/publishing/lazy_iri.py), a user's CLI does not. The naive route is
    measured as it was before the lock carried it, so the ratio to it is not flattered by that cost.
    """
    folder = CACHE_DIR / "naive-shim"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        "import sys\nsys.modules.setdefault('rfc3987_syntax', None)  # as if not installed\n", encoding="utf-8"
    )
    return folder


def run_logged(cmd: list, cwd: Path, log: Path) -> None:
    """Run one command with its output appended to `log`; on failure show the log's tail and stop."""
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"$ {' '.join(map(str, cmd))}\n")
        fh.flush()
        env = None
        if cmd[: len(WEASYPRINT_CLI)] == WEASYPRINT_CLI:  # WeasyPrint from its own folder, not the lock
            env = {**os.environ, "PYTHONPATH": str(weasyprint_dir())}
        elif Path(str(cmd[0])).name in ("papermill", "jupyter"):
            env = {**os.environ, "PYTHONPATH": str(naive_shim())}
        code = subprocess.run([str(c) for c in cmd], cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, env=env).returncode
    if code != 0:
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-30:])
        sys.exit(f"bench: command failed with exit status {code}: {' '.join(map(str, cmd))}\n{tail}")


def measure(commands: list[list], cwd: Path, log: Path) -> Measurement:
    """Time `commands` run in sequence, sampling the memory of the whole process tree meanwhile."""
    by_tool: Counter = Counter()
    with PeakMemory() as memory:
        started = time.perf_counter()
        for cmd in commands:
            began = time.perf_counter()
            run_logged(cmd, cwd, log)
            by_tool[tool_name(cmd)] += time.perf_counter() - began
        seconds = time.perf_counter() - started
    return Measurement(round(seconds, 3), round(memory.peak_mb, 1), {k: round(v, 2) for k, v in by_tool.items()})


def tool_name(cmd: list) -> str:
    """`papermill`, `jupyter nbconvert`, `weasyprint`, `python -m nato_russia.publishing`: what a command runs."""
    name = Path(str(cmd[0])).name
    if name == "jupyter" or str(cmd[1]) == "-m":
        return f"{name} {cmd[1] if name == 'jupyter' else '-m ' + str(cmd[2])}"
    return name


# ---- the two routes ----------------------------------------------------------------------------


@dataclass
class Variant:
    """What the naive route needs of a reports.yaml variant (read here, not through the build)."""

    name: str
    notebooks: list[Path]
    parameters: dict = field(default_factory=dict)


def read_variants(variants_file: Path) -> list[Variant]:
    """The variants of a variants file, notebook paths resolved against the file's folder."""
    doc = yaml.safe_load(variants_file.read_text(encoding="utf-8"))
    found = []
    for entry in doc["variants"]:
        notebooks = entry["notebooks"] if isinstance(entry["notebooks"], list) else [entry["notebooks"]]
        params = {
            k: (v.isoformat() if isinstance(v, dt.date) else str(v)) for k, v in (entry.get("parameters") or {}).items()
        }
        found.append(Variant(entry["name"], [(variants_file.parent / nb).resolve() for nb in notebooks], params))
    return found


def build_command(reports_dir: Path, variants_file: Path = VARIANTS_FILE, data_dir: Path | None = None) -> list:
    """Our build, exactly as `make reports` runs it (default --jobs: the CPU count)."""
    cmd = [
        PYTHON,
        "-m",
        "nato_russia.publishing",
        "--no-live",
        "--reports-dir",
        reports_dir,
        "--variants",
        variants_file,
    ]
    return cmd + (["--data-dir", data_dir] if data_dir else [])


def naive_commands(variants: list[Variant], work: Path, data_dir: Path) -> list[list]:
    """The route a user would script: papermill, nbconvert and weasyprint CLIs, notebook by notebook.

    A multi-notebook variant gets each notebook executed and converted to its own HTML and PDF:
    the CLIs have no way to merge them into one document, which is the closest a script gets.
    The date parameters are given with -p; papermill keeps "2021-10-19" a string.
    """
    weasyprint_dir()  # installed before the clock starts
    commands = []
    for variant in variants:
        folder = work / variant.name
        (folder / "figures").mkdir(parents=True)
        params = {**variant.parameters, "data_dir": str(data_dir), "figures_dir": str(folder / "figures")}
        for nb in variant.notebooks:
            out = folder / nb.name
            commands.append([BIN / "papermill", nb, out, *[x for k, v in params.items() for x in ("-p", k, v)]])
            commands.append([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", out])
            commands.append([*WEASYPRINT_CLI, out.with_suffix(".html"), out.with_suffix(".pdf")])
    return commands


def statuses(reports_dir: Path) -> dict[str, int]:
    """How many variants the last build in `reports_dir` built, skipped or failed (from its manifest)."""
    manifest = json.loads((reports_dir / "manifest.json").read_text(encoding="utf-8"))
    return dict(Counter(v.get("status", "?") for v in manifest["variants"].values()))


def stage_seconds(reports_dir: Path) -> dict[str, float]:
    """Worker seconds per stage (execute, html, pdf, total) summed over the variants built last."""
    manifest = json.loads((reports_dir / "manifest.json").read_text(encoding="utf-8"))
    sums: Counter = Counter()
    for entry in manifest["variants"].values():
        if entry.get("status") == "ok":
            sums.update(entry["published"]["timings"])
    return {k: round(v, 2) for k, v in sums.items()}


#: What a notebook's first code cell imports before it loads the data (the notebooks' own imports).
NOTEBOOK_IMPORTS = "import pandas, matplotlib.pyplot; from nato_russia import analysis, charts, narrative, report"


def import_seconds() -> float:
    """Seconds a fresh interpreter spends on the notebooks' imports (interpreter start subtracted)."""
    log = Path(tempfile.gettempdir()) / "bench-imports.log"
    bare = measure([[PYTHON, "-c", "pass"]], ROOT, log).seconds
    full = measure([[PYTHON, "-c", NOTEBOOK_IMPORTS]], ROOT, log).seconds
    return max(0.0, round(full - bare, 3))


def starts_with_imports(source: str) -> bool:
    lines = [ln.strip() for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and lines[0].startswith(("import ", "from "))


def own_work(reports_dir: Path, imports_s: float) -> dict[str, float]:
    """The limit's parts for the variants built last: cells' own work, HTML, PDF (seconds, summed).

    Cells: every executed cell's duration as papermill recorded it, less the imports of pandas, matplotlib
    and the package (`imports_s`, measured in a fresh interpreter, taken off each notebook's first cell that
    imports, at most that cell's time; that cell also loads the data, which stays counted): what is left is
    loading the data, building the charts and writing files. HTML and PDF: the workers' export and PDF times
    from the manifest (the edition comparison, "changes", is counted with HTML). Kernel start, imports and
    process start-ups are left out.
    """
    manifest = json.loads((reports_dir / "manifest.json").read_text(encoding="utf-8"))
    cells = imports = html = pdf = 0.0
    for name, entry in manifest["variants"].items():
        if entry.get("status") != "ok":
            continue
        timings = entry["published"]["timings"]
        html += timings.get("html", 0.0) + timings.get("changes", 0.0)
        pdf += timings.get("pdf", 0.0)
        for nb_file in sorted((reports_dir / name).glob("*.ipynb")):
            nb = json.loads(nb_file.read_text(encoding="utf-8"))
            taken = 0.0
            for cell in nb["cells"]:
                seconds = (cell.get("metadata", {}).get("papermill") or {}).get("duration") or 0.0
                if cell["cell_type"] != "code":
                    continue
                if not taken and starts_with_imports("".join(cell["source"])):
                    taken = min(imports_s, seconds)
                    imports += taken
                    seconds -= taken
                cells += seconds
    total = cells + html + pdf
    return {
        "cells_s": round(cells, 2),
        "imports_in_cells_s (excluded)": round(imports, 2),
        "html_s": round(html, 2),
        "pdf_s": round(pdf, 2),
        "work_s": round(total, 2),
        "limit_s": round(total / CORES, 2),
    }


def edit_one_row(data_dir: Path) -> str:
    """Change the title of the first event in events.csv, touching nothing else in the file.

    The edit is made on the text of that one line so that the rest of the file stays byte-identical.
    Titles may be at most 60 characters (datapackage.json), hence the cut.
    """
    path = data_dir / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    title = next(csv.reader([lines[1]]))[header.index("title")]
    if title not in lines[1]:  # quoted with escapes: the plain replace below would miss it
        raise ValueError(f"cannot edit the title of {path} line 2 in place: {title!r}")
    new_title = title[:53] + " (rev.)"
    lines[1] = lines[1].replace(title, new_title, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return f"events.csv line 2: title {title!r} → {new_title!r}"


def write_scale_variants(n: int, folder: Path) -> Path:
    """A variants file of `n` brief variants with reports.yaml's settings, as_of spread over 2016–2026.

    Each date is the middle of its share of the span, so one variant gets mid-2021 and the
    per-variant work stays comparable across sizes. Notebook paths are absolute.
    """
    settings = yaml.safe_load(VARIANTS_FILE.read_text(encoding="utf-8")).get("settings", {})
    first, last = dt.date(2016, 1, 1), dt.date(2026, 11, 28)
    span = (last - first).days
    variants = []
    for i in range(n):
        as_of = (first + dt.timedelta(days=round(span * (i + 0.5) / n))).isoformat()
        variants.append(
            {
                "name": f"brief-{i:03d}",
                "title": f"Scale variant {i}: the brief as of {as_of}",
                "notebooks": [str(BRIEF_NOTEBOOK)],
                "parameters": {"as_of": as_of},
                "formats": ["html", "pdf"],
            }
        )
    path = folder / f"variants-{n}.yaml"
    path.write_text(yaml.safe_dump({"settings": settings, "variants": variants}, sort_keys=False), encoding="utf-8")
    return path


# ---- one run of every scenario -------------------------------------------------------------------


def run_once(run: int, sizes: list[int], samples: dict, notes: dict, dask_sizes: list[int]) -> None:
    """Measure every scenario once and append the figures to `samples` (name -> list)."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        tmp = Path(tmp)
        log = tmp / "commands.log"
        data = tmp / "data"
        shutil.copytree(DATA_DIR, data)  # the changed-row run edits it; the naive route reads the same copy
        # The build keeps its state in the reports dir (manifest.json with the input hashes,
        # .parameters-cache.json), so a new one is a cold start; the data loader remembers data that
        # passed validation in .cache/, which is emptied before each cold route.
        reports = tmp / "reports"
        ours = build_command(reports, data_dir=data)
        variants = read_variants(VARIANTS_FILE)

        step(run, f"ours, cold: {len(variants)} variants")
        empty_caches()
        cold = measure([ours], ROOT, log)
        add(samples, "cold_s", cold.seconds)
        add(samples, "cold_peak_mb", cold.peak_mb)
        stages = stage_seconds(reports)
        notes.setdefault("cold_stage_seconds", []).append(stages)
        for stage, seconds in stages.items():
            add(samples, f"stage_{stage}_s", seconds)
        work = own_work(reports, import_seconds())
        notes.setdefault("cold_own_work", []).append(work)
        add(samples, "limit_s", work["limit_s"])
        add(samples, "cold_over_limit", round(cold.seconds / work["limit_s"], 3))

        step(run, "ours, no-op")
        noop = measure([ours], ROOT, log)
        add(samples, "noop_s", noop.seconds)
        notes.setdefault("noop_statuses", []).append(statuses(reports))

        notes["changed_edit"] = edit_one_row(data)
        step(run, "ours, one row changed")
        changed = measure([ours], ROOT, log)
        add(samples, "changed_s", changed.seconds)
        notes.setdefault("changed_statuses", []).append(statuses(reports))

        step(run, "naive route: papermill → nbconvert → weasyprint CLIs")
        naive_work = tmp / "naive"
        empty_caches()
        naive = measure(naive_commands(variants, naive_work, data), naive_work, log)
        add(samples, "naive_s", naive.seconds)
        add(samples, "naive_peak_mb", naive.peak_mb)
        add(samples, "cold_over_naive", round(cold.seconds / naive.seconds, 3))
        notes.setdefault("naive_tool_seconds", []).append(naive.by_tool)

        for n in sizes:
            step(run, f"scale: {n} variant(s)")
            empty_caches()
            scale = measure([build_command(tmp / f"scale-{n}", write_scale_variants(n, tmp))], ROOT, log)
            add(samples, f"scale_{n}_s", scale.seconds)
            add(samples, f"scale_{n}_peak_mb", scale.peak_mb)

        if dask_sizes:
            with local_cluster(tmp / "dask-workers") as address:
                for n in dask_sizes:
                    step(run, f"scale: {n} variant(s) on a {CORES}-worker Dask LocalCluster")
                    empty_caches()
                    command = build_command(tmp / f"dask-{n}", write_scale_variants(n, tmp))
                    scale = measure([[*command, "--executor", "dask", "--scheduler", address]], ROOT, log)
                    add(samples, f"dask_{n}_s", scale.seconds)
                    add(samples, f"dask_{n}_peak_mb", scale.peak_mb)
                    notes.setdefault(f"dask_{n}_statuses", []).append(statuses(tmp / f"dask-{n}"))


@contextlib.contextmanager
def local_cluster(folder: Path):
    """A Dask LocalCluster of one single-threaded worker process per core, for the cluster route.

    Its processes are this one's children, so the peak memory counts them.
    """
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=CORES, threads_per_worker=1, processes=True, dashboard_address=":0", local_directory=str(folder)
    ) as cluster:
        yield cluster.scheduler_address


def empty_caches() -> None:
    """Delete what only saves time (the loader's record of validated data), so a route starts cold.

    The rest of .cache/ stays: the naive route's WeasyPrint is installed there, once.
    """
    shutil.rmtree(CACHE_DIR / "validated", ignore_errors=True)


def step(run: int, what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] run {run}: {what}", flush=True)


def add(samples: dict, key: str, value: float) -> None:
    samples.setdefault(key, []).append(value)


# ---- summary, targets, output ----------------------------------------------------------------


def summarize(samples: dict) -> dict:
    """Median, min, max and count of each list of samples."""
    return {
        k: {"median": round(statistics.median(v), 3), "min": min(v), "max": max(v), "n": len(v)}
        for k, v in samples.items()
    }


def target(name: str, measured: float, limit: float, unit: str, detail: str = "") -> dict:
    """One target, met when `measured` ≤ `limit`; `by` is how far over (missed) or under (met) it is."""
    return {
        "target": name,
        "measured": round(measured, 3),
        "limit": round(limit, 3),
        "unit": unit,
        "met": measured <= limit,
        "by": round(measured - limit, 3),
        "by_percent": round(100 * (measured - limit) / limit, 1) if limit else None,
        "detail": detail,
    }


def targets(summary: dict, sizes: list[int], dask_sizes: list[int] = ()) -> list[dict]:
    """The targets, checked against the medians (memory: the worst run)."""
    med = {k: v["median"] for k, v in summary.items()}
    found = [
        target(
            f"cold build ≤ {COLD_RATIO_LIMIT:.2f} × naive route",
            med["cold_s"] / med["naive_s"],
            COLD_RATIO_LIMIT,
            "×",
            f"ours {med['cold_s']:.1f} s, naive {med['naive_s']:.1f} s",
        ),
        target(
            "cold build ≤ 1.3 × the limit",
            med["cold_s"] / med["limit_s"],
            LIMIT_SLACK,
            "×",
            f"ours {med['cold_s']:.1f} s, limit {med['limit_s']:.1f} s (own work / {CORES} cores)",
        ),
        target("no-op rebuild < 1 s", med["noop_s"], NOOP_LIMIT_S, "s"),
    ]
    base = med.get("scale_1_s") if 1 in sizes else None
    for n in (s for s in sizes if s > 1 and base):
        limit = SCALE_SLACK * n * base / CORES
        found.append(
            target(
                f"{n} variants ≤ 1.3 × {n} × one-variant / {CORES} cores",
                med[f"scale_{n}_s"],
                limit,
                "s",
                f"{med[f'scale_{n}_s'] / n:.2f} s per variant vs one alone {base:.2f} s",
            )
        )
    for n in (s for s in dask_sizes if base):
        found.append(
            target(
                f"{n} variants on Dask ≤ 1.3 × {n} × one-variant / {CORES}",
                med[f"dask_{n}_s"],
                SCALE_SLACK * n * base / CORES,
                "s",
                f"{med[f'dask_{n}_s'] / n:.2f} s per variant on a {CORES}-worker LocalCluster, "
                f"local workers {med.get(f'scale_{n}_s', float('nan')) / n:.2f} s",
            )
        )
    found.append(
        target(
            "peak memory, ours cold < 1.5 GB",
            summary["cold_peak_mb"]["max"],
            PEAK_LIMIT_MB,
            "MiB",
            f"naive route peak {summary['naive_peak_mb']['max']:.0f} MiB",
        )
    )
    return found


LABELS = {
    "cold_s": "ours, cold (all variants)",
    "noop_s": "ours, no-op",
    "changed_s": "ours, one row changed",
    "naive_s": "naive route",
    "cold_peak_mb": "peak memory, ours cold",
    "limit_s": "limit (own work / cores)",
    "cold_over_naive": "ours/naive, per run (×)",
    "cold_over_limit": "ours/limit, per run (×)",
    "naive_peak_mb": "peak memory, naive route",
}


def label(key: str) -> str:
    if key.startswith("stage_"):
        return f"ours cold, worker stage {key[6:-2]} (Σ variants)"
    if key.startswith(("scale_", "dask_")):
        n, kind = key.split("_")[1], "peak memory" if key.endswith("peak_mb") else "wall"
        where = ", Dask" if key.startswith("dask_") else ""
        return f"scale {n} variant(s){where}, {kind}"
    return LABELS.get(key, key)


def print_report(result: dict) -> None:
    """The human-readable figures: medians with min–max, per-variant costs, targets."""
    summary = result["summary"]
    print(f"\n{'figure':40} {'median':>10} {'min':>10} {'max':>10}  runs")
    for key, s in summary.items():
        unit = "MiB" if key.endswith("_mb") else "×" if key.startswith("cold_over") else "s"
        print(f"{label(key):40} {s['median']:>8.2f} {unit:<3} {s['min']:>8.2f} {s['max']:>10.2f}  {s['n']}")
    cold, naive, limit = (summary[k]["median"] for k in ("cold_s", "naive_s", "limit_s"))
    print(f"\nmedians: ours {cold:.2f} s, naive {naive:.2f} s, limit {limit:.2f} s")
    print(f"ours/naive {cold / naive:.3f}    ours/limit {cold / limit:.3f}")
    for n in result["args"]["scale"]:
        print(f"scale {n:>3}: {summary[f'scale_{n}_s']['median'] / n:6.2f} s per variant")
    for n in result["args"].get("dask_scale", []):
        print(f"scale {n:>3} on Dask: {summary[f'dask_{n}_s']['median'] / n:6.2f} s per variant")
    notes = result["notes"]
    print(f"no-op statuses: {notes['noop_statuses']}")
    print(f"one row changed ({notes['changed_edit']}): {notes['changed_statuses']}")
    print(f"ours cold, worker seconds per stage summed over variants: {notes['cold_stage_seconds']}")
    print(f"naive route, seconds per program: {notes['naive_tool_seconds']}")
    print(f"ours cold, the limit's parts (own work, summed; / {CORES} cores): {notes['cold_own_work']}")
    print(
        "naive route: the multi-notebook variant is executed and converted notebook by notebook "
        "(one HTML and PDF per notebook; the CLIs cannot merge them)"
    )
    print("\ntargets")
    for t in result["targets"]:
        verdict = "MET" if t["met"] else "MISSED"
        print(
            f"  {t['target']:48} {t['measured']:>9.3f} {t['unit']:<3} limit {t['limit']:>9.3f}  "
            f"{verdict:6} by {abs(t['by']):.3f} {t['unit']} ({abs(t['by_percent']):.0f}%)  {t['detail']}"
        )


def save(result: dict) -> Path:
    """Write the result to results/<timestamp>.json and results/latest.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{result['meta']['started'].replace(':', '')}.json"
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / "latest.json").write_text(text, encoding="utf-8")
    return path


def compare(earlier_file: Path, result: dict) -> None:
    """Print each median next to the same median of an earlier result file."""
    earlier = json.loads(earlier_file.read_text(encoding="utf-8"))["summary"]
    print(f"\ncompared with {earlier_file}")
    for key, now in result["summary"].items():
        if key in earlier:
            before = earlier[key]["median"]
            change = 100 * (now["median"] - before) / before if before else float("nan")
            print(f"  {label(key):40} {before:>9.2f} → {now['median']:>9.2f}  ({change:+.1f}%)")


def source_fingerprint() -> str:
    """Names, sizes and mtimes of the build's inputs (package, notebooks, reports.yaml, data).

    Compared before and after the runs: an edit in between makes the no-op figure a rebuild
    and mixes two versions of the build into one median, so such a run is flagged.
    """
    files = [
        VARIANTS_FILE,
        *sorted(
            p
            for d in ("nato_russia", "notebooks", "data")
            for p in (ROOT / d).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ),
    ]
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def machine() -> dict:
    """What the figures were measured on, and how busy it was when the run started."""
    return {
        "started": dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
        "cores": CORES,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_mib": round(psutil.virtual_memory().total / MIB),
        "load_at_start": os.getloadavg(),
    }


# ---- profile ---------------------------------------------------------------------------------------


def profile() -> dict:
    """Break one cold build of the `brief` variant down: interpreter, imports, kernel, cells, HTML, PDF.

    The stage timings come from the build's manifest and the executed notebook's papermill
    metadata (per-cell start and duration), so no profiler is needed; see the README for py-spy.
    """
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        reports = Path(tmp) / "reports"
        log = Path(tmp) / "commands.log"
        bare = measure([[PYTHON, "-c", "pass"]], ROOT, log).seconds
        imports = measure([[PYTHON, "-c", "from nato_russia.publishing import runner; runner._preload()"]], ROOT, log)
        wall = measure([build_command(reports) + ["--only", "brief"]], ROOT, log).seconds
        manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
        timings = manifest["variants"]["brief"]["published"]["timings"]
        nb = json.loads((reports / "brief" / "brief.ipynb").read_text(encoding="utf-8"))
    cells, kernel_start, after_cells = cell_times(nb)
    breakdown = {
        "wall_s": wall,
        "interpreter_start_s": bare,
        "imports_s (papermill, nbconvert, typst, build)": round(imports.seconds - bare, 3),
        "parent_outside_worker_s (interpreter, imports, checks, hashing, fork, manifest)": round(
            wall - timings["total"], 3
        ),
        "kernel_start_s": kernel_start,
        "cells_s": round(sum(c["seconds"] for c in cells), 3),
        "after_last_cell_s (kernel shutdown, save)": after_cells,
        "execute_s (papermill, all of the above three)": timings["execute"],
        "html_s": timings["html"],
        "pdf_s": timings["pdf"],
        "worker_total_s": timings["total"],
        "slowest_cells": sorted(cells, key=lambda c: -c["seconds"])[:6],
    }
    return breakdown


def cell_times(nb: dict) -> tuple[list[dict], float, float]:
    """Per-cell seconds, kernel start (papermill start → first cell) and the tail after the last cell."""

    def stamp(text: str) -> float:
        return dt.datetime.fromisoformat(text).timestamp()

    meta = nb["metadata"]["papermill"]
    cells = []
    for i, cell in enumerate(nb["cells"]):
        pm = cell.get("metadata", {}).get("papermill", {})
        if pm.get("start_time"):
            first_line = "".join(cell["source"]).strip().splitlines()[0][:60] if cell["source"] else ""
            cells.append(
                {
                    "cell": i,
                    "seconds": round(pm["duration"] or 0, 3),
                    "start": stamp(pm["start_time"]),
                    "source": first_line,
                }
            )
    kernel_start = round(cells[0]["start"] - stamp(meta["start_time"]), 3)
    last = cells[-1]
    after = round(stamp(meta["end_time"]) - (last["start"] + last["seconds"]), 3)
    for c in cells:
        del c["start"]
    return cells, kernel_start, after


def print_profile(breakdown: dict) -> None:
    print("\none cold build of `brief`, where the time goes")
    for key, value in breakdown.items():
        if key != "slowest_cells":
            print(f"  {key:80} {value:7.2f} s")
    print("  slowest cells:")
    for c in breakdown["slowest_cells"]:
        print(f"    cell {c['cell']:>2} {c['seconds']:6.2f} s  {c['source']}")


# ---- command line ----------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="benchmarks/bench_build.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="times each figure is measured (default: %(default)s)")
    p.add_argument("--scale", default="1,10,50", help="variant counts for the scale figure (default: %(default)s)")
    p.add_argument("--no-dask", action="store_true", help="leave out the Dask LocalCluster route")
    p.add_argument("--quick", action="store_true", help="a smoke run: --runs 1 --scale 1,4")
    p.add_argument("--compare", type=Path, metavar="FILE", help="print the change against an earlier result JSON")
    p.add_argument("--profile", action="store_true", help="only break one cold build of one variant down")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.runs, args.scale = 1, "1,4"
    if args.profile:
        breakdown = profile()
        print_profile(breakdown)
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / "profile.json").write_text(json.dumps(breakdown, indent=2) + "\n", encoding="utf-8")
        return 0
    sizes = sorted({int(s) for s in args.scale.split(",") if s.strip()})
    dask_sizes = [] if args.no_dask else [max(sizes)]
    meta = machine()
    if meta["load_at_start"][0] > 0.5:
        print(f"bench: warning: load average {meta['load_at_start'][0]:.2f}: the figures will be noisy", flush=True)
    samples: dict = {}
    notes: dict = {}
    before = source_fingerprint()
    for run in range(1, args.runs + 1):
        run_once(run, sizes, samples, notes, dask_sizes)
    notes["sources_changed_during_run"] = source_fingerprint() != before
    if notes["sources_changed_during_run"]:
        print("bench: warning: the package, notebooks or data changed during the benchmark: figures are mixed")
    summary = summarize(samples)
    result = {
        "meta": meta,
        "args": {"runs": args.runs, "scale": sizes, "dask_scale": dask_sizes},
        "samples": samples,
        "summary": summary,
        "targets": targets(summary, sizes, dask_sizes),
        "notes": notes,
    }
    print_report(result)
    print(f"\nwritten to {save(result)} and {RESULTS_DIR / 'latest.json'}")
    if args.compare:
        compare(args.compare, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
