"""Scenarios: ordered modifications applied to a copy of a network."""

from transit.scenarios.scenario import (
    Modification,
    Scenario,
    apply_scenarios,
    list_scenarios,
    load_scenario,
    scenarios_dir,
)

__all__ = ["Scenario", "Modification", "load_scenario", "list_scenarios", "apply_scenarios", "scenarios_dir"]
