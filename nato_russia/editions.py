"""Editions: what each published report was built from, and what changed since the one before.

Every successful build of a variant is an edition, named by its as-of date and kept under
reports/<variant>/editions/<as_of>/. Beside its HTML and PDF an edition keeps a snapshot of the
data it was built from (the data package's descriptor and tables, byte for byte, so they diff
cleanly with any tool) and the headline figures computed from them. The next edition compares
its own data with that snapshot:

- every table of the data package is diffed by its primary key with daff, so a row is added,
  removed or corrected (with old -> new for each field) whatever the schema is today;
- the headline figures (channels open, days since the last contact, NATO-Russia Council
  meetings, the cap on Russia's mission, each channel's status) come from the public functions
  of nato_russia.analysis, each guarded, so a schema change elsewhere costs a figure, never a build.

The result is a `Changes`: a few groups of plain lines, rendered as the report's opening section
"Since the last edition (date)" and used as the feed entry's summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

EDITIONS_DIR = "editions"
SNAPSHOT_DIR = "snapshot"
FIGURES_FILE = "figures.json"
RECORD_FILE = "edition.json"
DESCRIPTOR = "datapackage.json"

#: Columns that name a row for a reader, best first.
NAME_COLUMNS = ("title", "channel_name", "name", "canonical_name", "label", "alias", "summary", "event")
#: Longest value quoted in a change line; longer ones are cut with an ellipsis.
MAX_VALUE = 140
#: Rows named one by one per table and kind of change; the rest are counted.
MAX_ROWS = 8

HEADLINES = {
    "channels_open": "Channels of contact open",
    "days_since_last_contact": "Days since the last contact",
    "nrc_meetings": "NATO–Russia Council meetings on record",
    "staff_cap": "Cap on the size of Russia's mission to NATO",
}


class SnapshotError(Exception):
    """The previous edition's snapshot is missing or cannot be read."""


def human_date(iso: str | None) -> str:
    """'2021-10-19' as readers write it, '19 October 2021'; anything else unchanged."""
    try:
        day = dt.date.fromisoformat(str(iso))
    except (TypeError, ValueError):
        return str(iso or "")
    return f"{day.day} {day:%B %Y}"


def is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return len(text) == 10


# ------------------------------------------------------------------------------ the data package


