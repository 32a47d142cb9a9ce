"""What an editor checks before signing a report, tested on the executed notebooks as a reader sees them.

Each report is run through papermill once per module (as of a fixed date, set explicitly), and its visible
text is read back: page one's lede, sentence lengths, counts against the review date, each report its own
product, and an edition of 2021 that knows nothing later.
"""

import datetime as dt
import html
import re

import nbformat
import papermill
import pytest

from nato_russia import analysis, paths
from nato_russia.data import load_dataset
from nato_russia.report import BLOCK_MIME

pytestmark = pytest.mark.e2e

AS_OF = "2026-12-03"  # later than the record's review date, as a scheduled build would be
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(\d{{1,2}}) ({MONTHS}) (\d{{4}})\b")


def _run(notebook: str, tmp_path_factory, **parameters) -> nbformat.NotebookNode:
    folder = tmp_path_factory.mktemp(notebook)
    output = folder / f"{notebook}.ipynb"
    papermill.execute_notebook(
        str(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb"),
        str(output),
        parameters={"figures_dir": str(folder / "figures"), **parameters},
        kernel_name="python3",
        progress_bar=False,
    )
    return nbformat.read(output, as_version=4)


def _blocks(notebook: nbformat.NotebookNode, kind: str) -> list[dict]:
    return [
        output["data"][BLOCK_MIME]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if BLOCK_MIME in output.get("data", {}) and output["data"][BLOCK_MIME]["kind"] == kind
    ]


def _prose(notebook: nbformat.NotebookNode) -> str:
    """The narrative a reader reads: computed paragraphs and the notebook's own text, citations left out."""
    parts = [block["markdown"] for block in _blocks(notebook, "markdown")]
    parts += [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    return re.sub(r"\s?\[@[^\]]+\]", "", "\n".join(parts))


def _sentences(text: str) -> list[str]:
    text = re.sub(r"[*#]", "", text)
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n+", text)
    return [piece.strip() for piece in pieces if len(piece.split()) > 3 and not piece.strip().startswith("-")]


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    return _run("05-brief", tmp_path_factory, as_of=AS_OF)


@pytest.fixture(scope="module")
def since_2014(tmp_path_factory):
    return _run("07-since-2014", tmp_path_factory, as_of=AS_OF, period_start="2014-01-01")


@pytest.fixture(scope="module")
def brief_2021(tmp_path_factory):
    return _run("05-brief", tmp_path_factory, as_of="2021-10-19", period_end="2021-10-19")


def test_page_one_opens_with_a_lede_and_states_the_review_date(brief):
    first = _blocks(brief, "markdown")[0]["markdown"]
    lede = re.sub(r"\s?\[@[^\]]+\]", "", first)
    assert 4 <= len(_sentences(lede)) <= 6, "a lede of four or five sentences"
    assert lede.startswith("Russia suspended its mission to NATO on 1 November 2021")
    assert "To watch:" in lede
    reviewed = load_dataset().reviewed_to
    second = _blocks(brief, "markdown")[1]["markdown"]
    assert f"reviewed for new events up to {reviewed.day} {reviewed:%B %Y}" in second
    assert "Notice:" in second, "an edition built over 30 days past the review says so"


def test_no_summary_sentence_runs_over_45_words(brief, since_2014, brief_2021):
    for notebook in (brief, since_2014, brief_2021):
        for block in _blocks(notebook, "markdown")[:2]:
            for sentence in _sentences(re.sub(r"\s?\[@[^\]]+\]", "", block["markdown"])):
                assert len(sentence.split()) <= 45, sentence


def test_no_count_runs_past_the_review_date(brief, since_2014):
    reviewed = load_dataset().reviewed_to
    for notebook in (brief, since_2014):
        prose = _prose(notebook)
        # A count of days up to a day ("1,617 days ... before 1 July 2026") runs no further than the review.
        for match in re.finditer(r"\b[\d,]+ days(?: \([^)]*\))? (?:before|to) (\d{1,2} \w+ \d{4})", prose):
            until = dt.datetime.strptime(match.group(1), "%d %B %Y")
            assert until <= reviewed, match.group(0)
        for table in _blocks(notebook, "table"):
            for column in table["columns"]:
                assert "3 Dec 2026" not in column, f"a column counts to the as-of date: {column}"
        # The as-of date appears only where the edition says it is later than the record.
        for sentence in _sentences(prose):
            if "3 December 2026" in sentence:
                assert "this edition" in sentence, sentence


def test_since_2014_is_its_own_report(brief, since_2014):
    ours, theirs = set(_sentences(_prose(since_2014))), set(_sentences(_prose(brief)))
    shared = ours & theirs
    assert len(shared) < len(ours) / 2, f"since-2014 repeats the brief: {sorted(shared)[:5]}"
    assert "2016" in _prose(since_2014), "the Council's restart of 2016 is part of its story"


def test_the_2021_edition_says_nothing_of_what_came_later(brief_2021):
    as_of = dt.date(2021, 10, 19)
    known = analysis.as_of_view(load_dataset(), as_of)
    announced = {day.date() for day in known.events.loc[known.events["is_pending"], "event_date"]}
    visible = [_prose(brief_2021)]
    for table in _blocks(brief_2021, "table"):
        visible += [" ".join(row) for row in table["rows"]] + [table["caption"]]
    for figure in _blocks(brief_2021, "figure"):
        visible += [figure["caption"], figure["alt"]]
    for source in _blocks(brief_2021, "sources")[0]["entries"]:
        visible.append(source["date"])
    text = html.unescape("\n".join(visible))
    for day, month, year in DATE.findall(text):
        date = dt.datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date()
        assert date <= as_of or date in announced, f"{date} is after the edition's date"
    for year in re.findall(r"\b(20[2-9]\d)\b", text):
        assert int(year) <= 2021, f"the year {year} appears in the 2021 edition"
