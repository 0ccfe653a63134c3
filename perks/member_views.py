"""The member's perks: the ones open to them, claiming one, and their claims."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.models import Member
from accounts.selectors import brand_memberships, member_for_request
from perks import claims, selectors
from perks.forms import ClaimForm, CountryForm
from perks.mail import DISCLOSURE
from perks.models import Perk

NOT_A_MEMBER = "Perks are offered to influencer accounts."


@member_required(message=NOT_A_MEMBER)
def perks_index(request: HttpRequest) -> HttpResponse:
    member = member_for_request(request)
    form = CountryForm(request.POST or None, initial={"country": member.country})
    if request.method == "POST" and form.is_valid():
        Member.objects.filter(pk=member.pk).update(country=form.cleaned_data["country"])
        messages.success(request, "Your country is saved.")
        return redirect("perks:member_perks")
    context = {
        "open_perks": selectors.member_perks_open(member=member),
        "claims": selectors.member_claims(member=member),
        "country_form": form,
    }
    return render(request, "perks/member_perks.html", context)


@member_required(message=NOT_A_MEMBER)
def perk_page(request: HttpRequest, perk_id: int) -> HttpResponse:
    member = member_for_request(request)
    perk, claim = selectors.perk_get_for_member(member=member, perk_id=perk_id)
    if claim is not None and claim.state != claim.State.OFFERED:
        return redirect("perks:claim", claim.pk)
    needs_shipping = claim.terms.get("needs_shipping", perk.needs_shipping) if claim else perk.needs_shipping
    form = ClaimForm(
        request.POST or None, needs_shipping=needs_shipping, initial={"contact_email": member.user.email}
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = claims.perk_claim(
                perk=perk,
                member=member,
                shipping_address=form.cleaned_data.get("shipping_address", ""),
                contact_email=form.cleaned_data.get("contact_email", ""),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except claims.ClaimRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"You claimed “{perk.title}”. {perk.brand.name} is told and will ship it."
            )
            return redirect("perks:claim", claim.pk)
    return render(
        request,
        "perks/perk.html",
        {
            "perk": perk,
            "claim": claim,
            "form": form,
            "disclosure": DISCLOSURE,
            "needs_shipping": needs_shipping,
        },
    )


@member_required(message=NOT_A_MEMBER)
def claim_page(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get_for_member(member=member_for_request(request), claim_id=claim_id)
    return render(
        request,
        "perks/claim.html",
        {"claim": claim, "events": claim.events.all(), "disclosure": DISCLOSURE},
    )


@member_required(message=NOT_A_MEMBER)
@require_POST
def claim_decline(request: HttpRequest, claim_id: int) -> HttpResponse:
    member = member_for_request(request)
    claim = selectors.claim_get_for_member(member=member, claim_id=claim_id)
    try:
        claims.claim_decline(claim=claim, member=member)
    except claims.ClaimRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "You declined the perk; the brand is told.")
    return redirect("perks:claim", claim.pk)


@member_required(message=NOT_A_MEMBER)
@require_POST
def claim_receive(request: HttpRequest, claim_id: int) -> HttpResponse:
    member = member_for_request(request)
    claim = selectors.claim_get_for_member(member=member, claim_id=claim_id)
    try:
        claims.claim_receive(claim=claim, member=member)
    except claims.ClaimRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Thanks: the brand is told it arrived.")
    return redirect("perks:claim", claim.pk)


@login_required
def perk_image(request: HttpRequest, perk_id: int) -> HttpResponse:
    """A perk's image, for its brand's team and the members who may see the perk. Uploads are not
    served from a public folder: the media folder also holds members' imports and exports."""
    brands = brand_memberships(user=request.user).values("brand_id")
    perk = Perk.objects.filter(pk=perk_id, brand_id__in=brands).first()
    if perk is None:
        perk, _ = selectors.perk_get_for_member(member=member_for_request(request), perk_id=perk_id)
    if not perk.image:
        raise Http404("No image")
    response = FileResponse(perk.image.open("rb"))
    response["Content-Disposition"] = "inline"
    # Only images Pillow opened were stored; never let a browser guess another type.
    response["X-Content-Type-Options"] = "nosniff"
    return response
