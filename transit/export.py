"""Writing a table or a layer to a file, the format chosen by the file's suffix.

:func:`write_table` takes a pandas DataFrame or a geopandas GeoDataFrame and writes

=============  ==========================================================================
``.csv``       UTF-8 CSV (geometry as WKT text)
``.xlsx``      Excel workbook, one sheet (geometry as WKT text)
``.json``      JSON: a list of records, one object per row (geometry as GeoJSON objects)
``.geojson``   GeoJSON FeatureCollection in longitude/latitude (a GeoDataFrame)
``.gpkg``      GeoPackage, one layer named after the file (a GeoDataFrame)
=============  ==========================================================================

Unreachable (``inf``) and missing values are written as an empty cell (CSV, Excel) or ``null``
(JSON, GeoJSON, GeoPackage), never as the text ``inf``. Every write goes through
:func:`transit._files.atomic_path`: a temporary file in the same folder, renamed into place, with the
permissions the user's umask gives; an existing file is refused unless ``overwrite=True`` (on the
command line, ``--force``). GeoJSON and GeoPackage need the ``[geo]`` extra (geopandas).
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from transit._files import atomic_path
from transit.errors import ExportError, MissingExtraError

__all__ = ["TABLE_SUFFIXES", "GEO_SUFFIXES", "SUFFIXES", "write_table", "table_format"]

#: Suffixes for any table, and those that need a geometry column.
TABLE_SUFFIXES = (".csv", ".xlsx", ".json")
GEO_SUFFIXES = (".geojson", ".gpkg")
SUFFIXES = TABLE_SUFFIXES + GEO_SUFFIXES


def table_format(path: str | os.PathLike[str]) -> str:
    """The format of ``path`` by its suffix (``".csv"`` ...); an unknown suffix raises, listing the known ones.

    Examples
    --------
    >>> table_format("out/times.GeoJSON")
    '.geojson'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        got = f"the suffix {suffix!r}" if suffix else "no suffix"
        raise ExportError(f"cannot write a table to {os.fspath(path)!r} ({got}): use one of {', '.join(SUFFIXES)}")
    return suffix


