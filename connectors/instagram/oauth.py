"""Signing in for Instagram: Facebook Login (``connectors.meta_graph``), with the permissions
that read a professional account: its profile and media, the comments on them, where it is tagged."""

from __future__ import annotations

from connectors import meta_graph
from connectors.oauth2 import AuthorizationRequest, Tokens

SCOPES = (
    "instagram_basic",
    "instagram_manage_comments",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
)


def instagram_oauth_configured() -> bool:
    return meta_graph.meta_configured()


def authorization_start(*, redirect_uri: str) -> AuthorizationRequest:
    return meta_graph.authorization_start(redirect_uri=redirect_uri, scopes=SCOPES)


def authorization_finish(*, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    return meta_graph.authorization_finish(code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
