"""The named people tests share: small worlds with a story, built through the real write paths.

Single objects come from ``tests.factories`` (factory_boy); a persona is for when a test needs
a few people who react to each other:

- ``world_build``: ada (a member, X id 100) posts; bob likes it and mentions her; ada replies
  to bob and likes carol's post. Bob and carol are not members. Ada has a connected account,
  an upload, runs and scores: what a privacy action must find and remove.
- ``star_and_fans``: ``star`` posts once and each fan reposts and likes it; ``quiet`` posts and
  gets nothing. The smallest population whose scores differ for a reason.
- ``member_with_history``: a member on several networks whose fans grow, scored daily.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import Member
from accounts.services import member_create, member_profile_visibility_set
from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity, SyncRun
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from scoring.cards import discovery_refresh
from scoring.models import IdentityScore, MemberScore
from scoring.services import score_recompute
from tests.factories import MemberFactory, UserFactory

# Noon today: ``star_and_fans`` happens some days before it.
NOON = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


def star_and_fans(network: str = "x", *, star: str = "star", fans: int = 8, days_ago: int = 3) -> Batch:
    """``star`` posts once and each fan reposts and likes it; ``quiet`` posts and gets nothing."""
    at = NOON - timedelta(days=days_ago)
    batch = Batch(
        identities=[
            IdentityRecord(network=network, external_id=star, handle=star, followers=500),
            IdentityRecord(network=network, external_id="quiet", handle="quiet", followers=500),
        ],
        posts=[
            PostRecord(network=network, external_id=f"{star}-1", author_id=star, created_at=at),
            PostRecord(network=network, external_id="quiet-1", author_id="quiet", created_at=at),
        ],
    )
    for n in range(fans):
        fan = f"fan{n}"
        batch.identities.append(IdentityRecord(network=network, external_id=fan, handle=fan, followers=10))
        for kind in ("repost", "like"):
            batch.interactions.append(
                InteractionRecord(
                    network=network,
                    kind=kind,
                    actor_id=fan,
                    target_id=star,
                    occurred_at=at,
                    post_id=f"{star}-1",
                )
            )
    return batch


def member_with_history(*, networks=("x", "mastodon"), days=10, now: datetime | None = None):
    """A member whose identities on ``networks`` each get reposts from fans, scored daily."""
    now = now or timezone.now()
    member = member_create(user=UserFactory())
    for network in networks:
        batch = Batch(identities=[IdentityRecord(network=network, external_id="me", handle=f"me_{network}")])
        for p in range(3):
            at = now - timedelta(days=days - p)
            batch.posts.append(
                PostRecord(
                    network=network,
                    external_id=f"me-{p}",
                    author_id="me",
                    created_at=at,
                    text=f"post {p} about #Django" + (" and #privacy" if p == 2 else ""),
                )
            )
            for fan in range(4 + 3 * p):
                batch.interactions.append(
                    InteractionRecord(
                        network=network, kind="repost", actor_id=f"fan{fan}", target_id="me",
                        occurred_at=at + timedelta(hours=1), post_id=f"me-{p}",
                    )
                )  # fmt: skip
        # The member reacts to someone too: that someone influences them.
        batch.interactions.append(
            InteractionRecord(network=network, kind="like", actor_id="me", target_id="idol", occurred_at=now)
        )
        ingest_batch(batch=batch)
        Identity.objects.filter(network=network, external_id="me").update(member=member)
    for day in range(days, -1, -1):
        score_recompute(now=now - timedelta(days=day))
    return member


WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

# The member (ada, X id 100), and two people who are not members: bob (200) and carol (300).
ADA, BOB, CAROL = "100", "200", "300"


@dataclass
class World:
    member: Member
    ada: Identity
    bob: Identity
    carol: Identity
    account: ConnectedAccount
    upload_path: str


def world_build(*, member: Member | None = None) -> World:
    """ada posts; bob likes it and mentions her; ada replies to bob and likes carol's post."""
    member = member or MemberFactory()
    ingest_batch(
        batch=Batch(
            identities=[
                IdentityRecord(network="x", external_id=ADA, handle="ada", followers=10),
                IdentityRecord(network="x", external_id=BOB, handle="bob", followers=20),
                IdentityRecord(network="x", external_id=CAROL, handle="carol", followers=30),
            ],
            posts=[
                PostRecord(
                    network="x", external_id="ada-1", author_id=ADA, created_at=WHEN, text="ada's post"
                ),
                PostRecord(
                    network="x", external_id="bob-1", author_id=BOB, created_at=WHEN, text="bob's post"
                ),
                PostRecord(
                    network="x",
                    external_id="ada-2",
                    author_id=ADA,
                    created_at=WHEN,
                    kind="reply",
                    parent_id="bob-1",
                ),
                PostRecord(
                    network="x", external_id="carol-1", author_id=CAROL, created_at=WHEN, text="carol"
                ),
            ],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=BOB, target_id=ADA, occurred_at=WHEN, post_id="ada-1"
                ),
                InteractionRecord(network="x", kind="mention", actor_id=BOB, target_id=ADA, occurred_at=WHEN),
                InteractionRecord(
                    network="x", kind="reply", actor_id=ADA, target_id=BOB, occurred_at=WHEN, post_id="bob-1"
                ),
                InteractionRecord(
                    network="x",
                    kind="like",
                    actor_id=ADA,
                    target_id=CAROL,
                    occurred_at=WHEN,
                    post_id="carol-1",
                ),
                InteractionRecord(
                    network="x", kind="like", actor_id=CAROL, target_id=BOB, occurred_at=WHEN, post_id="bob-1"
                ),
            ],
        )
    )
    ada = Identity.objects.get(network="x", external_id=ADA)
    ada.member = member
    ada.save(update_fields=["member"])
    account = ConnectedAccount.objects.create(
        member=member, identity=ada, network="x", access_token="secret-access", refresh_token="secret-refresh"
    )
    upload_path = default_storage.save(f"imports/{member.pk}/upload.zip", ContentFile(b"archive bytes"))
    SyncRun.objects.create(member=member, account=account, source="x_archive", upload_path=upload_path)
    SyncRun.objects.create(account=account, source="x_api")
    for identity in Identity.objects.filter(external_id__in=[ADA, BOB]):
        IdentityScore.objects.create(
            identity=identity,
            day=date(2024, 5, 2),
            model_version="1",
            score=50,
            unsmoothed=50,
            raw=1,
            computed_at=WHEN,
        )
    MemberScore.objects.create(
        member=member,
        day=date(2024, 5, 2),
        model_version="1",
        score=50,
        unsmoothed=50,
        raw=1,
        computed_at=WHEN,
    )
    return World(
        member=member,
        ada=ada,
        bob=Identity.objects.get(external_id=BOB),
        carol=Identity.objects.get(external_id=CAROL),
        account=account,
        upload_path=upload_path,
    )


