"""Notebook parameters: validated before any data is read, refused with one clear sentence."""

import datetime as dt

import pytest

from nato_russia.params import PARAMETERS, TODAY_VARIABLE, ParameterError, today, validate_parameters


def _defaults(**changes):
    values = {name: default for name, (_, default, _) in PARAMETERS.items()}
    values.update(changes)
    return values


def test_defaults_are_valid_and_typed(monkeypatch):
    monkeypatch.setenv(TODAY_VARIABLE, "2026-11-28")
    parameters = validate_parameters(_defaults())
    assert parameters.as_of == dt.date(2026, 11, 28)
    assert parameters.period_start == dt.date(1991, 1, 1)
    assert parameters.is_default_data


def test_blank_dates_move_with_today(monkeypatch):
    """A blank as_of is today (here set through the environment, as a build or a test would); a blank
    period_end is the as-of date; a given date stays as given."""
    monkeypatch.setenv(TODAY_VARIABLE, "2027-03-01")
    parameters = validate_parameters(_defaults())
    assert parameters.as_of == dt.date(2027, 3, 1) and parameters.period_end == dt.date(2027, 3, 1)
    pinned = validate_parameters(_defaults(as_of="2021-10-19"))
    assert pinned.as_of == dt.date(2021, 10, 19) and pinned.period_end == dt.date(2021, 10, 19)
    assert validate_parameters(_defaults(period_end="2030-12-31")).period_end == dt.date(2030, 12, 31)


def test_today_is_utc_unless_overridden(monkeypatch):
    monkeypatch.delenv(TODAY_VARIABLE, raising=False)
    assert today() == dt.datetime.now(dt.UTC).date()
    assert today("2026-01-02") == dt.date(2026, 1, 2)
    monkeypatch.setenv(TODAY_VARIABLE, "2026-05-06")
    assert today() == dt.date(2026, 5, 6)
    assert today("2026-01-02") == dt.date(2026, 1, 2)  # the command line wins
    monkeypatch.setenv(TODAY_VARIABLE, "tomorrow")
    with pytest.raises(ParameterError, match="NATO_RUSSIA_TODAY is 'tomorrow', which is not a date"):
        today()


def test_shown_end_never_passes_the_as_of_date():
    parameters = validate_parameters(_defaults(as_of="2021-10-19"))
    assert parameters.shown_end == dt.date(2021, 10, 19)


def test_different_parameters_give_different_figure_names():
    one = validate_parameters(_defaults()).slug()
    other = validate_parameters(_defaults(as_of="2021-10-19")).slug()
    narrow = validate_parameters(_defaults(period_start="2014-01-01")).slug()
    assert len({one, other, narrow}) == 3


@pytest.mark.parametrize(
    ("changes", "extra", "words"),
    [
        ({}, {"colour"}, ["Unknown parameter colour", "period_start (str)", "as_of (str)"]),
        ({"as_of": 2021}, set(), ["as_of must be str", "int 2021"]),
        ({"period_start": "2021-13-01"}, set(), ["period_start", "not a date", "YYYY-MM-DD"]),
        ({"period_start": "2020-01-01", "period_end": "2019-01-01"}, set(), ["period_end 2019-01-01 is before"]),
        ({"period_start": "2020-01-01", "as_of": "2019-06-01"}, set(), ["as_of 2019-06-01 is before period_start"]),
        ({"data_dir": "/no/such/folder"}, set(), ["data_dir '/no/such/folder' does not exist"]),
    ],
)
def test_bad_parameters_are_refused_with_what_is_allowed(changes, extra, words):
    with pytest.raises(ParameterError) as caught:
        validate_parameters(_defaults(**changes), extra)
    for word in words:
        assert word in str(caught.value)
