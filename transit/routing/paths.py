"""Shortest travel times on a directed graph of minutes: the Python layer over the kernels.

This module validates and casts input, renumbers the graph for memory locality, picks the queue,
calls :mod:`transit.kernels` and returns plain arrays in the caller's node numbering. The kernels
only ever see positions ``0..n-1`` and contiguous arrays; labels belong to the graph/routing layer.

Conventions: minutes as float64, unreachable = ``inf``, no predecessor = -1, results of shape
``(n_origins, n_nodes)`` with row ``i`` for ``origins[i]``.
"""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import reverse_cuthill_mckee

from transit.routing import _kernels as kernels

__all__ = ["all_pairs_minutes", "shortest_minutes", "path_from_predecessors", "QUEUES"]

#: Queue choices of :func:`shortest_minutes`.
QUEUES = ("auto", "buckets", "heap")

# Graphs with fewer nodes than this are not renumbered (the permutation costs more than it saves).
_RENUMBER_MIN_NODES = 256
# Buckets are used when the bucket array stays at most this long (weights spread over
# max/min positive <= about 4,000) and the estimated empty-bucket scans stay small.
_MAX_BUCKETS = 1 << 12
# Origins per worker thread handed out as blocks (more blocks balance load on a busy machine).
_CHUNKS_PER_THREAD = 16


@overload
def shortest_minutes(
    indptr: ArrayLike,
    indices: ArrayLike,
    minutes: ArrayLike,
    origins: ArrayLike | None = None,
    *,
    predecessors: Literal[False] = False,
    n_threads: int | None = None,
    queue: str = "auto",
) -> NDArray[np.float64]: ...


@overload
def shortest_minutes(
    indptr: ArrayLike,
    indices: ArrayLike,
    minutes: ArrayLike,
    origins: ArrayLike | None = None,
    *,
    predecessors: Literal[True],
    n_threads: int | None = None,
    queue: str = "auto",
) -> tuple[NDArray[np.float64], NDArray[np.int32]]: ...


def shortest_minutes(
    indptr: ArrayLike,
    indices: ArrayLike,
    minutes: ArrayLike,
    origins: ArrayLike | None = None,
    *,
    predecessors: bool = False,
    n_threads: int | None = None,
    queue: str = "auto",
) -> NDArray[np.float64] | tuple[NDArray[np.float64], NDArray[np.int32]]:
    """Shortest minutes from each origin to every node of a directed CSR graph.

    Parameters
    ----------
    indptr : array_like of int, shape (n + 1,)
        CSR row pointer: the edges leaving node ``u`` are ``indptr[u]:indptr[u + 1]``.
    indices : array_like of int, shape (m,)
        Head node of each edge, in ``0..n-1``. Column order within a row does not matter;
        repeated (parallel) edges are allowed and the quickest one counts.
    minutes : array_like of float, shape (m,)
        Non-negative minutes of each edge; 0 is a zero-minute edge, ``inf`` an unusable edge.
    origins : array_like of int, optional
        Origin nodes, one output row each (repeats allowed); default every node in order.
    predecessors : bool, default False
        Also return the predecessor of every node on one shortest path from each origin.
    n_threads : int, optional
        Worker threads for this call (numba's setting is restored afterwards); default numba's
        current setting.
    queue : {"auto", "buckets", "heap"}
        Priority queue of the search. ``"buckets"`` (Dial's bucket queue, exact for any
        non-negative weights) is fastest when weights are spread over a modest range;
        ``"heap"`` (binary heap) suits any weights; ``"auto"`` chooses from the weights.

    Returns
    -------
    dist : ndarray of float64, shape (n_origins, n)
        Minutes; ``inf`` where unreachable, 0 from a node to itself.
    pred : ndarray of int32, shape (n_origins, n)
        Only when ``predecessors`` is true: the node before each node on a shortest path from
        the row's origin; -1 for the origin itself and for unreachable nodes.

    Raises
    ------
    ValueError
        Malformed CSR arrays, an origin out of range, a negative or NaN weight (the message names
        the first offending edge as ``(row, col, value)``), or an unknown ``queue``.

    Notes
    -----
    One search per origin, origins in parallel: O(n_origins * (n + m)) with buckets,
    O(n_origins * (n + m) log n) with the heap; memory is the result plus O(n + m) per thread.

    Examples
    --------
    >>> import numpy as np
    >>> # 0 -> 1 (10 min), 1 -> 2 (0 min), 0 -> 2 (15 min)
    >>> dist = shortest_minutes([0, 2, 3, 3], [1, 2, 2], [10.0, 15.0, 0.0])
    >>> dist.tolist()
    [[0.0, 10.0, 10.0], [inf, 0.0, 0.0], [inf, inf, 0.0]]
    >>> dist, pred = shortest_minutes([0, 2, 3, 3], [1, 2, 2], [10.0, 15.0, 0.0], [0],
    ...                               predecessors=True)
    >>> pred.tolist()
    [[-1, 0, 1]]
    """
    if queue not in QUEUES:
        raise ValueError(f"queue={queue!r} is not one of {QUEUES}; pass 'auto', 'buckets' or 'heap'")
    csr_indptr, csr_indices, weights, n = _check_csr(indptr, indices, minutes)
    origin_nodes = _check_origins(origins, n)
    graph = _KernelGraph.build(csr_indptr, csr_indices, weights, n)
    bucket_minutes, n_buckets = _choose_queue(graph, queue)
    n_origins = origin_nodes.shape[0]
    dist = np.empty((n_origins, n), dtype=np.float64)
    pred = np.empty((n_origins, n) if predecessors else (0, 0), dtype=np.int32)
    if n_origins and n:
        with kernels.thread_limit(n_threads) as threads:
            kernels.many_to_many(
                graph.indptr,
                graph.indices,
                graph.weights,
                graph.kernel_node[origin_nodes],
                graph.kernel_node,
                graph.node_id,
                bucket_minutes,
                n_buckets,
                _CHUNKS_PER_THREAD * threads,
                dist,
                pred,
            )
    if predecessors:
        return dist, pred
    return dist


