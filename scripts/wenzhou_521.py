"""Wenzhou's 521 high-speed-rail circle in 2016, 2020, today, 2030 and with every planned line.

Writes ``wenzhou-521.md`` (a markdown report: each target's time at each checkpoint against its tier's
limit, and what holds the misses back at the latest checkpoint) and ``wenzhou-521.png`` (each target's
time by checkpoint against its tier's limit) into ``--out``.

Usage::

    python scripts/wenzhou_521.py --out out/521
    python scripts/wenzhou_521.py --network path/to/network --out out/521 --strict

Exit status: 0, or 1 with ``--strict`` when the goal is not met at the latest checkpoint (every planned
line in service), 2 on bad input.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import transit
from transit.errors import TransitError
from transit.goals import check_goal, format_minutes, load_goal
from transit.scenarios import load_scenario

GOAL = "wenzhou-521"
PLANNED_SCENARIO = "all-planned"


@dataclass(frozen=True)
class Checkpoint:
    """One column of the report: a label, a date (year or None for the data date) and scenarios."""

    label: str
    when: int | None
    scenarios: tuple[str, ...] = ()


def checkpoints(planned_year: int) -> list[Checkpoint]:
    return [
        Checkpoint("2016", 2016),
        Checkpoint("2020", 2020),
        Checkpoint("today", None),
        Checkpoint("2030", 2030),
        Checkpoint(f"all planned ({planned_year})", planned_year, (PLANNED_SCENARIO,)),
    ]


def run(network: str, goal: str, planned_year: int, method: str = "timetable"):
    """Check the goal at every checkpoint with ``method``; return [(checkpoint, report)]."""
    base = transit.load_network(network)
    goal_obj = load_goal(goal)
    out = []
    for cp in checkpoints(planned_year):
        net = base if cp.when is None else base.as_of(cp.when)
        for name in cp.scenarios:
            net = load_scenario(name).apply(net)
        out.append((cp, check_goal(goal_obj, net, method=method)))
    return out


def markdown(results) -> str:
    """The report: one table per tier (targets x checkpoints), then the misses at the latest checkpoint."""
    first = results[0][1]
    g = first.goal
    lines = [
        f"# {g.name} ({g.name_zh})",
        "",
        f"Network `{first.network_name}`; rail, station to station (best station named after each city). "
        f"Source: {g.source.get('document', '')}.",
        "",
    ]
    header = "| target | limit | " + " | ".join(f"{cp.label}<br>{rep.as_of.isoformat()}" for cp, rep in results) + " |"
    for k, tier in enumerate(first.tiers):
        zh = f" ({tier.name_zh})" if tier.name_zh else ""
        lines += [f"## {tier.name}{zh}: within {tier.within_minutes:g} min", ""]
        lines += [header, "|---|---:|" + "---:|" * len(results)]
        for j, t in enumerate(tier.targets):
            cells = []
            for _cp, rep in results:
                r = rep.tiers[k].targets[j]
                cell = ("" if r.met else "**") + format_minutes(r.minutes) + ("" if r.met else "** ✗")
                if r.typical_minutes is not None:
                    cell += f"<br>typical {format_minutes(r.typical_minutes)}"
                cells.append(cell)
            lines.append(f"| {_label(t)} | {format_minutes(tier.within_minutes)} | " + " | ".join(cells) + " |")
        met = ["met" if rep.tiers[k].met else "not met" for _cp, rep in results]
        lines.append("| **tier** | | " + " | ".join(met) + " |")
        lines.append("")
    cp, last = results[-1]
    lines += [f"## At the latest checkpoint ({cp.label}): {'met' if last.met else 'not met'}", ""]
    for tier in last.tiers:
        for t in tier.targets:
            route = (t.route or {}).get("summary", "no route")
            mm = t.multimodal or {}
            air = (
                f"; rail+air door to door {format_minutes(mm.get('minutes'))}"
                + (" (flying is faster)" if mm.get("air_wins") else "")
                if mm
                else ""
            )
            status = "met" if t.met else "missed"
            lines.append(f"- {tier.name}, {t.name}: {format_minutes(t.minutes)}, {status}; {route}{air}.")
            if not t.met and t.bottleneck:
                lines.append(f"  - Holding it back: {t.bottleneck.get('summary', '')}.")
    lines += [
        "",
        "See docs/goals.md for the measure, the bottleneck definition and the interpretation of each tier.",
        "",
        first.method_text(),
        "",
        first.accuracy_note,
    ]
    return "\n".join(lines) + "\n"


def _label(t, chinese: bool = True) -> str:
    """A target's name, with its quantifier when it has several pairs (``all of 5``)."""
    text = f"{t.name} {t.name_zh}".strip() if chinese else t.name
    if len(t.pairs) > 1:
        q = f"share {t.share:g}" if t.quantifier == "share" else t.quantifier
        text += f" ({q} of {len(t.pairs)})"
    return text


