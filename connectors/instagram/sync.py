"""Periodic sync of one connected Instagram professional account: ``instagram_account_sync``.

The lease, the retries, storing page by page and the run's record are every sync's
(``connectors.sync``); this is what Instagram adds:

1. Trade the long-lived token for a fresh one when it has less than a week left
   (``meta_graph.token_due``), storing it at once.
2. The account (followers, media count), checking the token still reaches it.
3. Its media, newest first, page by page back to the newest medium of the last complete pass,
   with their like and comment counts; the counts of the most recent media are read again with
   their comments and replies (``engagement_posts`` of them).
4. The media of others it is tagged in (a page each run: mentions).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from connectors import meta_graph
from connectors.errors import ConnectorError
from connectors.instagram.client import InstagramClient
from connectors.instagram.parser import (
    NETWORK,
    id_valid,
    media_items,
    parse_comments,
    parse_media,
    parse_tags,
    parse_user,
)
from connectors.instagram.source import SOURCE
from connectors.models import Post
from connectors.records import Origin
from connectors.services import account_tokens_store
from connectors.sync import AccountSync, SyncOutcome, SyncPolicy, account_sync

ClientFactory = Callable[[str], InstagramClient]


def _default_client(access_token: str) -> InstagramClient:
    seconds = float(getattr(settings, "META_API_TIMEOUT_SECONDS", 30))
    return InstagramClient(access_token=access_token, timeout=(min(5.0, seconds), seconds))


def instagram_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    return account_sync(
        account_id=account_id,
        sync_class=InstagramSync,
        run_source=SOURCE.sync.run_source,
        policy=policy,
        client_factory=client_factory or _default_client,
    )


class InstagramSync(AccountSync):
    network = NETWORK
    network_label = "Instagram"

    def token_expired(self) -> bool:
        return meta_graph.token_due(expires_at=self.account.token_expires_at)

    def refresh(self) -> None:
        tokens = meta_graph.token_extend(access_token=self.account.access_token)
        account_tokens_store(account_id=self.account.pk, tokens=tokens)
        self.account.access_token = tokens.access_token
        self.account.token_expires_at = tokens.expires_at

    def steps(self) -> None:
        user = self.fetch("user", ig_user_id=self.user_id)
        batch = parse_user(user)
        if [r.external_id for r in batch.identities] != [self.user_id]:
            raise ConnectorError(
                "the stored access no longer reaches the connected Instagram account",
                permanent=True,
                auth=True,
            )
        self.username = batch.identities[0].handle
        self.store(batch)
        self._media()
        self._comments()
        self.store(parse_tags(self.fetch("tags", ig_user_id=self.user_id), member_id=self.user_id))

    def _media(self) -> None:
        self.newest_first_pass(
            "media",
            page=lambda after: self.fetch("media", ig_user_id=self.user_id, after=after),
            times=lambda page: [str(item.get("timestamp")) for item in media_items(page)],
            batch=lambda page, fresh: parse_media(page, member_id=self.user_id),
            next_token=meta_graph.next_cursor,
        )

    def _comments(self) -> None:
        recent = (
            # Only media the API gave: an id uploaded under the account could name anyone's.
            Post.objects.filter(author=self.account.identity, origin=Origin.API)
            .exclude(kind="comment")
            .order_by("-created_at")
            .values_list("external_id", flat=True)[: self.policy.engagement_posts]
        )
        for media_id in (m for m in recent if id_valid(m)):
            after = None
            for _ in range(self.policy.max_pages):
                try:
                    page = self.fetch("comments", media_id=media_id, after=after)
                except ConnectorError as error:
                    if error.permanent and not error.auth and error.status in (400, 404):
                        break  # the medium was deleted since it was stored
                    raise
                self.store(
                    parse_comments(
                        page, media_id=media_id, member_id=self.user_id, member_username=self.username
                    )
                )
                after = meta_graph.next_cursor(page)
                if not after:
                    break
