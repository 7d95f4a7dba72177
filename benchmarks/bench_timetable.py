"""Benchmark the timetable engine on the 2016 national high-speed timetable, against plain Python.

Usage::

    python benchmarks/bench_timetable.py                 # the full run (about a minute)
    python benchmarks/bench_timetable.py --quick --check # CI: fewer reference origins; exit 1 if a ratio is missed
    python benchmarks/bench_timetable.py --json out/bench_timetable.json

The timetable is ``hsr_timetable_20160310.xlsx`` (metromancn/Parse12306, MIT), read at run time from
``../shared/data`` beside the repository (or ``$TRANSIT_SHARED_DATA``); every train running on
2016-03-10 with 10 minutes to change trains at every station. Without it the script prints
``skipped: no timetable at ../shared/data`` and exits 0.

Method
------
- ``earliest``: :func:`transit.timetable.earliest_arrival` from every station at 08:00 to every
  station (one Connection Scan per origin, origins in parallel; ``1t``: on one thread).
- ``profile``: :func:`transit.timetable.profile` over the departure window 07:00-09:00 from every
  station to every station: fastest, median, departures in the window and in the day, first and
  last departure (one backward profile scan per target station, targets in parallel).
- ``reference``: ``csa_plain`` of ``tests/timetable_reference.py``, a straightforward pure-Python
  Connection Scan, on the same connections and change minutes. It answers the earliest query from
  a seeded sample of origins (the time scaled to every origin) and the profile's query by one scan
  per minute of the window (as R5 samples a window) from a smaller sample (scaled likewise); the
  output says so. Its answers are compared with the engine's: the earliest arrivals must be equal,
  the window medians of the sampled origins too.
- Each engine figure is the median of ``--repeats`` timed runs after a warm-up (numba's cache load
  or compile, reported apart).

Targets: earliest for all origins <= 0.1 s, the 2-hour profile for all origins <= 2 s (printed,
not checked: the machines are shared), and the speed ratio against the reference >= 1000x on
both queries (checked with ``--check``: exit 1 when a ratio is below ``--target-ratio``, or when
the answers differ).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine_line  # noqa: E402
from timetable_reference import csa_plain  # noqa: E402

from transit._files import write_text  # noqa: E402
from transit.timetable import compile_timetable, earliest_arrival, profile  # noqa: E402
from transit.timetable.workbook import default_timetable_path, load_workbook  # noqa: E402

DEPART_MINUTES = 8 * 60.0
WINDOW = (7 * 60.0, 120)
TARGET_EARLIEST_S = 0.1
TARGET_PROFILE_S = 2.0
TARGET_RATIO = 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer reference origins and repeats (about 20 s)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a speed ratio is below --target-ratio")
    parser.add_argument("--target-ratio", type=float, default=TARGET_RATIO, help="default %(default)g")
    parser.add_argument("--repeats", type=int, help="timed runs per engine figure (default 5, quick 3)")
    parser.add_argument("--sample", type=int, help="reference origins for earliest (default 60, quick 20)")
    parser.add_argument(
        "--profile-sample", type=int, help="reference origins for the profile (default 4, quick 2; 120 scans each)"
    )
    parser.add_argument("--threads", type=int, help="numba threads for the engine (default: all)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --json file")
    args = parser.parse_args(argv)
    if args.json and args.json.exists() and not args.force:
        parser.error(f"{args.json} exists; pass --force to overwrite it")
    repeats = args.repeats or (3 if args.quick else 5)
    n_sample = args.sample or (20 if args.quick else 60)
    n_prof_sample = args.profile_sample or (2 if args.quick else 4)

    path = next((p for p in default_timetable_path() if p.is_file()), None)
    if path is None:
        print("skipped: no timetable at ../shared/data (set TRANSIT_SHARED_DATA to its folder)")
        return 0
    t = time.perf_counter()
    tt = load_workbook(path).to_timetable("2016-03-10", default_change_minutes=10.0)
    ct = compile_timetable(tt)
    load_s = time.perf_counter() - t
    machine = machine_line(f"engine threads {args.threads or 'all'}", ("numpy", "numba"), load=True)
    print(machine)
    print(f"{ct!r}; read and compiled in {load_s:.2f} s")
    t = time.perf_counter()
    earliest_arrival(ct, [ct.stop_ids[0]], DEPART_MINUTES)
    profile(ct, [ct.stop_ids[0]], WINDOW[0], 2)
    print(f"JIT warm-up (cache load or compile, once per process): {time.perf_counter() - t:.2f} s\n")

    n = ct.n_stops
    conns = [(int(u), int(v), float(d), float(a), int(k)) for (u, v, k), (d, a) in zip(ct.conn_int, ct.conn_time)]
    change = ct.stop_minutes[:, 0].tolist()
    n_trips = len(ct.trip_ids)
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(n, size=min(n_sample, n), replace=False))
    prof_sample = sample[: min(n_prof_sample, len(sample))]
    minutes = WINDOW[0] + np.arange(WINDOW[1], dtype=np.float64)

    # the engine
    ea_s, ea = _timed(lambda: earliest_arrival(ct, None, DEPART_MINUTES, n_threads=args.threads), repeats)
    ea1_s, _ = _timed(lambda: earliest_arrival(ct, None, DEPART_MINUTES, n_threads=1), repeats)
    pr_s, pr = _timed(lambda: profile(ct, None, WINDOW[0], WINDOW[1], n_threads=args.threads), repeats)
    pr1_s, _ = _timed(lambda: profile(ct, None, WINDOW[0], WINDOW[1], n_threads=1), max(1, repeats // 2))

    # the reference, on samples of origins, scaled to all
    mismatch = []
    t = time.perf_counter()
    for o in sample:
        got = csa_plain(conns, n, n_trips, change, int(o), DEPART_MINUTES)
        if got != ea.arrival_minutes[o].tolist():
            mismatch.append(f"earliest from {ct.stop_ids[o]}")
    ref_ea_s = (time.perf_counter() - t) / len(sample) * n
    t = time.perf_counter()
    for o in prof_sample:
        span = np.array([csa_plain(conns, n, n_trips, change, int(o), float(m)) for m in minutes]) - minutes[:, None]
        want = np.median(span, axis=0)
        got = pr.median_minutes[int(o)]
        if not np.allclose(got, want, rtol=0, atol=1e-9, equal_nan=True):
            mismatch.append(f"window median from {ct.stop_ids[o]}")
    ref_pr_s = (time.perf_counter() - t) / len(prof_sample) * n

    rows = [
        ("earliest, all origins at 08:00", ea_s, ea1_s, ref_ea_s, TARGET_EARLIEST_S, len(sample)),
        ("profile 07:00-09:00, all origins", pr_s, pr1_s, ref_pr_s, TARGET_PROFILE_S, len(prof_sample)),
    ]
    print(f"{n} stations x {n} stations, {ct.n_connections} connections; engine: median of {repeats} runs\n")
    print(
        "| query | engine s | engine 1t s | target s | reference s (scaled) | reference/engine | reference/engine 1t |"
    )
    print("|---|---|---|---|---|---|---|")
    failures = []
    for name, s, s1, ref_s, target, k in rows:
        ok = "" if s <= target else " (over)"
        print(
            f"| {name} | {s:.4f}{ok} | {s1:.4f} | {target:g} | {ref_s:.1f} (~{k} orig.) | "
            f"{ref_s / s:.0f}x | {ref_s / s1:.0f}x |"
        )
        if ref_s / s < args.target_ratio:
            failures.append(f"{name}: {ref_s / s:.0f}x the reference's speed, below the target {args.target_ratio:g}x")
    print(
        f"\nreference: csa_plain (pure Python) on {len(sample)} origins for earliest and "
        f"{len(prof_sample)} origins x {WINDOW[1]} departure minutes for the profile, scaled to {n} origins"
    )
    failures += [f"answers differ: {m}" for m in mismatch]
    if not mismatch:
        print("answers: the engine's earliest arrivals and window medians equal the reference's on every sample")
    if args.json:
        result = {
            "machine": machine,
            "timetable": repr(ct),
            "repeats": repeats,
            "rows": [
                {
                    "query": name,
                    "engine_s": s,
                    "engine_1t_s": s1,
                    "target_s": target,
                    "reference_s_scaled": ref_s,
                    "reference_sample_origins": k,
                    "ratio": ref_s / s,
                    "ratio_1t": ref_s / s1,
                }
                for name, s, s1, ref_s, target, k in rows
            ],
            "mismatch": mismatch,
        }
        write_text(
            args.json, json.dumps(result, indent=2) + "\n", overwrite=args.force, mkdir=True, hint="pass --force"
        )
    if args.check and failures:
        print("\nCHECK FAILED:\n  " + "\n  ".join(failures))
        return 1
    if args.check:
        print(f"\ncheck passed: at least {args.target_ratio:g}x the reference's speed, same answers")
    return 0


def _timed(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


if __name__ == "__main__":
    sys.exit(main())
