"""Shared setup of the privacy tests: a member with activity in both directions, recorded profiles."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import yaml
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Member
from connectors.ingest import ingest_batch
from connectors.models import ConnectedAccount, Identity, SyncRun
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from scoring.models import IdentityScore, MemberScore
from tests.conftest import FIXTURES
from tests.factories import MemberFactory

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

# The member (ada, X id 100), and two people who are not members: bob (200) and carol (300).
ADA, BOB, CAROL = "100", "200", "300"


@dataclass
class World:
    member: Member
    ada: Identity
    bob: Identity
    carol: Identity
    account: ConnectedAccount
    upload_path: str


def world_build(*, member: Member | None = None) -> World:
    """ada posts; bob likes it and mentions her; ada replies to bob and likes carol's post."""
    member = member or MemberFactory()
    ingest_batch(
        batch=Batch(
            identities=[
                IdentityRecord(network="x", external_id=ADA, handle="ada", followers=10),
                IdentityRecord(network="x", external_id=BOB, handle="bob", followers=20),
                IdentityRecord(network="x", external_id=CAROL, handle="carol", followers=30),
            ],
            posts=[
                PostRecord(
                    network="x", external_id="ada-1", author_id=ADA, created_at=WHEN, text="ada's post"
                ),
                PostRecord(
                    network="x", external_id="bob-1", author_id=BOB, created_at=WHEN, text="bob's post"
                ),
                PostRecord(
                    network="x",
                    external_id="ada-2",
                    author_id=ADA,
                    created_at=WHEN,
                    kind="reply",
                    parent_id="bob-1",
                ),
                PostRecord(
                    network="x", external_id="carol-1", author_id=CAROL, created_at=WHEN, text="carol"
                ),
            ],
            interactions=[
                InteractionRecord(
                    network="x", kind="like", actor_id=BOB, target_id=ADA, occurred_at=WHEN, post_id="ada-1"
                ),
                InteractionRecord(network="x", kind="mention", actor_id=BOB, target_id=ADA, occurred_at=WHEN),
                InteractionRecord(
                    network="x", kind="reply", actor_id=ADA, target_id=BOB, occurred_at=WHEN, post_id="bob-1"
                ),
                InteractionRecord(
                    network="x",
                    kind="like",
                    actor_id=ADA,
                    target_id=CAROL,
                    occurred_at=WHEN,
                    post_id="carol-1",
                ),
                InteractionRecord(
                    network="x", kind="like", actor_id=CAROL, target_id=BOB, occurred_at=WHEN, post_id="bob-1"
                ),
            ],
        )
    )
    ada = Identity.objects.get(network="x", external_id=ADA)
    ada.member = member
    ada.save(update_fields=["member"])
    account = ConnectedAccount.objects.create(
        member=member, identity=ada, network="x", access_token="secret-access", refresh_token="secret-refresh"
    )
    upload_path = default_storage.save(f"imports/{member.pk}/upload.zip", ContentFile(b"archive bytes"))
    SyncRun.objects.create(member=member, account=account, source="x_archive", upload_path=upload_path)
    SyncRun.objects.create(account=account, source="x_api")
    for identity in Identity.objects.filter(external_id__in=[ADA, BOB]):
        IdentityScore.objects.create(
            identity=identity,
            day=date(2024, 5, 2),
            model_version="1",
            score=50,
            unsmoothed=50,
            raw=1,
            computed_at=WHEN,
        )
    MemberScore.objects.create(
        member=member,
        day=date(2024, 5, 2),
        model_version="1",
        score=50,
        unsmoothed=50,
        raw=1,
        computed_at=WHEN,
    )
    return World(
        member=member,
        ada=ada,
        bob=Identity.objects.get(external_id=BOB),
        carol=Identity.objects.get(external_id=CAROL),
        account=account,
        upload_path=upload_path,
    )


# --- recorded profiles -------------------------------------------------------------------------


def mastodon_account() -> dict:
    """mastodon.social's real answer for an account (halcy@icosahedron.website)."""
    path = FIXTURES / "mastodon" / "cassettes-real-servers" / "test_entity_account.yaml"
    cassette = yaml.safe_load(Path(path).read_text())
    return json.loads(cassette["interactions"][0]["response"]["body"]["string"])


def bluesky_profile() -> dict:
    """A real Bluesky profile view (test.marshal.dev) as the AppView returns it."""
    data = json.loads((FIXTURES / "bluesky" / "sdk-test-data" / "get_follows.json").read_text())
    return data["subject"]


def bluesky_did_document() -> dict:
    """The real DID document of test.marshal.dev, as the PLC directory serves it."""
    data = json.loads((FIXTURES / "bluesky" / "sdk-test-data" / "did_doc.json").read_text())
    return data["didDoc"]


def x_user() -> dict:
    """X's real answer to GET /2/users/by/username/Twitter."""
    path = FIXTURES / "twitter" / "tweepy-cassettes" / "test_client_get_user.yaml"
    cassette = yaml.safe_load(Path(path).read_text())
    return json.loads(gzip.decompress(cassette["interactions"][0]["response"]["body"]["string"]))
