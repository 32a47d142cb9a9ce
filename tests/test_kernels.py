"""Tests of the kernels' fork server (nato_russia.publishing.kernels).

Each notebook runs in a kernel forked from a process that has already imported pandas,
matplotlib, ipykernel and the package: these tests show that the fast path is the one taken,
that a notebook still sees nothing another one did, and that no kernel or server outlives
its build, a stopped build or a killed worker.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml
from test_build import OK_NB, SLOW_NB, alive, kernel_pids_under, stray_kernels

from nato_russia import paths
from nato_russia.publishing import execute, kernels
from nato_russia.publishing.__main__ import main

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not kernels.supported(), reason="the fork server runs on Linux only"),
]

SETTINGS = {"kernel": "python3", "start_timeout": 60, "cell_timeout": 60}


def notebook(path: Path, title: str, code: str) -> Path:
    """A notebook with a title, the fixture's parameters cell and `code`."""
    parameters = nbformat.read(OK_NB, as_version=4).cells[1]
    assert "parameters" in parameters.metadata.tags
    cells = [nbformat.v4.new_markdown_cell(f"# {title}"), parameters, nbformat.v4.new_code_cell(code)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata=nbformat.read(OK_NB, 4).metadata), path)
    return path


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
                found.append(int(entry))
    return found


def test_no_state_leaks_from_one_notebook_into_the_next(tmp_path, fixture_data):
    """Two notebooks of one variant, one after the other in the same worker: the second sees nothing of the first."""
    record = tmp_path / "record"
    record.mkdir()
    first = notebook(
        tmp_path / "first.ipynb",
        "The one that leaves things behind",
        f"""import builtins, os, sys, types
import matplotlib
import numpy as np
import nato_russia.charts

nato_russia.charts.LEFT_BEHIND = "by the first notebook"
matplotlib.rcParams["lines.linewidth"] = 9.5
os.environ["NATO_RUSSIA_LEFT_BEHIND"] = "yes"
builtins.left_behind = True
sys.modules["left_behind"] = types.ModuleType("left_behind")
left_behind_global = 1
open({str(record / "first")!r}, "w").write(f"{{os.getpid()}} {{np.random.random()}}")""",
    )
    second = notebook(
        tmp_path / "second.ipynb",
        "The one that looks",
        f"""import builtins, os, sys
import matplotlib
import numpy as np
import nato_russia.charts

assert not hasattr(nato_russia.charts, "LEFT_BEHIND")
assert matplotlib.rcParams["lines.linewidth"] != 9.5
assert "NATO_RUSSIA_LEFT_BEHIND" not in os.environ
assert not hasattr(builtins, "left_behind")
assert "left_behind" not in sys.modules
assert "left_behind_global" not in globals()
open({str(record / "second")!r}, "w").write(f"{{os.getpid()}} {{np.random.random()}}")""",
    )
    entry = {
        "name": "pair",
        "title": "Two notebooks",
        "notebooks": [str(first), str(second)],
        "parameters": {},
        "formats": ["html"],
    }
    vfile = tmp_path / "v.yaml"
    vfile.write_text(yaml.safe_dump({"variants": [entry]}), encoding="utf-8")
    reports = tmp_path / "reports"
    args = ["--variants", str(vfile), "--reports-dir", str(reports), "--data-dir", str(fixture_data)]
    code = main([*args, "--no-live", "--jobs", "1", "--today", "2026-11-28"])
    failure = json.loads((reports / "manifest.json").read_text())["variants"]["pair"].get("failure")
    assert code == 0, failure
    first_pid, first_random = (record / "first").read_text().split()
    second_pid, second_random = (record / "second").read_text().split()
    assert first_pid != second_pid
    assert first_random != second_random, "every kernel forked with the same random state"


