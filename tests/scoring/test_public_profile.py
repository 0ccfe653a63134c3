"""The public profile speaks of its member to whoever reads it, and is named by the account its
score rests on; the dashboard, read by the member, keeps speaking to them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import member_create, member_profile_visibility_set
from connectors.ingest import ingest_batch
from connectors.models import Identity
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from scoring.selectors import SIGNAL_WORDS
from scoring.services import score_recompute
from scoring.views import SIGNAL_WORDS_VISITOR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
# Second person, as a word: "you", "your", "yours", "yourself".
OWNER_SPEAK = re.compile(r"\byou(r|rs|rself)?\b", re.IGNORECASE)


def _scored_member(*, reactions: dict[str, dict[str, int]], followers: int = 50):
    """A member with one identity per network, each handle ``me_<network>``, whose one post drew
    ``reactions[network][kind]`` reactions of each kind from distinct fans."""
    member = member_create(user=UserFactory())
    at = NOW - timedelta(days=1)
    for network, kinds in reactions.items():
        batch = Batch(
            identities=[
                IdentityRecord(network=network, external_id="me", handle=f"me_{network}", followers=followers)
            ],
            posts=[
                PostRecord(network=network, external_id="p1", author_id="me", created_at=at, text="#django")
            ],
        )
        fan = 0
        for kind, count in kinds.items():
            for _ in range(count):
                fan += 1
                batch.interactions.append(
                    InteractionRecord(
                        network=network, kind=kind, actor_id=f"fan{fan}", target_id="me",
                        occurred_at=at + timedelta(hours=1), post_id="p1",
                    )
                )  # fmt: skip
        ingest_batch(batch=batch)
        Identity.objects.filter(network=network, external_id="me").update(member=member)
    score_recompute(now=NOW - timedelta(days=1))
    score_recompute(now=NOW)
    member_profile_visibility_set(member=member, public=True)
    return member


def _main_text(html: str) -> str:
    """The words a reader sees in the page's main element: no tags, scripts or attributes."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_every_signal_has_words_for_a_visitor_and_none_of_them_say_you():
    assert set(SIGNAL_WORDS_VISITOR) == set(SIGNAL_WORDS)
    for words in SIGNAL_WORDS_VISITOR.values():
        assert not OWNER_SPEAK.search(words), words


def test_the_public_profile_speaks_of_its_member_not_to_them(client):
    member = _scored_member(reactions={"x": {"reply": 6, "repost": 4, "mention": 3, "like": 5}})
    url = reverse("scoring:public_profile", args=[member.slug])

    page = client.get(url).content.decode()
    text = _main_text(page)
    # The page shows the breakdown by signal, so the phrases below would be there if it spoke
    # to the member.
    assert "Score by signal" in text
    assert "Replies they received" in text
    for phrase in ("Replies to you", "The size of your audience", "your posts", "Mentions of you"):
        assert phrase not in text
    assert not OWNER_SPEAK.search(text), OWNER_SPEAK.findall(text)

    # Its owner reads it as others do (only the note that it is private speaks to them).
    client.force_login(member.user)
    member_profile_visibility_set(member=member, public=False)
    owner_text = _main_text(client.get(url).content.decode())
    assert "Only you can see this page" in owner_text
    assert "Replies to you" not in owner_text and "Replies they received" in owner_text


def test_the_dashboard_keeps_speaking_to_its_member(client):
    member = _scored_member(reactions={"x": {"reply": 6, "repost": 4}})
    client.force_login(member.user)
    text = _main_text(client.get(reverse("scoring:dashboard")).content.decode())
    assert "Replies to you" in text
    assert "Replies they received" not in text


def test_the_public_profile_is_named_by_the_account_the_points_come_from(client):
    # Bluesky sorts first, but X gives most of the points.
    member = _scored_member(reactions={"bluesky": {"repost": 1}, "x": {"repost": 12, "reply": 6}})
    response = client.get(reverse("scoring:public_profile", args=[member.slug]))
    networks = response.context["d"].networks
    assert networks[0].name == "x" and networks[0].points > networks[-1].points
    assert response.context["main_identity"].network == "x"
    page = response.content.decode()
    headline = re.search(r'data-testid="profile-identity">([^<]*)<', page).group(1)
    assert headline == "@me_x"
    # The account list starts with it too, and still names the other.
    accounts = page[page.index('class="network-list"') :]
    assert accounts.index("@me_x") < accounts.index("@me_bluesky")
    assert "<title>@me_x · Influence profile" in page


def test_of_two_accounts_on_the_main_network_the_higher_scored_names_the_profile(client):
    member = _scored_member(reactions={"x": {"repost": 12}})
    batch = Batch(identities=[IdentityRecord(network="x", external_id="alt", handle="a_alt", followers=5)])
    batch.posts.append(PostRecord(network="x", external_id="alt-1", author_id="alt", created_at=NOW))
    batch.interactions.append(
        InteractionRecord(
            network="x", kind="like", actor_id="fan1", target_id="alt", occurred_at=NOW, post_id="alt-1"
        )
    )
    ingest_batch(batch=batch)
    Identity.objects.filter(network="x", external_id="alt").update(member=member)
    score_recompute(now=NOW)
    page = client.get(reverse("scoring:public_profile", args=[member.slug])).content.decode()
    # "a_alt" sorts before "me_x", but scores lower.
    assert 'data-testid="profile-identity">@me_x<' in page
