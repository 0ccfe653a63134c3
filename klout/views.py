from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect, render

from klout import health


def home(request):
    if request.user.is_authenticated and hasattr(request.user, "member"):
        return redirect("scoring:dashboard")
    return render(request, "klout/home.html")


def health_view(request):
    """Status of the service's parts; JSON for monitors, a page for people.

    ``?worker=1`` also sends a task through the broker and waits for a worker's answer.
    """
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    if request.GET.get("worker") == "1":
        checks["worker"] = health.check_worker()
    ok = all(check["ok"] for check in checks.values())
    status = 200 if ok else 503
    if "application/json" in request.headers.get("Accept", "") or request.GET.get("format") == "json":
        return JsonResponse({"ok": ok, "checks": checks}, status=status)
    return render(request, "klout/health.html", {"checks": checks, "ok": ok}, status=status)
