"""Load the curated dataset: validate every table, then return typed pandas frames.

`load_dataset()` is the one entry point. It checks the files against `datapackage.json` with the
Frictionless validator (types, allowed values, primary and foreign keys), adds the checks a Table
Schema cannot express (a period that ends before it starts, a date finer than its stated precision),
and only then builds the frames. Any problem raises one `DataError` that names the file, the line a
user sees in an editor, the field, the bad value and what was expected; nothing is returned half-loaded.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nato_russia import paths

DESCRIPTOR_NAME = "datapackage.json"
TABLES = (
    "sources",
    "entities",
    "aliases",
    "roles",
    "channels",
    "events",
    "event_entities",
    "channel_periods",
    "staffing",
    "citations",
    "corrections",
)
# The tables whose rows are facts: each must cite at least one document in citations.csv.
FACT_TABLES = {"events": "event_id", "staffing": "staffing_id"}
# Grades from surest to least sure; the order matters for sorting and for "at least M" filters.
CONFIDENCE_ORDER = ("H", "M", "L", "unverified")
# Frictionless's default spellings of booleans.
TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}


class DataError(ValueError):
    """A problem in the data files, located precisely enough to fix it in an editor."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
        expected: str | None = None,
    ):
        self.file = str(file)
        self.line = line
        self.field = field
        self.value = value
        self.expected = expected
        self.problem = problem
        where = self.file
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field '{field}'"
        message = f"{where}: {problem}"
        if value is not None:
            message += f" (found {value!r})"
        if expected:
            message += f"; expected {expected}"
        super().__init__(message)


@dataclass(frozen=True)
class Dataset:
    """Every table of the dataset as a typed DataFrame, plus where it came from."""

    sources: pd.DataFrame
    entities: pd.DataFrame
    aliases: pd.DataFrame
    roles: pd.DataFrame
    channels: pd.DataFrame
    events: pd.DataFrame
    event_entities: pd.DataFrame
    channel_periods: pd.DataFrame
    staffing: pd.DataFrame
    citations: pd.DataFrame
    corrections: pd.DataFrame
    data_dir: Path
    data_hash: str
    # The day up to which the editors searched for new events (the descriptor's `reviewed_to`): nothing
    # after it is known to the record, so no count, chart or sentence may run past it as if it were.
    reviewed_to: pd.Timestamp = pd.NaT

    def entity_id_for(self, name: str) -> str:
        """The entity id for a canonical name or any alias the sources use (case-insensitive)."""
        wanted = name.strip().casefold()
        for entity_id, canonical in zip(self.entities["entity_id"], self.entities["canonical_name"]):
            if canonical.casefold() == wanted:
                return entity_id
        for alias, entity_id in zip(self.aliases["alias"], self.aliases["entity_id"]):
            if alias.casefold() == wanted:
                return entity_id
        raise KeyError(f"No entity or alias is called {name!r}")

    def canonical_name(self, name: str) -> str:
        """The canonical name behind a name or alias, e.g. 'Tod Walters' -> 'Tod D. Wolters'."""
        entity_id = self.entity_id_for(name)
        return self.entities.set_index("entity_id").at[entity_id, "canonical_name"]


