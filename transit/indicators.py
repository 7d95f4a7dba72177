"""Accessibility indicators of the literature, on a city-to-city minutes matrix.

Two layers (the numeric core under a friendly API, see STYLE.md):

* pure array functions, ``minutes`` (n_origins x n_destinations, float, ``inf`` = unreachable) and a
  population vector in, arrays out: :func:`watt_minutes`, :func:`potential_accessibility`,
  :func:`population_within`, :func:`share_within`. They know nothing of networks and are tested on
  hand-computed cases;
* :func:`accessibility` and :func:`accessibility_change`, which take a :class:`transit.Network`, compute
  travel times with :func:`transit.travel_times`, and label the arrays with city ids.

Conventions: minutes float64; ``inf`` means unreachable; ``self_index[i]`` is the column of origin
``i``'s own city (or -1 when the origin is not among the destinations), so that an origin's own
population is left out unless ``include_self=True``. Definitions, defaults and references are in
``docs/indicators.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from transit.errors import IndicatorError
from transit.travel import travel_times as compute_travel_times

__all__ = [
    "DEFAULT_BETA_PER_MINUTE",
    "watt_minutes",
    "decay_weights",
    "potential_accessibility",
    "population_within",
    "share_within",
    "accessibility",
    "accessibility_change",
    "IndicatorError",
]

#: Negative-exponential decay parameter of the ESPON potential-accessibility indicators
#: (Spiekermann & Schuermann 2007): exp(-0.005 t), t in minutes, i.e. a half-life of ln 2 / 0.005
#: = 138.6 minutes. See docs/indicators.md.
DEFAULT_BETA_PER_MINUTE = 0.005


# --------------------------------------------------------------------------------------- arrays
def _check(minutes, population, self_index=None):
    m = np.ascontiguousarray(minutes, dtype=np.float64)
    p = np.ascontiguousarray(population, dtype=np.float64)
    problems = []
    if m.ndim != 2:
        problems.append(f"minutes must be a 2-D matrix (origins x destinations), got shape {m.shape}")
    elif p.ndim != 1 or p.shape[0] != m.shape[1]:
        problems.append(
            f"population must be a vector with one value per destination ({m.shape[1]}), got shape {p.shape}"
        )
    if p.size and (np.isnan(p).any() or (p < 0).any()):
        problems.append("population must be non-negative numbers (found a negative value or NaN)")
    if m.size and (np.isnan(m).any() or (m < 0).any()):
        problems.append("minutes must be >= 0 or inf (found a negative value or NaN)")
    if problems:
        raise IndicatorError("; ".join(problems))
    n_o, n_d = m.shape
    if self_index is None:
        s = np.arange(n_o) if n_o == n_d else np.full(n_o, -1)
    else:
        s = np.ascontiguousarray(self_index, dtype=np.int64)
        if s.shape != (n_o,) or (s >= n_d).any() or (s < -1).any():
            raise IndicatorError(f"self_index must have one entry per origin ({n_o}) in -1..{n_d - 1}, got {s!r}")
    return m, p, s


def _self_mask(shape, self_index, include_self):
    """Boolean mask (n_o x n_d), True where a pair counts (own city dropped unless include_self)."""
    mask = np.ones(shape, dtype=bool)
    if not include_self:
        rows = np.nonzero(self_index >= 0)[0]
        mask[rows, self_index[rows]] = False
    return mask


def watt_minutes(
    minutes,
    population,
    *,
    self_index=None,
    include_self: bool = False,
    unreachable: str = "exclude",
) -> tuple[np.ndarray, np.ndarray]:
    """Population-weighted average travel time (WATT) of each origin.

    ``WATT_i = sum_j T_ij P_j / sum_j P_j`` over the destinations j counted for i (Gutierrez,
    Gonzalez & Gomez 1996; Gutierrez 2001).

    Parameters
    ----------
    minutes : array (n_origins, n_destinations)
        Travel times, ``inf`` where unreachable.
    population : array (n_destinations,)
        Destination weights (resident population).
    self_index : array of int, optional
        Column of each origin's own city, -1 for none. Default: the diagonal when square, else none.
    include_self : bool
        Count the origin's own city (at its diagonal time, usually 0). Default False.
    unreachable : {"exclude", "inf"}
        "exclude" averages over reachable destinations only (report the reached population with
        :func:`population_within` at ``inf``); "inf" returns ``inf`` for an origin that misses any.

    Returns
    -------
    watt : array (n_origins,)
        Minutes; NaN where no destination counts (e.g. nothing reachable).
    weight : array (n_origins,)
        The population the average is taken over.

    Examples
    --------
    >>> w, p = watt_minutes([[0, 60, 120], [60, 0, 90], [120, 90, 0]], [100, 200, 300])
    >>> w.round(1).tolist(), p.tolist()
    ([96.0, 82.5, 100.0], [500.0, 400.0, 300.0])
    """
    m, p, s = _check(minutes, population, self_index)
    if unreachable not in ("exclude", "inf"):
        raise IndicatorError(f"unreachable must be 'exclude' or 'inf', got {unreachable!r}")
    counted = _self_mask(m.shape, s, include_self)
    finite = np.isfinite(m)
    use = counted & finite
    weight = (use * p).sum(axis=1)
    total = np.where(use, m, 0.0) @ p
    with np.errstate(invalid="ignore", divide="ignore"):
        watt = np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), np.nan)
    if unreachable == "inf":
        missing = (counted & ~finite & (p > 0)).any(axis=1)
        watt = np.where(missing, np.inf, watt)
    return watt, weight


def decay_weights(
    minutes,
    *,
    decay: str = "exponential",
    beta_per_minute: float = DEFAULT_BETA_PER_MINUTE,
    half_life_minutes: float | None = None,
    alpha: float = 1.0,
) -> np.ndarray:
    """Impedance f(t) of the potential indicator, elementwise; f(inf) = 0.

    Parameters
    ----------
    minutes : array
    decay : {"exponential", "power"}
        ``exp(-beta t)`` or ``t ** -alpha`` (t must then be > 0 where finite).
    beta_per_minute : float
        Negative-exponential parameter; ignored when ``half_life_minutes`` is given.
    half_life_minutes : float, optional
        Sets ``beta = ln 2 / half_life`` (the half-life parameterisation of Oesth, Reggiani &
        Galiazzo 2014): f halves every ``half_life_minutes``.
    alpha : float
        Power-decay exponent.

    Examples
    --------
    >>> decay_weights([0.0, 60.0, np.inf], half_life_minutes=60).tolist()
    [1.0, 0.5, 0.0]
    """
    t = np.asarray(minutes, dtype=np.float64)
    finite = np.isfinite(t)
    if decay == "exponential":
        beta = math.log(2.0) / half_life_minutes if half_life_minutes is not None else float(beta_per_minute)
        if not beta > 0:
            raise IndicatorError(f"the decay parameter must be > 0, got beta={beta!r} per minute")
        return np.where(finite, np.exp(-beta * np.where(finite, t, 0.0)), 0.0)
    if decay == "power":
        if not alpha > 0:
            raise IndicatorError(f"alpha must be > 0, got {alpha!r}")
        if (finite & (t <= 0)).any():
            raise IndicatorError(
                "power decay needs travel times > 0; leave the own city out (include_self=False) "
                "or give it an internal travel time"
            )
        safe = np.where(finite, t, 1.0)
        return np.where(finite, safe ** (-float(alpha)), 0.0)
    raise IndicatorError(f"unknown decay {decay!r}; use 'exponential' or 'power'")


def potential_accessibility(
    minutes,
    population,
    *,
    self_index=None,
    include_self: bool = False,
    decay: str = "exponential",
    beta_per_minute: float = DEFAULT_BETA_PER_MINUTE,
    half_life_minutes: float | None = None,
    alpha: float = 1.0,
) -> np.ndarray:
    """Potential (gravity) accessibility ``A_i = sum_j P_j f(T_ij)`` (Hansen 1959).

    Same parameters as :func:`watt_minutes` and :func:`decay_weights`. Units: persons (weighted).

    Examples
    --------
    >>> potential_accessibility([[0, 60], [60, 0]], [100, 200], half_life_minutes=60).tolist()
    [100.0, 50.0]
    """
    m, p, s = _check(minutes, population, self_index)
    f = decay_weights(
        np.where(_self_mask(m.shape, s, include_self), m, np.inf),
        decay=decay,
        beta_per_minute=beta_per_minute,
        half_life_minutes=half_life_minutes,
        alpha=alpha,
    )
    return f @ p


def population_within(
    minutes,
    population,
    threshold_minutes: float,
    *,
    self_index=None,
    include_self: bool = False,
) -> np.ndarray:
    """Population of the destinations reached within ``threshold_minutes`` (inclusive).

    The daily-accessibility and cumulative-opportunity measure (Gutierrez 2001). ``threshold_minutes``
    may be ``inf`` for the population reachable at all (unreachable destinations never count).

    Examples
    --------
    >>> population_within([[0, 60, 120], [60, 0, 90], [120, 90, 0]], [100, 200, 300], 90).tolist()
    [200.0, 400.0, 200.0]
    """
    m, p, s = _check(minutes, population, self_index)
    within = np.isfinite(m) & (m <= float(threshold_minutes)) & _self_mask(m.shape, s, include_self)
    return within @ p


def share_within(
    minutes,
    member_mask,
    threshold_minutes: float,
    *,
    self_index=None,
) -> np.ndarray:
    """Share of the member destinations (other than the origin itself) reached within the threshold.

    Parameters
    ----------
    minutes : array (n_origins, n_destinations)
    member_mask : array of bool (n_destinations,)
        The group (e.g. the 27 central cities of the YRD plan).
    threshold_minutes : float

    Returns
    -------
    array (n_origins,)
        In [0, 1]; NaN when the group has no member other than the origin.

    Examples
    --------
    >>> share_within([[0, 60, 150], [60, 0, 200], [150, 200, 0]], [True, True, True], 120).tolist()
    [0.5, 0.5, 0.0]
    """
    members = np.ascontiguousarray(member_mask, dtype=bool)
    m, _, s = _check(minutes, members.astype(np.float64), self_index)
    counted = _self_mask(m.shape, s, False) & members[None, :]
    n = counted.sum(axis=1)
    hit = (counted & np.isfinite(m) & (m <= float(threshold_minutes))).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, hit / np.where(n > 0, n, 1), np.nan)


# ------------------------------------------------------------------------------------- networks
def _city_ids(network, which) -> list[str]:
    cities = network.cities
    ids = list(cities["city_id"]) if "city_id" in cities.columns else list(cities.index)
    if which is None:
        return ids
    if isinstance(which, str):
        members = list(network.group(which))
    else:
        members = [network.city(c).name for c in which]
    known = set(ids)
    return [c for c in members if c in known]


def _minutes_matrix(network, modes, measure, travel_times) -> pd.DataFrame:
    if travel_times is None:
        travel_times = compute_travel_times(network, modes=tuple(modes), measure=measure)
    return travel_times.matrix(level="city")


def accessibility(
    network,
    *,
    modes: Sequence[str] = ("rail",),
    measure: str = "door",
    origins=None,
    destinations=None,
    within_hours: Sequence[float] = (1.0, 2.0, 3.0),
    daily_hours: float = 3.0,
    decay: str = "exponential",
    beta_per_minute: float = DEFAULT_BETA_PER_MINUTE,
    half_life_minutes: float | None = None,
    alpha: float = 1.0,
    group: str | None = "yrd_central_27",
    group_within_hours: float = 2.0,
    include_self: bool = False,
    travel_times=None,
) -> pd.DataFrame:
    """Accessibility indicators of every city of a network.

    Parameters
    ----------
    network : transit.Network
        At the date wanted (``net.as_of(...)``).
    modes, measure :
        Passed to :func:`transit.travel_times` (ignored when ``travel_times`` is given).
    origins, destinations : None, group id or list of city names/ids
        Rows and the cities counted as destinations. None: every city of the network. A city with no
        station or airport of the modes asked for is unreachable (from and to every other city).
    within_hours : sequence of float
        Cumulative-population thresholds (one column ``pop_within_<h>h`` each).
    daily_hours : float
        Daily-accessibility threshold (column ``daily_population``); 3 h by default.
    decay, beta_per_minute, half_life_minutes, alpha :
        Impedance of the potential indicator, see :func:`decay_weights`.
    group : str or None
        Group whose share reached within ``group_within_hours`` is reported (``share_<group>_within_<h>h``).
    include_self : bool
        Count each origin's own city and population. Default False.
    travel_times : transit.TravelTimes, optional
        Precomputed times (must cover the cities asked for).

    Returns
    -------
    pandas.DataFrame
        One row per origin city, sorted by city id: ``city_id, name, population, watt_minutes,
        watt_population, potential, daily_population, pop_within_<h>h..., reachable_population,
        share_<group>_within_<h>h``; attributes ``df.attrs`` record every parameter.

    Examples
    --------
    >>> df = accessibility(transit.load_network(), modes=("rail",), measure="door")  # doctest: +SKIP
    >>> df.set_index("city_id").at["wenzhou", "pop_within_3h"]  # doctest: +SKIP
    """
    mat = _minutes_matrix(network, modes, measure, travel_times)
    cities = network.cities.set_index("city_id") if "city_id" in network.cities.columns else network.cities
    orig = _city_ids(network, origins)
    dest = _city_ids(network, destinations)
    # a city without a station or airport of the modes asked for has no row/column: unreachable
    m = mat.reindex(index=orig, columns=dest).to_numpy(dtype=np.float64, na_value=np.inf)
    pop = cities.loc[dest, "population"].to_numpy(dtype=np.float64)
    pos = {c: k for k, c in enumerate(dest)}
    self_index = np.array([pos.get(c, -1) for c in orig], dtype=np.int64)
    rows = np.nonzero(self_index >= 0)[0]
    m[rows, self_index[rows]] = 0.0  # a city reaches itself at 0 min, station or not
    kw = dict(self_index=self_index, include_self=include_self)

    watt, watt_pop = watt_minutes(m, pop, **kw)
    out = pd.DataFrame(
        {
            "city_id": orig,
            "name": cities.loc[orig, "name"].to_numpy(),
            "population": cities.loc[orig, "population"].to_numpy(),
            "watt_minutes": watt,
            "watt_population": watt_pop,
            "potential": potential_accessibility(
                m,
                pop,
                decay=decay,
                beta_per_minute=beta_per_minute,
                half_life_minutes=half_life_minutes,
                alpha=alpha,
                **kw,
            ),
            "daily_population": population_within(m, pop, daily_hours * 60.0, **kw),
        }
    )
    for h in within_hours:
        out[f"pop_within_{_hours_label(h)}h"] = population_within(m, pop, h * 60.0, **kw)
    out["reachable_population"] = population_within(m, pop, np.inf, **kw)
    if group is not None:
        members = set(network.group(group))
        mask = np.array([c in members for c in dest])
        out[f"share_{group}_within_{_hours_label(group_within_hours)}h"] = share_within(
            m, mask, group_within_hours * 60.0, self_index=self_index
        )
    out = out.sort_values("city_id", kind="stable").reset_index(drop=True)
    out.attrs.update(
        modes=tuple(modes),
        measure=measure,
        date=str(getattr(network, "date", "")),
        decay=decay,
        beta_per_minute=(math.log(2) / half_life_minutes if half_life_minutes else beta_per_minute)
        if decay == "exponential"
        else None,
        alpha=alpha if decay == "power" else None,
        daily_hours=daily_hours,
        within_hours=tuple(within_hours),
        group=group,
        group_within_hours=group_within_hours,
        include_self=include_self,
    )
    return out


def _hours_label(h: float) -> str:
    return f"{h:g}".replace(".", "_")


def accessibility_change(net_a, net_b, **kwargs) -> pd.DataFrame:
    """Indicators on two networks (two dates or a baseline and a scenario) and their change.

    Parameters
    ----------
    net_a, net_b : transit.Network
        Before and after.
    **kwargs
        Passed to :func:`accessibility` for both (``travel_times`` is not accepted here).

    Returns
    -------
    pandas.DataFrame
        One row per city: ``city_id, name, population`` then, for each indicator X,
        ``X_a``, ``X_b`` and ``X_change`` (b minus a; for ``watt_minutes`` a negative change is a
        gain), plus ``potential_change_pct``.

    Examples
    --------
    >>> net = transit.load_network()  # doctest: +SKIP
    >>> ch = accessibility_change(net, net.as_of(2030))  # doctest: +SKIP
    >>> ch.sort_values("potential_change_pct").tail(3)  # doctest: +SKIP
    """
    if "travel_times" in kwargs:
        raise IndicatorError("accessibility_change computes its own travel times; drop travel_times=")
    a = accessibility(net_a, **kwargs)
    b = accessibility(net_b, **kwargs)
    keys = ["city_id", "name", "population"]
    merged = a.merge(b, on="city_id", how="outer", suffixes=("_a", "_b"), sort=True)
    out = pd.DataFrame({"city_id": merged["city_id"]})
    for k in ("name", "population"):
        out[k] = merged[f"{k}_b"].combine_first(merged[f"{k}_a"])
    for col in a.columns:
        if col in keys:
            continue
        out[f"{col}_a"] = merged[f"{col}_a"]
        out[f"{col}_b"] = merged[f"{col}_b"]
        out[f"{col}_change"] = merged[f"{col}_b"] - merged[f"{col}_a"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["potential_change_pct"] = 100.0 * out["potential_change"] / out["potential_a"]
    out.attrs.update({f"a_{k}": v for k, v in a.attrs.items()})
    out.attrs.update(date_a=a.attrs.get("date"), date_b=b.attrs.get("date"))
    return out
