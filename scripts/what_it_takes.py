"""What it takes: which projects, how many, and by when, for a goal (default Wenzhou's 521 circle).

    python scripts/what_it_takes.py --goal wenzhou-521 --out out/what-it-takes [--projects all-planned]

Sweeps every combination of the candidate projects (lines under construction or planned, by default)
with :func:`transit.sweep.sweep` and writes ``<goal>-what-it-takes.md`` (the planner's summary) and
``<goal>-what-it-takes.png`` (projects against targets, coloured by the minutes each project saves on
average). Exit status 0 when every tier is met by some combination, 1 when one is not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import transit  # noqa: E402
from transit._files import atomic_path, write_text  # noqa: E402
from transit.errors import TransitError  # noqa: E402
from transit.sweep import sweep  # noqa: E402


def figure(result):
    """Projects (rows) against targets (columns), coloured by the mean minutes saved."""
    m = result.marginal_minutes()
    values = m.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 + 0.9 * values.shape[1], 1.2 + 0.38 * values.shape[0]))
    top = max(1.0, float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0)
    im = ax.imshow(np.nan_to_num(values), cmap="YlGnBu", vmin=0.0, vmax=top, aspect="auto")
    ax.set_xticks(range(values.shape[1]), labels=list(m.columns), rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(values.shape[0]), labels=list(m.index), fontsize=8)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if np.isfinite(values[i, j]) and abs(values[i, j]) >= 0.05:
                ax.text(
                    j,
                    i,
                    f"{values[i, j]:.0f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if values[i, j] > top / 2 else "black",
                )
    fig.colorbar(im, ax=ax, label="minutes saved (mean, with less without)")
    how = f"sample of {len(result.combos):,}" if result.sample else f"all {len(result.combos):,} combinations"
    ax.set_title(
        f"{result.goal_name}: minutes each project saves\n(base {result.base_date.isoformat()}, {how}, "
        f"method {result.method})",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goal", default="wenzhou-521", help="a bundled goal or a goal .toml file")
    parser.add_argument("--network", default="yrd", help="a bundled network or a network folder")
    parser.add_argument("--projects", default="all-planned", help="comma-separated projects (see transit.sweep)")
    parser.add_argument("--year", type=int, help="base year (default: the data's date)")
    parser.add_argument("--sample", type=int, help="a seeded sample of N combinations")
    parser.add_argument("--out", default="out/what-it-takes", help="output folder")
    args = parser.parse_args(argv)
    try:
        net = transit.load_network(args.network)
        result = sweep(
            args.goal,
            net,
            [p.strip() for p in args.projects.split(",") if p.strip()],
            base=args.year,
            sample=args.sample,
            progress=sys.stderr.isatty(),
        )
    except (TransitError, ValueError, KeyError, FileNotFoundError, ConnectionError) as exc:
        print(f"what_it_takes: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{result.goal_id}-what-it-takes"
    write_text(out / f"{stem}.md", result.summary_markdown(), overwrite=True)
    fig = figure(result)
    with atomic_path(out / f"{stem}.png", overwrite=True) as tmp:
        fig.savefig(tmp, dpi=150, format="png")
    plt.close(fig)
    print(f"wrote {out / (stem + '.md')} and {out / (stem + '.png')}")
    tiers = result.smallest_sets()
    return 0 if tiers[tiers["level"] == "tier"]["n_projects"].notna().all() else 1


if __name__ == "__main__":
    sys.exit(main())
