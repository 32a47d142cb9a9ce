"""Questions the report asks of the data, answered as small frames and numbers.

Every function takes a loaded `Dataset` (usually already cut to the as-of date with `as_of_view`)
and returns plain pandas objects, so notebooks, charts and tests share one answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd

from nato_russia.data import Dataset, with_citations

RUSSIA_MISSION = "russia_mission_to_nato"
# The DW explainer the report starts from; its own figures are kept in the data as its claims.
ARTICLE_SOURCE = "dw_sheyko_2021"
# Dated contacts that took place: a meeting, a call, a letter sent. Only these set "the last contact"
# and start a count of days; a statement that a channel exists or is used is a `channel_report`.
CONTACT_CATEGORIES = ("meeting", "contact")
REPORT_CATEGORIES = ("channel_report",)
# Rows that record a plan, not something that happened: never counted as done, shown as what to watch.
PLANNED_CATEGORIES = ("scheduled",)
# Channels that carry talks, so that "days since the last contact" means something on them; missions,
# offices and practical cooperation are presences and programmes, not lines of contact.
CONTACT_KINDS = ("forum", "political_line", "military_line", "hotline", "deconfliction_line")
# An edition built this many days past the record's review date says so on its first page.
STALE_REVIEW_DAYS = 30
# How long a date of each precision may stand for: the span drawn on a chart.
PRECISION_SPANS = {
    "day": pd.DateOffset(days=1),
    "month": pd.DateOffset(months=1),
    "season": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}


def as_of_view(data: Dataset, as_of: dt.date) -> Dataset:
    """The dataset as it was known on `as_of`: only documents published by then, and the facts they report.

    A fact is known from the publication of its earliest document, so a fact that happened before `as_of`
    but was reported later is left out, and each fact keeps only the documents published by then. A fact
    known by then that takes effect later (a closure announced for the first of next month) is kept and
    marked `is_pending`: announced, not yet done. A period still running on that day is shown as running.
    """
    cutoff = pd.Timestamp(as_of)
    sources = data.sources[data.sources["known_from"] <= cutoff]
    citations = data.citations[data.citations["source_id"].isin(sources["source_id"])]
    events = with_citations(data.events, "event_id", citations)
    events["is_pending"] = events["event_date"] > cutoff
    staffing = with_citations(data.staffing, "staffing_id", citations)
    staffing["is_pending"] = staffing["effective_date"] > cutoff
    staffing = staffing[staffing["event_id"].isin(events["event_id"])]
    known = set(events["event_id"])
    # A period the record infers (a line dormant since its last contact) is known only once the document that
    # shows it is: an edition as of 19 October 2021 does not know a line went quiet for good that September.
    inferred_from = data.channel_periods["known_from_event_id"]
    periods = data.channel_periods[
        data.channel_periods["start_event_id"].isin(known) & (inferred_from.isna() | inferred_from.isin(known))
    ].copy()
    # A period whose successor is not yet known runs on: the line was open until the document showing its
    # dormancy appeared, though that dormancy is dated from the last contact.
    unknown_successors = data.channel_periods[~data.channel_periods.index.isin(periods.index)]
    pending_end = set(zip(unknown_successors["channel_id"], unknown_successors["start_event_id"]))
    ended_later = ~periods["end_event_id"].isin(known) | pd.Series(
        [(c, e) in pending_end for c, e in zip(periods["channel_id"], periods["end_event_id"])], index=periods.index
    )
    for column in ("end_event_id", "end_date", "end_precision"):
        periods.loc[ended_later, column] = pd.NA
    event_entities = data.event_entities[data.event_entities["event_id"].isin(known)]
    roles = data.roles[data.roles["start_date"].isna() | (data.roles["start_date"] <= cutoff)]
    corrections = data.corrections[data.corrections["corrected_on"] <= cutoff]
    return dataclasses.replace(
        data,
        sources=sources,
        citations=citations,
        events=events,
        staffing=staffing,
        channel_periods=periods,
        event_entities=event_entities,
        roles=roles,
        corrections=corrections,
    )


def fact_anchor(fact_id: str) -> str:
    """The id of a fact's row in a report (an event or a staffing figure): stable, from the fact's id."""
    return f"fact-{fact_id}"


def channel_anchor(channel_id: str) -> str:
    """The id of a channel's row in a report's table of channels."""
    return f"channel-{channel_id}"


def period_anchor(period_id: str) -> str:
    """The id of a channel period's row (a change of status) in a report."""
    return f"period-{period_id}"


def done_events(data: Dataset) -> pd.DataFrame:
    """The events that had happened by the as-of date (announced ones that take effect later, and plans, left out)."""
    events = data.events
    return events[~events["is_pending"] & ~events["category"].isin(PLANNED_CATEGORIES)]


# Documents ranked for citing: official texts, then wires, newspapers, analysis, reference.
SOURCE_TYPE_RANK = {"official": 0, "wire": 1, "news": 2, "analysis": 3, "reference": 4}
# A publisher named as a copy ("NATO (via polspy.org)", "RIA Novosti (machine translation republished by …)").
_RELAY = re.compile(r"\(via |republished by|reproduc", re.I)


