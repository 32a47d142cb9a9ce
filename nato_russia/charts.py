"""The report's charts, in one house style.

Each `plot_…` function takes the data (cut to the as-of date) and the run's parameters and returns
a `Chart`: the matplotlib figure plus its name, a one-sentence alt text, a caption and the sources
it draws on. House style: a title that states the finding, dated axes, direct labels instead of
legends where they fit, the Okabe–Ito colour-blind-safe palette, and a source line with the as-of
date on the figure itself. Dates known only to the month, season or year are drawn as spans, and
claims only the DW article makes are drawn hollow and labelled as the article's.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # charts are saved and embedded, never shown in a window
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from nato_russia import analysis  # noqa: E402
from nato_russia.data import Dataset  # noqa: E402
from nato_russia.params import ReportParameters  # noqa: E402

# Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, VERMILION, GREEN, SKY, GREY, INK = (
    "#0072B2",
    "#E69F00",
    "#D55E00",
    "#009E73",
    "#56B4E9",
    "#9A9A9A",
    "#222222",
)
PURPLE = "#CC79A7"
# One meaning per colour across every chart. Statuses also differ in lightness (open dark, suspended light,
# closed a thin grey rule) and event kinds in marker shape, so greyscale prints stay readable.
STATUS_COLOURS = {"open": BLUE, "suspended": ORANGE, "dormant": "#EAD9B8", "closed": GREY}
WAR, ENLARGEMENT, NEUTRAL, MEETINGS = PURPLE, GREEN, "#555555", SKY
CAP_COLOUR, IN_POST_COLOUR = INK, VERMILION
# Heights (fraction of the axis) of the rows that carry the staffing chart's decision labels.
LABEL_ROWS = (0.98, 0.88, 0.78, 0.68, 0.58)
# Width of one character of an 8.5 pt label, as a fraction of the chart's plot width.
LABEL_CHAR_WIDTH = 0.014
# A grade below H is drawn fainter, so the eye weighs it less.
CONFIDENCE_ALPHA = {"H": 1.0, "M": 0.55, "L": 0.35, "unverified": 0.35}
WIDTH_IN = 7.2  # fits A4 text width at 100 %
# Characters per line that fit WIDTH_IN: titles at 11 pt bold, source lines at 7 pt.
TITLE_CHARS, SOURCE_CHARS = 72, 118

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlelocation": "left",
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.edgecolor": "#555555",
        "axes.labelcolor": INK,
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "svg.fonttype": "none",
        # Fixed SVG ids (clip paths, markers): random by default, so two saves of one chart would differ.
        "svg.hashsalt": "nato_russia",
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.15,
    }
)


@dataclass
class Mark:
    """A drawn element that stands for a fact: what a pointer resting on it names, and the row it links to."""

    artist: object
    title: str
    anchor: str | None = None  # the id of the fact's row in the report ("fact-…", "channel-…"), if it has one


@dataclass
class Chart:
    """A finished chart and what a reader who cannot see it needs.

    `data` is exactly what is drawn, one row per mark (dates as ISO text, units in the column names): the
    table behind the chart that a reader can download. `marks` name the fact behind each marker, bar and
    lane segment, for the screen edition's chart (an SVG whose elements carry titles and links).
    """

    figure: plt.Figure
    name: str
    alt_text: str
    caption: str
    source_ids: set[str]
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    marks: list[Mark] = field(default_factory=list)


def _iso(date) -> str:
    return "" if date is None or pd.isna(date) else pd.Timestamp(date).strftime("%Y-%m-%d")


_EVENT_COLUMNS = ["kind", "date", "date_precision", "event", "grade", "fact_id"]


def _event_row(kind: str, row) -> dict:
    """One drawn event as a row of a chart's data: what kind of mark, its date, the event, its grade and id."""
    return {
        "kind": kind,
        "date": _iso(row.event_date),
        "date_precision": str(row.date_precision),
        "event": row.title,
        "grade": str(row.confidence),
        "fact_id": row.event_id,
    }


# Official texts first, then wire services, newspapers, analysis and reference works.
SOURCE_TYPE_ORDER = ("official", "wire", "news", "analysis", "reference")


def source_publishers(data: Dataset, source_ids: set[str]) -> list[str]:
    """The publishers behind a set of source ids, each once: official texts first, then wires, then the rest.

    A copy read on another site counts as its original's ("Associated Press (via Topix)" is the AP).
    """
    sources = data.sources[data.sources["source_id"].isin(source_ids)]
    ranked: dict[str, tuple] = {}
    for publisher, kind in zip(sources["publisher"], sources["source_type"]):
        name = re.sub(r"\s*\((?:via|read on|as republished)[^)]*\)\s*$", "", str(publisher)).strip()
        rank = SOURCE_TYPE_ORDER.index(kind) if kind in SOURCE_TYPE_ORDER else len(SOURCE_TYPE_ORDER)
        count = ranked.get(name, (rank, 0))[1] + 1
        ranked[name] = (min(rank, ranked.get(name, (rank, 0))[0]), count)
    return sorted(ranked, key=lambda name: (ranked[name][0], -ranked[name][1], name))


def footer_dates(data: Dataset, parameters: ReportParameters) -> str:
    """'Record reviewed to 1 Jul 2026; edition of 3 Dec 2026': what every chart's footer says of how current it
    is, the day the facts describe first (as the page heads say it).

    An edition dated before the review (as known then) says so instead, without naming the later date.
    """
    reviewed = analysis.counted_to(data, parameters.as_of)
    if reviewed < parameters.as_of:
        return f"Record reviewed to {reviewed:%-d %b %Y}; edition of {parameters.as_of:%-d %b %Y}."
    return f"As of {parameters.as_of:%-d %b %Y}, as known that day."


def _source_line(figure: plt.Figure, data: Dataset, source_ids: set[str], parameters: ReportParameters) -> None:
    publishers = source_publishers(data, source_ids)
    shown = ", ".join(publishers[:4]) + (f" and {len(publishers) - 4} more" if len(publishers) > 4 else "")
    line = f"Sources: {shown}; compiled in the NATO–Russia dataset. {footer_dates(data, parameters)}"
    figure.text(
        0.01,
        -0.01,
        textwrap.fill(line, SOURCE_CHARS),
        fontsize=8,
        color="#555555",
        ha="left",
        va="top",
    )


def _title(axis, text: str) -> None:
    """A finding as the title, wrapped so it never runs past the figure."""
    # A figure-level title starts at the figure's left edge, not after the lane labels, so it has the full width.
    axis.figure.suptitle(textwrap.fill(text, TITLE_CHARS), x=0.01, ha="left", fontsize=11, fontweight="bold")


def _date_axis(axis, start: dt.date, end: dt.date) -> None:
    axis.set_xlim(pd.Timestamp(start), pd.Timestamp(end))
    years = (end - start).days / 365.25
    step = 1 if years <= 12 else 2 if years <= 20 else 5
    axis.xaxis.set_major_locator(mdates.YearLocator(step))
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    if years <= 3:
        axis.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10]))
        axis.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))


# --- 1. staffing -------------------------------------------------------------------------------


