"""Deterministic synthetic rail-like graphs for benchmarks and tests.

A graph is generated from ``(n_stations, seed)`` alone:

- stations: uniform random points in a 1,000 km x 1,000 km square;
- lines: about ``n_stations / 3`` lines, each a chain of 6-30 stations, grown from a random
  start station by stepping to one of the 8 nearest stations that keeps roughly the line's
  heading (within 75 degrees) and is not yet on the line; every station left on no line is
  joined to its nearest station by a two-station branch line;
- running minutes between consecutive stations: ``km / speed_kmh * 60 + 2`` (a stop), with a
  line speed of 120-350 km/h, both directions, the return 0-5 % slower (so the graph is
  directed);
- express edges: from station ``i`` to ``i + 2`` (probability 0.4) and ``i + 4`` (0.15) on a line,
  at 0.85 x the sum of the minutes they skip;
- transfer edges between stations closer than 4 km: 0 minutes (probability 0.3) or 3-15;
- weights clipped to at most 120 minutes (edges that would be longer are dropped).

The result is a CSR matrix of minutes with out-degree about 4-10, a few zero-minute edges and
mostly one strongly connected component, which is what the YRD rail and air graph looks like.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

__all__ = ["rail_like_graph"]


def rail_like_graph(n_stations: int, seed: int = 0) -> sp.csr_matrix:
    """Return a deterministic rail-like directed graph of minutes.

    Parameters
    ----------
    n_stations : int
        Number of nodes.
    seed : int
        Seed of the generator; the same ``(n_stations, seed)`` always gives the same graph.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n_stations, n_stations)`` float64 minutes; explicit zeros are zero-minute edges.
    """
    rng = np.random.default_rng([n_stations, seed])
    xy_km = rng.uniform(0.0, 1000.0, size=(n_stations, 2))
    tree = cKDTree(xy_km)
    k = min(9, n_stations)
    _, near = tree.query(xy_km, k=k)
    near = np.atleast_2d(near)
    rows: list[int] = []
    cols: list[int] = []
    minutes: list[float] = []
    on_line = np.zeros(n_stations, dtype=bool)

    def add(a: int, b: int, m: float) -> None:
        if a != b and m <= 120.0:
            rows.append(a)
            cols.append(b)
            minutes.append(m)

    n_lines = max(1, n_stations // 3)
    for _ in range(n_lines):
        start = int(rng.integers(n_stations))
        heading = rng.uniform(0, 2 * np.pi)
        length = int(rng.integers(6, 31))
        speed_kmh = rng.uniform(120.0, 350.0)
        line = [start]
        for _ in range(length - 1):
            here = line[-1]
            best = -1
            for cand in near[here, 1:]:
                cand = int(cand)
                if cand in line:
                    continue
                dx, dy = xy_km[cand] - xy_km[here]
                angle = np.arctan2(dy, dx)
                if abs((angle - heading + np.pi) % (2 * np.pi) - np.pi) < np.radians(75):
                    best = cand
                    heading = 0.7 * heading + 0.3 * angle if abs(angle - heading) < np.pi else angle
                    break
            if best < 0:
                break
            line.append(best)
        if len(line) > 1:
            _add_line(line, xy_km, speed_kmh, rng, add)
            on_line[line] = True
    for s in np.flatnonzero(~on_line):
        if k > 1:
            _add_line([int(s), int(near[s, 1])], xy_km, rng.uniform(120.0, 350.0), rng, add)
    for a, b in tree.query_pairs(4.0):
        m = 0.0 if rng.random() < 0.3 else float(rng.uniform(3.0, 15.0))
        add(a, b, m)
        add(b, a, m)
    # keep the minimum of parallel edges (coo -> csr would sum them)
    order = np.lexsort((np.asarray(minutes), np.asarray(cols), np.asarray(rows)))
    r = np.asarray(rows, dtype=np.int64)[order]
    c = np.asarray(cols, dtype=np.int64)[order]
    m = np.asarray(minutes, dtype=np.float64)[order]
    first = np.ones(r.shape[0], dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    r, c, m = r[first], c[first], m[first]
    indptr = np.zeros(n_stations + 1, dtype=np.int64)
    np.add.at(indptr, r + 1, 1)
    return sp.csr_matrix((m, c, np.cumsum(indptr)), shape=(n_stations, n_stations))


def _add_line(line, xy_km, speed_kmh, rng, add) -> None:
    run = []
    for a, b in zip(line[:-1], line[1:]):
        km = float(np.hypot(*(xy_km[b] - xy_km[a])))
        m = km / speed_kmh * 60.0 + 2.0
        run.append(m)
        add(a, b, m)
        add(b, a, m * (1.0 + rng.uniform(0.0, 0.05)))
    for i in range(len(line)):
        for skip, p in ((2, 0.4), (4, 0.15)):
            if i + skip < len(line) and rng.random() < p:
                m = 0.85 * sum(run[i : i + skip])
                add(line[i], line[i + skip], m)
                add(line[i + skip], line[i], m)
