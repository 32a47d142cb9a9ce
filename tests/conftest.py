"""Shared fixtures: a private copy of the data that a test may break."""

import csv
import io
import shutil
from pathlib import Path

import pytest

from nato_russia import paths


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ in a temporary folder, safe to edit."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, target)
    return target


@pytest.fixture
def fixture_data(tmp_path: Path) -> Path:
    """A private copy of the build tests' small data package (tests/build_fixtures/data), safe to edit."""
    target = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "build_fixtures" / "data", target)
    return target


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def edit_cell(data_dir: Path, table: str, row_index: int, field: str, value: str) -> int:
    """Set one cell of `table` (0-based data row) and return the line number an editor shows for that row."""
    path = data_dir / f"{table}.csv"
    rows = read_rows(path)
    rows[row_index][field] = value
    write_rows(path, rows)
    return row_index + 2
