"""X API v1.1 statuses, replayed from tweepy's recordings through tweepy's own v1.1 client.

An archive's tweets are v1.1 statuses, and tools such as twarc 1 saved the API's; both are
read by ``connectors.twitter.statuses``. Expected values were read off the recordings.
"""

from __future__ import annotations

import io
import json

import pytest
import tweepy
import vcr

from connectors.jsonl.imports import activity_import_jsonl
from connectors.records import Batch
from connectors.twitter.statuses import v1_status_records


@pytest.fixture
def v1_api(fixtures_dir):
    recordings = vcr.VCR(
        cassette_library_dir=str(fixtures_dir / "twitter" / "tweepy-cassettes"),
        record_mode="none",
        match_on=["method", "host", "path"],
        serializer="json",
        decode_compressed_response=True,
    )
    api = tweepy.API(tweepy.OAuth1UserHandler("key", "secret", "token", "token-secret"))
    return recordings, api


def _batch(statuses) -> Batch:
    batch = Batch()
    for status in statuses:
        v1_status_records(status._json, batch)
    return batch


def _timelines(v1_api) -> list:
    recordings, api = v1_api
    with recordings.use_cassette("testusertimeline.json"):
        # Recorded in this order: the signed-in account's timeline, then @Twitter's.
        return api.user_timeline() + api.user_timeline(screen_name="Twitter")


def test_user_timelines_give_each_post_with_its_author_and_counts(v1_api):
    batch = _batch(_timelines(v1_api))

    assert len(batch.posts) == 24
    authors = {
        i.external_id: i for i in batch.identities if i.external_id in {"1072250532645998596", "783214"}
    }
    tweepy_dev, twitter = authors["1072250532645998596"], authors["783214"]
    assert (tweepy_dev.handle, tweepy_dev.followers, tweepy_dev.following, tweepy_dev.posts) == (
        "TweepyDev",
        1,
        4,
        4,
    )
    assert (twitter.handle, twitter.followers, twitter.verified, twitter.location) == (
        "Twitter",
        58_778_710,
        True,
        "everywhere",
    )
    first = batch.posts[0]
    assert (first.external_id, first.author_id, first.kind, first.language) == (
        "1149914662164684800",
        "1072250532645998596",
        "post",
        "en",
    )
    assert first.created_at.isoformat() == "2019-07-13T05:33:14+00:00"


def test_replies_are_reply_interactions_to_the_author_replied_to(v1_api):
    batch = _batch(_timelines(v1_api))

    replies = [p for p in batch.posts if p.kind == "reply"]
    assert len(replies) == 19  # and one post of its own, "roast 2020. go."
    assert {p.author_id for p in replies} == {"783214"}
    reply = next(p for p in replies if p.external_id == "1341793727208181762")
    assert (reply.parent_id, reply.reposts, reply.likes, reply.language) == (
        "1341404809354760192",
        100,
        1043,
        "",
    )
    reply_edges = [i for i in batch.interactions if i.kind == "reply"]
    assert len(reply_edges) == 19
    # Three continue a thread of @Twitter's own (the score drops such self-replies), and
    # the account each names is mentioned.
    assert sum(i.target_id == "783214" for i in reply_edges) == 3
    mentions = sorted(i.target_id for i in batch.interactions if i.kind == "mention")
    assert mentions == ["1233807379034247169", "1250583255209869314", "35245659"]
    edge = next(i for i in reply_edges if i.post_id == "1341404809354760192")
    assert (edge.actor_id, edge.target_id) == ("783214", "211002550")
    # The account replied to is named in the text too: that mention is the reply, not a second act.
    assert not [i for i in batch.interactions if i.kind == "mention" and i.target_id == "211002550"]
    assert any(i.external_id == "211002550" and i.handle == "TreyNKennedy" for i in batch.identities)


def test_retweets_are_reposts_of_the_original_and_carry_its_author(v1_api):
    recordings, api = v1_api
    with recordings.use_cassette("testgetretweets.json"):
        statuses = api.get_retweets(266367358078169089)
    batch = _batch(statuses)

    reposts = [i for i in batch.interactions if i.kind == "repost"]
    assert len(reposts) == 15
    assert len({i.actor_id for i in reposts}) == 14  # one account reposted twice (two statuses)
    assert {(i.target_id, i.post_id) for i in reposts} == {("783214", "266367358078169089")}
    # A repost's text is the original's: its mentions are the original author's, not the reposter's.
    assert [i for i in batch.interactions if i.kind == "mention"] == []
    original = next(i for i in batch.identities if i.external_id == "783214")
    assert (original.handle, original.followers) == ("Twitter", 56_335_783)
    assert all(p.reposts is None and p.likes is None for p in batch.posts)


