"""Kernel-level timing: microseconds per origin of each queue and of the BFS floor, one thread.

Usage::

    python benchmarks/bench_kernels.py                  # 1,000 / 5,000 / 10,000 nodes
    python benchmarks/bench_kernels.py --sizes 3000 --origins 500

The kernels of :mod:`transit.kernels` run on the renumbered graph exactly as
:func:`transit.paths.shortest_minutes` would call them, from the first ``--origins`` nodes of the
renumbered order (neighbours, as in a full all-pairs run; a scattered subset of origins shares
less of its searches), into a preallocated output (so no page faults are timed), on one thread; scipy's Dijkstra on a quarter of the same origins. Each method
runs 5 times, interleaved; the minimum is reported (the least disturbed run on a shared machine).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import shortest_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from railgraph import rail_like_graph  # noqa: E402

from transit.routing import _kernels as kernels  # noqa: E402
from transit.routing import paths  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--origins", type=int, default=2000, help="origins timed per graph")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print("| nodes | buckets | buckets + pred | heap | bfs (floor) | scipy | buckets / bfs | scipy / buckets |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        g = rail_like_graph(n)
        kg = paths._KernelGraph.build(
            g.indptr.astype(np.int32), g.indices.astype(np.int32), g.data.astype(np.float64), n
        )
        width, n_buckets = paths._choose_queue(kg, "auto")
        k = min(n, args.origins)
        # the first k nodes in the renumbered order: neighbours, as in a full all-pairs run
        origins = np.ascontiguousarray(kg.node_id[:k])
        out = np.zeros((k, n))
        pred = np.zeros((k, n), dtype=np.int32)
        none = np.empty((0, 0), dtype=np.int32)

        def many(w, nb, p):
            kernels.many_to_many(
                kg.indptr, kg.indices, kg.weights, kg.kernel_node[origins], kg.kernel_node, kg.node_id, w, nb, 1, out, p
            )

        methods = {
            "buckets": (lambda: many(width, n_buckets, none), k),
            "buckets + pred": (lambda: many(width, n_buckets, pred), k),
            "heap": (lambda: many(0.0, 0, none), k),
            "bfs": (
                lambda: kernels.hops_many_to_many(
                    kg.indptr, kg.indices, kg.kernel_node[origins], kg.kernel_node, 1, out
                ),
                k,
            ),
            "scipy": (lambda: shortest_path(g, method="D", indices=origins[: max(1, k // 4)]), max(1, k // 4)),
        }
        best = {name: np.inf for name in methods}
        with kernels.thread_limit(1):
            for run, _ in methods.values():
                run()  # warm: compile or load the cache
            for _ in range(args.runs):
                for name, (run, count) in methods.items():
                    t0 = time.perf_counter()
                    run()
                    best[name] = min(best[name], (time.perf_counter() - t0) / count * 1e6)
        print(
            f"| {n:,} | "
            + " | ".join(f"{best[m]:.1f}" for m in methods)
            + f" | {best['buckets'] / best['bfs']:.2f} | {best['scipy'] / best['buckets']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
