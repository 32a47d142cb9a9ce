"""Build one variant in a worker process: execute, export HTML, print PDF, into a staging folder.

The worker never publishes: it reports back to the parent (over a queue) and the parent,
which owns the manifest, swaps the staging folder into place. A worker that is told to stop
(SIGTERM, or SIGINT from the terminal) kills its kernels, removes its staging folder and exits.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import errno
import json
import os
import shutil
import signal
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from nato_russia import editions, paths
from nato_russia.publishing import citation, edition_files, execute, publish, render
from nato_russia.publishing.variants import Variant


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
    parallel: int = 1  # notebooks of a multi-notebook variant run at once (the build slots it holds)


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
    """Worker entry point (a multiprocessing target): build the whole variant. Sends ("result", name, dict).

    The Dask route's; a local build runs each notebook, and then the rest, as units of their own
    (run_notebook, run_render), scheduled by the parent.
    """
    _serve(job, events, parent, None, build)


def run_render(job: Job, staging: Path, executed: list, events, parent: int | None = None) -> None:
    """Unit entry point (a multiprocessing target): HTML and edition of a variant whose notebooks are
    executed (`executed`, in its order) into `staging`. Sends ("result", name, dict) as run() does.

    A variant with a PDF also sends ("pdf-ready", name, {"changes": …, "citation": …}) once it has compared
    with the last edition and made the edition's folder: the parent then runs run_pdf as a unit of its own,
    beside this one, and publishes the variant when both have sent their result.
    """
    _serve(
        job,
        events,
        parent,
        staging,
        lambda job, staging, timings, send: render_outputs(job, staging, executed, timings, send, pdf_apart=True),
    )


def run_pdf(job: Job, staging: Path, executed: list, ready: dict, events, parent: int | None = None) -> None:
    """Unit entry point (a multiprocessing target): the variant's PDF, typeset and read back, into `staging`
    and its edition's folder, from `ready` (what run_render sent with "pdf-ready").

    Sends ("pdf", name, {"status": "ok", "timings": {"pdf": s}}) or a failure record as run() does.
    """

    def work(job, staging, timings, send):
        stamp = dataclasses.replace(job.stamp, citation=ready["citation"])
        prepared, titles = _prepared(job.variant, executed, log=lambda line: None)  # run_render logs them
        failure = print_pdf(job, staging, prepared, titles, stamp, ready["changes"], timings, send)
        return failure or {"status": "ok", "timings": timings, "error": None, "staging": str(staging)}

    _serve(job, events, parent, staging, work, kind="pdf")


def run_notebook(job: Job, index: int, staging: Path, events, parent: int | None = None) -> None:
    """Unit entry point (a multiprocessing target): execute notebook `index` of the variant into `staging`.

    Sends ("executed", name, (index, "ok", notebook, seconds)) or
    ("executed", name, (index, "failed", summary, executed path, disk full?, seconds)). On SIGTERM the
    notebook's kernel is killed (execute_notebook's clean-up) and the unit exits 143 without a word.
    """
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    nb_path = job.variant.notebooks[index]
    out = staging / notebook_output_names(job.variant)[index]
    started = time.monotonic()
    try:
        die_with_parent(parent or os.getppid())
        nb = execute.execute_notebook(nb_path, out, notebook_parameters(job, staging), job.settings)
        message = (index, "ok", nb)
    except Interrupted:
        os._exit(128 + signal.SIGTERM)
    except execute.ExecutionFailed as exc:
        message = (index, "failed", exc.summary, str(exc.notebook), disk_full(exc))
    except BaseException as exc:  # noqa: BLE001 - anything else fails this notebook, named
        summary = f"{nb_path.name}: " + traceback.format_exc(limit=3).strip()
        message = (index, "failed", summary, str(out), disk_full(exc))
    message += (round(time.monotonic() - started, 2),)
    events.put(("executed", job.variant.name, message))
    events.close()
    events.join_thread()  # flush the queue before exiting, or the parent might never see the result


def _serve(job: Job, events, parent: int | None, staging: Path | None, work, kind: str = "result") -> None:
    """Run `work(job, staging, timings, send)` in this worker process and send its result, or its failure,
    as a message of `kind`.

    Without a `staging` folder one is made here (and named to the parent).
    """
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    name = job.variant.name

    def send(kind, payload):
        events.put((kind, name, payload))

    timings: dict[str, float] = {}
    try:
        die_with_parent(parent or os.getppid())
        if staging is None:
            staging = publish.staging_dir(job.reports_dir, name)
            staging.chmod(0o755)  # mkdtemp makes it private; the published folder is for readers
            send("staging", str(staging))
        result = work(job, staging, timings, send)
        send(kind, result)
    except Interrupted:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        events.close()
        events.join_thread()
        os._exit(128 + signal.SIGTERM)
    except BaseException as exc:  # anything else is a build failure the parent must hear about
        full = disk_full(exc)
        error = full_disk_message(job.reports_dir) if full else "build error: " + traceback.format_exc(limit=4).strip()
        if full and staging is not None:  # give the space back at once
            shutil.rmtree(staging, ignore_errors=True)
        send(
            kind,
            {
                "status": "failed",
                "timings": timings,
                "failed_notebooks": [],
                "error": error,
                "disk_full": full,
                "staging": None if full else str(staging),
            },
        )
    events.close()
    events.join_thread()  # flush the queue before exiting, or the parent might never see the result


def disk_full(exc: BaseException | None) -> bool:
    """True if `exc` (or an exception it came from) is "no space left on device"."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "No space left on device" in str(exc) or "[Errno 28]" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def full_disk_message(reports_dir: Path) -> str:
    """One sentence naming the full disk."""
    try:
        stat = os.statvfs(reports_dir)
        free = f" ({stat.f_bavail * stat.f_frsize / 1e6:.1f} MB free)"
    except OSError:
        free = ""
    return (
        f"the disk holding {reports_dir} is full{free}: no edition was published and the earlier ones are "
        "kept; free some space or lower keep_editions in reports.yaml"
    )