def load_dataset(data_dir: str | Path | None = None) -> Dataset:
    """Validate and load every table under `data_dir` (default: the project's data/ folder).

    Raises DataError, naming file, line, field and value, on the first problem found.
    """
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    if not data_dir.is_dir():
        raise DataError(data_dir, "the data folder does not exist", expected="a folder holding datapackage.json")
    descriptor_path = data_dir / DESCRIPTOR_NAME
    descriptor = _read_descriptor(descriptor_path)
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    for resource in resources.values():
        _check_file_basics(data_dir, resource)
    data_hash = hash_data(data_dir)
    kept = _kept.get((str(data_dir), data_hash))
    if kept is not None:  # the same bytes, already loaded and checked by this code in this process
        frames = {name: getattr(kept, name).copy(deep=True) for name in TABLES}  # the caller's own, to change
        return dataclasses.replace(kept, **frames, data_dir=data_dir.resolve())
    validate = not _already_validated(data_hash)
    if validate:
        _validate_with_frictionless(data_dir, descriptor, resources)
    frames = {name: _typed_frame(data_dir, resources[name]) for name in TABLES}
    if validate:
        _check_foreign_keys(frames, resources)
        _remember_validated(data_hash)
    _check_cross_field_rules(frames, resources)
    reviewed_to = _review_date(descriptor, descriptor_path, frames["sources"])
    _add_derived_columns(frames)
    return Dataset(**frames, data_dir=data_dir.resolve(), data_hash=data_hash, reviewed_to=reviewed_to)


#: Datasets kept loaded in this process by keep_loaded(), by the folder as given and the data's hash.
_kept: dict[tuple[str, str], Dataset] = {}


def keep_loaded(data_dir: str | Path | None = None) -> None:
    """Load the dataset under `data_dir` (validated, as load_dataset does) and keep it in this process.

    From then on load_dataset of the same folder, while its files hash the same, still reads the descriptor
    and checks each file's basics (so its errors stay what they were) but then returns a fresh copy of the
    kept frames instead of reading, typing and checking the tables again: they are the same bytes, loaded
    by the same code. The build's kernel fork server calls it, so each kernel, a fork of the server, loads
    the data in a few milliseconds instead of about 0.15 s. Nothing else calls it; a load that fails here
    keeps nothing and raises as load_dataset does.
    """
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    dataset = load_dataset(data_dir)
    _kept.clear()  # one dataset at a time: a process that keeps another no longer needs the first
    _kept[(str(data_dir), dataset.data_hash)] = dataset


def hash_data(data_dir: str | Path | None = None) -> str:
    """SHA-256 over the descriptor and every file it names, in a fixed order: the data's fingerprint."""
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    descriptor_path = data_dir / DESCRIPTOR_NAME
    digest = hashlib.sha256(descriptor_path.read_bytes())
    for resource in sorted(json.loads(descriptor_path.read_text("utf-8"))["resources"], key=lambda r: r["path"]):
        digest.update(resource["path"].encode())
        digest.update((data_dir / resource["path"]).read_bytes())
    return digest.hexdigest()


# --- reading and first checks -------------------------------------------------------------------


