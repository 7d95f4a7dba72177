"""A plain, slow, obviously correct reference for the timetable engine (pure Python, no numba).

Earliest arrival by fixed-point relaxation over trips, in rounds: round k uses the boarding times of
round k - 1 only, so after round k the labels are the earliest arrivals with at most k trips. Same
semantics as the engine (see transit.timetable.engine): board minutes before a departure, alight
minutes after an arrival, change minutes between two trips at one stop, footpaths between two stops
walked once (also from the origin and to the destination), no time to stay on a trip.
"""

from __future__ import annotations

import math

import numpy as np

INF = math.inf


def prepare(tt):
    """Plain Python structures: stops, trips as call lists, per-stop minutes, footpaths."""
    stops = [str(s) for s in tt.stops["stop_id"]]
    change = dict(zip(stops, tt.change_minutes().tolist()))
    board = {s: 0.0 for s in stops}
    alight = {s: 0.0 for s in stops}
    for col, d in (("board_minutes", board), ("alight_minutes", alight)):
        if col in tt.stops:
            for s, v in zip(stops, tt.stops[col]):
                d[s] = 0.0 if v != v else float(v)
    walk = {}
    for f, t, m in tt.transfers[["from_stop_id", "to_stop_id", "min_transfer_minutes"]].itertuples(index=False):
        f, t, m = str(f), str(t), float(m)
        if f == t:
            change[f] = min(m, change[f]) if ("self", f) in walk else m
            walk[("self", f)] = True
        else:
            walk[(f, t)] = min(m, walk.get((f, t), INF))
    foot = {s: [] for s in stops}
    for key, m in walk.items():
        if key[0] != "self":
            foot[key[0]].append((key[1], m))
    trips = []
    st = tt.stop_times.sort_values(["trip_id", "stop_sequence"])
    for _, g in st.groupby("trip_id", sort=True):
        calls = []
        for s, a, d in g[["stop_id", "arrival_minutes", "departure_minutes"]].itertuples(index=False):
            a = d if a != a else a
            d = a if d != d else d
            calls.append((str(s), float(a), float(d)))
        trips.append(calls)
    return {"stops": stops, "change": change, "board": board, "alight": alight, "foot": foot, "trips": trips}


def earliest(ref, origin, t, max_rounds=None, first_exact=False):
    """Per stop: (earliest arrival, earliest arrival by at least one trip, fewest trips for it).

    Arrival at the origin is ``t``; by footpath from the origin ``t + walk``. With ``first_exact``
    the first trip must be boarded at a departure one leaves the origin exactly at ``t`` for (no
    initial wait).
    """
    stops, foot = ref["stops"], ref["foot"]
    ready = {s: INF for s in stops}
    first = {s: INF for s in stops}
    first[origin] = t + ref["board"][origin]
    arr = {s: INF for s in stops}
    arr[origin] = t
    for w, m in foot[origin]:
        first[w] = min(first[w], t + m + ref["board"][w])
        arr[w] = min(arr[w], t + m)
    if not first_exact:
        ready = dict(first)
    by_trip = {s: INF for s in stops}
    trips_needed = {s: 0 for s in stops}
    rounds = 0
    while True:
        rounds += 1
        new_ready = dict(ready)
        changed = False
        for calls in ref["trips"]:
            on = False
            for i, (s, a, d) in enumerate(calls):
                if on and i > 0:
                    out = a + ref["alight"][s]
                    cands = [(s, out)] + [(w, out + m) for w, m in foot[s]]
                    for w, x in cands:
                        if x < by_trip[w]:
                            by_trip[w] = x
                            changed = True
                        if x < arr[w]:
                            arr[w] = x
                            trips_needed[w] = rounds
                            changed = True
                    y = out + ref["change"][s] + ref["board"][s]
                    new_ready[s] = min(new_ready[s], y)
                    for w, m in foot[s]:
                        new_ready[w] = min(new_ready[w], out + m + ref["board"][w])
                if (
                    not on
                    and i < len(calls) - 1
                    and (ready[s] <= d or abs(first[s] - d) < 1e-9 or (not first_exact and first[s] <= d))
                ):
                    on = True
        if new_ready != ready:
            changed = True
        ready = new_ready
        if not changed or (max_rounds is not None and rounds >= max_rounds):
            break
    return arr, by_trip, trips_needed


def leave_times(ref, origin):
    """Every latest time to leave ``origin`` for one boarding (its own trips and after its footpaths)."""
    out = set()
    starts = [(origin, 0.0)] + list(ref["foot"][origin])
    for calls in ref["trips"]:
        for s, _a, d in calls[:-1]:
            for u, m in starts:
                if s == u:
                    out.add(d - m - ref["board"][u])
    return sorted(out)


def profile_stats(ref, origin, start, window, within=INF, percentiles=(50,)):
    """The statistics of transit.timetable.engine.profile from one origin: {target: {...}}."""
    leaves = leave_times(ref, origin)
    by_trip = {L: earliest(ref, origin, L)[1] for L in leaves}
    exact = {L: earliest(ref, origin, L, first_exact=True)[1] for L in leaves if start <= L < start + window}
    minutes = [start + k for k in range(int(window))]
    any_arr = {tm: earliest(ref, origin, tm)[0] for tm in minutes}
    out = {}
    for target in ref["stops"]:
        if origin == target:
            out[target] = {
                "fastest": 0.0,
                **{p: 0.0 for p in percentiles},
                "n_window": 0,
                "n_day": 0,
                "first": np.nan,
                "last": np.nan,
            }
            continue
        walk = dict(ref["foot"][origin]).get(target, INF)
        # useful departures: by-trip arrival earlier than from any later leave time
        useful = []
        later = INF
        for L in reversed(leaves):
            if by_trip[L][target] < later:
                useful.append(L)
                later = by_trip[L][target]
        useful.reverse()
        fastest = walk
        for L, a in exact.items():
            fastest = min(fastest, a[target] - L)
        sv = np.sort(np.array([any_arr[tm][target] - tm for tm in minutes]))
        pct = {}
        for p in percentiles:
            pos = p / 100 * (len(sv) - 1)
            lo = int(math.floor(pos))
            if lo >= len(sv) - 1:
                pct[p] = sv[-1]
            elif pos == lo:
                pct[p] = sv[lo]
            elif sv[lo + 1] == INF:
                pct[p] = INF
            else:
                pct[p] = sv[lo] + (pos - lo) * (sv[lo + 1] - sv[lo])
        ok = [L for L in useful if by_trip[L][target] - L <= within]
        out[target] = {
            "fastest": fastest,
            **pct,
            "n_window": sum(start <= L < start + window for L in ok),
            "n_day": len(ok),
            "first": useful[0] if useful else np.nan,
            "last": useful[-1] if useful else np.nan,
        }
    return out


def csa_plain(conns, n_stops, n_trips, change, origin, t):
    """A straightforward pure-Python Connection Scan (no footpaths, no board/alight) for benchmarks.

    ``conns`` is a list of (dep_stop, arr_stop, dep, arr, trip) sorted by departure.
    """
    arr = [INF] * n_stops
    ready = [INF] * n_stops
    on = [False] * n_trips
    arr[origin] = t
    ready[origin] = t
    for u, v, d, a, k in conns:
        if d < t:
            continue
        if on[k] or ready[u] <= d:
            on[k] = True
            if a < arr[v]:
                arr[v] = a
                if a + change[v] < ready[v]:
                    ready[v] = a + change[v]
    return arr
