"""The full analysis (nato_russia.volume): its views on tiny inline tables, its prose on the real record, and the
volume's notebooks as a reader gets them."""

import dataclasses
import datetime as dt
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from nato_russia import analysis, narrative, params, paths, volume
from nato_russia.data import load_dataset
from nato_russia.report import BLOCK_MIME

# --- a tiny record, written inline ------------------------------------------------------------------------

CHANNELS = [
    # channel_id, channel_name, channel_kind, display_order, is_nato_channel
    ("forum", "NATO–Russia Council", "forum", 1, True),
    ("mission", "Russia's mission to NATO", "mission", 2, True),
    ("hotline", "Brussels–Moscow hotline", "hotline", 3, True),
    ("us_line", "US–Russia deconfliction line", "deconfliction_line", 4, False),
]
EVENTS = [
    # event_id, event_date, date_precision, category, channel_id, title, is_milestone, confidence, reason
    ("e_forum", "2000-01-10", "day", "founding", "forum", "Council set up", True, "H", None),
    ("e_mission", "2001-01-01", "year", "founding", "mission", "Mission opens", True, "M", None),
    ("e_war", "2008-08-08", "day", "conflict", None, "A war begins", True, "H", None),
    ("e_hold", "2008-08-19", "day", "suspension", "forum", "Council put on hold", True, "H", "the war"),
    ("e_resume", "2009-04-29", "day", "meeting", "forum", "Council meets again", False, "H", None),
    ("e_line", "2015-05-03", "day", "channel_report", "hotline", "Line confirmed", False, "H", None),
    ("e_expel", "2021-10-06", "day", "announcement", "mission", "Staff expelled", True, "H", "spies, NATO said"),
    ("e_announce", "2021-10-18", "day", "announcement", "mission", "Suspension announced", True, "H", "an answer"),
    ("e_stop", "2021-11-01", "day", "suspension", "mission", "Mission stops work", True, "H", None),
    ("e_call", "2022-01-26", "day", "contact", "hotline", "A call on the line", False, "H", None),
    ("e_us", "2022-03-01", "day", "founding", "us_line", "US line set up", True, "H", None),
    ("e_quiet", "2022-01-01", "year", "suspension", "forum", "Council cut off", False, "M", None),
    ("e_drone", "2025-09-10", "day", "incident", None, "Drones over an ally", True, "H", None),
    ("e_talk", "2023-05-01", "day", "statement", None, "A speech", False, "H", None),
]
PERIODS = [
    # period_id, channel_id, status, start_event_id, end_event_id, status_note
    ("forum_open", "forum", "open", "e_forum", "e_hold", None),
    ("forum_hold", "forum", "suspended", "e_hold", "e_resume", None),
    ("forum_open_again", "forum", "open", "e_resume", "e_quiet", None),
    ("forum_quiet", "forum", "suspended", "e_quiet", None, "according to one foreign ministry"),
    ("mission_open", "mission", "open", "e_mission", "e_stop", None),
    ("mission_stopped", "mission", "suspended", "e_stop", None, None),
    ("hotline_open", "hotline", "open", "e_line", None, None),
    ("us_open", "us_line", "open", "e_us", None, None),
]
STAFFING = [
    # staffing_id, body_id, measure, staff_count, effective_date, event_id
    ("s_expelled", "russia_mission_to_nato", "staff_expelled", 8, "2021-11-01", "e_expel"),
]


