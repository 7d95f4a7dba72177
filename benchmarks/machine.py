"""The one-line description of the machine a benchmark ran on (shared by the benchmark scripts)."""

from __future__ import annotations

import importlib
import os
import platform
from collections.abc import Sequence


def machine_line(threads: str, modules: Sequence[str], *, load: bool = False) -> str:
    """CPU model, logical CPUs, ``threads`` (e.g. ``"core threads 2"``) and the versions of ``modules``.

    Parameters
    ----------
    threads : str
        How many threads the measured code ran on, as the benchmark words it.
    modules : sequence of str
        Modules whose versions to name (``missing`` where one does not import).
    load : bool
        Also give the 1-minute load average (the machines are shared).
    """
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = [f"Python {platform.python_version()}"]
    for module in modules:
        try:
            versions.append(f"{module} {importlib.import_module(module).__version__}")
        except ImportError:
            versions.append(f"{module} missing")
    cpus = f"{os.cpu_count()} logical CPUs"
    if load:
        cpus += f" (load average {os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan'):.1f})"
    return f"{cpu}, {cpus}; {threads}; " + ", ".join(versions)