def source_rank(sources: pd.DataFrame, source_id: str) -> tuple[int, int]:
    """How early a document is cited among a fact's: by its kind, and within a kind an original before a copy
    of one (a relay only beside a primary, never ahead of it). `sources` is indexed by source_id."""
    if source_id not in sources.index:
        return (9, 1)
    row = sources.loc[source_id]
    relay = bool(_RELAY.search(str(row["publisher"])))
    return (SOURCE_TYPE_RANK.get(row["source_type"], 9), int(relay))


def counted_to(data: Dataset, as_of: dt.date) -> dt.date:
    """The last day a count may run to: the as-of date, or the record's review date if that is earlier.

    The editors searched for new events only up to the review date; past it, silence in the data is
    not silence in the world, so "days since" stops there.
    """
    reviewed = data.reviewed_to
    return as_of if pd.isna(reviewed) else min(as_of, reviewed.date())


def review_gap(data: Dataset, as_of: dt.date) -> int:
    """Days from the record's review date to the as-of date (0 when the review reaches the as-of date)."""
    return (as_of - counted_to(data, as_of)).days


def review_is_stale(data: Dataset, as_of: dt.date) -> bool:
    """Whether an edition as of `as_of` is built more than STALE_REVIEW_DAYS past the record's review."""
    return review_gap(data, as_of) > STALE_REVIEW_DAYS


