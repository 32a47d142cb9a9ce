"""Sentences of findings, written from the data, so the text can never drift from the numbers.

Each function returns Markdown for one passage of a report and reads every figure it states from the
dataset (already cut to the as-of date), so a report as of 19 October 2021 says what was known then and
the latest report says what is known now. Sentences cite their documents with `[@source_id]` tokens,
which the report turns into numbered links to its source list. No count runs past the record's review
date (`analysis.counted_to`), and a claim that rests on one side's account is worded as that side's.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from nato_russia import analysis
from nato_russia.data import Dataset

# Citations in running text name at most this many documents, official texts first: enough to check the
# sentence; every document a fact rests on is still listed in the tables and the source list.
CITED_PER_SENTENCE = 3
# A citation token in narrative Markdown, pandoc-style: " [@source_a; @source_b]".
CITATION = re.compile(r"\s?\[((?:@[a-z0-9_]+)(?:\s*;\s*@[a-z0-9_]+)*)\]")


def _when(row) -> str:
    return analysis.format_long_date(row.event_date, row.date_precision)


def _on(date, precision) -> str:
    """'on 9 February 2026', 'in November 2021', 'in 2022': a date with its preposition, as precisely as known."""
    words = analysis.format_long_date(date, precision)
    return f"on {words}" if precision == "day" else f"in {words}"


def _days_of(event) -> str:
    """When a planned event falls, as its summary gives the days ('7–8 July 2026' for a two-day summit dated
    7 July), else its date."""
    day = event.event_date
    span = re.search(rf"\b{day.day}\s*[-–]\s*(\d{{1,2}}) {day:%B} {day.year}\b", str(event.summary))
    if span and event.date_precision == "day":
        return f"{day.day}–{span.group(1)} {day:%B %Y}"
    return analysis.format_long_date(day, event.date_precision)


def _day(date: dt.date | pd.Timestamp) -> str:
    """A day as running text writes it: '19 October 2021'."""
    return f"{date.day} {date:%B %Y}"


_NUMBER_WORDS = {
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


def number_word(count: int) -> str:
    """Small numbers as words, as house style writes them in prose: 'two', 'ten', '14'."""
    return _NUMBER_WORDS.get(count, f"{count:,}")


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

    def count(n: int) -> str:
        return f"{number_word(n)} {unit}{'' if n == 1 else 's'}"

    if abs(amount - whole) < 0.03 * max(whole, 1):
        return f"{text} (about {count(whole)})"
    if unit == "year" and 0.35 <= amount - int(amount) <= 0.65:  # 922 days: two and a half years, not "nearly three"
        return f"{text} (about {number_word(int(amount))} and a half years)"
    if amount < whole:
        return f"{text} (nearly {count(whole)})"
    return f"{text} (over {count(int(amount))})"


def _times(count: int) -> str:
    return {0: "no times", 1: "once", 2: "twice"}.get(count, f"{number_word(count)} times")


def _plural(count: int, word: str) -> str:
    return f"{number_word(count)} {word}" if count == 1 else f"{number_word(count)} {word}s"


def cite(data: Dataset, source_ids) -> str:
    """A citation token for running text: the best few documents, official texts first ('[@a; @b]')."""
    chosen = _best(data, source_ids, CITED_PER_SENTENCE)
    return f" [{'; '.join('@' + source_id for source_id in chosen)}]" if chosen else ""


def _best(data: Dataset, source_ids, count: int) -> list[str]:
    """The `count` best documents of a fact, official texts first, then wires, newspapers, analysis, reference."""
    sources = data.sources.set_index("source_id")
    known = [source_id for source_id in dict.fromkeys(source_ids) if source_id in sources.index]
    return sorted(known, key=lambda source_id: analysis.source_rank(sources, source_id))[:count]


# First words of names and titles that are common words, lower-cased inside a sentence; anything else
# (Brussels, NATO, Russia's, Secretary General) is a proper name and keeps its capital.
_COMMON_FIRST_WORDS = {"Emergency", "Practical", "Military-to-military", "End", "Last", "High-level", "First", "Next"}
# Names that carry their own determiner ("Russia's mission", "NATO's cut") take no "the".
_OWN_DETERMINER = ("Russia's", "NATO's")
_NO_ARTICLE = ("Practical cooperation",)  # a kind of work, not a body: "practical cooperation", not "the …"


def _lower_first(text: str) -> str:
    """A name or title as it reads inside a sentence: 'emergency contact via ambassador', 'Brussels–Moscow hotline'."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first in _COMMON_FIRST_WORDS else text


def _the(text: str) -> str:
    """A name with its article inside a sentence: 'the Brussels–Moscow hotline', "Russia's mission to NATO"."""
    if text in _NO_ARTICLE:
        return text[:1].lower() + text[1:]
    return text if text.startswith(_OWN_DETERMINER) else "the " + _lower_first(text)


def _role_on(roles: pd.DataFrame, day) -> str:
    """The post a person held on a day: the role spanning it, else the latest begun by then, else the first."""
    if day is not None and not pd.isna(day):
        # An open start or end is unbounded; compared as such, not filled with a sentinel the dtype cannot hold.
        begun_by_day = roles["start_date"].isna() | (roles["start_date"] <= day)
        not_ended = roles["end_date"].isna() | (roles["end_date"] >= day)
        held = roles[begun_by_day & not_ended]
        if len(held):
            return str(held.sort_values("start_date", na_position="first")["role_title"].iloc[-1])
        begun = roles[begun_by_day]
        if len(begun):
            return str(begun.sort_values("start_date", na_position="first")["role_title"].iloc[-1])
    return str(roles.sort_values("start_date", na_position="first")["role_title"].iloc[0])


def in_sentence(name: str) -> str:
    """A channel's or event's name as it reads inside a sentence, with its article."""
    return _the(name)


def _name_first(who: str) -> str:
    """A speaker as a sentence opens with them: "Vladislav Maslennikov, director of …," for "Director of …,
    Vladislav Maslennikov" (`speaker`); a name alone is left as it is."""
    if ", " not in who:
        return who
    role, name = who.rsplit(", ", 1)
    return f"{name}, {role},"  # the post as stored: "director of …", "Russia's deputy foreign minister"


def speaker(data: Dataset, event_id: str) -> str | None:
    """Who a statement is from, as a sentence names them: "Russia's ambassador to Belgium, Denis Gonchar"."""
    links = data.event_entities[
        (data.event_entities["event_id"] == event_id) & (data.event_entities["participant_role"] == "actor")
    ]
    entities = data.entities.set_index("entity_id")
    events_on = data.events.set_index("event_id")["event_date"].to_dict()
    for entity_id in links["entity_id"]:
        if entity_id not in entities.index:
            continue
        entity = entities.loc[entity_id]
        if entity["entity_type"] == "person":
            roles = data.roles[data.roles["entity_id"] == entity_id]
            if len(roles):
                role = _role_on(roles, events_on.get(event_id))
                return f"{role}, {entity['canonical_name']}"
            return str(entity["canonical_name"])
    for entity_id in links["entity_id"]:
        if entity_id in entities.index and entities.at[entity_id, "entity_type"] in ("organisation", "office", "body"):
            name = str(entities.at[entity_id, "canonical_name"])
            return "Russia's foreign ministry" if name == "Russian Ministry of Foreign Affairs" else name
    return None


# --- page one: the lede, the key figures and how current the record is ------------------------------


def review_note(data: Dataset, as_of: dt.date) -> str:
    """How current the record is, said once on page one; a visible notice when the review lags the edition."""
    count_end = analysis.counted_to(data, as_of)
    if count_end >= as_of:
        return (
            f"This edition is as of {_day(as_of)} and says only what was known that day; "
            "its counts of days run to that day."
        )
    gap = analysis.review_gap(data, as_of)
    text = (
        f"**The record was reviewed for new events up to {_day(count_end)}, and every figure here describes that day.**"
    )
    events = analysis.done_events(data)
    recorded = events[(events["event_date"] <= pd.Timestamp(count_end)) & ~events["category"].isin(["scheduled"])]
    newest_source = data.sources["published_date"].max()
    if len(recorded) and not pd.isna(newest_source) and newest_source < pd.Timestamp(count_end):
        # Said so a reader knows the quiet months were searched, not skipped.
        text += (
            f" The latest document in the record is of {_day(newest_source)}: the review found nothing later that "
            "bears on the channels."
        )
    if analysis.review_is_stale(data, as_of):
        text += (
            f" **Notice:** this edition of {_day(as_of)} was not reviewed past {_day(count_end)}, so events of the "
            f"{describe_days(gap)} since may be missing."
        )
    else:
        text += f" This edition of {_day(as_of)} adds nothing after {_day(count_end)}."
    held = analysis.uncovered_plans(data, as_of)
    if len(held):
        names = analysis.join_and([f"{_the(row.title)} ({_days_of(row)})" for row in held.itertuples()])
        names = names[:1].upper() + names[1:]
        it = "it" if len(held) == 1 else "they"
        text += (
            f" {names} {'was' if len(held) == 1 else 'were'} due after the review; this edition does not cover "
            f"{it} or {'its outcome' if len(held) == 1 else 'their outcomes'}."
            + cite(data, [i for ids in held["source_ids"] for i in ids])
        )
    return text


def _the_break(data: Dataset) -> str | None:
    """What broke and when: Russia's suspension of its mission, and NATO's decision it answered."""
    suspension = analysis.mission_suspension(data)
    if suspension is None:
        return None
    events = data.events.set_index("event_id")
    expelled = analysis.expulsions(data)
    cause = None
    if len(expelled):
        latest = expelled.sort_values("effective_date").iloc[-1]
        decision = events.loc[latest["event_id"]]
        cause = (latest, decision)
    # NATO's own presences (its offices and missions in Moscow) whose closure began the same day.
    nato_presences = data.channels[
        data.channels["channel_kind"].isin(["mission", "office"]) & (data.channels["channel_id"] != "russia_mission")
    ]
    same_day = data.channel_periods[
        (data.channel_periods["start_date"] == suspension.event_date)
        & data.channel_periods["channel_id"].isin(nato_presences["channel_id"])
    ]
    moscow = f"NATO's {number_word(len(same_day))} Moscow offices" if len(same_day) > 1 else "NATO's Moscow office"
    sources = list(suspension.source_ids)
    if suspension.is_pending:
        effect = _when(suspension)
        if suspension.event_date.year == suspension.known_date.year:
            effect = effect.rsplit(" ", 1)[0]
        # As firm as the announcement was: Lavrov gave 1 November as the likely day, not a fixed one.
        announced = data.events[
            (data.events["channel_id"] == suspension.channel_id) & (data.events["category"] == "announcement")
        ]
        # The announcement of this step, made the day it became known: not NATO's earlier ones on the same
        # channel (its caps of 2015 and October 2021), which would cite NATO for Moscow's words.
        same_day = announced[announced["event_date"] == suspension.known_date]
        announced = same_day if len(same_day) else announced
        hedge = "probably " if announced["summary"].str.contains("probably from", na=False).any() else ""
        # Moscow's own announcement first: the step is cited to the text that announced it.
        sources = [i for ids in announced["source_ids"] for i in ids] + sources
        text = (
            f"Russia said on {_day(suspension.known_date)} it would suspend its mission to NATO {hedge}from {effect} "
            f"and shut {moscow}"
        )
    else:
        # "stopped work", not "were shut": one office closed, the other was suspended.
        text = f"Russia suspended its mission to NATO on {_when(suspension)}, and {moscow} stopped work with it"
    if cause is not None:
        latest, decision = cause
        when = analysis.format_long_date(decision["event_date"], decision["date_precision"])
        if decision["event_date"].year == suspension.event_date.year:
            when = when.rsplit(" ", 1)[0]  # the year is the suspension's
        # Each clause cites its own documents: Moscow's statement for its step, NATO's for its decision and the
        # reason NATO gave (Moscow's text says NATO gave none).
        text += cite(data, _best(data, sources, 2)) + (
            f", after NATO decided on {when} to expel {number_word(int(latest['staff_expelled']))} of the "
            "mission's staff"
        )
        if isinstance(decision["reason"], str) and decision["reason"]:
            text += f" ({decision['reason']})"
        # NATO's words are NATO's text first, then reports quoting NATO; Moscow's statement does not carry them.
        sources_by_id = data.sources.set_index("source_id")

        def voice(source_id: str) -> int:
            row = sources_by_id.loc[source_id]
            if str(row["publisher"]).startswith("NATO"):
                return 0
            return 1 if row["source_type"] in ("wire", "news") else 2

        nato_first = sorted(_best(data, decision["source_ids"], 9), key=voice)
        return text + "." + cite(data, nato_first[:2])
    return text + "." + cite(data, sources)


def open_before_the_break(data: Dataset) -> tuple[dt.date, pd.DataFrame] | None:
    """The day Russia announced the suspension of its mission, and the NATO–Russia channels open that day as
    they were known that day (the 2021 edition's count): what the breakdown is measured against. None before
    the suspension is in force."""
    suspension = analysis.mission_suspension(data)
    if suspension is None or suspension.is_pending:
        return None
    announced = suspension.known_date.date()
    # As known that day: a line the record later finds dormant from its last contact (the Secretary General's
    # meetings with Lavrov, last on 22 September 2021) was open as far as anyone then knew.
    known_then = analysis.as_of_view(data, announced)
    then = analysis.nato_russia_channels(analysis.channel_status(known_then, announced), known_then)
    return announced, then[then["status"] == "open"]


