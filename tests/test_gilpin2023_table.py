"""The dysts periods shipped for the ``gilpin2023`` protocol (``systems/gilpin2023_periods.csv``)."""

import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import chaosbench
from chaosbench._dynamics.datafile import data_path, gilpin2023_periods

ROOT = Path(__file__).resolve().parents[1]
TABLE = data_path().with_name("gilpin2023_periods.csv")


@pytest.fixture(scope="module")
def table():
    return pd.read_csv(TABLE, comment="#", keep_default_na=False, dtype={"period": str, "note": str})


def test_header_cites_the_source():
    header = "".join(line for line in TABLE.read_text().splitlines(keepends=True) if line.startswith("#"))
    for fact in ("dysts 0.96", "dysts/data/chaotic_attractors.json", '"period"', "10.1103/PhysRevResearch.5.043252",
                 "NeurIPS 2021", "gilpin2023", "pts_per_period"):
        assert fact in header


def test_table_covers_each_registered_system_once(table):
    assert list(table.columns) == ["system", "period", "note"]
    names = list(table["system"])
    assert len(names) == len(set(names)), "a system appears twice"
    assert set(names) == set(chaosbench.list_systems())


def test_periods_are_positive_finite_or_explained(table):
    for name, period, note in table.itertuples(index=False):
        if period == "":
            assert note == "not in dysts", name
            continue
        value = float(period)
        assert math.isfinite(value) and value > 0, name


def test_notes_mark_every_declared_deviation(table):
    for name, _, note in table.itertuples(index=False):
        if chaosbench.get_system(name).deviation:
            assert note.startswith("declaration deviates from dysts"), name
        else:
            assert not note.startswith("declaration deviates"), name


def test_reader_returns_the_table(table):
    periods = gilpin2023_periods()
    expected = {name: float(p) for name, p, _ in table.itertuples(index=False) if p != ""}
    assert periods == expected
    assert len(periods) == len(chaosbench.list_systems()) - int((table["period"] == "").sum())
    periods["Lorenz"] = -1.0  # a copy: the cached table is not changed
    assert gilpin2023_periods()["Lorenz"] == expected["Lorenz"]


def test_table_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "gilpin2023_periods.csv" in config["tool"]["setuptools"]["package-data"]["chaosbench.systems"]


def test_periods_match_independently_recorded_values(table):
    """Values read off dysts 0.96 by hand (the project's reference notes: Lorenz 1.50 time units) and the typical
    size of a period in the catalogue: the median dysts period lies within a factor 3 of chaosbench's median."""
    periods = gilpin2023_periods()
    assert periods["Lorenz"] == pytest.approx(1.50, abs=0.01)
    ours = [chaosbench.get_system(name).period for name in periods]
    ratio = pd.Series(list(periods.values())).median() / pd.Series(ours).median()
    assert 1 / 3 < ratio < 3
