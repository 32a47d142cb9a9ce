"""The dataset and its loader: the real data load and validate; every kind of bad input is refused clearly."""

import json
import shutil

import pandas as pd
import pytest
from conftest import edit_cell, read_rows, write_rows

from nato_russia import paths
from nato_russia.data import DataError, load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


# --- the real data ------------------------------------------------------------------------------


def test_frictionless_validator_accepts_the_data_package():
    from frictionless import Package

    report = Package(str(paths.DESCRIPTOR)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]


def test_tables_are_typed(dataset):
    assert pd.api.types.is_datetime64_any_dtype(dataset.events["event_date"])
    assert isinstance(dataset.events["category"].dtype, pd.CategoricalDtype)
    assert list(dataset.events["confidence"].cat.categories) == ["H", "M", "L", "unverified"]
    assert dataset.staffing["staff_count"].dtype == "Int64"
    assert dataset.events["is_milestone"].dtype == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(dataset.channel_periods["start_date"])


def test_loads_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(load_dataset().events) > 50


def test_every_row_cites_a_source_and_a_place(dataset):
    for table in ("events", "staffing", "entities", "aliases", "roles", "channels"):
        frame = getattr(dataset, table)
        assert frame["source_id"].notna().all(), table
        assert frame["source_locator"].str.strip().str.len().gt(0).all(), table
    cited = set().union(*(set(getattr(dataset, t)["source_id"]) for t in ("events", "staffing", "entities")))
    assert cited <= set(dataset.sources["source_id"])


def test_garbled_names_resolve_to_canonical_entities(dataset):
    assert dataset.entity_id_for("Tod Walters") == "tod_wolters"
    assert dataset.entity_id_for("William Alberk") == "william_alberque"
    assert dataset.entity_id_for("CHP") == "nrc"
    assert dataset.entity_id_for("CNR") == "nrc"
    assert "Wolters" in dataset.canonical_name("Tod Walters")
    aliases = dataset.entities.set_index("entity_id").at["nrc", "aliases"]
    assert {"CHP", "CNR"} <= set(aliases)


def _staff(dataset, measure, date, body="russia_mission_to_nato"):
    rows = dataset.staffing[
        (dataset.staffing["body_id"] == body)
        & (dataset.staffing["measure"] == measure)
        & (dataset.staffing["effective_date"] == pd.Timestamp(date))
        & (dataset.staffing["confidence"] != "unverified")
    ]
    return sorted(int(value) for value in rows["staff_count"])


def test_the_seed_figures_stand_on_their_dates(dataset):
    assert _staff(dataset, "staff_cap", "2018-03-27") == [20]
    assert _staff(dataset, "staff_expelled", "2018-03-27") == [7]
    assert _staff(dataset, "accreditations_refused", "2018-03-27") == [3]
    assert _staff(dataset, "staff_cap", "2021-10-06") == [10]
    assert _staff(dataset, "staff_expelled", "2021-10-06") == [8]
    assert _staff(dataset, "posts_abolished", "2021-10-06") == [2]
    assert _staff(dataset, "staff_cap", "2021-11-01") == [0]
    caps = dataset.staffing[(dataset.staffing["measure"] == "staff_cap") & (dataset.staffing["confidence"] == "H")]
    assert (
        30 in set(caps["staff_count"]) and caps.loc[caps["staff_count"] == 30, "effective_date"].dt.year.eq(2015).all()
    )
    about_fifty = dataset.staffing[(dataset.staffing["staff_count"] == 50) & dataset.staffing["is_approximate"]]
    assert len(about_fifty) >= 1


def test_the_article_three_liaison_officers_are_kept_as_its_unverified_claim(dataset):
    rows = dataset.staffing[
        (dataset.staffing["body_id"] == "nato_military_liaison_mission_moscow") & (dataset.staffing["staff_count"] == 3)
    ]
    assert len(rows) == 1
    assert rows["confidence"].iloc[0] == "unverified"
    assert rows["source_id"].iloc[0] == "dw_sheyko_2021"


