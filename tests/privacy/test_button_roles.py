"""Opting out and deleting the account are red (``danger``): they delete for good, and the page
says what goes before the button."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _button(html: str, words: str) -> str:
    match = re.search(r'<button type="submit" class="([^"]*)">' + re.escape(words) + "</button>", html)
    assert match, f"no button {words!r}"
    return match.group(1)


def test_opting_out_is_a_red_button_after_what_it_deletes(client):
    client.force_login(MemberFactory().user)
    html = client.get(reverse("privacy:opt_out")).content.decode()
    assert _button(html, "Opt out and delete my data") == "danger"
    assert html.index("cannot be undone") < html.index("Opt out and delete my data</button>")


def test_deleting_the_account_is_a_red_button_after_what_it_deletes(client):
    client.force_login(MemberFactory().user)
    html = client.get(reverse("privacy:delete")).content.decode()
    assert _button(html, "Delete my account for good") == "danger"
    assert html.index("It cannot be undone") < html.index("Delete my account for good</button>")
