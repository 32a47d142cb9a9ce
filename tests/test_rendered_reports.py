"""Every shipped variant, built once through the build's entry point and read back as a reader gets it.

Checks what only the rendered result shows: pages that end half-empty, counts that disagree between text,
charts and tables, and ids, hashes or ISO dates that leak outside the colophon.
"""

import html
import re

import pdfplumber
import pytest
import yaml

from nato_russia import paths
from nato_russia.publishing import render
from nato_russia.publishing.__main__ import main

pytestmark = pytest.mark.e2e
VARIANTS = [variant["name"] for variant in yaml.safe_load(paths.VARIANTS_FILE.read_text())["variants"]]
# The page body inside the margins of templates/report.typ (22 mm top, 20 mm bottom), in points.
MM = 72 / 25.4
BODY_TOP, BODY_BOTTOM_MARGIN = 22 * MM, 20 * MM
#: The smallest type a reader is given outside the charts (whose smallest, 7 pt, is set where they are drawn).
LEGIBLE_PT = 7.5


def built(name: str, folder) -> tuple[str, object]:
    """Build one shipped variant (as of a fixed day) and return its HTML and the path of its PDF."""
    assert main(["--only", name, "--reports-dir", str(folder), "--today", "2026-11-28", "--no-live"]) == 0
    return (folder / name / f"{name}.html").read_text(), folder / name / f"{name}.pdf"


@pytest.mark.parametrize("name", VARIANTS)
def test_each_shipped_variant_reads_as_a_reader_needs(name, tmp_path):
    page_html, pdf = built(name, tmp_path)
    check_the_pdf_stands_alone(page_html, pdf)
    if name == "brief":  # one variant is built twice: the same inputs must give the same bytes
        check_a_forced_rebuild_gives_the_same_bytes(name, tmp_path)
    check_no_page_but_the_first_and_last_ends_above_its_middle(name, pdf)
    check_no_heading_ends_a_page(name, pdf)
    check_every_heading_has_its_content_under_it(name, pdf)
    check_no_table_caption_ends_a_page(name, page_html, pdf)
    check_type_is_legible_and_no_cell_runs_into_the_next(name, pdf)
    check_the_source_list_reads_as_on_screen(name, page_html, pdf)
    check_a_captions_more_links_to_the_source_list(name, pdf)
    check_the_colophon_speaks_in_words(name, pdf)
    check_no_id_hash_or_iso_date_outside_the_colophon(page_html)
    check_counts_that_appear_twice_agree(page_html)
    check_the_front_page_speaks_in_readers_dates(tmp_path / "index.html")


def check_the_front_page_speaks_in_readers_dates(index) -> None:
    page = index.read_text()
    body = page[page.index("<body") :]
    text = " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style\b.*?</style>", " ", body, flags=re.S))).split()
    )
    assert re.findall(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:]+Z?)?\b", text) == [], "an ISO date on the front page"


def check_the_pdf_stands_alone(page_html: str, pdf_path) -> None:
    """PDF/UA-1 with what it needs, read back with pypdf, and the data it was built from attached."""
    from pypdf import PdfReader

    render.check_pdf(pdf_path, render.evidence_files(paths.DATA_DIR))  # what the build checks, and more:
    reader = PdfReader(str(pdf_path))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"]
    assert "<pdfuaid:part>1</pdfuaid:part>" in root["/Metadata"].get_object().get_data().decode()
    elements = list(render._walk(root["/StructTreeRoot"].get_object()))
    kinds = [str(e["/S"]) for e in elements]
    assert kinds[0] == "/Document" and "/H1" in kinds
    alts = [str(e["/Alt"]) for e in elements if e["/S"] == "/Figure"]
    assert alts == [html.unescape(a) for a in re.findall(r'<svg\b[^>]*\baria-label="([^"]*)"', page_html)]
    # Every table the screen edition has, with header cells that say which column they head.
    assert kinds.count("/Table") >= page_html.count("<table")
    assert all(render.header_scope(e) == "/Column" for e in elements if e["/S"] == "/TH")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    headings = [
        html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", page_html)
    ]
    headings = [h for h in headings if h != "Sources"]  # a merged volume has one source list, not one a chapter
    assert titles and set(headings) <= {t for item in reader.outline for t in _titles(item)}
    meta = reader.metadata
    assert meta.title and meta.subject and meta.keywords and meta.creation_date and meta.modification_date
    attached = {name: contents[0] for name, contents in reader.attachments.items()}
    assert attached == {p.name: p.read_bytes() for p in render.evidence_files(paths.DATA_DIR)}
    assert "events.csv" in attached and "datapackage.json" in attached
    check_the_independent_checker_finds_nothing(pdf_path)
    check_citations_link_to_one_source_list(reader)
    check_the_front_matter_running_header_and_colophon(reader, page_html)