def _is_geo(frame: Any) -> bool:
    return hasattr(frame, "geometry") and hasattr(frame, "crs") and "geometry" in getattr(frame, "columns", ())


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with a meaningful index as columns and ``inf`` as missing."""
    out = frame.copy()
    if not isinstance(out.index, pd.RangeIndex) or any(n is not None for n in out.index.names):
        out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s.dtype):
            out[col] = s.where(np.isfinite(s.to_numpy(dtype=float, na_value=np.nan)))
        elif s.dtype == object:
            out[col] = s.map(_cell)
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if hasattr(value, "isoformat") and not isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _wkt(frame: pd.DataFrame) -> pd.DataFrame:
    """A GeoDataFrame as a plain table with its geometry as WKT text."""
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    out["geometry"] = frame.geometry.to_wkt().where(~frame.geometry.isna(), None).to_numpy()
    return out


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = list(frame.columns)
    return [{c: _json_value(v) for c, v in zip(cols, row)} for row in frame.itertuples(index=False, name=None)]


def _geo_records(frame: Any) -> list[dict[str, Any]]:
    geometry = frame.geometry.name
    plain = _plain(pd.DataFrame(frame.drop(columns=geometry)))
    shapes = [None if g is None or g.is_empty else g.__geo_interface__ for g in frame.geometry]
    records = _records(plain)
    for rec, shape in zip(records, shapes):
        rec["geometry"] = shape
    return records


def _to_wgs84(frame: Any) -> Any:
    if frame.crs is None:
        raise ExportError("the layer has no CRS; set one (frame.set_crs('EPSG:4326')) before writing GeoJSON")
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs("EPSG:4326")


def _geojson(frame: Any) -> str:
    frame = _to_wgs84(frame)
    geometry = frame.geometry.name
    props = _records(_plain(pd.DataFrame(frame.drop(columns=geometry))))
    features = [
        {
            "type": "Feature",
            "properties": p,
            "geometry": None if g is None or g.is_empty else g.__geo_interface__,
        }
        for p, g in zip(props, frame.geometry)
    ]
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, allow_nan=False) + "\n"


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    mkdir: bool = False,
    sheet_name: str | None = None,
    layer: str | None = None,
    hint: str = "pass overwrite=True (command line: --force)",
) -> Path:
    """Write a DataFrame or GeoDataFrame to ``path`` in the format its suffix names.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        The table. An index that is not the default range (a name, or labels) is written as columns.
    path : str or PathLike
        ``.csv``, ``.xlsx``, ``.json``, ``.geojson`` or ``.gpkg`` (case-insensitive).
    overwrite : bool
        Replace an existing file; without it an existing file raises :class:`FileExistsError`.
    mkdir : bool
        Create missing parent folders.
    sheet_name : str, optional
        The Excel sheet (default the file's stem, cut to 31 characters).
    layer : str, optional
        The GeoPackage layer (default the file's stem).
    hint : str
        How the caller's user asks to overwrite, for the message.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ExportError
        For an unknown suffix (the message lists the supported ones), or a GeoJSON/GeoPackage file
        asked of a table without geometry.
    FileExistsError
        When ``path`` exists and ``overwrite`` is False.
    MissingExtraError
        For GeoJSON/GeoPackage without geopandas (the ``[geo]`` extra).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_table(pd.DataFrame({"city": ["a", "b"], "minutes": [12.5, float("inf")]}), folder / "t.csv")
    >>> (folder / "t.csv").read_text()
    'city,minutes\\na,12.5\\nb,\\n'
    """
    target = Path(path)
    suffix = table_format(target)
    geo = _is_geo(frame)
    if suffix in GEO_SUFFIXES and not geo:
        raise ExportError(
            f"cannot write {target}: {suffix} needs a layer with geometry (a GeoDataFrame); "
            f"use one of {', '.join(TABLE_SUFFIXES)} for a plain table"
        )
    with atomic_path(target, overwrite=overwrite, mkdir=mkdir, hint=hint) as tmp:
        if suffix == ".csv":
            table = _plain(_wkt(frame) if geo else frame)
            table.to_csv(tmp, index=False, na_rep="", lineterminator="\n", encoding="utf-8")
        elif suffix == ".xlsx":
            table = _plain(_wkt(frame) if geo else frame)
            name = (sheet_name or target.stem or "table")[:31]
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                table.to_excel(writer, sheet_name=name, index=False, na_rep="")
        elif suffix == ".json":
            records = _geo_records(frame) if geo else _records(_plain(frame))
            tmp.write_text(json.dumps(records, ensure_ascii=False, allow_nan=False, indent=1) + "\n", encoding="utf-8")
        elif suffix == ".geojson":
            tmp.write_text(_geojson(frame), encoding="utf-8")
        else:
            _write_gpkg(frame, tmp, layer or target.stem or "layer")
    return target


def _write_gpkg(frame: Any, tmp: Path, layer: str) -> None:
    try:
        import geopandas as gpd  # noqa: PLC0415 - the [geo] extra, needed only for a GeoPackage
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError("geo", "GeoPackage files", exc.name or "geopandas") from exc
    geometry = frame.geometry.name
    table = _plain(pd.DataFrame(frame.drop(columns=geometry)))
    out = gpd.GeoDataFrame(table, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    tmp.unlink()  # the GeoPackage driver makes its own file (an empty one is not a database)
    with warnings.catch_warnings():  # the temporary name ends in .tmp until it is renamed to .gpkg
        warnings.filterwarnings("ignore", message=".*extension should be 'gpkg'", category=RuntimeWarning)
        out.to_file(tmp, driver="GPKG", layer=layer)
