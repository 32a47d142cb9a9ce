"""Kernels forked from a process that has already imported what the notebooks import (Linux only).

Every kernel used to start as `python -m ipykernel_launcher` and import IPython, ipykernel,
pandas, matplotlib and the package again: about two CPU seconds per notebook on a machine
whose two cores are the bottleneck. Here one fork server per build process imports all that
once; each kernel is a fork of it, so every notebook still runs in a fresh process of its
own, one that no notebook has run in before, and none sees another's state. What kernels do
share is the server's: its imported modules and the seed of str hashing (numpy's global random
state is seeded afresh in each kernel, as Python's own is).

    build process ── start_fork_server() ── fork server  (python -m nato_russia.publishing.kernels
       │                                        │          serve-ipykernels NAME; pandas, ipykernel… imported)
       └─ worker ── ForkedProvisioner ─lease─→  ├─ kernel (forked; own session; IPKernelApp)
                                                └─ kernel …

A worker's kernel manager asks for a kernel over a Unix socket (abstract name, same user only)
and holds that connection, the lease, as long as the kernel lives. The server sends the
kernel's pid, and later its exit status; it keeps the exited kernel unreaped (so its pid is
not reused while the worker may still signal it) until the lease closes. A lease that closes,
for whatever reason (done, killed worker), kills the kernel's process group. The server dies
with the build process (parent-death signal), and kernels with the server.

Kernels stay findable as before: their command line names ipykernel (the server's does), and
their environment as /proc shows it carries JPY_PARENT_PID, the build process (the server's
environment at exec; a fork cannot change it).

Anywhere else (macOS, Windows, another kernel) jupyter_client starts the kernel as before.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import importlib.util
import json
import os
import select
import signal
import socket
import subprocess
import sys
import traceback
import uuid
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

from nato_russia.publishing import exiting

#: Names the fork server's socket for the workers (forked or spawned) of the build that started it.
SERVER_VARIABLE = "NATO_RUSSIA_KERNEL_SERVER"

#: The fork server's: the data folder the build checked, which its kernels will load (see _keep_data).
DATA_VARIABLE = "NATO_RUSSIA_KERNEL_DATA"

#: What the notebooks import: loaded once in the fork server. Matplotlib first, with its backend set.
PRELOADED = (
    "matplotlib",
    "matplotlib.pyplot",
    "pandas",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    # Every kernel's start imports it (IPKernelApp.init_kernel): debugpy's vendored pydevd, which is
    # compiled from source on each import (it keeps no bytecode), about 0.45 s of each kernel's start.
    "ipykernel.debugger",
    "nato_russia.analysis",
    "nato_russia.charts",
    "nato_russia.narrative",
    "nato_russia.report",
    "nato_russia.volume",  # the analysis' six notebooks import it: 0.045 s each
)

#: Seconds the server gets to kill its kernels and exit when the build is done.
STOP_GRACE = 5.0

#: Seconds a worker waits for its kernel's pid: the server may still be importing, on a busy machine.
REQUEST_TIMEOUT = 60.0

_PR_SET_PDEATHSIG = 1
_server: subprocess.Popen | None = None
_server_code: dict[str, int] = {}  # the package's source files and their mtimes when the server started
_leases: set[ForkedKernel] = set()
#: Requests sent whose reply (the kernel's pid) has not been read yet.
_pending: set[socket.socket] = set()
#: Seconds a stopped worker waits for the reply to a request it sent before it was stopped.
PENDING_REPLY_TIMEOUT = 2.0
#: Seconds a worker waits, after SIGKILL to its kernel, for the server to report the exit (it takes a few ms).
KILL_REPORT_TIMEOUT = 1.0
_stop_registered = False  # atexit stops the server of the process that started it


def supported() -> bool:
    """Fork servers run on Linux only: macOS forks badly with its system frameworks, Windows not at all."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "AF_UNIX")


