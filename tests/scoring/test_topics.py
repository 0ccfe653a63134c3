"""Topics of expertise: computed as docs/scoring.md ("Topics") says, kept per identity, refreshed
by the daily task and the drain, shown to the member, who may hide one everywhere."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import member_create, member_profile_visibility_set
from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from perks.eligibility import member_topics_shown
from privacy.services import member_opt_out
from scoring import tasks as scoring_tasks
from scoring import topics as topics_module
from scoring.cards import discovery_refresh
from scoring.changes import score_changes_drain
from scoring.models import DiscoveryCard, HiddenTopic, IdentityText, IdentityTopic, ScoreRun
from scoring.services import score_recompute
from scoring.topics import post_terms, search_words, topics_rank, topics_refresh
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def roaster_batch(*, reactions=(1, 0, 0), days_ago=(1, 2, 3)) -> Batch:
    """The example of docs/scoring.md: a bio and three posts, the first liked by ``reactions[0]``
    fans, and so on."""
    batch = Batch(
        identities=[
            IdentityRecord(network="x", external_id="7", handle="roaster", bio="Coffee roaster. #coffee")
        ]
    )
    for n, (drew, ago) in enumerate(zip(reactions, days_ago, strict=True)):
        batch.posts.append(
            PostRecord(
                network="x", external_id=f"r{n}", author_id="7", created_at=NOW - timedelta(days=ago),
                text="Roasting espresso beans #coffee", language="en",
            )
        )  # fmt: skip
        for fan in range(drew):
            batch.interactions.append(
                InteractionRecord(
                    network="x", kind="like", actor_id=str(900 + fan), target_id="7",
                    occurred_at=NOW - timedelta(days=ago), post_id=f"r{n}",
                )
            )  # fmt: skip
    return batch


def stored_topics(handle: str) -> dict[str, float]:
    return dict(
        IdentityTopic.objects.filter(identity__handle=handle)
        .values_list("topic", "weight")
        .order_by("-weight")
    )


# --- the formula -------------------------------------------------------------------------------


def test_the_documented_example_gives_the_documented_weights():
    ranked = dict(
        topics_rank(
            bio="Coffee roaster. #coffee",
            posts=[("Roasting espresso beans #coffee", 1)] + [("Roasting espresso beans #coffee", 0)] * 2,
        )
    )
    coffee = 2 * 2 + 2 * (1 + math.log(2)) + 2 + 2
    roasting = (1 + math.log(2)) + 1 + 1
    assert ranked == {
        "coffee": 1.0,
        "roasting": round(roasting / coffee, 2),
        "espresso": round(roasting / coffee, 2),
        "beans": round(roasting / coffee, 2),
    }
    assert ranked["roasting"] == 0.32
    # "roaster" is in the bio only: one source is not enough for a plain word.
    assert "roaster" not in ranked


def test_topics_are_computed_from_stored_posts_and_bio_as_documented():
    ingest_batch(batch=roaster_batch(), record_changes=False)
    run = score_recompute(now=NOW)
    discovery_refresh(day=run.day, now=NOW)
    assert stored_topics("roaster") == {"coffee": 1.0, "roasting": 0.32, "espresso": 0.32, "beans": 0.32}


def test_the_reactions_a_post_drew_weigh_its_words():
    posts = [
        ("Sourdough baking again", 40),
        ("Sourdough baking again", 0),
        ("Marathon training log", 0),
        ("Marathon training log", 0),
    ]
    ranked = topics_rank(bio="", posts=posts)
    assert [term for term, _ in ranked][:2] == ["baking", "sourdough"]
    assert dict(ranked)["sourdough"] > dict(ranked)["marathon"]


def test_stopwords_short_words_numbers_and_links_are_not_terms():
    terms = post_terms("This is about the 2024 vote https://example.com/politics see www.x.com #2024 #vote")
    assert terms == {"vote": 2.0}


def test_a_hashtag_counts_twice_a_word_and_once_per_post():
    assert post_terms("#Coffee coffee COFFEE #coffee") == {"coffee": 2.0}
    ranked = dict(
        topics_rank(bio="", posts=[("#ramen tonight", 0), ("noodles noodles noodles", 0), ("noodles", 0)])
    )
    assert ranked == {"ramen": 1.0, "noodles": 1.0}  # 2 × 1 for the tag; 1 + 1 for the word in two posts


def test_only_recent_posts_count_and_reposts_are_someone_elses_words():
    def post(n: int, days_ago: int, text: str, kind: str = "post") -> PostRecord:
        at = NOW - timedelta(days=days_ago)
        return PostRecord(
            network="x", external_id=f"o{n}", author_id="8", created_at=at, text=text, kind=kind
        )

    batch = Batch(
        identities=[IdentityRecord(network="x", external_id="8", handle="old_news")],
        posts=[post(1, 120, "#gardening"), post(2, 5, "#cycling"), post(3, 4, "#politics", kind="repost")],
    )
    ingest_batch(batch=batch, record_changes=False)
    topics_refresh(identity_ids=Identity.objects.values_list("pk", flat=True), now=NOW)
    assert stored_topics("old_news") == {"cycling": 1.0}


def test_topics_are_replaced_per_identity_and_the_search_text_kept_beside_them():
    ingest_batch(batch=roaster_batch(), record_changes=False)
    identity = Identity.objects.get(handle="roaster")
    IdentityTopic.objects.create(identity=identity, topic="stale", weight=1.0)
    topics_refresh(identity_ids=[identity.pk], now=NOW)
    assert "stale" not in stored_topics("roaster")
    text = IdentityText.objects.get(identity=identity)
    assert text.words == " coffee roaster roasting espresso beans "
    assert text.language == "en"


def test_search_words_are_each_word_once_within_the_limit():
    assert search_words(["Hello, World!", "hello again https://x.example/a"]) == " hello world again "
    cut = search_words(["alpha beta gamma delta"], limit=14)
    assert cut == " alpha beta " and len(cut) <= 14


def test_batches_give_what_one_pass_gives(monkeypatch):
    for n in range(5):
        batch = roaster_batch()
        batch.identities[0].external_id = str(70 + n)
        batch.identities[0].handle = f"roaster{n}"
        for post in batch.posts:
            post.author_id = str(70 + n)
            post.external_id = f"{post.external_id}-{n}"
        for interaction in batch.interactions:
            interaction.target_id = str(70 + n)
            interaction.post_id = f"{interaction.post_id}-{n}"
        ingest_batch(batch=batch, record_changes=False)
    ids = list(Identity.objects.values_list("pk", flat=True))
    topics_refresh(identity_ids=ids, now=NOW)
    whole = sorted(IdentityTopic.objects.values_list("identity_id", "topic", "weight"))
    IdentityTopic.objects.all().delete()
    monkeypatch.setattr(topics_module, "BATCH", 2)
    result = topics_refresh(identity_ids=ids, now=NOW)
    assert sorted(IdentityTopic.objects.values_list("identity_id", "topic", "weight")) == whole
    assert result.identities == len(ids)


def test_an_unchanged_identity_is_not_rewritten():
    ingest_batch(batch=roaster_batch(), record_changes=False)
    ids = list(Identity.objects.values_list("pk", flat=True))
    topics_refresh(identity_ids=ids, now=NOW)
    again = topics_refresh(identity_ids=ids, now=NOW)
    assert (again.topics_rewritten, again.texts_rewritten) == (0, 0)


# --- when topics are computed --------------------------------------------------------------------


def test_the_daily_task_computes_topics_and_cards_after_the_recompute():
    ingest_batch(batch=roaster_batch(), record_changes=False)
    result = scoring_tasks.score_recompute_daily.apply()
    assert ScoreRun.objects.get(pk=result.get()).status == ScoreRun.Status.SUCCEEDED
    assert stored_topics("roaster")["coffee"] == 1.0
    card = DiscoveryCard.objects.get(handle="roaster")
    assert card.topic_list[0] == "coffee"


def test_a_failed_refresh_is_retried_without_recomputing_every_score(monkeypatch):
    from django.db import OperationalError

    ingest_batch(batch=roaster_batch(), record_changes=False)
    recomputes, refreshes = [], []
    real_recompute, real_refresh = scoring_tasks.score_recompute, scoring_tasks.discovery_refresh

    def recompute(**kwargs):
        recomputes.append(kwargs)
        return real_recompute(**kwargs)

    def refresh(**kwargs):
        refreshes.append(kwargs)
        if len(refreshes) == 1:
            raise OperationalError("the database went away")
        return real_refresh(**kwargs)

    monkeypatch.setattr(scoring_tasks, "score_recompute", recompute)
    monkeypatch.setattr(scoring_tasks, "discovery_refresh", refresh)
    result = scoring_tasks.score_recompute_daily.apply(throw=False)
    assert result.successful()
    assert len(recomputes) == 1 and len(refreshes) == 2
    assert DiscoveryCard.objects.filter(handle="roaster").exists()


def test_a_drain_refreshes_the_topics_of_what_it_rescored():
    ingest_batch(batch=roaster_batch(), record_changes=False)
    score_recompute(now=NOW - timedelta(days=1))
    an_hour_ago = timezone.now() - timedelta(hours=1)
    posts = [
        PostRecord(
            network="x", external_id=f"t{n}", author_id="7", created_at=an_hour_ago, text="#matcha time"
        )
        for n in range(4)
    ]
    ingest_batch(batch=Batch(posts=posts))
    score_changes_drain()
    assert "matcha" in stored_topics("roaster")
    assert "matcha" in DiscoveryCard.objects.get(handle="roaster").topic_list


# --- the member's side ---------------------------------------------------------------------------


@pytest.fixture
def member_with_topics():
    member = member_create(user=UserFactory())
    ingest_batch(batch=roaster_batch(), record_changes=False)
    Identity.objects.filter(handle="roaster").update(member=member)
    run = score_recompute(now=NOW)
    discovery_refresh(day=run.day, now=NOW)
    return member


def test_the_member_sees_their_topics_on_the_dashboard(client, member_with_topics):
    client.force_login(member_with_topics.user)
    page = client.get(reverse("scoring:dashboard")).content.decode()
    assert "Your topics" in page
    assert page.index(">coffee<") < page.index(">roasting<")  # the strongest first


def test_a_hidden_topic_shows_nowhere_and_matches_nothing(client, member_with_topics):
    member = member_with_topics
    member_profile_visibility_set(member=member, public=True)
    client.force_login(member.user)
    response = client.post(reverse("scoring:topic_hide"), {"topic": "#Espresso"})
    assert response.status_code == 302
    assert HiddenTopic.objects.filter(member=member, topic="espresso").exists()

    dashboard = client.get(reverse("scoring:dashboard"))
    assert [t.name for t in dashboard.context["d"].topics] == ["coffee", "beans", "roasting"]
    assert dashboard.context["d"].hidden_topics == ["espresso"]
    assert "Show again" in dashboard.content.decode()
    client.logout()
    profile = client.get(reverse("scoring:public_profile", args=[member.slug])).content.decode()
    assert "espresso" not in profile and "coffee" in profile
    assert "espresso" not in DiscoveryCard.objects.get(handle="roaster").topic_list
    assert "espresso" not in member_topics_shown(member=member)

    client.force_login(member.user)
    client.post(reverse("scoring:topic_unhide"), {"topic": "espresso"})
    assert not HiddenTopic.objects.filter(member=member).exists()
    assert "espresso" in DiscoveryCard.objects.get(handle="roaster").topic_list


def test_hiding_needs_a_member_and_a_post(client, member_with_topics):
    client.force_login(member_with_topics.user)
    assert client.get(reverse("scoring:topic_hide")).status_code == 405
    client.force_login(UserFactory())
    client.post(reverse("scoring:topic_hide"), {"topic": "coffee"})
    assert not HiddenTopic.objects.exists()


def test_an_opt_out_takes_the_topics_texts_and_cards_with_the_identities(member_with_topics):
    assert IdentityTopic.objects.exists() and IdentityText.objects.exists() and DiscoveryCard.objects.exists()
    member_opt_out(member=member_with_topics)
    identity_ids = set(Identity.objects.values_list("pk", flat=True))
    assert not IdentityTopic.objects.exclude(identity_id__in=identity_ids).exists()
    assert not IdentityText.objects.exclude(identity_id__in=identity_ids).exists()
    assert not DiscoveryCard.objects.filter(handle="roaster").exists()
