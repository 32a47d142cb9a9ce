"""One build at a time per reports folder: a file lock on reports/.build.lock (filelock, so any OS).

The operating system releases the lock when the holder dies, however it dies, so a killed build never
leaves a stale lock behind; the pid written in the file is only for the message.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import filelock

LOCK_NAME = ".build.lock"


class LockHeld(RuntimeError):
    """Another build holds the lock."""


class BuildLock:
    """Context manager holding reports/.build.lock exclusively; refuses at once or waits."""

    def __init__(self, reports_dir: Path, wait: bool = False):
        self.path = Path(reports_dir) / LOCK_NAME
        self.wait = wait
        self.lock: filelock.BaseFileLock | None = None

    def holder(self) -> str:
        """The pid recorded by the build that holds the lock ("unknown" if unreadable)."""
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def _write_pid(self, text: str) -> None:
        # For people reading the file; a full disk must not stop the build here.
        with contextlib.suppress(OSError), open(self.path, "r+") as fh:
            fh.truncate(0)
            fh.write(text)

    def acquire(self, on_wait=None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(self.path, mode=0o644)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            if not self.wait:
                raise LockHeld(
                    f"another build is running: {self.path} is held by pid {self.holder()} (use --wait to wait for it)"
                ) from None
            if on_wait:
                on_wait(f"waiting for {self.path}, held by pid {self.holder()}")
            lock.acquire(timeout=-1)
        self.lock = lock
        self._write_pid(f"{os.getpid()}\n")
        self.acquired_at = time.time()

    def release(self) -> None:
        if self.lock is not None:
            # Leave the file (others may be blocked on it) but clear the pid: nobody holds it now.
            self._write_pid("")
            self.lock.release()
            self.lock = None

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()
