"""Build one variant in a worker process: execute, export HTML, print PDF, into a staging folder.

The worker never publishes: it reports back to the parent (over a queue) and the parent,
which owns the manifest, swaps the staging folder into place. A worker that is told to stop
(SIGTERM, or SIGINT from the terminal) kills its kernels, removes its staging folder and exits.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import signal
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from nato_russia.build import execute, publish, render
from nato_russia.build.variants import Variant


class Interrupted(BaseException):
    """The worker was told to stop. A BaseException, so no `except Exception` swallows it."""


@dataclass
class Job:
    """Everything a worker needs; the parent computed the stamp and checked the parameters."""

    variant: Variant
    reports_dir: Path
    settings: dict
    engine: str
    data_dir: str | None
    stamp: render.Stamp
    notebook_outputs: list[str] = field(default_factory=list)  # file names of the executed notebooks


def notebook_output_names(variant: Variant) -> list[str]:
    """<variant>.ipynb for a one-notebook report, <variant>.<notebook>.ipynb for each of several."""
    if len(variant.notebooks) == 1:
        return [f"{variant.name}.ipynb"]
    stems = [nb.stem for nb in variant.notebooks]
    if len(set(stems)) < len(stems):  # the same notebook twice: number them
        stems = [f"{i}-{stem}" for i, stem in enumerate(stems, 1)]
    return [f"{variant.name}.{stem}.ipynb" for stem in stems]


def _stop(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def die_with_parent(parent: int) -> None:
    """Ask Linux to SIGTERM this worker if the build process dies (even by SIGKILL).

    Otherwise an orphaned worker would run its notebook to the end, holding the build lock
    it inherited, for a result nobody will publish.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        raise Interrupted("parent gone")


def run(job: Job, events, parent: int | None = None) -> None:
    """Worker entry point (a multiprocessing target). Sends ("result", name, dict) when done."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    name = job.variant.name

    def send(kind, payload):
        events.put((kind, name, payload))

    staging = None
    timings: dict[str, float] = {}
    try:
        die_with_parent(parent or os.getppid())
        staging = publish.staging_dir(job.reports_dir, name)
        staging.chmod(0o755)  # mkdtemp makes it private; the published folder is for readers
        send("staging", str(staging))
        result = build(job, staging, timings, send)
        send("result", result)
    except Interrupted:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        events.close()
        events.join_thread()
        os._exit(128 + signal.SIGTERM)
    except BaseException:  # anything else is a build failure the parent must hear about
        send(
            "result",
            {
                "status": "failed",
                "timings": timings,
                "failed_notebooks": [],
                "error": "build error: " + traceback.format_exc(limit=4).strip(),
                "staging": str(staging),
            },
        )
    events.close()
    events.join_thread()  # flush the queue before exiting, or the parent might never see the result


def build(job: Job, staging: Path, timings: dict, send) -> dict:
    """Execute the notebooks and write html/pdf into `staging`; return the result record."""
    variant = job.variant
    figures = staging / "figures"
    figures.mkdir()
    outputs = [staging / n for n in notebook_output_names(variant)]
    params = dict(variant.parameters)
    if job.data_dir is not None:
        params["data_dir"] = job.data_dir
    executed = []
    started = time.monotonic()
    for i, (nb_path, out) in enumerate(zip(variant.notebooks, outputs, strict=True), 1):
        send("stage", f"executing {nb_path.name} ({i}/{len(outputs)})")
        nb_params = {k: v for k, v in params.items() if k in variant.declared}
        nb_params["figures_dir"] = str(figures)
        try:
            executed.append(execute.execute_notebook(nb_path, out, nb_params, job.settings))
        except execute.ExecutionFailed as exc:
            timings["execute"] = round(time.monotonic() - started, 2)
            return {
                "status": "failed",
                "timings": timings,
                "error": exc.summary,
                "failed_notebooks": [str(exc.notebook)],
                "staging": str(staging),
            }
    timings["execute"] = round(time.monotonic() - started, 2)

    send("stage", "exporting html")
    started = time.monotonic()
    several = len(executed) > 1
    prepared, titles = [], []
    for i, (nb_path, nb) in enumerate(zip(variant.notebooks, executed, strict=True)):
        clean, title = render.prepare(
            nb, chapter=nb_path.stem, several=several, prefix=f"nb{i}", log=lambda line: send("log", line)
        )
        prepared.append(clean)
        titles.append(title)
    html_text = render.to_html(render.merge(prepared), job.stamp, subtitle=titles[0])
    html_path = staging / f"{variant.name}.html"
    html_path.write_text(html_text, encoding="utf-8")
    timings["html"] = round(time.monotonic() - started, 2)

    files = [html_path]
    if "pdf" in variant.formats:
        send("stage", f"printing pdf ({job.engine})")
        started = time.monotonic()
        pdf_path = staging / f"{variant.name}.pdf"
        if job.engine == "chromium":
            render.pdf_chromium(html_text, pdf_path, job.stamp)
        else:
            render.pdf_weasyprint(html_text, pdf_path)
        timings["pdf"] = round(time.monotonic() - started, 2)
        files.append(pdf_path)
    files += outputs + sorted(p for p in figures.rglob("*") if p.is_file())
    return {
        "status": "ok",
        "timings": timings,
        "error": None,
        "staging": str(staging),
        "files": [str(p.relative_to(staging)) for p in files],
    }
