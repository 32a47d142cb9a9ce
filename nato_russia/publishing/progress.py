"""Build progress: a live table of the variants at a terminal (rich), plain timestamped lines otherwise.

cron and CI capture stdout to a file, where cursor movement would be noise, so the live
display is used only when stdout is a TTY. Notebook chatter (print output, warnings) goes to
stderr in plain mode, and above the live table at a terminal.
"""

from __future__ import annotations

import sys
import time

MARKS = {"ok": "✓", "failed": "✗", "skipped": "·", "interrupted": "!"}


class Progress:
    """Tracks each variant's state and shows it in the mode that suits stdout."""

    def __init__(self, names: list[str], live: bool | None = None, out=None, err=None):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.live = self.out.isatty() if live is None else live
        self.names = list(names)
        self.state = {n: "queued" for n in names}
        self.started: dict[str, float] = {}  # when each variant left the queue
        self._display = None  # the rich Live block, made on first use
        self._closed = False  # after close(), lines are plain again (the summary under the final table)

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
            return
        if detail:
            self._line(f"{name}: {state} — {detail}")
        self.tick()

    def tick(self) -> None:
        """Redraw the live table (a no-op when not at a terminal)."""
        if self.live and not self._closed:
            self._live().update(self._table(), refresh=True)

    def close(self) -> None:
        self._closed = True
        if self._display is not None:
            self._display.update(self._table())
            self._display.stop()
            self._display = None

    # -- internals ---------------------------------------------------------------------
    def _line(self, text: str, stream=None) -> None:
        if self.live and not self._closed:
            # Printed through the live display, the line lands above the table instead of through it.
            self._live().console.print(text, markup=False, highlight=False, soft_wrap=True)
            return
        stream = stream or self.out
        stream.write(text + "\n")
        stream.flush()

    def _live(self):
        if self._display is None:
            from rich.console import Console
            from rich.live import Live

            self._display = Live(self._table(), console=Console(file=self.out), auto_refresh=False)
            self._display.start()
        return self._display

    def _table(self):
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        now = time.monotonic()
        for name in self.names:
            state = self.state[name]
            done = state in MARKS
            clock = "" if done or name not in self.started else f"{now - self.started[name]:5.1f}s"
            table.add_row(MARKS.get(state, "…"), name, state, clock)
        return table
