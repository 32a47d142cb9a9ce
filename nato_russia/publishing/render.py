"""Turn executed notebooks into one self-contained HTML document (the screen edition) and a PDF (print).

Everything runs in-process. The HTML: nbconvert's HTMLExporter with the project's own template
(nato_russia/templates/report, no scripts, no CDN). The PDF: typeset with Typst from the structured
blocks the outputs carry (publishing/typeset.py, look decided by templates/report.typ), never from the
HTML, then read back (check_pdf) before it is published.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from nato_russia import paths
from nato_russia.publishing.citation import citation_text
from nato_russia.publishing.typeset import TypesetError  # re-exported: a PDF that cannot be typeset fails

__all__ = ["PdfCheckFailed", "Stamp", "TypesetError"]

#: Cells removed entirely: papermill's injected values and the defaults they override.
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}

TEMPLATE_NAME = "report"
SCREEN_CSS = "report.css"
EDITIONS_CSS = "editions.css"  # the changes section, the archive and the front page

#: Where a published report finds the feed (reports/<variant>/<variant>.html -> reports/feed.xml).
FEED_HREF = "../feed.xml"

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX = re.compile(r"^(#{1,6})(\s)")


@dataclass
class Stamp:
    """What the colophon and the running header say about one build."""

    title: str
    as_of: str
    parameters: dict
    data_hash: str
    input_hash: str
    commit: str
    built_at: str
    versions: dict
    today: str = ""  # the build's date, which a blank as_of stands for
    pinned: bool = False  # as_of fixed in reports.yaml (not moving with the build's date)
    source_date: str = ""  # the date inside the files: from the inputs, never the clock (inputs.source_date)
    publisher: str = ""
    report_errors_to: str = ""  # how a reader reports an error (reports.yaml's settings)
    base_url: str = ""  # where reports/ is served: an edition's permanent address is under it
    variant: str = ""
    citation: dict | None = None  # the edition's citation (CSL-JSON item), once the worker has read or made it


def _shift_headings(source: str, by: int, drop_first_h1: bool = False) -> tuple[str, str | None]:
    """Move Markdown ATX headings `by` levels down (fenced code untouched); maybe lift the first h1 out."""
    out, fenced, lifted = [], False, None
    for line in source.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        match = None if fenced else _ATX.match(line)
        if match:
            if drop_first_h1 and lifted is None and len(match.group(1)) == 1:
                lifted = line[2:].strip()
                continue
            level = min(6, len(match.group(1)) + by)
            line = "#" * level + line[len(match.group(1)) :]
        out.append(line)
    return "\n".join(out).strip("\n"), lifted


def prepare(nb, *, chapter: str, several: bool, log=print, prefix: str = ""):
    """Copy of an executed notebook fit for the report; returns (notebook, its h1 title or None).

    Removes the parameters cells, the code of every cell (by dropping cells left with no
    output), and stream outputs — print() chatter and warnings are for the build log, so
    they go to `log` instead of the reader. In a merged report each notebook's headings
    move one level down, so its title becomes a chapter (h2) in the table of contents; in a
    single-notebook report the notebook's own h1 gives way to the report's title.
    """
    nb = copy.deepcopy(nb)
    cells, title = [], None
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        if cell.cell_type == "code":
            kept = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    for line in output.get("text", "").rstrip("\n").splitlines():
                        log(f"{chapter} [{output.get('name')}] {line}")
                else:
                    kept.append(output)
            cell.outputs = kept
            if not kept:
                continue
        elif cell.cell_type == "markdown":
            if several:
                cell.source, _ = _shift_headings(cell.source, 1)
            elif title is None:
                cell.source, title = _shift_headings(cell.source, 0, drop_first_h1=True)
                if not cell.source.strip():
                    continue
        if cell.get("id"):
            cell.id = f"{prefix or chapter}-{cell.id}"[:64]  # unique across merged notebooks
        cells.append(cell)
    if several and cells:
        cells[0].setdefault("metadata", {}).setdefault("tags", []).append("chapter-start")
    nb.cells = cells
    return nb, title


def merge(notebooks: list):
    """One notebook holding the cells of `notebooks` in order (metadata from the first)."""
    import nbformat

    merged = nbformat.v4.new_notebook(metadata=copy.deepcopy(notebooks[0].metadata))
    for nb in notebooks:
        merged.cells.extend(nb.cells)
    merged.metadata.pop("papermill", None)
    if len(notebooks) > 1:
        number_sources_once(merged)
    return merged


_CITES = re.compile(r'<span class="cites" data-sources="([^"]*)">.*?</span>', re.S)
_LIST_LINK = re.compile(r'href="#sources-[^"]+"')


def _sources_block(cell) -> dict | None:
    from nato_russia.publishing.typeset import BLOCK_MIME

    for output in cell.get("outputs", []):
        block = output.get("data", {}).get(BLOCK_MIME)
        if isinstance(block, dict) and block.get("kind") == "sources":
            return block
    return None


def _reviewed_to(notebooks) -> str | None:
    """The record's review date as the report's charts carry it (ISO), if any chart does."""
    from nato_russia.publishing.typeset import BLOCK_MIME

    for nb in notebooks:
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []):
                block = output.get("data", {}).get(BLOCK_MIME)
                if isinstance(block, dict) and block.get("reviewed_to"):
                    return str(block["reviewed_to"])[:10]
    return None


def _reviewed_words(notebooks, stamp: Stamp) -> str:
    """'1 July 2026' when the record's review date is older than the edition, else '' (nothing to say)."""
    reviewed = _reviewed_to(notebooks)
    return human_date(reviewed) if reviewed and stamp.as_of and reviewed < str(stamp.as_of) else ""