def check_the_independent_checker_finds_nothing(pdf_path) -> None:
    """pdfua (the machine-checkable subset of PDF/UA-1, on pikepdf) reports no error, warning or note."""
    from pdfua import validate

    report = validate(str(pdf_path))
    found = [f"{f.rule_id} {f.severity.name}: {f.message[:120]}" for f in report.findings]
    assert found == [], found
    # pdfua 0.1.3 cannot evaluate one rule on any heading whose /K is an array (it asks a pikepdf Array for
    # an attribute): UA-14-001, "headings are not empty", which render.check_pdf checks instead. Any other
    # rule it could not run is a check lost, and fails here.
    assert [outcome.rule_id for outcome in report.skipped] == ["UA-14-001"]


def check_citations_link_to_one_source_list(reader) -> None:
    """Numbers [1]..[N] each once in one numbered list, every citation a link inside the document."""
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    outline = [t for item in reader.outline for t in _titles(item)]
    assert outline.count("Sources") == 1, "one source list, however many chapters"
    listing = text[text.rindex("\nSources\n") : text.rindex("Colophon")]
    numbered = 0  # entries "1. ", "2. ", ... in order (a wrapped line may start with a year)
    for n in re.findall(r"^(\d+)\. ", listing, re.M):
        numbered += int(n) == numbered + 1
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text[: text.rindex("\nSources\n")])}
    assert cited and numbered >= max(cited), f"sources numbered 1 to {numbered}, cited up to {max(cited)}"
    links = [
        annot.get_object()
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/Subtype") == "/Link"
    ]
    internal = [a for a in links if "/Dest" in a or a.get("/A", {}).get("/S") == "/GoTo"]
    assert len(internal) >= len(cited), "every citation number links to its entry"
    # Links are invisible on paper: each entry prints a short form of its address.
    assert re.search(r"\b[a-z0-9-]+\.(?:org|int|com|ru|net)/", text)


def check_the_front_matter_running_header_and_colophon(reader, page_html: str) -> None:
    first = " ".join((reader.pages[0].extract_text() or "").split())
    title = html.unescape(re.search(r"<title>(.*?)</title>", page_html).group(1))
    assert title in first and "Contents" in first and "As of " in first
    pages = len(reader.pages)
    second = reader.pages[1].extract_text() or ""
    assert title in " ".join(second.split()) and "As of " in second, "the running header"
    assert f"page 2 of {pages}" in second
    last = " ".join((reader.pages[-1].extract_text() or "").split())
    for needle in ("Colophon", "Built from commit", "Parameters", "Data hash", "Software", "typst"):
        assert needle in last, f"{needle!r} missing from the colophon"


def _titles(item) -> list[str]:
    return [t for sub in item for t in _titles(sub)] if isinstance(item, list) else [item.title]


def published_bytes(folder) -> dict[str, bytes]:
    """The reader's files of a variant (PDF, HTML, figures), by path; editions/index.html lists build times."""
    kinds = (".pdf", ".html", ".png", ".svg")  # .svg: none is written, and none may appear
    files = [p for p in sorted(folder.rglob("*")) if p.suffix in kinds and p.name != "index.html"]
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


def check_a_forced_rebuild_gives_the_same_bytes(name: str, folder) -> None:
    first = published_bytes(folder / name)
    assert {p.rsplit(".", 1)[-1] for p in first} == {"pdf", "html", "png"}
    args = ["--only", name, "--reports-dir", str(folder), "--today", "2026-11-28", "--no-live", "--force"]
    assert main(args) == 0
    second = published_bytes(folder / name)
    assert sorted(second) == sorted(first)
    assert [p for p in first if first[p] != second[p]] == []


def _is_white(colour) -> bool:
    """A fill colour, grey (one number) or RGB (three), that is white."""
    values = tuple(colour) if isinstance(colour, (list, tuple)) else () if colour is None else (colour,)
    return bool(values) and all(value == 1 for value in values)


