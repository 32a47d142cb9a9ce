"""What readers see around the reports: the front page, each variant's archive of editions, the feed.

- reports/index.html: per variant its title, as-of date, headline finding, latest changes, links
  to the PDF, the HTML and the archive, and a small image of its first chart (embedded, so the
  page stays self-contained).
- reports/<variant>/editions/index.html: every edition kept, newest first.
- reports/feed.xml: an Atom feed (made with feedgen), one entry per edition, newest first.

All three are derived from what is on disk (each edition's edition.json) and the manifest, so
a failed build, which publishes no edition, cannot add a feed entry. Every file is written to
a temporary name and renamed into place, and the feed is only rewritten when it changes.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import uuid
from pathlib import Path

from nato_russia import editions, paths
from nato_russia.publishing import publish

FEED = "feed.xml"
ARCHIVE = "index.html"
FEED_TITLE = "NATO–Russia relations: new editions"
SITE_TITLE = "NATO–Russia relations: reports"
#: Lines of an edition's changes the front page shows.
FRONT_LINES = 4


def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(paths.TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True
    )


def _css() -> str:
    from nato_russia.publishing import render

    names = (render.SCREEN_CSS, render.EDITIONS_CSS)
    return "\n".join((paths.TEMPLATES_DIR / n).read_text(encoding="utf-8") for n in names)


def editions_of(variant_dir: Path) -> list[dict]:
    """The readable editions of a variant, newest first, each its edition.json plus its folder."""
    found = []
    folder = variant_dir / editions.EDITIONS_DIR
    for as_of in reversed(editions.edition_dates(folder)):
        record = editions.read_record(folder / as_of)
        if record is None:
            continue
        record["as_of"] = as_of
        record["folder"] = folder / as_of
        found.append(record)
    return found


def _changes_lines(record: dict | None, limit: int) -> tuple[str, list[str]]:
    """(heading, first lines) of an edition's changes; ('', ['First edition.']) for a first one."""
    changes = (record or {}).get("changes") or {}
    if not changes or changes.get("status") == "first":
        return "", ["First edition."] if record else []
    lines = [changes["sentence"]] if changes.get("sentence") else []
    for heading, items in changes.get("groups") or []:
        lines.extend(f"{heading}: {item}" for item in items)
    more = len(lines) - limit
    lines = lines[:limit] + ([f"… and {more} more in the report."] if more > 0 else [])
    return changes.get("heading") or "", lines


def _thumb(folder: Path | None) -> str:
    if folder is None:
        return ""
    try:
        return "data:image/png;base64," + base64.b64encode((folder / "thumb.png").read_bytes()).decode("ascii")
    except OSError:
        return ""


def write_archive(variant_dir: Path, title: str, name: str) -> None:
    """reports/<variant>/editions/index.html (call on the staging folder, before it is swapped in)."""
    rows = []
    for record in editions_of(variant_dir):
        files = record.get("files") or {}
        heading, lines = _changes_lines(record, 3)
        rows.append(
            {
                "as_of": record["as_of"],
                "date": editions.human_date(record["as_of"]),
                "built_at": human_time(record.get("built_at", "")),
                "html": f"{record['as_of']}/{files['html']}" if files.get("html") else "",
                "pdf": f"{record['as_of']}/{files['pdf']}" if files.get("pdf") else "",
                "changes": lines,
            }
        )
    text = _env().get_template("archive.html.j2").render(css=_css(), title=title, name=name, rows=rows)
    folder = variant_dir / editions.EDITIONS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    publish.write_atomic(folder / ARCHIVE, text)


STATUS_LABELS = {"ok": "built", "skipped": "up to date", "failed": "failed"}


def write_index(reports_dir: Path, manifest: dict, order: list[str] | None = None) -> None:
    """reports/index.html, the front page. Variants appear in `order` (reports.yaml's), any others after."""
    rank = {name: i for i, name in enumerate(order or [])}
    entries = sorted(manifest.get("variants", {}).items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
    cards = []
    for name, entry in entries:
        good = entry.get("published") or {}
        as_of = good.get("as_of") or (good.get("parameters") or {}).get("as_of", "")
        folder = reports_dir / name / editions.EDITIONS_DIR / as_of if as_of else None
        record = editions.read_record(folder) if folder is not None else None
        heading, lines = _changes_lines(record, FRONT_LINES)
        links = {f.rsplit(".", 1)[1]: f for f in good.get("files", []) if f.endswith((".html", ".pdf"))}
        archive = reports_dir / name / editions.EDITIONS_DIR / ARCHIVE
        count = len(editions.edition_dates(reports_dir / name / editions.EDITIONS_DIR))
        cards.append(
            {
                "name": name,
                "title": good.get("title") or entry.get("title") or name,
                "as_of": editions.human_date(as_of),
                "pinned": (record or {}).get("pinned", False),
                "built_at": human_time(good.get("built_at", "")),
                "status": entry.get("status", "unknown"),
                "label": STATUS_LABELS.get(entry.get("status"), entry.get("status", "unknown")),
                "error": ((entry.get("failure") or {}).get("error") or "").splitlines()[0]
                if entry.get("status") == "failed" and (entry.get("failure") or {}).get("error")
                else "",
                "finding": (record or {}).get("headline", ""),
                "changes_heading": heading,
                "changes": lines,
                "html": links.get("html", ""),
                "pdf": links.get("pdf", ""),
                "archive": f"{name}/{editions.EDITIONS_DIR}/{ARCHIVE}" if archive.is_file() else "",
                "editions": count,
                "thumb": _thumb(folder),
            }
        )
    text = (
        _env()
        .get_template(publish.INDEX_TEMPLATE)
        .render(
            css=_css(),
            cards=cards,
            title=SITE_TITLE,
            feed=FEED,
            generated=human_time(manifest.get("finished_at") or publish.now()),
            commit=manifest.get("commit", "unknown"),
            escape=html.escape,
        )
    )
    publish.write_atomic(reports_dir / publish.INDEX, text)


def human_time(stamp: str) -> str:
    """An ISO build time as a reader writes it: '29 November 2026, 11:47 UTC' (blank stays blank)."""
    if not stamp:
        return ""
    when = _when(stamp).astimezone(dt.UTC)
    return f"{when.day} {when:%B %Y, %H:%M} UTC"


def _when(stamp: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def entry_id(base_url: str, variant: str, as_of: str) -> str:
    """A stable id per edition: its address when the reports have one, else a name-based UUID."""
    if base_url:
        return f"{base_url.rstrip('/')}/{variant}/{editions.EDITIONS_DIR}/{as_of}/"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'nato-russia-reports/{variant}/{as_of}')}"


