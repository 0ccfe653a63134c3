"""Writes of the brand's side: shortlists, perks (draft, publish, offer, close)."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Brand, User
from accounts.selectors import members_public
from connectors.models import Identity
from klout.queue import enqueue_on_commit
from perks import mail
from perks.claims import _record, _terms
from perks.models import Claim, Perk, Shortlist, ShortlistEntry

# --- shortlists ------------------------------------------------------------------------------------


def shortlist_create(*, brand: Brand, name: str, by: User) -> Shortlist:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the shortlist a name."})
    try:
        with transaction.atomic():
            return Shortlist.objects.create(brand=brand, name=name[:120], created_by=by)
    except IntegrityError:
        raise ValidationError({"name": f"Your brand already has a shortlist named “{name}”."}) from None


def shortlist_add(*, shortlist: Shortlist, identity: Identity, by: User) -> bool:
    """Add ``identity`` (one discovery may show); False when it was there already."""
    _, created = ShortlistEntry.objects.get_or_create(
        shortlist=shortlist, identity=identity, defaults={"added_by": by}
    )
    return created


def shortlist_remove(*, shortlist: Shortlist, identity_id: int) -> None:
    ShortlistEntry.objects.filter(shortlist=shortlist, identity_id=identity_id).delete()


def shortlist_delete(*, shortlist: Shortlist) -> None:
    shortlist.delete()


def shortlist_csv(*, rows: list[dict]) -> str:
    """The CSV of a shortlist's visible entries (``selectors.shortlist_rows``)."""
    out = io.StringIO()
    columns = ["network", "handle", "name", "score", "audience", "topics", "profile"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
        writer.writerow({k: _cell(row.get(k, "")) for k in columns})
    return out.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- perks -------------------------------------------------------------------------------------------


def perk_check(perk: Perk) -> None:
    """The rules a perk's form cannot see alone: dates in order, a quantity, a campaign tag."""
    errors = {}
    if perk.ends_on and perk.starts_on and perk.ends_on < perk.starts_on:
        errors["ends_on"] = "The perk must end on or after the day it starts."
    if perk.quantity is not None and perk.quantity < perk.taken:
        errors["quantity"] = f"{perk.taken} units are already claimed; the quantity cannot be lower."
    if perk.quantity is not None and perk.quantity < 1:
        errors["quantity"] = "Offer at least one."
    if errors:
        raise ValidationError(errors)


def perk_save(*, perk: Perk, by: User) -> Perk:
    """Create or edit a perk. A published perk may be edited; claims already made keep the terms
    their member accepted (``Claim.terms``)."""
    perk_check(perk)
    if perk.pk is None:
        perk.created_by = by
    perk.campaign_tag = perk.campaign_tag.strip()
    if perk.pk is None:
        perk.save()
        return perk
    # The units taken and the status move by their own conditional updates (claims, publishing,
    # closing): an edit read before a claim must not write back the count it read.
    kept = {"id", "taken", "status"}
    perk.save(update_fields=[f.name for f in Perk._meta.concrete_fields if f.name not in kept])
    return perk


def perk_publish(*, perk: Perk) -> Perk:
    """Open a draft for claims and mail the members it is for (from the worker)."""
    perk_check(perk)
    if perk.status != Perk.Status.DRAFT:
        raise ValidationError("Only a draft can be published.")
    if perk.ends_on < timezone.localdate():
        raise ValidationError({"ends_on": "This perk has already ended; move its end date first."})
    with transaction.atomic():
        updated = Perk.objects.filter(pk=perk.pk, status=Perk.Status.DRAFT).update(
            status=Perk.Status.PUBLISHED, published_at=timezone.now()
        )
        if updated:
            from perks.tasks import perk_published_mail_task

            # A mail lost with the broker is not worth failing the publication for.
            enqueue_on_commit(perk_published_mail_task, perk.pk, on_failure=lambda: None)
    perk.refresh_from_db()
    return perk


def perk_close(*, perk: Perk) -> Perk:
    Perk.objects.filter(pk=perk.pk).exclude(status=Perk.Status.CLOSED).update(status=Perk.Status.CLOSED)
    perk.refresh_from_db()
    return perk


def perk_offer_to_shortlist(*, perk: Perk, shortlist: Shortlist, by: User) -> dict[str, int]:
    """Offer a published perk directly to the members on a shortlist; each gets a mail.

    Only members can receive a perk: identities not linked to a member, or whose member is not
    public, are counted and skipped, as are members who already have a claim of this perk.
    """
    if perk.status != Perk.Status.PUBLISHED:
        raise ValidationError("Publish the perk before offering it.")
    if shortlist.brand_id != perk.brand_id:
        raise ValidationError("That shortlist is not your brand's.")
    of_members = shortlist.entries.filter(identity__member__in=members_public())
    member_ids = set(of_members.values_list("identity__member_id", flat=True))
    counts = {"offered": 0, "already": 0, "not_members": shortlist.entries.count() - of_members.count()}
    with transaction.atomic():
        existing = set(
            Claim.objects.filter(perk=perk, member_id__in=member_ids).values_list("member_id", flat=True)
        )
        for member_id in sorted(member_ids - existing):
            claim = Claim.objects.create(
                perk=perk, member_id=member_id, state=Claim.State.OFFERED, terms=_terms(perk)
            )
            _record(claim, actor=by, side="brand", before="")
            mail.claim_changed_to_member(claim=claim)
            counts["offered"] += 1
        counts["already"] = len(existing)
    return counts
