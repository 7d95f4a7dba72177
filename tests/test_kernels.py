"""Tests of transit.kernels called directly with arrays (no validation layer in between)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_paths import bfs_hops, dijkstra_minutes, to_csr

from transit.routing import _kernels as kernels


def _arrays(n, edges, indptr_dtype=np.int32):
    indptr, indices, minutes = to_csr(n, edges)
    return (
        np.asarray(indptr, dtype=indptr_dtype),
        np.asarray(indices, dtype=np.int32),
        np.asarray(minutes, dtype=np.float64),
    )


def _n_buckets(weights, width):
    top = max([w for w in weights if w > 0], default=width)
    return 1 << int(np.ceil(np.log2(top / width + 3.0)))


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 20))
    w = st.one_of(st.just(0.0), st.integers(0, 30).map(float), st.floats(0.0, 30.0))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), w), max_size=4 * n))
    return n, edges


# Bucket widths relative to the smallest positive weight: at most it (a node is scanned once),
# and far wider (many nodes share a bucket and are scanned again: label-correcting).
@settings(max_examples=60, deadline=None)
@given(
    g=graphs(),
    width_factor=st.sampled_from([0.0, 0.25, 1.0, 7.0, 1000.0]),
    indptr_dtype=st.sampled_from([np.int32, np.int64]),
)
def test_single_source_matches_naive(g, width_factor, indptr_dtype):
    n, edges = g
    indptr, indices, weights = _arrays(n, edges, indptr_dtype)
    positive = weights[weights > 0]
    width = width_factor * (positive.min() if positive.size else 1.0)
    if width > 0 and positive.size:  # keep the bucket array small, as transit.paths does
        width = max(width, positive.max() / 4000)
    n_buckets = _n_buckets(weights, width) if width > 0 else 0
    for s in range(n):
        dist = np.empty(n)
        pred = np.empty(n, dtype=np.int32)
        kernels.single_source(indptr, indices, weights, s, width, n_buckets, dist, pred)
        np.testing.assert_allclose(dist, dijkstra_minutes(n, edges, s), rtol=1e-12, atol=1e-12)
        for v in range(n):
            if v == s or not np.isfinite(dist[v]):
                assert pred[v] == -1
            else:  # the predecessor edge exists and is on a shortest path
                u = pred[v]
                w = min(wt for a, b, wt in edges if a == u and b == v)
                assert dist[u] + w == pytest.approx(dist[v], rel=1e-12, abs=1e-12)


def test_zero_minute_edge_forces_a_rescan():
    # 0 -> 1 (1.9), 0 -> 2 (1.0), 2 -> 1 (0), 1 -> 3 (5): with a bucket of 2 minutes nodes 1 and
    # 2 share bucket 0, and node 1 is scanned before the zero edge from 2 improves it to 1.0
    n, edges = 4, [(0, 2, 1.0), (0, 1, 1.9), (2, 1, 0.0), (1, 3, 5.0)]
    indptr, indices, weights = _arrays(n, edges)
    for width, n_buckets in ((2.0, 8), (0.5, 16), (0.0, 0)):
        dist = np.empty(n)
        pred = np.empty(n, dtype=np.int32)
        kernels.single_source(indptr, indices, weights, 0, width, n_buckets, dist, pred)
        assert dist.tolist() == [0.0, 1.0, 1.0, 6.0]
        assert pred.tolist() == [-1, 2, 0, 1]


@pytest.mark.parametrize("width", [0.0, 1.0])
def test_many_to_many_columns_and_node_ids(width):
    # a chain 0 -> 1 -> 2 -> 3 of 1, 2, 3 minutes; columns pick and reorder, node_ids relabel
    n, edges = 4, [(0, 1, 1.0), (1, 2, 2.0), (2, 3, 3.0)]
    indptr, indices, weights = _arrays(n, edges)
    origins = np.array([0, 2, 0], dtype=np.int32)
    columns = np.array([3, 1], dtype=np.int32)
    node_ids = np.array([10, 11, 12, 13], dtype=np.int32)
    dist = np.empty((3, 2))
    pred = np.empty((3, 2), dtype=np.int32)
    n_buckets = 4 if width else 0
    kernels.many_to_many(indptr, indices, weights, origins, columns, node_ids, width, n_buckets, 2, dist, pred)
    assert dist.tolist() == [[6.0, 1.0], [3.0, np.inf], [6.0, 1.0]]
    assert pred.tolist() == [[12, 10], [12, -1], [12, 10]]
    # without predecessors: an empty (0, 0) array
    dist2 = np.empty((3, 2))
    kernels.many_to_many(
        indptr,
        indices,
        weights,
        origins,
        columns,
        node_ids,
        width,
        n_buckets,
        7,
        dist2,
        np.empty((0, 0), dtype=np.int32),
    )
    assert dist2.tolist() == dist.tolist()


@settings(max_examples=30, deadline=None)
@given(g=graphs(), n_chunks=st.integers(1, 9))
def test_hops_match_naive_bfs(g, n_chunks):
    n, edges = g
    indptr, indices, _ = _arrays(n, edges)
    nodes = np.arange(n, dtype=np.int32)
    hops = np.empty((n, n))
    kernels.hops_many_to_many(indptr, indices, nodes, nodes, n_chunks, hops)
    np.testing.assert_array_equal(hops, [bfs_hops(n, edges, s) for s in range(n)])


def test_thread_limit_restores_setting():
    with kernels.thread_limit(None) as before:
        with kernels.thread_limit(1) as inside:
            assert inside == 1
        with kernels.thread_limit(None) as after:
            assert after == before
    with pytest.raises(ValueError, match="outside 1.."):
        with kernels.thread_limit(0):
            pass


@settings(max_examples=40, deadline=None)
@given(g=graphs(), data=st.data(), use_buckets=st.booleans(), n_chunks=st.integers(1, 5))
def test_many_to_many_any_origins_match_naive(g, data, use_buckets, n_chunks):
    # origins unsorted, repeated, any count (not a multiple of the lanes): rows come back in order
    n, edges = g
    indptr, indices, weights = _arrays(n, edges)
    origins = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2 * n + 3)), dtype=np.int32)
    positive = weights[weights > 0]
    width = float(positive.min()) if use_buckets and positive.size else (1.0 if use_buckets else 0.0)
    if width and positive.size:
        width = max(width, positive.max() / 4000)
    n_buckets = _n_buckets(weights, width) if width else 0
    nodes = np.arange(n, dtype=np.int32)
    dist = np.empty((origins.size, n))
    pred = np.empty((origins.size, n), dtype=np.int32)
    kernels.many_to_many(indptr, indices, weights, origins, nodes, nodes, width, n_buckets, n_chunks, dist, pred)
    for row, s in enumerate(origins):
        np.testing.assert_allclose(dist[row], dijkstra_minutes(n, edges, s), rtol=1e-12, atol=1e-12)
        for v in range(n):
            if v == s or not np.isfinite(dist[row, v]):
                assert pred[row, v] == -1
            else:
                u = pred[row, v]
                w = min(wt for a, b, wt in edges if a == u and b == v)
                assert dist[row, u] + w == pytest.approx(dist[row, v], rel=1e-12, abs=1e-12)
