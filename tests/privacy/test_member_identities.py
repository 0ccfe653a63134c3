"""One definition of "the member's identities": the privacy page, the export, the opt-out and the
account deletion all cover the same ones, however each identity came to be the member's."""

from __future__ import annotations

import json
import zipfile

import pytest

from connectors.models import ConnectedAccount, Identity, Tombstone, tombstone_digest
from connectors.selectors import member_identities
from privacy.exports import data_export_build, data_export_file
from privacy.models import DataExport
from privacy.services import account_delete, member_opt_out
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

# How an identity came to be the member's: linked to them, claimed by their upload, connected
# by them (signing in with it proves it).
WAYS = {
    "signed_in": {"linked": True, "claimed": False, "connected": True},
    "connected_before_it_was_linked": {"linked": False, "claimed": False, "connected": True},
    "linked_by_the_operator": {"linked": True, "claimed": False, "connected": False},
    "claimed_by_an_upload": {"linked": True, "claimed": True, "connected": False},
    "claimed_then_signed_in": {"linked": True, "claimed": True, "connected": True},
}
PROVEN = {name for name, way in WAYS.items() if way["connected"] or not way["claimed"]}


def member_with_every_kind_of_identity():
    member = MemberFactory()
    for n, (name, way) in enumerate(WAYS.items()):
        identity = Identity.objects.create(
            network="x",
            external_id=str(100 + n),
            handle=name,
            member=member if way["linked"] else None,
            member_claimed=way["claimed"],
        )
        if way["connected"]:
            ConnectedAccount.objects.create(member=member, identity=identity, network="x")
    Identity.objects.create(network="x", external_id="999", handle="someone_else", member=MemberFactory())
    return member


def exported_handles(member) -> set[str]:
    export = data_export_build(export_id=DataExport.objects.create(user=member.user).pk)
    with zipfile.ZipFile(data_export_file(export=export)) as archive:
        return {row["handle"] for row in json.loads(archive.read("identities.json"))}


def tombstoned_handles() -> set[str]:
    digests = set(Tombstone.objects.values_list("digest", flat=True))
    return {
        name
        for n, name in enumerate(WAYS)
        if tombstone_digest(network="x", external_id=str(100 + n)) in digests
    }


def still_the_members(member) -> set[str]:
    linked = Identity.objects.filter(member=member).values_list("handle", flat=True)
    connected = ConnectedAccount.objects.filter(member=member).values_list("identity__handle", flat=True)
    return set(linked) | set(connected)


def test_the_privacy_page_lists_every_identity_and_which_are_proven():
    member = member_with_every_kind_of_identity()
    listed = {identity.handle: identity.proven for identity in member_identities(member=member)}
    assert listed == {name: name in PROVEN for name in WAYS}


def test_the_export_holds_every_identity_the_opt_out_takes_and_no_other():
    member = member_with_every_kind_of_identity()
    assert exported_handles(member) == set(WAYS)

    member_opt_out(member=member)

    assert still_the_members(member) == set()
    # The proven ones are purged for good; a claim is only released (it proves nothing).
    assert tombstoned_handles() == PROVEN
    assert not Identity.objects.filter(handle__in=PROVEN).exists()
    assert Identity.objects.filter(handle="someone_else").exclude(member=None).exists()


@pytest.mark.parametrize("opt_out", [True, False], ids=["opting_out", "keeping_tracking"])
def test_deleting_the_account_takes_the_same_identities_as_the_export_holds(opt_out):
    member = member_with_every_kind_of_identity()
    exported = exported_handles(member)
    user = member.user

    account_delete(user=user, opt_out=opt_out)

    assert exported == set(WAYS)
    assert not Identity.objects.filter(handle__in=PROVEN).exists()
    assert not Identity.objects.filter(handle__in=exported).exclude(member=None).exists()
    assert tombstoned_handles() == (PROVEN if opt_out else set())
    assert Identity.objects.filter(handle="someone_else").exclude(member=None).exists()