def read_descriptor(data_dir: Path) -> dict:
    """The data package descriptor; SnapshotError if it is missing or not a package."""
    try:
        doc = json.loads((Path(data_dir) / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{Path(data_dir) / DESCRIPTOR}: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise SnapshotError(f"{Path(data_dir) / DESCRIPTOR} lists no resources")
    return doc


def table_resources(descriptor: dict) -> list[dict]:
    """The tabular resources (those with a path), in the descriptor's order."""
    return [r for r in descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("path"), str)]


def primary_key(resource: dict) -> list[str]:
    key = (resource.get("schema") or {}).get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def data_begins(data_dir: Path) -> dt.date | None:
    """The earliest date in the events table (what 'before the data begin' means), or None.

    Read straight from the CSV, without validating, so the build can refuse an as-of date
    before the data begin in milliseconds, before any kernel starts.
    """
    try:
        descriptor = read_descriptor(data_dir)
    except SnapshotError:
        return None
    for resource in table_resources(descriptor):
        if resource.get("name") != "events":
            continue
        fields = [f.get("name") for f in (resource.get("schema") or {}).get("fields", []) if f.get("type") == "date"]
        if not fields:
            return None
        found = []
        try:
            with (Path(data_dir) / resource["path"]).open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    for name in fields:
                        value = (row.get(name) or "").strip()
                        if is_date(value):
                            found.append(dt.date.fromisoformat(value))
        except (OSError, UnicodeDecodeError, csv.Error):
            return None
        return min(found) if found else None
    return None


# -------------------------------------------------------------------------------- snapshots


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _link_or_copy(source: Path, target: Path, previous: Path | None) -> None:
    """Copy `source` to `target`, or hard-link the previous snapshot's identical file (no new space)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if previous is not None and _same_bytes(source, previous):
        try:
            os.link(previous, target)
            return
        except OSError:
            pass
    shutil.copyfile(source, target)


def write_snapshot(data_dir: Path, target: Path, figures: dict, previous: Path | None = None) -> None:
    """Keep the descriptor and every table of `data_dir` under `target`, with the headline figures.

    Files identical to those of the `previous` snapshot are hard links to them, so an edition whose
    data did not change takes no space for its snapshot.
    """
    data_dir = Path(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    descriptor = read_descriptor(data_dir)
    names = [DESCRIPTOR] + [r["path"] for r in table_resources(descriptor)]
    for name in names:
        source = data_dir / name
        if source.is_file():
            _link_or_copy(source, target / name, previous / name if previous is not None else None)
    (target / FIGURES_FILE).write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def snapshot_hash(folder: Path) -> str:
    """sha256 over the descriptor and tables of a data folder or snapshot (names and bytes)."""
    digest = hashlib.sha256()
    descriptor = read_descriptor(folder)
    for name in [DESCRIPTOR] + sorted(r["path"] for r in table_resources(descriptor)):
        path = folder / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"\0missing\0")
    return digest.hexdigest()


def read_table(path: Path) -> list[list[str]]:
    """A CSV file as rows of strings (header first); SnapshotError if unreadable."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return [row for row in csv.reader(fh)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SnapshotError(f"{path}: {exc}") from exc


# ---------------------------------------------------------------------------------- table diffs


@dataclass
class RowChange:
    """One corrected row: how to name it, per field (old, new), and its key (its id, for links and reasons)."""

    name: str
    fields: dict[str, tuple[str, str]]
    key: str = ""


@dataclass
class TableDiff:
    """The difference between two versions of one table, matched by primary key."""

    resource: str
    label: str
    added: list[str] = field(default_factory=list)  # row names
    removed: list[str] = field(default_factory=list)
    added_keys: list[str] = field(default_factory=list)  # the same rows' keys, in the same order
    removed_keys: list[str] = field(default_factory=list)
    renamed: list[RowChange] = field(default_factory=list)  # a row whose key changed, its content not
    corrected: list[RowChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    table_added: bool = False
    table_removed: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.corrected
            or self.columns_added
            or self.columns_removed
            or self.table_added
            or self.table_removed
        )


def _label(resource: dict) -> str:
    title = resource.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return str(resource.get("name", "table")).replace("_", " ").capitalize()


def row_name(row: dict[str, str | None], key: list[str]) -> str:
    """How a reader knows a row: its title (or name, or summary) and its date, else its key."""
    name = next((str(row[c]).strip() for c in NAME_COLUMNS if row.get(c) and str(row[c]).strip()), "")
    date = next(
        (str(row[c]) for c in row if c.endswith("_date") and row.get(c) and is_date(str(row[c]))),
        "",
    )
    keys = ", ".join(str(row.get(k) or "") for k in key if row.get(k))
    if not name:
        return keys or "a row"
    return f"{name} ({human_date(date)})" if date else name


def diff_rows(old: list[list[str]], new: list[list[str]], key: list[str], resource: str = "", label: str = ""):
    """Diff two tables (header row first) by `key` with daff; return a TableDiff.

    Key columns missing from either version are dropped from the key (daff then matches rows by
    their content). Only changes of values count: a column added or removed is reported once for
    the table, not as a correction of every row.
    """
    import daff

    result = TableDiff(resource, label or resource)
    old_header = old[0] if old else []
    new_header = new[0] if new else []
    result.columns_added = [c for c in new_header if c not in old_header]
    result.columns_removed = [c for c in old_header if c not in new_header]
    flags = daff.CompareFlags()
    for column in key:
        if column in old_header and column in new_header:
            flags.addPrimaryKey(column)
    flags.show_unchanged = False
    flags.unchanged_context = 0
    flags.allow_nested_cells = True
    # daff wants rectangular tables.
    old = [row + [""] * (len(old_header) - len(row)) for row in (old or [[]])]
    new = [row + [""] * (len(new_header) - len(row)) for row in (new or [[]])]
    alignment = daff.Coopy.compareTables(daff.PythonTableView(old), daff.PythonTableView(new), flags).align()
    output = daff.PythonTableView([])
    daff.TableDiff(alignment, flags).hilite(output)
    rows = output.data
    header = next((r for r in rows if r and r[0] == "@@"), None)
    if header is None:
        return result
    columns = header[1:]
    gone: dict[str, dict] = {}  # key -> content of removed rows, to find renames
    for row in rows:
        action = row[0] if row else None
        if action not in ("+++", "---", "->"):
            continue
        cells = row[1:]
        before = {c: (v["before"] if isinstance(v, dict) else v) for c, v in zip(columns, cells, strict=False)}
        after = {c: (v["after"] if isinstance(v, dict) else v) for c, v in zip(columns, cells, strict=False)}
        if action == "+++":
            result.added.append(row_name(after, key))
            result.added_keys.append(_key_of(after, key))
        elif action == "---":
            result.removed.append(row_name(before, key))
            result.removed_keys.append(_key_of(before, key))
            gone[_key_of(before, key)] = before
        else:
            changed = {
                c: (_text(v["before"]), _text(v["after"]))
                for c, v in zip(columns, cells, strict=False)
                if isinstance(v, dict) and c not in result.columns_added and c not in result.columns_removed
            }
            changed = {c: pair for c, pair in changed.items() if pair[0] != pair[1]}
            if changed:
                result.corrected.append(RowChange(row_name(after, key), changed, _key_of(after, key)))
    _find_renames(result, gone, new, key)
    return result


def _key_of(row: dict, key: list[str]) -> str:
    return ",".join(_text(row.get(k)) for k in key)


def _find_renames(result: TableDiff, gone: dict[str, dict], new: list[list[str]], key: list[str]) -> None:
    """A row removed under one key and added under another with the same content otherwise is a rename.

    It is reported once as renamed, not as one fact removed and another added.
    """
    if not gone or not result.added_keys or not new:
        return
    header = new[0]
    added = {_key_of(dict(zip(header, row)), key): dict(zip(header, row)) for row in new[1:]}

    def content(row: dict) -> tuple:
        return tuple(sorted((c, _text(v)) for c, v in row.items() if c not in key and c in header))

    by_content = {content(row): k for k, row in added.items() if k in result.added_keys}
    for old_key, row in gone.items():
        new_key = by_content.get(content(row))
        if new_key is None:
            continue
        i, j = result.removed_keys.index(old_key), result.added_keys.index(new_key)
        name = result.added[j]
        del result.removed[i], result.removed_keys[i], result.added[j], result.added_keys[j]
        result.renamed.append(RowChange(name, {"id": (old_key, new_key)}, new_key))


def _text(value) -> str:
    return "" if value is None else str(value)


def _same_bytes(old: Path, new: Path) -> bool:
    """Whether two table files hold the same bytes (SnapshotError if the old one cannot be read)."""
    try:
        old_bytes = old.read_bytes()
    except OSError as exc:
        raise SnapshotError(f"{old}: {exc}") from exc
    try:
        return old_bytes == new.read_bytes()
    except OSError:
        return False  # read_table says what is wrong with it


def diff_data(old_dir: Path, new_dir: Path) -> list[TableDiff]:
    """Diff every table of two data folders (or snapshots), in the new descriptor's order.

    SnapshotError when the old one cannot be read: its descriptor, or a table it lists.
    """
    old_desc, new_desc = read_descriptor(old_dir), read_descriptor(new_dir)
    old_res = {r.get("name") or r["path"]: r for r in table_resources(old_desc)}
    new_res = {r.get("name") or r["path"]: r for r in table_resources(new_desc)}
    diffs = []
    for name, resource in new_res.items():
        label = _label(resource)
        if name not in old_res:
            diffs.append(TableDiff(name, label, table_added=True))
            continue
        old_path, new_path = Path(old_dir) / old_res[name]["path"], Path(new_dir) / resource["path"]
        if _same_bytes(old_path, new_path) and old_res[name] == resource:
            diffs.append(TableDiff(name, label))  # the same file under the same schema: nothing to align
            continue
        old_rows = read_table(old_path)
        new_rows = read_table(new_path)
        diffs.append(diff_rows(old_rows, new_rows, primary_key(resource), name, label))
    for name, resource in old_res.items():
        if name not in new_res:
            diffs.append(TableDiff(name, _label(resource), table_removed=True))
    return diffs


# ---------------------------------------------------------------------------- headline figures


def headline_figures(data_dir: Path | None, as_of: dt.date, log=print) -> dict:
    """The figures a reader watches, computed with nato_russia.analysis; each one guarded.

    A figure that cannot be computed (the data or analysis changed shape) is logged and left out,
    so it is simply not compared; the build goes on.
    """
    figures: dict = {"as_of": as_of.isoformat()}
    try:
        from nato_russia import analysis
        from nato_russia.data import load_dataset

        full = load_dataset(data_dir)
        data = analysis.as_of_view(full, as_of)
    except Exception as exc:  # noqa: BLE001 - any failure only costs the figures
        log(f"headline figures left out: the data could not be loaded for them ({type(exc).__name__}: {exc})")
        return figures

    def guarded(name, compute):
        try:
            figures[name] = compute()
        except Exception as exc:  # noqa: BLE001
            log(f"headline figure {name!r} left out: {type(exc).__name__}: {exc}")

    def channels():
        table = analysis.channel_status(data, as_of)
        found = {}
        for row in table.to_dict("records"):
            last = row.get("last_contact")
            days = row.get("days_silent")
            found[str(row["channel_id"])] = {
                "channel": str(row.get("channel") or row["channel_id"]),
                "status": str(row.get("status")),
                "last_contact": None if last is None or str(last) in ("NaT", "nan") else str(last)[:10],
                "days_silent": None if days is None or str(days) in ("<NA>", "nan") else int(days),
            }
        return found

    guarded("channels", channels)
    if "channels" in figures:
        chans = figures["channels"].values()
        figures["channels_open"] = sum(1 for c in chans if c["status"] == "open")
        silent = [c["days_silent"] for c in chans if c["days_silent"] is not None]
        if silent:
            figures["days_since_last_contact"] = min(silent)
    guarded("nrc_meetings", lambda: int(len(analysis.nrc_meetings(data))))
    guarded("staff_cap", lambda: analysis.current_cap(data))
    return figures


# ------------------------------------------------------------------------------------ changes


@dataclass
class Changes:
    """What an edition says about the one before it.

    status: "first" (no earlier edition: no section), "unreadable" (the previous snapshot could
    not be read), "date_only" (same data, the date moved) or "changed".
    """

    status: str
    previous: str | None = None  # the previous edition's as-of date
    as_of: str | None = None
    groups: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, lines)
    sentence: str = ""  # the one sentence for "unreadable" and "date_only", the lead for "changed"
    anchors: dict[str, str] = field(default_factory=dict)  # line -> the id of its fact's row in the edition
    unexplained: list[str] = field(default_factory=list)  # facts changed with no correction row: the build warns

    @property
    def heading(self) -> str:
        return f"Since the last edition ({human_date(self.previous)})"

    def lines(self) -> list[str]:
        """Plain lines, most important first (the feed's summary and the index use the first few)."""
        out = [self.sentence] if self.sentence else []
        for heading, items in self.groups:
            out.extend(f"{heading}: {item}" for item in items)
        return out

    def summary(self, limit: int = 4) -> str:
        lines = self.lines()
        if self.status == "first":
            return "First edition."
        text = " ".join(line if line.endswith((".", "…", "?", "!")) else line + "." for line in lines[:limit])
        if len(lines) > limit:
            text += f" (and {len(lines) - limit} more changes)"
        return text

    def to_html(self) -> str:
        """The report's opening section; empty for a first edition."""
        if self.status == "first":
            return ""
        e = html.escape
        out = ['<section class="edition-changes" aria-labelledby="since-last-edition">']
        out.append(f'<h2 id="since-last-edition">{e(self.heading)}</h2>')
        if self.sentence:
            out.append(f'<p class="changes-lead">{e(self.sentence)}</p>')
        for heading, items in self.groups:
            out.append(f'<p class="changes-group">{e(heading)}</p>')
            out.append('<ul class="changes-list">')
            for item in items:
                anchor = self.anchors.get(item)
                text = f'<a href="#{e(anchor)}">{e(item)}</a>' if anchor else e(item)
                out.append(f"<li>{text}</li>")
            out.append("</ul>")
        out.append("</section>")
        return "\n".join(out)

    def as_record(self) -> dict:
        return {
            "status": self.status,
            "previous": self.previous,
            "heading": self.heading if self.status != "first" else "",
            "sentence": self.sentence,
            "groups": [[h, list(items)] for h, items in self.groups],
            "summary": self.summary(),
            "anchors": dict(self.anchors),
            "unexplained": list(self.unexplained),
        }


