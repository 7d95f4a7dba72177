"""The command line: exit codes, JSON shape, formats, --out, and messages without tracebacks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from transit.cli import main

DATA = Path(__file__).parent / "data"
TINY = str(DATA / "tiny")
TINY_GOAL = str(DATA / "goals" / "tiny-circle.toml")


def met_goal(tmp_path: Path) -> str:
    path = tmp_path / "met.toml"
    path.write_text(
        """[goal]
name = "met"
origin = "alpha"
[source]
document = "test"
[[tier]]
within_minutes = 30
[[tier.target]]
place = "beta"
""",
        encoding="utf-8",
    )
    return str(path)


def test_missed_goal_exits_1_with_the_json_shape(capsys):
    code = main(["goal", TINY_GOAL, "--network", TINY, "--year", "2021", "--format", "json"])
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["goal"] == "tiny-circle" and data["as_of"] == "2021-12-31" and data["met"] is False
    for tier in data["tiers"]:
        assert {"within_minutes", "met", "targets"} <= set(tier)
        for t in tier["targets"]:
            assert {"target", "name", "name_zh", "minutes", "met", "route"} <= set(t)
    beta = data["tiers"][0]["targets"][0]
    assert beta["target"] == "beta" and beta["minutes"] == 20.0 and beta["route"]["stations"] == ["alpha_east", "beta"]


def test_met_goal_exits_0(tmp_path, capsys):
    assert main(["goal", met_goal(tmp_path), "--network", TINY]) == 0
    out = capsys.readouterr().out
    assert "MET" in out and "Beta" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["goal", "wenzou-521"], "did you mean 'wenzhou-521'"),
        (["goal", "no/such/goal.toml"], "not found"),
        (["goal", TINY_GOAL, "--network", "no_such_network"], "no network called"),
        (["goal", TINY_GOAL, "--network", TINY, "--date", "2021-13-01"], "is not a date"),
        (["goal", TINY_GOAL, "--network", TINY, "--scenario", "no-such-scenario"], "unknown scenario"),
        (["times", "alpha", "gama", "--network", TINY], "did you mean 'gamma'"),
        (["times", "alpha", "beta", "--network", TINY, "--modes", "bus"], "--modes"),
        (["goal"], "name a goal"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_goal_file_exits_2_naming_file_and_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[goal]\nname = "x"\norigin = "alpha"\n[source]\ndocument = "x"\n[[tier]]\nwithin_minutes = "soon"\n'
        '[[tier.target]]\nplace = "beta"\n',
        encoding="utf-8",
    )
    assert main(["goal", str(path), "--network", TINY]) == 2
    err = capsys.readouterr().err
    assert "bad.toml, line 7, key 'within_minutes'" in err


def test_argparse_errors_exit_2_and_help_exits_0(capsys):
    assert main(["goal", TINY_GOAL, "--format", "xml"]) == 2
    assert main(["--help"]) == 0
    assert "examples:" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fmt, check",
    [
        ("markdown", lambda text: "| target | time | typical | met |" in text),
        ("csv", lambda text: set(pd.read_csv(io.StringIO(text))["target"]) >= {"beta", "gamma", "core"}),
        ("table", lambda text: "MISSED" in text and "Overall: not met." in text),
    ],
)
def test_formats(capsys, fmt, check):
    main(["goal", TINY_GOAL, "--network", TINY, "--year", "2021", "--format", fmt])
    assert check(capsys.readouterr().out)


def test_out_writes_a_file_and_will_not_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "report.json"
    argv = ["goal", TINY_GOAL, "--network", TINY, "--format", "json", "--out", str(out)]
    assert main(argv) == 1
    assert json.loads(out.read_text(encoding="utf-8"))["goal"] == "tiny-circle"
    assert main(argv) == 2 and "--force" in capsys.readouterr().err
    assert main(argv + ["--force"]) == 1


def test_scenario_option_is_applied_and_recorded(capsys):
    main(
        [
            "goal",
            TINY_GOAL,
            "--network",
            TINY,
            "--year",
            "2021",
            "--format",
            "json",
            "--scenario",
            str(DATA / "goals" / "tiny-everything.toml"),
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["scenarios"] == ["tiny-everything"]
    eps = [t for tier in data["tiers"] for t in tier["targets"] if t["target"] == "epsilon"][0]
    assert eps["minutes"] == 60.0


def test_times(capsys):
    assert main(["times", "alpha", "伽马", "--network", TINY, "--year", "2021", "--method", "static"]) == 0
    out = capsys.readouterr().out
    assert "50 min" in out and "Alpha-Gamma HSR" in out and "static method" in out
    # the default: the service model's hourly trains, alpha_east - beta - gamma with its stop at beta
    assert main(["times", "alpha", "伽马", "--network", TINY, "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "56 min; typical departure" in out and "timetable method" in out and "Alpha-Gamma HSR" in out
    assert (
        main(
            [
                "times",
                "Alpha",
                "Delta",
                "--network",
                TINY,
                "--modes",
                "rail,air",
                "--measure",
                "door",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["minutes"] == 160.0 and "flight" in [leg["kind"] for leg in data["route"]["legs"]]


def test_lists(capsys):
    assert main(["goal", "--list"]) == 0
    assert "wenzhou-521" in capsys.readouterr().out
    assert main(["scenario", "--list"]) == 0
    assert "all-planned" in capsys.readouterr().out


def test_scenario_show_checks_it_applies(capsys):
    assert main(["scenario", str(DATA / "goals" / "tiny-everything.toml"), "--network", TINY]) == 0
    assert "applies to network 'tiny'" in capsys.readouterr().out
    assert main(["scenario", str(DATA / "goals" / "tiny-bad.toml"), "--network", TINY]) == 2
    assert "line 7" in capsys.readouterr().err


# --------------------------------------------------------------------------- scripts/wenzhou_521.py


def _script():
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "scripts" / "wenzhou_521.py"
    spec = importlib.util.spec_from_file_location("wenzhou_521_script", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_wenzhou_521_script_writes_report_and_figure(tmp_path, capsys):
    script = _script()
    out = tmp_path / "521"
    argv = ["--network", TINY, "--goal", TINY_GOAL, "--out", str(out)]
    assert script.main(argv) == 0  # the goal fails, but only --strict turns that into an exit status
    md = (out / "wenzhou-521.md").read_text(encoding="utf-8")
    assert "2016<br>2016-12-31" in md and "all planned (2035)" in md and "**56 min** ✗<br>typical" in md
    assert "Times: timetable method" in md
    static = script.main(["--network", TINY, "--goal", TINY_GOAL, "--out", str(tmp_path / "s"), "--method", "static"])
    assert static == 0 and "**50 min** ✗" in (tmp_path / "s" / "wenzhou-521.md").read_text(encoding="utf-8")
    assert (out / "wenzhou-521.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert script.main(argv) == 2 and "--force" in capsys.readouterr().err  # no silent overwrite
    assert script.main(argv + ["--force", "--strict"]) == 1


def test_times_out_writes_the_answer_and_refuses_to_replace_it(tmp_path, capsys):
    target = tmp_path / "times.json"
    argv = ["times", "alpha", "gamma", "--network", TINY, "--year", "2021", "--format", "json", "--out", str(target)]
    assert main(argv) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["method"] == "timetable"
    assert capsys.readouterr().out == ""  # written to the file, not the terminal
    assert main(argv) == 2 and "--force" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0