def all_pairs_minutes(csgraph: Any, *, n_threads: int | None = None) -> NDArray[np.float64]:
    """Shortest minutes between every pair of nodes of a sparse matrix of minutes.

    Parameters
    ----------
    csgraph : scipy.sparse matrix or array, shape (n, n)
        Directed graph: entry ``(i, j)`` is the minutes of the edge ``i -> j``, in any sparse
        format. Explicitly stored zeros are zero-minute edges, as in
        :mod:`scipy.sparse.csgraph`; entries not stored are no edge. Duplicate entries of one
        ``(i, j)`` (possible in COO or non-canonical CSR) are parallel edges: the minimum counts
        (``scipy``'s ``tocsr()`` would sum them).
    n_threads : int, optional
        Worker threads for this call; default numba's current setting.

    Returns
    -------
    ndarray of float64, shape (n, n)
        ``result[i, j]`` minutes from ``i`` to ``j``; ``inf`` when unreachable, 0 on the diagonal.

    Raises
    ------
    TypeError
        ``csgraph`` is not a scipy sparse matrix.
    ValueError
        Not square, or a negative or NaN entry (the message names the first one as
        ``(row, col, value)`` in row-major order).

    Notes
    -----
    Same results as ``scipy.sparse.csgraph.shortest_path(csgraph, method="D")`` for canonical
    input (up to floating-point rounding of equal-length paths), 4-6x faster per thread for
    sparse rail-like graphs and parallel over origins (``docs/benchmarks.md``).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> g = sp.csr_matrix(([10.0, 0.0], ([0, 1], [1, 2])), shape=(3, 3))
    >>> all_pairs_minutes(g).tolist()
    [[0.0, 10.0, 10.0], [inf, 0.0, 0.0], [inf, inf, 0.0]]
    """
    if not sp.issparse(csgraph):
        raise TypeError(
            f"all_pairs_minutes takes a scipy.sparse matrix, not {type(csgraph).__name__}; "
            "wrap a dense array with scipy.sparse.csr_matrix(...) (its zeros become no edge)"
        )
    if csgraph.ndim != 2 or csgraph.shape[0] != csgraph.shape[1]:
        raise ValueError(f"csgraph must be square (n, n), got shape {csgraph.shape}")
    n = int(csgraph.shape[0])
    coo = csgraph.tocoo()  # keeps explicit zeros and duplicate entries
    rows = np.asarray(coo.row, dtype=np.int64)
    cols = np.asarray(coo.col, dtype=np.int64)
    data = np.asarray(coo.data, dtype=np.float64)
    _check_weights(data, rows, cols)
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return shortest_minutes(indptr, cols[order], data[order], n_threads=n_threads)