def content_fill(pdf_path) -> list[float]:
    """For each page, how far down the body area its content (text, figures, rules) reaches, from 0 to 1."""
    fills = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            body_bottom = page.height - BODY_BOTTOM_MARGIN
            # A white rectangle is the page's background, not content.
            shapes = [rect for rect in page.rects if not _is_white(rect.get("non_stroking_color"))]
            inside = [
                item
                for item in page.chars + page.images + shapes + page.lines
                if item["top"] >= BODY_TOP - 1 and item["bottom"] <= body_bottom + 1
            ]
            lowest = max((item["bottom"] for item in inside), default=BODY_TOP)
            fills.append((lowest - BODY_TOP) / (body_bottom - BODY_TOP))
    return fills


def visible_text(page_html: str) -> str:
    """What a reader sees of the body, the colophon left out."""
    body = page_html[page_html.index("<main") :]
    colophon = body.find('class="colophon"')
    if colophon >= 0:
        body = body[: body.rfind("<", 0, colophon)]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def check_no_page_but_the_first_and_last_ends_above_its_middle(name, pdf) -> None:
    fills = content_fill(pdf)
    half_empty = [number for number, fill in enumerate(fills, start=1) if 1 < number < len(fills) and fill < 0.5]
    # One page may end early: where the next opens with a chart (under its heading, if any) taller than the room
    # left, the chart could have gone only into the next section (a chart stays in its section, a heading
    # with its chart).
    with pdfplumber.open(pdf) as document:
        too_tall = [
            number
            for number in half_empty
            if _opens_with_a_chart_taller_than(document.pages[number], fills[number - 1])
        ]
    half_empty = [number for number in half_empty if number not in too_tall]
    assert half_empty == [], f"{name}: pages {half_empty} end above the middle ({[round(f, 2) for f in fills]})"


#: The space a chart keeps above it (templates/report.typ: figures 1.1 em above, at 9.5 pt).
FIGURE_ABOVE = 1.1 * 9.5
INK = (0.11372549, 0.11372549, 0.12156863)  # templates/report.typ's ink, #1d1d1f


def _is_ink(char) -> bool:
    colour = char.get("non_stroking_color")
    return (
        isinstance(colour, (list, tuple)) and len(colour) == 3 and all(abs(a - b) < 0.01 for a, b in zip(colour, INK))
    )


def _opens_with_a_chart_taller_than(page, previous_fill: float) -> bool:
    """Whether `page` opens with a chart, its heading if any above it, that needs more than the room a page
    filled to `previous_fill` left (its height from the body's top to its caption's last line, and its spacing)."""
    body_bottom = page.height - BODY_BOTTOM_MARGIN
    lines = body_lines(page)
    index = 0
    while index < len(lines) and _heading_size(lines[index]):
        index += 1
    # A chart's title and labels are drawn in DejaVu Sans, not in the ink: the text's serif or a table's ink header.
    if index >= len(lines) or "Serif" in lines[index][0]["fontname"] or _is_ink(lines[index][0]):
        return False
    end = index
    for line in lines[index + 1 :]:
        first = line[0]
        body_text = "Serif" in first["fontname"] and first["size"] >= 9
        if body_text or _heading_size(line) or ("Sans-Bold" in first["fontname"] and _is_ink(first)):
            break
        end += 1
    needed = lines[end][-1]["bottom"] - BODY_TOP + FIGURE_ABOVE
    room = (1 - previous_fill) * (body_bottom - BODY_TOP)
    return needed > room


#: Headings print in DejaVu Sans Bold at these sizes (templates/report.typ); body text never does.
HEADING_SIZES = (13.0, 11.0, 10.0)


def last_lines(pdf_path) -> list[tuple[str, float, str]]:
    """For each page, the body's last line of text: its font, its size and its words."""
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            body_bottom = page.height - BODY_BOTTOM_MARGIN
            chars = [c for c in page.chars if c["top"] >= BODY_TOP - 1 and c["bottom"] <= body_bottom + 1]
            if not chars:
                found.append(("", 0.0, ""))
                continue
            bottom = max(c["bottom"] for c in chars)
            line = sorted((c for c in chars if abs(c["bottom"] - bottom) < 2), key=lambda c: c["x0"])
            text = "".join(c["text"] for c in line)
            found.append((line[0]["fontname"], round(line[0]["size"], 1), text))
    return found