def _read_descriptor(path: Path) -> dict:
    if not path.is_file():
        raise DataError(path, "the descriptor is missing", expected="a Frictionless datapackage.json")
    try:
        descriptor = json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError as error:
        raise DataError(path, f"the descriptor is not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise DataError(path, f"the descriptor is not valid JSON: {error.msg}", line=error.lineno) from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        raise DataError(path, "the descriptor has no list of resources", field="resources")
    names = []
    for number, resource in enumerate(resources, start=1):
        for key in ("name", "path", "schema"):
            if not isinstance(resource, dict) or key not in resource:
                raise DataError(path, f"resource {number} has no '{key}'", field=f"resources[{number}].{key}")
        if not isinstance(resource["schema"].get("fields"), list):
            raise DataError(path, f"resource '{resource['name']}' has no list of fields", field="schema.fields")
        names.append(resource["name"])
    missing = [name for name in TABLES if name not in names]
    if missing:
        raise DataError(path, f"the descriptor describes no table {', '.join(missing)}", field="resources")
    return descriptor


def _review_date(descriptor: dict, path: Path, sources: pd.DataFrame) -> pd.Timestamp:
    """The descriptor's `reviewed_to`: a real date, and no earlier than the newest document the data cite.

    A document published after the review date would mean the editors read past the day they say they
    searched to; the date must then move, or the document go.
    """
    value = descriptor.get("reviewed_to")
    expected = "the day up to which the record was reviewed for new events, written YYYY-MM-DD"
    if value is None:
        raise DataError(path, "the descriptor has no review date", field="reviewed_to", expected=expected)
    try:
        reviewed = pd.Timestamp(dt.datetime.strptime(str(value), "%Y-%m-%d"))
    except ValueError:
        raise DataError(
            path, "the review date is not a date", field="reviewed_to", value=value, expected=expected
        ) from None
    newest = sources.loc[sources["published_date"].idxmax()] if len(sources) else None
    if newest is not None and newest["published_date"] > reviewed:
        raise DataError(
            path,
            f"the review date is earlier than the newest source, {newest['source_id']} "
            f"(published {newest['published_date']:%Y-%m-%d})",
            field="reviewed_to",
            value=value,
            expected=f"a date on or after {newest['published_date']:%Y-%m-%d}",
        )
    return reviewed


def _check_file_basics(data_dir: Path, resource: dict) -> None:
    """Existence, encoding, emptiness and the header: the problems Frictionless reports least clearly."""
    path = data_dir / resource["path"]
    if not path.is_file():
        raise DataError(path, f"file named by {DESCRIPTOR_NAME} (resource '{resource['name']}') is missing")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            path, "the file is not UTF-8", line=line, value=raw[error.start : error.start + 4], expected="UTF-8 text"
        ) from None
    fields = [field["name"] for field in resource["schema"]["fields"]]
    if not text.strip():
        raise DataError(path, "the file is empty", line=1, expected=f"a header row: {','.join(fields)}")
    header = list(pd.read_csv(path, nrows=0, dtype=str).columns)
    missing = [name for name in fields if name not in header]
    if missing:
        raise DataError(
            path, "a column is missing", line=1, field=missing[0], expected=f"the columns {','.join(fields)}"
        )
    extra = [name for name in header if name not in fields]
    if extra:
        raise DataError(
            path, "a column the descriptor does not define", line=1, field=extra[0], expected=f"only {','.join(fields)}"
        )


def validated(data_dir: str | Path | None = None) -> bool:
    """True if the data under `data_dir`, as they are now, are recorded as having passed validation."""
    return _already_validated(hash_data(data_dir))


def _validation_key(data_hash: str) -> str:
    """What a validation result depends on: the data's bytes, this loader's code, the validator's version."""
    from importlib.metadata import version

    loader = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"{data_hash}-{loader}-frictionless{version('frictionless')}"


def _already_validated(data_hash: str) -> bool:
    # Importing and running Frictionless costs about 1.3 s, paid by every notebook of every report;
    # data whose exact bytes passed before, under the same loader and validator, pass again.
    return (paths.CACHE_DIR / "validated" / _validation_key(data_hash)).exists()


def _remember_validated(data_hash: str) -> None:
    try:
        marker = paths.CACHE_DIR / "validated" / _validation_key(data_hash)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # a read-only checkout just validates every time


def _validate_with_frictionless(data_dir: Path, descriptor: dict, resources: dict) -> None:
    """Types, allowed values, required cells and primary keys, by Frictionless; foreign keys after, here.

    Frictionless checks a foreign key by copying the package's metadata and re-reading the referenced
    table once per key: 0.35 of its 0.55 s on these tables (measured 2026-12-03), on the build's critical
    path before its first kernel. The same rule is checked on the typed tables by _check_foreign_keys,
    in milliseconds, with the same error.
    """
    # Imported here: it is only needed once the cheap checks have passed.
    from frictionless import FrictionlessException, Package

    descriptor_path = data_dir / DESCRIPTOR_NAME
    without_foreign_keys = copy.deepcopy(descriptor)
    for resource in without_foreign_keys["resources"]:
        resource["schema"].pop("foreignKeys", None)
    try:
        package = Package(without_foreign_keys, basepath=str(data_dir))
        report = package.validate()
    except FrictionlessException as error:
        raise DataError(descriptor_path, f"the descriptor is malformed: {error.error.message}") from None
    problems = [(task, error) for task in report.tasks for error in task.errors]
    problems += [(None, error) for error in report.errors]
    if not problems:
        return
    task, error = problems[0]
    resource = resources.get(task.name) if task else None
    raise _data_error_from(error, data_dir, resource, descriptor_path, others=len(problems) - 1)


