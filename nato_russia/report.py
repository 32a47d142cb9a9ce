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

import matplotlib.pyplot as plt
import pandas as pd

from nato_russia import analysis, params
from nato_russia.charts import Chart
from nato_russia.citing import citation_html, entry_html, list_html
from nato_russia.data import DataError, Dataset, load_dataset
from nato_russia.narrative import CITATION, number_word

# Names IPython itself puts in a notebook's namespace; anything else unknown was injected by a run.
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
# What papermill can inject: values that have a literal in Python source.
_INJECTABLE_TYPES = (str, int, float, bool, list, dict, type(None))
# Unknown names are looked for once per kernel: papermill injects before the first run, whereas an
# analyst who re-runs the first cells in JupyterLab has, by then, variables of their own.
_namespace_checked = False

#: Every output a report shows carries, beside its HTML or Markdown for the screen, this structured form:
#: what it is (markdown, table, figure, sources) as data, with source ids rather than numbers, so the PDF
#: typesetter reads data instead of parsing HTML back, and a merged volume can number its sources once.
BLOCK_MIME = "application/vnd.nato-russia.block+json"


def citation_ids(token_text: str) -> list[str]:
    """The source ids of one citation token's inside ('@a; @b' -> ['a', 'b'])."""
    return [part.strip().lstrip("@") for part in token_text.split(";")]


class FactCheckError(AssertionError):
    """A number the narrative cites no longer matches the data."""


