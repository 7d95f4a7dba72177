"""Tests of transit.runtime: the running-time model (km, design speed, stops -> minutes)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transit.routing.runtime import (
    DEFAULT_PARAMS,
    ModelParams,
    line_minutes,
    operating_kmh,
    pair_minutes,
    profile_minutes,
)

# zero allowances: the model reduces to distance / (speed_factor * min(design, cap))
PURE = dict(
    speed_factor=1.0,
    max_operating_kmh=1000.0,
    mid_design_operating_kmh=1000.0,
    terminal_minutes=0.0,
    stop_loss_minutes_per_100kmh=0.0,
    dwell_minutes=0.0,
    nonstop_km=0.0,
    stop_spacing_km=100.0,
)


def test_pure_cruise_is_distance_over_speed():
    # 120 km at 240 km/h = 30 min, then 100 km at 200 km/h = 30 min
    m = line_minutes(np.array([0.0, 120.0, 220.0]), np.array([240.0, 200.0]), PURE)
    expected = np.array([[0, 30, 60], [30, 0, 30], [60, 30, 0]], dtype=float)
    np.testing.assert_allclose(m, expected)


def test_hand_computed_with_all_allowances():
    p = dict(
        speed_factor=0.9,
        max_operating_kmh=300.0,
        terminal_minutes=3.0,
        stop_loss_minutes_per_100kmh=1.2,
        dwell_minutes=2.0,
        stop_spacing_km=100.0,
        nonstop_km=50.0,
    )
    # one stretch of 250 km designed for 350: cruising 0.9 * 300 = 270 km/h
    t = line_minutes(np.array([0.0, 250.0]), np.array([350.0]), p)[0, 1]
    cruise = 60 * 250 / 270
    ends = 1.2 * 270 / 100  # start and end, half a stop each
    stops = (250 - 50) / 100 * (2.0 + 1.2 * 270 / 100)
    assert t == pytest.approx(3.0 + ends + cruise + stops)
    assert pair_minutes(250.0, 350.0, p) == pytest.approx(t)


def test_listing_intermediate_stations_does_not_change_times():
    coarse = line_minutes(np.array([0.0, 300.0]), np.array([300.0]))
    fine = line_minutes(np.array([0.0, 70.0, 150.0, 300.0]), np.array([300.0] * 3))
    assert fine[0, 3] == pytest.approx(coarse[0, 1])


def test_operating_speed_cap():
    p = ModelParams(max_operating_kmh=300.0)
    assert pair_minutes(500.0, 350.0, p) == pytest.approx(pair_minutes(500.0, 300.0, p))
    assert pair_minutes(500.0, 250.0, p) > pair_minutes(500.0, 300.0, p)


def test_defaults_give_plausible_2016_times():
    # Shanghai Hongqiao - Hangzhou East, about 159 km at 350 km/h design: 45 min fastest in 2016;
    # the defaults are physical guesses, so only a loose band is asked of them
    t = pair_minutes(159.0, 350.0, DEFAULT_PARAMS)
    assert 35 < t < 60


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1.0, 300.0), min_size=1, max_size=25),
    st.lists(st.sampled_from([120.0, 160.0, 200.0, 250.0, 300.0, 350.0]), min_size=25, max_size=25),
)
def test_properties(seg_km, speeds):
    x = np.r_[0.0, np.cumsum(seg_km)]
    v = np.array(speeds[: len(seg_km)])
    m = line_minutes(x, v)
    n = x.size
    assert m.shape == (n, n)
    np.testing.assert_array_equal(m, m.T)
    assert np.all(np.diag(m) == 0)
    off = m[~np.eye(n, dtype=bool)]
    assert np.all(np.isfinite(off)) and np.all(off > 0)
    # farther along the line never takes less time
    for i in range(n):
        assert np.all(np.diff(m[i, i:]) > 0)
    # faster design speeds never make a trip slower
    faster = line_minutes(x, np.maximum(v, 350.0))
    assert np.all(faster <= m + 1e-9)


def test_single_station_line():
    assert line_minutes(np.array([5.0]), np.array([])).tolist() == [[0.0]]


@pytest.mark.parametrize(
    "x, v, match",
    [
        ([0.0, 10.0, 10.0], [200.0, 200.0], "strictly increasing"),
        ([0.0, 10.0, 5.0], [200.0, 200.0], "strictly increasing"),
        ([0.0, 10.0], [200.0, 200.0], "one value per segment"),
        ([0.0, 10.0], [0.0], "positive"),
        ([0.0, np.nan], [200.0], "strictly increasing"),
    ],
)
def test_bad_input(x, v, match):
    with pytest.raises(ValueError, match=match):
        line_minutes(np.array(x), np.array(v))


def test_bad_params_reported_together():
    with pytest.raises(ValueError) as e:
        ModelParams.from_mapping({"speed_factor": 2.0, "stop_spacing_km": 0, "dwell_minutes": "x"})
    msg = str(e.value)
    assert "speed_factor" in msg and "stop_spacing_km" in msg and "dwell_minutes" in msg


def test_params_from_mapping_ignores_notes_and_fills_defaults():
    p = ModelParams.from_mapping({"speed_factor": 0.8, "calibrated_on": "2016-03-10"})
    assert p.speed_factor == 0.8 and p.dwell_minutes == DEFAULT_PARAMS.dwell_minutes


def test_mid_design_cap():
    # lines designed for 250 km/h ran at 200 in 2016: the cap applies only strictly between 200 and 300
    p = dict(PURE, mid_design_operating_kmh=200.0)
    np.testing.assert_allclose(
        operating_kmh(np.array([160.0, 200.0, 250.0, 300.0, 350.0]), p), [160.0, 200.0, 200.0, 300.0, 350.0]
    )
    t = line_minutes(np.array([0.0, 100.0]), np.array([250.0]), p)[0, 1]
    assert t == pytest.approx(30.0)  # 100 km at 200 km/h


def test_category_overrides():
    params = dict(PURE, intercity={"speed_factor": 0.5})
    x, v = np.array([0.0, 100.0]), np.array([200.0])
    assert line_minutes(x, v, params)[0, 1] == pytest.approx(30.0)
    assert line_minutes(x, v, params, category="hsr")[0, 1] == pytest.approx(30.0)
    assert line_minutes(x, v, params, category="intercity")[0, 1] == pytest.approx(60.0)


def test_profile_minutes_matches_line_minutes():
    x = np.array([0.0, 40.0, 130.0, 170.0, 420.0])
    v = np.array([200.0, 350.0, 250.0, 350.0])
    p = ModelParams(mid_design_operating_kmh=200.0)
    m = line_minutes(x, v, p)
    seg = np.diff(x)
    speeds = np.array([200.0, 250.0, 350.0])
    km = np.array(
        [
            [seg[0] + 0, 0.0, seg[1]],  # stations 0 -> 2
            [seg[0], seg[2], seg[1] + seg[3]],
        ]
    )  # stations 0 -> 4
    np.testing.assert_allclose(profile_minutes(km, speeds, p), [m[0, 2], m[0, 4]])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(5.0, 200.0), min_size=2, max_size=12),
    st.lists(st.sampled_from([160.0, 200.0, 250.0, 300.0, 350.0]), min_size=12, max_size=12),
    st.booleans(),
    st.floats(0.0, 300.0),
    st.floats(20.0, 500.0),
    st.floats(0.0, 5.0),
    st.floats(0.0, 3.0),
)
def test_breaking_a_journey_never_saves_time(seg_km, speeds, one_speed, nonstop_km, spacing_km, terminal, loss):
    """T_ik <= T_ij + T_jk, so the router keeps the through edge whatever stations are listed: exact
    on a line of one design speed, within 2 % where speeds mix (the pair's mean speed prices its stops)."""
    x = np.r_[0.0, np.cumsum(seg_km)]
    v = np.full(len(seg_km), speeds[0]) if one_speed else np.array(speeds[: len(seg_km)])
    p = ModelParams(
        nonstop_km=nonstop_km,
        stop_spacing_km=spacing_km,
        terminal_minutes=terminal,
        stop_loss_minutes_per_100kmh=loss,
        mid_design_operating_kmh=200.0,
    )
    m = line_minutes(x, v, p)
    n = x.size
    i, j, k = np.meshgrid(np.arange(n), np.arange(n), np.arange(n), indexing="ij")
    ok = (i < j) & (j < k)
    tol = 1e-9 if one_speed else 0.02
    assert np.all(m[i, k][ok] <= (m[i, j] + m[j, k])[ok] + tol * m[i, k][ok] + 1e-9)