def check_no_heading_ends_a_page(name, pdf) -> None:
    """A heading at the foot of a page with its content on the next reads as a page ending mid-thought."""
    lines = last_lines(pdf)
    stranded = [
        (number, text)
        for number, (font, size, text) in enumerate(lines, start=1)
        if number < len(lines) and "Bold" in font and "Sans" in font and size in HEADING_SIZES
    ]
    assert stranded == [], f"{name}: a heading ends a page: {stranded}"


def body_lines(page) -> list[list[dict]]:
    """A page's lines of text inside the body area, top to bottom, each its characters left to right."""
    body_bottom = page.height - BODY_BOTTOM_MARGIN
    rows: dict[int, list[dict]] = {}
    for char in page.chars:
        if char["top"] >= BODY_TOP - 1 and char["bottom"] <= body_bottom + 1 and char["text"].strip():
            rows.setdefault(round(char["bottom"]), []).append(char)
    return [sorted(rows[key], key=lambda c: c["x0"]) for key in sorted(rows)]


def _heading_size(line: list[dict]) -> float:
    """The size of a heading's line (DejaVu Sans Bold in the ink colour, RGB), 0 for any other line.

    A chart's title is bold too, but drawn in grey (one number), so it is not taken for a heading.
    """
    first = line[0]
    colour = first.get("non_stroking_color")
    is_rgb = isinstance(colour, (list, tuple)) and len(colour) == 3
    size = round(first["size"], 1)
    return size if "Sans-Bold" in first["fontname"] and size in HEADING_SIZES and is_rgb else 0.0


def check_every_heading_has_its_content_under_it(name, pdf) -> None:
    """A heading followed on its page by a heading of its level or above has nothing under it there (its chart
    floated away, or the next section's text took its place)."""
    empty = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            lines = body_lines(page)
            index = 0
            while index < len(lines):
                size = _heading_size(lines[index])
                if not size:
                    index += 1
                    continue
                # The lines of one heading (a long one wraps) are close together and the same size.
                last = index
                while (
                    last + 1 < len(lines)
                    and _heading_size(lines[last + 1]) == size
                    and lines[last + 1][0]["top"] - lines[last][0]["top"] < 1.9 * size
                ):
                    last += 1
                after = last + 1
                if after < len(lines) and _heading_size(lines[after]) >= size:
                    words = lambda line: "".join(c["text"] for c in line)  # noqa: E731
                    empty.append((number, words(lines[index]), words(lines[after])))
                index = after
    assert empty == [], f"{name}: a heading is followed by the next heading, with nothing under it: {empty}"


def _captions(page_html: str, kind: str) -> list[str]:
    found = re.findall(rf'<figure class="{kind}"><figcaption>(.*?)</figcaption>', page_html, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in found]


def check_no_table_caption_ends_a_page(name, page_html, pdf) -> None:
    """A table's caption (above it) is on the page of its first rows, never alone at the foot of the one before."""
    captions = ["".join(c.split()) for c in _captions(page_html, "table")]
    assert captions, "the screen edition's tables have captions"
    lines = last_lines(pdf)
    stranded = [
        (number, text)
        for number, (_, _, text) in enumerate(lines[:-1], start=1)
        if len(text) >= 12 and any(caption.endswith("".join(text.split())) for caption in captions)
    ]
    assert stranded == [], f"{name}: a table's caption ends a page, its table on the next: {stranded}"


def check_type_is_legible_and_no_cell_runs_into_the_next(name, pdf) -> None:
    """Text, tables and colophon at 7.5 pt or more; no two characters of a line printed over each other (a
    date or a word wider than its column runs into the next one)."""
    small, overprinted = [], []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            # The text is set in DejaVu Serif, addresses and hashes in Sans Mono, table headers in Sans Bold;
            # the charts (SVG, their text kept as text) draw in DejaVu Sans, regular and bold, in grey.
            chars = [
                c for line in body_lines(page) for c in line if "Serif" in c["fontname"] or "Mono" in c["fontname"]
            ]
            small += [(number, c["text"], round(c["size"], 2)) for c in chars if c["size"] < LEGIBLE_PT - 0.01]
            for line in body_lines(page):
                line = [c for c in line if "Serif" in c["fontname"] or "Mono" in c["fontname"]]
                for left, right in zip(line, line[1:], strict=False):
                    # Kerning ("y," "r.") tucks a glyph under its neighbour by a little; a cell run into the
                    # next column prints whole glyphs over each other.
                    if right["x0"] < left["x1"] - 0.25 * left["size"]:
                        text = "".join(c["text"] for c in line)
                        overprinted.append((number, left["text"] + right["text"], text[:60]))
                        break
    assert small == [], f"{name}: type below {LEGIBLE_PT} pt: {small[:5]}"
    assert overprinted == [], f"{name}: text printed over the next column's: {overprinted[:5]}"


