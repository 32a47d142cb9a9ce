"""Editions: dates that move, kept editions, "Since the last edition", the feed and the front page.

Unit tests diff small inline tables and fake edition folders (no kernel). The end-to-end tests
run the build's entry point on the small fixture notebooks and a private copy of a small keyed
data package (tests/build_fixtures/editions_data), with the date set by --today.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from nato_russia import editions
from nato_russia.publishing import frontpage, publish
from nato_russia.publishing.__main__ import main

FIXTURES = Path(__file__).parent / "build_fixtures"
OK_NB = FIXTURES / "ok.ipynb"
FAIL_NB = FIXTURES / "fail.ipynb"
D1, D2, D3, D4 = "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01"


# ---------------------------------------------------------------------------- helpers


@pytest.fixture
def keyed_data(tmp_path: Path) -> Path:
    """A private copy of the keyed fixture data package, safe to edit."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "editions_data", target)
    return target


def write_variants(path: Path, variants: list[dict], settings: dict | None = None) -> Path:
    doc = {"variants": variants}
    if settings:
        doc["settings"] = settings
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def variant(name: str, notebook: Path = OK_NB, **params) -> dict:
    return {"name": name, "title": f"Fixture report {name}", "notebooks": [str(notebook)], "parameters": params}


def build(variants_file: Path, reports: Path, data: Path, today: str, *extra: str) -> int:
    args = ["--variants", str(variants_file), "--reports-dir", str(reports), "--data-dir", str(data)]
    return main([*args, "--no-live", "--today", today, *extra])


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest(reports: Path) -> dict:
    return json.loads((reports / "manifest.json").read_text())