def figure(results, path: Path, *, overwrite: bool = False) -> None:
    """Each target's time by checkpoint against its tier's limit, one panel per tier."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    first = results[0][1]
    labels = [cp.label for cp, _rep in results]
    x = list(range(len(results)))
    n = len(first.tiers)
    fig, axes = plt.subplots(1, n, figsize=(5.4 * n, 6.4), squeeze=False)
    colors = plt.get_cmap("tab10")
    for k, (ax, tier) in enumerate(zip(axes[0], first.tiers)):
        limit = tier.within_minutes
        finite = [
            rep.tiers[k].targets[j].minutes
            for _cp, rep in results
            for j in range(len(tier.targets))
            if math.isfinite(rep.tiers[k].targets[j].minutes)
        ]
        top = max(finite + [limit]) * 1.12
        ax.axhspan(0, limit, color="#2a9d8f", alpha=0.08, zorder=0)
        ax.axhline(limit, color="#2a9d8f", lw=1.6, ls="--", zorder=1)
        m = len(tier.targets)
        any_missing = False
        for j, t in enumerate(tier.targets):
            dx = (j - (m - 1) / 2) * 0.07  # a small offset, so that equal times stay visible
            xs = [xi + dx for xi in x]
            ys, met = [], []
            for _cp, rep in results:
                r = rep.tiers[k].targets[j]
                ys.append(r.minutes if math.isfinite(r.minutes) else math.nan)
                met.append(r.met)
            c = colors(j % 10)
            # English names only: the plotting machines may have no CJK font
            ax.plot(xs, ys, color=c, lw=1.8, zorder=2, label=_label(t, chinese=False))
            for xi, yi, ok in zip(xs, ys, met):
                if math.isnan(yi):
                    any_missing = True
                    ax.plot(xi, top, marker="x", color=c, ms=8, mew=2, zorder=3, clip_on=False)
                else:
                    ax.plot(xi, yi, marker="o", ms=7, color=c, mfc=c if ok else "white", mew=1.8, zorder=3)
        ax.set_ylim(0, top)
        ax.set_xlim(-0.35, x[-1] + 0.35)
        ax.set_xticks(x)
        ax.set_xticklabels(labels, rotation=20, ha="right", fontsize=9)
        ax.yaxis.set_major_locator(MultipleLocator(15 if top <= 100 else 30 if top <= 240 else 60))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(v) // 60}:{int(v) % 60:02d}"))
        ax.set_title(f"{tier.name} tier (limit {limit:g} min, dashed)", fontsize=11)
        ax.set_ylabel("fastest rail time, station to station (h:mm)" if k == 0 else "")
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        handles, _names = ax.get_legend_handles_labels()
        handles += [
            Line2D([], [], marker="o", ls="", color="grey", mfc="grey", label="met"),
            Line2D([], [], marker="o", ls="", color="grey", mfc="white", mew=1.8, label="missed"),
        ]
        if any_missing:
            handles.append(Line2D([], [], marker="x", ls="", color="grey", mew=2, label="no rail route (top edge)"))
        ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(0.0, -0.2), ncol=1, frameon=False)
    g = first.goal
    origin = g.origin if isinstance(g.origin, str) else ", ".join(g.origin)
    fig.suptitle(
        f"{g.name}: fastest rail time from {origin.title()} to each target, "
        f"by checkpoint (filled: within the tier's limit)",
        fontsize=12,
    )
    fig.tight_layout()
    with transit.atomic_path(path, overwrite=overwrite, hint="pass --force") as tmp:
        fig.savefig(tmp, dpi=130, format="png", bbox_inches="tight")
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--network", default="yrd", help="bundled network name or folder (default: yrd)")
    parser.add_argument("--out", default="out/wenzhou-521", help="output folder (default: out/wenzhou-521)")
    parser.add_argument("--goal", default=GOAL, help="goal name or file (default: wenzhou-521)")
    parser.add_argument(
        "--planned-year", type=int, default=2035, help="the year of the 'every planned line' checkpoint (default: 2035)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the goal is not met at the latest checkpoint"
    )
    parser.add_argument("--force", action="store_true", help="replace existing output files")
    parser.add_argument(
        "--method",
        choices=("timetable", "static"),
        default="timetable",
        help="timetable (default): the service model's trains; static: the fast per-line approximation",
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    md_path, png_path = out / "wenzhou-521.md", out / "wenzhou-521.png"
    try:
        existing = [p for p in (md_path, png_path) if p.exists()]
        if existing and not args.force:
            raise FileExistsError(f"{', '.join(map(str, existing))} exist; pass --force to replace them")
        results = run(args.network, args.goal, args.planned_year, args.method)
        out.mkdir(parents=True, exist_ok=True)
        text = markdown(results)
        transit.write_text(md_path, text, overwrite=args.force, hint="pass --force")
        figure(results, png_path, overwrite=args.force)
    except (TransitError, FileNotFoundError, FileExistsError, ValueError) as exc:
        print(f"wenzhou_521: error: {exc}", file=sys.stderr)
        return 2
    latest_cp, latest = results[-1]
    print(f"wrote {md_path} and {png_path}")
    for cp, rep in results:
        print(
            f"  {cp.label:>22} ({rep.as_of}): "
            + ", ".join(f"{t.name} {'met' if t.met else 'missed'}" for t in rep.tiers)
        )
    if args.strict and not latest.met:
        print(f"the goal is not met at the latest checkpoint ({latest_cp.label})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
