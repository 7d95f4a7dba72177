"""Benchmark the service model: writing a day's trains for a network, and routing on them.

Usage::

    python benchmarks/bench_service.py            # about a minute on 2 cores
    python benchmarks/bench_service.py --quick    # one repeat

Method
------
For the bundled network on three dates and with a scenario (2016-03-10, the data date, 2030, and
2030 with every planned line), each on a freshly loaded network so that nothing is cached:

- ``synthesise``: :func:`transit.timetable.service.synthesise_timetable` (the track graph, the
  routes, stopping patterns and every trip's times), target <= 1 s;
- ``timetable``: :func:`transit.travel_times` with ``method="timetable"`` for every origin (the
  synthesis, the compile and a 16-hour departure-window profile from every station);
- ``static``: ``method="static"`` for every origin, the reference in the same run.

Each figure is the median of ``--repeats`` runs after a warm-up (numba compile or cache load). The
time targets are printed, not checked: the machines are shared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import transit  # noqa: E402
from transit.scenarios import load_scenario  # noqa: E402
from transit.timetable.service import synthesise_timetable  # noqa: E402

TARGET_SYNTHESIS_S = 1.0


def _network(when, scenario):
    net = transit.load_network()
    net = net if when is None else net.as_of(when)
    return load_scenario(scenario).apply(net) if scenario else net


def _median_s(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one timed run per figure")
    parser.add_argument("--repeats", type=int, help="timed runs per figure (default 3, quick 1)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    cases = [("2016-03-10", None), (None, None), (2030, None), (2030, "all-planned")]
    transit.travel_times(_network(None, None), method="timetable", origins=["wenzhou"])  # warm-up: numba
    transit.travel_times(_network(None, None), method="static", origins=["wenzhou"])
    print(f"{'network':<28} {'trips':>6} {'synthesise':>11} {'timetable, all':>15} {'static, all':>12}")
    worst = 0.0
    for when, scenario in cases:
        label = f"{when or 'data date'}{' + ' + scenario if scenario else ''}"
        n_trips = synthesise_timetable(_network(when, scenario)).n_trips
        syn = _median_s(lambda w=when, s=scenario: synthesise_timetable(_network(w, s)), repeats)
        syn -= _median_s(lambda w=when, s=scenario: _network(w, s), repeats)  # loading is not synthesis
        tim = _median_s(lambda w=when, s=scenario: transit.travel_times(_network(w, s), method="timetable"), repeats)
        sta = _median_s(lambda w=when, s=scenario: transit.travel_times(_network(w, s), method="static"), repeats)
        worst = max(worst, syn)
        print(f"{label:<28} {n_trips:>6} {syn:>10.2f}s {tim:>14.2f}s {sta:>11.2f}s")
    print(f"synthesis target <= {TARGET_SYNTHESIS_S:g} s: worst {worst:.2f} s ({'met' if worst <= 1 else 'missed'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
