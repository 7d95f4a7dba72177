"""Benchmark all-pairs shortest minutes: transit's core against scipy, igraph, networkx and BFS.

Usage::

    python benchmarks/bench_all_pairs.py                 # 1,000 / 3,000 / 5,000 / 10,000 nodes
    python benchmarks/bench_all_pairs.py --quick --check # CI: small graphs, exit 1 if slower than scipy
    python benchmarks/bench_all_pairs.py --sizes 3000 5000 --repeats 5 --json out/bench.json
    python benchmarks/bench_all_pairs.py --network yrd   # also the compiled YRD graph, if it loads

Method
------
- Graphs: :func:`railgraph.rail_like_graph` (deterministic from size and seed), plus optionally the
  compiled graph of a real network (``--network``; skipped with a note when it cannot be built).
- Methods, interleaved in one process (round-robin, so drift hits all alike), each repeated and
  the median taken:

  ``core``       ``transit.paths.all_pairs_minutes`` (validation, renumbering, kernel; ``--threads``)
  ``core 1t``    the same on one thread (scipy's is single-threaded: a like-for-like ratio that a
                 busy second core disturbs less)
  ``core+pred``  ``transit.paths.shortest_minutes(..., predecessors=True)``
  ``scipy``      ``scipy.sparse.csgraph.shortest_path(method="D")`` (one thread, Fibonacci heap)
  ``igraph``     ``Graph.distances(weights=..., algorithm="dijkstra")`` (graph built untimed; its
                 result, a list of lists, converted to a float64 array inside the timing)
  ``networkx``   ``single_source_dijkstra_path_length`` from a sample of origins, scaled to all
  ``bfs``        ``transit.kernels.hops_many_to_many``: breadth-first search from every node on the
                 same renumbered arrays, writing the same (n, n) float64 result: the floor

  igraph and networkx run on a sample of origins (scaled by n / sample) where the full run would
  be long or hold billions of Python floats; the table says so.
- Time to first result: the numba kernels are warmed on a tiny graph before timing; that warm-up
  (loading the on-disk cache, or compiling when there is none) is reported apart.
- Memory: the peak of Python-side allocations (``tracemalloc``, which sees numpy arrays but not
  numba's per-thread scratch or igraph's C heap) in one extra, untimed run, and the result size.
- Correctness: every run's core result is compared with scipy's (``allclose``); sampled rows of
  igraph and networkx too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine_line  # noqa: E402
from railgraph import rail_like_graph  # noqa: E402

from transit.routing import _kernels as kernels  # noqa: E402
from transit.routing import paths  # noqa: E402

FULL_SIZES = (1000, 3000, 5000, 10000)
QUICK_SIZES = (1000, 3000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", help=f"graph sizes (default {FULL_SIZES})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic graphs")
    parser.add_argument("--repeats", type=int, help="timed runs per method (default 3, quick 3)")
    parser.add_argument("--threads", type=int, help="numba threads for the core (default: all)")
    parser.add_argument(
        "--quick", action="store_true", help=f"sizes {QUICK_SIZES}, no networkx beyond 1,000 nodes (under 90 s)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the core is slower than scipy on a graph of >= 1,000 nodes or disagrees with it",
    )
    parser.add_argument("--network", help="also benchmark this network's compiled graph (e.g. yrd)")
    parser.add_argument(
        "--skip", nargs="*", default=[], help="methods to leave out (igraph, networkx, 'core 1t', core+pred, bfs)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --json file")
    args = parser.parse_args(argv)
    if args.json and args.json.exists() and not args.force:
        parser.error(f"{args.json} exists; pass --force to overwrite it")
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    repeats = args.repeats or 3
    threads = args.threads or kernels.max_threads()

    warm_s = _warm_up()
    machine = machine_line(f"core threads {threads}", ("numpy", "scipy", "numba", "igraph", "networkx"))
    print(machine)
    print(f"JIT warm-up (cache load or compile, once per process): {warm_s:.2f} s\n")

    graphs = [(f"rail-like {n}", lambda n=n: rail_like_graph(n, args.seed)) for n in sizes]
    if args.network:
        graphs.append((f"network {args.network}", lambda: _network_graph(args.network)))
    rows = []
    failures = []
    for label, make in graphs:
        try:
            g = make()
        except Exception as err:  # noqa: BLE001 - optional graph: report and go on
            print(f"skipped {label}: {type(err).__name__}: {err}\n")
            continue
        row = _bench_graph(label, g, repeats, threads, args.quick, set(args.skip))
        rows.append(row)
        print(_markdown([row], header=not rows[:-1]), flush=True)
        if row["mismatch"]:
            failures.append(f"{label}: results differ from scipy ({row['mismatch']})")
        if row["n"] >= 1000 and row["ratio"]["scipy/core"] < 1.0:
            failures.append(
                f"{label}: core {row['seconds']['core']:.3f} s is slower than scipy {row['seconds']['scipy']:.3f} s"
            )
    print("\n" + _markdown(rows))
    if args.json:
        result = {
            "machine": machine,
            "warm_up_s": warm_s,
            "threads": threads,
            "repeats": repeats,
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
            "graphs": rows,
        }
        _write_atomic(args.json, json.dumps(result, indent=2, default=float))
    if args.check and failures:
        print("\nCHECK FAILED:\n  " + "\n  ".join(failures))
        return 1
    if args.check:
        print("\ncheck passed: the core is faster than scipy on every graph of >= 1,000 nodes")
    return 0


def _bench_graph(label, g, repeats, threads, quick, skip):
    g = sp.csr_matrix(g)
    n = g.shape[0]
    indptr, indices, minutes = g.indptr, g.indices, g.data
    kg = paths._KernelGraph.build(indptr.astype(np.int32), indices.astype(np.int32), minutes.astype(np.float64), n)
    all_nodes = np.arange(n, dtype=np.int32)
    methods = {
        "core": lambda: paths.all_pairs_minutes(g, n_threads=threads),
        "core 1t": lambda: paths.all_pairs_minutes(g, n_threads=1),
        "core+pred": lambda: paths.shortest_minutes(indptr, indices, minutes, predecessors=True, n_threads=threads),
        "scipy": lambda: shortest_path(g, method="D"),
        "bfs": lambda: _bfs(kg, all_nodes, threads),
    }
    sampled = {}
    if "igraph" not in skip:
        try:
            ig_run, k = _igraph_method(g, n if n <= 3000 else 500)
            methods["igraph"] = ig_run
            sampled["igraph"] = k
        except ImportError:
            pass
    if "networkx" not in skip and not (quick and n > 1000):
        nx_run, k = _networkx_method(g, min(n, 200 if quick or n > 3000 else 300))
        methods["networkx"] = nx_run
        sampled["networkx"] = k
    for name in skip:
        methods.pop(name, None)

    times = {name: [] for name in methods}
    reference = None
    mismatch = []
    for _ in range(repeats):
        for name, run in methods.items():
            t0 = time.perf_counter()
            out = run()
            times[name].append(time.perf_counter() - t0)
            if name == "scipy":
                reference = out
            del out
    core = methods["core"]()
    if not np.allclose(core, reference, rtol=1e-12, atol=1e-9):
        mismatch.append("core")
    for name, k in sampled.items():
        got = methods[name]()
        if not np.allclose(got, reference[:k], rtol=1e-9, atol=1e-9):
            mismatch.append(name)
    del core, reference

    seconds = {}
    for name, ts in times.items():
        med = statistics.median(ts)
        seconds[name] = med * (n / sampled[name]) if name in sampled else med
    peak_mb = {name: _peak_mb(run) for name, run in methods.items() if name in ("core", "core+pred", "scipy", "igraph")}
    ratio = {f"{name}/core": seconds[name] / seconds["core"] for name in seconds if name != "core"}
    if "core 1t" in seconds:
        ratio["scipy/core 1t"] = seconds["scipy"] / seconds["core 1t"]
    ratio["core/bfs"] = seconds["core"] / seconds["bfs"] if "bfs" in seconds else float("nan")
    zero = int((g.data == 0).sum())
    return {
        "graph": label,
        "n": n,
        "edges": int(g.nnz),
        "zero_edges": zero,
        "mean_out_degree": g.nnz / max(n, 1),
        "seconds": seconds,
        "ratio": ratio,
        "sampled_origins": sampled,
        "peak_python_mb": peak_mb,
        "result_mb": n * n * 8 / 1e6,
        "repeats": repeats,
        "mismatch": ", ".join(mismatch),
    }


def _bfs(kg, nodes, threads):
    out = np.empty((nodes.shape[0], nodes.shape[0]), dtype=np.float64)
    with kernels.thread_limit(threads) as t:
        kernels.hops_many_to_many(kg.indptr, kg.indices, kg.kernel_node[nodes], kg.kernel_node, 4 * t, out)
    return out


def _igraph_method(g, k):
    import igraph as ig

    coo = g.tocoo()
    graph = ig.Graph(n=g.shape[0], edges=list(zip(coo.row.tolist(), coo.col.tolist())), directed=True)
    weights = coo.data.tolist()
    sources = list(range(k))

    def run():
        d = graph.distances(source=sources, weights=weights, mode="out", algorithm="dijkstra")
        return np.array(d, dtype=np.float64)

    return run, k


def _networkx_method(g, k):
    import networkx as nx

    coo = g.tocoo()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(g.shape[0]))
    graph.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()))
    n = g.shape[0]

    def run():
        out = np.full((k, n), np.inf)
        for s in range(k):
            for t, d in nx.single_source_dijkstra_path_length(graph, s).items():
                out[s, t] = d
        return out

    return run, k


def _peak_mb(run) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return peak / 1e6


def _warm_up() -> float:
    t0 = time.perf_counter()
    g = rail_like_graph(300, 0)
    paths.all_pairs_minutes(g)
    paths.shortest_minutes(g.indptr, g.indices, g.data, predecessors=True, queue="heap")
    kg = paths._KernelGraph.build(g.indptr.astype(np.int32), g.indices.astype(np.int32), g.data, 300)
    _bfs(kg, np.arange(300, dtype=np.int32), None)
    return time.perf_counter() - t0


def _network_graph(name):
    import transit
    from transit.routing.graph import compile_graph

    net = transit.load_network(name)
    return compile_graph(net, modes=("rail", "air"), measure="door").to_scipy()


def _markdown(rows, header=True) -> str:
    cols = ["core", "core 1t", "core+pred", "scipy", "igraph", "networkx", "bfs"]
    lines = []
    if header:
        lines.append(
            "| graph | nodes | edges | "
            + " | ".join(f"{c} s" for c in cols)
            + " | scipy/core | scipy/core 1t | igraph/core | networkx/core | core/bfs | core peak MB"
            " | scipy peak MB | result MB |"
        )
        lines.append("|" + "---|" * (3 + len(cols) + 8))
    for r in rows:
        cells = [r["graph"], str(r["n"]), str(r["edges"])]
        for c in cols:
            s = r["seconds"].get(c)
            mark = (
                f" (~{r['sampled_origins'][c]} orig.)"
                if c in r["sampled_origins"] and r["sampled_origins"][c] < r["n"]
                else ""
            )
            cells.append("-" if s is None else f"{s:.3f}{mark}")
        for key in ("scipy/core", "scipy/core 1t", "igraph/core", "networkx/core", "core/bfs"):
            v = r["ratio"].get(key)
            cells.append("-" if v is None else f"{v:.2f}")
        for name in ("core", "scipy"):
            cells.append(f"{r['peak_python_mb'].get(name, float('nan')):.0f}")
        cells.append(f"{r['result_mb']:.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
