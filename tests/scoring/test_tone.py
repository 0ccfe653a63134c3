"""The tone of feedback, on real replies recorded from X: classified, stored, shown, filtered, not weighed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.services import member_create
from connectors.ingest import ingest_batch
from connectors.models import Identity, Interaction
from connectors.records import FETCHED, Tone
from connectors.twitter.parser import parse_tweets_page
from perks.filters import DiscoveryFilter
from scoring.cards import discovery_refresh
from scoring.models import IdentityScore
from scoring.selectors import discovery_cards
from scoring.services import score_recompute
from scoring.tone import language_of, tone_of, tones_refresh, words_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _tweets(fixtures_dir, name: str) -> dict[str, dict]:
    with open(fixtures_dir / "twitter" / "twarc2-pages" / f"{name}.jsonl") as f:
        page = json.loads(f.readline())
    return {tweet["id"]: tweet for tweet in page["data"]}


def _page(fixtures_dir, name: str) -> dict:
    with open(fixtures_dir / "twitter" / "twarc2-pages" / f"{name}.jsonl") as f:
        return json.loads(f.readline())


def test_real_replies_are_classified_by_their_words(fixtures_dir):
    brexit = _tweets(fixtures_dir, "brexit")
    # "#FuckBrexit #BrexitSucks I wonder what do those imbeciles who voted for..."
    assert tone_of(brexit["1440716745577140229"]["text"], "en") is Tone.NEGATIVE
    # "Actually there is bright side ... did promise much lower energy bills..."
    assert tone_of(brexit["1440714901538803715"]["text"], "en") is Tone.POSITIVE
    # 'What @POTUS actually said: "Outside the #EU you're only 2.5% of our trade..."'
    assert tone_of(brexit["1440716349462904833"]["text"], "en") is Tone.NEUTRAL
    # @-names and links are not words; X's "&amp;" is "&".
    assert words_of("@ada @bob@mastodon.social thanks &amp; https://t.co/x") == "thanks &"


def test_other_languages_are_marked_unknown_never_guessed(fixtures_dir):
    italian = _tweets(fixtures_dir, "entities_test")
    # No language tag from X: detected as Italian, so not read ("language not read").
    text = italian["1574186850540994560"]["text"]  # "La base si aspettava una purga preelettorale..."
    assert language_of(words_of(text)) == "it"
    assert tone_of(text, "") is Tone.UNKNOWN
    # An English one in the same page, untagged, is detected and read.
    assert tone_of(italian["1574186300684607489"]["text"], "") is Tone.NEGATIVE
    # The network's own tag wins over a guess; a reply of only @-names and links has no words.
    assert tone_of("Das ist wirklich sehr gut", "de") is Tone.UNKNOWN
    assert tone_of("@ada https://t.co/abc", "en") is Tone.NO_WORDS


def _ingest_brexit(fixtures_dir):
    batch = parse_tweets_page(_page(fixtures_dir, "brexit"))
    ingest_batch(batch=batch, provenance=FETCHED)
    return batch


def test_the_refresh_stores_the_tone_of_each_reply_and_cards_count_it(fixtures_dir):
    batch = _ingest_brexit(fixtures_dir)
    replies = Interaction.objects.filter(kind__in=("reply", "quote"))
    assert replies.exists() and not replies.exclude(tone=None).exists()
    now = max(post.created_at for post in batch.posts) + timedelta(hours=1)
    judged = tones_refresh(since=now - timedelta(days=90))
    assert judged == replies.exclude(tone=Tone.NO_WORDS).count() > 10
    # The reply 1440716638421090309 to Nigel Farage's post 1440703139531792402: "Your #Brexit created
    # a massive dependency on the US. Pretty dumb eh?" VADER reads "pretty" as praise: it is a
    # lexicon, and sarcasm is beyond it.
    farage = Interaction.objects.get(kind="reply", post_external_id="1440703139531792402")
    assert farage.target.handle == "Nigel_Farage" and farage.tone == Tone.POSITIVE
    assert (
        Interaction.objects.filter(tone=Tone.NEGATIVE).count()
        > Interaction.objects.filter(tone=Tone.POSITIVE).count()
    )
    # Judged once: a second pass has nothing left to do.
    assert tones_refresh(since=now - timedelta(days=90)) == 0

    score_recompute(now=now)
    discovery_refresh(day=now.date(), now=now)
    johnson = Identity.objects.get(network="x", handle__iexact="BorisJohnson")
    card = johnson.discovery_card
    received = Interaction.objects.filter(target=johnson, kind__in=("reply", "quote"), tone__in=[1, 2, 3])
    assert card.feedback_judged == received.count() >= 1
    assert card.feedback_negative == pytest.approx(
        received.filter(tone=Tone.NEGATIVE).count() / received.count()
    )


def test_discovery_filters_by_the_tone_of_feedback(fixtures_dir, monkeypatch):
    # The page holds one reply per account replied to: each is judged on that one.
    monkeypatch.setattr("perks.filters.TONE_JUDGED_MIN", 1)
    batch = _ingest_brexit(fixtures_dir)
    now = max(post.created_at for post in batch.posts) + timedelta(hours=1)
    score_recompute(now=now)
    discovery_refresh(day=now.date(), now=now)
    cards = discovery_cards()
    judged = cards.filter(feedback_judged__gte=1)
    assert judged.count() > 5
    calm = DiscoveryFilter({"tone": "calm"}, queryset=cards).qs
    positive = DiscoveryFilter({"tone": "positive"}, queryset=cards).qs
    assert calm and positive
    assert all(c.feedback_negative <= 0.2 for c in calm) and all(c.feedback_positive >= 0.5 for c in positive)
    assert set(calm) | set(positive) <= set(judged)
    negative_only = {c.pk for c in judged if c.feedback_negative == 1}
    assert negative_only and not negative_only & {c.pk for c in calm}
    assert not DiscoveryFilter({"tone": "cheerful"}, queryset=cards).is_valid()


def test_tone_does_not_change_what_a_reaction_weighs(fixtures_dir):
    batch = _ingest_brexit(fixtures_dir)
    now = max(post.created_at for post in batch.posts) + timedelta(hours=1)
    score_recompute(now=now)
    before = dict(IdentityScore.objects.values_list("identity_id", "raw"))
    tones_refresh(since=now - timedelta(days=90))
    Interaction.objects.filter(tone=Tone.POSITIVE).update(tone=Tone.NEGATIVE)
    score_recompute(now=now)
    after = dict(IdentityScore.objects.values_list("identity_id", "raw"))
    assert after == pytest.approx(before)


def test_the_dashboard_shows_the_mix_and_what_drew_the_most_negative_feedback(client, fixtures_dir):
    batch = _ingest_brexit(fixtures_dir)
    now = max(post.created_at for post in batch.posts) + timedelta(hours=1)
    member = member_create(user=UserFactory())
    johnson = Identity.objects.get(network="x", handle__iexact="BorisJohnson")
    Identity.objects.filter(pk=johnson.pk).update(member=member)
    tones_refresh(since=now - timedelta(days=90))
    score_recompute(now=now)
    client.force_login(member.user)
    from unittest import mock

    with mock.patch("scoring.selectors.timezone.now", return_value=now):
        page = client.get(reverse("scoring:dashboard")).content.decode()
    assert "The tone of your feedback" in page
    negative = Interaction.objects.filter(target=johnson, tone=Tone.NEGATIVE).count()
    assert '<span class="bar-label">Negative</span>' in page
    if negative:
        assert "Most negative feedback" in page


def test_a_members_word_about_replies_they_gave_is_not_judged(fixtures_dir):
    from connectors.records import Origin

    batch = _ingest_brexit(fixtures_dir)
    now = max(post.created_at for post in batch.posts) + timedelta(hours=1)
    replies = Interaction.objects.filter(kind="reply")
    given = replies.first()
    Interaction.objects.filter(pk=given.pk).update(origin=Origin.UPLOAD_GIVEN)
    tones_refresh(since=now - timedelta(days=90))
    assert Interaction.objects.get(pk=given.pk).tone is None
    assert replies.exclude(pk=given.pk).filter(tone__isnull=True).count() == 0
