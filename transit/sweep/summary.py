"""The result of a sweep: a long table, the smallest sets, the earliest years, marginal minutes, a report.

Definitions (also in ``docs/sweep.md``):

- a combination's *year* is the latest expected year of its projects, and at least the base year;
  None when one of its projects has no year on record;
- the *smallest sets* of a target (or tier) are the combinations with the fewest projects that meet
  it (every target of the tier, for a tier);
- its *earliest year* is the smallest year of a combination that meets it (combinations with a
  project without a year do not count);
- a project's *marginal minutes* for a target is the mean, over the combinations without it, of
  minutes without it less minutes with it (the pair differs only in that project), over the pairs
  where both times are finite. In a sample, over the pairs that are both in the sample, or, where
  none is, the difference of the mean finite minutes of the sampled combinations without and with it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from transit.goals.report import format_minutes

__all__ = ["SweepResult", "MATTERS_MINUTES"]

#: A project "matters" for a target when it saves more than this on average.
MATTERS_MINUTES = 0.05
#: Sets listed per target at most (the count says how many there are).
MAX_SETS_LISTED = 10


def _codes(values) -> np.ndarray:
    first = {v: i for i, v in enumerate(dict.fromkeys(values))}
    return np.array([first[v] for v in values], dtype=np.int64)


def _rounded(x: np.ndarray) -> list:
    """Minutes rounded to 0.01 as nested lists, None where not finite (JSON has no inf)."""
    out = np.round(x, 2).astype(object)
    out[~np.isfinite(x)] = None
    return out.tolist()


def _popcount(combos: np.ndarray) -> np.ndarray:
    c = combos.astype(np.uint64)
    n = np.zeros(len(c), dtype=np.int64)
    while np.any(c):
        n += (c & np.uint64(1)).astype(np.int64)
        c >>= np.uint64(1)
    return n


@dataclass
class SweepResult:
    """Minutes of every target of a goal for each combination of projects swept.

    Attributes
    ----------
    goal_id, goal_name : str
    base_date : date
        The date of the network the projects are applied to.
    method : str
        The routing method (``static``).
    evaluation : {"incremental", "naive"}
        How combinations were evaluated (see :mod:`transit.sweep.evaluate`), with ``evaluation_note``.
    projects : list of Project
        Bit ``j`` of a combination is ``projects[j]``.
    combos : ndarray of int64
        The combinations evaluated, ascending.
    minutes : ndarray, shape (n_combinations, n_targets)
    plan : GoalPlan
        Tier, target and limit of each column.
    sample : dict or None
        ``{"n": ..., "seed": ..., "of": 2**k}`` when a seeded sample was evaluated, else None.
    timings_s : dict
        Seconds spent in each stage.
    """

    goal_id: str
    goal_name: str
    base_date: date
    method: str
    evaluation: str
    projects: list
    combos: np.ndarray
    minutes: np.ndarray
    plan: object
    sample: dict | None = None
    evaluation_note: str = ""
    scheduler: str = ""
    timings_s: dict = field(default_factory=dict)
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        what = (
            f"a seeded sample of {len(self.combos)} of {self.sample['of']}"
            if self.sample
            else f"all {len(self.combos)}"
        )
        return (
            f"<SweepResult {self.goal_id} on {self.base_date.isoformat()}: {len(self.projects)} projects, "
            f"{what} combinations, method {self.method}, {self.evaluation}>"
        )

    # ------------------------------------------------------------------ basics
    @property
    def n_projects(self) -> np.ndarray:
        """Projects in each combination."""
        return _popcount(self.combos)

    @property
    def met(self) -> np.ndarray:
        """``minutes <= limit``, shape (n_combinations, n_targets)."""
        return self.minutes <= np.array(self.plan.tier_within)[None, :]

    def combination_label(self, combo: int) -> str:
        """Project ids joined by ``+``; ``(base)`` for none."""
        ids = [p.id for j, p in enumerate(self.projects) if (int(combo) >> j) & 1]
        return " + ".join(ids) if ids else "(base)"

    def _sets(self, combo: int) -> list[str]:
        return [p.id for j, p in enumerate(self.projects) if (int(combo) >> j) & 1]

    def combination_years(self) -> np.ndarray:
        """The year of each combination (float, NaN where a project has no year)."""
        base = float(self.base_date.year)
        years = np.full(len(self.combos), base)
        for j, p in enumerate(self.projects):
            on = ((self.combos >> j) & 1).astype(bool)
            years[on] = np.nan if p.expected_year is None else np.maximum(years[on], float(p.expected_year))
        return years

    @property
    def frame(self) -> pd.DataFrame:
        """One row per combination and target.

        Columns: combination (the bit set), projects (ids joined by ``+``), n_projects, year, tier,
        target, within_minutes, minutes, met.
        """
        if self._frame is None:
            n_c, n_t = self.minutes.shape
            labels = [self.combination_label(c) for c in self.combos]
            years = self.combination_years()
            self._frame = pd.DataFrame(
                {
                    "combination": np.repeat(self.combos, n_t),
                    "projects": pd.Categorical.from_codes(np.repeat(np.arange(n_c), n_t), categories=labels),
                    "n_projects": np.repeat(self.n_projects, n_t),
                    "year": pd.array(np.repeat(years, n_t), dtype="Int64") if n_c else pd.array([], dtype="Int64"),
                    "tier": pd.Categorical.from_codes(
                        np.tile(_codes(self.plan.tiers), n_c), categories=list(dict.fromkeys(self.plan.tiers))
                    ),
                    "target": pd.Categorical.from_codes(
                        np.tile(_codes(self.plan.targets), n_c), categories=list(dict.fromkeys(self.plan.targets))
                    ),
                    "within_minutes": np.tile(np.array(self.plan.tier_within), n_c),
                    "minutes": self.minutes.reshape(-1),
                    "met": self.met.reshape(-1),
                }
            )
        return self._frame

    def _columns(self):
        """(level, tier, target, met vector) for each target and each tier."""
        met = self.met
        out = []
        for t, (tier, target) in enumerate(zip(self.plan.tiers, self.plan.targets)):
            out.append(("target", tier, target, met[:, t]))
        for tier in dict.fromkeys(self.plan.tiers):
            cols = [t for t, x in enumerate(self.plan.tiers) if x == tier]
            out.append(("tier", tier, "(every target)", met[:, cols].all(axis=1)))
        return out

    # ------------------------------------------------------------------ answers
    def smallest_sets(self) -> pd.DataFrame:
        """For each target and tier, the smallest sets of projects that meet it.

        Columns: level (``target`` or ``tier``), tier, target, n_projects (None: never met), n_sets,
        sets (up to ten, each a tuple of project ids), met_by_base.
        """
        n = self.n_projects
        rows = []
        base_pos = np.nonzero(self.combos == 0)[0]
        for level, tier, target, met in self._columns():
            if met.any():
                k = int(n[met].min())
                hits = self.combos[met & (n == k)]
                sets = [tuple(self._sets(c)) for c in hits[:MAX_SETS_LISTED]]
                rows.append((level, tier, target, k, len(hits), sets))
            else:
                rows.append((level, tier, target, None, 0, []))
            rows[-1] += (bool(met[base_pos[0]]) if len(base_pos) else None,)
        frame = pd.DataFrame(rows, columns=["level", "tier", "target", "n_projects", "n_sets", "sets", "met_by_base"])
        frame["n_projects"] = frame["n_projects"].astype("Int64")
        return frame

    def earliest_year(self) -> pd.DataFrame:
        """For each target and tier, the earliest year a set of projects meeting it can all be open.

        Columns: level, tier, target, year (None: not met by a combination with every year known),
        projects (the smallest such set), unscheduled_only (met only with a project that has no year).
        """
        years = self.combination_years()
        n = self.n_projects
        rows = []
        for level, tier, target, met in self._columns():
            ok = met & ~np.isnan(years)
            if ok.any():
                y = years[ok].min()
                pick = np.nonzero(ok & (years == y))[0]
                best = pick[np.argmin(n[pick])]
                rows.append((level, tier, target, int(y), tuple(self._sets(self.combos[best])), False))
            else:
                rows.append((level, tier, target, None, (), bool(met.any())))
        frame = pd.DataFrame(rows, columns=["level", "tier", "target", "year", "projects", "unscheduled_only"])
        frame["year"] = frame["year"].astype("Int64")
        return frame

    def marginal_minutes(self) -> pd.DataFrame:
        """Minutes each project saves on each target (index project id, columns ``tier/target``).

        See the module notes for the definition; ``.attrs["pairs"]`` says whether paired differences
        (every combination with and without the project evaluated) were used for all projects.
        """
        cols = [f"{tier}/{target}" for tier, target in zip(self.plan.tiers, self.plan.targets)]
        out = np.full((len(self.projects), len(cols)), np.nan)
        combos = self.combos
        paired_all = True
        for j in range(len(self.projects)):
            bit = np.int64(1) << np.int64(j)
            without = np.nonzero((combos & bit) == 0)[0]
            partner_ids = combos[without] | bit
            pos = np.minimum(np.searchsorted(combos, partner_ids), len(combos) - 1)
            present = combos[pos] == partner_ids
            without, pos = without[present], pos[present]
            if len(without):
                a, b = self.minutes[without], self.minutes[pos]
                finite = np.isfinite(a) & np.isfinite(b)
                diff = np.where(finite, a - b, 0.0)
                cnt = finite.sum(axis=0)
                out[j] = np.where(cnt > 0, diff.sum(axis=0) / np.maximum(cnt, 1), np.nan)
            else:
                paired_all = False
                on = ((combos >> j) & 1).astype(bool)
                m = np.where(np.isfinite(self.minutes), self.minutes, np.nan)
                if on.any() and (~on).any():
                    with np.errstate(invalid="ignore"):
                        out[j] = np.nanmean(m[~on], axis=0) - np.nanmean(m[on], axis=0)
        frame = pd.DataFrame(out, index=pd.Index([p.id for p in self.projects], name="project"), columns=cols)
        frame.attrs["pairs"] = paired_all
        return frame

    def matters(self) -> tuple[list[str], list[str]]:
        """Project ids that save more than :data:`MATTERS_MINUTES` on some target, and those that do not."""
        m = self.marginal_minutes()
        saves = (m.fillna(0.0).abs() > MATTERS_MINUTES).any(axis=1)
        return list(m.index[saves]), list(m.index[~saves])

    # ------------------------------------------------------------------ renderings
    def to_dict(self, combinations: bool | None = None) -> dict:
        """JSON-ready: the sweep's inputs and answers, and every combination's minutes.

        Parameters
        ----------
        combinations : bool, optional
            Include ``combinations`` (ids, their projects' indices and minutes, one list per
            combination in target order); default when there are at most 65,536.
        """

        def num(x):
            return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else round(float(x), 2)

        marg = self.marginal_minutes()
        smallest = self.smallest_sets()
        earliest = self.earliest_year()
        out = {
            "goal": self.goal_id,
            "goal_name": self.goal_name,
            "base_date": self.base_date.isoformat(),
            "method": self.method,
            "evaluation": self.evaluation,
            "evaluation_note": self.evaluation_note,
            "scheduler": self.scheduler,
            "sample": self.sample,
            "n_combinations": int(len(self.combos)),
            "projects": [p.to_dict() for p in self.projects],
            "targets": [
                {"tier": t, "target": g, "within_minutes": w}
                for t, g, w in zip(self.plan.tiers, self.plan.targets, self.plan.tier_within)
            ],
            "smallest_sets": [
                {
                    **r,
                    "sets": [list(s) for s in r["sets"]],
                    "n_sets": int(r["n_sets"]),
                    "n_projects": None if pd.isna(r["n_projects"]) else int(r["n_projects"]),
                }
                for r in smallest.to_dict("records")
            ],
            "earliest_year": [
                {**r, "projects": list(r["projects"]), "year": None if pd.isna(r["year"]) else int(r["year"])}
                for r in earliest.to_dict("records")
            ],
            "marginal_minutes": {pid: {c: num(v) for c, v in row.items()} for pid, row in marg.iterrows()},
            "timings_s": {k: round(v, 3) for k, v in self.timings_s.items()},
        }
        if combinations is None:
            combinations = len(self.combos) <= 1 << 16
        if combinations:
            out["combinations"] = {"combination": self.combos.tolist(), "minutes": _rounded(self.minutes)}
        else:
            out["combinations"] = None
        return out

    def to_json(self, combinations: bool | None = None) -> str:
        """:meth:`to_dict` as compact JSON text (one line)."""
        return json.dumps(self.to_dict(combinations), ensure_ascii=False, separators=(",", ":"))

    def summary_markdown(self) -> str:
        """A short markdown report a planner can paste: projects, answers per tier and target, marginals."""
        k = len(self.projects)
        how = (
            f"a seeded sample of {len(self.combos):,} of the {self.sample['of']:,} combinations "
            f"(seed {self.sample['seed']}; smallest sets and years are among those sampled)"
            if self.sample
            else f"all {len(self.combos):,} combinations"
        )
        lines = [
            f"# What it takes: {self.goal_name}",
            "",
            f"Base network on {self.base_date.isoformat()}; {k} candidate projects; {how}. "
            f"Method `{self.method}` (station measure as the goal states), evaluation {self.evaluation}"
            + (f" ({self.evaluation_note})" if self.evaluation_note else "")
            + ".",
            "",
            "| # | project | expected year |",
            "|---:|---|---:|",
        ]
        for j, p in enumerate(self.projects):
            lines.append(f"| {j + 1} | `{p.id}`: {p.label} | {p.expected_year or 'none on record'} |")
        smallest = self.smallest_sets().set_index(["level", "tier", "target"])
        earliest = self.earliest_year().set_index(["level", "tier", "target"])
        base_pos = np.nonzero(self.combos == 0)[0]
        lines += [
            "",
            "| tier | target | base | best | fewest projects that meet it | earliest year |",
            "|---|---|---:|---:|---|---:|",
        ]
        for level, tier, target, met in self._columns():
            s = smallest.loc[(level, tier, target)]
            e = earliest.loc[(level, tier, target)]
            if level == "target":
                t = list(zip(self.plan.tiers, self.plan.targets)).index((tier, target))
                base = format_minutes(self.minutes[base_pos[0], t]) if len(base_pos) else "-"
                best = format_minutes(float(np.min(self.minutes[:, t])))
            else:
                base = ("met" if met[base_pos[0]] else "missed") if len(base_pos) else "-"
                best = "met" if met.any() else "missed"
            if pd.isna(s["n_projects"]):
                fewest = "not met by any combination"
            elif int(s["n_projects"]) == 0:
                fewest = "met already"
            else:
                shown = "; ".join(" + ".join(x) for x in s["sets"][:3])
                more = f" (and {s['n_sets'] - 3} more)" if s["n_sets"] > 3 else ""
                fewest = f"{int(s['n_projects'])}: {shown}{more}"
            year = (
                str(int(e["year"]))
                if not pd.isna(e["year"])
                else ("needs a project without a year" if e["unscheduled_only"] else "-")
            )
            name = f"**{tier} (every target)**" if level == "tier" else target
            lines.append(f"| {tier} | {name} | {base} | {best} | {fewest} | {year} |")
        matter, idle = self.matters()
        marg = self.marginal_minutes()
        lines += [
            "",
            "Minutes saved on average by each project that matters (with less without, over "
            + (
                "every pair of combinations that differ by it"
                if marg.attrs.get("pairs")
                else "the sampled combinations"
            )
            + "):",
            "",
        ]
        if matter:
            cols = [c for c in marg.columns if (marg.loc[matter, c].fillna(0).abs() > MATTERS_MINUTES).any()]
            lines += ["| project | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
            for pid in matter:
                lines.append(
                    f"| `{pid}` | "
                    + " | ".join("-" if pd.isna(marg.at[pid, c]) else f"{marg.at[pid, c]:.1f}" for c in cols)
                    + " |"
                )
        else:
            lines.append("No project changes any target's time.")
        lines += ["", "Projects that change no target's time: " + (", ".join(f"`{p}`" for p in idle) or "none") + "."]
        return "\n".join(lines) + "\n"
