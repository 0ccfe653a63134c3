"""A member with X and Mastodon connected, each read by its own sync from the recorded answers,
has one score at least the higher of the two networks' own scores, and the dashboard's
breakdown shows both networks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors.mastodon.services import mastodon_account_connect
from connectors.mastodon.sync import mastodon_account_sync
from connectors.models import Identity
from connectors.oauth2 import Tokens
from connectors.sync import SyncPolicy
from connectors.twitter.services import x_account_connect
from connectors.twitter.sync import x_account_sync
from scoring.models import IdentityScore, MemberScore
from scoring.services import score_recompute
from tests.connectors.mastodon.fake_mastodon import HOME, FakeMastodon
from tests.connectors.twitter.fake_x import MEMBER_ID, FakeX
from tests.factories import MemberFactory
from tests.fakes.http_server import FakeHTTPServer

pytestmark = pytest.mark.django_db


def test_x_and_mastodon_make_one_score_no_lower_than_either_and_both_show(client, settings):
    member = MemberFactory()
    policy = SyncPolicy(sleep=lambda seconds: None)
    fake_x, fake_mastodon = FakeX.populated(), FakeMastodon()
    with FakeHTTPServer(handler=fake_x) as x_api, FakeHTTPServer(handler=fake_mastodon) as mastodon_api:
        settings.X_API_BASE_URL, settings.MASTODON_INSTANCE_URL = x_api.url, mastodon_api.url
        tokens = Tokens("access-1", "refresh-1", timezone.now() + timedelta(hours=2), "tweet.read")
        x = x_account_connect(
            member=member, tokens=tokens, profile={"data": fake_x.user(MEMBER_ID, "alice", followers=100)}
        )
        mastodon = mastodon_account_connect(member=member, host=HOME, access_token="t", me=fake_mastodon.me)
        assert x_account_sync(account_id=x.pk, policy=policy).run.status == "succeeded"
        assert mastodon_account_sync(account_id=mastodon.pk, policy=policy).run.status == "succeeded"

    score_recompute()

    combined = MemberScore.objects.get(member=member)
    alone = {
        score.identity.network: score.score
        for score in IdentityScore.objects.filter(identity__in=Identity.objects.filter(member=member))
    }
    assert set(alone) == {"x", "mastodon"} and min(alone.values()) > 0
    assert combined.unsmoothed >= max(alone.values())
    assert combined.networks["x"] > 0 and combined.networks["mastodon"] > 0
    client.force_login(member.user)
    breakdown = client.get(reverse("scoring:dashboard")).content.decode().split('id="breakdown"')[1]
    breakdown = breakdown.split("By signal")[0]
    assert ">X<" in breakdown and ">Mastodon<" in breakdown


def test_x_and_instagram_make_one_score_no_lower_than_either_and_both_show(client, settings):
    from connectors.instagram.services import instagram_account_connect
    from connectors.instagram.sync import instagram_account_sync
    from tests.connectors.instagram.fake_instagram import FakeInstagram
    from tests.connectors.instagram.test_instagram_sync import tokens as instagram_tokens

    member = MemberFactory()
    policy = SyncPolicy(sleep=lambda seconds: None)
    fake_x, fake_instagram = FakeX.populated(), FakeInstagram()
    settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
    with FakeHTTPServer(handler=fake_x) as x_api, FakeHTTPServer(handler=fake_instagram) as graph:
        settings.X_API_BASE_URL, settings.META_GRAPH_BASE_URL = x_api.url, graph.url
        tokens = Tokens("access-1", "refresh-1", timezone.now() + timedelta(hours=2), "tweet.read")
        x = x_account_connect(
            member=member, tokens=tokens, profile={"data": fake_x.user(MEMBER_ID, "alice", followers=100)}
        )
        instagram = instagram_account_connect(
            member=member, tokens=instagram_tokens(), accounts=fake_instagram.pages
        )
        assert x_account_sync(account_id=x.pk, policy=policy).run.status == "succeeded"
        assert instagram_account_sync(account_id=instagram.pk, policy=policy).run.status == "succeeded"

    score_recompute()

    combined = MemberScore.objects.get(member=member)
    alone = {
        score.identity.network: score.score
        for score in IdentityScore.objects.filter(identity__in=Identity.objects.filter(member=member))
    }
    assert set(alone) == {"x", "instagram"} and min(alone.values()) > 0
    assert combined.unsmoothed >= max(alone.values())
    client.force_login(member.user)
    breakdown = client.get(reverse("scoring:dashboard")).content.decode().split('id="breakdown"')[1]
    breakdown = breakdown.split("By signal")[0]
    assert ">X<" in breakdown and ">Instagram<" in breakdown
