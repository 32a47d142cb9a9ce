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


def _preload() -> None:
    """Import the heavy libraries once in the parent, so forked workers start with them loaded.

    The kernels' fork server starts first and imports what the notebooks need meanwhile.
    """
    from nato_russia.publishing import kernels

    kernels.start_fork_server()
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
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
        if jobs:
            self._check_data(data_dir)
        failed = 0
        if jobs and self.client is not None:
            failed = self._run_jobs_on_cluster(jobs, manifest, data_dir)
        elif jobs:
            _preload()
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
        from nato_russia.publishing import worker

        ctx = worker_context()
        events = ctx.Queue()
        pending = list(jobs)
        running: dict[str, tuple] = {}  # name -> (process, job, started)
        staging: dict[str, str] = {}
        results: dict[str, dict] = {}
        all_pids: set[int] = set()
        failed = 0
        try:
            while pending or running:
                self._check_stop()
                slots = max(1, self.o.jobs)
                used = sum(job.parallel for _, job, _ in running.values())
                while pending and used < slots:
                    job = pending.pop(0)
                    # A multi-notebook variant runs its notebooks side by side in the slots free now
                    # (merged after, in their order) and holds those slots until it is done.
                    job.parallel = min(len(job.variant.notebooks), slots - used)
                    used += job.parallel
                    proc = ctx.Process(
                        target=worker.run, args=(job, events, os.getpid()), name=f"build-{job.variant.name}"
                    )
                    proc.start()
                    all_pids.add(proc.pid)
                    running[job.variant.name] = (proc, job, time.monotonic())
                    self.progress.update(job.variant.name, "starting")
                try:
                    kind, name, payload = events.get(timeout=0.25)
                except queue.Empty:
                    kind = None
                if kind == "stage":
                    self.progress.update(name, payload)
                    if name in running and not payload.startswith("executing"):
                        running[name][1].parallel = 1  # its notebooks are done: the other slots are free
                elif kind == "log":
                    self.progress.log(name, payload)
                elif kind == "staging":
                    staging[name] = payload
                elif kind == "result":
                    results[name] = payload
                # A finished worker is handled once its result is in, or once it is dead without one.
                for name, (proc, job, t0) in list(running.items()):
                    if name in results:
                        proc.join()
                    elif proc.is_alive() or not self._drained(events, results, staging):
                        continue
                    elif name not in results:
                        results[name] = {
                            "status": "failed",
                            "timings": {},
                            "failed_notebooks": [],
                            "staging": staging.get(name),
                            "error": f"worker died (exit code {proc.exitcode}): kernel or process killed?",
                        }
                    del running[name]
                    failed += self._finish(job, results[name], manifest, time.monotonic() - t0)
                    reap_orphan_kernels({proc.pid})
                self.progress.tick()
        except Stop:
            self._stop_workers([p for p, _, _ in running.values()], all_pids)
            for name in running:
                self.progress.update(name, "interrupted")
                if staging.get(name):
                    shutil.rmtree(staging[name], ignore_errors=True)
            publish.remove_stale(self.reports_dir)
            publish.write_manifest(self.reports_dir, manifest)
            raise
        return failed

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
