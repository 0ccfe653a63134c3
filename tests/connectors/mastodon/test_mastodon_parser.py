"""The Mastodon parser on real recorded statuses: reblogs, replies, quotes and mentions."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from connectors.mastodon.parser import account_id, newest_id, parse_context, parse_reactors, parse_statuses
from tests.connectors.mastodon.fake_mastodon import CASSETTES, REAL, _bodies

HOME = "social.example"


def _posted(name: str, suffix: str = "/statuses") -> list[dict]:
    return [b for m, uri, b in _bodies(CASSETTES / name) if m == "POST" and uri.endswith(suffix)]


def _kinds(batch) -> list[tuple[str, str, str]]:
    return sorted((i.kind, i.actor_id, i.target_id) for i in batch.interactions)


def test_a_local_account_gets_its_servers_name_and_a_remote_one_keeps_its_own():
    assert account_id({"acct": "Alice"}, home=HOME) == "alice@social.example"
    assert account_id({"acct": "bob@Other.Example"}, home=HOME) == "bob@other.example"
    assert account_id({"acct": ""}, home=HOME) is None and account_id({}, home=HOME) is None


def test_a_reblog_is_a_repost_of_the_original_which_keeps_its_own_counts():
    reblog = _posted("test_status_reblog_unreblog.yaml", "/reblog")[0]
    batch = parse_statuses([reblog], home=HOME)
    wrapper = next(p for p in batch.posts if p.kind == "repost")
    original = next(p for p in batch.posts if p.external_id == reblog["reblog"]["uri"])
    assert wrapper.parent_id == original.external_id and wrapper.likes is None and wrapper.text == ""
    assert original.reposts == reblog["reblog"]["reblogs_count"]
    reblogger = account_id(reblog["account"], home=HOME)
    author = account_id(reblog["reblog"]["account"], home=HOME)
    expected = [] if reblogger == author else [("repost", reblogger, author)]
    assert _kinds(batch) == expected


def test_a_reply_is_to_the_account_it_answers_named_through_its_mentions():
    reply = _posted("test_status_reply.yaml")[1]
    assert reply["in_reply_to_id"]
    batch = parse_statuses([reply], home=HOME)
    assert batch.posts[0].kind == "reply"
    assert _kinds(batch) == [("reply", "admin@social.example", "mastodonpy_test_2@social.example")]


def test_a_quote_names_the_quoted_status_and_its_author():
    quoting = _posted("test_status_post_with_quote.yaml")[1]
    batch = parse_statuses([quoting], home=HOME)
    post = next(p for p in batch.posts if p.external_id == quoting["uri"])
    assert post.kind == "quote" and post.parent_id == quoting["quote"]["quoted_status"]["uri"]
    # The recorded account quotes itself: its own quote moves no one.
    assert _kinds(batch) == []


def test_favourites_and_reblogs_are_reactions_dated_at_the_status():
    when = datetime(2026, 12, 1, tzinfo=UTC)
    accounts = [
        b
        for m, uri, b in _bodies(CASSETTES / "test_status_reblogged_by.yaml")
        if uri.endswith("/reblogged_by")
    ][0]
    batch = parse_reactors(
        accounts, kind="repost", post_id="https://social.example/s/1", post_author_id="me@social.example",
        post_created_at=when, home=HOME,
    )  # fmt: skip
    assert [(i.kind, i.actor_id, i.occurred_at) for i in batch.interactions] == [
        ("repost", "mastodonpy_test_2@social.example", when)
    ]


def test_a_reply_in_a_thread_is_to_the_author_of_the_status_it_answers():
    context = _bodies(REAL / "test_entity_context.yaml")[0][2]
    reply = context["descendants"][0]
    # Recorded on mastodon.social: halcy answering the status whose context was asked for, their own.
    assert reply["account"]["acct"] == "halcy" and reply["in_reply_to_account_id"] == reply["account"]["id"]
    status_id = reply["in_reply_to_id"]
    status = {"id": status_id, "uri": f"https://mastodon.social/users/halcy/statuses/{status_id}"}
    status["account"] = reply["account"]
    batch = parse_context({"descendants": [reply]}, status=status, home="mastodon.social")
    assert _kinds(batch) == []
    assert batch.posts[0].kind == "reply" and batch.posts[0].parent_id == status["uri"]
    # The same reply under someone else's status is a reply to them.
    other = {**status, "account": {"id": "1", "acct": "ada"}}
    assert _kinds(parse_context({"descendants": [reply]}, status=other, home="mastodon.social")) == [
        ("reply", "halcy@mastodon.social", "ada@mastodon.social")
    ]


def test_a_server_speaks_only_for_its_own_accounts_and_statuses():
    """A server anyone can run cannot write counts, bios, posts or reactions of other servers' people."""
    reply = _posted("test_status_reply.yaml")[1]  # admin answers mastodonpy_test_2, both local
    remote = copy.deepcopy(reply)
    remote["account"] = {**remote["account"], "acct": "victim@mastodon.social", "followers_count": 0}
    for mention in remote["mentions"]:
        mention["acct"] = "other@mastodon.social"
    batch = parse_statuses([remote], home=HOME)
    assert batch.posts == [] and batch.interactions == []
    victim = next(i for i in batch.identities if i.external_id == "victim@mastodon.social")
    assert (victim.followers, victim.bio, victim.name) == (None, "", "")
    # The same reply to an account of the answering server is a reaction it vouches for.
    remote["mentions"][0]["acct"] = "mastodonpy_test_2"
    assert _kinds(parse_statuses([remote], home=HOME)) == [
        ("reply", "victim@mastodon.social", "mastodonpy_test_2@social.example")
    ]


def test_a_link_that_is_not_an_address_on_the_answering_server_is_dropped():
    status = copy.deepcopy(_posted("test_status_reply.yaml")[1])
    status["url"] = "javascript:alert(document.cookie)"
    assert parse_statuses([status], home=HOME).posts[0].url == ""
    status["url"] = "https://elsewhere.example/@admin/1"
    assert parse_statuses([status], home=HOME).posts[0].url == ""


def test_malformed_answers_give_records_or_nothing_never_an_error():
    status = copy.deepcopy(_posted("test_status_reply.yaml")[1])
    status.update(content=5, created_at="2026-12-01T10:00:00", mentions="x", quote=[1])
    status["account"] = {**status["account"], "note": ["no"], "fields": "no"}
    broken = [{"uri": 5}, "nonsense", {"reblog": {"account": "x"}, "uri": "u"}]
    batch = parse_statuses([status, *broken], home=HOME)
    assert batch.posts[0].text == "" and batch.posts[0].created_at.tzinfo is not None
    assert parse_context({"descendants": 5}, status={"id": "1", "uri": "u"}, home=HOME).posts == []
    orphan = {"descendants": [{"in_reply_to_id": "1", "uri": "r"}]}
    assert parse_context(orphan, status={"id": "1", "uri": "u", "account": "x"}, home=HOME).posts == []
    assert newest_id([{"id": "²"}, {"id": "9" * 30}, {"id": "12"}]) == "12"