@dataclass
class ReportRun:
    """One notebook run: its parameters, the data as known on the as-of date, and what it has shown."""

    notebook: str
    parameters: params.ReportParameters
    data: Dataset  # cut to the as-of date
    full_data: Dataset  # everything, for checks that need to know what comes later
    # Source id -> its number in this report's source list, in the order a reader first meets it.
    source_numbers: dict[str, int] = field(default_factory=dict)
    # Documents a chart's caption leaves to its "and N more": listed, numbered after the cited ones.
    listed_only: list[str] = field(default_factory=list)
    # Row ids already given to a table row on this page.
    anchors: set[str] = field(default_factory=set)
    # The words shown so far (narrative, tables, captions): the glossary lists only the abbreviations in them.
    shown_words: list[str] = field(default_factory=list)

    def cite(self, source_ids) -> str:
        """Links to the numbered entries of the source list, e.g. '[1], [4]' (HTML; PDF keeps them as links)."""
        ids = [source_id for source_id in source_ids if not pd.isna(source_id)]
        for source_id in ids:
            self._number(source_id)
        return citation_html(ids, self.source_numbers, self._anchor)

    def _number(self, source_id: str) -> int:
        return self.source_numbers.setdefault(source_id, len(self.source_numbers) + 1)

    def _anchor(self, number: int) -> str:
        return f"source-{self.notebook}-{number}"

    def _sources_anchor(self) -> str:
        return f"sources-{self.notebook}"

    def show(self, chart: Chart, key: bool = False) -> None:
        """Save a chart as PNG under figures_dir and display it with its caption and alt text.

        The PNG is the one format anything reads: the HTML embeds it and the PDF is printed from the HTML.
        (An SVG was written too until nothing was found to read it; drawing it cost a second layout.)
        """
        from IPython.display import display

        stem = f"{self.notebook}-{self.parameters.slug()}-{chart.name}"
        self.parameters.figures_dir.mkdir(parents=True, exist_ok=True)
        png = png_bytes(chart)
        svg = svg_markup(chart)
        (self.parameters.figures_dir / f"{stem}.png").write_bytes(png)
        self.shown_words += [chart.caption, chart.alt_text]
        caption = html.escape(chart.caption)
        ordered = _primary_first(self.data, chart.source_ids)
        if ordered:
            shown, rest = ordered[:CAPTION_SOURCES], ordered[CAPTION_SOURCES:]
            # Listed among the sources, numbered after every document cited by number (as in print).
            self.listed_only.extend(source_id for source_id in rest if source_id not in self.listed_only)
            caption += f" Sources: {self.cite(shown)}"
            if rest:
                more = f'<a href="#{self._sources_anchor()}">{len(rest)} more</a>'
                caption += f' and <span class="more-sources" data-sources="{" ".join(rest)}">{more}</span>'
                # Numbered here, where they are met, so a reader of the paper finds them in the list.
                caption += f" in the list: {self.cite(rest)}"
            caption += "."
        title = chart.figure._suptitle.get_text().replace("\n", " ") if chart.figure._suptitle else ""
        block = {
            "kind": "figure",
            "name": chart.name,
            "file": stem_for_data(self.notebook, chart.name),
            "title": title,
            "key": key,
            "as_of": self.parameters.as_of.isoformat(),
            "reviewed_to": analysis.counted_to(self.data, self.parameters.as_of).isoformat(),
            "alt": chart.alt_text,
            "caption": chart.caption,
            "source_ids": ordered[:CAPTION_SOURCES],  # the caption names these, official texts first
            "more_source_ids": ordered[CAPTION_SOURCES:],  # listed among the sources: "and N more"
            "png": base64.b64encode(png).decode("ascii"),
            "svg": svg,
            "data": chart_data_records(chart),
        }
        links = chart_data_links(block["file"]) if len(chart.data) else ""
        display({"text/html": figure_html(chart, svg, caption + links), BLOCK_MIME: block}, raw=True)
        plt.close(chart.figure)

    def show_table(self, table: pd.DataFrame, caption: str) -> None:
        """Display a table with a caption and no index; its rows' documents become numbered links.

        Columns whose names start with "_source" hold source ids (one, or a tuple of several); they are
        printed as one "sources" column of links to the source list. Other "_" columns are not printed.
        """
        from IPython.display import display

        source_columns = [column for column in table.columns if str(column).startswith("_source")]
        shown = table[[column for column in table.columns if not str(column).startswith("_")]].copy()
        links, row_sources = None, None
        if source_columns:
            row_sources = [
                _in_list_order(self.data, _ids_in(row)) for row in table[source_columns].itertuples(index=False)
            ]
            links = [self.cite(ids) for ids in row_sources]
        self.shown_words += [caption, *(" ".join(row) for row in cell_texts(shown))]
        block = {
            "kind": "table",
            "caption": caption,
            "columns": [str(column) for column in shown.columns],
            "rows": cell_texts(shown),
            "source_ids": row_sources,
            "row_ids": [str(value) for value in table["_row_id"]] if "_row_id" in table else None,
        }
        anchors = None
        if block["row_ids"]:
            # A fact shown twice on a page is the target of its first row only: ids stay unique.
            anchors = [None if row_id in self.anchors else row_id for row_id in block["row_ids"]]
            self.anchors.update(block["row_ids"])
        display({"text/html": table_html(shown, caption, links, anchors), BLOCK_MIME: block}, raw=True)

    def say(self, markdown: str) -> None:
        """Display narrative whose numbers come from the data (Markdown)."""
        from IPython.display import display

        if not markdown.strip():  # a finding with nothing to say (no such event on record) prints nothing
            return
        # Markdown passes inline HTML through, so a citation reads the same here as in a table.
        self.shown_words.append(markdown)
        screen = CITATION.sub(lambda match: " " + self.cite(citation_ids(match.group(1))), markdown)
        display({"text/markdown": screen, BLOCK_MIME: {"kind": "markdown", "markdown": markdown}}, raw=True)

    def show_glossary(self) -> None:
        """The abbreviations this report has used so far, spelled out (none it has not used)."""
        from nato_russia.narrative import glossary

        self.say(glossary("\n".join(self.shown_words)) or "The report uses no abbreviation that needs spelling out.")

    def expect(self, what: str, actual, expected) -> None:
        """Fail the run loudly when a fact the prose cites no longer holds in the data."""
        if actual != expected:
            raise FactCheckError(
                f"The narrative says {what} is {expected!r}, but the data now give {actual!r}: "
                "update the text or the data."
            )

    def show_sources(self) -> None:
        """List, numbered as cited, every document the shown charts and tables cite."""
        from IPython.display import display

        for source_id in self.listed_only:
            self._number(source_id)
        ordered = [source_id for source_id, _ in sorted(self.source_numbers.items(), key=lambda item: item[1])]
        block = {"kind": "sources", "entries": source_entries(self.data, ordered)}
        listing = sources_html(self.data, self.source_numbers, self._anchor, self._sources_anchor())
        display({"text/html": listing, BLOCK_MIME: block}, raw=True)


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
    """The chart as PNG at print resolution (200 dpi: sharp on A4 at full text width), laid out once.

    `savefig(bbox_inches="tight")` lays a constrained-layout figure out twice (a draw to find the tight box,
    then the draw that renders, which runs the layout again). Here the layout runs once at 200 dpi, the tight
    box is taken from it, the positions are frozen (no layout engine) and the figure is rendered once into
    that box: the same picture as the tight save, for about half the work.
    """
    figure = chart.figure
    figure.set_dpi(200)
    figure.draw_without_rendering()  # constrained layout, once
    pad = plt.rcParams["savefig.pad_inches"]
    box = figure.get_tightbbox(figure.canvas.get_renderer()).padded(pad)
    figure.set_layout_engine("none")  # keep the positions just computed
    figure._report_box = box  # the SVG of the same chart is cut to the same box
    buffer = io.BytesIO()
    # No metadata: matplotlib writes no time into a PNG, and the Software entry is left out too.
    figure.savefig(buffer, format="png", dpi=200, bbox_inches=box, metadata={"Software": None})
    return buffer.getvalue()


