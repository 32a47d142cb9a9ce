"""The full analysis: the views, findings and assessment that only the volume carries.

The brief answers a busy reader in a few pages; the volume is for the longer argument and for looking
things up. This module holds what only the volume shows:

- views of the whole record: how many NATO–Russia channels were open on each day since 1991
  (`channel_counts`, `plot_open_channels`), each suspension with the act it followed and how long it lasted
  (`suspension_record`, `suspension_table`), what the record holds after the break, by kind
  (`after_break_by_kind`), and what each channel still open has carried (`remaining_channels`);
- the opening finding of each chapter (a headline that states a finding, then a few sentences), the
  overview that introduces them, and the closing assessment.

Like `narrative`, every sentence is computed from the dataset cut to the as-of date, cites its documents
with `[@source_id]` tokens, stops its counts at the record's review date (`analysis.counted_to`) and words
a claim that rests on one side's account as that side's.
"""

from __future__ import annotations

import datetime as dt
import re

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch

from nato_russia import analysis, charts, narrative
from nato_russia.data import Dataset
from nato_russia.params import ReportParameters
from nato_russia.report import citation_ids

# A suspension follows a trigger (a war, a recognition, an annexation, an expulsion) when it was decided
# within this many days of it; the record's reasons say what each decision answered.
TRIGGER_WINDOW_DAYS = 31
# A change of status is announced before it takes effect; an announcement this close before a suspension
# on the same channel is the day it was decided.
ANNOUNCEMENT_WINDOW_DAYS = 31
# What a trigger was, by words in its title (the first match wins); an expulsion is named by its category.
TRIGGER_WORDS = (
    ("annex", "annexation"),
    ("recognis", "recognition"),
    ("invasion", "invasion"),
    ("strike", "air strikes"),
    ("war", "war"),
)
# A decision whose own summary opens on the act it answered ("As NATO air strikes on Yugoslavia began, …") followed
# that act the same day, though the record holds no event of its own for the act.
SAME_DAY_ACT = re.compile(r"^As (?P<act>[^,]+?) (?:began|begins|started)\b")
# The two sides, by their entity ids in the record: who took a decision.
SIDES = (("nato", "NATO"), ("russia", "Russia"))


# --- small helpers ------------------------------------------------------------------------------------


def _day(date) -> str:
    """A day as running text writes it: '19 October 2021'."""
    return f"{date.day} {date:%B %Y}"


def _long(date, precision) -> str:
    return analysis.format_long_date(pd.Timestamp(date), str(precision))


def _nato_ids(data: Dataset) -> set[str]:
    return set(data.channels.loc[data.channels["is_nato_channel"].astype(bool), "channel_id"])


def _the(name: str) -> str:
    """A channel's name with its article inside a sentence ('the Brussels–Moscow hotline', "Russia's mission").

    Practical cooperation is an activity, not a body, and takes no article.
    """
    if name.lower().startswith("practical cooperation"):
        return name[:1].lower() + name[1:]
    return narrative._the(name)


def _none_of(count: int) -> str:
    """'none of the six', 'neither of the two' (the noun follows)."""
    return "neither of the two" if count == 2 else f"none of the {_words(count)}"


def _words(count: int) -> str:
    return narrative.number_word(count)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{_words(count)} {word if count == 1 else plural or word + 's'}"


def _ids(frame: pd.DataFrame, column: str = "source_ids") -> list[str]:
    return [source_id for ids in frame[column] for source_id in ids]


def speaker_on(data: Dataset, event_id: str) -> str | None:
    """Who made a statement, with the post they held that day: "Russia's ambassador to Belgium, Denis Gonchar".

    `narrative.speaker` names a person's latest post; a statement made in an earlier post (Grushko as
    ambassador to NATO, not yet deputy foreign minister) is named here by the post held on its date.
    """
    events = data.events.set_index("event_id")
    if event_id not in events.index:
        return None
    day = events.at[event_id, "event_date"]
    links = data.event_entities[
        (data.event_entities["event_id"] == event_id) & (data.event_entities["participant_role"] == "actor")
    ]
    entities = data.entities.set_index("entity_id")
    for entity_id in links["entity_id"]:
        if entity_id in entities.index and entities.at[entity_id, "entity_type"] == "person":
            roles = data.roles[data.roles["entity_id"] == entity_id]
            held = roles[
                (roles["start_date"].isna() | (roles["start_date"] <= day))
                & (roles["end_date"].isna() | (roles["end_date"] > day))
            ]
            if len(held):
                role = held.sort_values("start_date", na_position="first")["role_title"].iloc[-1]
                return f"{role}, {entities.at[entity_id, 'canonical_name']}"
            post = _post_in(entities.at[entity_id, "description"])
            if roles.empty and post:
                return f"{post}, {entities.at[entity_id, 'canonical_name']}"
    return narrative.speaker(data, event_id)


def _post_in(description) -> str | None:
    """The post a person's description gives ('US ambassador to NATO in 2015.' -> 'US ambassador to NATO')."""
    if not isinstance(description, str) or not description:
        return None
    parts = [part.strip() for part in description.rstrip(".").split(";")]
    post = max(parts, key=len)
    post = re.split(r"\s+(?:in|from|since|until)\s+\d{4}|\s*\(", post)[0].strip().rstrip(",")
    return post if 0 < len(post.split()) <= 10 else None


# --- 0. the staffing table, for readers -----------------------------------------------------------------------

# What a data note says about the record itself rather than the world: how a figure is stored, what it feeds,
# row ids, the article's section and paragraph. Such clauses stay in the dataset and are left out of print.
_PROCESS = re.compile(
    r"\bstored\b|\bfeeds no\b|\bas before\b|\bpreviously\b|\bin the data\b",
    re.IGNORECASE,
)
_ROW_ID = re.compile(r"\s*\((?:[a-z0-9]+_){2,}[a-z0-9]+\)")
_LOCATOR = re.compile(r"\s*\(sec\. '[^']*', para(?:s|graphs?)?\.? [^)]*\)")


def reader_note(note) -> str:
    """A data note as a reader needs it: the row ids, section-and-paragraph locators and clauses about how the
    record stores a figure left out ("Stored as a claim …", "it feeds no chart …"); what it says of the world kept.

    A sentence is dropped clause by clause (clauses split at semicolons); a clause that states a process and then,
    after a colon, a fact keeps the fact.
    """
    if not isinstance(note, str) or not note.strip():
        return ""
    text = _LOCATOR.sub("", _ROW_ID.sub("", note))
    kept = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z'])", text.strip()):
        clauses = []
        for clause in sentence.rstrip(".").split("; "):
            if not _PROCESS.search(clause):
                clauses.append(clause)
                continue
            _, colon, fact = clause.partition(": ")
            if colon and not _PROCESS.search(fact):
                fact = re.sub(r"^it\b", "the figure", fact)
                clauses.append(_capital(fact) if not clauses else fact)
        if clauses:
            kept.append(_capital("; ".join(clauses)) + ".")
    return " ".join(kept)


def staffing_table(data: Dataset) -> pd.DataFrame:
    """Every staffing figure (`analysis.staffing_table`), its notes worded for readers (`reader_note`)."""
    table = analysis.staffing_table(data)
    return table.assign(note=table["note"].map(reader_note))


