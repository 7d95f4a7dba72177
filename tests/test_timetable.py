"""Tests of transit.timetable: reading the 2016 12306 timetable and fastest direct times.

A tiny workbook of the same layout (3 stations, 4 train versions) is written in tmp_path, so the parser
is tested without the shared data; the tests on the real workbook skip when ../shared is absent.
"""

import numpy as np
import pytest
from tiny_timetable import T, write_workbook

from transit.timetable.workbook import default_timetable_path, fastest_direct_times, load_workbook


@pytest.fixture
def tiny_workbook(tmp_path):
    pytest.importorskip("openpyxl")
    stations = [("甲", "JJJ"), ("乙", "YYY"), ("丙", "BBB")]
    trains = [
        # G1: 甲 10:00 -> 乙 10:30/10:32 -> 丙 11:00 (runs every day)
        ("G1", [("甲", None, T(10, 0)), ("乙", T(10, 30), T(10, 32)), ("丙", T(11, 0), T(11, 0))], "ALL", None),
        # G3: past midnight, 甲 23:50 -> 丙 00:40 nonstop: 50 min
        ("G3", [("甲", None, T(23, 50)), ("丙", T(0, 40), T(0, 40))], "ALL", None),
        # G5: 甲 -> 丙 in 40 min but only in February (not on 2016-03-10)
        ("G5", [("甲", None, T(8, 0)), ("丙", T(8, 40), T(8, 40))], "2016-02-01|2016-02-02", None),
        # D7: passes 乙 which is not open (served False): 甲 -> 丙 in 70 min, 乙 never linked
        (
            "D7",
            [("甲", None, T(12, 0)), ("乙", T(12, 30), T(12, 31)), ("丙", T(13, 10), T(13, 10))],
            "ALL",
            [True, False, True],
        ),
    ]
    return write_workbook(tmp_path / "hsr_timetable_20160310.xlsx", stations, trains)


def test_parse_tiny(tiny_workbook, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSIT_CACHE_DIR", str(tmp_path / "cache"))
    tt = load_workbook(tiny_workbook)
    assert tt.trains["train"].tolist() == ["G1", "G3", "G5", "D7"]
    assert tt.stations["station_zh"].tolist() == ["甲", "乙", "丙"]
    assert tt.stations["telecode"].tolist() == ["JJJ", "YYY", "BBB"]
    g3 = tt.stops[tt.stops["train"] == "G3"]
    assert g3["departure_minutes"].iloc[0] == 23 * 60 + 50
    assert g3["arrival_minutes"].iloc[1] == 24 * 60 + 40  # past midnight
    assert np.isnan(g3["arrival_minutes"].iloc[0])
    assert not tt.stops.loc[tt.stops["train"] == "D7", "served"].iloc[1]
    assert len(tt.runs_on("2016-03-10").trains) == 3
    assert len(tt.runs_on("2016-02-01").trains) == 4
    # the second load comes from the cache and is equal
    again = load_workbook(tiny_workbook)
    assert again.stops.equals(tt.stops) and again.trains.equals(tt.trains)
    assert list((tmp_path / "cache").glob("timetable_*.pkl"))


def test_fastest_direct_times_tiny(tiny_workbook, tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSIT_CACHE_DIR", str(tmp_path / "cache"))
    f = fastest_direct_times(load_workbook(tiny_workbook)).set_index(["from_station_zh", "to_station_zh"])
    row = f.loc[("甲", "丙")]
    # G1 takes 60 min with one stop, G3 50 min over midnight, D7 70, G5 (40) does not run that day
    assert row["minutes"] == 50 and row["train"] == "G3"
    assert row["n_trains"] == 3 and row["n_intermediate_stops"] == 0
    assert f.loc[("甲", "乙"), "minutes"] == 30 and f.loc[("乙", "丙"), "minutes"] == 28
    assert f.loc[("甲", "乙"), "n_trains"] == 1  # D7 does not serve 乙
    assert ("丙", "甲") not in f.index  # directions are separate
    every = fastest_direct_times(load_workbook(tiny_workbook), date=None).set_index(
        ["from_station_zh", "to_station_zh"]
    )
    assert every.loc[("甲", "丙"), "minutes"] == 40


def test_missing_file_names_where_it_looked(tmp_path, monkeypatch):
    import transit.timetable.workbook as tmod

    monkeypatch.setenv("TRANSIT_SHARED_DATA", str(tmp_path / "nowhere"))
    assert (
        default_timetable_path()[0]
        == tmp_path / "nowhere" / "data" / "metromancn_Parse12306" / "hsr_timetable_20160310.xlsx"
    )
    # hide the real workbook beside the repository, if any
    monkeypatch.setattr(
        tmod, "default_timetable_path", lambda: [tmp_path / "nowhere" / "x.xlsx", tmp_path / "shared" / "y.xlsx"]
    )
    with pytest.raises(FileNotFoundError, match="nowhere.*shared.*TRANSIT_SHARED_DATA"):
        load_workbook()
    with pytest.raises(FileNotFoundError, match="no_such.xlsx"):
        load_workbook(tmp_path / "no_such.xlsx")


@pytest.fixture(scope="module")
def real():
    if not any(p.is_file() for p in default_timetable_path()):
        pytest.skip(
            "the 2016 timetable (../shared/data/metromancn_Parse12306) is absent; "
            "set TRANSIT_SHARED_DATA to run these tests"
        )
    return load_workbook()


def test_real_timetable_shape(real):
    assert len(real.trains) > 4000 and len(real.stops) > 30000
    assert len(real.stations) > 600
    day = real.runs_on("2016-03-10")
    assert 3000 < len(day.trains) < len(real.trains)
    # departures never before arrivals, times increase along each train
    s = day.stops.sort_values(["train_key", "seq"])
    assert (s["departure_minutes"] >= s["arrival_minutes"].fillna(-1)).all()
    prev_dep = s.groupby("train_key")["departure_minutes"].shift()
    ok = prev_dep.isna() | (s["arrival_minutes"] >= prev_dep)
    assert ok.all()


@pytest.mark.parametrize(
    "a, b, minutes, train",
    [
        ("上海虹桥", "北京南", 288, "G2"),  # 4 h 48 min, the fastest Beijing-Shanghai time 2011-2017
        ("上海虹桥", "杭州东", 45, None),  # 45 min, the fastest Shanghai-Hangzhou time since 2010
    ],
)
def test_real_fastest_known_pairs(real, a, b, minutes, train):
    f = fastest_direct_times(real)
    row = f[(f["from_station_zh"] == a) & (f["to_station_zh"] == b)]
    assert len(row) == 1
    assert row["minutes"].iloc[0] == minutes
    if train:
        assert row["train"].iloc[0] == train
