"""Every field the Mastodon, Bluesky and YouTube parsers read is one their API really returns.

The parsers run on the recorded answers, each JSON object wrapped so that it logs the keys read
from it, with the entity it is (a status, an account, a post view...). Each key read must be a
field of that entity in the API's own schema: ``mastodon/return_types.json`` (Mastodon.py's list
of every entity's fields), ``bluesky/lexicons/`` (the AT Protocol's lexicons) and YouTube's
discovery document (inside google-api-python-client).
"""

from __future__ import annotations

import json
from pathlib import Path

from connectors.bluesky import parser as bluesky
from connectors.mastodon import parser as mastodon
from tests.conftest import FIXTURES, require
from tests.connectors.bluesky.fake_bluesky import FakeBluesky
from tests.connectors.mastodon.fake_mastodon import HOME, FakeMastodon


class Logged(dict):
    """A JSON object that notes each key read from it, as (entity, key)."""

    def __init__(self, data: dict, entity: str, seen: set, children: dict) -> None:
        super().__init__(data)
        self.entity, self.seen, self.children = entity, seen, children

    def _wrap(self, key, value):
        child = self.children.get((self.entity, key), f"{self.entity}.{key}")
        return wrap(value, child, self.seen, self.children)

    def get(self, key, default=None):
        self.seen.add((self.entity, key))
        return self._wrap(key, super().get(key, default))

    def __getitem__(self, key):
        self.seen.add((self.entity, key))
        return self._wrap(key, super().__getitem__(key))


def wrap(value, entity: str, seen: set, children: dict):
    if isinstance(value, dict):
        return Logged(value, entity, seen, children)
    if isinstance(value, list):
        return [wrap(item, entity, seen, children) for item in value]
    return value