def test_kernels_come_from_the_fork_server_with_the_imports_done(tmp_path):
    """The fast path is taken: pandas and the package are loaded before the notebook imports them."""
    kernels.start_fork_server()  # what the build does before it starts workers
    record = tmp_path / "record.json"
    nb = notebook(
        tmp_path / "preloaded.ipynb",
        "Preloaded",
        f"""import json, os, sys
loaded = [m for m in ("pandas", "matplotlib.pyplot", "nato_russia.charts", "nato_russia.report") if m in sys.modules]
parent = open(f"/proc/{{os.getppid()}}/cmdline", "rb").read().replace(b"\\0", b" ").decode()
environ = dict(v.split("=", 1) for v in open("/proc/self/environ").read().split("\\0") if "=" in v)
json.dump({{"loaded": loaded, "parent": parent, "pid": os.getpid(), "cwd": os.getcwd(),
           "own_group": os.getpgid(0) == os.getpid(), "jpy_parent": environ.get("JPY_PARENT_PID"),
           "env_parent": os.environ.get("JPY_PARENT_PID")}}, open({str(record)!r}, "w"))""",
    )
    execute.execute_notebook(nb, tmp_path / "out.ipynb", {}, SETTINGS)
    seen = json.loads(record.read_text())
    assert seen["loaded"] == ["pandas", "matplotlib.pyplot", "nato_russia.charts", "nato_russia.report"]
    assert "nato_russia.publishing.kernels serve-ipykernels" in seen["parent"]
    assert seen["own_group"] and Path(seen["cwd"]).name.startswith("nb-cwd-")
    # Found as before: ipykernel in its command line, this process as its JPY_PARENT_PID.
    assert seen["jpy_parent"] == seen["env_parent"] == str(os.getpid())
    assert not alive(seen["pid"])


def _execute_slow(out: Path) -> None:
    execute.execute_notebook(SLOW_NB, out, {}, SETTINGS)


def test_a_killed_workers_kernel_dies_with_it(tmp_path):
    """SIGKILL leaves a worker no time to kill its kernel: the fork server does, when the lease drops."""
    kernels.start_fork_server()
    server = kernels._server.pid
    # Spawned, not forked: this test process may have run a notebook already (its event loop and zmq
    # context would be copied into a fork); the build's own workers are forked from a parent that never has.
    worker = multiprocessing.get_context("spawn").Process(target=_execute_slow, args=(tmp_path / "out.ipynb",))
    started = set(children_of(server))  # before the worker starts, or its kernel could be counted as old
    worker.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (set(children_of(server)) - started):
        time.sleep(0.1)
    kernel = set(children_of(server)) - started
    assert kernel, "no kernel was forked"
    os.kill(worker.pid, signal.SIGKILL)
    worker.join()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(pid) for pid in kernel):
        time.sleep(0.05)
    assert not [pid for pid in kernel if alive(pid)]
    assert alive(server)  # the server itself serves on


def test_sigterm_prints_no_traceback_and_leaves_no_kernel_or_server(tmp_path, fixture_data):
    vfile = tmp_path / "v.yaml"
    entry = {"name": "slow", "title": "Slow", "notebooks": [str(SLOW_NB)], "parameters": {}}
    vfile.write_text(yaml.safe_dump({"variants": [entry]}), encoding="utf-8")
    reports = tmp_path / "reports"
    proc = subprocess.Popen(
        [sys.executable, "-m", "nato_russia.publishing", "--variants", str(vfile), "--reports-dir", str(reports)]
        + ["--data-dir", str(fixture_data), "--no-live"],
        cwd=paths.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    found: set[int] = set()
    while time.monotonic() < deadline and len(found) < 2:  # the fork server and the slow notebook's kernel
        found |= kernel_pids_under(proc.pid)
        time.sleep(0.2)
    assert len(found) >= 2, "the build never forked a kernel"
    time.sleep(1.0)  # the cell is running
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 143, output
    assert "Traceback" not in output
    assert [pid for pid in found if alive(pid)] == []
    assert stray_kernels() == []


def test_a_kernel_killed_mid_cell_fails_its_notebook_and_is_given_up(tmp_path):
    kernels.start_fork_server()
    nb = notebook(tmp_path / "killed.ipynb", "Killed", "import os, signal\n\nos.kill(os.getpid(), signal.SIGKILL)")
    with pytest.raises(execute.ExecutionFailed, match="the kernel died"):
        execute.execute_notebook(nb, tmp_path / "out.ipynb", {}, SETTINGS)
    assert kernels._leases == set()
    deadline = time.monotonic() + 5  # the server reaps it as soon as it sees the lease close
    while time.monotonic() < deadline and children_of(kernels._server.pid):
        time.sleep(0.05)
    assert children_of(kernels._server.pid) == []
