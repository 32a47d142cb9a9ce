"""Tests of the report build (nato_russia.publishing).

Fast tests check parameter validation and the HTML post-processing without a kernel. Tests
marked e2e run real builds of small fixture notebooks (tests/build_fixtures/) into a temporary
reports folder: publishing, skipping, rebuilding, failures, the lock and interruption. One
builds a real variant from notebooks/ when those notebooks exist.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import edit_cell

from nato_russia import paths
from nato_russia.publishing import render
from nato_russia.publishing.__main__ import main
from nato_russia.publishing.lock import BuildLock
from nato_russia.publishing.variants import VariantError, load_variants

FIXTURES = Path(__file__).parent / "build_fixtures"
OK_NB = FIXTURES / "ok.ipynb"
FAIL_NB = FIXTURES / "fail.ipynb"
SLOW_NB = FIXTURES / "slow.ipynb"
VALID = "period_start: str, period_end: str, as_of: str, data_dir: str"


# ---------------------------------------------------------------------------- helpers


def write_variants(path: Path, variants: list[dict], settings: dict | None = None) -> Path:
    doc = {"variants": variants}
    if settings:
        doc["settings"] = settings
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def variant(name: str, notebook: Path = OK_NB, **params) -> dict:
    return {"name": name, "title": f"Fixture report {name}", "notebooks": [str(notebook)], "parameters": params}


def build(variants_file: Path, reports: Path, *extra: str) -> int:
    """Run the build in-process (workers are forked from the test process)."""
    return main(["--variants", str(variants_file), "--reports-dir", str(reports), "--no-live", *extra])


def manifest(reports: Path) -> dict:
    return json.loads((reports / "manifest.json").read_text())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class OutsideRefs(HTMLParser):
    """Collects every resource reference (not hyperlink) that points at a host, and every script."""

    RESOURCE_ATTRS = {
        "script": "src",
        "link": "href",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "video": "src",
        "audio": "src",
        "embed": "src",
        "object": "data",
    }

    def __init__(self):
        super().__init__()
        self.outside: list[str] = []
        self.scripts = 0
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "img":
            self.images.append(attrs)
        value = attrs.get(self.RESOURCE_ATTRS.get(tag, ""), "") or ""
        if value.startswith(("http://", "https://", "//")):
            self.outside.append(f"<{tag}> {value}")


def check_html(text: str, title: str) -> OutsideRefs:
    """Assertions every published report must pass; returns the parsed references."""
    refs = OutsideRefs()
    refs.feed(text)
    assert refs.outside == [], f"report loads from outside hosts: {refs.outside}"
    assert refs.scripts == 0, "report contains <script>"
    assert "url(http" not in text and "@import" not in text
    assert title in text
    for bad in ("Traceback", "In&nbsp;[", "In [", "period_start =", "injected-parameters", 'jp-InputPrompt">In'):
        assert bad not in text, f"report contains {bad!r}"
    assert '<nav class="toc"' in text
    for img in refs.images:
        assert img.get("src", "").startswith("data:image/"), f"image not embedded: {img.get('src', '')[:60]}"
    return refs


def check_pdf(path: Path, *needles: str) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    assert len(reader.pages) >= 1
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    for needle in needles:
        assert needle in " ".join(text.split()), f"{needle!r} not in the PDF text"
    assert "Traceback" not in text and "period_start =" not in text
    assert f"page 1 of {len(reader.pages)}" in text
    assert pdf_alt_texts(path), "no chart (a figure with its alt text) in the PDF"
    return text


def pdf_alt_texts(path: Path) -> list[str]:
    """The alternative texts in a tagged PDF's structure tree, in document order."""
    from pypdf import PdfReader

    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            kids = kids.get_object()
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(PdfReader(str(path)).trailer["/Root"]["/StructTreeRoot"])
    return found


def kernel_pids_under(root_pid: int) -> set[int]:
    """ipykernel processes descended from `root_pid` (found through /proc parent links)."""
    parents, cmdlines = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
                parents[int(entry)] = int(stat[stat.rfind(b")") + 2 :].split()[1])
                cmdlines[int(entry)] = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
    found = set()
    for pid, cmd in cmdlines.items():
        if b"ipykernel" not in cmd:
            continue
        p = pid
        while p > 1:
            p = parents.get(p, 1)
            if p == root_pid:
                found.add(pid)
                break
    return found


