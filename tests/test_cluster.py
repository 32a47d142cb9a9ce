"""The build on a Dask cluster (`--executor dask`), against a LocalCluster the tests start.

The cluster's workers are separate processes with their own scratch folders; what a variant makes
comes back through Dask and is published by the build as a local build publishes it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from test_build import (
    FAIL_NB,
    OK_NB,
    build,
    manifest,
    snapshot,
    stray_kernels,
    variant,
    write_variants,
)

from nato_russia import paths

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """Two single-threaded worker processes; a task whose worker dies is not retried elsewhere."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            local_directory=str(tmp_path_factory.mktemp("dask-workers")),
        )
    client = Client(cluster)
    yield cluster, client
    client.close()
    cluster.close()


def on_cluster(cluster) -> tuple[str, ...]:
    return ("--executor", "dask", "--scheduler", cluster.scheduler_address, "--today", "2026-11-28")


def held_notebook(path: Path, hold: Path) -> Path:
    """ok.ipynb that waits while the file `hold` exists: the test decides when it may finish."""
    nb = nbformat.read(OK_NB, as_version=4)
    wait = f"import os, time\n\nwhile os.path.exists({str(hold)!r}):\n    time.sleep(0.2)"
    nb.cells.insert(2, nbformat.v4.new_code_cell(wait))
    nbformat.write(nb, path)
    return path


def start_build(vfile: Path, reports: Path, data: Path, cluster) -> subprocess.Popen:
    """The build command in a process of its own (it installs signal handlers)."""
    command = [sys.executable, "-m", "nato_russia.publishing", "--variants", str(vfile)]
    command += ["--reports-dir", str(reports), "--data-dir", str(data), "--no-live", "--force", *on_cluster(cluster)]
    return subprocess.Popen(command, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def worker_building(client, name: str, timeout: float = 60.0) -> str:
    """The address of the worker running variant `name`'s task, once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            if any(str(key).startswith(f"build-{name}-") for key in keys):
                return address
        time.sleep(0.2)
    raise AssertionError(f"variant {name} never started on the cluster")


def no_stray_kernels(within: float = 15.0) -> bool:
    """True once no kernel is left without its parent (a killed worker's child needs a moment)."""
    deadline = time.monotonic() + within
    while stray_kernels() and time.monotonic() < deadline:
        time.sleep(0.25)
    return stray_kernels() == []


def test_an_unreachable_scheduler_is_a_clear_error_before_anything_starts(tmp_path, capsys):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx")])
    code = build(vfile, reports, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9", "--scheduler-timeout", "2")
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err
    # Nothing started: no manifest, no report folder (only the cache of notebooks' parameters).
    assert not reports.exists() or {p.name for p in reports.iterdir()} <= {".parameters-cache.json"}


def test_the_cluster_builds_what_a_local_build_builds_and_publishes_it_here(tmp_path, fixture_data, dask_cluster):
    cluster, _ = dask_cluster
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx"), variant("bad", FAIL_NB)])
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert build(vfile, local, "--data-dir", str(fixture_data), "--today", "2026-11-28") == 1
    assert build(vfile, remote, "--data-dir", str(fixture_data), *on_cluster(cluster)) == 1

    # The same files, in the same places; the PDF of the edition is the variant's PDF (one file).
    assert sorted(snapshot(remote / "fx")) == sorted(snapshot(local / "fx"))
    pdf, edition_pdf = remote / "fx" / "fx.pdf", remote / "fx" / "editions" / "2026-11-28" / "fx.pdf"
    assert os.path.samefile(pdf, edition_pdf)
    assert "Events counted" in (remote / "fx" / "fx.html").read_text(encoding="utf-8")
    # The failure is reported as a local build reports it, with the executed notebook kept here.
    failed = manifest(remote)["variants"]["bad"]
    assert failed["status"] == "failed" and "fixture failure: deliberate" in failed["failure"]["error"]
    assert failed["failure"]["failed_notebooks"] == ["_failed/bad.ipynb"]
    assert (remote / "_failed" / "bad.ipynb").is_file()

    # The next day's edition is compared with the first, whose snapshot travelled to the worker.
    later = [*on_cluster(cluster)[:-1], "2026-11-29", "--only", "fx"]
    assert build(vfile, remote, "--data-dir", str(fixture_data), *later) == 0
    record = json.loads((remote / "fx" / "editions" / "2026-11-29" / "edition.json").read_text())
    assert record["changes"]["previous"] == "2026-11-28" and record["changes"]["status"] == "date_only"
    assert sorted(p.name for p in (remote / "fx" / "editions").iterdir() if p.is_dir()) == ["2026-11-28", "2026-11-29"]
    assert not [p for p in remote.iterdir() if p.name.startswith((".staging-", ".old-"))]


def test_a_worker_that_dies_mid_variant_fails_that_variant_only(tmp_path, fixture_data, dask_cluster):
    cluster, client = dask_cluster
    hold = tmp_path / "hold"
    held = held_notebook(tmp_path / "held.ipynb", hold)
    vfile = write_variants(tmp_path / "v.yaml", [variant("held", held), variant("fx")])
    reports = tmp_path / "reports"
    assert build(vfile, reports, "--data-dir", str(fixture_data), *on_cluster(cluster)) == 0  # the last good one
    good = snapshot(reports / "held")

    hold.touch()
    proc = start_build(vfile, reports, fixture_data, cluster)
    address = worker_building(client, "held")
    time.sleep(1.0)  # into the notebook
    pid = client.run(os.getpid, workers=[address])[address]
    os.kill(pid, signal.SIGKILL)
    output, _ = proc.communicate(timeout=120)
    hold.unlink()

    assert proc.returncode == 1, output
    record = manifest(reports)["variants"]
    assert record["held"]["status"] == "failed" and "Dask worker building it died" in record["held"]["failure"]["error"]
    assert record["fx"]["status"] in ("ok", "skipped")
    assert snapshot(reports / "held") == good  # the last good report, byte for byte
    assert "Traceback" not in output
    assert no_stray_kernels()


def test_sigterm_stops_the_cluster_build_and_keeps_the_last_good_report(tmp_path, fixture_data, dask_cluster):
    cluster, client = dask_cluster
    hold = tmp_path / "hold"
    held = held_notebook(tmp_path / "held.ipynb", hold)
    vfile = write_variants(tmp_path / "v.yaml", [variant("held", held)])
    reports = tmp_path / "reports"
    assert build(vfile, reports, "--data-dir", str(fixture_data), *on_cluster(cluster)) == 0
    good = snapshot(reports / "held")

    hold.touch()
    proc = start_build(vfile, reports, fixture_data, cluster)
    worker_building(client, "held")
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=60)
    hold.unlink()

    assert proc.returncode == 143, output
    assert "stopped by SIGTERM" in output and "Traceback" not in output
    assert snapshot(reports / "held") == good
    assert not [p for p in reports.iterdir() if p.name.startswith((".staging-", ".old-"))]
    assert no_stray_kernels()
    deadline = time.monotonic() + 15  # the task stopped its child and ended; the workers are free again
    while any(client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not any(client.processing().values())
