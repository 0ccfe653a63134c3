from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from connectors.models import Identity, Interaction, Post, SyncRun
from tests.conftest import require
from tests.connectors.archive_zips import SAMPLES, build_archive
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LINE = {
    "network": "x",
    "kind": "like",
    "actor": {"id": "1"},
    "target": {"id": "2"},
    "post_id": "3",
    "occurred_at": "2024-01-01T00:00:00Z",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def member_client(client):
    member = MemberFactory()
    client.force_login(member.user)
    client.member = member
    return client


def shown_figures(page: str) -> dict[str, int]:
    """The import figures a run's page shows, by their data-stat name."""
    return {
        name: int(value.replace(",", "")) for name, value in re.findall(r'data-stat="(\w+)">([\d,]+)<', page)
    }


@pytest.fixture
def own_accounts(member_client):
    """The uploading member's own accounts, which the lines of LINE are about (its target, "2")."""
    for network in ("x", "youtube"):
        Identity.objects.create(network=network, external_id="2", handle="me", member=member_client.member)


def test_upload_pages_show_labelled_file_fields(member_client):
    for name, label in (
        ("archive_upload", "X archive (.zip)"),
        ("activity_upload", "Activity file (JSON Lines)"),
        ("mastodon_archive_upload", "Mastodon archive (.zip)"),
        ("bluesky_repo_upload", "Bluesky data export (.car file)"),
        ("facebook_export_upload", "Facebook export (.zip, JSON format)"),
        ("instagram_export_upload", "Instagram export (.zip, JSON format)"),
        ("linkedin_export_upload", "LinkedIn data export (.zip)"),
    ):
        page = member_client.get(reverse(f"connectors:{name}")).content.decode()
        assert f'<label for="id_file">{label}</label>' in page
        assert "The largest file accepted is 2.0\xa0GB." in page


def test_the_activity_upload_page_says_in_plain_words_what_the_file_is(member_client):
    page = member_client.get(reverse("connectors:activity_upload")).content.decode()

    # Every field has a visible label; the network's says what it is for, not a command-line flag.
    assert '<label for="id_file">Activity file (JSON Lines)</label>' in page
    assert (
        '<label for="id_network">Network the activity is from <span class="muted">(optional)</span></label>'
        in page
    )
    assert '<option value="">Each line says which network</option>' in page
    assert "--network" not in page and "name none" not in page
    # What the file is, what a line holds, and that it is self-reported.
    assert "one JSON object on each line" in page and "<code>occurred_at</code>" in page
    assert "A file can only describe your own accounts" in page
    assert "#provenance-what-is-self-reported-and-how-much-of-a-score-rests-on-it" in page


def test_uploading_an_archive_imports_it_in_the_worker_and_shows_progress(
    member_client, tmp_path, media, django_capture_on_commit_callbacks
):
    require(SAMPLES.is_dir(), f"recorded archive samples not found at {SAMPLES}")
    zip_bytes = build_archive(tmp_path / "x.zip").read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("connectors:archive_upload"),
            {"file": SimpleUploadedFile("twitter-2024.zip", zip_bytes, content_type="application/zip")},
        )

    run = SyncRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("connectors:run_detail", args=[run.pk])
    assert (run.status, run.progress, run.member, run.upload_name) == (
        "succeeded",
        100,
        member_client.member,
        "twitter-2024.zip",
    )
    assert run.stats["archive"]["tweets"] == 3 and run.stats["rejected"] == 0
    assert Post.objects.count() == 3
    # The upload is deleted once imported.
    assert not list(media.rglob("*.zip"))
    status = member_client.get(reverse("connectors:run_status", args=[run.pk])).json()
    assert status["status"] == "succeeded" and status["progress"] == 100 and status["finished"]
    # The archive's records: 3 posts, 10 interactions and the member's profile are new; the
    # profiles of the 8 accounts it names are not the member's to report, so they are skipped.
    figures = status["figures"]
    assert (figures["read"], figures["new"], figures["already"], figures["skipped"]) == (22, 14, 0, 8)
    assert figures["new"] + figures["updated"] + figures["already"] + figures["skipped"] == figures["read"]
    page = member_client.get(reverse("connectors:run_detail", args=[run.pk])).content.decode()
    assert shown_figures(page) == {"read": 22, "new": 14, "already": 0, "skipped": 8}
    assert "3 posts, 10 interactions, 1 profile" in page
    assert "8 about accounts that are not yours" in page
    assert "an upload may describe only your own accounts" in page
    assert "<progress" not in page and 'class="message message-success"' in page
    assert f'href="{reverse("scoring:dashboard")}">See your score</a>' in page
    assert f'href="{reverse("connect:index")}">Import another file</a>' in page


