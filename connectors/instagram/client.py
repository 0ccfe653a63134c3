"""The Instagram Graph API calls the sync makes, over ``connectors.meta_graph.GraphClient``."""

from __future__ import annotations

from typing import Any

from connectors.meta_graph import GraphClient

PAGE_SIZE = 50
USER_FIELDS = "id,username,name,biography,followers_count,follows_count,media_count"
MEDIA_FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count"
COMMENT_FIELDS = "id,text,timestamp,username,like_count"
TAG_FIELDS = "id,caption,media_type,permalink,timestamp,username,like_count,comments_count"


class InstagramClient:
    def __init__(
        self, *, access_token: str, base: str | None = None, timeout: tuple[float, float] | None = None
    ) -> None:
        options = {"timeout": timeout} if timeout else {}
        self._graph = GraphClient(access_token=access_token, base=base, **options)

    def accounts(self) -> dict[str, Any]:
        """The Facebook Pages the member manages, each with the Instagram account linked to it."""
        return self._graph.get("me/accounts", fields=f"id,name,instagram_business_account{{{USER_FIELDS}}}")

    def user(self, *, ig_user_id: str) -> dict[str, Any]:
        return self._graph.get(ig_user_id, fields=USER_FIELDS)

    def media(self, *, ig_user_id: str, after: str | None = None) -> dict[str, Any]:
        return self._graph.get(f"{ig_user_id}/media", fields=MEDIA_FIELDS, limit=PAGE_SIZE, after=after)

    def comments(self, *, media_id: str, after: str | None = None) -> dict[str, Any]:
        fields = f"{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}"
        return self._graph.get(f"{media_id}/comments", fields=fields, limit=PAGE_SIZE, after=after)

    def business_discovery(self, *, ig_user_id: str, username: str) -> dict[str, Any]:
        """Another professional account's public figures and recent media, by its username, asked
        through the brand's own account ``ig_user_id``."""
        fields = f"business_discovery.username({username}){{{USER_FIELDS},media.limit(25){{{MEDIA_FIELDS}}}}}"
        return self._graph.get(ig_user_id, fields=fields)

    def tags(self, *, ig_user_id: str, after: str | None = None) -> dict[str, Any]:
        return self._graph.get(f"{ig_user_id}/tags", fields=TAG_FIELDS, limit=PAGE_SIZE, after=after)