def _cut(value: str) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1].rstrip() + "…"


def _quote(value: str) -> str:
    return f"“{_cut(value)}”" if value else "(blank)"


def _capped(items: list[str]) -> list[str]:
    if len(items) <= MAX_ROWS:
        return items
    return items[:MAX_ROWS] + [f"and {len(items) - MAX_ROWS} more"]


def _number(value) -> str:
    if value is None:
        return "none"
    return f"{value:,}" if isinstance(value, int) else str(value)


# Tables whose rows are facts with an anchor in the reports, and the anchor's prefix.
FACT_ANCHORS = {"events": "fact-", "staffing": "fact-", "channel_periods": "period-", "channels": "channel-"}
# Tables whose rows can be corrected with a reason (corrections.csv names them by id).
CORRECTABLE = ("events", "staffing", "channel_periods")
CORRECTIONS = "corrections"


def read_corrections(data_dir: Path, after: str | None, until: str) -> list[dict]:
    """The rows of the data's corrections table made after one date (exclusive) up to another (inclusive)."""
    path = Path(data_dir) / "corrections.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        row
        for row in rows
        if (after is None or row.get("corrected_on", "") > after) and row.get("corrected_on", "") <= until
    ]


def _why(key: str, corrections: list[dict], fields: tuple[str, ...] = ()) -> str | None:
    reasons = [
        row["reason"] for row in corrections if row.get("fact_id") == key and (not fields or row["field"] in fields)
    ]
    return " ".join(dict.fromkeys(reasons)) if reasons else None


