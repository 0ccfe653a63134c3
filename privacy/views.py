"""Privacy pages: thin views over the privacy services and selectors."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.selectors import member_for_request
from connectors.errors import ConnectorError
from connectors.selectors import connected_account_get_for_member, member_identities
from connectors.services import account_disconnect as account_disconnect_keeping_data
from klout.client_address import client_address
from privacy import challenges, exports, profiles, selectors, services, x_signin
from privacy.forms import AccountDeleteForm, MemberOptOutForm, OptOutStartForm
from privacy.models import DataExport, OptOutChallenge

X_SESSION_KEY = "privacy_x_optout_pending"
CLAIMED_SESSION_KEY = "privacy_claimed_released"
# A check handed to the worker that has not answered in this long is shown as finished; the
# background checks go on anyway.
CHECKING_SHOWN_FOR = timedelta(minutes=2)


@login_required
@require_POST
def account_disconnect(request: HttpRequest, account_id: int) -> HttpResponse:
    """Disconnect one of the member's accounts, keeping what was read from it or deleting it."""
    account = connected_account_get_for_member(member=member_for_request(request), account_id=account_id)
    handle = account.identity.handle or account.identity.external_id
    if request.POST.get("data") == "delete":
        services.account_disconnect_and_delete(account=account)
        messages.success(request, f"@{handle} is disconnected and everything read from it is deleted.")
    else:
        account_disconnect_keeping_data(account=account)
        messages.success(request, f"@{handle} is disconnected; what was read from it is kept in your score.")
    return redirect("connect:index")


