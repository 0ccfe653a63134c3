"""A brand's Instagram on the discovery page: connecting the brand's own professional account
(Facebook Login), and looking another professional account up by username through it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import brand_membership_get
from connectors import meta_graph
from connectors.errors import ConnectorError
from connectors.instagram.client import InstagramClient
from connectors.instagram.discovery import (
    DiscoveryRefused,
    business_discovery_lookup,
    discovery_account_connect,
)
from connectors.instagram.oauth import SCOPES
from perks.access import brand_view

SESSION_KEY = "brand_instagram_oauth_pending"


def _callback_url() -> str:
    return settings.SITE_URL + reverse("perks:instagram_callback")


@require_POST
@brand_view
def connect_start(request: HttpRequest, membership) -> HttpResponse:
    if not meta_graph.meta_configured():
        messages.error(
            request, "Instagram is not configured on this server yet; the operator must set META_APP_ID."
        )
        return redirect("perks:discover", brand_slug=membership.brand.slug)
    started = meta_graph.authorization_start(redirect_uri=_callback_url(), scopes=SCOPES)
    request.session[SESSION_KEY] = {
        "state": started.state,
        "verifier": started.code_verifier,
        "brand": membership.brand.slug,
    }
    return redirect(started.url)


@login_required
def connect_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None) or {}
    if not pending.get("brand"):
        messages.error(
            request, "That Instagram authorisation was not started here or has expired. Please try again."
        )
        return redirect("perks:discover_redirect")
    # The brand is checked again: the one who started must still be on its team.
    membership = brand_membership_get(user=request.user, brand_slug=pending["brand"])
    back = redirect("perks:discover", brand_slug=membership.brand.slug)
    if request.GET.get("error"):
        messages.info(request, "Instagram was not connected: the authorisation was cancelled on Facebook.")
        return back
    if request.GET.get("state") != pending.get("state") or not request.GET.get("code"):
        messages.error(
            request, "That Instagram authorisation was not started here or has expired. Please try again."
        )
        return back
    try:
        tokens = meta_graph.authorization_finish(
            code=request.GET["code"], redirect_uri=_callback_url(), code_verifier=pending["verifier"]
        )
        accounts = InstagramClient(access_token=tokens.access_token).accounts()
        access = discovery_account_connect(
            brand=membership.brand, user=request.user, tokens=tokens, accounts=accounts
        )
    except ConnectorError as error:
        messages.error(request, f"Instagram could not be connected: {error.message}. Please try again.")
        return back
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(request, f"Connected @{access.username}: look up Instagram professional accounts below.")
    return back


@require_POST
@brand_view
def lookup(request: HttpRequest, membership) -> HttpResponse:
    try:
        identity = business_discovery_lookup(
            brand=membership.brand, username=request.POST.get("username", "")
        )
    except DiscoveryRefused as refused:
        messages.error(request, str(refused))
        return redirect("perks:discover", brand_slug=membership.brand.slug)
    messages.success(
        request, f"Read @{identity.handle} from Instagram: it is scored with tonight's refresh, or sooner."
    )
    return redirect("perks:influencer", brand_slug=membership.brand.slug, identity_id=identity.pk)
