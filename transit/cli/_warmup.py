"""The one-line note before the routing kernels compile for the first time (stdlib only, no numba import).

numba compiles the kernels of :mod:`transit.routing._kernels` on their first use and keeps them in its
cache (``__pycache__`` beside the module, or ``$NUMBA_CACHE_DIR``, or the user's cache folder where the
package folder is read-only). A cold cache costs about 10 s, which looks like a hang; the command line
says so on stderr first. Whether the cache is cold is read from the file names numba gives its index
files (``_kernels.<function>-<line>.py<version>.nbi``): one missing, or older than the source, means
a compile. The note never goes to stdout, so ``--format json`` output stays clean.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from importlib.util import find_spec
from pathlib import Path

__all__ = ["kernel_cache_is_cold", "note_first_compile", "ROUTING_COMMANDS"]

#: The commands that route (and so may compile the kernels).
ROUTING_COMMANDS = frozenset({"goal", "times", "sweep", "map", "compare", "access", "matrix"})

NOTE = "transit: compiling routing kernels (first run only, ~10 s)..."

_JIT = re.compile(r"^@(?:numba\.)?n?jit\((?P<args>[^)]*)\)")
_DEF = re.compile(r"^def\s+(?P<name>\w+)\s*\(")
_noted = False


def _cached_functions(source: str) -> list[tuple[str, int]]:
    """(name, line of its first decorator) of each ``@njit(cache=True ...)`` function of a module's source."""
    out, start = [], None
    for lineno, line in enumerate(source.splitlines(), start=1):
        m = _JIT.match(line)
        if m and "cache=True" in m.group("args"):
            start = lineno if start is None else start
            continue
        if line.startswith("@"):
            continue
        d = _DEF.match(line)
        if d and start is not None:
            out.append((d.group("name"), start))
        start = None
    return out


def _cache_dirs(py_file: Path) -> list[Path]:
    """Where numba may keep the cache of ``py_file``, in the order it looks."""
    folder = py_file.resolve().parent
    sub = f"{folder.name}_{hashlib.sha1(str(folder).encode()).hexdigest()}"
    dirs = []
    if os.environ.get("NUMBA_CACHE_DIR"):
        dirs.append(Path(os.environ["NUMBA_CACHE_DIR"]) / sub)
    dirs.append(folder / "__pycache__")
    user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    dirs.append(user_cache / "numba" / sub)
    return dirs


#: The modules whose kernels a routing command may compile.
KERNEL_MODULES = ("transit.routing._kernels", "transit.timetable._kernels")


def kernel_cache_is_cold(module: str | None = None) -> bool:
    """True when some cached kernel of ``module`` has no index in numba's cache, or an index older than the source.

    Reads file names and times only (no numba import): cheap enough to run before every command.
    ``module`` None: any of :data:`KERNEL_MODULES`.
    """
    if module is None:
        return any(kernel_cache_is_cold(m) for m in KERNEL_MODULES)
    try:
        spec = find_spec(module)
        if spec is None or not spec.origin:
            return False
        py_file = Path(spec.origin)
        source_mtime = py_file.stat().st_mtime
        functions = _cached_functions(py_file.read_text(encoding="utf-8"))
    except (OSError, ImportError, ValueError):
        return False
    tag = f"py{sys.version_info[0]}{sys.version_info[1]}{getattr(sys, 'abiflags', '')}"
    dirs = _cache_dirs(py_file)
    for name, line in functions:
        index = f"{py_file.stem}.{name}-{line}.{tag}.nbi"
        found = [d / index for d in dirs if (d / index).is_file()]
        if not found or max(p.stat().st_mtime for p in found) < source_mtime:
            return True
    return False


def note_first_compile(args: argparse.Namespace | str) -> bool:
    """Print :data:`NOTE` to stderr, once per process, when a routing command is about to compile the kernels.

    Called once a command's input is read and good (``network_from_args``), so that a bad input's
    message comes alone.

    Parameters
    ----------
    args : argparse.Namespace or str
        The parsed arguments (or the command's name); ``--list`` runs do not route.

    Returns
    -------
    bool
        Whether the note was printed.
    """
    global _noted
    command = args if isinstance(args, str) else getattr(args, "command", None)
    if _noted or command not in ROUTING_COMMANDS or getattr(args, "list", False):
        return False
    if not kernel_cache_is_cold():
        return False
    _noted = True
    print(NOTE, file=sys.stderr, flush=True)
    return True
