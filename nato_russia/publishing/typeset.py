"""Typeset a report's PDF with Typst from the structured blocks its notebooks' outputs carry.

Each output of the report helpers carries, beside its HTML, a block (mimetype BLOCK_MIME): Markdown
narrative, a table as data, a figure (PNG, alt text, caption, source ids) or a source list as entries.
Markdown cells are narrative too. This module reads those, never the HTML:

- Markdown becomes Typst markup through mistune's syntax tree (a real parser, not patterns);
- citations ("[@id; @other]" in Markdown, the source ids of a table row or a figure) are numbered once
  across the whole document, in order of first appearance, each number a link to its source entry;
  a merged volume gets one source list at the end;
- the document is written as a small Typst file that imports nato_russia/templates/report.typ, the one
  place that decides how a report looks in print, and compiled in-process (the `typst` package) as PDF/UA-1
  with the data package attached, dated from the inputs so that the same inputs give the same bytes.

A missing, blank or unknown block fails the PDF with one sentence (TypesetError) instead of printing a gap.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nato_russia import paths

#: The contract with nato_russia.report (report.BLOCK_MIME; report.CITATION finds the same tokens and ids);
#: a test checks they agree.
BLOCK_MIME = "application/vnd.nato-russia.block+json"
# A citation token with the space before it, if any: printed with exactly one space before its numbers.
CITATION = re.compile(r"\s?\[((?:@[a-z0-9_]+)(?:\s*;\s*@[a-z0-9_]+)*)\]")
TEMPLATE = "report.typ"
PDF_STANDARD = "ua-1"
#: The label of the source list (report.typ's `sources`): a caption's "and N more" links to it.
SOURCE_LIST = "source-list"
#: Outputs that carry nothing for a reader and need no block.
_SILENT = {"text/plain"}
KINDS = {"markdown", "table", "figure", "sources"}
#: The resolution report.png_bytes draws charts at: a PNG prints at its drawn size (its type at its set size).
PNG_DPI = 200

# Characters with a meaning in Typst markup; each is written escaped, so text prints as written.
_MARKUP_SPECIAL = re.compile(r"([\\#*_`$<>@\[\]~=\-+/'\".:;{}])")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


class TypesetError(RuntimeError):
    """The notebooks' outputs cannot be typeset: a missing or malformed block, an unknown source."""


def escape(text: str) -> str:
    """Plain text as Typst markup that prints exactly that text."""
    text = "".join(ch for ch in str(text) if ch in "\n\t" or ord(ch) >= 32)
    return _MARKUP_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def typst_array(items) -> str:
    """A Typst array literal: "()" when empty (a lone comma is a syntax error), "(a,)" for one item."""
    items = list(items)
    return "(" + ", ".join(items) + ",)" if items else "()"


def string(text: str) -> str:
    """A Typst string literal."""
    text = "".join(ch for ch in str(text) if ch in "\n\t" or ord(ch) >= 32)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def printed_address(entry: dict) -> str:
    """The address a source entry prints: its `address` (report.printed_address), whole. Typst breaks a long
    one after a "/" or "-" by itself; no invisible break character is added, so a copied address still works."""
    return str(entry.get("address") or entry.get("url") or "")


# ------------------------------------------------------------------------------------ citations


@dataclass
class Citations:
    """Source ids numbered once across the document, in the order a reader first meets them."""

    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, ids) -> list[int]:
        """The numbers of `ids`, sorted, numbering those not met before."""
        ids = [str(i) for i in ids if i]
        for source_id in ids:
            self.numbers.setdefault(source_id, len(self.numbers) + 1)
        return sorted({self.numbers[i] for i in ids})

    def cite(self, ids) -> str:
        """Typst code for one citation of `ids` (empty for none)."""
        wanted = self.number(ids)
        return f"#cites(({', '.join(map(str, wanted))},))" if wanted else ""


def printed_citation(numbers: list[int]) -> str:
    """A citation as report.typ's `cites` prints it: "[1], [4]–[6]" (a run of three or more as a range)."""
    parts, run = [], []
    for n in [*numbers, None]:
        if run and (n is None or n != run[-1] + 1):
            parts.extend([f"[{run[0]}]–[{run[-1]}]"] if len(run) >= 3 else [f"[{m}]" for m in run])
            run = []
        if n is not None:
            run.append(n)
    return ", ".join(parts)


# ------------------------------------------------------------------------------- Markdown to Typst


def _markdown_parser():
    import mistune

    return mistune.create_markdown(renderer=None, plugins=["strikethrough", "table"])