def _data_error_from(error, data_dir: Path, resource: dict | None, descriptor_path: Path, others: int) -> DataError:
    """Turn a Frictionless error into a DataError that says what was expected, in plain words."""
    if resource is None:
        return DataError(descriptor_path, f"the descriptor is malformed: {error.message}")
    path = data_dir / resource["path"]
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    line = getattr(error, "row_number", None)
    field_name = getattr(error, "field_name", None) or None
    value = getattr(error, "cell", None)
    more = f" ({others} more problem{'s' if others > 1 else ''} after this one)" if others else ""
    kind = error.type
    if kind == "type-error":
        expected = _describe_type(fields[field_name])
        return DataError(
            path, "a value of the wrong type" + more, line=line, field=field_name, value=value, expected=expected
        )
    if kind == "constraint-error":
        constraint = error.note.split('"')[1] if '"' in error.note else error.note
        expected = _describe_constraint(fields[field_name], constraint)
        problem = "a required value is missing" if constraint == "required" else "a value breaks the schema"
        return DataError(path, problem + more, line=line, field=field_name, value=value or None, expected=expected)
    if kind in ("unique-error", "primary-key"):
        key = field_name or ",".join(_as_list(resource["schema"].get("primaryKey")))
        duplicate = value if value is not None else _cells_of(error, resource, key)
        return DataError(
            path, "a duplicate id" + more, line=line, field=key, value=duplicate, expected="a value no other row uses"
        )
    if kind == "foreign-key":
        (field_name,) = error.field_names[:1]
        return DataError(
            path,
            f"the row points at a missing {error.reference_name} row" + more,
            line=line,
            field=field_name,
            value=error.field_cells[0],
            expected=f"an id listed in {error.reference_name}.csv",
        )
    if kind in ("extra-cell", "missing-cell"):
        problem = "the row has more values than columns" if kind == "extra-cell" else "the row has too few values"
        return DataError(path, problem + more, line=line, expected=f"{len(fields)} values: {','.join(fields)}")
    if kind == "blank-row":
        return DataError(path, "an empty row" + more, line=line, expected="no blank lines between rows")
    return DataError(path, f"{error.message}{more}", line=line, field=field_name)


def _describe_type(field: dict) -> str:
    return {
        "date": "a real calendar date written YYYY-MM-DD",
        "integer": "a whole number",
        "boolean": "true or false",
        "number": "a number",
    }.get(field["type"], f"a value of type {field['type']}")


def _describe_constraint(field: dict, constraint: str) -> str:
    limits = field.get("constraints", {})
    if constraint == "required":
        return "a value (this field is required)"
    if constraint == "enum":
        return "one of " + ", ".join(limits["enum"])
    if constraint == "minimum":
        return f"at least {limits['minimum']}"
    if constraint == "maxLength":
        return f"at most {limits['maxLength']} characters"
    if constraint == "pattern":
        return f"text matching {limits['pattern']}"
    if constraint == "unique":
        return "a value no other row uses"
    return f"a value meeting the '{constraint}' constraint"


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _cells_of(error, resource: dict, key: str):
    cells = getattr(error, "cells", None) or []
    names = [field["name"] for field in resource["schema"]["fields"]]
    return cells[names.index(key)] if key in names and len(cells) > names.index(key) else None


# --- typing ----------------------------------------------------------------------------------------