def tiny(reviewed_to: str = "2026-07-01", as_of: str = "2026-12-03") -> analysis.Dataset:
    """The tiny record above as a Dataset, cut to `as_of` (every source public from the first day)."""
    channels = pd.DataFrame(
        CHANNELS, columns=["channel_id", "channel_name", "channel_kind", "display_order", "is_nato_channel"]
    )
    events = pd.DataFrame(
        EVENTS,
        columns=[
            "event_id",
            "event_date",
            "date_precision",
            "category",
            "channel_id",
            "title",
            "is_milestone",
            "confidence",
            "reason",
        ],
    )
    events["event_date"] = pd.to_datetime(events["event_date"])
    events["summary"] = events["title"] + "."
    events["source_ids"] = [(f"src_{event_id}",) for event_id in events["event_id"]]
    events["source_id"] = [f"src_{event_id}" for event_id in events["event_id"]]
    events["known_date"] = events["event_date"]
    events["channel_name"] = events["channel_id"].map(channels.set_index("channel_id")["channel_name"])
    by_id = events.set_index("event_id")
    periods = pd.DataFrame(
        PERIODS, columns=["period_id", "channel_id", "status", "start_event_id", "end_event_id", "status_note"]
    )
    periods["confidence"] = "H"
    periods["note"] = None
    for side in ("start", "end"):
        periods[f"{side}_date"] = periods[f"{side}_event_id"].map(by_id["event_date"])
        periods[f"{side}_precision"] = periods[f"{side}_event_id"].map(by_id["date_precision"])
    periods["channel_name"] = periods["channel_id"].map(channels.set_index("channel_id")["channel_name"])
    staffing = pd.DataFrame(
        STAFFING, columns=["staffing_id", "body_id", "measure", "staff_count", "effective_date", "event_id"]
    )
    staffing["effective_date"] = pd.to_datetime(staffing["effective_date"])
    staffing["source_ids"] = [("src_e_expel",)] * len(staffing)
    sources = pd.DataFrame(
        {
            "source_id": list(events["source_id"]),
            "source_type": "official",
            "publisher": "NATO",
            "published_date": list(events["event_date"]),
            "published_precision": "day",
            "known_from": list(events["event_date"]),
        }
    )
    tables = {
        "sources": sources,
        "entities": pd.DataFrame(columns=["entity_id", "canonical_name", "entity_type", "description"]),
        "roles": pd.DataFrame(columns=["entity_id", "role_title", "start_date", "end_date"]),
        "channels": channels,
        "events": events.assign(is_pending=False),
        "event_entities": pd.DataFrame(columns=["event_id", "entity_id", "participant_role"]),
        "channel_periods": periods,
        "staffing": staffing,
    }
    # Tables the views never read are left empty, whatever tables the dataset grows.
    for field in dataclasses.fields(analysis.Dataset):
        if field.default is dataclasses.MISSING and field.name not in tables and "DataFrame" in str(field.type):
            tables[field.name] = pd.DataFrame()
    data = analysis.Dataset(**tables, data_dir=Path("."), data_hash="tiny", reviewed_to=pd.Timestamp(reviewed_to))
    cutoff = pd.Timestamp(as_of)
    return dataclasses.replace(
        data,
        events=data.events.assign(is_pending=data.events["event_date"] > cutoff),
        channel_periods=periods[periods["start_date"] <= cutoff],
    )


def parameters(as_of: str = "2026-12-03", start: str = "1991-01-01", end: str = "") -> params.ReportParameters:
    values = {"period_start": start, "period_end": end, "as_of": as_of, "data_dir": "", "figures_dir": ""}
    return params.validate_parameters(values)


# --- channels open over time --------------------------------------------------------------------------------


def test_channel_counts_change_only_on_the_days_a_period_begins_or_ends():
    counts = volume.channel_counts(tiny(), dt.date(1991, 1, 1), dt.date(2026, 7, 1))
    by_day = counts.set_index(counts["date"].dt.strftime("%Y-%m-%d"))
    assert by_day.loc["1991-01-01", ["open", "suspended", "closed"]].tolist() == [0, 0, 0]
    assert by_day.loc["2000-01-10", "open"] == 1
    assert by_day.loc["2001-01-01", "precision"] == "approximate"  # the mission's year-only start
    assert by_day.loc["2008-08-19", ["open", "suspended"]].tolist() == [1, 1]
    assert by_day.loc["2009-04-29", ["open", "suspended"]].tolist() == [2, 0]
    assert by_day.loc["2021-11-01", ["open", "suspended"]].tolist() == [2, 1]
    # The US line opens in 2022 but is not NATO's, so it changes nothing.
    assert "2022-03-01" not in by_day.index
    assert by_day.iloc[-1]["open_channels"] == ("Brussels–Moscow hotline",)


def test_the_open_count_peaks_and_settles_where_the_record_says():
    counts = volume.channel_counts(tiny(), dt.date(1991, 1, 1), dt.date(2026, 7, 1))
    summary = volume.open_channel_summary(counts, dt.date(2026, 7, 1))
    assert summary["peak"] == 3 and summary["now"] == 1 and not summary["is_peak"]
    assert summary["peak_until"] == pd.Timestamp("2021-10-31")  # the day before the mission stopped work
    assert summary["since"] == pd.Timestamp("2022-01-01")


