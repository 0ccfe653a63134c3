"""The Graph API calls of a Facebook Page's sync, over ``connectors.meta_graph.GraphClient``
(with the Page's own token, which Meta gives for a Page the member manages)."""

from __future__ import annotations

from typing import Any

from connectors.meta_graph import GraphClient

PAGE_SIZE = 50
PAGE_FIELDS = "id,name,username,about,fan_count,followers_count,link,verification_status"
POST_FIELDS = (
    "id,message,created_time,permalink_url,status_type,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)
COMMENT_FIELDS = "id,message,created_time,from{id,name},like_count,comment_count"


class FacebookClient:
    def __init__(
        self, *, access_token: str, base: str | None = None, timeout: tuple[float, float] | None = None
    ) -> None:
        options = {"timeout": timeout} if timeout else {}
        self._graph = GraphClient(access_token=access_token, base=base, **options)

    def pages(self) -> dict[str, Any]:
        """The Pages the member manages, each with its own token (a user token's call)."""
        return self._graph.get("me/accounts", fields=f"{PAGE_FIELDS},access_token")

    def page(self, *, page_id: str) -> dict[str, Any]:
        return self._graph.get(page_id, fields=PAGE_FIELDS)

    def posts(self, *, page_id: str, after: str | None = None) -> dict[str, Any]:
        return self._graph.get(f"{page_id}/posts", fields=POST_FIELDS, limit=PAGE_SIZE, after=after)

    def comments(self, *, post_id: str, after: str | None = None) -> dict[str, Any]:
        return self._graph.get(
            f"{post_id}/comments", fields=COMMENT_FIELDS, filter="stream", limit=PAGE_SIZE, after=after
        )