def _unknown(seen: set, schema: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted(
        (entity, key) for entity, key in seen if key != "$type" and key not in schema.get(entity, set())
    )


MASTODON_CHILDREN = {
    ("Status", "account"): "Account", ("Status", "reblog"): "Status", ("Status", "mentions"): "StatusMention",
    ("Status", "quote"): "Quote", ("Quote", "quoted_status"): "Status", ("Account", "fields"): "AccountField",
    ("Notification", "status"): "Status", ("Notification", "account"): "Account",
    ("Context", "descendants"): "Status", ("Context", "ancestors"): "Status",
}  # fmt: skip


def test_the_mastodon_parser_reads_only_fields_of_mastodons_entities():
    path = FIXTURES / "mastodon" / "return_types.json"
    require(path.exists(), f"Mastodon's entity schemas are missing: {path}")
    schema = {entity["python_name"]: set(entity["fields"]) for entity in json.loads(path.read_text())}
    fake, seen = FakeMastodon(), set()

    def logged(value, entity):
        return wrap(value, entity, seen, MASTODON_CHILDREN)

    mastodon.parse_account(logged(fake.me, "Account"), home=HOME)
    statuses = mastodon.parse_statuses(logged(fake.statuses, "Status"), home=HOME)
    mastodon.parse_mentions(logged(fake.mentions, "Notification"), home=HOME)
    mastodon.parse_reactors(
        logged(fake.reblogged_by, "Account"), kind="repost", post_id="u", post_author_id="a@b.example",
        post_created_at=statuses.posts[0].created_at, home=HOME,
    )  # fmt: skip
    status = {"id": fake.context["descendants"][0]["in_reply_to_id"], "uri": "u", "account": fake.me}
    mastodon.parse_context(logged(fake.context, "Context"), status=logged(status, "Status"), home=HOME)
    assert (
        statuses.posts and ("Status", "favourites_count") in seen and ("Account", "followers_count") in seen
    )
    assert _unknown(seen, schema) == []


def _lexicon(name: str) -> dict:
    path = FIXTURES / "bluesky" / "lexicons" / f"{name}.json"
    require(path.exists(), f"the AT Protocol lexicon is missing: {path}")
    return json.loads(path.read_text())["defs"]


BLUESKY_CHILDREN = {
    ("feedViewPost", "post"): "postView", ("feedViewPost", "reason"): "reasonRepost",
    ("reasonRepost", "by"): "profile", ("postView", "author"): "profile", ("postView", "record"): "post",
    ("post", "reply"): "replyRef", ("replyRef", "parent"): "strongRef", ("replyRef", "root"): "strongRef",
    ("post", "embed"): "embed", ("embed", "record"): "embed", ("post", "facets"): "facet",
    ("facet", "features"): "facetMention", ("threadViewPost", "post"): "postView",
    ("threadViewPost", "replies"): "threadViewPost", ("like", "actor"): "profile",
}  # fmt: skip


def test_the_bluesky_parser_reads_only_fields_of_the_lexicons():
    actor, feed = _lexicon("app.bsky.actor.defs"), _lexicon("app.bsky.feed.defs")
    embed_record, with_media = _lexicon("app.bsky.embed.record"), _lexicon("app.bsky.embed.recordWithMedia")
    post, facet = _lexicon("app.bsky.feed.post"), _lexicon("app.bsky.richtext.facet")
    definitions = {
        "postView": feed["postView"],
        "feedViewPost": feed["feedViewPost"],
        "reasonRepost": feed["reasonRepost"],
        "threadViewPost": feed["threadViewPost"],
        "like": _lexicon("app.bsky.feed.getLikes")["like"],
        "post": post["main"]["record"],
        "replyRef": post["replyRef"],
        "strongRef": _lexicon("com.atproto.repo.strongRef")["main"],
        "facet": facet["main"],
        "facetMention": facet["mention"],
    }
    schema = {name: set(definition["properties"]) for name, definition in definitions.items()}
    schema["profile"] = {
        key
        for view in ("profileViewBasic", "profileView", "profileViewDetailed")
        for key in actor[view]["properties"]
    }
    # An embed's "record" is a strong ref (app.bsky.embed.record) or that embed (recordWithMedia).
    schema["embed"] = (
        set(embed_record["main"]["properties"]) | set(with_media["main"]["properties"]) | schema["strongRef"]
    )
    fake, seen = FakeBluesky(), set()

    def logged(value, entity):
        return wrap(value, entity, seen, BLUESKY_CHILDREN)

    bluesky.parse_profile(logged(fake.profile, "profile"))
    repost = {"post": fake.post, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": fake.fans[0]}}
    bluesky.parse_feed(logged([{"post": fake.post}, repost], "feedViewPost"))
    likes = [{"actor": fan, "createdAt": fake.post["indexedAt"]} for fan in fake.fans]
    bluesky.parse_likes(logged(likes, "like"), post_id="u", post_author_id="did:plc:x", post_created_at=None)
    bluesky.parse_thread(
        logged({"post": fake.post, "replies": [{"post": fake.post, "replies": []}]}, "threadViewPost")
    )
    assert (
        ("postView", "likeCount") in seen
        and ("profile", "followersCount") in seen
        and ("embed", "record") in seen
    )
    assert _unknown(seen, schema) == []


def _discovery_schemas() -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
    """YouTube's resources from the discovery document google-api-python-client ships (the API's
    own description of itself): each schema's fields, and the schema each field holds."""
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "youtube.v3.json"
    document = json.loads(path.read_text())
    fields: dict[str, set[str]] = {}
    children: dict[tuple[str, str], str] = {}

    def visit(name: str, schema: dict) -> None:
        fields[name] = set(schema.get("properties", {}))
        for key, prop in schema.get("properties", {}).items():
            held = prop.get("items", prop)
            if "$ref" in held:
                children[(name, key)] = held["$ref"]
            elif held.get("type") == "object" and "properties" in held:
                visit(f"{name}.{key}", held)
                children[(name, key)] = f"{name}.{key}"

    for name, schema in document["schemas"].items():
        visit(name, schema)
    return fields, children


def test_the_youtube_parser_reads_only_fields_of_the_apis_resources():
    from connectors.youtube import parser as youtube
    from tests.connectors.youtube.fake_youtube import CHANNEL_ID, FakeYouTube

    schema, children = _discovery_schemas()
    fake, seen = FakeYouTube(), set()

    def logged(value, entity):
        return wrap(value, entity, seen, children)

    channel = youtube.my_channel(logged(fake.channel, "ChannelListResponse"))
    youtube.channel_record(channel)
    youtube.uploads_playlist(channel)
    for page in fake.playlist_pages:
        youtube.playlist_videos(logged(page, "PlaylistItemListResponse"), channel_id=CHANNEL_ID)
        youtube.next_page(logged(page, "PlaylistItemListResponse"))
    videos = {"items": [fake.video(item, n) for n, item in enumerate(fake.uploads)]}
    assert youtube.parse_videos(logged(videos, "VideoListResponse"), channel_id=CHANNEL_ID).posts
    threads = logged(fake.threads, "CommentThreadListResponse")
    assert youtube.parse_comment_threads(threads, channel_id=CHANNEL_ID).interactions
    youtube.threads_with_more_replies(threads, channel_id=CHANNEL_ID)
    youtube.thread_times(threads)
    youtube.parse_replies(
        logged(fake.reply_pages[0], "CommentListResponse"),
        channel_id=CHANNEL_ID, thread_id=fake.replied_thread, thread_author="UC" + "a" * 22, video_id=None,
    )  # fmt: skip
    assert ("VideoStatistics", "viewCount") in seen and ("ChannelStatistics", "subscriberCount") in seen
    assert ("CommentSnippetAuthorChannelId", "value") in seen
    assert _unknown(seen, schema) == []