# The page head and foot lie in the page margins (templates/report.typ: 22 mm at the top, 20 mm at the foot).
_HEAD_PT, _FOOT_PT = 22 / 25.4 * 72, 20 / 25.4 * 72


def _body_text(page) -> str:
    """A page's text without its running head and page number, so an entry that runs over a page break reads
    on in one piece."""
    height = float(page.mediabox.height)
    margins: list[str] = []

    def visit(text, cm, tm, font, size) -> None:
        y = cm[5] + tm[5] * cm[3]
        if text.strip() and (y > height - _HEAD_PT or y < _FOOT_PT):
            margins.append(text.strip())

    text = page.extract_text(visitor_text=visit) or ""
    for piece in margins:
        text = text.replace(piece, " ", 1)
    return text


def _pdf_text(reader, start: int = 0) -> str:
    return " ".join(" ".join(_body_text(page) for page in reader.pages[start:]).split())


def source_listing(reader) -> str:
    """The text of the PDF's source list, from its heading (found through the bookmarks) to the colophon."""
    outline = [item for item in reader.outline if not isinstance(item, list) and item.title == "Sources"]
    assert len(outline) == 1, "one source list"
    text = _pdf_text(reader, reader.get_destination_page_number(outline[0]))
    return text[text.index("Sources") : text.rindex("Colophon")]


def check_the_source_list_reads_as_on_screen(name, page_html, pdf) -> None:
    """The PDF's source list numbers the documents as the HTML's does, glosses a title not in English as the
    HTML does, and prints addresses without percent-encoding or a host's trailing dot."""
    from pypdf import PdfReader

    listing = source_listing(PdfReader(str(pdf)))
    items = re.findall(r"<li\b([^>]*)>(.*?)</li>", page_html, re.S)
    entries = []
    for attributes, body in items:
        value = re.search(r'\bvalue="(\d+)"', attributes)
        title = re.search(r"<a\b[^>]*>(.*?)</a>", body, re.S)
        if value and title and "data-source" in attributes:
            gloss = re.search(r'<span class="gloss">(.*?)</span>', body, re.S)
            entries.append(
                (int(value.group(1)), html.unescape(title.group(1)), gloss and html.unescape(gloss.group(1)))
            )
    assert entries, "the screen edition lists its sources"
    right_to_left = re.compile("[\u0590-\u08ff]")  # read back in another order than it is printed
    misnumbered = [
        (number, title[:40])
        for number, title, _ in entries
        if not right_to_left.search(title) and f"{number}. {' '.join(title.split())[:40]}" not in listing
    ]
    assert misnumbered == [], f"{name}: the PDF numbers these sources otherwise than the HTML: {misnumbered[:5]}"
    glosses = [gloss for _, _, gloss in entries if gloss]
    missing = [gloss for gloss in glosses if " ".join(gloss.split()) not in listing]
    assert glosses and missing == [], f"{name}: English glosses missing from the PDF's source list: {missing[:3]}"
    assert re.findall(r"%[0-9A-Fa-f]{2}", listing) == [], f"{name}: a printed address shows percent-encoding"
    assert re.findall(r"\b[a-z0-9-]+\.[a-z]{2,}\./", listing) == [], f"{name}: an address's host ends in a dot"


def check_a_captions_more_links_to_the_source_list(name, pdf) -> None:
    """Each chart caption's "and N more in the list" is a link inside the document, as on screen."""
    phrases, unlinked = 0, []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            words = page.extract_words()
            links = [a for a in page.annots if a["data"].get("Dest") is not None]
            for i, word in enumerate(words[2:-2], start=2):
                if word["text"] == "more" and words[i - 1]["text"].isdigit() and words[i + 1]["text"] == "in":
                    phrases += 1
                    if not any(
                        link["x0"] - 1 <= word["x0"]
                        and word["x1"] <= link["x1"] + 1
                        and link["top"] - 2 <= word["top"] <= link["bottom"] + 2
                        for link in links
                    ):
                        unlinked.append((number, f"{words[i - 1]['text']} more"))
    assert phrases and unlinked == [], f"{name}: a caption's 'N more in the list' links nowhere: {unlinked[:3]}"