def feed_text(reports_dir: Path, order: list[str], base_url: str = "") -> str:
    """The Atom feed of every edition on disk, newest first."""
    from feedgen.feed import FeedGenerator

    base = base_url.rstrip("/") + "/" if base_url else ""
    records = []
    for name in order:
        for record in editions_of(reports_dir / name):
            records.append((name, record))
    # Newest first: by as-of date, then by build time.
    records.sort(key=lambda nr: (nr[1]["as_of"], nr[1].get("built_at", "")), reverse=True)
    fg = FeedGenerator()
    fg.id(base + FEED if base else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'nato-russia-reports/feed')}")
    fg.title(FEED_TITLE)
    fg.subtitle("A new entry for every edition of every report, with what changed since the last one.")
    fg.author({"name": "NATO–Russia report build"})
    fg.link(href=base + FEED, rel="self", type="application/atom+xml")
    fg.link(href=base + publish.INDEX, rel="alternate", type="text/html")
    fg.language("en")
    fg.generator("nato_russia.publishing (feedgen)")
    latest = max((_when(r.get("built_at", "")) for _, r in records), default=_when(""))
    fg.updated(latest)
    link_attrs: dict[str, dict] = {}  # href -> rel, type, title (see _fix_entry_links)
    for name, record in records:
        files = record.get("files") or {}
        where = f"{base}{name}/{editions.EDITIONS_DIR}/{record['as_of']}/"
        fe = fg.add_entry(order="append")
        fe.id(entry_id(base_url, name, record["as_of"]))
        fe.title(f"{record.get('title') or name}: edition of {editions.human_date(record['as_of'])}")
        summary = ((record.get("changes") or {}).get("summary") or "").strip() or "New edition."
        if record.get("headline"):
            summary = f"{summary} Headline finding: {record['headline']}"
        if isinstance(record.get("corrections"), int):
            count = record["corrections"]
            summary += f" Corrections to date: {count}." if count else " No corrections to date."
        fe.summary(summary)
        # The facts added or corrected, each linked to its row in the new edition.
        anchors = (record.get("changes") or {}).get("anchors") or {}
        if anchors and files.get("html"):
            items = "".join(
                f'<li><a href="{html.escape(where + files["html"] + "#" + anchor)}">{html.escape(line)}</a></li>'
                for line, anchor in anchors.items()
            )
            fe.content(f"<p>{html.escape(summary)}</p><ul>{items}</ul>", type="html")
        links = []
        if files.get("html"):
            links.append({"href": where + files["html"], "rel": "alternate", "type": "text/html"})
        if files.get("pdf"):
            links.append({"href": where + files["pdf"], "rel": "related", "type": "application/pdf", "title": "PDF"})
        for link in links:
            fe.link(**link)
            link_attrs[link["href"]] = link
        fe.updated(_when(record.get("built_at", "")))
        fe.published(_when(record.get("built_at", "")))
    return _fix_entry_links(fg.atom_str(pretty=True), link_attrs)


def _fix_entry_links(atom: bytes, link_attrs: dict[str, dict]) -> str:
    """Put back the rel, type and title of entry links, which feedgen 1.0.0 drops.

    FeedEntry.atom_entry rebinds its loop variable to the new element before reading the
    link's attributes from it, so an entry's <link> carries its href only.
    """
    from lxml import etree

    root = etree.fromstring(atom)
    for element in root.iter("{http://www.w3.org/2005/Atom}link"):
        for key, value in link_attrs.get(element.get("href"), {}).items():
            if key != "href" and not element.get(key):
                element.set(key, value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def write_feed(reports_dir: Path, order: list[str], base_url: str = "") -> bool:
    """Write reports/feed.xml if it changed; True if written."""
    text = feed_text(reports_dir, order, base_url)
    target = reports_dir / FEED
    try:
        if target.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    publish.write_atomic(target, text)
    return True
