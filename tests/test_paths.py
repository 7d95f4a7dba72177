"""Tests of transit.paths: a golden graph over every method, random graphs, errors."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from naive_paths import dijkstra_minutes, to_csr
from scipy.sparse.csgraph import shortest_path

from transit.routing import _kernels as kernels
from transit.routing import paths
from transit.routing.paths import QUEUES, all_pairs_minutes, path_from_predecessors, shortest_minutes

INF = math.inf
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

# ---------------------------------------------------------------------------------------------
# The golden graph: 6 nodes, 10 stored edges, distances computed by hand.
#
#   0 -> 1  10      0 -> 2  30      1 -> 2  0 (zero-minute edge)     1 -> 3  20
#   2 -> 3   5      2 -> 3   4 (parallel edge: the 4 counts)         3 -> 0   7
#   0 -> 0   3 (self-loop: never used)     4 -> 3  1 (no edge enters 4)
#   5: no edges at all (unreachable from and to everything else)
#
# Shortest paths (each unique):  0-1-2-3 = 10+0+4 = 14;  1-2-3-0 = 0+4+7 = 11;
# 2-3-0-1 = 4+7+10 = 21;  3-0-1-2 = 7+10+0 = 17;  4-3-0-1-2 = 1+7+10+0 = 18.
# ---------------------------------------------------------------------------------------------
GOLDEN_EDGES = [
    (0, 1, 10.0),
    (0, 2, 30.0),
    (1, 2, 0.0),
    (1, 3, 20.0),
    (2, 3, 5.0),
    (2, 3, 4.0),
    (3, 0, 7.0),
    (0, 0, 3.0),
    (4, 3, 1.0),
]
GOLDEN_N = 6
GOLDEN_MINUTES = np.array(
    [
        [0.0, 10.0, 10.0, 14.0, INF, INF],
        [11.0, 0.0, 0.0, 4.0, INF, INF],
        [11.0, 21.0, 0.0, 4.0, INF, INF],
        [7.0, 17.0, 17.0, 0.0, INF, INF],
        [8.0, 18.0, 18.0, 1.0, 0.0, INF],
        [INF, INF, INF, INF, INF, 0.0],
    ]
)
GOLDEN_PRED = np.array(
    [
        [-1, 0, 1, 2, -1, -1],
        [3, -1, 1, 2, -1, -1],
        [3, 0, -1, 2, -1, -1],
        [3, 0, 1, -1, -1, -1],
        [3, 0, 1, 4, -1, -1],
        [-1, -1, -1, -1, -1, -1],
    ],
    dtype=np.int32,
)


def _golden_coo(edges=GOLDEN_EDGES):
    u, v, w = zip(*edges)
    return sp.coo_matrix((w, (u, v)), shape=(GOLDEN_N, GOLDEN_N))


def _golden_single_edges():
    """The golden edges with the parallel pair 2 -> 3 reduced to its quicker edge."""
    return [e for e in GOLDEN_EDGES if e != (2, 3, 5.0)]


def _golden_noncanonical_csr():
    indptr, indices, minutes = to_csr(GOLDEN_N, GOLDEN_EDGES)
    return sp.csr_matrix((minutes, indices, indptr), shape=(GOLDEN_N, GOLDEN_N))


@pytest.fixture(params=[False, True], ids=["as-given", "renumbered"])
def renumber(request, monkeypatch):
    """Run with and without the locality renumbering (normally only for >= 256 nodes)."""
    if request.param:
        monkeypatch.setattr(paths, "_RENUMBER_MIN_NODES", 0)
    return request.param


def _golden_methods():
    """Every public way to get the golden matrix: (name, callable -> (dist, pred or None))."""
    csr = to_csr(GOLDEN_N, GOLDEN_EDGES)
    out = []
    # COO and non-canonical CSR hold the parallel edges as duplicate entries; the formats whose
    # conversion would sum duplicates get the graph with the quicker parallel edge only
    for fmt in ("coo", "noncanonical-csr", "csr", "csc", "lil", "dok", "bsr", "csr_array"):

        def run(fmt=fmt):
            if fmt == "coo":
                g = _golden_coo()
            elif fmt == "noncanonical-csr":
                g = _golden_noncanonical_csr()
            elif fmt == "csr_array":
                g = sp.csr_array(_golden_coo(_golden_single_edges()))
            else:
                g = _golden_coo(_golden_single_edges()).asformat(fmt)
            assert g.nnz >= 8  # the explicit zero 1 -> 2 survived the conversion
            return all_pairs_minutes(g), None

        out.append((f"all_pairs_minutes[{fmt}]", run))
    for queue in QUEUES:
        for threads in (1, 2):
            out.append(
                (
                    f"shortest_minutes[{queue},{threads}t]",
                    lambda q=queue, t=threads: (shortest_minutes(*csr, n_threads=t, queue=q), None),
                )
            )
            out.append(
                (
                    f"shortest_minutes[{queue},{threads}t,pred]",
                    lambda q=queue, t=threads: shortest_minutes(*csr, predecessors=True, n_threads=t, queue=q),
                )
            )
    return out


@pytest.mark.parametrize("name,method", _golden_methods(), ids=[m[0] for m in _golden_methods()])
def test_golden_matrix_every_method(name, method, renumber):
    dist, pred = method()
    np.testing.assert_array_equal(dist, GOLDEN_MINUTES)
    assert dist.dtype == np.float64 and dist.flags.c_contiguous
    if pred is not None:
        assert pred.dtype == np.int32
        np.testing.assert_array_equal(pred, GOLDEN_PRED)


def test_golden_matches_scipy_and_naive():
    # the hand computation itself, checked two independent ways (scipy sums duplicates: dedupe)
    edges = {}
    for u, v, w in GOLDEN_EDGES:
        edges[(u, v)] = min(w, edges.get((u, v), INF))
    u, v = zip(*edges)
    g = sp.csr_matrix((list(edges.values()), (u, v)), shape=(GOLDEN_N, GOLDEN_N))
    np.testing.assert_array_equal(shortest_path(g, method="D"), GOLDEN_MINUTES)
    naive = [dijkstra_minutes(GOLDEN_N, GOLDEN_EDGES, s) for s in range(GOLDEN_N)]
    np.testing.assert_array_equal(np.array(naive), GOLDEN_MINUTES)


@pytest.mark.parametrize("origins", [[4], [5, 0], [2, 2, 3], []])
def test_origin_subset_rows(origins, renumber):
    csr = to_csr(GOLDEN_N, GOLDEN_EDGES)
    dist, pred = shortest_minutes(*csr, origins, predecessors=True)
    assert dist.shape == (len(origins), GOLDEN_N) and pred.shape == dist.shape
    np.testing.assert_array_equal(dist, GOLDEN_MINUTES[origins])
    np.testing.assert_array_equal(pred, GOLDEN_PRED[origins])


def test_path_from_predecessors_golden():
    assert path_from_predecessors(GOLDEN_PRED[4], 4, 2) == [4, 3, 0, 1, 2]
    assert path_from_predecessors(GOLDEN_PRED[2], 2, 1) == [2, 3, 0, 1]
    assert path_from_predecessors(GOLDEN_PRED[0], 0, 0) == [0]
    assert path_from_predecessors(GOLDEN_PRED[0], 0, 4) == []
    assert path_from_predecessors(GOLDEN_PRED[5], 5, 0) == []


def test_path_from_predecessors_rejects_wrong_row():
    with pytest.raises(ValueError, match="does not lead"):
        path_from_predecessors(GOLDEN_PRED[0], 2, 1)  # row of origin 0 used for origin 2
    with pytest.raises(ValueError, match="not a node"):
        path_from_predecessors(GOLDEN_PRED[0], 0, 6)
    with pytest.raises(ValueError, match="does not lead"):
        path_from_predecessors([1, 0, 1], 2, 0)  # a cycle 0 <-> 1 never reaching 2


# ---------------------------------------------------------------------------------------------
# Random graphs against scipy and the naive reference
# ---------------------------------------------------------------------------------------------
_weights = st.one_of(
    st.just(0.0), st.integers(0, 120).map(float), st.floats(0.0, 120.0, allow_nan=False), st.floats(1e-6, 1e-3)
)


@st.composite
def graphs(draw, max_nodes=25):
    n = draw(st.integers(0, max_nodes))
    if n == 0:
        return 0, []
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), _weights)
    return n, draw(st.lists(edge, max_size=4 * n))


def _scipy_minutes(n, edges):
    best = {}
    for u, v, w in edges:
        best[(u, v)] = min(w, best.get((u, v), INF))
    if not best:
        return np.where(np.eye(n, dtype=bool), 0.0, INF)
    u, v = zip(*best)
    return shortest_path(sp.csr_matrix((list(best.values()), (u, v)), shape=(n, n)), method="D")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(g=graphs(), queue=st.sampled_from(QUEUES))
def test_random_graphs_match_scipy_and_naive(g, queue, renumber):
    n, edges = g
    dist, pred = shortest_minutes(*to_csr(n, edges), predecessors=True, queue=queue)
    assert dist.shape == (n, n) and pred.shape == (n, n)
    np.testing.assert_allclose(dist, _scipy_minutes(n, edges), rtol=1e-12, atol=1e-12)
    for s in range(n):
        np.testing.assert_allclose(dist[s], dijkstra_minutes(n, edges, s), rtol=1e-12, atol=1e-12)
    _check_predecessors(n, edges, dist, pred)


def _check_predecessors(n, edges, dist, pred):
    """Every predecessor path exists edge by edge and its minutes add up to the distance."""
    best = {}
    for u, v, w in edges:
        best[(u, v)] = min(w, best.get((u, v), INF))
    for s in range(n):
        for t in range(n):
            path = path_from_predecessors(pred[s], s, t)
            if not np.isfinite(dist[s, t]):
                assert path == [] and pred[s, t] == -1
                continue
            assert path[0] == s and path[-1] == t
            total = sum(best[(a, b)] for a, b in zip(path[:-1], path[1:]))
            assert total == pytest.approx(dist[s, t], rel=1e-12, abs=1e-12)
        assert pred[s, s] == -1


@settings(max_examples=25, deadline=None)
@given(g=graphs(max_nodes=40))
def test_all_pairs_minutes_random_coo_with_duplicates(g):
    n, edges = g
    coo = sp.coo_matrix(([w for *_, w in edges], ([u for u, *_ in edges], [v for _, v, _ in edges])), shape=(n, n))
    np.testing.assert_allclose(all_pairs_minutes(coo), _scipy_minutes(n, edges), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [300, 700])
def test_rail_like_graph_matches_scipy(n):
    # big enough to be renumbered and to use the bucket queue under "auto"
    sys.path.insert(0, str(BENCHMARKS))
    from railgraph import rail_like_graph

    g = rail_like_graph(n, seed=3)
    expected = shortest_path(g, method="D")
    for queue in QUEUES:
        np.testing.assert_allclose(shortest_minutes(g.indptr, g.indices, g.data, queue=queue), expected, rtol=1e-12)
    np.testing.assert_allclose(all_pairs_minutes(g, n_threads=2), expected, rtol=1e-12)


def test_wide_weight_range_is_exact():
    # smallest positive weight 1e-9 of the largest: "auto" takes the heap, forced buckets widen
    rng = np.random.default_rng(7)
    n = 400
    rows = rng.integers(0, n, 3000)
    cols = rng.integers(0, n, 3000)
    w = rng.choice([0.0, 1e-7, 1e-3, 0.5, 30.0, 100.0], 3000)
    g = sp.csr_matrix((w, (rows, cols)), shape=(n, n))
    expected = shortest_path(g, method="D")
    for queue in QUEUES:
        np.testing.assert_allclose(
            shortest_minutes(g.indptr, g.indices, g.data, queue=queue), expected, rtol=1e-12, atol=1e-15
        )


def test_empty_and_single_node_graphs():
    assert shortest_minutes([0], [], []).shape == (0, 0)
    assert all_pairs_minutes(sp.csr_matrix((0, 0))).shape == (0, 0)
    np.testing.assert_array_equal(all_pairs_minutes(sp.csr_matrix((1, 1))), [[0.0]])
    dist, pred = shortest_minutes([0, 1], [0], [5.0], predecessors=True)  # a self-loop only
    assert dist.tolist() == [[0.0]] and pred.tolist() == [[-1]]


def test_infinite_weight_is_no_edge():
    dist = shortest_minutes([0, 2, 2], [1, 1], [INF, INF])
    assert dist.tolist() == [[0.0, INF], [INF, 0.0]]


def test_thread_setting_is_restored():
    with kernels.thread_limit(None) as before:
        shortest_minutes(*to_csr(GOLDEN_N, GOLDEN_EDGES), n_threads=1)
    with kernels.thread_limit(None) as after:
        assert after == before
    with pytest.raises(ValueError, match="n_threads"):
        shortest_minutes(*to_csr(GOLDEN_N, GOLDEN_EDGES), n_threads=10_000)


# ---------------------------------------------------------------------------------------------
# Bad input: named after the failure it triggers
# ---------------------------------------------------------------------------------------------
def test_negative_minutes_names_first_edge():
    g = sp.csr_matrix(([1.0, -2.0, -3.0], ([2, 1, 1], [0, 2, 0])), shape=(3, 3))
    with pytest.raises(ValueError, match=r"\(1, 0, -3\.0\) has negative minutes; 2 edge"):
        all_pairs_minutes(g)
    with pytest.raises(ValueError, match=r"\(1, 0, -3\.0\)"):
        shortest_minutes(g.indptr, g.indices, g.data)


def test_nan_minutes_names_edge():
    with pytest.raises(ValueError, match=r"\(0, 1, nan\) has NaN minutes"):
        shortest_minutes([0, 1, 1], [1], [float("nan")])


@pytest.mark.parametrize(
    "indptr,indices,minutes,match",
    [
        ([0, 1], [1], [1.0], "outside the 1 nodes"),
        ([0, 2], [0], [1.0], "indptr must start at 0"),
        ([1, 1], [0], [1.0], "indptr must start at 0"),
        ([0, 1, 0], [0], [1.0], "indptr must start at 0"),
        ([0, 1], [0, 0], [1.0], "one length"),
        ([0, 1], [0.5], [1.0], "integers"),
        ([], [], [], "at least"),
    ],
)
def test_malformed_csr_is_rejected(indptr, indices, minutes, match):
    with pytest.raises(ValueError, match=match):
        shortest_minutes(indptr, indices, minutes)


@pytest.mark.parametrize("origins,match", [([6], "origin 6"), ([-1], "origin -1"), ([0.5], "integer"), ([[0]], "1-D")])
def test_bad_origins_are_rejected(origins, match):
    with pytest.raises(ValueError, match=match):
        shortest_minutes(*to_csr(GOLDEN_N, GOLDEN_EDGES), origins)


def test_unknown_queue_is_rejected():
    with pytest.raises(ValueError, match="queue='fibonacci'"):
        shortest_minutes([0], [], [], queue="fibonacci")


def test_dense_input_is_rejected():
    with pytest.raises(TypeError, match="scipy.sparse"):
        all_pairs_minutes(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="square"):
        all_pairs_minutes(sp.csr_matrix((2, 3)))