def _execute_child(nb_path: Path, out: Path, parameters: dict, settings: dict, conn, worker: int) -> None:
    """Run one notebook in a process of its own (a child of the worker) and send back the result.

    Sends ("ok", notebook) or ("failed", summary, executed path, disk full?). On SIGTERM the notebook's
    kernel is killed (execute_notebook's clean-up) and the child exits 143 without a traceback.
    """
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        die_with_parent(worker)
        nb = execute.execute_notebook(nb_path, out, parameters, settings)
        conn.send(("ok", nb))
    except Interrupted:
        os._exit(128 + signal.SIGTERM)
    except execute.ExecutionFailed as exc:
        conn.send(("failed", exc.summary, str(exc.notebook), disk_full(exc)))
    except BaseException:  # noqa: BLE001 - anything else fails this notebook, named
        conn.send(("failed", f"{nb_path.name}: " + traceback.format_exc(limit=3).strip(), str(out), False))
    conn.close()


def execute_in_parallel(tasks: list[tuple[Path, Path]], parameters: dict, settings: dict, parallel: int) -> list:
    """Execute the notebooks of one variant, `parallel` at a time, each in a fresh child process.

    Returns the executed notebooks in the variant's order (the merge order). The first failure (in the
    variant's order among those that failed) is raised as ExecutionFailed once the others are stopped:
    a stopped child kills its kernel. Any other exit (SIGTERM to the worker) stops every child first.
    """
    import multiprocessing as mp
    import sys

    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    pending = list(enumerate(tasks))
    running: dict[int, tuple] = {}  # index -> (process, receiving end)
    done: dict[int, object] = {}
    failures: dict[int, tuple] = {}
    try:
        while pending or running:
            while pending and len(running) < parallel and not failures:
                i, (nb_path, out) = pending.pop(0)
                receive, send_end = ctx.Pipe(duplex=False)
                proc = ctx.Process(
                    target=_execute_child,
                    args=(nb_path, out, parameters, settings, send_end, os.getpid()),
                    name=f"notebook-{nb_path.stem}",
                )
                proc.start()
                send_end.close()
                running[i] = (proc, receive)
            if failures:
                pending.clear()
                break
            ready = mp.connection.wait([r for _, r in running.values()], timeout=1.0)
            for i, (proc, receive) in list(running.items()):
                if receive not in ready:
                    continue
                try:
                    message = receive.recv()
                except EOFError:  # the child died without a word: killed kernel process, OOM, ...
                    proc.join()
                    message = (
                        "failed",
                        f"{tasks[i][0].name}: the notebook's process died (exit code {proc.exitcode})",
                        str(tasks[i][1]),
                        False,
                    )
                proc.join()
                receive.close()
                del running[i]
                if message[0] == "ok":
                    done[i] = message[1]
                else:
                    failures[i] = message[1:]
    finally:
        stop_children([proc for proc, _ in running.values()])
        for _, receive in running.values():
            receive.close()
    if failures:
        summary, notebook, full = failures[min(failures)]
        exc = execute.ExecutionFailed(Path(notebook), summary)
        if full:
            raise exc from OSError(errno.ENOSPC, "No space left on device")
        raise exc
    return [done[i] for i in range(len(tasks))]


