"""What the site's layout needs of the person signed in, read once per page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.selectors import brand_memberships


def navigation(request: HttpRequest) -> dict:
    """The brand teams the person is on, with their brands in the same query (the menu links to
    each one's discovery); read only if the page shows the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": []}
    return {"nav_memberships": SimpleLazyObject(lambda: list(brand_memberships(user=user)))}
