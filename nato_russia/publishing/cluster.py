"""Build variants on a Dask distributed cluster: `--executor dask --scheduler tcp://HOST:PORT`.

The parent does what it does for a local build: it decides what is stale, holds the lock, and
publishes each variant atomically, keeping the last good report when one fails. Only the building
moves. Each variant goes to the cluster as one task that carries everything the build reads (its
notebooks, the data, the previous edition's snapshot), so a worker need not share a disk with the
parent. On the worker the task builds in a child process, exactly as a local worker does (its own
kernels, timeouts and clean-up), and sends every file it made back as bytes; the parent writes them
into a staging folder beside the published report and publishes from there.

A worker needs this project installed at the same commit with the locked requirements (`make setup`
in a checkout; the PDF's compiler and fonts come with it) and the Jupyter kernel named in
reports.yaml. `connect` checks the code and library versions of every worker before anything starts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from nato_russia import editions, paths
from nato_russia.publishing import inputs

#: Seconds a stopped build child gets to kill its kernels and clean up before SIGKILL.
GRACE = 8.0
#: Files of the child's run, kept beside its inputs in the task's folder on the worker.
JOB_FILE, EVENTS_FILE, OUTPUT_FILE = "job.pickle", "events.pickle", "output.log"


class ClusterError(Exception):
    """The cluster cannot build: the scheduler does not answer, has no workers, or runs other code."""


# ---- the parent's side -------------------------------------------------------------------


def fingerprint() -> dict:
    """What must match between the parent and every worker for the reports to come out the same."""
    return {"code": inputs.code_hash(), "versions": inputs.versions()}


def connect(address: str, timeout: float):
    """A client of the scheduler at `address`, once it answers and its workers run this same code.

    Raises ClusterError, in one sentence, when the scheduler cannot be reached in `timeout` seconds,
    no worker joins it in that time, or a worker's code or library versions differ from ours.
    """
    from distributed import Client

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({type(exc).__name__}: {exc}); "
            "is `dask scheduler` running there, and is the address right?"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            raise ClusterError(
                f"the Dask scheduler at {address} has no worker after {timeout:g} s; start one with "
                f"`dask worker {address}` on a machine where this project is installed"
            ) from None
        ours = fingerprint()
        for worker, theirs in sorted(client.run(fingerprint).items()):
            if theirs["code"] != ours["code"]:
                raise ClusterError(
                    f"Dask worker {worker} runs other code of nato_russia (code hash {theirs['code'][:12]}, "
                    f"ours {ours['code'][:12]}); install this commit on every worker"
                )
            other = theirs["versions"]
            differ = {k: (v, other.get(k)) for k, v in ours["versions"].items() if other.get(k) != v}
            if differ:
                listed = ", ".join(f"{k} {mine} here, {other} there" for k, (mine, other) in sorted(differ.items()))
                raise ClusterError(
                    f"Dask worker {worker} has other versions ({listed}); install requirements.txt on every worker"
                )
    except BaseException:
        client.close()
        raise
    return client


def shared_inputs(data_dir: Path) -> dict:
    """What every variant's build reads alike (the data), as bytes, read once for all the tasks."""
    return {"data": read_tree(data_dir), "data_hash": inputs.data_hash(data_dir)}


def pack(job) -> dict:
    """What this variant's build reads from the parent's disk besides the data, as bytes."""
    as_of = job.stamp.as_of if editions.is_date(job.stamp.as_of) else job.stamp.today
    editions_dir = job.reports_dir / job.variant.name / editions.EDITIONS_DIR
    previous = editions.previous_edition(editions_dir, as_of)
    snapshot = {}
    if previous is not None:
        # Only the snapshot is read (to say what changed); the rest of the edition stays here.
        root = editions_dir / previous / editions.SNAPSHOT_DIR
        snapshot = {f"{previous}/{editions.SNAPSHOT_DIR}/{rel}": data for rel, data in read_tree(root).items()}
    return {
        "job": job,
        "notebooks": [(nb.name, nb.read_bytes()) for nb in job.variant.notebooks],
        "previous_editions": snapshot,
    }


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by its path relative to `root` (empty if `root` is not a folder)."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_outputs(payload: dict, staging: Path, published: Path) -> dict:
    """Write the files a task sent back into `staging`; return its result with local paths.

    Identical files are one file on disk, as a local build makes them: the PDF of the variant and of
    its edition, and a snapshot table unchanged since the previous edition (linked to that one).
    """
    written: dict[str, Path] = {}
    for rel, data in sorted(payload["files"].items()):
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()
        same = written.get(digest) or _previous_snapshot_twin(published, rel, data)
        if same is not None:
            try:
                os.link(same, target)
                continue
            except OSError:
                pass
        target.write_bytes(data)
        written.setdefault(digest, target)
    result = dict(payload["result"])
    result["staging"] = str(staging)
    result["failed_notebooks"] = [str(staging / rel) for rel in result.get("failed_notebooks") or []]
    return result


def _previous_snapshot_twin(published: Path, rel: str, data: bytes) -> Path | None:
    """The published previous edition's copy of snapshot file `rel`, if it holds the same bytes."""
    parts = rel.split("/")
    if len(parts) < 4 or parts[0] != editions.EDITIONS_DIR or parts[2] != editions.SNAPSHOT_DIR:
        return None
    previous = editions.previous_edition(published / editions.EDITIONS_DIR, parts[1])
    if previous is None:
        return None
    twin = published / editions.EDITIONS_DIR / previous / Path(*parts[2:])
    try:
        return twin if twin.stat().st_size == len(data) and twin.read_bytes() == data else None
    except OSError:
        return None