def _typed_frame(data_dir: Path, resource: dict) -> pd.DataFrame:
    """Read a validated CSV and give each column the type its schema declares."""
    raw = pd.read_csv(data_dir / resource["path"], dtype=str, keep_default_na=False)
    frame = pd.DataFrame(index=raw.index)
    for field in resource["schema"]["fields"]:
        column = raw[field["name"]].replace("", None)
        kind = field["type"]
        enum = field.get("constraints", {}).get("enum")
        if kind == "date":
            frame[field["name"]] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind == "integer":
            frame[field["name"]] = pd.to_numeric(column).astype("Int64")
        elif kind == "boolean":
            frame[field["name"]] = column.map(lambda v: None if v is None else v in TRUE_VALUES).astype("boolean")
        elif enum:
            ordered = field["name"] == "confidence"
            categories = list(CONFIDENCE_ORDER) if ordered else enum
            frame[field["name"]] = pd.Categorical(column, categories=categories, ordered=ordered)
        else:
            frame[field["name"]] = column.astype("string")
    # A user's editor shows the header on line 1, so the first row is line 2.
    frame.attrs["file"] = str(data_dir / resource["path"])
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    return frame


def _check_foreign_keys(frames: dict[str, pd.DataFrame], resources: dict) -> None:
    """Each row's foreign key names a row of the table it points at (the descriptor's foreignKeys).

    The Table Schema rule, as Frictionless applies it: a key whose cells are all empty points at nothing.
    """
    for name in TABLES:
        for key in resources[name]["schema"].get("foreignKeys", []):
            fields = _as_list(key["fields"])
            target = key["reference"].get("resource") or name
            target_fields = _as_list(key["reference"]["fields"])
            frame, referenced = frames[name], frames[target]
            known = set(zip(*(referenced[field].astype(object) for field in target_fields)))
            for line, cells in zip(frame.index, zip(*(frame[field].astype(object) for field in fields))):
                if all(pd.isna(cell) for cell in cells) or cells in known:
                    continue
                error = DataError(
                    frame.attrs["file"],
                    f"the row points at a missing {target} row",
                    line=line,
                    field=fields[0],
                    value=",".join(str(cell) for cell in cells),
                    expected=f"an id listed in {target}.csv",
                )
                raise error


# --- rules a Table Schema cannot express -----------------------------------------------------------


def _check_cross_field_rules(frames: dict[str, pd.DataFrame], resources: dict) -> None:
    for name in ("events", "staffing"):
        precision_field = "date_precision"
        date_field = "event_date" if name == "events" else "effective_date"
        _check_precision(frames[name], date_field, precision_field)
    _check_precision(frames["sources"], "published_date", "published_precision")
    for date_field, precision_field in (("start_date", "start_precision"), ("end_date", "end_precision")):
        _check_precision(frames["roles"], date_field, precision_field)
    _check_order(frames["roles"], "start_date", "end_date")
    _check_periods(frames["channel_periods"], frames["events"])
    _check_id_dates(frames["events"])
    _check_citations(frames)
    _check_corrections(frames)


def _check_precision(frame: pd.DataFrame, date_field: str, precision_field: str) -> None:
    """A date known only to the month is stored as its first day; anything else is a typo."""
    for line, date, precision in zip(frame.index, frame[date_field], frame[precision_field]):
        if pd.isna(date):
            if not pd.isna(precision):
                raise DataError(frame.attrs["file"], "a precision without a date", line=line, field=precision_field)
            continue
        if pd.isna(precision):
            raise DataError(
                frame.attrs["file"],
                "a date without its precision",
                line=line,
                field=precision_field,
                expected="day, month, season or year",
            )
        if (
            precision in ("month", "season")
            and date.day != 1
            or precision == "year"
            and (date.month, date.day) != (1, 1)
        ):
            raise DataError(
                frame.attrs["file"],
                f"a date of {precision} precision must be the first day of its {precision}",
                line=line,
                field=date_field,
                value=date.strftime("%Y-%m-%d"),
                expected="the 1st of the month (or 1 January for a year)",
            )


