"""The repository keeps its promises: the README names only real targets and files, pins are exact."""

import re
import subprocess

from nato_russia import paths

README = (paths.ROOT / "README.md").read_text(encoding="utf-8")


def _make_targets() -> set[str]:
    listing = subprocess.run(["make", "-s", "help"], cwd=paths.ROOT, capture_output=True, text=True, check=True)
    return set(re.findall(r"make (\S+)", listing.stdout))


def test_every_make_command_in_the_readme_exists():
    named = set(re.findall(r"`make ([a-z-]+)", README))
    assert {"reports", "test", "lab", "help"} <= named
    assert named <= _make_targets()


def test_every_path_the_readme_names_exists():
    named = set(
        re.findall(r"`((?:data|notebooks|nato_russia|tests|benchmarks|reports|figures|\.ci|\.github)/[^`\s]*)`", README)
    )
    assert named, "the README names no project path"
    # reports/ and figures/ hold what the build generates, so only their folders must exist.
    generated = ("reports/", "figures/")
    missing = [
        path
        for path in named
        if "<" not in path and not path.startswith(generated) and not (paths.ROOT / path.rstrip("/")).exists()
    ]
    assert not missing


def test_ci_runs_the_readme_test_command():
    script = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", script, re.MULTILINE)
    assert "make test" in README


def test_requirements_are_pinned_exactly():
    lines = [
        line.strip()
        for line in (paths.ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.\-]*", line) for line in lines), lines