def stray_kernels() -> list[int]:
    """ipykernel processes whose parent (JPY_PARENT_PID) is gone: kernels a build failed to kill."""
    stray = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if b"ipykernel" not in Path(f"/proc/{entry}/cmdline").read_bytes() or not alive(int(entry)):
                continue
            env = dict(v.split(b"=", 1) for v in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0") if b"=" in v)
        except OSError:
            continue
        parent = env.get(b"JPY_PARENT_PID")
        if parent is None or not alive(int(parent)):
            stray.append(int(entry))
    return stray


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


# ------------------------------------------------------------------- validation (no kernel)


def test_unknown_parameter_is_refused_with_the_valid_list(tmp_path):
    f = write_variants(tmp_path / "v.yaml", [variant("x", colour="red")])
    with pytest.raises(VariantError) as err:
        load_variants(f)
    message = str(err.value)
    assert "unknown parameter 'colour'" in message
    assert VALID in message


def test_wrong_type_is_refused(tmp_path):
    f = write_variants(tmp_path / "v.yaml", [variant("x", as_of=2021)])
    with pytest.raises(VariantError, match=r"as_of must be str, got int 2021.*Valid parameters: " + VALID):
        load_variants(f)


@pytest.mark.parametrize("bad", ["2021-13-45", "19.10.2021", "yesterday"])
def test_bad_date_is_refused(tmp_path, bad):
    f = write_variants(tmp_path / "v.yaml", [variant("x", as_of=bad)])
    with pytest.raises(VariantError, match=r"as_of=.* is not a date \(YYYY-MM-DD\)"):
        load_variants(f)


def test_period_start_after_end_is_refused(tmp_path):
    f = write_variants(tmp_path / "v.yaml", [variant("x", period_start="2020-01-01", period_end="2019-01-01")])
    with pytest.raises(VariantError, match="after period_end"):
        load_variants(f)


def test_build_owned_parameter_is_refused(tmp_path):
    f = write_variants(tmp_path / "v.yaml", [variant("x", figures_dir="/tmp")])
    with pytest.raises(VariantError, match="figures_dir is set by the build"):
        load_variants(f)


def test_every_declared_parameter_is_seen(tmp_path):
    """All five parameters count, data_dir included (papermill skips a line whose comment holds a second '=')."""
    variants, _ = load_variants(write_variants(tmp_path / "v.yaml", [variant("x", data_dir="/somewhere")]))
    declared = variants[0].declared
    assert set(declared) == {"period_start", "period_end", "as_of", "data_dir", "figures_dir"}
    assert declared["data_dir"].type_name == "str" and declared["data_dir"].default == ""


def test_declaration_cache_gives_papermills_answer(tmp_path, monkeypatch):
    from nato_russia.publishing import variants as variants_module

    vfile = write_variants(tmp_path / "v.yaml", [variant("x", as_of="2021-10-19")])
    cache = tmp_path / "cache.json"
    fresh, _ = load_variants(vfile, cache_file=cache)
    assert cache.is_file()
    import papermill

    monkeypatch.setattr(papermill, "inspect_notebook", lambda *a, **k: pytest.fail("cache not used"))
    cached, _ = load_variants(vfile, cache_file=cache)
    assert cached[0].declared == fresh[0].declared
    # A changed notebook is inspected again.
    changed = tmp_path / "ok.ipynb"
    changed.write_text(OK_NB.read_text().replace("1991-01-01", "1992-01-01"))
    assert variants_module.DeclarationCache(cache).get(changed) is None


def test_cli_refuses_invalid_variants_before_any_kernel(tmp_path, capsys):
    f = write_variants(tmp_path / "v.yaml", [variant("x", as_of="not-a-date")])
    started = time.monotonic()
    assert build(f, tmp_path / "reports") == 2
    assert time.monotonic() - started < 5
    assert "not a date" in capsys.readouterr().err
    assert not (tmp_path / "reports" / "x").exists()


def test_shipped_variants_file_declares_the_four_reports():
    doc = yaml.safe_load(paths.VARIANTS_FILE.read_text())
    by_name = {v["name"]: v for v in doc["variants"]}
    assert set(by_name) == {"brief", "brief-2021-10-19", "since-2014", "analysis"}
    assert by_name["brief-2021-10-19"]["parameters"] == {"as_of": "2021-10-19", "period_end": "2021-10-19"}
    assert by_name["since-2014"]["parameters"] == {"period_start": "2014-01-01"}
    assert [Path(n).name for n in by_name["analysis"]["notebooks"]] == [
        "00-overview.ipynb",
        "01-staffing.ipynb",
        "02-history.ipynb",
        "03-channels.ipynb",
        "04-aftermath.ipynb",
        "06-assessment.ipynb",
    ]
    assert [Path(n).name for n in by_name["since-2014"]["notebooks"]] == ["07-since-2014.ipynb"]
    if all((paths.ROOT / n).exists() for v in by_name.values() for n in v["notebooks"]):
        load_variants(paths.VARIANTS_FILE)  # the real notebooks accept the shipped parameters


# ----------------------------------------------------------------- rendering (no kernel)


def test_table_of_contents_nests_h3_under_h2():
    body = render.add_heading_ids("<main><h2>One</h2><h3>A &amp; B</h3><h2>Two</h2><h2>One</h2></main>")
    toc = render.table_of_contents(body)
    assert toc.count("<li>") == 4 or toc.count("<li") == 4
    assert '<a href="#one">One</a>' in toc and '<a href="#one-2">One</a>' in toc
    assert "A &amp; B" in toc
    assert toc.index("#a-b") < toc.index("#two")


def test_prepare_hides_parameters_code_and_streams():
    import nbformat

    nb = nbformat.read(OK_NB, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="chatter\n")]
    logged = []
    clean, title = render.prepare(nb, chapter="ok", several=False, log=logged.append)
    assert title == "Fixture report"
    assert not any("parameters" in c.metadata.get("tags", []) for c in clean.cells)
    assert all(c.cell_type == "markdown" or c.outputs for c in clean.cells)
    assert logged == ["ok [stdout] chatter"]
    merged, _ = render.prepare(nb, chapter="ok", several=True, log=logged.append)
    assert merged.cells[0].source.startswith("## Fixture report")


