"""The client and parser together, replaying tweepy's recordings of the real X API v2.

The recordings asked for default fields only, so these check what the client requests and
that the parser copes with the bare shape; the twarc2 pages (test_x_parser) cover metrics.
Matching ignores the query string: our requests ask for more fields than the recordings did.
The recorded bodies are gzip; vcrpy's stub does not hand them to urllib3's decoder under
urllib3 2, so the cassette is decoded on playback instead.
"""

from __future__ import annotations

import pytest
import vcr

from connectors.twitter.client import XClient
from connectors.twitter.parser import (
    parse_engagement_page,
    parse_tweets_page,
    parse_users_page,
    snowflake_time,
)


@pytest.fixture
def replay(fixtures_dir):
    def _replay(name: str):
        return vcr.VCR(
            cassette_library_dir=str(fixtures_dir / "twitter" / "tweepy-cassettes"),
            record_mode="none",
            match_on=["method", "host", "path"],
            decode_compressed_response=True,
        ).use_cassette(f"test_client_{name}.yaml")

    return _replay


@pytest.fixture
def client():
    return XClient(access_token="recorded")


def test_me_is_the_signed_in_identity(replay, client):
    with replay("get_me") as cassette:
        batch = parse_users_page(client.me())

    assert [(i.external_id, i.handle, i.name) for i in batch.identities] == [
        ("1072250532645998596", "TweepyDev", "Tweepy Testing")
    ]
    assert cassette.play_count == 1


def test_user_tweets_are_posts_of_the_timeline_owner_with_the_next_page_token(replay, client):
    with replay("get_users_tweets"):
        page = client.user_tweets(user_id="783214")
    batch = parse_tweets_page(page, author_id="783214")

    assert [p.external_id for p in batch.posts] == ["1577730467436138524", "1565318587736285184"]
    assert {p.author_id for p in batch.posts} == {"783214"}
    assert batch.posts[0].text.startswith("whoa, it works")
    assert batch.posts[0].created_at == snowflake_time("1577730467436138524")
    assert page["meta"]["next_token"] == "7140dibdnow9c7btw4232poeq0wapgnwgwqwvuwn3peex"


def test_liking_users_become_likes_of_the_post(replay, client):
    post_id = "1293593516040269825"
    with replay("get_liking_users"):
        page = client.liking_users(tweet_id=post_id)
    batch = parse_engagement_page(
        page, kind="like", post_id=post_id, post_author_id="6253282", post_created_at=snowflake_time(post_id)
    )

    assert len(batch.interactions) == len(page["data"]) == 43
    assert batch.interactions[0].actor_id == "77984765"
    assert {i.kind for i in batch.interactions} == {"like"}
    assert {i.post_id for i in batch.interactions} == {post_id}
    assert batch.identities[0].handle == "DanLimmert"


def test_retweeters_become_reposts_of_the_post(replay, client):
    post_id = "1415348607813832708"
    with replay("get_retweeters"):
        page = client.retweeters(tweet_id=post_id)
    batch = parse_engagement_page(
        page,
        kind="repost",
        post_id=post_id,
        post_author_id="2244994945",
        post_created_at=snowflake_time(post_id),
    )

    assert len(batch.interactions) == len(page["data"])
    assert (batch.interactions[0].actor_id, batch.identities[0].handle) == (
        "1438363597428572167",
        "iamsury71020583",
    )


def test_quote_tweets_without_author_fields_are_skipped_rather_than_misattributed(replay, client):
    with replay("get_quote_tweets"):
        page = client.quote_tweets(tweet_id="1293593516040269825")

    assert len(page["data"]) > 0
    assert len(parse_tweets_page(page, known_authors={"1293593516040269825": "6253282"})) == 0


def test_mentions_are_read_from_the_mentions_endpoint(replay, client):
    with replay("get_users_mentions") as cassette:
        page = client.user_mentions(user_id="783214", since_id="1578000000000000000")

    assert cassette.play_count == 1
    assert page["data"][0]["id"] == "1578516295611748353"
