"""A dataset kept loaded in a process (the build's kernel fork server) gives the same dataset, and no other.

data.keep_loaded() is what lets each kernel skip reading and typing the tables; these check that a kept
dataset changes nothing a notebook could see: equal frames of its own, and changed or broken files still
loaded or refused exactly as without it.
"""

import dataclasses
import os

import pandas as pd
import pytest
from conftest import edit_cell

from nato_russia import data
from nato_russia.data import DataError, load_dataset


@pytest.fixture(autouse=True)
def _nothing_kept():
    data._kept.clear()
    yield
    data._kept.clear()


def _same(a: data.Dataset, b: data.Dataset) -> None:
    for f in dataclasses.fields(data.Dataset):
        left, right = getattr(a, f.name), getattr(b, f.name)
        if isinstance(left, pd.DataFrame):
            pd.testing.assert_frame_equal(left, right)
            assert left.attrs == right.attrs, f.name
        else:
            assert left == right or (pd.isna(left) and pd.isna(right)), f.name


def test_a_kept_dataset_loads_the_same_frames_each_time_a_copy_of_their_own(data_copy):
    fresh = load_dataset(data_copy)
    data.keep_loaded(data_copy)
    first = load_dataset(data_copy)
    _same(fresh, first)
    first.events.loc[first.events.index[0], "title"] = "changed by a notebook"
    first.sources["title"] = "changed too"
    second = load_dataset(data_copy)
    _same(fresh, second)
    assert second.events is not first.events


def test_a_kept_dataset_is_not_used_once_a_file_changes(data_copy):
    data.keep_loaded(data_copy)
    line = edit_cell(data_copy, "events", 0, "title", "A new title")
    assert load_dataset(data_copy).events.loc[line, "title"] == "A new title"


def test_a_file_broken_after_keeping_is_refused_as_without_it(data_copy):
    good = (data_copy / "events.csv").read_bytes()
    edit_cell(data_copy, "events", 3, "event_date", "2021-02-30")
    with pytest.raises(DataError) as without:
        load_dataset(data_copy)
    (data_copy / "events.csv").write_bytes(good)
    data.keep_loaded(data_copy)
    edit_cell(data_copy, "events", 3, "event_date", "2021-02-30")
    with pytest.raises(DataError) as kept:
        load_dataset(data_copy)
    assert str(kept.value) == str(without.value)
    assert "events.csv, line 5, field 'event_date'" in str(kept.value)


def test_a_file_removed_after_keeping_is_named_as_without_it(data_copy):
    data.keep_loaded(data_copy)
    os.remove(data_copy / "roles.csv")
    with pytest.raises(DataError, match=r"roles\.csv: file named by datapackage\.json .* is missing"):
        load_dataset(data_copy)


def test_only_the_folder_kept_is_served(data_copy, tmp_path):
    data.keep_loaded(data_copy)
    other = load_dataset()  # the project's data/: loaded from its files
    assert other.data_dir == data.paths.DATA_DIR.resolve()
    assert other.events.attrs["file"] == str(data.paths.DATA_DIR / "events.csv")


def test_a_failed_keep_keeps_nothing_and_raises_as_load_dataset(data_copy):
    edit_cell(data_copy, "staffing", 0, "staff_count", "many")
    with pytest.raises(DataError) as raised:
        data.keep_loaded(data_copy)
    assert "staffing.csv, line 2, field 'staff_count'" in str(raised.value)
    assert data._kept == {}


def test_the_fork_server_keeps_the_folder_the_build_names_and_shrugs_off_a_bad_one(data_copy, monkeypatch):
    from nato_russia.publishing import kernels

    monkeypatch.setenv(kernels.DATA_VARIABLE, str(data_copy))
    kernels._keep_data()
    assert [folder for folder, _ in data._kept] == [str(data_copy)]
    data._kept.clear()
    edit_cell(data_copy, "staffing", 0, "staff_count", "many")
    kernels._keep_data()  # the kernels will load it themselves, and say what is wrong
    assert data._kept == {}


def test_the_fork_server_sees_when_the_build_has_validated_the_data(data_copy, monkeypatch, tmp_path):
    from nato_russia.publishing import kernels

    monkeypatch.setattr(data.paths, "CACHE_DIR", tmp_path / "cache")  # nothing validated yet
    monkeypatch.setenv(kernels.DATA_VARIABLE, str(data_copy))
    assert not kernels._data_validated()
    load_dataset(data_copy)
    assert kernels._data_validated()
    edit_cell(data_copy, "events", 0, "title", "A new title")  # other bytes: not validated
    assert not kernels._data_validated()
