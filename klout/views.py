from __future__ import annotations

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render

from accounts.selectors import member_for_request
from klout import health


def home(request):
    if member_for_request(request) is not None:
        return redirect("scoring:dashboard")
    return render(request, "klout/home.html")


def _health_trusted(request) -> bool:
    """Staff, or a monitor with the status token: they may see the details (which name hosts,
    ports and roles when something fails) and have a task sent to a worker (which holds the
    request for up to ten seconds, so not for anyone). With DEBUG on (a developer's machine), anyone."""
    if settings.DEBUG or (request.user.is_authenticated and request.user.is_staff):
        return True
    token = settings.HEALTH_CHECK_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def health_view(request):
    """Status of the service's parts; JSON for monitors, a page for people.

    Anyone sees whether each part is up. Staff and monitors with ``HEALTH_CHECK_TOKEN`` also see
    the details and may add ``?worker=1``, which sends a task through the broker and waits for a
    worker's answer.
    """
    trusted = _health_trusted(request)
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    if request.GET.get("worker") == "1" and trusted:
        checks["worker"] = health.check_worker()
    ok = all(check["ok"] for check in checks.values())
    status = 200 if ok else 503
    if not trusted:
        checks = {name: {"ok": check["ok"]} for name, check in checks.items()}
    if "application/json" in request.headers.get("Accept", "") or request.GET.get("format") == "json":
        return JsonResponse({"ok": ok, "checks": checks}, status=status)
    context = {"checks": checks, "ok": ok, "trusted": trusted}
    return render(request, "klout/health.html", context, status=status)