def number_sources_once(nb) -> None:
    """Number a merged volume's sources once, in the order a reader first meets them, with one list at the end.

    Each chapter numbered its own sources (so [1] meant a different document in every chapter); here every
    citation is rewritten from the ids it carries, the chapters' lists and their headings are dropped, and
    one list follows the last chapter, headed as the first chapter headed its own.
    """
    import nbformat

    from nato_russia.citing import citation_html, entry_html, list_html

    numbers: dict[str, int] = {}
    entries: dict[str, dict] = {}

    def anchor(number: int) -> str:
        return f"source-{number}"

    def renumber(text: str) -> str:
        def cites(match) -> str:
            ids = match.group(1).split()
            for source_id in ids:
                numbers.setdefault(source_id, len(numbers) + 1)
            return citation_html(ids, numbers, anchor)

        return _LIST_LINK.sub('href="#sources"', _CITES.sub(cites, text))

    listed_only: list[str] = []  # ids of captions' "and N more": numbered after every cited one
    _MORE = re.compile(r'<span class="more-sources" data-sources="([^"]*)">')
    kept, heading = [], None
    for index, cell in enumerate(nb.cells):
        following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if cell.cell_type == "markdown" and following is not None and _sources_block(following) is not None:
            heading = heading or cell.source  # the list's heading and words, from the first chapter
            continue
        block = _sources_block(cell) if cell.cell_type == "code" else None
        if block is not None:
            for entry in block["entries"]:
                entries.setdefault(str(entry["id"]), entry)
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/html", "text/markdown"):
                if isinstance(data.get(mime), str):
                    for ids in _MORE.findall(data[mime]):
                        listed_only.extend(i for i in ids.split() if i not in listed_only)
                    data[mime] = renumber(data[mime])
        kept.append(cell)
    for source_id in listed_only:  # a caption's "and N more", then anything else a chapter listed
        numbers.setdefault(source_id, len(numbers) + 1)
    for source_id in entries:  # listed by a chapter but cited nowhere in print: kept, after the cited ones
        numbers.setdefault(source_id, len(numbers) + 1)
    items = [
        entry_html(entries[i], numbers[i], anchor(numbers[i])) for i in sorted(numbers, key=numbers.get) if i in entries
    ]
    if heading is not None:
        text, _ = _shift_headings(heading, -1)
        kept.append(nbformat.v4.new_markdown_cell(text))
    listing = nbformat.v4.new_code_cell("run.show_sources()")  # an empty cell would not be exported
    listing.outputs = [nbformat.v4.new_output("display_data", data={"text/html": list_html(items, "sources")})]
    kept.append(listing)
    nb.cells = kept


def _css() -> str:
    names = (SCREEN_CSS, EDITIONS_CSS)
    return "\n".join((paths.TEMPLATES_DIR / name).read_text(encoding="utf-8") for name in names)


_FEED_LINK = re.compile(r"<link\b[^>]*application/atom\+xml[^>]*>")


def with_feed_href(html_text: str, href: str) -> str:
    """The same document announcing the feed at `href` (an edition's copy sits three folders deeper)."""

    def relink(match):
        return re.sub(r'\bhref="[^"]*"', f'href="{html.escape(href, quote=True)}"', match.group(0), count=1)

    return _FEED_LINK.sub(relink, html_text, count=1)


