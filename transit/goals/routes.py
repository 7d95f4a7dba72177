"""Names, coordinates and line names for reports: routes as JSON-ready dicts with one-line summaries."""

from __future__ import annotations

import math

from transit.clock import format_clock


def _lookup(network) -> dict:
    """Names, coordinates and line names by id, built once per network (cached on the network)."""
    return network.cached(("report", "lookup"), lambda: _build_lookup(network))


def _build_lookup(network) -> dict:
    t = network.tables
    places = {}
    for r in t["cities"].itertuples():
        places[f"centre:{r.city_id}"] = (f"{r.name} centre", f"{r.name_zh}市中心", float(r.lat), float(r.lon))
        places[r.city_id] = (str(r.name), str(r.name_zh), float(r.lat), float(r.lon))
    for r in t["stations"].itertuples():
        places[r.station_id] = (str(r.name), str(r.name_zh), float(r.lat), float(r.lon))
    return {
        "places": places,
        "lines": dict(zip(t["lines"]["line_id"], t["lines"]["name"])),
        "chainage": {(r.line_id, r.station_id): float(r.chainage_km) for r in t["line_stations"].itertuples()},
    }


def place_row(network, node_id: str) -> tuple[str, str, float, float]:
    """Name, Chinese name, latitude and longitude of a graph node, for reports.

    Parameters
    ----------
    network : Network
    node_id : str
        A station, airport or city id, or a city centre ``centre:<city_id>``.

    Returns
    -------
    tuple of (str, str, float, float)
        ``(name, name_zh, lat, lon)``; ``(node_id, node_id, nan, nan)`` for an id the network does
        not know.
    """
    return _lookup(network)["places"].get(node_id, (node_id, node_id, math.nan, math.nan))


def line_name(network, via: str) -> str:
    """The name of a line (``Hangzhou-Wenzhou HSR``) from its id; anything else (a flight) unchanged."""
    return _lookup(network)["lines"].get(via, via)


def line_chainage_km(network) -> dict[tuple[str, str], float]:
    """Chainage (km) of every listed station of every line, by ``(line_id, station_id)`` (all dates)."""
    return _lookup(network)["chainage"]


def route_to_dict(network, route) -> dict:
    """A route as a JSON-ready dict: minutes, transfers, stations, lines, legs and a one-line summary."""
    legs = []
    for leg in route.legs:
        name_from = place_row(network, leg.from_id)[0]
        name_to = place_row(network, leg.to_id)[0]
        legs.append(
            {
                "from": leg.from_id,
                "to": leg.to_id,
                "from_name": name_from,
                "to_name": name_to,
                "kind": leg.kind,
                "via": leg.via,
                "minutes": round(float(leg.minutes), 1),
            }
        )
        if getattr(leg, "departure_minutes", None) is not None:  # a timetable journey: its train and times
            legs[-1].update(
                train=leg.train,
                departure=format_clock(leg.departure_minutes),
                arrival=format_clock(leg.arrival_minutes),
                wait_minutes=round(float(leg.wait_minutes or 0.0), 1),
            )
    stations = [legs[0]["from"]] + [leg["to"] for leg in legs] if legs else []
    lines = [leg["via"] for leg in legs if leg["kind"] in ("rail", "flight")]
    return {
        "minutes": json_minutes(route.minutes),
        "transfers": int(route.transfers),
        "stations": stations,
        "lines": lines,
        "legs": legs,
        "summary": _summary(network, legs),
    }


def _summary(network, legs: list[dict]) -> str:
    """``Wenzhou South -[Hangzhou-Wenzhou HSR]-> Hangzhou West`` for the vehicle legs of a route."""
    vehicle = [leg for leg in legs if leg["kind"] in ("rail", "flight")]
    if not vehicle:
        return "no vehicle leg" if legs else ""
    parts = [vehicle[0]["from_name"]]
    for k, leg in enumerate(vehicle):
        if k and leg["from"] != vehicle[k - 1]["to"]:
            parts.append(f"~{leg['from_name']}")  # a change of station (transfer leg)
        via = leg["via"] if leg["kind"] == "flight" else line_name(network, leg["via"])
        parts.append(f"[{via}] {leg['to_name']}")
    return " ".join(parts)


def place_names(network) -> dict[str, str]:
    """Id -> English name of every city, station and airport of a network (for reports)."""
    return {k: v[0] for k, v in _lookup(network)["places"].items()}


def json_minutes(x: float | None) -> float | None:
    """Minutes as a report writes them: rounded to 0.1, and None (JSON null) where missing or infinite."""
    return None if x is None or not math.isfinite(x) else round(float(x), 1)