def test_no_count_runs_past_the_review_date():
    data = tiny(reviewed_to="2024-01-01")
    counts = volume.channel_counts(data, dt.date(1991, 1, 1), analysis.counted_to(data, dt.date(2026, 12, 3)))
    assert counts["date"].max() < pd.Timestamp("2024-01-01")
    record = volume.suspension_record(data, dt.date(2026, 12, 3))
    mission = record.set_index("channel_id").loc["mission"]
    assert mission["days"] == (pd.Timestamp("2024-01-01") - pd.Timestamp("2021-11-01")).days


def test_the_open_channels_chart_states_its_finding_and_marks_the_unreviewed_stretch():
    data, p = tiny(), parameters()
    chart = volume.plot_open_channels(data, p)
    # The Council's cut-off is known only to its year, so the count settled "in 2022", not in January.
    assert chart.figure._suptitle.get_text().replace("\n", " ") == (
        "3 NATO–Russia channels were open as late as October 2021; only 1 has been open since 2022"
    )
    assert "1 open from 2022" in chart.alt_text
    assert "the day the record was reviewed to" in chart.caption
    assert "the Brussels–Moscow hotline" in chart.caption  # counted from its first report, not a founding
    assert chart.source_ids >= {"src_e_hold", "src_e_stop"}


# --- suspensions ----------------------------------------------------------------------------------------------


def test_a_suspension_is_set_beside_the_act_it_followed_and_counted_to_its_decision():
    record = volume.suspension_record(tiny(), dt.date(2026, 12, 3)).set_index("period_id")
    hold = record.loc["forum_hold"]
    assert hold["trigger_id"] == "e_war" and hold["trigger_kind"] == "war"
    assert hold["days_after_trigger"] == 11
    assert hold["outcome"] == "open" and hold["days"] == (pd.Timestamp("2009-04-29") - pd.Timestamp("2008-08-19")).days
    stop = record.loc["mission_stopped"]
    # Decided when it was announced (18 October), twelve days after the expulsion it answered.
    assert stop["decided_date"] == pd.Timestamp("2021-10-18")
    assert stop["trigger_id"] == "e_expel" and stop["trigger_kind"] == "expulsion"
    assert stop["days_after_trigger"] == 12
    assert stop["reason"] == "an answer" and stop["outcome"] == "suspended"
    # A suspension known only to its year has no trigger and counts from the end of that year: a minimum.
    quiet = record.loc["forum_quiet"]
    assert pd.isna(quiet["trigger_id"]) and quiet["days_is_minimum"]
    assert quiet["days"] == (pd.Timestamp("2026-07-01") - pd.Timestamp("2022-12-31")).days


def test_an_act_outside_the_window_is_no_trigger(monkeypatch):
    monkeypatch.setattr(volume, "TRIGGER_WINDOW_DAYS", 10)
    record = volume.suspension_record(tiny(), dt.date(2026, 12, 3)).set_index("period_id")
    assert pd.isna(record.loc["forum_hold", "trigger_id"])  # the war came 11 days before


def test_the_turn_is_where_suspensions_stop_being_lifted():
    record = volume.suspension_record(tiny(), dt.date(2026, 12, 3))
    pattern = volume.suspension_pattern(record)
    assert pattern["turn"] == pd.Timestamp("2021-11-01")
    assert len(pattern["lifted"]) == 1 and len(pattern["unlifted"]) == 2
    table = volume.suspension_table(tiny(), dt.date(2026, 12, 3)).set_index("_row_id")
    assert table.loc["forum_hold", "after"] == "A war begins (8 Aug 2008)"
    assert table.loc["mission_stopped", "suspended"] == "1 Nov 2021 (announced 18 Oct 2021)"
    assert table.loc["forum_quiet", "days suspended"].startswith("at least ")
    assert table.loc["forum_hold", "ended"] == "reopened 29 Apr 2009"


# --- the record after the break -------------------------------------------------------------------------------


def test_events_after_the_break_are_counted_by_kind():
    kinds = volume.after_break_by_kind(tiny(), dt.date(2021, 10, 6), dt.date(2026, 12, 3)).set_index("kind")
    assert kinds.at[volume.NATO_CONTACTS, "events"] == 1  # the call on the hotline
    # The expulsion, the announcement, the suspension and the Council's cut-off are decisions that cut.
    assert kinds.at[volume.CUTS, "events"] == 4
    assert kinds.at[volume.OPENINGS, "events"] == 1  # the US line set up
    assert kinds.at["incidents on or near allied territory", "events"] == 1
    assert kinds["events"].sum() == len(analysis.events_between(tiny(), dt.date(2021, 10, 6), dt.date(2026, 7, 1)))


