"""Numba kernels of the scenario sweep: shortest minutes on a union graph under an edge mask.

The union graph holds the base edges and every project's edges; a combination of projects turns a
subset of them on. Conventions (those of :mod:`transit.routing._kernels`):

- minutes as float64, unreachable = ``inf``; CSR triple ``(indptr, indices, weights)``;
- a combination is an int64 bit set, bit ``j`` for project ``j`` (at most 62 projects);
- every edge has a *key* ``edge_key[e]`` (a line, a flight pair; 0 is the base key with no project)
  and a 64-bit state set ``edge_states[e]``: the edge is on when bit ``s`` is set, ``s`` being the
  key's state, the bits of the key's projects ``key_projects[key_indptr[k]:key_indptr[k + 1]]``
  read from the combination in that order;
- an edge with key -1 (a transfer) is on when both its ends are served: a node is served when one
  of its rail edges (``edge_rail``) is on, or always when ``node_fixed`` is set (an airport);
- results have shape ``(n_combinations, ...)``, row ``i`` for ``combos[i]``.

Every parameter is an argument; no globals, no objects. The kernels release the GIL, so a thread
pool (Dask's local scheduler) runs chunks of combinations in parallel.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from transit.routing._kernels import guard_cache

__all__ = ["masked_minutes"]


@njit(cache=True, nogil=True)
def _key_states(combo, key_indptr, key_projects, states):
    for k in range(states.shape[0]):
        s = 0
        for j in range(key_indptr[k], key_indptr[k + 1]):
            s |= ((combo >> key_projects[j]) & 1) << (j - key_indptr[k])
        states[k] = s


@njit(cache=True, nogil=True)
def _enable(indptr, indices, edge_key, edge_states, edge_rail, node_fixed, states, enabled, served):
    n = indptr.shape[0] - 1
    for u in range(n):
        served[u] = node_fixed[u]
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            k = edge_key[e]
            if k >= 0:
                on = (edge_states[e] >> np.uint64(states[k])) & np.uint64(1)
                if on:
                    enabled[e] = 1
                    if edge_rail[e]:
                        served[u] = 1
                else:
                    enabled[e] = 0
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            if edge_key[e] < 0:
                enabled[e] = 1 if (served[u] and served[indices[e]]) else 0


@njit(cache=True, nogil=True)
def _push(heap_d, heap_v, size, d, v):
    i = size
    heap_d[i] = d
    heap_v[i] = v
    while i > 0:
        p = (i - 1) >> 1
        if heap_d[p] <= heap_d[i]:
            break
        heap_d[p], heap_d[i] = heap_d[i], heap_d[p]
        heap_v[p], heap_v[i] = heap_v[i], heap_v[p]
        i = p
    return size + 1


@njit(cache=True, nogil=True)
def _pop(heap_d, heap_v, size):
    d = heap_d[0]
    v = heap_v[0]
    size -= 1
    heap_d[0] = heap_d[size]
    heap_v[0] = heap_v[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        c = left
        if left + 1 < size and heap_d[left + 1] < heap_d[left]:
            c = left + 1
        if heap_d[i] <= heap_d[c]:
            break
        heap_d[c], heap_d[i] = heap_d[i], heap_d[c]
        heap_v[c], heap_v[i] = heap_v[i], heap_v[c]
        i = c
    return d, v, size


@njit(cache=True, nogil=True)
def _search(indptr, indices, weights, enabled, sources, is_watch, n_watch, dist, done, heap_d, heap_v):
    """Multi-source Dijkstra (binary heap, lazy deletion) over the enabled edges.

    Stops once the ``n_watch`` nodes flagged in ``is_watch`` are settled (the others keep upper bounds).
    """
    dist[:] = np.inf
    done[:] = 0
    size = 0
    for s in sources:
        if dist[s] > 0.0:
            dist[s] = 0.0
            size = _push(heap_d, heap_v, size, 0.0, s)
    left = n_watch
    while size > 0:
        d, u, size = _pop(heap_d, heap_v, size)
        if done[u]:
            continue
        done[u] = 1
        if is_watch[u]:
            left -= 1
            if left == 0:
                return
        for e in range(indptr[u], indptr[u + 1]):
            if enabled[e]:
                v = indices[e]
                nd = d + weights[e]
                if nd < dist[v]:
                    dist[v] = nd
                    size = _push(heap_d, heap_v, size, nd, v)


@njit(cache=True, nogil=True)
def masked_minutes(
    indptr,
    indices,
    weights,
    edge_key,
    edge_states,
    edge_rail,
    node_fixed,
    key_indptr,
    key_projects,
    combos,
    group_var_indptr,
    group_var_nodes,
    group_set_base,
    set_indptr,
    set_nodes,
    watch,
    report_nodes,
    out,
    served_out,
):
    """Shortest minutes from groups of source nodes to watched nodes, for each combination.

    A group (an origin place) stands for a set of nodes that depends on which of its *variable*
    nodes are served: its variable nodes are ``group_var_nodes[group_var_indptr[g]:group_var_indptr[g + 1]]``;
    bit ``j`` of the pattern code is whether the ``j``-th is served, and the group's nodes under
    code ``c`` are ``set_nodes[set_indptr[group_set_base[g] + c]:set_indptr[group_set_base[g] + c + 1]]``.
    One search runs from all of them at once (the minimum over the group).

    ``out[i, g, j]`` receives the minutes from group ``g`` to ``watch[j]`` under ``combos[i]``, and
    ``served_out[i, j]`` whether ``report_nodes[j]`` is served.
    """
    n = indptr.shape[0] - 1
    n_groups = out.shape[1]
    n_keys = key_indptr.shape[0] - 1
    states = np.zeros(n_keys, dtype=np.int64)
    enabled = np.zeros(indices.shape[0], dtype=np.uint8)
    served = np.zeros(n, dtype=np.uint8)
    dist = np.empty(n, dtype=np.float64)
    done = np.zeros(n, dtype=np.uint8)
    is_watch = np.zeros(n, dtype=np.uint8)
    for j in range(watch.shape[0]):
        is_watch[watch[j]] = 1
    n_watch = 0
    for u in range(n):
        n_watch += is_watch[u]
    cap = indices.shape[0] + n + 1
    heap_d = np.empty(cap, dtype=np.float64)
    heap_v = np.empty(cap, dtype=np.int32)
    for i in range(combos.shape[0]):
        _key_states(combos[i], key_indptr, key_projects, states)
        _enable(indptr, indices, edge_key, edge_states, edge_rail, node_fixed, states, enabled, served)
        for j in range(report_nodes.shape[0]):
            served_out[i, j] = served[report_nodes[j]]
        for g in range(n_groups):
            code = 0
            for j in range(group_var_indptr[g], group_var_indptr[g + 1]):
                code |= np.int64(served[group_var_nodes[j]]) << (j - group_var_indptr[g])
            lo = set_indptr[group_set_base[g] + code]
            hi = set_indptr[group_set_base[g] + code + 1]
            if hi == lo:
                out[i, g, :] = np.inf
                continue
            _search(indptr, indices, weights, enabled, set_nodes[lo:hi], is_watch, n_watch, dist, done, heap_d, heap_v)
            for j in range(watch.shape[0]):
                out[i, g, j] = dist[watch[j]]


for _kernel in [k for k in list(globals().values()) if hasattr(k, "_cache")]:  # a damaged cache: note, compile
    guard_cache(_kernel)
