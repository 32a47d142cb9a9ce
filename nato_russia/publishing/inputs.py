"""What a report is made from: input hashes, the git commit and the versions that ran it.

The input hash decides whether a variant must be rebuilt, so it covers everything that can
change a report: the data files, the variant's notebooks, the package's .py files, the
templates, the variant's reports.yaml entry and effective parameters, the execution
settings and the library versions. It is cheap (a few MB of hashing), so it is computed
on every run rather than trusting file modification times, which cron checkouts reset.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from nato_russia import paths

#: Libraries whose versions are recorded (and hashed: an upgrade may change a chart).
VERSIONED = ("pandas", "matplotlib", "papermill", "nbconvert", "typst")


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    skip = {"__pycache__", ".ipynb_checkpoints"}
    found = []
    for pattern in patterns:
        for path in root.rglob(pattern):
            if path.is_file() and not skip.intersection(path.parts):
                found.append(path)
    return sorted(set(found))


def hash_files(files: list[Path], root: Path, digest=None):
    """Feed (relative name, length, content) of each file to a sha256; names keep moves visible."""
    digest = digest or hashlib.sha256()
    for path in files:
        rel = os.path.relpath(path, root)
        data = path.read_bytes()
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return digest


def data_hash(data_dir: Path) -> str:
    """sha256 over every file in the data folder (what the colophon calls the data hash)."""
    return hash_files(_files(Path(data_dir), ("*",)), Path(data_dir)).hexdigest()


def code_hash() -> str:
    """sha256 over the package's .py files and the templates (shared by every variant)."""
    files = _files(paths.PACKAGE_DIR, ("*.py",)) + _files(paths.TEMPLATES_DIR, ("*",))
    return hash_files(sorted(set(files)), paths.ROOT).hexdigest()


def versions() -> dict[str, str]:
    """Python and library versions, as recorded in the manifest and colophon."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def input_hash(
    *,
    notebooks: list[Path],
    entry: dict,
    parameters: dict,
    settings: dict,
    data_digest: str,
    code_digest: str,
    engine: str,
    versions: dict,
) -> str:
    """The one hash that says whether a variant's last good build is still current."""
    digest = hashlib.sha256()
    for nb in notebooks:
        digest.update(nb.name.encode() + b"\0")
        digest.update(nb.read_bytes())
    record = {
        "entry": entry,
        "parameters": parameters,
        "settings": settings,
        "data": data_digest,
        "code": code_digest,
        "engine": engine,
        "versions": versions,
    }
    digest.update(json.dumps(record, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def git_commit(root: Path = paths.ROOT) -> str:
    """The checked-out commit, read from .git without running git; "unknown" outside a repository.

    CI checkouts may be detached or shallow, so a loose ref, packed-refs and GITHUB_SHA are all tried.
    """
    git = root / ".git"
    try:
        if git.is_file():  # a worktree or submodule: "gitdir: <path>"
            git = (root / git.read_text().split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(":", 1)[1].strip()
        # A linked worktree keeps its HEAD in its own folder and the branches in the repository's ("commondir").
        folders = [git]
        if (git / "commondir").is_file():
            folders.append((git / (git / "commondir").read_text().strip()).resolve())
        for folder in folders:
            loose = folder / ref
            if loose.is_file():
                return loose.read_text().strip()
        for folder in folders:
            packed = folder / "packed-refs"
            if packed.is_file():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return line.split()[0]
    except (OSError, IndexError):
        pass
    return os.environ.get("GITHUB_SHA", "unknown")


def source_date(as_of: str = "", root: Path = paths.ROOT) -> str:
    """The date written inside the reports (PDF and HTML metadata, attachments), as UTC "YYYY-MM-DDTHH:MM:SSZ".

    The SOURCE_DATE_EPOCH convention (reproducible-builds.org): a date that comes from the inputs, never
    from the clock, so the same inputs give the same bytes. $SOURCE_DATE_EPOCH if set, else the time of the
    checked-out commit, else the as-of date at midnight. The wall-clock build time is kept in manifest.json.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        try:
            epoch = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    else:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(), dt.UTC)
        except ValueError:
            moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