def status_table(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Each channel on the as-of date (`analysis.status_table`), a status that rests on one account worded as the
    volume words it: a channel that fell silent with no decision is dormant, and a closure one person reported
    is 'reported closed', with whose account it is."""
    table = analysis.status_table(data, as_of)
    status = analysis.channel_status(data, as_of).set_index("channel_id")
    periods = data.channel_periods
    words = []
    for text, row_id in zip(table["status"], table["_row_id"]):
        channel_id = str(row_id).removeprefix("channel-")
        if channel_id in status.index:
            since = status.at[channel_id, "since"]
            current = periods[(periods["channel_id"] == channel_id) & (periods["start_date"] == since)]
            if len(current) and _is_dormant(current, data).any():
                text = "dormant" + text.removeprefix("suspended") if text.startswith("suspended") else text
            elif len(current) and (current["status"] == "closed").any():
                reported = _reported_end(data, channel_id, current["start_event_id"].iloc[-1])
                if reported:
                    text = f"reported {reported['word']}" + _without_report_word(
                        text.removeprefix("reported ").removeprefix("closed")
                    )
        words.append(text)
    return table.assign(status=words)


# --- 1. channels open over time -----------------------------------------------------------------------


def _nato_periods(data: Dataset, end: pd.Timestamp) -> pd.DataFrame:
    """The NATO–Russia channels' periods begun by `end`, an end after `end` left open."""
    periods = data.channel_periods
    periods = periods[periods["channel_id"].isin(_nato_ids(data)) & (periods["start_date"] <= end)].copy()
    later = periods["end_date"] > end
    periods.loc[later, "end_date"] = pd.NaT
    return periods


def _is_dormant(periods: pd.DataFrame, data: Dataset) -> pd.Series:
    """Suspended periods that no decision began: a channel the record shows only falling silent (the Council
    after its last meeting) is dormant, not suspended."""
    return analysis.effective_statuses(periods, data) == "dormant"


def channel_counts(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """How many NATO–Russia channels were open, suspended, dormant and closed, from each day the count changed.

    One row for `start` and one for every later day up to `end` on which a period began or ended: the
    counts hold from that day until the next row. `open_channels` names the channels open. A channel that
    stopped meeting with no decision on record counts as dormant, not suspended (`_is_dormant`). A change known
    only to its month, season or year counts from the first day of that span (`precision` says which, and
    `known_by` is the last day that span may mean).
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    periods = _nato_periods(data, last)
    periods = periods.assign(status=periods["status"].astype(str).where(~_is_dormant(periods, data), "dormant"))
    days = {first} | {day for day in periods["start_date"] if first < day <= last}
    days |= {day for day in periods["end_date"].dropna() if first < day <= last}
    names = data.channels.set_index("channel_id")["channel_name"]
    order = data.channels.set_index("channel_id")["display_order"]
    statuses = ["open", "suspended", "dormant", "closed"]
    rows = []
    for day in sorted(days):
        current = periods[(periods["start_date"] <= day) & (periods["end_date"].isna() | (periods["end_date"] > day))]
        counts = current["status"].value_counts()
        starting = periods[periods["start_date"] == day]
        precision = "day" if starting.empty or (starting["start_precision"] == "day").all() else "approximate"
        spans = [analysis.date_span(d, p)[1] for d, p in zip(starting["start_date"], starting["start_precision"])]
        known_by = max(spans) - pd.Timedelta(days=1) if spans else day
        opened = current[current["status"] == "open"]["channel_id"]
        rows.append(
            {
                "date": day,
                **{status: int(counts.get(status, 0)) for status in statuses},
                "open_channels": tuple(names[c] for c in sorted(opened, key=lambda c: order[c])),
                "precision": precision,
                "known_by": known_by,
            }
        )
    frame = pd.DataFrame(rows, columns=["date", *statuses, "open_channels", "precision", "known_by"])
    # Keep a row only where something a reader sees changed.
    changed = frame[statuses].ne(frame[statuses].shift()).any(axis=1)
    return frame[changed].reset_index(drop=True)


def open_channel_summary(counts: pd.DataFrame, end: dt.date) -> dict:
    """The peak of open channels and when it last held, and how many are open at `end` and since when.

    `since_label` writes the day the count settled only as precisely as it is known: "January 2022", or
    "2022" when a change in the fall is known only to that year (and may have come later in it).
    """
    peak = int(counts["open"].max())
    at_peak = counts.index[counts["open"] == peak]
    after_peak = counts.index[counts.index > at_peak[-1]]
    peak_until = counts.at[after_peak[0], "date"] - pd.Timedelta(days=1) if len(after_peak) else pd.Timestamp(end)
    now = int(counts["open"].iloc[-1])
    level_changes = counts[counts["open"].ne(counts["open"].shift())]
    since = level_changes["date"].iloc[-1]
    fall = counts[(counts["date"] > peak_until) & (counts["date"] <= since)]
    known_by = max([since, *fall["known_by"]]) if "known_by" in counts else since
    if (known_by.year, known_by.month) == (since.year, since.month):
        label = f"{since:%B %Y}"
    elif known_by.year == since.year:
        label = f"{since:%Y}"
    else:
        label = f"{since:%B %Y} (or as late as {known_by:%B %Y})"
    return {
        "peak": peak,
        "peak_from": counts.at[at_peak[0], "date"],
        "peak_until": peak_until,
        "now": now,
        "since": since,
        "since_known_by": known_by,
        "since_label": label,
        "is_peak": now == peak,
    }


def _late_entrants(data: Dataset) -> list[str]:
    """Channels counted from their first dated contact or report, not a founding: they existed before it."""
    late = analysis.late_entrants(data)
    return [_the(name) for name in late["channel_name"]]


def _open_at_the_break(data: Dataset, end: dt.date) -> tuple[dt.date, int] | None:
    """The day Russia announced the break and how many NATO–Russia channels were open then, as known that day:
    the headline's measure once lines that enter the record late (after 2014) would make a later peak look
    like more contact than before."""
    late = analysis.late_entrants(data)
    if late.empty:
        return None
    before = narrative.open_before_the_break(data)
    if before is None or before[0] > end:
        return None
    return before[0], len(before[1])


def _drops(counts: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp, int, int]]:
    """Stretches in which the open count fell, merged when they come within a year of each other."""
    drops: list[list] = []
    previous = None
    for row in counts.itertuples():
        if previous is not None and row.open < previous:
            if drops and row.date - drops[-1][1] < pd.Timedelta(days=366):
                drops[-1][1], drops[-1][3] = row.date, row.open
            else:
                drops.append([row.date, row.date, previous, row.open])
        previous = row.open
    return [tuple(drop) for drop in drops]


def plot_open_channels(data: Dataset, parameters: ReportParameters) -> Chart:
    """A step chart: how many NATO–Russia channels were open (and suspended) on each day of the period."""
    start, end = parameters.period_start, parameters.shown_end
    reviewed = analysis.counted_to(data, end)
    counts = channel_counts(data, start, reviewed)
    summary = open_channel_summary(counts, reviewed)
    figure, axis = plt.subplots(figsize=(charts.WIDTH_IN, 3.4), layout="constrained")
    dates = list(counts["date"]) + [pd.Timestamp(reviewed)]
    opened = list(counts["open"]) + [counts["open"].iloc[-1]]
    suspended = list(counts["open"] + counts["suspended"]) + [(counts["open"] + counts["suspended"]).iloc[-1]]
    stacked = counts["open"] + counts["suspended"] + counts["dormant"]
    dormant = list(stacked) + [stacked.iloc[-1]]
    axis.fill_between(dates, 0, opened, step="post", color=charts.STATUS_COLOURS["open"], linewidth=0)
    axis.fill_between(
        dates, opened, suspended, step="post", color=charts.STATUS_COLOURS["suspended"], alpha=0.55, linewidth=0
    )
    has_dormant = bool(counts["dormant"].any())
    if has_dormant:
        axis.fill_between(
            dates,
            suspended,
            dormant,
            step="post",
            facecolor="white",
            edgecolor=DORMANT_COLOUR,
            hatch="////",
            linewidth=0,
        )
    axis.step(dates, opened, where="post", color=charts.INK, linewidth=1.0)
    # Each fall in the count is labelled with its dates and its size; the suspension table names the acts.
    top = int(max(dormant)) + 1
    # Labels sit in one band above the bars, each on a thin leader down to where the count fell.
    placed: pd.Timestamp | None = None
    lift = 0.0
    for first, last_day, before, after in _drops(counts):
        # A label within three years of the one before sits a row higher, so the two never print over each other.
        lift = 1.4 - lift if placed is not None and first - placed < pd.Timedelta(days=3 * 365) else 0.0
        placed = first
        when = (
            f"{first:%b %Y}"
            if (first.year, first.month) == (last_day.year, last_day.month)
            else (f"{first:%b %Y}–\n{last_day:%b %Y}")
        )
        at = (first - pd.Timestamp(start)) / (pd.Timestamp(end) - pd.Timestamp(start))
        axis.annotate(
            f"{when}\n{before} → {after} open",
            (first, before),
            xytext=(first, top + 0.3 + lift),
            textcoords="data",
            ha="left" if at < 0.06 else "right" if at > 0.94 else "center",
            va="bottom",
            fontsize=7.5,
            color=charts.INK,
            arrowprops=dict(arrowstyle="-", color="#777777", linewidth=0.6, shrinkA=1, shrinkB=1),
        )
    last = counts.iloc[-1]
    axis.annotate(
        f"{last['open']} open\n{last['suspended']} suspended"
        + (f"\n{last['dormant']} dormant" if last["dormant"] else ""),
        (pd.Timestamp(reviewed), last["open"] + last["suspended"] + last["dormant"]),
        xytext=(4, 2),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=8,
        color=charts.INK,
        annotation_clip=False,
    )
    if reviewed < end:
        axis.axvspan(
            pd.Timestamp(reviewed),
            pd.Timestamp(end),
            facecolor="white",
            edgecolor="#BBBBBB",
            hatch="....",
            linewidth=0,
        )
    charts._date_axis(axis, start, end)
    axis.set_ylim(0, top + 4.6)
    axis.set_yticks(range(0, top + 1, 2))
    axis.set_ylabel("channels")
    axis.grid(axis="y", color="#E4E4E4", linewidth=0.6)
    axis.set_axisbelow(True)
    legend = [
        Patch(facecolor=charts.STATUS_COLOURS["open"], label="open"),
        Patch(facecolor=charts.STATUS_COLOURS["suspended"], alpha=0.55, label="suspended"),
    ]
    if has_dormant:
        legend.append(Patch(facecolor="white", edgecolor=DORMANT_COLOUR, hatch="////", label="dormant"))
    if reviewed < end:
        legend.append(Patch(facecolor="white", edgecolor="#BBBBBB", hatch="....", label="after the record's review"))
    axis.legend(handles=legend, loc="upper left", fontsize=8, frameon=False, ncol=len(legend), borderaxespad=0.1)
    before = _open_at_the_break(data, reviewed)
    if summary["is_peak"]:
        title = f"{summary['now']} NATO–Russia channels are open on {reviewed:%-d %b %Y}, the most on record"
    elif before is not None:
        title = (
            f"{before[1]} NATO–Russia channels were open when Russia announced the break ({before[0]:%-d %b %Y}); "
            f"{'only ' if summary['now'] == 1 else ''}{summary['now']} {'has' if summary['now'] == 1 else 'have'} "
            f"been open since {summary['since_label']}"
        )
    else:
        title = (
            f"{summary['peak']} NATO–Russia channels were open as late as {summary['peak_until']:%B %Y}; "
            f"{'only ' if summary['now'] == 1 else ''}{summary['now']} {'has' if summary['now'] == 1 else 'have'} "
            f"been open since {summary['since_label']}"
        )
    charts._title(axis, title)
    periods = _nato_periods(data, pd.Timestamp(reviewed))
    bounds = set(periods["start_event_id"]) | set(periods["end_event_id"].dropna())
    source_ids = analysis.sources_of(data.events[data.events["event_id"].isin(bounds)])
    charts._source_line(figure, data, source_ids, parameters)
    alt = (
        f"Step chart of NATO–Russia channels open on each day from {start:%B %Y} to {_day(reviewed)}: "
        + "; ".join(
            f"{row.open} open from {row.date:%B %Y}"
            if row.known_by.year == row.date.year and row.known_by.month == row.date.month
            else f"{row.open} open from {row.date:%Y}"
            for row in counts[counts["open"].ne(counts["open"].shift())].itertuples()
        )
        + "."
    )
    if has_dormant:
        alt += " Hatched above them: channels dormant, with no meeting and no decision on record."
    late = _late_entrants(data)
    caption = (
        "NATO–Russia channels open (blue) and suspended (orange) on each day; closed channels are not drawn, "
        "and US–Russia lines are not counted. "
    )
    for text in _dormant_notes(data, reviewed):
        caption += text + " "
    if late:
        caption += (
            "A channel counts from the first event the record holds for it, so lines older than their first "
            f"dated contact or report here ({analysis.join_and(late)}) enter late. "
        )
    caption += "A change known only to its month, season or year is drawn from the first day of that span."
    if reviewed < end:
        caption += f" The dotted stretch after {_day(reviewed)}, the day the record was reviewed to, is unknown."
    return charts.Chart(figure, "open-channels", alt, caption, source_ids)


Chart = charts.Chart
# Channels that stopped meeting with no decision on record: hatched, neither open nor suspended.
DORMANT_COLOUR = "#888888"


def _dormant_notes(data: Dataset, end: dt.date) -> list[str]:
    """How the chart draws each dormant channel: from its last meeting, to a reported closure if there was one."""
    periods = _nato_periods(data, pd.Timestamp(end))
    dormant = periods[_is_dormant(periods, data)]
    notes = []
    for row in dormant.itertuples():
        text = (
            f"{_capital(_the(row.channel_name))} is drawn as dormant (hatched) from its last "
            f"{'meeting' if row.channel_id == 'nrc' else 'dated contact'}, on "
            f"{_day(row.start_date)}, since no decision to suspend it is on record"
        )
        ending = _reported_end(data, row.channel_id, row.end_event_id)
        if ending is not None:
            text += (
                f"; it leaves the chart on {_day(ending['date'])}, when {ending['who']} reported it {ending['word']}"
            )
        notes.append(text + ".")
    return notes


def _reported_end(data: Dataset, channel_id: str, event_id) -> dict | None:
    """A closure that rests on one account: who reported it, when, and the word for it ('closed')."""
    if not isinstance(event_id, str):
        return None
    periods = data.channel_periods
    closing = periods[
        (periods["channel_id"] == channel_id)
        & (periods["start_event_id"] == event_id)
        & (periods["status"] == "closed")
    ]
    if closing.empty:
        return None
    whose = _note_attribution(closing["status_note"].iloc[0])
    if not whose or not whose.startswith("according to "):
        return None
    return {
        "date": closing["start_date"].iloc[0],
        "who": whose.removeprefix("according to "),
        # One word for it in every report and chart ("reported closed"), a forum included.
        "word": "closed",
        "note": closing["status_note"].iloc[0],
    }


# --- 2. suspensions: what each followed, and how long it lasted ---------------------------------------


def _triggers(data: Dataset) -> pd.DataFrame:
    """Acts a suspension may answer: wars, recognitions and annexations marked as key events, and expulsions."""
    events = analysis.done_events(data)
    expelled = data.staffing[(data.staffing["measure"] == "staff_expelled") & (data.staffing["staff_count"] > 0)]
    chosen = events[
        (events["date_precision"] == "day")
        & events["confidence"].isin(analysis.VERIFIED_GRADES)
        & (
            ((events["category"] == "conflict") & events["is_milestone"].astype(bool))
            | events["event_id"].isin(expelled["event_id"])
        )
    ]
    kinds = []
    for row in chosen.itertuples():
        kind = "expulsion" if row.event_id in set(expelled["event_id"]) else "conflict"
        if kind == "conflict":
            kind = next((word for part, word in TRIGGER_WORDS if part in row.title.lower()), "conflict")
        kinds.append(kind)
    return chosen.assign(trigger_kind=kinds)


def side_of(data: Dataset, event_id) -> str | None:
    """Which side took a decision ('NATO' or 'Russia'), from the event's actors; None when neither is named."""
    if not isinstance(event_id, str):
        return None
    links = data.event_entities
    actors = set(links.loc[(links["event_id"] == event_id) & (links["participant_role"] == "actor"), "entity_id"])
    return next((name for entity_id, name in SIDES if entity_id in actors), None)


def _same_day_act(event: pd.Series) -> str | None:
    """The act a decision's own summary says began that day ('NATO air strikes on Yugoslavia'), if it says so."""
    summary = event.get("summary")
    match = SAME_DAY_ACT.match(summary) if isinstance(summary, str) else None
    return match.group("act") if match else None


def suspension_record(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Every suspension of a NATO–Russia channel begun by the day counts stop, oldest first.

    For each: the channel, the day it was suspended and the decision (or event) that began it, and the side
    that took it; the day that decision was taken (its announcement on the same channel within a month
    before, else the day itself); the act it followed, if the record holds a war, recognition, annexation or
    expulsion dated to the day within TRIGGER_WINDOW_DAYS before the decision (or the decision's own summary
    puts the act on its day: `SAME_DAY_ACT`), with the days between; how it ended (reopened, closed, or still
    suspended) and how many days it lasted, to its end or to the day counts stop (a minimum when its start is
    known only to the month, season or year). A period no decision began (the Council after its last
    meeting) is marked `dormant`.
    """
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    periods = _nato_periods(data, count_end)
    periods = periods[periods["status"] == "suspended"].sort_values(["start_date", "channel_id"])
    dormant_ids = set(periods.loc[_is_dormant(periods, data), "period_id"])
    events = data.events.set_index("event_id")
    done = analysis.done_events(data)
    triggers = _triggers(data)
    all_periods = data.channel_periods
    order = data.channels.set_index("channel_id")["display_order"]
    rows = []
    for period in periods.itertuples():
        start_event = events.loc[period.start_event_id]
        decided, decided_event = period.start_date, None
        is_decision = start_event["category"] == "suspension"
        announcements = done[
            (done["channel_id"] == period.channel_id)
            & (done["category"] == "announcement")
            & (done["event_date"] <= period.start_date)
            & (done["event_date"] >= period.start_date - pd.Timedelta(days=ANNOUNCEMENT_WINDOW_DAYS))
        ]
        if is_decision and len(announcements):
            decided_event = announcements.sort_values("event_date").iloc[-1]
            decided = decided_event["event_date"]
        trigger = None
        decided_precision = "day" if decided_event is not None else str(period.start_precision)
        if is_decision and decided_precision == "day":
            window = triggers[
                (triggers["event_date"] < decided)
                & (triggers["event_date"] >= decided - pd.Timedelta(days=TRIGGER_WINDOW_DAYS))
            ]
            if len(window):
                trigger = window.sort_values("event_date").iloc[-1]
        act = _same_day_act(start_event) if is_decision and trigger is None else None
        if act is not None:
            head = re.split(r" (?:on|in|against|of|over) ", act)[0].split()[-1]
            verb = "begin" if head.endswith("s") else "begins"
            kind = next((word for part, word in TRIGGER_WORDS if part in act.lower()), "act")
            trigger = pd.Series(
                {
                    "event_id": period.start_event_id,
                    "title": f"{_capital(act)} {verb}",
                    "trigger_kind": kind,
                    "event_date": period.start_date,
                    "source_ids": start_event["source_ids"],
                }
            )
        ended = not pd.isna(period.end_date)
        following = all_periods[
            (all_periods["channel_id"] == period.channel_id) & (all_periods["start_event_id"] == period.end_event_id)
        ]
        outcome = "suspended"
        if ended and len(following):
            outcome = str(following["status"].iloc[0])
        stop = period.end_date if ended else count_end
        _, span_end = analysis.date_span(period.start_date, period.start_precision)
        is_minimum = period.start_precision != "day"
        days = int((stop - (span_end - pd.Timedelta(days=1) if is_minimum else period.start_date)).days)
        reason = decided_event["reason"] if decided_event is not None else start_event["reason"]
        parts = [start_event["source_ids"]]
        if decided_event is not None:
            parts.append(decided_event["source_ids"])
        if trigger is not None:
            parts.append(trigger["source_ids"])
        if ended:
            parts.append(events.at[period.end_event_id, "source_ids"])
        source_ids = [i for ids in parts for i in ids]
        lead_ids = [ids[0] for ids in parts if len(ids)]
        rows.append(
            {
                "period_id": period.period_id,
                "channel_id": period.channel_id,
                "channel": period.channel_name,
                "display_order": int(order[period.channel_id]),
                "start_date": period.start_date,
                "start_precision": str(period.start_precision),
                "decision": start_event["title"],
                "decision_category": str(start_event["category"]),
                "dormant": period.period_id in dormant_ids,
                "side": side_of(data, decided_event["event_id"] if decided_event is not None else period.start_event_id)
                if is_decision
                else None,
                "decided_date": decided,
                "decided_title": None if decided_event is None else decided_event["title"],
                "reason": reason if isinstance(reason, str) and reason else None,
                "status_note": period.status_note if isinstance(period.status_note, str) else None,
                "confidence": str(period.confidence),
                "trigger_id": None if trigger is None else trigger["event_id"],
                "trigger": None if trigger is None else trigger["title"],
                "trigger_kind": None if trigger is None else trigger["trigger_kind"],
                "trigger_date": pd.NaT if trigger is None else trigger["event_date"],
                "days_after_trigger": None if trigger is None else int((decided - trigger["event_date"]).days),
                "outcome": outcome,
                "end_date": period.end_date,
                "end_precision": None if not ended else str(period.end_precision),
                "end_note": following["status_note"].iloc[0]
                if ended and len(following) and isinstance(following["status_note"].iloc[0], str)
                else None,
                "days": days,
                "days_is_minimum": is_minimum,
                "source_ids": tuple(dict.fromkeys(source_ids)),
                "lead_source_ids": tuple(dict.fromkeys(lead_ids)),
            }
        )
    columns = [
        "period_id",
        "channel_id",
        "channel",
        "display_order",
        "start_date",
        "start_precision",
        "decision",
        "decision_category",
        "dormant",
        "side",
        "decided_date",
        "decided_title",
        "reason",
        "status_note",
        "confidence",
        "trigger_id",
        "trigger",
        "trigger_kind",
        "trigger_date",
        "days_after_trigger",
        "outcome",
        "end_date",
        "end_precision",
        "end_note",
        "days",
        "days_is_minimum",
        "source_ids",
        "lead_source_ids",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["days_after_trigger"] = frame["days_after_trigger"].astype("Int64")
    return frame


def _borrowed_date(data: Dataset, row) -> str | None:
    """Whose date a suspension carries when it is another channel's ("US European Command's date for the
    US–Russia high-level military dialogue"): the record dates it by an event that began a suspension of a
    channel that is not NATO's."""
    periods = data.channel_periods
    others = periods[
        (periods["start_event_id"] == periods.loc[periods["period_id"] == row.period_id, "start_event_id"].iloc[0])
        & ~periods["channel_id"].isin(_nato_ids(data))
    ]
    whose = _note_attribution(row.status_note)
    if others.empty or not whose or not whose.startswith("as "):
        return None
    who = re.sub(r"^as (.+?) dates\b.*$", r"\1", whose)
    return f"{who}'s date for {_the(others['channel_name'].iloc[0])}"


def suspension_table(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """The suspensions for readers: channel, from when and by whom, what it followed and after how many days, how
    it ended. A channel that fell silent with no decision is listed as dormant."""
    record = suspension_record(data, as_of)
    count_end = analysis.counted_to(data, as_of)

    def followed(row) -> str:
        if isinstance(row.trigger, str):
            return f"{row.trigger} ({analysis.format_date(row.trigger_date, 'day')})"
        if row.dormant:
            last = analysis.format_date(row.start_date, "day")
            return f"no decision on record: no dated contact since {last}"
        reason = f"; reason given: {row.reason.removeprefix('it was ')}" if isinstance(row.reason, str) else ""
        return "no dated act in the record" + reason

    def decided(row) -> str:
        text = analysis.format_date(row.start_date, row.start_precision)
        if row.dormant:
            return f"dormant from {text} (its last dated contact)"
        if isinstance(row.side, str):
            text += f", by {row.side}"
        if isinstance(row.decided_title, str) and row.decided_date != row.start_date:
            text += f" (announced {analysis.format_date(row.decided_date, 'day')})"
        whose = _borrowed_date(data, row) or _note_attribution(row.status_note)
        if whose:
            text += f" ({whose})"
        return text

    def ending(row) -> str:
        if row.outcome == "suspended":
            return "still dormant" if row.dormant else "still suspended"
        if row.outcome == "open":
            return f"reopened {analysis.format_date(row.end_date, row.end_precision)}"
        reported = _reported_end(data, row.channel_id, _end_event(data, row.period_id))
        verb = f"reported {reported['word']}" if reported else row.outcome
        text = f"{verb} {analysis.format_date(row.end_date, row.end_precision)}"
        note = _without_report_word(f" ({row.end_note})") if reported else f" ({row.end_note})"
        return text + (note if isinstance(row.end_note, str) and row.outcome == "closed" else "")

    def lasted(row) -> str:
        prefix = "at least " if row.days_is_minimum else ""
        text = f"{prefix}{row.days:,}" + (" without a dated contact" if row.dormant else "")
        if row.outcome == "suspended":
            return text + f" to {analysis.format_date(pd.Timestamp(count_end), 'day')}"
        # A silence that ended in a closure is counted to the closure, and says so: a later table counts the
        # same line's silence on to the review date.
        return text + (f" to {analysis.format_date(row.end_date, row.end_precision)}" if row.dormant else "")

    return pd.DataFrame(
        {
            "channel": record["channel"],
            "suspended": [decided(row) for row in record.itertuples()],
            "after": [followed(row) for row in record.itertuples()],
            "days after the act": ["—" if pd.isna(days) else f"{days}" for days in record["days_after_trigger"]],
            "ended": [ending(row) for row in record.itertuples()],
            "days suspended": [lasted(row) for row in record.itertuples()],
            "grade": record["confidence"],
            "_row_id": record["period_id"],
            "_source_ids": record["lead_source_ids"],
        }
    )


def _end_event(data: Dataset, period_id: str):
    periods = data.channel_periods.set_index("period_id")
    return periods.at[period_id, "end_event_id"] if period_id in periods.index else None


def suspension_pattern(record: pd.DataFrame) -> dict:
    """Which suspensions were lifted, and from when none was: the turn the record shows, if there is one.

    Dormant channels (no decision on record) are left out: nothing suspended them.

    `turn` is the start of the first suspension never lifted when every earlier one was lifted and none
    from then on was; None when the record shows no such clean turn.
    """
    if "dormant" in record:  # a channel that fell silent with no decision was never suspended, so never lifted
        record = record[~record["dormant"].astype(bool)]
    lifted = record[record["outcome"] == "open"]
    unlifted = record[record["outcome"] != "open"]
    turn = None
    if len(unlifted):
        first = unlifted["start_date"].min()
        if (record.loc[record["start_date"] < first, "outcome"] == "open").all() and not (
            record.loc[record["start_date"] >= first, "outcome"] == "open"
        ).any():
            turn = first
    return {
        "lifted": lifted,
        "unlifted": unlifted,
        "turn": turn,
        "shortest": None if lifted.empty else int(lifted["days"].min()),
        "longest": None if lifted.empty else int(lifted["days"].max()),
    }


# --- 3. what the record holds after the break -----------------------------------------------------------

# The kinds a reader asks about, in the order the table lists them; the first that fits an event is its kind.
AFTER_BREAK_KINDS = (
    "dated NATO–Russia meetings, calls and letters",
    "dated US–Russian defence meetings and calls",
    "cuts, suspensions and closures of a channel (announced, in force or reported)",
    "channels opened, reopened or agreed anew (NATO's or the US's)",
    "war, recognitions and annexations",
    "incidents on or near allied territory",
    "unanswered attempts to reach Russia",
    "statements that a channel is in place or in use",
    "arms-control steps (treaties suspended, left or expired)",
    "enlargement of NATO",
    "other statements, meetings and announcements",
)
(
    NATO_CONTACTS,
    US_CONTACTS,
    CUTS,
    OPENINGS,
    WARS,
    INCIDENTS,
    FAILED,
    STATEMENTS,
    ARMS_CONTROL,
    ENLARGEMENT,
    OTHER,
) = AFTER_BREAK_KINDS
_BY_CATEGORY = {
    "conflict": WARS,
    "incident": INCIDENTS,
    "failed_contact": FAILED,
    "channel_report": STATEMENTS,
    "arms_control": ARMS_CONTROL,
    "enlargement": ENLARGEMENT,
}
# Staffing measures that cut a mission.
CUT_MEASURES = ("staff_cap", "staff_expelled", "accreditations_refused", "posts_abolished")


def _decision_ids(data: Dataset) -> tuple[set[str], set[str]]:
    """The events that cut, suspended or closed a channel, and those that opened one.

    A cut is an event that began a suspended or closed period, an announcement on the same channel in the
    month before one, an event a staffing cut rests on, or a staffing event on the day a cut took effect.
    """
    periods = data.channel_periods
    events = data.events
    stops = periods[periods["status"].isin(["suspended", "closed"])]
    cuts = set(stops["start_event_id"])
    announcements = events[events["category"] == "announcement"]
    for period in stops.itertuples():
        before = announcements[
            (announcements["channel_id"] == period.channel_id)
            & (announcements["event_date"] <= period.start_date)
            & (announcements["event_date"] >= period.start_date - pd.Timedelta(days=ANNOUNCEMENT_WINDOW_DAYS))
        ]
        cuts |= set(before["event_id"])
    staffing = data.staffing[data.staffing["measure"].isin(CUT_MEASURES)]
    cuts |= set(staffing["event_id"])
    effective = set(staffing["effective_date"])
    cuts |= set(events[(events["category"] == "staffing") & events["event_date"].isin(effective)]["event_id"])
    openings = set(periods[periods["status"] == "open"]["start_event_id"]) - cuts
    return cuts, openings


def _kind(row, nato: set[str], cuts: set[str], openings: set[str], us: set[str] = frozenset()) -> str:
    category = str(row.category)
    on_line = isinstance(row.channel_id, str)
    on_nato = on_line and row.channel_id in nato
    # A US contact on no line the record models (the defence chiefs' calls) is a US contact all the same, as
    # the brief counts it (`narrative.us_contacts_after_nato`).
    by_us = not on_line and row.event_id in us
    if category in analysis.CONTACT_CATEGORIES and (on_line or by_us) and row.confidence in analysis.VERIFIED_GRADES:
        return NATO_CONTACTS if on_nato else US_CONTACTS
    if row.event_id in cuts:
        return CUTS
    if row.event_id in openings:
        return OPENINGS
    return _BY_CATEGORY.get(category, OTHER)


def _events_by_kind(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The events from `start` to the day counts stop, each with its kind (`AFTER_BREAK_KINDS`)."""
    events = analysis.events_between(data, start, analysis.counted_to(data, end))
    nato = _nato_ids(data)
    cuts, openings = _decision_ids(data)
    us = analysis.us_acts(data)
    return events.assign(kind=[_kind(row, nato, cuts, openings, us) for row in events.itertuples()])


def after_break_by_kind(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The events from `start` to the day counts stop, counted by kind, with the first and latest of each."""
    events = _events_by_kind(data, start, end)
    rows = []
    for kind in AFTER_BREAK_KINDS:
        chosen = events[events["kind"] == kind]
        if chosen.empty:
            continue
        first, latest = chosen.iloc[0], chosen.iloc[-1]
        rows.append(
            {
                "kind": kind,
                "events": len(chosen),
                "first": analysis.format_date(first["event_date"], first["date_precision"]),
                "latest": analysis.format_date(latest["event_date"], latest["date_precision"]),
                "latest event": analysis._graded(latest["title"], latest["confidence"]),
                "_source_ids": tuple(latest["source_ids"]),
                "_first_date": first["event_date"],
                "_latest_date": latest["event_date"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=["kind", "events", "first", "latest", "latest event", "_source_ids", "_first_date", "_latest_date"],
    )


def after_break_table(data: Dataset, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The counts by kind as a reader's table (the dates used for sorting left out)."""
    table = after_break_by_kind(data, start, end).drop(columns=["_first_date", "_latest_date"])
    return table.assign(kind=table["kind"].map(_capital))


# --- 4. what the channels still open have carried --------------------------------------------------------


def remaining_channels(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Each channel open on the day counts stop, NATO's and the US lines beside them, with what it has carried.

    Dated contacts on it (meetings, calls, letters graded H or M); the statements that it is in place or in use made
    since the last dated NATO–Russia contact on any channel (`reports_from`, one window for every row, so the
    counts agree with the overview's), who made them, and the latest statement before that window; and attempts
    to reach Russia on it that went unanswered.
    """
    count_end = analysis.counted_to(data, as_of)
    status = analysis.channel_status(data, as_of)
    status = status[status["status"] == "open"]
    contacts = analysis.verified_contacts(data)
    contacts = contacts[contacts["event_date"] <= pd.Timestamp(count_end)]
    reports = analysis.use_reports(data)
    reports = reports[reports["event_date"] <= pd.Timestamp(count_end)]
    done = analysis.done_events(data)
    failed = done[(done["category"] == "failed_contact") & (done["event_date"] <= pd.Timestamp(count_end))]
    _, latest = _contact_state(data, as_of)
    window = None if latest is None else latest["last_contact"]
    starts = data.channel_periods.set_index("period_id")
    rows = []
    for row in status.itertuples():
        mine = contacts[contacts["channel_id"] == row.channel_id].sort_values("event_date")
        since = window if window is not None else (mine["event_date"].max() if len(mine) else row.since)
        on_it = reports[reports["channel_id"] == row.channel_id].sort_values("event_date")
        said, before = on_it[on_it["event_date"] > since], on_it[on_it["event_date"] <= since]
        tried = failed[failed["channel_id"] == row.channel_id]
        speakers = [speaker_on(data, event_id) for event_id in said["event_id"]]
        opened = data.channel_periods[
            (data.channel_periods["channel_id"] == row.channel_id)
            & (data.channel_periods["status"] == "open")
            & (data.channel_periods["start_date"] == row.since)
        ]
        opening = None if opened.empty else starts.loc[opened["period_id"].iloc[-1], "start_event_id"]
        rows.append(
            {
                "channel_id": row.channel_id,
                "channel": row.channel,
                "is_nato_channel": row.is_nato_channel,
                "since": row.since,
                "since_precision": row.since_precision,
                "status_note": row.status_note,
                "opening_event_id": opening,
                "contacts": len(mine),
                "last_contact": mine["event_date"].max() if len(mine) else pd.NaT,
                "last_contact_title": mine["title"].iloc[-1] if len(mine) else None,
                "last_contact_precision": mine["date_precision"].iloc[-1] if len(mine) else None,
                "reports_from": since,
                "reports_since": len(said),
                "report_speakers": tuple(s for s in speakers if s),
                "last_report": said["event_date"].max() if len(said) else pd.NaT,
                "last_report_precision": said["date_precision"].iloc[-1] if len(said) else None,
                "last_report_title": said["title"].iloc[-1] if len(said) else None,
                "earlier_report": before["event_date"].iloc[-1] if len(before) else pd.NaT,
                "earlier_report_precision": before["date_precision"].iloc[-1] if len(before) else None,
                "earlier_report_speaker": speaker_on(data, before["event_id"].iloc[-1]) if len(before) else None,
                "failed": len(tried),
                "failed_dates": tuple(tried["event_date"]),
                "failed_ids": tuple(tried["event_id"]),
                "contact_source_ids": tuple(_ids(mine.tail(1))),
                "report_source_ids": tuple(_ids(said.tail(1))),
                "earlier_report_source_ids": tuple(_ids(before.tail(1))),
                "failed_source_ids": tuple(_ids(tried)),
            }
        )
    return pd.DataFrame(rows)


def unnamed_attempts_note(data: Dataset, as_of: dt.date) -> str:
    """Why the table of open channels shows no unanswered attempt while the record holds some: the attempts
    name no line. Empty when every attempt is tied to a channel."""
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    failed = analysis.done_events(data)
    failed = failed[(failed["category"] == "failed_contact") & (failed["event_date"] <= count_end)]
    unnamed = failed[failed["channel_id"].isna()].sort_values("event_date")
    if unnamed.empty:
        return ""
    parts = [f"{row.title} ({_long(row.event_date, row.date_precision)})" for row in unnamed.itertuples()]
    count = _words(len(unnamed))
    return (
        f"The record holds {count} unanswered {'attempt' if len(unnamed) == 1 else 'attempts'} to reach Russia that "
        f"{'names' if len(unnamed) == 1 else 'name'} no line, so the table ties none to a channel: "
        f"{analysis.join_and(parts)}." + narrative.cite(data, _ids(unnamed))
    )


def remaining_table(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """What each open channel has carried, for readers: statements counted from the same day on every row."""
    remaining = remaining_channels(data, as_of)
    if remaining.empty:
        return pd.DataFrame(
            columns=["channel", "dated contacts", "statements that it is in place or in use", "failed attempts"]
        )
    window = remaining["reports_from"].iloc[0]
    same = remaining["reports_from"].eq(window).all()
    statements = (
        f"statements since {analysis.format_date(window, 'day')} that it is in place or in use"
        if same
        else ("statements since its last dated contact that it is in place or in use")
    )

    def last(row) -> str:
        if not row.contacts:
            return "none on record"
        when = analysis.format_date(row.last_contact, row.last_contact_precision)
        return f"{row.contacts}; the last: {row.last_contact_title} ({when})"

    def said(row) -> str:
        if not row.reports_since:
            text = "none"
            if not pd.isna(row.earlier_report):
                who = (row.earlier_report_speaker or "").partition(", ")[0]
                when = analysis.format_date(row.earlier_report, row.earlier_report_precision)
                text += f"; the last before, {'by ' + who + ', ' if who else ''}{when}"
            return text
        who = _speaker_groups(list(row.report_speakers))
        when = analysis.format_date(row.last_report, row.last_report_precision)
        return f"{row.reports_since}, by {who}; the latest {when}"

    def channel(row) -> str:
        kind = "" if row.is_nato_channel else "a US channel, "
        note = row.status_note if isinstance(row.status_note, str) else ""
        if note.startswith("agreed"):
            return f"{row.channel} ({kind}{note})"
        since = analysis.format_date(row.since, row.since_precision)
        return f"{row.channel} ({kind}open since {since}{'; ' + note if note else ''})"

    def lead(*columns) -> list[tuple[str, ...]]:
        # The first document of each fact a row rests on: enough to check it, short enough to print.
        return [tuple(dict.fromkeys(ids[0] for ids in row if ids)) for row in zip(*columns)]

    return pd.DataFrame(
        {
            "channel": [channel(row) for row in remaining.itertuples()],
            "dated contacts": [last(row) for row in remaining.itertuples()],
            statements: [said(row) for row in remaining.itertuples()],
            "failed attempts": [
                # Long dates, which a narrow column may break, unlike "16 Mar 2022".
                "—" if not row.failed else f"{row.failed}: " + ", ".join(_day(d) for d in row.failed_dates)
                for row in remaining.itertuples()
            ],
            "_row_id": remaining["channel_id"],
            "_source_ids": lead(
                remaining["contact_source_ids"],
                remaining["report_source_ids"],
                remaining["earlier_report_source_ids"],
                remaining["failed_source_ids"],
            ),
        }
    )


def _speaker_counts(speakers: list[str]) -> dict[str, int]:
    """How often each post (or body) spoke, in order of first appearance ('Russia's ambassador to Belgium': 4)."""
    counts: dict[str, int] = {}
    for who in speakers:
        post = who.partition(", ")[0]
        counts[post] = counts.get(post, 0) + 1
    return counts


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{_words(count)} times"


def _speaker_groups(speakers: list[str]) -> str:
    """Who spoke and how often: "Russia's ambassador to Belgium (four times) and Russia's foreign ministry (once)"."""
    counts = _speaker_counts(speakers)
    if len(counts) == 1:
        return next(iter(counts))
    return analysis.join_and([f"{post} ({_times(count)})" for post, count in counts.items()]) or "no one on record"


def _said_by(speakers: list[str], what: str = "so") -> str:
    """ "Russia's ambassador to Belgium has said so four times", "… has said four times that it is used", or
    "A (once) and B (twice) have said so"."""
    counts = _speaker_counts(speakers)
    if len(counts) == 1:
        post, count = next(iter(counts.items()))
        if what == "so":
            return f"{post} has said so {_times(count)}"
        return f"{post} has said {_times(count)} that {what}"
    return f"{_speaker_groups(speakers)} have said {'so' if what == 'so' else 'that ' + what}"


# --- 5. incidents ------------------------------------------------------------------------------------------


def incidents_since_break(data: Dataset, as_of: dt.date) -> pd.DataFrame:
    """Incidents on or near allied territory after Russia suspended its mission, each with any contact after it."""
    suspension = analysis.mission_suspension(data)
    if suspension is None or suspension.is_pending:
        return analysis.incidents_and_contacts(data, as_of, as_of).iloc[0:0]
    start = (suspension.event_date + pd.Timedelta(days=1)).date()
    return analysis.incidents_and_contacts(data, start, as_of)


# --- the chapters' opening findings ---------------------------------------------------------------------


def _presences_closed_with(data: Dataset, day: pd.Timestamp) -> pd.DataFrame:
    """NATO's own missions and offices in Moscow whose closure or suspension began on `day`."""
    kinds = data.channels[
        data.channels["channel_kind"].isin(["mission", "office"]) & (data.channels["channel_id"] != "russia_mission")
    ]
    periods = data.channel_periods[
        data.channel_periods["channel_id"].isin(kinds["channel_id"])
        & (data.channel_periods["start_date"] == day)
        & data.channel_periods["status"].isin(["suspended", "closed"])
    ]
    return periods.sort_values("channel_id")


def _mission_announcement(data: Dataset, suspension) -> pd.Series | None:
    """Russia's announcement of its mission's suspension, with the reason it gave."""
    done = analysis.done_events(data)
    announced = done[
        (done["channel_id"] == "russia_mission")
        & (done["category"] == "announcement")
        & (done["event_date"] <= suspension.event_date)
        & (done["event_date"] >= suspension.event_date - pd.Timedelta(days=ANNOUNCEMENT_WINDOW_DAYS))
    ]
    return None if announced.empty else announced.sort_values("event_date").iloc[-1]


def staffing_finding(data: Dataset) -> str:
    """The staffing chapter's opening: how far NATO cut Russia's mission, and what Russia did."""
    steps = analysis.staffing_steps(data)
    caps = steps[steps["measure"] == "staff_cap"]
    if caps.empty:
        return "**No cap on the size of Russia's mission to NATO is on record by the as-of date.**"
    first = steps.iloc[0]
    opening = (
        f"{'about ' if first.is_approximate else ''}{first.staff_count} people in post"
        if first.measure == "staff_in_post"
        else f"a cap of {first.staff_count}"
    )
    in_force, pending = caps[~caps["is_pending"]], caps[caps["is_pending"]]
    suspension = analysis.mission_suspension(data)
    sentences = []
    if len(in_force) and suspension is not None and not suspension.is_pending:
        last = in_force.iloc[-1]
        # Caps against caps, and the count in post said as such: "at 30 in April 2015, when about 50 were in post".
        first_cap = in_force.iloc[0]
        text = f"**NATO capped Russia's mission at {first_cap['staff_count']} in {first_cap['effective_date']:%B %Y}"
        if first.measure == "staff_in_post":
            text += f", when {'about ' if first.is_approximate else ''}{first.staff_count} were in post"
        later = [f"{row.staff_count} in {row.effective_date:%Y}" for row in in_force.iloc[1:].itertuples()]
        if later:
            text += f", then at {analysis.join_and(later)}"
        sentences.append(
            text
            + ", and Russia then suspended the mission.**"
            + narrative.cite(data, list(first.source_ids) + list(last.source_ids))
        )
        same_day = suspension.event_date == last["effective_date"]
        text = f"The mission stopped work on {_day(suspension.event_date)}" + (
            ", the day the last cap took effect" if same_day else ""
        )
        announcement = _mission_announcement(data, suspension)
        if announcement is not None and isinstance(announcement["reason"], str):
            text += f"; {announcement['reason']}"
        sources = list(suspension.source_ids) + ([] if announcement is None else list(announcement["source_ids"]))
        sentences.append(text + "." + narrative.cite(data, sources))
        presences = _presences_closed_with(data, suspension.event_date)
        if len(presences):
            parts = [
                f"{_the(row.channel_name)} {'closed' if row.status == 'closed' else 'was suspended'}"
                for row in presences.itertuples()
            ]
            events = data.events.set_index("event_id")
            ids = [i for event_id in presences["start_event_id"] for i in events.at[event_id, "source_ids"]]
            sentences.append(
                f"The same day {analysis.join_and(parts)}, leaving NATO no presence in Moscow."
                + narrative.cite(data, ids)
            )
        return " ".join(sentences)
    # Before the suspension: what is in force, and what is decided or announced for later.
    headline = (
        f"**NATO has cut Russia's mission from {opening} to a cap of {in_force.iloc[-1]['staff_count']}"
        if len(in_force)
        else f"**Russia's mission to NATO had {opening}"
    )
    if len(pending):
        cut = pending.iloc[0]
        headline += (
            f", and decided on {_day(cut['decided_date'])} to cut it to {cut['staff_count']} "
            f"from {_long(cut['effective_date'], cut['date_precision'])}"
        )
    sentences.append(headline + ".**" + narrative.cite(data, _ids(caps.tail(1))))
    if suspension is not None and suspension.is_pending:
        sentences.append(
            f"Russia announced on {_day(suspension.known_date)} that it would suspend the mission from "
            f"{_long(suspension.event_date, suspension.date_precision)}." + narrative.cite(data, suspension.source_ids)
        )
    return " ".join(sentences)


def history_headline(data: Dataset, parameters: ReportParameters) -> str:
    """One sentence on the channels open over the period: the peak, when it last held, how many are left."""
    end = analysis.counted_to(data, parameters.shown_end)
    summary = open_channel_summary(channel_counts(data, parameters.period_start, end), end)
    if summary["is_peak"]:
        return (
            f"{_words(summary['now']).capitalize()} NATO–Russia channels are open on {_day(end)}, "
            "as many as at any time on record."
        )
    before = _open_at_the_break(data, end)
    if before is not None:
        return (
            f"{_words(before[1]).capitalize()} NATO–Russia channels were open when Russia announced the break, on "
            f"{_day(before[0])}; {'only ' if summary['now'] == 1 else ''}{_words(summary['now'])} "
            f"{'has' if summary['now'] == 1 else 'have'} been open since {summary['since_label']}."
        )
    return (
        f"{_words(summary['peak']).capitalize()} NATO–Russia channels were open as late as "
        f"{summary['peak_until']:%B %Y}; {'only ' if summary['now'] == 1 else ''}{_words(summary['now'])} "
        f"{'has' if summary['now'] == 1 else 'have'} been open since {summary['since_label']}."
    )


def _pattern_sentence(data: Dataset, parameters: ReportParameters, voice: str = "history") -> str | None:
    """Which suspensions were lifted and which were not, as one sentence.

    `voice` words it for the history chapter (the days each took), the overview (within a year or not) or the
    assessment (the slowest reopening against the oldest suspension still in force).
    """
    record = suspension_record(data, parameters.shown_end)
    record = record[(record["start_date"] >= pd.Timestamp(parameters.period_start)) & ~record["dormant"]]
    if record.empty:
        return None
    pattern = suspension_pattern(record)
    count_end = analysis.counted_to(data, parameters.shown_end)
    lifted, unlifted = pattern["lifted"], pattern["unlifted"]
    span = ""
    if len(lifted):
        span = (
            f"after {pattern['shortest']:,} to {pattern['longest']:,} days"
            if pattern["shortest"] != pattern["longest"]
            else f"after {pattern['longest']:,} days"
        )
    if pattern["turn"] is not None and len(lifted):
        when = _long(pattern["turn"], record.loc[record["start_date"] == pattern["turn"], "start_precision"].iloc[0])
        # Past tense, pinned to the review date: nothing later is known to the edition.
        by_then = f"by {_day(count_end)}"
        none = (
            f"the one suspended from then on had not reopened {by_then}"
            if len(unlifted) == 1
            else f"{_none_of(len(unlifted))} suspended from then on had reopened {by_then}"
        )
        if voice == "overview":
            within = "within a year" if pattern["longest"] < 366 else f"within {pattern['longest']:,} days"
            return f"Until {pattern['turn']:%B %Y} every suspended channel reopened {within}; {none}."
        if voice == "assessment":
            oldest = unlifted[unlifted["outcome"] == "suspended"].sort_values("start_date")
            slowest = f"the slowest after {pattern['longest']:,} days"
            text = f"Before {pattern['turn']:%B %Y} every suspended channel reopened, {slowest}"
            if len(oldest):
                first = oldest.iloc[0]
                prefix = "at least " if first["days_is_minimum"] else ""
                text += (
                    f"; the oldest suspension since, of {narrative._lower_first(first['channel'])}, had lasted "
                    f"{prefix}{first['days']:,} days by {_day(count_end)}"
                )
            return text + "."
        return f"Every channel suspended before {when} reopened, {span}; {none}."
    if pattern["turn"] is not None:
        if len(unlifted) == 1:
            return "The one channel suspended in the period has not reopened."
        return f"{_capital(_none_of(len(unlifted)))} channels suspended in the period has reopened."
    return f"Of the {_plural(len(record), 'channel')} suspended in the period, {_words(len(lifted))} reopened, {span}."


def _council_sentence(data: Dataset, parameters: ReportParameters) -> str | None:
    """The Council from when every meeting is counted: its first long silence, the meetings after, its last."""
    since = max(parameters.period_start, dt.date(analysis.NRC_FULLY_COUNTED_FROM, 1, 1))
    meetings = analysis.nrc_meetings(data)
    meetings = meetings[meetings["event_date"] >= pd.Timestamp(since)].sort_values("event_date")
    if meetings.empty:
        return None
    last = meetings.iloc[-1]
    end = analysis.counted_to(data, parameters.shown_end)
    tail = "" if (pd.Timestamp(end) - last["event_date"]).days < 365 else f"; it had not met again by {_day(end)}"
    gaps = analysis.meeting_gaps(data, since)
    if len(gaps):
        first_gap = gaps.iloc[0]
        later_gaps = gaps.iloc[1:]
        stop = later_gaps.iloc[-1]["last_before"] if len(later_gaps) else last["event_date"]
        block = meetings[meetings["event_date"].between(first_gap["first_after"], stop)]
        text = (
            f"The NATO–Russia Council went {narrative.describe_days(int(first_gap['days']))} without meeting from "
            f"{first_gap['last_before']:%B %Y}, then met {_plural(len(block), 'time')} to {stop:%B %Y}"
        )
        rest = meetings[meetings["event_date"] > stop]
        if len(rest):
            more = "once more, on" if len(rest) == 1 else f"{_words(len(rest))} more times, the last on"
            text += f". It met {more} {_day(last['event_date'])}{tail}."
        else:
            text += f"{tail}."
        return text + narrative.cite(data, list(first_gap["source_ids"]) + list(last["source_ids"]))
    return f"The NATO–Russia Council last met on {_day(last['event_date'])}{tail}." + narrative.cite(
        data, last["source_ids"]
    )


def _headline_sources(data: Dataset, parameters: ReportParameters) -> list[str]:
    """The documents behind the open count's fall: the changes the day after the peak and on the day it settled."""
    end = analysis.counted_to(data, parameters.shown_end)
    summary = open_channel_summary(channel_counts(data, parameters.period_start, end), end)
    if summary["is_peak"]:
        return []
    days = {summary["peak_until"] + pd.Timedelta(days=1), summary["since"]}
    periods = _nato_periods(data, pd.Timestamp(end))
    events = data.events.set_index("event_id")
    starting = periods[periods["start_date"].isin(days)]["start_event_id"]
    return [events.at[event_id, "source_ids"][0] for event_id in dict.fromkeys(starting)]


def history_finding(data: Dataset, parameters: ReportParameters) -> str:
    """The history chapter's opening: the channels' rise and fall, which breaks healed, the Council's last years."""
    sentences = [
        f"**{history_headline(data, parameters)}**" + narrative.cite(data, _headline_sources(data, parameters))
    ]
    for sentence in (_pattern_sentence(data, parameters), _council_sentence(data, parameters)):
        if sentence:
            sentences.append(sentence)
    return " ".join(sentences)


def _contact_state(data: Dataset, as_of: dt.date) -> tuple[pd.DataFrame, pd.Series | None]:
    """The NATO–Russia channels on the as-of date, and the row of the latest dated contact on one still live."""
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    live = status[status["last_contact"].notna() & (status["status"] != "closed")].sort_values("last_contact")
    return status, (live.iloc[-1] if len(live) else None)


def channels_headline(data: Dataset, as_of: dt.date) -> str:
    """How many channels are open, and when the last dated contact on any channel still open or suspended came."""
    count_end = analysis.counted_to(data, as_of)
    status, latest = _contact_state(data, as_of)
    open_rows = status[status["status"] == "open"]
    verb = "is" if len(open_rows) == 1 else "are"
    text = f"{_words(len(open_rows)).capitalize()} of the {_words(len(status))} NATO–Russia channels {verb} open"
    announced = open_rows[open_rows["announced_status"].notna()]
    if len(announced):
        text += f", {_words(len(announced))} of them due to close or be suspended"
    if latest is None:
        text += f" on {_day(count_end)}"
    if latest is not None:
        prefix = "at least " if latest["silence_is_minimum"] else ""
        when = _long(latest["last_contact"], latest["last_contact_precision"])
        days = f"{prefix}{int(latest['days_silent']):,} days before {_day(count_end)}"
        text += f", and the last dated contact on any NATO–Russia channel came on {when}, {days}"
    return text + "."


def _reported_only(data: Dataset, as_of: dt.date) -> list[dict]:
    """The NATO–Russia lines counted open on reports alone: opened in the record by a report that they exist, with
    no dated contact on them, ever.

    For each: its name, the latest report of it in place or in use, and the attempts to use it that failed,
    with the side that said so.
    """
    count_end = pd.Timestamp(analysis.counted_to(data, as_of))
    status, _ = _contact_state(data, as_of)
    contacts = analysis.verified_contacts(data)
    contacts = contacts[contacts["event_date"] <= count_end]
    reports = analysis.use_reports(data)
    reports = reports[reports["event_date"] <= count_end].sort_values("event_date")
    done = analysis.done_events(data)
    failed = done[(done["category"] == "failed_contact") & (done["event_date"] <= count_end)]
    periods = data.channel_periods
    events = data.events.set_index("event_id")
    kinds = data.channels.set_index("channel_id")["channel_kind"]
    found = []
    for row in status[status["status"] == "open"].itertuples():
        opened = periods[(periods["channel_id"] == row.channel_id) & (periods["start_date"] == row.since)]
        by_report = opened["start_event_id"].map(events["category"]).isin(analysis.REPORT_CATEGORIES).any()
        if kinds[row.channel_id] not in analysis.CONTACT_KINDS or not by_report:
            continue
        if (contacts["channel_id"] == row.channel_id).any():
            continue
        said = reports[reports["channel_id"] == row.channel_id]
        tried = failed[failed["channel_id"] == row.channel_id].sort_values("event_date")
        found.append(
            {
                "channel": row.channel,
                "last_report": said.iloc[-1] if len(said) else None,
                "failed": [(event, side_of(data, event["event_id"])) for _, event in tried.iterrows()],
                "source_ids": _ids(said.tail(1)) + _ids(tried),
            }
        )
    return found


def _in_or_on(date, precision) -> str:
    """'on 8 May 2015', 'in November 2021': a date after a preposition that fits its precision."""
    return f"{'on' if str(precision) == 'day' else 'in'} {_long(date, precision)}"


def _failed_words(failed: list) -> str:
    """'the one recorded attempt to use it failed, NATO said on 16 March 2022' (or 'both', 'all three')."""
    if not failed:
        return ""
    if len(failed) == 1:
        event, side = failed[0]
        said = f", {side} said on {_day(event['event_date'])}" if side else f" ({_day(event['event_date'])})"
        return f"the one recorded attempt to use it failed{said}"
    return (
        f"all {_words(len(failed))} recorded attempts to use it failed, the last on {_day(failed[-1][0]['event_date'])}"
    )


def _unnamed_statements(data: Dataset, after: pd.Timestamp, count_end: dt.date) -> pd.DataFrame:
    """Statements graded at least M that a channel to NATO is kept or left, naming no channel, in the window."""
    done = analysis.done_events(data)
    return done[
        done["category"].isin(analysis.REPORT_CATEGORIES)
        & done["channel_id"].isna()
        & done["confidence"].isin(analysis.VERIFIED_GRADES)
        & (done["event_date"] > after)
        & (done["event_date"] <= pd.Timestamp(count_end))
    ].sort_values("event_date")


def _claim(title: str) -> str | None:
    """What a statement's title says it claimed: 'Moscow: only an emergency channel to NATO is left' -> the part after
    the colon."""
    head, sep, claim = title.partition(": ")
    return claim if sep and claim else None


def _unnamed_sentence(data: Dataset, after: pd.Timestamp, count_end: dt.date) -> str | None:
    """The statements since `after` that name no channel, said as such (they count for no channel)."""
    unnamed = _unnamed_statements(data, after, count_end)
    if unnamed.empty:
        return None
    row = unnamed.iloc[-1]
    who = speaker_on(data, row["event_id"]) or "one side"
    claim = _claim(str(row["title"]))
    if claim:
        who = narrative._name_first(who)  # "Vladislav Maslennikov, director of …, said", not "Director of …, V. M said"
        text = f"{_capital(who)} said on {_day(row['event_date'])} that {claim}, without saying which channel it meant"
    else:
        text = f"A statement by {who} of {_day(row['event_date'])} names no channel and counts for none"
    if len(unnamed) > 1:
        text += f"; {_words(len(unnamed) - 1)} more such statements name none either"
    return text + "." + narrative.cite(data, row["source_ids"])


def _civilian_line(data: Dataset, count_end: dt.date) -> str | None:
    """A proposal, on record, of a civilian hotline: a new line, since the one on record is military."""
    done = analysis.done_events(data)
    done = done[(done["event_date"] <= pd.Timestamp(count_end)) & done["summary"].notna()]
    proposed = done[done["summary"].str.contains("civilian hotline", case=False)]
    if proposed.empty:
        return None
    row = proposed.sort_values("event_date").iloc[-1]
    side = side_of(data, row["event_id"]) or "one side"
    return (
        f"On {_day(row['event_date'])} {side} proposed a civilian hotline as well, which the record does not show "
        "set up." + narrative.cite(data, row["source_ids"][:1])
    )


def channels_finding(data: Dataset, as_of: dt.date) -> str:
    """The channels chapter's opening: what is open, the last dated contact, who says the channels are used."""
    count_end = analysis.counted_to(data, as_of)
    status, latest = _contact_state(data, as_of)
    open_rows = status[status["status"] == "open"]
    sources = _ids(open_rows, "status_source_ids")
    if latest is not None:
        sources = list(latest["last_contact_source_ids"]) + sources
    sentences = [f"**{channels_headline(data, as_of)}**" + narrative.cite(data, sources)]
    if latest is not None:
        contacts = analysis.verified_contacts(data)
        count = int((contacts["channel_id"] == latest["channel_id"]).sum())
        which = "its only dated contact on record" if count == 1 else f"the last of {_words(count)} on record"
        sentences.append(f"It came on {_the(latest['channel'])}, {which}.")
        reports = analysis.use_reports(data)
        reports = reports[
            reports["channel_id"].isin(status["channel_id"])
            & (reports["event_date"] > latest["last_contact"])
            & (reports["event_date"] <= pd.Timestamp(count_end))
        ].sort_values("event_date")
        if len(reports):
            speakers = [speaker_on(data, event_id) or "one side" for event_id in reports["event_id"]]
            sentences.append(
                f"Since then {_said_by(speakers, 'a channel is in place or in use')}, none of them dating a contact."
                + narrative.cite(data, _ids(reports.tail(2)))
            )
    announced = narrative.announced_changes(data, open_rows[open_rows["announced_status"].notna()])
    if announced:
        sentences.append(announced)
    for row in _reported_only(data, as_of):
        text = f"{_capital(_the(row['channel']))} is counted open on reports alone"
        if row["last_report"] is not None:
            report = row["last_report"]
            text += f", the latest {_in_or_on(report['event_date'], report['date_precision'])}"
        text += ": no dated contact on it is on record"
        if row["failed"]:
            text += f", and {_failed_words(row['failed'])}"
        sentences.append(text + "." + narrative.cite(data, row["source_ids"]))
    civilian = _civilian_line(data, count_end)
    if civilian and any("hotline" in row["channel"].lower() for row in _reported_only(data, as_of)):
        sentences.append(civilian)
    others = analysis.other_channels(analysis.channel_status(data, as_of), data)
    others = others[others["status"] == "open"]
    if len(others):
        parts = [f"{_the(row.channel)} (since {_long(row.since, row.since_precision)})" for row in others.itertuples()]
        noun = "line is" if len(others) == 1 else "lines are"
        what = "a US channel" if len(others) == 1 else "US channels"
        sentences.append(
            f"Beside them, {_words(len(others))} US–Russia {noun} open, {what} rather than NATO's: "
            f"{analysis.join_and(parts)}." + narrative.cite(data, _ids(others, "status_source_ids"))
        )
    return " ".join(sentences)


def _statement_breakdown(data: Dataset, start: dt.date, end: dt.date) -> str | None:
    """The statements after the break that a channel is in place or in use, split the way the other chapters count them:
    those before the last dated NATO–Russia contact, then those since it, by channel (or none named)."""
    events = _events_by_kind(data, start, end)
    statements = events[events["kind"] == STATEMENTS]
    _, latest = _contact_state(data, end)
    if statements.empty or latest is None:
        return None
    cut = latest["last_contact"]
    before = statements[statements["event_date"] <= cut]
    after = statements[statements["event_date"] > cut]
    names = data.channels.set_index("channel_id")["channel_name"]
    order = data.channels.set_index("channel_id")["display_order"]
    parts = []
    named = after[after["channel_id"].notna()]
    for channel_id, group in sorted(named.groupby("channel_id"), key=lambda item: order[item[0]]):
        parts.append(f"{_words(len(group))} {_the(names[channel_id])}")
    unnamed = int(after["channel_id"].isna().sum())
    if unnamed:
        parts.append(f"{_words(unnamed)} {'names' if unnamed == 1 else 'name'} no channel")
    text = f"Of the {_plural(len(statements), 'statement')} that a channel is in place or in use, "
    if len(before):
        text += f"{_words(len(before))} {'predates' if len(before) == 1 else 'predate'} {_day(cut)}. Since then, "
    else:
        text += f"all came after {_day(cut)}: "
    if parts and " " in parts[0]:
        count, _, rest = parts[0].partition(" ")
        parts[0] = f"{count} concern{'s' if count == 'one' else ''} {rest}"
    return text + analysis.join_and(parts) + "."


def aftermath_finding(data: Dataset, parameters: ReportParameters) -> str:
    """The aftermath chapter's opening: how few of the events after the break were contacts, and what the rest were."""
    start = max(parameters.period_start, analysis.BREAK_DATE)
    end = analysis.counted_to(data, parameters.shown_end)
    if start > end:
        return f"**The break of {analysis.BREAK_DATE:%B %Y} comes after the day this edition counts to, {_day(end)}.**"
    kinds = after_break_by_kind(data, start, end).set_index("kind")
    total = int(kinds["events"].sum()) if len(kinds) else 0
    if total == 0:
        return f"**The record holds no event between {_day(start)} and {_day(end)}.**"
    contacts = int(kinds["events"].get(NATO_CONTACTS, 0))
    text = f"**Of the {total} events on record from {_day(start)} to {_day(end)}, "
    if contacts == 0:
        text += "none is a dated NATO–Russia contact.**"
    else:
        first, latest = kinds.at[NATO_CONTACTS, "_first_date"], kinds.at[NATO_CONTACTS, "_latest_date"]
        noun = "is a dated NATO–Russia contact" if contacts == 1 else "are dated NATO–Russia contacts"
        same_month = (first.year, first.month) == (latest.year, latest.month)
        both = "both" if contacts == 2 else "all"
        when = (
            f", {both} in {latest:%B %Y}"
            if same_month and contacts > 1
            else f", on {_day(latest)}"
            if contacts == 1
            else f", the last on {_day(latest)}"
        )
        text += f"{_words(contacts)} {noun}{when}.**"
    contact_rows = analysis.dated_contacts(data)
    contact_rows = contact_rows[
        contact_rows["event_date"].between(pd.Timestamp(start), pd.Timestamp(end))
        & contact_rows["channel_id"].isin(_nato_ids(data))
    ]
    sentences = [text + narrative.cite(data, _ids(contact_rows))]
    us_contacts = int(kinds["events"].get(US_CONTACTS, 0))
    if us_contacts:
        latest_us = kinds.loc[US_CONTACTS]
        when = f"{latest_us['_latest_date']:%B %Y}"
        first_us = f"{latest_us['_first_date']:%B %Y}"
        text = (
            f"One more dated contact, in {when}, was on a US–Russia line"
            if us_contacts == 1
            else f"{_capital(_words(us_contacts))} more dated contacts, from {first_us} to {when}, were US–Russian"
        )
        sentences.append(text + "." + narrative.cite(data, list(latest_us["_source_ids"])[:1]))
    rest = []
    for kind, (singular, plural) in {
        WARS: ("act of war, recognition or annexation", "acts of war, recognition or annexation"),
        INCIDENTS: ("incident on or near allied territory", "incidents on or near allied territory"),
        ARMS_CONTROL: ("arms-control step", "arms-control steps"),
        ENLARGEMENT: ("enlargement of NATO", "enlargements of NATO"),
    }.items():
        count = int(kinds["events"].get(kind, 0))
        if count:
            rest.append(_plural(count, singular, plural))
    if rest:
        sentences.append(f"The record over the same span also holds {analysis.join_and(rest)}.")
    breakdown = _statement_breakdown(data, start, end)
    if breakdown:
        sentences.append(breakdown)
    events = analysis.events_between(data, start, end)
    weak = events[events["confidence"].isin(["M", "L", "unverified"])]
    if len(weak):
        verb = "rests" if len(weak) == 1 else "rest"
        sentences.append(
            f"Of all {total}, {_words(len(weak))} {verb} on one source or one side's account (graded M or lower)."
        )
    return " ".join(sentences)


# --- the overview -------------------------------------------------------------------------------------------


def overview_headline(data: Dataset, parameters: ReportParameters) -> str:
    """The volume's first sentence: the fall in open channels and the silence on those left."""
    end = analysis.counted_to(data, parameters.shown_end)
    summary = open_channel_summary(channel_counts(data, parameters.period_start, end), end)
    status, _ = _contact_state(data, parameters.as_of)
    still = status[(status["status"] == "open") & status["last_contact"].notna()].sort_values("last_contact")
    latest = still.iloc[-1] if len(still) else None
    if summary["is_peak"]:
        return history_headline(data, parameters)
    peak, now = _words(summary["peak"]), _words(summary["now"])
    settled = summary["since_label"]
    before = _open_at_the_break(data, end)
    if before is not None:
        # Measured at the break, as the chart's title is: lines that enter the record late make an earlier peak.
        text = (
            f"{_words(before[1]).capitalize()} NATO–Russia channels were open when Russia announced the break, on "
            f"{_day(before[0])}; since {settled} {'only ' if summary['now'] == 1 else ''}{now} "
            f"{'has' if summary['now'] == 1 else 'have'} been open"
        )
    elif (summary["peak_until"].year, summary["peak_until"].month) == (summary["since"].year, summary["since"].month):
        text = f"NATO and Russia went from {peak} open channels to {now} in {settled}"
    else:
        text = f"NATO and Russia went from {peak} open channels in {summary['peak_until']:%B %Y} to {now} in {settled}"
    if latest is not None and summary["now"]:
        contacts = analysis.verified_contacts(data)
        contacts = contacts[
            contacts["channel_id"].isin(status.loc[status["status"] == "open", "channel_id"])
            & (contacts["event_date"] <= pd.Timestamp(end))
        ]
        if len(contacts) == 1:
            which = {1: "it", 2: "either of them"}.get(summary["now"], "any of them")
            text += f"; the only dated contact {which} has carried came on {_day(latest['last_contact'])}"
        elif summary["now"] == 1:
            text += f"; it has carried no dated contact since {_day(latest['last_contact'])}"
        else:
            word = "neither has" if summary["now"] == 2 else "none has"
            text += f"; {word} carried a dated contact since {_day(latest['last_contact'])}"
    return text + "."


def _break_sentence(data: Dataset, parameters: ReportParameters) -> str | None:
    """Russia's suspension of its mission: when it was announced, how long after NATO's expulsions, when it took
    effect, and NATO's offices with it. Days run between the two announcements, not an announcement and a day in
    force."""
    suspension = analysis.mission_suspension(data)
    if suspension is None:
        return None
    record = suspension_record(data, parameters.as_of)
    row = record[(record["channel_id"] == "russia_mission") & record["trigger_id"].notna()]
    if suspension.is_pending:  # not begun yet, so not in the record of suspensions: find what it followed
        said = suspension.known_date
        triggers = _triggers(data)
        row = triggers[(triggers["event_date"] < said) & (triggers["event_date"] >= said - pd.Timedelta(days=31))]
        row = row.rename(columns={"event_id": "trigger_id", "event_date": "trigger_date", "title": "trigger"})
    else:
        decided = record.loc[record["channel_id"] == "russia_mission", "decided_date"]
        said = decided.iloc[-1] if len(decided) else suspension.event_date
    if said != suspension.event_date or suspension.is_pending:
        text = f"Russia announced on {_day(said)} that it would suspend its mission to NATO" + (
            f" from {_long(suspension.event_date, suspension.date_precision)}" if suspension.is_pending else ""
        )
    else:
        text = f"Russia suspended its mission to NATO on {_day(suspension.event_date)}"
    sources = list(suspension.source_ids)
    if len(row):
        row = row.sort_values("trigger_date").iloc[-1]
        cut = analysis.expulsions(data)
        cut = cut[cut["event_id"] == row["trigger_id"]]
        count = int(cut["staff_expelled"].iloc[0]) if len(cut) else 0
        what = (
            f"NATO announced the expulsion of {_words(count)} of the mission's staff"
            if count
            else narrative._lower_first(row["trigger"])
        )
        text += f", {_words(int((said - row['trigger_date']).days))} days after {what}"
        sources += list(data.events.set_index("event_id").at[row["trigger_id"], "source_ids"])
    sentences = [text + "." + narrative.cite(data, sources)]
    if not suspension.is_pending and said != suspension.event_date:
        presences = _presences_closed_with(data, suspension.event_date)
        effect = f"The suspension took effect on {_day(suspension.event_date)}"
        ids = list(suspension.source_ids)[:1]
        if len(presences):
            effect += f", the day NATO's {_words(len(presences))} offices in Moscow closed or were suspended"
            events = data.events.set_index("event_id")
            ids += [events.at[event_id, "source_ids"][0] for event_id in presences["start_event_id"]]
        sentences.append(effect + "." + narrative.cite(data, ids))
    return " ".join(sentences)


def _council_last_sentence(data: Dataset, parameters: ReportParameters) -> str | None:
    """When the Council last met, how long before the full-scale invasion, and what is said of it since."""
    meetings = analysis.nrc_meetings(data).sort_values("event_date")
    if meetings.empty:
        return None
    last = meetings.iloc[-1]
    events = analysis.done_events(data).set_index("event_id")
    text = f"The NATO–Russia Council last met on {_day(last['event_date'])}"
    sources = list(last["source_ids"])
    if analysis.FULL_SCALE_INVASION in events.index:
        war = events.loc[analysis.FULL_SCALE_INVASION]
        if war["event_date"] > last["event_date"]:
            days = int((war["event_date"] - last["event_date"]).days)
            text += f", {days} days before Russia's full-scale invasion of Ukraine"
            sources += list(war["source_ids"])
    sentences = [text + "." + narrative.cite(data, sources)]
    status = analysis.channel_status(data, parameters.as_of).set_index("channel_id")
    if "nrc" in status.index and status.at["nrc", "status"] == "closed":
        end = _council_end(data, status.loc["nrc"])
        sentences.append(end + narrative.cite(data, status.at["nrc", "status_source_ids"]))
    return " ".join(sentences)


def _council_end(data: Dataset, row: pd.Series) -> str:
    """The Council's end as the record words it: whose account it rests on, and whose remark that account reports."""
    note = row["status_note"] if isinstance(row["status_note"], str) else ""
    when = _day(row["since"])
    whose = _note_attribution(note)
    if whose and whose.startswith("according to "):
        who = whose.removeprefix("according to ")
        periods = data.channel_periods
        closing = periods[(periods["channel_id"] == "nrc") & (periods["status"] == "closed")]
        remark = narrative.speaker(data, closing["start_event_id"].iloc[-1]) if len(closing) else None
        text = f"{_capital(who)} reported on {when} that "
        text += f"the {remark} had said it no longer exists" if remark and remark != "NATO" else "it no longer exists"
        if "no NATO text" in note:
            text += "; the record holds no NATO text that ends it"
        return text + "."
    return f"It closed on {when}."


def _decisions(record: pd.DataFrame) -> pd.DataFrame:
    """The decisions behind the suspensions that followed a dated act, one row each (two channels cut by one
    decision count once)."""
    return record[record["trigger_id"].notna()].drop_duplicates(["trigger_id", "decided_date"])


def _pattern_overview(data: Dataset, parameters: ReportParameters) -> str | None:
    """The thirty years' pattern: suspensions that followed dated acts, who took them, and which were lifted."""
    record = suspension_record(data, parameters.as_of)
    if record.empty:
        return None
    decisions = _decisions(record)
    sentences = []
    if len(decisions):
        days = [int(d) for d in decisions["days_after_trigger"]]
        spread = f"{min(days)} to {max(days)}" if min(days) != max(days) else f"{days[0]}"
        by_side: dict[str, list[str]] = {}
        for row in decisions.itertuples():
            by_side.setdefault(row.side if isinstance(row.side, str) else "", []).append(f"{row.decided_date:%Y}")
        whose = [f"{side}'s in {analysis.join_and(years)}" for side, years in by_side.items() if side]
        text = (
            f"The {_plural(len(decisions), 'suspension')} that followed a dated act of the other side came "
            f"{spread} days after it"
        )
        text += f": {analysis.join_and(whose)}" if whose else ""
        sentences.append(text + "." + narrative.cite(data, [i for ids in decisions["source_ids"] for i in ids[:1]]))
    pattern = _pattern_sentence(data, parameters, voice="overview")
    if pattern:
        sentences.append(pattern)
    return " ".join(sentences)


def _short_name(name: str) -> str:
    """A channel's name without the route it takes ('Emergency channel via Russia's ambassador' -> 'Emergency
    channel'), for a sentence that has just named the one who speaks for it."""
    return name.split(" via ")[0]


def _organisation(data: Dataset, event_id: str) -> str | None:
    """The body an event's actors name first ('US European Command'), else None."""
    links = data.event_entities
    actors = links.loc[(links["event_id"] == event_id) & (links["participant_role"] == "actor"), "entity_id"]
    entities = data.entities.set_index("entity_id")
    for entity_id in actors:
        if entity_id in entities.index and entities.at[entity_id, "entity_type"] == "organisation":
            return str(entities.at[entity_id, "canonical_name"])
    return None


def _saceur_authority(event) -> bool:
    """Whether the decision's own summary records that its holder, as SACEUR, may keep dialogue with Russia's
    military chief (EUCOM's statement of February 2026)."""
    summary = event.get("summary")
    return isinstance(summary, str) and "SACEUR" in summary and "authority" in summary


def _what_is_left_overview(data: Dataset, parameters: ReportParameters) -> str | None:
    """The channels left, which rest on reports alone, who says they are used, and the latest change."""
    as_of = parameters.as_of
    status, latest = _contact_state(data, as_of)
    open_rows = status[status["status"] == "open"]
    if open_rows.empty:
        return None
    names = analysis.join_and([_the(name) for name in open_rows["channel"]])
    count_end = analysis.counted_to(data, as_of)
    verb = "is" if len(open_rows) == 1 else "are"
    # Open by the record's rule (no side has closed or suspended it), not because it is shown in use: said so.
    left = (
        f"{_capital(_words(len(open_rows)))} channel{'' if len(open_rows) == 1 else 's'} {verb} counted as open, "
        "because no side has closed or suspended it"
    )
    sentences = [f"{left}: {names}." + narrative.cite(data, _ids(open_rows, "status_source_ids"))]
    for row in _reported_only(data, as_of):
        parts = ["it has no dated contact on record"]
        if row["last_report"] is not None:
            report = row["last_report"]
            parts.append(f"was last reported in place {_in_or_on(report['event_date'], report['date_precision'])}")
        if row["failed"]:
            parts.append(_failed_words(row["failed"]))
        sentences.append(
            f"{_capital(_the(row['channel']))} rests on reports alone: {analysis.join_and(parts)}."
            + narrative.cite(data, row["source_ids"])
        )
    if latest is not None:
        reports = analysis.use_reports(data)
        reports = reports[
            reports["channel_id"].isin(open_rows["channel_id"])
            & (reports["event_date"] > latest["last_contact"])
            & (reports["event_date"] <= pd.Timestamp(count_end))
        ].sort_values("event_date")
        for channel_id, group in reports.groupby("channel_id", sort=False):
            speakers = [speaker_on(data, event_id) or "one side" for event_id in group["event_id"]]
            name = _the(_short_name(open_rows.set_index("channel_id").at[channel_id, "channel"]))
            sentences.append(
                f"Since {_day(latest['last_contact'])} {_said_by(speakers, name + ' is in place or in use')}, "
                "without dating a contact." + narrative.cite(data, _ids(group.tail(2)))
            )
        unnamed = _unnamed_sentence(data, latest["last_contact"], count_end)
        if unnamed:
            sentences.append(unnamed)
    change = narrative.latest_change(data, as_of)
    if change is not None:
        sentences.append(_latest_change_sentence(data, as_of, change))
    return " ".join(sentences)


def _latest_change_sentence(data: Dataset, as_of: dt.date, change) -> str:
    """The latest change of a channel's status, as its source words it: a US agreement to re-establish a line is an
    agreement, and what it says of NATO's own line is its holder's account."""
    channels = data.channels.set_index("channel_id")
    channel = channels.loc[change["channel_id"]]
    events = data.events.set_index("event_id")
    event = events.loc[change["start_event_id"]]
    when = _long(change["start_date"], change["start_precision"])
    name = _the(channel["channel_name"])
    sources = list(event["source_ids"])
    if not bool(channel["is_nato_channel"]) and change["status"] == "open":
        who = _organisation(data, change["start_event_id"])
        if event["category"] == "resumption" and who:
            text = (
                f"The latest change on record is American: on {when} {who} announced an agreement to re-establish "
                f"{name}"
            )
        else:
            text = f"The latest change on record is American: on {when} {name} opened"
        status = analysis.channel_status(data, as_of).set_index("channel_id")
        if "military" in str(channel["channel_kind"]) and "military_line" in status.index and _saceur_authority(event):
            line = status.loc["military_line"]
            last = (
                f"; the record holds no dated contact on NATO's military line since "
                f"{_long(line['last_contact'], line['last_contact_precision'])}"
                if not pd.isna(line["last_contact"])
                else ""
            )
            return (
                text
                + f". {'It' if who else 'Its holder'} said its commander, also NATO's SACEUR, holds authority to keep "
                f"dialogue with Russia's chief of the General Staff{last}." + narrative.cite(data, sources)
            )
        return text + "." + narrative.cite(data, sources)
    verbs = {"open": "opened", "suspended": "was suspended", "closed": "closed"}
    text = f"The latest change on record came on {when}, when {name} {verbs[change['status']]}"
    return text + "." + narrative.cite(data, sources)


def _incidents_overview(data: Dataset, parameters: ReportParameters) -> str | None:
    """Why it matters: incidents since the break, and whether a dated contact followed any of them. The record's
    incidents are counted, not attributed: it does not say who caused each."""
    incidents = incidents_since_break(data, parameters.as_of)
    if incidents.empty:
        return None
    followed = incidents["contact"].map(lambda value: isinstance(value, str)).sum()
    tried = incidents[incidents["attempt"].map(lambda value: isinstance(value, str))]
    first, latest = incidents["date"].min(), incidents["date"].max()
    text = (
        f"It matters because incidents go on: the record holds {_words(len(incidents))} on or near allied "
        f"territory from {first:%B %Y} to {_day(latest)}, whoever caused them; "
    )
    text += (
        "no dated NATO–Russia contact is on record within a month of any of them"
        if followed == 0
        else f"a dated NATO–Russia contact is on record within a month of {_words(int(followed))}"
    )
    sentences = [text + "." + narrative.cite(data, _ids(incidents.tail(2)))]
    said = narrative.incident_exchanges_said(data, first, pd.Timestamp(analysis.counted_to(data, parameters.as_of)))
    if followed == 0 and said:
        sentences.append(said)
    if len(tried) == 1:
        row = tried.iloc[0]
        failed = analysis.done_events(data)
        failed = failed[(failed["category"] == "failed_contact") & (failed["title"] == row["attempt"])]
        who = speaker_on(data, failed["event_id"].iloc[0]) if len(failed) else None
        who = f"{_the_post(who)}, said" if who else "the record says"
        sentences.append(
            f"After the incident of {_day(row['date'])}, {who} an attempt to reach Russia's military went unanswered."
            + narrative.cite(data, row["source_ids"])
        )
    elif len(tried):
        sentences.append(
            f"In {_plural(len(tried), 'case')} an attempt to reach Russia's military went unanswered."
            + narrative.cite(data, _ids(tried))
        )
    return " ".join(sentences)


def _the_post(who: str) -> str:
    """'the chairman of the US Joint Chiefs of Staff, Mark Milley': a post with its article, before a name."""
    post, _, name = who.partition(", ")
    if not name:
        return post
    bare = post.startswith(("Russia", "NATO", "US ", "the ", "The "))
    return f"{post if bare else 'the ' + post}, {name}"


def _planned(row) -> str:
    """'the NATO summit in Albania (2027, by one account; …)': a plan, with the basis of its date."""
    item = f"{_the(row.title)} ({_long(row.event_date, row.date_precision)}"
    if row.date_precision == "year" and row.confidence != "H":
        item += (
            ", by one account; no NATO text on record gives a date"  # the year is one person's word, as the brief says
        )
    return item + ")"


def _watch_overview(data: Dataset, parameters: ReportParameters) -> str | None:
    """What to watch: plans and announced changes still ahead of the as-of date (none whose day has passed)."""
    as_of = parameters.as_of
    upcoming = analysis.watch_list(data, as_of)
    upcoming = upcoming[upcoming["event_date"] > pd.Timestamp(as_of)].head(4)
    items, sources = [], []
    status = analysis.channel_status(data, as_of)
    for when, changes in status[status["announced_status"].notna()].groupby("announced_from", sort=True):
        if pd.Timestamp(when) <= pd.Timestamp(as_of):
            continue
        names = analysis.join_and([_the(name) for name in changes["channel"]])
        items.append(f"the closure or suspension of {names} on {_day(when)}")
        sources += _ids(changes, "announced_source_ids")
    for row in upcoming[upcoming["category"].isin(analysis.PLANNED_CATEGORIES)].itertuples():
        items.append(_planned(row))
        sources += narrative._best(data, row.source_ids, 2)  # each item keeps its own documents in the citation
    if not items:
        return None
    return f"To watch: {analysis.join_and(items)}." + narrative.cite(data, sources)


def overview(data: Dataset, parameters: ReportParameters) -> list[str]:
    """The overview's paragraphs: the arc and the break; the pattern; what is left; why it matters and what next."""
    first = [f"**{overview_headline(data, parameters)}**"]
    for sentence in (_break_sentence(data, parameters), _council_last_sentence(data, parameters)):
        if sentence:
            first.append(sentence)
    paragraphs = [" ".join(first)]
    for part in (
        _pattern_overview(data, parameters),
        _what_is_left_overview(data, parameters),
        " ".join(s for s in (_incidents_overview(data, parameters), _watch_overview(data, parameters)) if s),
    ):
        if part:
            paragraphs.append(part)
    return paragraphs


def chapter_guide(data: Dataset, parameters: ReportParameters) -> str:
    """What each chapter finds, one line each, in reading order (the finding each chapter opens with)."""
    staffing = narrative.CITATION.sub("", staffing_finding(data)).split("**")[1]
    assessment = assessment_headline(data, parameters)
    lines = [
        f"- **Staffing cuts.** {staffing}",
        f"- **Thirty years.** {_pattern_sentence(data, parameters) or history_headline(data, parameters)}",
        f"- **Channels of contact.** {channels_headline(data, parameters.as_of)}",
        f"- **What happened next.** {narrative.CITATION.sub('', aftermath_finding(data, parameters)).split('**')[1]}",
        f"- **Assessment.** {assessment}",
    ]
    return "\n".join(lines)


# --- the assessment ---------------------------------------------------------------------------------------


def assessment_headline(data: Dataset, parameters: ReportParameters) -> str:
    """The assessment's finding in one sentence: breaks that followed acts, none healed since the turn, what is left."""
    record = suspension_record(data, parameters.as_of)
    pattern = suspension_pattern(record) if len(record) else None
    _, latest = _contact_state(data, parameters.as_of)
    status = analysis.nato_russia_channels(analysis.channel_status(data, parameters.as_of), data)
    left = int((status["status"] == "open").sum())
    parts = []
    if pattern is not None and pattern["turn"] is not None and len(pattern["lifted"]):
        parts.append(f"No NATO–Russia channel suspended since {pattern['turn']:%B %Y} has reopened")
    elif pattern is not None:
        suspended = len(pattern["lifted"]) + len(pattern["unlifted"])
        parts.append(
            f"{_words(len(pattern['lifted'])).capitalize()} of {_words(suspended)} suspended channels have reopened"
            if len(pattern["lifted"])
            else f"{_capital(_none_of(suspended))} suspended channels has reopened"
        )
    # The last contact on the channels still open, not on any channel (10 February 2022 was on a dormant line).
    on_open = status.loc[(status["status"] == "open") & status["last_contact"].notna(), "last_contact"]
    if latest is not None and len(on_open):
        parts.append(
            f"the {_words(left)} still open have carried no dated contact since {_day(on_open.max())}"
            if left > 1
            else f"the one still open has carried no dated contact since {_day(on_open.max())}"
        )
    if not parts:
        return "The record holds no suspension of a NATO–Russia channel by the as-of date."
    text = ", and ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _kind_phrase(kind: str) -> str:
    if kind.endswith("s"):  # 'air strikes'
        return kind
    return {"expulsion": "an expulsion", "annexation": "an annexation", "invasion": "an invasion"}.get(
        kind, f"a {kind}"
    )


def _without_report_word(text: str) -> str:
    """A note's ' (reported dissolved by X, …)' after a status that already says 'reported dissolved': ' (by X, …)'."""
    return re.sub(r"^ \(reported (?:dissolved|closed) ", " (", text)


def _note_attribution(note: str | None) -> str | None:
    """Whose account a status rests on, from its note ("according to Russia's foreign ministry")."""
    if not isinstance(note, str) or not note:
        return None
    # A note may name what was reported before whose report it is ("reported dissolved by X, according to Y").
    found = re.search(r"\baccording to [^,;]+", note.split(";")[0])
    if found:
        return found.group(0).strip()
    if note.startswith("as "):
        clause = note.split(";")[0].strip()
        return clause.split(" dates ")[0] + " dates it" if " dates " in clause else clause
    return None


def assessment_why(data: Dataset, parameters: ReportParameters) -> str:
    """Why the channels broke, as the record shows it: whose act each side answered, the reasons given, the
    suspensions with no act behind them, and the dormant Council."""
    record = suspension_record(data, parameters.as_of)
    if record.empty:
        return "The record holds no suspension of a NATO–Russia channel by the as-of date."
    decisions = record.drop_duplicates(["start_date", "decision"])
    dated = _decisions(decisions)
    sentences = []
    if len(dated):
        days = [int(value) for value in dated["days_after_trigger"]]
        answers: dict[str, list[str]] = {}
        for row in dated.itertuples():
            act = f"{_kind_phrase(row.trigger_kind)} ({row.trigger_date:%B %Y})"
            answers.setdefault(row.side if isinstance(row.side, str) else "", []).append(act)
        clauses = [f"{side} suspended after {analysis.join_and(acts)}" for side, acts in answers.items() if side]
        if clauses and "" not in answers:
            sentences.append(
                # Timing, not motive: the record shows each suspension came soon after an act of the other side.
                f"Each of the {_words(len(dated))} suspensions that followed a dated act of the other side came "
                f"within {max(days)} days of it. {_capital('; '.join(clauses))}."
                + narrative.cite(data, [i for ids in dated["source_ids"] for i in ids[:1]])
            )
        else:
            acts = [f"{_kind_phrase(row.trigger_kind)} ({row.trigger_date:%B %Y})" for row in dated.itertuples()]
            sentences.append(
                f"{_plural(len(dated), 'suspension').capitalize()} {'was' if len(dated) == 1 else 'were'} decided "
                f"within {max(days)} days of a dated act of the other side: {analysis.join_and(acts)}."
                + narrative.cite(data, [i for ids in dated["source_ids"] for i in ids[:1]])
            )
    # The reasons each side gave, in its own words, for the last cut and the suspension that answered it.
    suspension = analysis.mission_suspension(data)
    mission = record[(record["channel_id"] == "russia_mission") & record["trigger_id"].notna()]
    if suspension is not None and len(mission):
        announcement = _mission_announcement(data, suspension)
        trigger = data.events.set_index("event_id").loc[mission["trigger_id"].iloc[-1]]
        if announcement is not None and isinstance(trigger["reason"], str) and isinstance(announcement["reason"], str):
            sentences.append(
                f"The reasons are each side's own: for the expulsions of {_day(trigger['event_date'])}, "
                f"{trigger['reason']}; for the suspension, {announcement['reason']}."
                + narrative.cite(data, list(trigger["source_ids"]) + list(announcement["source_ids"]))
            )
    first, sentences = sentences, []
    undated = decisions[decisions["trigger_id"].isna() & ~decisions["dormant"]]
    for row in undated[undated["reason"].notna()].itertuples():
        reason = row.reason.removeprefix("it was ")
        sentences.append(
            f"The suspension of {_long(row.start_date, row.start_precision)} has no dated trigger in the record, "
            f"but a stated reason: {reason}." + narrative.cite(data, row.source_ids)
        )
    others = []
    for row in undated[undated["reason"].isna()].itertuples():
        whose = _borrowed_date(data, row) or _note_attribution(row.status_note)
        others.append(
            f"{_the(row.channel)} ({_long(row.start_date, row.start_precision)}{', ' + whose if whose else ''})"
        )
    if others:
        noun = "suspension" if len(others) == 1 else "suspensions"
        sentences.append(f"The record names no act behind the {noun} of {analysis.join_and(others)}.")
    for row in decisions[decisions["dormant"]].itertuples():
        text = (
            f"{_capital(_the(row.channel))} has been dormant since its last "
            f"{'meeting' if row.channel_id == 'nrc' else 'dated contact'}, on {_day(row.start_date)}: no "
            "decision suspended it"
        )
        reported = _reported_end(data, row.channel_id, _end_event(data, row.period_id))
        if reported:
            text += f", and {reported['who']} reported it {reported['word']} on {_day(reported['date'])}"
        note = row.status_note if isinstance(row.status_note, str) else ""
        said = note.split(";", 1)[1].strip() if ";" in note else ""
        if said and not said.startswith("no decision"):
            text += f"; {said}"  # what one side has said of it since ("Russia's foreign ministry said …")
        sentences.append(text + ".")
    pattern_sentence = _pattern_sentence(data, parameters, voice="assessment")
    if pattern_sentence:
        sentences.append(pattern_sentence)
    return "\n\n".join(" ".join(part) for part in (first, sentences) if part)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _carried(row) -> str:
    """What one open channel has carried: its dated contacts, and the statements since that it is used."""
    name = _capital(_the(row.channel))
    if row.contacts:
        text = (
            f"{name} has carried {_plural(row.contacts, 'dated contact')}, "
            f"{'on' if row.contacts == 1 else 'the last on'} {_long(row.last_contact, row.last_contact_precision)}"
        )
    else:
        text = f"{name} has carried no dated contact since it was confirmed in {_long(row.since, 'month')}"
    if row.reports_since:
        speakers = list(row.report_speakers)
        if len(_speaker_counts(speakers)) == 1:
            text += f"; since then {_said_by(speakers, 'it is in place or in use')}"
        else:
            text += (
                f"; since then {_plural(row.reports_since, 'statement')} have said it is in place or in use, the "
                f"latest by {speakers[-1].partition(', ')[0]} on {_day(row.last_report)}"
            )
    return text + "."


def assessment_channels(data: Dataset, parameters: ReportParameters) -> str:
    """What the channels left can and cannot do, from what they have carried (in words of its own, not the
    events' paraphrases, which the chapters print)."""
    as_of = parameters.as_of
    remaining = remaining_channels(data, as_of)
    nato = remaining[remaining["is_nato_channel"]].sort_values("contacts", ascending=False, kind="stable")
    reported_only = {row["channel"]: row for row in _reported_only(data, as_of)}
    sentences = []
    for row in nato.itertuples():
        if row.channel in reported_only:
            weak = reported_only[row.channel]
            standing = "is the weaker of the two" if len(nato) == 2 else "is known only from reports"
            text = f"{_capital(_the(row.channel))} {standing}: nothing in the record shows it carrying a call"
            if weak["failed"]:
                event, side = weak["failed"][-1]
                whose = f"{side}'s" if side else "the"
                text += f", and {whose} one reported attempt to use it, in {event['event_date']:%B %Y}, got no answer"
            sentences.append(text + "." + narrative.cite(data, weak["source_ids"]))
            continue
        sources = list(row.contact_source_ids) + list(row.report_source_ids)
        sentences.append(_carried(row) + narrative.cite(data, sources))
    carried, sentences = sentences, []
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data).set_index("channel_id")
    kinds = data.channels.set_index("channel_id")["channel_kind"]
    live = [c for c in status.index if status.at[c, "status"] == "open"]
    if live and not any(kinds[c] in ("forum", "mission", "office") for c in live):
        sentences.append(
            "What they cannot do is host talks: no forum of the allies and Russia is open, and neither side has a "
            "mission or office in the other's capital."
        )
    incidents = incidents_since_break(data, as_of)
    if len(incidents):
        followed = int(incidents["contact"].map(lambda value: isinstance(value, str)).sum())
        since = f"{incidents['date'].min():%B %Y}"
        text = (
            f"Nor does the record show them serving in a crisis: none of the {_words(len(incidents))} incidents since "
            f"{since} was followed within a month by a NATO–Russia contact a document dates"
            if followed == 0
            else f"{_capital(_words(followed))} of the {_words(len(incidents))} incidents since {since} "
            f"{'was' if followed == 1 else 'were'} followed within a month by a dated NATO–Russia contact"
        )
        tried = incidents[incidents["attempt"].map(lambda value: isinstance(value, str))]
        done = analysis.done_events(data)
        failed = done[(done["category"] == "failed_contact") & done["title"].isin(tried["attempt"])]
        off_nato = failed[~failed["channel_id"].isin(_nato_ids(data))]
        sentences.append(text + ".")
        said = narrative.incident_exchanges_said(
            data, incidents["date"].min(), pd.Timestamp(analysis.counted_to(data, as_of)), again=True
        )
        if followed == 0 and said:
            sentences.append(said)
        if len(off_nato) == 1:
            who = speaker_on(data, off_nato["event_id"].iloc[0])
            post = _the_post(who).partition(", ")[0] if who else "an ally"
            when = f"{off_nato['event_date'].iloc[0]:%B %Y}"
            sentences.append(
                f"{_capital(post)} could not get through to Russia's military after one, in {when}."
                + narrative.cite(data, _ids(off_nato))
            )
    others = remaining[~remaining["is_nato_channel"]]
    if len(others):
        _, latest = _contact_state(data, as_of)
        with_contact = others[others["contacts"] > 0]
        # Every US contact after NATO's last, the US chiefs' calls on no line the record models among them.
        told = narrative.us_contacts_after_nato(data, as_of)
        if told:
            sentences.append(told)
        elif latest is not None and len(with_contact):
            row = with_contact.sort_values("last_contact").iloc[-1]
            when = _long(row["last_contact"], row["last_contact_precision"])
            sentences.append(
                f"The only dated contact the record holds on any line since {_day(latest['last_contact'])} came on a "
                "US one, "
                f"{_the(row['channel'])}, in {when} ({row['last_contact_title']})."
                + narrative.cite(data, row["contact_source_ids"])
            )
        elif not others["contacts"].any():
            lines = "line" if len(others) == 1 else "lines"
            sentences.append(f"The record holds no dated contact on the US–Russia {lines} beside them.")
        reported = others[others["last_report"].notna() & (others["contacts"] == 0)]
        if len(reported):
            latest_report = reported.sort_values("last_report").iloc[-1]
            when = _long(latest_report["last_report"], latest_report["last_report_precision"])
            sentences.append(
                f"{_capital(_the(latest_report['channel']))} was last reported in use on {when}."
                + narrative.cite(data, latest_report["report_source_ids"])
            )
    return "\n\n".join(" ".join(part) for part in (carried, sentences) if part)


def open_questions(data: Dataset, parameters: ReportParameters) -> str:
    """The open questions, each with what would settle it, as a Markdown list."""
    as_of = parameters.as_of
    count_end = analysis.counted_to(data, as_of)
    status = analysis.channel_status(data, as_of).set_index("channel_id")
    items = []
    _, latest = _contact_state(data, as_of)
    remaining = remaining_channels(data, as_of)
    if latest is not None:
        used = remaining[(remaining["channel_id"] == latest["channel_id"]) & (remaining["reports_since"] > 0)]
        for row in used.itertuples():
            items.append(
                f"**Is {_the(row.channel)} still used?** {_capital(_said_by(list(row.report_speakers)))} since its "
                f"last dated contact, on {_long(row.last_contact, row.last_contact_precision)}, without dating one. "
                "A dated letter or meeting that NATO confirms would restart the count of days."
                + narrative.cite(data, row.report_source_ids)
            )
    if "us_military_dialogue" in status.index and status.at["us_military_dialogue", "status"] == "open":
        periods = data.channel_periods
        opening = periods[
            (periods["channel_id"] == "us_military_dialogue")
            & (periods["status"] == "open")
            & (periods["start_date"] == status.at["us_military_dialogue", "since"])
        ]
        event = data.events.set_index("event_id").loc[opening["start_event_id"].iloc[-1]] if len(opening) else None
        text = (
            f"**Will the US line carry NATO's military talk?** The dialogue agreed on "
            f"{_day(status.at['us_military_dialogue', 'since'])} is a US channel, but its holder is also NATO's "
            "Supreme Allied Commander Europe"
        )
        who = _organisation(data, event.name) if event is not None else None
        if event is not None and _saceur_authority(event):
            text += (
                f", and {who or 'his command'} says that role gives him authority to talk to Russia's chief of the "
                "General Staff"
            )
        text += "."
        if "military_line" in status.index and not pd.isna(status.at["military_line", "last_contact"]):
            last = status.loc["military_line"]
            text += (
                " A dated call between them in his NATO role would be the first NATO military contact on record since "
                f"{_long(last['last_contact'], last['last_contact_precision'])}."
            )
        items.append(text + narrative.cite(data, status.at["us_military_dialogue", "status_source_ids"]))
    if "nrc" in status.index and status.at["nrc", "status"] == "closed":
        whose = _note_attribution(status.at["nrc", "status_note"])
        if whose:
            items.append(
                f"**Does the NATO–Russia Council still exist?** It has been dormant since it last met, and its end "
                f"rests on one account, that of {whose.removeprefix('according to ')}; the record holds no NATO text "
                "that ends it. A NATO decision or statement would settle it."
                + narrative.cite(data, status.at["nrc", "status_source_ids"])
            )
    planned = analysis.watch_list(data, as_of)
    planned = planned[planned["event_date"] > pd.Timestamp(as_of)]
    if len(planned):
        parts = [_planned(row) for row in planned.itertuples()]
        items.append(
            f"**What comes next on the calendar?** {_capital(analysis.join_and(parts))}."
            + narrative.cite(data, _ids(planned))
        )
    if count_end < as_of:
        items.append(
            f"**What happened after {_day(count_end)}?** The record was reviewed to that day; anything later is "
            "not known to this edition."
        )
    return "\n".join(f"- {item}" for item in items)


def assessment_limits() -> str:
    """What the record cannot show (fixed prose: it states no number)."""
    return (
        "The record holds decisions, the acts they followed and the reasons each side gave in public. It does "
        "not hold the deliberations behind them, so it cannot say whether a break was planned before its trigger, "
        "or what either side would accept to reopen a channel."
    )


def assessment_opening(data: Dataset, parameters: ReportParameters) -> str:
    """The assessment's first paragraph: its finding, then where the channels stand and what has opened since."""
    as_of = parameters.as_of
    count_end = analysis.counted_to(data, as_of)
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    counts = status["status"].value_counts()
    _, latest = _contact_state(data, as_of)
    record = suspension_record(data, as_of)
    # The documents behind the headline: the first suspensions still in force, and the last dated contact.
    ids = [ids[0] for ids in record.loc[record["outcome"] != "open", "source_ids"]][:2]
    ids += [] if latest is None else list(latest["last_contact_source_ids"])[:1]
    sentences = [f"**{assessment_headline(data, parameters)}**" + narrative.cite(data, ids)]
    # A closure that rests on one account is counted apart from the rest.
    reported = []
    for row in status[status["status"] == "closed"].itertuples():
        periods = data.channel_periods
        closing = periods[(periods["channel_id"] == row.channel_id) & (periods["status"] == "closed")]
        end = _reported_end(data, row.channel_id, closing["start_event_id"].iloc[-1]) if len(closing) else None
        if end is not None:
            reported.append((row, end))
    # The statuses are already the effective ones (a silent channel counts as dormant, not suspended).
    silent = int(counts.get("dormant", 0))
    opened = int(counts.get("open", 0))
    suspended, closed = int(counts.get("suspended", 0)), int(counts.get("closed", 0)) - len(reported)
    past = count_end < parameters.as_of
    text = (
        f"Of the {_words(len(status))} NATO–Russia channels on record, on {_day(count_end)} {_words(opened)} "
        f"{('was' if past else 'is') if opened == 1 else ('were' if past else 'are')} open, "
        f"{_words(suspended)} suspended"
        + (f", {_words(silent)} dormant" if silent else "")
        + f" and {_words(closed)} closed"
    )
    for row, end in reported:  # the section below says whose account it is; one wording, the tables' "reported …"
        which = "the remaining one, " if len(reported) == 1 else ""
        text += f"; {which}{_the(row.channel)}, {'was' if past else 'is'} reported {end['word']}"
    sentences.append(text + ".")
    summary = open_channel_summary(channel_counts(data, parameters.period_start, count_end), count_end)
    if not summary["is_peak"]:
        periods = data.channel_periods
        opened = periods[
            (periods["status"] == "open")
            & (periods["start_date"] > summary["since"])
            & (periods["start_date"] <= pd.Timestamp(count_end))
        ].sort_values("start_date")
        if len(opened) and not opened["channel_id"].isin(_nato_ids(data)).any():
            parts = [f"{_the(row.channel_name)} ({row.start_date:%B %Y})" for row in opened.itertuples()]
            events = data.events.set_index("event_id")
            ids = [events.at[event_id, "source_ids"][0] for event_id in opened["start_event_id"]]
            sentences.append(
                f"Every channel opened or agreed anew since {summary['since_label']} is American: "
                f"{analysis.join_and(parts)}." + narrative.cite(data, ids)
            )
    return " ".join(sentences)


def key_figures(data: Dataset, parameters: ReportParameters) -> pd.DataFrame:
    """Page one's key figures (`narrative.key_figures`), each row citing its best three documents (official texts
    first), so the overview's source list stays a list a reader can use."""
    table = narrative.key_figures(data, parameters)
    best = [narrative.CITATION.findall(narrative.cite(data, ids)) for ids in table["_source_ids"]]
    return table.assign(_source_ids=[tuple(citation_ids(found[0])) if found else () for found in best])


def council_years(data: Dataset, parameters: ReportParameters) -> tuple[int, int]:
    """The years whose every Council meeting the record holds, as the Council chart counts them
    (`charts.plot_nrc_meetings`); the last year only if the record covers all of it, so no sentence says the
    Council 'did not meet in' a year the editors reviewed only in part."""
    founded = analysis.founding_year(data, "nrc") or analysis.NRC_FULLY_COUNTED_FROM
    first = max(founded, parameters.period_start.year, analysis.NRC_FULLY_COUNTED_FROM)
    end = analysis.counted_to(data, parameters.shown_end)
    last = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    return first, max(first, last)


def break_start(parameters: ReportParameters) -> dt.date:
    """The first day of the aftermath: the break (NATO's expulsions of October 2021), or the period's start if later."""
    return max(parameters.period_start, analysis.BREAK_DATE)


# --- checks the notebooks assert ---------------------------------------------------------------------------


def volume_checks(data: Dataset, parameters: ReportParameters) -> list[tuple[str, object, object]]:
    """What the volume's notebooks assert, as (what, actual, expected): counts that agree across views, and no
    count past the day counts stop."""
    as_of = parameters.as_of
    count_end = analysis.counted_to(data, as_of)
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    counts = channel_counts(data, parameters.period_start, count_end)
    record = suspension_record(data, as_of)
    in_table = analysis.status_table(data, as_of)["status"].str.startswith("open").sum()
    return [
        ("the open channels the step chart ends on", int(counts["open"].iloc[-1]), int(in_table)),
        ("the channels the overview counts", int((status["status"] == "open").sum()), int(in_table)),
        (
            "a suspension counted past the day counts stop",
            bool((record["end_date"] > pd.Timestamp(count_end)).any()),
            False,
        ),
        ("the day counts stop falling after the as-of date", count_end > as_of, False),
    ]
