"""The brand a request acts for: every brand page is under ``brands/<slug>/`` and is served only
to a member of that brand's team, checked on every request (someone who leaves the team loses
access at once). Anyone else gets a 404, as for a brand that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from accounts.selectors import brand_membership_get


def brand_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve ``brand_slug`` to the caller's membership and call ``view(request, membership, ...)``."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, brand_slug: str, *args, **kwargs) -> HttpResponse:
        membership = brand_membership_get(user=request.user, brand_slug=brand_slug)
        return view(request, membership, *args, **kwargs)

    return guarded