def test_html_export_is_self_contained_even_if_an_output_has_scripts():
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook(
        cells=[
            new_markdown_cell("## Section\n\nText with a [source](https://example.org/a)."),
            new_code_cell(
                "x",
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "text/html": '<script src="https://cdn.example.com/plot.js"></script><p>chart</p>',
                            "text/plain": "chart",
                        },
                    )
                ],
            ),
            new_code_cell("y", outputs=[new_output("display_data", data={"application/javascript": "alert(1)"})]),
        ]
    )
    nbformat.validate(nb)
    stamp = render.Stamp(
        "A title",
        "2021-10-19",
        {"as_of": "2021-10-19"},
        "d" * 64,
        "i" * 64,
        "c" * 40,
        "2026-01-01T00:00:00Z",
        {"python": "3.11"},
    )
    text = render.to_html(nb, stamp)
    refs = OutsideRefs()
    refs.feed(text)
    assert refs.outside == [] and refs.scripts == 0
    assert '<a href="https://example.org/a">' in text and "<p>chart</p>" in text
    assert '<a href="#section">Section</a>' in text  # the contents link to the heading


# ---------------------------------------------------------------------- builds (kernels)


@pytest.mark.e2e
def test_build_publishes_skips_and_rebuilds(tmp_path, fixture_data, monkeypatch):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx", as_of="2021-10-19", period_end="2021-10-19")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0

    out = reports / "fx"
    assert sorted(p.name for p in out.iterdir()) == [
        "citation.bib",
        "citation.json",
        "editions",
        "figures",
        "fx.html",
        "fx.ipynb",
        "fx.pdf",
    ]
    assert (out / "figures" / "fixture-series.png").stat().st_size > 1000
    html_text = (out / "fx.html").read_text()
    refs = check_html(html_text, "Fixture report fx")
    assert refs.images[0]["alt"] == "A line rising to 2014 and falling to zero by 2026."
    assert "<figcaption>Figure 1. Fixture series, 1991–2026.</figcaption>" in html_text
    assert "Key figure: 42 events between 1991-01-01 and 2021-10-19; 2 data files." in html_text
    assert '<a href="https://example.org/source">' in html_text  # narrative links are kept
    assert "stdout chatter" not in html_text and "fixture warning" not in html_text
    assert 'class="dataframe' in html_text
    check_pdf(out / "fx.pdf", "Fixture report fx", "Key figure: 42 events", "As of 19 October 2021", "Colophon")

    record = manifest(reports)["variants"]["fx"]
    assert record["status"] == "ok"
    good = record["published"]
    assert good["parameters"]["as_of"] == "2021-10-19" and good["parameters"]["data_dir"] == str(fixture_data)
    assert set(good["versions"]) == {"python", "pandas", "matplotlib", "papermill", "nbconvert", "typst"}
    assert set(good["timings"]) >= {"execute", "html", "pdf"}
    colophon = html_text[html_text.index('<footer class="colophon">') :]
    assert good["commit"][:12] in colophon and "edition date: 19 October 2021" in colophon and "as_of=" not in colophon
    assert good["data_hash"][:16] in html_text
    index = (reports / "index.html").read_text()
    assert 'href="fx/fx.pdf"' in index and "19 October 2021" in index
    check_index = OutsideRefs()
    check_index.feed(index)
    assert check_index.outside == [] and check_index.scripts == 0
    assert not [p for p in reports.iterdir() if p.name.startswith((".staging-", ".old-"))]

    # Unchanged: skipped without starting a worker, fast, nothing rewritten.
    before = snapshot(out)
    from nato_russia.publishing import runner

    with monkeypatch.context() as patch:
        patch.setattr(runner.Build, "_run_jobs", lambda *a: pytest.fail("an unchanged variant was rebuilt"))
        started = time.monotonic()
        assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
        assert time.monotonic() - started < 15  # ~0.1 s idle; generous for a loaded 2-core CI
    assert manifest(reports)["variants"]["fx"]["status"] == "skipped"
    assert snapshot(out) == before

    # --force rebuilds.
    assert build(vfile, reports, "--data-dir", str(fixture_data), "--force") == 0
    forced = manifest(reports)["variants"]["fx"]
    assert forced["status"] == "ok" and forced["published"]["built_at"] >= good["built_at"]
    # The same inputs give the same bytes: the build's clock time is only in manifest.json.
    rebuilt = snapshot(out)
    same = [f for f in before if f.endswith((".html", ".pdf", ".png", ".svg")) and f != "editions/index.html"]
    assert "fx.pdf" in same and "fx.html" in same and "figures/fixture-series.png" in same
    assert {f: rebuilt[f] for f in same} == {f: before[f] for f in same}

    # A changed data file rebuilds, with a new data hash.
    with (fixture_data / "events.csv").open("a") as fh:
        fh.write("2022,Another row\n")
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    changed = manifest(reports)["variants"]["fx"]
    assert changed["status"] == "ok"
    assert changed["published"]["data_hash"] != good["data_hash"]


