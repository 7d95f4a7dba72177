"""Bad input: every kind of problem is reported with file, line, column, value and a fix, all at once."""

from __future__ import annotations

import hashlib

import pytest

import transit
from transit.errors import NetworkDataError


def rewrite(folder, file, old, new):
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder):
    with pytest.raises(NetworkDataError) as info:
        transit.load_network(folder)
    return info.value.problems


def only(problems, file):
    return [p for p in problems if p.file == file]


def test_missing_column(tiny_copy):
    rewrite(
        tiny_copy, "cities.csv", "city_id,name,name_zh,province,lat,lon,", "city_id,name,name_zh,province,latitude,lon,"
    )
    (p,) = [p for p in problems_of(tiny_copy) if p.column == "lat"]
    assert p.file == "cities.csv" and p.row == 1 and "missing" in p.message


def test_bad_number(tiny_copy):
    rewrite(tiny_copy, "line_stations.csv", "l1,2,beta,100,", "l1,2,beta,10O,")
    (p,) = problems_of(tiny_copy)
    assert (p.file, p.row, p.column, p.value) == ("line_stations.csv", 3, "chainage_km", "10O")
    assert "not a number" in p.message


def test_unknown_station_in_line(tiny_copy):
    rewrite(tiny_copy, "line_stations.csv", "l1,2,beta,", "l1,2,betta,")
    ps = problems_of(tiny_copy)
    p = next(p for p in ps if p.file == "line_stations.csv")
    assert (p.row, p.column, p.value) == (3, "station_id", "betta")
    assert "did you mean 'beta'" in p.message


def test_duplicate_id(tiny_copy):
    rewrite(tiny_copy, "stations.csv", "gamma_north,Gamma North", "gamma,Gamma North")
    ps = only(problems_of(tiny_copy), "stations.csv")
    assert any(p.row == 7 and "duplicates line 6" in p.message for p in ps)


def test_coordinates_out_of_range(tiny_copy):
    rewrite(tiny_copy, "cities.csv", "beta,Beta,贝塔,Testland,30.0,121.0", "beta,Beta,贝塔,Testland,30.0,1210")
    (p,) = problems_of(tiny_copy)
    assert (p.column, p.value) == ("lon", "1210") and "above 180" in p.message


def test_chainage_going_backwards(tiny_copy):
    rewrite(tiny_copy, "line_stations.csv", "l1,3,gamma,250,", "l1,3,gamma,90,")
    (p,) = problems_of(tiny_copy)
    assert (p.file, p.row, p.column, p.value) == ("line_stations.csv", 4, "chainage_km", "90.0")
    assert "backwards" in p.message


def test_date_not_a_date(tiny_copy):
    rewrite(tiny_copy, "sections.csv", "2015-06-01", "2015-06-31")
    (p,) = problems_of(tiny_copy)
    assert (p.column, p.value) == ("opened", "2015-06-31") and "YYYY-MM-DD" in p.message
    rewrite(tiny_copy, "sections.csv", "2015-06-31", "June 2015")
    (p,) = problems_of(tiny_copy)
    assert p.value == "June 2015"


def test_missing_file(tiny_copy):
    (tiny_copy / "lines.csv").unlink()
    ps = problems_of(tiny_copy)
    assert any(p.file == "lines.csv" and "missing" in p.message for p in ps)


def test_airport_on_a_rail_line(tiny_copy):
    rewrite(tiny_copy, "line_stations.csv", "l2,2,beta,", "l2,2,alpha_airport,")
    ps = problems_of(tiny_copy)
    assert any(p.column == "station_id" and "airport" in p.message for p in ps)


def test_sections_must_tile_the_line(tiny_copy):
    rewrite(tiny_copy, "sections.csv", "l1,beta,gamma,250,open,2015-06-01,,made up\n", "")
    ps = problems_of(tiny_copy)
    assert any("no section after station seq 2 of 3" in p.message for p in ps)


def test_open_section_needs_a_date_and_construction_a_year(tiny_copy):
    rewrite(tiny_copy, "sections.csv", "open,2010-01-01,", "open,,")
    rewrite(tiny_copy, "sections.csv", "construction,,2030", "construction,,")
    ps = problems_of(tiny_copy)
    assert {p.column for p in ps} == {"opened", "expected_year"}


def test_transfer_between_cities_is_refused(tiny_copy):
    rewrite(tiny_copy, "transfers.csv", "alpha_central,alpha_east,20", "alpha_central,beta,20")
    (p,) = problems_of(tiny_copy)
    assert p.file == "transfers.csv" and "one city" in p.message