def stop_children(procs: list, grace: float = 5.0) -> None:
    """SIGTERM worker or notebook processes (each kills its kernels), then SIGKILL any alive after `grace`."""
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()


def notebook_parameters(job: Job, staging: Path) -> dict:
    """The parameters every notebook of the variant gets: its own, the data, the moving dates, its figures."""
    variant = job.variant
    params = dict(variant.parameters)
    if job.data_dir is not None:
        params["data_dir"] = job.data_dir
    # Moving dates, resolved once by the parent for the whole build.
    for name in ("as_of", "period_end"):
        if name in variant.declared and job.stamp.parameters.get(name):
            params[name] = job.stamp.parameters[name]
    nb_params = {k: v for k, v in params.items() if k in variant.declared}
    nb_params["figures_dir"] = str(staging / "figures")
    return nb_params


def build(job: Job, staging: Path, timings: dict, send) -> dict:
    """Execute the notebooks and write html/pdf into `staging`; return the result record."""
    variant = job.variant
    (staging / "figures").mkdir()
    outputs = [staging / n for n in notebook_output_names(variant)]
    started = time.monotonic()
    nb_params = notebook_parameters(job, staging)
    tasks = list(zip(variant.notebooks, outputs, strict=True))
    try:
        if job.parallel > 1 and len(tasks) > 1:
            send("stage", f"executing {len(tasks)} notebooks, {min(job.parallel, len(tasks))} at a time")
            executed = execute_in_parallel(tasks, nb_params, job.settings, job.parallel)
        else:
            executed = []
            for i, (nb_path, out) in enumerate(tasks, 1):
                send("stage", f"executing {nb_path.name} ({i}/{len(outputs)})")
                executed.append(execute.execute_notebook(nb_path, out, nb_params, job.settings))
    except execute.ExecutionFailed as exc:
        timings["execute"] = round(time.monotonic() - started, 2)
        if disk_full(exc) or "No space left on device" in exc.summary:
            raise OSError(errno.ENOSPC, "No space left on device") from exc
        return {
            "status": "failed",
            "timings": timings,
            "error": exc.summary,
            "failed_notebooks": [str(exc.notebook)],
            "staging": str(staging),
        }
    timings["execute"] = round(time.monotonic() - started, 2)
    return render_outputs(job, staging, executed, timings, send)


def _prepared(variant: Variant, executed: list, log) -> tuple[list, list]:
    """The executed notebooks fit for the report (render.prepare), in order, and their titles."""
    several = len(executed) > 1
    prepared, titles = [], []
    for i, (nb_path, nb) in enumerate(zip(variant.notebooks, executed, strict=True)):
        clean, title = render.prepare(nb, chapter=nb_path.stem, several=several, prefix=f"nb{i}", log=log)
        prepared.append(clean)
        titles.append(title)
    return prepared, titles


def print_pdf(
    job: Job, staging: Path, prepared: list, titles: list, stamp: render.Stamp, changes: dict, timings: dict, send
) -> dict | None:
    """Typeset the variant's PDF into `staging`, read it back, and link it into the edition's folder (made
    already); None when done, else the failure record (a PDF that cannot be typeset, or is not what a reader
    with only the PDF needs, is not published)."""
    variant = job.variant
    data_dir = Path(job.data_dir) if job.data_dir else paths.DATA_DIR
    as_of = job.stamp.as_of if editions.is_date(job.stamp.as_of) else job.stamp.today
    send("stage", f"printing pdf ({job.engine})")
    started = time.monotonic()
    pdf_path = staging / f"{variant.name}.pdf"
    evidence = render.evidence_files(data_dir)
    try:
        render.pdf_typst(
            prepared,
            pdf_path,
            stamp,
            subtitle=titles[0],
            changes=changes,
            attachments=evidence,
            chapters=[nb_path.name for nb_path in variant.notebooks],
        )
        render.check_pdf(pdf_path, evidence)
    except (render.PdfCheckFailed, render.TypesetError) as exc:
        timings["pdf"] = round(time.monotonic() - started, 2)
        return {
            "status": "failed",
            "timings": timings,
            "error": str(exc),
            "failed_notebooks": [],
            "staging": str(staging),
        }
    timings["pdf"] = round(time.monotonic() - started, 2)
    os.link(pdf_path, staging / editions.EDITIONS_DIR / as_of / pdf_path.name)  # the same bytes, no second copy
    return None


