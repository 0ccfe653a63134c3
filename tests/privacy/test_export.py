"""Export my data: a zip of JSON and CSV built by the worker, downloadable by its owner only."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from klout.schedules import PERIODIC_TASKS
from privacy.exports import data_export_build, data_export_file, data_export_request, exports_dir
from privacy.models import DataExport, PrivacyEvent
from privacy.selectors import data_export_get_for_user
from privacy.tasks import data_exports_expire_task
from tests.factories import UserFactory
from tests.personas import WHEN, world_build

pytestmark = pytest.mark.django_db(transaction=True)


def _zip(export: DataExport) -> zipfile.ZipFile:
    return zipfile.ZipFile(data_export_file(export=export))


def test_the_export_holds_every_table_as_json_and_csv():
    world = world_build()
    export = data_export_request(user=world.member.user)  # eager Celery: built on commit
    export.refresh_from_db()
    assert export.status == DataExport.Status.READY and export.progress == 100
    names = set(_zip(export).namelist())
    for table in ("account", "member", "identities", "posts", "interactions", "identity_scores",
                  "member_scores", "connected_accounts", "sync_runs"):  # fmt: skip
        assert {f"{table}.json", f"{table}.csv"} <= names, table
    posts = json.loads(_zip(export).read("posts.json"))
    assert {p["external_id"] for p in posts} == {"ada-1", "ada-2"}
    account = json.loads(_zip(export).read("account.json"))
    assert account[0]["email"] == world.member.user.email


def test_the_export_has_interactions_in_both_directions_and_no_one_elses():
    world = world_build()
    export = data_export_build(export_id=DataExport.objects.create(user=world.member.user).pk)
    rows = list(csv.DictReader(io.StringIO(_zip(export).read("interactions.csv").decode())))
    pairs = {(r["direction"], r["kind"], r["actor_handle"], r["target_handle"]) for r in rows}
    assert pairs == {
        ("received", "like", "bob", "ada"),
        ("received", "mention", "bob", "ada"),
        ("given", "reply", "ada", "bob"),
        ("given", "like", "ada", "carol"),
    }


def test_the_export_never_contains_tokens():
    world = world_build()
    export = data_export_build(export_id=DataExport.objects.create(user=world.member.user).pk)
    archive = _zip(export)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"secret-access" not in everything and b"secret-refresh" not in everything
    accounts = json.loads(archive.read("connected_accounts.json"))
    assert accounts[0]["identity_handle"] == "ada" and "access_token" not in accounts[0]


def test_an_account_without_an_influencer_profile_exports_just_the_account():
    user = UserFactory()
    export = data_export_build(export_id=DataExport.objects.create(user=user).pk)
    assert sorted(_zip(export).namelist()) == ["README.txt", "account.csv", "account.json"]


def test_the_build_is_queued_only_after_commit(monkeypatch):
    user = UserFactory()
    queued = []
    monkeypatch.setattr("privacy.tasks.data_export_build_task.delay", lambda pk: queued.append(pk))
    with transaction.atomic():
        export = data_export_request(user=user)
        assert queued == []
    assert queued == [export.pk]


def test_asking_twice_while_building_returns_the_same_export(monkeypatch):
    user = UserFactory()
    monkeypatch.setattr("privacy.tasks.data_export_build_task.delay", lambda pk: None)
    assert data_export_request(user=user).pk == data_export_request(user=user).pk
    assert DataExport.objects.count() == 1


def test_building_twice_builds_once():
    user = UserFactory()
    export = DataExport.objects.create(user=user)
    assert data_export_build(export_id=export.pk) is not None
    assert data_export_build(export_id=export.pk) is None
    assert len(list(exports_dir().glob(f"{DataExport.objects.get().file_name}"))) == 1
    assert PrivacyEvent.objects.filter(kind=PrivacyEvent.Kind.EXPORT_BUILT).count() == 1


def test_a_failed_build_is_recorded_and_leaves_no_file(monkeypatch):
    user = UserFactory()
    export = DataExport.objects.create(user=user)
    before = set(exports_dir().iterdir())

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("privacy.exports._write_table", broken)
    with pytest.raises(OSError):
        data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED and "Please ask for a new one." in export.error
    assert set(exports_dir().iterdir()) == before


def test_only_the_owner_can_download(client):
    world = world_build()
    export = data_export_build(export_id=DataExport.objects.create(user=world.member.user).pk)
    url = reverse("privacy:export_download", args=[export.pk])
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(world.member.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("README.txt")
    assert PrivacyEvent.objects.filter(kind=PrivacyEvent.Kind.EXPORT_DOWNLOADED).count() == 1


def test_another_users_export_is_not_found_by_its_id():
    owner, other = UserFactory(), UserFactory()
    export = DataExport.objects.create(user=owner)
    assert data_export_get_for_user(user=owner, export_id=export.pk) == export
    with pytest.raises(Http404):
        data_export_get_for_user(user=other, export_id=export.pk)
    with pytest.raises(Http404):
        data_export_get_for_user(user=owner, export_id=export.pk + 1)


def test_expired_exports_lose_their_file_and_their_link(client):
    user = UserFactory()
    export = data_export_build(export_id=DataExport.objects.create(user=user).pk)
    path = data_export_file(export=export)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(user)
    assert client.get(reverse("privacy:export_download", args=[export.pk])).status_code == 404
    assert data_exports_expire_task() == 1
    assert not path.exists()
    assert DataExport.objects.get().status == DataExport.Status.EXPIRED


def test_the_export_cleanup_is_scheduled():
    assert any(s.task == "privacy.tasks.data_exports_expire_task" for s in PERIODIC_TASKS)


def test_export_page_empty_state_then_ready_with_a_download_link(client):
    user = UserFactory()
    client.force_login(user)
    body = client.get(reverse("privacy:export")).content.decode()
    assert "You have not asked for an export yet." in body
    response = client.post(reverse("privacy:export"), follow=True)
    body = response.content.decode()
    export = DataExport.objects.get()
    assert reverse("privacy:export_download", args=[export.pk]) in body


def test_export_page_refreshes_and_shows_progress_while_building(client, monkeypatch):
    user = UserFactory()
    DataExport.objects.create(user=user, status=DataExport.Status.RUNNING, progress=40)
    client.force_login(user)
    body = client.get(reverse("privacy:export")).content.decode()
    assert 'http-equiv="refresh"' in body
    assert 'value="40"' in body


def test_an_export_does_not_name_another_members_private_account(django_capture_on_commit_callbacks):
    """What a member's export says of the people they interact with respects those people's privacy."""
    from connectors.ingest import ingest_batch
    from connectors.models import Identity
    from connectors.records import Batch, IdentityRecord, InteractionRecord
    from privacy.exports import PRIVATE_MEMBER
    from tests.factories import MemberFactory

    me, private = MemberFactory(), MemberFactory(profile_public=False)
    public = MemberFactory(profile_public=True)
    ingest_batch(
        batch=Batch(
            identities=[
                IdentityRecord(network="x", external_id="1", handle="me"),
                IdentityRecord(network="x", external_id="2", handle="bob_private"),
                IdentityRecord(network="x", external_id="3", handle="carol_public"),
            ],
            interactions=[
                InteractionRecord(network="x", kind="reply", actor_id=actor, target_id="1", occurred_at=WHEN)
                for actor in ("2", "3")
            ],
        )
    )
    for member, external_id in ((me, "1"), (private, "2"), (public, "3")):
        Identity.objects.filter(external_id=external_id).update(member=member)
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=me.user)
    export.refresh_from_db()
    with zipfile.ZipFile(exports_dir() / export.file_name) as archive:
        rows = json.load(io.TextIOWrapper(archive.open("interactions.json")))
    assert sorted(row["actor_handle"] for row in rows) == sorted(["carol_public", PRIVATE_MEMBER])
    assert "bob_private" not in json.dumps(rows)
