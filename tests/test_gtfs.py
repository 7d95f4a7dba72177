"""Tests of GTFS in and out (transit.timetable.gtfs) and of ``transit times FROM TO --gtfs FEED``.

Feeds are written in tmp_path: by :func:`write_gtfs` (round trips), or by hand as agencies publish
them (a byte-order mark, CRLF line ends, quoted fields, times past 24:00:00, calendar_dates only,
optional columns absent), and broken on purpose (one error listing every problem).
"""

from __future__ import annotations

import json
import math
import zipfile

import numpy as np
import pandas as pd
import pytest

import transit
from transit.cli import main
from transit.errors import TimetableDataError, UnknownPlaceError
from transit.timetable import earliest_arrival, fastest_journey, journey, profile, read_gtfs, write_gtfs
from transit.timetable.model import Timetable
from transit.timetable.query import gtfs_times

INF = math.inf


def tiny_timetable() -> Timetable:
    """Three stations of one city pair and a fourth beyond, four trains, one walk between stations.

    G1  A 08:00 -> B 08:30/08:32 -> C 09:10       (B: 6 min to change)
    G3  B 08:40 -> D 09:20
    G5  A 08:30 -> C 09:00
    N9  C 23:50 -> D 25:05 (past midnight)
    walk C -> D2 in 7.5 min; D2 is the other station of D's city
    """
    stops = pd.DataFrame(
        {
            "stop_id": ["A", "B", "C", "D", "D2"],
            "stop_name": ["Alpha", "Beta", "Gamma, Central", "Delta", "Delta East"],
            "lat": [30.0, 30.1, 30.25, 30.5, 30.51],
            "lon": [120.0, 120.1, 120.125, 120.5, 120.52],
            "city_id": ["a", "b", "c", "d", "d"],
            "min_change_minutes": [np.nan, 6.0, np.nan, np.nan, np.nan],
        }
    )
    trips = pd.DataFrame(
        {
            "trip_id": ["g1", "g3", "g5", "n9"],
            "route_id": ["r1", "r3", "r1", "r9"],
            "train": ["G1", "G3", "G5", "N9"],
            "mode": ["rail"] * 4,
        }
    )
    st = pd.DataFrame(
        [
            ("g1", 1, "A", 480.0, 480.0),
            ("g1", 2, "B", 510.0, 512.0),
            ("g1", 3, "C", 550.0, 550.0),
            ("g3", 1, "B", 520.0, 520.0),
            ("g3", 2, "D", 560.0, 560.0),
            ("g5", 1, "A", 510.0, 510.5),  # departs 08:30:30: seconds survive the round trip
            ("g5", 2, "C", 540.0, 540.0),
            ("n9", 1, "C", 1430.0, 1430.0),
            ("n9", 2, "D", 1505.0, 1505.0),
        ],
        columns=["trip_id", "stop_sequence", "stop_id", "arrival_minutes", "departure_minutes"],
    )
    tr = pd.DataFrame({"from_stop_id": ["C"], "to_stop_id": ["D2"], "min_transfer_minutes": [7.5]})
    import datetime as dt

    return Timetable(stops, trips, st, tr, 5.0, dt.date(2016, 3, 10), "tiny")


def _same_tables(a: Timetable, b: Timetable) -> None:
    key = ["trip_id", "stop_sequence"]
    sa = a.stop_times.sort_values(key).reset_index(drop=True)
    sb = b.stop_times.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(sa, sb, check_dtype=False)
    cols = ["stop_id", "stop_name", "lat", "lon", "city_id", "min_change_minutes"]
    pd.testing.assert_frame_equal(a.stops[cols], b.stops[cols], check_dtype=False)
    pd.testing.assert_frame_equal(
        a.trips.reset_index(drop=True), b.trips.reset_index(drop=True), check_dtype=False, check_like=True
    )
    pd.testing.assert_frame_equal(a.transfers, b.transfers, check_dtype=False)
    assert a.default_change_minutes == b.default_change_minutes
    assert a.service_date == b.service_date


