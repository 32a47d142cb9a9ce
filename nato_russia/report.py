"""What a report notebook calls: start a run, show a chart or table, check a cited fact.

A notebook's first code cell is `run = start_report(globals(), "01-staffing")`: it checks the
parameters, loads and validates the data, and cuts it to the as-of date. Problems in parameters or
data stop the run there with one sentence (no traceback), because a reader of the log needs the
sentence, not the stack.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from nato_russia import analysis, params
from nato_russia.charts import Chart, source_publishers
from nato_russia.data import DataError, Dataset, load_dataset

# Names IPython itself puts in a notebook's namespace; anything else unknown was injected by a run.
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
# What papermill can inject: values that have a literal in Python source.
_INJECTABLE_TYPES = (str, int, float, bool, list, dict, type(None))
# Unknown names are looked for once per kernel: papermill injects before the first run, whereas an
# analyst who re-runs the first cells in JupyterLab has, by then, variables of their own.
_namespace_checked = False


class FactCheckError(AssertionError):
    """A number the narrative cites no longer matches the data."""


@dataclass
class ReportRun:
    """One notebook run: its parameters, the data as known on the as-of date, and what it has shown."""

    notebook: str
    parameters: params.ReportParameters
    data: Dataset  # cut to the as-of date
    full_data: Dataset  # everything, for checks that need to know what comes later
    shown_sources: set[str] = field(default_factory=set)

    def show(self, chart: Chart) -> None:
        """Save a chart as SVG and PNG under figures_dir and display it with its caption and alt text."""
        from IPython.display import HTML, display

        self.shown_sources.update(chart.source_ids)
        stem = f"{self.notebook}-{self.parameters.slug()}-{chart.name}"
        self.parameters.figures_dir.mkdir(parents=True, exist_ok=True)
        chart.figure.savefig(self.parameters.figures_dir / f"{stem}.svg")
        png = png_bytes(chart)
        (self.parameters.figures_dir / f"{stem}.png").write_bytes(png)
        publishers = source_publishers(self.full_data, chart.source_ids)
        caption = chart.caption + (f" Sources: {analysis.join_and(publishers)}." if publishers else "")
        display(HTML(figure_html(chart, png, caption)))
        import matplotlib.pyplot as plt

        plt.close(chart.figure)

    def show_table(self, table: pd.DataFrame, caption: str) -> None:
        """Display a table with a caption and no index; the ids in its source columns join the source list.

        Columns whose names start with "_" feed the source list but are not printed.
        """
        from IPython.display import HTML, display

        for column in table.columns:
            if str(column).startswith("_source"):
                self.shown_sources.update(table[column].dropna())
        shown = table[[column for column in table.columns if not str(column).startswith("_")]]
        display(HTML(table_html(shown, caption)))

    def say(self, markdown: str) -> None:
        """Display narrative whose numbers come from the data (Markdown)."""
        from IPython.display import Markdown, display

        display(Markdown(markdown))

    def expect(self, what: str, actual, expected) -> None:
        """Fail the run loudly when a fact the prose cites no longer holds in the data."""
        if actual != expected:
            raise FactCheckError(
                f"The narrative says {what} is {expected!r}, but the data now give {actual!r}: "
                "update the text or the data."
            )

    def show_sources(self) -> None:
        """List every source the shown charts and tables cite."""
        from IPython.display import HTML, display

        display(HTML(sources_html(self.full_data, self.shown_sources)))


def start_report(namespace: dict, notebook: str) -> ReportRun:
    """Validate the notebook's parameters (read from its namespace), load the data and cut it to as-of."""
    _install_short_errors()
    values = {name: namespace.get(name) for name in params.PARAMETERS}
    global _namespace_checked
    extra = set()
    if not _namespace_checked:
        extra = {
            name
            for name, value in namespace.items()
            if not name.startswith("_")
            and name not in params.PARAMETERS
            and name not in _IPYTHON_NAMES
            and isinstance(value, _INJECTABLE_TYPES)
        }
    parameters = params.validate_parameters(values, extra)
    _namespace_checked = True
    full_data = load_dataset(parameters.data_dir)
    first_day = full_data.events["event_date"].min().date()
    if parameters.as_of < first_day:
        raise params.ParameterError(
            f"as_of {parameters.as_of} is before the data begin ({first_day}); choose a date on or after it."
        )
    return ReportRun(
        notebook=notebook,
        parameters=parameters,
        data=analysis.as_of_view(full_data, parameters.as_of),
        full_data=full_data,
    )


def png_bytes(chart: Chart) -> bytes:
    """The chart as PNG at print resolution (200 dpi: sharp on A4 at full text width)."""
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", dpi=200)
    return buffer.getvalue()


def figure_html(chart: Chart, png: bytes, caption: str) -> str:
    """A chart as a self-contained <figure>: the embedded PNG, its alt text and its caption."""
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="chart" id="fig-{chart.name}">'
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(chart.alt_text)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


# "28 May 2002" or "Oct 2021" inside a cell: kept on one line, since a date broken over three reads badly.
_DATE_IN_TEXT = re.compile(r"\b(?:(\d{1,2}) )?([A-Z][a-z]{2}) (\d{4})\b")


def _unbreakable_dates(text: str) -> str:
    return _DATE_IN_TEXT.sub(lambda match: match.group(0).replace(" ", "\u00a0"), text)


def table_html(table: pd.DataFrame, caption: str) -> str:
    """A table as a captioned <figure>: no index, dates written as dates and kept on one line."""
    shown = table.copy()
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.strftime("%-d %b %Y").fillna("—")
    shown = shown.astype(object).where(shown.notna(), "—")
    shown = shown.map(lambda value: _unbreakable_dates(value) if isinstance(value, str) else value)
    body = shown.to_html(index=False, border=0, classes="data-table", escape=True)
    return f'<figure class="table"><figcaption>{html.escape(caption)}</figcaption>{body}</figure>'


def sources_html(data: Dataset, source_ids: set[str]) -> str:
    """A numbered source list for readers: publisher, author, title (linked where public), date."""
    sources = data.sources[data.sources["source_id"].isin(source_ids)]
    sources = sources.assign(_key=sources["publisher"].str.casefold()).sort_values(["_key", "published_date"])
    items = []
    for row in sources.itertuples():
        parts = [html.escape(row.publisher)]
        if not pd.isna(row.author):
            parts.append(html.escape(row.author))
        title = html.escape(row.title)
        parts.append(f'<a href="{html.escape(row.url)}">{title}</a>' if not pd.isna(row.url) else title)
        if not pd.isna(row.published_date):
            parts.append(analysis.format_date(row.published_date, row.published_precision))
        items.append(f"<li>{', '.join(parts)}.</li>")
    return f"<ol class='sources'>{''.join(items)}</ol>"


def _install_short_errors() -> None:
    """Show parameter and data errors as their one-sentence message instead of a traceback."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def short_error(shell, etype, value, tb, tb_offset=None):
        shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])

    shell.set_custom_exc((params.ParameterError, DataError, FactCheckError), short_error)
