"""The Network object: dates, tables, place lookup, immutability."""

from __future__ import annotations

from datetime import date

import pytest

from transit.data.network import as_date
from transit.errors import NetworkDataError, UnknownPlaceError


def test_default_date_is_the_data_date(tiny):
    assert tiny.date == date(2026, 11, 1) == tiny.data_as_of


@pytest.mark.parametrize(
    "when, stations",
    [
        (2012, {"alpha_central", "alpha_east", "beta", "alpha_airport", "delta_airport"}),
        ("2016-03-10", {"alpha_central", "alpha_east", "beta", "gamma", "alpha_airport", "delta_airport"}),
        (2031, {"alpha_central", "alpha_east", "beta", "gamma", "gamma_north", "alpha_airport", "delta_airport"}),
    ],
)
def test_as_of_keeps_what_is_in_service(tiny, when, stations):
    assert set(tiny.as_of(when).stations["station_id"]) == stations


def test_construction_counts_only_in_the_future(tiny):
    # expected 2030, but a past date never includes a section that was not open then
    assert "l3" not in set(tiny.as_of(2025).lines["line_id"])
    assert "l3" in set(tiny.as_of(2030).lines["line_id"])


def test_a_year_means_its_last_day():
    assert as_date(2030) == date(2030, 12, 31)
    assert as_date("2016") == date(2016, 12, 31)
    with pytest.raises(ValueError, match="give a year"):
        as_date("soon")


def test_published_times_take_the_latest_valid(tiny):
    assert len(tiny.as_of(2019).published_times) == 0
    assert list(tiny.as_of(2021).published_times["minutes"]) == [50.0]


@pytest.mark.parametrize("key", ["alpha", "Alpha", "ALPHA", "阿尔法"])
def test_city_lookup_by_id_english_or_chinese(tiny, key):
    assert tiny.city(key).name == "alpha"


def test_station_lookup_and_suggestion(tiny):
    assert tiny.station("阿尔法东").name == "alpha_east"
    with pytest.raises(UnknownPlaceError, match="did you mean 'alpha_east'"):
        tiny.station("alpha_eats")
    with pytest.raises(KeyError):  # a builtin base, for callers who catch KeyError
        tiny.station("nowhere")


def test_resolve_prefers_cities(tiny):
    assert tiny.resolve("Beta") == ("city", "beta")
    assert tiny.resolve("beta") == ("city", "beta")
    assert tiny.resolve("station:beta") == ("station", "beta")
    assert tiny.resolve("City: Beta") == ("city", "beta")
    assert tiny.resolve("Alpha East") == ("station", "alpha_east")


def test_groups_and_provinces(tiny):
    assert tiny.group("core") == ["alpha", "beta", "gamma"]
    assert tiny.group("province_islands") == ["delta"]
    with pytest.raises(UnknownPlaceError, match="did you mean 'core'"):
        tiny.group("cor")


def test_city_stations(tiny):
    assert tiny.city_stations("alpha", kind="rail") == ["alpha_central", "alpha_east"]
    assert tiny.city_stations("Alpha") == ["alpha_airport", "alpha_central", "alpha_east"]


def test_tables_are_copies(tiny):
    frame = tiny.stations
    frame.loc[:, "lat"] = 0.0
    assert tiny.stations["lat"].max() > 0


def test_with_tables_checks_and_leaves_the_original(tiny):
    sections = tiny.tables["sections"]
    sections.loc[sections["line_id"] == "l3", ["status", "expected_year"]] = ["planned", None]
    changed = tiny.with_tables(sections=sections, label="test")
    assert "l3" not in set(changed.as_of(2031).lines["line_id"])
    assert "l3" in set(tiny.as_of(2031).lines["line_id"])
    bad = tiny.tables["line_stations"]
    bad.loc[0, "station_id"] = "nowhere"
    with pytest.raises(NetworkDataError, match="test:line_stations"):
        tiny.with_tables(line_stations=bad, label="test")


def test_central_stations_leave_out_far_county_stations(tiny):
    net = tiny.as_of(2031)
    # gamma_north (伽马北) is 28 km out but named after its city: it stands for Gamma
    assert net.city_stations("gamma", central=True) == ["gamma", "gamma_north"]
    # renamed after its county, it no longer does; and a city whose only station is far keeps it
    st = tiny.tables["stations"]
    st.loc[st["station_id"] == "gamma_north", "name_zh"] = "北岛"
    renamed = tiny.with_tables(stations=st, label="test").as_of(2031)
    assert renamed.city_stations("gamma", central=True) == ["gamma"]
    assert renamed.city_stations("gamma") == ["gamma", "gamma_north"]


def _speeds(rows):
    import pandas as pd

    cols = ["line_id", "from_station_id", "to_station_id", "operating_kmh", "valid_from", "source"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


def test_operating_speeds_take_the_latest_row_per_stretch(tiny):
    net = tiny.with_tables(
        operating_speeds=_speeds(
            [
                ("l1", "alpha_east", "gamma", 200.0, date(2012, 1, 1), "made up"),
                ("l1", "beta", "gamma", 240.0, date(2018, 1, 1), "made up"),
                ("l1", "alpha_east", "gamma", 250.0, date(2025, 1, 1), "made up"),
                ("l2", "alpha_central", "beta", 120.0, date(2016, 1, 1), "made up"),
            ]
        ),
        label="test",
    )

    def table(when):
        os_ = net.as_of(when).operating_speeds
        return sorted((r.line_id, r.from_station_id, r.to_station_id, r.operating_kmh) for r in os_.itertuples())

    assert table(2011) == []
    assert table(2015) == [("l1", "alpha_east", "gamma", 200.0)]
    # a later row over part of the stretch: the earlier row keeps the rest
    assert table(2020) == [
        ("l1", "alpha_east", "beta", 200.0),
        ("l1", "beta", "gamma", 240.0),
        ("l2", "alpha_central", "beta", 120.0),
    ]
    assert table("2026-01-01") == [("l1", "alpha_east", "gamma", 250.0), ("l2", "alpha_central", "beta", 120.0)]
    kept = net.as_of(2020).operating_speeds.query("line_id == 'l1'").set_index("to_station_id")
    assert kept.loc["beta", "valid_from"] == date(2012, 1, 1) and kept.loc["gamma", "valid_from"] == date(2018, 1, 1)


def test_operating_speeds_only_for_lines_in_service(tiny):
    net = tiny.with_tables(
        operating_speeds=_speeds([("l3", "gamma", "gamma_north", 300.0, date(2020, 1, 1), "made up")]), label="test"
    )
    assert net.as_of(2025).operating_speeds.empty  # l3 is under construction until 2030
    assert len(net.as_of(2031).operating_speeds) == 1