def test_what_each_open_channel_carried():
    remaining = volume.remaining_channels(tiny(), dt.date(2026, 12, 3)).set_index("channel_id")
    assert list(remaining.index) == ["hotline", "us_line"]
    assert remaining.at["hotline", "contacts"] == 1
    assert remaining.at["hotline", "last_contact"] == pd.Timestamp("2022-01-26")
    assert not remaining.at["us_line", "is_nato_channel"]


# --- wording ---------------------------------------------------------------------------------------------------


def test_who_said_so_is_counted_by_post():
    speakers = ["Russia's ambassador to Belgium, A", "Russia's ambassador to Belgium, B", "Russia's foreign ministry"]
    assert volume._said_by(speakers) == (
        "Russia's ambassador to Belgium (twice) and Russia's foreign ministry (once) have said so"
    )
    assert (
        volume._said_by(speakers[:2], "it is used") == "Russia's ambassador to Belgium has said twice that it is used"
    )
    assert volume._post_in("US ambassador to NATO in 2015.") == "US ambassador to NATO"
    assert volume._post_in("General; Chairman of the US Joint Chiefs of Staff in 2022.") == (
        "Chairman of the US Joint Chiefs of Staff"
    )


# --- the prose, on the real record -----------------------------------------------------------------------------

REAL_AS_OF = "2026-12-03"  # later than the record's review date, as a scheduled build would be
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(\d{{1,2}}) ({MONTHS}) (\d{{4}})\b")


def _prose(as_of: str, end: str = "") -> tuple[str, analysis.Dataset]:
    p = parameters(as_of, end=end)
    data = analysis.as_of_view(load_dataset(), p.as_of)
    parts = [
        *volume.overview(data, p),
        volume.chapter_guide(data, p),
        volume.staffing_finding(data),
        volume.history_finding(data, p),
        volume.channels_finding(data, p.as_of),
        volume.aftermath_finding(data, p),
        volume.assessment_opening(data, p),
        volume.assessment_why(data, p),
        volume.assessment_channels(data, p),
        volume.open_questions(data, p),
        volume.assessment_limits(),
    ]
    return narrative.CITATION.sub("", "\n\n".join(parts)), data


def _sentences(text: str) -> list[str]:
    text = re.sub(r"[*]", "", text)
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n+", text)
    return [piece.strip().lstrip("- ") for piece in pieces if len(piece.split()) > 3]


@pytest.fixture(scope="module")
def real():
    return _prose(REAL_AS_OF)


def test_no_sentence_of_the_volume_runs_over_40_words(real):
    text, _ = real
    long = [sentence for sentence in _sentences(text) if len(sentence.split()) > 40]
    assert long == []


def test_plain_prose(real):
    text, _ = real
    assert "recorded so far" not in text
    assert not re.search(r"[\"“][A-Z][^\"”]{10,}[\"”]", text), "a headline of ours in quotation marks"
    assert text.count("[@") == 0  # citations were stripped: every token was well formed


def test_every_finding_opens_with_a_headline_and_cites_its_documents():
    p = parameters(REAL_AS_OF)
    data = analysis.as_of_view(load_dataset(), p.as_of)
    for finding in (
        volume.staffing_finding(data),
        volume.history_finding(data, p),
        volume.channels_finding(data, p.as_of),
        volume.aftermath_finding(data, p),
        volume.assessment_opening(data, p),
        volume.overview(data, p)[0],
    ):
        assert finding.startswith("**") and finding.index("**", 2) > 20, finding[:80]
        assert "[@" in finding, finding[:80]
        headline = finding[2 : finding.index("**", 2)]
        assert len(_sentences(headline)) >= 1 and len(headline.split()) <= 40


def test_no_count_or_date_runs_past_the_review_date_unless_it_says_so(real):
    text, data = real
    reviewed = data.reviewed_to
    for match in re.finditer(r"\b[\d,]+ days(?: \([^)]*\))? (?:before|to|by) (\d{1,2} \w+ \d{4})", text):
        assert dt.datetime.strptime(match.group(1), "%d %B %Y") <= reviewed, match.group(0)
    planned = {
        row.event_date.date() for row in analysis.watch_list(data, dt.date.fromisoformat(REAL_AS_OF)).itertuples()
    }
    for sentence in _sentences(text):
        for day, month, year in DATE.findall(sentence):
            date = dt.datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date()
            assert date <= reviewed.date() or date in planned, sentence


