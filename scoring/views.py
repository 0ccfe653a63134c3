from __future__ import annotations

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
from scoring.selectors import chart_points, member_dashboard
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


def public_profile(request, slug: str):
    """A member's public page; private profiles are not found, except by their owner."""
    member = get_object_or_404(Member.objects.select_related("user"), slug=slug)
    is_owner = request.user.is_authenticated and member.user_id == request.user.pk
    if not member_is_public(member=member) and not is_owner:
        raise Http404("No such profile")
    data = member_dashboard(member=member)
    return render(
        request,
        "scoring/public_profile.html",
        {"d": data, "chart": chart_points(data.history), "is_owner": is_owner},
    )


def method(request):
    """docs/scoring.md, the score's method, as a page of the site."""
    import markdown
    from django.conf import settings

    source = (settings.BASE_DIR / "docs" / "scoring.md").read_text(encoding="utf-8")
    html = markdown.markdown(source, extensions=["tables", "toc", "fenced_code"])
    return render(request, "scoring/method.html", {"content": html})