@pytest.mark.parametrize(
    ("channel_id", "year"),
    [
        ("practical_cooperation", 1991),
        ("pjc", 1997),
        ("russia_mission", 1998),
        ("nato_information_office", 2000),
        ("nrc", 2002),
        ("nato_liaison_mission", 2002),
    ],
)
def test_each_channel_opens_in_its_founding_year(dataset, channel_id, year):
    periods = dataset.channel_periods[dataset.channel_periods["channel_id"] == channel_id]
    assert periods.sort_values("start_date")["start_date"].iloc[0].year == year


def test_nrc_meetings_per_year_match_the_record(dataset):
    meetings = dataset.events[(dataset.events["channel_id"] == "nrc") & (dataset.events["category"] == "meeting")]
    per_year = meetings["event_date"].dt.year.value_counts()
    assert [int(per_year.get(year, 0)) for year in range(2015, 2023)] == [0, 3, 3, 2, 2, 0, 0, 1]


def test_the_article_claims_the_records_do_not_confirm_are_graded_unverified(dataset):
    article_only = dataset.events[dataset.events["confidence"] == "unverified"]
    assert (article_only["source_id"] == "dw_sheyko_2021").all()
    assert len(article_only) >= 3


# --- bad input ----------------------------------------------------------------------------------


def _fails(data_dir, file, line=None, field=None, words=()):
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    error = caught.value
    message = str(error)
    assert error.file.endswith(file), message
    if line is not None:
        assert error.line == line, message
        assert f"line {line}" in message
    if field is not None:
        assert error.field == field, message
        assert f"'{field}'" in message
    for word in words:
        assert word in message, message
    return error


def test_impossible_date(data_copy):
    line = edit_cell(data_copy, "events", 3, "event_date", "2021-02-30")
    _fails(data_copy, "events.csv", line, "event_date", ["2021-02-30", "YYYY-MM-DD"])


def test_malformed_date(data_copy):
    line = edit_cell(data_copy, "events", 5, "event_date", "19 Oct 2021")
    _fails(data_copy, "events.csv", line, "event_date", ["19 Oct 2021"])


def test_period_ending_before_it_starts(data_copy):
    periods = read_rows(data_copy / "channel_periods.csv")
    events = {row["event_id"]: row["event_date"] for row in read_rows(data_copy / "events.csv")}
    earliest = min(events, key=events.get)
    index = next(
        i for i, row in enumerate(periods) if row["end_event_id"] and events[row["start_event_id"]] > events[earliest]
    )
    line = edit_cell(data_copy, "channel_periods", index, "end_event_id", earliest)
    _fails(data_copy, "channel_periods.csv", line, "end_event_id", ["ends before it starts", earliest])


def test_role_ending_before_it_starts(data_copy):
    roles = read_rows(data_copy / "roles.csv")
    index = next(i for i, row in enumerate(roles) if row["start_date"] and row["start_precision"] == "day")
    line = edit_cell(data_copy, "roles", index, "end_date", "1900-01-01")
    # a precision must come with the end date, or the precision check speaks first
    edit_cell(data_copy, "roles", index, "end_precision", "day")
    _fails(data_copy, "roles.csv", line, "end_date", ["before the start"])


def test_unknown_category(data_copy):
    line = edit_cell(data_copy, "events", 0, "category", "friendship")
    _fails(data_copy, "events.csv", line, "category", ["friendship", "suspension"])


def test_unknown_channel(data_copy):
    line = edit_cell(data_copy, "events", 2, "channel_id", "carrier_pigeon")
    _fails(data_copy, "events.csv", line, "channel_id", ["carrier_pigeon", "channels"])


def test_duplicate_id(data_copy):
    rows = read_rows(data_copy / "events.csv")
    line = edit_cell(data_copy, "events", 4, "event_id", rows[1]["event_id"])
    _fails(data_copy, "events.csv", line, "event_id", ["duplicate", rows[1]["event_id"]])