_HEADING = re.compile(r"<h([23])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)
_ANY_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return slug or "section"


def add_heading_ids(body: str) -> str:
    """Give every heading without an id a unique, readable one, so the contents can link to it.

    nbconvert only writes heading ids together with its visible ¶ anchor links, which the
    report leaves out.
    """
    used = set(re.findall(r'\bid="([^"]+)"', body))

    def name(match):
        level, attrs, inner = match.groups()
        if re.search(r"\bid=", attrs or ""):
            return match.group(0)
        base = _slug(html.unescape(_TAG.sub("", inner)))
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        return f'<h{level}{attrs} id="{anchor}">{inner}</h{level}>'

    return _ANY_HEADING.sub(name, body)


_TABLE = re.compile(r"(<table\b)([^>]*)(>.*?</table>)", re.S)

#: A table at most this long (rows, characters of text) is kept on one page in print; a longer one breaks
#: between rows, since moving it whole to the next page would leave a mostly blank page behind.
KEEP_ROWS, KEEP_CHARS = 6, 600


def mark_short_tables(body: str) -> str:
    """Class short tables "keep" so print CSS keeps them on one page; long ones split between rows.

    Also lets long identifiers in cells wrap at underscores.

    A table taller than the page cannot be kept whole: asking for it would push it to a new
    page (leaving its heading and caption behind on a mostly blank one) and split it anyway.
    """

    def mark(match):
        opening, attrs, rest = match.groups()
        # Ids like els_stoltenberg_lavrov have no break point, so a column of them would run
        # off the page; an invisible <wbr> after each underscore lets them wrap there.
        rest = re.sub(r">([^<]*_[^<]*)<", lambda m: ">" + m.group(1).replace("_", "_<wbr>") + "<", rest)
        rows = len(re.findall(r"<tr\b", rest))
        chars = len(_TAG.sub("", rest).split()) and len(" ".join(_TAG.sub(" ", rest).split()))
        if rows > KEEP_ROWS or chars > KEEP_CHARS:
            return opening + attrs + rest
        if 'class="' in attrs:
            attrs = attrs.replace('class="', 'class="keep ', 1)
        else:
            attrs += ' class="keep"'
        return opening + attrs + rest

    return _TABLE.sub(mark, body)


def table_of_contents(body: str) -> str:
    """A nested <nav> list of the h2/h3 headings in `body` (which nbconvert gave ids)."""
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = html.unescape(_TAG.sub("", inner)).strip().rstrip("¶").strip()
        if text:
            items.append((int(level), anchor, text))
    if not items:
        return ""
    out = ['<nav class="toc" aria-label="Contents">', '<p class="toc-title">Contents</p>', "<ol>"]
    open_sub = False
    for level, anchor, text in items:
        if level == 3 and not open_sub:
            out.append("<ol>")
            open_sub = True
        elif level == 2 and open_sub:
            out.append("</ol></li>")
            open_sub = False
        elif level == 2 and len(out) > 3:
            out.append("</li>")
        link = f'<a href="#{html.escape(anchor, quote=True)}">{html.escape(text)}</a>'
        out.append(f"<li>{link}</li>" if level == 3 else f"<li>{link}")
    out.append("</ol></li>" if open_sub else "</li>")
    out.append("</ol></nav>")
    return "\n".join(out)


_ROW_ID = re.compile(r'<tr id="([^"]+)"')


def unique_ids(body: str) -> str:
    """Each row anchor once per page: in a merged volume a fact shown in two chapters is the target of the first."""
    seen: set[str] = set()

    def first_only(match) -> str:
        anchor = match.group(1)
        if anchor in seen:
            return "<tr"
        seen.add(anchor)
        return match.group(0)

    return _ROW_ID.sub(first_only, body)


_INTERNAL_LINK = re.compile(r'\s(?:xlink:)?href="#([^"]+)"')


def links_that_land(body: str) -> str:
    """Drop in-page links whose target is not on the page (a chart's mark or a change whose row this report
    does not list), so no link leads nowhere; the text or mark stays."""
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    return _INTERNAL_LINK.sub(lambda match: match.group(0) if match.group(1) in ids else "", body)


def human_date(iso: str) -> str:
    """'2021-10-19' as readers write it, '19 October 2021'; anything else unchanged."""
    try:
        day = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    return f"{day.day} {day:%B %Y}"


def to_html(nb, stamp: Stamp, subtitle: str | None = None, changes: str = "") -> str:
    """Export a prepared notebook to a self-contained HTML document with the report template.

    `changes` is the HTML of the "Since the last edition" section that opens the report (or "").
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(paths.TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        exclude_raw=True,
        exclude_unknown=True,
    )
    resources = {
        "report": {
            "title": stamp.title,
            "subtitle": subtitle if subtitle and subtitle != stamp.title else "",
            "as_of": human_date(stamp.as_of),
            "reviewed": _reviewed_words([nb], stamp),
            "css": _css(),
            "stamp": stamp,
            "today": stamp.today,
            "pinned": stamp.pinned,
            "feed_href": FEED_HREF,
            "changes": changes,
            "colophon": colophon_fields(stamp, _reviewed_words([nb], stamp)),
            # An empty parameter (a blank data_dir: the default) says nothing to a reader.
            "parameters": sorted((name, value) for name, value in stamp.parameters.items() if value != ""),
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    main_start = body.find("<main")
    head, main = body[:main_start], mark_short_tables(add_heading_ids(body[main_start:]))
    # An output's own <script> (an interactive chart, say) would run in readers' browsers and
    # may load code from a CDN; the report is static, so scripts are dropped.
    main = _SCRIPT.sub("", main)
    main = links_that_land(unique_ids(main))
    return head.replace("<!--REPORT-TOC-->", table_of_contents(main), 1) + main


class PdfCheckFailed(RuntimeError):
    """A written PDF is not what a reader who has only the PDF needs (PDF/UA-1 or its attached data)."""


def evidence_files(data_dir: Path) -> list[Path]:
    """The files attached to each PDF: the data descriptor and every table of the data package it was built from."""
    data_dir = Path(data_dir)
    return [data_dir / "datapackage.json"] + sorted(data_dir.glob("*.csv"))


def _walk(node, seen=None):
    """Every structure element under `node` (a pypdf dictionary), each once."""
    seen = set() if seen is None else seen
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids if isinstance(kids, list) else [kids]
    for kid in kids:
        ref = getattr(kid, "idnum", None)
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if not isinstance(kid, dict) or "/S" not in kid or (ref is not None and ref in seen):
            continue
        if ref is not None:
            seen.add(ref)
        yield kid
        yield from _walk(kid, seen)


def header_scope(element) -> str | None:
    """The /Scope a table header cell's attributes give it ("/Column", "/Row", "/Both"), or None."""
    attributes = element.get("/A")
    attributes = attributes.get_object() if hasattr(attributes, "get_object") else attributes
    for entry in attributes if isinstance(attributes, list) else [attributes]:
        entry = entry.get_object() if hasattr(entry, "get_object") else entry
        if isinstance(entry, dict) and entry.get("/O") == "/Table" and entry.get("/Scope"):
            return str(entry["/Scope"])
    return None


_HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Title"}


def _marks_content(node, depth: int = 0) -> bool:
    """Whether a structure element reaches marked content (an MCID, a marked-content or object reference)."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, int) and not isinstance(node, bool):
        return True
    if isinstance(node, list):
        return any(_marks_content(kid, depth + 1) for kid in node)
    if not isinstance(node, dict) or depth > 50:
        return False
    if node.get("/Type") in ("/MCR", "/OBJR"):
        return True
    kids = node.get("/K")
    return kids is not None and _marks_content(kids, depth + 1)


def _unembedded_fonts(reader) -> set[str]:
    """Names of the fonts some page uses without carrying the font program."""
    missing = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.get_object().values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type3":
                continue
            if descriptor is None or not any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                missing.add(str(font.get("/BaseFont")))
    return missing


def check_pdf(path: Path, attachments: list[Path] = ()) -> None:
    """Read the PDF back and raise PdfCheckFailed, in one sentence, unless it is PDF/UA-1 and carries its data.

    Checked: PDF/UA-1 declared in its XMP metadata, a language, a title displayed, a structure tree, alt
    text on every figure, header cells with their scope in every table, no empty heading, every font
    embedded, bookmarks,
    and attachments byte for byte equal to the files they came from.
    """
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    problems = []
    xmp = root.get("/Metadata")
    xmp_text = xmp.get_object().get_data().decode("utf-8", "replace") if xmp is not None else ""
    if "pdfuaid:part>1<" not in xmp_text and 'pdfuaid:part="1"' not in xmp_text:
        problems.append("it does not declare PDF/UA-1")
    if not str(root.get("/Lang", "")).strip():
        problems.append("it has no language")
    if not (reader.metadata and (reader.metadata.title or "").strip()):
        problems.append("it has no title")
    prefs = root.get("/ViewerPreferences")
    if not (prefs and prefs.get_object().get("/DisplayDocTitle")):
        problems.append("its title is not displayed")
    tree = root.get("/StructTreeRoot")
    elements = list(_walk(tree.get_object())) if tree is not None else []
    if not elements:
        problems.append("it has no structure tree")
    figures = [e for e in elements if e["/S"] == "/Figure"]
    if any(not str(e.get("/Alt", "")).strip() for e in figures):
        problems.append(f"{sum(not str(e.get('/Alt', '')).strip() for e in figures)} figure(s) have no alt text")
    for table in (e for e in elements if e["/S"] == "/Table"):
        headers = [e for e in _walk(table) if e["/S"] == "/TH"]
        if not headers:
            problems.append("a table has no header cells")
            break
        if any(header_scope(e) is None for e in headers):
            problems.append("a table's header cells do not say what they head (no /Scope)")
            break
    empty = [e for e in elements if str(e["/S"]) in _HEADINGS and not _marks_content(e)]
    if empty:
        problems.append(f"{len(empty)} heading(s) have no content")
    unembedded = sorted(_unembedded_fonts(reader))
    if unembedded:
        problems.append(f"fonts not embedded: {', '.join(unembedded[:3])}")
    if not reader.outline:
        problems.append("it has no bookmarks")
    attached = {name: contents[0] for name, contents in reader.attachments.items()}
    expected = {p.name: p.read_bytes() for p in attachments}
    if attached != expected:
        wrong = sorted(set(attached) ^ set(expected)) or sorted(n for n in expected if attached[n] != expected[n])
        problems.append(f"its attachments differ from the data it was built from ({', '.join(wrong[:3])})")
    if problems:
        raise PdfCheckFailed(f"{path.name} fails the PDF/UA-1 and attachment check: " + "; ".join(problems))


#: What the PDF's metadata says the report is about (its subject is the title, the as-of date and this).
PDF_DESCRIPTION = (
    "how cooperation and contact between NATO and Russia were cut, from sourced, dated facts. "
    "The data tables it was built from are attached to the PDF."
)
#: Said of an edition pinned to an earlier day: the attached tables are the whole record (so the edition can be
#: rebuilt byte for byte), which holds later events the edition itself does not use.
PINNED_DATA_NOTE = (
    "They are the whole record as reviewed, later events included, so that the edition can be rebuilt; the "
    "edition itself uses only the documents published by its as-of date."
)


def situation_words(as_of: str, reviewed: str) -> str:
    """What the page head says after "As of": the day the facts describe, then the edition's own day when the
    record's review is older ("1 July 2026 (the record's review date); edition of 3 December 2026")."""
    if as_of and reviewed:
        return f"{reviewed} (the record's review date); edition of {as_of}"
    return as_of


