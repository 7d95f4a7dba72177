"""Numba kernels of the timetable engine: Connection Scan on plain arrays (no names, no pandas).

This is the only module of :mod:`transit.timetable` that imports numba. The Python layer
(:mod:`transit.timetable.engine`) maps stop and trip ids to positions, builds the arrays below, calls
a kernel and puts the labels back on its result.

Conventions (every kernel)
--------------------------
- Times: minutes after midnight of the service day, float64 (above 1440 past midnight);
  unreachable = ``inf``; no predecessor / no connection = -1.
- Connections: one per hop of a trip between two consecutive calls, sorted by departure, then
  arrival, then trip, then position in the trip (so the hops of one trip come in order even when a
  hop takes zero minutes). ``conn_int`` (int32, shape (C, 3)): departure stop, arrival stop, trip;
  ``conn_time`` (float64, shape (C, 2)): departure, arrival.
- Stops: ``stop_minutes`` (float64, shape (S, 3)): least change minutes (between two trips at the
  stop), board minutes (to be at the stop before a departure, e.g. 60 at an airport) and alight
  minutes (after an arrival before one is out, e.g. 20).
- Footpaths between two different stops: a CSR triple ``(fp_indptr, fp_indices, fp_minutes)`` of
  S rows; they are walked at most once between two trips, and from the origin / to the destination,
  never chained.
- Semantics: boarding a trip at stop u at departure d needs ``ready[u] <= d``. From the origin o
  left at t: ``ready[o] = t + board[o]``, ``ready[w] = t + walk(o, w) + board[w]``. After a trip
  arrives at v at a, one is out at ``a + alight[v]``; ``ready[v] = a + alight[v] + change[v] +
  board[v]`` and ``ready[w] = a + alight[v] + walk(v, w) + board[w]``. Staying on the same trip
  needs no time. Arrival at a stop is the time one is out there (alight minutes included).
- Results: shape ``(n_origins, n_stops)``, row ``i`` for ``origins[i]``.
- ``first_exact`` (earliest kernels): the first trip must be boarded at a departure equal to the
  time one is ready for it straight from the origin (within :data:`EXACT_MINUTES`), i.e. a journey
  that leaves the origin at ``t`` for that train, with no initial wait; later trips as usual.
  :func:`~transit.timetable.engine.fastest_journey` uses it so that a journey counted for a leave
  time never waits for a train leaving later (outside the window).
- :func:`earliest_lanes` is :func:`earliest_many` for 64 origins per scan (the bulk query);
  :func:`earliest_many` serves single queries and ``first_exact``.

Notes
-----
A zero-minute hop followed by a change with zero change, board and walk minutes onto a trip that
leaves in the same minute may be missed (the order of equal departures decides); trips themselves
are always followed through zero-minute hops.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from transit.routing._kernels import guard_cache

__all__ = [
    "earliest_many",
    "earliest_lanes",
    "earliest_rounds",
    "profile_many",
    "path_sums",
    "second_routes",
    "trip_times",
    "EXACT_MINUTES",
    "LANES",
]

#: Tolerance of "leaves exactly then" (a first boarding in ``first_exact`` mode): leave times are
#: computed as ``departure - walk - board`` and the kernels add them back, which may round.
EXACT_MINUTES = 1e-6


@njit(cache=True, nogil=True)
def _first_at_or_after(conn_time, t):
    """Position of the first connection departing at or after ``t`` (binary search)."""
    lo = 0
    hi = conn_time.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if conn_time[mid, 0] < t:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _scan_one(
    conn_int,
    conn_time,
    stop_minutes,
    fp_indptr,
    fp_indices,
    fp_minutes,
    origin,
    t,
    first_exact,
    arr,
    ready,
    first,
    out_at,
    trip_on,
):
    """Earliest arrival at every stop from ``origin`` left at ``t``; writes ``arr``.

    ``first[s]`` is the time one is ready at ``s`` straight from the origin (its own board minutes,
    or the footpath's walk and ``s``'s board minutes). With ``first_exact`` the first trip must be
    boarded at a departure equal to ``first[s]`` (within :data:`EXACT_MINUTES`): the journey leaves
    the origin at ``t`` for that train, with no initial wait.
    """
    n = arr.shape[0]
    for s in range(n):
        arr[s] = np.inf
        ready[s] = np.inf
        first[s] = np.inf
        out_at[s] = np.inf
    for k in range(trip_on.shape[0]):
        trip_on[k] = False
    arr[origin] = t
    first[origin] = t + stop_minutes[origin, 1]
    for e in range(fp_indptr[origin], fp_indptr[origin + 1]):
        w = fp_indices[e]
        x = t + fp_minutes[e]
        if x < arr[w]:
            arr[w] = x
        y = x + stop_minutes[w, 1]
        if y < first[w]:
            first[w] = y
    lo = t
    if not first_exact:
        for s in range(n):
            ready[s] = first[s]
    else:
        lo = t - EXACT_MINUTES
    for c in range(_first_at_or_after(conn_time, lo), conn_time.shape[0]):
        k = conn_int[c, 2]
        if not trip_on[k]:
            u = conn_int[c, 0]
            d = conn_time[c, 0]
            if ready[u] <= d or (first_exact and abs(first[u] - d) <= EXACT_MINUTES):
                trip_on[k] = True
            else:
                continue
        v = conn_int[c, 1]
        a = conn_time[c, 1] + stop_minutes[v, 2]
        if a >= out_at[v]:
            continue
        out_at[v] = a
        if a < arr[v]:
            arr[v] = a
        y = a + stop_minutes[v, 0] + stop_minutes[v, 1]
        if y < ready[v]:
            ready[v] = y
        for e in range(fp_indptr[v], fp_indptr[v + 1]):
            w = fp_indices[e]
            x = a + fp_minutes[e]
            if x < arr[w]:
                arr[w] = x
            y = x + stop_minutes[w, 1]
            if y < ready[w]:
                ready[w] = y


@njit(cache=True, parallel=True)
def earliest_many(
    conn_int, conn_time, stop_minutes, fp_indptr, fp_indices, fp_minutes, origins, depart_minutes, first_exact, out
):
    """Earliest arrival from each of ``origins`` left at ``depart_minutes[i]`` (parallel).

    ``out`` (float64, shape (n_origins, S)) receives the minutes after midnight of the earliest
    arrival at every stop; ``inf`` where unreachable; ``depart_minutes[i]`` at the origin. With
    ``first_exact`` only journeys whose first train leaves exactly when one is ready for it after
    leaving at ``depart_minutes[i]`` count (no initial wait; :func:`_scan_one`).
    """
    n = stop_minutes.shape[0]
    n_trips = 0
    for c in range(conn_int.shape[0]):
        if conn_int[c, 2] + 1 > n_trips:
            n_trips = conn_int[c, 2] + 1
    for i in prange(origins.shape[0]):
        ready = np.empty(n, dtype=np.float64)
        first = np.empty(n, dtype=np.float64)
        out_at = np.empty(n, dtype=np.float64)
        trip_on = np.empty(n_trips, dtype=np.bool_)
        _scan_one(
            conn_int,
            conn_time,
            stop_minutes,
            fp_indptr,
            fp_indices,
            fp_minutes,
            origins[i],
            depart_minutes[i],
            first_exact,
            out[i],
            ready,
            first,
            out_at,
            trip_on,
        )


#: Origins scanned together by :func:`earliest_lanes` (one bit each of a trip's uint64 mask).
LANES = 64


@njit(cache=True, parallel=True)
def earliest_lanes(conn_int, conn_time, stop_minutes, fp_indptr, fp_indices, fp_minutes, origins, depart_minutes, out):
    """:func:`earliest_many` (without ``first_exact``) for :data:`LANES` origins per scan (parallel).

    Same inputs, outputs and semantics. Each scan carries up to 64 origins at once: a trip's
    "boarded" flags are the bits of one uint64, and ``least[s]``, the smallest ready time of any
    origin at ``s``, rejects most connections with one comparison, so a connection nobody can board
    costs about what it costs one origin. Groups of origins run in parallel.
    """
    n = stop_minutes.shape[0]
    C = conn_int.shape[0]
    n_trips = 0
    for c in range(C):
        if conn_int[c, 2] + 1 > n_trips:
            n_trips = conn_int[c, 2] + 1
    n_o = origins.shape[0]
    n_groups = (n_o + LANES - 1) // LANES
    one = np.uint64(1)
    for gi in prange(n_groups):
        lo = gi * LANES
        m = min(LANES, n_o - lo)
        arr = np.full((n, LANES), np.inf)
        ready = np.full((n, LANES), np.inf)
        least = np.full(n, np.inf)
        on = np.zeros(n_trips, dtype=np.uint64)
        tmin = np.inf
        for lane in range(m):
            o = origins[lo + lane]
            t = depart_minutes[lo + lane]
            if t < tmin:
                tmin = t
            arr[o, lane] = t
            ready[o, lane] = t + stop_minutes[o, 1]
            for e in range(fp_indptr[o], fp_indptr[o + 1]):
                w = fp_indices[e]
                x = t + fp_minutes[e]
                if x < arr[w, lane]:
                    arr[w, lane] = x
                y = x + stop_minutes[w, 1]
                if y < ready[w, lane]:
                    ready[w, lane] = y
        for s in range(n):
            for lane in range(m):
                if ready[s, lane] < least[s]:
                    least[s] = ready[s, lane]
        for c in range(_first_at_or_after(conn_time, tmin), C):
            u = conn_int[c, 0]
            k = conn_int[c, 2]
            d = conn_time[c, 0]
            mask = on[k]
            if least[u] <= d:
                for lane in range(LANES):
                    if ready[u, lane] <= d:
                        mask |= one << np.uint64(lane)
                on[k] = mask
            if mask == 0:
                continue
            v = conn_int[c, 1]
            a = conn_time[c, 1] + stop_minutes[v, 2]
            y = a + stop_minutes[v, 0] + stop_minutes[v, 1]
            for lane in range(LANES):
                if (mask >> np.uint64(lane)) & one:
                    if a < arr[v, lane]:
                        arr[v, lane] = a
                    if y < ready[v, lane]:
                        ready[v, lane] = y
            if y < least[v]:
                least[v] = y
            for e in range(fp_indptr[v], fp_indptr[v + 1]):
                w = fp_indices[e]
                x = a + fp_minutes[e]
                yw = x + stop_minutes[w, 1]
                for lane in range(LANES):
                    if (mask >> np.uint64(lane)) & one:
                        if x < arr[w, lane]:
                            arr[w, lane] = x
                        if yw < ready[w, lane]:
                            ready[w, lane] = yw
                if yw < least[w]:
                    least[w] = yw
        for lane in range(m):
            for s in range(n):
                out[lo + lane, s] = arr[s, lane]


@njit(cache=True, nogil=True)
def earliest_rounds(
    conn_int,
    conn_time,
    stop_minutes,
    fp_indptr,
    fp_indices,
    fp_minutes,
    origin,
    t,
    first_exact,
    out_at,
    alight_conn,
    board_conn,
    ready_from,
):
    """Earliest arrival from ``origin`` left at ``t`` with at most 1, 2, ... K trips, with journeys.

    Round ``r`` (0-based) is the ``(r + 1)``-th trip. Outputs (shape (K, S); K = rows given):
    ``out_at[r, s]`` the earliest time one is out at ``s`` after alighting from a trip ridden as
    the ``(r + 1)``-th (``inf`` if none); ``alight_conn[r, s]`` and ``board_conn[r, s]`` the
    connections alighted from and boarded at for it; ``ready_from[r, u]`` the stop alighted at in
    round ``r - 1`` from which one was first ready to board at ``u`` in round ``r`` (-1: from the
    origin, by the origin's footpath when ``u != origin``). Arrival at a stop by a footpath after
    the last trip is left to the caller (``out_at`` plus the walk). A trip is ridden in the
    smallest round in which it can be boarded so far, so ``min(out_at[:r + 1, s])`` is the earliest
    arrival at ``s`` with at most ``r + 1`` trips (the Pareto set of arrival and changes). With
    ``first_exact`` the first trip is boarded only at a departure equal to the time one is ready
    for it (no initial wait; see :func:`_scan_one`).
    """
    K = out_at.shape[0]
    n = out_at.shape[1]
    n_trips = 0
    for c in range(conn_int.shape[0]):
        if conn_int[c, 2] + 1 > n_trips:
            n_trips = conn_int[c, 2] + 1
    ready = np.full((K, n), np.inf)
    trip_round = np.full(n_trips, K, dtype=np.int64)
    trip_board = np.full(n_trips, -1, dtype=np.int64)
    for r in range(K):
        for s in range(n):
            out_at[r, s] = np.inf
            alight_conn[r, s] = -1
            board_conn[r, s] = -1
            ready_from[r, s] = -1
    ready[0, origin] = t + stop_minutes[origin, 1]
    for e in range(fp_indptr[origin], fp_indptr[origin + 1]):
        w = fp_indices[e]
        y = t + fp_minutes[e] + stop_minutes[w, 1]
        if y < ready[0, w]:
            ready[0, w] = y
    lo = t - EXACT_MINUTES if first_exact else t
    for c in range(_first_at_or_after(conn_time, lo), conn_time.shape[0]):
        u = conn_int[c, 0]
        k = conn_int[c, 2]
        d = conn_time[c, 0]
        for r in range(trip_round[k]):
            if r == 0 and first_exact:
                ok = abs(ready[0, u] - d) <= EXACT_MINUTES
            else:
                ok = ready[r, u] <= d
            if ok:
                trip_round[k] = r
                trip_board[k] = c
                break
        r = trip_round[k]
        if r >= K:
            continue
        v = conn_int[c, 1]
        a = conn_time[c, 1] + stop_minutes[v, 2]
        if a >= out_at[r, v]:
            continue
        out_at[r, v] = a
        alight_conn[r, v] = c
        board_conn[r, v] = trip_board[k]
        if r + 1 < K:
            y = a + stop_minutes[v, 0] + stop_minutes[v, 1]
            if y < ready[r + 1, v]:
                ready[r + 1, v] = y
                ready_from[r + 1, v] = v
            for e in range(fp_indptr[v], fp_indptr[v + 1]):
                w = fp_indices[e]
                y = a + fp_minutes[e] + stop_minutes[w, 1]
                if y < ready[r + 1, w]:
                    ready[r + 1, w] = y
                    ready_from[r + 1, w] = v


@njit(cache=True, nogil=True)
def _query(prof_dep, prof_arr, lo, length, x):
    """Earliest arrival of a stop profile (deps decreasing from ``lo``) boarding at or after x."""
    if length == 0 or prof_dep[lo] < x:
        return np.inf
    if prof_dep[lo + length - 1] >= x:  # the earliest departure so far is catchable: the best arrival
        return prof_arr[lo + length - 1]
    a = 0
    b = length - 1  # invariant: prof_dep[lo + a] >= x; find the last such index
    while a < b:
        mid = (a + b + 1) >> 1
        if prof_dep[lo + mid] >= x:
            a = mid
        else:
            b = mid - 1
    return prof_arr[lo + a]


@njit(cache=True, nogil=True)
def _percentile_sorted(vals, p):
    """Linear-interpolation percentile (numpy's default) of sorted ``vals``; inf stays inf."""
    m = vals.shape[0]
    pos = p / 100.0 * (m - 1)
    lo = int(np.floor(pos))
    if lo >= m - 1:
        return vals[m - 1]
    frac = pos - lo
    if frac == 0.0:
        return vals[lo]
    if vals[lo + 1] == np.inf:
        return np.inf
    return vals[lo] + frac * (vals[lo + 1] - vals[lo])


@njit(cache=True, nogil=True)
def _sort_runs(vals, tmp, starts, n_runs):
    """Sort ``vals`` made of ``n_runs`` non-increasing runs (``starts``: their bounds, then the end).

    Each run is reversed, then neighbouring runs are merged bottom-up: O(n log n_runs), against
    O(n log n) for a sort that does not know the runs (the window statistics' hot spot).
    """
    for r in range(n_runs):
        a = starts[r]
        b = starts[r + 1] - 1
        while a < b:
            x = vals[a]
            vals[a] = vals[b]
            vals[b] = x
            a += 1
            b -= 1
    width = 1
    in_tmp = False
    while width < n_runs:
        src = tmp if in_tmp else vals
        dst = vals if in_tmp else tmp
        for r in range(0, n_runs, 2 * width):
            lo = starts[r]
            mid = starts[min(r + width, n_runs)]
            hi = starts[min(r + 2 * width, n_runs)]
            a = lo
            b = mid
            for k in range(lo, hi):
                if b >= hi or (a < mid and src[a] <= src[b]):
                    dst[k] = src[a]
                    a += 1
                else:
                    dst[k] = src[b]
                    b += 1
        in_tmp = not in_tmp
        width *= 2
    if in_tmp:
        for k in range(starts[n_runs]):
            vals[k] = tmp[k]


@njit(cache=True, nogil=True)
def _profile_target(
    conn_int,
    conn_time,
    stop_minutes,
    fp_indptr,
    fp_indices,
    fp_minutes,
    rfp_indptr,
    rfp_indices,
    rfp_minutes,
    prof_start,
    g,
    window,
    within,
    percentiles,
    origins,
    out_fast,
    out_pct,
    out_counts,
    out_first_last,
    trip_best,
    prof_len,
    prof_dep,
    prof_arr,
    walk_to_g,
    fast,
    vals,
    vals_tmp,
    run_starts,
    buf_l,
    buf_a,
):
    """Backward profile scan towards target ``g``, then the statistics of every origin."""
    n = stop_minutes.shape[0]
    ws = window[0]
    we = window[0] + window[1]
    for k in range(trip_best.shape[0]):
        trip_best[k] = np.inf
    for s in range(n):
        prof_len[s] = 0
        walk_to_g[s] = np.inf
        fast[s] = np.inf
    for e in range(rfp_indptr[g], rfp_indptr[g + 1]):
        w = rfp_indices[e]
        if rfp_minutes[e] < walk_to_g[w]:
            walk_to_g[w] = rfp_minutes[e]
    for c in range(conn_time.shape[0] - 1, -1, -1):
        u = conn_int[c, 0]
        v = conn_int[c, 1]
        k = conn_int[c, 2]
        d = conn_time[c, 0]
        av = conn_time[c, 1] + stop_minutes[v, 2]
        tau = trip_best[k]
        if v == g:
            if av < tau:
                tau = av
        elif av + walk_to_g[v] < tau:
            tau = av + walk_to_g[v]
        q = _query(prof_dep, prof_arr, prof_start[v], prof_len[v], av + stop_minutes[v, 0] + stop_minutes[v, 1])
        if q < tau:
            tau = q
        for e in range(fp_indptr[v], fp_indptr[v + 1]):
            w = fp_indices[e]
            q = _query(prof_dep, prof_arr, prof_start[w], prof_len[w], av + fp_minutes[e] + stop_minutes[w, 1])
            if q < tau:
                tau = q
        if tau < trip_best[k]:
            trip_best[k] = tau
        if tau == np.inf:
            continue
        # the fastest journey leaving in the window: every boarding counts, dominated or not
        lu = d - stop_minutes[u, 1]
        if lu >= ws and lu < we and tau - lu < fast[u]:
            fast[u] = tau - lu
        for e in range(rfp_indptr[u], rfp_indptr[u + 1]):
            w = rfp_indices[e]
            lw = lu - rfp_minutes[e]
            if lw >= ws and lw < we and tau - lw < fast[w]:
                fast[w] = tau - lw
        lo = prof_start[u]
        m = prof_len[u]
        if m == 0 or tau < prof_arr[lo + m - 1]:
            if m > 0 and prof_dep[lo + m - 1] == d:
                prof_arr[lo + m - 1] = tau
            else:
                prof_dep[lo + m] = d
                prof_arr[lo + m] = tau
                prof_len[u] = m + 1
    n_w = vals.shape[0]
    for i in range(origins.shape[0]):
        o = origins[i]
        if o == g:
            out_fast[i, g] = 0.0
            for p in range(percentiles.shape[0]):
                out_pct[p, i, g] = 0.0
            out_counts[0, i, g] = 0
            out_counts[1, i, g] = 0
            out_first_last[0, i, g] = np.nan
            out_first_last[1, i, g] = np.nan
            continue
        walk = np.inf
        for e in range(fp_indptr[o], fp_indptr[o + 1]):
            if fp_indices[e] == g and fp_minutes[e] < walk:
                walk = fp_minutes[e]
        # the origin's profile: its own boardings and those after its footpaths, by leave time
        m = 0
        lo = prof_start[o]
        for j in range(prof_len[o] - 1, -1, -1):  # increasing departure
            buf_l[m] = prof_dep[lo + j] - stop_minutes[o, 1]
            buf_a[m] = prof_arr[lo + j]
            m += 1
        merged = False
        for e in range(fp_indptr[o], fp_indptr[o + 1]):
            w = fp_indices[e]
            lw = prof_start[w]
            shift = fp_minutes[e] + stop_minutes[w, 1]
            for j in range(prof_len[w] - 1, -1, -1):
                buf_l[m] = prof_dep[lw + j] - shift
                buf_a[m] = prof_arr[lw + j]
                m += 1
                merged = True
        if merged:
            order = np.argsort(buf_l[:m], kind="mergesort")
            sl = buf_l[:m][order].copy()
            sa = buf_a[:m][order].copy()
            buf_l[:m] = sl
            buf_a[:m] = sa
        # Pareto filter from the latest leave time down: keep strictly smaller arrivals
        best = np.inf
        keep = 0
        for j in range(m - 1, -1, -1):
            if buf_a[j] < best:
                best = buf_a[j]
                if keep > 0 and buf_l[j] == buf_l[m - keep]:
                    buf_a[m - keep] = buf_a[j]  # same leave time, earlier arrival
                else:
                    keep += 1
                    buf_l[m - keep] = buf_l[j]
                    buf_a[m - keep] = buf_a[j]
        start = m - keep
        n_win = 0
        n_day = 0
        for j in range(start, m):
            ok = buf_a[j] - buf_l[j] <= within
            if ok:
                n_day += 1
                if buf_l[j] >= ws and buf_l[j] < we:
                    n_win += 1
        out_counts[0, i, g] = n_win
        out_counts[1, i, g] = n_day
        if keep > 0:
            out_first_last[0, i, g] = buf_l[start]
            out_first_last[1, i, g] = buf_l[m - 1]
        else:
            out_first_last[0, i, g] = np.nan
            out_first_last[1, i, g] = np.nan
        f = fast[o]
        if walk < f:
            f = walk
        out_fast[i, g] = f
        if n_w > 0 and keep == 0 and walk == np.inf:  # never reached: every minute is inf
            for p in range(percentiles.shape[0]):
                out_pct[p, i, g] = np.inf
            continue
        # (earliest arrival leaving at t) - t: non-increasing while the same entry j is caught, so
        # the window's values are a few non-increasing runs, sorted by reversing and merging them
        j = start
        n_runs = 0
        for step in range(n_w):
            t = ws + step
            moved = step == 0
            while j < m and buf_l[j] < t:
                j += 1
                moved = True
            if moved:
                run_starts[n_runs] = step
                n_runs += 1
            x = buf_a[j] - t if j < m else np.inf
            if walk < x:
                x = walk
            vals[step] = x
        if n_w > 0:
            run_starts[n_runs] = n_w
            _sort_runs(vals, vals_tmp, run_starts, n_runs)
            for p in range(percentiles.shape[0]):
                out_pct[p, i, g] = _percentile_sorted(vals, percentiles[p])
        else:
            for p in range(percentiles.shape[0]):
                out_pct[p, i, g] = np.nan


@njit(cache=True, parallel=True)
def profile_many(
    conn_int,
    conn_time,
    stop_minutes,
    fp_indptr,
    fp_indices,
    fp_minutes,
    rfp_indptr,
    rfp_indices,
    rfp_minutes,
    window,
    within,
    percentiles,
    origins,
    out_fast,
    out_pct,
    out_counts,
    out_first_last,
):
    """Departure-window statistics from each of ``origins`` to every stop (parallel over stops).

    One backward profile scan per target stop (the profile Connection Scan of Dibbelt et al.):
    each stop keeps its Pareto set of (departure, earliest arrival at the target) boardings, so
    every origin's whole-day profile comes out of one pass over the connections. ``rfp_*`` is the
    footpath CSR reversed (row ``u``: the stops that walk to ``u``). ``window`` = (start, length)
    in minutes (length a whole number); ``within`` the longest journey counted (``inf``: all).

    Outputs, row ``i`` for ``origins[i]``, column for the target stop:
    ``out_fast`` (O, S) the fastest journey leaving in ``[start, start + length)``: arrival minus
    the time one leaves the origin (board and walk included, no initial wait);
    ``out_pct`` (P, O, S) the percentiles over the minutes ``t = start, start + 1, ...`` of the
    window of (earliest arrival leaving at ``t``) - ``t``;
    ``out_counts`` (2, O, S) int64: useful departures (Pareto-optimal leave times) in the window
    and over the whole day whose journey takes at most ``within`` minutes;
    ``out_first_last`` (2, O, S): the first and last useful leave times of the day (NaN if none).
    """
    n = stop_minutes.shape[0]
    C = conn_time.shape[0]
    n_trips = 0
    for c in range(C):
        if conn_int[c, 2] + 1 > n_trips:
            n_trips = conn_int[c, 2] + 1
    prof_start = np.zeros(n + 1, dtype=np.int64)
    for c in range(C):
        prof_start[conn_int[c, 0] + 1] += 1
    for s in range(n):
        prof_start[s + 1] += prof_start[s]
    widest = 0
    for s in range(n):
        m = prof_start[s + 1] - prof_start[s]
        for e in range(fp_indptr[s], fp_indptr[s + 1]):
            w = fp_indices[e]
            m += prof_start[w + 1] - prof_start[w]
        if m > widest:
            widest = m
    n_w = int(window[1])
    for g in prange(n):
        _profile_target(
            conn_int,
            conn_time,
            stop_minutes,
            fp_indptr,
            fp_indices,
            fp_minutes,
            rfp_indptr,
            rfp_indices,
            rfp_minutes,
            prof_start,
            g,
            window,
            within,
            percentiles,
            origins,
            out_fast,
            out_pct,
            out_counts,
            out_first_last,
            np.empty(n_trips, dtype=np.float64),
            np.empty(n, dtype=np.int64),
            np.empty(C, dtype=np.float64),
            np.empty(C, dtype=np.float64),
            np.empty(n, dtype=np.float64),
            np.empty(n, dtype=np.float64),
            np.empty(n_w, dtype=np.float64),
            np.empty(n_w, dtype=np.float64),
            np.empty(n_w + 1, dtype=np.int64),
            np.empty(widest + 1, dtype=np.float64),
            np.empty(widest + 1, dtype=np.float64),
        )


# ------------------------------------------------------------------------ service model (routes)
@njit(cache=True, nogil=True)
def path_sums(pred, dist, indptr, indices, weight):
    """Sum of a hop weight over the hops of each fastest path of a shortest-path forest.

    Parameters
    ----------
    pred : numpy.ndarray of int, shape (R, N)
        Predecessors of a search from R roots (scipy's ``dijkstra``: -9999 or any negative = none).
    dist : numpy.ndarray of float, shape (R, N)
        Its distances (``inf`` = unreached); every hop is strictly positive.
    indptr, indices, weight : numpy.ndarray
        The hop weights as a CSR matrix over the N nodes (``weight`` of u -> v in row u; km, say).

    Returns
    -------
    numpy.ndarray of float, shape (R, N)
        ``out[r, v]`` = the sum from the root to v, added from the root on; ``nan`` where unreached.
    """
    R, N = dist.shape
    out = np.full((R, N), np.nan)
    for r in range(R):
        order = np.argsort(dist[r])
        for v in order:
            if not np.isfinite(dist[r, v]):
                break
            p = pred[r, v]
            if p < 0:
                out[r, v] = 0.0
                continue
            w = 0.0
            for k in range(indptr[p], indptr[p + 1]):
                if indices[k] == v:
                    w = weight[k]
                    break
            out[r, v] = out[r, p] + w
    return out


@njit(cache=True, nogil=True)
def second_routes(term_src, term_dst, node_station, dist, pred, pair_a, pair_b, max_ratio, max_overlap):
    """For each terminal pair, the terminal its second route runs through (see
    :func:`transit.timetable.service.alternative_paths`, which states the rule).

    Parameters
    ----------
    term_src, term_dst : numpy.ndarray of int, shape (T,)
        The search nodes a path from (to) each terminal starts (ends) at; ``dist`` and ``pred``
        (shape (T, N)) are the search from each terminal's start node.
    node_station : numpy.ndarray of int, shape (N,)
        The station of each search node (stations are what "on the path" and "overlap" count).
    pair_a, pair_b : numpy.ndarray of int, shape (P,)
        Rows (into the terminals) of the two ends of each pair.

    Returns
    -------
    via : numpy.ndarray of int, shape (P,)
        The row of the terminal each pair's second route runs through, -1 where it has none.
    ratio : numpy.ndarray of float, shape (P,)
        Its track time over the fastest's (``nan`` where none).
    """
    T, N = dist.shape
    S = 0
    for v in range(N):
        S = max(S, node_station[v] + 1)
    P = pair_a.shape[0]
    via = np.full(P, -1, dtype=np.int64)
    ratio_out = np.full(P, np.nan)
    on_fast = np.zeros(S, dtype=np.int64)  # per station, stamp = pair + 1
    on_first = np.zeros(S, dtype=np.int64)  # per station, stamp = candidate counter
    stamp = 0
    between = np.empty((T, T))
    for i in range(T):
        for j in range(T):
            between[i, j] = dist[i, term_dst[j]]
    ratio = np.empty(T)
    for k in range(P):
        ia, ib = pair_a[k], pair_b[k]
        t_fast = between[ia, ib]
        if not np.isfinite(t_fast) or t_fast <= 0:
            continue
        # the stations of the fastest path, walked back from b's end node to a's start node
        n_fast = 0
        v = term_dst[ib]
        broken = False
        while True:
            s_ = node_station[v]
            if on_fast[s_] != k + 1:
                on_fast[s_] = k + 1
                n_fast += 1
            if v == term_src[ia]:
                break
            v = pred[ia, v]
            if v < 0:
                broken = True
                break
        if broken:
            continue
        for h in range(T):
            ratio[h] = (between[ia, h] + dist[h, term_dst[ib]]) / t_fast
        near = np.flatnonzero(ratio <= max_ratio)  # the candidates, in order of ratio (ties by row)
        for ih in near[np.argsort(ratio[near], kind="mergesort")]:
            hs = node_station[term_dst[ih]]
            if on_fast[hs] == k + 1:
                continue
            stamp += 1
            overlap = 0
            ok = True
            v = term_dst[ih]  # a -> h, walked back from h
            while True:
                s_ = node_station[v]
                if on_first[s_] != stamp:
                    on_first[s_] = stamp
                    if on_fast[s_] == k + 1:
                        overlap += 1
                if v == term_src[ia]:
                    break
                v = pred[ia, v]
                if v < 0:
                    ok = False
                    break
            if not ok:
                continue
            v = term_dst[ib]  # h -> b, walked back from b; only h may be on both halves
            while True:
                s_ = node_station[v]
                if v == term_src[ih]:
                    break
                if s_ != hs:
                    if on_first[s_] == stamp:
                        ok = False
                        break
                    if on_fast[s_] == k + 1:
                        overlap += 1
                v = pred[ih, v]
                if v < 0:
                    ok = False
                    break
            if not ok or overlap > max_overlap * n_fast:
                continue
            via[k] = ih
            ratio_out[k] = ratio[ih]
            break
    return via, ratio_out


@njit(cache=True, nogil=True)
def trip_times(x_km, cruise_min, stop, trip_start, dep0, stop_loss, margin_min, hub_extra_min, dwell_min):
    """Arrival and departure minutes of the service model's trips (rule 4 of
    :mod:`transit.timetable.service`), all trips at once.

    Parameters
    ----------
    x_km, cruise_min : numpy.ndarray of float, shape (L,)
        Chainage and cumulative cruising minutes of each call along its route (all trips' calls
        one after another, each trip's in order).
    stop : numpy.ndarray of int, shape (L,)
        The station of each call (position into ``hub_extra_min`` and ``dwell_min``).
    trip_start : numpy.ndarray of int, shape (K + 1,)
        Trip ``k``'s calls are ``trip_start[k]:trip_start[k + 1]`` (at least two).
    dep0 : numpy.ndarray of float, shape (K,)
        Departure from the first call.
    stop_loss : float
        Minutes lost braking and accelerating per km/h of the leg's speed (``c``); 0 = none.
    margin_min : float
        Minutes added to every leg.
    hub_extra_min, dwell_min : numpy.ndarray of float, shape (S,)
        Minutes added to a leg for each end at the station; minutes standing at a call.

    Returns
    -------
    arrival, departure : numpy.ndarray of float, shape (L,)
        A leg runs ``60 km / v + c v + margin + hub extras``, with ``v`` its cruising speed capped
        at ``sqrt(60 km / c)`` (a short leg never reaches it); first and last calls stand 0 minutes.
    """
    L = x_km.shape[0]
    arr = np.empty(L)
    dep = np.empty(L)
    for k in range(trip_start.shape[0] - 1):
        i0, i1 = trip_start[k], trip_start[k + 1]
        run_min = 0.0
        dwelt = 0.0
        arr[i0] = dep0[k]
        dep[i0] = dep0[k]
        for i in range(i0 + 1, i1):
            d_km = x_km[i] - x_km[i - 1]
            v = 60.0 * d_km / max(cruise_min[i] - cruise_min[i - 1], 1e-9)
            if stop_loss > 0:
                v = min(v, np.sqrt(60.0 * d_km / stop_loss))
            leg = (
                60.0 * d_km / max(v, 1e-9)
                + stop_loss * v
                + margin_min
                + hub_extra_min[stop[i - 1]]
                + hub_extra_min[stop[i]]
            )
            run_min += leg
            if i - 1 > i0:
                dwelt += dwell_min[stop[i - 1]]
            arr[i] = dep0[k] + run_min + dwelt
            dep[i] = arr[i] + (dwell_min[stop[i]] if i < i1 - 1 else 0.0)
    return arr, dep


for _kernel in [k for k in list(globals().values()) if hasattr(k, "_cache")]:  # a damaged cache: note, compile
    guard_cache(_kernel)