def _what_is_left(data: Dataset, as_of: dt.date, with_contact: bool = True) -> str:
    """What is left: the open NATO–Russia channels (with any unanswered attempt on one) and the last dated contact."""
    count_end = analysis.counted_to(data, as_of)
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    open_rows = status[status["status"] == "open"]
    announced = open_rows[open_rows["announced_status"].notna()]
    # Counts stop at the review date: what was true then is told in the past tense.
    past = count_end < as_of
    verb = ("was" if past else "is") if len(open_rows) == 1 else ("were" if past else "are")
    text = (
        f"{number_word(len(open_rows)).capitalize()} of the {number_word(len(status))} channels NATO and Russia "
        f"have had since {_first_year(data)} {verb} open on {_day(count_end)}"
    )
    before = open_before_the_break(data)
    if before is not None and not len(announced):
        # Measured against what was open before the break, not against every channel since 1991 (the PJC was
        # replaced in 2002; practical cooperation was suspended in 2014).
        eve, then = before
        kept = open_rows[open_rows["channel_id"].isin(then["channel_id"])]
        new_rows = open_rows.drop(kept.index)
        verb = ("was" if past else "is") if len(kept) <= 1 else ("were" if past else "are")
        text = (
            f"{'None' if kept.empty else number_word(len(kept)).capitalize()} of the {number_word(len(then))} "
            f"channels open when Russia announced the break, on {_day(eve)}, {verb} still open on {_day(count_end)}"
        )
        if len(kept):
            text += ": " + analysis.join_and([_the(name) for name in kept["channel"]])
        if len(new_rows):
            opened = [
                f"{_the(row.channel)}, set up {_on(row.since, row.since_precision)}" for row in new_rows.itertuples()
            ]
            text += ("; the one line left is " if len(new_rows) == 1 else "; the lines left are ") + analysis.join_and(
                opened
            )
    elif len(announced):
        when = _day(announced["announced_from"].min())
        opening = _announced_openings(data, as_of)
        left = len(open_rows) - len(announced) + len(opening)
        staying = open_rows[open_rows["announced_status"].isna()]
        # The ones left, named, with the last dated contact of each (the Council had not met for two years).
        kept = []
        for row in staying.itertuples():
            used = _on(row.last_contact, row.last_contact_precision)
            kept.append(f"{_the(row.channel)}" + ("" if pd.isna(row.last_contact) else f" (last used {used})"))
        named = 0 < len(kept) <= 3
        if named:  # the ones left named in a sentence of their own, which cites their last contacts
            # The closures are cited to the announcements of them, not to the channels' founding documents.
            said = _best(data, [i for ids in announced["announced_source_ids"] for i in ids], 3)
            text += (
                f"; {number_word(len(announced))} of them are due to close or be suspended on {when}."
                + cite(data, said)
                + f" That leaves {analysis.join_and(kept)}"
            )
            left_sources = [i for ids in staying["last_contact_source_ids"] for i in _best(data, ids, 1)]
        else:
            text += (
                f"; {number_word(len(announced))} of them are due to close or be suspended on {when}, "
                f"leaving {number_word(left - len(opening))}"
            )
        if len(opening):
            names = analysis.join_and([_the(str(name).split(" via ")[0]) for name in opening["channel"]])
            text += f", plus {names} Russia named in place of its mission"
            if named:
                left_sources += [i for ids in opening["announced_source_ids"] for i in _best(data, ids, 1)]
        if named:
            text += "." + cite(data, left_sources)
            # What either side last said of a line left, after its last use ("the ball is in Russia's court"):
            # a Council that has not met for two years is open on paper, and the reader hears why it is silent.
            said = analysis.done_events(data)
            said = said[
                (said["category"] == "statement")
                & said["channel_id"].isin(staying["channel_id"])
                & (said["event_date"] <= pd.Timestamp(count_end))
                & (said["date_precision"] == "day")
            ]
            last_use = staying.set_index("channel_id")["last_contact"]
            said = said[said["event_date"] > said["channel_id"].map(last_use)].sort_values("event_date")
            if len(said):
                row = said.iloc[-1]
                what = str(row["summary"]).split(";")[0].rstrip(".")
                text += f" On {_day(row['event_date'])} {_lower_first(what)}." + cite(
                    data, _best(data, row["source_ids"], 1)
                )
            return text
    elif 0 < len(open_rows) <= 3:
        failed = _failed_attempts(data)
        plain, tried = [], []
        for row in open_rows.itertuples():
            attempts = failed[failed["channel_id"] == row.channel_id]
            if len(attempts):
                when = attempts["event_date"].max()
                tried.append(f"{_the(row.channel)}, which went unanswered when NATO tried it in {when:%B %Y}")
            else:
                plain.append(_the(row.channel))
        text += ": " + analysis.join_and(plain + tried)
    sources: list[str] = []
    for row in open_rows.itertuples():
        sources += list(row.status_source_ids)
    contacts = status[status["last_contact"].notna() & (status["status"] != "closed")].sort_values("last_contact")
    if with_contact and len(contacts) and contacts.iloc[-1]["days_silent"] >= 30:
        latest = contacts.iloc[-1]
        when = analysis.format_long_date(latest["last_contact"], latest["last_contact_precision"])
        text += f"; no NATO channel had carried a dated contact since {when}"
        sources += list(latest["last_contact_source_ids"])
    return text + "." + cite(data, sources)


def _first_year(data: Dataset) -> int:
    """The year the record's first NATO–Russia channel opened (1991)."""
    nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
    return int(data.channel_periods.loc[data.channel_periods["channel_id"].isin(nato), "start_date"].min().year)


def _first_records_after(data: Dataset, start: dt.date) -> list[str]:
    """Older lines the record picks up after `start` (`analysis.late_entrants`): a count of what was open on
    `start` leaves them out."""
    late = analysis.late_entrants(data)
    return list(late.loc[late["start_date"] > pd.Timestamp(start)].sort_values("start_date")["channel_name"])


def _announced_openings(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """NATO–Russia channels not yet open on the as-of date that an announcement says will open later."""
    status = analysis.channel_status(data, as_of)
    return status[
        status["is_nato_channel"] & (status["status"] == "not yet open") & (status["announced_status"] == "open")
    ]


def _last_contact(data: Dataset, as_of: dt.date) -> tuple[str, list[str]] | None:
    """'No NATO–Russia channel had carried a dated contact since 26 January 2022' and its documents, if a month old."""
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    contacts = status[status["last_contact"].notna() & (status["status"] != "closed")].sort_values("last_contact")
    if not len(contacts) or contacts.iloc[-1]["days_silent"] < 30:
        return None
    latest = contacts.iloc[-1]
    when = analysis.format_long_date(latest["last_contact"], latest["last_contact_precision"])
    return f"No NATO–Russia channel had carried a dated contact since {when}", list(latest["last_contact_source_ids"])


def _last_contact_title(data: Dataset, row) -> str:
    """What the last dated contact on a channel was, in its own headline ('Stoltenberg writes to Lavrov, …')."""
    contacts = analysis.verified_contacts(data)
    same = contacts[(contacts["channel_id"] == row.channel_id) & (contacts["event_date"] == row.last_contact)]
    return str(same["title"].iloc[-1]) if len(same) else "a dated contact"


def _failed_attempts(data: Dataset) -> pd.DataFrame:
    """Unanswered attempts to reach the other side that had happened by the as-of date."""
    events = analysis.done_events(data)
    return events[events["category"] == "failed_contact"]


def _last_reported_in_use(data: Dataset, as_of: dt.date) -> str | None:
    """The latest statement that a channel is in place or in use, when it is newer than the last dated contact."""
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    contacts = status[status["last_contact"].notna() & (status["status"] != "closed")]
    reports = status[status["last_report"].notna()].sort_values("last_report")
    if reports.empty or (len(contacts) and reports["last_report"].max() <= contacts["last_contact"].max()):
        return None
    latest = reports.iloc[-1]
    event = analysis.use_reports(data)
    event = event[(event["channel_id"] == latest["channel_id"]) & (event["event_date"] == latest["last_report"])]
    who = speaker(data, event["event_id"].iloc[0]) if len(event) else None
    when = analysis.format_long_date(latest["last_report"], latest["last_report_precision"])
    return (
        f"Since then only statements say a channel is in place or in use, the latest on {when} "
        f"{'from ' + who if who else 'from one side'}, with no date of a contact."
        + cite(data, latest["last_report_source_ids"])
    )


def latest_change(data: Dataset, as_of: dt.date) -> pd.Series | None:
    """The latest period on record to begin by the day counts stop at, on any channel (NATO's or not)."""
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    periods = data.channel_periods[data.channel_periods["start_date"] <= count_end]
    if periods.empty:
        return None
    return periods.sort_values(["start_date", "period_id"]).iloc[-1]


_CHANGE_VERBS = {
    "open": "opened",
    "suspended": "was suspended",
    # A dormant line changed by falling quiet: the day is its last dated contact, not a decision.
    "dormant": "carried its last dated contact (none is on record since)",
    "closed": "closed",
}


def _change_phrase(data: Dataset, period: pd.Series, short: bool = False) -> str:
    """'the NATO–Russia Council closed (according to …)': a change of status as running text, with its basis."""
    channel = data.channels.set_index("channel_id").loc[period["channel_id"]]
    start = data.events.set_index("event_id").loc[period["start_event_id"]]
    earlier = data.channel_periods[
        (data.channel_periods["channel_id"] == period["channel_id"])
        & (data.channel_periods["start_date"] < period["start_date"])
    ]
    if period["status"] == "open" and start["category"] == "resumption":
        verb = "was agreed to be re-established"
    elif period["status"] == "open" and len(earlier):
        verb = "reopened"
    else:
        verb = _CHANGE_VERBS[str(analysis.effective_statuses(period.to_frame().T, data).iloc[0])]
    note = period["status_note"]
    if isinstance(note, str) and note.startswith("according to") and period["status"] in ("suspended", "closed"):
        verb = f"was reported {period['status']}"  # one side's account, not a fact in the report's own voice
    text = f"{_the(str(channel['channel_name']))} {verb}"
    if isinstance(note, str) and note and not note.startswith(("agreed on", "from ")):
        if short and note.startswith(("no contact since", "no meeting since")):
            return text  # the date is the sentence's own, and what either side said of it is told with the line
        if short and note.startswith("according to"):
            # "according to Poland's foreign minister, who said …; no NATO text" → whose account, and the caveat
            head, _, tail = note.partition(";")
            note = head.split(",")[0] + (f";{tail}" if tail else "")
        text += f" ({note})"
    return text


def _statements_on(data: Dataset, period: pd.Series, count_end: pd.Timestamp) -> pd.DataFrame:
    """Statements on a period's channel made while it lasted (what its note reports one side said)."""
    events = analysis.done_events(data)
    return events[
        (events["category"] == "statement")
        & (events["channel_id"] == period["channel_id"])
        & (events["event_date"] >= period["start_date"])
        & (events["event_date"] <= count_end)
    ].sort_values("event_date")


def _what_changed(data: Dataset, as_of: dt.date) -> str | None:
    """What changed last: the latest change of status on NATO's channels, then any later contact on a US line.

    A change on a US channel (its commander is also NATO's SACEUR) is told as such, with the dated contact
    that preceded it, so it is neither counted as NATO's nor left out.
    """
    period = latest_change(data, as_of)
    if period is None:
        return None
    nato = set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    periods = data.channel_periods[data.channel_periods["start_date"] <= count_end]
    ours = periods[periods["channel_id"].isin(nato)].sort_values(["start_date", "period_id"])
    # A line falling quiet is no change anyone made: its last contact is told with the silences, not here.
    if len(ours):
        ours = ours[analysis.effective_statuses(ours, data).to_numpy() != "dormant"]
    events = data.events.set_index("event_id")
    text = ""
    if len(ours):
        last = ours.iloc[-1]
        when = analysis.format_long_date(last["start_date"], last["start_precision"])
        sources = list(events.loc[last["start_event_id"], "source_ids"])
        contact = _last_contact(data, as_of)
        if contact:
            lead = f"{contact[0]}, and the last change on the NATO–Russia channels came on {when}"
            # One document for the contact, the rest for the change: each clause keeps its own support.
            sources = _best(data, contact[1], 1) + _best(data, sources, CITED_PER_SENTENCE - 1)
        else:
            lead = f"The last change on the NATO–Russia channels came on {when}"
            if analysis.channel_status(data, as_of)["announced_status"].notna().any():
                # The changes just announced are the news, told first; an older opening of a line the record
                # picks up late is no "last change" beside them.
                return None
        said = _statements_on(data, last, count_end)
        if len(said):
            sources = _best(data, said.iloc[-1]["source_ids"], 1) + sources
        text = f"{lead}, when {_change_phrase(data, last, short=True)}." + cite(data, sources)
    return text.strip()


def us_contacts_after_nato(data: Dataset, as_of: dt.date) -> str | None:
    """The dated contacts on US channels after the last one on NATO's: how many, and the latest three told.

    A contact the United States made on no line the record models (its chiefs of staff's calls) counts
    as a US channel's too: it is a contact with Russia's military, and not NATO's.
    """
    contacts = analysis.verified_contacts(data)
    nato = set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])
    events = analysis.done_events(data)
    us_calls = events[
        events["event_id"].isin(analysis.us_acts(data))
        & events["category"].isin(analysis.CONTACT_CATEGORIES)
        & events["channel_id"].isna()
        & events["confidence"].isin(analysis.VERIFIED_GRADES)
    ]
    ours = contacts[contacts["channel_id"].isin(nato)]
    theirs = pd.concat([contacts[~contacts["channel_id"].isin(nato)], us_calls]).sort_values("event_date")
    if len(ours):
        theirs = theirs[theirs["event_date"] > ours["event_date"].max()]
    if theirs.empty:
        return None
    told = []
    for _, contact in theirs.tail(3).iterrows():
        what = str(contact["summary"]).split(", after which")[0].split(";")[0].rstrip(".")
        when = analysis.format_long_date(contact["event_date"], contact["date_precision"])
        if when in what:  # the summary dates it itself ("the talks of 4–5 February 2026"), days and all
            text = what
        elif contact["date_precision"] == "day":
            text = f"On {when} {_lower_first(what)}"
        else:
            text = f"In {when} {_lower_first(what)} (the day is not given)"
        told.append(text + "." + cite(data, _best(data, contact["source_ids"], 2)))
    if len(theirs) == 1:
        lead = "After NATO's last dated contact with Russia, the one contact on record came on a US channel"
    else:
        lead = (
            f"After NATO's last dated contact with Russia, {number_word(len(theirs))} contacts on record came on "
            "US channels"
        )
    lead += f", so {'it is' if len(theirs) == 1 else 'they are'} not counted as NATO's."
    if len(theirs) > len(told):
        lead += f" The latest {number_word(len(told))}:"
    return f"{lead} " + " ".join(told)


