"""The brand's side: shortlists of influencers, perks offered to them, and the claims that follow.

A brand only ever sees its own rows: every read goes through ``perks.selectors``, which take the
brand the request acts for. A claim keeps the terms the member accepted (``Claim.terms``), so
editing a published perk never changes what was already claimed; its shipping address and
contact email are given to that brand only, for that claim only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from accounts.models import Brand, Member


class Shortlist(models.Model):
    """A named list of influencers that a brand's team shares."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="shortlists")
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="shortlist_brand_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.brand})"


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    # An identity that opts out is purged, and its entries with it.
    identity = models.ForeignKey("connectors.Identity", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "identity"], name="shortlist_entry_identity")
        ]

    def __str__(self) -> str:
        return f"{self.identity_id} on {self.shortlist_id}"


def _perk_image_path(perk: Perk, filename: str) -> str:
    return f"perks/{perk.brand_id}/{filename}"


class Perk(models.Model):
    """A free sample or trial a brand offers to the influencers it chooses."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="perks")
    title = models.CharField(max_length=120)
    description = models.TextField()
    offer = models.CharField(
        "what the influencer receives", max_length=300, help_text="For example: one bag of our new coffee."
    )
    image = models.ImageField(upload_to=_perk_image_path, blank=True)
    quantity = models.PositiveIntegerField()
    # Units taken by claims that stand (claimed, shipped, received): moved only by a conditional
    # UPDATE, so that concurrent claims can never take more than ``quantity``.
    taken = models.PositiveIntegerField(default=0)
    needs_shipping = models.BooleanField("needs a shipping address", default=True)
    # Eligibility; an empty list means any.
    min_score = models.PositiveSmallIntegerField(default=0)
    networks = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    topics = models.JSONField(default=list, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    campaign_tag = models.CharField(
        "campaign hashtag or link",
        max_length=200,
        help_text="Posts about the perk carry it: a hashtag (#BrewDay) or a link (brand.example/brew).",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=models.F("quantity")), name="perk_taken_within_quantity"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="perk_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="perk_status_ends")]

    def __str__(self) -> str:
        return self.title

    @property
    def left(self) -> int:
        return max(0, self.quantity - self.taken)


class Claim(models.Model):
    """A perk offered to one member, and what became of it.

    ``offered``: the brand offered it to the member directly (from a shortlist); a member who
    claims a published perk from their perks page starts at ``claimed``.
    """

    class State(models.TextChoices):
        OFFERED = "offered", "Offered"
        CLAIMED = "claimed", "Claimed"
        DECLINED = "declined", "Declined"
        SHIPPED = "shipped", "Shipped"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    # States in which the claim holds one unit of the perk.
    HOLDING = (State.CLAIMED, State.SHIPPED, State.RECEIVED)

    perk = models.ForeignKey(Perk, on_delete=models.CASCADE, related_name="claims")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="claims")
    state = FSMField(default=State.OFFERED, choices=State.choices)
    # What the member accepted: title, description, offer, needs_shipping, campaign_tag.
    terms = models.JSONField(default=dict)
    shipping_address = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    tracking_url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["perk", "member"], name="claim_perk_member")]
        indexes = [models.Index(fields=["member", "state"], name="claim_member_state")]

    def __str__(self) -> str:
        return f"{self.perk} for {self.member} ({self.state})"

    # The transitions; ``perks.claims`` runs them under a row lock and records each one.
    @transition(field=state, source=[State.OFFERED], target=State.CLAIMED)
    def claim(self) -> None:
        pass

    @transition(field=state, source=[State.OFFERED], target=State.DECLINED)
    def decline(self) -> None:
        pass

    @transition(field=state, source=[State.CLAIMED], target=State.SHIPPED)
    def ship(self) -> None:
        pass

    @transition(field=state, source=[State.CLAIMED, State.SHIPPED], target=State.RECEIVED)
    def receive(self) -> None:
        pass

    @transition(field=state, source=[State.OFFERED, State.CLAIMED], target=State.CANCELLED)
    def cancel(self) -> None:
        pass

    @transition(field=state, source=[State.OFFERED], target=State.EXPIRED)
    def expire(self) -> None:
        pass


class ClaimEvent(models.Model):
    """One change of a claim: who did it, when, from which state to which."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which side acted: the brand, the member, or the service (an expiry).
    side = models.CharField(
        max_length=8, choices=[("brand", "Brand"), ("member", "Member"), ("system", "Klout")]
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_state or '-'} -> {self.to_state}"
