"""Periodic sync of one connected Facebook Page: ``facebook_account_sync(account_id=...)``.

The lease, the retries, storing page by page and the run's record are every sync's
(``connectors.sync``); this is what a Page adds:

1. The Page (followers, verification), checking the token still reaches it. A Page's token,
   given for a long-lived user token, does not expire; a member who removes the app from the
   Page revokes it.
2. Its posts, newest first, back to the newest post of the last complete pass, with their
   reactions, comments and shares counts; the most recent posts' counts and named comments are
   read again each run (``engagement_posts`` of them).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from connectors import meta_graph
from connectors.errors import ConnectorError
from connectors.facebook.client import FacebookClient
from connectors.facebook.parser import NETWORK, POST_ID, parse_comments, parse_page, parse_posts, post_items
from connectors.facebook.source import SOURCE
from connectors.models import Post
from connectors.records import Origin
from connectors.sync import AccountSync, SyncOutcome, SyncPolicy, account_sync

ClientFactory = Callable[[str], FacebookClient]


def _default_client(access_token: str) -> FacebookClient:
    seconds = float(getattr(settings, "META_API_TIMEOUT_SECONDS", 30))
    return FacebookClient(access_token=access_token, timeout=(min(5.0, seconds), seconds))


def facebook_account_sync(
    *, account_id: int, policy: SyncPolicy | None = None, client_factory: ClientFactory | None = None
) -> SyncOutcome:
    return account_sync(
        account_id=account_id,
        sync_class=FacebookSync,
        run_source=SOURCE.sync.run_source,
        policy=policy,
        client_factory=client_factory or _default_client,
    )


class FacebookSync(AccountSync):
    network = NETWORK
    network_label = "Facebook"

    def steps(self) -> None:
        batch = parse_page(self.fetch("page", page_id=self.user_id))
        if [r.external_id for r in batch.identities] != [self.user_id]:
            raise ConnectorError(
                "the stored access no longer reaches the connected Facebook Page", permanent=True, auth=True
            )
        self.store(batch)
        self.newest_first_pass(
            "posts",
            page=lambda after: self.fetch("posts", page_id=self.user_id, after=after),
            times=lambda page: [str(item.get("created_time")) for item in post_items(page)],
            batch=lambda page, fresh: parse_posts(page, page_id=self.user_id),
            next_token=meta_graph.next_cursor,
        )
        self._recent()

    def _recent(self) -> None:
        recent = list(
            # Only posts the API gave: an id uploaded under the Page could name another Page's post.
            Post.objects.filter(
                author=self.account.identity, origin=Origin.API, external_id__startswith=f"{self.user_id}_"
            )
            .exclude(kind="comment")
            .order_by("-created_at")
            .values_list("external_id", flat=True)[: self.policy.engagement_posts]
        )
        for post_id in (p for p in recent if POST_ID.match(p)):
            try:
                page = self.fetch("comments", post_id=post_id)
            except ConnectorError as error:
                if error.permanent and not error.auth and error.status in (400, 404):
                    continue  # the post was deleted since it was stored
                raise
            self.store(parse_comments(page, post_id=post_id, page_id=self.user_id))
