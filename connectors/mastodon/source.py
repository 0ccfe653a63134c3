"""Mastodon as a source: its accounts' public profiles, for the public opt-out."""

from connectors.registry import Source

SOURCE = Source(
    package="connectors.mastodon",
    network="mastodon",
    name="Mastodon",
    label="Mastodon",
    description="Opt a Mastodon account out by a code in its bio.",
    profile="connectors.mastodon.profile",
)
