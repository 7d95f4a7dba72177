"""The CJK font of the maps: Noto Sans SC from the ``pylopdf-fonts-zh-cn`` wheel (SIL OFL 1.1).

Matplotlib ships DejaVu Sans, which has no Chinese glyphs: Chinese names would be drawn as boxes
("tofu"). The ``[maps]`` extra therefore installs ``pylopdf-fonts-zh-cn``, a data-only wheel with
``NotoSansSC-Regular.otf`` (Noto Sans CJK SC, the Simplified Chinese subset, from
notofonts/noto-cjk; SIL Open Font License 1.1, 8.3 MB). :func:`register_cjk_font` adds it to
matplotlib's font manager once per process, and :data:`FONT_FAMILY` puts it after DejaVu Sans, so
that matplotlib's per-glyph font fallback (Agg, PDF, SVG) sets Latin text in DejaVu Sans and Chinese
in Noto Sans SC. :func:`missing_glyphs` tells, from a font's ``cmap`` (fontTools), which characters
of a text a font cannot draw; the tests use it to hold the maps free of tofu.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from transit.errors import MissingExtraError

try:
    import pylopdf_fonts_zh_cn
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("maps", "Chinese map labels", exc.name or "pylopdf_fonts_zh_cn") from exc

__all__ = ["CJK_FAMILY", "FONT_FAMILY", "cjk_font_path", "register_cjk_font", "missing_glyphs"]

#: The family name of the shipped CJK font.
CJK_FAMILY = "Noto Sans SC"

#: Font family list for map text: Latin in DejaVu Sans (matplotlib's own), CJK by fallback.
FONT_FAMILY: list[str] = ["DejaVu Sans", CJK_FAMILY]


def cjk_font_path() -> Path:
    """Path of ``NotoSansSC-Regular.otf`` inside the installed ``pylopdf-fonts-zh-cn`` wheel."""
    return Path(pylopdf_fonts_zh_cn.sans_path())


@lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Add the CJK font to matplotlib's font manager (once per process); returns its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@lru_cache(maxsize=8)
def _cmap(path: str) -> frozenset[int]:
    font = TTFont(path, fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing_glyphs(text: str, font_path: str | Path) -> list[str]:
    """The characters of ``text`` (other than whitespace) that the font at ``font_path`` has no glyph for."""
    have = _cmap(str(font_path))
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in have})
