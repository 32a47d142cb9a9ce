"""Sentences of findings, written from the data, so the text can never drift from the numbers.

Each function returns Markdown for one passage of a report and reads every figure it states
from the dataset (already cut to the as-of date), so a report as of 19 October 2021 says what
was known then and the full report says what is known now.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nato_russia import analysis
from nato_russia.data import Dataset


def _when(row) -> str:
    return analysis.format_long_date(row.event_date, row.date_precision)


def _day(date: dt.date | pd.Timestamp) -> str:
    """A day as running text writes it: '19 October 2021'."""
    return f"{date.day} {date:%B %Y}"


def describe_days(days: int) -> str:
    """A duration as a person says it: '1,781 days, nearly five years', '40 days'."""
    text = f"{days:,} {'day' if days == 1 else 'days'}"
    years = days / 365.25
    if years >= 1:
        unit, amount = "year", years
    elif days >= 60:
        unit, amount = "month", days / 30.44
    else:
        return text
    whole = round(amount)
    words = {
        1: "one",
        2: "two",
        3: "three",
        4: "four",
        5: "five",
        6: "six",
        7: "seven",
        8: "eight",
        9: "nine",
        10: "ten",
        11: "eleven",
        12: "twelve",
    }

    def count(n: int) -> str:
        return f"{words.get(n, str(n))} {unit}{'' if n == 1 else 's'}"

    if abs(amount - whole) < 0.03 * max(whole, 1):
        return f"{text} (about {count(whole)})"
    if amount < whole:
        return f"{text} (nearly {count(whole)})"
    return f"{text} (over {count(int(amount))})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def staffing_findings(data: Dataset) -> str:
    """How Russia's mission to NATO shrank, decision by decision, and what was announced but not yet done."""
    steps = analysis.staffing_steps(data)
    if steps.empty:
        return "No figure for the size of Russia's mission to NATO is known by the as-of date."
    cuts = analysis.expulsions(data).set_index("event_id")
    sentences = []
    first = steps.iloc[0]
    if first.measure == "staff_in_post":
        when = analysis.format_long_date(first.effective_date, first.date_precision)
        about = "about " if first.is_approximate else ""
        sentences.append(
            f"{'On' if first.date_precision == 'day' else 'In'} {when}, when NATO capped partner delegations, "
            "Russia's mission had "
            f"{about}{first.staff_count} people in post."
        )
    for row in steps[steps["measure"] == "staff_cap"].itertuples():
        when = analysis.format_long_date(row.effective_date, row.date_precision)
        decided = analysis.format_long_date(row.decided_date, row.decided_precision)
        if row.is_pending:
            sentence = f"NATO decided on {decided} to cut the cap to {row.staff_count}, taking effect from {when}"
        else:
            sentence = f"From {when} the cap was {row.staff_count}"
        parts = [] if decided == when or row.is_pending else [f"decided {decided}"]
        if row.event_id in cuts.index:
            cut = cuts.loc[row.event_id]
            if cut["staff_expelled"]:
                parts.append(f"{cut['staff_expelled']} accreditations withdrawn")
            if cut["accreditations_refused"]:
                parts.append(f"{cut['accreditations_refused']} pending ones refused")
            if cut["posts_abolished"]:
                parts.append(f"{_plural(int(cut['posts_abolished']), 'vacant post')} abolished")
        if parts:
            decided_part = [parts.pop(0)] if parts[0].startswith("decided") else []
            sentence += " (" + "; ".join(decided_part + ([", ".join(parts)] if parts else [])) + ")"
        sentences.append(sentence + ".")
    cap = analysis.current_cap(data)
    suspension = analysis.mission_suspension(data)
    if cap is not None and (suspension is None or suspension.is_pending):
        sentences.append(f"On the as-of date the cap in force is {cap}.")
    if suspension is not None:
        when = analysis.format_long_date(suspension.event_date, suspension.date_precision)
        if suspension.is_pending:
            announced = _day(suspension.known_date)
            sentences.append(f"Russia announced on {announced} that it would suspend the mission from {when}.")
        elif (steps["effective_date"] == suspension.event_date).any():
            sentences.append(f"On {when}, the day that cut took effect, Russia suspended the mission: it stopped work.")
        else:
            sentences.append(f"From {when} the mission stopped work: Russia suspended it.")
    return " ".join(sentences)


