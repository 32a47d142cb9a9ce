"""Questions the report asks of the data, answered as small frames and numbers.

Every function takes a loaded `Dataset` (usually already cut to the as-of date with `as_of_view`)
and returns plain pandas objects, so notebooks, charts and tests share one answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from nato_russia.data import Dataset, with_citations

RUSSIA_MISSION = "russia_mission_to_nato"
# The DW explainer the report starts from; its own figures are kept in the data as its claims.
ARTICLE_SOURCE = "dw_sheyko_2021"
CONTACT_CATEGORIES = ("meeting", "contact")
# Channels that carry talks, so that "days since the last contact" means something on them; missions,
# offices and practical cooperation are presences and programmes, not lines of contact.
CONTACT_KINDS = ("forum", "political_line", "military_line", "hotline", "deconfliction_line")
# Channels recorded for context that are not NATO's: kept out of every count of NATO–Russia channels.
OUTSIDE_NATO_KINDS = ("deconfliction_line",)
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
    periods = data.channel_periods[data.channel_periods["start_event_id"].isin(known)].copy()
    ended_later = ~periods["end_event_id"].isin(known)
    for column in ("end_event_id", "end_date", "end_precision"):
        periods.loc[ended_later, column] = pd.NA
    event_entities = data.event_entities[data.event_entities["event_id"].isin(known)]
    roles = data.roles[data.roles["start_date"].isna() | (data.roles["start_date"] <= cutoff)]
    return dataclasses.replace(
        data,
        sources=sources,
        citations=citations,
        events=events,
        staffing=staffing,
        channel_periods=periods,
        event_entities=event_entities,
        roles=roles,
    )


def done_events(data: Dataset) -> pd.DataFrame:
    """The events that had happened by the as-of date (announced ones that take effect later left out)."""
    return data.events[~data.events["is_pending"]]


def format_date(date: pd.Timestamp, precision: str) -> str:
    """A date written only as precisely as it is known: '6 Oct 2021', 'Apr 2015', '1998'."""
    if pd.isna(date):
        return "—"
    if precision == "year":
        return f"{date:%Y}"
    if precision == "month":
        return f"{date:%b %Y}"
    if precision == "season":
        return f"season of {date:%b %Y}"
    return f"{date.day} {date:%b %Y}"


def format_long_date(date: pd.Timestamp, precision: str) -> str:
    """A date for running text, as precisely as it is known: '19 October 2021', 'April 2015', '1998'."""
    if pd.isna(date):
        return "an unknown date"
    if precision == "year":
        return f"{date:%Y}"
    if precision in ("month", "season"):
        return f"{date:%B %Y}"
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
            "effective_date",
            "date_precision",
            "measure",
            "staff_count",
            "is_approximate",
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
    return next(pd.DataFrame([event]).itertuples())


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


def channel_status(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Each channel's status on `as_of`, since when, any change announced for later, and its last contact.

    `data` should already be cut to `as_of` (`as_of_view`). A change announced by then but taking effect
    later (a closure from the first of next month) is reported beside the status, not as the status.
    The last contact counts only meetings and contacts graded at least M, so an unconfirmed claim never
    sets "days of silence". Silence counts days from that contact to the as-of date; for a contact known
    only to the month or year it counts from the end of that span, so the figure is a minimum
    (`silence_is_minimum`).
    """
    cutoff = pd.Timestamp(as_of)
    periods = data.channel_periods
    current = periods[(periods["start_date"] <= cutoff) & (periods["end_date"].isna() | (periods["end_date"] > cutoff))]
    # If the end of an earlier period was reported only later, the latest period to start is the current one.
    current = current.sort_values("start_date").groupby("channel_id", observed=True).tail(1).set_index("channel_id")
    upcoming = periods[periods["start_date"] > cutoff].sort_values("start_date").groupby("channel_id").head(1)
    upcoming = upcoming.set_index("channel_id")
    events = data.events.set_index("event_id")
    contacts = verified_contacts(data)
    last_contact = (
        contacts.sort_values("event_date").groupby("channel_id", observed=True).tail(1).set_index("channel_id")
    )
    rows = []
    for channel in data.channels.sort_values("display_order").itertuples():
        status = current.loc[channel.channel_id] if channel.channel_id in current.index else None
        change = upcoming.loc[channel.channel_id] if channel.channel_id in upcoming.index else None
        contact = last_contact.loc[channel.channel_id] if channel.channel_id in last_contact.index else None
        start_event = None if status is None else events.loc[status["start_event_id"]]
        change_event = None if change is None else events.loc[change["start_event_id"]]
        rows.append(
            {
                "channel_id": channel.channel_id,
                "channel": channel.channel_name,
                "status": "not yet open" if status is None else status["status"],
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
                # A closed channel is not silent, it is gone: no count of days for it.
                "days_silent": None
                if contact is None or status is None or status["status"] == "closed"
                else _days_since(contact, cutoff),
                "silence_is_minimum": contact is not None and contact["date_precision"] != "day",
            }
        )
    table = pd.DataFrame(rows)
    table["days_silent"] = table["days_silent"].astype("Int64")
    return table


