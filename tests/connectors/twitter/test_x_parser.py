"""The parser on real API v2 pages recorded by twarc2 (with public_metrics and includes)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from connectors.errors import ConnectorError
from connectors.twitter.parser import (
    parse_engagement_page,
    parse_tweets_page,
    parse_users_page,
    snowflake_time,
)


def _page(fixtures_dir, name: str) -> dict:
    with open(fixtures_dir / "twitter" / "twarc2-pages" / f"{name}.jsonl") as f:
        return json.loads(f.readline())


def test_a_retweet_becomes_a_repost_of_the_original_author_with_its_context(fixtures_dir):
    batch = parse_tweets_page(_page(fixtures_dir, "two_tweets"))

    assert {i.handle: i.followers for i in batch.identities} == {"LachiVeronica": 0, "bibaigna96": 1}
    posts = {p.external_id: p for p in batch.posts}
    assert set(posts) == {"1394735776701816833", "1391677057810288641"}
    retweet = posts["1394735776701816833"]
    assert retweet.kind == "repost"
    assert retweet.parent_id == "1391677057810288641"
    assert retweet.created_at == datetime(2021, 5, 18, 19, 24, 56, tzinfo=UTC)
    assert retweet.language == ""  # "und": X could not tell
    # A retweet reports the original's counts; they must not be credited to the retweeter.
    assert (retweet.reposts, retweet.likes) == (None, None)
    original = posts["1391677057810288641"]
    assert (original.kind, original.author_id, original.reposts, original.likes) == (
        "post",
        "1380086327023169540",
        1,
        0,
    )
    # The "RT @bibaigna96" mention is the original's text, not a second interaction.
    assert [(i.kind, i.actor_id, i.target_id, i.post_id) for i in batch.interactions] == [
        ("repost", "1379899464345923590", "1380086327023169540", "1391677057810288641")
    ]


def test_a_search_page_yields_every_author_post_and_interaction(fixtures_dir):
    batch = parse_tweets_page(_page(fixtures_dir, "brexit"))

    assert len(batch.identities) == 177  # includes.users, all distinct
    # 100 tweets on the page plus 59 referenced tweets, 4 of which are also on the page.
    assert len(batch.posts) == 155
    assert Counter(p.kind for p in batch.posts)["repost"] == 67
    kinds = Counter(i.kind for i in batch.interactions)
    # 67 retweets, 11 quotes; 10 replies of which one replies to its own author (a thread).
    assert (kinds["repost"], kinds["quote"], kinds["reply"]) == (67, 11, 9)
    assert all(i.actor_id != i.target_id for i in batch.interactions)


def test_a_reply_targets_the_replied_to_author_and_does_not_also_count_as_a_mention(fixtures_dir):
    batch = parse_tweets_page(_page(fixtures_dir, "brexit"))

    to_addressee = [
        (i.kind, i.post_id)
        for i in batch.interactions
        if (i.actor_id, i.target_id) == ("870028999", "1717521084") and i.kind != "repost"
    ]
    # The tweet starts "@AndrewKnight226 ...": the addressee, already the reply's target.
    # (The same author also retweeted the tweet they replied to: a separate repost.)
    assert to_addressee == [("reply", "1440621713281093641")]
    assert not [i for i in batch.interactions if i.actor_id == "1533459110" and i.kind == "reply"]


def test_a_quote_keeps_its_own_metrics_and_links_to_the_quoted_author(fixtures_dir):
    batch = parse_tweets_page(_page(fixtures_dir, "brexit"))

    quote = next(p for p in batch.posts if p.external_id == "1440715975020584960")
    assert (quote.kind, quote.author_id, quote.parent_id) == ("quote", "102658803", "1440660748275834882")
    assert (quote.reposts, quote.replies, quote.likes, quote.quotes, quote.language) == (0, 0, 0, 0, "en")
    assert quote.url == "https://x.com/Munku1/status/1440715975020584960"
    interaction = next(i for i in batch.interactions if i.actor_id == "102658803")
    assert (interaction.kind, interaction.target_id) == ("quote", "963465855538524162")
    author = next(i for i in batch.identities if i.external_id == "102658803")
    assert (author.handle, author.followers, author.following, author.posts) == ("Munku1", 528, 469, 29043)
    assert (author.verified, author.location) == (False, "Chesterfield")


def test_a_users_page_keeps_each_user_once(fixtures_dir):
    page = _page(fixtures_dir, "users")
    batch = parse_users_page(page)

    # The recording lists 96 users, 5 of them twice.
    assert len(page["data"]) == 96
    assert len(batch.identities) == 91
    first = next(i for i in batch.identities if i.external_id == "119369819")
    assert (first.handle, first.followers, first.following, first.posts) == ("DoDirty78", 580, 518, 55186)
    assert (first.location, first.bio) == ("NC", "Love is the highest form of understanding")
    assert batch.posts == [] and batch.interactions == []


def test_a_timeline_page_without_author_ids_uses_the_timeline_owner_and_the_id_for_time():
    page = {"data": [{"id": "1440715975020584960", "text": "default fields only"}]}

    (post,) = parse_tweets_page(page, author_id="783214").posts

    assert post.author_id == "783214"
    # The brexit recording gives this tweet's created_at as 2021-09-22T16:33:50.000Z.
    assert post.created_at.replace(microsecond=0) == datetime(2021, 9, 22, 16, 33, 50, tzinfo=UTC)


def test_tweets_whose_author_cannot_be_known_are_skipped_not_guessed():
    page = {"data": [{"id": "1577730467436138524", "text": "@Twitter hello"}]}

    assert len(parse_tweets_page(page)) == 0


def test_engagement_lists_become_likes_dated_at_the_post_and_skip_the_author():
    page = {
        "data": [{"id": "1", "username": "a"}, {"id": "2", "username": "b"}, {"id": "9", "username": "me"}]
    }
    when = snowflake_time("1293593516040269825")

    batch = parse_engagement_page(
        page, kind="like", post_id="1293593516040269825", post_author_id="9", post_created_at=when
    )

    assert [(i.kind, i.actor_id, i.target_id, i.occurred_at) for i in batch.interactions] == [
        ("like", "1", "9", when),
        ("like", "2", "9", when),
    ]
    assert len(batch.identities) == 3


def test_a_page_whose_data_is_not_a_list_or_object_is_an_error():
    with pytest.raises(ConnectorError) as caught:
        parse_tweets_page({"data": "surprise"})
    assert caught.value.permanent is False


def test_the_lists_an_account_is_on_are_read_with_its_other_counts(fixtures_dir):
    batch = parse_tweets_page(_page(fixtures_dir, "kpop"))
    bts = next(identity for identity in batch.identities if identity.handle == "BTS_twt")
    assert (bts.followers, bts.listed) == (39_402_837, 115_212)
