"""Network data: the table schema, the checked loader, TOML sources and :class:`Network`.

The lowest floor above :mod:`transit.errors` and :mod:`transit.geo`: nothing here imports routing,
timetables, goals or maps.
"""

from transit.data.network import Network, as_date, bundled_networks_dir, load_network, network_path

__all__ = ["Network", "load_network", "as_date", "network_path", "bundled_networks_dir"]