def test_one_sides_accounts_are_attributed(real):
    text, _ = real
    assert "Poland's foreign minister reported" in text  # the Council's end rests on his account
    assert "Russia's foreign ministry (Vladislav Maslennikov) said in January 2026" in text  # the political line
    assert "Russia's ambassador to Belgium" in text  # who says the emergency channel is used


def test_the_real_record_s_suspensions():
    data = analysis.as_of_view(load_dataset(), dt.date.fromisoformat(REAL_AS_OF))
    record = volume.suspension_record(data, dt.date.fromisoformat(REAL_AS_OF))
    triggered = record.dropna(subset=["trigger_id"]).drop_duplicates("trigger_id")
    # 1999: the decision's own record says NATO's air strikes began that day, though no event of its own holds them.
    assert list(zip(triggered["trigger_kind"], triggered["days_after_trigger"].astype(int))) == [
        ("air strikes", 0),
        ("war", 11),
        ("annexation", 14),
        ("expulsion", 12),
    ]
    assert list(triggered["side"]) == ["Russia", "NATO", "NATO", "Russia"]
    assert volume.suspension_pattern(record)["turn"] == pd.Timestamp("2014-04-01")
    # The Council fell silent after its last meeting with no decision: dormant, not one of the suspensions.
    council = record.set_index("period_id").loc["nrc_2022_suspended"]
    assert council["dormant"] and pd.isna(council["side"])
    unlifted = volume.suspension_pattern(record)["unlifted"]
    # The lines that fell silent (the Council, the military line, the Secretary General's) are dormant, not
    # suspended: three suspensions stand unlifted (practical cooperation, the mission, the liaison mission).
    assert not {"nrc", "military_line", "political_line"} & set(unlifted["channel_id"]) and len(unlifted) == 3
    table = volume.suspension_table(data, dt.date.fromisoformat(REAL_AS_OF)).set_index("_row_id")
    assert table.loc["nrc_2022_suspended", "suspended"].startswith("dormant from 12 Jan 2022")
    ended = table.loc["nrc_2022_suspended", "ended"]
    assert ended.startswith("reported closed 3 Dec 2025 (according to Poland's foreign minister, who said")
    assert table.loc["practical_cooperation_1999_suspended", "suspended"] == "24 Mar 1999, by Russia"
    military = table.loc["military_line_2021_suspended", "suspended"]
    assert military == "dormant from 6 Feb 2020 (its last dated contact)"


def test_the_2021_edition_knows_nothing_later():
    text, data = _prose("2021-10-19", end="2021-10-19")
    announced = {day.date() for day in data.events.loc[data.events["is_pending"], "event_date"]}
    for day, month, year in DATE.findall(text):
        date = dt.datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date()
        assert date <= dt.date(2021, 10, 19) or date in announced, date
    for year in re.findall(r"\b(20[2-9]\d)\b", text):
        assert int(year) <= 2021, year
    assert "are left" not in text, "nothing had broken yet"


@pytest.mark.parametrize("as_of", ["2014-06-01", "2021-10-19", "2022-06-01", REAL_AS_OF])
def test_the_checks_the_notebooks_assert_hold(as_of):
    p = parameters(as_of)
    data = analysis.as_of_view(load_dataset(), p.as_of)
    for what, actual, expected in volume.volume_checks(data, p):
        assert actual == expected, what


# --- the volume as a reader gets it ------------------------------------------------------------------------------

VOLUME = ["00-overview", "01-staffing", "02-history", "03-channels", "04-aftermath", "06-assessment"]


@pytest.mark.e2e
def test_every_chapter_of_the_volume_opens_with_its_finding(tmp_path):
    for name in VOLUME:
        output = tmp_path / f"{name}.ipynb"
        papermill.execute_notebook(
            str(paths.NOTEBOOKS_DIR / f"{name}.ipynb"),
            str(output),
            parameters={"figures_dir": str(tmp_path / "figures"), "as_of": REAL_AS_OF},
            kernel_name="python3",
            progress_bar=False,
        )
        notebook = nbformat.read(output, as_version=4)
        blocks = [
            output["data"][BLOCK_MIME]
            for cell in notebook.cells
            for output in cell.get("outputs", [])
            if BLOCK_MIME in output.get("data", {})
        ]
        assert blocks[0]["kind"] == "markdown" and blocks[0]["markdown"].startswith("**"), name
        assert blocks[-1]["kind"] == "sources", f"{name} ends with its sources"
        title = next(cell.source for cell in notebook.cells if cell.cell_type == "markdown").lstrip("# ")
        assert title not in blocks[0]["markdown"], "no sentence repeats the title"


