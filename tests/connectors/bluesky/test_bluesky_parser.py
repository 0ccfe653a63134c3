"""The Bluesky parser on the real recorded post view and profiles."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

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


def test_a_date_at_the_edge_of_the_calendar_is_no_date():
    """Anyone can write any createdAt in a record; year 1 or 9999 would overflow when stored."""
    fake = FakeBluesky()
    for written in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        post = copy.deepcopy(fake.post)
        post["record"]["createdAt"] = written
        assert parse_posts([post]).posts[0].created_at.year == datetime.now(UTC).year  # its indexedAt


def test_a_pds_address_must_be_an_https_server_and_nothing_else(settings):
    from connectors.bluesky.session import _endpoint_valid

    settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES = False
    assert _endpoint_valid("https://pds.example.com") and _endpoint_valid("https://pds.example.com/")
    for bad in (
        "http://pds.example.com", "https://h:99999", "https://[x", "https://u:p@pds.example.com",
        "https://pds.example.com/?a=1", "https://pds.example.com/path", "https://" + "a" * 250 + ".com",
    ):  # fmt: skip
        assert not _endpoint_valid(bad), bad
