"""What the table commands (map, compare, access, matrix) share: options read, frames printed or written."""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from transit.errors import ExportError
from transit.export import GEO_SUFFIXES, SUFFIXES, write_table
from transit.goals.report import format_table
from transit.modes import normalise_modes

__all__ = [
    "FIGURE_SUFFIXES",
    "split_places",
    "parse_modes",
    "parse_hours",
    "out_suffix",
    "check_out",
    "terminal_width",
    "frame_text",
    "emit_frame",
    "write_frame",
]

#: Suffixes written as figures by :mod:`transit.maps.draw`.
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def split_places(values: Iterable[str] | None) -> list[str]:
    """``["wenzhou,杭州东站", "PVG"]`` -> ``["wenzhou", "杭州东站", "PVG"]`` (commas, full-width too)."""
    out: list[str] = []
    for value in values or ():
        out.extend(p.strip() for p in str(value).replace("，", ",").split(",") if p.strip())
    return out


def parse_modes(text: str) -> tuple[str, ...]:
    """--modes as a tuple of modes, or a message naming the option."""
    try:
        return tuple(str(m) for m in normalise_modes(text.replace("+", ",")))
    except ValueError:
        raise ValueError(f"--modes takes rail, air or rail,air (got {text!r})") from None


def parse_hours(text: str, option: str) -> list[float]:
    """``"1,2,3"`` -> ``[1.0, 2.0, 3.0]``: positive, increasing hours, or a message naming the option."""
    try:
        hours = [float(h) for h in str(text).replace(" ", "").split(",") if h]
    except ValueError:
        hours = []
    if not hours or any(not (h > 0 and math.isfinite(h)) for h in hours) or sorted(set(hours)) != hours:
        raise ValueError(f"{option} takes increasing positive hours separated by commas, e.g. 1,2,3 (got {text!r})")
    return hours


def out_suffix(out: str | None, allowed: Sequence[str], what: str) -> str | None:
    """The lower-case suffix of --out, checked against ``allowed`` before any work is done."""
    if not out:
        return None
    suffix = Path(out).suffix.lower()
    if suffix not in allowed:
        got = f"{suffix!r}" if suffix else "no suffix"
        raise ExportError(f"--out {out}: {got} is not a format {what} writes; use one of {', '.join(allowed)}")
    return suffix


def check_out(out: str | None, force: bool) -> None:
    """Refuse an existing --out without --force, and a folder, before computing anything."""
    if not out:
        return
    path = Path(out)
    if path.is_dir():
        raise ValueError(f"--out {out} is a folder; give a file name")
    if path.exists() and not force:
        raise FileExistsError(f"{out} exists; pass --force to replace it")


def terminal_width() -> int | None:
    """The terminal's columns when stdout is one, else None (no limit: output to a pipe or a file)."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _cell(value: object, fmt: Callable[[float], str] | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return "-"
        return fmt(float(value)) if fmt else f"{value:.1f}"
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_) and fmt:
        return fmt(float(value))
    return str(value)


def frame_text(
    frame: pd.DataFrame,
    fmt: str,
    *,
    formats: dict[str, Callable[[float], str]] | None = None,
    headers: dict[str, str] | None = None,
    width: int | None = None,
    hint: str = "--format csv or --out FILE",
) -> str:
    """A frame as a terminal table, CSV or JSON records (unreachable: ``-``, empty, null).

    The table keeps the first column and leaves out the last ones until it fits ``width``, with a note.
    """
    if fmt == "csv":
        plain = frame.replace([np.inf, -np.inf], np.nan)
        return plain.to_csv(index=False, na_rep="", lineterminator="\n")
    if fmt == "json":
        plain = frame.replace([np.inf, -np.inf], np.nan).astype(object)
        plain = plain.where(pd.notna(plain), None)
        records = [
            {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in rec.items()}
            for rec in plain.to_dict(orient="records")
        ]
        return json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    formats = formats or {}
    headers = headers or {}
    cols = list(frame.columns)
    rows = [tuple(headers.get(c, c) for c in cols)]
    for rec in frame.itertuples(index=False, name=None):
        rows.append(tuple(_cell(v, formats.get(c)) for c, v in zip(cols, rec)))
    lines, dropped = format_table(rows, width=width, drop_order=tuple(range(len(cols) - 1, 0, -1)), shrink={0: 12})
    if dropped:
        lines.append(f"  ({len(dropped)} column(s) left out to fit {width} columns: {hint} has them all)")
    return "\n".join(lines) + "\n"


def write_frame(frame: pd.DataFrame, out: str, force: bool) -> Path:
    """Write ``frame`` to --out by its suffix (:func:`transit.export.write_table`) and say so on stderr."""
    try:
        path = write_table(frame, out, overwrite=force, hint="pass --force")
    except IsADirectoryError as exc:
        raise ValueError(f"--out {out}: {exc}") from None
    except PermissionError as exc:
        raise ValueError(f"--out {out}: {exc}; write it to a folder you can write in") from None
    print(f"wrote {path}", file=sys.stderr)
    return path


def emit_frame(frame: pd.DataFrame, args: argparse.Namespace, **text_options: object) -> None:
    """Write ``frame`` to ``args.out``, or print it in ``args.format`` (fitted to the terminal)."""
    if args.out:
        write_frame(frame, args.out, args.force)
        return
    sys.stdout.write(frame_text(frame, args.format, width=terminal_width(), **text_options))  # type: ignore[arg-type]


TABLE_OUT = tuple(s for s in SUFFIXES if s not in GEO_SUFFIXES)