@pytest.mark.e2e
def test_failed_variant_keeps_last_good_report(tmp_path, fixture_data):
    reports = tmp_path / "reports"
    vfile = tmp_path / "v.yaml"
    write_variants(vfile, [variant("fx")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    before = snapshot(reports / "fx")
    good = manifest(reports)["variants"]["fx"]["published"]

    # Same variant now runs a notebook that raises; another variant builds alongside it.
    write_variants(vfile, [variant("fx", FAIL_NB), variant("other")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 1
    assert snapshot(reports / "fx") == before
    assert (reports / "other" / "other.pdf").is_file()
    kept = reports / "_failed" / "fx.ipynb"
    assert kept.is_file() and "fixture failure: deliberate" in kept.read_text()
    record = manifest(reports)["variants"]["fx"]
    assert record["status"] == "failed"
    assert record["published"] == good
    assert "ValueError: fixture failure: deliberate" in record["failure"]["error"]
    assert record["failure"]["failed_notebooks"] == ["_failed/fx.ipynb"]
    assert manifest(reports)["variants"]["other"]["status"] == "ok"
    assert not [p for p in reports.iterdir() if p.name.startswith((".staging-", ".old-"))]


@pytest.mark.e2e
@pytest.mark.parametrize("option", ["--cell-timeout", "--notebook-timeout"])
def test_timeout_fails_the_variant_and_kills_its_kernel(tmp_path, fixture_data, option):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("slow", SLOW_NB)])
    started = time.monotonic()
    assert build(vfile, reports, "--data-dir", str(fixture_data), option, "3") == 1
    assert time.monotonic() - started < 30
    record = manifest(reports)["variants"]["slow"]
    assert record["status"] == "failed" and "timeout" in record["failure"]["error"].lower()
    assert not (reports / "slow").exists()
    assert stray_kernels() == []


def test_second_build_refuses_while_the_lock_is_held(tmp_path, capsys):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx")])
    with BuildLock(reports):
        started = time.monotonic()
        assert build(vfile, reports) == 3
        assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert str(reports / ".build.lock") in err and f"pid {os.getpid()}" in err
    assert not (reports / "fx").exists()


@pytest.mark.e2e
def test_sigterm_leaves_nothing_half_built(tmp_path, fixture_data):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("slow", SLOW_NB), variant("fx")])
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nato_russia.publishing",
            "--variants",
            str(vfile),
            "--reports-dir",
            str(reports),
            "--data-dir",
            str(fixture_data),
            "--jobs",
            "2",
        ],
        cwd=paths.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    kernels: set[int] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until the slow notebook's kernel is running
        kernels |= kernel_pids_under(proc.pid)
        staging = [p for p in reports.glob(".staging-slow-*")] if reports.exists() else []
        if kernels and staging:
            break
        time.sleep(0.2)
    assert kernels and staging, "the build never started a kernel"
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 143, output
    assert "stopped by SIGTERM" in output
    assert "Traceback" not in output  # a dying kernel's ZMQ error once landed in cron's mail
    # Checked at once: a kernel left behind would still be alive (its own parent poll takes ~1 s).
    assert [pid for pid in kernels if alive(pid)] == []
    assert stray_kernels() == []
    leftovers = [p.name for p in reports.iterdir() if p.name.startswith((".staging-", ".old-"))]
    assert leftovers == []
    assert not (reports / "slow").exists()
    # fx either finished before the signal (then it is complete) or was never published.
    if (reports / "fx").exists():
        assert (reports / "fx" / "fx.pdf").is_file()
    # The lock is free again.
    with BuildLock(reports):
        pass