def svg_markup(chart: Chart) -> str:
    """The chart as inline SVG for the screen edition, after `png_bytes` has laid it out.

    Each mark (a marker, bar or lane segment standing for a fact) carries a <title>, which a browser shows
    when the pointer rests on it, and links to the fact's row where it has one: no script, no outside
    request. Fixed ids and no date keep the bytes the same from the same inputs.
    """
    figure = chart.figure
    for number, mark in enumerate(chart.marks):
        mark.artist.set_gid(f"{chart.name}-mark-{number}")
        if mark.anchor:
            mark.artist.set_url(f"#{mark.anchor}")
            if hasattr(mark.artist, "set_urls"):  # a collection (bars of a lane, a scatter) links per element
                mark.artist.set_urls([f"#{mark.anchor}"])
    box = getattr(figure, "_report_box", None)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches=box, metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    for number, mark in enumerate(chart.marks):
        gid = f"{chart.name}-mark-{number}"
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{html.escape(mark.title)}</title>', 1)
    svg = svg[svg.index("<svg") :]  # no XML declaration or doctype inside HTML
    svg = svg.replace(' target="_blank"', "")  # a fact's row is on the same page
    label = html.escape(chart.alt_text, quote=True)
    svg = re.sub(r"<svg\b", f'<svg role="img" aria-label="{label}" class="chart-svg"', svg, count=1)
    return svg


def inline_svg(svg: str) -> str:
    """An SVG for inline use in HTML: sized by its viewBox and the page (CSS), not by fixed points."""
    return re.sub(r'(<svg\b[^>]*?)\swidth="[^"]*pt"\s+height="[^"]*pt"', r"\1", svg, count=1)


def figure_html(chart: Chart, svg: str, caption: str) -> str:
    """A chart as a self-contained <figure>: the inline SVG (its alt text as its label) and its caption (HTML).

    The SVG's marks name their facts under the pointer and link to their rows; keyboard and screen-reader
    users have the same in the table each chart comes with.
    """
    return f'<figure class="chart" id="fig-{chart.name}">{inline_svg(svg)}<figcaption>{caption}</figcaption></figure>'


# "28 May 2002" or "Oct 2021" inside a cell: kept on one line, since a date broken over three reads badly.
_DATE_IN_TEXT = re.compile(r"\b(?:(\d{1,2}) )?([A-Z][a-z]{2}) (\d{4})\b")


def _unbreakable_dates(text: str) -> str:
    return _DATE_IN_TEXT.sub(lambda match: match.group(0).replace(" ", "\u00a0"), text)


