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
    return analysis.format_date(row.event_date, row.date_precision)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def staffing_findings(data: Dataset) -> str:
    """How Russia's mission to NATO shrank, decision by decision."""
    steps = analysis.staffing_steps(data)
    if steps.empty:
        return "No figure for the size of Russia's mission to NATO is known by the as-of date."
    cuts = analysis.expulsions(data).set_index("event_id")
    sentences = []
    first = steps.iloc[0]
    if first.is_approximate:
        sentences.append(
            f"Before NATO capped partner delegations, Russia's mission had about {first.staff_count} people in post."
        )
    for row in steps[steps["measure"] == "staff_cap"].itertuples():
        when = analysis.format_date(row.effective_date, row.date_precision)
        if row.staff_count == 0:
            sentences.append(f"From {when} Russia suspended the mission itself, leaving no staff at NATO.")
            continue
        sentence = f"From {when} the cap was {row.staff_count}"
        if row.event_id in cuts.index:
            cut = cuts.loc[row.event_id]
            parts = []
            if cut["staff_expelled"]:
                parts.append(f"{cut['staff_expelled']} accreditations withdrawn")
            if cut["accreditations_refused"]:
                parts.append(f"{cut['accreditations_refused']} pending ones refused")
            if cut["posts_abolished"]:
                parts.append(f"{_plural(int(cut['posts_abolished']), 'vacant post')} abolished")
            sentence += " (" + ", ".join(parts) + ")"
        sentences.append(sentence + ".")
    cap = analysis.current_cap(data)
    if cap is not None and cap > 0:
        sentences.append(f"On the as-of date the mission may have at most {cap} people.")
    return " ".join(sentences)


def channel_findings(data: Dataset, as_of: dt.date) -> str:
    """Which channels are open on the as-of date, and the freshest contact among them."""
    status = analysis.channel_status(data, as_of)
    started = status[status["status"] != "not yet open"]
    open_channels = started[started["status"] == "open"]
    text = f"On {as_of:%-d %B %Y}, {len(open_channels)} of the {len(started)} channels recorded so far are open" + (
        f": {analysis.join_and(list(open_channels['channel']))}." if len(open_channels) else "."
    )
    contacts = status[status["last_contact"].notna()].sort_values("last_contact")
    if len(contacts):
        latest = contacts.iloc[-1]
        when = analysis.format_date(latest["last_contact"], latest["last_contact_precision"])
        days = f"{'at least ' if latest['silence_is_minimum'] else ''}{latest['days_silent']:,} days"
        text += (
            f" The most recent known contact on any channel, \u201c{latest['last_contact_title']}\u201d ({when}), "
            f"lies {days} before the as-of date."
        )
    weak = started[started["status_confidence"].isin(["M", "L", "unverified"])]
    if len(weak):
        names = analysis.join_and(list(weak["channel"]))
        text += f" The status of {_plural(len(weak), 'channel')} ({names}) rests on evidence graded below H."
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
    """Suspensions and resumptions in the window, counted."""
    events = analysis.events_between(data, start, end)
    suspensions = events[events["category"] == "suspension"]
    resumptions = events[events["category"] == "resumption"]
    text = (
        f"Between {start:%Y} and {end:%Y} the data record {_plural(len(suspensions), 'suspension')} and "
        f"{_plural(len(resumptions), 'resumption')} of cooperation or contact."
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
        return f"The data hold no event between {start:%-d %B %Y} and {end:%-d %B %Y}."
    first, last = last_row(events.iloc[[0]]), last_row(events)
    text = (
        f"From {start:%-d %B %Y} to {end:%-d %B %Y} the data hold {_plural(len(events), 'event')}, "
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
    if end >= analysis.BREAK_DATE:
        points.append(aftermath_findings(data, max(parameters.period_start, analysis.BREAK_DATE), end))
    return "\n".join(f"- {point}" for point in points)


def dataset_note(data: Dataset) -> str:
    """How large the dataset is and how its facts are graded."""
    grades = data.events["confidence"].value_counts().reindex(["H", "M", "L", "unverified"], fill_value=0)
    return (
        f"The dataset holds {len(data.events)} dated events, {len(data.staffing)} staffing figures, "
        f"{len(data.channels)} channels and {len(data.sources)} source records. Of the events, "
        + ", ".join(f"{count} are graded {grade}" for grade, count in grades.items())
        + "."
    )