def _why_it_matters(data: Dataset, as_of: dt.date) -> str | None:
    """Why it matters: incidents on allied territory with no dated NATO–Russia contact about them."""
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    events = analysis.done_events(data)
    incidents = events[(events["category"] == "incident") & (events["event_date"] <= count_end)]
    suspension = analysis.mission_suspension(data)
    if suspension is not None:
        incidents = incidents[incidents["event_date"] > suspension.event_date]
    if incidents.empty:
        status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
        open_rows = status[status["status"] == "open"]
        staying = open_rows[open_rows["announced_status"].isna()]
        if len(staying) < len(open_rows):
            when = _day(open_rows["announced_from"].dropna().min())
            text = (
                f"The closures announced for {when} would leave no Russian mission at NATO and no NATO office in Moscow"
            )
            opening = _announced_openings(data, as_of)
            if len(opening):
                text += f"; messages in a crisis would then go through {_the(opening['channel'].iloc[0])}"
                # What else the announcement offered on that channel ("…, and that NATO could task one allied
                # ambassador in Moscow likewise"), as its summary gives it.
                named = analysis.done_events(data)
                named = named[
                    (named["channel_id"] == opening["channel_id"].iloc[0]) & (named["category"] == "announcement")
                ]
                offer = [str(summary).rstrip(".").split(", and that ", 1) for summary in named["summary"]]
                offer = [parts[1] for parts in offer if len(parts) == 2]
                if offer:
                    text += f". Moscow said {offer[0]}" + cite(data, named["source_ids"].iloc[0])
            return " ".join([text + "."] + _first_reactions(data, as_of))
        return None
    latest = incidents.sort_values("event_date").iloc[-1]
    contacts = analysis.verified_contacts(data)
    nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
    since = contacts[contacts["channel_id"].isin(nato) & (contacts["event_date"] >= incidents["event_date"].min())]
    first = incidents["event_date"].min()
    sources = list(latest["source_ids"])
    counted = (
        f"{number_word(len(incidents))} incidents on or near allied territory since {first:%B %Y} in the record "
        "(a selection of those allies raised in public; not all are blamed on Russia)"
    )
    if not since.empty:
        text = (
            f"It matters because crises near the allies go on: {counted}, the latest on {_day(latest['event_date'])}."
        )
        return text + cite(data, sources)
    # The count is the table's: it cites no one incident's documents, the table cites each.
    text = (
        # What the record shows, not a claim about the world: no contact on record, not "none took place".
        f"It matters because crises go on with the lines all but silent: the record holds "
        f"{number_word(len(incidents))} incidents on or near allied territory since {first:%B %Y} (a selection "
        "of those allies raised in public, not all blamed on Russia) and no dated NATO–Russia contact after any."
    )
    said = incident_exchanges_said(data, first, count_end)
    text += f" {said}" if said else ""
    return text


def incident_exchanges_said(
    data: Dataset, first: pd.Timestamp, count_end: pd.Timestamp, again: bool = False
) -> str | None:
    """One side's word that a NATO–Russia channel carries exchanges on incidents, said beside any count of
    incidents without a dated contact: who said it, when (first and latest), each cited; None if no one has.
    `again` words it for a second telling in the same volume, after the first has named the speaker."""
    said = _incident_letters(data, first, count_end)
    if said is None:
        return None
    first_said, last_said = said
    who = speaker(data, last_said["event_id"]) or "one side"
    when = _on(first_said["event_date"], "day") + cite(data, first_said["source_ids"])
    if last_said["event_id"] != first_said["event_id"]:
        when += " and again " + _on(last_said["event_date"], "day") + cite(data, last_said["source_ids"])
    if again:
        return f"The exchanges on incidents that Russia's ambassador reports ({when}) remain undated."
    who = f"{who}," if "," in who else who  # "Russia's ambassador to Belgium, Denis Gonchar,"
    return (
        f"{who[:1].upper() + who[1:]} said {when} that brief letters pass at times, military channels included, "
        "mostly on incidents; he dated none, and no NATO text confirms them."
    )


def _first_reactions(data: Dataset, as_of: dt.date) -> list[str]:
    """What people said of Russia's announcement in the days after it, while it was pending: the first
    statement of each person on record (NATO's spokesperson, then the experts), attributed, each cited."""
    suspension = analysis.mission_suspension(data)
    if suspension is None or not suspension.is_pending:
        return []
    events = analysis.done_events(data)
    said = events[
        (events["category"] == "statement")
        & events["event_date"].between(pd.Timestamp(suspension.known_date), pd.Timestamp(as_of))
    ].sort_values(["event_date", "event_id"])
    people = set(data.entities.loc[data.entities["entity_type"] == "person", "entity_id"])
    actors = data.event_entities[
        (data.event_entities["participant_role"] == "actor") & data.event_entities["entity_id"].isin(people)
    ]
    first_of_each = actors[actors["event_id"].isin(said["event_id"])]
    first_of_each = first_of_each.assign(
        order=first_of_each["event_id"].map({e: i for i, e in enumerate(said["event_id"])})
    )
    chosen = first_of_each.sort_values("order").drop_duplicates("entity_id")["event_id"]
    rows = said[said["event_id"].isin(chosen)]
    return [str(row.summary).rstrip(".") + "." + cite(data, row.source_ids) for row in rows.itertuples()]


def _incident_letters(
    data: Dataset, first: pd.Timestamp, count_end: pd.Timestamp
) -> tuple[pd.Series, pd.Series] | None:
    """The first and the latest statement, since the first incident, that a NATO–Russia channel carries
    exchanges on incidents (each cited to its own documents), or None."""
    nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
    reports = analysis.use_reports(data)
    reports = reports[
        reports["channel_id"].isin(nato)
        & reports["event_date"].between(first, count_end)
        & reports["summary"].str.contains("incident", case=False, na=False)
    ]
    if reports.empty:
        return None
    ordered = reports.sort_values("event_date")
    return ordered.iloc[0], ordered.iloc[-1]


def _to_watch(data: Dataset, as_of: dt.date) -> str | None:
    """What to watch: plans and announced changes after the last day the record covers."""
    upcoming = analysis.watch_list(data, as_of).head(4)
    if upcoming.empty:
        return None
    status = analysis.channel_status(data, as_of)
    announced = status[status["announced_status"].notna()]
    items, sources = [], []
    for when, changes in announced.groupby("announced_from", sort=True):
        closing = changes[changes["announced_status"] != "open"]
        opening = changes[changes["announced_status"] == "open"]
        parts = []
        if len(closing):
            parts.append(f"the closure or suspension of {analysis.join_and([_the(n) for n in closing['channel']])}")
        if len(opening):
            parts.append(f"the start of {analysis.join_and([_the(n) for n in opening['channel']])}")
        items.append(f"on {_day(when)}, {', and '.join(parts)}")
        sources += _best(data, [i for ids in changes["announced_source_ids"] for i in ids], 1)
    for row in upcoming[upcoming["category"].isin(analysis.PLANNED_CATEGORIES)].itertuples():
        when = analysis.format_long_date(row.event_date, row.date_precision)
        item = f"{_the(row.title)} ({when}"
        if row.date_precision == "year" and row.confidence != "H":
            # A year without a date, resting on one account (Albania's 2027 summit: its prime minister's word),
            # cited with that account as well as the text that names the place.
            item += ", by one account; no NATO text on record gives a date"
            sources += _best(data, row.source_ids, 2)[1:]
        if row.event_date.date() <= as_of:
            item += ", after the record's review date"
        items.append(item + ")")
        sources += _best(data, row.source_ids, 1)
    if not items:
        return None
    joined = "; ".join(items[:-1]) + "; and " + items[-1] if len(items) > 2 else " and ".join(items)
    return f"To watch: {joined}." + cite(data, sources)


def lede(data: Dataset, parameters) -> str:
    """Page one's opening paragraph: what broke, what is left, what changed last, why it matters, what to watch."""
    as_of = parameters.as_of
    sentences = [
        _the_break(data),
        _what_is_left(data, as_of, with_contact=False),
        _what_changed(data, as_of),
        _why_it_matters(data, as_of),
        _to_watch(data, as_of),
    ]
    # Two paragraphs: where things stand, then why it matters and what comes next.
    now, ahead = sentences[:3], sentences[3:]
    return "\n\n".join(" ".join(s for s in part if s) for part in (now, ahead) if any(part))


def headline(data: Dataset, parameters) -> str:
    """The brief's headline, for the front page: its lede's first sentence, without citations."""
    first = _the_break(data) or _what_is_left(data, parameters.as_of)
    return CITATION.sub("", first).split(". ")[0].strip().rstrip(".") + "."


def key_figures(data: Dataset, parameters) -> pd.DataFrame:
    """The headline numbers of page one, each with what it counts, to when, and its documents."""
    as_of = parameters.as_of
    count_end = analysis.counted_to(data, as_of)
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    open_rows = status[status["status"] == "open"]
    announced = open_rows[open_rows["announced_status"].notna()]
    value = f"{len(open_rows)} of {len(status)}"
    if len(announced):
        when = analysis.format_date(announced["announced_from"].min(), "day")
        left = len(open_rows) - len(announced)
        value += f"; {left} after the changes announced for {when}"
        if len(_announced_openings(data, as_of)):
            value += ", plus the emergency channel Russia named"
    figure = f"NATO–Russia channels open, of all since {_first_year(data)}"
    before = open_before_the_break(data)
    if before is not None and not len(announced):
        eve, then = before
        kept = open_rows["channel_id"].isin(then["channel_id"])
        figure = "NATO–Russia channels open"
        value = f"{len(open_rows)}"
        if 0 < len(open_rows) <= 2:
            # "Open" is a status, not a sign of use: each line is named with when it was set up (if after the
            # break) and its last dated use, so no reader takes a standby line silent for years for a working one.
            named = []
            for row in open_rows.itertuples():
                new_line = row.channel_id not in set(then["channel_id"])
                setup = f" (set up {analysis.format_date(row.since, 'month')})" if new_line else ""
                used = (
                    "no dated use on record"
                    if pd.isna(row.last_contact)
                    else f"no dated use since {analysis.format_date(row.last_contact, row.last_contact_precision)}"
                )
                named.append(f"{_the(row.channel)}{setup}, {used}")
            value += ": " + "; ".join(named)
        elif (~kept).any() and kept.sum() == 0:
            value += f" (set up {analysis.format_date(open_rows['since'].min(), 'month')})"
        value += f"; {'none' if not kept.any() else int(kept.sum())} of the {len(then)} open when Russia "
        value += "announced the break, "
        value += analysis.format_date(pd.Timestamp(eve), "day")
    rows = [
        {
            "figure": figure,
            "value": value,
            "as of": analysis.format_date(pd.Timestamp(count_end), "day"),
            "_source_ids": tuple(i for ids in open_rows["status_source_ids"] for i in ids),
        }
    ]
    contacts = status[status["last_contact"].notna() & (status["status"] != "closed")].sort_values("last_contact")
    if len(contacts):
        latest = contacts.iloc[-1]
        rows.append(
            {
                "figure": "Days since the last dated contact on any NATO–Russia channel",
                "value": f"{'at least ' if latest['silence_is_minimum'] else ''}{int(latest['days_silent']):,}; "
                f"the last on {analysis.format_date(latest['last_contact'], latest['last_contact_precision'])}, "
                f"on {_the(latest['channel'])} ({_last_contact_title(data, latest)})"
                + (
                    "; reported in use since, undated"
                    if not pd.isna(latest["last_report"]) and latest["last_report"] > latest["last_contact"]
                    else ""
                )
                # While the missions and offices still work, their daily business is contact the record does not
                # date: the count is of dated meetings, calls and letters only.
                + (
                    "; the missions' day-to-day work is not dated"
                    if (
                        (status["status"] == "open")
                        & status["channel_id"].isin(
                            data.channels.loc[data.channels["channel_kind"].isin(["mission", "office"]), "channel_id"]
                        )
                    ).any()
                    else ""
                ),
                "as of": analysis.format_date(pd.Timestamp(count_end), "day"),
                "_source_ids": latest["last_contact_source_ids"],
            }
        )
    steps = analysis.staffing_steps(data)
    caps = steps[steps["measure"] == "staff_cap"]
    suspension = analysis.mission_suspension(data)
    if suspension is not None and not suspension.is_pending:
        # Once the mission stopped work, its cap no longer counts anything: say who is left.
        when = analysis.format_date(suspension.event_date, suspension.date_precision)
        rows.append(
            {
                "figure": "Russia's mission to NATO",
                "value": f"suspended since {when}; no staff reported at NATO since",
                "as of": analysis.format_date(pd.Timestamp(count_end), "day"),
                "_source_ids": suspension.source_ids,
            }
        )
    elif len(caps):
        in_force = caps[~caps["is_pending"]]
        pending = caps[caps["is_pending"]]
        value = str(in_force["staff_count"].iloc[-1]) if len(in_force) else "none"
        sources = list(in_force["source_ids"].iloc[-1]) if len(in_force) else []
        if len(pending):
            nxt = pending.iloc[0]
            decided = analysis.format_date(nxt["decided_date"], nxt["decided_precision"])
            effective = analysis.format_date(nxt["effective_date"], nxt["date_precision"])
            value += f"; to fall to {nxt['staff_count']} on {effective} (decided {decided})"
            sources += list(nxt["source_ids"])
            if suspension is not None and suspension.is_pending and suspension.event_date == nxt["effective_date"]:
                value += ", the day Russia is to suspend the mission"  # so the new cap would never apply
        rows.append(
            {
                "figure": "Cap on the staff of Russia's mission to NATO",
                "value": value,
                "as of": analysis.format_date(pd.Timestamp(as_of), "day"),
                "_source_ids": tuple(sources),
            }
        )
    meetings = analysis.nrc_meetings(data)
    restart = meetings[meetings["event_date"].dt.year >= 2016]
    if len(restart):
        ordered = restart.sort_values("event_date")
        first, last = ordered.iloc[0], ordered.iloc[-1]
        rows.append(
            {
                "figure": f"NATO–Russia Council meetings since they resumed in {first['event_date']:%B %Y}",
                "value": f"{len(restart)}; the last on {analysis.format_date(last['event_date'], 'day')}",
                "as of": analysis.format_date(pd.Timestamp(count_end), "day"),
                # One document a meeting: enough to check each, short enough to read.
                "_source_ids": tuple(i for ids in ordered["source_ids"] for i in _best(data, ids, 1)),
            }
        )
    return pd.DataFrame(rows)