@pytest.mark.e2e
@pytest.mark.skipif(
    not (paths.NOTEBOOKS_DIR / "05-brief.ipynb").exists(), reason="notebooks/05-brief.ipynb not written yet"
)
def test_real_brief_variant_builds(tmp_path, data_copy):
    reports = tmp_path / "reports"
    doc = yaml.safe_load(paths.VARIANTS_FILE.read_text())
    brief = next(v for v in doc["variants"] if v["name"] == "brief-2021-10-19")
    brief["notebooks"] = [str(paths.ROOT / n) for n in brief["notebooks"]]
    vfile = write_variants(tmp_path / "v.yaml", [brief], doc.get("settings"))
    assert build(vfile, reports, "--data-dir", str(data_copy)) == 0
    out = reports / brief["name"]
    html_text = (out / f"{brief['name']}.html").read_text()
    check_html(html_text, brief["title"])
    assert "<figure" in html_text and "<figcaption" in html_text
    # Every heading of the contents and every figure caption made it into the PDF.
    import html as html_lib
    import re

    toc = html_text[html_text.index('<nav class="toc"') : html_text.index("</nav>")]
    headings = [html_lib.unescape(t) for t in re.findall(r'<a href="#[^"]+">([^<]+)</a>', toc)]
    body = html_text[html_text.index("<main") :]
    captions = [
        html_lib.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<figcaption>(.*?)</figcaption>", body, re.S)
    ]
    assert headings and captions
    pdf = out / f"{brief['name']}.pdf"
    text = " ".join(check_pdf(pdf, "As of 19 October 2021", "decided to cut the cap to 10").split())
    assert "would suspend the mission from 1 November 2021" in text, "announced, not yet in force"
    assert "Russia suspended the mission" not in text, "as of 19 October 2021 the mission had not yet stopped work"
    # The charts' alt text reaches the PDF's structure tree, as it reaches the HTML.
    alt_texts = [html_lib.unescape(a) for a in re.findall(r'<svg\b[^>]*\baria-label="([^"]*)"', html_text)]
    assert alt_texts and pdf_alt_texts(pdf) == alt_texts

    def squash(s):
        return re.sub(r"[\s\-\u00ad]+", "", s)  # PDF text may hyphenate and wrap

    for needle in headings + [c.split(".")[0][:40] for c in captions]:
        assert squash(needle) in squash(text), f"{needle!r} missing from the PDF"
    assert any((out / "figures").iterdir())
    assert manifest(reports)["variants"][brief["name"]]["published"]["parameters"]["as_of"] == "2021-10-19"


