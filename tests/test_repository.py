"""The repository keeps its promises: the README names only real targets and files, pins are exact."""

import re
import subprocess
import sys

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


def test_direct_requirements_are_pinned_exactly():
    lines = [
        line.split("#", 1)[0].strip()
        for line in (paths.ROOT / "requirements.in").read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    ]
    assert lines
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.\-]*", line) for line in lines), lines


def test_lock_matches_the_direct_requirements_and_every_package_has_a_hash():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lock", paths.ROOT / "tools" / "lock.py")
    lock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lock)
    assert lock.check() is None
    locked = lock.locked((paths.ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert len(locked) > 100 and all(hashed for _, hashed, _ in locked.values())
    # The whole tree, so plain pip's hash-checking mode installs it: jupyter-events asks for
    # jsonschema[format-nongpl], which needs rfc3987-syntax.
    assert "rfc3987-syntax" in locked and "lark" in locked


def test_the_build_imports_jsonschema_without_building_the_iri_grammar():
    """rfc3987-syntax builds its parser when imported (seconds); the build's processes load it only to use it."""
    script = (
        "import sys, nato_russia.publishing, nbformat, jsonschema; "
        "print('lark' in sys.modules); "
        "checker = jsonschema.FormatChecker(); "
        "print(checker.conforms('https://example.org/ä', 'iri'), checker.conforms('not an iri', 'iri'))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "False"]


def test_a_lock_that_does_not_match_names_the_file_to_recompile(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("lock", paths.ROOT / "tools" / "lock.py")
    lock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lock)
    source = tmp_path / "requirements.in"
    source.write_text(
        (paths.ROOT / "requirements.in").read_text(encoding="utf-8").replace("pandas==", "pandas==0.") + "tomli==2.0\n",
        encoding="utf-8",
    )
    message = lock.check(source, paths.ROOT / "requirements.txt")
    assert message.endswith("recompile requirements.txt with `make lock`.")
    assert message.count(".") >= 1 and "\n" not in message
    assert "pandas" in message and "tomli is not in it" in message


def test_pre_commit_runs_what_ci_would_reject():
    import yaml

    config = yaml.safe_load((paths.ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "notebooks-without-outputs", "check-yaml", "check-json"} <= set(hooks)
    notebooks = sorted(str(p) for p in (paths.ROOT / "notebooks").glob("*.ipynb"))
    checked = subprocess.run(
        [sys.executable, str(paths.ROOT / "tools" / "check_notebooks.py"), *notebooks], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    assert ".venv/bin/pre-commit install" in README
