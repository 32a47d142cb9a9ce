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


def test_every_fact_cites_a_public_document_and_a_place_in_it(dataset):
    for table in ("entities", "aliases", "roles", "channels"):
        frame = getattr(dataset, table)
        assert frame["source_id"].isin(dataset.sources["source_id"]).all(), table
        assert frame["source_locator"].str.strip().str.len().gt(0).all(), table
    for table, key in (("events", "event_id"), ("staffing", "staffing_id")):
        frame = getattr(dataset, table)
        assert frame["source_ids"].map(len).gt(0).all(), table
        assert set(frame[key]) <= set(dataset.citations["fact_id"]), table
    assert dataset.citations["source_id"].isin(dataset.sources["source_id"]).all()
    locators = dataset.citations["locator"].str.strip().str.casefold()
    assert locators.str.len().gt(0).all()
    assert not locators.isin(["whole item", "whole text", "whole page"]).any()


def test_every_source_is_a_document_a_reader_can_open(dataset):
    sources = dataset.sources
    assert sources["url"].str.match(r"^https://\S+$").all()
    assert not sources["title"].str.contains(r"[\[\]]").any(), "a bracketed, paraphrased title"
    ids_in_titles = [sid for sid, title in zip(sources["source_id"], sources["title"]) if sid in title]
    assert ids_in_titles == []
    assert not sources["publisher"].str.contains("various|project", case=False).any()
    assert sources["published_date"].notna().all()
    assert set(sources["source_type"]) <= {"official", "wire", "news", "analysis", "reference"}


def test_a_fact_may_cite_several_documents(dataset):
    assert dataset.events["source_ids"].map(len).max() >= 2


def test_the_known_errors_are_corrected(dataset):
    events = dataset.events
    nrc_meetings_2014 = events[
        (events["channel_id"] == "nrc") & (events["category"] == "meeting") & (events["event_date"].dt.year == 2014)
    ]
    assert set(nrc_meetings_2014["event_date"].dt.month) >= {3, 6}, "the NRC met in March and June 2014"
    political = dataset.channel_periods[
        (dataset.channel_periods["channel_id"] == "political_line") & (dataset.channel_periods["status"] == "open")
    ]
    assert political["start_date"].min().year == 2015, "Stoltenberg and Lavrov met in Munich in February 2015"
    caps = dataset.staffing[dataset.staffing["measure"] == "staff_cap"]
    assert (caps["staff_count"] > 0).all(), "no cap of 0 was ever set: the mission stopped work"
    thirty = caps[(caps["staff_count"] == 30) & (caps["confidence"] != "unverified")]
    assert thirty["effective_date"].dt.year.eq(2015).all()
    assert not (caps["effective_date"].dt.year.eq(1998)).any(), "the cap of 30 dates from 2015, not 1998"


def test_no_year_or_month_date_bounds_a_period_as_if_known_to_the_day(dataset):
    periods = dataset.channel_periods
    for side in ("start", "end"):
        known = periods[periods[f"{side}_date"].notna()]
        imprecise = known[known[f"{side}_precision"] != "day"]
        # A period bounded by an imprecise date must say so by its precision; such bounds are drawn as spans.
        assert imprecise[f"{side}_precision"].isin(["month", "season", "year"]).all()


def test_duplicate_events_are_merged(dataset):
    events = dataset.events
    for date, category in (("1991-12-20", None), ("2002-05-28", "founding"), ("2016-04-20", None)):
        same_day = events[events["event_date"] == pd.Timestamp(date)]
        if category:
            same_day = same_day[same_day["category"] == category]
        assert len(same_day) == 1, (date, list(same_day["event_id"]))


def test_the_standard_milestones_are_in_the_data(dataset):
    events = dataset.events
    enlargements = events[events["category"] == "enlargement"]["event_date"].dt.year
    assert {1999, 2004, 2009, 2017, 2020, 2023, 2024} <= set(enlargements)
    crimea = events[events["title"].str.contains("Crimea", case=False)]
    assert (crimea["event_date"].dt.year == 2014).any()
    assert (events["category"] == "summit").sum() >= 5


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
    # Decided on 6 October 2021, in force from 1 November: the effective date is stored, the decision linked.
    assert _staff(dataset, "staff_cap", "2021-11-01") == [10]
    assert _staff(dataset, "staff_expelled", "2021-11-01") == [8]
    assert _staff(dataset, "posts_abolished", "2021-11-01") == [2]
    cut = dataset.staffing[dataset.staffing["staffing_id"] == "rm_2021_cap_10"]
    decision = dataset.events.set_index("event_id").loc[cut["event_id"].iloc[0]]
    assert decision["event_date"] == pd.Timestamp("2021-10-06") and decision["category"] == "announcement"
    caps = dataset.staffing[(dataset.staffing["measure"] == "staff_cap") & (dataset.staffing["confidence"] == "H")]
    assert (
        30 in set(caps["staff_count"]) and caps.loc[caps["staff_count"] == 30, "effective_date"].dt.year.eq(2015).all()
    )
    about_fifty = dataset.staffing[(dataset.staffing["staff_count"] == 50) & dataset.staffing["is_approximate"]]
    assert len(about_fifty) >= 1