def _package_code() -> dict[str, int]:
    root = Path(__file__).resolve().parents[1]
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*.py")}


# ---------------------------------------------------------------------------- the build's side


def start_fork_server(data_dir: Path | None = None) -> None:
    """Start this process's fork server (or keep the one running) and name it to the workers to come.

    Called by the build process before it starts workers; it returns at once, and the server imports
    while the build goes on. A process that builds several times (the tests) keeps one server, and
    starts a new one if the package's code changed since. `data_dir`, the folder the build gives its
    notebooks (the project's data/ if None), is loaded by the server before its first kernel (_keep_data).
    """
    global _server, _stop_registered
    if not supported():
        return
    if _server is not None and _server.poll() is None and _server_code == _package_code():
        return
    stop_fork_server()
    from nato_russia.publishing.execute import kernel_environment

    name = f"nato-russia-kernels-{os.getpid()}-{uuid.uuid4().hex}"
    env = dict(os.environ)
    kernel_environment(env)
    env["JPY_PARENT_PID"] = str(os.getpid())  # kernels forked from it show this in /proc/<pid>/environ
    env.pop(SERVER_VARIABLE, None)
    env.pop(DATA_VARIABLE, None)
    if data_dir is not None:
        env[DATA_VARIABLE] = str(data_dir)
    _server_code.clear()
    _server_code.update(_package_code())
    _server = subprocess.Popen(
        [sys.executable, "-m", __name__, "serve-ipykernels", name],
        env=env,
        cwd="/",  # not the project: matplotlib reads a matplotlibrc in the working directory
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C at the terminal goes to the build, which stops the server itself
    )
    os.environ[SERVER_VARIABLE] = name
    if not _stop_registered:
        atexit.register(_stop_at_exit, os.getpid())
        _stop_registered = True


def _stop_at_exit(owner: int) -> None:
    if os.getpid() == owner:  # forked workers leave by os._exit, but be sure
        stop_fork_server()


def stop_fork_server() -> None:
    """Stop this process's fork server: it kills its kernels, then exits; SIGKILL if it takes too long."""
    global _server
    server, _server = _server, None
    if os.environ.get(SERVER_VARIABLE, "").startswith(f"nato-russia-kernels-{os.getpid()}-"):
        del os.environ[SERVER_VARIABLE]
    if server is None:
        return
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------------------- the worker's side


