"""Personal API tokens on the member's and the brand's settings pages: made, listed, revoked.

A new token's key is shown once, on the page that answers its creation, and never again.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors, tokens
from accounts.decorators import member_required
from accounts.forms import ApiTokenForm
from accounts.models import ApiToken


def _issue(request, form: ApiTokenForm, **owner) -> tokens.IssuedToken | None:
    if not form.is_valid():
        return None
    days = form.cleaned_data.get("expires")
    try:
        return tokens.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=timezone.now() + timedelta(days=int(days)) if days else None,
            **owner,
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return None


@member_required(message="API tokens of your own are for influencer accounts; a brand's are on its pages.")
def member_tokens(request):
    member = selectors.member_for_request(request)
    form = ApiTokenForm(request.POST or None, for_brand=False)
    issued = _issue(request, form, member=member) if request.method == "POST" else None
    if issued:
        form = ApiTokenForm(for_brand=False)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": tokens.api_tokens_active(member=member),
            "revoke_url_name": "accounts:member_token_revoke",
            "brand": None,
        },
    )


@member_required(message="API tokens of your own are for influencer accounts.")
@require_POST
def member_token_revoke(request, token_id: int):
    member = selectors.member_for_request(request)
    try:
        token = tokens.api_token_get_for_owner(token_id=token_id, member=member)
    except ApiToken.DoesNotExist as exc:
        raise Http404("No such token.") from exc
    tokens.api_token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it stops working at once.")
    return redirect("accounts:member_tokens")


@login_required
def brand_tokens(request, brand_slug: str):
    membership = selectors.brand_membership_get(user=request.user, brand_slug=brand_slug)
    form = ApiTokenForm(request.POST or None, for_brand=True)
    issued = _issue(request, form, brand=membership.brand) if request.method == "POST" else None
    if issued:
        form = ApiTokenForm(for_brand=True)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": tokens.api_tokens_active(brand=membership.brand).select_related("created_by"),
            "revoke_url_name": "accounts:brand_token_revoke",
            "brand": membership.brand,
            "is_owner": membership.role == membership.Role.OWNER,
        },
    )


@login_required
@require_POST
def brand_token_revoke(request, brand_slug: str, token_id: int):
    """The owner revokes any of the brand's tokens; a team member those they made."""
    membership = selectors.brand_membership_get(user=request.user, brand_slug=brand_slug)
    try:
        token = tokens.api_token_get_for_owner(token_id=token_id, brand=membership.brand)
    except ApiToken.DoesNotExist as exc:
        raise Http404("No such token.") from exc
    if membership.role != membership.Role.OWNER and token.created_by_id != request.user.pk:
        raise Http404("No such token.")
    tokens.api_token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it stops working at once.")
    return redirect("accounts:brand_tokens", brand_slug=brand_slug)
