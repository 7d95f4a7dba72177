"""Read a goal or scenario TOML file and find the line of each table and key, for error messages.

``tomllib`` gives values but no positions. Goal and scenario files are small and written by hand, so
we scan the text for the headers of their arrays of tables (``[[tier]]``, ``[[tier.target]]``,
``[[modification]]``) and for ``key =`` lines inside each block. A table written inline
(``targets = [{...}]``) still parses; its problems then point at the enclosing header.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from transit._files import did_you_mean
from transit.errors import Problem

__all__ = [
    "TomlSource",
    "read_toml",
    "not_utf8",
    "display_path",
    "find_toml",
    "list_tomls",
    "raise_problems",
    "format_problems",
    "replace_tables",
]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z_][A-Za-z0-9_.\- ]*?)\s*\]\]?\s*(#.*)?$")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def not_utf8(label: str, data: bytes, exc: UnicodeDecodeError, fix: str, *, csv_header: bool = False) -> Problem:
    """The problem of a file that is not UTF-8 text, at the line (and CSV column) of its first bad byte.

    Parameters
    ----------
    label : str
        The file as named in messages.
    data : bytes
        The file's content.
    exc : UnicodeDecodeError
        What decoding ``data`` as UTF-8 raised.
    fix : str
        How to save the file as UTF-8, for the message.
    csv_header : bool
        The file is a CSV whose first line is its header: name the column of the bad byte too.

    Returns
    -------
    transit.errors.Problem
        With the line, the column (CSV) and the text around the bad byte read as GB18030 (the usual
        encoding of Chinese text that is not UTF-8), or its bytes in hex when that fails too.
    """
    start = exc.start
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", start)
    raw_line = data[line_start : line_end if line_end >= 0 else len(data)].rstrip(b"\r")
    column = None
    piece = raw_line
    if csv_header:
        # a comma is one byte in UTF-8 and GBK alike (GBK's second bytes are 0x40 and above)
        header = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip().split(",")
        cells = raw_line.split(b",")
        at = raw_line[: start - line_start].count(b",")
        piece = cells[at] if at < len(cells) else raw_line
        column = header[at].strip() if at < len(header) and line_start > 0 else None
    try:
        shown = piece.decode("gb18030").strip()
        looks = "; it looks like GBK/GB18030, the usual Chinese encoding of Excel and Windows"
    except UnicodeDecodeError:
        shown, looks = piece.hex(" "), ""
    line = data.count(b"\n", 0, start) + 1
    message = f"is not UTF-8 text (byte 0x{data[start]:02x} at line {line}: {exc.reason}){looks}; {fix}"
    return Problem(label, line, column, shown, message)


def display_path(path: Path) -> str:
    """The path as the user will recognise it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class TomlSource:
    """A parsed TOML file with the line of every table header.

    Attributes
    ----------
    label : str
        The file as named in messages (``networks/goals/wenzhou-521.toml``).
    text : str
        The file's text.
    data : dict
        What :func:`tomllib.loads` returned.
    headers : tuple of (str, bool, int)
        Every table header in file order: dotted name, whether it is an array-of-tables header
        (``[[...]]``), and its 1-based line.
    """

    label: str
    text: str
    data: dict[str, Any]
    headers: tuple[tuple[str, bool, int], ...]

    def array_line(self, path: tuple[tuple[str, int], ...]) -> int | None:
        """The line of the header of one element of a (possibly nested) array of tables.

        ``(("tier", 2), ("target", 0))`` is the header of the first ``[[tier.target]]`` inside the
        third ``[[tier]]``. Returns None where the element was written inline.
        """
        start, end = 0, len(self.headers)
        prefix = ""
        line = None
        for name, index in path:
            prefix = f"{prefix}.{name}" if prefix else name
            seen = -1
            found = None
            for k in range(start, end):
                hname, is_array, hline = self.headers[k]
                if is_array and hname == prefix:
                    seen += 1
                    if seen == index:
                        found = k
                        break
            if found is None:
                return line
            line = self.headers[found][2]
            # the element's block ends at the next header of the same array or of a shallower table
            nxt = end
            for k in range(found + 1, end):
                hname = self.headers[k][0]
                if not (hname.startswith(prefix + ".")):
                    nxt = k
                    break
            start, end = found + 1, nxt
        return line

    def table_line(self, name: str) -> int | None:
        """The line of a plain ``[name]`` header, or None."""
        for hname, is_array, hline in self.headers:
            if hname == name and not is_array:
                return hline
        return None

    def key_line(self, block_line: int | None, key: str) -> int | None:
        """The line of ``key = ...`` in the block that starts at ``block_line`` (None: top level)."""
        lines = self.text.splitlines()
        start = block_line if block_line is not None else 0  # the line after the header, 0-based
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for i in range(start, len(lines)):
            if _HEADER.match(lines[i]):
                break
            if pattern.match(lines[i]):
                return i + 1
        return block_line

    def problem(self, line: int | None, key: str | None, value: object, message: str) -> Problem:
        """A :class:`~transit.errors.Problem` in this file."""
        shown = None if value is None else (value if isinstance(value, str) else repr(value))
        return Problem(self.label, line, key, shown, message)


