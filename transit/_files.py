"""Small helpers used across the house: the one atomic writer and the one did-you-mean.

Every file transit writes (tables, reports, figures, GTFS feeds, caches) goes through
:func:`atomic_path`: the content is written to a temporary file in the target folder, flushed to
disk, given the permissions the user's umask asks for (``mkstemp`` alone would leave 0600), then
moved into place in one step, so a reader never sees half a file and a failure or Ctrl-C leaves
nothing behind. Without ``overwrite`` an existing file is never replaced, even by a second run that
finishes at the same moment (the final step is a hard link, which fails if the name exists).
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_path", "atomic_open", "write_text", "write_bytes", "did_you_mean"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(path: Path, overwrite: bool, mkdir: bool, hint: str) -> Path:
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; give a file name")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; {hint} to replace it")
    if mkdir:
        parent.mkdir(parents=True, exist_ok=True)
    elif not parent.is_dir():
        raise FileNotFoundError(f"the folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise PermissionError(f"cannot write in {parent}: the folder is read-only for this user")
    return parent


def _remove_stale_temporaries(parent: Path, name: str) -> None:
    """Remove the temporaries of ``name`` left by a writer that was killed (its process is gone).

    A temporary is named ``.<name>.<pid>.<random>.tmp``; a SIGKILL gives its writer no chance to
    remove it, so the next write of the same file does, when no process ``pid`` runs any more.
    """
    for tmp in parent.glob(f".{name}.*.tmp"):
        pid = tmp.name[len(name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except PermissionError:  # another user's live process
            continue


@contextmanager
def atomic_path(
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    mkdir: bool = False,
    hint: str = "pass overwrite=True (command line: --force)",
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success move it to ``path`` in one step.

    Parameters
    ----------
    path : str or PathLike
        The file to write.
    overwrite : bool
        Replace an existing file. Without it an existing ``path`` raises :class:`FileExistsError`,
        before anything is written and again at the final step.
    mkdir : bool
        Create missing parent folders; otherwise a missing folder raises :class:`FileNotFoundError`.
    hint : str
        How the caller's user asks to overwrite, for the message.

    Yields
    ------
    pathlib.Path
        Where to write (for writers that want a file name: matplotlib, OSMnx, zipfile).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text()
    'hello'
    """
    target = Path(path)
    parent = _check_target(target, overwrite, mkdir, hint)
    _remove_stale_temporaries(parent, target.name)
    fd, name = tempfile.mkstemp(dir=parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise FileExistsError(
                    f"{target} appeared while writing it (another run?); {hint} to replace it"
                ) from None
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_open(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    overwrite: bool = False,
    mkdir: bool = False,
    encoding: str | None = "utf-8",
    newline: str | None = "",
    hint: str = "pass overwrite=True (command line: --force)",
) -> Iterator[IO[Any]]:
    """Open ``path`` for writing through :func:`atomic_path` (text ``"w"`` or binary ``"wb"``)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes new files: mode must be 'w' or 'wb', not {mode!r}")
    with atomic_path(path, overwrite=overwrite, mkdir=mkdir, hint=hint) as tmp:
        if mode == "wb":
            with open(tmp, "wb") as fb:
                yield fb
        else:
            with open(tmp, "w", encoding=encoding, newline=newline) as ft:
                yield ft


def write_text(
    path: str | os.PathLike[str],
    text: str,
    *,
    overwrite: bool = False,
    mkdir: bool = False,
    hint: str = "pass overwrite=True (command line: --force)",
) -> Path:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically; returns the path."""
    with atomic_open(path, "w", overwrite=overwrite, mkdir=mkdir, hint=hint) as f:
        f.write(text)
    return Path(path)


def write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    overwrite: bool = False,
    mkdir: bool = False,
    hint: str = "pass overwrite=True (command line: --force)",
) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_open(path, "wb", overwrite=overwrite, mkdir=mkdir, hint=hint) as f:
        f.write(data)
    return Path(path)


def did_you_mean(value: object, choices: Iterable[str], *, n: int = 1, cutoff: float = 0.6, otherwise: str = "") -> str:
    """``"did you mean 'a'?"`` (or ``'a', 'b'``) for the closest of ``choices``, else ``otherwise``.

    Examples
    --------
    >>> did_you_mean("Wenzou", ["wenzhou", "hangzhou"])
    "did you mean 'wenzhou'?"
    >>> did_you_mean("xyz", ["wenzhou"], otherwise="known: wenzhou")
    'known: wenzhou'
    """
    close = difflib.get_close_matches(str(value), sorted(set(choices)), n=n, cutoff=cutoff)
    if not close:
        return otherwise
    return "did you mean " + ", ".join(repr(c) for c in close) + "?"