@pytest.mark.parametrize("name", ["feed.zip", "feed"])
def test_round_trip_zip_and_folder(tmp_path, name):
    tt = tiny_timetable()
    path = write_gtfs(tt, tmp_path / name)
    assert path.is_file() == name.endswith(".zip")
    back = read_gtfs(path)
    _same_tables(tt, back)
    assert back.label == f"gtfs {name}"
    # and the same answers
    a = earliest_arrival(tt, None, 470.0).arrival_minutes
    b = earliest_arrival(back, None, 470.0).arrival_minutes
    assert np.array_equal(a, b)
    # written twice: refused without overwrite, then identical
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_gtfs(tt, path)
    write_gtfs(back, path, overwrite=True)
    _same_tables(tt, read_gtfs(path))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_round_trip_keeps_airport_minutes_and_modes(tmp_path):
    tt = tiny_timetable()
    stops = tt.stops.assign(board_minutes=[60.0, 0, 0, 0, 0], alight_minutes=[20.0, 0, 0, 0, 0])
    trips = tt.trips.assign(mode=["air", "rail", "rail", "rail"])
    air = Timetable(stops, trips, tt.stop_times, tt.transfers, 5.0, tt.service_date, "air")
    back = read_gtfs(write_gtfs(air, tmp_path / "air.zip"))
    assert back.stops["board_minutes"].tolist() == [60.0, 0, 0, 0, 0]
    assert back.trips.set_index("trip_id").loc["g1", "mode"] == "air"
    with zipfile.ZipFile(tmp_path / "air.zip") as z:
        routes = z.read("routes.txt").decode()
    assert "1100" in routes  # GTFS extended route type: air service


# --- feeds as agencies write them --------------------------------------------------------------


def write_feed(folder, files: dict, *, bom=False, crlf=False):
    """Write ``{name: text}`` into ``folder`` (lines joined as given), optionally with BOM and CRLF."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        body = text.strip("\n") + "\n"
        if crlf:
            body = body.replace("\n", "\r\n")
        (folder / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"))
    return folder


REAL = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nCR,China Railway,https://12306.cn,Asia/Shanghai",
    "stops.txt": """stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station
WZS,"Wenzhou South, Ouhai",27.97,120.58,0,
HZE,Hangzhou East,30.29,120.21,1,
HZE1,Hangzhou East,30.29,120.21,0,HZE
HZE2,Hangzhou East,30.291,120.212,0,HZE
SHH,Shanghai Hongqiao,31.19,121.32,0,
SHH-E,Hongqiao entrance,31.19,121.32,2,""",
    "routes.txt": 'route_id,agency_id,route_short_name,route_long_name,route_type\nR1,CR,,"Wenzhou, Hangzhou",2',
    "trips.txt": """route_id,service_id,trip_id,trip_short_name
R1,WK,t1,G7502
R1,WK,t2,G7504
R1,SUN,t3,G7506
R1,WK,t4,G1999""",
    "stop_times.txt": """trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type
t1,,08:00:00,WZS,1,0
t1,09:40:00,09:40:00,HZE1,2,0
t2,08:30:00,08:30:00,WZS,1,
t2,10:20:00,10:20:00,HZE2,2,
t3,07:00:00,07:00:00,WZS,1,
t3,08:30:00,08:30:00,HZE1,2,
t4,23:30:00,23:30:00,HZE2,1,
t4,24:35:00,,SHH,2,""",
    "calendar_dates.txt": """service_id,date,exception_type
WK,20160310,1
SUN,20160313,1""",
    "transfers.txt": """from_stop_id,to_stop_id,transfer_type,min_transfer_time
