"""What a reader can do with an edition: cite it, link to a fact, take a chart's numbers, learn why a fact changed.

Two editions of the brief are built through the build's command on a copy of the data (dates set
explicitly); between them one fact is corrected with a row in corrections.csv and another without.
"""

import csv
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pandas as pd
import pytest
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from conftest import edit_cell, read_rows

from nato_russia import paths

pytestmark = pytest.mark.e2e

D1, D2 = "2026-11-30", "2026-12-03"
CHROMIUM = [
    "chromium",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE = "https://reports.example.org/nato-russia/"


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The brief as of D1, then as of D2 after two corrections (one with its reason recorded, one without)."""
    root = tmp_path_factory.mktemp("reader")
    data = root / "data"
    shutil.copytree(paths.DATA_DIR, data)
    doc = yaml.safe_load(paths.VARIANTS_FILE.read_text())
    doc["settings"]["base_url"] = BASE
    brief = next(v for v in doc["variants"] if v["name"] == "brief")
    brief["notebooks"] = [str(paths.ROOT / n) for n in brief["notebooks"]]
    doc["variants"] = [brief]
    variants = root / "reports.yaml"
    variants.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    reports = root / "reports"
    first = subprocess_build(variants, reports, data, D1)
    published = (reports / "brief" / "editions" / D1 / "citation.json").read_bytes()
    # The same date rebuilt after the title changed: the citation readers have used must not change.
    doc["variants"][0]["title"] = "A retitled brief"
    variants.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    rebuilt = subprocess_build(variants, reports, data, D1, "--force")
    events = read_rows(data / "events.csv")
    # One correction with a reason: the first NACC meeting's title; one without: Sweden's accession summary.
    nacc = next(i for i, row in enumerate(events) if row["event_id"] == "ev_1991_12_20_nacc_first_meeting")
    edit_cell(data, "events", nacc, "title", "First NACC meeting, where Russia took the Soviet seat")
    with (data / "corrections.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                "c_test_nacc_title",
                "ev_1991_12_20_nacc_first_meeting",
                D2,
                "title",
                "First NACC meeting; Soviet seat passes to Russia",
                "First NACC meeting, where Russia took the Soviet seat",
                "The title now says who took the seat, as NATO's statement of the meeting records.",
                "nato_1991_12_20_nacc_statement",
            ]
        )
    sweden = next(i for i, row in enumerate(events) if row["event_id"] == "ev_2024_03_07_sweden_joins")
    edit_cell(data, "events", sweden, "summary", "Sweden became NATO's 32nd member on depositing its instrument.")
    second = subprocess_build(variants, reports, data, D2)
    return {"reports": reports, "first": first, "second": second, "rebuilt": rebuilt, "published": published}


def subprocess_build(variants: Path, reports: Path, data: Path, today: str, *extra: str) -> tuple[int, str]:
    """The build's command, as the scheduled job runs it; its exit status and output."""
    command = [
        str(paths.ROOT / ".venv" / "bin" / "python"),
        "-m",
        "nato_russia.publishing",
        "--variants",
        str(variants),
        "--reports-dir",
        str(reports),
        "--data-dir",
        str(data),
        "--today",
        today,
        "--no-live",
        *extra,
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=paths.ROOT, timeout=600)
    return done.returncode, done.stdout + done.stderr


def _edition(editions, day: str) -> Path:
    return editions["reports"] / "brief" / "editions" / day


def test_the_builds_succeed(editions):
    for key in ("first", "second", "rebuilt"):
        code, output = editions[key]
        assert code == 0, output


def test_an_editions_citation_parses_and_carries_its_address_and_date(editions):
    edition = _edition(editions, D2)
    items = json.loads((edition / "citation.json").read_text(encoding="utf-8"))
    (item,) = items
    assert item["URL"] == f"{BASE}brief/editions/{D2}/brief.html"
    assert item["issued"]["date-parts"] == [[2026, 12, 3]]
    bibliography = CitationStylesBibliography(
        CitationStylesStyle("harvard-cite-them-right", validate=False), CiteProcJSON(items), formatter.plain
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    (entry,) = [str(text) for text in bibliography.bibliography()]
    assert item["title"] in entry and item["URL"] in entry
    library = bibtexparser.parse_string((edition / "citation.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and library.entries[0]["url"] == item["URL"]
    page = (edition / "brief.html").read_text(encoding="utf-8")
    assert "Cite this edition" in page and html.escape(item["URL"]) in page


def test_a_citation_never_changes_once_published(editions):
    after = (_edition(editions, D1) / "citation.json").read_bytes()
    assert after == editions["published"]
    assert json.loads(after)[0]["title"] != "A retitled brief"
    # A new edition takes the title as it is now.
    assert json.loads((_edition(editions, D2) / "citation.json").read_text())[0]["title"] == "A retitled brief"


def test_every_fact_row_has_an_anchor_and_the_changes_link_to_rows_that_exist(editions):
    page = (_edition(editions, D2) / "brief.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    rows = re.findall(r"<tr\b([^>]*)>\s*<td", page)
    fact_rows = [attrs for attrs in rows if 'id="' in attrs]
    assert len(fact_rows) >= 20
    anchors = [re.search(r'id="([^"]+)"', attrs).group(1) for attrs in fact_rows]
    assert len(anchors) == len(set(anchors)), "a row anchor appears once per page"
    assert all(anchor.startswith(("fact-", "channel-", "period-")) for anchor in anchors)
    assert not re.search(r">\s*(fact|channel)-[a-z0-9_]+\s*<", page), "an anchor's id is never shown as text"
    section = page[
        page.index('class="edition-changes"') : page.index("</section>", page.index('class="edition-changes"'))
    ]
    linked = re.findall(r'href="#([^"]+)"', section)
    assert linked, "the changes section links the changed facts to their rows"
    assert set(linked) <= ids
    assert all(target in ids for target in re.findall(r'href="#([^"]+)"', page)), "every in-page link lands"


def test_each_charts_data_holds_the_rows_drawn_and_opens_in_pandas(editions):
    edition = _edition(editions, D2)
    notebook = json.loads((editions["reports"] / "brief" / "brief.ipynb").read_text(encoding="utf-8"))
    figures = [
        output["data"]["application/vnd.nato-russia.block+json"]
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if output.get("data", {}).get("application/vnd.nato-russia.block+json", {}).get("kind") == "figure"
    ]
    assert len(figures) >= 3
    page = (edition / "brief.html").read_text(encoding="utf-8")
    for figure in figures:
        stem = figure["file"]
        table = pd.read_csv(edition / "data" / f"{stem}.csv")
        assert len(table) == len(figure["data"]["rows"]) > 0
        assert list(table.columns) == figure["data"]["columns"]
        meta = json.loads((edition / "data" / f"{stem}.json").read_text(encoding="utf-8"))
        assert meta["as_of"] == D2 and meta["record_reviewed_to"] == "2026-07-01"
        assert meta["sources"] and all(source["url"].startswith("https://") for source in meta["sources"])
        assert f'href="data/{stem}.csv"' in page, "linked relative to the page, so it works offline"
        for column in table.columns:
            if column.endswith("date"):
                dates = table[column].dropna().astype(str)
                assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), column


def test_a_correction_shows_its_reason_and_one_without_says_so_and_the_build_warns(editions):
    page = html.unescape((_edition(editions, D2) / "brief.html").read_text(encoding="utf-8"))
    assert "as NATO's statement of the meeting records" in page, "the reason given in corrections.csv"
    sweden = next(line for line in page.splitlines() if "Sweden joins NATO" in line and "corrected" in line)
    assert "no reason recorded" in sweden
    code, output = editions["second"]
    assert "warning:" in output and "ev_2024_03_07_sweden_joins" in output
    # The edition ends with its corrections to date, and the feed says how many.
    assert "Corrections to published facts, as of this edition" in page
    feed = (editions["reports"] / "feed.xml").read_text(encoding="utf-8")
    # The edition of D2 knows the corrections made by D2 (the record's later ones are not yet made), plus the
    # one this test adds.
    count = (
        sum(row["field"] != "id" and row["corrected_on"] <= D2 for row in read_rows(paths.DATA_DIR / "corrections.csv"))
        + 1
    )
    assert f"Corrections to date: {count}." in feed


def test_a_chart_names_its_facts_under_the_pointer_and_links_to_their_rows(editions):
    page = (_edition(editions, D2) / "brief.html").read_text(encoding="utf-8")
    charts = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(charts) >= 3
    swimlanes = next(svg for svg in charts if "Swimlane chart" in svg)
    assert swimlanes.count("<title>") >= 20
    targets = re.findall(r'xlink:href="#((?:fact|channel)-[^"]+)"', swimlanes)
    assert targets and set(targets) <= set(re.findall(r'\bid="([^"]+)"', page))
    # Nothing loads from outside: no script, no address outside the page in any src or href of the SVG.
    assert "<script" not in page
    outside = re.findall(r'(?:src|href)="(https?:[^"]+)"', " ".join(charts))
    assert outside == []


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is installed by .ci/run")
def test_the_screen_edition_loads_nothing_from_outside_in_chromium(editions, tmp_path):
    page = _edition(editions, D2) / "brief.html"
    assert chromium_requests(page, tmp_path) == set(), "the page asked the network for something"


def chromium_requests(page: Path, tmp_path: Path) -> set[str]:
    """Load a page in headless Chromium and return what it asked the network for."""
    log = tmp_path / "net.json"
    subprocess.run(
        [*CHROMIUM, f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={log}", "--dump-dom", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return page_requests(log)


def page_requests(net_log: Path) -> set[str]:
    """The http(s) addresses a file:// page itself asked for (initiator "null"), in a Chromium net log.

    Chromium's own background requests (its initiator "not an origin") are not the page's.
    """
    events = json.loads(net_log.read_text(encoding="utf-8", errors="replace"))["events"]
    by_page = {e["source"]["id"] for e in events if (e.get("params") or {}).get("initiator") == "null"}
    return {
        str(e["params"]["url"])
        for e in events
        if e["source"]["id"] in by_page and str((e.get("params") or {}).get("url", "")).startswith("http")
    }


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is installed by .ci/run")
def test_the_chromium_check_catches_a_page_that_loads_from_outside(tmp_path):
    page = tmp_path / "outside.html"
    page.write_text('<html><body><img src="https://example.org/x.png"></body></html>', encoding="utf-8")
    assert chromium_requests(page, tmp_path) == {"https://example.org/x.png"}