class Markup:
    """Markdown (mistune's syntax tree) to Typst markup; citations numbered through `citations`."""

    def __init__(self, citations: Citations, heading_offset: int = 0):
        self.citations = citations
        self.heading_offset = heading_offset
        self._parse = _markdown_parser()
        self._tokens: list[list[str]] = []

    def convert(self, markdown: str, where: str) -> str:
        self._tokens = []

        def protect(match):
            self._tokens.append(_citation_ids(match.group(1)))
            return f" \ue000{len(self._tokens) - 1}\ue001"

        self.where = where
        tree = self._parse(CITATION.sub(protect, markdown))
        return self.blocks(tree).strip()

    def blocks(self, nodes, tight: bool = False) -> str:
        out = []
        for node in nodes:
            kind = node["type"]
            if kind == "blank_line":
                continue
            if kind == "heading":
                level = node["attrs"]["level"] - 1 + self.heading_offset
                body = self.inline(node["children"])
                out.append(("=" * max(1, level)) + " " + body)
            elif kind == "paragraph" or kind == "block_text":
                out.append(self.inline(node["children"]))
            elif kind == "list":
                out.append(self.list(node))
            elif kind == "block_quote":
                out.append("#quote(block: true)[" + self.blocks(node["children"]) + "]")
            elif kind == "thematic_break":
                out.append("#line(length: 100%, stroke: 0.5pt + luma(200))")
            elif kind == "block_code":
                out.append("#raw(block: true, " + string(node.get("raw", "").rstrip("\n")) + ")")
            elif kind == "table":
                out.append(self.table(node))
            else:
                raise TypesetError(f"{self.where}: Markdown the PDF cannot print ({kind})")
        return ("\n" if tight else "\n\n").join(part for part in out if part)

    def list(self, node) -> str:
        ordered = node["attrs"].get("ordered")
        start = node["attrs"].get("start", 1) or 1
        items = []
        for i, item in enumerate(node["children"]):
            body = self.blocks(item["children"], tight=True)
            # Each line of an item's body is indented under its marker.
            body = body.replace("\n", "\n  ")
            marker = "+ " if ordered and start == 1 else (f"{start + i}. " if ordered else "- ")
            items.append(marker + body)
        return "\n".join(items)

    def table(self, node) -> str:
        head = node["children"][0]
        body = node["children"][1] if len(node["children"]) > 1 else {"children": []}
        columns = [self.inline(cell["children"]) for cell in head["children"]]
        rows = [[self.inline(cell["children"]) for cell in row["children"]] for row in body["children"]]
        cells = typst_array(f"[{c}]" for c in columns)
        data = typst_array(typst_array(f"[{c}]" for c in row) for row in rows)
        return f"#data-table(columns: {cells}, rows: {data}, widths: {len(columns)})"

    def inline(self, nodes) -> str:
        out = []
        for node in nodes:
            kind = node["type"]
            if kind == "text":
                out.append(self.text(node["raw"]))
            elif kind == "emphasis":
                out.append("#emph[" + self.inline(node["children"]) + "]")
            elif kind == "strong":
                out.append("#strong[" + self.inline(node["children"]) + "]")
            elif kind == "strikethrough":
                out.append("#strike[" + self.inline(node["children"]) + "]")
            elif kind == "codespan":
                out.append("#raw(" + string(node["raw"]) + ")")
            elif kind == "link":
                out.append(f"#link({string(node['attrs']['url'])})[" + self.inline(node["children"]) + "]")
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "linebreak" or kind == "inline_html" and node["raw"].lower().startswith("<br"):
                out.append(" \\\n")
            else:
                raise TypesetError(f"{self.where}: Markdown the PDF cannot print ({kind}: {node.get('raw', '')!r})")
        return "".join(out)

    def text(self, raw: str) -> str:
        parts, last = [], 0
        for match in _PLACEHOLDER.finditer(raw):
            parts.append(escape(raw[last : match.start()]))
            parts.append(self.citations.cite(self._tokens[int(match.group(1))]))
            last = match.end()
        parts.append(escape(raw[last:]))
        return "".join(parts)


def _citation_ids(inside: str) -> list[str]:
    return [part.strip().lstrip("@") for part in inside.split(";")]


# ------------------------------------------------------------------------------- the document


@dataclass
class Chapter:
    """One notebook's part of the document: its items and its source list (entries by id)."""

    items: list[tuple[str, object]]  # ("markdown", text) | ("table", block) | ("figure", block) | ("sources", block)
    where: str


