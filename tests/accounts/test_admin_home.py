"""The admin under Klout's name, opening on the day's figures (klout.admin_home)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Member
from connectors.models import Identity, SyncRun, Tombstone
from klout.admin_home import admin_figures
from scoring.models import ScoreRun
from tests.factories import BrandFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _day_old(queryset, field: str, days: int = 2) -> None:
    queryset.update(**{field: timezone.now() - timedelta(days=days)})


def test_figures_count_people_networks_imports_and_scores():
    old, opted_out = MemberFactory(), MemberFactory()
    MemberFactory()  # joined today
    _day_old(Member.objects.filter(pk__in=[old.pk, opted_out.pk]), "created_at")
    Member.objects.filter(pk=opted_out.pk).update(opted_out_at=timezone.now())
    BrandFactory()
    Tombstone.objects.create(digest="a" * 64)
    Identity.objects.create(network="x", external_id="1")
    Identity.objects.create(network="x", external_id="2")
    Identity.objects.create(network="mastodon", external_id="3")
    SyncRun.objects.create(source="jsonl", status=SyncRun.Status.RUNNING)
    SyncRun.objects.create(source="jsonl", status=SyncRun.Status.FAILED)
    SyncRun.objects.create(source="jsonl", status=SyncRun.Status.SUCCEEDED)
    old_failure = SyncRun.objects.create(source="jsonl", status=SyncRun.Status.FAILED)
    _day_old(SyncRun.objects.filter(pk=old_failure.pk), "created_at")
    today = timezone.localdate()
    ScoreRun.objects.create(kind="full", day=today - timedelta(days=1), model_version="v", status="succeeded")
    ScoreRun.objects.create(kind="full", day=today, model_version="v", status="failed")

    figures = admin_figures()

    assert (figures.members, figures.members_new, figures.members_opted_out) == (3, 1, 1)
    assert (figures.brands, figures.identities_opted_out) == (1, 1)
    assert figures.identities_by_network == [("mastodon", 1), ("x", 2)]
    # the failure of two days ago is no longer today's
    assert (figures.imports_active, figures.imports_succeeded, figures.imports_failed) == (1, 1, 1)
    assert figures.newest_score_day == today - timedelta(days=1)
    assert figures.score_runs_failed == 1
    assert not figures.scores_late


def test_scores_are_late_when_a_night_was_missed():
    ScoreRun.objects.create(
        kind="full", day=timezone.localdate() - timedelta(days=2), model_version="v", status="succeeded"
    )
    assert admin_figures().scores_late


def test_figures_stay_a_few_queries_however_many_rows(django_assert_max_num_queries):
    for n in range(5):
        Identity.objects.create(network=["x", "bluesky"][n % 2], external_id=str(n))
        SyncRun.objects.create(source="jsonl", status=SyncRun.Status.FAILED)
    with django_assert_max_num_queries(6):
        admin_figures()


def test_staff_see_klout_administration_and_the_figures(staff_client):
    Identity.objects.create(network="bluesky", external_id="1")
    response = staff_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Today on Klout | Klout administration</title>" in html
    assert '<a href="/admin/">Klout administration</a>' in html
    assert "Django administration" not in html
    assert 'id="klout-figures"' in html
    assert "Identities on Bluesky" in html
    assert html.index('id="klout-figures"') < html.index('class="app-accounts module')  # above the app list


def test_a_failed_import_links_to_the_failed_runs(staff_client):
    SyncRun.objects.create(source="jsonl", status=SyncRun.Status.FAILED)
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin:connectors_syncrun_changelist")}?status__exact=failed"' in html


def test_people_who_are_not_staff_are_sent_to_sign_in_and_see_no_figures(client):
    client.force_login(MemberFactory().user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "klout-figures" not in response.content.decode()
