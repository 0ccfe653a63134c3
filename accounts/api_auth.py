"""Who an API request acts for: a personal token (``Authorization: Bearer <key>`` or
``Token <key>``) or the signed-in session (the pages' own calls, with CSRF), and what it may do.

A view names the scope each method needs (``required_scopes = {"GET": "perks:read"}``) and
whether it acts for a member or a brand (``api_member`` / ``api_brand``). A session carries
every scope of the person signed in; a token only its own.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import ApiToken, BrandMembership, Member
from accounts.selectors import brand_memberships, member_for_request
from accounts.tokens import api_token_authenticate
from klout.api_throttles import address_throttle_check

KEYWORDS = (b"bearer", b"token")


def _failed(request: Request, message: str) -> exceptions.AuthenticationFailed:
    """A bad key, counted against its address (a guesser runs into a 429)."""
    address_throttle_check(request, failed_key=True)
    return exceptions.AuthenticationFailed(message)


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Give the key after the word Bearer, with no spaces in it.")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError as exc:
            raise _failed(request, "That is not a Klout API key.") from exc
        token = api_token_authenticate(key)
        if token is None:
            raise _failed(request, "Unknown, revoked or expired API key.")
        return token.created_by, token

    def authenticate_header(self, request: Request) -> str:
        # A 401 (not a 403) for a missing or bad key, telling the client how to authenticate.
        return 'Bearer realm="api"'


class SessionWithCsrf(SessionAuthentication):
    """The signed-in session, for the site's own pages; DRF checks CSRF on unsafe methods."""


class HasScope(BasePermission):
    message = "This token lacks the scope this needs."

    def has_permission(self, request: Request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        scope = getattr(view, "required_scopes", {}).get(request.method)
        token = request.auth
        if scope is None or not isinstance(token, ApiToken):
            return True
        if scope not in token.scopes:
            raise exceptions.PermissionDenied(f"This token lacks the scope {scope}.")
        return True


def api_member(request: Request) -> Member:
    """The member the request acts for; a 403 for a brand's token or a person with no member profile."""
    token = request.auth
    if isinstance(token, ApiToken):
        if token.member_id is None:
            raise exceptions.PermissionDenied("This needs a member's token; this one acts for a brand.")
        return token.member
    member = member_for_request(request)
    if member is None:
        raise exceptions.PermissionDenied("This needs an influencer account.")
    return member


def api_brand(request: Request) -> BrandMembership:
    """The brand membership the request acts through; a 403 for a member's token or a person on no team."""
    token = request.auth
    if isinstance(token, ApiToken):
        if token.brand_id is None:
            raise exceptions.PermissionDenied("This needs a brand's token; this one acts for a member.")
        membership = (
            BrandMembership.objects.select_related("brand")
            .filter(brand_id=token.brand_id, user_id=token.created_by_id)
            .first()
        )
    else:
        membership = brand_memberships(user=request.user).select_related("brand").first()
    if membership is None:
        raise exceptions.PermissionDenied("This needs a brand account.")
    return membership


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token: HTTP bearer (``Token <key>`` works too)."""

    target_class = ApiTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from the account or brand settings page: `Bearer klt_...`.",
        }
