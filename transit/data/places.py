"""Place names as people type them, resolved to the cities and stations of one network.

One resolver for every entry point: :meth:`transit.Network.resolve` (and so ``transit times``, goal
files, ``travel_times(origins=...)``, ``transit map``, ``transit matrix``) all come here. A name is
tried in this order, the first step that finds something deciding:

1. exactly, ignoring case: an id (``hangzhou_east``), an English name (``Hangzhou East``) or a 12306
   Chinese name (``杭州东``); a name that is both a city and a station means the city (``ningbo``);
2. the same without spaces, hyphens, apostrophes and underscores (``hangzhoueast``, ``huaian``), the
   pinyin of the direction word (``hangzhoudong``, ``Hangzhou Dong``, ``wenzhounan``) and IATA codes of
   airports (``WNZ``, ``PVG``, ``SHA``);
3. shorter forms: a station's name without its city (``hongqiao``, ``虹桥``), an airport's without
   "International" or "Airport" (``虹桥机场``, ``Pudong Airport``), a city's without the province in
   brackets (``Yichun``);
4. former 12306 names (``永嘉`` for today's 温州北; ``stations.csv`` column ``former_names_zh``).

A trailing ``站``, ``火车站``, ``高铁站``, "station", "railway station" or "zhan" means a station (``杭州东站``,
``上海虹桥站``, ``宁波站``, ``Wenzhou South Railway Station``); a trailing ``市`` or "city" a city
(``温州市``). ``city:`` and ``station:`` in front say the same (``station:ningbo``). A name that fits
several places at its step is refused with the candidates listed
(:class:`~transit.errors.AmbiguousPlaceError`); an unknown one gets the closest ids, Chinese names and
IATA codes of similar length (:class:`~transit.errors.UnknownPlaceError`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from transit.errors import AmbiguousPlaceError, UnknownPlaceError

__all__ = ["PlaceIndex", "normalise_name"]

#: English direction word of a 12306 name -> its pinyin (杭州东 is "Hangzhou East" or "Hangzhou Dong").
DIRECTION_PINYIN = {"east": "dong", "west": "xi", "south": "nan", "north": "bei"}

_ZH_DIRECTIONS = frozenset("东西南北")
_STATION_SUFFIXES_ZH = ("高铁站", "火车站", "站")
_STATION_SUFFIXES_EN = ("railwaystation", "trainstation", "station", "zhan")
_CITY_SUFFIXES_ZH = ("市",)
_CITY_SUFFIXES_EN = ("city",)
_DROP = re.compile(r"[\s\-_'’`.·,/]+")
_BRACKETS = re.compile(r"\s*[(（][^)）]*[)）]\s*")

# steps of the search (lower decides first)
_EXACT, _NORMAL, _SHORT, _FORMER = 0, 1, 2, 3


def normalise_name(text: str) -> str:
    """A name folded for matching: NFKC, case-folded, without spaces, hyphens, apostrophes, underscores.

    Examples
    --------
    >>> normalise_name("Hangzhou  East")
    'hangzhoueast'
    >>> normalise_name("Huai'an")
    'huaian'
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


@dataclass(frozen=True)
class _Place:
    kind: str  # "city" or "station"
    pid: str
    name: str
    name_zh: str
    city_id: str = ""
    station_kind: str = ""  # "rail" or "airport" for stations
    iata: str = ""

    def describe(self) -> str:
        what = self.kind if self.kind == "city" else (self.station_kind or "station")
        extra = f" {self.iata}" if self.iata else ""
        return f"{self.pid} ({what}: {self.name} {self.name_zh}{extra})"


