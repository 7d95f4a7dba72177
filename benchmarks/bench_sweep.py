"""Benchmark of scenario sweeps: every combination of the 521 goal's candidate projects, against the naive loop.

    python benchmarks/bench_sweep.py                     # all-planned: 15 projects, 32,768 combinations
    python benchmarks/bench_sweep.py --projects all      # + the 3 bundled scenarios: 18, 262,144
    python benchmarks/bench_sweep.py --check             # exit 1 if over 30 s or under 10x the naive loop

The sweep runs on Dask's local threaded scheduler. The naive loop (a scenario apply, ``travel_times`` and
``check_goal`` per combination) is timed on a seeded sample of combinations in the same run, and checked
to give the same minutes. The kernels are loaded (numba cache) or compiled before timing; that time is
reported apart. Not a timed test: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import transit
from transit.sweep import evaluate as ev
from transit.sweep import sweep

GOAL_S = 30.0
GOAL_RATIO = 10.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goal", default="wenzhou-521")
    parser.add_argument("--network", default="yrd")
    parser.add_argument("--projects", default="all-planned", help="all-planned (default) or all")
    parser.add_argument("--scheduler", default="threads")
    parser.add_argument("--naive", type=int, default=6, help="combinations timed with the naive loop")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)

    net = transit.load_network(args.network)
    goal = transit.load_goal(args.goal)

    t = time.perf_counter()
    warm = sweep(
        goal, net, [net.tables["sections"].query("status != 'open'")["line_id"].iloc[0]], scheduler="synchronous"
    )
    jit_s = time.perf_counter() - t

    t = time.perf_counter()
    result = sweep(goal, net, args.projects, scheduler=args.scheduler)
    sweep_s = time.perf_counter() - t
    t = time.perf_counter()
    frame = result.frame
    frame_s = time.perf_counter() - t
    t = time.perf_counter()
    result.summary_markdown()
    summary_s = time.perf_counter() - t

    k, n = len(result.projects), len(result.combos)
    pick = np.sort(np.random.default_rng(0).choice(np.arange(1, n), args.naive, replace=False))
    naive = ev.NaiveModel(goal, net, tuple(result.projects), result.plan)
    t = time.perf_counter()
    naive_minutes = ev.naive_minutes(naive, result.combos[pick])
    naive_per = (time.perf_counter() - t) / len(pick)
    same = bool(np.array_equal(naive_minutes, result.minutes[pick]))

    tm = result.timings_s
    per_eval = tm["evaluate_s"] / n
    per_total = (sweep_s + frame_s) / n
    print(
        f"goal {goal.id}, {k} projects ({args.projects}), {n:,} combinations, scheduler {args.scheduler}, "
        f"evaluation {result.evaluation}: {result.evaluation_note}"
    )
    print(f"  kernels loaded/compiled + a 2-combination warm-up sweep: {jit_s:.1f} s (not counted)")
    print(
        f"  sweep(): {sweep_s:.2f} s = candidate projects {tm['projects_s']:.2f} + base check_goal "
        f"{tm['base_check_s']:.2f} + union graph {tm['model_s']:.2f} + evaluate {tm['evaluate_s']:.2f} "
        f"(+ {sweep_s - tm['total_s']:.2f} other)"
    )
    print(f"  .frame ({len(frame):,} rows): {frame_s:.2f} s; .summary_markdown(): {summary_s:.2f} s")
    print(
        f"  incremental: {1 / per_eval:,.0f} combinations/s evaluating, {1 / per_total:,.0f}/s end to end "
        f"(sweep + frame)"
    )
    print(
        f"  naive loop: {1 / naive_per:.2f} combinations/s ({naive_per:.2f} s each, {len(pick)} timed); "
        f"same minutes: {same}"
    )
    ratio_eval, ratio_total = naive_per / per_eval, naive_per / per_total
    print(
        f"  speed-up: {ratio_eval:,.0f}x evaluating, {ratio_total:,.0f}x end to end "
        f"(goal {GOAL_RATIO:g}x); sweep + frame {sweep_s + frame_s:.1f} s (goal <= {GOAL_S:g} s)"
    )
    ok = same and sweep_s + frame_s <= GOAL_S and ratio_total >= GOAL_RATIO
    del warm
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
