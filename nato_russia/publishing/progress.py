"""Build progress: a live line per variant at a terminal, plain timestamped lines otherwise.

cron and CI capture stdout to a file, where cursor movement would be noise, so the live
display is used only when stdout is a TTY. Notebook chatter (print output, warnings) goes to
stderr either way.
"""

from __future__ import annotations

import sys
import time


class Progress:
    """Tracks each variant's state and prints it in the mode that suits stdout."""

    def __init__(self, names: list[str], live: bool | None = None, out=None, err=None):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.live = self.out.isatty() if live is None else live
        self.names = list(names)
        self.state = {n: "queued" for n in names}
        self.started: dict[str, float] = {}  # when each variant left the queue
        self.drawn = 0
        self.width = max((len(n) for n in names), default=0)

    # -- plain lines -------------------------------------------------------------------
    def _line(self, text: str, stream=None) -> None:
        stream = stream or self.out
        if self.live:
            self._erase()
        stream.write(text + "\n")
        stream.flush()
        if self.live:
            self._draw()

    def info(self, text: str) -> None:
        """A message about the build as a whole."""
        self._line(f"[{time.strftime('%H:%M:%S')}] {text}")

    def log(self, name: str, text: str) -> None:
        """Notebook output that is not part of the report (stdout/stderr streams, warnings)."""
        self._line(f"  {name}: {text}", self.err)

    def update(self, name: str, state: str, detail: str = "") -> None:
        """Move variant `name` to `state` (queued, executing …, ok, failed, skipped)."""
        self.state[name] = state
        self.started.setdefault(name, time.monotonic())
        if not self.live:
            self.info(f"{name}: {state}{(' — ' + detail) if detail else ''}")
        else:
            if detail:
                self._line(f"{name}: {state} — {detail}")
            self.tick()

    # -- live block --------------------------------------------------------------------
    def _erase(self) -> None:
        if self.drawn:
            self.out.write(f"\x1b[{self.drawn}F\x1b[J")
            self.drawn = 0

    def _draw(self) -> None:
        now = time.monotonic()
        lines = []
        for n in self.names:
            state = self.state[n]
            done = state in ("ok", "failed", "skipped", "interrupted")
            clock = "" if done or n not in self.started else f"  {now - self.started[n]:5.1f}s"
            mark = {"ok": "✓", "failed": "✗", "skipped": "·", "interrupted": "!"}.get(state, "…")
            lines.append(f"{mark} {n:<{self.width}}  {state}{clock}")
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        self.drawn = len(lines)

    def tick(self) -> None:
        """Redraw the live block (a no-op when not at a terminal)."""
        if self.live:
            self._erase()
            self._draw()

    def close(self) -> None:
        self.tick()
