"""The member's dashboard and public profile: content, empty states, access and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import member_create, member_profile_visibility_set
from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import Batch, IdentityRecord, InteractionRecord
from scoring.services import score_recompute
from scoring.topics import topics_refresh
from tests.factories import UserFactory, brand_owner
from tests.personas import member_with_history

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def test_new_member_sees_what_to_do_next(client):
    member = member_create(user=UserFactory())
    client.force_login(member.user)
    page = client.get(reverse("scoring:dashboard")).content.decode()
    assert "Connect a network to get your score" in page
    assert "history-chart" not in page


def test_dashboard_shows_score_history_breakdown_and_moments(client):
    member = member_with_history(now=NOW)
    client.force_login(member.user)
    response = client.get(reverse("scoring:dashboard"))
    page = response.content.decode()
    current = member.scores.order_by("-day").first()
    assert f'data-testid="score">{current.score:.0f}<' in page
    assert len(response.context["chart"]) == 11
    assert "By network" in page and "Mastodon" in page
    assert "counted most." in page
    assert "post 2" in page  # the post with the most reactions is a top moment
    # Whom they react to (the idol) and who reacts to them (a fan): stored without names, they
    # are shown as accounts on their network, not as bare ids.
    assert page.count("An account on") >= 2 and "@idol" not in page


def test_dashboard_query_count_does_not_grow_with_history(client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    counts = []
    for days in (2, 20):
        member = member_with_history(now=NOW, networks=("x", "mastodon", "bluesky"), days=days)
        client.force_login(member.user)
        with CaptureQueriesContext(connection) as cold:
            assert client.get(reverse("scoring:dashboard")).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            client.get(reverse("scoring:dashboard"))
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1]
    cold, warm = counts[0]
    # Session, user, member, history, identities, accounts, three snapshots, identity scores,
    # then (cached per snapshot) moments, influencers and influencees with their scores, topics,
    # and the tone of the feedback (its mix, and the post that drew the most negative).
    assert cold <= 19
    assert warm <= 13


def test_members_land_on_their_dashboard_and_brands_on_home(client):
    member = member_create(user=UserFactory())
    client.force_login(member.user)
    assert client.get("/").url == reverse("scoring:dashboard")
    owner = brand_owner()
    client.force_login(owner.user)
    assert client.get("/").status_code == 200
    assert client.get(reverse("scoring:dashboard")).status_code == 302


def test_private_profile_is_hidden_from_everyone_but_its_owner(client):
    member = member_with_history(now=NOW, networks=("x",), days=2)
    url = reverse("scoring:public_profile", args=[member.slug])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(member.user)
    assert client.get(url).status_code == 200


def test_member_makes_profile_public_and_anyone_sees_it(client):
    member = member_with_history(now=NOW, networks=("x",), days=2)
    client.force_login(member.user)
    client.post(reverse("scoring:profile_visibility"), {"public": "1"})
    client.logout()
    page = client.get(reverse("scoring:public_profile", args=[member.slug])).content.decode()
    assert "@me_x" in page
    assert member.user.email not in page


def test_method_page_renders_the_scoring_document(client):
    page = client.get(reverse("scoring:method")).content.decode()
    assert "<h1" in page
    assert "PageRank" in page


def test_topics_are_what_recent_posts_are_about(client):
    member = member_with_history(now=NOW, networks=("x",), days=3)
    topics_refresh(identity_ids=member.identities.values_list("pk", flat=True), now=NOW)
    member_profile_visibility_set(member=member, public=True)
    page = client.get(reverse("scoring:public_profile", args=[member.slug])).content.decode()
    assert ">django<" in page and ">privacy<" in page
    assert page.index(">django<") < page.index(">privacy<")  # used more often, shown first


def test_a_private_members_handle_never_shows_in_someone_elses_influencer_lists(client):
    """One visibility rule everywhere: the API hid a private member; the dashboard lists did not."""
    member = member_with_history(now=NOW, networks=("x",), days=2)
    idol_member = member_create(user=UserFactory())
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="x", external_id="idol", handle="secret_idol")])
    )
    Identity.objects.filter(network="x", external_id="idol").update(member=idol_member)
    # The idol reacts back, so they are among the member's influencees too.
    ingest_batch(
        batch=Batch(
            interactions=[
                InteractionRecord(network="x", kind="reply", actor_id="idol", target_id="me", occurred_at=NOW)
            ]
        )
    )
    score_recompute(now=NOW)
    client.force_login(member.user)

    page = client.get(reverse("scoring:dashboard")).content.decode()
    assert "secret_idol" not in page
    assert client.get("/api/v1/identities/x/secret_idol/score/").status_code == 404

    member_profile_visibility_set(member=idol_member, public=True)
    score_recompute(now=NOW + timedelta(minutes=1))
    assert "secret_idol" in client.get(reverse("scoring:dashboard")).content.decode()
    assert client.get("/api/v1/identities/x/secret_idol/score/").status_code == 200


def test_the_chart_marks_the_day_the_model_changed_and_older_days_stay_as_they_were(client):
    from scoring.models import MemberScore

    member = member_with_history(now=NOW, days=3)
    first = member.scores.order_by("day").first()
    MemberScore.objects.filter(pk=first.pk).update(model_version="v1.1")
    client.force_login(member.user)
    response = client.get(reverse("scoring:dashboard"))
    chart = response.context["chart"]
    assert chart[0]["model"] == "v1.1" and chart[-1]["model"] == "v2"
    page = response.content.decode()
    second = chart[1]["day"]
    assert f"The scoring model changed on {second} (to v2)" in page
    assert 'href="/method/#changelog"' in page or "#changelog" in page
    assert MemberScore.objects.get(pk=first.pk).score == first.score


def test_counts_beyond_what_an_audience_makes_plausible_are_left_out_and_said_so(client):
    from connectors.records import PostRecord

    member = member_create(user=UserFactory())
    batch = Batch(
        identities=[IdentityRecord(network="x", external_id="me", handle="me_x", followers=10)],
        posts=[
            PostRecord(
                network="x",
                external_id="p1",
                author_id="me",
                created_at=NOW - timedelta(days=1),
                likes=100_000,
            )
        ],
    )
    ingest_batch(batch=batch)
    Identity.objects.filter(network="x", external_id="me").update(member=member)
    score_recompute(now=NOW)
    client.force_login(member.user)
    page = client.get(reverse("scoring:dashboard")).content.decode()
    # 10 followers and no known reactor: 50 + 10 likes are believed, 99,940 are not.
    assert "X counted 99,940 more reactions on your posts than your audience" in page
    assert "Likes counted by X on your posts counted most." in page
