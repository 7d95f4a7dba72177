"""Time-circle goals: the goal file format, the check against a network, and the report."""
from transit.goals.report import GoalReport, PairResult, TargetResult, TierResult
from transit.goals.spec import (Goal, PlaceTimer, Target, Tier, check_goal, city_station_sets, goals_dir,
                                list_goals, load_goal)

__all__ = ["Goal", "Tier", "Target", "load_goal", "list_goals", "goals_dir", "check_goal", "GoalReport",
           "TierResult", "TargetResult", "PairResult", "PlaceTimer", "city_station_sets"]