def test_group_member_unknown(tiny_copy):
    rewrite(tiny_copy, "groups.csv", "alpha;beta;gamma", "alpha;bta;gamma")
    (p,) = problems_of(tiny_copy)
    assert (p.column, p.value) == ("members", "bta") and "did you mean 'beta'" in p.message


def test_ragged_row(tiny_copy):
    rewrite(tiny_copy, "lines.csv", "l3,Gamma North Link,", "l3,Gamma, North Link,")
    (p,) = problems_of(tiny_copy)
    assert p.file == "lines.csv" and p.row == 4 and "cells" in p.message


def test_every_problem_is_reported_at_once(tiny_copy):
    rewrite(tiny_copy, "line_stations.csv", "l1,2,beta,100,", "l1,2,beta,10O,")
    rewrite(tiny_copy, "cities.csv", "30.0,121.0", "30.0,1210")
    rewrite(tiny_copy, "sections.csv", "2015-06-01", "2015-13-01")
    with pytest.raises(NetworkDataError) as info:
        transit.load_network(tiny_copy)
    files = {p.file for p in info.value.problems}
    assert files == {"line_stations.csv", "cities.csv", "sections.csv"}
    text = str(info.value)
    assert "3 problem(s)" in text and "line_stations.csv, line 3, column 'chainage_km', value '10O'" in text


def test_loading_never_modifies_the_files(tiny_copy):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tiny_copy.iterdir()}
    transit.load_network(tiny_copy)
    rewrite(tiny_copy, "cities.csv", "30.0,121.0", "30.0,1210")
    before["cities.csv"] = hashlib.sha256((tiny_copy / "cities.csv").read_bytes()).hexdigest()
    with pytest.raises(NetworkDataError):
        transit.load_network(tiny_copy)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tiny_copy.iterdir()}
    assert after == before


def test_unknown_network_name():
    with pytest.raises(FileNotFoundError, match="bundled networks are"):
        transit.load_network("atlantis")


def test_problem_in_network_toml(tiny_copy):
    rewrite(tiny_copy, "network.toml", 'as_of = "2026-11-01"', 'as_of = "last year"')
    (p,) = problems_of(tiny_copy)
    assert p.file == "network.toml" and p.column == "network.as_of"


OPERATING_SPEEDS_HEADER = "line_id,from_station_id,to_station_id,operating_kmh,valid_from,source\n"


def test_operating_speeds_file_is_optional(tiny_copy):
    assert not (tiny_copy / "operating_speeds.csv").exists()
    net = transit.load_network(tiny_copy)
    assert net.operating_speeds.empty
    assert list(net.operating_speeds.columns[:6]) == OPERATING_SPEEDS_HEADER.strip().split(",")
    (tiny_copy / "operating_speeds.csv").write_text(
        OPERATING_SPEEDS_HEADER + "l1,alpha_east,gamma,240,2016-01-01,made up\n", encoding="utf-8"
    )
    assert list(transit.load_network(tiny_copy).operating_speeds["operating_kmh"]) == [240.0]


def test_operating_speeds_bad_rows_are_all_reported(tiny_copy):
    (tiny_copy / "operating_speeds.csv").write_text(
        OPERATING_SPEEDS_HEADER
        + "".join(
            [
                "l9,alpha_east,beta,200,2016-01-01,made up\n",  # 2: unknown line
                "l1,alpha_central,beta,200,2016-01-01,made up\n",  # 3: station not on the line
                "l1,gamma,beta,200,2017-01-01,made up\n",  # 4: stretch against line order
                "l1,alpha_east,gamma,280,2018-01-01,made up\n",  # 5: above beta-gamma's design 250
                "l1,alpha_east,beta,450,2019-01-01,made up\n",  # 6: above 400
                "l1,alpha_east,beta,250,2019-02-30,made up\n",  # 7: not a calendar date
                "l1,alpha_east,beta,250,2020-01-01,\n",  # 8: no source
                "l1,alpha_east,gamma,240,2021-01-01,made up\n",  # 9
                "l1,beta,gamma,200,2021-01-01,made up\n",  # 10: overlaps line 9, same date
                "l2,alpha_central,betta,120,2016-01-01,made up\n",  # 11: unknown station
            ]
        ),
        encoding="utf-8",
    )
    ps = only(problems_of(tiny_copy), "operating_speeds.csv")
    got = {(p.row, p.column) for p in ps}
    assert got == {
        (2, "line_id"),
        (3, "from_station_id"),
        (4, "to_station_id"),
        (5, "operating_kmh"),
        (6, "operating_kmh"),
        (7, "valid_from"),
        (8, "source"),
        (10, "from_station_id"),
        (11, "to_station_id"),
    }
    msg = {(p.row, p.column): p.message for p in ps}
    assert "not a line_id" in msg[(2, "line_id")]
    assert "not a station of line 'l1'" in msg[(3, "from_station_id")]
    assert "line order" in msg[(4, "to_station_id")]
    assert "design speed of section beta-gamma" in msg[(5, "operating_kmh")]
    assert "above 400" in msg[(6, "operating_kmh")]
    assert "calendar date" in msg[(7, "valid_from")]
    assert "overlaps the stretch of line 9" in msg[(10, "from_station_id")]
    assert "did you mean 'beta'" in msg[(11, "to_station_id")]


