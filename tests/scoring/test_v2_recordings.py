"""Model v2 on real recordings: an X archive and an API page score by their public counts."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from connectors.ingest import ingest_batch
from connectors.models import Identity, Interaction, Post
from connectors.records import FETCHED, Origin
from connectors.twitter.imports import archive_import
from connectors.twitter.parser import parse_tweets_page
from scoring.engine import DEFAULT_PARAMS, raw_to_score
from scoring.models import IdentityScore
from scoring.services import score_recompute
from tests.connectors.archive_zips import build_archive
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

P = DEFAULT_PARAMS
DAY = 86_400.0
# Three days after the archive's last own post (simonw's sample: 2 September 2019 and a reply on
# the 4th; the 4 September retweet is someone else's post).
ARCHIVE_NOW = datetime(2019, 9, 5, 12, 0, tzinfo=UTC)


def _age(at: datetime, now: datetime) -> float:
    return (now - at).total_seconds() / DAY


def _archive_score_by_hand(*, weight: float) -> tuple[float, float]:
    """The score of the sample archive's account, worked out from its tweets.json.

    Own posts in the window: "Finally got around to running..." (31 likes, 4 retweets) and the
    reply to @scientiffic (2 likes). Nobody's reactor is in the archive (it records no likers),
    so all of it is counted reactions; 2 followers are under the audience floor; no lists.
    """
    post = datetime(2019, 9, 2, 14, 19, 58, tzinfo=UTC)
    reply = datetime(2019, 9, 4, 10, 32, 10, tzinfo=UTC)
    decay = [2 ** (-_age(at, ARCHIVE_NOW) / 30) for at in (post, reply)]
    # 0.5 of a like's weight (1) or a repost's (3), each count saturated as 100 * ln(1 + c / 100).
    likes = 0.5 * 1 * (100 * math.log1p(31 / 100) * decay[0] + 100 * math.log1p(2 / 100) * decay[1])
    reposts = 0.5 * 3 * 100 * math.log1p(4 / 100) * decay[0]
    reacted = weight * (likes + reposts)
    # Posts in the window, by whole days of age: 2 and 1 days.
    posts = 0.5 ** (2.5 / 30) + 0.5 ** (1.5 / 30)
    rate = (reacted + 10 * 0.5) / (posts + 10)
    raw = reacted * min(2.5, max(0.4, (rate / 0.5) ** 0.25))
    return raw, float(raw_to_score(raw=np.array([raw]))[0])


def test_an_archive_imported_by_the_operator_scores_by_its_public_counts(tmp_path):
    member = MemberFactory()
    archive_import(path=build_archive(tmp_path / "x.zip"), member=member, origin=Origin.OPERATOR)
    score_recompute(now=ARCHIVE_NOW)

    snapshot = IdentityScore.objects.get(identity__network="x", identity__external_id="12497")
    raw, score = _archive_score_by_hand(weight=1.0)
    # By hand: 13.59 of counted likes and 5.51 of reposts, times 1.418 for 19.1 from 1.9 posts.
    assert raw == pytest.approx(27.08, abs=0.01)
    assert snapshot.raw == pytest.approx(raw, rel=1e-6)
    assert snapshot.unsmoothed == pytest.approx(score, abs=1e-3)
    assert 55 < snapshot.unsmoothed < 65
    assert snapshot.points_counted_likes > snapshot.points_counted_reposts > 0
    assert snapshot.points_likes == 0 and snapshot.points_audience == 0
    # The retweet's 42 are the original author's: they count for no one here.
    retweet = Post.objects.get(external_id="1169246717864136705")
    assert retweet.kind == "repost"
    assert snapshot.self_reported == 0


def test_the_same_archive_uploaded_by_the_member_counts_a_quarter_and_says_so(tmp_path):
    member = MemberFactory()
    archive_import(path=build_archive(tmp_path / "x.zip"), member=member)
    score_recompute(now=ARCHIVE_NOW)

    snapshot = IdentityScore.objects.get(identity__network="x", identity__external_id="12497")
    raw, score = _archive_score_by_hand(weight=P.self_reported_weight)
    assert snapshot.raw == pytest.approx(raw, rel=1e-6)
    assert snapshot.unsmoothed == pytest.approx(score, abs=1e-3)
    # All of it rests on the member's file.
    assert snapshot.self_reported == pytest.approx(snapshot.unsmoothed, abs=0.01)


def test_an_api_page_gives_its_authors_their_counted_reactions_audience_and_lists(fixtures_dir):
    with open(fixtures_dir / "twitter" / "twarc2-pages" / "kpop.jsonl") as f:
        page = json.loads(f.readline())
    batch = parse_tweets_page(page)
    ingest_batch(batch=batch, provenance=FETCHED)
    now = max(post.created_at for post in batch.posts).replace(microsecond=0) + timedelta(days=1)
    score_recompute(now=now)

    # itsLIVEofficial posted four times on the page, with up to 8,996 likes and 4,227 retweets;
    # some of those retweets are on the page too, stored as reposts with their reactor.
    live = Identity.objects.get(network="x", handle="itsLIVEofficial")
    snapshot = IdentityScore.objects.get(identity=live)
    posts = list(Post.objects.filter(author=live).exclude(kind="repost"))
    assert len(posts) == 4 and all(post.likes is not None for post in posts)
    stored = {post.pk: Interaction.objects.filter(post=post, kind="repost").count() for post in posts}
    assert sum(stored.values()) > 0
    counted_likes = counted_reposts = 0.0
    for post in posts:
        decay = 2 ** (-_age(post.created_at, now) / 30)
        cap = P.counted_cap_floor + live.followers + P.counted_cap_per_known * stored[post.pk]
        likes, reposts = min(post.likes, cap), min(post.reposts - stored[post.pk], cap)
        counted_likes += 0.5 * 1 * 100 * math.log1p(likes / 100) * decay
        counted_reposts += 0.5 * 3 * 100 * math.log1p(reposts / 100) * decay
    # Points are stored to 0.01: a part read back from them is good to half of that.
    rounding = 0.005 * snapshot.raw / snapshot.unsmoothed
    assert _raw_part(snapshot, "counted_likes") == pytest.approx(counted_likes, abs=rounding)
    assert _raw_part(snapshot, "counted_reposts") == pytest.approx(counted_reposts, abs=rounding)
    addressed = _addressed(posts, now)
    audience = P.audience_weight * (live.followers - P.audience_floor) * addressed
    assert _raw_part(snapshot, "audience") == pytest.approx(audience, abs=rounding)
    lists = P.listed_weight * live.listed * addressed
    assert _raw_part(snapshot, "listed") == pytest.approx(lists, abs=rounding)
    # The page's retweeters, with no counts of their own and small audiences, score far below.
    retweeters = IdentityScore.objects.exclude(identity__posts__kind="post").filter(
        identity__posts__kind="repost"
    )
    assert retweeters.exists()
    assert all(other.unsmoothed < snapshot.unsmoothed - 20 for other in retweeters)


def _raw_part(snapshot: IdentityScore, signal: str) -> float:
    """A signal's part of the raw influence, from its points (points are the raw shares of the score)."""
    return snapshot.raw * getattr(snapshot, f"points_{signal}") / snapshot.unsmoothed