@pytest.mark.e2e
def test_a_pdf_that_fails_the_pdf_ua_or_attachment_check_is_not_published(tmp_path, fixture_data, monkeypatch):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx", as_of="2021-10-19", period_end="2021-10-19")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    render.check_pdf(reports / "fx" / "fx.pdf", render.evidence_files(fixture_data))  # the good one passes
    before = snapshot(reports / "fx")

    # A PDF without its data attached (workers are forked, so they see the patch).
    original = render.pdf_typst
    monkeypatch.setattr(render, "pdf_typst", lambda *args, **kwargs: original(*args, **{**kwargs, "attachments": []}))
    assert build(vfile, reports, "--data-dir", str(fixture_data), "--force") == 1
    record = manifest(reports)["variants"]["fx"]
    assert record["status"] == "failed"
    assert record["failure"]["error"] == (
        "fx.pdf fails the PDF/UA-1 and attachment check: its attachments differ from the data it was built from "
        "(datapackage.json, events.csv)"
    )
    assert snapshot(reports / "fx") == before  # the last good report, byte for byte
    assert not [p for p in reports.iterdir() if p.name.startswith(".staging-")]


@pytest.mark.e2e
def test_an_output_without_its_structured_block_fails_the_pdf_and_keeps_the_last_good(tmp_path, fixture_data):
    """The PDF is typeset from the outputs' blocks: an output with HTML only fails loudly, nothing is left out."""
    reports = tmp_path / "reports"
    notebook = tmp_path / "ok.ipynb"
    shutil.copy(OK_NB, notebook)
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx", notebook, as_of="2021-10-19", period_end="2021-10-19")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    before = snapshot(reports / "fx")

    nb = json.loads(notebook.read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "html-only",
            "metadata": {},
            "outputs": [],
            "source": ["display({'text/html': '<p>A finding with no block</p>'}, raw=True)"],
        }
    )
    notebook.write_text(json.dumps(nb))
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 1
    error = manifest(reports)["variants"]["fx"]["failure"]["error"]
    assert (
        error
        == "ok.ipynb, cell html-only: an output has no application/vnd.nato-russia.block+json block (it has text/html)"
    )
    assert snapshot(reports / "fx") == before


def test_a_table_with_no_rows_still_prints(tmp_path, fixture_data):
    """An empty table (nothing scheduled as of an early date) typesets: Typst has no array literal "(,)"."""
    reports = tmp_path / "reports"
    notebook = tmp_path / "ok.ipynb"
    nb = json.loads(OK_NB.read_text())
    original = "".join(nb["cells"][-1]["source"])
    source = re.sub(r"pd\.DataFrame\(\{.*?\}\)", 'pd.DataFrame({"year": [], "event": []})', original, count=1)
    assert source != original
    nb["cells"][-1]["source"] = source
    notebook.write_text(json.dumps(nb))
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx", notebook, as_of="2021-10-19", period_end="2021-10-19")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    assert manifest(reports)["variants"]["fx"]["status"] == "ok"
    assert (reports / "fx" / "fx.pdf").read_bytes().startswith(b"%PDF")


