"""Resolving the names of a goal file against one network, collecting every unknown name at once."""

from __future__ import annotations

from collections.abc import Iterable

from transit._files import did_you_mean
from transit.errors import Problem, UnknownPlaceError
from transit.goals.spec import Goal, Target, Tier


class _Resolver:
    """Turns the names of a goal file into ids of one network, collecting every unknown name."""

    def __init__(self, goal: Goal, network):
        self.goal = goal
        self.net = network
        self.groups = network.tables["groups"]
        self.group_ids = list(self.groups["group_id"])
        self._places: set[str] = set()

    def _problem(self, line, key, value, message) -> Problem:
        return Problem(self.goal.label or self.goal.id, line, key, value, message)

    def _line_of(self, ref: str, start: int | None) -> int | None:
        """The first line from ``start`` on that mentions ``ref`` in quotes (the key's own line)."""
        if not self.goal.text:
            return start
        lines = self.goal.text.splitlines()
        for k in range((start or 1) - 1, len(lines)):
            if f'"{ref}"' in lines[k] or f"'{ref}'" in lines[k]:
                return k + 1
        return start

    def expand(self, ref: str | tuple[str, ...], target: Target, tier: Tier, problems: list[Problem]) -> list[str]:
        """An origin (a place or a group, or a list of them) as a list of place ids."""
        out: list[str] = []
        for r in [ref] if isinstance(ref, str) else list(ref):
            if r in self.group_ids:
                members = list(self.net.group(r))
                self._places.update(members)
                out.extend(m for m in members if m not in out)
                continue
            line = target.line if target.origin else (tier.line if tier.origin else None)
            place = self.place(r, "origin", line, problems, group_ok=True)
            if place and place not in out:
                out.append(place)
        return out

    def expand_target(self, target: Target, problems: list[Problem]) -> list[str]:
        """A target's destinations as a list of place ids."""
        if target.kind == "group":
            if target.ref in self.group_ids:
                members = list(self.net.group(target.ref))
                self._places.update(members)
                return members
            hint = "; " + did_you_mean(
                target.ref,
                self.group_ids,
                n=3,
                cutoff=0.5,
                otherwise=f"known groups: {', '.join(self.group_ids) or 'none'}",
            )
            problems.append(
                self._problem(self._line_of(str(target.ref), target.line), "group", target.ref, f"unknown group{hint}")
            )
            return []
        refs = [target.ref] if target.kind == "place" else list(target.ref)
        out = []
        for r in refs:
            pid = self.place(r, target.kind, target.line, problems)
            if pid:
                out.append(pid)
        return out

    def place(
        self, ref: str, key: str, line: int | None, problems: list[Problem], group_ok: bool = False
    ) -> str | None:
        try:
            _kind, pid = self.net.resolve(ref)
            self._places.add(pid)
            return pid
        except (UnknownPlaceError, KeyError) as exc:
            # UnknownPlaceError's text is the message itself; a plain KeyError's is its repr()
            msg = (
                str(exc) if isinstance(exc, UnknownPlaceError) else str(exc).strip("'\"")
            ) or f"unknown place {ref!r}"
            if group_ok:
                close = did_you_mean(ref, self.group_ids)
                if close:
                    msg += f" (a group? {close})"
            problems.append(self._problem(self._line_of(ref, line), key, ref, msg))
            return None

    def check_stations(self) -> list[Problem]:
        """Check ``[goal.stations]``: known cities and stations (stations may be out of service)."""
        problems = []
        full = self.net.tables["stations"]
        known_st = set(full["station_id"])
        cities = set(self.net.tables["cities"]["city_id"])
        line = None
        if self.goal.text:
            for k, text in enumerate(self.goal.text.splitlines(), start=1):
                if text.strip().startswith("[goal.stations]"):
                    line = k
        for city, stations in self.goal.stations.items():
            if city not in cities:
                hint = did_you_mean(city, cities)
                hint = f"; {hint}" if hint else ""
                problems.append(
                    self._problem(
                        self._line_of(city, line) if line else line,
                        "stations",
                        city,
                        f"unknown city id in [goal.stations]{hint}",
                    )
                )
            for sid in stations:
                if sid not in known_st:
                    hint = did_you_mean(sid, known_st)
                    hint = f"; {hint}" if hint else ""
                    problems.append(
                        self._problem(
                            self._line_of(sid, line), "stations", sid, f"unknown station id in [goal.stations]{hint}"
                        )
                    )
        return problems

    @property
    def station_sets(self) -> dict[str, list[str]] | None:
        """City id -> the stations standing for it (station measure); None when every city uses all."""
        if self.goal.city_stations == "central" and not self.goal.stations:
            return None  # exactly travel_times' own choice
        return city_station_sets(self.net, sorted(self._places), self.goal.city_stations, self.goal.stations)

    def label(self, target: Target) -> tuple[str, str, str]:
        """The target's id and names for the report."""
        if target.kind == "group":
            row = self.groups[self.groups["group_id"] == target.ref].iloc[0]
            name_zh = row.get("name_zh")
            return (
                target.id or str(target.ref),
                target.name or str(row["name"]),
                target.name_zh or ("" if name_zh is None or name_zh != name_zh else str(name_zh)),
            )
        refs = [target.ref] if target.kind == "place" else list(target.ref)
        ids, names, names_zh = [], [], []
        for r in refs:
            kind, pid = self.net.resolve(r)
            row = self.net.city(pid) if kind == "city" else self.net.station(pid)
            ids.append(pid)
            names.append(str(row["name"]))
            names_zh.append(str(row["name_zh"]))
        return (target.id or "+".join(ids), target.name or " / ".join(names), target.name_zh or "/".join(names_zh))


def city_station_sets(
    network, places: Iterable[str], city_stations: str = "central", overrides: dict | None = None
) -> dict[str, list[str]]:
    """For each city among ``places``, the stations in service that stand for it in the station measure.

    Parameters
    ----------
    network : Network
    places : iterable of str
        Place ids; those that are not city ids (stations) are left out of the result.
    city_stations : {"central", "all"}
        ``central``: ``network.city_stations(city, central=True)``, as :func:`transit.travel_times`
        uses them; ``all``: every station and airport of the city.
    overrides : dict, optional
        City id -> station ids, used as given (those in service).

    Examples
    --------
    >>> import transit
    >>> sets = city_station_sets(transit.load_network(), ["wenzhou"])
    >>> "cangnan" in sets["wenzhou"], "wenzhou_south" in sets["wenzhou"]
    (False, True)
    """
    overrides = overrides or {}
    in_service = set(network.stations["station_id"])
    cities = set(network.tables["cities"]["city_id"])
    out = {}
    for pid in places:
        if pid not in cities:
            continue
        if pid in overrides:
            out[pid] = [s for s in overrides[pid] if s in in_service]
        else:
            out[pid] = network.city_stations(pid, central=(city_stations == "central"))
    return out