def test_a_refused_archive_fails_the_run_with_the_reason_and_writes_nothing(
    member_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("connectors:archive_upload"), {"file": SimpleUploadedFile("x.zip", b"not a zip at all")}
        )

    run = SyncRun.objects.get()
    assert run.status == "failed" and "not a zip archive" in run.error
    assert Interaction.objects.count() == 0
    page = member_client.get(reverse("connectors:run_detail", args=[run.pk])).content.decode()
    # A failed run is stored at 100%: the page shows the failure, never a full bar.
    assert run.progress == 100 and "<progress" not in page
    error = page[page.index('<div id="import-error"') :]
    error = error[: error.index("</div>")]
    assert 'class="message message-error" role="alert"' in error and "not a zip archive" in error
    assert "This file was not imported." in error and "Nothing from it was stored" in error
    assert 'id="import-stats"' not in page
    assert f'href="{reverse("connectors:archive_upload")}">Upload a file again</a>' in page
    assert f'href="{reverse("connect:index")}">Back to Connect</a>' in page


def test_a_run_waiting_in_the_queue_shows_its_progress_bar_and_no_result_yet(member_client):
    run = SyncRun.objects.create(
        member=member_client.member, source="jsonl", status="running", progress=40, upload_name="a.jsonl"
    )

    page = member_client.get(reverse("connectors:run_detail", args=[run.pk])).content.decode()

    assert '<progress id="import-progress" max="100" value="40">' in page
    assert '<p id="import-error" class="message message-error" role="alert" hidden></p>' in page
    assert 'data-finished="0"' in page and 'id="import-stats"' not in page
    assert "See your score" not in page and "Upload a file again" not in page


def test_an_uploaded_activity_file_reports_rejected_lines(
    member_client, own_accounts, django_capture_on_commit_callbacks
):
    content = (json.dumps(LINE) + "\n" + json.dumps({**LINE, "kind": "poke"}) + "\n").encode()

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("connectors:activity_upload"), {"file": SimpleUploadedFile("a.jsonl", content)}
        )

    run = SyncRun.objects.get()
    assert run.status == "succeeded"
    assert run.stats["rejected_lines"] == [
        {"line": 2, "reason": "kind 'poke' is not one of post, repost, reply, quote, like, mention, follow"}
    ]
    assert Interaction.objects.count() == 1
    page = member_client.get(reverse("connectors:run_detail", args=[run.pk])).content.decode()
    assert "kind &#x27;poke&#x27; is not one of" in page
    assert shown_figures(page) == {"read": 2, "new": 1, "already": 0, "skipped": 1}
    assert "in 2 lines" in page and "1 could not be read (listed below)" in page


def test_the_figures_of_an_activity_file_add_up_when_its_lines_hold_several_records(
    member_client, own_accounts, django_capture_on_commit_callbacks
):
    """The stored "read" counts lines and "imported" records of every kind: a line with an actor's
    profile is two records, so a file could "import" more than it "read". The page counts records."""
    lines = [
        LINE,
        {**LINE, "actor": {"id": "1", "handle": "fan"}},  # the same like again, and a stranger's profile
        {**LINE, "kind": "poke"},
        {
            "network": "x",
            "kind": "post",
            "actor": {"id": "2", "handle": "me2"},  # the member's own profile, changed
            "post_id": "9",
            "occurred_at": "2024-01-01T00:00:00Z",
        },
        {**LINE, "actor": {"id": "7"}, "target": {"id": "8"}},  # between two other accounts
    ]
    content = "\n".join(json.dumps(line) for line in lines).encode()

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("connectors:activity_upload"), {"file": SimpleUploadedFile("a.jsonl", content)}
        )

    run = SyncRun.objects.get()
    assert (run.stats["read"], run.stats["imported"]) == (5, 3)  # lines, and records: not comparable
    page = member_client.get(reverse("connectors:run_detail", args=[run.pk])).content.decode()
    figures = shown_figures(page)
    assert figures == {"read": 7, "new": 2, "updated": 1, "already": 1, "skipped": 3}
    assert figures["new"] + figures["updated"] + figures["already"] + figures["skipped"] == figures["read"]
    assert "in 5 lines" in page and "1 post, 1 interaction" in page
    assert "1 could not be read (listed below); 2 about accounts that are not yours" in page


def test_figures_are_left_out_for_a_run_without_counts_per_kind():
    from connectors.run_figures import sync_run_figures

    api_sync = SyncRun(source="x_api", status="succeeded", stats={"identities": 3, "posts": 2})
    assert sync_run_figures(run=api_sync) is None
    assert sync_run_figures(run=SyncRun(source="jsonl", status="failed")) is None