def path_from_predecessors(pred_row: ArrayLike, origin: int, target: int) -> list[int]:
    """Nodes of the shortest path from ``origin`` to ``target``, read from one predecessor row.

    Parameters
    ----------
    pred_row : array_like of int, shape (n,)
        The row of ``pred`` (from :func:`shortest_minutes`) that belongs to ``origin``.
    origin, target : int
        Nodes.

    Returns
    -------
    list of int
        ``[origin, ..., target]``; ``[origin]`` when they are the same node; ``[]`` when
        ``target`` is unreachable from ``origin``.

    Raises
    ------
    ValueError
        A node out of range, or a row that does not lead back to ``origin`` (not this origin's
        row, or corrupted).

    Examples
    --------
    >>> path_from_predecessors([-1, 0, 1], 0, 2)
    [0, 1, 2]
    >>> path_from_predecessors([-1, 0, -1], 0, 2)
    []
    """
    row = np.asarray(pred_row)
    n = row.shape[0]
    for name, node in (("origin", origin), ("target", target)):
        if not 0 <= int(node) < n:
            raise ValueError(f"{name} {node} is not a node of a predecessor row of {n} nodes")
    origin, target = int(origin), int(target)
    if origin == target:
        return [origin]
    if row[target] < 0:
        return []
    path = [target]
    node = target
    for _ in range(n):
        node = int(row[node])
        if node < 0:
            break
        path.append(node)
        if node == origin:
            path.reverse()
            return path
    raise ValueError(
        f"predecessor row does not lead from node {target} back to origin {origin}; "
        "pass the row of pred that belongs to this origin"
    )


class _KernelGraph:
    """The graph as the kernels see it: renumbered for locality, with the maps back.

    ``kernel_node[i]`` is the kernel position of the caller's node ``i``; ``node_id[k]`` the
    caller's node at kernel position ``k``.
    """

    __slots__ = ("indptr", "indices", "weights", "kernel_node", "node_id")

    def __init__(
        self,
        indptr: NDArray[np.int32 | np.int64],
        indices: NDArray[np.int32],
        weights: NDArray[np.float64],
        kernel_node: NDArray[np.int32],
        node_id: NDArray[np.int32],
    ) -> None:
        self.indptr = indptr
        self.indices = indices
        self.weights = weights
        self.kernel_node = kernel_node
        self.node_id = node_id

    @classmethod
    def build(
        cls, indptr: NDArray[np.int32 | np.int64], indices: NDArray[np.int32], weights: NDArray[np.float64], n: int
    ) -> _KernelGraph:
        identity = np.arange(n, dtype=np.int32)
        if n < max(_RENUMBER_MIN_NODES, 2):
            return cls(indptr, indices, weights, identity, identity)
        # reverse Cuthill-McKee on the undirected pattern: nodes near each other in the graph
        # get near positions, so a search touches fewer cache lines
        pattern = sp.csr_matrix((np.ones(indices.shape[0], dtype=np.int8), indices, indptr), shape=(n, n))
        node_id = reverse_cuthill_mckee((pattern + pattern.T).tocsr(), symmetric_mode=True)
        node_id = np.ascontiguousarray(node_id, dtype=np.int32)
        kernel_node = np.empty(n, dtype=np.int32)
        kernel_node[node_id] = identity
        counts = np.diff(indptr)[node_id]
        new_indptr = np.zeros(n + 1, dtype=indptr.dtype)
        np.cumsum(counts, out=new_indptr[1:])
        # old edge position of every new edge position, row by row in the new order
        take = np.repeat(indptr[:-1][node_id] - new_indptr[:-1], counts) + np.arange(new_indptr[-1], dtype=indptr.dtype)
        new_indices = kernel_node[indices[take]]
        new_weights = weights[take]
        return cls(new_indptr, new_indices, new_weights, kernel_node, node_id)