def _check_block(block, where: str) -> dict:
    if not isinstance(block, dict) or block.get("kind") not in KINDS:
        raise TypesetError(f"{where}: an output's block is not one of {sorted(KINDS)}: {str(block)[:80]!r}")
    kind = block["kind"]
    required = {
        "markdown": ("markdown",),
        "table": ("caption", "columns", "rows"),
        "figure": ("name", "alt", "caption"),
        "sources": ("entries",),
    }[kind]
    missing = [key for key in required if key not in block]
    if missing:
        raise TypesetError(f"{where}: a {kind} block lacks {', '.join(missing)}")
    if kind == "markdown" and not str(block["markdown"]).strip():
        raise TypesetError(f"{where}: a markdown block is blank")
    if kind == "figure" and not (str(block["alt"]).strip() and (block.get("png") or block.get("svg"))):
        raise TypesetError(f"{where}: figure {block['name']!r} has no alt text or no image")
    if kind == "table":
        width = len(block["columns"])
        if not width or any(len(row) != width for row in block["rows"]):
            raise TypesetError(f"{where}: table {block['caption']!r} has rows that do not match its columns")
    return block


def chapter_of(nb, where: str) -> Chapter:
    """The items of a prepared notebook (render.prepare: no parameters cells, no code, no streams)."""
    items = []
    for number, cell in enumerate(nb.cells, 1):
        # The cell's own id (render.prepare prefixes it with the notebook's place in the volume), else its place.
        cell_id = str(cell.get("id") or "").split("-", 1)[-1]
        here = f"{where}, cell {cell_id or number}"
        if cell.cell_type == "markdown":
            if cell.source.strip():
                items.append(("markdown", cell.source))
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                raise TypesetError(f"{here}: the notebook ended in an error ({output.get('ename')})")
            data = output.get("data", {})
            if BLOCK_MIME not in data:
                if set(data) <= _SILENT:
                    continue
                raise TypesetError(f"{here}: an output has no {BLOCK_MIME} block (it has {', '.join(sorted(data))})")
            block = _check_block(data[BLOCK_MIME], here)
            items.append((block["kind"], block))
    if not items:
        raise TypesetError(f"{where}: nothing to print")
    return Chapter(items, where)


def _chart_file(block: dict, number: int) -> tuple[str, bytes, str]:
    """A figure block's image as a file for Typst: (name, bytes, its natural width as Typst length).

    An "svg" (vector, its text kept as text) is used when the block carries one, else the PNG, drawn at
    report.png_bytes' 200 dpi.
    """
    svg = block.get("svg")
    if svg:
        data = svg.encode("utf-8") if isinstance(svg, str) else bytes(svg)
        match = re.search(rb"<svg\b[^>]*\bwidth=\"([\d.]+)(pt|px)?\"", data)
        if not match:
            raise TypesetError(f"figure {block['name']!r}: its SVG gives no width")
        unit = 0.75 if match.group(2) == b"px" else 1.0  # 96 px to 72 pt
        return f"chart-{number}.svg", data, f"{float(match.group(1)) * unit:.2f}pt"
    png = base64.b64decode(block["png"])
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise TypesetError(f"figure {block['name']!r}: its image is not a PNG")
    pixels = struct.unpack(">I", png[16:20])[0]
    return f"chart-{number}.png", png, f"{pixels / PNG_DPI:.3f}in"


@dataclass
class Document:
    """The Typst source of a report and the files it reads (charts)."""

    source: str
    files: dict[str, bytes]
    citations: Citations
    figures: list[str]  # alt texts, in order


