"""Smoke test of benchmarks/bench_all_pairs.py: it runs, agrees with scipy and writes its JSON.

No timing is asserted here (the machines are shared and noisy); the speed check is the CI step
``python benchmarks/bench_all_pairs.py --quick --check``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_bench_runs_small_graph(tmp_path, capsys):
    sys.path.insert(0, str(BENCHMARKS))
    import bench_all_pairs

    out = tmp_path / "bench.json"
    code = bench_all_pairs.main(["--sizes", "300", "--repeats", "1", "--skip", "networkx", "--json", str(out)])
    assert code == 0
    result = json.loads(out.read_text())
    (row,) = result["graphs"]
    assert row["n"] == 300 and row["mismatch"] == ""
    assert {"core", "core+pred", "scipy", "bfs"} <= set(row["seconds"])
    assert "| rail-like 300 | 300 |" in capsys.readouterr().out
    # an existing file is not overwritten without --force
    try:
        bench_all_pairs.main(["--sizes", "300", "--json", str(out)])
    except SystemExit as err:
        assert err.code == 2
    else:
        raise AssertionError("--json over an existing file without --force must fail")
