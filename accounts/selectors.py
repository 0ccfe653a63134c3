"""Reads of accounts and brands, with the access checks every view goes through."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import Brand, BrandInvitation, BrandMembership, Member, User

# --- who is asking ---------------------------------------------------------------------------


def member_for_request(request: HttpRequest) -> Member | None:
    """The signed-in person's influencer profile; None for visitors and for people without one
    (a brand's team, staff). Works with Django's and DRF's requests alike.

    The profile is cached on the user, so asking again in the same request costs no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # A user without a profile raises Member.DoesNotExist, an AttributeError, on access.
    return getattr(user, "member", None)


# --- who may be tracked ----------------------------------------------------------------------

# Said by every path that refuses to collect data about an opted-out member.
OPTED_OUT_MESSAGE = (
    "You opted out of tracking, so Klout no longer collects anything about you: "
    "accounts cannot be connected, synced or imported."
)


def member_may_be_tracked(*, member: Member | None) -> bool:
    """False for a member who opted out (or no member at all). Every collecting path asks this.

    Reads the flag from the database rather than from ``member``, which may be a copy
    loaded before the opt-out (a long-running sync holding an old object).
    """
    if member is None or member.pk is None:
        return False
    return Member.objects.filter(pk=member.pk, opted_out_at__isnull=True).exists()


# --- who may be seen by others ---------------------------------------------------------------


def member_public_condition(*, path: str = "") -> Q:
    """The one rule of who may be shown to others (other members, brands, the public, the API):
    a member who made their profile public, has not opted out and whose account is active.

    ``path`` reaches the member from another model ("member__" from an identity).
    """
    return Q(
        **{f"{path}profile_public": True, f"{path}opted_out_at__isnull": True, f"{path}user__is_active": True}
    )


def members_public() -> QuerySet[Member]:
    return Member.objects.filter(member_public_condition())


def member_is_public(*, member: Member) -> bool:
    """``member_public_condition`` for one member already loaded (with its user)."""
    return member.profile_public and member.opted_out_at is None and member.user.is_active


def brand_membership_get(*, user: User, brand_slug: str) -> BrandMembership:
    """The caller's membership of a brand; 404 when they are not on its team.

    A 404 rather than a 403 so that brand slugs cannot be probed by outsiders.
    """
    if not user.is_authenticated:
        raise Http404("No such brand")
    membership = (
        BrandMembership.objects.select_related("brand").filter(user=user, brand__slug=brand_slug).first()
    )
    if membership is None:
        raise Http404("No such brand")
    return membership


def brand_memberships(*, user: User) -> QuerySet[BrandMembership]:
    """The brands the person is on the team of, the first they joined first."""
    if not user.is_authenticated:
        return BrandMembership.objects.none()
    return BrandMembership.objects.filter(user=user).select_related("brand").order_by("joined_at")


def brand_membership_get_owner(*, user: User, brand_slug: str) -> BrandMembership:
    membership = brand_membership_get(user=user, brand_slug=brand_slug)
    if membership.role != BrandMembership.Role.OWNER:
        raise PermissionDenied("Only the brand's owner can manage its team.")
    return membership


def brand_team_list(*, brand: Brand) -> QuerySet[BrandMembership]:
    return brand.memberships.select_related("user").order_by("-role", "joined_at")


def brand_invitations_pending(*, brand: Brand) -> QuerySet[BrandInvitation]:
    return brand.invitations.filter(status=BrandInvitation.Status.PENDING).select_related("invited_by")


def brand_invitation_get_by_token(*, token: str) -> BrandInvitation:
    invitation = BrandInvitation.objects.select_related("brand").filter(token=token).first()
    if invitation is None:
        raise Http404("This invitation link is not valid.")
    return invitation
