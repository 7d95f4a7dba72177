"""Accessibility indicators: the array math on hand-computed cases, and the network wrapper on tiny.

The 4-city case used throughout (minutes, inf = unreachable; populations 100, 200, 300, 400):

        A    B    C    D
    A   0   60  120  inf
    B  60    0   90  200
    C 120   90    0  inf
    D inf  200  inf    0
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from transit.indicators import (
    IndicatorError,
    decay_weights,
    population_within,
    potential_accessibility,
    share_within,
    watt_minutes,
)

INF = math.inf
M = np.array(
    [
        [0, 60, 120, INF],
        [60, 0, 90, 200],
        [120, 90, 0, INF],
        [INF, 200, INF, 0],
    ]
)
P = np.array([100.0, 200.0, 300.0, 400.0])


def test_watt_hand_computed():
    watt, weight = watt_minutes(M, P)
    # A: (60*200 + 120*300) / 500 = 96 (D unreachable, left out)
    # B: (60*100 + 90*300 + 200*400) / 800 = 141.25
    # C: (120*100 + 90*200) / 300 = 100
    # D: (200*200) / 200 = 200
    np.testing.assert_allclose(watt, [96.0, 141.25, 100.0, 200.0])
    np.testing.assert_allclose(weight, [500.0, 800.0, 300.0, 200.0])


def test_watt_unreachable_inf_and_include_self():
    watt, _ = watt_minutes(M, P, unreachable="inf")
    assert watt[0] == INF and watt[2] == INF and watt[3] == INF
    assert watt[1] == pytest.approx(141.25)
    with_self, w = watt_minutes(M, P, include_self=True)
    # A with itself at 0 min: (0*100 + 60*200 + 120*300) / 600 = 80
    assert with_self[0] == pytest.approx(80.0)
    assert w[0] == 600.0


def test_watt_nothing_reachable_is_nan():
    m = np.array([[0.0, INF], [INF, 0.0]])
    watt, weight = watt_minutes(m, [1.0, 1.0])
    assert np.isnan(watt).all() and (weight == 0).all()


def test_potential_exponential_half_life():
    a = potential_accessibility(M, P, half_life_minutes=60)
    # A: 200 * 2^-1 + 300 * 2^-2 = 100 + 75 = 175
    # B: 100 * 0.5 + 300 * 2^-1.5 + 400 * 2^(-200/60)
    expected_b = 50 + 300 * 2**-1.5 + 400 * 2 ** (-200 / 60)
    np.testing.assert_allclose(a[:2], [175.0, expected_b])
    # beta form gives the same when beta = ln 2 / 60
    b = potential_accessibility(M, P, beta_per_minute=math.log(2) / 60)
    np.testing.assert_allclose(a, b)


def test_potential_default_beta_and_power():
    a = potential_accessibility(M, P)
    assert a[0] == pytest.approx(200 * math.exp(-0.3) + 300 * math.exp(-0.6))
    p = potential_accessibility(M, P, decay="power", alpha=1.0)
    assert p[0] == pytest.approx(200 / 60 + 300 / 120)
    assert p[3] == pytest.approx(200 / 200)


def test_power_decay_refuses_zero_time_with_self():
    with pytest.raises(IndicatorError, match="power decay"):
        potential_accessibility(M, P, decay="power", include_self=True)


def test_population_within_thresholds():
    np.testing.assert_allclose(population_within(M, P, 60), [200, 100, 0, 0])
    np.testing.assert_allclose(population_within(M, P, 120), [500, 400, 300, 0])
    np.testing.assert_allclose(population_within(M, P, 180, include_self=True), [600, 600, 600, 400])
    np.testing.assert_allclose(population_within(M, P, INF), [500, 800, 300, 200])


def test_share_within_group_excludes_self():
    members = np.array([True, True, True, False])
    # A: B (60) yes, C (120) no at 90 -> 1/2; B: A yes, C yes -> 1; C: A no, B yes -> 1/2; D: 0/3
    np.testing.assert_allclose(share_within(M, members, 90), [0.5, 1.0, 0.5, 0.0])


def test_rectangular_with_self_index():
    # two origins (A, C) against all four destinations
    rect = M[[0, 2]]
    watt, _ = watt_minutes(rect, P, self_index=[0, 2])
    np.testing.assert_allclose(watt, [96.0, 100.0])
    within = population_within(rect, P, 120, self_index=[-1, 2])  # A not among destinations: counts itself
    np.testing.assert_allclose(within, [600.0, 300.0])


@pytest.mark.parametrize(
    "minutes, population, match",
    [
        (np.zeros(3), np.ones(3), "2-D"),
        (np.zeros((2, 2)), np.ones(3), "one value per destination"),
        (np.zeros((2, 2)), np.array([1.0, -1.0]), "non-negative"),
        (np.array([[0.0, -5.0], [1.0, 0.0]]), np.ones(2), "minutes must be >= 0"),
    ],
)
def test_bad_input_is_reported(minutes, population, match):
    with pytest.raises(IndicatorError, match=match):
        watt_minutes(minutes, population)


def test_bad_input_reports_every_problem():
    with pytest.raises(IndicatorError) as err:
        watt_minutes(np.array([[0.0, np.nan], [1.0, 0.0]]), np.array([1.0, -1.0]))
    assert "non-negative" in str(err.value) and "minutes must be" in str(err.value)


def test_decay_weights_and_unknown_decay():
    np.testing.assert_allclose(decay_weights([0, 30, INF], half_life_minutes=30), [1.0, 0.5, 0.0])
    with pytest.raises(IndicatorError, match="unknown decay"):
        decay_weights([1.0], decay="gaussian")


# ------------------------------------------------------------------- the network wrapper (tiny)
def _travel_times_or_skip():
    from transit.travel import travel_times

    return travel_times


def test_accessibility_on_tiny_station_measure(tiny):
    """Station measure in 2016 (tests/data/tiny/README.md): alpha-beta 20, alpha-gamma 56, beta-gamma 36."""
    _travel_times_or_skip()
    from transit.indicators import accessibility

    net = tiny.as_of("2016-06-01")
    df = accessibility(
        net, modes=("rail",), measure="station", group="core", group_within_hours=0.5, half_life_minutes=20
    ).set_index("city_id")
    assert list(df.index) == sorted(df.index)
    # alpha: beta 2 M at 20, gamma 1 M at 56; delta, epsilon unreachable by rail
    assert df.at["alpha", "watt_minutes"] == pytest.approx((20 * 2e6 + 56 * 1e6) / 3e6)
    assert df.at["alpha", "potential"] == pytest.approx(2e6 * 0.5 + 1e6 * 2 ** (-56 / 20))
    assert df.at["alpha", "pop_within_1h"] == 3e6
    assert df.at["gamma", "pop_within_1h"] == 5e6 + 2e6
    assert df.at["alpha", "daily_population"] == 3e6
    # core = alpha, beta, gamma; within 30 min of alpha: beta only -> 1/2
    assert df.at["alpha", "share_core_within_0_5h"] == pytest.approx(0.5)
    assert df.at["beta", "share_core_within_0_5h"] == pytest.approx(0.5)  # alpha 20, gamma 36
    assert np.isnan(df.at["epsilon", "watt_minutes"])
    assert df.at["epsilon", "reachable_population"] == 0
    assert df.attrs["measure"] == "station"


def test_accessibility_change_on_tiny(tiny):
    """2012 -> 2016: beta-gamma opens (2015), so alpha reaches gamma and its potential rises."""
    _travel_times_or_skip()
    from transit.indicators import accessibility_change

    ch = accessibility_change(
        tiny.as_of("2012-06-01"), tiny.as_of("2016-06-01"), modes=("rail",), measure="station", group="core"
    ).set_index("city_id")
    assert ch.at["alpha", "pop_within_1h_a"] == 2e6
    assert ch.at["alpha", "pop_within_1h_b"] == 3e6
    assert ch.at["alpha", "pop_within_1h_change"] == 1e6
    assert ch.at["alpha", "potential_change"] > 0
    assert ch.at["delta", "potential_change"] == 0
    assert ch.attrs["date_a"] == "2012-06-01" and ch.attrs["date_b"] == "2016-06-01"


# ------------------------------------------------------------------------------ properties
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def _cases(draw):
    n = draw(st.integers(2, 6))
    cell = st.one_of(st.floats(0, 600, allow_nan=False), st.just(INF))
    m = np.array([[draw(cell) for _ in range(n)] for _ in range(n)])
    np.fill_diagonal(m, 0.0)
    p = np.array([draw(st.integers(0, 30_000_000)) for _ in range(n)], dtype=float)  # persons
    return m, p


@settings(max_examples=60, deadline=None)
@given(_cases(), st.floats(0, 600), st.floats(0, 600))
def test_properties(case, t1, t2):
    m, p = case
    lo, hi = sorted((t1, t2))
    # cumulative population grows with the threshold and is bounded by the reachable population
    a, b, all_ = population_within(m, p, lo), population_within(m, p, hi), population_within(m, p, INF)
    assert (a <= b + 1e-6).all() and (b <= all_ + 1e-6).all()
    # WATT lies between the shortest and the longest reachable time it averages
    watt, weight = watt_minutes(m, p)
    off = np.where(np.eye(len(p), dtype=bool) | ~np.isfinite(m) | (p[None, :] == 0), np.nan, m)
    ok = weight > 0
    with np.errstate(all="ignore"):
        assert (watt[ok] >= np.nanmin(off[ok], axis=1) - 1e-6).all()
        assert (watt[ok] <= np.nanmax(off[ok], axis=1) + 1e-6).all()
    # slowing every link never raises the potential
    slower = np.where(np.isfinite(m), m + 10.0, INF)
    assert (potential_accessibility(slower, p) <= potential_accessibility(m, p) + 1e-6).all()
    # potential never exceeds the population reachable at all
    assert (potential_accessibility(m, p) <= all_ + 1e-6).all()