def test_the_council_sentence_stops_at_the_last_year_the_record_covers_in_full():
    data = analysis.as_of_view(load_dataset(), dt.date.fromisoformat(REAL_AS_OF))
    first, last = volume.council_years(data, parameters(REAL_AS_OF))
    assert first == analysis.NRC_FULLY_COUNTED_FROM
    assert last == data.reviewed_to.year - 1  # reviewed to 1 July: that year is not covered in full


def test_the_key_figures_cite_at_most_three_documents_each():
    p = parameters(REAL_AS_OF)
    data = analysis.as_of_view(load_dataset(), p.as_of)
    figures = volume.key_figures(data, p)
    assert list(figures["figure"]) == list(narrative.key_figures(data, p)["figure"])
    assert all(1 <= len(ids) <= narrative.CITED_PER_SENTENCE for ids in figures["_source_ids"])
    assert all(source_id in set(data.sources["source_id"]) for ids in figures["_source_ids"] for source_id in ids)


def test_a_channel_that_fell_silent_is_counted_dormant_not_suspended():
    data = analysis.as_of_view(load_dataset(), dt.date.fromisoformat(REAL_AS_OF))
    end = analysis.counted_to(data, dt.date.fromisoformat(REAL_AS_OF))
    counts = volume.channel_counts(data, dt.date(1991, 1, 1), end).set_index("date")
    assert counts.loc[pd.Timestamp("2022-01-12"), ["open", "dormant"]].tolist() == [
        2,
        2,
    ]  # open: the emergency channel and the Secretary General's line (until his letter of 10 February 2022);
    # dormant: the Council (after its last meeting) and the military line
    assert counts.loc[pd.Timestamp("2022-02-10"), ["open", "dormant"]].tolist() == [1, 3]
    assert (
        counts.loc[pd.Timestamp("2025-12-03"), "dormant"] == 2
    )  # the Council reported closed: closed; the military line and the Secretary General's still dormant
    summary = volume.open_channel_summary(counts.reset_index(), end)
    # The fall ended with the last dated contact on the Secretary General's line, in February 2022.
    assert summary["since_label"] == "February 2022"


def test_the_statements_that_a_channel_is_used_are_counted_the_same_everywhere(real):
    text, data = real
    as_of = dt.date.fromisoformat(REAL_AS_OF)
    remaining = volume.remaining_channels(data, as_of).set_index("channel_id")
    # One window for every row: the statements since the last dated NATO–Russia contact.
    assert remaining["reports_from"].nunique() == 1
    embassy = remaining.loc["embassy_contact"]
    times = volume._times(embassy["reports_since"])
    assert f"Russia's ambassador to Belgium has said {times} that the emergency channel is in place or in use" in text
    # Alone, or beside others who said so of other lines (Russia's deputy foreign minister, of the military line).
    assert (
        f"Since then Russia's ambassador to Belgium has said {times} that a channel is in place or in use" in text
        or f"Russia's ambassador to Belgium ({times}) have said that a channel is in place or in use" in text
    )
    # The military line is suspended by Russia's account, so its reports of use are not among the open lines'.
    assert list(remaining.index) == ["embassy_contact", "deconfliction_line", "us_military_dialogue"]
    table = volume.remaining_table(data, as_of).set_index("_row_id")
    assert (
        table.filter(like="statements since")
        .loc["embassy_contact"]
        .iloc[0]
        .startswith(f"{embassy['reports_since']}, by Russia's ambassador to Belgium")
    )
    # The by-kind table's larger count is broken down in the chapter's text into the same parts.
    start = volume.break_start(parameters(REAL_AS_OF))
    kinds = volume.after_break_by_kind(data, start, as_of).set_index("kind")
    total = int(kinds.at[volume.STATEMENTS, "events"])
    breakdown = volume._statement_breakdown(data, start, analysis.counted_to(data, as_of))
    assert breakdown.startswith(f"Of the {narrative.number_word(total)} statements")
    # "four concern the emergency channel", or "…, four the emergency channel" when another line is listed first.
    assert re.search(
        rf"\b{narrative.number_word(int(embassy['reports_since']))} (concern )?the emergency channel", breakdown
    )


