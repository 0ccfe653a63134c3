"""The demo brand's side: a shortlist, an open perk, and a perk claimed, shipped and posted about.

Everything is labelled demo data (names end in "(demo data)", campaign posts say so), and it is
made through the real services, so the pages show what a brand really sees. Running it again
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from accounts.models import Brand, Member
from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import Batch, InteractionRecord, PostRecord
from perks import claims, services
from perks.models import Claim, Perk
from scoring.models import IdentityScore

SHORTLIST = "Demo shortlist (demo data)"
OPEN_PERK = "Demo perk: a coffee sampler (demo data)"
DONE_PERK = "Demo perk: a brewing kit (demo data)"
DEMO_TAG = "#DemoBrewKit"


@dataclass(frozen=True)
class DemoPerksSummary:
    shortlisted: int
    perks: int
    campaign_posts: int


def _top_demo_identities(limit: int) -> list[Identity]:
    latest = IdentityScore.objects.order_by("-day").values_list("day", flat=True).first()
    if latest is None:
        return []
    ids = (
        IdentityScore.objects.filter(day=latest, identity__external_id__startswith="demo-")
        .filter(identity__member__isnull=True)
        .order_by("-score")
        .values_list("identity_id", flat=True)[:limit]
    )
    return list(Identity.objects.filter(pk__in=list(ids)))


def _perk(brand: Brand, by, *, title: str, starts_on, ends_on, quantity: int, tag: str) -> Perk:
    perk = Perk.objects.filter(brand=brand, title=title).first()
    if perk is not None:
        return perk
    perk = Perk(
        brand=brand,
        title=title,
        description="A perk made up for the demo: no brand is behind it and nothing is shipped.",
        offer="A demo sample (demo data)",
        quantity=quantity,
        needs_shipping=True,
        min_score=0,
        starts_on=starts_on,
        ends_on=ends_on,
        campaign_tag=tag,
    )
    services.perk_save(perk=perk, by=by)
    return services.perk_publish(perk=perk)


def _campaign_posts(identity: Identity, fans: list[Identity], start: datetime) -> int:
    """Two demo posts about the kit, one without disclosure, with likes from demo accounts."""
    posts = [
        (
            "demo-campaign-1",
            start + timedelta(days=2),
            f"Trying the brewing kit {DEMO_TAG} #ad (demo data)",
            12,
        ),
        ("demo-campaign-2", start + timedelta(days=5), f"Day three with it {DEMO_TAG} (demo data)", 7),
    ]
    batch = Batch()
    for post_id, at, text, likes in posts:
        batch.posts.append(
            PostRecord(network=identity.network, external_id=post_id, author_id=identity.external_id,
                       created_at=at, text=text)
        )  # fmt: skip
        for fan in fans[:likes]:
            if fan.network == identity.network:
                batch.interactions.append(
                    InteractionRecord(network=identity.network, kind="like", actor_id=fan.external_id,
                                      target_id=identity.external_id, occurred_at=at + timedelta(hours=2),
                                      post_id=post_id)
                )  # fmt: skip
    ingest_batch(batch=batch)
    return len(posts)


def demo_perks_seed(*, brand: Brand, member: Member | None) -> DemoPerksSummary:
    owner = brand.memberships.filter(role="owner").select_related("user").first()
    by = owner.user if owner else None
    today = timezone.localdate()
    top = _top_demo_identities(12)
    shortlist = brand.shortlists.filter(name=SHORTLIST).first() or services.shortlist_create(
        brand=brand, name=SHORTLIST, by=by
    )
    for identity in top[:5]:
        services.shortlist_add(shortlist=shortlist, identity=identity, by=by)
    _perk(brand, by, title=OPEN_PERK, starts_on=today, ends_on=today + timedelta(days=30), quantity=20,
          tag="#DemoSampler")  # fmt: skip
    done = _perk(brand, by, title=DONE_PERK, starts_on=today - timedelta(days=20),
                 ends_on=today + timedelta(days=10), quantity=5, tag=DEMO_TAG)  # fmt: skip
    posts = 0
    # The member's account that posts most, so the campaign posts have a usual post to beat.
    identity = (
        Identity.objects.filter(member=member).annotate(n=Count("posts")).order_by("-n", "pk").first()
        if member
        else None
    )
    if (
        member is not None
        and identity is not None
        and not Claim.objects.filter(perk=done, member=member).exists()
    ):
        claim = claims.perk_claim(
            perk=done, member=member, shipping_address="1 Demo Street\nDemo Town (demo data)"
        )
        claims.claim_ship(claim=claim, by=by, tracking_url="https://tracking.example/demo")
        tz = timezone.get_current_timezone()
        start = datetime.combine(done.starts_on, datetime.min.time(), tzinfo=tz)
        fans = list(
            Identity.objects.filter(
                network=identity.network, external_id__startswith="demo-", member__isnull=True
            )
            .exclude(pk=identity.pk)
            .order_by("pk")[:15]
        )
        posts = _campaign_posts(identity, fans, start)
    return DemoPerksSummary(shortlisted=shortlist.entries.count(), perks=2, campaign_posts=posts)