CORRIDORS_HEADER = "corridor_id,line_id,source\n"


def test_corridors_file_is_optional_and_checked(tiny_copy):
    assert transit.load_network(tiny_copy).corridors.empty
    (tiny_copy / "corridors.csv").write_text(
        CORRIDORS_HEADER
        + "north,l1,made up\n"  # 2
        + "north,l3,made up\n"  # 3
        + "north,l9,made up\n"  # 4: unknown line
        + "North,l2,made up\n"  # 5: not a slug
        + "south,l2,\n"  # 6: no source
        + "north,l1,made up again\n",  # 7: the same corridor and line twice
        encoding="utf-8",
    )
    ps = only(problems_of(tiny_copy), "corridors.csv")
    assert {(p.row, p.column) for p in ps} >= {(4, "line_id"), (5, "corridor_id"), (6, "source")}
    assert any(p.row == 7 for p in ps)
    msg = {(p.row, p.column): p.message for p in ps}
    assert "not a line_id" in msg[(4, "line_id")] and "'l9'" in str([p.value for p in ps if p.row == 4])
    (tiny_copy / "corridors.csv").write_text(
        CORRIDORS_HEADER + "north,l1,made up\nnorth,l3,made up\n", encoding="utf-8"
    )
    net = transit.load_network(tiny_copy)
    assert sorted(net.tables["corridors"]["line_id"]) == ["l1", "l3"]
    assert list(net.corridors["line_id"]) == ["l1"]  # the lines in service: l3 opens in 2030
    assert sorted(net.as_of(2030).corridors["line_id"]) == ["l1", "l3"]


NO_THROUGH_HEADER = "station_id,line_id,other_line_id,source\n"


def test_no_through_file_is_optional_and_checked(tiny_copy):
    """no_through.csv: two lines that meet at a station but do not join; every bad row reported."""
    assert transit.load_network(tiny_copy).no_through.empty
    (tiny_copy / "no_through.csv").write_text(
        NO_THROUGH_HEADER
        + "beta,l1,l2,made up\n"  # 2: fine
        + "betta,l1,l2,made up\n"  # 3: unknown station
        + "beta,l1,l9,made up\n"  # 4: unknown line
        + "gamma,l1,l2,made up\n"  # 5: l2 does not call at gamma
        + "beta,l1,l1,made up\n"  # 6: the same line twice
        + "beta,l2,l1,\n",  # 7: no source
        encoding="utf-8",
    )
    ps = only(problems_of(tiny_copy), "no_through.csv")
    msg = {(p.row, p.column): p.message for p in ps}
    assert "did you mean 'beta'" in msg[(3, "station_id")]
    assert "not a line_id" in msg[(4, "other_line_id")]
    assert "does not call at 'gamma'" in msg[(5, "other_line_id")]
    assert "same line" in msg[(6, "other_line_id")]
    assert (7, "source") in msg
    assert not any(p.row == 2 for p in ps)
    (tiny_copy / "no_through.csv").write_text(NO_THROUGH_HEADER + "beta,l1,l2,made up\n", encoding="utf-8")
    net = transit.load_network(tiny_copy)
    assert list(net.no_through["station_id"]) == ["beta"]


def test_operating_speeds_missing_column(tiny_copy):
    (tiny_copy / "operating_speeds.csv").write_text(
        "line_id,from_station_id,to_station_id,kmh,valid_from,source\nl1,alpha_east,beta,200,2016-01-01,x\n",
        encoding="utf-8",
    )
    (p,) = problems_of(tiny_copy)
    assert (p.file, p.row, p.column) == ("operating_speeds.csv", 1, "operating_kmh") and "missing" in p.message
