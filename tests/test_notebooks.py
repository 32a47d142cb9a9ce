"""Every notebook, executed by papermill with its defaults and other parameter sets; bad parameters stop early."""

import datetime as dt
import html
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from nato_russia import analysis, paths
from nato_russia.data import load_dataset
from nato_russia.params import PARAMETERS

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
PARAMETER_SETS = {
    "defaults": {},
    "narrow": {"period_start": "2014-01-01", "period_end": "2022-12-31"},
    "as-of-source": {"as_of": "2021-10-19", "period_end": "2021-10-19"},
}
pytestmark = pytest.mark.e2e


def _execute(notebook: Path, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    tmp_path.mkdir(parents=True, exist_ok=True)
    figures = tmp_path / "figures"
    output = tmp_path / f"{notebook.stem}.out.ipynb"
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters={"figures_dir": str(figures), **parameters},
        cwd=str(tmp_path),  # any working directory must do
        kernel_name="python3",
        progress_bar=False,
    )
    return nbformat.read(output, as_version=4)


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(data.get("text/markdown", "") + data.get("text/html", "") + output.get("text", ""))
    return "\n".join(parts)


def test_every_notebook_is_numbered_once_and_built_by_a_variant():
    from nato_russia.publishing.variants import load_variants

    numbers = [path.stem[:2] for path in NOTEBOOKS]
    assert len(numbers) == len(set(numbers)), "one notebook per number, in reading order"
    variants, _ = load_variants(paths.VARIANTS_FILE)
    used = {Path(notebook).resolve() for variant in variants for notebook in variant.notebooks}
    assert {path.resolve() for path in NOTEBOOKS} == used, "every notebook is a report, every report's notebook exists"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebooks_are_committed_without_outputs_and_declare_the_parameters(notebook):
    content = nbformat.read(notebook, as_version=4)
    for cell in content.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{notebook.name} has outputs"
    declared = papermill.inspect_notebook(str(notebook))
    assert list(declared) == list(PARAMETERS)
    for name, (kind, default, _meaning) in PARAMETERS.items():
        assert declared[name]["inferred_type_name"] == kind.__name__
        assert json.loads(declared[name]["default"]) == default
        assert declared[name]["help"], f"{name} has no comment in {notebook.name}"


@pytest.mark.parametrize("set_name", list(PARAMETER_SETS))
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_and_saves_its_figures(notebook, set_name, tmp_path):
    executed = _execute(notebook, tmp_path, **PARAMETER_SETS[set_name])
    text = _text(executed)
    assert "Traceback" not in text
    figures = list((tmp_path / "figures").glob("*.png")) if (tmp_path / "figures").exists() else []
    shown = text.count('<figure class="chart"')
    assert len(figures) == shown
    assert all(path.name.startswith(notebook.stem) for path in figures)
    # The screen edition's chart is inline SVG labelled with its alt text; the PNG stays for thumbnails.
    assert text.count('<svg role="img" aria-label="') == shown
    assert text.count('class="chart-data"') <= shown


def test_staffing_numbers_for_the_full_record_and_as_the_source_saw_it(tmp_path):
    notebook = paths.NOTEBOOKS_DIR / "01-staffing.ipynb"
    full = _text(_execute(notebook, tmp_path / "full", as_of="2026-11-28"))
    assert "set a cap of 30" in full and "cut the cap to 20" in full and "cut the cap to 10" in full
    assert "On 1 November 2021, the day that cut took effect, Russia suspended the mission" in full
    assert "withdrew eight accreditations, abolished two vacant posts" in full
    # Why each cut happened is told where it is shown.
    assert "Salisbury" in full and "undeclared Russian intelligence officers" in full
    assert "cap to 0" not in full
    then = _text(_execute(notebook, tmp_path / "then", as_of="2021-10-19", period_end="2021-10-19"))
    # Decided on 6 October, in force from 1 November: announced is not done.
    assert "decided to cut the cap to 10 from 1 November 2021" in then
    assert "Russia announced on 18 October 2021 that it would suspend the mission from 1 November 2021" in then
    assert "Russia suspended the mission" not in then


def test_channels_on_the_day_the_source_was_published(tmp_path):
    notebook = paths.NOTEBOOKS_DIR / "03-channels.ipynb"
    then = _text(_execute(notebook, tmp_path, as_of="2021-10-19", period_end="2021-10-19"))
    assert "before 19 October 2021" in then
    # The mission was suspended only on 1 November 2021: announced, not done.
    assert "Russia's mission to NATO to be suspended from 1 November 2021" in html.unescape(then)


def test_figures_of_two_parameter_sets_do_not_overwrite_each_other(tmp_path):
    notebook = paths.NOTEBOOKS_DIR / "01-staffing.ipynb"
    _execute(notebook, tmp_path)
    _execute(notebook, tmp_path, as_of="2021-10-19", period_end="2021-10-19")
    assert len(list((tmp_path / "figures").glob("*.png"))) == 2