def scored_member(
    *, score: float, network: str = "x", handle: str | None = None, country: str = "", topics=(), public=True
) -> Member:
    """A member with one identity on ``network``, today's score ``score`` and ``topics``: what a
    perk's eligibility reads. Built directly (no recompute): the perks tests are about perks."""
    from scoring.models import IdentityTopic

    member = MemberFactory(country=country, profile_public=public)
    identity = Identity.objects.create(
        network=network,
        external_id=f"{member.slug}@{network}.example" if network != "x" else str(10_000 + member.pk),
        handle=handle or member.slug,
        member=member,
        followers=1000,
        origin=1,
    )
    today = timezone.localdate()
    for model, subject in ((MemberScore, {"member": member}), (IdentityScore, {"identity": identity})):
        model.objects.create(
            **subject, day=today, model_version="test", score=score, unsmoothed=score, raw=1.0,
            computed_at=timezone.now(),
        )  # fmt: skip
    for n, topic in enumerate(topics):
        IdentityTopic.objects.create(identity=identity, topic=topic, weight=1.0 / (n + 1))
    return member


# --- people for discovery: scored identities with a profile and posts ----------------------------

_ids = itertools.count(5_000)


def influencer(
    handle: str,
    *,
    network: str = "x",
    score: float = 50.0,
    history: dict[int, float] | None = None,
    followers: int = 1_000,
    bio: str = "",
    location: str = "",
    texts: tuple[str, ...] = (),
    language: str = "en",
    received_likes: int = 0,
    self_reported: float = 0.0,
    member=None,
) -> Identity:
    """An identity with a profile, recent posts and today's score (and ``history``: days ago to
    score); the discovery refresh is left to the caller (``refresh``)."""
    external = str(next(_ids)) if network == "x" else f"{handle}@example.social"
    now = timezone.now()
    batch = Batch(
        identities=[
            IdentityRecord(
                network=network, external_id=external, handle=handle, followers=followers, bio=bio,
                location=location,
            )
        ],
        posts=[
            PostRecord(
                network=network, external_id=f"{external}-{n}", author_id=external,
                created_at=now - timedelta(days=n + 1), text=text, language=language,
            )
            for n, text in enumerate(texts)
        ],
    )  # fmt: skip
    ingest_batch(batch=batch, record_changes=False)
    identity = Identity.objects.get(network=network, external_id=external)
    if member is not None:
        identity.member = member
        identity.save(update_fields=["member"])
    today = timezone.localdate()
    for days_ago, value in {**(history or {}), 0: score}.items():
        IdentityScore.objects.create(
            identity=identity, day=today - timedelta(days=days_ago), model_version="test", score=value,
            unsmoothed=value, raw=1.0, self_reported=self_reported * value, computed_at=now,
            received_like=received_likes if days_ago == 0 else 0,
        )  # fmt: skip
    return identity


def refresh() -> None:
    """The topics, search text and cards of today's scores, as after the daily recompute."""
    discovery_refresh(day=timezone.localdate())


def public_member(*, email: str | None = None, **member_fields) -> Member:
    """A member whose profile is public; ``member_fields`` (``country``, ...) are set on it."""
    member = member_create(user=UserFactory(**({"email": email} if email else {})))
    member_profile_visibility_set(member=member, public=True)
    if member_fields:
        Member.objects.filter(pk=member.pk).update(**member_fields)
        member.refresh_from_db()
    return member