def test_the_typesetter_reads_the_block_contract_the_report_helpers_write():
    from nato_russia import report
    from nato_russia.publishing import typeset

    assert typeset.BLOCK_MIME == report.BLOCK_MIME
    samples = ["Cut [@a_1; @b]. Then[@c] and [@d].", "[@e]", "not [a citation] nor [@Upper]"]
    for text in samples:
        found = [[i.strip().lstrip("@") for i in m.group(1).split(";")] for m in typeset.CITATION.finditer(text)]
        assert found == [report.citation_ids(m.group(1)) for m in report.CITATION.finditer(text)], text
    assert found == [] and len(list(typeset.CITATION.finditer(samples[0]))) == 3


@pytest.mark.e2e
def test_the_build_runs_with_spawned_workers_where_there_is_no_fork(tmp_path, fixture_data, monkeypatch):
    """macOS and Windows get spawn (no fork): workers start afresh and still publish."""
    import multiprocessing

    from nato_russia.publishing import runner

    monkeypatch.setattr(runner, "worker_context", lambda: multiprocessing.get_context("spawn"))
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx", as_of="2021-10-19", period_end="2021-10-19")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    assert manifest(reports)["variants"]["fx"]["status"] == "ok"
    assert (reports / "fx" / "fx.pdf").stat().st_size > 1000


@pytest.mark.parametrize(
    "text, sentence",
    [
        ("- a\n", "must be a mapping with a `variants` list"),
        ("settings: {colour: red}\nvariants: []\n", "unknown settings ['colour']; valid: ['base_url',"),
        ("settings: {keep_editions: 0}\nvariants: []\n", 'keep_editions must be "all" or a whole number'),
        ("variants: [{name: Bad Name, notebooks: x.ipynb}]\n", "variant name 'Bad Name' must match"),
        ("variants: [{name: a}]\n", "variant 'a' names no notebooks"),
        ("variants: [{name: a, notebooks: []}]\n", "variant 'a' names no notebooks"),
        ("variants: [{name: a, notebooks: x.ipynb, colour: red}]\n", "variant 'a': unknown keys ['colour']"),
        ("variants: [{name: a, notebooks: x.ipynb, formats: [docx]}]\n", "unknown formats ['docx']; valid:"),
    ],
)
def test_the_variants_schema_refuses_in_one_sentence(tmp_path, text, sentence):
    vfile = tmp_path / "reports.yaml"
    vfile.write_text(text, encoding="utf-8")
    with pytest.raises(VariantError) as err:
        load_variants(vfile)
    assert sentence in str(err.value) and "\n" not in str(err.value)


def test_live_progress_draws_each_variant_with_its_state_and_prints_lines_above():
    import io

    from nato_russia.publishing.progress import Progress

    out = io.StringIO()
    progress = Progress(["brief", "analysis"], live=True, out=out)
    progress.update("brief", "executing 05-brief.ipynb (1/1)")
    progress.info("a message for the whole build")
    progress.update("brief", "ok", "execute 8.0s")
    progress.update("analysis", "failed", "cell 3 raised")
    progress.close()
    text = out.getvalue()
    assert "a message for the whole build" in text and "brief: ok — execute 8.0s" in text
    final = text[text.rindex("✓") :]  # the last drawing of the table
    assert "brief" in final and "ok" in final and "✗" in final and "analysis" in final and "failed" in final


# ------------------------------------------------------------- notebooks of one variant in parallel


def _fixture_notebook(path: Path, heading: str, sleep: float = 0.0) -> Path:
    """ok.ipynb with its own first heading, and a pause of `sleep` seconds after its parameters."""
    nb = nbformat.read(OK_NB, as_version=4)
    nb.cells[0].source = f"# {heading}\n\nA fixture chapter."
    if sleep:
        nb.cells.insert(2, nbformat.v4.new_code_cell(f"import time\n\ntime.sleep({sleep})"))
    nbformat.write(nb, path)
    return path


