"""Numba kernels for shortest travel times on a directed graph (arrays only).

This is the only module of ``transit`` that imports numba. The kernels take plain contiguous
numpy arrays and scalars and return nothing but what they write into the arrays they are given;
validation, casting, renumbering and labels belong to :mod:`transit.paths`.

Conventions (every kernel)
--------------------------
- Graph: a CSR triple ``(indptr, indices, weights)`` of a directed graph with ``n`` nodes
  ``0..n-1``: the edges leaving node ``u`` are ``indices[indptr[u]:indptr[u+1]]`` (int32 node
  ids) with ``weights[...]`` (float64 minutes). ``indptr`` is int32 or int64 of length ``n + 1``.
- Weights are non-negative minutes (float64); zero-minute edges are real edges; an ``inf``
  weight is an edge that can never be used. Kernels do not check this: the Python layer does.
- Distances: minutes as float64; unreachable = ``inf``; the origin itself = 0.
- Predecessors: int32 node id of the previous node on one shortest path; -1 for the origin and
  for unreachable nodes. Ids written are ``node_ids[kernel_node]`` (see below).
- Results: shape ``(n_origins, n_destinations)``, row ``i`` for ``origins[i]``, column ``k`` for
  kernel node ``columns[k]``. ``columns`` and ``node_ids`` let the caller renumber the graph for
  memory locality and still receive rows in its own numbering and order.
- Queue: ``bucket_minutes > 0`` selects a bucket queue (Dial's algorithm, buckets of
  ``bucket_minutes`` minutes in a circular array of ``n_buckets``, a power of two, at least
  ``max_weight / bucket_minutes + 3``); ``bucket_minutes == 0``
  selects a binary heap with decrease-key. Both are exact for any non-negative weights: the
  bucket variant is label-correcting (a node whose minutes drop is queued and scanned again),
  so the bucket width only changes the speed, never the result. It searches from ``LANES``
  (4) origins at once, keeping four minutes per node: nearby origins share most of their
  shortest-path trees, so each node is scanned about 1.1-1.7 times for the four.

Notes
-----
One heap search: O((n + m) log n). One four-origin bucket search: O(r (n + m) + D / width),
``r`` the scans per node (1.1-1.7 on rail-like graphs, at most one per drop of a lane), ``D``
the largest finite distance. ``many_to_many`` runs groups of origins in parallel (``prange``);
every worker owns its scratch arrays and writes only its own output rows.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import numba
import numpy as np
from numba import njit, prange
from numpy.typing import NDArray

__all__ = [
    "single_source",
    "many_to_many",
    "hops_many_to_many",
    "thread_limit",
    "max_threads",
]


#: Origins searched together by the bucket-queue kernel (written out for four lanes: registers
#: and one 32-byte row of ``dist`` per node).
LANES = 4

# The array types of the kernels' arguments, for readers and mypy (numba infers its own types from
# the arrays it is given and never reads annotations).
_F64 = NDArray[np.float64]
_I32 = NDArray[np.int32]
_I64 = NDArray[np.int64]
_Indptr = NDArray[np.int32 | np.int64]


@contextlib.contextmanager
def thread_limit(n_threads: int | None) -> Iterator[int]:
    """Run a block with numba's worker count set to ``n_threads``, then restore it.

    Inside the block parallel loops also hand their iterations out one at a time to whichever
    worker is free (numba's parallel chunk size 1), so a worker slowed by another process on a
    shared machine does not hold up the others; the previous chunk size is restored as well.

    Parameters
    ----------
    n_threads : int or None
        Threads for parallel kernels; ``None`` keeps numba's current count.

    Yields
    ------
    int
        The thread count in force inside the block.
    """
    previous = numba.get_num_threads()
    if n_threads is not None:
        top = max_threads()
        if not 1 <= int(n_threads) <= top:
            raise ValueError(
                f"n_threads={n_threads} is outside 1..{top} (numba was started with "
                f"{top} threads; set NUMBA_NUM_THREADS before starting Python for more)"
            )
        numba.set_num_threads(int(n_threads))
    previous_chunk = numba.set_parallel_chunksize(1)
    try:
        yield numba.get_num_threads()
    finally:
        numba.set_parallel_chunksize(previous_chunk)
        numba.set_num_threads(previous)


def max_threads() -> int:
    """Return the number of threads numba was started with (``NUMBA_NUM_THREADS``)."""
    # config sets its names from the environment at import, so they are not in numba's stubs
    return int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]


@njit(cache=True, nogil=True)
def _heap_sssp(
    indptr: _Indptr,
    indices: _I32,
    weights: _F64,
    source: int,
    dist: _F64,
    pred: _I32,
    want_pred: bool,
    heap: _I32,
    pos: _I32,
) -> None:
    """Dijkstra with a binary heap keyed on ``dist``; ``pos[v]`` is v's heap slot or -1."""
    n = dist.shape[0]
    for node in range(n):
        dist[node] = np.inf
        pos[node] = -1
    if want_pred:
        for node in range(n):
            pred[node] = -1
    dist[source] = 0.0
    heap[0] = source
    pos[source] = 0
    size = 1
    while size > 0:
        u = heap[0]
        pos[u] = -2  # scanned: its minutes are final (weights >= 0)
        size -= 1
        if size > 0:
            # sift the last element down from the root
            x = heap[size]
            dx = dist[x]
            i = 0
            while True:
                c = 2 * i + 1
                if c >= size:
                    break
                dc = dist[heap[c]]
                if c + 1 < size:
                    d2 = dist[heap[c + 1]]
                    if d2 < dc:
                        c += 1
                        dc = d2
                if dc < dx:
                    y = heap[c]
                    heap[i] = y
                    pos[y] = i
                    i = c
                else:
                    break
            heap[i] = x
            pos[x] = i
        du = dist[u]
        e = np.uint64(indptr[u])
        end = np.uint64(indptr[u + 1])
        while e < end:
            v = np.uint64(indices[e])
            nd = du + weights[e]
            e += np.uint64(1)
            if nd < dist[v]:
                dist[v] = nd
                if want_pred:
                    pred[v] = u
                i = pos[v]
                if i == -1:
                    i = size
                    size += 1
                # sift v up from slot i
                while i > 0:
                    p = (i - 1) >> 1
                    y = heap[p]
                    if dist[y] > nd:
                        heap[i] = y
                        pos[y] = i
                        i = p
                    else:
                        break
                heap[i] = v
                pos[v] = i


@njit(cache=True, nogil=True)
def _bucket_lanes(
    indptr: _Indptr,
    indices: _I32,
    weights: _F64,
    sources: _I64,
    dist: _F64,
    pred: _I32,
    want_pred: bool,
    bucket_minutes: float,
    n_buckets: int,
    links: _I32,
    queued_at: _I64,
) -> None:
    """Shortest minutes from ``LANES`` origins at once: one bucket queue, label-correcting.

    ``dist[v, l]`` (shape (n, LANES)) holds the minutes from ``sources[l]``. A node is queued
    in the bucket of the smallest of its lane minutes that dropped since it was last scanned,
    and a scan relaxes every lane of its edges. Origins near each other (consecutive after the
    locality renumbering) share most of their shortest-path trees, so a node is scanned about
    1.1-1.7 times for the four of them instead of four times; every drop in any lane queues the
    node again, so the result is exact whatever the order (as for one origin).

    Buckets are circular doubly linked lists in ``links`` (int32, shape (n + n_buckets, 2):
    column 0 the next entry, column 1 the previous): rows ``0..n-1`` are nodes, rows
    ``n..n+n_buckets-1`` the list heads (sentinels) of the circular buckets, so unlinking needs
    no branch on the bucket; ``links[v, 1] == -1`` marks a node that is not queued. Packing
    both links of a node into one row keeps a queue update to one cache line. ``n_buckets`` is a
    power of two. ``queued_at[v]`` is the (unwrapped) bucket a queued node waits in. A node may
    be queued further ahead than the circle holds (a lane far from its origin's neighbours); it
    is then scanned early, which costs time but never exactness.
    """
    n = dist.shape[0]
    mask = n_buckets - 1
    inv = 1.0 / bucket_minutes
    for node in range(n):
        for lane in range(LANES):
            dist[node, lane] = np.inf
    if want_pred:
        for node in range(n):
            for lane in range(LANES):
                pred[node, lane] = -1
    # ``links`` comes empty (see _empty_links) and every search leaves it empty again: a search
    # only ends when every queued node has been popped
    queued = 0
    for lane in range(LANES):
        s = sources[lane]
        dist[s, lane] = 0.0
        if links[s, 1] == -1:
            c = links[n, 0]
            links[s, 0] = c
            links[s, 1] = n
            links[c, 1] = s
            links[n, 0] = s
            queued_at[s] = 0
            queued += 1
    cur = 0  # the bucket being emptied, counted from 0 (not wrapped)
    while queued > 0:
        head = n + (cur & mask)
        u = links[head, 0]
        if u == head:
            cur += 1
            continue
        # pop u from the front of the current bucket
        c = links[u, 0]
        links[head, 0] = c
        links[c, 1] = head
        links[u, 1] = -1
        queued -= 1
        # the four lanes of u in registers (the stores below into dist could alias a view)
        d0 = dist[u, 0]
        d1 = dist[u, 1]
        d2 = dist[u, 2]
        d3 = dist[u, 3]
        # unsigned edge and node positions: numba then skips its negative-index wraparound
        # code on every edge (about 10 % of the search time)
        e = np.uint64(indptr[u])
        end = np.uint64(indptr[u + 1])
        while e < end:
            v = np.uint64(indices[e])
            w = weights[e]
            e += np.uint64(1)
            a0 = d0 + w
            a1 = d1 + w
            a2 = d2 + w
            a3 = d3 + w
            b0 = a0 < dist[v, 0]
            b1 = a1 < dist[v, 1]
            b2 = a2 < dist[v, 2]
            b3 = a3 < dist[v, 3]
            if not (b0 | b1 | b2 | b3):
                continue
            low = np.inf
            if b0:
                dist[v, 0] = a0
                low = a0
                if want_pred:
                    pred[v, 0] = u
            if b1:
                dist[v, 1] = a1
                low = min(low, a1)
                if want_pred:
                    pred[v, 1] = u
            if b2:
                dist[v, 2] = a2
                low = min(low, a2)
                if want_pred:
                    pred[v, 2] = u
            if b3:
                dist[v, 3] = a3
                low = min(low, a3)
                if want_pred:
                    pred[v, 3] = u
            k = np.int64(low * inv)
            if k < cur:
                k = np.int64(cur)  # a zero-minute edge (or rounding): v is scanned (again) in this bucket
            p = links[v, 1]
            if p != -1:
                if queued_at[v] <= k:
                    continue  # v is scanned no later than k anyway, with its lanes as they are then
                # unlink v from the bucket it waits in
                c = links[v, 0]
                links[p, 0] = c
                links[c, 1] = p
            else:
                queued += 1
            head = n + (k & mask)
            c = links[head, 0]
            links[v, 0] = c
            links[v, 1] = head
            links[c, 1] = v
            links[head, 0] = v
            queued_at[v] = k


@njit(cache=True, nogil=True)
def _empty_links(n: int, n_buckets: int) -> _I32:
    """Scratch for :func:`_bucket_lanes` with every bucket empty and no node queued."""
    links = np.empty((n + n_buckets, 2), dtype=np.int32)
    for v in range(n):
        links[v, 0] = -1
        links[v, 1] = -1
    for b in range(n, n + n_buckets):
        links[b, 0] = b
        links[b, 1] = b
    return links


@njit(cache=True, nogil=True)
def single_source(
    indptr: _Indptr,
    indices: _I32,
    weights: _F64,
    source: int,
    bucket_minutes: float,
    n_buckets: int,
    dist: _F64,
    pred: _I32,
) -> None:
    """Shortest minutes (and predecessors) from one node to every node.

    Parameters
    ----------
    indptr, indices, weights : ndarray
        CSR triple (see the module conventions).
    source : int
        Origin node.
    bucket_minutes : float
        Bucket width in minutes (> 0: bucket queue) or 0 (binary heap).
    n_buckets : int
        Circular buckets: a power of two of at least ``max_weight / bucket_minutes + 3``
        (ignored for the heap).
    dist : ndarray of float64, shape (n,)
        Output minutes.
    pred : ndarray of int32, shape (n,) or (0,)
        Output predecessors; pass an empty array to skip them.
    """
    n = indptr.shape[0] - 1
    want_pred = pred.shape[0] == n and n > 0
    if bucket_minutes > 0.0:
        # every lane from the same origin: simple rather than fast (the parallel kernel is fast)
        sources = np.full(LANES, source, dtype=np.int64)
        lanes_dist = np.empty((n, LANES), dtype=np.float64)
        lanes_pred = np.empty((n if want_pred else 0, LANES), dtype=np.int32)
        _bucket_lanes(
            indptr,
            indices,
            weights,
            sources,
            lanes_dist,
            lanes_pred,
            want_pred,
            bucket_minutes,
            n_buckets,
            _empty_links(n, n_buckets),
            np.empty(n, dtype=np.int64),
        )
        dist[:] = lanes_dist[:, 0]
        if want_pred:
            pred[:] = lanes_pred[:, 0]
    else:
        _heap_sssp(
            indptr,
            indices,
            weights,
            source,
            dist,
            pred,
            want_pred,
            np.empty(n, dtype=np.int32),
            np.empty(n, dtype=np.int32),
        )


@njit(cache=True, parallel=True)
def many_to_many(
    indptr: _Indptr,
    indices: _I32,
    weights: _F64,
    origins: _I32,
    columns: _I32,
    node_ids: _I32,
    bucket_minutes: float,
    n_buckets: int,
    n_chunks: int,
    out_dist: _F64,
    out_pred: _I32,
) -> None:
    """Shortest minutes from each origin to the nodes ``columns``, origins in parallel.

    With the bucket queue the origins are sorted and taken ``LANES`` at a time (neighbours in
    the kernel numbering, so they share most of a search); with the heap one at a time.

    Parameters
    ----------
    indptr, indices, weights : ndarray
        CSR triple (see the module conventions).
    origins : ndarray of int32, shape (n_origins,)
        Kernel node of each output row.
    columns : ndarray of int32, shape (n_destinations,)
        Kernel node of each output column.
    node_ids : ndarray of int32, shape (n,)
        Id written into ``out_pred`` for each kernel node (``arange(n)`` without renumbering).
    bucket_minutes, n_buckets : float, int
        Queue choice, as for :func:`single_source`.
    n_chunks : int
        Blocks of consecutive origin groups handed to the workers (a few per thread balances
        load).
    out_dist : ndarray of float64, shape (n_origins, n_destinations)
        Output minutes, C-contiguous.
    out_pred : ndarray of int32, shape (n_origins, n_destinations) or (0, 0)
        Output predecessors (ids from ``node_ids``); an empty array skips them.
    """
    n = indptr.shape[0] - 1
    n_origins = origins.shape[0]
    want_pred = out_pred.shape[0] == n_origins and n_origins > 0
    lanes = LANES if bucket_minutes > 0.0 else 1
    order = np.argsort(origins)
    n_groups = (n_origins + lanes - 1) // lanes
    n_chunks = max(1, min(n_groups, n_chunks))
    for t in prange(n_chunks):
        dist = np.empty((n, lanes), dtype=np.float64)
        pred = np.empty((n if want_pred else 0, lanes), dtype=np.int32)
        links = _empty_links(n, n_buckets)
        queued_at = np.empty(n, dtype=np.int64)
        sources = np.empty(lanes, dtype=np.int64)
        lo = (t * n_groups) // n_chunks
        hi = ((t + 1) * n_groups) // n_chunks
        for group in range(lo, hi):
            first = group * lanes
            for lane in range(lanes):
                # a short last group repeats its last origin in the spare lanes
                sources[lane] = origins[order[min(first + lane, n_origins - 1)]]
            if lanes > 1:
                _bucket_lanes(
                    indptr,
                    indices,
                    weights,
                    sources,
                    dist,
                    pred,
                    want_pred,
                    bucket_minutes,
                    n_buckets,
                    links,
                    queued_at,
                )
            else:
                flat = links.reshape(-1)  # 2 n slots: the heap, then the heap positions
                _heap_sssp(
                    indptr,
                    indices,
                    weights,
                    sources[0],
                    dist.reshape(-1),
                    pred.reshape(-1),
                    want_pred,
                    flat[:n],
                    flat[n : 2 * n],
                )
            for lane in range(min(lanes, n_origins - first)):
                _write_row(dist, pred, want_pred, lane, columns, node_ids, out_dist, out_pred, order[first + lane])


@njit(cache=True, nogil=True)
def _write_row(
    dist: _F64,
    pred: _I32,
    want_pred: bool,
    lane: int,
    columns: _I32,
    node_ids: _I32,
    out_dist: _F64,
    out_pred: _I32,
    row: int,
) -> None:
    """Copy one lane of the scratch into output row ``row``, columns in the caller's order."""
    out = out_dist[row]
    for k in range(columns.shape[0]):
        out[k] = dist[np.uint64(columns[k]), lane]
    if want_pred:
        prow = out_pred[row]
        for k in range(columns.shape[0]):
            p = pred[np.uint64(columns[k]), lane]
            prow[k] = node_ids[np.uint64(p)] if p >= 0 else -1


@njit(cache=True, parallel=True)
def hops_many_to_many(
    indptr: _Indptr, indices: _I32, origins: _I32, columns: _I32, n_chunks: int, out_hops: _F64
) -> None:
    """Edge counts of the fewest-edge paths (breadth-first search), origins in parallel.

    The same layout and output as :func:`many_to_many` without weights: ``out_hops[i, k]`` is the
    number of edges from ``origins[i]`` to ``columns[k]`` as float64, ``inf`` when unreachable.
    It is also the practical speed floor for a weighted search on the same graph.
    """
    n = indptr.shape[0] - 1
    n_origins = origins.shape[0]
    n_cols = columns.shape[0]
    n_chunks = max(1, min(n_origins, n_chunks))
    for t in prange(n_chunks):
        hops = np.empty(n, dtype=np.float64)
        queue = np.empty(n, dtype=np.int32)
        lo = (t * n_origins) // n_chunks
        hi = ((t + 1) * n_origins) // n_chunks
        for i in range(lo, hi):
            for node in range(n):
                hops[node] = np.inf
            s = origins[i]
            hops[s] = 0.0
            queue[0] = s
            head = 0
            tail = 1
            while head < tail:
                u = queue[head]
                head += 1
                hu = hops[u] + 1.0
                e = np.uint64(indptr[u])
                end = np.uint64(indptr[u + 1])
                while e < end:
                    v = np.uint64(indices[e])
                    e += np.uint64(1)
                    if hops[v] == np.inf:
                        hops[v] = hu
                        queue[tail] = v
                        tail += 1
            row = out_hops[i]
            for k in range(n_cols):
                row[k] = hops[np.uint64(columns[k])]


# --------------------------------------------------------------------------- a damaged on-disk cache


def guard_cache(dispatcher: object) -> None:
    """Make a damaged numba cache of ``dispatcher`` (``cache=True``) a one-line note and a fresh compile.

    numba reads its cache (``__pycache__/<module>.<function>-<line>.pyXY.nbi`` and ``.nbc``, or under
    ``NUMBA_CACHE_DIR``) with :mod:`pickle` and lets an unreadable file (a truncated write, a full disk,
    a copy from another machine) escape as :class:`pickle.UnpicklingError` from the first call. With this
    guard such a file is removed with one line on stderr, the function is compiled again and numba
    writes a good cache. Only the reading is wrapped: nothing runs at import and a good cache costs
    nothing more.

    Parameters
    ----------
    dispatcher : numba dispatcher
        A function made by ``njit(cache=True)``; anything without a numba cache is left alone.
    """
    cache = getattr(dispatcher, "_cache", None)
    cache_file = getattr(cache, "_cache_file", None)
    load = getattr(cache, "load_overload", None)
    if cache is None or cache_file is None or load is None:
        return

    def load_overload(sig: object, target_context: object) -> object:
        try:
            return load(sig, target_context)
        except Exception as exc:  # noqa: BLE001 - any unreadable cache file means: compile again
            index = Path(cache_file._index_path)
            stem = index.name[: -len(".nbi")]
            for stale in [index, *index.parent.glob(f"{stem}.*.nbc")]:
                stale.unlink(missing_ok=True)
            sys.stderr.write(
                f"transit: numba cache {index} of {getattr(dispatcher, '__name__', '?')} was unreadable "
                f"({type(exc).__name__}); removed it, compiling again (the cache is rewritten)\n"
            )
            return None

    cache.load_overload = load_overload


for _kernel in [k for k in list(globals().values()) if hasattr(k, "_cache")]:  # every njit(cache=True) above
    guard_cache(_kernel)