# ---- the worker's side -------------------------------------------------------------------


def build_remote(packed: dict, shared: dict, stop_event: str | None = None) -> dict:
    """The task: build one variant on this Dask worker and send back its files and result.

    Runs the same worker code as a local build, in a child process (papermill changes the working
    directory, timeouts use signals, and Dask's worker processes may not fork children of their own).
    The child dies with this worker. If the distributed Event `stop_event` is set (the parent was told
    to stop), the child is stopped: it kills its kernels and removes its staging folder.
    """
    from distributed import Event, get_worker

    try:
        base = get_worker().local_directory
    except ValueError:  # run outside a worker (tests, debugging)
        base = None
    stop = Event(stop_event) if stop_event else None
    if stop is not None and stop.is_set():  # queued when the build was stopped: do not start
        return {
            "result": {"status": "failed", "error": "stopped before it started", "staging": None},
            "files": {},
            "logs": [],
        }
    jobdir = Path(tempfile.mkdtemp(prefix="nato-russia-", dir=base))
    try:
        job_file = _unpack(packed, shared, jobdir)
        with open(jobdir / OUTPUT_FILE, "wb") as output:
            child = subprocess.Popen(
                [sys.executable, "-m", "nato_russia.publishing.cluster", str(job_file)],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=jobdir,
            )
            while child.poll() is None:
                try:
                    child.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    if stop is not None and stop.is_set():
                        _stop_child(child)
        return _collect(jobdir, child.returncode)
    finally:
        shutil.rmtree(jobdir, ignore_errors=True)


def _unpack(packed: dict, shared: dict, jobdir: Path) -> Path:
    """Lay the task's inputs out under `jobdir` and write the job the child runs; return its path."""
    job = packed["job"]
    notebooks = []
    for i, (name, data) in enumerate(packed["notebooks"]):
        nb = jobdir / "notebooks" / str(i) / name  # numbered: a variant may name two notebooks alike
        nb.parent.mkdir(parents=True)
        nb.write_bytes(data)
        notebooks.append(nb)
    data_dir = job.data_dir
    # The worker's own data/ serves when it is the same data (the notebooks then get no data_dir).
    if data_dir is not None or inputs.data_hash(paths.DATA_DIR) != shared["data_hash"]:
        local_data = jobdir / "data"
        _write_tree(local_data, shared["data"])
        data_dir = str(local_data)
    reports_dir = jobdir / "reports"
    _write_tree(reports_dir / job.variant.name / editions.EDITIONS_DIR, packed["previous_editions"])
    variant = dataclasses.replace(job.variant, notebooks=notebooks)
    remote = dataclasses.replace(job, variant=variant, reports_dir=reports_dir, data_dir=data_dir, parallel=1)
    job_file = jobdir / JOB_FILE
    job_file.write_bytes(pickle.dumps(remote))
    return job_file


def _write_tree(root: Path, files: dict[str, bytes]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _stop_child(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=GRACE)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _collect(jobdir: Path, returncode: int) -> dict:
    """The child's result, its log lines and every file of its staging folder, as bytes."""
    try:
        messages = pickle.loads((jobdir / EVENTS_FILE).read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError):
        messages = []
    logs = [payload for kind, payload in messages if kind == "log"]
    results = [payload for kind, payload in messages if kind == "result"]
    if not results:
        output = (jobdir / OUTPUT_FILE).read_text(errors="replace").strip().splitlines()
        tail = "\n".join(output[-6:])
        stopped = returncode in (-signal.SIGTERM, 128 + signal.SIGTERM)
        how = "was stopped" if stopped else f"died (exit code {returncode})"
        result = {"status": "failed", "timings": {}, "failed_notebooks": [], "staging": None}
        result["error"] = f"the build process on the Dask worker {how}" + (f":\n{tail}" if tail else "")
        return {"result": result, "files": {}, "logs": logs}
    result = dict(results[-1])
    staging = Path(result["staging"]) if result.get("staging") else None
    files = read_tree(staging) if staging is not None else {}
    result["failed_notebooks"] = [
        Path(p).relative_to(staging).as_posix() for p in result.get("failed_notebooks") or [] if staging is not None
    ]
    result["staging"] = None
    return {"result": result, "files": files, "logs": logs}


class _Recorder:
    """Stands in for the local build's event queue: keeps what the worker code sends."""

    def __init__(self):
        self.messages: list[tuple] = []

    def put(self, message: tuple) -> None:
        kind, _name, payload = message
        if kind != "stage":  # stages are live progress; nobody watches this child
            self.messages.append((kind, payload))

    def close(self) -> None:
        pass

    def join_thread(self) -> None:
        pass


def _child(job_file: Path) -> None:
    """The build child on a worker: run the local worker code on the unpacked job."""
    from nato_russia.publishing import worker

    job = pickle.loads(job_file.read_bytes())
    recorder = _Recorder()
    worker.run(job, recorder, os.getppid())
    (job_file.parent / EVENTS_FILE).write_bytes(pickle.dumps(recorder.messages))


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