@pytest.mark.e2e
def test_notebooks_of_a_variant_run_side_by_side_and_merge_in_their_order(tmp_path, fixture_data):
    first = _fixture_notebook(tmp_path / "first.ipynb", "Chapter one, the slow one", sleep=3)
    second = _fixture_notebook(tmp_path / "second.ipynb", "Chapter two, the quick one")
    reports = tmp_path / "reports"
    entry = {"name": "two", "title": "Two chapters", "notebooks": [str(first), str(second)], "parameters": {}}
    vfile = write_variants(tmp_path / "v.yaml", [entry])
    assert build(vfile, reports, "--data-dir", str(fixture_data), "--jobs", "2", "--today", "2026-11-28") == 0
    times = {}
    for stem in ("first", "second"):
        meta = nbformat.read(reports / "two" / f"two.{stem}.ipynb", as_version=4).metadata.papermill
        times[stem] = (meta.start_time, meta.end_time)
    # The quick chapter started before the slow one ended, and ended first: they ran side by side.
    assert times["second"][0] < times["first"][1] and times["second"][1] < times["first"][1]
    html = (reports / "two" / "two.html").read_text(encoding="utf-8")
    assert html.index("Chapter one, the slow one") < html.index("Chapter two, the quick one")


@pytest.mark.e2e
def test_a_failing_notebook_stops_its_siblings_and_fails_only_its_variant(tmp_path, fixture_data):
    reports = tmp_path / "reports"
    entry = {"name": "pair", "title": "A pair", "notebooks": [str(SLOW_NB), str(FAIL_NB)], "parameters": {}}
    vfile = write_variants(tmp_path / "v.yaml", [entry, variant("fx")])
    started = time.monotonic()
    assert build(vfile, reports, "--data-dir", str(fixture_data), "--jobs", "2", "--today", "2026-11-28") == 1
    assert time.monotonic() - started < 30  # the slow sibling (60 s) was stopped, not waited for
    record = manifest(reports)["variants"]["pair"]
    assert record["status"] == "failed"
    assert (
        "fail.ipynb: cell" in record["failure"]["error"] and "fixture failure: deliberate" in record["failure"]["error"]
    )
    assert record["failure"]["failed_notebooks"] == ["_failed/pair.fail.ipynb"]
    assert manifest(reports)["variants"]["fx"]["status"] == "ok"
    assert not (reports / "pair").exists()
    assert not [p for p in reports.iterdir() if p.name.startswith((".staging-", ".old-"))]
    assert stray_kernels() == []


@pytest.mark.e2e
def test_bad_data_refuse_the_whole_build_before_any_kernel_starts(tmp_path, data_copy, capsys):
    """An impossible date in events.csv: one sentence naming file, line and field, exit 2, nothing touched."""
    reports = tmp_path / "reports"
    doc = yaml.safe_load(paths.VARIANTS_FILE.read_text())
    chosen = [v for v in doc["variants"] if v["name"] in ("brief", "brief-2021-10-19")]
    for entry in chosen:
        entry["notebooks"] = [str(paths.ROOT / n) for n in entry["notebooks"]]
    vfile = write_variants(tmp_path / "v.yaml", chosen, doc.get("settings"))
    assert build(vfile, reports, "--data-dir", str(data_copy), "--only", "brief-2021-10-19") == 0
    before = snapshot(reports)
    line = edit_cell(data_copy, "events", 4, "event_date", "2027-02-30")
    capsys.readouterr()
    assert build(vfile, reports, "--data-dir", str(data_copy), "--force") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, f"one sentence, once: {err!r}"
    assert "events.csv" in err and f"line {line}" in err and "'event_date'" in err and "2027-02-30" in err
    assert "Traceback" not in err
    assert snapshot(reports) == before, "the last good reports are untouched"
    assert not list(reports.glob("_failed/*")), "no notebook ran"