def channel_findings(data: Dataset, as_of: dt.date) -> str:
    """Which channels are open on the as-of date, what is announced, and the freshest verified contact."""
    everything = analysis.channel_status(data, as_of)
    started = analysis.nato_russia_channels(everything, data)
    status = everything[everything["channel_id"].isin(started["channel_id"])]
    open_channels = started[started["status"] == "open"]
    text = (
        f"On {_day(as_of)}, {len(open_channels)} of the {len(started)} NATO–Russia channels recorded so far are open"
        + (f": {analysis.join_and(list(open_channels['channel']))}." if len(open_channels) else ".")
    )
    outside = everything[~everything["channel_id"].isin(started["channel_id"]) & (everything["status"] == "open")]
    for row in outside.itertuples():
        text += f" Beside them, the {row.channel} is open: a US channel to Russia's military, not NATO's."
    announced = status[status["announced_status"].notna()]
    if len(announced):
        changes = [
            f"{row.channel} to be {row.announced_status} from "
            f"{analysis.format_long_date(row.announced_from, row.announced_from_precision)} "
            f"(announced {_day(row.announced_on)})"
            for row in announced.itertuples()
        ]
        text += f" Announced but not yet in force: {analysis.join_and(changes)}."
    contacts = status[status["last_contact"].notna()].sort_values("last_contact")
    if len(contacts):
        latest = contacts.iloc[-1]
        when = analysis.format_long_date(latest["last_contact"], latest["last_contact_precision"])
        days = describe_days(int(latest["days_silent"]))
        days = f"at least {days}" if latest["silence_is_minimum"] else days
        text += (
            f" The most recent confirmed contact on any of them, \u201c{latest['last_contact_title']}\u201d ({when}), "
            f"came {days} before the as-of date."
        )
    reports = analysis.latest_reports_on(data, list(open_channels["channel_id"]))
    if len(reports):
        words = [
            f"for {row.channel_name}, \u201c{row.title}\u201d ({_when(row)}, graded {row.confidence})"
            for row in reports.itertuples()
        ]
        text += (
            f" The latest reports on the open channels, from either side: {analysis.join_and(words)}; where Moscow "
            "speaks of a single emergency channel, the records do not say which of these it means, so each is "
            "counted while no closure is recorded."
        )
    weak = started[started["status_confidence"].isin(["M", "L", "unverified"])]
    if len(weak):
        names = analysis.join_and(list(weak["channel"]))
        text += (
            f" The status of {_plural(len(weak), 'channel')} ({names}) rests on reported rather than official "
            "evidence (graded M or lower), and is worded as reported."
        )
    return text


def nrc_findings(data: Dataset, first_year: int, last_year: int) -> str:
    counts = analysis.nrc_meetings_per_year(data, first_year, last_year)
    if counts.sum() == 0:
        return f"The NATO–Russia Council did not meet between {first_year} and {last_year}."
    busiest = counts.max()
    quiet = [str(year) for year, value in counts.items() if value == 0]
    text = (
        f"The NATO–Russia Council met {_plural(int(counts.sum()), 'time')} between {first_year} and {last_year}, "
        f"at most {busiest} times a year"
    )
    if quiet:
        text += f"; it did not meet at all in {analysis.join_and(quiet)}"
    return text + "."


def history_findings(data: Dataset, start: dt.date, end: dt.date) -> str:
    """Suspensions and resumptions in the window, counted as episodes: one decision, however many rows record it."""
    suspensions = analysis.episodes(data, "suspension", start, end)
    resumptions = analysis.episodes(data, "resumption", start, end)
    text = (
        f"Between {start:%Y} and {end:%Y} the data record {_plural(len(suspensions), 'suspension')} and "
        f"{_plural(len(resumptions), 'resumption')} of cooperation or contact, each counted once however many "
        "channels it touched."
    )
    if len(suspensions):
        latest = last_row(suspensions)
        grade = "" if latest.confidence == "H" else f", graded {latest.confidence}"
        text += f" The latest: \u201c{latest.title}\u201d ({_when(latest)}{grade})."
    return text


def last_row(frame: pd.DataFrame):
    """The last row of a frame as a named tuple."""
    return next(frame.iloc[[-1]].itertuples())


def aftermath_findings(data: Dataset, start: dt.date, end: dt.date) -> str:
    """What the data record after the break, and how much of it is weakly attested."""
    events = analysis.events_between(data, start, end)
    if events.empty:
        return f"The data hold no event between {_day(start)} and {_day(end)}."
    first, last = last_row(events.iloc[[0]]), last_row(events)
    text = (
        f"From {_day(start)} to {_day(end)} the data hold {_plural(len(events), 'event')}, "
        f"from \u201c{first.title}\u201d ({_when(first)}) to \u201c{last.title}\u201d ({_when(last)})."
    )
    weak = events[events["confidence"].isin(["M", "L", "unverified"])]
    if len(weak):
        verb = "rests" if len(weak) == 1 else "rest"
        text += f" Of these, {len(weak)} {verb} on evidence graded below H."
    return text


def brief_summary(data: Dataset, parameters) -> str:
    """The brief's opening findings, as a Markdown list."""
    end = parameters.shown_end
    points = [staffing_findings(data), channel_findings(data, parameters.as_of)]
    last_year = min(2022, end.year)
    if last_year >= 2016:
        points.append(nrc_findings(data, 2016, last_year))
    points.append(history_findings(data, parameters.period_start, end))
    after = analysis.after_article_start(data, parameters)
    if after is not None:
        points.append(aftermath_findings(data, after, end))
    return "\n".join(f"- {point}" for point in points)


def dataset_note(data: Dataset, as_of: dt.date) -> str:
    """How large the dataset is, as known on the as-of date, and how its facts are graded."""
    grades = data.events["confidence"].value_counts().reindex(["H", "M", "L", "unverified"], fill_value=0)
    channels = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    return (
        f"As known on the as-of date, the dataset holds {len(data.events)} dated events, "
        f"{len(data.staffing)} staffing figures and {len(channels)} NATO–Russia channels, resting on "
        f"{len(data.sources)} public documents published by then; the sources listed below are those the charts "
        "and tables of this report cite. Of the events, "
        + ", ".join(f"{count} are graded {grade}" for grade, count in grades.items())
        + "."
    )