def check_the_colophon_speaks_in_words(name, pdf) -> None:
    """The colophon at 7.5 pt or more, its parameters in a reader's words, the commit's time named as such, no
    build time said to be recorded elsewhere; a pinned edition says it was built later. The metadata name the
    publisher as author and say the as-of date once."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    colophon = " ".join((reader.pages[-1].extract_text() or "").replace("’", "'").split())
    colophon = colophon[colophon.index("Colophon") :]
    assert "period shown:" in colophon and "edition date: " in colophon, colophon
    assert not re.search(r"\b[a-z]+_[a-z_]+=", colophon), f"{name}: parameters printed as code: {colophon}"
    assert "the commit's time" in colophon and "manifest.json" not in colophon, colophon
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", colophon), f"{name}: an ISO timestamp in the colophon"
    variant = next(v for v in yaml.safe_load(paths.VARIANTS_FILE.read_text())["variants"] if v["name"] == name)
    if (variant.get("parameters") or {}).get("as_of"):
        assert "built later" in colophon and "only on the documents published by" in colophon, colophon
    with pdfplumber.open(pdf) as document:
        page = document.pages[-1]
        top = min(c["top"] for c in page.chars if c["text"] == "C" and "Bold" in c["fontname"])
        sizes = {round(c["size"], 2) for c in page.chars if c["top"] >= top - 1 and c["text"].strip()}
    assert min(sizes) >= LEGIBLE_PT, f"{name}: the colophon is set at {min(sizes)} pt"
    from nato_russia.publishing.variants import DEFAULT_SETTINGS

    settings = {**DEFAULT_SETTINGS, **(yaml.safe_load(paths.VARIANTS_FILE.read_text()).get("settings") or {})}
    meta = reader.metadata
    assert meta.author == settings["publisher"], f"{name}: the PDF's author is {meta.author!r}"
    as_of = re.search(r"As of (\d{1,2} \w+ \d{4})", reader.pages[0].extract_text() or "").group(1)
    assert meta.subject.count(f"as of {as_of}") <= 1, f"{name}: the subject repeats its date: {meta.subject}"


def check_no_id_hash_or_iso_date_outside_the_colophon(page_html: str) -> None:
    # A source's printed address is the publisher's, with its own numbers and dates: left out here.
    text = visible_text(re.sub(r'<span class="address">.*?</span>', " ", page_html))
    assert re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text) == []
    assert re.findall(r"\b[0-9a-f]{10,}\b", text) == []
    assert re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text) == [], "an internal id (snake_case) reached the reader"


def check_counts_that_appear_twice_agree(page_html: str) -> None:
    page = html.unescape(re.sub(r"<[^>]+>", " ", page_html))
    page = " ".join(page.split())
    # Channels: the swimlane chart's title and the key figures count the same channels, where both appear.
    drawn = set(re.findall(r"Of (\d+) channels between NATO and Russia, (\d+) (?:is|are) open", page))
    figures = set(re.findall(r"NATO–Russia channels open (\d+) of (\d+)", page))
    if drawn and figures:
        ((recorded, open_count),) = drawn
        assert figures == {(open_count, recorded)}, (drawn, figures)
    # NATO–Russia Council meetings: the sentence's total is the sum of the chart's bars (in its alt text).
    said = re.search(r"The NATO–Russia Council met (\d+|\w+) times? between (\d{4}) and (\d{4})", page)
    chart = re.search(r"Bar chart of NATO–Russia Council meetings per year: ([^\"]+?)\.", html.unescape(page_html))
    if said and chart:
        bars = [int(value) for value in re.findall(r"\d{4} (\d+)", chart.group(1))]
        words = {
            "one": 1,
            "two": 2,
            "three": 3,
            "four": 4,
            "five": 5,
            "six": 6,
            "seven": 7,
            "eight": 8,
            "nine": 9,
            "ten": 10,
        }
        total = words.get(said.group(1)) or int(said.group(1))
        first, last = int(said.group(2)), int(said.group(3))
        years = dict(re.findall(r"(\d{4}) (\d+)", chart.group(1)))
        assert sum(int(v) for y, v in years.items() if first <= int(y) <= last) == total
        assert bars
