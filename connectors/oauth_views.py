"""The pages of a network's OAuth 2.0 sign-in, which X and YouTube share: start the dance, take
the network's answer. A network's ``views.py`` names its own module, page and connect service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
from connectors.errors import ConnectorError
from connectors.models import ConnectedAccount
from connectors.oauth2 import Tokens
from klout.queue import enqueue


@dataclass(frozen=True)
class OAuthSignIn:
    # What the member reads ("X", "YouTube"), and who they sign in with ("X", "Google").
    label: str
    provider: str
    # The network's oauth module: ``*_configured``, ``authorization_start``, ``authorization_finish``.
    oauth: ModuleType
    configured: Callable[[], bool]
    # URL names of the network's page and of its callback.
    account_page: str
    callback: str
    # The member's session key of a pending authorisation.
    session_key: str
    # (member, tokens) -> the connected account; raises ConnectorError or ValidationError.
    connect: Callable[..., ConnectedAccount]
    sync_task: object
    not_configured: str
    # The network's page (its template) and the member's accounts on it (``member=`` -> queryset).
    template: str
    accounts_of_member: Callable[..., object]

    def callback_url(self) -> str:
        # The exact URL registered with the network; built from SITE_URL, not the request's Host.
        return settings.SITE_URL + reverse(self.callback)

    def views(self) -> tuple[Callable, Callable, Callable]:
        """The network's three pages: its account page, the start of the sign-in, the callback."""

        @login_required
        def account_page(request: HttpRequest) -> HttpResponse:
            member = member_for_request(request)
            context = {
                "configured": self.configured(),
                "is_member": member is not None,
                "accounts": list(self.accounts_of_member(member=member)) if member else [],
                "callback_url": self.callback_url(),
            }
            return render(request, self.template, context)

        @member_required(
            message=f"Only influencer accounts can connect {self.label}.",
            redirect_to=self.account_page,
            level=messages.ERROR,
        )
        @require_POST
        def connect_start(request: HttpRequest) -> HttpResponse:
            return self.start(request)

        @login_required
        def connect_callback(request: HttpRequest) -> HttpResponse:
            return self.finish(request)

        return account_page, connect_start, connect_callback

    def start(self, request: HttpRequest) -> HttpResponse:
        if not self.configured():
            messages.error(request, self.not_configured)
            return redirect(self.account_page)
        started = self.oauth.authorization_start(redirect_uri=self.callback_url())
        request.session[self.session_key] = {"state": started.state, "verifier": started.code_verifier}
        return redirect(started.url)

    def finish(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.pop(self.session_key, None)
        member = member_for_request(request)
        label, provider = self.label, self.provider
        if request.GET.get("error"):
            messages.info(
                request, f"{label} was not connected: the authorisation was cancelled on {provider}."
            )
            return redirect(self.account_page)
        if not pending or not request.GET.get("state") or request.GET["state"] != pending.get("state"):
            messages.error(
                request, f"That {label} authorisation was not started here or has expired. Please try again."
            )
            return redirect(self.account_page)
        if member is None or not request.GET.get("code"):
            messages.error(request, f"{provider} did not send an authorisation code. Please try again.")
            return redirect(self.account_page)
        try:
            tokens: Tokens = self.oauth.authorization_finish(
                code=request.GET["code"], redirect_uri=self.callback_url(), code_verifier=pending["verifier"]
            )
            account = self.connect(member=member, tokens=tokens)
        except ConnectorError as error:
            hint = (
                "Please try again."
                if error.permanent
                else f"{provider} is having trouble; please try again in a few minutes."
            )
            messages.error(request, f"{label} could not be connected: {error.message}. {hint}")
            return redirect(self.account_page)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.account_page)
        name = f"@{account.identity.handle}" if account.identity.handle else account.identity.name
        if enqueue(self.sync_task, account.pk):
            messages.success(request, f"Connected {name}. Its activity is being read now.")
        else:
            messages.success(request, f"Connected {name}. Its activity will be read with the next sync.")
        return redirect(self.account_page)