def describe(
    diffs: list[TableDiff],
    old_figures: dict,
    new_figures: dict,
    previous: str,
    as_of: str,
    corrections: list[dict] = (),
) -> Changes:
    """Turn table diffs and two sets of headline figures into a Changes.

    `corrections` are the corrections table's rows made since the previous edition: each corrected,
    renamed or removed fact shows its reason, and one without a row shows "no reason recorded" (the
    build warns). Each added, renamed or corrected fact links to its row in the new edition.
    """
    changes = Changes("changed", previous, as_of)
    corrections = list(corrections)
    # Renames the corrections table records (the row's content may have changed too, so daff saw two facts).
    for d in diffs:
        for row in corrections:
            if row.get("field") != "id":
                continue
            old_key, new_key = row.get("old_value", ""), row.get("new_value", "")
            if old_key in d.removed_keys and new_key in d.added_keys:
                i, j = d.removed_keys.index(old_key), d.added_keys.index(new_key)
                name = d.added[j]
                del d.removed[i], d.removed_keys[i], d.added[j], d.added_keys[j]
                d.renamed.append(RowChange(name, {"id": (old_key, new_key)}, new_key))
    data_changed = any(not d.empty for d in diffs)

    # Channels whose status changed: from the analysis when both editions have it, else from the
    # rows of channel tables whose `status` field was corrected.
    channel_lines = []
    old_ch, new_ch = old_figures.get("channels"), new_figures.get("channels")
    if isinstance(old_ch, dict) and isinstance(new_ch, dict):
        for cid, now in new_ch.items():
            before = old_ch.get(cid)
            if before is None:
                channel_lines.append(f"{now['channel']}: new channel, {now['status']}")
            elif before.get("status") != now.get("status"):
                channel_lines.append(f"{now['channel']}: {before.get('status')} → {now.get('status')}")
    else:
        for d in diffs:
            if "channel" not in d.resource:
                continue
            for row in d.corrected:
                if "status" in row.fields:
                    old, new = row.fields["status"]
                    channel_lines.append(f"{row.name}: {old} → {new}")

    days = (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(previous)).days if is_date(previous) else None
    if not data_changed and not channel_lines:
        changes.status = "date_only"
        moved = f", {days} day{'s' if days != 1 else ''} later" if days else ""
        changes.sentence = (
            f"Nothing in the data has changed since the edition of {human_date(previous)}; only the as-of date "
            f"moved{moved}, so the counts of days run to {human_date(as_of)}."
        )
        return changes

    counts = []
    for d in diffs:
        if d.resource == CORRECTIONS:
            continue  # its rows are the reasons given beside each change, not changes of their own
        parts = [
            f"{len(d.added)} added" if d.added else "",
            f"{len(d.removed)} removed" if d.removed else "",
            f"{len(d.renamed)} renamed" if d.renamed else "",
            f"{len(d.corrected)} corrected" if d.corrected else "",
        ]
        parts = [p for p in parts if p]
        if parts:
            counts.append(f"{d.label.lower()} {', '.join(parts)}")
    if counts:
        changes.sentence = "In the data: " + "; ".join(counts) + "."
    elif data_changed:
        changes.sentence = "The layout of the data changed; no fact was added, removed or corrected."
    if channel_lines:
        changes.groups.append(("Channels whose status changed", _capped(channel_lines)))

    moved = []
    for key, label in HEADLINES.items():
        if key in old_figures and key in new_figures and old_figures[key] != new_figures[key]:
            moved.append(f"{label}: {_number(old_figures[key])} → {_number(new_figures[key])}")
    if moved:
        changes.groups.append(("Headline numbers", moved))

    for d in diffs:
        if d.table_added:
            changes.groups.append((d.label, ["new table"]))
            continue
        if d.table_removed:
            changes.groups.append((d.label, ["table removed"]))
            continue
        if d.resource == CORRECTIONS:
            continue
        prefix = FACT_ANCHORS.get(d.resource)
        correctable = d.resource in CORRECTABLE
        lines = []
        for name, key in zip(d.added, d.added_keys, strict=True):
            why = _why(key, corrections, ("added",)) if correctable else None
            line = f"added: {name}" + (f" (why: {why})" if why else "")
            lines.append(line)
            if prefix:
                changes.anchors[line] = prefix + key
        for name, key in zip(d.removed, d.removed_keys, strict=True):
            why = _why(key, corrections) if correctable else None
            if correctable and not why:
                changes.unexplained.append(f"{d.resource}: {key} removed")
            lines.append(
                f"removed: {name}" + (f" (why: {why})" if why else " (no reason recorded)" if correctable else "")
            )
        for row in d.renamed:
            old_key, new_key = row.fields["id"]
            why = _why(new_key, corrections, ("id",)) if correctable else None
            line = f"renamed: {row.name}: id {old_key} → {new_key}" + (f" (why: {why})" if why else "")
            lines.append(line)
            if prefix:
                changes.anchors[line] = prefix + new_key
        for row in d.corrected:
            fields = "; ".join(f"{f} {_quote(old)} → {_quote(new)}" for f, (old, new) in row.fields.items())
            why = _why(row.key, corrections) if correctable else None
            if correctable and not why:
                changes.unexplained.append(f"{d.resource}: {row.key} ({', '.join(row.fields)})")
            note = f" (why: {why})" if why else " (no reason recorded)" if correctable else ""
            line = f"corrected: {row.name}: {fields}{note}"
            lines.append(line)
            if prefix:
                changes.anchors[line] = prefix + row.key
        lines = _capped(lines)
        if d.columns_added:
            lines.append("new columns: " + ", ".join(d.columns_added))
        if d.columns_removed:
            lines.append("columns dropped: " + ", ".join(d.columns_removed))
        if lines:
            changes.groups.append((d.label, lines))
    return changes