def test_a_file_with_the_wrong_extension_is_refused_by_the_form(member_client):
    response = member_client.post(
        reverse("connectors:archive_upload"), {"file": SimpleUploadedFile("x.rar", b"x")}
    )

    assert "Choose the X archive zip" in response.content.decode()
    assert SyncRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_by_the_form(member_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10

    response = member_client.post(
        reverse("connectors:activity_upload"), {"file": SimpleUploadedFile("a.jsonl", b"x" * 11)}
    )

    assert "the largest accepted is 10" in response.content.decode()
    assert SyncRun.objects.count() == 0


def test_someone_elses_import_is_not_found(member_client):
    other = SyncRun.objects.create(member=MemberFactory(), source="jsonl")

    assert member_client.get(reverse("connectors:run_detail", args=[other.pk])).status_code == 404
    assert member_client.get(reverse("connectors:run_status", args=[other.pk])).status_code == 404


def test_a_run_is_executed_once_even_if_the_task_runs_twice(
    member_client, django_capture_on_commit_callbacks
):
    from connectors.runs import import_run_execute

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("connectors:activity_upload"),
            {"file": SimpleUploadedFile("a.jsonl", json.dumps(LINE).encode())},
        )

    assert import_run_execute(run_id=SyncRun.objects.get().pk) is None


def test_a_user_without_a_member_profile_is_sent_home(client):
    client.force_login(UserFactory())

    assert client.get(reverse("connectors:archive_upload")).status_code == 302


def test_an_activity_file_can_give_the_network_of_lines_that_name_none(
    member_client, own_accounts, django_capture_on_commit_callbacks
):
    bare = {key: value for key, value in LINE.items() if key != "network"}
    content = (json.dumps(bare) + "\n" + json.dumps({**LINE, "network": "x"}) + "\n").encode()

    page = member_client.get(reverse("connectors:activity_upload")).content.decode()
    assert "Network the activity is from" in page
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("connectors:activity_upload"),
            {"file": SimpleUploadedFile("a.jsonl", content), "network": "youtube"},
        )

    run = SyncRun.objects.get()
    assert (run.status, run.default_network, run.stats["rejected"]) == ("succeeded", "youtube", 0)
    assert sorted(Interaction.objects.values_list("network", flat=True)) == ["x", "youtube"]


def test_a_network_that_is_not_one_of_ours_is_refused_by_the_form(member_client):
    response = member_client.post(
        reverse("connectors:activity_upload"),
        {"file": SimpleUploadedFile("a.jsonl", json.dumps(LINE).encode()), "network": "myspace"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_an_upload_too_large_by_its_declared_length_is_refused_before_its_body_is_read(
    member_client, settings
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    # The body is ten bytes, the declared length ten megabytes: reading it would fail the request.
    response = member_client.generic(
        "POST",
        reverse("connectors:activity_upload"),
        b"0123456789",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "the largest accepted is 1000" in response.content.decode()
    assert not SyncRun.objects.exists()


def test_a_member_with_imports_waiting_is_asked_to_wait_before_the_next_upload(member_client, settings):
    settings.IMPORT_MAX_WAITING_PER_MEMBER = 2
    for _ in range(2):
        SyncRun.objects.create(member=member_client.member, source="jsonl")
    response = member_client.post(
        reverse("connectors:activity_upload"),
        {"file": SimpleUploadedFile("a.jsonl", (json.dumps(LINE) + "\n").encode())},
    )
    assert response.status_code == 429
    assert "You already have 2 imports waiting or running" in response.content.decode()
    assert SyncRun.objects.count() == 2


def test_the_upload_pages_still_check_csrf(member_client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member_client.member.user)
    response = strict.post(
        reverse("connectors:activity_upload"),
        {"file": SimpleUploadedFile("a.jsonl", (json.dumps(LINE) + "\n").encode())},
    )
    assert response.status_code == 403
    assert not SyncRun.objects.exists()


def test_a_file_arriving_after_its_place_was_given_up_is_not_kept(
    member_client, media, django_capture_on_commit_callbacks
):
    from connectors.imports import ImportRefused
    from connectors.runs import import_upload_attach, import_upload_reserve
    from privacy.services import member_opt_out

    run = import_upload_reserve(member=member_client.member, source="jsonl")
    member_opt_out(member=member_client.member)  # while the file is still arriving
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ImportRefused, match="account changed"),
    ):
        import_upload_attach(run=run, upload=SimpleUploadedFile("a.jsonl", b"{}\n"))
    assert not SyncRun.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_the_sweeper_leaves_an_upload_that_is_still_arriving(member_client):
    from datetime import timedelta

    from django.utils import timezone

    from connectors.runs import import_upload_reserve, sync_runs_recover

    run = import_upload_reserve(member=member_client.member, source="jsonl")
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=3))
    sync_runs_recover(before=timezone.now() - timedelta(hours=1))
    assert SyncRun.objects.filter(pk=run.pk).exists()
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=2))
    sync_runs_recover(before=timezone.now() - timedelta(hours=1))
    assert not SyncRun.objects.filter(pk=run.pk).exists()
