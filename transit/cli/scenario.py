"""``transit scenario``: list scenarios, or show one and check that it applies to a network."""

from __future__ import annotations

import argparse

from transit.cli._common import EXIT_OK, network_at
from transit.data.network import load_network
from transit.scenarios import list_scenarios, load_scenario


def run(args: argparse.Namespace) -> int:
    """``transit scenario``: list scenarios, or show one and check that it applies."""
    if args.list or not args.scenario_name:
        rows = list_scenarios()
        width = max((len(r[0]) for r in rows), default=4)
        for sid, name, _path in rows:
            print(f"{sid:<{width}}  {name}")
        return EXIT_OK
    s = load_scenario(args.scenario_name)
    print(f"{s.id}: {s.name}" + (f" ({s.name_zh})" if s.name_zh else ""))
    if s.description:
        print("  " + " ".join(s.description.split()))
    for k, m in enumerate(s.modifications, start=1):
        keys = ", ".join(
            f"{key}={val}" for key, val in m.values.items() if key not in ("type", "source", "hypothesis", "note")
        )
        why = m.values.get("source") or f"hypothesis: {m.values.get('hypothesis')}"
        print(f"  {k}. {m.type}: {keys}\n     ({why})")
    net = network_at(load_network(args.network), args.year, None)
    after = s.apply(net)
    print(
        f"applies to network {net.label!r} on {net.date.isoformat()}: "
        f"{len(net.sections)} -> {len(after.sections)} sections in service, "
        f"{len(net.lines)} -> {len(after.lines)} lines, {len(net.flights)} -> {len(after.flights)} flights"
    )
    return EXIT_OK
