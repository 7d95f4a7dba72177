"""Obvious slow references for the shortest-path kernels (pure Python, for tests only).

Graphs here are edge lists ``[(u, v, minutes), ...]`` on nodes ``0..n-1``; parallel edges and
self-loops allowed. Nothing clever: a textbook Dijkstra with ``heapq`` and lazy deletion.
"""

from __future__ import annotations

import heapq
import math


def dijkstra_minutes(n: int, edges, origin: int) -> list[float]:
    """Shortest minutes from ``origin`` to every node (``math.inf`` when unreachable)."""
    out = [[] for _ in range(n)]
    for u, v, w in edges:
        out[u].append((v, float(w)))
    dist = [math.inf] * n
    dist[origin] = 0.0
    heap = [(0.0, origin)]
    done = [False] * n
    while heap:
        d, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        for v, w in out[u]:
            if d + w < dist[v]:
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    return dist


def bfs_hops(n: int, edges, origin: int) -> list[float]:
    """Fewest edges from ``origin`` to every node (``math.inf`` when unreachable)."""
    out = [[] for _ in range(n)]
    for u, v, _ in edges:
        out[u].append(v)
    hops = [math.inf] * n
    hops[origin] = 0.0
    frontier = [origin]
    while frontier:
        nxt = []
        for u in frontier:
            for v in out[u]:
                if hops[v] == math.inf:
                    hops[v] = hops[u] + 1
                    nxt.append(v)
        frontier = nxt
    return hops


def to_csr(n: int, edges):
    """CSR triple (indptr, indices, minutes) of an edge list, rows in order, parallel edges kept."""
    rows = [[] for _ in range(n)]
    for u, v, w in edges:
        rows[u].append((v, w))
    indptr, indices, minutes = [0], [], []
    for r in rows:
        for v, w in r:
            indices.append(v)
            minutes.append(float(w))
        indptr.append(len(indices))
    return indptr, indices, minutes