class ForkedKernel:
    """A kernel the fork server started, with the methods of subprocess.Popen that jupyter_client uses.

    The kernel is not this process's child: its exit status comes over the lease, and its pid stays
    reserved (unreaped by the server) until release(), so signalling it never hits another process.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, lease: socket.socket):
        self.pid = pid
        self.returncode: int | None = None
        self._lease: socket.socket | None = lease
        _leases.add(self)

    def _read_exit(self, timeout: float | None) -> None:
        if self.returncode is not None or self._lease is None:
            return
        ready, _, _ = select.select([self._lease], [], [], timeout)
        if not ready:
            return
        try:
            message = self._lease.recv(4096)
        except OSError:
            message = b""
        # No message: the server is gone, and its kernels with it (their parent-death signal).
        self.returncode = json.loads(message)["exit"] if message else -signal.SIGKILL

    def poll(self) -> int | None:
        self._read_exit(0)
        return self.returncode

    def poll_for_exit(self, timeout: float) -> int | None:
        """The exit status if the server reports one within `timeout` seconds, else None (still running)."""
        self._read_exit(timeout)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self._read_exit(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        self.release()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self._lease is not None:  # exited or not, the pid is still this kernel's
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def release(self) -> None:
        """Give the kernel up: the server kills what is left of its process group and reaps it."""
        lease, self._lease = self._lease, None
        _leases.discard(self)
        if lease is not None:
            lease.close()
            if self.returncode is None:  # the server kills it now
                self.returncode = -signal.SIGKILL


def request_kernel(cmd: list[str], env: dict, cwd: str | None, timeout: float) -> ForkedKernel | None:
    """Ask this build's fork server for a kernel running `cmd`; None if there is none or it can't.

    `cmd` must be `<this python> -m ipykernel_launcher …`, what the python3 kernelspec runs.
    """
    name = os.environ.get(SERVER_VARIABLE)
    if not name or not supported() or cmd[1:3] != ["-m", "ipykernel_launcher"] or cmd[0] != sys.executable:
        return None
    env = {k: v for k, v in env.items() if k != SERVER_VARIABLE}
    env["JPY_PARENT_PID"] = str(os.getpid())  # what jupyter_client's launcher sets: this process's kernel
    request = {"executable": cmd[0], "argv": cmd[3:], "cwd": cwd or os.getcwd(), "env": env}
    lease = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    _pending.add(lease)  # until the pid is read: a worker stopped meanwhile still kills that kernel
    try:
        lease.settimeout(timeout)
        lease.connect("\0" + name)
        # The kernel writes where a kernel started by Popen would: this process's stdout and stderr.
        fds = _standard_fds()
        try:
            socket.send_fds(lease, [json.dumps(request).encode()], fds)
        finally:
            for fd in fds:
                if fd not in (1, 2):
                    os.close(fd)
        reply = lease.recv(4096)
        pid = json.loads(reply)["pid"] if reply else None
    except (OSError, ValueError, KeyError):
        pid = None
    _pending.discard(lease)
    if pid is None:
        lease.close()
        return None
    lease.settimeout(None)
    return ForkedKernel(pid, lease)


def _standard_fds() -> list[int]:
    fds = []
    for fd in (1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:  # closed: the kernel writes to /dev/null instead
            fds.append(os.open(os.devnull, os.O_WRONLY))
    return fds


def kill_forked_kernels() -> None:
    """Kill every kernel this process leased, with its process group, and give it up.

    A request a signal interrupted before the server's reply is still pending: its reply (the kernel's pid,
    if the server forked one) is awaited briefly and that kernel killed too, so that no kernel outlives its
    worker's clean-up (its working folder removed under it, it would print tracebacks into the build's output).
    """
    for lease in list(_pending):
        _pending.discard(lease)
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            lease.settimeout(PENDING_REPLY_TIMEOUT)
            reply = lease.recv(4096)
            pid = json.loads(reply)["pid"] if reply else None
            if pid and hasattr(os, "killpg"):
                os.killpg(int(pid), signal.SIGKILL)
        lease.close()  # and the server kills the kernel's group itself when it sees the lease close
    for kernel in list(_leases):
        if hasattr(os, "killpg"):
            with contextlib.suppress(OSError):
                os.killpg(kernel.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            kernel.wait(timeout=5)
        kernel.release()


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, except that the kernel comes from the fork server when it can.

    Polling, signals, kill and clean-up are LocalProvisioner's own, on a ForkedKernel instead of a Popen;
    the kernel leads its own process group, as a kernel started by jupyter_client does.
    """

    async def launch_kernel(self, cmd: list[str], **kwargs):
        env = kwargs.get("env")
        environment = dict(os.environ if env is None else env)
        kernel = request_kernel(cmd, environment, kwargs.get("cwd"), timeout=REQUEST_TIMEOUT)
        if kernel is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = kernel
        self.pid = self.pgid = kernel.pid
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        """SIGKILL the kernel's group, then wait (briefly) for the server's word that it exited.

        jupyter_client polls for the exit right after the kill and, finding the kernel alive (the server
        has not reported it yet), sleeps 0.1 s before it looks again: 0.1 s idle at the end of every
        notebook. The report comes over the lease a few milliseconds after the signal.
        """
        await super().kill(restart=restart)
        if isinstance(self.process, ForkedKernel):
            self.process.poll_for_exit(KILL_REPORT_TIMEOUT)


# ---------------------------------------------------------------------------- the server