def test_saved_statuses_import_as_json_lines_and_a_broken_one_is_rejected_by_line(v1_api, db):
    statuses = [status._json for status in _timelines(v1_api)]
    broken = {key: value for key, value in statuses[0].items() if key != "id"} | {"id_str": "not-a-number"}
    lines = (
        [json.dumps(s) for s in statuses[:3]] + [json.dumps(broken)] + [json.dumps(s) for s in statuses[3:]]
    )

    report = activity_import_jsonl(stream=io.BytesIO("\n".join(lines).encode()))

    assert report.read == 25
    assert [(r.line, r.reason) for r in report.rejected_lines] == [(4, "a tweet has no id_str")]
    assert report.ingest.posts.new == 24
    assert report.ingest.interactions.new == 19 + 3  # the replies and the mentions above
    again = activity_import_jsonl(stream=io.BytesIO("\n".join(lines).encode()))
    assert again.ingest.posts.new == again.ingest.interactions.new == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"entities": ["a"]}, None),
        ({"full_text": 5}, "has a text that is not a string"),
        ({"retweeted_status": {"id_str": "1", "user": "x"}}, None),
        ({"user": {"id_str": "12", "followers_count": "²"}}, None),
        ({"user": {"id_str": "²"}}, "a user has no id_str"),
        ({"created_at": 5}, "has no readable created_at"),
    ],
)
def test_a_status_with_fields_of_odd_types_is_read_or_rejected_by_line_never_fatal(
    v1_api, db, change, reason
):
    good = _timelines(v1_api)[0]._json
    lines = [json.dumps(good), json.dumps({**good, **change, "id_str": "42"})]

    report = activity_import_jsonl(stream=io.BytesIO("\n".join(lines).encode()))

    assert report.read == 2
    if reason is None:
        assert report.rejected_lines == []
        assert report.ingest.posts.new == 2
    else:
        assert [r.line for r in report.rejected_lines] == [2]
        assert reason in report.rejected_lines[0].reason
        assert report.ingest.posts.new == 1


def _status(v1_api, **changes) -> dict:
    """The first recorded status of @TweepyDev (a plain post), changed."""
    return {**_timelines(v1_api)[0]._json, **changes}


def _mention(user_id: str, handle: str) -> dict:
    return {"id_str": user_id, "screen_name": handle, "name": handle}


def test_a_streamed_status_is_read_whole_from_its_extended_tweet(v1_api):
    whole = "x" * 150 + " @bob"
    status = _status(
        v1_api,
        text="x" * 137 + "…",
        truncated=True,
        extended_tweet={"full_text": whole, "entities": {"user_mentions": [_mention("99", "bob")]}},
    )
    batch = Batch()
    v1_status_records(status, batch)

    assert batch.posts[0].text == whole
    assert [(i.kind, i.target_id) for i in batch.interactions] == [("mention", "99")]


def test_an_answer_to_an_account_but_to_no_status_of_it_mentions_it(v1_api):
    status = _status(
        v1_api,
        text="@bob hello",
        in_reply_to_user_id_str="99",
        in_reply_to_status_id_str=None,
        entities={"user_mentions": [_mention("99", "bob")]},
    )
    batch = Batch()
    v1_status_records(status, batch)

    assert batch.posts[0].kind == "post"
    assert [(i.kind, i.target_id) for i in batch.interactions] == [("mention", "99")]


def test_a_quote_is_an_interaction_with_the_quoted_author_who_is_stored_with_their_counts(v1_api):
    quoted_author = {"id_str": "783214", "screen_name": "Twitter", "followers_count": 5}
    status = _status(
        v1_api,
        quoted_status_id_str="1341793727208181762",
        quoted_status={"id_str": "1341793727208181762", "user": quoted_author},
        entities={"user_mentions": [_mention("783214", "Twitter")]},
    )
    batch = Batch()
    v1_status_records(status, batch)

    assert (batch.posts[0].kind, batch.posts[0].parent_id) == ("quote", "1341793727208181762")
    assert [(i.kind, i.target_id, i.post_id) for i in batch.interactions] == [
        ("quote", "783214", "1341793727208181762")
    ]
    assert any(i.external_id == "783214" and i.followers == 5 for i in batch.identities)