def render_outputs(job: Job, staging: Path, executed: list, timings: dict, send, pdf_apart: bool = False) -> dict:
    """Everything after execution: compare with the last edition, write the HTML, the PDF (read back and
    checked), the edition's record and snapshot into `staging`; return the result record.

    `executed` are the variant's executed notebooks in its order; `staging` holds them, and the figures.
    With `pdf_apart` the PDF is left to a unit of its own (run_pdf), told to start by a "pdf-ready" message
    as soon as what it needs is known: the HTML and the PDF, each about a second, then run on two cores
    (the build's last variant otherwise rendered both on one core while the other idled).
    """
    variant = job.variant
    outputs = [staging / n for n in notebook_output_names(variant)]
    figure_dir = staging / "figures"
    log = lambda line: send("log", line)  # noqa: E731
    as_of = job.stamp.as_of if editions.is_date(job.stamp.as_of) else job.stamp.today
    data_dir = Path(job.data_dir) if job.data_dir else paths.DATA_DIR
    editions_dir = job.reports_dir / variant.name / editions.EDITIONS_DIR
    send("stage", "comparing with the last edition")
    started = time.monotonic()
    changes, previous_snapshot, figures = editions.compare(editions_dir, as_of, data_dir, log)
    timings["changes"] = round(time.monotonic() - started, 2)

    # The edition's citation: the one published with this date before, if any (it never changes), else new.
    stamp = dataclasses.replace(
        job.stamp,
        citation=citation.read_or_make(
            editions_dir / as_of if (editions_dir / as_of).is_dir() else None,
            title=job.stamp.title,
            publisher=job.stamp.publisher,
            variant=variant.name,
            as_of=as_of,
            base_url=job.stamp.base_url,
        ),
    )
    edition = staging / editions.EDITIONS_DIR / as_of
    edition.mkdir(parents=True)
    if pdf_apart and "pdf" in variant.formats:
        send("pdf-ready", {"changes": changes.as_record(), "citation": stamp.citation})
    send("stage", "exporting html")
    started = time.monotonic()
    prepared, titles = _prepared(variant, executed, log)
    html_text = render.to_html(render.merge(prepared), stamp, subtitle=titles[0], changes=changes.to_html())
    html_path = staging / f"{variant.name}.html"
    html_path.write_text(html_text, encoding="utf-8")
    # The edition's copy differs only in the path to the feed, three folders further down.
    edition_html = edition / html_path.name
    edition_html.write_text(render.with_feed_href(html_text, "../../../feed.xml"), encoding="utf-8")
    # Each chart's data sits beside the page that links to it, in the latest edition and in the archive's.
    chart_data = edition_files.write_chart_data(prepared, staging / edition_files.DATA_DIR)
    chart_data += citation.write(staging, stamp.citation)
    for path in chart_data:
        target = edition / path.relative_to(staging)
        target.parent.mkdir(exist_ok=True)
        os.link(path, target)
    timings["html"] = round(time.monotonic() - started, 2)

    files = [html_path, *chart_data]
    if "pdf" in variant.formats:
        if not pdf_apart:
            failure = print_pdf(job, staging, prepared, titles, stamp, changes.as_record(), timings, send)
            if failure is not None:
                return failure
        files.append(staging / f"{variant.name}.pdf")  # run_pdf's, when apart: the variant needs both

    send("stage", "keeping the edition")
    editions.write_snapshot(data_dir, edition / editions.SNAPSHOT_DIR, figures, previous=previous_snapshot)
    thumb = editions.thumbnail(edition_files.key_chart_png(prepared))
    if thumb:
        (edition / "thumb.png").write_bytes(thumb)
    record = {
        "variant": variant.name,
        "title": job.stamp.title,
        "as_of": as_of,
        "pinned": job.stamp.pinned,
        "today": job.stamp.today,
        "built_at": job.stamp.built_at,
        "data_hash": job.stamp.data_hash,
        "input_hash": job.stamp.input_hash,
        "commit": job.stamp.commit,
        "files": {f.suffix.lstrip("."): f.name for f in files},
        "headline": edition_files.headline(prepared),
        "changes": changes.as_record(),
        # Corrections to what facts say (a renamed id is not one): as many as the edition lists at its end.
        "corrections": sum(row["field"] != "id" for row in editions.read_corrections(data_dir, None, as_of)),
        "address": stamp.citation["URL"],
        "figures": {k: v for k, v in figures.items() if k != "channels"},
    }
    (edition / editions.RECORD_FILE).write_text(
        json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    files += outputs + sorted(p for p in figure_dir.rglob("*") if p.is_file())
    return {
        "status": "ok",
        "timings": timings,
        "error": None,
        "staging": str(staging),
        "files": [str(p.relative_to(staging)) for p in files],
    }
