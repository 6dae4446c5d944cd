"""Observed data: the shipped files load and agree with each other; broken files give one clear line."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from sim.evidence import observed as obs


@pytest.fixture
def data_copy(tmp_path):
    for name in (obs.ANNUAL_FILE, obs.DAILY_FILE, obs.INCIDENTS_FILE):
        shutil.copy(obs.DATA_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path, old, new, count=1):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


def test_shipped_files_load():
    annual = obs.load_annual()
    assert list(annual.index) == list(range(2018, 2026))
    daily = obs.load_daily()
    assert daily["date"].min().isoformat()[:10] == "2018-01-01"
    assert daily["date"].max().isoformat()[:10] == "2023-12-31"
    assert len(daily) == 2191  # every day, none twice
    incidents = obs.load_incidents()
    assert set(incidents["sea_related_flag"]) == {0, 1}


def test_daily_series_agrees_with_the_annual_totals():
    """SOURCES.md: official annual totals differ from the daily series by at most 19 people a year."""
    annual = obs.load_annual()
    daily = obs.load_daily()
    by_year = daily.groupby(daily["date"].dt.year)
    for year, people in by_year["people"].sum().items():
        assert abs(people - annual.loc[year, "people_arrived"]) <= 19, year
    for year, boats in by_year["boats"].sum().items():
        assert boats == annual.loc[year, "boats_arrived"], year
    for year in by_year.groups:
        pattern = obs.observed_daily_pattern(year, daily)
        assert pattern["crossing_days"] == annual.loc[year, "crossing_days"], year


def test_sea_deaths_from_incidents_match_the_annual_reference():
    annual = obs.load_annual()
    deaths = obs.sea_deaths_by_year()
    for year in annual.index:
        assert deaths.loc[year] == annual.loc[year, "deaths_at_sea_iom"], year


def test_annual_targets_of_2024():
    t = obs.annual_targets(2024)
    assert t == {
        "people_arrived": 36816.0,
        "boats_arrived": 695.0,
        "people_per_boat": 53.0,
        "crossing_days": 151.0,
        "prevention_share": 0.45,
        "deaths_at_sea": 77.0,
    }
    with pytest.raises(obs.ObservedDataError, match="no row for year 2031"):
        obs.annual_targets(2031)


def test_monthly_shares_are_a_summer_autumn_peak():
    shares = obs.monthly_shares()
    assert list(shares.index) == list(range(1, 13))
    assert shares.sum() == pytest.approx(1.0)
    assert shares.loc[6:10].sum() > 0.5  # docs/design.md: most arrive June-October
    assert shares.loc[[1, 2, 12]].max() < 0.06


def test_run_lengths_and_daily_pattern():
    assert obs.run_lengths(np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 1])).tolist() == [2, 1, 3]
    assert obs.run_lengths(np.array([1, 1])).tolist() == [2]
    assert obs.run_lengths(np.array([], dtype=bool)).tolist() == []
    p = obs.daily_pattern(np.array([0, 10, 20, 0, 30, 0]))
    assert p["crossing_days"] == 3 and p["runs"] == 2 and p["mean_run_days"] == 1.5 and p["longest_run_days"] == 2
    assert p["people_per_crossing_day_p50"] == 20
    # Observed: runs of a few days (about 3 in 2021-2023).
    for year in obs.PATTERN_YEARS:
        assert 2.3 < obs.observed_daily_pattern(year)["mean_run_days"] < 3.3


def test_normalised_sizes_have_mean_one():
    x = obs.observed_normalised_sizes()
    assert x.size == sum(obs.observed_daily_pattern(y)["crossing_days"] for y in obs.PATTERN_YEARS)
    assert x.mean() == pytest.approx(1.0)


def test_file_digests_cover_the_data():
    digests = obs.file_digests()
    assert set(digests) >= {obs.ANNUAL_FILE, obs.DAILY_FILE, obs.INCIDENTS_FILE}
    assert all(len(v) == 64 for v in digests.values())


# ------------------------------------------------------------------------------------------------ errors
def test_missing_file(tmp_path):
    with pytest.raises(obs.ObservedDataError, match=r"nothere\.csv: file not found"):
        obs.load_daily(tmp_path / "nothere.csv")


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (obs.ANNUAL_FILE, "year,people_arrived", "yr,people_arrived", "missing column 'year'"),
        (obs.ANNUAL_FILE, ",boats_arrived,", ",boats,", "missing column 'boats_arrived'"),
        (obs.ANNUAL_FILE, "2024,36816,", "2024,-36816,", "column 'people_arrived', row 8: negative count -36816"),
        (obs.ANNUAL_FILE, "2024,36816,", "2024,lots,", "column 'people_arrived', row 8: 'lots' is not a number"),
        (obs.ANNUAL_FILE, "2024,36816,", "2024,,", "column 'people_arrived', row 8: value missing"),
        (obs.ANNUAL_FILE, ",0.45\n", ",1.45\n", "column 'prevention_share', row 8: 1.45 is above its maximum 1"),
        (obs.ANNUAL_FILE, "2025,", "2024,", "column 'year' must hold distinct whole years"),
        (obs.DAILY_FILE, "date,people,boats", "day,people,boats", "missing column 'date'"),
        (obs.DAILY_FILE, "2018-01-03,0,0", "2018-13-03,0,0", "row 4: bad date '2018-13-03'"),
        (obs.DAILY_FILE, "2018-01-03,0,0", "03/01/2018,0,0", "bad date '03/01/2018'"),
        (obs.DAILY_FILE, "2018-01-03,0,0", "2018-01-02,0,0", "row 4: day 2018-01-02 appears twice"),
        (obs.DAILY_FILE, "2018-01-03,0,0", "2018-01-03,-5,0", "column 'people', row 4: negative count -5"),
        (obs.DAILY_FILE, "2018-01-03,0,0", "2018-01-03,2.5,1", "column 'people' must hold whole counts"),
        (obs.DAILY_FILE, "2018-01-03,0,0", "2018-01-03,0,2", "people and boats must be both zero or both positive"),
        (obs.INCIDENTS_FILE, "sea_related_flag", "sea_flag", "missing column 'sea_related_flag'"),
        (obs.INCIDENTS_FILE, "2018-01-09,1,0", "2018-01-09,-1,0", "column 'dead', row 2: negative count -1"),
        (obs.INCIDENTS_FILE, "2018-01-09,1,0", "2018/01/09,1,0", "column 'date', row 2: bad date"),
    ],
)
def test_malformed_files_give_one_clear_line(data_copy, name, old, new, message):
    path = data_copy / name
    _edit(path, old, new)
    loader = {obs.ANNUAL_FILE: obs.load_annual, obs.DAILY_FILE: obs.load_daily, obs.INCIDENTS_FILE: obs.load_incidents}
    with pytest.raises(obs.ObservedDataError) as info:
        loader[name](path)
    text = str(info.value)
    assert message in text
    assert text.startswith(str(path))
    assert "\n" not in text


def test_empty_and_binary_files(data_copy):
    path = data_copy / obs.DAILY_FILE
    path.write_text("")
    with pytest.raises(obs.ObservedDataError, match=r"not a readable CSV file|no data rows"):
        obs.load_daily(path)
    path.write_text("date,people,boats\n")
    with pytest.raises(obs.ObservedDataError, match="no data rows"):
        obs.load_daily(path)
