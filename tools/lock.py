"""The lock (requirements.txt) and its source (requirements.in), for the Makefile; standard library only.

  python3 tools/lock.py check           exit 1, with one sentence, if the lock does not match requirements.in
  python3 tools/lock.py entry NAME      print NAME's pinned line with its hashes (to bootstrap uv with pip)
  python3 tools/lock.py uv-args         print the index options that make uv read the indexes pip reads

It runs before the virtual environment exists, so it may import nothing outside the standard library.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE, LOCK = ROOT / "requirements.in", ROOT / "requirements.txt"

_REQ = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:==\s*([^\s;#]+))?")


def normalize(name: str) -> str:
    """A project name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_requirements(text: str) -> dict[str, str | None]:
    """requirements.in: name -> pinned version (None when unpinned)."""
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = _REQ.match(line)
        if match:
            found[normalize(match.group(1))] = match.group(3)
    return found


def locked(text: str) -> dict[str, tuple[str, bool, bool]]:
    """requirements.txt: name -> (version, has hashes, is required by requirements.in)."""
    found, current = {}, None
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            current = normalize(match.group(1))
            found[current] = [match.group(2), False, False]
        elif current and "--hash=sha256:" in line:
            found[current][1] = True
        elif current and re.search(r"(#\s+via\s+|#\s+)-r requirements\.in\b", line):
            found[current][2] = True
    return {name: tuple(values) for name, values in found.items()}


def check(source: Path = SOURCE, lock: Path = LOCK) -> str | None:
    """None if `lock` was compiled from `source` as it is now, else the sentence that says what to do."""
    if not lock.is_file():
        return f"{lock.name} is missing: compile it from {source.name} with `make lock`."
    wanted = direct_requirements(source.read_text(encoding="utf-8"))
    have = locked(lock.read_text(encoding="utf-8"))
    problems = []
    for name, version in wanted.items():
        if name not in have:
            problems.append(f"{name} is not in it")
        elif version is not None and have[name][0] != version:
            problems.append(f"{name} is {have[name][0]} there, not {version}")
    extra = sorted(n for n, (_, _, direct) in have.items() if direct and n not in wanted)
    problems += [f"{name} is no longer in {source.name}" for name in extra]
    unhashed = sorted(n for n, (_, hashed, _) in have.items() if not hashed)
    problems += [f"{name} has no hash" for name in unhashed]
    if problems:
        return (
            f"{lock.name} does not match {source.name} ({'; '.join(problems[:3])}"
            f"{'; …' if len(problems) > 3 else ''}): recompile {lock.name} with `make lock`."
        )
    return None


def entry(name: str, lock: Path = LOCK) -> str:
    """The lock's lines for one package (its pin and hashes), as a requirements file of its own."""
    lines, inside = [], False
    for line in lock.read_text(encoding="utf-8").splitlines():
        if re.match(r"^[A-Za-z0-9]", line):
            inside = normalize(line.split("==", 1)[0]) == normalize(name)
        if inside and not line.lstrip().startswith("#"):
            lines.append(line)
    return "\n".join(lines) + "\n" if lines else ""


def _pip_config() -> dict[str, str]:
    """pip's configuration (files and PIP_* variables), as `pip config list` shows it; {} without pip."""
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    config = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        config[key.split(".", 1)[-1]] = value.strip().strip("'\"")
    return config


def uv_args() -> list[str]:
    """Options that give uv pip's indexes: uv reads neither pip.conf nor PIP_* variables.

    A UV_* variable the user set wins. With extra indexes uv is told to pick the best version across all of
    them, as pip does (uv's default takes a package from the first index that has it).
    """
    config = _pip_config()

    def setting(name: str) -> str:
        return os.environ.get("PIP_" + name.upper().replace("-", "_")) or config.get(name, "")

    args = []
    if (
        (index := setting("index-url"))
        and not os.environ.get("UV_INDEX_URL")
        and not os.environ.get("UV_DEFAULT_INDEX")
    ):
        args += ["--index-url", index]
    extras = setting("extra-index-url").split()
    if extras and not os.environ.get("UV_EXTRA_INDEX_URL") and not os.environ.get("UV_INDEX"):
        for url in extras:
            args += ["--extra-index-url", url]
    for links in setting("find-links").split():
        args += ["--find-links", links]
    if extras and not os.environ.get("UV_INDEX_STRATEGY"):
        args += ["--index-strategy", "unsafe-best-match"]
    return args


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "check":
        problem = check()
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return 0
    if command == "entry" and len(argv) == 2:
        text = entry(argv[1])
        sys.stdout.write(text)
        return 0 if text else 1
    if command == "uv-args":
        print(shlex.join(uv_args()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