def _addressed(posts, now: datetime) -> float:
    decayed = sum(0.5 ** ((math.floor(_age(post.created_at, now)) + 0.5) / 30) for post in posts)
    return 1 - math.exp(-decayed / P.audience_posts)


def test_a_run_with_v1s_parameters_is_recorded_as_v1_and_ignores_the_counts(tmp_path):
    from scoring.engine import PARAMS_V1
    from scoring.models import ScoreRun

    member = MemberFactory()
    archive_import(path=build_archive(tmp_path / "x.zip"), member=member, origin=Origin.OPERATOR)
    run = score_recompute(now=ARCHIVE_NOW, params=PARAMS_V1)
    assert ScoreRun.objects.get(pk=run.pk).model_version == "v1.1"
    snapshot = IdentityScore.objects.get(identity__network="x", identity__external_id="12497")
    assert snapshot.model_version == "v1.1" and snapshot.points_counted_likes == 0
    # v1 saw nobody reacting: what it gave was the audience of 2 followers (0.25 * ln 3, posting).
    assert (
        snapshot.points_audience == pytest.approx(snapshot.unsmoothed, abs=0.01) and snapshot.unsmoothed > 20
    )


def test_a_typed_audience_makes_no_room_for_typed_counts():
    from connectors.records import Batch, IdentityRecord, PostRecord, Provenance

    member = MemberFactory()
    at = ARCHIVE_NOW - timedelta(days=1)
    batch = Batch(
        identities=[IdentityRecord(network="x", external_id="9", handle="big", followers=10_000_000)],
        posts=[PostRecord(network="x", external_id="q1", author_id="9", created_at=at, likes=5_000_000)],
    )
    ingest_batch(batch=batch, provenance=Provenance.upload(member_id=member.pk, own={("x", "9")}))
    score_recompute(now=ARCHIVE_NOW)
    snapshot = IdentityScore.objects.get(identity__external_id="9")
    # The cap believes 50 + 1,000 followers' worth of the 5,000,000 likes (the typed follower
    # count is limited to 1,000), at a quarter for being uploaded.
    decay = 2 ** (-1 / 30)
    likes = 0.25 * 0.5 * 100 * math.log1p(1_050 / 100) * decay
    rounding = 0.005 * snapshot.raw / snapshot.unsmoothed
    assert _raw_part(snapshot, "counted_likes") == pytest.approx(likes, abs=rounding)
    assert snapshot.counted_capped == 5_000_000 - 1_050
    # All of it rests on the upload, and brands see it unverified.
    assert snapshot.self_reported == pytest.approx(snapshot.unsmoothed, abs=0.01) and not snapshot.verified
