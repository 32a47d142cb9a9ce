"""Run a build: decide what is stale, run workers in parallel, publish, record, clean up.

The parent process holds the lock, owns the manifest and publishes; each variant to build
runs in a worker process of its own (forked, so the already-imported libraries are shared).
Signals are turned into a flag here and acted on by the scheduling loop, so a Ctrl-C or
SIGTERM never lands in the middle of a rename or a manifest write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import multiprocessing as mp
import os
import queue
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from nato_russia import editions, params, paths
from nato_russia.publishing import frontpage, inputs, publish, render
from nato_russia.publishing.lock import BuildLock
from nato_russia.publishing.progress import Progress
from nato_russia.publishing.variants import Variant, VariantError, load_document, load_variants

#: Settings and reports.yaml keys that change what is kept or linked, not what a report says:
#: left out of the input hash, so changing the retention rebuilds nothing.
# Settings that change no report's content: retention, and where reports/ is served (an edition's citation
# is written once, when it is first published, and kept: see publishing.citation).
UNHASHED = ("keep_editions", "base_url")

#: Declared parameters of notebooks seen before, by content hash (see variants.DeclarationCache).
PARAMS_CACHE = ".parameters-cache.json"

#: Seconds a worker gets to kill its kernel and clean up after SIGTERM before SIGKILL.
GRACE = 8.0


@dataclass
class Options:
    """What the command line asked for."""

    reports_dir: Path = paths.REPORTS_DIR
    variants_file: Path = paths.VARIANTS_FILE
    only: list[str] = field(default_factory=list)
    force: bool = False
    jobs: int = os.cpu_count() or 1
    data_dir: Path | None = None
    engine: str = "typst"
    wait: bool = False
    cell_timeout: float | None = None
    notebook_timeout: float | None = None
    live: bool | None = None  # None: live progress only when stdout is a TTY
    today: str | None = None  # YYYY-MM-DD for a blank as_of; None: $NATO_RUSSIA_TODAY, else today in UTC
    executor: str = "local"  # "local": worker processes here; "dask": tasks on the cluster at `scheduler`
    scheduler: str | None = None  # the Dask scheduler's address, tcp://HOST:PORT
    scheduler_timeout: float = 15.0  # seconds for the scheduler to answer and a worker to join


class Stop(Exception):
    """A signal asked the build to stop; carries the exit status (130 or 143)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.code = 128 + signum


def _preload(render: bool = True) -> None:
    """Import the heavy libraries once in the parent, so forked workers start with them loaded.

    The kernels' fork server was started before the data were checked, and imports what the notebooks
    need meanwhile (see _run_locked). IPython is imported for jupyter_client's kernel-spec lookup, which
    asks it for its folder: 0.17 s in each process that starts a kernel, otherwise. With render=False only
    what a notebook's unit needs (papermill): the local build imports nbconvert and Typst (render_imports)
    once the first notebooks run, off the path to the first kernel.
    """
    from nato_russia.publishing import kernels

    kernels.start_fork_server()  # started already: a no-op unless it died
    import IPython  # noqa: F401
    import papermill  # noqa: F401

    if render:
        _render_imports()


def _render_imports() -> None:
    """What the HTML and PDF stage imports: once in the parent, for every worker forked after."""
    import nbconvert  # noqa: F401
    import typst  # noqa: F401
    from nbconvert import HTMLExporter  # noqa: F401


def reap_orphan_kernels(worker_pids: set[int]) -> int:
    """Kill kernels whose parent worker died before it could (matched by JPY_PARENT_PID; psutil, so any OS)."""
    import psutil

    killed = 0
    wanted = {str(p) for p in worker_pids}
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("JPY_PARENT_PID") not in wanted:
                continue
        except (psutil.Error, OSError):
            continue
        if hasattr(os, "killpg"):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(psutil.Error):
            proc.kill()
        killed += 1
    return killed


def worker_context():
    """fork where it is safe and fast (Linux: workers start with the libraries already imported), else spawn.

    macOS (where fork is unsafe with system frameworks) and Windows have no safe fork; spawn starts each
    worker afresh, which costs its imports but works everywhere.
    """
    if sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")
    return mp.get_context("spawn")