def _set_parent_death_signal(signum: int) -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signum)


def serve(name: str) -> None:
    """The fork server's main loop: import, then fork a kernel for each request until told to stop."""
    parent = int(os.environ["JPY_PARENT_PID"])
    _set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the build died before prctl took effect
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wakeup_read, wakeup_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake select() through the pipe
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind("\0" + name)  # bound before the imports: requests wait in the backlog meanwhile
    listener.listen(64)
    # As `python -m ipykernel_launcher` does: no working directory on sys.path while importing.
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    # pydevd warns on import that the interpreter uses frozen modules (a warning about breakpoints): in a
    # kernel that lands in its output stream and is flushed unread, here it would land in the build's log.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for module in PRELOADED:
        with contextlib.suppress(Exception):  # the notebook that imports it will say what is wrong
            __import__(module)

    kernels: dict[socket.socket, int] = {}  # lease -> kernel pid
    exited: set[int] = set()  # kernels whose exit status was sent, not yet reaped
    data_kept = DATA_VARIABLE not in os.environ
    while not stopping:
        try:
            # Until the data are kept, look every DATA_POLL seconds whether the build has validated them.
            ready, _, _ = select.select([wakeup_read, listener, *kernels], [], [], None if data_kept else DATA_POLL)
        except InterruptedError:
            continue
        if not data_kept and not ready and _data_validated():
            _keep_data()
            data_kept = True
        if wakeup_read in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wakeup_read, 512)
            _report_exits(kernels, exited)
        if listener in ready:
            if not data_kept:  # the first request comes once the build has checked the data: keep them now
                _keep_data()
                data_kept = True
            _accept(listener, kernels, server_pipe=[wakeup_read, wakeup_write])
        for lease in [s for s in ready if isinstance(s, socket.socket) and s in kernels]:
            with contextlib.suppress(OSError):
                if lease.recv(4096):
                    continue  # a client says nothing after its request; ignore chatter
            _end_lease(lease, kernels, exited)
    for lease in list(kernels):
        _end_lease(lease, kernels, exited)


#: Seconds between the server's looks, before its first kernel, at whether the build has validated the data.
DATA_POLL = 0.05


def _data_validated() -> bool:
    """True once the build's data are recorded as validated in .cache/ (then loading them runs no Frictionless)."""
    with contextlib.suppress(Exception):
        from nato_russia import data

        return data.validated(os.environ.get(DATA_VARIABLE) or None)
    return False


def _keep_data() -> None:
    """Load the build's data here, once, so every kernel forked after starts with it loaded.

    Each notebook's first cell loads the dataset (read, typed, checked: about 0.15 s of CPU in each of the
    nine notebooks); with it kept here (data.keep_loaded) a kernel's load_dataset checks the files are the
    same bytes and copies the frames (about 0.02 s). Done as soon as the build has validated the data and
    recorded that in .cache/ (so this load runs no Frictionless of its own), while the build finishes its
    check and starts its workers; at the latest at the first request, which comes once the build's check
    has passed. Any failure keeps nothing: the kernels then load as they always did, and report what is wrong.
    """
    if DATA_VARIABLE not in os.environ:
        return
    with contextlib.suppress(Exception):
        from nato_russia import data

        data.keep_loaded(os.environ.get(DATA_VARIABLE) or None)


