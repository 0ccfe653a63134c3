"""Re-encrypt every stored access token with the first key of TOKEN_ENCRYPTION_KEY.

After a key rotation (a new key put first) tokens stay under the old key until they are next
written; this writes them all now, so that the old key can then be removed from the list.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from connectors.services import tokens_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every stored access token with the first key of TOKEN_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        done, unreadable = tokens_reencrypt()
        self.stdout.write(f"re-encrypted the tokens of {done} connected accounts")
        if unreadable:
            self.stdout.write(
                f"{unreadable} accounts hold tokens no configured key opens: their members must reconnect"
            )
