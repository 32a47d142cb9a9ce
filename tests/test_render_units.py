"""A variant's HTML and its PDF are two units of the local build (worker.run_render, worker.run_pdf).

Each needs the other: the variant is published when both have succeeded, and a failure of either leaves
the last good report as it was, with nothing of the failed one lying about.
"""

from __future__ import annotations

import pytest
from test_build import build, manifest, snapshot, variant, write_variants

from nato_russia.publishing import render


@pytest.mark.e2e
def test_both_halves_are_published_together_with_both_timings(tmp_path, fixture_data):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx", as_of="2021-10-19", period_end="2021-10-19")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    good = manifest(reports)["variants"]["fx"]["published"]
    assert set(good["timings"]) == {"execute", "changes", "html", "pdf", "total"}
    assert good["timings"]["html"] > 0 and good["timings"]["pdf"] > 0
    edition = reports / "fx" / "editions" / "2021-10-19"
    assert (edition / "fx.pdf").read_bytes() == (reports / "fx" / "fx.pdf").read_bytes()
    assert (edition / "fx.pdf").stat().st_ino == (reports / "fx" / "fx.pdf").stat().st_ino  # one copy on disk
    assert {"fx/fx.pdf", "fx/fx.html"} <= set(good["files"])


@pytest.mark.e2e
def test_an_html_that_fails_stops_the_pdf_and_keeps_the_last_good(tmp_path, fixture_data, monkeypatch):
    reports = tmp_path / "reports"
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx", as_of="2021-10-19", period_end="2021-10-19")])
    assert build(vfile, reports, "--data-dir", str(fixture_data)) == 0
    before = snapshot(reports / "fx")

    def broken(*args, **kwargs):  # workers are forked, so they see the patch
        raise RuntimeError("the HTML exporter broke")

    monkeypatch.setattr(render, "to_html", broken)
    assert build(vfile, reports, "--data-dir", str(fixture_data), "--force") == 1
    record = manifest(reports)["variants"]["fx"]
    assert record["status"] == "failed"
    assert "the HTML exporter broke" in record["failure"]["error"]
    assert snapshot(reports / "fx") == before  # the last good report, byte for byte
    assert not [p for p in reports.iterdir() if p.name.startswith(".staging-")]
