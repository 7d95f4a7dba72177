"""Property suites on a fixed budget (the ``fixed`` hypothesis profile of tests/conftest.py: derandomized,
no deadline, 40 examples a test): the same examples on every run and every machine.

- The static all-pairs core (:func:`transit.routing.paths.shortest_minutes`, over the numba kernels)
  against :func:`scipy.sparse.csgraph.dijkstra` on random directed graphs with zero-minute edges,
  unusable (inf) edges, disconnected parts and parallel edges, with either queue, and its predecessors
  against the minutes they add up to.
- The loader on random valid tables (rows and columns shuffled: the same network) and damaged ones (a
  cell, a row, the bytes of a file): never a crash, always a NetworkDataError or a valid network.
- Scenarios: applying one gives a new network and leaves the original equal to a fresh load; the empty
  scenario gives equal tables.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import event, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import csgraph_from_dense, dijkstra

import transit
from transit.data.schema import TABLES
from transit.errors import NetworkDataError, ScenarioError
from transit.routing.paths import path_from_predecessors, shortest_minutes
from transit.scenarios import Modification, Scenario

FIXED = settings(settings.get_profile("fixed"))
TINY = Path(__file__).parent / "data" / "tiny"
BASE = transit.load_network(TINY)

# --------------------------------------------------------------------------- the all-pairs core


@st.composite
def graphs(draw, max_nodes: int = 24):
    """A directed graph as edge lists: minutes from 0 (often), small integers, fractions and inf."""
    n = draw(st.integers(1, max_nodes))
    weight = st.one_of(
        st.just(0.0),
        st.integers(0, 90).map(float),
        st.floats(0.0, 500.0, allow_nan=False),
        st.just(np.inf),
    )
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), weight)
    edges = draw(st.lists(edge, max_size=4 * n))
    if edges and draw(st.booleans()):  # parallel edges: the same pair again, slower or quicker
        u, v, w = draw(st.sampled_from(edges))
        edges += [(u, v, w + draw(st.sampled_from([-1.0, 0.0, 5.0]))) if w >= 1 else (u, v, w)]
    return n, edges


def csr(n: int, edges: list[tuple[int, int, float]]):
    order = sorted(range(len(edges)), key=lambda k: edges[k][0])
    rows = np.array([edges[k][0] for k in order], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int64)
    indices = np.array([edges[k][1] for k in order], dtype=np.int32)
    minutes = np.array([edges[k][2] for k in order], dtype=np.float64)
    return indptr, indices, minutes


def scipy_minutes(n: int, edges: list[tuple[int, int, float]]) -> np.ndarray:
    dense = np.full((n, n), np.inf)
    for u, v, w in edges:  # the quickest of parallel edges; a zero stays an edge
        dense[u, v] = min(dense[u, v], w)
    return dijkstra(csgraph_from_dense(dense, null_value=np.inf), directed=True)


def check_against_scipy(n, edges, queue, origins=None):
    indptr, indices, minutes = csr(n, edges)
    want = scipy_minutes(n, edges)
    rows = list(range(n)) if origins is None else origins
    dist, pred = shortest_minutes(indptr, indices, minutes, origins, predecessors=True, queue=queue)
    np.testing.assert_allclose(dist, want[rows], rtol=1e-12, atol=1e-9)
    quickest = {}
    for u, v, w in edges:
        quickest[(u, v)] = min(quickest.get((u, v), np.inf), w)
    for i, o in enumerate(rows):  # each predecessor path adds up to the minutes reported
        for t in range(n):
            path = path_from_predecessors(pred[i], o, t)
            if not np.isfinite(dist[i, t]):
                assert path == [] and pred[i, t] == -1
                continue
            assert path[0] == o and path[-1] == t
            assert np.isclose(sum(quickest[(a, b)] for a, b in zip(path, path[1:])), dist[i, t], atol=1e-9)


@FIXED
@given(graphs(), st.sampled_from(["auto", "buckets", "heap"]))
def test_all_pairs_core_matches_scipy_dijkstra(graph, queue):
    n, edges = graph
    check_against_scipy(n, edges, queue)


@FIXED
@given(graphs(), st.data())
def test_some_origins_repeated_and_in_any_order(graph, data):
    n, edges = graph
    origins = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6))
    check_against_scipy(n, edges, "auto", origins)


@settings(FIXED, max_examples=5)
@given(st.integers(260, 320), st.data())
def test_large_graphs_renumbered_for_locality_still_match_scipy(n, data):
    # from 256 nodes the core renumbers the graph; a random sparse graph of several parts
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m = 3 * n
    edges = list(zip(rng.integers(0, n, m).tolist(), rng.integers(0, n // 2, m).tolist(), rng.integers(0, 60, m) * 1.0))
    indptr, indices, minutes = csr(n, edges)
    np.testing.assert_allclose(shortest_minutes(indptr, indices, minutes), scipy_minutes(n, edges), atol=1e-9)


# --------------------------------------------------------------------------- the loader

FILES = sorted(p.name for p in TINY.glob("*.csv"))


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def sorted_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    key = list(TABLES[name].key) or list(frame.columns)
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


@FIXED
@given(st.data())
def test_shuffled_rows_and_columns_load_the_same_network(data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tiny"
        shutil.copytree(TINY, folder)
        for name in FILES:
            header, *body = read_csv(folder / name)
            cols = data.draw(st.permutations(range(len(header))))
            body = data.draw(st.permutations(body))
            write_csv(folder / name, [[row[c] for c in cols] for row in [header, *body]])
        net = transit.load_network(folder)
    for name, frame in BASE.tables.items():
        assert sorted_frame(name, net.tables[name]).equals(sorted_frame(name, frame)), name


CELL_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "-1", "1e309", "0", "2020-02-30", "2020-1-1", "a;b", "A", "l1"]),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

DAMAGE = st.one_of(
    st.tuples(st.just("cell"), st.sampled_from(FILES), st.integers(0, 40), st.integers(0, 12), CELL_TEXT),
    st.tuples(st.just("drop-row"), st.sampled_from(FILES), st.integers(0, 40)),
    st.tuples(st.just("copy-row"), st.sampled_from(FILES), st.integers(0, 40)),
    st.tuples(st.just("truncate"), st.sampled_from([*FILES, "network.toml"]), st.floats(0.0, 1.0)),
    st.tuples(st.just("bytes"), st.sampled_from([*FILES, "network.toml"]), st.binary(max_size=64)),
)


def damage(folder: Path, how: tuple) -> None:
    kind, name = how[0], how[1]
    path = folder / name
    if kind in ("truncate", "bytes"):
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * how[2])] if kind == "truncate" else how[2])
        return
    rows = read_csv(path)
    r = how[2] % len(rows)  # row 0 is the header: damaging it is part of the game
    if kind == "cell":
        rows[r][how[3] % len(rows[r])] = how[4]
    elif kind == "drop-row":
        del rows[r]
    else:
        rows.insert(r, list(rows[r]))
    write_csv(path, rows)


@FIXED
@given(st.lists(DAMAGE, min_size=1, max_size=3))
def test_damaged_tables_give_a_network_data_error_or_a_valid_network(damages):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tiny"
        shutil.copytree(TINY, folder)
        for how in damages:
            damage(folder, how)
        try:
            net = transit.load_network(folder)
        except NetworkDataError as exc:
            event("refused")
            assert exc.problems and str(exc).startswith(f"{len(exc.problems)} problem(s) in network data")
            for p in exc.problems:
                assert p.message and (p.row is None or p.row >= 1)
                assert all(part in FILES or part == "network.toml" for part in p.file.split(", "))
            return
    event("loaded")  # what loads is a whole network: every table in schema order, ready for as_of
    assert set(net.tables) == set(TABLES)
    for name, table in TABLES.items():
        assert list(net.tables[name].columns[: len(table.columns)]) == [c.name for c in table.columns]
    later = net.as_of(2031)
    assert later.date.isoformat() == "2031-12-31" and len(later.sections) <= len(net.tables["sections"])


# --------------------------------------------------------------------------- scenarios

LINES = ["l1", "l2", "l3", "l9"]
AIRPORTS = ["alpha_airport", "delta_airport", "gamma_airport"]
WHY = {"hypothesis": "property test"}
MODIFICATIONS = st.one_of(
    st.builds(lambda line, kmh: ("set_design_speed", {"line": line, "design_kmh": kmh}), st.sampled_from(LINES),
              st.integers(30, 450)),
    st.builds(lambda line, year: ("set_opening", {"line": line, "year": year}), st.sampled_from(LINES),
              st.integers(2000, 2040)),
    st.builds(lambda line: ("close_section", {"line": line}), st.sampled_from(LINES)),
    st.builds(lambda year: ("open_all", {"year": year}), st.integers(2000, 2040)),
    st.builds(lambda a, b, m, f: ("add_flight", {"from": a, "to": b, "block_minutes": m, "daily_frequency": f}),
              st.sampled_from(AIRPORTS), st.sampled_from(AIRPORTS), st.integers(10, 1200), st.integers(0, 50)),
    st.builds(lambda a, b: ("cut_flight", {"from": a, "to": b}), st.sampled_from(AIRPORTS), st.sampled_from(AIRPORTS)),
    st.builds(lambda key, v: ("set_parameter", {"table": "parameters", "key": key, "value": v}),
              st.sampled_from(["rail_change_minutes", "airport_departure_minutes", "no_such_key"]),
              st.floats(0, 120)),
    st.builds(lambda: ("remove_line", {"line": "l3"})),
)  # fmt: skip


def scenario(mods: list[tuple[str, dict]]) -> Scenario:
    return Scenario(
        id="random",
        name="random",
        modifications=tuple(Modification(t, {"type": t, **v, **WHY}, i, None) for i, (t, v) in enumerate(mods)),
    )


def assert_same_network(a: transit.Network, b: transit.Network) -> None:
    assert a.meta == b.meta and a.date == b.date
    for name, frame in b.tables.items():
        assert a.tables[name].equals(frame), name


@FIXED
@given(st.lists(MODIFICATIONS, min_size=1, max_size=4), st.sampled_from([None, 2016, 2031]))
def test_applying_a_scenario_returns_a_new_network_and_leaves_the_original(mods, year):
    base = BASE if year is None else BASE.as_of(year)
    try:
        after = scenario(mods).apply(base)
    except ScenarioError as exc:
        event("refused")
        assert exc.problems and all(p.message for p in exc.problems)  # type: ignore[attr-defined]
    else:
        event("applied")
        assert after is not base and after.scenarios == (*base.scenarios, "random") and after.date == base.date
    assert_same_network(base, transit.load_network(TINY) if year is None else transit.load_network(TINY).as_of(year))


@FIXED
@given(st.sampled_from([None, 2012, 2016, 2031]))
def test_the_empty_scenario_gives_equal_tables(year):
    base = BASE if year is None else BASE.as_of(year)
    after = scenario([]).apply(base)
    assert after is not base
    assert_same_network(after, base)
    for name in ("stations", "lines", "sections", "flights"):  # and the same in service on the date
        assert getattr(after, name).equals(getattr(base, name))
