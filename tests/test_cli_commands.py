"""The commands map, compare, access, matrix and --version, on the tiny network: exit codes, output, --out."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import transit
from transit.cli import _warmup, main

DATA = Path(__file__).parent / "data"
TINY = str(DATA / "tiny")
TINY_GOAL = str(DATA / "goals" / "tiny-circle.toml")
EVERYTHING = str(DATA / "goals" / "tiny-everything.toml")


def test_version_and_help(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"transit {transit.__version__}\n"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("map", "compare", "access", "matrix"):
        assert command in out


def test_help_loads_neither_pandas_nor_numba():
    import subprocess
    import sys

    code = (
        "import sys\nfrom transit.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'numba', 'matplotlib', 'geopandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


# ------------------------------------------------------------------------------------ access
def test_access_table_json_and_out(tmp_path, capsys):
    assert main(["access", "--network", TINY]) == 0
    out = capsys.readouterr().out
    assert "watt_minutes" in out and "alpha" in out and "populations in millions" in out
    assert main(["access", "--network", TINY, "--format", "json"]) == 0
    rows = {r["city_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["alpha"]["pop_within_2h"] == 3_000_000 and rows["delta"]["watt_minutes"] is None
    target = tmp_path / "access.csv"
    argv = ["access", "--network", TINY, "--within", "1,2", "--out", str(target)]
    assert main(argv) == 0
    frame = pd.read_csv(target)
    assert {"pop_within_1h", "pop_within_2h"} <= set(frame.columns) and "pop_within_3h" not in frame.columns
    assert main(argv) == 2 and "--force" in capsys.readouterr().err
    assert main(argv + ["--force"]) == 0


def test_access_writes_city_points(tmp_path):
    gpd = pytest.importorskip("geopandas")
    target = tmp_path / "access.geojson"
    assert main(["access", "--network", TINY, "--origins", "core", "--out", str(target)]) == 0
    back = gpd.read_file(target)
    assert sorted(back["city_id"]) == ["alpha", "beta", "gamma"] and set(back.geom_type) == {"Point"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["access", "--network", TINY, "--modes", "bus"], "--modes"),
        (["access", "--network", TINY, "--origins", "alpah"], "did you mean 'alpha'"),
        (["access", "--network", TINY, "--sort", "speed"], "not a column"),
        (["access", "--network", TINY, "--within", "2,1"], "--within"),
        (["access", "--network", TINY, "--out", "x.parquet"], ".csv, .xlsx, .json, .geojson, .gpkg"),
        (["matrix", "--network", TINY, "--origins", "gama"], "did you mean 'gamma'"),
        (["matrix", "--network", TINY, "--out", "x.txt"], "is not a format"),
        (["map", "杭州东站"], "it names the station hangzhou_east"),
        (["map", "alpha", "--network", TINY, "--bands", "soon"], "--bands"),
        (["map", "alpha", "--network", TINY, "--out", "x.bmp"], ".png, .pdf, .svg, .html"),
        (["compare", "2016", "2030", "--network", TINY, "--out", "x.png"], "--origin"),
        (["compare", "2016", "2030+no-such-scenario", "--network", TINY], "unknown scenario"),
        (["compare", "1800", "2030", "--network", TINY], "--year 1800"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# ------------------------------------------------------------------------------------ matrix
def test_matrix_table_and_json(capsys):
    assert main(["matrix", "--network", TINY]) == 0
    out = capsys.readouterr().out
    assert "to \\ from" in out and "贝塔" in out
    argv = [
        "matrix",
        "--network",
        TINY,
        "--origins",
        "alpha,阿尔法东站",
        "AAA",
        "--modes",
        "rail,air",
        "--format",
        "json",
    ]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["origins"] == ["alpha", "alpha_east", "alpha_airport"] and data["modes"] == ["rail", "air"]
    assert data["destinations"] == ["alpha", "beta", "delta", "epsilon", "gamma"]
    beta, epsilon = data["destinations"].index("beta"), data["destinations"].index("epsilon")
    assert data["minutes"][0][beta] == 20.0 and data["minutes"][0][epsilon] is None  # epsilon has no station
    assert main(["matrix", "--network", TINY, "--origins", "alpha", "--format", "csv"]) == 0
    header, row = capsys.readouterr().out.splitlines()[:2]
    assert header == "origin_id,alpha,beta,delta,epsilon,gamma"
    assert row.startswith("alpha,0.0,20.0,,,")  # rail only: no way to delta, and epsilon has no station


def test_matrix_out_files(tmp_path, capsys):
    target = tmp_path / "m.xlsx"
    assert main(["matrix", "--network", TINY, "--origins", "alpha", "beta", "--out", str(target)]) == 0
    back = pd.read_excel(target).set_index("origin_id")
    assert back.loc["alpha", "beta"] == 20.0 and pd.isna(back.loc["alpha", "delta"])
    csv = tmp_path / "m.csv"
    assert main(["matrix", "--network", TINY, "--level", "station", "--out", str(csv)]) == 0
    assert pd.read_csv(csv).set_index("origin_id").loc["alpha_east", "beta"] == 20.0
    assert main(["matrix", "--network", TINY, "--level", "station", "--out", str(csv)]) == 2
    assert "--force" in capsys.readouterr().err


def test_matrix_geopackage_has_a_column_per_origin(tmp_path):
    gpd = pytest.importorskip("geopandas")
    target = tmp_path / "m.gpkg"
    assert main(["matrix", "--network", TINY, "--origins", "alpha,gamma", "--out", str(target)]) == 0
    back = gpd.read_file(target).set_index("city_id")
    assert back.loc["beta", "from_alpha"] == 20.0 and back.loc["beta", "from_gamma"] == pytest.approx(36.0)
    assert pd.isna(back.loc["delta", "from_alpha"]) and back.crs.to_epsg() == 4326


# ------------------------------------------------------------------------------------ map
def test_map_summary(capsys):
    assert main(["map", "alpha", "--network", TINY, "--grid-km", "10"]) == 0
    out = capsys.readouterr().out
    assert "isochrones from Alpha" in out and "Beta" in out and "area km²" in out
    assert main(["map", "alpha", "--network", TINY, "--grid-km", "10", "--bands", "1,2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [b["minutes_to"] for b in data["bands"]] == [60.0, 120.0]
    reached = {c["city_id"] for b in data["bands"] for c in b["cities"]}
    assert "beta" in reached and "epsilon" not in reached  # epsilon has no station


def test_map_writes_band_polygons(tmp_path):
    gpd = pytest.importorskip("geopandas")
    target = tmp_path / "alpha.geojson"
    argv = ["map", "alpha", "--network", TINY, "--grid-km", "10", "--bands", "1,2,3", "--cumulative"]
    assert main(argv + ["--out", str(target)]) == 0
    back = gpd.read_file(target)
    assert list(back["minutes_to"]) == [60, 120, 180] and back.crs.to_epsg() == 4326
    assert list(back["area_km2"]) == sorted(back["area_km2"])


def test_map_writes_a_figure_and_an_html_page(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "alpha.png"
    assert main(["map", "alpha", "--network", TINY, "--grid-km", "10", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = tmp_path / "alpha.html"
    assert main(["map", "alpha", "--network", TINY, "--grid-km", "10", "--out", str(html)]) == 0
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


# ------------------------------------------------------------------------------------ compare
def test_compare_two_years_and_a_scenario(tmp_path, capsys):
    assert main(["compare", "2016", "2030", "--network", TINY]) == 0
    out = capsys.readouterr().out
    assert "A: 2016 (network 'tiny' on 2016-12-31)" in out and "watt_minutes_change" in out
    assert main(["compare", "base", EVERYTHING, "--network", TINY, "--year", "2021", "--format", "json"]) == 0
    rows = {r["city_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert {"watt_minutes_a", "watt_minutes_b", "watt_minutes_change", "potential_change_pct"} <= set(rows["alpha"])
    target = tmp_path / "change.csv"
    assert main(["compare", "2016", "2030+" + EVERYTHING, "--network", TINY, "--out", str(target)]) == 0
    assert set(pd.read_csv(target)["city_id"]) == {"alpha", "beta", "gamma", "delta", "epsilon"}


def test_compare_change_map(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "saved.png"
    assert main(["compare", "2016", "2030", "--network", TINY, "--origin", "alpha", "--out", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------ compile note
def test_compile_note_on_stderr_only_when_the_cache_is_cold(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(_warmup, "_noted", False)
    monkeypatch.setattr(_warmup, "_cache_dirs", lambda py_file: [tmp_path])
    assert _warmup.kernel_cache_is_cold()
    assert main(["matrix", "--network", TINY, "--origins", "alpha", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert _warmup.NOTE in captured.err and json.loads(captured.out)["origins"] == ["alpha"]
    assert main(["matrix", "--network", TINY, "--origins", "alpha", "--format", "json"]) == 0
    assert _warmup.NOTE not in capsys.readouterr().err  # once per process


def test_no_compile_note_before_a_bad_input_message(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(_warmup, "_noted", False)
    monkeypatch.setattr(_warmup, "_cache_dirs", lambda py_file: [tmp_path])  # cold
    assert main(["times", "alpha", "gama", "--network", TINY]) == 2
    assert capsys.readouterr().err.startswith("transit times: error: ")


def test_no_compile_note_when_the_cache_is_warm(tmp_path, monkeypatch, capsys):
    tag = _warmup.sys.version_info
    for package in ("routing", "timetable"):  # the kernels a routing command may compile
        source = Path(transit.__file__).parent / package / "_kernels.py"
        for name, line in _warmup._cached_functions(source.read_text(encoding="utf-8")):
            (tmp_path / f"_kernels.{name}-{line}.py{tag[0]}{tag[1]}{_warmup.sys.abiflags}.nbi").write_bytes(b"")
    monkeypatch.setattr(_warmup, "_noted", False)
    monkeypatch.setattr(_warmup, "_cache_dirs", lambda py_file: [tmp_path])
    assert not _warmup.kernel_cache_is_cold()
    assert not _warmup.note_first_compile("matrix")
    monkeypatch.setattr(_warmup, "_cache_dirs", lambda py_file: [tmp_path / "empty"])
    assert not _warmup.note_first_compile("scenario")  # does not route
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------------------------ goal table width
def test_goal_table_fits_the_terminal_and_the_file_stays_complete():
    report = transit.check_goal(transit.load_goal(TINY_GOAL), transit.load_network(TINY).as_of(2021))
    full = report.to_text()
    assert "door: same modes / with air" in full
    narrow = report.to_text(width=60)
    table_lines = [line for line in narrow.splitlines() if line.startswith("  ") and not line.startswith("  (")]
    assert table_lines and max(len(line) for line in table_lines) <= 60
    assert "left out to fit 60 columns" in narrow and "door: same modes / with air" in narrow.split("left out")[1]
    assert "| target | time | typical | met |" in report.to_markdown()