@dataclass
class PlaceIndex:
    """Every way of naming the cities and stations of one network, for :meth:`resolve`.

    Build it with :meth:`from_tables`; :class:`transit.Network` keeps one per network.

    Parameters
    ----------
    places : dict
        ``(kind, id)`` -> the place.
    keys : dict
        Folded name -> ``(step, kind, id)`` entries (see the module notes for the steps).
    """

    places: dict[tuple[str, str], _Place] = field(default_factory=dict)
    keys: dict[str, set[tuple[int, str, str]]] = field(default_factory=dict)
    exact: dict[str, dict[str, str]] = field(default_factory=lambda: {"city": {}, "station": {}})
    airports_with_flights: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ building
    @classmethod
    def from_tables(
        cls, cities: pd.DataFrame, stations: pd.DataFrame, *, flown_airports: Iterable[str] = ()
    ) -> PlaceIndex:
        """The index of a cities table (all of them) and a stations table (those in service).

        Parameters
        ----------
        cities, stations : pandas.DataFrame
            With the columns of ``cities.csv`` and ``stations.csv``.
        flown_airports : iterable of str
            Airports with flights on the date: where two airports share an IATA code (a closed airport
            and its successor), the code means the one with flights.
        """
        index = cls(airports_with_flights=frozenset(flown_airports))
        city_names: dict[str, tuple[str, str]] = {}
        for r in cities.itertuples(index=False):
            cid = str(r.city_id)
            name, name_zh = str(r.name), str(r.name_zh) if _is_text(r.name_zh) else ""
            city_names[cid] = (name, name_zh)
            index._add(_Place("city", cid, name, name_zh))
        has_former = "former_names_zh" in stations.columns
        for r in stations.itertuples(index=False):
            city_id = str(r.city_id) if _is_text(r.city_id) else ""
            place = _Place(
                "station",
                str(r.station_id),
                str(r.name),
                str(r.name_zh) if _is_text(r.name_zh) else "",
                city_id,
                str(r.kind),
                str(r.iata).strip().upper() if _is_text(getattr(r, "iata", None)) else "",
            )
            former_value = getattr(r, "former_names_zh", None) if has_former else None
            former = str(former_value) if _is_text(former_value) else ""
            index._add(place, city_names.get(city_id, ("", "")), former)
        return index

    def _key(self, text: str, step: int, place: _Place) -> None:
        folded = normalise_name(text)
        if folded:
            self.keys.setdefault(folded, set()).add((step, place.kind, place.pid))

    def _add(self, place: _Place, city: tuple[str, str] = ("", ""), former: str = "") -> None:
        self.places[(place.kind, place.pid)] = place
        for label in (place.pid, place.name, place.name_zh):
            if label:
                self.exact[place.kind].setdefault(label.strip().casefold(), place.pid)
                self._key(label, _NORMAL, place)
        if place.iata:
            self._key(place.iata, _NORMAL, place)
        bare = _BRACKETS.sub(" ", place.name).strip()
        if bare != place.name:
            self._key(bare, _SHORT, place)
        if place.kind == "city":
            return
        words = bare.split()
        if words and words[-1].casefold() in DIRECTION_PINYIN:
            pinyin = " ".join(words[:-1] + [DIRECTION_PINYIN[words[-1].casefold()]])
            self._key(pinyin, _NORMAL if bare == place.name else _SHORT, place)
        city_en, city_zh = city
        if place.station_kind == "airport":
            self._airport_keys(place, bare, city_en, city_zh)
        else:
            self._short_keys(place, bare, city_en, city_zh)
        for name in former.split(";"):
            if name.strip():
                self._key(name.strip(), _FORMER, place)

    def _short_keys(self, place: _Place, bare: str, city_en: str, city_zh: str) -> None:
        """A rail station's name without its city's: ``hongqiao``, ``虹桥`` (not a lone direction)."""
        if city_en and bare.casefold().startswith(city_en.casefold() + " "):
            rest = bare[len(city_en) :].strip()
            if rest.casefold() not in DIRECTION_PINYIN:
                self._key(rest, _SHORT, place)
        if city_zh and place.name_zh.startswith(city_zh):
            rest = place.name_zh[len(city_zh) :]
            if rest and rest not in _ZH_DIRECTIONS:
                self._key(rest, _SHORT, place)

    def _airport_keys(self, place: _Place, bare: str, city_en: str, city_zh: str) -> None:
        """``Pudong Airport``, ``Shanghai Pudong``, ``浦东机场``, ``上海浦东机场`` for 上海浦东国际机场."""
        en = re.sub(r"\s+international", "", bare, flags=re.IGNORECASE)
        core = re.sub(r"\s+airport$", "", en, flags=re.IGNORECASE).strip()
        forms_en = {en, core}
        zh = place.name_zh.replace("国际机场", "机场")
        core_zh = zh[: -len("机场")] if zh.endswith("机场") else zh
        forms_zh = {zh}
        if city_en and core.casefold().startswith(city_en.casefold() + " "):
            local = core[len(city_en) :].strip()
            forms_en |= {local + " airport"}
            self._key(local, _FORMER, place)  # "pudong": after every rail name ("hongqiao" is the station)
        if city_zh and core_zh.startswith(city_zh) and len(core_zh) > len(city_zh):
            local_zh = core_zh[len(city_zh) :]
            forms_zh |= {local_zh + "机场"}
            self._key(local_zh, _FORMER, place)
        for form in forms_en | forms_zh:
            self._key(form, _SHORT, place)

    # ------------------------------------------------------------------ resolving
    def resolve(
        self, key: str, kinds: Sequence[str] = ("city", "station"), *, where: str | None = ""
    ) -> tuple[str, str]:
        """``(kind, id)`` of the place ``key`` names, among ``kinds`` (``"city"``, ``"station"``).

        Parameters
        ----------
        key : str
            What the user typed (see the module notes for what is understood).
        kinds : sequence of {"city", "station"}
            Which kinds of place may answer, in order of preference for an exact name.
        where : str or None
            The network and date, for messages (``"network 'yrd' on 2026-09-01"``); None for a bare
            message (no suggestions).

        Raises
        ------
        AmbiguousPlaceError
            When the name fits several places; the message lists them (``.candidates`` too).
        UnknownPlaceError
            When nothing fits; the message suggests the closest names.
        """
        if not isinstance(key, str):
            raise TypeError(f"a place is named by a string (id, English or Chinese name), not {type(key).__name__}")
        kinds = tuple(kinds)
        text = key.strip()
        prefix, sep, rest = text.partition(":")
        if sep and prefix.strip().casefold() in ("city", "station") and prefix.strip().casefold() in kinds:
            kinds, text = (prefix.strip().casefold(),), rest.strip()
        folded = text.casefold()
        for kind in kinds:
            if folded in self.exact[kind]:
                return kind, self.exact[kind][folded]
        for variant, allowed in self._variants(text, kinds):
            found = self._find(variant, allowed)
            if found:
                return self._decide(key, found)
        raise UnknownPlaceError(self._unknown_message(key, text, kinds, where) if where is not None else key)

    def _variants(self, text: str, kinds: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        """The folded forms to look up, with the kinds each may mean: as typed, then without a suffix."""
        folded = normalise_name(text)
        out = [(folded, kinds)]
        for suffixes, kind in (
            (_STATION_SUFFIXES_ZH + _STATION_SUFFIXES_EN, "station"),
            (_CITY_SUFFIXES_ZH + _CITY_SUFFIXES_EN, "city"),
        ):
            if kind not in kinds:
                continue
            for suffix in suffixes:
                if folded.endswith(suffix) and len(folded) > len(suffix):
                    out.append((folded[: -len(suffix)], (kind,)))
                    break
        return out

    def _find(self, folded: str, kinds: tuple[str, ...]) -> list[_Place]:
        entries = [e for e in self.keys.get(folded, ()) if e[1] in kinds]
        if not entries:
            return []
        best = min(e[0] for e in entries)
        found = sorted({(e[1], e[2]) for e in entries if e[0] == best}, key=lambda kp: (kinds.index(kp[0]), kp[1]))
        places = [self.places[kp] for kp in found]
        if len(places) > 1 and all(p.kind == "station" and p.iata for p in places):
            flown = [p for p in places if p.pid in self.airports_with_flights]
            if flown and len({p.iata for p in places}) == 1:
                places = flown  # a code shared by a closed airport and its successor: the one with flights
        return places

    def _decide(self, key: str, found: list[_Place]) -> tuple[str, str]:
        if len(found) == 1:
            return found[0].kind, found[0].pid
        cities = [p for p in found if p.kind == "city"]
        if len(cities) == 1:
            return "city", cities[0].pid  # a name that is a city and its stations means the city
        listed = "; ".join(p.describe() for p in found)
        raise AmbiguousPlaceError(
            f"{key!r} fits {len(found)} places: {listed}; give one of their ids",
            candidates=[p.pid for p in found],
        )

    def _unknown_message(self, key: str, text: str, kinds: tuple[str, ...], where: str) -> str:
        what = " or ".join("a city" if k == "city" else "a station in service" for k in kinds)
        head = f"{key!r} is not {what}" + (f" of {where}" if where else "")
        head += " (ids, English, pinyin and Chinese names and IATA codes are accepted)"
        other = tuple(k for k in ("city", "station") if k not in kinds)
        if other:
            try:
                kind, pid = self.resolve(text, other, where=None)
            except UnknownPlaceError:
                pass
            else:
                place = self.places[(kind, pid)]
                if kind == "station":
                    city = f" in city {place.city_id!r}" if place.city_id else ""
                    return f"{head}; it names the station {place.describe()}{city}"
                named = [p for p in self.places.values() if p.kind == "station" and p.city_id == pid]
                named.sort(key=lambda p: (not p.name_zh.startswith(place.name_zh), p.station_kind == "airport", p.pid))
                mine = [p.pid for p in named]  # those named after the city first (温州南 for 温州)
                some = f"; its stations: {', '.join(mine[:6])}" + (", ..." if len(mine) > 6 else "") if mine else ""
                return f"{head}; it names the city {place.describe()}{some}"
        hint = self.suggest(text, kinds)
        return f"{head}; {hint}" if hint else head

    def suggest(self, text: str, kinds: Sequence[str] = ("city", "station"), n: int = 3) -> str:
        """``"did you mean 'wenzhou'?"``: the closest ids, Chinese names and IATA codes of similar length.

        Names are compared folded (:func:`normalise_name`); only names whose length is within a third
        of the typed one count, so that a short code (``SHX``) is not matched inside a long name.
        """
        folded = normalise_name(text)
        if not folded:
            return ""
        slack = max(1, len(folded) // 3)
        close = difflib.get_close_matches(
            folded,
            sorted(k for k in self.keys if abs(len(k) - len(folded)) <= slack),
            n=6 * n,
            cutoff=0.6,
        )
        out: list[str] = []
        seen: set[str] = set()
        for key in close:
            for _step, kind, pid in sorted(self.keys[key]):
                place = self.places[(kind, pid)]
                shown = next((lab for lab in (place.name_zh, place.iata) if lab and normalise_name(lab) == key), pid)
                if kind not in kinds or shown in seen:
                    continue
                seen.add(shown)
                out.append(repr(shown) + ("" if shown == pid else f" ({pid})"))
            if len(out) >= n:
                break
        out = out[:n]
        return "did you mean " + ", ".join(out) + "?" if out else ""