def build_document(chapters: list[Chapter], *, meta: dict) -> Document:
    """The Typst document of `chapters` (one notebook each) with the report's front matter and colophon.

    `meta` holds: title, subtitle, as_of (a reader's date), description, keywords, date (ISO), attachments
    (name, path, mime, description), changes (editions.Changes.as_print() or None), colophon (fields).
    """
    citations = Citations()
    several = len(chapters) > 1
    markup = Markup(citations, heading_offset=0)
    files: dict[str, bytes] = {}
    alts: list[str] = []
    entries: dict[str, dict] = {}
    body: list[str] = []
    list_intro: list[str] = []
    list_placed = False

    changes = meta.get("changes")
    if changes:
        body.append(
            "#changes(heading-text: "
            + f"[{escape(changes['heading'])}], sentence: "
            + (f"[{escape(changes['sentence'])}]" if changes.get("sentence") else "none")
            + ", groups: ("
            + "".join(
                f"([{escape(group)}], ({''.join(f'[{escape(line)}], ' for line in lines)})), "
                for group, lines in changes.get("groups", [])
            )
            + "))"
        )

    for chapter in chapters:
        markup.heading_offset = 1 if several else 0
        items = chapter.items
        for index, (kind, value) in enumerate(items):
            where = chapter.where
            if kind == "markdown":
                text = value if isinstance(value, str) else value["markdown"]
                # In a merged volume the Markdown just before a source list introduces it: it goes with the
                # one list at the end (the first chapter's words), not with each chapter.
                if several and index + 1 < len(items) and items[index + 1][0] == "sources":
                    if not list_intro:  # its heading (a chapter's, moved down by render.prepare) becomes a chapter's
                        intro = Markup(citations, heading_offset=-1)
                        list_intro.append(intro.convert(text, where))
                    continue
                # Cells were shifted by render.prepare already; a block's Markdown is shifted here.
                offset = 1 if several and not isinstance(value, str) else 0
                markup.heading_offset = offset
                body.append(markup.convert(text, where))
                markup.heading_offset = 1 if several else 0
            elif kind == "table":
                body.append(_table(value, markup, citations, where))
            elif kind == "figure":
                name, data, width = _chart_file(value, len(files) + 1)
                files[name] = data
                alts.append(str(value["alt"]))
                caption = escape(value["caption"])
                cite = citations.cite(value.get("source_ids") or [])
                if cite:
                    more_ids = value.get("more_source_ids") or []
                    # Four documents first (official texts first); "N more" links to the list, as on screen, and
                    # their numbers follow, so a reader of the paper can find them.
                    rest = (
                        f" and #link(<{SOURCE_LIST}>)[{len(more_ids)} more in the list]: {citations.cite(more_ids)}"
                        if more_ids
                        else ""
                    )
                    caption += " Sources: " + cite + rest + "."
                # A chart right after a heading is set with it, as one block, so the two never part.
                heading = "none"
                if body and _ends_with_heading(body[-1]):
                    before, _, last = body[-1].rpartition("\n\n")
                    heading = f"[\n{last.strip()}\n]"
                    if before:
                        body[-1] = before
                    else:
                        body.pop()
                body.append(
                    f"#chart({string(name)}, alt: {string(value['alt'])}, width: {width}, "
                    f"caption: [{caption}], heading: {heading})"
                )
            elif kind == "sources":
                for entry in value["entries"]:
                    entries.setdefault(str(entry["id"]), entry)
                if not several:
                    body.append("#SOURCES")
                    list_placed = True
    if several or not list_placed:
        if list_intro:
            body.append(list_intro[0])
        body.append("#SOURCES")

    unknown = [source_id for source_id in citations.numbers if source_id not in entries]
    if unknown:
        raise TypesetError(f"cited but in no source list: {', '.join(unknown[:3])}")
    ordered = sorted(citations.numbers, key=citations.numbers.get)
    # Listed but never cited in what is printed: kept, after the cited ones.
    for source_id in entries:
        if source_id not in citations.numbers:
            citations.numbers[source_id] = len(citations.numbers) + 1
            ordered.append(source_id)
    source_list = (
        "#sources(("
        + "".join(
            f"source-entry({citations.numbers[i]}, [{_entry_markup(entries[i])}], "
            f"{string(printed_address(entries[i]))}, url: {string(entries[i].get('url') or '')}), "
            for i in ordered
        )
        + "))"
    )
    text = "\n\n".join(body).replace("#SOURCES", source_list, 1).replace("\n\n#SOURCES", "")
    return Document(_document_source(meta, text), files, citations, alts)


def _ends_with_heading(markup: str) -> bool:
    """Whether Typst markup ends with a heading (its last paragraph is an "= ..." line)."""
    return markup.rsplit("\n\n", 1)[-1].lstrip().startswith("=")


def _entry_markup(entry: dict) -> str:
    """Title (italic; with its English gloss in brackets when it is in another language, as on screen),
    author, publisher, date."""
    title = f"#emph[{escape(entry['title'])}]"
    if entry.get("title_english"):
        title += f" \\[{escape(entry['title_english'])}\\]"
    parts = [title]
    for key in ("author", "publisher", "date"):
        if entry.get(key):
            parts.append(escape(entry[key]))
    where = f" At {escape(entry['where'])}." if entry.get("where") else ""
    return ", ".join(parts) + "." + where


