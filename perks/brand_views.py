"""The brand's pages: perks (create, edit, publish, offer, close), claims, shortlists, outcome.

Every view acts for the brand in its URL (``perks.access.brand_view``) and reads through
``perks.selectors``, so another brand's objects are a 404 like missing ones.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from connectors.selectors import identities_visible
from perks import claims, selectors, services
from perks.access import brand_view
from perks.forms import PerkForm, ShipForm, ShortlistForm
from perks.models import Perk
from perks.outcome import perk_outcome


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- perks ---------------------------------------------------------------------------------------


@brand_view
def perk_list(request: HttpRequest, membership) -> HttpResponse:
    brand = membership.brand
    return render(
        request,
        "perks/brand_perks.html",
        {"brand": brand, "perks": selectors.brand_perks(brand=brand), "membership": membership},
    )


@brand_view
def perk_edit(request: HttpRequest, membership, perk_id: int | None = None) -> HttpResponse:
    brand = membership.brand
    perk = selectors.perk_get_for_brand(brand=brand, perk_id=perk_id) if perk_id else Perk(brand=brand)
    today = timezone.localdate()
    initial = {} if perk.pk else {"starts_on": today, "ends_on": today + timedelta(days=30)}
    form = PerkForm(request.POST or None, request.FILES or None, instance=perk, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            perk = services.perk_save(perk=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"“{perk.title}” is saved.")
            return redirect("perks:brand_perk", brand.slug, perk.pk)
    return render(request, "perks/perk_form.html", {"brand": brand, "form": form, "perk": perk})


@brand_view
def perk_detail(request: HttpRequest, membership, perk_id: int) -> HttpResponse:
    brand = membership.brand
    perk = selectors.perk_get_for_brand(brand=brand, perk_id=perk_id)
    context = {
        "brand": brand,
        "perk": perk,
        "claims": selectors.perk_claims(perk=perk),
        "shortlists": selectors.brand_shortlists(brand=brand),
    }
    return render(request, "perks/brand_perk.html", context)


@brand_view
@require_POST
def perk_publish(request: HttpRequest, membership, perk_id: int) -> HttpResponse:
    perk = selectors.perk_get_for_brand(brand=membership.brand, perk_id=perk_id)
    try:
        services.perk_publish(perk=perk)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"“{perk.title}” is published: the influencers it is for are told by mail.")
    return redirect("perks:brand_perk", membership.brand.slug, perk.pk)


@brand_view
@require_POST
def perk_close(request: HttpRequest, membership, perk_id: int) -> HttpResponse:
    perk = selectors.perk_get_for_brand(brand=membership.brand, perk_id=perk_id)
    services.perk_close(perk=perk)
    messages.success(request, f"“{perk.title}” is closed: nobody new can claim it.")
    return redirect("perks:brand_perk", membership.brand.slug, perk.pk)


@brand_view
@require_POST
def perk_offer(request: HttpRequest, membership, perk_id: int) -> HttpResponse:
    brand = membership.brand
    perk = selectors.perk_get_for_brand(brand=brand, perk_id=perk_id)
    try:
        shortlist = selectors.shortlist_get_for_brand(
            brand=brand, shortlist_id=int(request.POST.get("shortlist_id", 0))
        )
        counts = services.perk_offer_to_shortlist(perk=perk, shortlist=shortlist, by=request.user)
    except ValueError:
        messages.error(request, "Choose one of your shortlists.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        said = f"Offered to {counts['offered']} influencer{'s' if counts['offered'] != 1 else ''}."
        if counts["already"]:
            said += f" {counts['already']} already had it."
        if counts["not_members"]:
            said += (
                f" {counts['not_members']} on the list are not Klout members, so cannot receive perks here."
            )
        messages.success(request, said)
    return redirect("perks:brand_perk", brand.slug, perk.pk)


@brand_view
def perk_outcome_view(request: HttpRequest, membership, perk_id: int) -> HttpResponse:
    brand = membership.brand
    perk = selectors.perk_get_for_brand(brand=brand, perk_id=perk_id)
    outcome = perk_outcome(perk=perk)
    chart = {"labels": [d.isoformat() for d, _ in outcome.by_day], "values": [n for _, n in outcome.by_day]}
    return render(
        request, "perks/outcome.html", {"brand": brand, "perk": perk, "outcome": outcome, "chart": chart}
    )


# --- claims --------------------------------------------------------------------------------------


@brand_view
def claim_detail(request: HttpRequest, membership, claim_id: int) -> HttpResponse:
    brand = membership.brand
    claim = selectors.claim_get_for_brand(brand=brand, claim_id=claim_id)
    return render(
        request,
        "perks/brand_claim.html",
        {
            "brand": brand,
            "claim": claim,
            "events": claim.events.select_related("actor"),
            "ship_form": ShipForm(),
        },
    )


@brand_view
@require_POST
def claim_ship(request: HttpRequest, membership, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_for_brand(brand=membership.brand, claim_id=claim_id)
    form = ShipForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "That tracking link is not a web address; leave it empty or paste the full link."
        )
    else:
        try:
            claims.claim_ship(claim=claim, by=request.user, tracking_url=form.cleaned_data["tracking_url"])
        except (claims.ClaimRefused, ValidationError) as exc:
            messages.error(request, str(exc) if isinstance(exc, claims.ClaimRefused) else _errors(exc))
        else:
            messages.success(request, "Marked shipped; the influencer is told by mail.")
    return redirect("perks:brand_claim", membership.brand.slug, claim.pk)


@brand_view
@require_POST
def claim_cancel(request: HttpRequest, membership, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_for_brand(brand=membership.brand, claim_id=claim_id)
    try:
        claims.claim_cancel(claim=claim, by=request.user)
    except claims.ClaimRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The claim is cancelled; its unit is free again.")
    return redirect("perks:brand_claim", membership.brand.slug, claim.pk)


# --- shortlists ------------------------------------------------------------------------------------


@brand_view
def shortlist_list(request: HttpRequest, membership) -> HttpResponse:
    brand = membership.brand
    form = ShortlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shortlist = services.shortlist_create(
                brand=brand, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("name", _errors(exc))
        else:
            return redirect("perks:shortlist", brand.slug, shortlist.pk)
    return render(
        request,
        "perks/shortlists.html",
        {"brand": brand, "shortlists": selectors.brand_shortlists(brand=brand), "form": form},
    )


@brand_view
def shortlist_detail(request: HttpRequest, membership, shortlist_id: int) -> HttpResponse:
    brand = membership.brand
    shortlist = selectors.shortlist_get_for_brand(brand=brand, shortlist_id=shortlist_id)
    rows = selectors.shortlist_rows(shortlist=shortlist)
    return render(request, "perks/shortlist.html", {"brand": brand, "shortlist": shortlist, "rows": rows})


@brand_view
def shortlist_export(request: HttpRequest, membership, shortlist_id: int) -> HttpResponse:
    brand = membership.brand
    shortlist = selectors.shortlist_get_for_brand(brand=brand, shortlist_id=shortlist_id)
    rows = selectors.shortlist_rows(shortlist=shortlist)
    for row in rows:
        row["profile"] = request.build_absolute_uri(row["profile"])
    response = HttpResponse(services.shortlist_csv(rows=rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="shortlist-{shortlist.pk}.csv"'
    return response


@brand_view
@require_POST
def shortlist_add(request: HttpRequest, membership) -> HttpResponse:
    """Add an influencer (from discovery or a profile) to a shortlist, new or existing."""
    brand = membership.brand
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    try:
        identity = identities_visible().get(pk=int(request.POST.get("identity_id", 0)))
    except (ValueError, identities_visible().model.DoesNotExist):
        messages.error(request, "That influencer cannot be found any more.")
        return redirect(back) if back else redirect("perks:shortlists", brand.slug)
    try:
        if request.POST.get("new_name", "").strip():
            shortlist = services.shortlist_create(brand=brand, name=request.POST["new_name"], by=request.user)
        else:
            shortlist = selectors.shortlist_get_for_brand(
                brand=brand, shortlist_id=int(request.POST.get("shortlist_id", 0))
            )
    except ValueError:
        messages.error(request, "Choose a shortlist, or name a new one.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        who = f"@{identity.handle}" if identity.handle else "The influencer"
        if services.shortlist_add(shortlist=shortlist, identity=identity, by=request.user):
            messages.success(request, f"{who} is on “{shortlist.name}”.")
        else:
            messages.info(request, f"{who} was already on “{shortlist.name}”.")
    if back:
        return redirect(back)
    return redirect("perks:shortlists", brand.slug)


@brand_view
@require_POST
def shortlist_remove(request: HttpRequest, membership, shortlist_id: int, identity_id: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_brand(brand=membership.brand, shortlist_id=shortlist_id)
    services.shortlist_remove(shortlist=shortlist, identity_id=identity_id)
    messages.success(request, "Removed from the shortlist.")
    return redirect("perks:shortlist", membership.brand.slug, shortlist.pk)


@brand_view
@require_POST
def shortlist_delete(request: HttpRequest, membership, shortlist_id: int) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_brand(brand=membership.brand, shortlist_id=shortlist_id)
    name = shortlist.name
    services.shortlist_delete(shortlist=shortlist)
    messages.success(request, f"The shortlist “{name}” is deleted.")
    return redirect("perks:shortlists", membership.brand.slug)
