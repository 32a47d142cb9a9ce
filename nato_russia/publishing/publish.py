"""Where outputs go and how they get there without ever leaving a half-written report.

A variant is built in a staging folder beside its published one (reports/.staging-NAME-*)
and swapped into place in one rename when complete; the previous version is removed after.
Failed runs keep their executed notebook under reports/_failed/. The manifest and index are
written to a temporary file and renamed over the old one, so readers see old or new, never half.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

MANIFEST = "manifest.json"
INDEX = "index.html"
FAILED_DIR = "_failed"
STAGING_PREFIX = ".staging-"
OLD_PREFIX = ".old-"
INDEX_TEMPLATE = "index.html.j2"


def now() -> str:
    """UTC timestamp, to the second, as written in manifests and colophons."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def staging_dir(reports_dir: Path, name: str) -> Path:
    """A new empty folder beside reports/NAME to build into (same filesystem, so rename is atomic)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{name}-", dir=reports_dir))


def remove_stale(reports_dir: Path) -> list[Path]:
    """Remove staging and superseded folders a killed build left behind (call with the lock held)."""
    removed = []
    if reports_dir.is_dir():
        for path in reports_dir.iterdir():
            if path.name.startswith((STAGING_PREFIX, OLD_PREFIX)):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


_RENAME_EXCHANGE = 2
_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = _libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def swap_into_place(staging: Path, target: Path) -> None:
    """Publish `staging` as `target`, replacing any previous version, then delete the old one.

    With renameat2 the swap is a single atomic step: reports/NAME always exists and is always
    complete. Without it, the old folder is renamed aside first, leaving a moment with no folder
    but never a partial one.
    """
    if target.exists():
        old = target.with_name(f"{OLD_PREFIX}{target.name}-{os.getpid()}")
        if _exchange(staging, target):
            staging.rename(old)
        else:
            target.rename(old)
            staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)


def keep_failed(reports_dir: Path, notebooks: list[Path]) -> list[Path]:
    """Copy the executed notebooks of a failed run to reports/_failed/ and return their new paths."""
    kept = []
    folder = reports_dir / FAILED_DIR
    for nb in notebooks:
        if nb.exists():
            dest = folder / nb.name
            try:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy2(nb, dest)
            except OSError:
                dest.unlink(missing_ok=True)  # no half-copied notebook (a full disk, say)
                raise
            kept.append(dest)
    return kept


def clear_failed(reports_dir: Path, name: str) -> None:
    """A good build makes the variant's old failure records obsolete."""
    folder = reports_dir / FAILED_DIR
    if folder.is_dir():
        for path in folder.glob(f"{name}.*ipynb"):
            path.unlink(missing_ok=True)
        if not any(folder.iterdir()):
            folder.rmdir()


def write_atomic(path: Path, text: str) -> None:
    """Write text to a temporary file beside `path` and rename it over `path`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; manifest and index are for readers
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(reports_dir: Path) -> dict:
    """The manifest of the last build, or an empty one."""
    try:
        doc = json.loads((reports_dir / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("variants"), dict):
            return doc
    except (OSError, ValueError):
        pass
    return {"variants": {}}


def write_manifest(reports_dir: Path, manifest: dict) -> None:
    """Write reports/manifest.json atomically."""
    write_atomic(reports_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def outputs_present(reports_dir: Path, record: dict) -> bool:
    """True if every file the last good build published is still there."""
    files = record.get("files") or []
    return bool(files) and all((reports_dir / f).is_file() for f in files)


def link_tree(source: Path, target: Path) -> None:
    """Recreate `source` under `target` with hard links (no new space); copies where links fail."""
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, dest)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise
                shutil.copy2(path, dest)


def carry_editions(published: Path, staging: Path, keep: int | None) -> list[str]:
    """Bring the variant's other editions into `staging` (hard links), keeping the newest `keep` in all.

    The staging folder then holds the whole variant, editions included, and replaces the published
    one in a single atomic swap: earlier editions keep their bytes (the same files, linked), and an
    edition beyond the retention is simply not carried over. Returns the as-of dates kept.
    """
    from nato_russia import editions

    new = editions.edition_dates(staging / editions.EDITIONS_DIR)
    old = [d for d in editions.edition_dates(published / editions.EDITIONS_DIR) if d not in new]
    kept = sorted(set(new) | set(old))
    if keep is not None:
        kept = kept[-keep:]
        kept = sorted(set(kept) | set(new))  # the edition just built is always published
    for as_of in old:
        if as_of in kept:
            link_tree(published / editions.EDITIONS_DIR / as_of, staging / editions.EDITIONS_DIR / as_of)
    return kept
