from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import INVITATION_SESSION_KEY, BrandDetailsForm, BrandInviteForm
from accounts.models import BrandInvitation


def _first_error(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else "That could not be done."


@login_required
def settings_view(request):
    return render(request, "accounts/settings.html", {"memberships": request.user.brand_memberships.all()})


@login_required
def brand_team(request, brand_slug: str):
    membership = selectors.brand_membership_get(user=request.user, brand_slug=brand_slug)
    brand = membership.brand
    is_owner = membership.role == membership.Role.OWNER
    form = BrandInviteForm(request.POST or None)
    if request.method == "POST":
        selectors.brand_membership_get_owner(user=request.user, brand_slug=brand_slug)
        if form.is_valid():
            try:
                invitation = services.brand_invite(
                    brand=brand, invited_by=request.user, email=form.cleaned_data["email"]
                )
            except ValidationError as exc:
                form.add_error("email", _first_error(exc))
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("accounts:brand_team", brand_slug=brand.slug)
    return render(
        request,
        "accounts/brand_team.html",
        {
            "brand": brand,
            "is_owner": is_owner,
            "team": selectors.brand_team_list(brand=brand),
            "invitations": selectors.brand_invitations_pending(brand=brand) if is_owner else [],
            "form": form,
        },
    )


@login_required
def brand_details(request, brand_slug: str):
    """The brand's name, website and billing details: the owner changes them; the rest of the
    team sees that the owner keeps them, and none of them."""
    membership = selectors.brand_membership_get(user=request.user, brand_slug=brand_slug)
    brand = membership.brand
    is_owner = membership.role == membership.Role.OWNER
    form = BrandDetailsForm(request.POST or None, instance=brand) if is_owner else None
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Only the brand's owner can change its details.")
        if form.is_valid():
            try:
                services.brand_details_update(membership=membership, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, _first_error(exc))
            else:
                messages.success(request, "The brand's details are saved.")
                return redirect("accounts:brand_details", brand_slug=brand.slug)
        # A form that failed was bound to the brand and changed it in memory: show the saved one.
        brand.refresh_from_db()
    owner = selectors.brand_team_list(brand=brand).filter(role=membership.Role.OWNER).first()
    return render(
        request,
        "accounts/brand_details.html",
        {"brand": brand, "is_owner": is_owner, "form": form, "owner": owner},
    )


@login_required
@require_POST
def brand_invitation_revoke(request, brand_slug: str, invitation_id: int):
    membership = selectors.brand_membership_get_owner(user=request.user, brand_slug=brand_slug)
    invitation = get_object_or_404(BrandInvitation, pk=invitation_id, brand=membership.brand)
    services.brand_invitation_revoke(invitation=invitation)
    messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("accounts:brand_team", brand_slug=brand_slug)


@login_required
@require_POST
def brand_member_remove(request, brand_slug: str, membership_id: int):
    owner = selectors.brand_membership_get_owner(user=request.user, brand_slug=brand_slug)
    target = get_object_or_404(owner.brand.memberships.select_related("user"), pk=membership_id)
    try:
        services.brand_member_remove(membership=target)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, f"{target.user.email} was removed from the team.")
    return redirect("accounts:brand_team", brand_slug=brand_slug)


def invitation(request, token: str):
    """Landing page of an invitation link: accept it, or sign up/in to accept it."""
    invitation = selectors.brand_invitation_get_by_token(token=token)
    usable = invitation.status == BrandInvitation.Status.PENDING and not invitation.is_expired
    if request.method == "POST" and request.user.is_authenticated and usable:
        try:
            services.brand_invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
        else:
            messages.success(request, f"Welcome to the {invitation.brand.name} team.")
            return redirect("accounts:brand_team", brand_slug=invitation.brand.slug)
    if usable and not request.user.is_authenticated:
        # The link was emailed to this address, so following it proves the address:
        # allauth then skips the verification email for a sign-up with it.
        request.session[INVITATION_SESSION_KEY] = invitation.token
        get_adapter(request).stash_verified_email(request, invitation.email)
    return render(request, "accounts/invitation.html", {"invitation": invitation, "usable": usable})