# "28 May 2002" or "Oct 2021" inside a cell: kept on one line.
_DATE_IN_TEXT = re.compile(r"\b(?:(\d{1,2}) )?([A-Z][a-z]{2}) (\d{4})\b")
#: Where a line may break in a cell as printed: a space, the zero-width space after "_" and "/", or after a
#: hyphen or dash between letters ("Military-to-|military", "General–|Foreign").
_BREAK = re.compile(r"[ \t\n\u200b]+|(?<=[^\W\d][-–])(?=[^\W\d])")
#: How many of a column's longest words and cells report.typ measures to size it.
_MEASURED = 8


def _cell_text(text: str) -> str:
    """A cell's text as printed: dates unbreakable, long identifiers and paths breakable after "_" and "/"."""
    text = _DATE_IN_TEXT.sub(lambda m: m.group(0).replace(" ", "\u00a0"), str(text))
    return text.replace("_", "_\u200b").replace("/", "/\u200b")


def _cell(text: str) -> str:
    return escape(_cell_text(text))


def _longest(texts, count: int = _MEASURED) -> list[str]:
    """The `count` longest distinct texts (the widest, near enough, in a proportional font)."""
    return sorted(dict.fromkeys(t for t in texts if t), key=lambda t: (-len(t), t))[:count]


def _column_sizes(header: str, cells: list[str], words: list[str] | None = None) -> str:
    """What report.typ's `fit-columns` measures of one column: its header's words, longest cells, widest words."""
    words = [w for cell in cells for w in _BREAK.split(cell)] if words is None else words
    return (
        f"(head-words: {_strings(_BREAK.split(header))}, words: {_strings(_longest(words))}, "
        f"cells: {_strings(_longest(cells))})"
    )


def _strings(texts) -> str:
    """A Typst array of strings."""
    texts = [t for t in texts if t]
    return "(" + "".join(string(t) + ", " for t in texts) + ")" if texts else "()"


def _table(block: dict, markup: Markup, citations: Citations, where: str) -> str:
    columns = [_cell(c) for c in block["columns"]]
    texts = [[_cell_text(c) for c in row] for row in block["rows"]]
    rows = [[escape(c) for c in row] for row in texts]
    heads = [_cell_text(c) for c in block["columns"]]
    sizes = [_column_sizes(name, [row[i] for row in texts]) for i, name in enumerate(heads)]
    source_ids = block.get("source_ids")
    if source_ids is not None:
        if len(source_ids) != len(rows):
            raise TypesetError(
                f"{where}: table {block['caption']!r} has {len(source_ids)} source lists for {len(rows)} rows"
            )
        columns.append("sources")
        printed = []
        for row, ids in zip(rows, source_ids, strict=True):
            row.append(citations.cite(ids or []) or "—")
            printed.append(printed_citation(citations.number(ids or [])) or "—")
        # The sources column is at least wide enough for two numbers a line ("[41], [42]," or a range).
        words = []
        for text in printed:
            parts = text.split(" ")
            words += parts + [f"{a} {b}" for a, b in zip(parts, parts[1:], strict=False) if "–" not in a + b]
        sizes.append(_column_sizes("sources", printed, words))
    cells = typst_array(f"[{c}]" for c in columns)
    data = typst_array(typst_array(f"[{c}]" for c in row) for row in rows)
    return (
        f"#data-table(caption: [{escape(block['caption'])}], columns: {cells}, rows: {data}, "
        f"sizes: {typst_array(sizes)}, breakable: {'false' if _kept_whole(texts) else 'true'})"
    )


#: A table this small (rows, and characters in its cells: about a third of a page) is kept on one page: split,
#: its header and a row or two were left alone at a page's foot. A larger one breaks, or it would leave a
#: page half empty before it.
WHOLE_TABLE_ROWS = 12
WHOLE_TABLE_CHARACTERS = 1600


def _kept_whole(texts: list[list[str]]) -> bool:
    return len(texts) <= WHOLE_TABLE_ROWS and sum(len(cell) for row in texts for cell in row) <= WHOLE_TABLE_CHARACTERS


#: More chapters than this and the contents list chapters only.
CHAPTERS_FOR_SHORT_CONTENTS = 5


