"""Reads of accounts and brands, with the access checks every view goes through."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Brand, BrandInvitation, BrandMembership, User


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
