"""View decorators for the access checks of ``accounts.selectors``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.selectors import member_for_request

NOT_A_MEMBER_MESSAGE = "This page is for influencer accounts."


def member_required(
    view: Callable[..., HttpResponse] | None = None,
    *,
    message: str = NOT_A_MEMBER_MESSAGE,
    redirect_to: str = "home",
    level: int = messages.INFO,
):
    """Let only members through: visitors go to the sign-in page (as with ``login_required``),
    and a signed-in person without an influencer profile is told ``message`` (a message of
    ``level``) and sent to ``redirect_to`` (a URL name or path).

    Use bare (``@member_required``) or with arguments
    (``@member_required(message="Only influencer accounts connect networks to be scored.")``);
    the view reads the member with ``accounts.selectors.member_for_request``.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if member_for_request(request) is None:
                messages.add_message(request, level, message)
                return redirect(redirect_to)
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate(view) if view is not None else decorate