# Grades good enough to date a contact: an unconfirmed claim never sets "the most recent contact".
VERIFIED_GRADES = ("H", "M")


def verified_contacts(data: Dataset) -> pd.DataFrame:
    """Meetings and contacts that had happened by the as-of date, on a line of contact, graded at least M."""
    events = done_events(data)
    lines = data.channels.loc[data.channels["channel_kind"].isin(CONTACT_KINDS), "channel_id"]
    return events[
        events["category"].isin(CONTACT_CATEGORIES)
        & events["channel_id"].isin(lines)
        & events["confidence"].isin(VERIFIED_GRADES)
    ]


def nato_russia_channels(status: pd.DataFrame, data: Dataset) -> pd.DataFrame:
    """The rows of a channel-status table that are NATO–Russia channels recorded by the as-of date."""
    outside = set(data.channels.loc[data.channels["channel_kind"].isin(OUTSIDE_NATO_KINDS), "channel_id"])
    return status[(status["status"] != "not yet open") & ~status["channel_id"].isin(outside)]


def _days_since(event: pd.Series, cutoff: pd.Timestamp) -> int:
    _, span_end = date_span(event["event_date"], event["date_precision"])
    last_possible_day = min(span_end - pd.Timedelta(days=1), cutoff)
    return int((cutoff - last_possible_day).days)


def latest_reports_on(data: Dataset, channel_ids: list[str]) -> pd.DataFrame:
    """The latest statement graded at least M about each of the given channels (none where there is none)."""
    events = done_events(data)
    statements = events[
        events["channel_id"].isin(channel_ids)
        & (events["category"] == "statement")
        & events["confidence"].isin(VERIFIED_GRADES)
    ]
    return statements.sort_values("event_date").groupby("channel_id", observed=True).tail(1)


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


def milestones(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The key events of the history chart within the window, numbered in date order."""
    events = events_between(data, start, end)
    marked = events[events["is_milestone"]].reset_index(drop=True)
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
            "_source_ids": staffing["source_ids"],
        }
    )


def milestone_table(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The numbered key events of the history chart."""
    marks = milestones(data, start, end)
    return pd.DataFrame(
        {
            "no.": marks["number"],
            "date": _readable(marks, "event_date", "date_precision"),
            "event": marks["title"],
            "grade": marks["confidence"].astype(str),
            "_source_ids": marks["source_ids"],
        }
    )


def status_table(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Each channel recorded by the as-of date, for readers: status, since, last contact, silence, grades.

    A change announced but not yet in force reads "open; to be suspended from 1 Nov 2021 (announced
    18 Oct 2021)", and a status that rests on a report graded below H reads "closed (reported)".
    """
    status = nato_russia_channels(channel_status(data, as_of), data).reset_index(drop=True)
    return pd.DataFrame(
        {
            "channel": status["channel"],
            "status": [_status_words(row) for row in status.itertuples()],
            "since": [format_date(d, p) for d, p in zip(status["since"], status["since_precision"])],
            "last known contact": [
                "—" if pd.isna(d) else f"{t} ({format_date(d, p)})"
                for d, p, t in zip(
                    status["last_contact"], status["last_contact_precision"], status["last_contact_title"]
                )
            ],
            "days silent": [
                "—" if pd.isna(days) else f"{'at least ' if minimum else ''}{days:,}"
                for days, minimum in zip(status["days_silent"], status["silence_is_minimum"])
            ],
            "grade of status": status["status_confidence"].astype(object).fillna("—"),
            "grade of contact": status["last_contact_confidence"].astype(object).fillna("—"),
            # Hidden from the printed table (too narrow for ids) but listed among the report's sources.
            "_source_of_status": status["status_source_ids"],
            "_source_of_change": status["announced_source_ids"],
            "_source_of_contact": status["last_contact_source_ids"],
        }
    )


def _status_words(row) -> str:
    words = row.status if row.status_confidence == "H" else f"{row.status} (reported)"
    if row.announced_status is not None and not pd.isna(row.announced_status):
        words += (
            f"; to be {row.announced_status} from {format_date(row.announced_from, row.announced_from_precision)}"
            f" (announced {format_date(row.announced_on, 'day')})"
        )
    return words


def event_table(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Events in a window, readable, with grade and source."""
    events = events_between(data, start, end)
    return pd.DataFrame(
        {
            "date": _readable(events, "event_date", "date_precision"),
            "event": events["summary"],
            "grade": events["confidence"].astype(str),
            "_source_ids": events["source_ids"],
        }
    )