@pytest.mark.parametrize(
    ("parameters", "words"),
    [
        ({"colour": "red"}, ["Unknown parameter colour", "period_start (str)"]),
        ({"as_of": 20211019}, ["as_of must be str"]),
        ({"period_start": "2020-01-01", "period_end": "2019-01-01"}, ["is before period_start"]),
        ({"as_of": "1985-01-01", "period_start": "1980-01-01"}, ["before the data begin"]),
        ({"data_dir": "/no/such/folder"}, ["does not exist"]),
    ],
    ids=["unknown-name", "wrong-type", "end-before-start", "as-of-before-data", "missing-data-dir"],
)
def test_bad_parameters_stop_the_run_in_its_first_cells_with_one_sentence(parameters, words, tmp_path):
    notebook = paths.NOTEBOOKS_DIR / "02-history.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        _execute(notebook, tmp_path, **parameters)
    error = caught.value
    assert error.ename == "ParameterError"
    for word in words:
        assert word in error.evalue
    executed = nbformat.read(tmp_path / "02-history.out.ipynb", as_version=4)
    failing = [cell for cell in executed.cells if any(o.get("output_type") == "error" for o in cell.get("outputs", []))]
    assert len(failing) == 1
    assert "start_report" in failing[0].source
    (output,) = [o for o in failing[0].outputs if o.output_type == "error"]
    assert len(output.traceback) == 1, "a parameter error is one sentence, not a traceback"


def test_an_analyst_can_rerun_the_first_cells_in_the_same_kernel(tmp_path):
    """In JupyterLab the setup cell is often run again once the notebook's own variables exist."""
    notebook = nbformat.read(paths.NOTEBOOKS_DIR / "04-aftermath.ipynb", as_version=4)
    setup = next(cell for cell in notebook.cells if "start_report" in cell.source)
    notebook.cells.append(nbformat.v4.new_code_cell("label = 'a string of mine'\n" + setup.source))
    notebook.cells.append(nbformat.v4.new_code_cell("assert run.parameters.as_of.isoformat() == as_of"))
    copy = tmp_path / "rerun.ipynb"
    nbformat.write(notebook, copy)
    _execute(copy, tmp_path, as_of="2026-11-28")


# --- each edition says only what was known on its date ----------------------------------------------


def _cited_sources(text: str) -> pd.DataFrame:
    """The rows of sources.csv whose documents the rendered source list links to."""
    listed = re.search(r"<ol class='sources'[^>]*>(.*?)</ol>", text, re.S).group(1)
    urls = {html.unescape(url) for url in re.findall(r'<li id="[^"]+" value="\d+"[^>]*><a href="([^"]+)"', listed)}
    sources = load_dataset().sources
    cited = sources[sources["url"].isin(urls)]
    assert len(cited) == len(urls), "every entry of the source list is a document of sources.csv"
    return cited


def test_the_edition_of_19_october_2021_knows_only_what_was_published_by_then(tmp_path):
    notebook = paths.NOTEBOOKS_DIR / "05-brief.ipynb"
    text = _text(_execute(notebook, tmp_path, as_of="2021-10-19", period_end="2021-10-19"))
    cited = _cited_sources(text)
    assert len(cited) > 5
    assert cited["published_date"].max() <= pd.Timestamp("2021-10-19")
    # The mission shows as announced to be suspended, not as plainly open or already suspended.
    assert "Russia&#x27;s mission to NATO to be suspended from 1 November 2021" in text or (
        "Russia's mission to NATO to be suspended from 1 November 2021" in text
    )
    known = analysis.as_of_view(load_dataset(), dt.date(2021, 10, 19))
    assert f"the dataset holds {len(known.events)} dated events" in text
    assert f"resting on {len(known.sources)} public documents" in text
    assert len(known.events) < len(load_dataset().events)


def test_a_later_edition_has_what_to_watch_and_numbered_linked_sources(tmp_path):
    notebook = paths.NOTEBOOKS_DIR / "05-brief.ipynb"
    text = _text(_execute(notebook, tmp_path, as_of="2026-11-28"))
    assert "To watch:" in text
    cited = _cited_sources(text)
    cited_numbers = {int(n) for n in re.findall(r'<a class="cite" href="#source-05-brief-(\d+)">', text)}
    for first, last in re.findall(r"\[(\d+)\]</a>–<a class=\"cite\" href=\"#source-05-brief-\d+\">\[(\d+)\]", text):
        cited_numbers |= set(range(int(first), int(last) + 1))  # a range "[4]–[9]" cites 4 to 9
    entries = {int(n) for n in re.findall(r'<li id="source-05-brief-(\d+)"', text)}
    assert cited_numbers and cited_numbers <= entries, "every number points at an entry"
    # Every entry is cited: by a numbered link, or among a chart caption's "and N more".
    cited_ids = {i for ids in re.findall(r'data-sources="([^"]+)"', text) for i in ids.split()}
    assert len(entries) == len(cited) == len(cited_ids)
    # Ids may sit in attributes (a citation keeps the ids it cites), never in the text a reader sees.
    visible = re.sub(r"<[^>]+>", " ", text)
    for bad in ("[AP report", "facts_supplement", "dw_sheyko_2021", "whole item"):
        assert bad not in visible