def test_row_pointing_at_a_missing_source(data_copy):
    line = edit_cell(data_copy, "staffing", 1, "source_id", "no_such_source")
    _fails(data_copy, "staffing.csv", line, "source_id", ["no_such_source", "sources.csv"])


def test_row_pointing_at_a_missing_entity(data_copy):
    line = edit_cell(data_copy, "event_entities", 0, "entity_id", "nobody")
    _fails(data_copy, "event_entities.csv", line, "entity_id", ["nobody", "entities.csv"])


def test_missing_required_value(data_copy):
    line = edit_cell(data_copy, "events", 6, "summary", "")
    _fails(data_copy, "events.csv", line, "summary", ["required"])


def test_negative_staff_count(data_copy):
    line = edit_cell(data_copy, "staffing", 0, "staff_count", "-3")
    _fails(data_copy, "staffing.csv", line, "staff_count", ["-3", "at least 0"])


def test_non_integer_staff_count(data_copy):
    line = edit_cell(data_copy, "staffing", 2, "staff_count", "7.5")
    _fails(data_copy, "staffing.csv", line, "staff_count", ["7.5", "whole number"])


def test_missing_column(data_copy):
    path = data_copy / "staffing.csv"
    rows = read_rows(path)
    write_rows(path, rows, [name for name in rows[0] if name != "confidence"])
    _fails(data_copy, "staffing.csv", 1, "confidence", ["missing"])


def test_extra_column(data_copy):
    path = data_copy / "channels.csv"
    rows = read_rows(path)
    for row in rows:
        row["colour"] = "red"
    write_rows(path, rows)
    _fails(data_copy, "channels.csv", 1, "colour", ["does not define"])


def test_empty_file(data_copy):
    (data_copy / "aliases.csv").write_text("", encoding="utf-8")
    _fails(data_copy, "aliases.csv", 1, words=["empty", "alias,entity_id"])


def test_file_not_utf8(data_copy):
    path = data_copy / "entities.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",", ",\u00e9".encode("latin-1"), 1)
    path.write_bytes(b"\n".join(lines))
    _fails(data_copy, "entities.csv", 4, words=["not UTF-8"])


def test_missing_file_named_by_the_descriptor(data_copy):
    (data_copy / "roles.csv").unlink()
    _fails(data_copy, "roles.csv", words=["missing", "roles"])


def test_malformed_descriptor_json(data_copy):
    path = data_copy / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"resources": [', '"resources": [[', 1), encoding="utf-8")
    _fails(data_copy, "datapackage.json", words=["not valid JSON"])


def test_descriptor_without_a_table(data_copy):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "staffing"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    _fails(data_copy, "datapackage.json", field="resources", words=["staffing"])


def test_descriptor_with_an_invalid_field_type(data_copy):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["schema"]["fields"][0]["type"] = "colour"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    _fails(data_copy, "datapackage.json", words=["malformed"])


def test_missing_data_folder(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_dataset(tmp_path / "nowhere")


def test_a_failed_load_returns_nothing_and_leaves_the_files_alone(data_copy):
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    edit_cell(data_copy, "staffing", 0, "staff_count", "many")
    edited = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    result = None
    with pytest.raises(DataError):
        result = load_dataset(data_copy)
    assert result is None
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == edited
    assert set(before) == set(edited)


def test_precision_must_match_the_date(data_copy):
    rows = read_rows(data_copy / "events.csv")
    index = next(
        i for i, row in enumerate(rows) if row["date_precision"] == "day" and not row["event_date"].endswith("-01")
    )
    line = edit_cell(data_copy, "events", index, "date_precision", "month")
    _fails(data_copy, "events.csv", line, "event_date", ["first day"])


def test_users_edited_copy_loads_from_its_own_folder(data_copy):
    rows = read_rows(data_copy / "events.csv")
    rows[0]["title"] = "An edited title"
    write_rows(data_copy / "events.csv", rows)
    dataset = load_dataset(data_copy)
    assert "An edited title" in set(dataset.events["title"])
    assert dataset.data_hash != load_dataset().data_hash
    shutil.rmtree(data_copy)