HZE1,HZE2,2,600
HZE2,HZE1,2,600""",
}


def test_real_feed_traits(tmp_path):
    feed = write_feed(tmp_path / "real", REAL, bom=True, crlf=True)
    tt = read_gtfs(feed)  # no date: every trip as one day
    assert tt.n_trips == 4 and tt.service_date is None
    names = dict(zip(tt.stops["stop_id"], tt.stops["stop_name"]))
    assert names["WZS"] == "Wenzhou South, Ouhai"  # a quoted field with a comma, BOM stripped
    assert "SHH-E" not in names  # entrances are not stops
    assert tt.trips.set_index("trip_id").loc["t1", "train"] == "G7502"
    st = tt.stop_times.set_index(["trip_id", "stop_sequence"])
    assert st.loc[("t4", 2), "arrival_minutes"] == 24 * 60 + 35  # past midnight
    assert st.loc[("t4", 2), "departure_minutes"] == 24 * 60 + 35  # empty departure: the arrival
    assert st.loc[("t1", 1), "arrival_minutes"] == 480.0
    # one service day from calendar_dates.txt: Thursday 10 March runs WK, not SUN
    day = read_gtfs(feed, date="2016-03-10")
    assert sorted(day.trips["trip_id"]) == ["t1", "t2", "t4"] and day.service_date.isoformat() == "2016-03-10"
    sunday = read_gtfs(feed, date="2016-03-13")
    assert sunday.trips["trip_id"].tolist() == ["t3"]
    assert read_gtfs(feed, date="2016-03-11").n_trips == 0
    # the same from a zip of the folder
    with zipfile.ZipFile(tmp_path / "real.zip", "w") as z:
        for p in feed.iterdir():
            z.write(p, f"top/{p.name}")  # zipped with a top folder, as some agencies do
    again = read_gtfs(tmp_path / "real.zip", date="2016-03-10")
    assert sorted(again.trips["trip_id"]) == ["t1", "t2", "t4"]


def test_transfers_min_transfer_time_is_honoured(tmp_path):
    feed = write_feed(tmp_path / "real", REAL)
    tt = read_gtfs(feed, date="2016-03-10")
    # G7502 reaches HZE1 at 09:40; the 23:30 from HZE2 is far later: 10 min walk is fine
    assert earliest_arrival(tt, ["WZS"], 470.0).get("WZS", "SHH") == 24 * 60 + 35
    assert earliest_arrival(tt, ["WZS"], 470.0).get("WZS", "HZE2") == 590.0  # 09:40 + 10 min on foot
    # a change needing more than the gap between the two stations is refused
    tight = dict(REAL)
    tight["stop_times.txt"] = (
        REAL["stop_times.txt"]
        .replace("t4,23:30:00,23:30:00", "t4,09:45:00,09:45:00")
        .replace("t4,24:35:00", "t4,10:50:00")
    )
    tt2 = read_gtfs(write_feed(tmp_path / "tight", tight), date="2016-03-10")
    assert earliest_arrival(tt2, ["WZS"], 470.0).get("WZS", "SHH") == INF  # 09:40 + 10 > 09:45
    loose = dict(tight)
    loose["transfers.txt"] = REAL["transfers.txt"].replace("600", "240")
    tt3 = read_gtfs(write_feed(tmp_path / "loose", loose), date="2016-03-10")
    assert earliest_arrival(tt3, ["WZS"], 470.0).get("WZS", "SHH") == 650.0  # 4 min suffice
    j = journey(tt3, "WZS", "SHH", 470.0)
    assert [leg.kind for leg in j.legs] == ["train", "transfer", "train"] and j.legs[1].minutes == 4.0


def test_minimal_feed_without_optional_columns(tmp_path):
    feed = write_feed(
        tmp_path / "min",
        {
            "stops.txt": "stop_id\nX\nY",
            "routes.txt": "route_id\nR",
            "trips.txt": "route_id,service_id,trip_id\nR,S,k",
            "stop_times.txt": "trip_id,stop_id,stop_sequence,arrival_time,departure_time\nk,X,0,6:05:00,6:05:00\n"
            "k,Y,1,7:00:00,7:00:00",
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
            "S,1,1,1,1,1,0,0,20160101,20161231",
        },
    )
    tt = read_gtfs(feed)
    assert tt.stops["stop_name"].tolist() == ["X", "Y"] and tt.stops["lat"].isna().all()
    assert tt.trips["train"].tolist() == ["k"]  # no short names: the trip id
    assert earliest_arrival(tt, ["X"], 6 * 60).get("X", "Y") == 420.0
    assert read_gtfs(feed, date="2016-03-12").n_trips == 0  # a Saturday
    assert read_gtfs(feed, date="2016-03-10").n_trips == 1


def test_interpolated_times_of_non_timepoints(tmp_path):
    feed = write_feed(
        tmp_path / "interp",
        {
            "stops.txt": "stop_id\nP\nQ\nR",
            "routes.txt": "route_id\nR1",
            "trips.txt": "route_id,service_id,trip_id\nR1,S,k",
            "stop_times.txt": "trip_id,stop_id,stop_sequence,arrival_time,departure_time\n"
            "k,P,1,08:00:00,08:00:00\nk,Q,2,,\nk,R,3,08:40:00,08:40:00",
            "calendar_dates.txt": "service_id,date,exception_type\nS,20160310,1",
        },
    )
    st = read_gtfs(feed).stop_times.set_index("stop_id")
    assert st.loc["Q", "arrival_minutes"] == 500.0


# --- bad feeds: one error, every problem ---------------------------------------------------------


def _problems(excinfo):
    return {(p.file, p.row, p.column, p.value) for p in excinfo.value.problems}


def test_missing_required_files_and_columns_are_all_listed(tmp_path):
    files = {k: v for k, v in REAL.items() if k not in ("routes.txt", "calendar_dates.txt")}
    files["trips.txt"] = REAL["trips.txt"].replace("trip_id,", "trip,")
    with pytest.raises(TimetableDataError) as e:
        read_gtfs(write_feed(tmp_path / "bad", files))
    got = _problems(e)
    assert ("routes.txt", None, None, None) in got
    assert ("calendar.txt", None, None, None) in got  # neither calendar file
    assert ("trips.txt", 1, "trip_id", None) in got
    text = str(e.value)
    assert "add routes.txt" in text and "add 'trip_id'" in text
    # and the stop times are still checked against stops.txt in the same error
    broken = dict(files)
    broken["stop_times.txt"] = REAL["stop_times.txt"].replace("t1,09:40:00,09:40:00,HZE1", "t1,09:40:00,09:40:00,NOPE")
    with pytest.raises(TimetableDataError) as e2:
        read_gtfs(write_feed(tmp_path / "bad2", broken))
    assert ("stop_times.txt", 3, "stop_id", "NOPE") in _problems(e2)
    assert ("routes.txt", None, None, None) in _problems(e2)


def test_every_problem_in_one_error(tmp_path):
    bad = dict(REAL)
    bad["stop_times.txt"] = """trip_id,arrival_time,departure_time,stop_id,stop_sequence