#: Expected seconds of a notebook, and of a variant's HTML and PDF, before any build has timed them.
NOTEBOOK_SECONDS = 5.0
RENDER_SECONDS = 2.0


class _VariantRun:
    """A variant being built by local units: what is expected of it, and how far it got."""

    def __init__(self, job, manifest: dict):
        self.job = job
        self.name = job.variant.name
        self.count = len(job.variant.notebooks)
        good = (manifest["variants"].get(self.name, {}) or {}).get("published") or {}
        last = good.get("notebook_seconds") or []
        # The last good build's per-notebook seconds when it ran the same notebooks, else the same guess each.
        same = len(last) == self.count and all(isinstance(x, (int, float)) for x in last)
        self.estimates = [float(x) for x in last] if same else [NOTEBOOK_SECONDS] * self.count
        timings = good.get("timings") or {}
        self.render_estimate = sum(timings.get(k, 0.0) for k in ("changes", "html", "pdf")) or RENDER_SECONDS
        self.staging: Path | None = None
        self.executed: dict[int, object] = {}
        self.seconds: dict[int, float] = {}
        self.started = time.monotonic()
        self.execute_started: float | None = None
        self.execute_ended: float | None = None
        self.executed_any = False
        self.failure: dict | None = None
        self.done = False
        # With a PDF, its rendering is two units: "render" (HTML, edition) and "pdf", which "render" makes
        # ready (worker.run_render); each one's result waits here for the other's.
        self.pdf_ready: dict | None = None
        self.rendered: dict | None = None
        self.printed: dict | None = None

    @property
    def expected_total(self) -> float:
        return sum(self.estimates) + self.render_estimate

    def notebook_order(self) -> list[int]:
        """The variant's notebooks, longest expected first (ties in their order)."""
        return sorted(range(self.count), key=lambda i: -self.estimates[i])

    def execute_seconds(self) -> float:
        """Wall seconds from its first notebook's start to its last notebook's end."""
        if self.execute_started is None:
            return 0.0
        return round((self.execute_ended or time.monotonic()) - self.execute_started, 2)