def table_html(
    table: pd.DataFrame, caption: str, source_links: list[str] | None = None, anchors: list[str | None] | None = None
) -> str:
    """A table as a captioned <figure>: no index, dates kept on one line, and a column of source links.

    With `anchors`, each row takes its fact's id, so a reader can link to it, and its first cell a small
    link mark pointing at itself.
    """
    shown = table.copy()
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.strftime("%-d %b %Y").fillna("—")
    shown = shown.astype(object).where(shown.notna(), "—")
    shown = shown.map(lambda value: _unbreakable_dates(html.escape(str(value))))
    if source_links is not None:
        shown["sources"] = [links or "—" for links in source_links]
    if anchors is not None:
        first = shown.columns[0]
        shown[first] = [
            value
            if anchor is None
            else f'<a class="row-link" href="#{anchor}" aria-label="Link to this row">#</a> {value}'
            for value, anchor in zip(shown[first], anchors)
        ]
    body = shown.to_html(index=False, border=0, classes="data-table", escape=False)
    if anchors is not None:
        body = _with_row_ids(body, anchors)
    return f'<figure class="table"><figcaption>{html.escape(caption)}</figcaption>{body}</figure>'


def _with_row_ids(body: str, anchors: list[str | None]) -> str:
    """The body rows of a pandas HTML table, in order, each given its anchor as id (None: no id)."""
    ids = iter(anchors)

    def opening(_match) -> str:
        anchor = next(ids)
        return f'<tr id="{anchor}">' if anchor else "<tr>"

    return re.sub(r"<tr>(?=\s*<td)", opening, body)


#: Where an edition keeps its charts' data, relative to its HTML (the publishing step writes the files there).
CHART_DATA_DIR = "data"


def stem_for_data(notebook: str, chart_name: str) -> str:
    """The file name (without suffix) of a chart's data: unique within a volume, stable across editions."""
    return f"{notebook}-{chart_name}"


def chart_data_links(stem: str) -> str:
    """The links under a chart to the data it draws (CSV) and to what it rests on (JSON), relative to the page."""
    base = f"{CHART_DATA_DIR}/{stem}"
    return (
        f' <span class="chart-data">The data drawn: <a href="{base}.csv" download>CSV</a>, with its sources and '
        f'dates in <a href="{base}.json" download>JSON</a>.</span>'
    )


def chart_data_records(chart: Chart) -> dict:
    """A chart's drawn data as columns and rows of text (the form a CSV takes), for the block."""
    frame = chart.data.astype(object).where(chart.data.notna(), "")
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": [[str(v) for v in row] for row in frame.itertuples(index=False)],
    }


def cell_texts(table: pd.DataFrame) -> list[list[str]]:
    """A table's cells as the text a reader sees (dates as '6 Oct 2021', blanks as '—')."""
    shown = table.copy()
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.strftime("%-d %b %Y")
    shown = shown.astype(object).where(shown.notna(), "—")
    return [[str(value) for value in row] for row in shown.itertuples(index=False)]


def source_entries(data: Dataset, source_ids: list[str]) -> list[dict]:
    """What a source list prints of each document, as data: title, author, publisher, date, address."""
    sources = data.sources.set_index("source_id")
    entries = []
    for source_id in source_ids:
        row = sources.loc[source_id]
        entries.append(
            {
                "id": source_id,
                # A headline's own closing full stop would print as "hotline., Kyiv Independent" (not "U.S.").
                "title": re.sub(r"(?<=[a-z]{2})\.$", "", str(row.title).strip()),
                "author": None if pd.isna(row.author) else row.author,
                "publisher": row.publisher,
                "date": analysis.format_long_date(row.published_date, row.published_precision),
                "url": row.url,
                "address": printed_address(row.url),
                "where": where_cited(data, source_id),
                "title_english": None if pd.isna(row.title_english) else row.title_english,
                "language": row.language,
                "type": row.source_type,
            }
        )
    return entries


def _ids_in(values) -> list[str]:
    """The source ids in a row's source cells, each cell holding one id, a tuple of ids or nothing."""
    ids = []
    for value in values:
        if isinstance(value, tuple):
            ids.extend(value)
        elif isinstance(value, str):
            ids.append(value)
    return ids


