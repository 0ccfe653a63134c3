"""The brand's journey, as new users would take it: discover, shortlist, perk, claim, ship, outcome."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Brand
from connectors.ingest import ingest_batch
from connectors.jsonl.imports import activity_import_jsonl
from connectors.models import Identity
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from perks.models import Claim, Perk
from scoring.cards import discovery_refresh
from scoring.models import MemberScore
from scoring.services import score_recompute
from tests.browser.conftest import VIEWPORTS, both_widths, link_in_last_email, sign_in
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"  # noqa: S105
ADDRESS = "7 Bean Street, Portland"


def _influencers() -> dict:
    """Three public members on X who post about coffee: two with many fans, one with few."""
    now = timezone.now()
    people = {}
    for handle, fans in (("ada", 30), ("bea", 25), ("cy", 1)):
        member = MemberFactory(profile_public=True)
        author = str(1000 + len(people))
        batch = Batch(
            identities=[IdentityRecord(network="x", external_id=author, handle=handle, followers=900)]
        )
        for p in range(3):
            at = now - timedelta(days=10 - p)
            post_id = f"{handle}-{p}"
            batch.posts.append(
                PostRecord(network="x", external_id=post_id, author_id=author, created_at=at,
                           text=f"Morning #coffee notes, part {p}")
            )  # fmt: skip
            for fan in range(fans):
                batch.interactions.append(
                    InteractionRecord(network="x", kind="repost", actor_id=f"9{fan:04d}", target_id=author,
                                      occurred_at=at + timedelta(hours=1), post_id=post_id)
                )  # fmt: skip
        ingest_batch(batch=batch)
        Identity.objects.filter(network="x", external_id=author).update(member=member)
        people[handle] = member
    run = score_recompute(now=now)
    discovery_refresh(day=run.day)
    return people


def test_a_brand_finds_influencers_sends_a_perk_and_sees_what_came_of_it(page, new_page):
    people = _influencers()
    scores = {h: MemberScore.objects.filter(member=m).latest("day").score for h, m in people.items()}
    min_score = int(min(scores["ada"], scores["bea"])) - 1
    assert scores["cy"] < min_score, scores

    # A brand signs up and verifies its address.
    page.goto("/accounts/signup/")
    page.get_by_label("A brand: I want to offer perks").check()
    page.get_by_label("Brand name").fill("Brew Co")
    page.get_by_label("Email").fill("owner@brew.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    page.goto(link_in_last_email("owner@brew.example", r"/accounts/confirm-email/[^/\s]+/"))
    page.get_by_role("button", name="Confirm").click()
    brand = Brand.objects.get(name="Brew Co")

    # It searches with filters and shortlists two.
    page.goto("/brands/discover/")
    expect(page.get_by_role("heading", name="Discover influencers")).to_be_visible()
    page.get_by_label("Topic", exact=True).fill("coffee")
    page.get_by_label("Score from", exact=True).fill(str(min_score))
    page.get_by_role("button", name="Search").click()
    rows = page.get_by_test_id("discover-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="@ada")).to_have_count(1)
    expect(rows.filter(has_text="@bea")).to_have_count(1)
    both_widths(page, "brand-discover")
    for handle, first in (("ada", True), ("bea", False)):
        row = rows.filter(has=page.get_by_role("link", name=f"@{handle}", exact=True))
        row.get_by_text("Add to shortlist").click()
        if first:
            row.get_by_label("Name of a new shortlist").fill("Coffee people")
        row.get_by_role("button", name="Add").click()
        expect(page.get_by_text(f"@{handle} is on “Coffee people”.")).to_be_visible()
    assert brand.shortlists.get().entries.count() == 2

    # It opens one of them: score, history, topics; nothing private.
    rows.filter(has_text="@ada").get_by_role("link", name="@ada", exact=True).click()
    expect(page.get_by_role("heading", name="@ada")).to_be_visible()
    topics = page.get_by_role("heading", name="Topics").locator("xpath=..").get_by_role("listitem")
    expect(topics.filter(has_text="coffee")).to_have_count(1)
    assert people["ada"].user.email not in page.content()
    both_widths(page, "brand-influencer")

    # It creates a perk for a minimum score, with one unit, and publishes it.
    page.goto(f"/brands/{brand.slug}/perks/")
    page.get_by_role("button", name="New perk").click()
    today = timezone.localdate()
    page.get_by_label("Title").fill("Brew Day beans")
    page.get_by_label("Description").fill("Our new single-origin roast.")
    page.get_by_label("What the influencer receives").fill("One 250 g bag")
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Campaign hashtag or link").fill("#BrewDay")
    page.get_by_label("Min score", exact=True).fill(str(min_score))
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", name="Brew Day beans")).to_be_visible()
    mail.outbox.clear()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()
    both_widths(page, "brand-perk")
    perk = Perk.objects.get(title="Brew Day beans")
    told = sorted(m.to[0] for m in mail.outbox if "A perk for you" in m.subject)
    assert told == sorted([people["ada"].user.email, people["bea"].user.email])

    # The first eligible member follows the mail and claims it with an address.
    ada = new_page()
    sign_in(ada, people["ada"].user.email)
    ada.goto(link_in_last_email(people["ada"].user.email, r"/perks/\d+/"))
    expect(ada.get_by_role("heading", name="Brew Day beans")).to_be_visible()
    expect(ada.get_by_text("Disclose the gift.")).to_be_visible()
    both_widths(ada, "perk-page")
    ada.get_by_label("Shipping address").fill(ADDRESS)
    ada.get_by_role("button", name="Claim").click()
    expect(ada.get_by_test_id("claim-state")).to_have_text("Claimed")
    both_widths(ada, "claim-page")

    # The second is told it is all claimed; the one below the minimum never sees it.
    bea = new_page()
    sign_in(bea, people["bea"].user.email)
    bea.goto(link_in_last_email(people["bea"].user.email, r"/perks/\d+/"))
    expect(bea.get_by_test_id("all-claimed")).to_be_visible()
    cy = new_page()
    sign_in(cy, people["cy"].user.email)
    cy.goto("/perks/")
    expect(cy.get_by_text("No perk is open to you right now.")).to_be_visible()
    assert cy.goto(f"/perks/{perk.pk}/").status == 404

    # The brand sees the claim and the address, and marks it shipped.
    page.goto(f"/brands/{brand.slug}/perks/{perk.pk}/")
    page.get_by_role("link", name=people["ada"].user.email).click()
    expect(page.get_by_test_id("address")).to_contain_text("7 Bean Street")
    both_widths(page, "brand-claim")
    page.get_by_role("button", name="Mark shipped").click()
    expect(page.get_by_text("Marked shipped")).to_be_visible()

    # The member says it arrived.
    ada.reload()
    ada.get_by_role("button", name="It has arrived").click()
    expect(ada.get_by_test_id("claim-state")).to_have_text("Received")
    assert Claim.objects.get(perk=perk).state == "received"

    # An import brings a campaign post without #ad and its reactions; the outcome shows it.
    author = Identity.objects.get(member=people["ada"]).external_id
    at = timezone.now() - timedelta(minutes=30)
    lines = [{"network": "x", "kind": "post", "actor": {"id": author}, "post_id": "77001",
              "occurred_at": at.isoformat(), "text": "These beans! #BrewDay"}]  # fmt: skip
    lines += [
        {"network": "x", "kind": "like", "actor": {"id": f"8{n:04d}"}, "target": {"id": author},
         "occurred_at": (at + timedelta(minutes=5)).isoformat(), "post_id": "77001"}
        for n in range(40)
    ]  # fmt: skip
    report = activity_import_jsonl(stream=io.BytesIO("\n".join(json.dumps(x) for x in lines).encode()))
    assert report.rejected == 0, report.rejected_lines
    page.goto(f"/brands/{brand.slug}/perks/{perk.pk}/outcome/")
    expect(page.get_by_test_id("outcome-posts")).to_have_text("1")
    expect(page.get_by_test_id("outcome-reactions")).to_have_text("40")
    expect(page.get_by_test_id("outcome-lift")).not_to_have_text("–")
    expect(page.get_by_test_id("undisclosed")).to_be_visible()
    expect(page.get_by_test_id("no-disclosure")).to_be_visible()
    both_widths(page, "perk-outcome")


def test_a_new_brand_and_a_new_member_are_told_what_to_do_next(page, new_page):
    from tests.factories import brand_owner

    owner = brand_owner(name="Fresh Brand", slug="fresh-brand")
    sign_in(page, owner.user.email)
    page.goto("/brands/fresh-brand/perks/")
    expect(page.get_by_role("heading", name="No perks yet")).to_be_visible()
    both_widths(page, "brand-perks-empty")
    page.goto("/brands/fresh-brand/shortlists/")
    expect(page.get_by_role("heading", name="No shortlists yet")).to_be_visible()
    both_widths(page, "brand-shortlists-empty")
    page.goto("/brands/fresh-brand/perks/new/")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    both_widths(page, "perk-form-errors")
    page.get_by_role("navigation", name="Fresh Brand").get_by_role("link", name="Details").click()
    page.get_by_label("Billing email").fill("not an address")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    page.get_by_label("Billing email").fill("invoices@fresh.example")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("The brand's details are saved.")).to_be_visible()
    both_widths(page, "brand-details")

    member = MemberFactory()
    other = new_page()
    sign_in(other, member.user.email)
    other.goto("/perks/")
    expect(other.get_by_text("No perk is open to you right now.")).to_be_visible()
    both_widths(other, "member-perks-empty")


def _tab_to(page, describe: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``describe`` (a JS predicate on ``e``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return {describe}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {describe}")


def test_discovery_and_shortlisting_work_from_the_keyboard_alone(page):
    from tests.factories import brand_owner

    _influencers()
    owner = brand_owner(name="Keys Co", slug="keys-co")
    sign_in(page, owner.user.email)
    page.goto("/brands/keys-co/discover/")
    _tab_to(page, "e.name === 'topic'")
    page.keyboard.type("coffee")
    page.keyboard.press("Enter")
    rows = page.get_by_test_id("discover-row")
    expect(rows).to_have_count(3)
    _tab_to(page, "e.tagName === 'SUMMARY' && e.textContent.includes('Add to shortlist')")
    page.keyboard.press("Enter")
    _tab_to(page, "e.name === 'new_name'")
    page.keyboard.type("Keyboard picks")
    page.keyboard.press("Enter")
    expect(page.get_by_text("is on “Keyboard picks”.")).to_be_visible()
    assert owner.brand.shortlists.get().entries.count() == 1


def _action_sits_at_its_rows_end(page, button) -> None:
    """The button is on its row's right-hand side, beside the row's first words: not alone on a
    line of its own."""
    row = button.locator("xpath=ancestor::*[self::li or self::tr][1]")
    box, row_box = button.bounding_box(), row.bounding_box()
    assert box["x"] + box["width"] >= row_box["x"] + row_box["width"] - 16, (box, row_box)
    words = row.locator("xpath=./*[1]").bounding_box()
    assert box["y"] < words["y"] + words["height"], ("the button sits below the row's words", box, words)


def test_the_team_page_lists_members_and_invitations_with_their_red_actions_at_the_rows_end(page):
    from accounts import services as account_services
    from tests.factories import BrandMembershipFactory, UserFactory, brand_owner

    owner = brand_owner(name="Acme Snacks", slug="acme-snacks")
    BrandMembershipFactory(
        brand=owner.brand, user=UserFactory(email="a.teammate.with.a.long.address@example.com")
    )
    account_services.brand_invite(brand=owner.brand, invited_by=owner.user, email="grace@example.com")
    sign_in(page, owner.user.email)
    page.goto("/brands/acme-snacks/team/")
    remove = page.get_by_role("button", name="Remove a.teammate.with.a.long.address@example.com")
    revoke = page.get_by_role("button", name="Revoke the invitation to grace@example.com")
    for button in (remove, revoke):
        expect(button).to_have_class("danger outline")
    expect(page.get_by_text("Removing someone takes their access away at once")).to_be_visible()
    both_widths(page, "brand-team-rows")
    for width in ("laptop", "phone"):
        page.set_viewport_size(VIEWPORTS[width])
        for button in (remove, revoke):
            _action_sits_at_its_rows_end(page, button)
    revoke.click()
    expect(page.get_by_text("Invitation to grace@example.com revoked.")).to_be_visible()