PDF_KEYWORDS = (
    "NATO",
    "Russia",
    "NATO–Russia Council",
    "diplomatic missions",
    "military lines of contact",
    "sanctions and expulsions",
)


#: The reuse terms every colophon prints (LICENSE for the code; datapackage.json for the data).
LICENCE = "Data: CC BY 4.0. Code: MIT."


def _moment(iso: str) -> str:
    """'2026-12-03T11:17:59Z' as readers write it, '3 December 2026, 11:17 UTC' (a date alone, or anything else,
    as human_date gives it)."""
    try:
        when = dt.datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return human_date(str(iso)[:10])
    when = when.astimezone(dt.UTC) if when.tzinfo else when
    return f"{human_date(when.date().isoformat())}, {when:%H:%M} UTC"


def _parameter_words(parameters: dict) -> list[str]:
    """The parameters as a reader reads them: 'period shown: 1 January 2014 to 3 December 2026', 'as of …'."""
    left = {name: value for name, value in parameters.items() if value not in ("", None)}
    words = []
    start, end = left.pop("period_start", ""), left.pop("period_end", "")
    if start and end:
        words.append(f"period shown: {human_date(str(start))} to {human_date(str(end))}")
    elif start or end:
        words.append(f"period shown: {'from ' + human_date(str(start)) if start else 'to ' + human_date(str(end))}")
    if left.get("as_of"):
        words.append(f"edition date: {human_date(str(left.pop('as_of')))}")
    if left.get("data_dir"):
        words.append(f"data read from {left.pop('data_dir')}")
    for name, value in sorted(left.items()):
        shown = human_date(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        words.append(f"{name.replace('_', ' ')}: {shown}")
    return words


def colophon_fields(stamp: Stamp, reviewed: str = "") -> dict:
    """What the colophon prints about a build, in words (the screen's colophon takes the reuse terms from here).
    `reviewed` ('1 July 2026'), when the record's review is older than the edition: the period shown ends there."""
    edition = ""
    built = stamp.source_date[:10]  # the commit's date: the build was made from it, so on it or later
    if stamp.today:
        as_of = human_date(stamp.as_of)
        if not stamp.pinned:
            edition = f"Edition of {as_of}, the day it was built (UTC)."
            if reviewed:
                edition += f" Its facts describe the record as reviewed to {reviewed}."
        elif stamp.as_of and built and stamp.as_of < built:
            edition = (
                f"Edition of {as_of}, a date fixed for this report: it was built later, from the commit of "
                f"{human_date(built)}, and draws only on the documents published by {as_of}."
            )
        else:
            edition = f"Edition of {as_of}, a date fixed for this report."
    # The date inside the files (inputs.source_date): the commit's time, unless the build was given one.
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        whose = "the date given to the build"
    elif stamp.commit in ("", "unknown"):
        whose = "no commit recorded: the as-of date"
    else:
        whose = "the commit's time"
    versions = sorted(stamp.versions.items(), key=lambda item: (item[0] != "python", item[0]))
    return {
        "commit": stamp.commit[:12],
        "commit_time": f"{_moment(stamp.source_date)} ({whose})",
        "source_date": stamp.source_date,
        "edition": edition,
        "parameters": [
            f"{words.rsplit(' to ', 1)[0]} to {reviewed}, the day the record was reviewed to"
            if reviewed and words.startswith("period shown:") and " to " in words
            else words
            for words in _parameter_words(stamp.parameters)
        ],
        "data_hash": stamp.data_hash[:16],
        "input_hash": stamp.input_hash[:16],
        "software": ", ".join(f"{'Python' if name == 'python' else name} {version}" for name, version in versions),
        "publisher": stamp.publisher,
        "licence": LICENCE,
        "report_errors_to": stamp.report_errors_to,
        "cite": citation_text(stamp.citation) if stamp.citation else "",
        "address": stamp.citation["URL"] if stamp.citation else "",
    }


def pdf_typst(
    notebooks: list,
    target: Path,
    stamp: Stamp,
    *,
    subtitle: str | None = None,
    changes: dict | None = None,
    attachments: list[Path] = (),
    chapters: list[str] | None = None,
) -> None:
    """Typeset prepared notebooks (see `prepare`) as a PDF/UA-1 with Typst, `attachments` attached.

    `changes` is the "Since the last edition" section as data (editions.Changes.as_record()), or None for a
    first edition. The look is decided by templates/report.typ; the content comes from the outputs' blocks.
    """
    from nato_russia.publishing import typeset

    names = chapters or [f"notebook {i}" for i in range(1, len(notebooks) + 1)]
    parts = [typeset.chapter_of(nb, name) for nb, name in zip(notebooks, names, strict=True)]
    as_of = human_date(stamp.as_of) if stamp.as_of else ""
    reviewed = _reviewed_words(notebooks, stamp)
    # Every page says the day its facts describe first (the record's review date, when the edition is later),
    # so no reader takes a five-month-old record for the news of the edition's day.
    page_as_of = situation_words(as_of, reviewed)
    said_as_of = f"{reviewed} (edition of {as_of})" if as_of and reviewed else as_of
    meta = {
        "title": stamp.title,
        "subtitle": subtitle if subtitle and subtitle != stamp.title else "",
        "as_of": page_as_of,
        # The title may say its date already ("… the brief as of 19 October 2021"): not said twice.
        "description": f"{stamp.title}{f', as of {said_as_of}' if as_of and as_of not in stamp.title else ''}: "
        f"{PDF_DESCRIPTION}{' ' + PINNED_DATA_NOTE if stamp.pinned else ''}",
        "author": stamp.publisher or stamp.title,
        "keywords": list(PDF_KEYWORDS),
        "date": stamp.source_date[:10] if stamp.source_date else "",
        "attachments": typeset.attachment_records(list(attachments)),
        "changes": changes if changes and changes.get("status") != "first" else None,
        "colophon": colophon_fields(stamp, reviewed),
    }
    document = typeset.build_document(parts, meta=meta)
    typeset.compile_pdf(document, Path(target), list(attachments), stamp.source_date)
