"""What it takes: sweeps of a goal over every combination of candidate projects, on Dask.

>>> import transit
>>> from transit.sweep import sweep
>>> result = sweep("wenzhou-521", transit.load_network(), projects=["wenzhou_fuzhou_hsr"],
...                scheduler="synchronous")
>>> result.frame.groupby("combination").size().tolist()
[10, 10]
"""

from transit.sweep.projects import Project, candidate_projects, planned_projects, project_from_modifications
from transit.sweep.run import sweep
from transit.sweep.summary import SweepResult

__all__ = ["sweep", "SweepResult", "Project", "candidate_projects", "planned_projects", "project_from_modifications"]