#: A chart's caption names at most this many documents (official texts first), then "and N more".
CAPTION_SOURCES = 4


def _primary_first(data: Dataset, source_ids) -> list[str]:
    """Source ids with official texts first, then wires, newspapers and the rest; oldest first within each."""
    sources = data.sources.set_index("source_id")
    ids = [source_id for source_id in set(source_ids) if source_id in sources.index]
    return sorted(
        ids,
        key=lambda source_id: (
            analysis.source_rank(sources, source_id),
            sources.at[source_id, "published_date"],
            source_id,
        ),
    )


def printed_address(url: str) -> str:
    """A web address as print shows it: whole, so a reader of the paper copy can type it (percent-encoding
    decoded, so a Cyrillic path reads as text; a host's trailing dot dropped)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    host = parts.netloc.rstrip(".")
    return unquote(f"{parts.scheme}://{host}{parts.path}" + (f"?{parts.query}" if parts.query else ""))


#: The longest "where in the document" a source entry prints; the full locators are in citations.csv.
WHERE_LIMIT = 160


# A locator that is only paragraph numbers ("para. 3", "paras. 1-2 and 5"): merged into one "paras 1–3 and 5".
_PARAGRAPHS = re.compile(r"^paras?\.?\s+((?:\d+\s*(?:[-–]\s*\d+)?\s*(?:,|and|&)?\s*)+)$", re.I)


def _paragraph_words(numbers: set[int]) -> str:
    """'paras 1–3 and 5', 'para. 4': paragraph numbers as runs."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    words = [f"{first}" if first == last else f"{first}–{last}" for first, last in runs]
    listed = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
    return ("para. " if len(numbers) == 1 else "paras ") + listed


def where_cited(data: Dataset, source_id: str) -> str | None:
    """Where in a document the record's facts are ("paras 1–3 and 5; sec. 'Relations'"): the citations'
    locators without their explanatory notes in brackets, the paragraph numbers merged, each place once
    (however its locators spell it), whole places only, and a count of any left over when the list is long."""
    locators = data.citations.loc[data.citations["source_id"] == source_id, "locator"].dropna().astype(str)
    numbers: set[int] = set()
    places: dict[str, str] = {}
    for locator in locators:
        for part in re.split(r";\s*", re.sub(r"\s*\([^)]*\)", "", locator)):
            part = re.sub(r"\bparas\.", "paras", part.strip(" ;,."))
            part = re.sub(r"(?<=\d)-(?=\d)", "–", part)
            if not part:
                continue
            only_numbers = _PARAGRAPHS.match(part)
            if only_numbers:
                for first, last in re.findall(r"(\d+)(?:\s*[-–]\s*(\d+))?", only_numbers.group(1)):
                    numbers.update(range(int(first), int(last or first) + 1))
                continue
            # "para. on 'First, …'" and "para. 'First, …'" are one place.
            places.setdefault(re.sub(r"\b(on|the)\b|\W", "", part.lower()), part)
    parts = ([_paragraph_words(numbers)] if numbers else []) + list(places.values())
    text, shown = "", 0
    for part in parts:
        candidate = f"{text}; {part}" if text else part
        if text and len(candidate) > WHERE_LIMIT:
            break
        text, shown = candidate, shown + 1
    left = len(parts) - shown
    if left:
        text += f"; and {number_word(left)} other place{'s' if left > 1 else ''}"
    return text or None


def _in_list_order(data: Dataset, source_ids) -> list[str]:
    """Source ids in a stable order (oldest document first), so numbers are given the same way every run."""
    dates = data.sources.set_index("source_id")["published_date"]
    return sorted(set(source_ids), key=lambda source_id: (dates.get(source_id, pd.Timestamp.max), source_id))


def sources_html(data: Dataset, numbers: dict[str, int], anchor, list_anchor: str = "") -> str:
    """The numbered source list, in the order the sources were first cited."""
    ordered = sorted(numbers.items(), key=lambda item: item[1])
    entries = source_entries(data, [source_id for source_id, _ in ordered])
    return list_html(
        [entry_html(entry, number, anchor(number)) for entry, (_, number) in zip(entries, ordered)], list_anchor
    )


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