def unreadable(previous: str, as_of: str) -> Changes:
    return Changes(
        "unreadable",
        previous,
        as_of,
        sentence=(
            f"The previous edition ({human_date(previous)}) could not be read, so what changed since it "
            "is not shown here."
        ),
    )


# ------------------------------------------------------------------------------ edition folders


def edition_dates(editions_dir: Path) -> list[str]:
    """The as-of dates of the editions under `editions_dir`, oldest first."""
    if not editions_dir.is_dir():
        return []
    return sorted(p.name for p in editions_dir.iterdir() if p.is_dir() and is_date(p.name))


def previous_edition(editions_dir: Path, as_of: str) -> str | None:
    """The newest edition dated before `as_of` (a rebuild of the same date compares with the one before)."""
    earlier = [d for d in edition_dates(editions_dir) if d < as_of]
    return earlier[-1] if earlier else None


def read_record(edition: Path) -> dict | None:
    """An edition's edition.json, or None if it is missing or corrupt."""
    try:
        record = json.loads((edition / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def compare(editions_dir: Path, as_of: str, data_dir: Path, log=print) -> tuple[Changes, Path | None, dict]:
    """What this edition says about the last one: (changes, the last one's snapshot, this one's figures).

    A first edition compares with nothing, so it computes nothing: its figures are only its date (the next
    edition computes them from this one's snapshot if it needs them). Otherwise the headline figures are
    computed (nato_russia.analysis, which needs pandas) and the tables diffed, each table whose bytes
    did not change skipped.
    """
    if previous_edition(editions_dir, as_of) is None:
        return Changes("first", None, as_of), None, {"as_of": as_of}
    figures = headline_figures(data_dir, dt.date.fromisoformat(as_of), log)
    changes, snapshot = changes_since(editions_dir, as_of, data_dir, figures, log)
    return changes, snapshot, figures


def changes_since(
    editions_dir: Path, as_of: str, data_dir: Path, figures: dict, log=print
) -> tuple[Changes, Path | None]:
    """Compare the data with the previous edition's snapshot; also return that snapshot (for links)."""
    previous = previous_edition(editions_dir, as_of)
    if previous is None:
        return Changes("first", None, as_of), None
    snapshot = editions_dir / previous / SNAPSHOT_DIR
    try:
        if not snapshot.is_dir():
            raise SnapshotError(f"{snapshot} is missing")
        try:
            old_figures = json.loads((snapshot / FIGURES_FILE).read_text(encoding="utf-8"))
            if not isinstance(old_figures, dict):
                raise ValueError("not a mapping")
        except (OSError, ValueError) as exc:
            raise SnapshotError(f"{snapshot / FIGURES_FILE}: {exc}") from exc
        if set(old_figures) <= {"as_of"} and set(figures) - {"as_of"}:
            # A first edition kept only its date: its figures come from its snapshot, as of its day.
            old_figures = headline_figures(snapshot, dt.date.fromisoformat(previous), log)
        diffs = diff_data(snapshot, Path(data_dir))
    except SnapshotError as exc:
        log(f"the previous edition ({previous}) could not be read: {exc}")
        return unreadable(previous, as_of), None
    except Exception as exc:  # noqa: BLE001 - a diff that fails must not fail the edition
        log(f"the previous edition ({previous}) could not be compared: {type(exc).__name__}: {exc}")
        return unreadable(previous, as_of), None
    changes = describe(diffs, old_figures, figures, previous, as_of, read_corrections(data_dir, previous, as_of))
    if changes.unexplained:
        log(
            f"warning: {len(changes.unexplained)} fact(s) changed since the edition of {previous} with no row in "
            f"corrections.csv saying why: {'; '.join(changes.unexplained[:5])}"
        )
    return changes, snapshot


def thumbnail(png: bytes | None, width: int = 360) -> bytes | None:
    """A small PNG of a chart (the report's key chart), or None."""
    if not png:
        return None
    try:
        from PIL import Image

        image = Image.open(io.BytesIO(png))
        image.thumbnail((width, width * 2))
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
            image = background
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    except Exception:  # noqa: BLE001 - no thumbnail is not worth failing for
        return None
