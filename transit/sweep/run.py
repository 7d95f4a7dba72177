"""Run a sweep on Dask: the local scheduler by default, any Dask cluster by address or client.

The model (the union graph and the goal's tables, :class:`~transit.sweep.evaluate.SweepModel`) is
built once in the calling process and shared with the workers once: a single ``dask.delayed`` of it
locally, ``client.scatter(..., broadcast=True)`` on a cluster. Tasks are chunks of combinations in
ascending order; results are put back in that order, so every scheduler gives the same frame, row
for row.
"""

from __future__ import annotations

import time
from datetime import date

import numpy as np

import transit
from transit.errors import MissingExtraError, NotIncrementalError, SchedulerUnreachableError, SweepError

try:
    import dask
    from dask.diagnostics import ProgressBar
    from distributed import Client
    from distributed import progress as dist_progress
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("sweep", "sweeps", exc.name or "dask") from exc
from transit.modes import Method, normalise_method
from transit.sweep import evaluate as ev
from transit.sweep.projects import candidate_projects
from transit.sweep.summary import SweepResult

__all__ = ["sweep", "combinations", "LOCAL_SCHEDULERS", "MAX_FULL_PROJECTS", "DEFAULT_CHUNK"]

#: Schedulers run in this process, by name.
LOCAL_SCHEDULERS = ("threads", "synchronous", "processes")
#: Every combination is evaluated up to this many projects (2**20 combinations); beyond, pass sample=.
MAX_FULL_PROJECTS = 20
#: How long to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = "5s"
#: Combinations per task for the incremental evaluation (a task then takes about 0.1 s).
DEFAULT_CHUNK = 2048


def combinations(k: int, sample: int | None = None, seed: int = 0) -> np.ndarray:
    """The combinations of ``k`` projects to evaluate, ascending (bit ``j`` = project ``j``).

    Every one of the ``2**k`` when ``sample`` is None or at least ``2**k``; otherwise ``sample``
    distinct ones: the base (0), the combination of every project, then combinations drawn with
    ``numpy.random.default_rng(seed)``, each followed by its ``k`` neighbours that differ in one
    project (so that marginal minutes are paired differences), until there are ``sample``.

    Examples
    --------
    >>> combinations(2).tolist()
    [0, 1, 2, 3]
    >>> len(combinations(30, sample=100, seed=1))
    100
    """
    total = 1 << k
    if sample is not None:
        if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)) or sample < 2:
            raise SweepError(f"sample must be a whole number of combinations, at least 2, got {sample!r}")
    if sample is None or sample >= total:
        if k > MAX_FULL_PROJECTS:
            raise SweepError(
                f"{k} projects make {total:,} combinations, more than a full sweep takes "
                f"(2**{MAX_FULL_PROJECTS}); pass sample=N for a seeded sample of N"
            )
        return np.arange(total, dtype=np.int64)
    # random combinations, each with its k one-project neighbours, so that marginal minutes are
    # paired differences; the base and the combination of every project are always in
    rng = np.random.default_rng(seed)
    chosen: dict[int, None] = {}
    every = total - 1
    starts = [0, every]
    while len(chosen) < sample:
        if not starts:
            starts = [int(x) for x in rng.integers(0, total, size=16, dtype=np.int64)]
        c = starts.pop(0)
        for x in [c] + [c ^ (1 << j) for j in range(k)]:
            chosen.setdefault(x)
            if len(chosen) == sample:
                break
    return np.array(sorted(chosen), dtype=np.int64)


def _naive_chunk(model: ev.NaiveModel, combos: np.ndarray) -> np.ndarray:
    return ev.naive_minutes(model, combos)


def sweep(
    goal,
    network,
    projects="all-planned",
    *,
    base=None,
    sample: int | None = None,
    seed: int = 0,
    scheduler: str | None = None,
    client=None,
    method: str = "static",
    progress: bool = False,
    chunk_size: int | None = None,
    incremental: bool = True,
) -> SweepResult:
    """Evaluate a goal for every combination of candidate projects (or a seeded sample of them).

    Parameters
    ----------
    goal : Goal, str or Path
        A goal or a bundled goal's name (``"wenzhou-521"``).
    network : Network
        The network; ``base`` picks its date.
    projects : "all-planned", "all" or sequence
        See :func:`transit.sweep.candidate_projects`: line ids, project ids, bundled scenarios, inline
        modifications (dicts), :class:`~transit.sweep.Project` objects.
    base : date, str or int, optional
        The date the projects are added to (a year means 31 December); default the network's date.
    sample : int, optional
        Evaluate this many combinations, drawn with ``seed`` (the base and all projects always in).
    seed : int
    scheduler : str, optional
        ``"threads"`` (default), ``"synchronous"`` or ``"processes"`` on this machine, or the
        address of a Dask scheduler (``"tcp://10.0.0.5:8786"``).
    client : distributed.Client, optional
        A client of a running cluster (wins over ``scheduler``).
    method : str
        The routing method; only ``"static"`` is supported.
    progress : bool
        Show a progress bar (dask's locally, distributed's on a cluster).
    chunk_size : int, optional
        Combinations per task (default 2048 incremental, 4 naive).
    incremental : bool
        False evaluates every combination by a full scenario apply and :func:`transit.check_goal`
        (the reference the incremental evaluation is checked against).

    Returns
    -------
    SweepResult

    Raises
    ------
    ValueError
        An unknown method, or one incremental sweeps do not support yet.
    SweepError
        An unknown project, a modification that does not apply, too many combinations.
    SchedulerUnreachableError
        No Dask scheduler answers at the address.

    Notes
    -----
    The model is built from a few networks (one per state of the projects touching each line, see
    :mod:`transit.sweep.evaluate`); each combination then costs one shortest-path search per origin
    place of the goal on the union graph: O(2**k * (n + m) log n).
    """
    t0 = time.perf_counter()
    m = normalise_method(method)
    if m != Method.STATIC:
        raise ValueError(
            f"method {str(m)!r} is not supported by sweeps: they rank combinations with the static method "
            "(the timetable method writes and routes a day of trains per combination, about 1 s each); use "
            "method='static', then check the combinations you keep with check_goal or transit goal --scenario"
        )
    own_client = None
    if client is None and scheduler is not None and str(scheduler) not in LOCAL_SCHEDULERS:
        own_client = _connect(str(scheduler))  # before any work: an unreachable address fails at once
    try:
        return _sweep(
            goal,
            network,
            projects,
            base,
            sample,
            seed,
            scheduler,
            client or own_client,
            m,
            progress,
            chunk_size,
            incremental,
            t0,
        )
    finally:
        if own_client is not None:
            own_client.close()


