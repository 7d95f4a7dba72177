"""Place names as users type them resolve on the bundled network; ambiguous and unknown ones say why."""

from __future__ import annotations

import pytest

from transit.errors import AmbiguousPlaceError, UnknownPlaceError


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("杭州东站", ("station", "hangzhou_east")),
        ("杭州东", ("station", "hangzhou_east")),
        ("hangzhoudong", ("station", "hangzhou_east")),
        ("Hangzhou Dong", ("station", "hangzhou_east")),
        ("hangzhou east", ("station", "hangzhou_east")),
        ("Hangzhou East Railway Station", ("station", "hangzhou_east")),
        ("hangzhou_east", ("station", "hangzhou_east")),
        ("温州市", ("city", "wenzhou")),
        ("温州", ("city", "wenzhou")),
        ("Wenzhou City", ("city", "wenzhou")),
        ("上海虹桥站", ("station", "shanghai_hongqiao")),
        ("hongqiao", ("station", "shanghai_hongqiao")),
        ("虹桥", ("station", "shanghai_hongqiao")),
        ("WNZ", ("station", "wenzhou_airport")),
        ("PVG", ("station", "shanghai_pudong_airport")),
        ("pvg", ("station", "shanghai_pudong_airport")),
        ("SHA", ("station", "shanghai_hongqiao_airport")),
        ("虹桥机场", ("station", "shanghai_hongqiao_airport")),
        ("浦东机场", ("station", "shanghai_pudong_airport")),
        ("Pudong Airport", ("station", "shanghai_pudong_airport")),
        ("温州南站", ("station", "wenzhou_south")),
        ("wenzhounan", ("station", "wenzhou_south")),
        ("Wenzhou Nan", ("station", "wenzhou_south")),
        ("南京南站", ("station", "nanjing_south")),
        ("nanjingnanzhan", ("station", "nanjing_south")),
        ("永嘉", ("station", "wenzhou_north")),  # former name of 温州北 (stations.csv former_names_zh)
        ("永嘉站", ("station", "wenzhou_north")),
        ("余杭", ("station", "linping_south")),
        ("松江南", ("station", "shanghai_songjiang")),
        ("宁波站", ("station", "ningbo")),  # 站 means the station
        ("ningbo", ("city", "ningbo")),  # a name that is a city and a station means the city
        ("station:ningbo", ("station", "ningbo")),
        ("Huai'an", ("city", "huaian")),
        ("huai an", ("city", "huaian")),
        ("HFE", ("station", "hefei_airport")),  # shared with the closed Luogang airport: the one with flights
    ],
)
def test_typed_names_resolve(yrd, typed, expected):
    assert yrd.resolve(typed) == expected


def test_every_command_resolves_through_the_network(yrd):
    from transit.goals.resolve import city_station_sets

    # travel_times(origins=...), TravelTimes.get and goal files all go through Network.resolve
    assert yrd.station("杭州东站").name == "hangzhou_east"
    assert yrd.city("温州市").name == "wenzhou"
    assert yrd.places(["WNZ", "hongqiao"]) == [("station", "wenzhou_airport"), ("station", "shanghai_hongqiao")]
    assert "wenzhou_south" in city_station_sets(yrd, [yrd.resolve("温州市")[1]])["wenzhou"]


def test_an_ambiguous_name_lists_the_candidates(yrd):
    with pytest.raises(AmbiguousPlaceError) as info:
        yrd.resolve("新区")
    message = str(info.value)
    assert "suzhou_xinqu" in message and "wuxi_xinqu" in message and "苏州新区" in message
    assert sorted(info.value.candidates) == ["suzhou_xinqu", "wuxi_xinqu"]
    assert isinstance(info.value, KeyError)  # callers that catch KeyError or UnknownPlaceError still do


@pytest.mark.parametrize(
    "typed, suggested",
    [
        ("Wenzou", "'wenzhou'"),
        ("hangzou dong", "'hangzhou_east'"),
        ("上海虹", "'上海虹桥' (shanghai_hongqiao)"),
        ("SHZ", "'SHA' (shanghai_hongqiao_airport)"),
        ("PVX", "'PVG' (shanghai_pudong_airport)"),
    ],
)
def test_unknown_names_get_a_did_you_mean(yrd, typed, suggested):
    with pytest.raises(UnknownPlaceError) as info:
        yrd.resolve(typed)
    assert "did you mean" in str(info.value) and suggested in str(info.value)


def test_short_codes_are_not_matched_inside_long_names(yrd):
    with pytest.raises(UnknownPlaceError) as info:
        yrd.resolve("SHX")
    assert "lushan" not in str(info.value)
    # a city-only lookup of an airport code says what the code is instead of guessing a city
    with pytest.raises(UnknownPlaceError) as info:
        yrd.city("SHA")
    message = str(info.value)
    assert "lushan" not in message and "shanghai_hongqiao_airport" in message and "'shanghai'" in message


def test_a_station_lookup_of_a_city_names_its_stations(yrd):
    with pytest.raises(UnknownPlaceError, match="it names the city wenzhou.*wenzhou_south|wenzhou_south"):
        yrd.station("温州市")


def test_the_tiny_network_resolves_the_same_way(tiny):
    assert tiny.resolve("AAA") == ("station", "alpha_airport")
    assert tiny.resolve("阿尔法东站") == ("station", "alpha_east")
    assert tiny.resolve("alphadong") == ("station", "alpha_east")
    with pytest.raises(UnknownPlaceError, match="did you mean 'gamma'\\?"):
        tiny.resolve("gama")