@login_required
def privacy_settings(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    context = {
        "member": member,
        "identities": list(member_identities(member=member)) if member else [],
        "latest_export": DataExport.objects.filter(user=request.user).first(),
        # Accounts an opt-out released without a tombstone: linked by an upload only.
        "to_prove": request.session.pop(CLAIMED_SESSION_KEY, []),
    }
    return render(request, "privacy/settings.html", context)


@member_required(
    message="Only influencer accounts are tracked; there is nothing to opt out of.",
    redirect_to="privacy:settings",
)
def member_opt_out(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    form = MemberOptOutForm(request.POST if request.method == "POST" else None)
    identities = list(member_identities(member=member))
    if request.method == "POST" and form.is_valid():
        services.member_opt_out(member=member)
        claimed = [identity for identity in identities if not identity.proven]
        if claimed:
            request.session[CLAIMED_SESSION_KEY] = [[i.network, i.handle or i.external_id] for i in claimed]
            messages.success(
                request,
                "You are opted out: your score and everything you uploaded were deleted, and the accounts "
                "you connected will not be tracked again.",
            )
        else:
            messages.success(
                request,
                "You are opted out. Everything about your accounts was deleted; "
                "they will not be tracked again.",
            )
        return redirect("privacy:settings")
    return render(request, "privacy/opt_out.html", {"form": form, "member": member, "identities": identities})


@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        exports.data_export_request(user=request.user)
        messages.success(request, "Your export is being built. This page shows when it is ready.")
        return redirect("privacy:export")
    items = list(DataExport.objects.filter(user=request.user)[:10])
    building = any(e.status in (DataExport.Status.QUEUED, DataExport.Status.RUNNING) for e in items)
    return render(
        request,
        "privacy/export.html",
        {"exports": items, "building": building, "lifetime_hours": settings.PRIVACY_EXPORT_LIFETIME_HOURS},
    )


@login_required
def data_export_download(request: HttpRequest, export_id: int) -> FileResponse:
    export = selectors.data_export_get_for_user(user=request.user, export_id=export_id)
    if not export.downloadable:
        raise Http404(selectors.EXPORT_NOT_FOUND)
    path = exports.data_export_file(export=export)
    if not path.is_file():
        raise Http404(selectors.EXPORT_NOT_FOUND)
    exports.data_export_downloaded(export=export)
    stamp = export.created_at.strftime("%Y-%m-%d")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"klout-data-{stamp}.zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    blockers = services.account_delete_blockers(user=request.user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            services.account_delete(user=request.user, opt_out=form.cleaned_data["opt_out"])
        except ValidationError as exc:
            blockers = exc.messages
        else:
            logout(request)
            messages.success(request, "Your account and everything about it were deleted.")
            return redirect("home")
    return render(request, "privacy/delete.html", {"form": form, "blockers": blockers})


# --- opt-out for anyone ----------------------------------------------------------------------


def _requester(request: HttpRequest) -> str:
    # The client's address (behind a trusted proxy, the one it reports), as allauth's limits count it.
    return client_address(request)


def public_opt_out(request: HttpRequest) -> HttpResponse:
    # ?network=&handle= fill the form in, from the links the member's opt-out gives.
    initial = {"network": request.GET.get("network") or "mastodon", "handle": request.GET.get("handle", "")}
    form = OptOutStartForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = challenges.optout_challenge_start(
                network=form.cleaned_data["network"],
                handle=form.cleaned_data["handle"],
                requester=_requester(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            return redirect("privacy:public_status", token=challenge.token)
    context = {
        "form": form,
        "x_bio_checks": profiles.bio_checks_configured("x"),
        "x_signin": x_signin.x_signin_configured(),
        "lifetime_hours": settings.PRIVACY_OPTOUT_CODE_LIFETIME_MINUTES / 60,
    }
    return render(request, "privacy/public_start.html", context)


def public_opt_out_status(request: HttpRequest, token: str) -> HttpResponse:
    challenge = OptOutChallenge.objects.filter(token=token).first()
    if challenge is None:
        raise Http404("This opt-out link is not valid.")
    if request.method == "POST":
        outcome = challenges.optout_challenge_check_queue(challenge_id=challenge.pk)
        challenge.refresh_from_db()
        if challenge.check_queued_at is None:
            # Refused at once (rate limit, expired), or the check already ran (an eager queue).
            text = (
                challenge.last_result
                if challenge.last_result and outcome.message.startswith("Klout is reading")
                else outcome.message
            )
            verified = challenge.status == OptOutChallenge.Status.VERIFIED
            (messages.success if verified else messages.error)(request, text)
        else:
            messages.info(request, outcome.message)
        return redirect("privacy:public_status", token=token)
    context = {
        "challenge": challenge,
        "checking": challenge.check_queued_at is not None
        and timezone.now() - challenge.check_queued_at < CHECKING_SHOWN_FOR,
        "network_label": profiles.network_label(challenge.network),
        "who": profiles.handle_display(network=challenge.network, handle=challenge.handle)
        if challenge.handle
        else "",
    }
    return render(request, "privacy/public_status.html", context)


def _x_callback_url() -> str:
    # The exact URL registered with X; built from SITE_URL, not the request's Host header.
    return settings.SITE_URL + reverse("privacy:public_x_callback")


@require_POST
def public_opt_out_x_start(request: HttpRequest) -> HttpResponse:
    if not x_signin.x_signin_configured():
        messages.error(request, "Signing in with X is not configured on this server.")
        return redirect("privacy:public")
    started = x_signin.x_signin_start(redirect_uri=_x_callback_url())
    request.session[X_SESSION_KEY] = {"state": started.state, "verifier": started.code_verifier}
    return redirect(started.url)


def public_opt_out_x_callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(X_SESSION_KEY, None)
    if request.GET.get("error"):
        messages.info(request, "Nothing was opted out: the sign-in was cancelled on X.")
        return redirect("privacy:public")
    if not pending or not request.GET.get("state") or request.GET["state"] != pending.get("state"):
        messages.error(request, "That X sign-in was not started here or has expired. Please try again.")
        return redirect("privacy:public")
    if not request.GET.get("code"):
        messages.error(request, "X did not send a sign-in code. Please try again.")
        return redirect("privacy:public")
    try:
        username, _ = x_signin.x_signin_opt_out(
            code=request.GET["code"], redirect_uri=_x_callback_url(), code_verifier=pending["verifier"]
        )
    except ConnectorError as error:
        messages.error(request, f"Nothing was opted out: {error.message}. Please try again.")
        return redirect("privacy:public")
    messages.success(
        request,
        f"Done: @{username} on X is opted out. Everything Klout held about it was deleted and "
        "nothing about it will be collected again.",
    )
    return redirect("privacy:public")
