"""Signing in for a Facebook Page: Facebook Login (``connectors.meta_graph``), with the
permissions that read a Page the member manages: its posts, their counts and comments."""

from __future__ import annotations

from connectors import meta_graph
from connectors.oauth2 import AuthorizationRequest, Tokens

SCOPES = ("pages_show_list", "pages_read_engagement", "pages_read_user_content")


def facebook_oauth_configured() -> bool:
    return meta_graph.meta_configured()


def authorization_start(*, redirect_uri: str) -> AuthorizationRequest:
    return meta_graph.authorization_start(redirect_uri=redirect_uri, scopes=SCOPES)


def authorization_finish(*, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    return meta_graph.authorization_finish(code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