t1,08:00:00,08:00:00,WZS,1
t1,09:40:00,09:40:00,HZX,2
t2,08:30:00,08:30:00,WZS,1
t2,08:10:00,08:10:00,HZE2,2
t3,7:00,07:00:00,WZS,1
t3,08:30:00,08:3O:00,HZE1,2
t4,23:30:00,23:30:00,HZE2,1
t4,24:35:00,24:35:00,SHH,2"""
    bad["trips.txt"] = REAL["trips.txt"] + "\nR1,WK,t2,G7504bis"
    folder = write_feed(tmp_path / "bad", bad)
    with pytest.raises(TimetableDataError) as e:
        read_gtfs(folder)
    got = _problems(e)
    want = {
        ("stop_times.txt", 3, "stop_id", "HZX"),  # unknown stop
        ("stop_times.txt", 5, "arrival_time", "08:10:00"),  # backwards along the trip
        ("stop_times.txt", 6, "arrival_time", "7:00"),  # malformed
        ("stop_times.txt", 7, "departure_time", "08:3O:00"),  # malformed (a letter O)
        ("trips.txt", 6, "trip_id", "t2"),  # duplicate trip id
    }
    assert want <= got, got
    text = str(e.value)
    assert text.count("\n  - ") == len(e.value.problems) >= 5  # one line per problem
    assert "stop_times.txt, line 3, column 'stop_id', value 'HZX': unknown stop_id; add it to stops.txt" in text
    assert "write H:MM:SS or HH:MM:SS" in text and "must not go backwards" in text and "first at line 3" in text
    assert isinstance(e.value, ValueError)  # the builtin base, for callers catching ValueError


def test_not_a_feed(tmp_path):
    with pytest.raises(FileNotFoundError, match="GTFS feed not found"):
        read_gtfs(tmp_path / "nowhere.zip")
    junk = tmp_path / "junk.zip"
    junk.write_text("not a zip")
    with pytest.raises(TimetableDataError, match="not a GTFS zip"):
        read_gtfs(junk)
    empty = write_feed(tmp_path / "empty", {**REAL, "routes.txt": ""})
    with pytest.raises(TimetableDataError, match="routes.txt, line 1: empty file"):
        read_gtfs(empty)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        read_gtfs(write_feed(tmp_path / "ok", REAL), date="10/03/2016")


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def feed(tmp_path):
    return write_gtfs(tiny_timetable(), tmp_path / "tiny.zip")


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_times_gtfs_json(feed, capsys):
    out = _json(capsys, ["times", "Alpha", "D", "--gtfs", str(feed), "--depart", "07:50", "--format", "json"])
    # G1 A 08:00 -> B 08:30, 6 min change, G3 B 08:40 -> D 09:20: 90 min from 07:50, the first wait included
    assert out["minutes"] == 90.0 and out["arrive"] == "09:20" and out["transfers"] == 1
    assert out["from_stops"] == ["A"] and out["to_stops"] == ["D"] and out["service_date"] == "2016-03-10"
    legs = out["legs"]
    assert [(leg["train"], leg["trip_id"], leg["from_stop"], leg["to_stop"]) for leg in legs] == [
        ("G1", "g1", "A", "B"),
        ("G3", "g3", "B", "D"),
    ]
    assert [(leg["depart"], leg["arrive"], leg["wait_minutes"]) for leg in legs] == [
        ("08:00", "08:30", 10.0),
        ("08:40", "09:20", 10.0),
    ]
    assert "fastest_minutes" not in out  # no window asked


def test_cli_times_gtfs_window(feed, capsys):
    argv = ["times", "A", "Gamma, Central", "--gtfs", str(feed), "--depart", "07:50", "--window", "60"]
    out = _json(capsys, [*argv, "--format", "json"])
    # G1 08:00 -> 09:10 is overtaken by G5 08:30:30 -> 09:00: from 07:50 one takes G5 (70 min, the
    # wait included); G5 is the one useful departure and the fastest journey (29.5 min)
    assert out["minutes"] == 70.0 and out["legs"][0]["train"] == "G5" and out["departures"] == 1
    assert out["fastest_minutes"] == 29.5 and out["fastest"]["legs"][0]["train"] == "G5"
    assert out["fastest"]["depart"] == "08:30" and out["fastest"]["legs"][0]["wait_minutes"] == 0.0
    # the median over 07:50 ... 08:49 of (earliest arrival - minute): as the profile computes it
    p = profile(read_gtfs(feed), ["A"], window_start_minutes=470, window_minutes=60).get("A", "C")
    assert out["median_minutes"] == p["median_minutes"] and out["departures"] == p["departures"]
    assert out["fastest_minutes"] == p["fastest_minutes"] == fastest_journey(read_gtfs(feed), "A", "C", 470, 60).minutes
    # a window that ends before G5 leaves (08:30:30): the fastest journey leaving in it is G1 (70 min,
    # never waiting for G5), and it holds no useful departure (G1 is overtaken)
    short = _json(capsys, [*argv[:-1], "40", "--format", "json"])
    assert short["fastest_minutes"] == 70.0 and short["fastest"]["legs"][0]["train"] == "G1"
    assert short["departures"] == 0
    # the table says the same
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "70 min, arrive 09:00" in text and "fastest 29.5 min" in text and "1 useful departure(s)" in text


def test_cli_times_gtfs_walk_and_midnight(feed, capsys):
    out = _json(capsys, ["times", "C", "Delta East", "--gtfs", str(feed), "--depart", "23:00", "--format", "json"])
    assert out["minutes"] == 7.5 and out["legs"][0]["kind"] == "transfer"  # on foot
    late = _json(capsys, ["times", "C", "Delta", "--gtfs", str(feed), "--depart", "23:00", "--format", "json"])
    assert late["arrive"] == "25:05" and late["minutes"] == 125.0
    none = _json(capsys, ["times", "D", "A", "--gtfs", str(feed), "--format", "json"])
    assert none["minutes"] is None and none["legs"] == []


def test_cli_times_gtfs_unknown_stop(feed, capsys):
    assert main(["times", "Alpah", "D", "--gtfs", str(feed)]) == 2
    err = capsys.readouterr().err
    assert "unknown stop 'Alpah'" in err and "did you mean 'Alpha'" in err and "Traceback" not in err
    assert main(["times", "A", "D", "--gtfs", str(feed), "--depart", "8h"]) == 2
    assert "HH:MM" in capsys.readouterr().err
    assert main(["times", "A", "D", "--gtfs", str(feed.parent / "missing.zip")]) == 2
    assert "GTFS feed not found" in capsys.readouterr().err


def test_cli_times_gtfs_bad_feed_exits_2(tmp_path, capsys):
    bad = dict(REAL)
    bad["stop_times.txt"] = REAL["stop_times.txt"].replace("HZE1,2", "NOPE,2")
    folder = write_feed(tmp_path / "bad", bad)
    assert main(["times", "WZS", "SHH", "--gtfs", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "stop_times.txt, line 3, column 'stop_id', value 'NOPE'" in err and "Traceback" not in err


def test_gtfs_times_by_station_name_and_date(tmp_path):
    feed = write_feed(tmp_path / "real", REAL)
    # "Hangzhou East" is the parent station and both its platforms' name
    out = gtfs_times(feed, "Wenzhou South, Ouhai", "Hangzhou East", "07:55", date="2016-03-10")
    assert out["to_stops"] == ["HZE", "HZE1", "HZE2"] and out["minutes"] == 105.0  # G7502 at 08:00
    sunday = gtfs_times(feed, "WZS", "Hangzhou East", "06:55", date="2016-03-13")
    assert sunday["minutes"] == 95.0 and sunday["legs"][0]["train"] == "G7506"
    with pytest.raises(UnknownPlaceError, match="did you mean 'Hangzhou East'"):
        gtfs_times(feed, "WZS", "Hangzhou Eats")


def test_read_gtfs_is_public():
    assert transit.read_gtfs is read_gtfs