def _choose_queue(graph: _KernelGraph, queue: str) -> tuple[float, int]:
    """Bucket width (0 = heap) and the power-of-two number of circular buckets."""
    if queue == "heap":
        return 0.0, 0
    w = graph.weights
    usable = w[(w > 0) & np.isfinite(w)]
    if usable.size == 0:
        # only zero-minute (or unusable) edges: one bucket holds every reachable node
        return 1.0, 1
    width = float(usable.min())
    top = float(usable.max())
    n = graph.indptr.shape[0] - 1
    if queue == "buckets":
        # any width is exact; a wider one than the smallest weight only costs rescans
        width = max(width, top / (_MAX_BUCKETS - 3))
    elif not top / width <= max(_MAX_BUCKETS, n):  # also catches inf from subnormal weights
        return 0.0, 0
    n_buckets = 1 << int(np.ceil(np.log2(top / width + 3.0)))
    if queue == "buckets":
        return width, n_buckets
    # empty buckets scanned per origin ~ (largest distance) / width: sample a few origins
    dist = np.empty(n, dtype=np.float64)
    far = 0.0
    for s in sorted({0, n // 2, n - 1}):
        kernels.single_source(graph.indptr, graph.indices, graph.weights, s, 0.0, 0, dist, np.empty(0, dtype=np.int32))
        finite = dist[np.isfinite(dist)]
        far = max(far, float(finite.max()))
    if 2.0 * far / width > 4.0 * (n + w.shape[0]):
        return 0.0, 0
    return width, n_buckets


def _check_csr(
    indptr: ArrayLike, indices: ArrayLike, minutes: ArrayLike
) -> tuple[NDArray[np.int32 | np.int64], NDArray[np.int32], NDArray[np.float64], int]:
    """Validate a CSR triple; return contiguous (indptr, int32 indices, float64 weights, n)."""
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    weights = np.asarray(minutes)
    if indptr.ndim != 1 or indptr.shape[0] < 1:
        raise ValueError("indptr must be a 1-D array of n + 1 row pointers (at least [0])")
    for name, arr in (("indptr", indptr), ("indices", indices)):
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"{name} must hold integers, got dtype {arr.dtype}")
    if indices.ndim != 1 or weights.ndim != 1 or indices.shape[0] != weights.shape[0]:
        raise ValueError(
            f"indices and minutes must be 1-D of one length, got shapes {indices.shape} and {weights.shape}"
        )
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    if n >= np.iinfo(np.int32).max:
        raise ValueError(f"{n} nodes is more than the int32 node ids of the kernels allow")
    if indptr[0] != 0 or indptr[-1] != m or np.any(np.diff(indptr) < 0):
        raise ValueError(
            f"indptr must start at 0, never decrease and end at len(indices) = {m}, "
            f"got start {indptr[0]}, end {indptr[-1]}"
        )
    indptr = indptr.astype(np.int64 if m >= np.iinfo(np.int32).max else np.int32, copy=False)
    if m:
        bad = np.flatnonzero((indices < 0) | (indices >= n))
        if bad.size:
            e = int(bad[0])
            row = int(np.searchsorted(indptr, e, side="right") - 1)
            raise ValueError(
                f"edge ({row}, {indices[e]}) points outside the {n} nodes 0..{n - 1}; {bad.size} edge(s) out of range"
            )
    indices = np.ascontiguousarray(indices, dtype=np.int32)
    try:
        weights = np.ascontiguousarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"minutes must be numbers: {err}") from None
    if m and not np.all(weights >= 0):  # NaN fails the comparison too
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        _check_weights(weights, rows, indices)
    return np.ascontiguousarray(indptr), indices, weights, n


def _check_weights(
    weights: NDArray[np.float64], rows: NDArray[np.integer[Any]], cols: NDArray[np.integer[Any]]
) -> None:
    """Raise ValueError naming the first negative or NaN weight in (row, col) order."""
    bad = np.flatnonzero(~(weights >= 0))  # catches NaN and negatives
    if bad.size == 0:
        return
    first = bad[np.lexsort((cols[bad], rows[bad]))[0]]
    r, c, v = int(rows[first]), int(cols[first]), float(weights[first])
    kind = "NaN" if np.isnan(v) else "negative"
    raise ValueError(
        f"edge (row, col, value) = ({r}, {c}, {v}) has {kind} minutes; "
        f"{bad.size} edge(s) are negative or NaN. Travel times must be >= 0 "
        "(use 0 for an immediate change, leave out an edge that does not exist)"
    )


def _check_origins(origins: ArrayLike | None, n: int) -> NDArray[np.int32]:
    if origins is None:
        return np.arange(n, dtype=np.int32)
    arr = np.atleast_1d(np.asarray(origins))
    if arr.ndim != 1:
        raise ValueError(f"origins must be a 1-D sequence of node numbers, got shape {arr.shape}")
    if arr.size == 0:
        return np.empty(0, dtype=np.int32)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"origins must be integer node numbers, got dtype {arr.dtype}")
    bad = np.flatnonzero((arr < 0) | (arr >= n))
    if bad.size:
        raise ValueError(f"origin {arr[bad[0]]} (position {bad[0]}) is not a node 0..{n - 1}")
    return np.ascontiguousarray(arr, dtype=np.int32)
