"""The Bluesky parser on the real recorded post view and profiles."""

from __future__ import annotations

import copy

from connectors.bluesky.parser import parse_feed, parse_posts, parse_thread, post_author
from tests.connectors.bluesky.fake_bluesky import FakeBluesky


def _kinds(batch) -> list[tuple[str, str, str]]:
    return sorted((i.kind, i.actor_id, i.target_id) for i in batch.interactions)


def test_the_recorded_post_is_a_quote_of_the_post_it_embeds():
    fake = FakeBluesky()
    batch = parse_posts([fake.post])
    post = batch.posts[0]
    quoted = fake.post["record"]["embed"]["record"]["record"]["uri"]
    assert (post.kind, post.parent_id, post.author_id) == ("quote", quoted, fake.did)
    assert batch.interactions == []  # it quotes its own post
    assert post_author(post.external_id) == fake.did


def test_a_repost_a_reply_a_quote_and_a_mention_by_others():
    fake = FakeBluesky()
    fan = fake.fans[0]
    repost = {"post": fake.post, "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": fan}}
    reply = copy.deepcopy(fake.post)
    reply["uri"] = f"at://{fan['did']}/app.bsky.feed.post/3reply"
    reply["author"] = fan
    reply["record"] = {
        "text": "Congrats @test.marshal.dev", "createdAt": fake.post["indexedAt"],
        "reply": {"parent": {"uri": fake.post["uri"]}, "root": {"uri": fake.post["uri"]}},
        "facets": [{"features": [{"$type": "app.bsky.richtext.facet#mention", "did": fake.fans[1]["did"]}]}],
    }  # fmt: skip
    assert _kinds(parse_feed([repost])) == [("repost", fan["did"], fake.did)]
    thread = {"post": fake.post, "replies": [{"$type": "app.bsky.feed.defs#threadViewPost", "post": reply}]}
    assert _kinds(parse_thread(thread)) == [
        ("mention", fan["did"], fake.fans[1]["did"]),
        ("reply", fan["did"], fake.did),
    ]


def test_a_post_whose_author_is_not_the_author_of_its_uri_is_refused():
    fake = FakeBluesky()
    forged = {**fake.post, "author": fake.fans[0]}
    assert parse_posts([forged]).posts == []


def test_malformed_views_give_records_or_nothing_never_an_error():
    fake = FakeBluesky()
    broken = copy.deepcopy(fake.post)
    broken["record"] = {"text": 5, "createdAt": "nonsense", "langs": "en", "facets": "x", "embed": []}
    assert parse_feed([None, {"post": 5}, {"post": broken, "reason": "x"}, "x"]).posts[0].text == ""
    assert (
        parse_thread({"replies": [5, {"$type": "app.bsky.feed.defs#blockedPost"}, {"replies": "x"}]}).posts
        == []
    )