def _scan_headers(text: str) -> tuple[tuple[str, bool, int], ...]:
    found = []
    in_multiline = False
    for i, line in enumerate(text.splitlines(), start=1):
        # skip the inside of multi-line strings, where a '[' line is text, not a header
        if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
            in_multiline = not in_multiline
            continue
        if in_multiline:
            continue
        m = _HEADER.match(line)
        if m:
            name = re.sub(r"\s*\.\s*", ".", m.group(2)).strip()
            found.append((name, m.group(1) == "[[", i))
    return tuple(found)


def read_toml(path: Path, error: type[Exception]) -> TomlSource:
    """Read and parse a TOML file; raise ``error`` (with file and line) when it cannot be read.

    Parameters
    ----------
    path : Path
        The file.
    error : type
        The exception class to raise, e.g. :class:`~transit.errors.GoalError`; it is called with the
        message and gets a ``problems`` attribute.
    """
    label = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _error(error, [Problem(label, None, None, None, "file not found")]) from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark is accepted; CRLF line ends are TOML
    except UnicodeDecodeError as exc:
        fix = "save it as UTF-8 (in the editor's Save As, encoding UTF-8)"
        raise _error(error, [not_utf8(label, raw, exc, fix)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line = int(m.group(1)) if m else None
        msg = _TOML_POS.sub("", msg).strip()
        raise _error(
            error, [Problem(label, line, None, None, f"is not valid TOML: {msg}; see https://toml.io for the syntax")]
        ) from None
    return TomlSource(label, text, data, _scan_headers(text))


def _error(error: type[Exception], problems: list[Problem]) -> Exception:
    exc = error(format_problems(problems))
    exc.problems = problems  # type: ignore[attr-defined]
    return exc


def describe(p: Problem) -> str:
    """A problem of a TOML file as text: file, line, key, value and the message."""
    return p.describe("key")


def format_problems(problems: list[Problem], head: str | None = None) -> str:
    """One message listing every problem, one a line."""
    if len(problems) == 1 and head is None:
        return describe(problems[0])
    head = head or f"{len(problems)} problems"
    return head + ":\n" + "\n".join(f"  - {describe(p)}" for p in problems)


def raise_problems(error: type[Exception], problems: list[Problem], head: str | None = None) -> None:
    """Raise ``error`` listing ``problems`` (with a ``problems`` attribute) when there are any."""
    unique = list(dict.fromkeys(problems))  # a name used by several targets is reported once
    if head is not None and len(unique) < len(problems):  # the head counts them: count the unique ones
        head = re.sub(rf"\b{len(problems)}(?= (problem|unknown name))", str(len(unique)), head, count=1)
    problems = unique
    if problems:
        exc = error(format_problems(problems, head))
        exc.problems = list(problems)  # type: ignore[attr-defined]
        raise exc


def find_toml(name_or_path: str | Path, folder: Path, kind: str, error: type[Exception]) -> Path:
    """Resolve a bundled name or a path to a TOML file, with a did-you-mean for unknown names."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists() or len(p.parts) > 1:
        if not p.exists():
            exc = error(
                f"{kind} file {str(p)!r} not found; give a path to a .toml file or a bundled "
                f"{kind} name (see `transit {kind} --list`)"
            )
            exc.problems = [Problem(str(p), None, None, None, "file not found")]  # type: ignore[attr-defined]
            raise exc
        return p
    candidate = folder / f"{name_or_path}.toml"
    if candidate.exists():
        return candidate
    names = sorted(q.stem for q in folder.glob("*.toml"))
    hint = did_you_mean(name_or_path, names, n=3, cutoff=0.5)
    hint = f"; {hint}" if hint else ""
    exc = error(
        f"unknown {kind} {str(name_or_path)!r}{hint} (bundled {kind}s: {', '.join(names) or 'none'}, "
        f"in {display_path(folder)}; or give a path to a .toml file)"
    )
    problem = Problem(display_path(folder), None, None, str(name_or_path), f"unknown {kind}{hint}")
    exc.problems = [problem]  # type: ignore[attr-defined]
    raise exc


class _Listed(Protocol):
    """What :func:`list_tomls` needs of a loaded file: its id and name."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


def list_tomls(folder: Path, load: Callable[[Path], _Listed], error: type[Exception]) -> list[tuple[str, str, Path]]:
    """``(id, name, path)`` of every ``*.toml`` in ``folder`` read with ``load``, sorted by file name.

    A file that does not load is listed with its first error line as its name.
    """
    out: list[tuple[str, str, Path]] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            item = load(path)
            out.append((item.id, item.name, path))
        except error as exc:
            out.append((path.stem, f"(does not load: {str(exc).splitlines()[0]})", path))
    return out


def replace_tables(toml_text: str, block: str, replaced: Callable[[str], bool]) -> str:
    """``toml_text`` with the tables whose name ``replaced`` accepts put back as ``block``.

    ``block`` takes the place of the first such table (the comment lines just above it, which
    describe the old values, go with it); the others are dropped; with none, ``block`` is appended.
    Every other line is kept as it is: what a calibration script's ``--write`` does to network.toml.
    """
    out: list[str] = []
    inside = placed = False
    for line in toml_text.splitlines():
        head = line.strip()
        if head.startswith("[") and not head.startswith("[["):
            ours = replaced(head.strip("[]").strip())
            if ours and not placed:
                while out and out[-1].startswith("#"):
                    out.pop()
                out += block.splitlines()
                placed = True
            inside = ours
            if ours:
                continue
        if not inside:
            out.append(line)
    if not placed:
        while out and not out[-1].strip():
            out.pop()
        out += ["", *block.splitlines()]
    return "\n".join(out).rstrip("\n") + "\n"
