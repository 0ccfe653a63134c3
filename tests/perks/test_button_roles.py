"""Buttons that end something for good are red (``danger``), and the page says what is lost
before them; the page's main action keeps Pico's default look."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from perks import claims, services
from perks.models import Claim, Perk
from tests.factories import brand_owner
from tests.personas import scored_member

pytestmark = pytest.mark.django_db


class _Buttons(HTMLParser):
    """Each button's visible words (screen-reader-only text left out), its class, and the text
    of the element its ``aria-describedby`` names."""

    def __init__(self) -> None:
        super().__init__()
        self.buttons: dict[str, dict] = {}
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, dict, list[str]]] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "visually-hidden" in (attrs.get("class") or "").split():
            self._hidden += 1
            self._open.append(("hidden", attrs, []))
        elif tag == "button" or attrs.get("id"):
            self._open.append((tag, attrs, []))

    def handle_endtag(self, tag):
        if not self._open:
            return
        name, attrs, words = self._open[-1]
        if name == "hidden" and tag == "span":
            self._open.pop()
            self._hidden -= 1
        elif name == tag:
            self._open.pop()
            text = " ".join("".join(words).split())
            if tag == "button":
                self.buttons[text] = attrs
            if attrs.get("id"):
                self.texts[attrs["id"]] = text

    def handle_data(self, data):
        for name, _, words in self._open:
            if name != "hidden" and not self._hidden:
                words.append(data)


def _buttons(response) -> _Buttons:
    assert response.status_code == 200
    parsed = _Buttons()
    parsed.feed(response.content.decode())
    return parsed


@pytest.fixture
def world():
    owner = brand_owner(name="Ours")
    today = timezone.localdate()
    perk = Perk.objects.create(
        brand=owner.brand, title="Beans", description="d", offer="a bag", quantity=5,
        starts_on=today, ends_on=today + timedelta(days=5), campaign_tag="#beans", status="published",
    )  # fmt: skip
    member = scored_member(score=60)
    claimed = claims.perk_claim(perk=perk, member=member, shipping_address="1 Lane")
    shortlist = services.shortlist_create(brand=owner.brand, name="Coffee people", by=owner.user)
    services.shortlist_add(shortlist=shortlist, identity=member.identities.get(), by=owner.user)
    offered_member = scored_member(score=60)
    offered = Claim.objects.create(perk=perk, member=offered_member, state=Claim.State.OFFERED, terms={})
    return {"owner": owner, "perk": perk, "claimed": claimed, "shortlist": shortlist, "offered": offered}


def test_cancelling_a_claim_and_deleting_a_shortlist_are_red_and_say_what_is_lost(client, world):
    slug = world["owner"].brand.slug
    client.force_login(world["owner"].user)

    page = _buttons(client.get(reverse("perks:brand_claim", args=[slug, world["claimed"].pk])))
    cancel = page.buttons["Cancel this claim"]
    assert cancel["class"] == "danger outline"  # the page's main action is marking it shipped
    assert page.buttons["Mark shipped"].get("class") is None
    assert "cannot be undone" in page.texts[cancel["aria-describedby"]]

    page = _buttons(client.get(reverse("perks:shortlist", args=[slug, world["shortlist"].pk])))
    delete = page.buttons["Delete the list"]
    assert delete["class"] == "danger outline"
    assert "1 influencer on it" in page.texts[delete["aria-describedby"]]
    # Taking one person off the list deletes nothing else: it stays a plain link-like button.
    assert (
        next(b for text, b in page.buttons.items() if text.startswith("Remove @"))["class"] == "link-button"
    )


def test_declining_an_offer_is_red_and_says_it_cannot_be_undone(client, world):
    offered = world["offered"]
    client.force_login(offered.member.user)
    for url, name in (
        (reverse("perks:claim", args=[offered.pk]), "Decline"),
        (reverse("perks:perk", args=[offered.perk.pk]), "No thanks, decline"),
    ):
        page = _buttons(client.get(url))
        decline = page.buttons[name]
        assert decline["class"] == "danger outline", url
        assert "cannot be undone" in page.texts[decline["aria-describedby"]]
