"""Benchmark the timetable engine on the 2016 national high-speed timetable, against two Python references.

Usage::

    python benchmarks/bench_timetable.py                 # the full run (about 3 minutes; 5 s without pyraptor)
    python benchmarks/bench_timetable.py --quick --check # fewer origins (about 40 s); exit 1 on a miss
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
- Each engine figure is the median of ``--repeats`` timed runs after a warm-up (numba's cache load
  or compile, reported apart).
- Two references run in the same process on the same connections and change minutes, each from a
  seeded sample of origins (``numpy.random.default_rng(0)``), its time divided by the origins it
  answered and multiplied by all 668 (the output says how many it answered). Their answers are
  compared with the engine's: the earliest arrivals must be equal, the window medians of the
  sampled origins too.

  - ``csa_plain`` of ``tests/timetable_reference.py``, this project's straightforward pure-Python
    Connection Scan: earliest from ``--sample`` origins (default 60, quick 20); the profile by one
    scan per minute of the window (as R5 samples a window) from the first ``--profile-sample``
    of them (default 4, quick 2). It is the harder reference: the one the 1000x target is far from.
  - ``pyraptor`` 1.3.10 (PyPI, MIT, L. van der Meulen and T. Hopmans), a published pure-Python
    RAPTOR, through ``benchmarks/pyraptor_reference.py`` (how the timetable is mapped onto it and
    why: that module's notes). Earliest by ``RaptorAlgorithm.run`` with the engine's bound of 64
    rounds (``--pyraptor-rounds``) from the first ``--pyraptor-sample`` origins of csa_plain's
    sample (default 24, quick 6); the profile as a range query, one RAPTOR run per departure from
    the origin that a minute of the window catches first (``query_range_raptor.py`` runs one per
    departure in the window), from the first ``--pyraptor-profile-sample`` origins of csa_plain's
    profile sample (default 4, quick 2; the output gives the number of runs). Building its
    timetable is timed apart and not counted. loguru's handlers are removed (``logger.remove()``)
    before it runs: pyraptor logs every round, which would dominate its time and flood the output.
    It is optional: without it the script prints ``pyraptor: not installed (pip install --no-deps
    pyraptor==1.3.10 && pip install loguru attrs joblib)`` and goes on with csa_plain alone.

Targets: earliest for all origins <= 0.1 s, the 2-hour profile for all origins <= 2 s (printed,
not checked: the machines are shared), and the speed ratio against a reference >= 1000x on both
queries. ``--check`` exits 1 when the answers of either reference differ from the engine's, or when
no reference named by ``--check-against`` (``csa_plain``, ``pyraptor`` or ``any``, the default)
has both ratios at or above ``--target-ratio``; it says which reference met the target.
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
from transit.timetable.engine import _MAX_ROUNDS  # noqa: E402
from transit.timetable.workbook import default_timetable_path, load_workbook  # noqa: E402

try:
    import pyraptor_reference
except ImportError as err:  # pyraptor is optional
    pyraptor_reference, PYRAPTOR_ERROR = None, err
else:
    PYRAPTOR_ERROR = None

PYRAPTOR_INSTALL = "pip install --no-deps pyraptor==1.3.10 && pip install loguru attrs joblib"
DEPART_MINUTES = 8 * 60.0
WINDOW = (7 * 60.0, 120)
TARGET_EARLIEST_S = 0.1
TARGET_PROFILE_S = 2.0
TARGET_RATIO = 1000.0
QUERIES = ("earliest, all origins at 08:00", "profile 07:00-09:00, all origins")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer reference origins and repeats (about 40 s)")
    parser.add_argument("--check", action="store_true", help="exit 1 on differing answers or a missed ratio")
    parser.add_argument("--target-ratio", type=float, default=TARGET_RATIO, help="default %(default)g")
    parser.add_argument(
        "--check-against",
        choices=("csa_plain", "pyraptor", "any"),
        default="any",
        help="the reference whose ratios --check holds to the target (default %(default)s: at least one)",
    )
    parser.add_argument("--repeats", type=int, help="timed runs per engine figure (default 5, quick 3)")
    parser.add_argument("--sample", type=int, help="csa_plain origins for earliest (default 60, quick 20)")
    parser.add_argument(
        "--profile-sample", type=int, help="csa_plain origins for the profile (default 4, quick 2; 120 scans each)"
    )
    parser.add_argument(
        "--pyraptor-sample", type=int, help="pyraptor origins for earliest (default 24, quick 6; of --sample's)"
    )
    parser.add_argument(
        "--pyraptor-profile-sample",
        type=int,
        help="pyraptor origins for the profile (default 4, quick 2; of --profile-sample's)",
    )
    parser.add_argument(
        "--pyraptor-rounds", type=int, default=_MAX_ROUNDS, help="pyraptor's RAPTOR rounds (default %(default)s)"
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
    n_pyr_sample = args.pyraptor_sample or (6 if args.quick else 24)
    n_pyr_prof_sample = args.pyraptor_profile_sample or (2 if args.quick else 4)

    path = next((p for p in default_timetable_path() if p.is_file()), None)
    if path is None:
        print("skipped: no timetable at ../shared/data (set TRANSIT_SHARED_DATA to its folder)")
        return 0
    t = time.perf_counter()
    tt = load_workbook(path).to_timetable("2016-03-10", default_change_minutes=10.0)
    ct = compile_timetable(tt)
    load_s = time.perf_counter() - t
    machine = machine_line(f"engine threads {args.threads or 'all'}", ("numpy", "numba", "pyraptor"), load=True)
    print(machine)
    print(f"{ct!r}; read and compiled in {load_s:.2f} s")
    t = time.perf_counter()
    earliest_arrival(ct, [ct.stop_ids[0]], DEPART_MINUTES)
    profile(ct, [ct.stop_ids[0]], WINDOW[0], 2)
    print(f"JIT warm-up (cache load or compile, once per process): {time.perf_counter() - t:.2f} s")

    n = ct.n_stops
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(n, size=min(n_sample, n), replace=False))
    minutes = WINDOW[0] + np.arange(WINDOW[1], dtype=np.float64)

    # the engine
    ea_s, ea = _timed(lambda: earliest_arrival(ct, None, DEPART_MINUTES, n_threads=args.threads), repeats)
    ea1_s, _ = _timed(lambda: earliest_arrival(ct, None, DEPART_MINUTES, n_threads=1), repeats)
    pr_s, pr = _timed(lambda: profile(ct, None, WINDOW[0], WINDOW[1], n_threads=args.threads), repeats)
    pr1_s, _ = _timed(lambda: profile(ct, None, WINDOW[0], WINDOW[1], n_threads=1), max(1, repeats // 2))

    def compare(name, earliest_from, spans_from, ea_origins, pr_origins):
        """Time a reference on its samples, scaled to all origins; list where its answers differ."""
        mismatch = []
        t = time.perf_counter()
        for o in ea_origins:
            if earliest_from(int(o)) != ea.arrival_minutes[o].tolist():
                mismatch.append(f"{name}: earliest from {ct.stop_ids[o]}")
        ref_ea_s = (time.perf_counter() - t) / len(ea_origins) * n
        t = time.perf_counter()
        for o in pr_origins:
            want = np.median(spans_from(int(o)), axis=0)
            if not np.allclose(pr.median_minutes[int(o)], want, rtol=0, atol=1e-9, equal_nan=True):
                mismatch.append(f"{name}: window median from {ct.stop_ids[o]}")
        ref_pr_s = (time.perf_counter() - t) / len(pr_origins) * n
        return {QUERIES[0]: (ref_ea_s, len(ea_origins)), QUERIES[1]: (ref_pr_s, len(pr_origins))}, mismatch

    # the references, on samples of origins, scaled to all
    conns = [(int(u), int(v), float(d), float(a), int(k)) for (u, v, k), (d, a) in zip(ct.conn_int, ct.conn_time)]
    change = ct.stop_minutes[:, 0].tolist()
    n_trips = len(ct.trip_ids)
    prof_sample = sample[: min(n_prof_sample, len(sample))]
    refs, mismatch = {}, []
    refs["csa_plain"], bad = compare(
        "csa_plain",
        lambda o: csa_plain(conns, n, n_trips, change, o, DEPART_MINUTES),
        lambda o: np.array([csa_plain(conns, n, n_trips, change, o, float(m)) for m in minutes]) - minutes[:, None],
        sample,
        prof_sample,
    )
    mismatch += bad
    described = {
        "csa_plain": (
            f"tests/timetable_reference.py, pure-Python Connection Scan; {len(sample)} origins at "
            f"08:00 for earliest and {len(prof_sample)} origin(s) x {WINDOW[1]} departure minutes (one scan each) "
            f"for the profile, scaled to {n} origins"
        )
    }
    if pyraptor_reference is None:
        why = "" if getattr(PYRAPTOR_ERROR, "name", None) == "pyraptor" else f"; import failed: {PYRAPTOR_ERROR}"
        print(f"pyraptor: not installed ({PYRAPTOR_INSTALL}){why}")
    else:
        pyraptor_reference.silence_logging()
        t = time.perf_counter()
        rtt = pyraptor_reference.build_timetable(ct)
        print(
            f"pyraptor {pyraptor_reference.VERSION}: timetable built in {time.perf_counter() - t:.2f} s (not counted)"
        )
        pyr_sample = sample[: min(n_pyr_sample, len(sample))]
        pyr_prof_sample = prof_sample[: min(n_pyr_prof_sample, len(prof_sample))]
        refs["pyraptor"], bad = compare(
            "pyraptor",
            lambda o: pyraptor_reference.earliest_arrival(rtt, ct, o, DEPART_MINUTES, args.pyraptor_rounds),
            lambda o: pyraptor_reference.window_spans(rtt, ct, o, WINDOW[0], WINDOW[1], args.pyraptor_rounds),
            pyr_sample,
            pyr_prof_sample,
        )
        mismatch += bad
        runs = sum(len(pyraptor_reference.window_departures(rtt, ct, int(o), *WINDOW)) for o in pyr_prof_sample)
        described["pyraptor"] = (
            f"{pyraptor_reference.VERSION} (PyPI, pure-Python RAPTOR; {args.pyraptor_rounds} rounds, "
            f"change minutes on the arrivals, one route per trip); {len(pyr_sample)} origins at 08:00 for "
            f"earliest and {len(pyr_prof_sample)} origin(s) x range RAPTOR ({runs} runs: one per departure "
            f"from the origin a window minute catches first) for the profile, scaled to {n} origins"
        )

    rows = [
        (QUERIES[0], ea_s, ea1_s, TARGET_EARLIEST_S),
        (QUERIES[1], pr_s, pr1_s, TARGET_PROFILE_S),
    ]
    print(f"\n{n} stations x {n} stations, {ct.n_connections} connections; engine: median of {repeats} runs\n")
    print(
        "| query | engine s | engine 1t s | target s | "
        + " | ".join(f"{r} s (scaled) | {r}/engine (1t)" for r in refs)
        + " |"
    )
    print("|---|---|---|---|" + "---|---|" * len(refs))
    for name, s, s1, target in rows:
        cells = [f"{name}", f"{s:.4f}" + ("" if s <= target else " (over)"), f"{s1:.4f}", f"{target:g}"]
        for ref_s, k in (refs[r][name] for r in refs):
            cells += [f"{ref_s:.1f} (~{k} orig.)", f"{ref_s / s:.0f}x ({ref_s / s1:.0f}x)"]
        print("| " + " | ".join(cells) + " |")
    print()
    for r, text in described.items():
        print(f"{r}: {text}")
    if not mismatch:
        print(
            f"answers: the engine's earliest arrivals and window medians equal {' and '.join(refs)}'s on every sample"
        )

    met = [r for r in refs if all(refs[r][name][0] / s >= args.target_ratio for name, s, _, _ in rows)]
    wanted = list(refs) if args.check_against == "any" else [args.check_against]
    failures = [f"answers differ: {m}" for m in mismatch]
    if args.check_against not in ("any", *refs):
        failures.append(f"--check-against {args.check_against}: it is not installed ({PYRAPTOR_INSTALL})")
    elif not set(met) & set(wanted):
        failures += [
            f"{name}: {refs[r][name][0] / s:.0f}x {r}'s speed, below the target {args.target_ratio:g}x"
            for r in wanted
            for name, s, _, _ in rows
            if refs[r][name][0] / s < args.target_ratio
        ]
    if args.json:
        result = {
            "machine": machine,
            "timetable": repr(ct),
            "repeats": repeats,
            "references": described,
            "rows": [
                {
                    "query": name,
                    "engine_s": s,
                    "engine_1t_s": s1,
                    "target_s": target,
                    "references": {
                        r: {
                            "reference_s_scaled": refs[r][name][0],
                            "reference_sample_origins": refs[r][name][1],
                            "ratio": refs[r][name][0] / s,
                            "ratio_1t": refs[r][name][0] / s1,
                        }
                        for r in refs
                    },
                }
                for name, s, s1, target in rows
            ],
            "target_ratio": args.target_ratio,
            "met_target": met,
            "mismatch": mismatch,
        }
        write_text(
            args.json, json.dumps(result, indent=2) + "\n", overwrite=args.force, mkdir=True, hint="pass --force"
        )
    print(f"\n{args.target_ratio:g}x on both queries met by: {', '.join(met) or 'no reference'}")
    if args.check and failures:
        print("\nCHECK FAILED:\n  " + "\n  ".join(failures))
        return 1
    if args.check:
        print(
            f"check passed: at least {args.target_ratio:g}x the speed of {', '.join(sorted(set(met) & set(wanted)))} "
            f"(--check-against {args.check_against}), same answers as {' and '.join(refs)}"
        )
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
