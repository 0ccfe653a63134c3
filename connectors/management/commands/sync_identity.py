"""Read a public account of no member from its network's public API, as an operator.

    python manage.py sync_identity mastodon alice@example.social
    python manage.py sync_identity bluesky alice.bsky.social

Through the same sync path as connected accounts (one run, recorded); an opted-out account, or
one of a Klout member (whose own connection and privacy choices stand), is refused.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from connectors import registry
from connectors.errors import ConnectorError
from connectors.sync import PublicAccountRefused


class Command(BaseCommand):
    help = "Read a public Mastodon or Bluesky account (no member, no token) and store its activity."

    def add_arguments(self, parser) -> None:
        names = ", ".join(s.network for s in registry.public_sync_networks())
        parser.add_argument("network", help=f"One of: {names}.")
        parser.add_argument("handle", help="The account's address (alice@example.social) or handle.")

    def handle(self, *args, network: str, handle: str, **options) -> None:
        source = next((s for s in registry.public_sync_networks() if s.network == network), None)
        if source is None:
            names = ", ".join(s.network for s in registry.public_sync_networks())
            raise CommandError(f"{network!r} has no public API to read from here; choose one of: {names}.")
        try:
            outcome = registry.dotted(source.sync.public)(handle)
        except ValueError as error:
            raise CommandError(str(error)) from error
        except (ConnectorError, PublicAccountRefused) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
        run = outcome.run
        stats = run.stats or {}
        summary = (
            f"{stats.get('posts', 0)} new posts, {stats.get('interactions', 0)} new interactions, "
            f"{stats.get('identities', 0)} new accounts in {stats.get('requests', 0)} requests"
        )
        if run.status != run.Status.SUCCEEDED:
            raise CommandError(f"The read of {handle} stopped: {run.error} (stored so far: {summary}).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Read {source.label} {handle}: {summary}. Its score follows with the next recompute."
            )
        )
