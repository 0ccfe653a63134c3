"""Changes to accounts and brands. Views, forms and tasks call these, never the ORM directly."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Brand, BrandInvitation, BrandMembership, Member, User
from klout.mail import email_queue

INVITATION_LIFETIME = timedelta(days=14)


def member_create(*, user: User) -> Member:
    """Make ``user`` an influencer whose accounts can be connected and scored."""
    member, _ = Member.objects.get_or_create(user=user, defaults={"slug": _unique_member_slug()})
    return member


def _unique_member_slug() -> str:
    while True:
        slug = secrets.token_hex(5)
        if not Member.objects.filter(slug=slug).exists():
            return slug


def brand_create(*, owner: User, name: str, website: str = "") -> Brand:
    name = name.strip()
    if not name:
        raise ValidationError({"brand_name": "Give the brand a name."})
    base = slugify(name)[:120] or "brand"
    slug, n = base, 1
    while Brand.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    with transaction.atomic():
        brand = Brand.objects.create(name=name, slug=slug, website=website)
        BrandMembership.objects.create(brand=brand, user=owner, role=BrandMembership.Role.OWNER)
    return brand


BRAND_DETAILS = ("name", "website", "billing_name", "billing_email", "billing_address", "tax_id")


def brand_details_update(*, membership: BrandMembership, **details: str) -> Brand:
    """Change the brand's name, website and billing details; the owner alone may."""
    if membership.role != BrandMembership.Role.OWNER:
        raise ValidationError("Only the brand's owner can change its details.")
    unknown = set(details) - set(BRAND_DETAILS)
    if unknown:
        raise ValueError(f"not a brand detail: {', '.join(sorted(unknown))}")
    brand = membership.brand
    for name, value in details.items():
        setattr(brand, name, value.strip())
    brand.full_clean(exclude=["slug"])
    brand.save(update_fields=[*details])
    return brand


def brand_invite(*, brand: Brand, invited_by: User, email: str) -> BrandInvitation:
    """Invite ``email`` to the brand's team and email them the link.

    Inviting an address that already has a pending invitation sends it again with a
    fresh expiry rather than creating a second one.
    """
    email = email.strip().lower()
    if BrandMembership.objects.filter(brand=brand, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already on the {brand.name} team."})
    with transaction.atomic():
        invitation = (
            BrandInvitation.objects.select_for_update()
            .filter(brand=brand, email__iexact=email, status=BrandInvitation.Status.PENDING)
            .first()
        )
        expires_at = timezone.now() + INVITATION_LIFETIME
        if invitation is None:
            invitation = BrandInvitation.objects.create(
                brand=brand, email=email, invited_by=invited_by, expires_at=expires_at
            )
        else:
            invitation.expires_at = expires_at
            invitation.invited_by = invited_by
            invitation.save(update_fields=["expires_at", "invited_by"])
        _invitation_email_queue(invitation)
    return invitation


def _invitation_email_queue(invitation: BrandInvitation) -> None:
    context = {
        "invitation": invitation,
        "brand": invitation.brand,
        "inviter": invitation.invited_by,
        "accept_url": settings.SITE_URL + reverse("accounts:invitation", args=[invitation.token]),
    }
    message = EmailMultiAlternatives(
        subject=f"[Klout] Join the {invitation.brand.name} team",
        body=render_to_string("accounts/email/brand_invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    email_queue(message)


def brand_invitation_accept(*, invitation: BrandInvitation, user: User) -> BrandMembership:
    """Join the brand as a team member. Accepting twice is harmless."""
    with transaction.atomic():
        invitation = BrandInvitation.objects.select_for_update().get(pk=invitation.pk)
        existing = BrandMembership.objects.filter(brand_id=invitation.brand_id, user=user).first()
        if invitation.status == BrandInvitation.Status.ACCEPTED and existing:
            return existing
        if invitation.status != BrandInvitation.Status.PENDING:
            raise ValidationError("This invitation is no longer valid; ask the brand's owner for a new one.")
        if invitation.is_expired:
            raise ValidationError("This invitation has expired; ask the brand's owner for a new one.")
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(
                f"This invitation was sent to {invitation.email}, but you are signed in as {user.email}."
            )
        membership = existing or BrandMembership.objects.create(
            brand_id=invitation.brand_id, user=user, role=BrandMembership.Role.MEMBER
        )
        invitation.status = BrandInvitation.Status.ACCEPTED
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    return membership


def brand_invitation_revoke(*, invitation: BrandInvitation) -> None:
    BrandInvitation.objects.filter(pk=invitation.pk, status=BrandInvitation.Status.PENDING).update(
        status=BrandInvitation.Status.REVOKED
    )


def brand_member_remove(*, membership: BrandMembership) -> None:
    if membership.role == BrandMembership.Role.OWNER:
        raise ValidationError("The owner cannot be removed from the team.")
    membership.delete()


def brand_invitations_expire() -> int:
    """Revoke pending invitations past their expiry; returns how many."""
    return BrandInvitation.objects.filter(
        status=BrandInvitation.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=BrandInvitation.Status.REVOKED)


def member_profile_visibility_set(*, member: Member, public: bool) -> Member:
    """Make the member's profile page visible to anyone (or to nobody but them).

    A member who opted out of tracking stays private: nothing about them is shown any more.
    """
    if public and Member.objects.filter(pk=member.pk, opted_out_at__isnull=False).exists():
        raise ValidationError("You opted out of tracking, so your profile cannot be made public.")
    Member.objects.filter(pk=member.pk).update(profile_public=public)
    member.profile_public = public
    return member