def lede_checks(data: Dataset, parameters) -> list[tuple[str, object, object]]:
    """What the notebook asserts of page one, as (what, actual, expected): counts that agree with the table,
    and no contact or count dated past the day counts stop at."""
    as_of = parameters.as_of
    count_end = analysis.counted_to(data, as_of)
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    in_table = analysis.status_table(data, as_of)["status"].str.startswith("open")
    return [
        ("the number of open channels the lede gives", int((status["status"] == "open").sum()), int(in_table.sum())),
        (
            "a contact dated after the day counts stop",
            bool((status["last_contact"] > pd.Timestamp(count_end)).any()),
            False,
        ),
        ("the day counts stop falling after the as-of date", count_end > as_of, False),
    ]


# --- the passages of the brief ----------------------------------------------------------------------


def _publisher(data: Dataset, source_ids) -> str | None:
    """The publisher of a fact's first document, as a sentence names it ('TASS')."""
    publishers = data.sources.set_index("source_id")["publisher"]
    for source_id in source_ids:
        if source_id in publishers.index:
            return str(publishers[source_id])
    return None


def staffing_findings(data: Dataset) -> str:
    """How Russia's mission to NATO shrank, decision by decision, why, and what was announced but not yet done."""
    steps = analysis.staffing_steps(data)
    if steps.empty:
        return "No figure for the size of Russia's mission to NATO is known by the as-of date."
    cuts = analysis.expulsions(data).set_index("event_id")
    events = data.events.set_index("event_id")
    dated: list[tuple[pd.Timestamp, str]] = []
    first = steps.iloc[0]
    # The count in post when NATO first capped the mission is told in the cap's sentence.
    in_post_then = None
    if first.measure == "staff_in_post":
        about = "about " if first.is_approximate else ""
        in_post_then = (first, f"when Russia's mission had {about}{first.staff_count} people in post")
    earlier = data.staffing[
        (data.staffing["body_id"] == analysis.RUSSIA_MISSION)
        & (data.staffing["measure"] == "staff_in_post")
        & (data.staffing["confidence"] != "unverified")
        & (data.staffing["effective_date"] < first.effective_date)
    ].sort_values("effective_date")
    if len(earlier):
        counts = [
            f"{'about ' if row.is_approximate else ''}{row.staff_count} in "
            f"{analysis.format_long_date(row.effective_date, 'month')}"
            for row in earlier.itertuples()
        ]
        dated.append(
            (
                earlier["effective_date"].iloc[-1],
                f"Counts of its staff in post put the mission at {analysis.join_and(counts)}."
                + cite(data, [i for ids in earlier["source_ids"] for i in ids])
                # The counts are estimates from different outlets; a rise or fall between them is no decision.
                + " These are estimates from different reports, and no document explains the changes between them.",
            )
        )
    # Steps that changed no number: NATO's curbs on the mission's access to its headquarters (8 April 2014).
    curbs = data.events[
        (data.events["category"] == "staffing")
        & (data.events["channel_id"] == "russia_mission")
        & ~data.events["event_id"].isin(steps.loc[steps["measure"] == "staff_cap", "event_id"])
        & ~data.events["event_id"].isin(cuts.index)
        # a cut's taking effect is told with the cut
        & ~data.events["event_date"].isin(steps.loc[steps["measure"] == "staff_cap", "effective_date"])
    ]
    for row in curbs.itertuples():
        what = str(row.summary).split(";")[0].rstrip(".")
        dated.append((row.event_date, f"{what}." + cite(data, row.source_ids)))
    for event_id, cut in cuts[~cuts.index.isin(steps["event_id"])].iterrows():
        if event_id not in events.index:
            continue
        event = events.loc[event_id]
        when = analysis.format_long_date(event["event_date"], event["date_precision"])
        reason = f"; {event['reason']}" if isinstance(event["reason"], str) and event["reason"] else ""
        count = number_word(int(cut["staff_expelled"]))
        dated.append(
            (
                event["event_date"],
                f"On {when} NATO expelled {count} of the mission's diplomats{reason}."
                + cite(data, event["source_ids"]),
            )
        )
    for row in steps[steps["measure"] == "staff_cap"].itertuples():
        when = analysis.format_long_date(row.effective_date, row.date_precision)
        decided = analysis.format_long_date(row.decided_date, row.decided_precision)
        event = events.loc[row.event_id]
        actions = []
        if row.event_id in cuts.index:
            cut = cuts.loc[row.event_id]
            if cut["staff_expelled"]:
                actions.append(f"withdrew {number_word(int(cut['staff_expelled']))} accreditations")
            if cut["accreditations_refused"]:
                actions.append(f"refused {number_word(int(cut['accreditations_refused']))} pending ones")
            if cut["posts_abolished"]:
                actions.append(f"abolished {_plural(int(cut['posts_abolished']), 'vacant post')}")
        first_cap = row.Index == steps[steps["measure"] == "staff_cap"].index[0]
        cap = f"set a cap of {row.staff_count}" if first_cap else f"cut the cap to {row.staff_count}"
        if row.is_pending:
            cap = "decided to " + cap
        if not pd.isna(row.phase_in_months):
            cap += f", phased in over {number_word(int(row.phase_in_months))} months"
        if decided != when:
            cap += f" from {when}"
        actions.append(cap)
        sentence = f"On {decided}"
        if in_post_then is not None and first_cap:
            sentence += f", {in_post_then[1]},"
        elif not first_cap:
            counted = data.staffing[
                (data.staffing["body_id"] == analysis.RUSSIA_MISSION)
                & (data.staffing["measure"] == "staff_in_post")
                & (data.staffing["confidence"] != "unverified")
                & (data.staffing["effective_date"] == row.decided_date)
            ]
            if len(counted):
                count = counted.iloc[0]
                outlet = _publisher(data, count["source_ids"])
                by = f" by {outlet}'s count" if outlet else ""
                sentence += (
                    f", when {'about ' if count['is_approximate'] else ''}{count['staff_count']} of the mission's "
                    f"staff were in post{by}{cite(data, count['source_ids'])},"
                )
        sentence += f" NATO {analysis.join_and(actions)}"
        if isinstance(event["reason"], str) and event["reason"]:
            sentence += f"; {event['reason']}"
        dated.append((row.decided_date, sentence + "." + cite(data, row.source_ids)))
    suspension = analysis.mission_suspension(data)
    if suspension is not None:
        when = analysis.format_long_date(suspension.event_date, suspension.date_precision)
        if suspension.is_pending:
            sentence = (
                f"Russia announced on {_day(suspension.known_date)} that it would suspend the mission from {when}."
            )
        elif (steps["effective_date"] == suspension.event_date).any():
            sentence = f"On {when}, the day that cut took effect, Russia suspended the mission."
        else:
            sentence = f"From {when} Russia suspended the mission."
        dated.append((suspension.event_date, sentence + cite(data, suspension.source_ids)))
    # Said first, so a section that opens in 2009 has told the reader what it is about.
    opening = (
        "Russia's mission to NATO in Brussels was cut in steps, each a decision of NATO's, until Russia suspended it."
    )
    if suspension is None or suspension.is_pending:
        opening = "Russia's mission to NATO in Brussels was cut in steps, each a decision of NATO's."
    return " ".join([opening] + [sentence for _, sentence in sorted(dated, key=lambda item: item[0])])


def _nato_attempts(data: Dataset, as_of: dt.date) -> str | None:
    """NATO's own unanswered attempts to reach Russia since the break, in a sentence (a US one, such as
    General Milley's, is not NATO's); None if there are none."""
    suspension = analysis.mission_suspension(data)
    if suspension is None or suspension.is_pending:
        return None
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    us_acts = analysis.us_acts(data)
    # Counted from the invasion: before it NATO still met Russia, handed over proposals and wrote to Lavrov.
    events = analysis.done_events(data)
    war = events[events["event_id"] == analysis.FULL_SCALE_INVASION]
    since = war["event_date"].iloc[0] if len(war) else suspension.event_date
    when = "since the full-scale invasion of Ukraine" if len(war) else "since the break"
    tried = _failed_attempts(data)
    tried = tried[~tried["event_id"].isin(us_acts) & tried["event_date"].between(since, count_end)].sort_values(
        "event_date"
    )
    if tried.empty:
        return None
    if len(tried) == 1:
        attempt = tried.iloc[0]
        # On which line, if the report names none, is said: placed after the emergency channel, the sentence
        # would otherwise read as an attempt on that channel.
        # The report's own words say how (its summary's first clause): "through a deconfliction hotline and by
        # letter, without saying which line".
        how = "" if isinstance(attempt["channel_id"], str) else str(attempt["summary"]).split(";")[0].rstrip(".")
        return (
            f"NATO's one attempt on record to reach Russia {when}, reported on "
            f"{_day(attempt['event_date'])}, went unanswered{': ' + _lower_first(how) if how else ''}."
            + cite(data, attempt["source_ids"])
        )
    return (
        f"NATO's {number_word(len(tried))} attempts on record to reach Russia {when}, the latest "
        f"reported on {_day(tried.iloc[-1]['event_date'])}, went unanswered."
        + cite(data, [s for ids in tried["source_ids"] for s in ids])
    )


# A paragraph break between groups of sentences in a passage (removed where a group is empty).
PARAGRAPH = "\x00"