def watch_list(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """What a reader should watch, as known on `as_of`: plans and announced changes still ahead of that day.

    Scheduled events (a summit, a treaty's deadline) dated after the as-of date, and decisions announced
    by then that take effect later, soonest first. A plan whose day has passed but falls after the
    record's review date is not ahead and not covered: see `uncovered_plans`.
    """
    events = data.events
    planned = events["category"].isin(PLANNED_CATEGORIES) & (events["event_date"] > pd.Timestamp(as_of))
    announced = events["is_pending"] & ~events["category"].isin(PLANNED_CATEGORIES)
    chosen = events[planned | announced]
    return chosen.sort_values(["event_date", "event_id"])


def uncovered_plans(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Planned events whose day came after the record's review date but by the as-of date: held, not covered."""
    events = data.events
    planned = events[events["category"].isin(PLANNED_CATEGORIES)]
    after_review = planned["event_date"] > pd.Timestamp(counted_to(data, as_of))
    return planned[after_review & (planned["event_date"] <= pd.Timestamp(as_of))].sort_values("event_date")


# A season is stored as its first day; its name by that month (the northern hemisphere's seasons).
SEASONS = {12: "winter", 3: "spring", 6: "summer", 9: "autumn"}


def _season(date: pd.Timestamp) -> str:
    return SEASONS.get(date.month, f"the three months from {date:%B}")


def format_date(date: pd.Timestamp, precision: str) -> str:
    """A date written only as precisely as it is known: '6 Oct 2021', 'Apr 2015', 'autumn 2021', '1998'."""
    if pd.isna(date):
        return "—"
    if precision == "year":
        return f"{date:%Y}"
    if precision == "month":
        return f"{date:%b %Y}"
    if precision == "season":
        return f"{_season(date)} {date:%Y}"
    return f"{date.day} {date:%b %Y}"


def format_long_date(date: pd.Timestamp, precision: str) -> str:
    """A date for running text, as precisely as it is known: '19 October 2021', 'April 2015', '1998'."""
    if pd.isna(date):
        return "an unknown date"
    if precision == "year":
        return f"{date:%Y}"
    if precision == "month":
        return f"{date:%B %Y}"
    if precision == "season":
        return f"the {_season(date)} of {date:%Y}"
    return f"{date.day} {date:%B %Y}"


def join_and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c': lists in prose and titles."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def date_span(date: pd.Timestamp, precision: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The stretch of time a date of the given precision may mean."""
    return date, date + PRECISION_SPANS[str(precision)]


def events_between(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Events from `start` to `end` inclusive, oldest first.

    An event known only to the month or year sorts at the end of that span: "2022" cannot be put
    before 12 January 2022.
    """
    events = done_events(data)
    mask = (events["event_date"] >= pd.Timestamp(start)) & (events["event_date"] <= pd.Timestamp(end))
    chosen = events[mask]
    span_ends = [
        date_span(date, precision)[1] for date, precision in zip(chosen["event_date"], chosen["date_precision"])
    ]
    return chosen.assign(_order=span_ends).sort_values(["_order", "event_id"]).drop(columns="_order")


# --- staffing ----------------------------------------------------------------------------------


def staffing_steps(data: Dataset, body_id: str = RUSSIA_MISSION) -> pd.DataFrame:
    """The size of a mission over time: the staff in post before any cap, then each cap, oldest first.

    Only checked records set a step; the article's rounder figures ("up to 30 until 2018") stay in the
    data as its claims, graded unverified, but would double the steps here. Each step carries the day its
    decision was taken (`decided_date`) and whether, on the as-of date, it is announced but not yet in
    force (`is_pending`).
    """
    staffing = data.staffing
    rows = staffing[(staffing["body_id"] == body_id) & (staffing["confidence"] != "unverified")]
    caps = rows[rows["measure"] == "staff_cap"]
    first_cap = caps["effective_date"].min()
    before = rows[(rows["measure"] == "staff_in_post") & (rows["effective_date"] <= first_cap)]
    # The count nearest before the first cap: what the cap cut from.
    steps = pd.concat([before.sort_values("effective_date").tail(1), caps]).sort_values("effective_date")
    events = data.events.set_index("event_id")
    steps = steps.assign(
        title=steps["event_id"].map(events["title"]),
        decided_date=steps["event_id"].map(events["event_date"]),
        decided_precision=steps["event_id"].map(events["date_precision"].astype("string")),
    )
    return steps[
        [
            "staffing_id",
            "effective_date",
            "date_precision",
            "measure",
            "staff_count",
            "is_approximate",
            "confidence",
            "event_id",
            "title",
            "decided_date",
            "decided_precision",
            "is_pending",
            "phase_in_months",
            "source_ids",
        ]
    ].reset_index(drop=True)


def mission_suspension(data: Dataset, channel_id: str = "russia_mission"):
    """The event that suspended Russia's mission, if known by the as-of date (it may be announced, not done)."""
    periods = data.channel_periods
    suspended = periods[(periods["channel_id"] == channel_id) & (periods["status"] == "suspended")]
    if suspended.empty:
        return None
    events = data.events.set_index("event_id")
    event = events.loc[suspended.sort_values("start_date")["start_event_id"].iloc[0]]
    return next(pd.DataFrame([event]).rename_axis("event_id").reset_index().itertuples())


def expulsions(data: Dataset, body_id: str = RUSSIA_MISSION) -> pd.DataFrame:
    """Per decision: staff expelled, accreditations refused and posts abolished (0 where none)."""
    measures = ["staff_expelled", "accreditations_refused", "posts_abolished"]
    rows = data.staffing[(data.staffing["body_id"] == body_id) & data.staffing["measure"].isin(measures)]
    if rows.empty:
        return pd.DataFrame(columns=["effective_date", "event_id", *measures])
    table = rows.pivot_table(
        index=["effective_date", "event_id"],
        columns="measure",
        values="staff_count",
        aggfunc="sum",
        observed=True,
    )
    table = table.reindex(columns=measures, fill_value=0).fillna(0).astype(int).reset_index()
    table.columns.name = None
    return table


def current_cap(data: Dataset, body_id: str = RUSSIA_MISSION) -> int | None:
    """The latest checked cap in force on a mission's size (None before any cap)."""
    steps = staffing_steps(data, body_id)
    caps = steps[(steps["measure"] == "staff_cap") & ~steps["is_pending"]]
    return None if caps.empty else int(caps["staff_count"].iloc[-1])


def founding_year(data: Dataset, channel_id: str) -> int | None:
    """The year a channel first opened, as far as the data know."""
    periods = data.channel_periods[
        (data.channel_periods["channel_id"] == channel_id) & (data.channel_periods["status"] == "open")
    ]
    return None if periods.empty else int(periods["start_date"].min().year)


# --- channels ----------------------------------------------------------------------------------


def effective_statuses(periods: pd.DataFrame, data: Dataset) -> pd.Series:
    """Each period's status as the reports word it: a "suspended" period that no suspension began (a channel the
    record shows only falling silent, the Council after its last meeting) is dormant, not suspended, unless one
    side says it is suspended (its note says whose account: "according to Russia's foreign ministry")."""
    category = periods["start_event_id"].map(data.events.set_index("event_id")["category"].astype(str))
    status = periods["status"].astype(str)
    said_suspended = periods["status_note"].fillna("").astype(str).str.startswith("according to")
    return status.where(~((status == "suspended") & (category != "suspension") & ~said_suspended), "dormant")


def channel_status(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Each channel's status on `as_of`, since when, any change announced for later, its last contact and report.

    `data` should already be cut to `as_of` (`as_of_view`). A change announced by then but taking effect
    later (a closure from the first of next month) is reported beside the status, not as the status.
    The last contact counts only dated meetings and contacts graded at least M, so neither an unconfirmed
    claim nor an interview saying a channel is used sets "days without a contact"; the latest such report
    is given apart (`last_report…`). Days are counted from the contact to the as-of date or, if earlier,
    the record's review date (`counted_to`), never past what the editors searched; for a contact known
    only to the month or year they count from the end of that span, so the figure is a minimum.
    """
    cutoff = pd.Timestamp(as_of)
    count_end = pd.Timestamp(counted_to(data, as_of))
    periods = data.channel_periods.assign(status=effective_statuses(data.channel_periods, data))
    current = periods[(periods["start_date"] <= cutoff) & (periods["end_date"].isna() | (periods["end_date"] > cutoff))]
    # If the end of an earlier period was reported only later, the latest period to start is the current one.
    current = current.sort_values("start_date").groupby("channel_id", observed=True).tail(1).set_index("channel_id")
    upcoming = periods[periods["start_date"] > cutoff].sort_values("start_date").groupby("channel_id").head(1)
    upcoming = upcoming.set_index("channel_id")
    events = data.events.set_index("event_id")
    last_contact = _latest_per_channel(verified_contacts(data))
    last_report = _latest_per_channel(use_reports(data))
    rows = []
    for channel in data.channels.sort_values("display_order").itertuples():
        status = current.loc[channel.channel_id] if channel.channel_id in current.index else None
        change = upcoming.loc[channel.channel_id] if channel.channel_id in upcoming.index else None
        contact = last_contact.loc[channel.channel_id] if channel.channel_id in last_contact.index else None
        report = last_report.loc[channel.channel_id] if channel.channel_id in last_report.index else None
        start_event = None if status is None else events.loc[status["start_event_id"]]
        change_event = None if change is None else events.loc[change["start_event_id"]]
        rows.append(
            {
                "channel_id": channel.channel_id,
                "channel": channel.channel_name,
                "is_nato_channel": bool(channel.is_nato_channel),
                "status": "not yet open" if status is None else status["status"],
                "status_note": None if status is None or pd.isna(status["status_note"]) else status["status_note"],
                "since": pd.NaT if status is None else status["start_date"],
                "since_precision": None if status is None else status["start_precision"],
                "status_confidence": None if status is None else status["confidence"],
                "status_source_ids": () if start_event is None else start_event["source_ids"],
                "announced_status": None if change is None else change["status"],
                "announced_from": pd.NaT if change is None else change["start_date"],
                "announced_from_precision": None if change is None else change["start_precision"],
                "announced_on": pd.NaT if change_event is None else change_event["known_date"],
                "announced_source_ids": () if change_event is None else change_event["source_ids"],
                "last_contact": pd.NaT if contact is None else contact["event_date"],
                "last_contact_precision": None if contact is None else contact["date_precision"],
                "last_contact_title": None if contact is None else contact["title"],
                "last_contact_confidence": None if contact is None else contact["confidence"],
                "last_contact_source_ids": () if contact is None else contact["source_ids"],
                "last_report": pd.NaT if report is None else report["event_date"],
                "last_report_precision": None if report is None else report["date_precision"],
                "last_report_title": None if report is None else report["title"],
                "last_report_confidence": None if report is None else report["confidence"],
                "last_report_source_ids": () if report is None else report["source_ids"],
                # A closed channel is not silent, it is gone: no count of days for it. One reported closed on one
                # person's word alone (the Council, by Poland's foreign minister) is still counted: the documents
                # do not show it gone, and its silence since its last meeting is what they do show.
                "days_silent": None
                if contact is None or status is None or (status["status"] == "closed" and status["confidence"] == "H")
                else _days_since(contact, count_end),
                "silence_is_minimum": contact is not None and contact["date_precision"] != "day",
                "counted_to": count_end,
            }
        )
    table = pd.DataFrame(rows)
    table["days_silent"] = table["days_silent"].astype("Int64")
    return table


def _latest_per_channel(events: pd.DataFrame) -> pd.DataFrame:
    """The latest of the given events on each channel, indexed by channel (a year-only date sorts at its end)."""
    ends = [date_span(date, precision)[1] for date, precision in zip(events["event_date"], events["date_precision"])]
    ordered = events.assign(_end=ends).sort_values(["_end", "event_date"])
    return ordered.groupby("channel_id", observed=True).tail(1).set_index("channel_id")


def status_words(row) -> str:
    """A channel's status as every report words it: 'suspended (as …)', then any change announced for later.

    The one wording of a status, used by tables, charts and sentences alike. The note after the status says
    whose account it rests on where no official text establishes it.
    """
    words = str(row.status)
    note = getattr(row, "status_note", None)
    if isinstance(note, str) and note:
        # A status that rests on one person's account is reported, not stated: "reported closed (according to …)".
        if note.startswith("according to"):
            words = f"reported {words}"
        words += f" ({note})"
    if row.announced_status is not None and not pd.isna(row.announced_status):
        words += (
            f"; to be {row.announced_status} from {format_date(row.announced_from, row.announced_from_precision)}"
            f" (announced {format_date(row.announced_on, 'day')})"
        )
    return words


# Grades good enough to date a contact: an unconfirmed claim never sets "the most recent contact".
VERIFIED_GRADES = ("H", "M")


def verified_contacts(data: Dataset) -> pd.DataFrame:
    """Dated meetings and contacts that had happened by the as-of date, on a line of contact, graded at least M."""
    events = done_events(data)
    lines = data.channels.loc[data.channels["channel_kind"].isin(CONTACT_KINDS), "channel_id"]
    return events[
        events["category"].isin(CONTACT_CATEGORIES)
        & events["channel_id"].isin(lines)
        & events["confidence"].isin(VERIFIED_GRADES)
    ]


def use_reports(data: Dataset) -> pd.DataFrame:
    """Statements graded at least M that a channel exists or is in use, with no dated contact behind them."""
    events = done_events(data)
    return events[
        events["category"].isin(REPORT_CATEGORIES)
        & events["channel_id"].notna()
        & events["confidence"].isin(VERIFIED_GRADES)
    ]


def late_entrants(data: Dataset) -> pd.DataFrame:
    """The first periods of NATO–Russia lines the record picks up at a dated contact or report, not a founding:
    lines older than their first record (the military line from its first call on record), in display order."""
    nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
    lines = data.channels.loc[data.channels["channel_kind"].isin(CONTACT_KINDS), "channel_id"]
    periods = data.channel_periods[data.channel_periods["channel_id"].isin(nato)]
    first = periods.sort_values("start_date").groupby("channel_id").head(1)
    kinds = first["start_event_id"].map(data.events.set_index("event_id")["category"].astype(str))
    late = first[kinds.isin(CONTACT_CATEGORIES + REPORT_CATEGORIES) & first["channel_id"].isin(lines)]
    order = data.channels.set_index("channel_id")["display_order"]
    return late.assign(_order=late["channel_id"].map(order)).sort_values("_order").drop(columns="_order")


def nato_russia_channels(status: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """The rows of a channel-status table that are NATO–Russia channels recorded by the as-of date."""
    nato = set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])
    return status[(status["status"] != "not yet open") & status["channel_id"].isin(nato)]


def other_channels(status: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """The rows for channels recorded for context that are not NATO's (US–Russia lines), once they exist."""
    nato = set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])
    return status[(status["status"] != "not yet open") & ~status["channel_id"].isin(nato)]


def _days_since(event: pd.Series, cutoff: pd.Timestamp) -> int:
    _, span_end = date_span(event["event_date"], event["date_precision"])
    last_possible_day = min(span_end - pd.Timedelta(days=1), cutoff)
    return int((cutoff - last_possible_day).days)


# From this year the record holds every NATO–Russia Council meeting; before it, only summits and the meetings
# around the 2008–09 suspension, while the Council met routinely.
NRC_FULLY_COUNTED_FROM = 2014


def nrc_meetings(data: Dataset) -> pd.DataFrame:
    """The events that are meetings of the NATO–Russia Council, summits included (held, not only announced)."""
    events = done_events(data)
    return events[(events["channel_id"] == "nrc") & events["category"].isin(["meeting", "summit"])]


def episodes(data: Dataset, category: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Suspensions (or resumptions) counted as decisions: rows of one category on the same date are one episode.

    One decision is often recorded on several channels (April 2014 stopped civilian and military
    cooperation alike); counting rows would count it several times. The row kept is the first milestone
    of the day, else the first row, so the episode is named by its best-known record.
    """
    events = events_between(data, start, end)
    chosen = events[events["category"] == category]
    same_decision = chosen["event_date"].astype(str) + chosen["date_precision"].astype(str)
    kept = chosen.assign(_key=same_decision).sort_values("is_milestone", ascending=False, kind="stable")
    kept = kept.drop_duplicates("_key")
    return chosen[chosen.index.isin(kept.index)]


def after_article_start(data: Dataset, parameters) -> dt.date | None:
    """The first day after the source article, if the edition reaches past it; None where nothing can follow yet."""
    published = data.sources.set_index("source_id")["published_date"].get(ARTICLE_SOURCE)
    if published is None or pd.isna(published):
        return None
    first = max(parameters.period_start, (published + pd.Timedelta(days=1)).date())
    return first if parameters.shown_end >= first else None


def nrc_meetings_per_year(data: Dataset, first_year: int, last_year: int) -> pd.Series:
    """How many NATO–Russia Council meetings each year held, zeros included."""
    meetings = nrc_meetings(data)
    counts = meetings["event_date"].dt.year.value_counts()
    years = range(first_year, last_year + 1)
    return pd.Series([int(counts.get(year, 0)) for year in years], index=pd.Index(years, name="year"), name="meetings")


def milestones(data: Dataset, start: dt.date, end: dt.date, turning_points: bool = False) -> pd.DataFrame:
    """The key events of the history chart within the window, numbered in date order.

    With `turning_points`, only the milestones that opened, suspended or closed a NATO–Russia channel, and
    the wars: the few events a reader's brief marks (the full list belongs to the analysis).
    """
    events = events_between(data, start, end)
    marked = events[events["is_milestone"]]
    if turning_points:
        nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
        periods = data.channel_periods[data.channel_periods["channel_id"].isin(nato)]
        bounds = set(periods["start_event_id"]) | set(periods["end_event_id"].dropna())
        # A milestone on a NATO–Russia channel (the Council's restart, a cut to the mission) is a turning point
        # though it bounds no period.
        on_channel = marked["channel_id"].isin(nato)
        marked = marked[marked["event_id"].isin(bounds) | on_channel | (marked["category"] == "conflict")]
    marked = marked.reset_index(drop=True)
    return marked.assign(number=range(1, len(marked) + 1))


def presence(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Missions and offices: Russia's at NATO, NATO's in Moscow, and NATO's offices elsewhere for comparison.

    The first come from the channel lanes; the others (Kyiv, Tbilisi) are offices whose founding the
    data record without a channel, and count as open while no closure is recorded.
    """
    mission_channels = data.channels[data.channels["channel_kind"].isin(["mission", "office"])]
    status = channel_status(data, as_of).set_index("channel_id")
    rows = []
    for channel in mission_channels.sort_values("display_order").itertuples():
        periods = data.channel_periods[data.channel_periods["channel_id"] == channel.channel_id]
        opened = periods.sort_values("start_date").head(1)
        rows.append(
            {
                "office": channel.channel_name,
                "opened": format_date(opened["start_date"].iloc[0], opened["start_precision"].iloc[0])
                if len(opened)
                else "—",
                "status on the as-of date": status.at[channel.channel_id, "status"],
                "since": format_date(
                    status.at[channel.channel_id, "since"], status.at[channel.channel_id, "since_precision"]
                ),
                "_source_ids": status.at[channel.channel_id, "status_source_ids"],
            }
        )
    offices = data.entities[data.entities["entity_type"] == "office"]
    links = data.event_entities.merge(data.events, on="event_id")
    for office in offices.itertuples():
        mine = links[(links["entity_id"] == office.entity_id) & links["channel_id"].isna()].sort_values("event_date")
        founded = mine[mine["category"] == "founding"]
        if founded.empty:
            continue
        closed = mine[mine["category"] == "closure"]
        first = founded.iloc[0]
        rows.append(
            {
                "office": office.canonical_name,
                "opened": format_date(first["event_date"], first["date_precision"]),
                "status on the as-of date": "closed" if len(closed) else "open",
                "since": format_date(first["event_date"], first["date_precision"]),
                "_source_ids": first["source_ids"],
            }
        )
    return pd.DataFrame(rows)


def sources_of(*frames: pd.DataFrame) -> set[str]:
    """Every source id the given rows cite (all their documents, not only the main one)."""
    cited = set()
    for frame in frames:
        column = "source_ids" if "source_ids" in frame else "source_id"
        for value in frame[column].dropna():
            cited.update(value if isinstance(value, tuple) else (value,))
    return cited


# --- tables for the reports ------------------------------------------------------------------------

# NATO's withdrawal of eight accreditations on this day began the break the source article explains.
BREAK_DATE = dt.date(2021, 10, 6)
# The start of the war that ended every remaining NATO–Russia contact but the emergency lines.
FULL_SCALE_INVASION = "ev_2022_02_24_invasion"


# The garbled names the brief's method note resolves, as it states them.
NAMES_THE_METHOD_NOTE_CITES = {
    "CHP": "NATO–Russia Council",
    "CNR": "NATO–Russia Council",
    "Tod Walters": "Tod D. Wolters",
    "William Alberk": "William Alberque",
}


def article_date(data: Dataset) -> str:
    """The day the source article was published, as the prose writes it."""
    published = data.sources.set_index("source_id").at[ARTICLE_SOURCE, "published_date"]
    return f"{published.day} {published:%B %Y}"


def cap_sequence(data: Dataset, body_id: str = RUSSIA_MISSION) -> list[int]:
    """The checked caps on a mission's size, in date order."""
    steps = staffing_steps(data, body_id)
    return [int(count) for count in steps.loc[steps["measure"] == "staff_cap", "staff_count"]]


def first_nrc_meeting_year_after(data: Dataset, year: int) -> int | None:
    """The first year after `year` in which the NATO–Russia Council met."""
    meetings = nrc_meetings(data)
    later = meetings[meetings["event_date"].dt.year > year]
    return None if later.empty else int(later["event_date"].min().year)


def _readable(frame: pd.DataFrame, date_field: str, precision_field: str) -> pd.Series:
    return pd.Series(list(map(format_date, frame[date_field], frame[precision_field])), index=frame.index)


def staffing_table(data: Dataset) -> pd.DataFrame:
    """Every staffing figure, readable: body, what is counted, how many, from when, grade, source."""
    staffing = data.staffing.sort_values(["body_id", "effective_date"])
    names = data.entities.set_index("entity_id")["canonical_name"]
    return pd.DataFrame(
        {
            "mission or office": staffing["body_id"].map(names),
            "measure": staffing["measure"].astype(str).str.replace("_", " "),
            "people": [
                f"about {count}" if approx else str(count)
                for count, approx in zip(staffing["staff_count"], staffing["is_approximate"])
            ],
            "from": _readable(staffing, "effective_date", "date_precision"),
            "grade": staffing["confidence"].astype(str),
            "note": staffing["note"].astype(object).fillna(""),
            "_row_id": staffing["staffing_id"].map(fact_anchor),
            "_source_ids": staffing["source_ids"],
        }
    )


def milestone_table(data: Dataset, start: dt.date, end: dt.date, turning_points: bool = False) -> pd.DataFrame:
    """The numbered key events of the history chart."""
    marks = milestones(data, start, end, turning_points)
    return pd.DataFrame(
        {
            "no.": marks["number"],
            "date": _readable(marks, "event_date", "date_precision"),
            "event": marks["title"],
            "grade": marks["confidence"].astype(str),
            "_row_id": marks["event_id"].map(fact_anchor),
            "_source_ids": marks["source_ids"],
        }
    )


# The brief's table of channels keeps those open, those with a change announced, and those whose status
# changed within this many years; older closures and suspensions are named in one line beside it.
RECENT_YEARS = 6


def _graded(text: str, grade) -> str:
    """A label with its grade when below H: 'Envoy: contacts go on (grade M)'. Not in square brackets, which
    the reports keep for numbered citations."""
    return text if grade == "H" or grade is None or pd.isna(grade) else f"{text} (grade {grade})"


def recent_channels(status: pd.DataFrame, as_of: dt.date, years: int = RECENT_YEARS) -> pd.Series:
    """Which rows of a channel-status table a reader's brief lists in full (open, changing, or changed lately)."""
    recent = status["since"] >= pd.Timestamp(as_of) - pd.DateOffset(years=years)
    return (status["status"] == "open") | status["announced_status"].notna() | recent.fillna(False)


def status_table(
    data: Dataset, as_of: dt.date, recent_only: bool = False, since: dt.date | None = None
) -> pd.DataFrame:
    """Each NATO–Russia channel recorded by the as-of date: status, since, last dated contact, days, last report.

    The status reads as every report words it (`status_words`). "Days since" runs from the last dated
    contact to the as-of date or the record's review date, whichever is earlier (the column says which).
    `recent_only` keeps the channels `recent_channels` picks, for the brief; `since` leaves out the channels
    closed before that day.
    """
    status = nato_russia_channels(channel_status(data, as_of), data).reset_index(drop=True)
    if recent_only:
        status = status[recent_channels(status, as_of)].reset_index(drop=True)
    if since is not None:  # the channels open at some time from `since` on (one closed before it is left out)
        status = status[~((status["status"] == "closed") & (status["since"] < pd.Timestamp(since)))]
        status = status.reset_index(drop=True)
    count_end = counted_to(data, as_of)
    # A line older than its first record here is open "since" that record, not since it began: said so.
    late = {(row.channel_id, row.start_date) for row in late_entrants(data).itertuples()}
    return pd.DataFrame(
        {
            "channel": status["channel"],
            "status": [status_words(row) for row in status.itertuples()],
            "since": [
                format_date(d, p) + (" (first on record)" if (c, d) in late else "")
                for c, d, p in zip(status["channel_id"], status["since"], status["since_precision"])
            ],
            "grade": status["status_confidence"].astype(object).fillna("—"),
            "last dated contact": [
                "—" if pd.isna(d) else f"{_graded(t, g)} ({format_date(d, p)})"
                for d, p, t, g in zip(
                    status["last_contact"],
                    status["last_contact_precision"],
                    status["last_contact_title"],
                    status["last_contact_confidence"],
                )
            ],
            f"days since, to {format_date(pd.Timestamp(count_end), 'day')}": [
                "—" if pd.isna(days) else f"{'at least ' if minimum else ''}{days:,}"
                for days, minimum in zip(status["days_silent"], status["silence_is_minimum"])
            ],
            "last reported in place or in use": [
                "—" if pd.isna(d) else _graded(format_date(d, p), g)
                for d, p, g in zip(
                    status["last_report"], status["last_report_precision"], status["last_report_confidence"]
                )
            ],
            "_row_id": status["channel_id"].map(channel_anchor),
            # Hidden from the printed table (too narrow for ids) but listed among the report's sources.
            "_source_of_status": status["status_source_ids"],
            "_source_of_change": status["announced_source_ids"],
            "_source_of_contact": status["last_contact_source_ids"],
            "_source_of_report": status["last_report_source_ids"],
        }
    )


def older_channels(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """The channel-status rows the brief's table leaves out: closed or suspended long before."""
    status = nato_russia_channels(channel_status(data, as_of), data)
    return status[~recent_channels(status, as_of)]


def event_table(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Events in a window, readable, with grade and source."""
    events = events_between(data, start, end)
    return pd.DataFrame(
        {
            "date": _readable(events, "event_date", "date_precision"),
            "event": events["summary"],
            "grade": events["confidence"].astype(str),
            "_row_id": events["event_id"].map(fact_anchor),
            "_source_ids": events["source_ids"],
        }
    )


# --- the years since 2014 --------------------------------------------------------------------------


def dated_contacts(data: Dataset) -> pd.DataFrame:
    """Every dated NATO–Russia meeting or contact graded at least M: the lines of contact, the Council's summits,
    and talks through the missions (an ambassador's meeting at NATO headquarters)."""
    events = done_events(data)
    nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
    contacts = events[
        events["channel_id"].isin(nato)
        & events["confidence"].isin(VERIFIED_GRADES)
        & (
            events["category"].isin(CONTACT_CATEGORIES)
            | ((events["channel_id"] == "nrc") & (events["category"] == "summit"))
        )
    ]
    return contacts


def contacts_per_year(data: Dataset, first_year: int, last_year: int) -> pd.DataFrame:
    """Dated NATO–Russia meetings and contacts per year and channel (zeros included), channels in chart order.

    Counted by the year of the date as known; a contact known only to its year counts in that year.
    """
    contacts = dated_contacts(data)
    contacts = contacts[contacts["event_date"].dt.year.between(first_year, last_year)]
    order = data.channels.sort_values("display_order")
    names = order.set_index("channel_id")["channel_name"]
    table = (
        contacts.assign(year=contacts["event_date"].dt.year, channel=contacts["channel_id"].map(names))
        .pivot_table(index="year", columns="channel", values="event_id", aggfunc="count", observed=True)
        .reindex(range(first_year, last_year + 1), fill_value=0)
        .fillna(0)
        .astype(int)
    )
    table = table[[name for name in order["channel_name"] if name in table.columns]]
    table.index.name = "year"
    table.columns.name = None
    return table


def meeting_gaps(data: Dataset, since: dt.date, channel_id: str = "nrc", min_days: int = 365) -> pd.DataFrame:
    """Stretches of at least `min_days` between two meetings of a channel from `since` on (choose a day from
    which the record holds every meeting), with the meetings either side."""
    meetings = dated_contacts(data)
    meetings = meetings[(meetings["channel_id"] == channel_id) & (meetings["event_date"] >= pd.Timestamp(since))]
    meetings = meetings.sort_values("event_date")
    rows = []
    for before, after in zip(meetings.itertuples(), list(meetings.itertuples())[1:]):
        days = (after.event_date - before.event_date).days
        if days >= min_days:
            rows.append(
                {
                    "last_before": before.event_date,
                    "first_after": after.event_date,
                    "days": days,
                    "source_ids": tuple(before.source_ids) + tuple(after.source_ids),
                }
            )
    return pd.DataFrame(rows, columns=["last_before", "first_after", "days", "source_ids"])


# A contact within this many days after an incident counts as a contact about it, in the absence of better.
INCIDENT_WINDOW_DAYS = 30


def us_acts(data: Dataset) -> set[str]:
    """The events the United States acted in (General Milley's call, November 2022): US steps, not NATO's."""
    links = data.event_entities
    return set(links.loc[(links["entity_id"] == "united_states") & (links["participant_role"] == "actor"), "event_id"])


def incidents_and_contacts(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Each incident in the window, with the first dated NATO–Russia contact within a month after it, if any,
    and any unanswered attempt to reach Russia in that month (on any line, NATO's or a US one)."""
    events = events_between(data, start, counted_to(data, end))
    incidents = events[events["category"] == "incident"]
    contacts = dated_contacts(data)
    everything = done_events(data)
    mission_talks = everything[
        (everything["category"] == "contact")
        & everything["channel_id"].isin(["russia_mission"])
        & everything["confidence"].isin(VERIFIED_GRADES)
    ]
    contacts = pd.concat([contacts, mission_talks]).drop_duplicates("event_id")
    failed = everything[everything["category"] == "failed_contact"]
    rows = []

    def within(frame: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
        # A contact known only to its month counts if its month overlaps the window.
        ends = pd.Series(
            [date_span(d, p)[1] for d, p in zip(frame["event_date"], frame["date_precision"])], index=frame.index
        )
        return frame[(ends > first) & (frame["event_date"] <= last)].sort_values("event_date")

    for row in incidents.itertuples():
        window = (row.event_date, row.event_date + pd.Timedelta(days=INCIDENT_WINDOW_DAYS))
        after = within(contacts, *window)
        tried = within(failed, *window)
        rows.append(
            {
                "event_id": row.event_id,
                "date": row.event_date,
                "precision": row.date_precision,
                "incident": row.title,
                "confidence": row.confidence,
                "contact": None if after.empty else _graded(after.iloc[0]["title"], after.iloc[0]["confidence"]),
                "contact_date": pd.NaT if after.empty else after.iloc[0]["event_date"],
                "contact_precision": None if after.empty else after.iloc[0]["date_precision"],
                "attempt": None if tried.empty else tried.iloc[0]["title"],
                "attempt_id": None if tried.empty else tried.iloc[0]["event_id"],
                "attempt_summary": None if tried.empty else tried.iloc[0]["summary"],
                "source_ids": tuple(row.source_ids)
                + (() if after.empty else tuple(after.iloc[0]["source_ids"]))
                + (() if tried.empty else tuple(tried.iloc[0]["source_ids"])),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "event_id",
            "date",
            "precision",
            "incident",
            "confidence",
            "contact",
            "contact_date",
            "contact_precision",
            "attempt",
            "attempt_id",
            "attempt_summary",
            "source_ids",
        ],
    )


def incident_table(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Incidents in the window for readers: the date, what happened, and whether the record holds a contact."""
    incidents = incidents_and_contacts(data, start, end)

    def contact_words(row) -> str:
        if isinstance(row.contact, str):
            # One bracket for the date and the grade: "(Nov 2015, day not known; grade M)".
            title, _, grade = row.contact.partition(" (grade ")
            when = format_date(row.contact_date, row.contact_precision)
            when += ", day not known" if row.contact_precision != "day" else ""
            return f"{title} ({when}{'; grade ' + grade.rstrip(')') if grade else ''})"
        if isinstance(row.attempt, str):
            # The attempt in the words of its report (its summary's first clause), not its headline-style label.
            said = str(row.attempt_summary).split(";")[0].rstrip(".")
            return f"none on record; {'a US' if row.attempt_id in us_attempts else 'an'} attempt failed: {said}"
        return "none on record"

    # An attempt made by the United States (General Milley's, November 2022) is a US one, not NATO's.
    us_attempts = us_acts(data)

    causes = incidents["event_id"].map(data.events.set_index("event_id")["reason"])
    return pd.DataFrame(
        {
            "date": [format_date(d, p) for d, p in zip(incidents["date"], incidents["precision"])],
            "incident": [_graded(t, g) for t, g in zip(incidents["incident"], incidents["confidence"])],
            "cause, as its documents give it": causes.fillna("not given").tolist(),
            "NATO–Russia contact within a month": [contact_words(row) for row in incidents.itertuples()],
            "_row_id": incidents["event_id"].map(fact_anchor),
            "_source_ids": incidents["source_ids"],
        }
    )


def channels_open_on(data: Dataset, day: dt.date) -> pd.DataFrame:
    """The NATO–Russia channels open on a given day (as the record now knows it)."""
    status = nato_russia_channels(channel_status(data, day), data)
    return status[status["status"] == "open"]