def _free_label_row(
    taken: list[list[tuple[float, float]]], span: tuple[float, float], at: float, rows_needed: int
) -> int:
    """The first label row where a label of this span fits and its leader line, down from it, crosses no label."""
    for row in range(len(taken) - rows_needed + 1):
        fits = all(span[1] < a or span[0] > b for spans in taken[row : row + rows_needed] for a, b in spans)
        uncrossed = all(not a <= at <= b for spans in taken[row + rows_needed :] for a, b in spans)
        if fits and uncrossed:
            return row
    return len(taken) - rows_needed


def plot_staffing(data: Dataset, parameters: ReportParameters) -> Chart:
    """Russia's mission to NATO: caps as a step line, staff in post as dots, each decision annotated."""
    steps = analysis.staffing_steps(data)
    cuts = analysis.expulsions(data)
    end = pd.Timestamp(parameters.shown_end)
    figure, axis = plt.subplots(figsize=(WIDTH_IN, 3.8), layout="constrained")
    if steps.empty:
        axis.text(0.5, 0.5, "No staffing figure is known by the as-of date", ha="center", transform=axis.transAxes)
        _date_axis(axis, parameters.period_start, parameters.shown_end)
        _title(axis, "No figure on the size of Russia's mission to NATO is known yet")
        _source_line(figure, data, set(), parameters)
        return Chart(figure, "staffing", "An empty chart: no staffing figure is known by the as-of date.", "", set())
    in_force = steps[~steps["is_pending"]]
    caps = in_force[in_force["measure"] == "staff_cap"]
    pending = steps[steps["is_pending"] & (steps["measure"] == "staff_cap")]
    in_post = data.staffing[
        (data.staffing["body_id"] == analysis.RUSSIA_MISSION)
        & (data.staffing["measure"] == "staff_in_post")
        & (data.staffing["confidence"] != "unverified")
        & ~data.staffing["is_pending"]
    ]
    suspension = analysis.mission_suspension(data)
    stop = end
    if suspension is not None and not suspension.is_pending:
        stop = min(end, suspension.event_date)
        # After the mission stopped work there is nothing to draw: the axis ends a year and a half later.
        end = min(end, suspension.event_date + pd.DateOffset(months=18))
    first_figure = min(steps["effective_date"].min(), in_post["effective_date"].min() if len(in_post) else end)
    # A year and a half of room before the first figure holds its label.
    axis_start = max(pd.Timestamp(parameters.period_start), first_figure - pd.DateOffset(months=18))
    marks: list[Mark] = []
    # Caps: a step line; a cap phased in over months is drawn as a slope from the staff then in post.
    for number, row in enumerate(caps.itertuples()):
        cap_title = f"Cap of {row.staff_count} from {analysis.format_date(row.effective_date, row.date_precision)}"
        following = caps["effective_date"].iloc[number + 1] if number + 1 < len(caps) else stop
        # A cap that took effect the day the mission stopped work is still drawn, as a short step.
        following = max(following, row.effective_date + pd.DateOffset(months=2))
        start_level = row.staff_count
        if not pd.isna(row.phase_in_months) and len(in_post):
            before = in_post[in_post["effective_date"] <= row.effective_date]
            if len(before):
                start_level = int(before["staff_count"].iloc[-1])
                ramp_end = row.effective_date + pd.DateOffset(months=int(row.phase_in_months))
                axis.plot(
                    [row.effective_date, ramp_end],
                    [start_level, row.staff_count],
                    color=CAP_COLOUR,
                    linewidth=1.4,
                    linestyle=(0, (3, 2)),
                )
                # Just above the new cap, right of the slope's foot: clear of the slope and of the labels' leaders.
                axis.annotate(
                    f"phased in over\n{int(row.phase_in_months)} months",
                    (ramp_end, row.staff_count),
                    xytext=(6, 6),
                    textcoords="offset points",
                    ha="left",
                    va="bottom",
                    fontsize=8,
                    color=INK,
                )
                (line,) = axis.plot([ramp_end, following], [row.staff_count] * 2, color=CAP_COLOUR, linewidth=2.2)
                marks.append(Mark(line, cap_title, analysis.fact_anchor(row.staffing_id)))
                continue
        (line,) = axis.plot([row.effective_date, following], [row.staff_count] * 2, color=CAP_COLOUR, linewidth=2.2)
        marks.append(Mark(line, cap_title, analysis.fact_anchor(row.staffing_id)))
    for earlier, later in zip(caps.itertuples(), list(caps.itertuples())[1:]):
        axis.plot([later.effective_date] * 2, [earlier.staff_count, later.staff_count], color=CAP_COLOUR, linewidth=1)
    # Staff in post: dots, so a count is never mistaken for a ceiling (one artist each, so each names its fact).
    for row in in_post.itertuples():
        dot = axis.scatter([row.effective_date], [int(row.staff_count)], s=30, color=IN_POST_COLOUR, zorder=4)
        about = "about " if row.is_approximate else ""
        when = analysis.format_date(row.effective_date, row.date_precision)
        marks.append(Mark(dot, f"{about}{row.staff_count} in post, {when}", analysis.fact_anchor(row.staffing_id)))
    cap_levels = set(caps["staff_count"].astype(int))
    for row in in_post.itertuples():
        prefix = "about " if row.is_approximate else ""
        # Above the dot and to its left, unless a cap line runs just above it: then below.
        below = any(0 <= level - row.staff_count <= 8 for level in cap_levels)
        near_left = row.effective_date < axis_start + (end - axis_start) / 8  # no room to its left
        axis.annotate(
            f"{prefix}{row.staff_count}\nin post",
            (row.effective_date, row.staff_count),
            xytext=(4 if near_left else -4, -7 if below else 7),
            textcoords="offset points",
            ha="left" if near_left else "right",
            va="top" if below else "bottom",
            fontsize=8,
            color=IN_POST_COLOUR,
        )
    # Each decision's label sits in a band above the data, in the first row where it overlaps no other
    # label; a thin leader line drops from the label's corner to the step it explains.
    labels = []
    for row in caps.itertuples():
        cut = cuts[cuts["event_id"] == row.event_id]
        label = f"{analysis.format_date(row.effective_date, row.date_precision)}: cap {row.staff_count}"
        if len(cut):
            parts = [
                f"{int(cut[measure].iloc[0])} {word}"
                for measure, word in (
                    ("staff_expelled", "expelled"),
                    ("accreditations_refused", "refused"),
                    ("posts_abolished", "posts abolished"),
                )
                if int(cut[measure].iloc[0])
            ]
            decided = row.decided_date
            if not pd.isna(decided) and decided < row.effective_date:
                # Expelled on the day of the decision, capped from a later day: the label says both, at the
                # decision's date (6 Oct 2021: eight expelled; the cap of 10 from 1 Nov).
                label = (
                    f"{analysis.format_date(decided, 'day')}: " + ", ".join(parts) + f"\ncap {row.staff_count} from "
                    f"{analysis.format_date(row.effective_date, row.date_precision)}"
                )
                labels.append((decided, row.staff_count, label, row.effective_date))
                continue
            label += "\n" + "\n".join(parts)
        labels.append((row.effective_date, row.staff_count, label, row.effective_date))
    announced = [
        f"cap {row.staff_count} from {analysis.format_date(row.effective_date, row.date_precision)}"
        for row in pending.itertuples()
    ]
    if suspension is not None:
        when = analysis.format_date(suspension.event_date, suspension.date_precision)
        if suspension.is_pending:
            announced.append(f"mission suspended\nfrom {when}")
        else:
            axis.axvline(suspension.event_date, color=ORANGE, linewidth=1.2)
            same_day = [i for i, (*_, anchor) in enumerate(labels) if anchor == suspension.event_date]
            if same_day:  # a cut taking effect the day of the suspension shares its label
                date, level, text, anchor = labels[same_day[0]]
                addition = "Russia suspends mission" if date == anchor else f"{when}: Russia suspends mission"
                labels[same_day[0]] = (date, level, text + "\n" + addition, anchor)
            else:
                labels.append((suspension.event_date, None, f"{when}: mission\nsuspended by Russia", None))
    if announced:
        labels.append((end, None, "\n".join(["announced:", *announced]), None))
    taken: list[list[tuple[float, float]]] = [[] for _ in LABEL_ROWS]
    for date, level, label, anchor in labels:
        at = (date - axis_start) / (end - axis_start)
        lines = label.split("\n")
        width = LABEL_CHAR_WIDTH * max(map(len, lines))
        right = at + width > 0.98  # a label that would run past the plot reads leftwards from its date
        span = (at - width, at) if right else (at, at + width)
        row = _free_label_row(taken, span, at, rows_needed=(len(lines) + 1) // 2)
        for occupied in taken[row : row + (len(lines) + 1) // 2]:
            occupied.append(span)
        if level is not None:
            for below in taken[row + (len(lines) + 1) // 2 :]:
                below.append((at, at))  # the leader line runs down through these rows
        # A space on the side of the date keeps the text clear of its leader line and of any rule drawn there.
        label = "\n".join(f"{line} " if right else f" {line}" for line in lines)
        axis.annotate(
            label,
            (anchor if anchor is not None else date, level if level is not None else 0),
            xytext=(date, LABEL_ROWS[row]),
            textcoords=("data", "axes fraction"),
            ha="right" if right else "left",
            va="top",
            fontsize=8.5,
            color=INK,
            # A white ground under the text, so an earlier label's leader line never strikes through it.
            bbox=dict(facecolor="white", edgecolor="none", pad=0.2),
            arrowprops=None
            if level is None
            else dict(arrowstyle="-", color="#888888", linewidth=0.6, relpos=(1 if right else 0, 0), shrinkB=2),
        )
    top = max(steps["staff_count"].astype(int).max(), int(in_post["staff_count"].max()) if len(in_post) else 0)
    first = steps.iloc[0]
    opening = (
        f"about {first.staff_count} in post" if first.measure == "staff_in_post" else f"a cap of {first.staff_count}"
    )
    counted = in_post[in_post["effective_date"] <= stop]
    if len(counted):
        # From the range of the counts before the last (a peak alone hides the lower count beside it: about
        # 70 in 2014, about 50 in 2015), then the last one before the end.
        ordered = counted.sort_values("effective_date")
        last = ordered.iloc[-1]
        earlier = ordered.iloc[:-1] if len(ordered) > 1 else ordered
        counts = earlier["staff_count"].astype(int)
        years = earlier["effective_date"].dt.year
        about = "about " if earlier["is_approximate"].astype(bool).any() else ""
        span = f"{years.min()}–{years.max()}" if years.min() != years.max() else f"{years.min()}"
        amount = f"{counts.min()}–{counts.max()}" if counts.min() != counts.max() else f"{counts.max()}"
        opening = f"{about}{amount} in post ({span})"
        if len(ordered) > 1:
            opening += f" to {'about ' if last.is_approximate else ''}{last.staff_count} ({last.effective_date:%Y})"
    if suspension is not None and not suspension.is_pending:
        closing = f"suspension in {suspension.event_date:%B %Y}"
    elif suspension is not None:
        closing = f"suspension announced for {suspension.event_date:%-d %B %Y}"
    elif len(pending):
        closing = f"a cap of {pending['staff_count'].iloc[0]} due on {pending['effective_date'].iloc[0]:%-d %B %Y}"
    elif len(caps):
        closing = f"a cap of {caps['staff_count'].iloc[-1]}"
    else:
        closing = opening
    joined = ", then " if " to " in opening else " to "
    _title(axis, f"Russia's mission to NATO: from {opening}{joined}{closing}")
    # The upper third of the axis is the band for the decisions' labels: no scale is drawn there.
    axis.set_ylim(0, top * 1.9)
    tick = 20 if top > 40 else 10
    axis.set_yticks(range(0, (int(top) // tick + 1) * tick + 1, tick))
    _date_axis(axis, axis_start.date(), end.date())
    axis.set_xlim(right=end + (end - axis_start) * 0.02)  # room for a dot on the last day
    axis.set_ylabel("people")
    source_ids = analysis.sources_of(steps, in_post) | analysis.sources_of(
        data.staffing[data.staffing["event_id"].isin(cuts["event_id"])]
    )
    _source_line(figure, data, source_ids, parameters)
    alt = (
        "Chart of the size of Russia's mission to NATO: "
        + ", ".join(
            (f"about {row.staff_count} in post " if row.measure == "staff_in_post" else f"cap {row.staff_count} from ")
            + analysis.format_date(row.effective_date, row.date_precision)
            + (" (announced)" if row.is_pending else "")
            for row in steps.itertuples()
        )
        + "."
    )
    caption = (
        "Russia's mission to NATO. The black line is the cap NATO set on its size (dashed while a cap was being "
        "phased in); orange dots are staff actually in post. Each step is a NATO decision, with the expulsions "
        "that came with it"
    )
    if suspension is not None and not suspension.is_pending:
        caption += "; the orange rule marks Russia's suspension of the mission"
    caption += "; decisions announced but not yet in force are noted at the right." if announced else "."
    drawn = pd.concat([caps.assign(kind="cap"), pending.assign(kind="cap (announced)"), in_post.assign(kind="in post")])
    table = pd.DataFrame(
        {
            "date": [_iso(d) for d in drawn["effective_date"]],
            "date_precision": drawn["date_precision"].astype(str).tolist(),
            "measure": drawn["kind"].tolist(),
            "people": drawn["staff_count"].astype(int).tolist(),
            "is_approximate": drawn["is_approximate"].astype(bool).tolist(),
            "grade": drawn["confidence"].astype(str).tolist(),
            "fact_id": drawn["staffing_id"].astype(str).tolist(),
        }
    ).sort_values(["date", "measure"], kind="stable")
    return Chart(figure, "staffing", alt, caption, source_ids, table.reset_index(drop=True), marks)


# --- 2. thirty years of cooperation and suspension -------------------------------------------------


def plot_swimlanes(data: Dataset, parameters: ReportParameters, turning_points: bool = False) -> Chart:
    """One lane per channel: open, suspended or closed over time, with numbered milestones above.

    `turning_points` marks only the milestones that opened, suspended or closed a channel, and the wars
    (the brief); otherwise every milestone (the analysis).
    """
    start, end = parameters.period_start, parameters.shown_end
    reviewed = pd.Timestamp(analysis.counted_to(data, end))
    # One lane for each NATO–Russia channel recorded by the end shown, the counted channels of every table and
    # sentence; one closed before the window opens still gets its lane, as a thin rule.
    recorded = analysis.nato_russia_channels(analysis.channel_status(data, end), data)
    shown_channels = data.channels[data.channels["channel_id"].isin(recorded["channel_id"])].sort_values(
        "display_order"
    )
    periods = data.channel_periods.assign(status=analysis.effective_statuses(data.channel_periods, data))
    periods = periods[
        periods["channel_id"].isin(recorded["channel_id"])
        & (periods["start_date"] <= pd.Timestamp(end))
        & (periods["end_date"].isna() | (periods["end_date"] >= pd.Timestamp(start)) | (periods["status"] == "closed"))
    ]
    lanes = {channel_id: index for index, channel_id in enumerate(shown_channels["channel_id"])}
    height = 1.9 + 0.46 * len(lanes)
    # The key gets its own row of the layout, so it can never overlap the lanes or the source line.
    figure, (axis, key) = plt.subplots(
        2, 1, figsize=(WIDTH_IN, height), height_ratios=[len(lanes) + 2, 1.2], layout="constrained"
    )
    key.axis("off")
    end_ts = pd.Timestamp(end)
    chart_marks: list[Mark] = []
    drawn: list[dict] = []
    for period in periods.itertuples():
        lane = lanes[period.channel_id]
        period_end = end_ts if pd.isna(period.end_date) else min(period.end_date, end_ts)
        fuzzy_start, fuzzy_stop = analysis.date_span(period.start_date, period.start_precision)
        fuzzy_start, fuzzy_stop = max(fuzzy_start, pd.Timestamp(start)), max(fuzzy_stop, pd.Timestamp(start))
        # A period only days long in a decades-wide window still gets a visible sliver.
        period_end = max(period_end, fuzzy_stop + (end_ts - pd.Timestamp(start)) / 150)
        colour = STATUS_COLOURS[period.status]
        alpha = CONFIDENCE_ALPHA[period.confidence]
        # A closed channel is drawn as a thin rule: it is gone, and should not weigh like a live one.
        half = 0.06 if period.status == "closed" else 0.24
        bar = axis.broken_barh(
            [(mdates.date2num(fuzzy_stop), mdates.date2num(period_end) - mdates.date2num(fuzzy_stop))],
            (lane - half, 2 * half),
            facecolors=colour,
            alpha=alpha,
            edgecolor="none",
        )
        since = analysis.format_date(period.start_date, period.start_precision)
        until = "" if pd.isna(period.end_date) else f" to {analysis.format_date(period.end_date, period.end_precision)}"
        chart_marks.append(
            Mark(
                bar,
                f"{period.channel_name}: {period.status} from {since}{until}",
                analysis.channel_anchor(period.channel_id),
            )
        )
        drawn.append(
            {
                "kind": "period",
                "channel": period.channel_name,
                "status": period.status,
                "start_date": _iso(period.start_date),
                "start_precision": str(period.start_precision),
                "end_date": _iso(period.end_date),
                "grade": str(period.confidence),
                "fact_id": period.start_event_id,
            }
        )
        # The stretch in which an imprecise start may lie is drawn hatched, not solid.
        axis.broken_barh(
            [(mdates.date2num(fuzzy_start), mdates.date2num(fuzzy_stop) - mdates.date2num(fuzzy_start))],
            (lane - half, 2 * half),
            facecolors="white",
            edgecolor=colour,
            hatch="////" if period.start_precision != "day" else None,
            linewidth=0,
            alpha=alpha,
        )
    # A line older than its first record here (the Secretary General's meetings with Lavrov from 2015) would
    # read as new: its bar's start says it is only where the record picks it up.
    for period in analysis.late_entrants(data).itertuples():
        if period.channel_id in lanes and pd.Timestamp(start) < period.start_date <= end_ts:
            axis.text(
                period.start_date - pd.Timedelta(days=60),
                lanes[period.channel_id],
                "older line, first on record here ▸",
                ha="right",
                va="center",
                fontsize=7.5,
                color="#555555",
                style="italic",
                bbox=dict(facecolor="white", edgecolor="none", pad=0.6),
                zorder=5,
            )
    # Each meeting or contact on a lane is a white tick, so gaps in contact (the NRC after June 2014) show.
    contacts = analysis.verified_contacts(data)
    contacts = contacts[
        contacts["channel_id"].isin(lanes) & contacts["event_date"].between(pd.Timestamp(start), end_ts)
    ]
    nrc = analysis.nrc_meetings(data)
    contacts = pd.concat([contacts, nrc[nrc["event_date"].between(pd.Timestamp(start), end_ts)]]).drop_duplicates(
        "event_id"
    )
    for row in contacts.itertuples():
        if row.channel_id in lanes:
            lane = lanes[row.channel_id]
            (tick,) = axis.plot(
                [row.event_date] * 2, [lane - 0.23, lane + 0.23], color="white", linewidth=0.9, zorder=3
            )
            when = analysis.format_date(row.event_date, row.date_precision)
            chart_marks.append(Mark(tick, f"{row.title} ({when})", analysis.fact_anchor(row.event_id)))
            drawn.append(_event_row("contact", row))
    # An attempt to reach the other side that went unanswered is a cross on its lane.
    failed = analysis.done_events(data)
    failed = failed[(failed["category"] == "failed_contact") & failed["channel_id"].isin(lanes)]
    for row in failed[failed["event_date"].between(pd.Timestamp(start), end_ts)].itertuples():
        cross = axis.scatter(
            [row.event_date], [lanes[row.channel_id]], marker="x", s=28, color=INK, linewidth=1.3, zorder=4
        )
        when = analysis.format_date(row.event_date, row.date_precision)
        chart_marks.append(Mark(cross, f"{row.title} ({when})", analysis.fact_anchor(row.event_id)))
        drawn.append(_event_row("unanswered attempt", row))
    # Past the record's review date nothing is known: that stretch is shaded, not drawn as a status.
    if reviewed < end_ts:
        axis.axvspan(reviewed, end_ts, facecolor="white", edgecolor="#BBBBBB", hatch="....", linewidth=0, zorder=2.5)
    # Each lane is named just above its bar, at the left: the bars get the chart's whole width.
    axis.set_yticks([])
    for channel_id, name in zip(shown_channels["channel_id"], shown_channels["channel_name"]):
        axis.text(
            0.0,
            lanes[channel_id] - 0.29,
            name,
            transform=axis.get_yaxis_transform(),
            ha="left",
            va="bottom",
            fontsize=8,
            color=INK,
            zorder=5,
            bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none"),
        )
    axis.invert_yaxis()
    axis.tick_params(axis="y", length=0)
    axis.spines["left"].set_visible(False)
    _date_axis(axis, start, end)
    marks = analysis.milestones(data, start, end, turning_points)
    for row in marks.itertuples():
        axis.axvline(row.event_date, color="#666666", linewidth=0.5, linestyle=":", zorder=0)
    # Milestones closer than 1/40 of the window share one label ("14–18"), so no number hides another.
    closeness = pd.Timedelta(days=max((end - start).days / 22, 1))
    groups: list[list] = []
    for row in marks.itertuples():
        if groups and row.event_date - groups[-1][0].event_date < closeness:
            groups[-1].append(row)
        else:
            groups.append([row])
    for index, group in enumerate(groups):
        label = str(group[0].number) if len(group) == 1 else f"{group[0].number}–{group[-1].number}"
        for row in group:
            drawn.append(_event_row("key event", row) | {"number": row.number})
        names = "; ".join(
            f"{row.number}. {row.title} ({analysis.format_date(row.event_date, row.date_precision)})" for row in group
        )
        marker = axis.annotate(
            label,
            (group[0].event_date, -0.7 - 0.5 * (index % 3)),
            ha="left" if len(group) > 1 else "center",
            va="center",
            fontsize=7.5,
            color="white",
            bbox=dict(boxstyle="round,pad=0.25", facecolor=_milestone_colour(group), edgecolor="none"),
            annotation_clip=False,
        )
        chart_marks.append(Mark(marker, names, analysis.fact_anchor(group[0].event_id)))
    axis.set_ylim(len(lanes) - 0.5, -2.0)
    drawn_statuses = set(periods["status"])
    legend = [
        Patch(facecolor=colour, label=status)
        for status, colour in STATUS_COLOURS.items()
        if status in drawn_statuses or status != "dormant"
    ]
    legend.append(Patch(facecolor="white", edgecolor=INK, hatch="////", label="start known only to month/year"))
    legend.append(Patch(facecolor=BLUE, alpha=0.45, label="fainter: graded M or lower"))
    colours = {_milestone_colour(group) for group in groups}
    if WAR in colours:
        legend.append(Patch(facecolor=WAR, label="key event: war"))
    if ENLARGEMENT in colours:
        legend.append(Patch(facecolor=ENLARGEMENT, label="key event: enlargement"))
    if INK in colours:
        legend.append(Patch(facecolor=INK, label="key events" if len(colours) == 1 else "other key events"))
    if len(failed):
        legend.append(Line2D([], [], marker="x", linestyle="", color=INK, label="unanswered attempt to reach Russia"))
    if reviewed < end_ts:
        legend.append(Patch(facecolor="white", edgecolor="#BBBBBB", hatch="....", label="after the record's review"))
    key.legend(handles=legend, loc="center", ncol=3, fontsize=8, frameon=False)
    open_now = int((recorded["status"] == "open").sum())
    # Changes announced by the as-of date but not yet in force are noted at the lane's right end.
    for row in recorded[recorded["announced_status"].notna()].itertuples():
        if row.channel_id in lanes:
            when = analysis.format_date(row.announced_from, row.announced_from_precision)
            _lane_end_note(
                axis,
                f"to be {row.announced_status} from {when}",
                lanes[row.channel_id],
                end,
                STATUS_COLOURS[row.announced_status],
            )
    # A change too recent to show as a bar of its own (a few days before the drawing ends) is named at the lane's end.
    recent = recorded[
        recorded["announced_status"].isna()
        & recorded["since"].notna()
        & (recorded["since"] > pd.Timestamp(reviewed) - pd.Timedelta(days=60))
        & (recorded["status"] != "open")
    ]
    for row in recent.itertuples():
        if row.channel_id in lanes:
            when = analysis.format_date(row.since, row.since_precision)
            _lane_end_note(
                axis, f"{row.status} from {when}", lanes[row.channel_id], end, STATUS_COLOURS.get(row.status, INK)
            )
    past = reviewed.date() < parameters.as_of  # counts stop at the review: what was true then, in the past tense
    verb = ("was" if past else "is") if open_now == 1 else ("were" if past else "are")
    _title(axis, f"Of {len(recorded)} channels between NATO and Russia, {open_now} {verb} open on {reviewed:%-d %B %Y}")
    bounds = set(periods["start_event_id"]) | set(periods["end_event_id"].dropna())
    source_ids = analysis.sources_of(data.events[data.events["event_id"].isin(bounds)], marks)
    _source_line(figure, data, source_ids, parameters)
    alt = (
        f"Swimlane chart of {len(lanes)} NATO–Russia channels from {start.year} to {end.year}, showing when each "
        f"was open, suspended or closed; {open_now} of the {len(recorded)} are open on {reviewed:%-d %B %Y}."
    )
    caption = (
        "Channels of cooperation and contact, by status; white ticks are dated meetings and contacts on a channel. "
        "Numbered markers point to the key events listed in the table below. "
        "A hatched start means the date is known only to the month or year; fainter bars rest on "
        "weaker evidence. A line marked as older is drawn from its first dated contact in the record, not from its "
        "beginning."
    )
    if reviewed < end_ts:
        caption += f" The dotted stretch after {reviewed:%-d %B %Y}, the day the record was reviewed to, is unknown."
    table = pd.DataFrame(
        drawn, columns=[*_EVENT_COLUMNS, "channel", "status", "start_date", "start_precision", "end_date", "number"]
    )
    return Chart(figure, "swimlanes", alt, caption, source_ids, table, chart_marks)


def _milestone_colour(group: list) -> str:
    """A milestone marker takes the colour of its kind (war, enlargement) when the whole group shares it."""
    kinds = {row.category for row in group}
    if kinds == {"conflict"}:
        return WAR
    if kinds == {"enlargement"}:
        return ENLARGEMENT
    return INK


def plot_nrc_meetings(data: Dataset, parameters: ReportParameters, first_year: int | None = None) -> Chart:
    """NATO–Russia Council meetings per year, from the Council's creation (or the period's start) on.

    Before 2014 the Council met routinely (ambassadors at least monthly, ministers twice a year), and the
    record holds only its summits and the meetings around the 2008–09 suspension; those years are drawn
    as a band, not as counts that would read as a quiet decade. From 2014 every meeting is counted.
    """
    founded = analysis.founding_year(data, "nrc") or 2002
    first_year = max(first_year or founded, parameters.period_start.year, founded)
    last_year = min(analysis.counted_to(data, parameters.shown_end).year, parameters.shown_end.year)
    counted_from = max(first_year, analysis.NRC_FULLY_COUNTED_FROM)
    counts = analysis.nrc_meetings_per_year(data, counted_from, last_year) if last_year >= counted_from else None
    figure, axis = plt.subplots(figsize=(WIDTH_IN, 2.9), layout="constrained")
    top = max(int(counts.max()) if counts is not None and len(counts) else 1, 1)
    if first_year < counted_from:
        axis.axvspan(first_year - 0.45, counted_from - 0.55, facecolor=SKY, alpha=0.18, edgecolor="none")
        axis.text(
            first_year - 0.3,
            top * 0.95,
            "met routinely:\nambassadors monthly,\nministers twice a year\n(meetings not counted)",
            ha="left",
            va="top",
            fontsize=8,
            color=INK,
            bbox=dict(boxstyle="square,pad=0.2", facecolor="white", edgecolor="none"),
            zorder=5,
        )
        hold = data.channel_periods[
            (data.channel_periods["channel_id"] == "nrc") & (data.channel_periods["status"] == "suspended")
        ]
        for period in hold.itertuples():
            if period.start_date.year < counted_from:
                left = period.start_date.year + (period.start_date.dayofyear - 1) / 365.25 - 0.5
                right = period.end_date.year + (period.end_date.dayofyear - 1) / 365.25 - 0.5
                axis.axvspan(left, right, facecolor=ORANGE, alpha=0.5, edgecolor="none")
                axis.text((left + right) / 2, top * 1.12, "on hold", ha="center", fontsize=8, color=INK)
    chart_marks: list[Mark] = []
    held = analysis.nrc_meetings(data).sort_values("event_date")
    if counts is not None:
        bars = axis.bar(counts.index, counts.values, color=MEETINGS, width=0.65)
        axis.bar_label(bars, labels=[str(value) for value in counts.values], padding=2, fontsize=8)
        for bar, (year, value) in zip(bars, counts.items()):
            those = held[held["event_date"].dt.year == year]
            days = ", ".join(f"{d.day} {d:%b}" for d in those["event_date"])
            title = f"{year}: {value} meeting{'s' if value != 1 else ''}" + (f" ({days})" if days else "")
            chart_marks.append(
                Mark(bar, title, analysis.fact_anchor(those["event_id"].iloc[0]) if len(those) else None)
            )
    years = list(range(first_year, last_year + 1))
    step = 1 if len(years) <= 12 else 2
    ticks = years[::step] if years[-1] in years[::step] else years[::step] + [years[-1]]
    reviewed = analysis.counted_to(data, parameters.shown_end)
    # A last year the record covers only in part says how far: its count is not a whole year's.
    partial = reviewed.year == last_year and (reviewed.month, reviewed.day) != (12, 31)
    axis.set_xticks(ticks, [f"{y}\n(to {reviewed:%-d %b})" if partial and y == last_year else str(y) for y in ticks])
    axis.tick_params(axis="x", labelsize=8)
    axis.set_xlim(first_year - 0.6, last_year + 0.6)
    axis.set_yticks([])
    axis.spines["left"].set_visible(False)
    axis.set_ylim(0, top * 1.3)
    quiet = [str(year) for year, value in counts.items() if value == 0] if counts is not None else []
    if counts is not None:
        reviewed_to = analysis.counted_to(data, parameters.shown_end)
        to = f"{reviewed_to:%-d %b %Y}" if (reviewed_to.month, reviewed_to.day) != (12, 31) else str(last_year)
        title = f"NATO–Russia Council: {counts.sum()} meetings from {counted_from} to {to}"
        last_meeting = analysis.nrc_meetings(data)["event_date"].max()
        if not pd.isna(last_meeting) and last_meeting.year < last_year:
            title += f", none after {last_meeting:%B %Y}"
        elif quiet:
            title += f", none in {analysis.join_and(quiet)}"
    else:
        title = f"NATO–Russia Council meetings from {first_year} to {last_year}"
    _title(axis, title)
    meetings = analysis.nrc_meetings(data)
    shown = meetings[meetings["event_date"].dt.year.between(counted_from, last_year)]
    background = data.events[data.events["event_id"] == "ev_2002_05_28_nrc_created"]
    source_ids = analysis.sources_of(shown)
    if first_year < counted_from:
        source_ids |= {sid for sid in analysis.sources_of(background) if sid.startswith("sputnik_2019_07_05")}
    _source_line(figure, data, source_ids, parameters)
    alt = "Bar chart of NATO–Russia Council meetings per year"
    if counts is not None:
        alt += ": " + ", ".join(f"{year} {value}" for year, value in counts.items())
    if first_year < counted_from:
        alt += f"; before {counted_from} the Council met routinely and those meetings are not counted"
    alt += "."
    caption = f"Meetings of the NATO–Russia Council per year from {counted_from}, when every meeting is in the record"
    if first_year < counted_from:
        caption += (
            f"; from its creation in {first_year} to {counted_from - 1} it met routinely, at least monthly at "
            "ambassador level (the orange band marks the 2008–09 hold)"
        )
    caption += "."
    table = pd.DataFrame(
        {
            "year": list(counts.index) if counts is not None else [],
            "meetings": [int(v) for v in counts.values] if counts is not None else [],
        }
    )
    return Chart(figure, "nrc-meetings", alt, caption, source_ids, table, chart_marks)


# --- 3. channels still open ------------------------------------------------------------------------


def _lane_end_note(axis, text: str, lane: float, end, colour: str) -> None:
    """A boxed note at a lane's right end, edged in the colour of the status it names."""
    axis.annotate(
        text,
        (pd.Timestamp(end), lane),
        xytext=(-3, 0),
        textcoords="offset points",
        ha="right",
        va="center",
        fontsize=7,
        color=INK,
        bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor=colour),
    )


_COLOUR_WORDS = {"open": "blue", "suspended": "orange", "dormant": "beige", "closed": "grey"}


def _status_key(statuses) -> str:
    """'blue open, orange suspended': the colours of the statuses a chart draws, in the order of the legend."""
    shown = [status for status in _COLOUR_WORDS if status in set(statuses)]
    return ", ".join(f"{_COLOUR_WORDS[status]} {status}" for status in shown)


def _reported_closed(row) -> bool:
    """A channel-status row closed on one person's account alone (grade below H): 'reported closed'."""
    return row.status == "closed" and str(row.status_confidence) != "H"


def plot_channel_silence(data: Dataset, parameters: ReportParameters) -> Chart:
    """Horizontal bars: days since the last dated contact on each channel, to the as-of or review date.

    A dot marks where one side last said the channel was in place or in use, with no dated contact behind it:
    the gap between bar and dot is what the record does not show.
    """
    as_of = parameters.as_of
    count_end = analysis.counted_to(data, as_of)
    status = analysis.nato_russia_channels(analysis.channel_status(data, as_of), data)
    status = status[status["days_silent"].notna()].iloc[::-1]
    figure, axis = plt.subplots(figsize=(WIDTH_IN, 1.3 + 0.46 * max(len(status), 1)), layout="constrained")
    end = pd.Timestamp(count_end)
    reported = False
    chart_marks: list[Mark] = []
    for lane, row in enumerate(status.itertuples()):
        colour = STATUS_COLOURS.get(row.status, GREY)
        alpha = CONFIDENCE_ALPHA[row.last_contact_confidence]
        # A closure on one account alone is hatched, as the key-events chart draws it hollow: reported, not shown.
        hatch = "////" if _reported_closed(row) else None
        (bar,) = axis.barh(
            lane,
            row.days_silent,
            color=colour,
            alpha=alpha,
            height=0.6,
            hatch=hatch,
            edgecolor="white" if hatch else None,
        )
        last = analysis.format_date(row.last_contact, row.last_contact_precision)
        title = f"{row.channel}: {row.days_silent:,} days since {row.last_contact_title} ({last})"
        chart_marks.append(Mark(bar, title, analysis.channel_anchor(row.channel_id)))
        when = analysis.format_date(row.last_contact, row.last_contact_precision)
        days = f"{'at least ' if row.silence_is_minimum else ''}{row.days_silent:,} days"
        text = f"  {days}\n  since {when}"
        if not pd.isna(row.last_report) and row.last_report > row.last_contact:
            reported = True
            back = (end - row.last_report).days
            axis.scatter([back], [lane], marker="o", s=26, color="white", edgecolor=INK, linewidth=1.1, zorder=4)
            # The dot is named in its own label, so no reader takes it for a count of days.
            text += f"\n  ○ reported in place {analysis.format_date(row.last_report, row.last_report_precision)}"
        label = axis.text(row.days_silent, lane, text, va="center", fontsize=8.5)
        # Labels sit in the room set aside by the x limits; left in the layout, they would squeeze the bars.
        label.set_in_layout(False)
    axis.set_yticks(
        range(len(status)),
        [
            f"{row.channel}\n({'reported closed' if _reported_closed(row) else row.status})"
            for row in status.itertuples()
        ],
    )
    axis.tick_params(axis="y", length=0)
    axis.spines["left"].set_visible(False)
    longest = int(status["days_silent"].max()) if len(status) else 1
    axis.set_xlim(0, longest * 1.75)
    # The scale stops at the longest bar: the room beyond it holds the labels, not days.
    step = 1000 if longest > 1500 else 250 if longest > 600 else 100
    axis.set_xticks(range(0, longest + step // 2, step))
    axis.spines["bottom"].set_bounds(0, longest)
    axis.set_xlabel(f"days without a dated meeting, call or letter, to {count_end:%-d %B %Y}")
    axis.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    title = "Days since the last dated contact on each channel"
    if len(status):
        freshest = status.sort_values("days_silent").iloc[0]
        prefix = "at least " if freshest["silence_is_minimum"] else ""
        last = analysis.format_long_date(freshest["last_contact"], freshest["last_contact_precision"])
        on = "on" if freshest["last_contact_precision"] == "day" else "in"
        title = (
            f"The last dated NATO–Russia contact was {on} {last}, "
            f"{prefix}{freshest['days_silent']:,} days before {count_end:%-d %B %Y}"
        )
    _title(axis, title)
    source_ids = set()
    for ids in list(status["last_contact_source_ids"]) + list(status["last_report_source_ids"]):
        source_ids.update(ids)
    _source_line(figure, data, source_ids, parameters)
    alt = (
        f"Bar chart of days since the last dated contact per channel, to {count_end:%-d %B %Y}: "
        + "; ".join(f"{row.channel} {row.days_silent} days" for row in status.iloc[::-1].itertuples())
        + "."
    )
    caption = (
        f"Silence on each channel: days from the last dated meeting, call or letter to {count_end:%-d %B %Y}"
        + (", the day the record was reviewed to" if count_end < as_of else "")
        + f". Bar colour is the channel's status ({_status_key(status['status'])}); a fainter bar's last contact "
        "rests on weaker evidence (grade M or below)."
        + (
            " A hatched bar is a channel reported closed on one account, with no text of the side that would have "
            "closed it; its days run from its last dated contact."
            if any(_reported_closed(row) for row in status.itertuples())
            else ""
        )
    )
    if reported:
        caption += (
            " A hollow dot marks the last report that the channel was in place or in use, with no dated contact; it "
            f"sits at the days from that report to {count_end:%-d %B %Y}."
        )
    caption += " Channels with no dated contact are left out; the table lists them."
    shown = status.iloc[::-1]
    table = pd.DataFrame(
        {
            "channel": shown["channel"].tolist(),
            "status": shown["status"].tolist(),
            "last_dated_contact_date": [_iso(d) for d in shown["last_contact"]],
            "last_dated_contact": shown["last_contact_title"].tolist(),
            f"days_since_to_{count_end:%Y_%m_%d}": [int(d) for d in shown["days_silent"]],
            "days_are_a_minimum": shown["silence_is_minimum"].astype(bool).tolist(),
            "last_reported_in_use_date": [_iso(d) for d in shown["last_report"]],
        }
    )
    return Chart(figure, "channel-silence", alt, caption, source_ids, table, chart_marks)


# --- 4. what happened next ---------------------------------------------------------------------


# Timeline dot colours by category; anything else is drawn blue.
TIMELINE_COLOURS = {
    "suspension": (ORANGE, "suspension of a NATO–Russia channel"),
    "closure": (GREY, "closure of a NATO–Russia channel"),
    "conflict": (WAR, "war"),
    "incident": (VERMILION, "incident"),
    "enlargement": (ENLARGEMENT, "enlargement"),
}
# Marker shapes by kind, so the kinds stay apart in greyscale too.
TIMELINE_MARKERS = {"suspension": "D", "closure": "s", "conflict": "X", "incident": "v", "enlargement": "^"}


def _count_word(count: int) -> str:
    """A count as a sentence may open with it: 'Two', 'Nine', '12'."""
    words = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
    return words[count] if count < len(words) else str(count)


def _span_words(start: dt.date, end: dt.date) -> tuple[str, str]:
    """'from 20 Oct 2021 to 28 Nov 2026', short and long: exact days, so two windows never read alike."""
    return f"from {start:%-d %b %Y} to {end:%-d %b %Y}", f"from {start:%-d %B %Y} to {end:%-d %B %Y}"


# Past this many events a timeline would need a page of its own; it then shows the key events only, and the
# event table beside it lists them all.
TIMELINE_MAX_EVENTS = 16


def plot_timeline(data: Dataset, parameters: ReportParameters, start: dt.date) -> Chart:
    """A vertical timeline from `start` to the end shown, labelled directly: every event, or the key ones.

    It ends at the record's review date when that comes before the end shown: nothing later is known.
    """
    end = analysis.counted_to(data, parameters.shown_end)
    recorded = analysis.events_between(data, start, end).reset_index(drop=True)
    events = recorded
    if len(recorded) > TIMELINE_MAX_EVENTS:
        events = recorded[recorded["is_milestone"]].reset_index(drop=True)
    figure, axis = plt.subplots(figsize=(WIDTH_IN, 1.0 + 0.24 * max(len(events), 1)), layout="constrained")
    hollow_drawn = reported_drawn = False
    chart_marks: list[Mark] = []
    for lane, row in enumerate(events.itertuples()):
        colour = TIMELINE_COLOURS.get(row.category, (NEUTRAL, ""))[0]
        marker = TIMELINE_MARKERS.get(row.category, "o")
        # A closure that rests on one person's account (grade M) is drawn hollow too: reported, not shown.
        reported = row.category == "closure" and row.confidence != "H"
        hollow = row.confidence in ("L", "unverified") or reported
        hollow_drawn |= row.confidence in ("L", "unverified")
        reported_drawn = reported_drawn or reported
        when = analysis.format_date(row.event_date, row.date_precision)
        point = axis.scatter(
            [0],
            [lane],
            s=30,
            marker=marker,
            color="white" if hollow else colour,
            edgecolor=colour,
            linewidth=1.2,
            zorder=3,
        )
        chart_marks.append(Mark(point, f"{row.title} ({when})", analysis.fact_anchor(row.event_id)))
        grade = "" if row.confidence == "H" else f" (grade {row.confidence})"
        axis.text(
            -0.08, lane, analysis.format_date(row.event_date, row.date_precision), ha="right", va="center", fontsize=8.5
        )
        axis.text(0.08, lane, row.title + grade, ha="left", va="center", fontsize=8.5)
    axis.plot([0, 0], [-0.5, max(len(events) - 0.5, 0.5)], color="#BBBBBB", linewidth=1, zorder=1)
    axis.set_xlim(-1.4, 4.2)
    axis.set_ylim(max(len(events) - 0.5, 0.5), -0.8)
    axis.axis("off")
    # A kind is in the key only if a solid mark of it is drawn: a closure reported by one side alone has its own.
    solid = events[~((events["category"] == "closure") & (events["confidence"] != "H"))]
    shown = set(solid["category"])
    key = [Line2D([], [], marker="o", linestyle="", color=NEUTRAL, label="other events")] + [
        Line2D([], [], marker=TIMELINE_MARKERS[category], linestyle="", color=colour, label=word)
        for category, (colour, word) in TIMELINE_COLOURS.items()
        if category in shown
    ]
    if reported_drawn:
        key.append(
            Line2D(
                [],
                [],
                marker="s",
                linestyle="",
                color="white",
                markeredgecolor=GREY,
                label="closure resting on one account",
            )
        )
    # Below the chart, not over it: the labels run across the plot's width.
    axis.legend(
        handles=key, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8, frameon=False, borderaxespad=0
    )
    short, long = _span_words(start, end)
    subset = len(events) < len(recorded)
    _title(
        axis,
        # How many were left out is said in the caption, not the title.
        (
            f"Key events, {start:%B %Y} to {end:%-d %B %Y}"
            + (" (the record's review date)" if end < parameters.shown_end else "")
        )
        if subset
        else f"{len(events)} events {short}",
    )
    source_ids = analysis.sources_of(events)
    _source_line(figure, data, source_ids, parameters)
    alt = (
        f"Timeline of {len(events)} {'key ' if subset else ''}events {long}: "
        + "; ".join(
            f"{analysis.format_date(row.event_date, row.date_precision)} {row.title}" for row in events.itertuples()
        )
        + "."
    )
    caption = (
        f"The {len(events)} key events of the {len(recorded)} the record holds {long}, oldest first, each on the "
        "day it was announced or took effect"
        if subset
        else "Events, oldest first, each on the day it was announced or took effect"
    )
    caption += "; colours and shapes mark suspensions, closures, war and enlargement. "
    caption += "Grades below H are shown after the event"
    caption += "; hollow dots are weakly attested" if hollow_drawn else ""
    caption += (
        "; a hollow square is a closure that rests on one account, with no text of the side that would have closed it."
        if reported_drawn
        else "."
    )
    table = pd.DataFrame([_event_row(str(row.category), row) for row in events.itertuples()], columns=_EVENT_COLUMNS)
    return Chart(figure, "timeline", alt, caption, source_ids, table, chart_marks)


# --- 5. the years since 2014 -----------------------------------------------------------------------

# One colour per line of contact in the stacked bars; others fall back to grey.
CONTACT_COLOURS = {
    "NATO–Russia Council": SKY,
    "Secretary General–Foreign Minister line": BLUE,
    "Military-to-military line": ORANGE,
    "Emergency channel via Russia's ambassador in Belgium": GREEN,
}


def plot_contacts_per_year(data: Dataset, parameters: ReportParameters, first_year: int | None = None) -> Chart:
    """Stacked bars: dated NATO–Russia meetings and contacts per year, by channel, to the last reviewed year."""
    first_year = first_year or parameters.period_start.year
    last_day = analysis.counted_to(data, parameters.shown_end)
    table = analysis.contacts_per_year(data, first_year, last_day.year)
    figure, axis = plt.subplots(figsize=(WIDTH_IN, 3.2), layout="constrained")
    bottom = pd.Series(0, index=table.index)
    chart_marks: list[Mark] = []
    for channel in table.columns:
        values = table[channel]
        if values.sum() == 0:
            continue
        colour = CONTACT_COLOURS.get(channel, GREY)
        bars = axis.bar(table.index, values, bottom=bottom, width=0.7, color=colour, label=channel)
        for bar, (year, value) in zip(bars, values.items()):
            if value:
                title = f"{year}: {value} dated contact{'s' if value != 1 else ''} on the {channel}"
                chart_marks.append(Mark(bar, title))
        bottom = bottom + values
    for year, total in bottom.items():
        axis.text(year, total + 0.15, str(int(total)), ha="center", va="bottom", fontsize=8, color=INK)
    axis.set_xticks(list(table.index))
    axis.tick_params(axis="x", labelsize=8)
    axis.set_yticks([])
    axis.spines["left"].set_visible(False)
    axis.set_ylim(0, max(int(bottom.max()), 1) * 1.35)
    axis.legend(loc="upper right", fontsize=8, frameon=False)
    peak = int(bottom.max())
    busiest = [str(int(year)) for year, total in bottom.items() if peak and total == peak] or [str(first_year)]
    last_with = [int(year) for year, total in bottom.items() if total > 0]
    title = f"Dated NATO–Russia contacts peaked at {peak} a year in {analysis.join_and(busiest)}"
    contacts = analysis.dated_contacts(data)
    shown = contacts[contacts["event_date"].dt.year.between(first_year, last_day.year)]
    if last_with and last_with[-1] < last_day.year and len(shown):
        # The day of the last one, not its year: "none after 2022" would hide ten months of that year.
        latest = shown.sort_values("event_date").iloc[-1]
        title += f"; none since {analysis.format_long_date(latest['event_date'], latest['date_precision'])}"
    _title(axis, title)
    source_ids = analysis.sources_of(shown)
    _source_line(figure, data, source_ids, parameters)
    alt = (
        "Stacked bar chart of dated NATO–Russia meetings and contacts per year: "
        + ", ".join(f"{year} {int(total)}" for year, total in bottom.items())
        + "."
    )
    caption = (
        f"Dated meetings, calls and letters sent between NATO and Russia per year, {first_year}–"
        f"{last_day.year}, by channel (graded H or M). Statements that a channel is in place or in use are not counted."
    )
    undated = shown[shown["date_precision"] != "day"].sort_values("event_date")
    if len(undated):
        # Counted in its year, but said: "dated" here means its year and month are known, not its day.
        months = [f"{row.title} ({row.event_date:%B %Y})" for row in undated.itertuples()]
        counted = "One contact is" if len(undated) == 1 else f"{_count_word(len(undated))} contacts are"
        caption += f" {counted} known only to the month: " + analysis.join_and(months) + "."
    if last_day < parameters.shown_end:
        caption += f" {last_day.year} runs to {last_day:%-d %B}, the day the record was reviewed to."
    drawn = table.loc[:, table.sum() > 0]
    drawn.columns = [f"contacts_{re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')}" for name in drawn.columns]
    return Chart(figure, "contacts-per-year", alt, caption, source_ids, drawn.reset_index(), chart_marks)