def channel_findings(data: Dataset, as_of: dt.date) -> str:
    """Channel by channel, what is known of those still open; then what Moscow says, the US lines, and changes
    announced but not yet in force.

    Page one has already said how many are open: this passage says what each open one last carried.
    """
    count_end = analysis.counted_to(data, as_of)
    everything = analysis.channel_status(data, as_of)
    status = analysis.nato_russia_channels(everything, data)
    sentences = []
    reports = analysis.use_reports(data)
    failed = _failed_attempts(data)
    lines = data.channels.loc[data.channels["channel_kind"].isin(analysis.CONTACT_KINDS), "channel_id"]
    for row in status[(status["status"] == "open") & status["channel_id"].isin(lines)].itertuples():
        name = _the(row.channel)
        name = name[:1].upper() + name[1:]
        since = analysis.format_long_date(row.since, row.since_precision)
        sources: list[str] = []
        if pd.isna(row.last_contact):
            text = f"{name}, on record since {since}, has no dated meeting or call on record"
            sources += list(row.status_source_ids)
        else:
            prefix = "at least " if row.silence_is_minimum else ""
            when = analysis.format_long_date(row.last_contact, row.last_contact_precision)
            text = (
                f"{name} last carried a dated contact on {when}, {prefix}{describe_days(int(row.days_silent))} "
                f"before {_day(count_end)}"
            )
            sources += list(row.last_contact_source_ids)
        attempts = failed[failed["channel_id"] == row.channel_id]
        if len(attempts):
            attempt = attempts.sort_values("event_date").iloc[-1]
            text += f"; when NATO tried to reach Russia on it in {attempt['event_date']:%B %Y}, it got no answer"
            sources += list(attempt["source_ids"])
        if not pd.isna(row.last_report) and (pd.isna(row.last_contact) or row.last_report > row.last_contact):
            event = reports[(reports["channel_id"] == row.channel_id) & (reports["event_date"] == row.last_report)]
            who = speaker(data, event["event_id"].iloc[0]) if len(event) else None
            when = _on(row.last_report, row.last_report_precision)
            who = f"{who}," if who and "," in who else who  # "Russia's ambassador to Belgium, Denis Gonchar,"
            # Each clause cites its own documents: the contact's, then the report's (a list cut at three
            # numbers had dropped the report's).
            text += cite(data, sources) + f"; {who or 'one side'} last said it was in place or in use {when}"
            sources = _best(data, row.last_report_source_ids, 2)
        sentences.append(text + "." + cite(data, sources))
    sentences.append(_nato_attempts(data, as_of))
    # One paragraph each: what is left; the silent lines and what Moscow says; the US lines; the rest.
    sentences.append(PARAGRAPH)
    sentences += _weak_later_contacts(data, status)
    # A silent line one side still says is there: who said so last, and when (no count starts from it).
    silent = status[
        (status["status"] != "open")
        & status["channel_id"].isin(lines)
        & status["last_report"].notna()
        & (status["last_report"] > status["last_contact"].fillna(pd.Timestamp.min))
    ]
    for row in silent.itertuples():
        event = reports[(reports["channel_id"] == row.channel_id) & (reports["event_date"] == row.last_report)]
        who = speaker(data, event["event_id"].iloc[0]) if len(event) else None
        who = _name_first(who) if who else None
        name = _the(row.channel)
        sentences.append(
            f"{who or 'One side'} said {_on(row.last_report, row.last_report_precision)} that {name} was still "
            f"in place; no NATO text in the record confirms it, and no dated contact backs it."
            + cite(data, list(row.last_report_source_ids))
        )
    unnamed = analysis.done_events(data)
    unnamed = unnamed[
        unnamed["category"].isin(analysis.REPORT_CATEGORIES)
        & unnamed["channel_id"].isna()
        & unnamed["confidence"].isin(analysis.VERIFIED_GRADES)
    ].sort_values("event_date")
    if len(unnamed):
        latest = unnamed.iloc[-1]
        who = speaker(data, latest["event_id"]) or "One side"
        who = _name_first(who)
        sentences.append(
            f"{who[:1].upper() + who[1:]} said on {_when(next(unnamed.iloc[[-1]].itertuples()))} that only one "
            "emergency channel was left, without saying which." + cite(data, latest["source_ids"])
        )
    nato_said = nato_stance(data, as_of)
    if nato_said:
        sentences.append(nato_said)
    sentences.append(PARAGRAPH)
    others = analysis.other_channels(everything, data)
    others = others[others["status"] == "open"]
    if len(others):
        described = []
        for row in others.itertuples():
            # A line suspended before and agreed anew (the US–Russia military dialogue, February 2026) was
            # restored, not set up.
            restored = (data.channel_periods["channel_id"] == row.channel_id).sum() > 1
            since = _on(row.since, row.since_precision)
            # "Restored" would say more than an agreement to re-establish it, which is what the documents give.
            text = f"{_the(row.channel)} ({f'agreed {since} to be re-established' if restored else f'set up {since}'}"
            latest = max([d for d in (row.last_contact, row.last_report) if not pd.isna(d)], default=None)
            if latest is not None and latest > row.since:
                text += f"; last reported in use in {latest:%B %Y}"
                if (pd.Timestamp(analysis.counted_to(data, as_of)) - latest).days > 365:
                    # Years without a word: "open" would say more than the record does.
                    text += "; nothing on record since"
            described.append(text + ")")
        names = analysis.join_and(described)
        later = [i for ids in others["last_report_source_ids"] for i in ids][:1]
        later += [i for ids in others["last_contact_source_ids"] for i in ids][:1]
        sentences.append(
            f"Besides NATO's emergency channel, {number_word(len(others))} US channel{'s' if len(others) > 1 else ''}"
            f" to Russia's military {'is' if len(others) == 1 else 'are'} open: {names}."
            + cite(data, [i for ids in others["status_source_ids"] for i in ids][:2] + later)
        )
    us = us_contacts_after_nato(data, as_of)
    if us:
        sentences.append(us)
    sentences.append(PARAGRAPH)
    sentences.append(announced_changes(data, status[status["announced_status"].notna()]))
    older = analysis.older_channels(data, as_of)
    if len(older):
        parts = [
            f"{_the(row.channel)} ({row.status} since {analysis.format_long_date(row.since, row.since_precision)}"
            f"{_said_suspended(data, row)})"
            for row in older.itertuples()
        ]
        # Only the states the rows are in: "Closed or suspended earlier", not a dormant line that is not there.
        words = {"closed": "closed", "suspended": "suspended", "dormant": "fallen dormant"}
        states = [words[state] for state in words if (older["status"] == state).any()]
        lead = (", ".join(states[:-1]) + " or " + states[-1] if len(states) > 1 else states[0]) if states else "Changed"
        sentences.append(f"{lead[:1].upper() + lead[1:]} earlier, and not in this table: {analysis.join_and(parts)}.")
    text = " ".join(s for s in sentences if s)
    paragraphs = [part.strip() for part in text.split(PARAGRAPH)]
    return "\n\n".join(part for part in paragraphs if part)


def _said_suspended(data: Dataset, row) -> str:
    """For a line dormant by the record's rule but suspended by one side's undated account, that account:
    "; suspended by the account of Russia's foreign ministry, which on 18 October 2021 gave no date"."""
    if row.status != "dormant":
        return ""
    periods = data.channel_periods
    stated = periods[
        (periods["channel_id"] == row.channel_id)
        & (periods["status"] == "suspended")
        & periods["known_from_event_id"].notna()
    ]
    events = data.events.set_index("event_id")
    for event_id in stated["known_from_event_id"]:
        if event_id in events.index and str(events.at[event_id, "category"]) == "statement":
            who = speaker(data, event_id) or "one side"
            event = events.loc[event_id]
            return (
                f"; suspended by the account of {who}, which gave no date for it "
                f"{_on(event['event_date'], event['date_precision'])}" + cite(data, _best(data, event["source_ids"], 1))
            )
    return ""


def _weak_later_contacts(data: Dataset, status: pd.DataFrame) -> list[str]:
    """For a channel no longer open, contacts reported after its last dated one on weak or unconfirmed grounds:
    said, so a reader who knows those reports sees why the count runs from the earlier contact."""
    events = analysis.done_events(data)
    weak = events[
        events["category"].isin(["contact", "meeting"]) & ~events["confidence"].isin(analysis.VERIFIED_GRADES)
    ]
    sentences = []
    for row in status[(status["status"] != "open") & status["last_contact"].notna()].itertuples():
        later = weak[(weak["channel_id"] == row.channel_id) & (weak["event_date"] > row.last_contact)]
        if later.empty:
            continue
        # Each later report by its label and day, with whose claim it is, so no reader takes it for several.
        claims = analysis.join_and(
            [
                ("the DW explainer's claim of a " if e.confidence == "unverified" else "a report of a ")
                + f"{_lower_first(re.sub(r' [(][^)]*[)]$', '', str(e.title)))} in "
                + analysis.format_long_date(e.event_date, e.date_precision)
                for e in later.itertuples()
            ]
        )
        one = len(later) == 1
        name = _the(row.channel)
        sentences.append(
            f"{name[:1].upper() + name[1:]} last carried a dated contact on "
            f"{analysis.format_long_date(row.last_contact, row.last_contact_precision)}; {claims} "
            f"{'is' if one else 'are'} confirmed by no other record and {'starts' if one else 'start'} no count."
            + cite(data, [i for ids in later["source_ids"] for i in ids])
        )
    return sentences


def since_rupture_findings(data: Dataset, as_of: dt.date) -> str:
    """since-2014's story of the rupture, in order: the announcement and its day in force, the last meeting and
    the last dated contact, the war, and what the record holds since (attempts that failed, statements of use)."""
    suspension = analysis.mission_suspension(data)
    if suspension is None or suspension.is_pending:
        return ""
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    sentences = [
        f"Russia announced on {_day(suspension.known_date)} that it would suspend its mission to NATO and close "
        f"NATO's offices in Moscow; both took effect on {_when(suspension)}." + cite(data, suspension.source_ids)
    ]
    meetings = analysis.nrc_meetings(data)
    meetings = meetings[meetings["event_date"] > pd.Timestamp(analysis.BREAK_DATE)].sort_values("event_date")
    nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
    contacts = analysis.verified_contacts(data)
    contacts = contacts[contacts["channel_id"].isin(nato) & (contacts["event_date"] <= count_end)]
    contacts = contacts.sort_values("event_date")
    if len(meetings) and len(contacts):
        meeting, contact = meetings.iloc[-1], contacts.iloc[-1]
        sentences.append(
            f"The NATO–Russia Council met a last time on {_day(meeting['event_date'])}; the last dated contact on any "
            f"NATO–Russia channel followed on {_day(contact['event_date'])} ({_lower_first(contact['title'])})."
            + cite(data, list(meeting["source_ids"])[:1] + list(contact["source_ids"])[:1])
        )
    events = analysis.done_events(data)
    war = events[events["event_id"] == analysis.FULL_SCALE_INVASION]
    if len(war):
        sentences.append(
            f"Russia began its full-scale invasion of Ukraine on {_day(war.iloc[0]['event_date'])}."
            + cite(data, war.iloc[0]["source_ids"])
        )
    if len(contacts):
        after = contacts.iloc[-1]["event_date"]
        failed = events[(events["category"] == "failed_contact") & (events["event_date"] > after)]
        # Every statement that a channel is in place or in use, one that names no line included (Moscow's "only
        # an emergency channel is left"), as the brief tells them.
        reports = events[
            events["category"].isin(analysis.REPORT_CATEGORIES) & events["confidence"].isin(analysis.VERIFIED_GRADES)
        ]
        on_nato = reports["channel_id"].isin(nato) | reports["channel_id"].isna()
        reports = reports[on_nato & reports["event_date"].between(after, count_end)]
        sentences.append("Since then the record holds no dated NATO–Russia contact.")
        if len(failed):
            # NATO's attempts and the US ones apart: a US general's call is not NATO's (as the US channels are not).
            us_acts = analysis.us_acts(data)
            tries = []
            for whose, rows in (
                ("NATO", failed[~failed["event_id"].isin(us_acts)]),
                ("US", failed[failed["event_id"].isin(us_acts)]),
            ):
                if rows.empty:
                    continue
                days = analysis.join_and(
                    [_day(row.event_date) + cite(data, _best(data, row.source_ids, 1)) for row in rows.itertuples()]
                )
                noun = "attempt" if len(rows) == 1 else "attempts"
                # The day is the report's: the documents do not date the attempts themselves.
                tries.append(f"{number_word(len(rows))} {whose} {noun} (reported on {days})")
            tries[0] = tries[0][:1].upper() + tries[0][1:]
            sentences.append(f"{analysis.join_and(tries)} to reach Russia went unanswered.")
        if len(reports):
            # Who said so and when, each cited, so the count can be checked against the documents: grouped by
            # person ("Alexander Tokovinin on 28 December 2024, and Denis Gonchar on …").
            people: dict[str, list[str]] = {}
            posts = []
            for row in reports.sort_values("event_date").itertuples():
                who = speaker(data, row.event_id) or "one side"
                post, _, name = who.rpartition(", ") if ", " in who else ("", "", who)
                posts.append(post)
                # "on 19 February 2026", or "in 2023" for a statement known only to its year.
                people.setdefault(name, []).append(
                    _on(row.event_date, row.date_precision) + cite(data, _best(data, row.source_ids, 1))
                )
            named = analysis.join_and([f"{name} {analysis.join_and(days)}" for name, days in people.items()])
            post = posts[0] if len(set(posts)) == 1 and posts[0] else ""
            who = (post.replace("ambassador", "ambassadors", 1) if len(people) > 1 else post) or (
                "Russian officials" if posts and all("Russia" in each for each in posts) else "Officials"
            )
            sentences.append(
                f"{who[:1].upper() + who[1:]} said {_times(len(reports))} that a channel is in place or in use: "
                f"{named}; none of them dated a contact."
            )
    us = us_contacts_after_nato(data, as_of)
    if us:
        sentences.append(us)
    return " ".join(sentences)


def announced_changes(data: Dataset, announced: pd.DataFrame) -> str:
    """'Announced but not yet in force: …': channel-status rows with a change announced for later, or ''."""
    if announced.empty:
        return ""
    changes = [
        f"{_the(row.channel)} to be {row.announced_status} from "
        f"{analysis.format_long_date(row.announced_from, row.announced_from_precision)}"
        for row in announced.itertuples()
    ]
    ids = [i for ids in announced["announced_source_ids"] for i in ids]
    return f"Announced but not yet in force: {analysis.join_and(changes)}." + cite(data, ids)


def nrc_findings(data: Dataset, first_year: int, last_year: int) -> str:
    counts = analysis.nrc_meetings_per_year(data, first_year, last_year)
    if counts.sum() == 0:
        return f"The NATO–Russia Council did not meet between {first_year} and {last_year}."
    quiet = [str(year) for year, value in counts.items() if value == 0]
    text = (
        f"The NATO–Russia Council met {_plural(int(counts.sum()), 'time')} between {first_year} and {last_year}, "
        f"at most {number_word(int(counts.max()))} times a year"
    )
    if quiet:
        text += f"; it did not meet at all in {analysis.join_and(quiet)}"
    return text + "."


