"""The public opt-out's view of the networks: which can prove control by a code in the bio, how
their handles are written, and reading a profile. Each network's reader lives with its source
(``connectors.registry``, its ``profile`` module; see ``connectors.profiles``)."""

from __future__ import annotations

from types import ModuleType

from connectors import registry
from connectors.errors import ConnectorError
from connectors.profiles import PublicProfile

__all__ = ["ConnectorError", "PublicProfile", "handle_display", "handle_normalize", "profile_read"]


def _reader(network: str) -> ModuleType | None:
    source = registry.source_for_network(network)
    return registry.module(source.profile) if source and source.profile else None


def network_choices() -> list[tuple[str, str]]:
    """The networks whose accounts can be opted out here, as form choices."""
    return [(s.network, s.name) for s in registry.profile_networks()]


def network_label(network: str) -> str:
    source = registry.source_for_network(network)
    return source.label if source else network


def handle_normalize(*, network: str, raw: str) -> str:
    """The canonical handle, or ValueError with a message saying what form is expected."""
    reader = _reader(network)
    if reader is None:
        names = [name for _, name in network_choices()]
        raise ValueError(f"Choose {', '.join(names[:-1])} or {names[-1]}.")
    return reader.handle_normalize(raw)


def handle_display(*, network: str, handle: str) -> str:
    reader = _reader(network)
    return reader.handle_display(handle) if reader else f"@{handle}"


def bio_checks_configured(network: str) -> bool:
    """Whether this server can read the network's profiles (X needs a bearer token)."""
    reader = _reader(network)
    return bool(reader and reader.configured())


def profile_read(*, network: str, handle: str) -> PublicProfile:
    """The account's public profile; ``ConnectorError`` (for the person) when it cannot be read."""
    reader = _reader(network)
    if reader is None:
        raise ConnectorError(f"Accounts on {network} cannot be opted out by a code here.", permanent=True)
    return reader.profile_read(handle)
