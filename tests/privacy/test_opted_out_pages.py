"""A member who opted out is not offered what the service would refuse them, and is told why."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.services import member_opt_out
from tests.personas import member_with_history

pytestmark = pytest.mark.django_db

# A page that collects data: an upload or a network's connect page (the hub, /connect/, is
# linked from the site's navigation for every member).
COLLECTING_LINK = re.compile(r'href="(/import/[^"]*|/connect/[^"/]+/[^"]*)"')


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_the_dashboard_of_a_member_who_opted_out_offers_nothing_it_would_refuse(client):
    member = member_with_history(now=timezone.now(), networks=("x",), days=2)
    client.force_login(member.user)
    before = client.get(reverse("scoring:dashboard")).content.decode()
    # What the page offers a member who may be tracked, so that the checks below can fail.
    assert "Make my profile public" in before
    assert 'href="/connect/"' in _main(before)

    member_opt_out(member=member)
    page = client.get(reverse("scoring:dashboard")).content.decode()
    main = _main(page)
    assert "Make my profile public" not in page
    assert reverse("scoring:profile_visibility") not in page
    assert not COLLECTING_LINK.findall(page), COLLECTING_LINK.findall(page)
    assert 'href="/connect/"' not in main
    assert "Connect a network" not in main
    member.refresh_from_db()
    assert f"You opted out of tracking on {member.opted_out_at:%-d %B %Y}" in main
    assert "cannot be undone" in main and "no way to opt back in" in main
    assert reverse("privacy:settings") in main


def test_the_privacy_pages_of_a_member_who_opted_out_say_it_is_for_good(client):
    member = member_with_history(now=timezone.now(), networks=("x",), days=2)
    member_opt_out(member=member)
    client.force_login(member.user)
    settings_page = client.get(reverse("privacy:settings")).content.decode()
    assert "no way to opt back in" in settings_page
    assert reverse("privacy:opt_out") not in settings_page
    opt_out_page = client.get(reverse("privacy:opt_out")).content.decode()
    assert "no way to opt back in" in opt_out_page and "<button" not in _main(opt_out_page)
    perks = _main(client.get(reverse("perks:member_perks")).content.decode())
    assert "no perk can be offered to you" in perks and "connecting more networks" not in perks