def _sweep(
    goal, network, projects, base, sample, seed, scheduler, client, m, progress, chunk_size, incremental, t0
) -> SweepResult:
    if not isinstance(goal, transit.Goal):
        goal = transit.load_goal(goal)
    base_net = network if base is None else network.as_of(base)
    projects = candidate_projects(base_net, projects)
    combos = combinations(len(projects), sample, seed)
    timings = {"projects_s": time.perf_counter() - t0}

    t = time.perf_counter()
    plan = ev.goal_plan(goal, base_net)
    timings["base_check_s"] = time.perf_counter() - t
    t = time.perf_counter()
    note = ""
    model = None
    if incremental:
        try:
            model = ev.build_model(goal, base_net, projects, plan)
        except NotIncrementalError as exc:
            note = f"naive loop: {exc}"
    else:
        note = "naive loop, as asked"
    if model is None:
        model = ev.NaiveModel(goal, base_net, tuple(projects), plan)
        func, chunk = _naive_chunk, chunk_size or 4
    else:
        func, chunk = ev.evaluate_chunk, chunk_size or DEFAULT_CHUNK
        note = (
            f"union graph of {model.n_nodes} nodes and {model.n_edges} edges from "
            f"{model.stats['covering_combinations']} networks"
        )
    timings["model_s"] = time.perf_counter() - t

    t = time.perf_counter()
    chunks = [combos[i : i + chunk] for i in range(0, len(combos), chunk)]
    parts, where = _run(func, model, chunks, scheduler, client, progress)
    minutes = np.concatenate(parts, axis=0) if parts else np.zeros((0, plan.n_targets))
    timings["evaluate_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0

    if isinstance(model, ev.SweepModel) and len(combos) and combos[0] == 0:
        base_row = np.array(plan.base_minutes)
        if not np.array_equal(minutes[0], base_row):
            bad = [
                f"{plan.tiers[i]}/{plan.targets[i]}: {minutes[0, i]!r} against check_goal's {base_row[i]!r}"
                for i in range(plan.n_targets)
                if minutes[0, i] != base_row[i]
            ]
            raise RuntimeError(
                "incremental sweep does not reproduce check_goal on the base network "
                f"(a bug; pass incremental=False meanwhile): {'; '.join(bad)}"
            )
    name = goal.name
    return SweepResult(
        goal_id=goal.id,
        goal_name=name,
        base_date=base_net.date if isinstance(base_net.date, date) else base_net.date,
        method=str(m),
        evaluation="incremental" if isinstance(model, ev.SweepModel) else "naive",
        projects=list(projects),
        combos=combos,
        minutes=minutes,
        plan=plan,
        sample=(
            {"n": int(len(combos)), "seed": int(seed), "of": 1 << len(projects)}
            if sample is not None and len(combos) < (1 << len(projects))
            else None
        ),
        evaluation_note=note,
        scheduler=where,
        timings_s=timings,
    )


def _run(func, model, chunks, scheduler, client, progress) -> tuple[list[np.ndarray], str]:
    """Evaluate ``func(model, chunk)`` for every chunk, in order, on the chosen scheduler."""
    if client is not None:
        return _run_distributed(func, model, chunks, client, progress), f"dask cluster at {client.scheduler.address}"
    name = scheduler or "threads"
    if name not in LOCAL_SCHEDULERS:  # pragma: no cover - sweep() connects first
        raise SchedulerUnreachableError(f"no client for scheduler {name!r}")
    shared = dask.delayed(model, pure=True, traverse=False)
    tasks = [dask.delayed(func, pure=True)(shared, c) for c in chunks]
    if progress:
        with ProgressBar():
            parts = dask.compute(*tasks, scheduler=name)
    else:
        parts = dask.compute(*tasks, scheduler=name)
    return list(parts), f"dask local ({name})"


def _connect(address: str):
    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachableError(
            f"cannot reach a Dask scheduler at {address!r} ({type(exc).__name__}: {exc}); start one "
            "(dask scheduler, dask worker ADDRESS) or leave scheduler out to run on this machine"
        ) from None
    except ValueError as exc:
        raise SchedulerUnreachableError(
            f"{address!r} is not a Dask scheduler address ({exc}); give "
            "tcp://HOST:PORT, or one of " + ", ".join(LOCAL_SCHEDULERS)
        ) from None


def _run_distributed(func, model, chunks, client, progress) -> list[np.ndarray]:
    shared = client.scatter(model, broadcast=True, hash=False)
    futures = [client.submit(func, shared, c, pure=False) for c in chunks]
    if progress:
        dist_progress(futures)
    parts = client.gather(futures)
    client.cancel([shared])
    return list(parts)
