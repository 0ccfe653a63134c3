from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.models import Member
from accounts.selectors import member_for_request, member_is_public
from accounts.services import member_profile_visibility_set
from connectors.models import Identity
from scoring.models import IdentityScore
from scoring.selectors import Dashboard, chart_points, member_dashboard
from scoring.topics import topic_hide as topic_hide_service
from scoring.topics import topic_unhide as topic_unhide_service


@member_required(message="The dashboard is for influencer accounts.")
def dashboard(request):
    data = member_dashboard(member=member_for_request(request))
    return render(request, "scoring/dashboard.html", {"d": data, "chart": chart_points(data.history)})


@login_required
@require_POST
def profile_visibility(request):
    member = member_for_request(request)
    if member is None:
        raise Http404("Only influencer accounts have a profile.")
    public = request.POST.get("public") == "1"
    try:
        member_profile_visibility_set(member=member, public=public)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, "Your profile is now public." if public else "Your profile is now private.")
    return redirect("scoring:dashboard")


@member_required(message="Topics belong to influencer accounts.")
@require_POST
def topic_hide(request):
    topic = topic_hide_service(member=member_for_request(request), topic=request.POST.get("topic", ""))
    if topic:
        messages.success(request, f"“{topic}” is hidden: it shows nowhere, and no brand finds you by it.")
    return redirect(reverse("scoring:dashboard") + "#topics")


@member_required(message="Topics belong to influencer accounts.")
@require_POST
def topic_unhide(request):
    topic = topic_unhide_service(member=member_for_request(request), topic=request.POST.get("topic", ""))
    if topic:
        messages.success(request, f"“{topic}” shows again.")
    return redirect(reverse("scoring:dashboard") + "#topics")


# SIGNAL_WORDS speak to the member ("replies to you"); the public profile speaks of them to
# whoever reads it. Every signal has its words here (tests/scoring check that none is missing).
SIGNAL_WORDS_VISITOR = {
    "reposts": "reposts of their posts",
    "replies": "replies they received",
    "quotes": "quotes of their posts",
    "likes": "likes",
    "mentions": "mentions of them",
    "counted_reposts": "reposts the network counted on their posts",
    "counted_replies": "replies the network counted on their posts",
    "counted_quotes": "quotes the network counted on their posts",
    "counted_likes": "likes the network counted on their posts",
    "counted_mentions": "mentions the network counted",
    "counted_views": "views the network counted on their posts",
    "authority": "the standing of the people who react to them",
    "listed": "the lists people put them on",
    "efficiency": "reactions for each post they make",
    "audience": "the size of their audience",
}


def _main_identity(data: Dashboard) -> Identity | None:
    """The identity the score rests most on, to name the profile by: one on the network that
    gave the most points, and of several there the one that scored highest that day. Before a
    first score, the first identity (they are ordered by network and handle)."""
    if not data.identities:
        return None
    if data.current is None or not data.networks:
        return data.identities[0]
    network = data.networks[0].name  # the parts are sorted, most points first
    candidates = [identity for identity in data.identities if identity.network == network]
    if not candidates:
        return data.identities[0]
    if len(candidates) == 1:
        return candidates[0]
    best = (
        IdentityScore.objects.filter(identity__in=candidates, day=data.current.day)
        .order_by("-unsmoothed", "identity_id")
        .values_list("identity_id", flat=True)
        .first()
    )
    return next((identity for identity in candidates if identity.pk == best), candidates[0])


def public_profile(request, slug: str):
    """A member's public page; private profiles are not found, except by their owner.

    It speaks of the member in the third person, to the owner too: it shows them what others see.
    """
    member = get_object_or_404(Member.objects.select_related("user"), slug=slug)
    is_owner = request.user.is_authenticated and member.user_id == request.user.pk
    if not member_is_public(member=member) and not is_owner:
        raise Http404("No such profile")
    data = member_dashboard(member=member)
    data.signals = [
        replace(part, label=SIGNAL_WORDS_VISITOR.get(part.name, part.label)) for part in data.signals
    ]
    main = _main_identity(data)
    # The main identity first, then the others as the dashboard orders them.
    identities = [main, *(identity for identity in data.identities if identity != main)] if main else []
    return render(
        request,
        "scoring/public_profile.html",
        {
            "d": data,
            "chart": chart_points(data.history),
            "is_owner": is_owner,
            "main_identity": main,
            "identities": identities,
        },
    )


def method(request):
    """docs/scoring.md, the score's method, as a page of the site."""
    import markdown
    from django.conf import settings

    source = (settings.BASE_DIR / "docs" / "scoring.md").read_text(encoding="utf-8")
    html = markdown.markdown(source, extensions=["tables", "toc", "fenced_code"])
    # A table of many columns scrolls inside its box on a phone instead of widening the page.
    html = html.replace("<table>", '<div class="table-scroll"><table>').replace("</table>", "</table></div>")
    return render(request, "scoring/method.html", {"content": html})