def test_the_volume_words_what_rests_on_one_account_as_such(real):
    text, _ = real
    assert "struck" not in text  # the incidents are counted, not attributed
    assert "stays suspended" not in text and "reopened, while" not in text
    assert "The military-to-military line has been dormant since its last dated contact, on 6 February 2020" in text
    assert "Russia's foreign ministry, blaming NATO's decisions of 2014, wrote on 18 October 2021" in text
    assert "announced an agreement to re-establish the US–Russia high-level military dialogue" in text
    assert "It said its commander, also NATO's SACEUR, holds authority" in text
    assert "Russia announced on 18 October 2021 that it would suspend its mission to NATO, twelve days after" in text
    assert "The four suspensions that followed a dated act of the other side came 0 to 14 days after it" in text
    assert "dormant" in text and "reported it closed" in text


def test_no_sentence_of_the_volume_repeats_another_or_an_event_s_own_words(real):
    text, data = real
    sentences = [sentence for sentence in _sentences(text) if len(sentence.split()) > 8]
    repeated = {sentence for sentence in sentences if sentences.count(sentence) > 1}
    # The chapter guide restates each chapter's opening headline by design; nothing else recurs.
    guide = set(_sentences(narrative.CITATION.sub("", volume.chapter_guide(data, parameters(REAL_AS_OF)))))
    assert {s for s in repeated if not any(s in line or line in s for line in guide)} == set()
    summaries = {summary.rstrip(".") for summary in data.events["summary"].dropna() if len(summary.split()) > 8}
    assert [summary for summary in summaries if summary in text] == []


def test_the_watch_list_names_nothing_whose_day_has_passed(real):
    text, data = real
    watch = next(sentence for sentence in text.split("\n\n")[3].split(". ") if sentence.startswith("To watch"))
    for day, month, year in DATE.findall(watch):
        assert dt.datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date() > dt.date.fromisoformat(REAL_AS_OF)


def test_a_data_note_reaches_readers_without_ids_locators_or_storage_notes():
    note = (
        "The article's figure: up to 30 staff 'until 2018'. Stored as a claim about 2017, not from 1998 as before: "
        "the records show the cap of 30 set only in April 2015. The article reports the same (sec. 'Representation "
        "of Russia to NATO', para. 1). Consistent with about 50 in 2015 (rm_2015_in_post_about_50). No record "
        "reconciles it; it feeds no chart, count or sentence."
    )
    assert volume.reader_note(note) == (
        "The article's figure: up to 30 staff 'until 2018'. The records show the cap of 30 set only in April 2015. "
        "The article reports the same. Consistent with about 50 in 2015. No record reconciles it."
    )
    table = volume.staffing_table(analysis.as_of_view(load_dataset(), dt.date.fromisoformat(REAL_AS_OF)))
    for note in table["note"]:
        assert not re.search(r"\b[a-z0-9]+_[a-z0-9]+_[a-z0-9_]+\b|sec\. '|[Ss]tored as|feeds no", note), note


def test_no_internal_id_reaches_the_prose(real):
    text, _ = real
    assert not re.search(r"\b[a-z0-9]+_[a-z0-9]+_[a-z0-9_]+\b", text)


def test_the_volume_s_channel_table_words_the_council_as_the_documents_allow():
    as_of = dt.date.fromisoformat(REAL_AS_OF)
    data = analysis.as_of_view(load_dataset(), as_of)
    table = volume.status_table(data, as_of).set_index("_row_id")
    status = table.at["channel-nrc", "status"]
    assert status.startswith("reported closed (according to Poland's foreign minister, who said the Secretary")
    # In an edition before the report, the Council is dormant: it had stopped meeting, and nothing suspended it.
    earlier = analysis.as_of_view(load_dataset(), dt.date(2022, 6, 1))
    assert (
        volume.status_table(earlier, dt.date(2022, 6, 1))
        .set_index("_row_id")
        .at["channel-nrc", "status"]
        .startswith("dormant")
    )
    chart = volume.plot_open_channels(data, parameters(REAL_AS_OF))
    assert "drawn as dormant (hatched) from its last meeting, on 12 January 2022" in chart.caption
    assert "Poland's foreign minister reported it closed" in chart.caption