def test_the_three_liaison_officers_rest_on_one_outlet_and_are_graded_by_the_method_notes_rule(dataset):
    rows = dataset.staffing[
        (dataset.staffing["body_id"] == "nato_military_liaison_mission_moscow") & (dataset.staffing["staff_count"] == 3)
    ]
    assert len(rows) == 1
    # Lungescu's remark, relayed by DW alone: "a remark only one outlet relays is M".
    assert rows["confidence"].iloc[0] == "M"
    assert rows["source_ids"].iloc[0] == ("dw_sheyko_2021",)
    statement = dataset.events.set_index("event_id").loc[rows["event_id"].iloc[0]]
    assert statement["confidence"] == rows["confidence"].iloc[0], "one fact, one grade"


def test_a_staffing_figure_and_the_statement_it_comes_from_share_one_grade(dataset):
    events = dataset.events.set_index("event_id")
    statements = dataset.staffing[dataset.staffing["event_id"].map(events["category"]) == "statement"]
    assert len(statements) >= 1
    assert (statements["confidence"].values == statements["event_id"].map(events["confidence"]).values).all()


@pytest.mark.parametrize(
    ("channel_id", "year"),
    [
        ("practical_cooperation", 1991),
        ("pjc", 1997),
        ("russia_mission", 1998),
        ("nato_information_office", 2001),  # opened by Robertson, 20 February 2001 (NATO's news of that day)
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
    assert [int(per_year.get(year, 0)) for year in range(2014, 2023)] == [2, 0, 3, 3, 2, 2, 0, 0, 1]


def test_the_article_claims_the_records_do_not_confirm_are_graded_unverified(dataset):
    article_only = dataset.events[dataset.events["confidence"] == "unverified"]
    assert article_only["source_ids"].map(lambda ids: "dw_sheyko_2021" in ids).all()
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


def test_citation_pointing_at_a_missing_source(data_copy):
    line = edit_cell(data_copy, "citations", 1, "source_id", "no_such_source")
    _fails(data_copy, "citations.csv", line, "source_id", ["no_such_source", "sources.csv"])


def test_citation_pointing_at_a_missing_fact(data_copy):
    line = edit_cell(data_copy, "citations", 2, "fact_id", "ev_no_such_event")
    _fails(data_copy, "citations.csv", line, "fact_id", ["ev_no_such_event", "events.csv"])


def test_fact_without_any_source(data_copy):
    events = read_rows(data_copy / "events.csv")
    orphan = events[4]["event_id"]
    citations = [row for row in read_rows(data_copy / "citations.csv") if row["fact_id"] != orphan]
    write_rows(data_copy / "citations.csv", citations)
    _fails(data_copy, "events.csv", 6, "event_id", [orphan, "cites no source"])


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("url", "", ["required"]),
        ("url", "http://www.nato.int/", ["https://"]),
        ("title", "[AP report: a paraphrase]", ["title"]),
        ("source_type", "internal", ["internal", "official"]),
        ("published_date", "", ["required"]),
    ],
)
def test_source_that_is_not_a_public_document(data_copy, field, value, words):
    line = edit_cell(data_copy, "sources", 3, field, value)
    _fails(data_copy, "sources.csv", line, field, words)


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


# --- the record's currency, sourcing and coverage (issue 16) ---------------------------------------


def test_the_review_date_is_in_the_descriptor_and_returned_by_the_loader(dataset):
    descriptor = json.loads(paths.DESCRIPTOR.read_text(encoding="utf-8"))
    assert dataset.reviewed_to == pd.Timestamp(descriptor["reviewed_to"])
    assert dataset.reviewed_to >= dataset.sources["published_date"].max()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-13-01", ["not a date", "YYYY-MM-DD"]),
        ("2020-01-01", ["earlier than the newest source"]),
        (None, ["no review date"]),
    ],
    ids=["not-a-date", "before-the-newest-source", "missing"],
)
def test_a_bad_review_date_is_refused_naming_the_descriptor(data_copy, value, words):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    if value is None:
        descriptor.pop("reviewed_to")
    else:
        descriptor["reviewed_to"] = value
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    error = _fails(data_copy, "datapackage.json", field="reviewed_to", words=words)
    assert error.line is None


def test_every_h_fact_cites_an_official_text_or_a_wire_report(dataset):
    kinds = dataset.sources.set_index("source_id")["source_type"]
    for table, key in (("events", "event_id"), ("staffing", "staffing_id")):
        frame = getattr(dataset, table)
        for fact_id, grade, source_ids in zip(frame[key], frame["confidence"], frame["source_ids"]):
            if grade == "H":
                assert {kinds[s] for s in source_ids} & {"official", "wire"}, f"{fact_id} is H on newspapers alone"