def _document_source(meta: dict, body: str) -> str:
    attachments = "".join(
        f"(name: {string(a['name'])}, path: {string(a['path'])}, mime: {string(a['mime'])}, "
        f"description: {string(a['description'])}), "
        for a in meta.get("attachments", [])
    )
    date = meta.get("date") or "1970-01-01"
    year, month, day = (int(part) for part in date[:10].split("-"))
    colophon = meta["colophon"]
    # A volume of many chapters lists only the chapters: with its sections too, the contents filled half of
    # page one and pushed the overview's story over the page (editors' read, 3 December 2026).
    chapters = len(re.findall(r"(?m)^= ", body))
    contents_depth = 1 if chapters > CHAPTERS_FOR_SHORT_CONTENTS else 2
    return f"""#import "{TEMPLATE}": *
#show: report.with(
  contents-depth: {contents_depth},
  title: {string(meta["title"])},
  subtitle: {string(meta["subtitle"]) if meta.get("subtitle") else "none"},
  as-of: {string(meta["as_of"]) if meta.get("as_of") else "none"},
  author: {string(meta.get("author") or "")},
  description: {string(meta.get("description", ""))},
  keywords: ({"".join(string(k) + ", " for k in meta.get("keywords", []))}),
  date: datetime(year: {year}, month: {month}, day: {day}),
  attachments: ({attachments}),
)

{body}

#colophon(
  commit: {string(colophon["commit"])},
  commit-time: [{escape(colophon.get("commit_time", ""))}],
  edition: {f"[{escape(colophon['edition'])}]" if colophon.get("edition") else "none"},
  parameters: ({"".join(f"[{escape(p)}], " for p in colophon["parameters"])}),
  data-hash: {string(colophon["data_hash"])},
  input-hash: {string(colophon["input_hash"])},
  software: [{escape(colophon["software"])}],
  publisher: [{escape(colophon.get("publisher", ""))}],
  licence: [{escape(colophon.get("licence", ""))}],
  report-errors-to: [{escape(colophon.get("report_errors_to", ""))}],
  cite: {f"[{escape(colophon['cite'])}]" if colophon.get("cite") else "none"},
)
"""


# ------------------------------------------------------------------------------------ compiling


def font_dirs() -> list[str]:
    """The fonts the PDF uses: the DejaVu family that matplotlib ships (in the lock), never the system's.

    Found without importing matplotlib (half a second in a worker that has not imported it).
    """
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise TypesetError("matplotlib is not installed: the PDF's fonts (DejaVu) come with it")
    return [str(Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf")]


def moment(iso: str) -> dt.datetime:
    """'2026-11-29T10:00:00Z' as an aware datetime (the epoch for anything else, never the clock)."""
    try:
        when = dt.datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def compile_pdf(document: Document, target: Path, attachments: list[Path], source_date: str) -> None:
    """Compile `document` to `target` as PDF/UA-1, `attachments` attached byte for byte, dated `source_date`."""
    import typst

    with tempfile.TemporaryDirectory(prefix="typeset-") as tmp:
        root = Path(tmp)
        shutil.copyfile(paths.TEMPLATES_DIR / TEMPLATE, root / TEMPLATE)
        for name, data in document.files.items():
            (root / name).write_bytes(data)
        folder = root / "data"
        folder.mkdir()
        for path in attachments:
            shutil.copyfile(path, folder / path.name)
        (root / "main.typ").write_text(document.source, encoding="utf-8")
        if os.environ.get("NATO_RUSSIA_TYPST_KEEP"):  # for debugging the layout: keep the document
            shutil.copytree(root, os.environ["NATO_RUSSIA_TYPST_KEEP"], dirs_exist_ok=True)
        when = moment(source_date)
        try:
            pdf, warnings = typst.compile_with_warnings(
                str(root / "main.typ"),
                root=str(root),
                font_paths=font_dirs(),
                ignore_system_fonts=True,
                format="pdf",
                pdf_standards=[PDF_STANDARD],
                timestamp=int(when.timestamp()),
            )
        except typst.TypstError as exc:
            raise TypesetError(
                f"Typst could not typeset the report: {exc.message} {' '.join(exc.hints)}".strip()
            ) from exc
        if warnings:  # a warning is a page the reader would see wrong (a missing glyph, a layout that moved)
            said = "; ".join(sorted({w.message for w in warnings}))
            raise TypesetError(f"Typst warned while typesetting the report: {said}")
        target.write_bytes(pdf)


def attachment_records(attachments: list[Path]) -> list[dict]:
    return [
        {
            "name": path.name,
            "path": f"data/{path.name}",
            "mime": "application/json" if path.suffix == ".json" else "text/csv",
            "description": (
                "The data descriptor (schema, sources, licence)" if path.suffix == ".json" else "Data table"
            )
            + f" this report was built from: {path.name}",
        }
        for path in attachments
    ]