class Build:
    """One run of the build command."""

    def __init__(self, options: Options):
        self.o = options
        self.reports_dir = Path(options.reports_dir).resolve()
        self.stop_signal: int | None = None
        self.disk_full = False  # a variant failed for want of space: leave the front page and feed alone

    # ---- signals ------------------------------------------------------------------------
    def _on_signal(self, signum, frame):
        if self.stop_signal is None:
            self.stop_signal = signum
        else:  # a second Ctrl-C: stop waiting for the workers' clean-up
            raise Stop(signum)

    def _check_stop(self):
        if self.stop_signal is not None:
            raise Stop(self.stop_signal)

    # ---- the run --------------------------------------------------------------------------
    def run(self) -> int:
        """Build everything that is stale; return the process exit status."""
        if self.o.executor != "dask" and (self.o.force or not (self.reports_dir / publish.MANIFEST).exists()):
            # Nothing here can be up to date, so the kernels' fork server will be needed: started now, its
            # imports (1.3 s) run beside the reading of reports.yaml and the notebooks' parameters (0.5 s)
            # and the data check, not after the first of them (measured 2026-12-03: first cell 0.3 s sooner).
            from nato_russia.publishing import kernels

            kernels.start_fork_server(Path(self.o.data_dir).resolve() if self.o.data_dir else paths.DATA_DIR)
        variants, settings = load_variants(
            self.o.variants_file, self.o.only or None, cache_file=self.reports_dir / PARAMS_CACHE
        )
        if self.o.cell_timeout is not None:
            settings["cell_timeout"] = self.o.cell_timeout
        if self.o.notebook_timeout is not None:
            settings["notebook_timeout"] = self.o.notebook_timeout
        if self.o.data_dir is not None and not (Path(self.o.data_dir) / "datapackage.json").is_file():
            raise FileNotFoundError(f"--data-dir {self.o.data_dir} holds no datapackage.json")
        # "Today" is resolved once, so every variant of this build has the same date.
        try:
            self.today = params.today(self.o.today).isoformat()
        except params.ParameterError as exc:
            raise VariantError(str(exc)) from None
        check_dates(variants, self.today, Path(self.o.data_dir) if self.o.data_dir else paths.DATA_DIR)

        # The cluster is checked before anything starts: an unreachable scheduler changes nothing here.
        self.client = None
        if self.o.executor == "dask":
            from nato_russia.publishing import cluster

            if not self.o.scheduler:
                raise cluster.ClusterError("--executor dask needs --scheduler tcp://HOST:PORT")
            self.client = cluster.connect(self.o.scheduler, self.o.scheduler_timeout)
        self.progress = Progress([v.name for v in variants], live=self.o.live)
        lock = BuildLock(self.reports_dir, wait=self.o.wait)
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        lock.acquire(on_wait=self.progress.info)
        try:
            return self._run_locked(variants, settings)
        except Stop as stop:
            self.progress.info(f"stopped by {stop}: no partial report was published")
            return stop.code
        finally:
            lock.release()
            if self.client is not None:
                self.client.close()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _run_locked(self, variants: list[Variant], settings: dict) -> int:
        started = time.monotonic()
        for stale in publish.remove_stale(self.reports_dir):
            self.progress.info(f"removed {stale.name}, left by an interrupted build")
        manifest = publish.read_manifest(self.reports_dir)
        data_dir = Path(self.o.data_dir).resolve() if self.o.data_dir else paths.DATA_DIR
        data_param = str(data_dir) if self.o.data_dir else None
        versions = inputs.versions()
        commit = inputs.git_commit()
        data_digest = inputs.data_hash(data_dir)
        code_digest = inputs.code_hash()
        manifest.update(
            {
                "schema": 1,
                "commit": commit,
                "versions": versions,
                "started_at": publish.now(),
                "today": self.today,
            }
        )
        hashed_settings = {k: v for k, v in settings.items() if k not in UNHASHED}

        jobs = []
        for v in variants:
            params = v.effective_parameters(data_param, self.today)
            digest = inputs.input_hash(
                notebooks=v.notebooks,
                entry={k: val for k, val in v.entry.items() if k not in UNHASHED},
                parameters=params,
                settings=hashed_settings,
                data_digest=data_digest,
                code_digest=code_digest,
                engine=self.o.engine,
                versions=versions,
            )
            entry = manifest["variants"].setdefault(v.name, {})
            entry["title"] = v.title
            good = entry.get("published") or {}
            if (
                not self.o.force
                and good.get("input_hash") == digest
                and publish.outputs_present(self.reports_dir, good)
            ):
                entry["status"] = "skipped"
                entry["last_run"] = publish.now()
                self.progress.update(v.name, "skipped", "unchanged since " + good.get("built_at", "?"))
                continue
            stamp = render.Stamp(
                title=v.title,
                as_of=str(params.get("as_of", "")),
                parameters=params,
                data_hash=data_digest,
                input_hash=digest,
                commit=commit,
                built_at=publish.now(),
                versions=versions,
                today=self.today,
                pinned=v.pinned,
                source_date=inputs.source_date(str(params.get("as_of", "")) or self.today),
                publisher=settings["publisher"],
                report_errors_to=settings["report_errors_to"],
                base_url=settings.get("base_url") or "",
                variant=v.name,
            )
            from nato_russia.publishing.worker import Job

            jobs.append(Job(v, self.reports_dir, settings, self.o.engine, data_param, stamp))

        # Longest first (last good build's time, else notebook count), so the long merged
        # report does not start last and leave a core idle at the end.
        def expected(job):
            last = (manifest["variants"].get(job.variant.name, {}).get("published") or {}).get("timings", {})
            return last.get("total", 10.0 * len(job.variant.notebooks))

        jobs.sort(key=expected, reverse=True)
        if jobs and self.client is None:
            # Its imports (pandas, matplotlib, IPython, the package: seconds) on one core while the data are
            # checked on the other; a build with nothing to do starts none.
            from nato_russia.publishing import kernels

            kernels.start_fork_server(data_dir)
        if jobs:
            self._check_data(data_dir)
        failed = 0
        if jobs and self.client is not None:
            failed = self._run_jobs_on_cluster(jobs, manifest, data_dir)
        elif jobs:
            _preload(render=False)
            failed = self._run_jobs(jobs, manifest)
        manifest["finished_at"] = publish.now()
        manifest["seconds"] = round(time.monotonic() - started, 2)
        self.reports_dir.mkdir(parents=True, exist_ok=True)
        order = [str(v.get("name")) for v in load_document(self.o.variants_file)["variants"]]
        order += sorted(set(manifest["variants"]) - set(order))
        written = self._write_shared(manifest, order, settings.get("base_url") or "")
        self.progress.close()
        summary = (
            f"{len(variants)} variant(s): {len(jobs) - failed} built, {failed} failed, "
            f"{len(variants) - len(jobs)} skipped in {manifest['seconds']:.1f}s → {self.reports_dir}"
        )
        self.progress.info(summary)
        return 1 if failed or not written else 0

    def _check_data(self, data_dir: Path) -> None:
        """Validate the data once, before any kernel starts: bad data refuse the whole build in one sentence.

        Without this, every variant's kernel would find the same problem and fail with the same sentence.
        Also warns when the record's review date lags the build's date by more than a month: the editions
        then carry a notice on their first page.
        """
        from nato_russia import analysis
        from nato_russia.data import TABLES, DataError, load_dataset

        try:
            names = {resource.get("name") for resource in editions.read_descriptor(data_dir)["resources"]}
        except editions.SnapshotError:
            names = set(TABLES)  # a broken descriptor: the loader says what is wrong with it
        if not set(TABLES) <= names:
            return  # not this project's data package (a stand-in of the build's tests): the notebooks' concern
        try:
            data = load_dataset(data_dir)
        except DataError as exc:  # its message names the file, the line, the field and the value
            raise VariantError(f"the data cannot be used, so nothing was built: {exc}") from None
        today = dt.date.fromisoformat(self.today)
        if analysis.review_is_stale(data, today):
            self.progress.info(
                f"warning: the record was reviewed for new events up to {data.reviewed_to:%Y-%m-%d}, "
                f"{analysis.review_gap(data, today)} days before {self.today}; moving editions will say so"
            )

    def _write_shared(self, manifest: dict, order: list[str], base_url: str) -> bool:
        """Write the manifest, the front page and the feed; on a full disk keep the old ones and say so."""
        try:
            publish.write_manifest(self.reports_dir, manifest)
            if self.disk_full:
                self.progress.info("index.html and feed.xml left as they were: the disk is full")
                return False
            frontpage.write_index(self.reports_dir, manifest, order)
            frontpage.write_feed(self.reports_dir, order, base_url)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            from nato_russia.publishing.worker import full_disk_message

            self.progress.info(
                "could not update manifest.json, index.html and feed.xml: "
                + full_disk_message(self.reports_dir).replace("no edition was published and ", "")
            )
            return False
        return True

    # ---- workers ---------------------------------------------------------------------------
    def _run_jobs(self, jobs: list, manifest: dict) -> int:
        """Build the jobs here, in --jobs processes at a time, each running one unit: one notebook of a
        variant, or (once all of a variant's notebooks are executed) its HTML, PDF and edition.

        Units, not whole variants, are what is scheduled, so both cores stay busy to the end: a variant's
        notebooks run side by side when slots are free, and its HTML and PDF start as soon as its last
        notebook is executed, beside the other variants' notebooks. A variant's rendering goes before any
        notebook still to run; otherwise the variant with the most work expected goes first (the last good
        build's per-notebook seconds, else its notebook count), its longest notebooks first. A variant's
        PDF is a unit of its own, made ready by its HTML unit once that has compared with the last edition,
        so the two run side by side when slots are free (at the end of a build: on both cores).
        """
        from nato_russia.publishing import worker

        ctx = worker_context()
        events = ctx.Queue()
        runs = {job.variant.name: _VariantRun(job, manifest) for job in jobs}
        order = sorted(runs.values(), key=lambda r: r.expected_total, reverse=True)  # stable: ties keep theirs
        waiting = [(r.name, i) for r in order for i in r.notebook_order()]  # notebook units, in turn
        renders: list = []  # variants whose notebooks are all executed (a name), or PDFs ((name, "pdf")), waiting
        running: dict[tuple, tuple] = {}  # (name, index, "render" or "pdf") -> (process, started)
        all_pids: set[int] = set()
        slots = max(1, self.o.jobs)
        render_ready = False  # nbconvert and Typst imported in this process
        failed = 0

        def stop_units(name: str) -> None:
            """Stop the running units of a failed variant (each kills its kernel) and drop its waiting ones."""
            waiting[:] = [u for u in waiting if u[0] != name]
            renders[:] = [r for r in renders if r != (name, "pdf")]
            mine = [key for key in running if key[0] == name]
            worker.stop_children([running[key][0] for key in mine])
            if mine:
                reap_orphan_kernels({running.pop(key)[0].pid for key in mine})

        def finish(run: _VariantRun, result: dict) -> None:
            nonlocal failed
            run.done = True
            result.setdefault("staging", str(run.staging) if run.staging else None)
            timings = {"execute": run.execute_seconds()} if run.executed_any else {}
            timings.update(result.get("timings") or {})
            result["timings"] = timings
            if result["status"] == "ok":
                result["notebook_seconds"] = [run.seconds.get(i) for i in range(run.count)]
            failed += self._finish(run.job, result, manifest, time.monotonic() - run.started)

        try:
            while waiting or renders or running:
                self._check_stop()
                while (waiting or renders) and len(running) < slots:
                    if renders:
                        ready = renders.pop(0)
                        name = ready[0] if isinstance(ready, tuple) else ready
                        run = runs[name]
                        executed = [run.executed[i] for i in range(run.count)]
                        if isinstance(ready, tuple):
                            key, target = (name, "pdf"), worker.run_pdf
                            args = (run.job, run.staging, executed, run.pdf_ready, events, os.getpid())
                        else:
                            key, target = (name, "render"), worker.run_render
                            args = (run.job, run.staging, executed, events, os.getpid())
                    else:
                        name, index = waiting.pop(0)
                        run = runs[name]
                        if run.staging is None and not self._open_staging(run):
                            finish(run, run.failure)
                            waiting[:] = [u for u in waiting if u[0] != name]
                            continue
                        key, target = (name, index), worker.run_notebook
                        args = (run.job, index, run.staging, events, os.getpid())
                        run.executed_any = True
                        run.execute_started = run.execute_started or time.monotonic()
                        nb = run.job.variant.notebooks[index]
                        self.progress.update(name, f"executing {nb.name} ({index + 1}/{run.count})")
                    if key[1] in ("render", "pdf") and not render_ready:
                        _render_imports()
                        render_ready = True
                    proc = ctx.Process(target=target, args=args, name=f"build-{name}-{key[1]}")
                    proc.start()
                    all_pids.add(proc.pid)
                    running[key] = (proc, time.monotonic())
                if not render_ready and running:  # the first notebooks run: now the parent has time for these
                    _render_imports()
                    render_ready = True
                try:
                    kind, name, payload = events.get(timeout=0.25)
                except queue.Empty:
                    kind = None
                if kind is not None:
                    self._on_event(kind, name, payload, runs, running, renders, stop_units, finish)
                # A unit that died without a word (killed, out of memory) fails its variant.
                for key, (proc, _) in list(running.items()):
                    if key not in running or proc.is_alive():
                        continue
                    self._drain_units(events, runs, running, renders, stop_units, finish)  # its last word, if any
                    if key not in running:  # it had one, and it was acted on
                        continue
                    proc.join()
                    del running[key]
                    reap_orphan_kernels({proc.pid})
                    run = runs[key[0]]
                    if run.done:
                        continue
                    stop_units(run.name)
                    finish(
                        run,
                        {
                            "status": "failed",
                            "timings": {},
                            "failed_notebooks": [],
                            "error": f"worker died (exit code {proc.exitcode}): kernel or process killed?",
                        },
                    )
                self.progress.tick()
        except Stop:
            self._stop_workers([p for p, _ in running.values()], all_pids)
            for run in runs.values():
                if run.staging is not None and not run.done:
                    self.progress.update(run.name, "interrupted")
                    shutil.rmtree(run.staging, ignore_errors=True)
            publish.remove_stale(self.reports_dir)
            publish.write_manifest(self.reports_dir, manifest)
            raise
        return failed

    def _open_staging(self, run: _VariantRun) -> bool:
        """Make the variant's staging folder (with its figures folder) before its first unit; False on failure."""
        from nato_russia.publishing.worker import disk_full, full_disk_message

        self.progress.update(run.name, "starting")
        run.started = time.monotonic()
        try:
            staging = publish.staging_dir(self.reports_dir, run.name)
            staging.chmod(0o755)  # mkdtemp makes it private; the published folder is for readers
            run.staging = staging
            (staging / "figures").mkdir()
        except OSError as exc:
            if run.staging is not None:
                shutil.rmtree(run.staging, ignore_errors=True)
                run.staging = None
            full = disk_full(exc)
            error = full_disk_message(self.reports_dir) if full else f"could not make its staging folder: {exc}"
            run.failure = {"status": "failed", "timings": {}, "failed_notebooks": [], "error": error, "disk_full": full}
            return False
        return True

    def _on_event(self, kind, name, payload, runs, running, renders, stop_units, finish) -> None:
        """Act on one message from a unit."""
        run = runs.get(name)
        if kind == "stage":
            self.progress.update(name, payload)
        elif kind == "log":
            self.progress.log(name, payload)
        elif kind == "executed" and run is not None and not run.done:
            index, status = payload[0], payload[1]
            self._join_unit(running, (name, index))
            run.seconds[index] = payload[-1]
            if status == "ok":
                run.executed[index] = payload[2]
                if len(run.executed) == run.count:
                    run.execute_ended = time.monotonic()
                    renders.append(name)
                return
            summary, notebook, full = payload[2], payload[3], payload[4]
            run.execute_ended = time.monotonic()
            stop_units(name)  # its siblings: this variant fails with its first failing notebook
            if full or "No space left on device" in summary:
                from nato_russia.publishing.worker import full_disk_message

                shutil.rmtree(run.staging, ignore_errors=True)
                run.staging = None
                error = full_disk_message(self.reports_dir)
                finish(run, {"status": "failed", "error": error, "failed_notebooks": [], "disk_full": True})
            else:
                finish(run, {"status": "failed", "error": summary, "failed_notebooks": [notebook]})
        elif kind == "pdf-ready" and run is not None and not run.done:
            run.pdf_ready = payload
            renders.append((name, "pdf"))
        elif kind in ("result", "pdf") and run is not None and not run.done:
            self._join_unit(running, (name, "render" if kind == "result" else "pdf"))
            if payload["status"] != "ok":  # the other half is of no use now
                stop_units(name)
                if kind == "pdf" and run.rendered is not None:
                    payload = dict(payload, timings={**run.rendered["timings"], **payload["timings"]})
                finish(run, payload)
                return
            if kind == "result":
                run.rendered = payload
            else:
                run.printed = payload
            if run.rendered is not None and (run.pdf_ready is None or run.printed is not None):
                result = dict(run.rendered)
                if run.printed is not None:  # the PDF's seconds, in the order the timings always had
                    result["timings"] = {**run.rendered["timings"], **run.printed["timings"]}
                finish(run, result)

    def _join_unit(self, running: dict, key: tuple) -> None:
        """A unit that sent its last message: wait for its exit, then reap any kernel it left."""
        if key in running:
            proc, _ = running.pop(key)
            proc.join()
            reap_orphan_kernels({proc.pid})

    def _drain_units(self, events, runs, running, renders, stop_units, finish) -> None:
        """Read and act on whatever is left in the queue (a dead unit's last message)."""
        while True:
            try:
                kind, name, payload = events.get(timeout=0.05)
            except queue.Empty:
                return
            self._on_event(kind, name, payload, runs, running, renders, stop_units, finish)

    def _run_jobs_on_cluster(self, jobs: list, manifest: dict, data_dir: Path) -> int:
        """Build every job as a task on the Dask cluster; publish each here as its files come back.

        A task that fails, or whose worker dies, fails its variant only. On SIGINT/SIGTERM the tasks
        are told to stop (their build children kill their kernels), then cancelled.
        """
        import uuid

        from distributed import Event

        from nato_russia.publishing import cluster
        from nato_russia.publishing.worker import disk_full, full_disk_message

        stop_name = f"nato-russia-stop-{uuid.uuid4().hex}"
        # The data travel with each task rather than scattered once: a scattered copy dies with its
        # worker, and every task still to run would then fail with it.
        shared = cluster.shared_inputs(data_dir)
        futures = {}
        for rank, job in enumerate(jobs):  # longest first: a higher priority starts earlier
            job.parallel = 1
            future = self.client.submit(
                cluster.build_remote,
                cluster.pack(job),
                shared,
                stop_name,
                key=f"build-{job.variant.name}-{uuid.uuid4().hex[:8]}",
                pure=False,
                priority=len(jobs) - rank,
            )
            futures[future] = (job, time.monotonic())
            self.progress.update(job.variant.name, "sent to the cluster")
        failed = 0
        try:
            while futures:
                self._check_stop()
                done = [f for f in futures if f.done()]
                if not done:
                    time.sleep(0.25)
                for future in done:
                    job, t0 = futures.pop(future)
                    name = job.variant.name
                    if future.status == "finished":
                        payload = future.result()
                        for line in payload["logs"]:
                            self.progress.log(name, line)
                        try:
                            staging = publish.staging_dir(self.reports_dir, name)
                            staging.chmod(0o755)
                            result = cluster.write_outputs(payload, staging, self.reports_dir / name)
                        except OSError as exc:
                            shutil.rmtree(staging, ignore_errors=True)
                            full = disk_full(exc)
                            error = full_disk_message(self.reports_dir) if full else f"could not write its files: {exc}"
                            result = {"status": "failed", "error": error, "disk_full": full, "staging": None}
                    else:
                        result = {"status": "failed", "staging": None, "error": _task_failure(future)}
                    failed += self._finish(job, result, manifest, time.monotonic() - t0)
                self.progress.tick()
        except Stop:
            Event(stop_name, client=self.client).set()
            for _, (job, _) in futures.items():
                self.progress.update(job.variant.name, "interrupted")
            deadline = time.monotonic() + cluster.GRACE + 2  # time for the children to clean up
            while time.monotonic() < deadline and not all(f.done() for f in futures):
                time.sleep(0.25)
            self.client.cancel(list(futures), force=True)
            publish.remove_stale(self.reports_dir)
            publish.write_manifest(self.reports_dir, manifest)
            raise
        return failed

    def _drained(self, events, results, staging) -> bool:
        """Read whatever a dead worker left in the queue; True once nothing is left."""
        while True:
            try:
                kind, name, payload = events.get(timeout=0.05)
            except queue.Empty:
                return True
            if kind == "result":
                results[name] = payload
            elif kind == "staging":
                staging[name] = payload
            elif kind == "log":
                self.progress.log(name, payload)

    def _stop_workers(self, procs: list, all_pids: set[int]) -> None:
        """SIGTERM the workers (they kill their kernels and clean up), then SIGKILL stragglers."""
        from nato_russia.publishing.worker import stop_children

        stop_children(procs, GRACE)
        reap_orphan_kernels(all_pids)

    def _finish(self, job, result: dict, manifest: dict, seconds: float) -> int:
        """Publish a good result or record a failure; return 1 for a failure."""
        name = job.variant.name
        entry = manifest["variants"].setdefault(name, {})
        entry["last_run"] = publish.now()
        staging = Path(result["staging"]) if result.get("staging") else None
        timings = dict(result.get("timings") or {})
        timings["total"] = round(seconds, 2)
        rel_notebooks = [
            os.path.relpath(nb, paths.ROOT) if nb.is_relative_to(paths.ROOT) else str(nb)
            for nb in job.variant.notebooks
        ]
        if result["status"] == "ok" and staging is not None:
            try:
                kept = publish.carry_editions(self.reports_dir / name, staging, job.variant.keep_editions)
                frontpage.write_archive(staging, job.stamp.title, name)
            except OSError as exc:
                from nato_russia.publishing.worker import disk_full, full_disk_message

                shutil.rmtree(staging, ignore_errors=True)
                error = full_disk_message(self.reports_dir) if disk_full(exc) else f"could not keep the editions: {exc}"
                result = {"status": "failed", "error": error, "failed_notebooks": [], "disk_full": disk_full(exc)}
                staging = None
        if result["status"] == "ok" and staging is not None:
            publish.swap_into_place(staging, self.reports_dir / name)
            publish.clear_failed(self.reports_dir, name)
            s = job.stamp
            entry.update(
                status="ok",
                failure=None,
                published={
                    "title": s.title,
                    "notebooks": rel_notebooks,
                    "parameters": s.parameters,
                    "formats": job.variant.formats,
                    "input_hash": s.input_hash,
                    "data_hash": s.data_hash,
                    "commit": s.commit,
                    "versions": s.versions,
                    "built_at": s.built_at,
                    "as_of": s.as_of or s.today,
                    "today": s.today,
                    "pinned": s.pinned,
                    "editions": kept,
                    "timings": timings,
                    "engine": job.engine,
                    "files": [f"{name}/{f}" for f in result["files"]],
                },
            )
            if result.get("notebook_seconds"):  # each notebook's, in its order: the next build's schedule
                entry["published"]["notebook_seconds"] = result["notebook_seconds"]
            self.progress.update(name, "ok", ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
            code = 0
        else:
            kept = []
            self.disk_full = self.disk_full or bool(result.get("disk_full"))
            if not result.get("disk_full"):
                try:
                    kept = publish.keep_failed(self.reports_dir, [Path(p) for p in result.get("failed_notebooks", [])])
                except OSError as exc:
                    from nato_russia.publishing.worker import disk_full, full_disk_message

                    if disk_full(exc):
                        self.disk_full = True
                        result = dict(result, error=full_disk_message(self.reports_dir), disk_full=True)
                    else:
                        self.progress.info(f"{name}: could not keep the failed notebook under _failed/: {exc}")
            if staging is not None:  # the failed notebook is copied out (or not): give back the space
                shutil.rmtree(staging, ignore_errors=True)
            entry.update(
                status="failed",
                failure={
                    "error": result.get("error"),
                    "at": publish.now(),
                    "timings": timings,
                    "input_hash": job.stamp.input_hash,
                    "parameters": job.stamp.parameters,
                    "failed_notebooks": [os.path.relpath(p, self.reports_dir) for p in kept],
                },
            )
            entry.setdefault("published", None)
            where = f"; executed notebook kept at {', '.join(str(p) for p in kept)}" if kept else ""
            self.progress.update(name, "failed", f"{result.get('error')}{where}")
            code = 1
        # Record each variant as it lands, so an interruption later keeps what was published.
        try:
            publish.write_manifest(self.reports_dir, manifest)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
        return code


def _task_failure(future) -> str:
    """One sentence for a task that did not return: its worker died, or it raised."""
    from distributed.scheduler import KilledWorker

    if future.status == "cancelled":
        return "its task was cancelled on the cluster"
    exc = future.exception()
    if isinstance(exc, KilledWorker):
        return f"the Dask worker building it died ({exc}): worker, kernel or machine killed?"
    return f"its task failed on the cluster: {type(exc).__name__}: {exc}"


def check_dates(variants: list[Variant], today: str, data_dir: Path) -> None:
    """Refuse, before any kernel starts, dates that resolve wrong: an end before the start, or an
    as-of date before the data begin. One sentence, naming the variant."""
    begins = editions.data_begins(data_dir)
    for v in variants:
        merged = v.effective_parameters(None, today)
        as_of, start, end = merged.get("as_of"), merged.get("period_start"), merged.get("period_end")
        try:
            as_of_day = dt.date.fromisoformat(str(as_of)) if as_of else None
            start_day = dt.date.fromisoformat(str(start)) if start else None
            end_day = dt.date.fromisoformat(str(end)) if end else None
        except ValueError:
            continue  # a default that is not a date is the notebook's business
        if as_of_day is not None and begins is not None and as_of_day < begins:
            source = "pinned in reports.yaml" if v.pinned else "the build's date: --today, $NATO_RUSSIA_TODAY or today"
            raise VariantError(
                f"variant {v.name!r}: as_of {as_of_day} ({source}) is before the data begin ({begins}); "
                "choose a date on or after it"
            )
        if start_day and end_day and start_day > end_day:
            moved = "" if v.pinned else f", the as-of date {as_of}"
            raise VariantError(f"variant {v.name!r}: period_start {start} is after period_end {end}{moved}")