def _check_order(frame: pd.DataFrame, start_field: str, end_field: str) -> None:
    for line, start, end in zip(frame.index, frame[start_field], frame[end_field]):
        if not pd.isna(start) and not pd.isna(end) and end < start:
            raise DataError(
                frame.attrs["file"],
                "the end comes before the start",
                line=line,
                field=end_field,
                value=end.strftime("%Y-%m-%d"),
                expected=f"a date on or after {start:%Y-%m-%d}",
            )


def _check_periods(periods: pd.DataFrame, events: pd.DataFrame) -> None:
    """Each period ends no earlier than it starts, and a channel's periods do not overlap."""
    event_dates = events.set_index("event_id")["event_date"]
    starts = periods["start_event_id"].map(event_dates)
    ends = periods["end_event_id"].map(event_dates)
    for line, period_end_event, start, end in zip(periods.index, periods["end_event_id"], starts, ends):
        if not pd.isna(end) and end < start:
            raise DataError(
                periods.attrs["file"],
                "the period ends before it starts",
                line=line,
                field="end_event_id",
                value=f"{period_end_event} ({end:%Y-%m-%d})",
                expected=f"an event on or after the start event's date, {start:%Y-%m-%d}",
            )
    ordered = periods.assign(_start=starts, _end=ends).sort_values(["channel_id", "_start"])
    for _, lane in ordered.groupby("channel_id", observed=True):
        previous = None
        for line, row in lane.iterrows():
            if previous is not None and (pd.isna(previous["_end"]) or row["_start"] < previous["_end"]):
                raise DataError(
                    periods.attrs["file"],
                    f"the period overlaps period '{previous['period_id']}' of the same channel",
                    line=line,
                    field="start_event_id",
                    value=row["start_event_id"],
                    expected="an event on or after the previous period's end",
                )
            previous = row


# An event id starts with the date it is filed under: ev_2021_10_18_…, ev_2021_10_… or ev_2021_….
_ID_DATE = re.compile(r"^ev_(\d{4})(?:_(\d{2})(?=_))?(?:_(\d{2})(?=_))?")


def _check_id_dates(events: pd.DataFrame) -> None:
    """An event id's date part agrees with the row's date, as far as the id gives it (a typo otherwise)."""
    for line, event_id, date in zip(events.index, events["event_id"], events["event_date"]):
        match = _ID_DATE.match(event_id)
        if not match:
            continue
        parts = [int(part) for part in match.groups() if part]
        if parts != [date.year, date.month, date.day][: len(parts)]:
            raise DataError(
                events.attrs["file"],
                "the id's date part disagrees with the event's date",
                line=line,
                field="event_id",
                value=event_id,
                expected=f"an id starting ev_{date:%Y_%m_%d} (or ev_{date:%Y_%m}, ev_{date:%Y}) for {date:%Y-%m-%d}",
            )


def _check_citations(frames: dict[str, pd.DataFrame]) -> None:
    """Every citation names a fact that exists, and every fact cites at least one document."""
    citations = frames["citations"]
    fact_ids = {fact_id for table, key in FACT_TABLES.items() for fact_id in frames[table][key]}
    for line, fact_id in zip(citations.index, citations["fact_id"]):
        if fact_id not in fact_ids:
            raise DataError(
                citations.attrs["file"],
                "the citation points at a missing fact",
                line=line,
                field="fact_id",
                value=fact_id,
                expected="an event_id listed in events.csv or a staffing_id listed in staffing.csv",
            )
    cited = set(citations["fact_id"])
    for table, key in FACT_TABLES.items():
        frame = frames[table]
        for line, fact_id in zip(frame.index, frame[key]):
            if fact_id not in cited:
                raise DataError(
                    frame.attrs["file"],
                    "the fact cites no source",
                    line=line,
                    field=key,
                    value=fact_id,
                    expected="at least one row for it in citations.csv naming a document of sources.csv",
                )