def _accept(listener: socket.socket, kernels: dict, server_pipe: list[int]) -> None:
    """Read one request, from this user only, and fork its kernel; the connection becomes its lease."""
    lease, _ = listener.accept()
    lease.settimeout(5.0)  # a client sends its request as it connects; a silent one must not hold the server
    fds: list[int] = []
    try:
        creds = lease.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        if int.from_bytes(creds[4:8], sys.byteorder) != os.getuid():  # struct ucred: pid, uid, gid
            raise PermissionError("another user asked for a kernel")
        data, fds, _, _ = socket.recv_fds(lease, 1 << 20, 2)
        request = json.loads(data)
        if request["executable"] != sys.executable or len(fds) != 2:
            raise ValueError("a kernel this server cannot start")
        server = os.getpid()
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, fds, server, [lease, listener, *kernels], server_pipe)
    except (OSError, ValueError, KeyError):
        with contextlib.suppress(OSError):
            lease.send(json.dumps({"error": traceback.format_exc(limit=1)}).encode())
        lease.close()
        return
    finally:
        for fd in fds:
            os.close(fd)
    lease.settimeout(None)
    kernels[lease] = pid  # from now on a lease that closes, even before it hears the pid, kills the kernel
    with contextlib.suppress(OSError):
        lease.send(json.dumps({"pid": pid}).encode())


def _report_exits(kernels: dict, exited: set[int]) -> None:
    """Send each newly exited kernel's status to its lease, leaving it unreaped (WNOWAIT)."""
    for lease, pid in kernels.items():
        if pid in exited:
            continue
        try:
            info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            info = None
        if info is None:
            continue
        status = info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
        exited.add(pid)
        with contextlib.suppress(OSError):
            lease.send(json.dumps({"exit": status}).encode())


def _end_lease(lease: socket.socket, kernels: dict, exited: set[int]) -> None:
    """The client gave the kernel up (or died): kill its process group and reap it."""
    pid = kernels.pop(lease)
    lease.close()
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    exited.discard(pid)


def _become_kernel(
    request: dict, fds: list[int], server: int, server_sockets: list[socket.socket], server_pipe: list[int]
) -> None:
    """In the forked child: turn into a fresh IPython kernel as `python -m ipykernel_launcher` would. Never returns.

    `fds` are the worker's stdout and stderr; the server's sockets and pipe are closed here.
    """
    code = 1
    try:
        os.setsid()  # its own process group, which jupyter_client signals, and no terminal's Ctrl-C
        _set_parent_death_signal(signal.SIGKILL)
        if os.getppid() != server:  # the server died before prctl took effect
            os._exit(1)
        # The signal handlers of a fresh interpreter, not the server's.
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sock in server_sockets:  # detached first, so nothing can close a number the kernel reuses
            with contextlib.suppress(OSError):
                os.close(sock.detach())
        for fd in server_pipe:
            with contextlib.suppress(OSError):
                os.close(fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in {devnull, *fds} - {0, 1, 2}:
            os.close(fd)
        try:
            os.chdir(request["cwd"])
        except FileNotFoundError:  # its notebook's folder is gone: the worker that asked was stopped meanwhile
            os._exit(1)
        os.environ.clear()
        os.environ.update(request["env"])
        _follow_environment(request["env"])
        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the kernel's stderr is the worker's log
        traceback.print_exc()
    finally:
        exiting.leave(code)  # atexit runs what the interpreter would run at exit (IPython's history, logging)


def _follow_environment(env: dict) -> None:
    """What a fresh interpreter would have taken from the kernel's environment, applied after the fact."""
    for entry in reversed([p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    # The same numbers in every kernel would be a state all notebooks share: seed afresh, as a new process does.
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "matplotlib" in sys.modules:  # imported with the server's MPLBACKEND; the kernel's may differ
        import matplotlib

        backend = env.get("MPLBACKEND") or "module://matplotlib_inline.backend_inline"
        if backend.lower() != str(matplotlib.rcParams._get_backend_or_none() or "").lower():
            matplotlib.rcParams["backend"] = backend


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve-ipykernels"] and len(sys.argv) == 3:
        serve(sys.argv[2])
        # The server writes nothing and its kernels are ended: leave without tearing down the modules it
        # preloaded (pandas, matplotlib, IPython), which kept the build waiting 0.27 s at its end.
        exiting.leave(0)
    else:
        sys.exit("usage: python -m nato_russia.publishing.kernels serve-ipykernels NAME")
