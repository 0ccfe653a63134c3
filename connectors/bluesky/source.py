"""Bluesky as a source: its accounts' public profiles, for the public opt-out."""

from connectors.registry import Source

SOURCE = Source(
    package="connectors.bluesky",
    network="bluesky",
    name="Bluesky",
    label="Bluesky",
    description="Opt a Bluesky account out by a code in its bio.",
    profile="connectors.bluesky.profile",
)