def _check_corrections(frames: dict[str, pd.DataFrame]) -> None:
    """A correction names a fact that exists (events, staffing, channel periods), unless it removed that fact."""
    corrections = frames["corrections"]
    facts = set(frames["events"]["event_id"]) | set(frames["staffing"]["staffing_id"])
    facts |= set(frames["channel_periods"]["period_id"])
    for line, fact_id, field in zip(corrections.index, corrections["fact_id"], corrections["field"]):
        if field == "removed":
            if fact_id in facts:
                raise DataError(
                    corrections.attrs["file"],
                    "the correction says a fact was removed, but it is still in the data",
                    line=line,
                    field="fact_id",
                    value=fact_id,
                    expected="the id of a fact no longer in events.csv, staffing.csv or channel_periods.csv",
                )
        elif fact_id not in facts:
            raise DataError(
                corrections.attrs["file"],
                "the correction points at a missing fact",
                line=line,
                field="fact_id",
                value=fact_id,
                expected="an event_id, staffing_id or period_id as it stands now",
            )


def known_from(date: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The first day a document of this date surely existed: the last day of its month or year if only that is known."""
    if precision == "month":
        return date + pd.offsets.MonthEnd(0)
    if precision == "season":
        return date + pd.DateOffset(months=3, days=-1)
    if precision == "year":
        return date + pd.offsets.YearEnd(0)
    return date


def _add_citation_columns(frames: dict[str, pd.DataFrame]) -> None:
    """Give each fact its documents (main one first) and the day it became known: its earliest document's date."""
    sources = frames["sources"]
    sources["known_from"] = [
        known_from(date, precision)
        for date, precision in zip(sources["published_date"], sources["published_precision"])
    ]
    sources["known_from"] = sources["known_from"].astype("datetime64[ns]")
    citations = frames["citations"]
    citations["known_from"] = citations["source_id"].map(sources.set_index("source_id")["known_from"])
    for table, key in FACT_TABLES.items():
        frames[table] = with_citations(frames[table], key, citations)
        # Cut to an as-of date, a fact known by then but taking effect later is pending (announced, not done).
        frames[table]["is_pending"] = False


def with_citations(facts: pd.DataFrame, key: str, citations: pd.DataFrame) -> pd.DataFrame:
    """The facts that `citations` support, each with its documents (main one first) and the day it became known.

    The loader calls this with every citation; an as-of view calls it with the citations of documents
    published by then, so facts nobody had reported yet drop out.
    """
    grouped = citations.groupby("fact_id", sort=False)
    source_ids, known = grouped["source_id"].agg(tuple), grouped["known_from"].min()
    facts = facts[facts[key].isin(source_ids.index)].copy()
    facts["source_ids"] = facts[key].map(source_ids)
    facts["source_id"] = facts["source_ids"].map(lambda ids: ids[0]).astype("string")
    facts["known_date"] = facts[key].map(known).astype("datetime64[ns]")
    return facts


def _add_derived_columns(frames: dict[str, pd.DataFrame]) -> None:
    """Dates of period bounds, alias lists, and names beside ids: what every caller would otherwise join."""
    _add_citation_columns(frames)
    events = frames["events"].set_index("event_id")
    periods = frames["channel_periods"]
    for side in ("start", "end"):
        ids = periods[f"{side}_event_id"]
        periods[f"{side}_date"] = ids.map(events["event_date"]).astype("datetime64[ns]")
        periods[f"{side}_precision"] = pd.Categorical(
            ids.map(events["date_precision"].astype("string")), categories=events["date_precision"].cat.categories
        )
    aliases = frames["aliases"].groupby("entity_id")["alias"].agg(lambda names: tuple(sorted(names)))
    entities = frames["entities"]
    entities["aliases"] = (
        entities["entity_id"].map(aliases).apply(lambda names: names if isinstance(names, tuple) else ())
    )
    channel_names = frames["channels"].set_index("channel_id")["channel_name"]
    for name in ("events", "channel_periods"):
        frames[name]["channel_name"] = frames[name]["channel_id"].map(channel_names).astype("string")
