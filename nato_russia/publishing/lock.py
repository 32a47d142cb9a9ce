"""One build at a time per reports folder: an flock on reports/.build.lock.

flock is released by the kernel when the holder dies, however it dies, so a killed build
never leaves a stale lock behind; the pid written in the file is only for the message.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

LOCK_NAME = ".build.lock"


class LockHeld(RuntimeError):
    """Another build holds the lock."""


class BuildLock:
    """Context manager holding reports/.build.lock exclusively; refuses at once or waits."""

    def __init__(self, reports_dir: Path, wait: bool = False):
        self.path = Path(reports_dir) / LOCK_NAME
        self.wait = wait
        self.fd: int | None = None

    def holder(self) -> str:
        """The pid recorded by the build that holds the lock ("unknown" if unreadable)."""
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def acquire(self, on_wait=None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self.wait:
                os.close(fd)
                raise LockHeld(
                    f"another build is running: {self.path} is held by pid {self.holder()} (use --wait to wait for it)"
                ) from None
            if on_wait:
                on_wait(f"waiting for {self.path}, held by pid {self.holder()}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:  # the pid is for people reading the file; a full disk must not stop the build here
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        self.fd = fd
        self.acquired_at = time.time()

    def release(self) -> None:
        if self.fd is not None:
            # Leave the file (others may be blocked on it) but clear the pid: nobody holds it now.
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
