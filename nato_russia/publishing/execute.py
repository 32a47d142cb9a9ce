"""Execute one notebook with papermill, inside a worker process.

papermill changes the process's working directory (os.chdir) for the whole execution, so
two notebooks can't run in threads of one process with different working directories:
the build runs each variant in its own worker process and this module runs in it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
import uuid
from collections.abc import MutableMapping
from contextlib import contextmanager
from pathlib import Path

from nato_russia import paths


class NotebookTimeout(Exception):
    """The whole notebook ran longer than its notebook_timeout."""


class ExecutionFailed(Exception):
    """A notebook did not run to the end: an exception in a cell, a dead kernel or a timeout.

    `notebook` is the executed notebook as far as it got (kept under _failed/), `summary` a
    few lines naming the failing cell and its error.
    """

    def __init__(self, notebook: Path, summary: str):
        super().__init__(summary)
        self.notebook = notebook
        self.summary = summary


def summarize(exc: BaseException, notebook_name: str) -> str:
    """A few lines that say which cell failed and how, for the log and the manifest."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        source = (exc.source or "").strip().splitlines()
        first = source[0] if source else ""
        more = " …" if len(source) > 1 else ""
        return (
            f"{notebook_name}: cell {exc.cell_index} (In [{exc.exec_count}]) raised "
            f"{exc.ename}: {exc.evalue}\n    {first}{more}"
        )
    name = type(exc).__name__
    if name == "CellTimeoutError":
        return f"{notebook_name}: a cell exceeded the cell timeout: {str(exc).splitlines()[0]}"
    if name == "DeadKernelError":
        return f"{notebook_name}: the kernel died: {exc}"
    if isinstance(exc, NotebookTimeout):
        return f"{notebook_name}: {exc}"
    return f"{notebook_name}: {name}: {exc}"


def kill_kernels() -> None:
    """Kill every kernel this worker started, with its process group, and reap it.

    nbclient shuts its kernel down when a cell raises, but not when a signal or our own
    timeout interrupts its event loop mid-wait; kernels run in their own session
    (jupyter_client starts them with start_new_session, the fork server with setsid), so
    their group is their pid. psutil finds our children on Linux, macOS and Windows alike.
    """
    import psutil

    from nato_russia.publishing import kernels

    kernels.kill_forked_kernels()  # kernels from the fork server are its children, not ours
    for child in psutil.Process().children():
        if hasattr(os, "killpg"):
            with contextlib.suppress(OSError):
                os.killpg(child.pid, signal.SIGKILL)
        with contextlib.suppress(psutil.Error):
            child.kill()
        with contextlib.suppress(psutil.Error, ChildProcessError):
            child.wait(timeout=5)  # reap, so no zombie lingers while the worker lives on


@contextmanager
def deadline(seconds: float | None, what: str):
    """Raise NotebookTimeout in the main thread once `seconds` have passed."""
    if not seconds:
        yield
        return

    def expired(signum, frame):
        raise NotebookTimeout(f"{what} ran longer than the notebook timeout of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def kernel_environment(env: MutableMapping[str, str] = os.environ) -> None:
    """Make the package importable from the kernel, whose working directory is a temp dir.

    Sets this process's environment, which kernels inherit, or `env` (the fork server's).
    """
    root = str(paths.ROOT)
    current = env.get("PYTHONPATH", "")
    if root not in current.split(os.pathsep):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, current) if p)
    # Charts are drawn off-screen; a stray DISPLAY must not make matplotlib try a GUI backend.
    env.setdefault("MPLBACKEND", "Agg")


