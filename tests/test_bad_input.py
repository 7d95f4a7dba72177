"""The bad-input catalogue: every user-facing file and argument, every class of mistake.

Each case damages a copy of the tiny network (tests/data/tiny), a goal file or a scenario file in
``tmp_path``, or passes a bad argument to the command line, and asserts what a user relies on: the
message names the file, the line, the column (or TOML key) and the bad value, and says how to fix it;
the command line exits 2 with that message, no traceback, and writes nothing. Byte-order marks and CRLF
line ends are accepted (the files load equal to the originals); GBK is refused with a message saying to
save the file as UTF-8.

Every case carries ``@pytest.mark.catalogue(CLASS)``; ``tests/conftest.py`` counts them by class in the
pytest summary and ``docs/reliability.md`` lists the classes. To add a case, append a ``Case`` to the
list of its file kind (see docs/reliability.md).
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

import transit
import transit._files
from transit.cli import main
from transit.errors import GoalError, NetworkDataError, Problem, ScenarioError
from transit.goals import check_goal, load_goal
from transit.scenarios import load_scenario

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny"
GOAL = DATA / "goals" / "tiny-circle.toml"
SCENARIO = DATA / "goals" / "tiny-everything.toml"
OPERATING_HEADER = "line_id,from_station_id,to_station_id,operating_kmh,valid_from,source\n"
NOTE = "could not be read whole"  # the note that references into an unreadable table wait for it


# --------------------------------------------------------------------------- how a folder or file is damaged

Damage = Callable[[Path], None]


def sub(file: str, old: str, new: str) -> Damage:
    """Replace the first ``old`` in ``file`` with ``new`` (the fixture must hold ``old``)."""

    def damage(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return damage


def append(file: str, row: str) -> Damage:
    def damage(folder: Path) -> None:
        with open(folder / file, "a", encoding="utf-8", newline="") as f:
            f.write(row + "\n")

    return damage


def write(file: str, text: str) -> Damage:
    def damage(folder: Path) -> None:
        (folder / file).write_text(text, encoding="utf-8")

    return damage


def remove(file: str) -> Damage:
    def damage(folder: Path) -> None:
        (folder / file).unlink()

    return damage


def gbk(file: str, old: str | None = None, new: str | None = None) -> Damage:
    """Save ``file`` as GBK (after an optional edit that puts Chinese text in it)."""

    def damage(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        if old is not None:
            assert old in text
            text = text.replace(old, new or "", 1)
        data = text.encode("gbk")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # the case tests a file that really is not UTF-8
        path.write_bytes(data)

    return damage


def bom(*files: str) -> Damage:
    def damage(folder: Path) -> None:
        for f in files:
            (folder / f).write_bytes(b"\xef\xbb\xbf" + (folder / f).read_bytes())

    return damage


def crlf(*files: str) -> Damage:
    def damage(folder: Path) -> None:
        for f in files:
            data = (folder / f).read_bytes()
            assert b"\r\n" not in data
            (folder / f).write_bytes(data.replace(b"\n", b"\r\n"))

    return damage


def both(*damages: Damage) -> Damage:
    def damage(folder: Path) -> None:
        for d in damages:
            d(folder)

    return damage


@dataclass(frozen=True)
class Case:
    """One catalogue case: what is damaged and the problem the user must be told about.

    ``row``, ``column`` and ``value`` are what the problem must name (None: the mistake is a whole file,
    or a missing key, and the message must not invent one); ``fix`` is the part of the message that says
    how to fix it; ``n`` how many problems the damage makes in all (no cascade of follow-on problems).
    """

    name: str
    cls: str
    damage: Damage
    file: str
    row: int | None
    column: str | None
    value: str | None
    fix: str
    n: int = 1
    note: bool = False  # the table cannot be read whole: a second problem says references wait for it


def params(cases: list[Case]) -> list:
    return [pytest.param(c, id=f"{c.cls}-{c.name}", marks=pytest.mark.catalogue(c.cls)) for c in cases]


ALL_CSV = sorted(p.name for p in TINY.glob("*.csv"))

# --------------------------------------------------------------------------- network folders

NETWORK_CASES = [
    # missing file
    Case("cities", "missing-file", remove("cities.csv"), "cities.csv", None, None, None, "every network needs it", note=True),
    Case("sections", "missing-file", remove("sections.csv"), "sections.csv", None, None, None, "every network needs", note=True),
    Case("network-toml", "missing-file", remove("network.toml"), "network.toml", None, None, None, "name and as_of"),
    # empty file
    Case("lines", "empty-file", write("lines.csv", ""), "lines.csv", None, None, None, "header row: line_id,name", note=True),
    Case("transfers", "empty-file", write("transfers.csv", ""), "transfers.csv", None, None, None, "from_station_id,"),
    Case("network-toml", "empty-file", write("network.toml", ""), "network.toml", None, "network.name", None,
         "add `name = ...` under [network]", 2),
    # wrong header
    Case("cities-latitude", "wrong-header", sub("cities.csv", "province,lat,lon", "province,latitude,lon"),
         "cities.csv", 1, "lat", None, "the header has 'latitude' instead: rename it", note=True),
    Case("stations-city", "wrong-header", sub("stations.csv", "name_zh,city_id,kind", "name_zh,city,kind"),
         "stations.csv", 1, "city_id", None, "the header has 'city' instead: rename it", note=True),
    Case("flights-block", "wrong-header", sub("flights.csv", "block_minutes", "block_min"), "flights.csv", 1,
         "block_minutes", None, "'block_min' instead: rename it"),
    Case("operating-speeds", "wrong-header",
         write("operating_speeds.csv", OPERATING_HEADER.replace("operating_kmh", "operating_speed")),
         "operating_speeds.csv", 1, "operating_kmh", None, "'operating_speed' instead: rename it"),
    # wrong type
    Case("line-stations-chainage", "wrong-type", sub("line_stations.csv", "l1,2,beta,100,", "l1,2,beta,10O,"),
         "line_stations.csv", 3, "chainage_km", "10O", "write a plain decimal number such as 12.5"),
    Case("stations-kind", "wrong-type", sub("stations.csv", "beta,Beta,贝塔,beta,rail", "beta,Beta,贝塔,beta,train"),
         "stations.csv", 5, "kind", "train", "must be one of rail, airport"),
    Case("lines-category", "wrong-type", sub("lines.csv", "伽马北联络线,hsr", "伽马北联络线,maglev"), "lines.csv", 4,
         "category", "maglev", "must be one of hsr, intercity, conventional"),
    Case("groups-members", "wrong-type", sub("groups.csv", "alpha;beta;gamma", "Alpha;beta;gamma"), "groups.csv", 2,
         "members", "Alpha;beta;gamma", "separate ids with ';'"),
    Case("cities-population", "wrong-type", sub("cities.csv", "120.0,5000000,", "120.0,5 million,"), "cities.csv", 2,
         "population", "5 million", "write a plain decimal number such as 12"),
    Case("transfers-minutes", "wrong-type", sub("transfers.csv", "alpha_east,20,", "alpha_east,twenty,"),
         "transfers.csv", 2, "minutes", "twenty", "plain decimal number"),
    Case("access-empty-cell", "wrong-type", sub("access.csv", "beta,beta,8,taxi", "beta,beta,,taxi"), "access.csv", 5,
         "minutes", "", "needs a value in every row"),
    Case("network-toml-parameter", "wrong-type",
         sub("network.toml", "rail_change_minutes = 10.0", 'rail_change_minutes = "ten"'), "network.toml", 19,
         "parameters.rail_change_minutes", "'ten'", "e.g. rail_change_minutes = 10.0"),
    Case("network-toml-syntax", "wrong-type", sub("network.toml", 'name = "tiny"', "name = tiny"), "network.toml", 2,
         None, None, "see https://toml.io for the syntax"),
    # out of range
    Case("sections-design-kmh", "out-of-range", sub("sections.csv", "alpha_east,beta,300,", "alpha_east,beta,600,"),
         "sections.csv", 2, "design_kmh", "600", "give a value from 30 to 450"),
    Case("flights-block-minutes", "out-of-range", sub("flights.csv", "delta_airport,60,", "delta_airport,5,"),
         "flights.csv", 2, "block_minutes", "5", "give a value from 10 to 1200"),
    Case("cities-population-year", "out-of-range", sub("cities.csv", "1000000,2020,", "1000000,1800,"), "cities.csv",
         4, "population_year", "1800", "give a value from 1950 to 2100"),
    Case("access-minutes", "out-of-range", sub("access.csv", "beta,beta,8,", "beta,beta,700,"), "access.csv", 5,
         "minutes", "700", "give a value from 0 to 600"),
    Case("published-minutes", "out-of-range", sub("published_times.csv", "gamma,50,", "gamma,0.5,"),
         "published_times.csv", 2, "minutes", "0.5", "give a value from 1 to 3000"),
    Case("network-toml-negative", "out-of-range",
         sub("network.toml", "rail_change_minutes = 10.0", "rail_change_minutes = -10.0"), "network.toml", 19,
         "parameters.rail_change_minutes", "-10.0", "must not be negative"),
    # unknown reference
    Case("stations-city", "unknown-reference", sub("stations.csv", "Gamma North,伽马北,gamma,", "Gamma North,伽马北,gama,"),
         "stations.csv", 7, "city_id", "gama", "did you mean 'gamma'?"),
    Case("access-station", "unknown-reference", sub("access.csv", "beta,beta,8", "beta,zzz,8"), "access.csv", 5,
         "station_id", "zzz", "correct it, or add a row with this id to that file"),
    Case("groups-member", "unknown-reference", sub("groups.csv", "alpha;beta;gamma", "alpha;bta;gamma"), "groups.csv",
         2, "members", "bta", "did you mean 'beta'?"),
    Case("flights-airport", "unknown-reference", sub("flights.csv", "alpha_airport,delta_airport", "alpha_airport,delta_airprt"),
         "flights.csv", 2, "to_station_id", "delta_airprt", "did you mean 'delta_airport'?"),
    Case("published-station", "unknown-reference", sub("published_times.csv", "alpha_east,gamma,", "alpha_east,gama,"),
         "published_times.csv", 2, "to_station_id", "gama", "did you mean 'gamma'?"),
    Case("operating-line", "unknown-reference",
         write("operating_speeds.csv", OPERATING_HEADER + "l9,alpha_east,beta,200,2016-01-01,made up\n"),
         "operating_speeds.csv", 2, "line_id", "l9", "correct it, or add a row with this id"),
    Case("transfers-city", "unknown-reference", sub("transfers.csv", "alpha_central,alpha_east,20", "alpha_central,beta,20"),
         "transfers.csv", 2, "to_station_id", "beta", "transfers join stations of one city"),
    Case("timetable-changes-date", "dates", write("timetable_changes.csv", "date,source\n2021-1-20,made up\n"),
         "timetable_changes.csv", 2, "date", "2021-1-20", "write it as YYYY-MM-DD"),
    # duplicate id
    Case("timetable-changes", "duplicate-id",
         write("timetable_changes.csv", "date,source\n2021-01-20,made up\n2021-01-20,again\n"),
         "timetable_changes.csv", 3, "date", "2021-01-20", "delete one of the two rows"),
    Case("stations", "duplicate-id", append("stations.csv", "beta,Beta Two,贝塔二,beta,rail,30.0,121.0,,,made up"),
         "stations.csv", 9, "station_id", "beta", "delete one of the two rows or give this one another id"),
    Case("cities", "duplicate-id", append("cities.csv", "epsilon,Eps,艾,Testland,31.0,118.0,1,2020,x,x"),
         "cities.csv", 7, "city_id", "epsilon", "delete one of the two rows"),
    Case("lines", "duplicate-id", append("lines.csv", "l3,Gamma Link Two,伽马二,hsr,made up"), "lines.csv", 5,
         "line_id", "l3", "give this one another id"),
    Case("groups", "duplicate-id", append("groups.csv", "islands,Isles,岛,delta,made up"), "groups.csv", 4,
         "group_id", "islands", "delete one of the two rows"),
    Case("published-times", "duplicate-id", append("published_times.csv", "alpha_east,gamma,48,G2,2020-01-01,x"),
         "published_times.csv", 3, "from_station_id,to_station_id,valid_from", "alpha_east/gamma/2020-01-01",
         "must appear once"),
    # encoding (GBK refused; BOM and CRLF are accepted: see NETWORK_ACCEPTED)
    Case("cities-gbk", "encoding", gbk("cities.csv"), "cities.csv", 2, "name_zh", "阿尔法", "save it as UTF-8 CSV", note=True),
    Case("lines-gbk", "encoding", gbk("lines.csv"), "lines.csv", 2, "name_zh", "阿伽高铁", "save it as UTF-8 CSV", note=True),
    Case("access-gbk", "encoding", gbk("access.csv", "metro,made up", "metro,杭州"), "access.csv", 2, "source", "杭州",
         "looks like GBK"),
    Case("network-toml-gbk", "encoding", gbk("network.toml", 'title = "A', 'title = "测试 A'), "network.toml", 3,
         None, 'title = "测试 A hand-computable test network"', "save it as UTF-8"),
    # dates
    Case("sections-not-a-day", "dates", sub("sections.csv", "2015-06-01", "2015-06-31"), "sections.csv", 3, "opened",
         "2015-06-31", "write it as YYYY-MM-DD"),
    Case("sections-words", "dates", sub("sections.csv", "2015-06-01", "June 2015"), "sections.csv", 3, "opened",
         "June 2015", "write it as YYYY-MM-DD (ISO 8601)"),
    Case("stations-opened", "dates", sub("stations.csv", "120.01,,,", "120.01,,01/10/2010,"), "stations.csv", 2,
         "opened", "01/10/2010", "YYYY-MM-DD"),
    Case("published-month-13", "dates", sub("published_times.csv", "2020-01-01", "2020-13-01"), "published_times.csv",
         2, "valid_from", "2020-13-01", "write it as YYYY-MM-DD"),
    Case("flights-reversed", "dates", sub("flights.csv", "estimate,,,", "estimate,2020-01-01,2019-01-01,"),
         "flights.csv", 2, "valid_to", "2019-01-01", "the dates look reversed: swap them"),
    Case("network-toml-as-of", "dates", sub("network.toml", 'as_of = "2026-11-01"', 'as_of = "last year"'),
         "network.toml", 4, "network.as_of", "last year", "write as_of = 2026-11-01"),
    # coordinates swapped
    Case("cities", "swapped-coordinates", sub("cities.csv", "Testland,30.0,121.0", "Testland,121.0,30.0"),
         "cities.csv", 3, "lat", "121.0", "lat and lon look swapped: lat is north-south, so write lat 30.0, lon 121.0"),
    Case("stations", "swapped-coordinates", sub("stations.csv", "rail,30.0,122.5,", "rail,122.5,30.0,"),
         "stations.csv", 6, "lat", "122.5", "lat and lon look swapped"),
]  # fmt: skip

#: Encodings and line ends that must be accepted: the folder loads equal to the original.
NETWORK_ACCEPTED = [
    ("bom-every-csv", bom(*ALL_CSV)),
    ("crlf-every-file", crlf(*ALL_CSV, "network.toml")),
    ("bom-and-crlf-network-toml", both(bom("network.toml"), crlf("network.toml"))),
]


def the_problem(problems: list[Problem], case: Case) -> Problem:
    """The one problem of ``problems`` that the case is about (file, row, column)."""
    found = [
        p
        for p in problems
        if p.file == case.file and p.row == case.row and p.column == case.column and NOTE not in p.message
    ]
    assert len(found) == 1, f"expected one problem at {case.file}/{case.row}/{case.column}, got {problems}"
    return found[0]


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def damaged(tmp_path):
    """A fresh copy of the tiny network folder to damage."""
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    return dest


@pytest.mark.parametrize("case", params(NETWORK_CASES))
def test_network_mistake_is_reported_with_its_place_and_fix(damaged, case):
    case.damage(damaged)
    with pytest.raises(NetworkDataError) as info:
        transit.load_network(damaged)
    problems = info.value.problems
    p = the_problem(problems, case)
    assert p.value == case.value
    assert case.fix in p.message
    # the one line the user reads: file, line, column, value, then what is wrong and the fix
    line = p.describe()
    assert line.startswith(case.file)
    assert (f", line {case.row}" in line) == (case.row is not None)
    assert (f"column '{case.column}'" in line) == (case.column is not None)
    assert (f"value {case.value!r}" in line) == (case.value is not None)
    assert line in str(info.value)
    notes = [q for q in problems if NOTE in q.message]
    assert len(problems) - len(notes) == case.n, problems
    assert len(notes) == case.note  # an unreadable table: one more problem says the references wait for it
    if case.note:
        assert notes[0].file == case.file and "fix the problems above and load again" in notes[0].message
    # the command line says the same, exits 2, and shows no traceback
    code, out, err = run_cli(["times", "alpha", "beta", "--network", str(damaged)])
    assert code == 2 and out == ""
    assert err.startswith("transit times: error: ") and line in err and "Traceback" not in err


@pytest.mark.parametrize(
    "damage",
    [pytest.param(d, id=f"encoding-{name}", marks=pytest.mark.catalogue("encoding")) for name, d in NETWORK_ACCEPTED],
)
def test_bom_and_crlf_are_accepted(damaged, tiny, damage):
    before = {p.name: p.read_bytes() for p in damaged.iterdir()}
    damage(damaged)
    assert {p.name: p.read_bytes() for p in damaged.iterdir()} != before  # the files really changed
    net = transit.load_network(damaged)
    assert net.meta == tiny.meta
    for name, frame in tiny.tables.items():
        assert net.tables[name].equals(frame), name


def test_several_problems_in_one_folder_are_all_reported_at_once(damaged):
    sub("line_stations.csv", "l1,2,beta,100,", "l1,2,beta,10O,")(damaged)
    sub("sections.csv", "2015-06-01", "2015-13-01")(damaged)
    sub("cities.csv", "Testland,30.0,121.0", "Testland,121.0,30.0")(damaged)
    gbk("groups.csv")(damaged)
    sub("network.toml", "rail_change_minutes = 10.0", "rail_change_minutes = -1.0")(damaged)
    with pytest.raises(NetworkDataError) as info:
        transit.load_network(damaged)
    got = {(p.file, p.row, p.column) for p in info.value.problems}
    assert got == {
        ("line_stations.csv", 3, "chainage_km"),
        ("sections.csv", 3, "opened"),
        ("cities.csv", 3, "lat"),
        ("groups.csv", 2, "name_zh"),
        ("network.toml", 19, "parameters.rail_change_minutes"),
    }
    assert str(info.value).startswith("5 problem(s) in network data at ")


# --------------------------------------------------------------------------- goal files


def goal_text() -> str:
    return GOAL.read_text(encoding="utf-8")


@dataclass(frozen=True)
class FileCase:
    """A case on a goal or scenario file: the text (or bytes) written, and the problem expected."""

    name: str
    cls: str
    make: Callable[[str], str | bytes | None]  # the original text -> the damaged content (None: no file)
    row: int | None
    key: str | None
    value: str | None
    fix: str
    n: int = 1
    on_network: bool = False  # the problem shows when the file is checked against the tiny network


def edit(old: str, new: str) -> Callable[[str], str]:
    def make(text: str) -> str:
        assert old in text, f"fixture text {old!r} not in the file"
        return text.replace(old, new, 1)

    return make


def as_gbk(old: str, new: str) -> Callable[[str], bytes]:
    def make(text: str) -> bytes:
        data = edit(old, new)(text).encode("gbk")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        return data

    return make


GOAL_CASES = [
    FileCase("no-such-file", "missing-file", lambda _t: None, None, None, None, "not found; give a path to a .toml"),
    FileCase("empty", "empty-file", lambda _t: "", None, "goal", None, "needs a [goal] table with at least name"),
    FileCase("syntax", "wrong-type", edit("within_minutes = 30", "within_minutes = 30 min"), 14, None, None,
             "see https://toml.io for the syntax"),
    FileCase("within-text", "wrong-type", edit("within_minutes = 30", 'within_minutes = "soon"'), 14,
             "within_minutes", "soon", "must be a positive number (e.g. within_minutes = 120)"),
    FileCase("modes", "wrong-type", edit('modes = ["rail"]', 'modes = ["bus"]'), 6, "modes", "['bus']",
             "must be a list of modes from 'rail', 'air'"),
    FileCase("misspelt-key", "wrong-header", edit("within_minutes = 30", "withn_minutes = 30"), 14, "withn_minutes",
             None, "did you mean 'within_minutes'?", 2),
    FileCase("within-negative", "out-of-range", edit("within_minutes = 30", "within_minutes = -30"), 14,
             "within_minutes", "-30", "must be a positive number"),
    FileCase("share", "out-of-range", edit("share = 0.5", "share = 1.5"), 46, "share", "1.5",
             "needs share = a number in (0, 1]"),
    FileCase("target-year", "out-of-range", edit('measure = "station"', 'measure = "station"\ntarget_year = 1900'), 8,
             "target_year", "1900", "must be a year from 1950 to 2100"),
    FileCase("place", "unknown-reference", edit('place = "beta"', 'place = "betta"'), 17, "place", "betta",
             "did you mean 'beta'", on_network=True),
    FileCase("group", "unknown-reference", edit('group = "core"            # any', 'group = "kore"            # any'), 39, "group",
             "kore", "did you mean 'core'?", on_network=True),
    FileCase("origin-used-by-every-target", "unknown-reference", edit('origin = "alpha"', 'origin = "alpah"'), 5,
             "origin", "alpah", "did you mean 'alpha'", on_network=True),
    FileCase("tier-id", "duplicate-id", edit('id = "1h"', 'id = "30min"'), 20, "id", "30min",
             "(the tier at line 12 has it too); rename one"),
    FileCase("gbk", "encoding", as_gbk('name_zh = "小圈"', 'name_zh = "温州"'), 4, None, 'name_zh = "温州"',
             "save it as UTF-8"),
    FileCase("target-year-text", "dates", edit('measure = "station"', 'measure = "station"\ntarget_year = "2025"'), 8,
             "target_year", "2025", "a number without quotes"),
]  # fmt: skip


def write_case(tmp_path: Path, case: FileCase, original: str) -> Path:
    path = tmp_path / f"{case.name}.toml"
    content = case.make(original)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    return path


def check_file_problem(exc: Exception, path: Path, case: FileCase) -> None:
    problems = exc.problems  # type: ignore[attr-defined]
    assert len(problems) == case.n, problems
    (p,) = [p for p in problems if p.row == case.row and p.column == case.key]
    assert p.file.endswith(path.name) and p.value == case.value and case.fix in str(exc)
    line = p.describe("key")
    assert (f", line {case.row}" in line) == (case.row is not None)
    assert (f"key '{case.key}'" in line) == (case.key is not None)
    assert (f"value {case.value!r}" in line) == (case.value is not None)
    if case.cls == "missing-file":  # one sentence: which file, and what to give instead
        assert f"file {str(path)!r} not found" in str(exc)
    else:
        assert case.fix in p.message and line in str(exc)


@pytest.mark.parametrize("case", params(GOAL_CASES))
def test_goal_file_mistake_is_reported_with_its_line_and_fix(tmp_path, tiny, case):
    path = write_case(tmp_path, case, goal_text())
    with pytest.raises(GoalError) as info:
        goal = load_goal(path)
        assert case.on_network, "the file loaded, but the case expects a problem in it"
        check_goal(goal, tiny)
    check_file_problem(info.value, path, case)
    code, out, err = run_cli(["goal", str(path), "--network", str(TINY), "--format", "json"])
    assert code == 2 and out == "" and "Traceback" not in err
    assert path.name in err and case.fix in err


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode(), id="encoding-bom", marks=pytest.mark.catalogue("encoding")),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode(), id="encoding-crlf", marks=pytest.mark.catalogue("encoding")),
    ],
)  # fmt: skip
def test_goal_file_with_bom_or_crlf_loads_like_the_original(tmp_path, make):
    path = tmp_path / "tiny-circle.toml"
    path.write_bytes(make(goal_text()))
    assert path.read_bytes() != GOAL.read_bytes()
    got, want = load_goal(path), load_goal(GOAL)
    assert got.tiers == want.tiers and got.origin == want.origin and got.source == want.source


def test_several_problems_in_a_goal_file_are_reported_at_once(tmp_path):
    text = edit("within_minutes = 30", 'within_minutes = "soon"')(goal_text())
    text = edit("share = 0.5", "share = 2")(text)
    text = edit('id = "1h"', 'id = "30min"')(text)
    path = tmp_path / "three.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GoalError) as info:
        load_goal(path)
    assert {(p.row, p.column) for p in info.value.problems} == {(14, "within_minutes"), (46, "share"), (20, "id")}
    assert str(info.value).startswith(f"3 problem(s) in goal file {path}")


# --------------------------------------------------------------------------- scenario files


def scenario_text() -> str:
    return SCENARIO.read_text(encoding="utf-8")


SCENARIO_CASES = [
    FileCase("no-such-file", "missing-file", lambda _t: None, None, None, None, "not found; give a path to a .toml"),
    FileCase("empty", "empty-file", lambda _t: "", None, "name", None, "needs a [scenario] table with name", 2),
    FileCase("syntax-date", "dates", edit("date = 2020-06-01", "date = 2020-06-31"), 38, None, None,
             "see https://toml.io for the syntax"),
    FileCase("date-in-words", "dates", edit("date = 2020-06-01", 'date = "June 2020"'), 38, "date", "June 2020",
             "must be a TOML date without quotes, e.g. 2030-06-30"),
    FileCase("flight-dates-reversed", "dates",
             edit("daily_frequency = 2", "daily_frequency = 2\nvalid_from = 2020-01-01\nvalid_to = 2019-01-01"), 48,
             "valid_to", "2019-01-01", "the dates look reversed: swap them", on_network=True),
    FileCase("design-kmh-text", "wrong-type", edit("design_kmh = 240", 'design_kmh = "fast"'), 32, "design_kmh", "fast",
             "must be a number from 30 to 450"),
    FileCase("misspelt-type", "wrong-header", edit('type = "add_flight"', 'type = "add_flite"'), 42, "type",
             "add_flite", "did you mean 'add_flight'?"),
    FileCase("misspelt-key", "wrong-header", edit("block_minutes = 50", "block_mins = 50"), 45, "block_mins", None,
             "did you mean 'block_minutes'?", 2),
    FileCase("year", "out-of-range", edit("date = 2020-01-01", "year = 1900"), 24, "year", "1900",
             "must be a year from 1950 to 2100"),
    FileCase("block-minutes", "out-of-range", edit("block_minutes = 50", "block_minutes = 5"), 45, "block_minutes",
             "5", "must be a number from 10 to 1200"),
    FileCase("no-source", "empty-file", edit('hypothesis = "test: a faster flight"', ""), 41, "source", None,
             "every modification needs source = 'document' or hypothesis"),
    FileCase("line", "unknown-reference", edit('line = "l3"', 'line = "l9"'), 37, "line", "l9",
             "known: l1, l2, l3, l4", on_network=True),
    FileCase("station", "unknown-reference", edit('from = "alpha_central"', 'from = "alpha_centrl"'), 30, "from",
             "alpha_centrl", "did you mean 'alpha_central'", on_network=True),
    FileCase("station", "duplicate-id", edit('station = "epsilon"', 'station = "gamma"'), 7, "station", "gamma",
             "a station with this id exists already; pick a new id", 2, on_network=True),
    FileCase("line", "duplicate-id", edit('line = "l4"', 'line = "l1"'), 17, "line", "l1",
             "clashes with an existing line of that id; use extend_line, set_opening, or a new id", on_network=True),
    FileCase("lat-lon", "swapped-coordinates", edit("lat = 31.0\nlon = 118.0", "lat = 118.0\nlon = 31.0"), 11, "lat",
             "118.0", "lat and lon look swapped"),
    FileCase("gbk", "encoding", as_gbk("Epsilon", "Epsilon"), 9, None, 'name_zh = "艾普西隆"', "save it as UTF-8"),
]  # fmt: skip


@pytest.mark.parametrize("case", params(SCENARIO_CASES))
def test_scenario_file_mistake_is_reported_with_its_line_and_fix(tmp_path, tiny, case):
    path = write_case(tmp_path, case, scenario_text())
    with pytest.raises(ScenarioError) as info:
        scenario = load_scenario(path)
        assert case.on_network, "the file loaded, but the case expects a problem in it"
        scenario.apply(tiny)
    check_file_problem(info.value, path, case)
    code, out, err = run_cli(["scenario", str(path), "--network", str(TINY)])
    assert code == 2 and "Traceback" not in err
    assert path.name in err and case.fix in err and "applies to network" not in out


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode(), id="encoding-bom", marks=pytest.mark.catalogue("encoding")),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode(), id="encoding-crlf", marks=pytest.mark.catalogue("encoding")),
    ],
)  # fmt: skip
def test_scenario_file_with_bom_or_crlf_loads_like_the_original(tmp_path, tiny, make):
    path = tmp_path / "tiny-everything.toml"
    path.write_bytes(make(scenario_text()))
    got, want = load_scenario(path), load_scenario(SCENARIO)
    assert [(m.type, m.values) for m in got.modifications] == [(m.type, m.values) for m in want.modifications]
    assert got.apply(tiny).tables["sections"].equals(want.apply(tiny).tables["sections"])


def test_several_problems_in_a_scenario_file_are_reported_at_once(tmp_path):
    text = edit("design_kmh = 240", 'design_kmh = "fast"')(scenario_text())
    text = edit('type = "add_flight"', 'type = "add_flite"')(text)
    text = edit("lat = 31.0\nlon = 118.0", "lat = 118.0\nlon = 31.0")(text)
    path = tmp_path / "three.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert {(p.row, p.column) for p in info.value.problems} == {(32, "design_kmh"), (42, "type"), (11, "lat")}
    assert str(info.value).startswith(f"3 problem(s) in scenario file {path}")


# --------------------------------------------------------------------------- command-line arguments


@dataclass(frozen=True)
class CliCase:
    name: str
    cls: str
    argv: Callable[[Path], list[str]]  # tmp_path -> the arguments
    says: tuple[str, ...]  # what stderr must say: the option and value, and the fix


NET = ["--network", str(TINY)]
CLI_CASES = [
    CliCase("goal-year-1900", "out-of-range", lambda t: ["goal", str(GOAL), *NET, "--year", "1900"],
            ("--year 1900 is outside the years network 'tiny' can stand at, 2000 to 2076", "give a year in that range")),
    CliCase("times-year-2100", "out-of-range", lambda t: ["times", "alpha", "beta", *NET, "--year", "2100"],
            ("--year 2100 is outside", "give a year in that range")),
    CliCase("scenario-year-2100", "out-of-range", lambda t: ["scenario", str(SCENARIO), *NET, "--year", "2100"],
            ("--year 2100 is outside", "give a year in that range")),
    CliCase("goal-date-1900", "out-of-range", lambda t: ["goal", str(GOAL), *NET, "--date", "1900-06-01"],
            ("--date 1900-06-01 is outside", "give a year in that range")),
    CliCase("goal-date-not-a-day", "dates", lambda t: ["goal", str(GOAL), *NET, "--date", "2021-02-30"],
            ("--date '2021-02-30' is not a date", "write it as YYYY-MM-DD")),
    CliCase("times-date-words", "dates", lambda t: ["times", "alpha", "beta", *NET, "--date", "yesterday"],
            ("--date 'yesterday' is not a date", "write it as YYYY-MM-DD")),
    CliCase("times-place-in-no-network", "unknown-reference", lambda t: ["times", "alpha", "atlantis", *NET],
            ("'atlantis' is not a city or a station", "names", "are accepted")),
    CliCase("times-misspelt-place", "unknown-reference", lambda t: ["times", "alfa", "beta", *NET],
            ("'alfa' is not a city", "did you mean 'alpha'")),
    CliCase("goal-unknown-scenario", "unknown-reference",
            lambda t: ["goal", str(GOAL), *NET, "--scenario", "no-such-scenario"],
            ("unknown scenario 'no-such-scenario'", "or give a path to a .toml file")),
    CliCase("goal-network-folder-missing", "missing-file",
            lambda t: ["goal", str(GOAL), "--network", str(t / "no-such-network")],
            ("no network folder at {t}", "give an existing folder or a bundled name")),
    CliCase("goal-out-folder-missing", "output",
            lambda t: ["goal", str(GOAL), *NET, "--format", "json", "--out", str(t / "missing" / "r.json")],
            ("the folder", "missing does not exist; create it first")),
    CliCase("goal-out-is-a-folder", "output", lambda t: ["goal", str(GOAL), *NET, "--format", "json", "--out", str(t)],
            ("is a folder; give a file name",)),
    CliCase("goal-out-read-only", "output",
            lambda t: ["goal", str(GOAL), *NET, "--format", "json", "--out", str(t / "ro" / "r.json")],
            ("--out", "the folder is read-only for this user", "write it to a folder you can write in")),
    CliCase("goal-out-exists", "output",
            lambda t: ["goal", str(GOAL), *NET, "--format", "json", "--out", str(t / "old.json")],
            ("old.json exists; pass --force to replace it",)),
]  # fmt: skip


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", params(CLI_CASES))
def test_bad_argument_exits_2_with_a_message_no_traceback_and_writes_nothing(tmp_path, monkeypatch, case):
    (tmp_path / "old.json").write_text("the old report\n", encoding="utf-8")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    if os.geteuid() == 0:  # root writes in any folder: make this one read-only to the writer's check
        real = os.access
        monkeypatch.setattr(
            transit._files.os,
            "access",
            lambda p, mode, **kw: False if Path(p) == ro and mode & os.W_OK else real(p, mode, **kw),
        )
    before = tree(tmp_path)
    argv = case.argv(tmp_path)
    code, out, err = run_cli(argv)
    assert code == 2
    assert err.startswith(f"transit {argv[0]}: error: ") and "Traceback" not in err
    for text in case.says:
        assert text.replace("{t}", str(tmp_path)) in err, err
    assert tree(tmp_path) == before  # nothing written, the old file untouched
    assert not any(p.name.endswith(".tmp") for p in tmp_path.rglob("*"))
    ro.chmod(0o755)