def test_no_staffing_figure_contradicts_another_without_a_note(dataset):
    staffing = dataset.staffing
    for (_body, _measure, _date), rows in staffing.groupby(["body_id", "measure", "effective_date"], observed=True):
        if rows["staff_count"].nunique() > 1:
            assert rows["note"].notna().all(), f"contradicting figures without a note: {list(rows['staffing_id'])}"
    # The article's "two dozen" in post on 18 October 2021 cannot feed a chart or a count as a fact.
    claim = staffing.set_index("staffing_id").loc["rm_article_in_post_two_dozen"]
    assert claim["confidence"] == "unverified" and "18" in claim["note"]


def test_event_ids_agree_with_their_dates(dataset):
    import re

    for event_id, date in zip(dataset.events["event_id"], dataset.events["event_date"]):
        parts = [int(p) for p in re.match(r"^ev_(\d{4})(?:_(\d{2})(?=_))?(?:_(\d{2})(?=_))?", event_id).groups() if p]
        assert parts == [date.year, date.month, date.day][: len(parts)], event_id


def test_an_id_whose_date_disagrees_with_its_row_is_refused(data_copy):
    rows = read_rows(data_copy / "events.csv")
    index = next(i for i, row in enumerate(rows) if row["event_id"].startswith("ev_2021_10_18_"))
    line = edit_cell(data_copy, "events", index, "event_date", "2021-10-17")
    _fails(data_copy, "events.csv", line, "event_id", ["date part disagrees", "ev_2021_10_17"])


def test_the_permanent_joint_council_met_after_1999(dataset):
    meetings = dataset.events[(dataset.events["channel_id"] == "pjc") & (dataset.events["category"] == "meeting")]
    years = set(meetings["event_date"].dt.year)
    assert {2000, 2001, 2002} <= years, sorted(years)
    assert len(meetings) >= 15


def test_every_expulsion_from_russias_mission_is_a_staffing_row(dataset):
    events = dataset.events
    expulsions = events[(events["category"] == "expulsion") | events["event_id"].isin(dataset.staffing["event_id"])]
    expelled = dataset.staffing[dataset.staffing["measure"] == "staff_expelled"]
    on_mission = expulsions[expulsions["channel_id"] == "russia_mission"]
    for event_id in on_mission[on_mission["category"] == "expulsion"]["event_id"]:
        assert event_id in set(expelled["event_id"]), event_id
    mission_years = set(expelled[expelled["body_id"] == "russia_mission_to_nato"]["effective_date"].dt.year)
    assert {2009, 2018, 2021} <= mission_years


def test_what_a_reader_should_watch_is_in_the_record_with_its_planned_date(dataset):
    planned = dataset.events[dataset.events["category"] == "scheduled"]
    assert (planned["event_date"] > dataset.reviewed_to).any(), "at least one announced date after the review"
    assert planned["source_ids"].map(len).gt(0).all()


def test_every_title_not_in_english_carries_an_english_gloss(dataset):
    sources = dataset.sources
    foreign = sources[sources["language"] != "en"]
    assert foreign["title_english"].notna().all(), list(foreign.loc[foreign["title_english"].isna(), "source_id"])
    assert sources.loc[sources["language"] == "en", "title_english"].isna().all()


# --- the corrections log --------------------------------------------------------------------------


def test_the_corrections_log_records_this_months_corrections_with_their_reasons(dataset):
    log = dataset.corrections
    assert {"ev_2014_06_02_nrc_meeting", "rm_article_cap_30"} <= set(log["fact_id"])
    assert log["reason"].str.len().gt(20).all()
    renamed = log[log["field"] == "id"]
    assert set(renamed["new_value"]) <= set(dataset.events["event_id"])


def test_a_correction_of_a_missing_fact_is_refused(data_copy):
    line = edit_cell(data_copy, "corrections", 0, "fact_id", "ev_1900_01_01_nothing")
    _fails(data_copy, "corrections.csv", line, "fact_id", ["missing fact", "ev_1900_01_01_nothing"])


def test_a_correction_that_removes_a_fact_still_present_is_refused(data_copy):
    rows = read_rows(data_copy / "corrections.csv")
    index = next(i for i, row in enumerate(rows) if row["field"] == "removed")
    line = edit_cell(data_copy, "corrections", index, "fact_id", "ev_2014_06_02_nrc_meeting")
    _fails(data_copy, "corrections.csv", line, "fact_id", ["still in the data"])


def test_a_correction_citing_an_unknown_document_is_refused(data_copy):
    line = edit_cell(data_copy, "corrections", 1, "source_id", "no_such_source")
    _fails(data_copy, "corrections.csv", line, "source_id", ["no_such_source"])


def test_an_edition_knows_only_the_corrections_made_by_its_date(dataset):
    import datetime as dt

    from nato_russia import analysis

    assert analysis.as_of_view(dataset, dt.date(2021, 10, 19)).corrections.empty
    latest = dataset.corrections["corrected_on"].max().date()
    assert len(analysis.as_of_view(dataset, latest).corrections) == len(dataset.corrections)
    made_that_day = (dataset.corrections["corrected_on"].dt.date == latest).sum()
    day_before = analysis.as_of_view(dataset, latest - dt.timedelta(days=1)).corrections
    assert len(day_before) == len(dataset.corrections) - made_that_day