def history_findings(data: Dataset, start: dt.date, end: dt.date) -> str:
    """Suspensions and resumptions in the window, counted as episodes: one decision, however many rows record it."""
    end = analysis.counted_to(data, end)
    # Only NATO–Russia decisions count here: a US channel's suspension or restart is told where its lane is.
    nato = set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])

    def ours(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["channel_id"].isna() | frame["channel_id"].isin(nato)]

    suspensions = ours(analysis.episodes(data, "suspension", start, end))
    resumptions = ours(analysis.episodes(data, "resumption", start, end))

    def when(frame: pd.DataFrame) -> str:
        return analysis.join_and(
            [analysis.format_long_date(row.event_date, row.date_precision) for row in frame.itertuples()]
        )

    # A suspension known only to the year from one side's later remark is not a dated decision: it is told
    # apart, with whose account it is, so "suspended N times" counts decisions a document dates.
    dated = suspensions[suspensions["date_precision"].isin(["day", "month"])]
    claimed = suspensions[~suspensions["date_precision"].isin(["day", "month"])]
    text = (
        f"Between {start:%Y} and {end:%Y} NATO–Russia cooperation or contact was suspended "
        + (f"{_times(len(dated))} on a known day" if len(claimed) else _times(len(dated)))
        + (f" ({when(dated)})" if len(dated) else "")
        # Each decision cited to its own best document, not the paragraph to the latest one's.
        + cite(data, [i for ids in dated["source_ids"] for i in _best(data, ids, 1)])
    )
    for row in claimed.itertuples():
        who = speaker(data, row.event_id) or "one side"
        text += (
            f", and once more {_on(row.event_date, row.date_precision)} according to {who}, who gives no day"
            + cite(data, row.source_ids)
        )

    def resumed(frame: pd.DataFrame) -> str:
        # A decision to resume and the first meeting after it are two days: both said, so the table's date
        # (the meeting, when the channel reopened) and this sentence's (the decision) agree.
        periods = data.channel_periods
        parts = []
        for row in frame.itertuples():
            words = analysis.format_long_date(row.event_date, row.date_precision)
            opened = periods[
                (periods["channel_id"] == row.channel_id)
                & (periods["status"] == "open")
                & periods["start_date"].between(row.event_date, row.event_date + pd.Timedelta(days=120))
            ]
            if len(opened) and opened["start_date"].iloc[0] > row.event_date:
                name = data.channels.set_index("channel_id").at[row.channel_id, "channel_name"]
                words += f" (the decision; {_the(name)} first met again on {_day(opened['start_date'].iloc[0])})"
            parts.append(f"on {words}")
        return analysis.join_and(parts)

    text += (
        f". It resumed {_times(len(resumptions))}"
        + (f", {resumed(resumptions)}" if len(resumptions) else "")
        + cite(data, [i for ids in resumptions["source_ids"] for i in _best(data, ids, 1)])
        + "; each decision is counted once, however many channels it touched."
    )
    # A long pause of the Council that no decision began (June 2014 to April 2016) is neither a suspension nor a
    # resumption: said so, or the chart's "met again" looks like a third resumption.
    gaps = analysis.meeting_gaps(data, start)
    held = data.channel_periods[
        (data.channel_periods["channel_id"] == "nrc") & (data.channel_periods["status"] == "suspended")
    ]
    ends = held["end_date"].fillna(pd.Timestamp.max)
    pauses = [
        gap
        for gap in gaps.itertuples()
        if not pd.isna(gap.first_after)
        and gap.days >= 365
        and gap.first_after < pd.Timestamp(analysis.BREAK_DATE)
        # Only where the record holds every meeting: before 2014 a gap may be the record's, not the Council's.
        and gap.last_before.year >= analysis.NRC_FULLY_COUNTED_FROM
        and not ((held["start_date"] <= gap.first_after) & (ends >= gap.last_before)).any()
    ]
    if pauses:
        gap = max(pauses, key=lambda pause: pause.days)  # the longest: June 2014 to April 2016
        text += (
            f" The NATO–Russia Council, which no decision suspended, did not meet from {gap.last_before:%B %Y} "
            f"to {gap.first_after:%B %Y}."
        )
    if len(dated):
        latest = last_row(dated)
        channels = data.channels.set_index("channel_id")["channel_name"]
        what = _the(channels[latest.channel_id]) if isinstance(latest.channel_id, str) else "cooperation"
        # The same day's other stops (NATO's two Moscow offices, 1 November 2021) belong to the same step.
        periods = data.channel_periods
        same_day = periods[
            (periods["start_date"] == latest.event_date)
            & periods["status"].isin(["suspended", "closed"])
            & periods["channel_id"].isin(nato)
            & (periods["channel_id"] != latest.channel_id)
        ]
        if isinstance(latest.channel_id, str) and len(same_day):
            what = analysis.join_and([what] + [_the(channels[c]) for c in same_day["channel_id"]])
        text += (
            f" The latest dated suspension, {_on(latest.event_date, latest.date_precision)}, concerned {what}."
            + cite(data, latest.source_ids)
        )
    suspension = analysis.mission_suspension(data)
    if suspension is not None and suspension.is_pending:
        text += (
            f" Russia announced on {_day(suspension.known_date)} a further suspension, of its mission, from "
            f"{_when(suspension)}." + cite(data, suspension.source_ids)
        )
    return text


def last_row(frame: pd.DataFrame):
    """The last row of a frame as a named tuple."""
    return next(frame.iloc[[-1]].itertuples())


def aftermath_findings(data: Dataset, start: dt.date, end: dt.date) -> str:
    """What the record holds after the break, and how much of it is weakly attested."""
    end = analysis.counted_to(data, end)
    events = analysis.events_between(data, start, end)
    if events.empty:
        return f"The record holds no event between {_day(start)} and {_day(end)}."
    text = f"From {_day(start)} to {_day(end)} the record holds {_plural(len(events), 'event')}."
    weak = events[events["confidence"].isin(["M", "L", "unverified"])]
    if len(weak):
        verb = "rests" if len(weak) == 1 else "rest"
        text += (
            f" Of these, {number_word(len(weak))} {verb} on a single source or one side's account (graded M or lower)."
        )
    return text


def watch_table(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """What to watch, as a table: the date, what is planned or announced, its grade and documents.

    A decision announced but not yet in force is given as its announcement words, grades and cites it (Moscow's
    statement of 18 October 2021), not as the later event that carried it out: that is not known yet.
    """
    # Only what is still ahead: a plan whose day fell between the review and this edition is named on page one.
    upcoming = analysis.watch_list(data, as_of)
    done = analysis.done_events(data)
    announcements = done[done["category"] == "announcement"].sort_values("event_date")
    rows = []
    for row in upcoming.itertuples():
        what, grade, sources = row.summary, row.confidence, row.source_ids
        if row.category not in analysis.PLANNED_CATEGORIES:
            # A step on a channel (its suspension or closure) is told as announced; other steps by their name.
            said = (
                announcements[announcements["channel_id"] == row.channel_id]
                if isinstance(row.channel_id, str) and row.category in ("suspension", "closure")
                else announcements.iloc[0:0]
            )
            if len(said):
                announced = said.iloc[-1]
                what = f"{announced['title']} ({_day(announced['event_date'])})"
                grade, sources = announced["confidence"], announced["source_ids"]
            else:
                what = f"{row.title} (announced)"
        rows.append(
            {
                "due": analysis.format_date(row.event_date, row.date_precision),
                "what": what,
                "grade": str(grade),
                "_row_id": analysis.fact_anchor(row.event_id),
                "_source_ids": sources,
            }
        )
    return pd.DataFrame(rows, columns=["due", "what", "grade", "_row_id", "_source_ids"])


def watch_note(data: Dataset, as_of: dt.date) -> str:
    """What the watch list is, beside it: whether any NATO–Russia meeting or channel step is due ('' if one is)."""
    upcoming = analysis.watch_list(data, as_of)
    if upcoming.empty:
        return ""
    nato = set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])
    if upcoming["channel_id"].isin(nato).any():
        return ""
    return (
        "None of these is a NATO–Russia meeting or a step on a NATO–Russia channel: the record holds none "
        "planned. They are the next dates on which the allies, or Russia and the United States, are due to act "
        "on their own, and what they do will show whether the silence holds."
    )


def channel_table_title(data: Dataset, as_of: dt.date) -> str:
    """The title of the brief's channel table, saying which channels it keeps (`analysis.recent_channels`):
    'NATO–Russia channels open on 1 July 2026, or changed in the six years before this edition (since December
    2020)'."""
    status = analysis.channel_status(data, as_of)
    due = " or due to change" if status["announced_status"].notna().any() else ""
    since = pd.Timestamp(as_of) - pd.DateOffset(years=analysis.RECENT_YEARS)
    years = number_word(analysis.RECENT_YEARS)
    return (
        f"NATO–Russia channels open on {_day(analysis.counted_to(data, as_of))}{due}, or changed in the {years} "
        f"years before this edition (since {since:%B %Y})"
    )


def sources_intro(data: Dataset, as_of: dt.date) -> str:
    """The sentence before a report's list of sources: what the numbers refer to, and by when they were published."""
    return (
        "The numbers in the text, tables and captions refer to these documents, each published by "
        f"{_day(analysis.counted_to(data, as_of))}; the dataset also names the section or paragraph of each that "
        "supports each fact."
    )


def dataset_note(data: Dataset, as_of: dt.date) -> str:
    """How large the dataset is, as known on the day the report describes, and how its facts are graded."""
    grades = data.events["confidence"].value_counts().reindex(["H", "M", "L", "unverified"], fill_value=0)
    channels = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    return (
        (
            f"The tables attached to the PDF are the whole record, later events included, so that the edition "
            f"can be rebuilt; this edition uses only what was published by {_day(as_of)}. "
            if not pd.isna(data.reviewed_to) and data.reviewed_to.date() > as_of
            else ""
        )
        + f"As known on {_day(analysis.counted_to(data, as_of))}, the dataset holds {len(data.events)} dated events"
        + (
            f" ({number_word(int(data.events['is_pending'].sum()))} of them announced for a later day)"
            if data.events["is_pending"].any()
            else ""
        )
        + ", "
        f"{len(data.staffing)} staffing figures and {len(channels)} NATO–Russia channels, resting on "
        f"{len(data.sources)} public documents published by then; the sources listed below are those this report "
        "cites. Of the events, " + ", ".join(f"{count} are graded {grade}" for grade, count in grades.items()) + "."
    )


# Abbreviations a reader of the reports meets, spelled out once.
GLOSSARY = {
    "CFE": "Treaty on Conventional Armed Forces in Europe (1990)",
    "EUCOM": "US European Command, whose commander is also NATO's SACEUR",
    "INF": "Intermediate-Range Nuclear Forces Treaty, signed in 1987",
    "MAP": "Membership Action Plan, NATO's programme for countries preparing to join",
    "MLM": "NATO Military Liaison Mission in Moscow, opened in 2002",
    "NAC": "North Atlantic Council, NATO's decision-making body of all allies",
    "NACC": "North Atlantic Cooperation Council, set up in 1991, where Russia took the Soviet seat",
    "New START": "US–Russia treaty limiting strategic nuclear arms, in force from 2011; extended in 2021 to 5 "
    "February 2026",
    "RUSI": "Royal United Services Institute, a defence think tank in London",
    "IISS": "International Institute for Strategic Studies, a think tank in London",
    "Article 4": "the article of NATO's founding treaty under which an ally that feels threatened asks for "
    "consultations",
    "DNR": "the self-proclaimed 'Donetsk People's Republic' in eastern Ukraine",
    "LNR": "the self-proclaimed 'Luhansk People's Republic' in eastern Ukraine",
    "AFP": "Agence France-Presse, the French news agency",
    "DW": "Deutsche Welle, Germany's international broadcaster",
    "NRC": "NATO–Russia Council, set up in 2002, the forum of the allies and Russia",
    "PfP": "Partnership for Peace, NATO's programme of practical cooperation with partners, from 1994",
    "PJC": "NATO–Russia Permanent Joint Council, set up in 1997, the NRC's predecessor",
    "SACEUR": "Supreme Allied Commander Europe, NATO's top military commander",
}


def channel_list(data: Dataset, as_of: dt.date) -> str:
    """What each NATO–Russia channel is, as a Markdown list with its documents: the channels' descriptions,
    written as of the record's review, so an edition pinned to an earlier day (which must not know what they
    say of later years) gets none."""
    if pd.isna(data.reviewed_to) or pd.Timestamp(as_of) < data.reviewed_to:
        return ""
    channels = data.channels[data.channels["is_nato_channel"].astype(bool)].sort_values("display_order")
    items = []
    for row in channels.itertuples():
        ids = (
            [row.source_id]
            if isinstance(row.source_id, str) and row.source_id in set(data.sources["source_id"])
            else []
        )
        items.append(f"- **{row.channel_name}**: {str(row.description).rstrip('.')}." + cite(data, ids))
    return "The channels, as the reports name them:\n\n" + "\n".join(items)


def glossary(text: str | None = None) -> str:
    """The abbreviations a reader meets, as a Markdown list: those in `text` (a report's words so far), or all."""
    used = {
        short: meaning
        for short, meaning in GLOSSARY.items()
        if text is None or re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text)
    }
    return "\n".join(f"- **{short}**: {meaning}" for short, meaning in sorted(used.items()))


# --- the years since 2014 ---------------------------------------------------------------------------


def _crisis_talked_through(data: Dataset, start: dt.date) -> str | None:
    """The contrast this report exists for: the latest incident before the break that a dated NATO–Russia
    contact followed ("Before the break it was otherwise: after Turkey shot down …, Grushko and Vershbow …")."""
    incidents = analysis.incidents_and_contacts(data, start, analysis.BREAK_DATE)
    talked = incidents[incidents["contact"].map(lambda value: isinstance(value, str))]
    if talked.empty:
        return None
    row = talked.iloc[-1]
    contacts = analysis.done_events(data)  # the missions' talks count as contacts here, as the table counts them
    contact = contacts[
        (contacts["event_date"] == row["contact_date"])
        & contacts["title"].map(lambda t: str(row["contact"]).startswith(t))
    ]
    sources = _best(data, row["source_ids"], 1) + (
        _best(data, contact.iloc[0]["source_ids"], 1) if len(contact) else []
    )
    when = analysis.format_long_date(row["contact_date"], row["contact_precision"])
    # The headlines quoted as headlines; the grade said in words, not as the table's "(grade M)".
    title = re.sub(r" \(grade [A-Z]\)$", "", str(row["contact"]))
    grade = f", grade {contact.iloc[0]['confidence']}" if len(contact) else ""
    which = f"“{row['incident']}” ({_day(row['date'])})"
    return (
        f"Before the break, {number_word(len(talked))} of the record's {number_word(len(incidents))} incidents since "
        f"{start:%Y} drew a dated NATO–Russia contact within a month: "
        + (which if len(talked) == 1 else f"the latest, {which},")
        + f" was followed by “{title}” ({when}{grade})."
        + cite(data, sources)
    )