def _quiet_kernel_manager():
    """A kernel manager talking to its kernel over Unix sockets rather than TCP on loopback,
    whose kernel comes from the build's fork server when there is one (see kernels.py).

    Over TCP every kernel prints "Kernel is running over TCP without encryption" to the log of
    each build; a Unix socket in the notebook's temporary working directory is private to it.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    from nato_russia.publishing import kernels

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("client_factory")
        def _default_client_factory(self):
            return _quick_client()

        async def _async_pre_start_kernel(self, **kw):
            # jupyter_client picks a provisioner only by entry point; one set here is used as is.
            if self.provisioner is None and kernels.supported() and os.environ.get(kernels.SERVER_VARIABLE):
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
                self.provisioner = kernels.ForkedProvisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

    return IPCKernelManager


#: Seconds between kernel_info requests while a kernel starts, and of quiet that ends the IOPub drain.
READY_POLL = 0.05
DRAIN_QUIET = 0.01
#: Milliseconds between the client's attempts to connect a socket the kernel has not bound yet (zmq: 100).
RECONNECT_MS = 10


def _quick_client():
    """jupyter_client's asynchronous client, with a readiness wait that polls instead of sleeping.

    jupyter_client's wait_for_ready asks for kernel_info and waits a second for the reply (a request sent
    before the kernel's socket is up is sometimes lost, and costs that whole second), then 0.2 s for an
    IOPub message, then drains IOPub until it has been quiet 0.2 s: at least 0.2 s idle per notebook, on a
    kernel that is ready in 0.15 s. This one asks every READY_POLL seconds and drains only what has come.
    The same checks: a kernel_info reply, then a message on IOPub (its subscription is connected, so no
    output of the first cell is lost), a dead kernel or the start timeout raise RuntimeError. Stale replies
    and status messages left over are ignored by nbclient, which reads only those of its own requests.
    """
    from queue import Empty

    from jupyter_client.asynchronous.client import AsyncKernelClient

    class QuickKernelClient(AsyncKernelClient):
        def start_channels(self, *args, **kwargs) -> None:
            # The channels connect as soon as the kernel's process exists, before it has bound its sockets
            # (about 0.05 s later): over ipc that first connect fails, and zmq tries again only after its
            # reconnect interval, 100 ms, in which the kernel, ready, waits for its first request (measured:
            # kernel_info answered 0.13 s after the kernel was up; 5 ms with 10 ms). Set on the context, which
            # is this notebook's own (its kernel manager's), before its sockets are made.
            import zmq

            self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
            super().start_channels(*args, **kwargs)

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            give_up = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=READY_POLL)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=READY_POLL)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > give_up:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=DRAIN_QUIET)
                except Empty:
                    break

    return QuickKernelClient


#: The papermill engine the build runs notebooks with (nbclient's, writing the notebook less often).
ENGINE = "nato-russia"


def _register_engine() -> str:
    """Register papermill's nbclient engine with a manager that writes the notebook at its ends only.

    papermill writes the whole executed notebook, validated, at the start and at the end of every cell:
    52 writes for the brief, 0.5 s of its 4.5 s, each longer as the outputs grow. Here it is written when
    the run starts and when it ends, for whatever reason (papermill's engine ends in a finally: a failing
    cell, a timeout, a dead kernel or SIGTERM all write the notebook as far as it got), and by papermill's
    autosave during a cell that runs longer than 30 s; not around every cell.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class WrittenAtItsEnds(NotebookExecutionManager):
        _between = False

        def save(self, **kwargs):
            if not self._between:
                super().save(**kwargs)

        def cell_start(self, cell, cell_index=None, **kwargs):
            self._between = True
            try:
                super().cell_start(cell, cell_index, **kwargs)
            finally:
                self._between = False

        def cell_complete(self, cell, cell_index=None, **kwargs):
            self._between = True
            try:
                super().cell_complete(cell, cell_index, **kwargs)
            finally:
                self._between = False

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False, autosave_cell_every=30, **kw
        ):
            # papermill's Engine.execute_notebook, with the manager above.
            nb_man = WrittenAtItsEnds(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kw)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE, Engine)
    return ENGINE


def execute_notebook(notebook: Path, output: Path, parameters: dict, settings: dict):
    """Run `notebook` with `parameters`; write the executed copy to `output` and return it.

    Raises ExecutionFailed (with `output` kept) on any failure of the run itself.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    kernel_environment()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nb-cwd-") as cwd:
        try:
            with deadline(settings.get("notebook_timeout"), notebook.name):
                nb = papermill.execute_notebook(
                    str(notebook),
                    str(output),
                    parameters=parameters,
                    kernel_name=settings["kernel"],
                    cwd=cwd,
                    progress_bar=False,
                    log_output=False,
                    start_timeout=settings["start_timeout"],
                    execution_timeout=settings["cell_timeout"],
                    request_save_on_cell_execute=True,
                    engine_name=_register_engine(),
                    kernel_manager_class=_quiet_kernel_manager(),
                    # Kill the kernel when done or stopped, never ask it to shut down: a shutdown request
                    # to a busy kernel (SIGTERM, a timeout) races its reply and prints a ZMQ traceback.
                    shutdown_kernel="immediate",
                )
        except (PapermillExecutionError, NotebookTimeout) as exc:
            raise ExecutionFailed(output, summarize(exc, notebook.name)) from exc
        except Exception as exc:  # dead kernel, cell timeout, kernel that won't start, ...
            raise ExecutionFailed(output, summarize(exc, notebook.name)) from exc
        finally:
            kill_kernels()
    nb.metadata.setdefault("nato_russia", {})["execute_seconds"] = round(time.monotonic() - started, 2)
    return nb