def append_row(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def changes_section(html_text: str) -> str:
    start = html_text.rindex("<section", 0, html_text.index('class="edition-changes"'))
    return html_text[start : html_text.index("</section>", start)]


def fake_edition(reports: Path, name: str, as_of: str, summary: str = "Something changed.", built_at: str = ""):
    folder = reports / name / editions.EDITIONS_DIR / as_of
    folder.mkdir(parents=True)
    for suffix in ("html", "pdf"):
        (folder / f"{name}.{suffix}").write_text(f"{name} {as_of}")
    record = {
        "variant": name,
        "title": f"Report {name}",
        "as_of": as_of,
        "built_at": built_at or f"{as_of}T05:17:00Z",
        "files": {"html": f"{name}.html", "pdf": f"{name}.pdf"},
        "headline": "The hotline is the last channel open.",
        "changes": {"status": "changed", "summary": summary, "sentence": summary, "groups": []},
    }
    (folder / editions.RECORD_FILE).write_text(json.dumps(record))
    return folder


# ------------------------------------------------------------------------ diffs (no kernel)


def test_tables_are_diffed_by_primary_key_naming_rows_and_fields():
    old = [
        ["event_id", "event_date", "title", "confidence", "source_id"],
        ["a", "2021-10-18", "Mission suspended", "H", "s1"],
        ["b", "2002-05-28", "NRC set up", "H", "s2"],
        ["c", "1997-05-27", "Founding Act", "H", "s3"],
    ]
    # Rows reordered, one removed, one added, one corrected; a column dropped (schema change).
    new = [
        ["event_id", "event_date", "title", "confidence"],
        ["d", "2026-11-29", "Hotline used", "M"],
        ["b", "2002-05-28", "NRC set up at Rome", "M"],
        ["a", "2021-10-18", "Mission suspended", "H"],
    ]
    diff = editions.diff_rows(old, new, ["event_id"], "events", "Events")
    assert diff.added == ["Hotline used (29 November 2026)"]
    assert diff.removed == ["Founding Act (27 May 1997)"]
    assert len(diff.corrected) == 1
    row = diff.corrected[0]
    assert row.name == "NRC set up at Rome (28 May 2002)"
    assert row.fields == {"title": ("NRC set up", "NRC set up at Rome"), "confidence": ("H", "M")}
    assert diff.columns_removed == ["source_id"] and diff.columns_added == []


def test_unchanged_tables_give_no_diff():
    rows = [["id", "name"], ["x", "X"], ["y", "Y"]]
    assert editions.diff_rows(rows, [r[:] for r in rows], ["id"]).empty


def test_only_the_date_moved_is_one_sentence():
    same = [editions.TableDiff("events", "Events")]
    figures = {"channels": {"hotline": {"channel": "Hotline", "status": "open"}}, "days_since_last_contact": 10}
    later = dict(figures, days_since_last_contact=11)
    changes = editions.describe(same, figures, later, D1, D2)
    assert changes.status == "date_only" and changes.groups == []
    assert changes.lines() == [changes.sentence]
    assert "only the as-of date moved, 1 day later" in changes.sentence
    assert "28 November 2026" in changes.sentence
    assert changes.heading == "Since the last edition (28 November 2026)"


def test_headline_figures_and_channel_status_are_compared():
    old = {
        "channels": {
            "nrc": {"channel": "NATO–Russia Council", "status": "open"},
            "hotline": {"channel": "Hotline", "status": "open"},
        },
        "channels_open": 2,
        "nrc_meetings": 11,
        "staff_cap": 10,
    }
    new = dict(old, channels=dict(old["channels"], nrc={"channel": "NATO–Russia Council", "status": "suspended"}))
    new.update(channels_open=1, staff_cap=0)
    changes = editions.describe([editions.TableDiff("events", "Events")], old, new, D1, D2)
    assert changes.status == "changed"
    groups = dict(changes.groups)
    assert groups["Channels whose status changed"] == ["NATO–Russia Council: open → suspended"]
    assert "Channels of contact open: 2 → 1" in groups["Headline numbers"]
    assert "Cap on the size of Russia's mission to NATO: 10 → 0" in groups["Headline numbers"]
    assert not any("meetings" in line for line in groups["Headline numbers"])  # unchanged: not listed
    html_text = changes.to_html()
    assert 'id="since-last-edition"' in html_text and "open → suspended" in html_text


def test_a_first_edition_computes_nothing_and_the_next_one_compares_with_its_snapshot(tmp_path):
    """No previous edition: no figures (no pandas, no analysis); the next edition computes the first one's."""
    from nato_russia import paths

    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    folder = tmp_path / "editions"
    changes, previous, figures = editions.compare(folder, D1, data, log=lambda line: None)
    assert (changes.status, previous, figures) == ("first", None, {"as_of": D1})
    editions.write_snapshot(data, folder / D1 / editions.SNAPSHOT_DIR, figures)

    staffing = data / "staffing.csv"
    staffing.write_text(
        staffing.read_text().replace(
            "rm_2021_cap_10,russia_mission_to_nato,staff_cap,10,", "rm_2021_cap_10,russia_mission_to_nato,staff_cap,12,"
        )
    )
    changes, previous, figures = editions.compare(folder, D2, data, log=lambda line: None)
    assert previous == folder / D1 / editions.SNAPSHOT_DIR and figures["staff_cap"] == 12
    assert changes.status == "changed"
    groups = dict(changes.groups)
    # The first edition's figures, computed from its snapshot as of its own day. Both days are past the
    # record's review date, where counts of days stop: that count does not move with the date.
    assert "Cap on the size of Russia's mission to NATO: 10 → 12" in groups["Headline numbers"]
    assert not any(line.startswith("Days since the last contact: ") for line in groups["Headline numbers"])
    # Only the table whose bytes changed is reported (the others are not even aligned).
    assert list(groups) == ["Headline numbers", "Staffing"]
    # A change with no row in corrections.csv says so (and the build warns).
    assert groups["Staffing"] == ["corrected: rm_2021_cap_10: staff_count “10” → “12” (no reason recorded)"]
    assert changes.unexplained == ["staffing: rm_2021_cap_10 (staff_count)"]


def test_a_missing_or_corrupt_previous_snapshot_is_reported_not_fatal(tmp_path, keyed_data):
    folder = tmp_path / "editions"
    figures = {"as_of": D1}
    editions.write_snapshot(keyed_data, folder / D1 / editions.SNAPSHOT_DIR, figures)
    changes, _ = editions.changes_since(folder, D2, keyed_data, figures, log=lambda line: None)
    assert changes.status == "date_only"

    (folder / D1 / editions.SNAPSHOT_DIR / "datapackage.json").write_text("{not json")
    logged = []
    changes, _ = editions.changes_since(folder, D2, keyed_data, figures, log=logged.append)
    assert changes.status == "unreadable"
    assert changes.sentence.startswith("The previous edition (28 November 2026) could not be read")
    assert logged and "datapackage.json" in logged[0]

    shutil.rmtree(folder / D1 / editions.SNAPSHOT_DIR)
    changes, _ = editions.changes_since(folder, D2, keyed_data, figures, log=logged.append)
    assert changes.status == "unreadable" and "is missing" in logged[-1]


def test_snapshot_of_unchanged_data_takes_no_new_space(tmp_path, keyed_data):
    first, second = tmp_path / "1", tmp_path / "2"
    editions.write_snapshot(keyed_data, first, {})
    editions.write_snapshot(keyed_data, second, {}, previous=first)
    assert (first / "events.csv").stat().st_ino == (second / "events.csv").stat().st_ino
    assert editions.snapshot_hash(first) == editions.snapshot_hash(keyed_data)


def test_data_begin_is_read_from_the_events_table(keyed_data):
    import datetime as dt

    assert editions.data_begins(keyed_data) == dt.date(1997, 5, 27)


def test_retention_keeps_the_newest_editions(tmp_path):
    published = tmp_path / "reports" / "fx"
    for day in ("2026-11-25", "2026-11-26", "2026-11-27", D1):
        fake_edition(tmp_path / "reports", "fx", day)
    staging = tmp_path / "staging"
    (staging / editions.EDITIONS_DIR / D2).mkdir(parents=True)
    kept = publish.carry_editions(published, staging, keep=3)
    assert kept == ["2026-11-27", D1, D2]
    assert editions.edition_dates(staging / editions.EDITIONS_DIR) == kept
    linked = staging / editions.EDITIONS_DIR / D1 / "fx.pdf"
    assert linked.stat().st_ino == (published / editions.EDITIONS_DIR / D1 / "fx.pdf").stat().st_ino
    assert publish.carry_editions(published, tmp_path / "none", keep=None) == [
        "2026-11-25",
        "2026-11-26",
        "2026-11-27",
        D1,
    ]


def test_feed_parses_newest_first_with_stable_ids(tmp_path):
    import feedparser

    reports = tmp_path / "reports"
    fake_edition(reports, "brief", D1, "First edition.")
    fake_edition(reports, "brief", D2, "In the data: events 1 added.")
    fake_edition(reports, "analysis", D1, "First edition.", built_at=f"{D1}T06:00:00Z")
    assert frontpage.write_feed(reports, ["brief", "analysis"])
    assert not frontpage.write_feed(reports, ["brief", "analysis"]), "an unchanged feed is not rewritten"
    feed = feedparser.parse((reports / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == [
        "Report brief: edition of 29 November 2026",
        "Report analysis: edition of 28 November 2026",
        "Report brief: edition of 28 November 2026",
    ]
    newest = feed.entries[0]
    assert newest.summary.startswith("In the data: events 1 added.")
    assert {link.type: link.href for link in newest.links} == {
        "text/html": f"brief/editions/{D2}/brief.html",
        "application/pdf": f"brief/editions/{D2}/brief.pdf",
    }
    again = feedparser.parse(frontpage.feed_text(reports, ["brief", "analysis"], "https://example.org/r/"))
    assert again.entries[0].id == "https://example.org/r/brief/editions/2026-11-29/"
    assert feed.entries[0].id == frontpage.entry_id("", "brief", D2)  # the same every time it is written


# ---------------------------------------------------------------- refused dates (no kernel)


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--today", "2026-13-01"], None, "--today is '2026-13-01', which is not a date"),
        (["--today", "yesterday"], None, "--today is 'yesterday', which is not a date"),
        ([], "29.11.2026", "NATO_RUSSIA_TODAY is '29.11.2026', which is not a date"),
        (["--today", "1990-01-01"], None, "as_of 1990-01-01 (the build's date: --today, $NATO_RUSSIA_TODAY or today)"),
    ],
)
def test_bad_dates_are_refused_before_any_kernel(tmp_path, keyed_data, capsys, monkeypatch, args, env, words):
    from nato_russia.publishing import runner

    if env is not None:
        monkeypatch.setenv("NATO_RUSSIA_TODAY", env)
    monkeypatch.setattr(runner.Build, "_run_jobs", lambda *a: pytest.fail("a kernel was started"))
    vfile = write_variants(tmp_path / "v.yaml", [variant("fx")])
    reports = tmp_path / "reports"
    base = ["--variants", str(vfile), "--reports-dir", str(reports), "--data-dir", str(keyed_data), "--no-live"]
    started = time.monotonic()
    assert main([*base, *args]) == 2
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err.strip()
    assert words in err
    assert len(err.splitlines()) == 1, "one sentence, no traceback"
    assert not (reports / "fx").exists()


def test_pinned_as_of_before_the_data_begin_is_refused(tmp_path, keyed_data, capsys):
    old = variant("old", period_start="1980-01-01", as_of="1990-05-01")
    vfile = write_variants(tmp_path / "v.yaml", [old])
    assert build(vfile, tmp_path / "reports", keyed_data, D1) == 2
    err = capsys.readouterr().err
    assert "as_of 1990-05-01 (pinned in reports.yaml) is before the data begin (1997-05-27)" in err


# ---------------------------------------------------------------------- builds (kernels)


@pytest.mark.e2e
def test_daily_editions_changes_feed_and_failures(tmp_path, keyed_data, monkeypatch):
    """The issue's scenario: D1, data edits, D2 (a new edition naming them), D2 again (no-op), a failing D3."""
    import feedparser

    from nato_russia.publishing import runner

    reports = tmp_path / "reports"
    vfile = tmp_path / "v.yaml"
    moving, pinned = variant("fx"), variant("pinned", as_of="2021-10-19", period_end="2021-10-19")
    write_variants(vfile, [moving, pinned])

    # D1: the first edition of each; no changes section.
    assert build(vfile, reports, keyed_data, D1) == 0
    d1 = reports / "fx" / "editions" / D1
    assert sorted(p.name for p in d1.iterdir()) == [
        "citation.bib",
        "citation.json",
        "edition.json",
        "fx.html",
        "fx.pdf",
        "snapshot",
        "thumb.png",
    ]
    first_html = (reports / "fx" / "fx.html").read_text()
    assert 'class="edition-changes"' not in first_html[first_html.index("<main") :]
    assert "as of the build's date, 2026-11-28 (UTC)" in first_html.replace("&#39;", "'")
    assert manifest(reports)["today"] == D1
    published = manifest(reports)["variants"]["fx"]["published"]
    assert published["parameters"]["as_of"] == D1 and published["parameters"]["period_end"] == D1
    d1_files = tree(d1)

    # The pinned variant is not rebuilt by a date change.
    pinned_built = manifest(reports)["variants"]["pinned"]["published"]["built_at"]
    with monkeypatch.context() as patch:
        patch.setattr(runner.Build, "_run_jobs", lambda *a: pytest.fail("the pinned variant was rebuilt"))
        assert build(vfile, reports, keyed_data, D2, "--only", "pinned") == 0
    assert manifest(reports)["variants"]["pinned"]["status"] == "skipped"
    assert manifest(reports)["variants"]["pinned"]["published"]["built_at"] == pinned_built

    # Add an event, correct another, change a channel's status; build on D2.
    append_row(
        keyed_data / "events.csv",
        "ev_2026_hotline_call,2026-11-29,hotline,Military hotline used,The chiefs of staff spoke on the line.,M",
    )
    replace_in(keyed_data / "events.csv", "NATO–Russia Council set up at Rome,", "NATO–Russia Council founded at Rome,")
    replace_in(keyed_data / "channels.csv", "nrc,NATO–Russia Council,open", "nrc,NATO–Russia Council,suspended")
    assert build(vfile, reports, keyed_data, D2, "--only", "fx") == 0

    assert editions.edition_dates(reports / "fx" / "editions") == [D1, D2]
    assert tree(d1) == d1_files, "an earlier edition changed"
    html_text = (reports / "fx" / "fx.html").read_text()
    assert (reports / "fx" / "editions" / D2 / "fx.pdf").read_bytes() == (reports / "fx" / "fx.pdf").read_bytes()
    section = changes_section(html_text)
    assert "Since the last edition (28 November 2026)" in section
    assert "added: Military hotline used (29 November 2026)" in section
    assert (
        "corrected: NATO–Russia Council founded at Rome (28 May 2002): title "
        "“NATO–Russia Council set up at Rome” → “NATO–Russia Council founded at Rome”"
    ) in section
    assert "NATO–Russia Council: open → suspended" in section
    assert html_text.index("edition-changes") < html_text.index("Events counted"), "the section opens the report"
    assert '<a href="#since-last-edition">' in html_text  # in the contents
    assert 'type="application/atom+xml"' in html_text and 'href="../feed.xml"' in html_text
    edition_copy = (reports / "fx" / "editions" / D2 / "fx.html").read_text()
    assert 'href="../../../feed.xml"' in edition_copy and 'href="../feed.xml"' not in edition_copy

    feed_bytes = (reports / "feed.xml").read_bytes()
    feed = feedparser.parse(feed_bytes)
    assert not feed.bozo
    fx_entries = [e for e in feed.entries if e.title.startswith("Fixture report fx:")]
    assert [e.title for e in fx_entries] == [
        "Fixture report fx: edition of 29 November 2026",
        "Fixture report fx: edition of 28 November 2026",
    ]
    assert "Military hotline used" in fx_entries[0].summary
    assert fx_entries[0].link == f"fx/editions/{D2}/fx.html"

    index = (reports / "index.html").read_text()
    assert 'href="feed.xml"' in index and 'type="application/atom+xml"' in index
    assert 'href="fx/fx.pdf"' in index and 'href="fx/editions/index.html"' in index
    assert "As of <strong>29 November 2026</strong>" in index
    assert "Military hotline used" in index  # the latest changes
    assert 'src="data:image/png;base64,' in index  # the first chart, embedded
    assert "<script" not in index and 'src="http' not in index
    archive = (reports / "fx" / "editions" / "index.html").read_text()
    assert f'href="{D1}/fx.pdf"' in archive and f'href="{D2}/fx.html"' in archive

    # D2 again: nothing to do.
    with monkeypatch.context() as patch:
        patch.setattr(runner.Build, "_run_jobs", lambda *a: pytest.fail("an up-to-date variant was rebuilt"))
        assert build(vfile, reports, keyed_data, D2, "--only", "fx") == 0
    assert manifest(reports)["variants"]["fx"]["status"] == "skipped"

    # D3: fx now fails: no edition, no feed entry, yesterday's files byte-identical.
    before_fx, before_feed = tree(reports / "fx"), (reports / "feed.xml").read_bytes()
    write_variants(vfile, [variant("fx", FAIL_NB), pinned])
    assert build(vfile, reports, keyed_data, D3, "--only", "fx") == 1
    assert tree(reports / "fx") == before_fx, "a failed build changed the published editions"
    assert (reports / "feed.xml").read_bytes() == before_feed, "a failed build added a feed entry"
    record = manifest(reports)["variants"]["fx"]
    assert record["status"] == "failed" and record["published"]["as_of"] == D2
    assert "failed" in (reports / "index.html").read_text()

    # D4 with a corrupt snapshot of D2: the edition is built and says so.
    write_variants(vfile, [moving, pinned])
    (reports / "fx" / "editions" / D2 / "snapshot" / "figures.json").write_text("{oops")
    assert build(vfile, reports, keyed_data, D4, "--only", "fx") == 0
    section = changes_section((reports / "fx" / "fx.html").read_text())
    assert "The previous edition (29 November 2026) could not be read" in section
    assert editions.edition_dates(reports / "fx" / "editions") == [D1, D2, D4]


def fill(path: Path) -> None:
    """Write zeros to `path` until the disk is full."""
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.mark.e2e
def test_a_full_disk_fails_in_one_sentence_and_keeps_everything(tmp_path, keyed_data, capsys):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "6m"):
        pytest.skip("needs to mount a small tmpfs (root)")
    try:
        reports = disk / "reports"
        vfile = write_variants(tmp_path / "v.yaml", [variant("fx")])
        assert build(vfile, reports, keyed_data, D1) == 0
        before = tree(reports)
        fill(disk / "filler")  # to the last block
        capsys.readouterr()
        assert build(vfile, reports, keyed_data, D2) == 1
        out = capsys.readouterr()
        text = out.out + out.err
        assert "Traceback" not in text
        assert f"the disk holding {reports} is full" in text
        leftovers = {p.name for p in reports.iterdir() if p.name.startswith(".")}
        assert leftovers == {".build.lock", ".parameters-cache.json"}, "staging or temporary files left behind"
        after = tree(reports)
        for name in ("index.html", "feed.xml"):
            assert after[name] == before[name], f"{name} changed"
        assert {k: v for k, v in after.items() if k.startswith("fx/")} == {
            k: v for k, v in before.items() if k.startswith("fx/")
        }
        # Space again: the next run starts clean and publishes D2.
        (disk / "filler").unlink()
        assert build(vfile, reports, keyed_data, D2) == 0
        assert editions.edition_dates(reports / "fx" / "editions") == [D1, D2]
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
