"""The running-time model: km, design speed and stops -> fastest scheduled in-vehicle minutes.

The model gives the time of the *fastest* scheduled train between two stations of one line, in the way
news and plans quote times. It depends only on the distance, the design speed of each stretch, and
allowances for starting, stopping and intermediate stops, never on how many intermediate stations a
line lists (trunk lines list major stations only), so it gives the same time for A-C whether or not B
between them is in the table.

For stations i < j of a line, with segment k between stations k and k+1 of length ``L_k`` (km) and
design speed ``d_k`` (km/h):

.. code-block:: text

    o_k      = operating speed of design d_k (see operating_kmh)
    v_k      = speed_factor * o_k                             average cruising speed, km/h
    D        = chainage_j - chainage_i                        km
    cruise   = sum_k 60 * L_k / v_k                           minutes at cruising speed
    v        = 60 * D / cruise                                the pair's (harmonic) mean speed
    c        = stop_loss_minutes_per_100kmh / 100             minutes lost per stop per km/h
    motion   = 60 * D / v' + c * v',  v' = min(v, sqrt(60 D / c))
    d0       = min(nonstop_km, 0.9 stop_spacing_km (terminal_minutes + c v) / (dwell_minutes + c v))
    stops    = max(0, D - d0) / stop_spacing_km               expected intermediate stops
    T_ij     = terminal_minutes + motion + stops * (dwell_minutes + c * v)

``motion`` is the start-to-stop time: cruising plus the loss of one start and one stop (``c * v``).
The stop-free distance ``d0`` is capped so that the stop allowance it saves stays below what a stop
costs (``terminal_minutes + c v``): then a journey broken at an intermediate station never beats
the through journey, ``T_ik < T_ij + T_jk`` (tested), and the router keeps the direct edges.
A trip too short to reach ``v`` (``v > sqrt(60 D / c)``) is run accelerating and braking without
cruising, in ``2 sqrt(60 D c)`` minutes, so a faster line never makes a trip slower.
``stop_loss_minutes_per_100kmh`` is the time lost by braking to a stand and accelerating back again,
per 100 km/h of cruising speed: for uniform acceleration ``a`` and braking ``b`` it is
``v / 2 * (1/a + 1/b)``, about 1.2 min per 100 km/h for a = 0.35 m/s^2, b = 0.5 m/s^2.

The parameters are calibrated on the 2016-03-10 timetable by ``scripts/calibrate_running_time.py``
and stored in the ``[running_time]`` table of ``network.toml``; a sub-table
``[running_time.<category>]`` (e.g. ``intercity``) overrides them for lines of that category (pass
``category=`` to :func:`line_minutes`). See ``docs/running_time.md``.

The cost is O(n^2) for a line of n stations, with vectorised numpy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["ModelParams", "DEFAULT_PARAMS", "line_minutes", "pair_minutes", "profile_minutes", "operating_kmh"]


_MAY_BE_INF = frozenset({"max_operating_kmh", "mid_design_operating_kmh"})
_MAY_BE_ZERO = frozenset({"terminal_minutes", "dwell_minutes", "nonstop_km", "stop_loss_minutes_per_100kmh"})


@dataclass(frozen=True)
class ModelParams:
    """Parameters of the running-time model (see the module docstring for the formula).

    Attributes
    ----------
    speed_factor : float
        Average cruising speed between stops as a share of the operating speed (-). Below 1 because
        of speed restrictions in station throats, curves, tunnels and timetable recovery margins.
    max_operating_kmh : float
        The highest speed trains run at, whatever the design speed (km/h). 300 in the 2016 timetable
        (350 km/h lines ran at 300 from 2011-07-01 until the Fuxing trains of 2017-09-21).
    mid_design_operating_kmh : float
        The highest speed on lines designed for more than 200 and less than 300 km/h (km/h). Default
        ``inf`` (no cap beyond the design speed); 200 fits the 2016 timetable: from 2011-07-01 the
        250 km/h lines (Hefei-Nanjing, Hefei-Wuhan, Xiamen-Shenzhen, Nanjing-Anqing, ...) were run at
        200.
    terminal_minutes : float
        Fixed allowance per journey (min): slow running in and out of the terminal stations and
        timetable margin not proportional to distance.
    stop_loss_minutes_per_100kmh : float
        Time lost by one stop (braking plus accelerating back) per 100 km/h of cruising speed (min);
        the journey's own start and end together cost one such loss.
    dwell_minutes : float
        Standing time at one intermediate stop (min).
    stop_spacing_km : float
        The fastest train stops once per this many km on average, beyond ``nonstop_km`` (km).
    nonstop_km : float
        Distance the fastest train covers without an intermediate stop (km).
    """

    speed_factor: float = 0.92
    max_operating_kmh: float = 300.0
    mid_design_operating_kmh: float = float("inf")
    terminal_minutes: float = 3.0
    stop_loss_minutes_per_100kmh: float = 1.2
    dwell_minutes: float = 2.0
    stop_spacing_km: float = 150.0
    nonstop_km: float = 50.0

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any] | ModelParams | None, category: str | None = None) -> ModelParams:
        """Build from a mapping (e.g. the ``[running_time]`` table); unknown keys are ignored so that
        the table may carry notes such as ``calibrated_on``; missing keys take the defaults.

        Where ``category`` (a line category: ``hsr``, ``intercity``, ``conventional``) is given and
        the mapping has a sub-table of that name (``[running_time.intercity]``), its keys override
        the general ones for lines of that category.

        Raises
        ------
        ValueError
            Naming every key whose value is not a positive number (``speed_factor`` in (0, 1.5]).
        """
        if params is None:
            return cls()
        if isinstance(params, ModelParams):
            return params
        if category is not None and isinstance(params.get(category), Mapping):
            params = {**params, **params[category]}
        names = {f.name for f in fields(cls)}
        values: dict[str, float] = {}
        problems: list[str] = []
        for k, v in params.items():
            if k not in names:
                continue
            try:
                x = float(v)
            except (TypeError, ValueError):
                problems.append(f"{k} = {v!r} is not a number")
                continue
            may_be_zero = k in _MAY_BE_ZERO
            ok = (np.isfinite(x) or (k in _MAY_BE_INF and x == np.inf)) and (x >= 0 if may_be_zero else x > 0)
            if k == "speed_factor" and x > 1.5:
                ok = False
            if not ok:
                need = "a non-negative number" if may_be_zero else "a positive number"
                if k == "speed_factor":
                    need = "a number in (0, 1.5]"
                problems.append(f"{k} = {v!r} is out of range; give {need}")
                continue
            values[k] = x
        if problems:
            raise ValueError("invalid running-time parameters ([running_time] of network.toml): " + "; ".join(problems))
        return cls(**values)

    def to_dict(self) -> dict[str, float]:
        """The parameters as a plain dict."""
        return asdict(self)


#: The physical defaults, used where ``[running_time]`` gives no value.
DEFAULT_PARAMS = ModelParams()


def operating_kmh(design_kmh: ArrayLike, params: Mapping[str, Any] | ModelParams | None = None) -> NDArray[np.float64]:
    """The top speed trains run at on stretches of a design speed, in the calibrated timetable.

    ``min(design, max_operating_kmh)``, and at most ``mid_design_operating_kmh`` where the design
    speed is above 200 and below 300 km/h.

    Examples
    --------
    >>> p = {"max_operating_kmh": 300, "mid_design_operating_kmh": 200}
    >>> operating_kmh(np.array([160.0, 200.0, 250.0, 300.0, 350.0]), p).tolist()
    [160.0, 200.0, 200.0, 300.0, 300.0]
    """
    p = ModelParams.from_mapping(params)
    d = np.asarray(design_kmh, dtype=np.float64)
    op = np.minimum(d, p.max_operating_kmh)
    mid = (d > 200.0) & (d < 300.0)
    return np.where(mid, np.minimum(op, p.mid_design_operating_kmh), op)


def _check(chainage_km: ArrayLike, segment_design_kmh: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = np.ascontiguousarray(chainage_km, dtype=np.float64)
    v = np.ascontiguousarray(segment_design_kmh, dtype=np.float64)
    if x.ndim != 1 or x.size < 1:
        raise ValueError(f"chainage_km must be a 1-d array of at least one station, got shape {x.shape}")
    if v.shape != (x.size - 1,):
        raise ValueError(f"segment_design_kmh must have one value per segment, shape ({x.size - 1},), got {v.shape}")
    if not np.all(np.isfinite(x)) or np.any(np.diff(x) <= 0):
        bad = np.flatnonzero(~(np.diff(x) > 0))
        raise ValueError(
            f"chainage_km must be finite and strictly increasing; it is not after position(s) {bad.tolist()}"
        )
    if not np.all(np.isfinite(v)) or np.any(v <= 0):
        bad = np.flatnonzero(~(np.isfinite(v) & (v > 0)))
        raise ValueError(f"segment_design_kmh must be positive; bad at segment(s) {bad.tolist()}")
    return x, v


def line_minutes(
    chainage_km: ArrayLike,
    segment_design_kmh: ArrayLike,
    params: Mapping[str, Any] | ModelParams | None = None,
    category: str | None = None,
) -> NDArray[np.float64]:
    """Modelled fastest in-vehicle minutes between every pair of stations of one line.

    Parameters
    ----------
    chainage_km : numpy.ndarray, shape (n,)
        Chainage of the line's stations, strictly increasing (km).
    segment_design_kmh : numpy.ndarray, shape (n-1,)
        Design speed between consecutive stations (km/h).
    params : mapping or ModelParams, optional
        Model parameters (the ``[running_time]`` table); missing ones take ``DEFAULT_PARAMS``.
    category : str, optional
        The line's category (``lines.csv``); selects the overrides of ``[running_time.<category>]``.

    Returns
    -------
    numpy.ndarray, shape (n, n), float64
        Symmetric, 0 on the diagonal.

    Raises
    ------
    ValueError
        On shapes, non-increasing chainage, non-positive speeds or bad parameters.

    Examples
    --------
    >>> m = line_minutes(np.array([0.0, 150.0, 300.0]), np.array([350.0, 350.0]))
    >>> m.shape, bool(m[0, 2] == m[2, 0]), float(m[1, 1])
    ((3, 3), True, 0.0)
    >>> bool(m[0, 2] < m[0, 1] + m[1, 2])     # through trains do not stop at every station
    True
    """
    p = ModelParams.from_mapping(params, category)
    x, design = _check(chainage_km, segment_design_kmh)
    n = x.size
    if n == 1:
        return np.zeros((1, 1))
    seg_km = np.diff(x)
    v = p.speed_factor * operating_kmh(design, p)  # (n-1,) km/h
    cruise = np.r_[0.0, np.cumsum(60.0 * seg_km / v)]  # (n,) minutes
    i, j = np.triu_indices(n, k=1)  # pairs i < j
    t = _minutes(x[j] - x[i], cruise[j] - cruise[i], p)
    out = np.zeros((n, n))
    out[i, j] = t
    out[j, i] = t
    return out


#: Share of one stop's cost that the stop-free distance may save at most (below 1, so that breaking a
#: journey at an intermediate station is always strictly slower than the through journey).
_NONSTOP_CAP = 0.9


def _minutes(dist_km: NDArray[np.float64], cruise_minutes: NDArray[np.float64], p: ModelParams) -> NDArray[np.float64]:
    """Model minutes of pairs given their distance and their minutes at cruising speed."""
    v_pair = 60.0 * dist_km / cruise_minutes  # distance-weighted (harmonic) speed, km/h
    c = p.stop_loss_minutes_per_100kmh / 100.0  # minutes lost per km/h of speed
    # short trips: a train that cannot reach v_pair accelerates and brakes without cruising
    if c > 0:
        with np.errstate(over="ignore"):  # a vanishing loss (c ~ 1e-313) reaches any speed: no cap
            v_run = np.minimum(v_pair, np.sqrt(60.0 * dist_km / c))
    else:
        v_run = v_pair
    motion = 60.0 * dist_km / v_run + c * v_run
    per_stop = p.dwell_minutes + c * v_pair
    # the stop-free first km may not save more than one stop costs, or a journey broken at an
    # intermediate station would be faster than the through train (and depend on the listing)
    with np.errstate(divide="ignore", invalid="ignore"):
        cap = np.where(
            per_stop > 0, _NONSTOP_CAP * p.stop_spacing_km * (p.terminal_minutes + c * v_pair) / per_stop, np.inf
        )
    nonstop = np.minimum(p.nonstop_km, cap)
    stops = np.maximum(0.0, dist_km - nonstop) / p.stop_spacing_km
    return p.terminal_minutes + motion + stops * per_stop


def pair_minutes(
    distance_km: ArrayLike, design_kmh: ArrayLike, params: Mapping[str, Any] | ModelParams | None = None
) -> NDArray[np.float64]:
    """The model for independent single-speed stretches, element-wise (used in calibration).

    Parameters
    ----------
    distance_km, design_kmh : array_like
        Broadcastable arrays of distances (km, > 0) and design speeds (km/h, > 0).
    params : mapping or ModelParams, optional

    Returns
    -------
    numpy.ndarray
        Minutes, equal to ``line_minutes([0, d], [v])[0, 1]``.

    Examples
    --------
    >>> float(pair_minutes(300.0, 350.0)) == float(line_minutes(np.array([0, 300.0]), np.array([350.0]))[0, 1])
    True
    """
    p = ModelParams.from_mapping(params)
    d = np.asarray(distance_km, dtype=np.float64)
    v = p.speed_factor * operating_kmh(np.asarray(design_kmh, dtype=np.float64), p)
    return _minutes(d, 60.0 * d / v, p)


def profile_minutes(
    km_by_speed: ArrayLike, design_kmh: ArrayLike, params: Mapping[str, Any] | ModelParams | None = None
) -> NDArray[np.float64]:
    """The model for trips given as km run at each design speed (used by calibration).

    Parameters
    ----------
    km_by_speed : numpy.ndarray, shape (n_trips, k)
        Km of each trip run on stretches of each design speed class.
    design_kmh : numpy.ndarray, shape (k,)
        The design speed of each class (km/h).
    params : mapping or ModelParams, optional

    Returns
    -------
    numpy.ndarray, shape (n_trips,)
        Minutes, equal to ``line_minutes`` for a line made of those stretches in any order.

    Examples
    --------
    >>> a = profile_minutes(np.array([[100.0, 50.0]]), np.array([350.0, 200.0]))
    >>> b = line_minutes(np.array([0.0, 100.0, 150.0]), np.array([350.0, 200.0]))[0, 2]
    >>> bool(np.isclose(a[0], b))
    True
    """
    p = ModelParams.from_mapping(params)
    km = np.asarray(km_by_speed, dtype=np.float64)
    v = p.speed_factor * operating_kmh(np.asarray(design_kmh, dtype=np.float64), p)
    dist = km.sum(axis=1)
    if np.any(dist <= 0):
        raise ValueError("every trip needs a positive distance")
    cruise = (km * (60.0 / v)[None, :]).sum(axis=1)
    return _minutes(dist, cruise, p)