def since_lede(data: Dataset, parameters) -> str:
    """The since-2014 report's opening: the suspension, the talks that went on, the rupture, what is left of the
    channels of 2014, the incidents since, and what to watch."""
    start, as_of = parameters.period_start, parameters.as_of
    count_end = analysis.counted_to(data, as_of)
    sentences = []
    suspensions = analysis.episodes(data, "suspension", start, count_end)
    dated = suspensions[(suspensions["date_precision"] == "day") & (suspensions["confidence"] == "H")]
    if len(dated):
        first = dated.iloc[0]
        after = analysis.channels_open_on(data, (first["event_date"] + pd.Timedelta(days=1)).date())
        talks = after[
            after["channel_id"].isin(data.channels.loc[data.channels["channel_kind"] == "forum", "channel_id"])
        ]
        what = str(first["summary"]).split(";")[0].rstrip(".")
        text = f"On {_day(first['event_date'])} {_lower_first(what)}"
        if isinstance(first["reason"], str) and first["reason"]:
            text += f" ({first['reason']})"
        if len(talks):
            text += f", but kept {analysis.join_and([_the(name) for name in talks['channel']])} for talks"
        sentences.append(text + "." + cite(data, first["source_ids"]))
    meetings = analysis.nrc_meetings(data)
    meetings = meetings[meetings["event_date"] >= pd.Timestamp(start)].sort_values("event_date")
    gaps = analysis.meeting_gaps(data, start)
    if len(meetings) and len(gaps):
        gap, last_gap = gaps.iloc[0], gaps.iloc[-1]
        between = meetings[
            (meetings["event_date"] >= gap["first_after"]) & (meetings["event_date"] <= last_gap["last_before"])
        ]
        # Every meeting counted, so the sentence adds up to the chart: "met twice in 2014, last on 2 June".
        before = meetings[meetings["event_date"] <= gap["last_before"]]
        first = (
            f"The Council met {_times(len(before))} in {gap['last_before']:%Y}, last on {_day(gap['last_before'])}"
            if len(before) > 1 and (before["event_date"].dt.year == gap["last_before"].year).all()
            else f"The Council met on {_day(gap['last_before'])}"
        )
        text = (
            f"{first}, then went {describe_days(int(gap['days']))} without "
            "meeting and met "
            f"{_plural(len(between), 'time')} from {gap['first_after']:%B %Y} to {last_gap['last_before']:%B %Y}"
        )
        if len(gaps) > 1:
            text += f"; after {int(last_gap['days']):,} days it met a last time on {_day(last_gap['first_after'])}"
        sentences.append(text + "." + cite(data, list(gap["source_ids"]) + list(last_gap["source_ids"])))
    military = analysis.dated_contacts(data)
    military = military[(military["channel_id"] == "military_line") & (military["event_date"] >= pd.Timestamp(start))]
    if len(military):
        ordered = military.sort_values("event_date")
        undated = int((military["date_precision"] != "day").sum())
        known = f" ({number_word(undated)} known only to the month)" if undated else ""
        # A later meeting of the same commander in his US post is not NATO's line, but a reader must hear of it.
        contacts = analysis.verified_contacts(data)
        nato = set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])
        us_later = contacts[
            ~contacts["channel_id"].isin(nato)
            & (contacts["category"] == "meeting")
            & (contacts["event_date"] > military["event_date"].max())
        ].sort_values("event_date")
        # Told as its own record words it ("Grynkewich meets senior Russian officers in Abu Dhabi"): the meeting
        # was with Russian officers at talks, not with Russia's chief of the General Staff.
        latest_us = us_later.iloc[-1] if len(us_later) else None
        after = (
            f". A later meeting came on a US channel: {_lower_first(str(latest_us['title']))} "
            f"({analysis.format_long_date(latest_us['event_date'], latest_us['date_precision'])})"
            if latest_us is not None
            else ""
        )
        sentences.append(
            "NATO's Supreme Allied Commander Europe or the chair of its Military Committee held "
            f"{_plural(len(military), 'call')} or meetings{known} with Russia's chief of the General Staff from "
            f"{military['event_date'].min():%Y} to {military['event_date'].max():%Y}, none since on NATO's line"
            f"{after}." + cite(data, list(ordered.iloc[0]["source_ids"]) + list(ordered.iloc[-1]["source_ids"]))
            # The first and the last of them: the chart of contacts per year cites the rest.
        )
    suspension = analysis.mission_suspension(data)
    events = analysis.done_events(data)
    war = events[events["event_id"] == analysis.FULL_SCALE_INVASION]
    if suspension is not None and not suspension.is_pending:
        offices = data.channel_periods[
            (data.channel_periods["start_date"] == suspension.event_date)
            & data.channel_periods["channel_id"].isin(
                data.channels.loc[
                    data.channels["channel_kind"].isin(["mission", "office"])
                    & (data.channels["channel_id"] != "russia_mission"),
                    "channel_id",
                ]
            )
        ]
        names = data.channels.set_index("channel_id").loc[offices["channel_id"], "channel_name"]
        shut = analysis.join_and([_the(str(name).replace(" in Moscow", "")) for name in names])
        text = (
            f"The rupture came on {_when(suspension)}, when Russia suspended its mission to NATO and shut "
            f"{shut or 'NATO’s offices'} in Moscow"
        )
        sources = list(suspension.source_ids)
        expelled = analysis.expulsions(data)
        expelled = expelled[expelled["effective_date"] <= suspension.event_date]
        if len(expelled):
            # What Russia answered: NATO's last expulsion before the suspension.
            latest = expelled.sort_values("effective_date").iloc[-1]
            decision = data.events.set_index("event_id").loc[latest["event_id"]]
            text += (
                f", answering NATO's expulsion of {number_word(int(latest['staff_expelled']))} of the mission's "
                f"staff on {_day(decision['event_date'])}"
            )
            sources += list(decision["source_ids"])
        sentences.append(text + "." + cite(data, sources))
        if len(war):  # its own sentence: the war is the rupture's context, not part of the act
            sentences.append(
                f"{str(war.iloc[0]['summary']).rstrip('.')} on {_day(war.iloc[0]['event_date'])}."
                + cite(data, war.iloc[0]["source_ids"])
            )
    history, sentences = sentences, []  # the years told so far; what stands now gets its own paragraph
    then = analysis.channels_open_on(data, start)
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    open_now = status[status["status"] == "open"]
    # The lines older than their first record here were there too: named with the rest, not left out.
    later = [name for name in _first_records_after(data, start) if name not in set(open_now["channel"])]
    late = analysis.late_entrants(data).set_index("channel_name")
    # An older line the record picks up later is said to be followed only from then, so the sentence claims no
    # contact on it before (the Secretary General–Foreign Minister line: Stoltenberg, from 2015).
    followed = analysis.join_and(
        [f"{_the(name)} only from {late.loc[name, 'start_date']:%B %Y}" for name in later if name in late.index]
    )
    had = [_the(name) for name in [*then["channel"], *later]]
    still = then[then["channel_id"].isin(open_now["channel_id"])]
    newer = open_now[~open_now["channel_id"].isin(then["channel_id"]) & ~open_now["channel"].isin(later)]
    past = count_end < as_of
    text = (
        f"In {start:%B %Y} NATO and Russia dealt through {analysis.join_and(had)}. "
        + (f"The record follows {followed}. " if followed else "")
        + f"By {_day(count_end)} "
        f"{'none of these' if still.empty else analysis.join_and([_the(n) for n in still['channel']])}"
        # "in use", not "open": two of them fell silent (dormant) rather than being closed.
        f" {('was' if past else 'is') if still.empty or len(still) == 1 else ('were' if past else 'are')} still in use"
    )
    if len(newer):
        opened = [f"{_the(row.channel)}, set up {_on(row.since, row.since_precision)}" for row in newer.itertuples()]
        text += ("; the one channel left is " if len(newer) == 1 else "; the channels left are ") + analysis.join_and(
            opened
        )
    sentences.append(text + ".")
    changed = _what_changed(data, as_of)
    if changed:
        sentences.append(changed)
    # A paragraph each: the years of talking, what is left and what changed last, why it matters, what to watch.
    matters = _why_it_matters(data, as_of)
    before = _crisis_talked_through(data, start)
    if matters and before:
        matters += " " + before
    watch = _to_watch(data, as_of)
    parts = [" ".join(history), " ".join(sentences), matters or "", watch or ""]
    return "\n\n".join(part for part in parts if part)


#: What the Council's meetings took up, as the record's summaries word it: a topic and the words that name it.
COUNCIL_TOPICS = (
    ("Ukraine", r"Ukraine|Sea of Azov"),
    ("Afghanistan", r"Afghanistan"),
    ("military transparency and risk reduction", r"transparency|risk reduction|military activities|air safety"),
    ("the INF Treaty", r"\bINF\b"),
)


def since_talks_findings(data: Dataset, start: dt.date, end: dt.date) -> str:
    """What the Council talked about between its restart and its last regular meeting, topic by topic as the
    record's summaries give them, and how its meetings ended."""
    gaps = analysis.meeting_gaps(data, start)
    meetings = analysis.nrc_meetings(data)
    meetings = meetings[meetings["event_date"].between(pd.Timestamp(start), pd.Timestamp(end))].sort_values(
        "event_date"
    )
    if gaps.empty or meetings.empty:
        return ""
    restart, last_gap = gaps.iloc[0], gaps.iloc[-1]
    run = meetings[meetings["event_date"].between(restart["first_after"], last_gap["last_before"])]
    if run.empty:
        return ""
    counts = []
    for topic, pattern in COUNCIL_TOPICS:
        about = run[run["summary"].str.contains(pattern, regex=True, na=False)]
        if len(about):
            late = about["event_date"].min() > run["event_date"].min()
            counts.append(
                (number_word(len(about)), (f"(all from {about['event_date'].min():%B %Y}) " if late else "") + topic)
            )
    text = (
        f"The Council met again on {_day(restart['first_after'])}, after {describe_days(int(restart['days']))}, "
        f"and {_plural(len(run), 'time')} in all to {_day(last_gap['last_before'])}."
    )
    if counts:
        (count, topic), rest = counts[0], counts[1:]
        items = [f"{count} discussed {topic}"] + [f"{n} {t}" for n, t in rest]
        text += f" Of those {number_word(len(run))} meetings, {analysis.join_and(items)}."
        # The tallies rest on every meeting counted: each meeting's best document is cited.
        best = [_best(data, ids, 1) for ids in run["source_ids"]]
        text += f" [{'; '.join('@' + ids[0] for ids in best if ids)}]"
    inf = analysis.done_events(data)
    inf = inf[(inf["category"] == "arms_control") & inf["title"].str.contains(r"\bINF\b", na=False)]
    # The treaty's end, if it came while the Council was silent (2 August 2019): the US withdrawal took effect.
    silent_until = last_gap["first_after"] if len(gaps) > 1 else pd.Timestamp(end)
    inf = inf[inf["event_date"].between(last_gap["last_before"], silent_until)].sort_values("event_date")
    if len(inf):
        row = inf.iloc[0]
        what = str(row["summary"]).split(";")[0].rstrip(".")
        what = "the" + what[3:] if what.startswith("The ") else what
        text += f" On {_day(row['event_date'])} {what}." + cite(data, row["source_ids"])
    if len(gaps) > 1:
        text += (
            f" The Council then did not meet for {describe_days(int(last_gap['days']))}, until "
            f"{_day(last_gap['first_after'])}." + cite(data, last_gap["source_ids"])
        )
    return text


def _said_on_talking(data: Dataset, after: pd.Timestamp, count_end: pd.Timestamp) -> pd.DataFrame:
    """Statements after `after` about channels, dialogue or contacts with the other side, oldest first."""
    events = analysis.done_events(data)
    return events[
        (events["category"] == "statement")
        & (events["event_date"] > after)
        & (events["event_date"] <= count_end)
        & events["summary"].str.contains(r"channel|dialogue|contacts|communication", regex=True, na=False)
    ].sort_values("event_date")


def nato_stance(data: Dataset, as_of: dt.date) -> str | None:
    """NATO's side beside Moscow's: its latest statement on record on talking to Russia since the invasion
    ("On NATO's side, on 11 February 2026 its Secretary General said …"), cited; None if it has made none."""
    events = analysis.done_events(data)
    war = events[events["event_id"] == analysis.FULL_SCALE_INVASION]
    if war.empty:
        return None
    said = _said_on_talking(data, war["event_date"].iloc[0], pd.Timestamp(analysis.counted_to(data, as_of)))
    # NATO's voice: the alliance's own texts and its officials' words (their summaries open with "NATO's").
    ours = said[
        said["event_id"].map(lambda i: "NATO" in (speaker(data, i) or "")) | said["summary"].str.startswith("NATO's")
    ]
    if ours.empty:
        return None
    row = ours.iloc[-1]
    what = str(row["summary"]).split(";")[0].rstrip(".")
    return f"On NATO's side, on {_day(row['event_date'])} {_lower_first(what)}." + cite(data, row["source_ids"])


def since_accounts_findings(data: Dataset, start: dt.date, end: dt.date) -> str:
    """What each side has said since the war began about talking to the other: their own statements on
    channels, dialogue and contacts, each dated, attributed and cited, oldest first."""
    events = analysis.done_events(data)
    war = events[events["event_id"] == analysis.FULL_SCALE_INVASION]
    after = war["event_date"].iloc[0] if len(war) else pd.Timestamp(start)
    said = _said_on_talking(data, after, pd.Timestamp(analysis.counted_to(data, end)))
    if said.empty:
        return ""
    parts = []
    for row in said.itertuples():
        what = str(row.summary).split(";")[0].rstrip(".")
        if what.split(" ", 1)[0] in ("The", "Foreign", "At"):  # a common noun, not a name, opens the summary
            what = what[:1].lower() + what[1:]
        parts.append(f"On {_day(row.event_date)}, {what}." + cite(data, row.source_ids))
    return "Since the invasion each side has said where it stands on talking to the other. " + " ".join(parts)


