"""Time-circle goals: the goal file format, the check against a network, and the report.

``spec`` reads goal files; ``resolve`` turns their names into a network's ids; ``check`` times every
target; ``bottleneck`` finds what holds a missed target back; ``report`` holds the results and
renders them; ``routes`` names places and routes for reports.
"""

from transit.goals.check import PlaceTimer, check_goal
from transit.goals.report import (
    GoalReport,
    PairResult,
    TargetResult,
    TierResult,
    format_minutes,
)
from transit.goals.resolve import city_station_sets
from transit.goals.spec import Goal, Target, Tier, goals_dir, list_goals, load_goal

__all__ = [
    "Goal",
    "Tier",
    "Target",
    "load_goal",
    "list_goals",
    "goals_dir",
    "check_goal",
    "GoalReport",
    "TierResult",
    "TargetResult",
    "PairResult",
    "PlaceTimer",
    "city_station_sets",
    "format_minutes",
]
