"""The parameters every report notebook takes, and their validation.

Each notebook declares these in its cell tagged `parameters` (papermill reads them from there);
`PARAMETERS` is the same list for code, and a test keeps the two in step. Validation happens in a
notebook's first cells so a bad value stops the run with one sentence, not a traceback deep in pandas.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from nato_russia import paths

# name -> (type, default, what it means); the notebooks' parameters cells say the same.
PARAMETERS: dict[str, tuple[type, str, str]] = {
    "period_start": (str, "1991-01-01", "first day shown (YYYY-MM-DD)"),
    "period_end": (str, "", "last day shown (YYYY-MM-DD; blank: the as-of date)"),
    "as_of": (
        str,
        "",
        "facts after this day are not shown; 'days since' counts to it (YYYY-MM-DD; blank: today, UTC)",
    ),
    "data_dir": (str, "", "folder holding datapackage.json (blank: the data/ folder of this project)"),
    "figures_dir": (str, "", "where figures are saved (blank: the figures/ folder of this project)"),
}


#: Environment variable that overrides "today" (YYYY-MM-DD): for tests and back-dated runs.
TODAY_VARIABLE = "NATO_RUSSIA_TODAY"


class ParameterError(ValueError):
    """A notebook parameter that cannot be used; the message says what is allowed."""


@dataclass(frozen=True)
class ReportParameters:
    """Validated, typed parameters of one report run."""

    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    data_dir: Path
    figures_dir: Path
    is_default_data: bool

    @property
    def shown_end(self) -> dt.date:
        """The last day drawn: the period's end, but never past what is known on the as-of date."""
        return min(self.period_end, self.as_of)

    def slug(self) -> str:
        """A file-name part that differs whenever the parameters do, so figures never overwrite each other."""
        slug = f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}-asof{self.as_of:%Y%m%d}"
        if not self.is_default_data:
            slug += "-data" + hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:6]
        return slug


def today(override: str | None = None) -> dt.date:
    """The date a blank as_of stands for: `override`, else $NATO_RUSSIA_TODAY, else today's date in UTC.

    A build resolves it once and passes the date to every notebook, so all of its reports agree even
    when a build runs across midnight. Raises ParameterError for an override that is not a date.
    """
    for name, value in (("--today", override), (TODAY_VARIABLE, os.environ.get(TODAY_VARIABLE))):
        if value is not None and value.strip():
            return _parse_date(name, value)
    return dt.datetime.now(dt.UTC).date()


def describe_parameters() -> str:
    """One line per parameter, for error messages: 'name (str): meaning'."""
    return "; ".join(f"{name} ({kind.__name__}): {meaning}" for name, (kind, _, meaning) in PARAMETERS.items())


def validate_parameters(values: dict[str, object], extra_names: set[str] = frozenset()) -> ReportParameters:
    """Check the raw parameter values of a notebook run and return them typed.

    `extra_names` are names a run injected that no notebook declares (papermill only warns about
    those); they are refused here, with the list of the valid ones.
    """
    if extra_names:
        names = ", ".join(sorted(extra_names))
        raise ParameterError(f"Unknown parameter {names}. The parameters are: {describe_parameters()}.")
    for name, (kind, _, meaning) in PARAMETERS.items():
        value = values.get(name)
        if not isinstance(value, kind):
            raise ParameterError(
                f"Parameter {name} must be {kind.__name__} ({meaning}), but got {type(value).__name__} {value!r}."
            )
    period_start = _parse_date("period_start", values["period_start"])
    # Blank dates move: as_of is today (as a build resolves it), period_end is as_of.
    as_of = _parse_date("as_of", values["as_of"]) if values["as_of"].strip() else today()
    period_end = _parse_date("period_end", values["period_end"]) if values["period_end"].strip() else as_of
    if as_of < period_start:
        raise ParameterError(
            f"as_of {as_of} is before period_start {period_start}; nothing would be shown. "
            "Choose an as-of date on or after the start of the period."
        )
    if period_end < period_start:
        raise ParameterError(
            f"period_end {period_end} is before period_start {period_start}; the end must be on or after the start."
        )
    data_dir = Path(values["data_dir"]).expanduser() if values["data_dir"] else paths.DATA_DIR
    if not data_dir.is_dir():
        raise ParameterError(
            f"data_dir {str(data_dir)!r} does not exist. Leave it blank for the project's data/ folder, "
            "or name a folder that holds datapackage.json."
        )
    figures_dir = Path(values["figures_dir"]).expanduser() if values["figures_dir"] else paths.FIGURES_DIR
    return ReportParameters(
        period_start=period_start,
        period_end=period_end,
        as_of=as_of,
        data_dir=data_dir,
        figures_dir=figures_dir,
        is_default_data=not values["data_dir"],
    )


def _parse_date(name: str, text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        what = name if name.startswith(("-", "NATO")) else f"Parameter {name}"
        raise ParameterError(
            f"{what} is {text!r}, which is not a date; write a real calendar date as YYYY-MM-DD."
        ) from None