def since_incident_findings(data: Dataset, start: dt.date, end: dt.date) -> str:
    """What the incidents since `start` show about the channels: the contacts that followed, before and after the
    mission closed, and attempts that went unanswered (whose line it was)."""
    incidents = analysis.incidents_and_contacts(data, start, end)
    if incidents.empty:
        return "The record holds no incident on or near allied territory in this period."
    contacted = incidents[incidents["contact"].map(lambda value: isinstance(value, str))]
    tried = incidents[incidents["attempt"].map(lambda value: isinstance(value, str))]
    text = (
        f"The record holds {number_word(len(incidents))} incidents on or near allied territory since {start:%Y} (a "
        "selection, not a complete list), whoever caused them; "
        + (
            "none was followed within a month by a dated NATO–Russia contact."
            if contacted.empty
            else f"{number_word(len(contacted))} followed within a month by a NATO–Russia contact on record, "
            + (
                f"in {contacted['date'].max():%B %Y}" + _day_unknown(contacted) + "."
                if len(contacted) == 1
                else f"the last in {contacted['date'].max():%B %Y}."
            )
        )
    )
    suspension = analysis.mission_suspension(data)
    if len(contacted) and suspension is not None and not suspension.is_pending:
        after = incidents[incidents["date"] > suspension.event_date]
        if len(after) and not (contacted["date"] > suspension.event_date).any():
            text += (
                f" Of the {number_word(len(after))} since Russia suspended its mission in "
                f"{suspension.event_date:%B %Y}, none was."
            )
    if len(tried):
        attempt = tried.iloc[-1]
        who = speaker(data, attempt["attempt_id"])
        who = f"{who}," if who and "," in who else who
        row = data.events.set_index("event_id").loc[attempt["attempt_id"]]
        text += (
            f" After one, in {attempt['date']:%B %Y}, an attempt {'by ' + who + ' ' if who else ''}to reach Russia's "
            "military went unanswered." + cite(data, row["source_ids"])
        )
    # One side's word on the line and the incidents, between the first and the latest the page-one lede tells.
    later = incidents[incidents["date"] > (suspension.event_date if suspension is not None else pd.Timestamp(start))]
    if len(later):
        said = _incident_letters(data, later["date"].min(), pd.Timestamp(analysis.counted_to(data, end)))
        if said is not None:
            reports = analysis.use_reports(data)
            between = reports[
                reports["event_date"].between(said[0]["event_date"], said[1]["event_date"], inclusive="neither")
                & reports["summary"].str.contains("incident", case=False, na=False)
            ].sort_values("event_date")
            for row in between.itertuples():
                text += f" On {_day(row.event_date)}, {str(row.summary).rstrip('.')}." + cite(data, row.source_ids)
    return text


def _day_unknown(rows: pd.DataFrame) -> str:
    """' (a contact known only to its month)' when a contact in `rows` has no day on record."""
    if "contact_precision" in rows and (rows["contact_precision"] != "day").any():
        return " (a contact known only to its month)"
    return ""


def changes_since_table(data: Dataset, start: dt.date, as_of: dt.date) -> pd.DataFrame:
    """Every change of status on a NATO–Russia channel from `start` to the day counts stop, oldest first."""
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    nato = data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"]
    periods = data.channel_periods[
        data.channel_periods["channel_id"].isin(nato)
        & (data.channel_periods["start_date"] >= pd.Timestamp(start))
        & (data.channel_periods["start_date"] <= count_end)
    ].sort_values(["start_date", "channel_id"])
    events = data.events.set_index("event_id")
    statuses = analysis.effective_statuses(periods, data)
    first_records = set(analysis.late_entrants(data)["period_id"])
    rows = []
    for period, status in zip(periods.itertuples(), statuses):
        note = period.status_note if isinstance(period.status_note, str) else ""
        if period.period_id in first_records and status == "open":
            continue  # the first contact the record holds on an older line: no change of status
        said = None
        if status == "dormant" and re.match(r"no (contact|meeting) since", note):
            # Dated by its last contact, not by a decision: the row says so, so no reader looks for an event.
            kind = "meeting" if note.startswith("no meeting") else "contact"
            words = f"dormant (no dated {kind} since)"
            # One side's undated word that the line was suspended is a row of its own, on the day it was said.
            known = period.known_from_event_id
            if (
                period.status == "suspended"
                and isinstance(known, str)
                and known in events.index
                and str(events.at[known, "category"]) == "statement"
            ):
                said = events.loc[known]
                rows.append(
                    {
                        "date": analysis.format_date(said["event_date"], said["date_precision"]),
                        "channel": period.channel_name,
                        "became": f"statement: {said['title']} (one side's account; no decision on record)",
                        "grade": str(said["confidence"]),
                        "_row_id": analysis.fact_anchor(known),
                        "_source_ids": said["source_ids"],
                        "_when": said["event_date"],
                    }
                )
        else:
            reported = "reported " if note.startswith("according to") else ""
            words = reported + str(status) + (f" ({note})" if note else "")
        rows.append(
            {
                "date": analysis.format_date(period.start_date, period.start_precision),
                "channel": period.channel_name,
                "became": words,
                "grade": str(period.confidence),
                "_row_id": analysis.period_anchor(period.period_id),
                "_source_ids": events.at[period.start_event_id, "source_ids"],
                "_when": period.start_date,
            }
        )
    table = pd.DataFrame(rows, columns=["date", "channel", "became", "grade", "_row_id", "_source_ids", "_when"])
    return table.sort_values("_when", kind="stable").drop(columns="_when").reset_index(drop=True)


# --- corrections ------------------------------------------------------------------------------------


def _fact_label(data: Dataset, fact_id: str, fallback: str) -> str:
    """What a reader calls a fact: an event's title, a staffing figure's measure, a period's channel and status."""
    events = data.events.set_index("event_id")
    if fact_id in events.index:
        row = events.loc[fact_id]
        if str(row["title"]).endswith(")"):  # "… suspended (autumn 2021)": the title already dates it
            return str(row["title"])
        return f"{row['title']} ({analysis.format_date(row['event_date'], row['date_precision'])})"
    staffing = data.staffing.set_index("staffing_id")
    if fact_id in staffing.index:
        row = staffing.loc[fact_id]
        what = str(row["measure"]).replace("_", " ")
        when = analysis.format_date(row["effective_date"], row["date_precision"])
        return f"Russia's mission: {what} {row['staff_count']} ({when})"
    periods = data.channel_periods.set_index("period_id")
    if fact_id in periods.index:
        row = periods.loc[fact_id]
        when = analysis.format_date(row["start_date"], row["start_precision"])
        return f"{row['channel_name']}: {row['status']} from {when}"
    return fallback


# How the corrections log's fields and the kinds of fact read to a reader.
_FIELD_WORDS = {"start": "start of the period", "end": "end of the period", "grade": "grade", "date": "date"}
_KIND_WORDS = {
    "contact": "a dated contact",
    "channel_report": "a report that a channel is in place or in use",
    "cooperation": "an act of cooperation",
    "statement": "a statement",
}


def reader_corrections(corrections: pd.DataFrame) -> pd.DataFrame:
    """The corrections a reader is told of: changes to what a fact says (a renamed id changes nothing they read)."""
    return corrections[corrections["field"] != "id"]


#: Corrections that change a date, a count or a cause a brief's reader was given. A change of grade, of the
#: document cited, of a label, of the channel a fact is filed under, or a duplicate taken out, is listed in the
#: full analysis and the data: editors read those rows as the record's housekeeping, not news to a reader.
BRIEF_FIELDS = ("start", "end", "date", "category", "reason")


def _fact_ends(data: Dataset, fact_id: str) -> pd.Timestamp | None:
    """The last day a fact concerns (an event's date, a figure's, a period's end or start), None if unknown."""
    for frame, key, columns in (
        (data.events, "event_id", ("event_date",)),
        (data.staffing, "staffing_id", ("effective_date",)),
        (data.channel_periods, "period_id", ("end_date", "start_date")),
    ):
        rows = frame[frame[key] == fact_id]
        if len(rows):
            days = [rows.iloc[0][column] for column in columns if not pd.isna(rows.iloc[0][column])]
            return days[0] if days else None
    return None


def corrections_table(
    data: Dataset, fields: tuple[str, ...] | None = None, since: dt.date | None = None
) -> pd.DataFrame:
    """The corrections made to published facts up to the as-of date, newest first, each with its reason
    (only those of `fields`, if given; with `since`, only those of facts a report from that day shows)."""
    log = _corrections_shown(data, fields, since)
    log = log.sort_values(["corrected_on", "correction_id"], ascending=[False, True])
    log = _collapse_chains(log)
    rows = []
    for row in log.itertuples():
        old = row.old_value if isinstance(row.old_value, str) else ""
        new = row.new_value if isinstance(row.new_value, str) else ""
        change = _plain_change(row.field, old, new)
        rows.append(
            {
                "corrected": analysis.format_date(row.corrected_on, "day"),
                "fact": _fact_label(data, row.fact_id, old or row.fact_id),
                "what changed": change,
                "why": row.reason,
                "_source_ids": () if pd.isna(row.source_id) else (row.source_id,),
            }
        )
    return pd.DataFrame(rows, columns=["corrected", "fact", "what changed", "why", "_source_ids"])


def _plain_change(field: str, old: str, new: str) -> str:
    """What a correction changed, as a sentence a reader follows ("Now ends on 6 February 2020, not 2022"), not
    in the data's terms ("end of the period: 2022 → …")."""
    if field == "added":
        return "Added to the record."
    if field == "removed":
        return "Taken out of the record."
    if field == "summary":
        return "Summary reworded."  # the reason says how; the two texts in full are in the data
    if field == "category":
        return f"Now counted as {_KIND_WORDS.get(new, new)}, not as {_KIND_WORDS.get(old, old)}."
    if field == "channel":
        if not old:
            return f"Now tied to {_the(new)}."
        if new.startswith("none"):
            why = new.partition("(")[2].rstrip(")")
            return f"No longer tied to {_the(old)}{': ' + why if why else ''}."
        return f"Now tied to {_the(new)}, not to {_the(old)}."
    if field == "title":
        return f"Now labelled '{new}', not '{old}'."
    if field == "reason":
        return f"The cause now reads: {new}."
    if field == "sources":
        return f"Now cited to {new}, not {old}." if old else f"Now also cited to {new}."
    verb = {"start": "Now starts on", "end": "Now ends on", "date": "Now dated", "grade": "Now graded"}
    if field in verb:
        return f"{verb[field]} {new}, not {old}." if old else f"{verb[field]} {new}."
    return f"{_FIELD_WORDS.get(field, field)}: {old} → {new}"


def _collapse_chains(log: pd.DataFrame) -> pd.DataFrame:
    """Corrections of one fact's field on one day, shown once: from the first old value to the last new one,
    with the last reason (a reader needs where the fact ended up, not each step of that day)."""
    kept = []
    for _, group in log.groupby(["corrected_on", "fact_id", "field"], sort=False):
        if len(group) == 1 or group["field"].iloc[0] in ("added", "removed"):
            kept.append(group)
            continue
        ordered = group.sort_values("correction_id")
        values = list(ordered["old_value"])
        # The chain's first link is the one whose old value no other link produced.
        start = next((i for i, old in enumerate(values) if old not in set(ordered["new_value"])), 0)
        last = ordered.iloc[[-1]].copy()
        last["old_value"] = values[start]
        kept.append(last)
    return pd.concat(kept) if kept else log


def _corrections_shown(data: Dataset, fields: tuple[str, ...] | None, since: dt.date | None) -> pd.DataFrame:
    log = reader_corrections(data.corrections)
    if fields is not None:
        log = log[log["field"].isin(fields)]
    if since is not None:
        ends = log["fact_id"].map(lambda fact_id: _fact_ends(data, fact_id))
        log = log[ends.isna() | (ends >= pd.Timestamp(since))]  # a removed fact (no date left) is kept
    return log


def corrections_note(data: Dataset, fields: tuple[str, ...] | None = None, since: dt.date | None = None) -> str:
    """One sentence before the corrections: how many, and what the list leaves to the full analysis."""
    log = reader_corrections(data.corrections)
    shown = _corrections_shown(data, fields, since)
    count = len(_collapse_chains(shown))  # as the table lists them
    if not count:
        # An edition dated before any correction is still built from today's record: say so, or the reader
        # takes the facts for those first published.
        return (
            "No correction had been made by the day of this edition. Its facts are as the documents published by "
            "then show them; where later checking found one misread, it is corrected here, and the current edition "
            "lists each correction."
        )
    first = analysis.format_long_date(log["corrected_on"].min(), "day")
    if fields is None:
        return (
            f"{_plural(count, 'correction').capitalize()} to published facts {'was' if count == 1 else 'were'} "
            f"made between {first} and the day of this edition; each is listed below, newest first, with what "
            "changed, why and the document behind it."
        )
    text = (
        f"Since the first correction, on {first}, {_plural(count, 'published fact')} "
        f"{'has' if count == 1 else 'have'} been corrected in ways that change what a reader was told; "
        "each is listed below, newest first, with what changed and why."
    )
    left = len(_collapse_chains(log)) - count
    if left > 0:
        before = f", or concern a fact from before {since.year}" if since is not None else ""
        text += (
            f" {_plural(left, 'further correction').capitalize()} changed only a grade, a label, the document cited "
            f"or the channel a fact belongs to, or took out a duplicate{before}; the full analysis lists them."
        )
    return text
