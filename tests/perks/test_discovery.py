"""Discovery for brands: its filters and sorts, the people it never shows, its cost per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import member_create, member_profile_visibility_set
from perks.models import Shortlist
from privacy.services import identity_opt_out, member_opt_out
from scoring.models import DiscoveryCard, HiddenTopic
from tests.factories import BrandMembershipFactory, UserFactory, brand_owner
from tests.personas import influencer, public_member, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(client):
    membership = brand_owner(name="Bean Co")
    client.force_login(membership.user)
    return membership.brand


def discover(client, brand, **params):
    response = client.get(reverse("perks:discover", args=[brand.slug]), params)
    assert response.status_code == 200
    return response


def handles(response) -> list[str]:
    return [row.card.handle for row in response.context["rows"]]


# --- what it shows ------------------------------------------------------------------------------


def test_every_visible_scored_identity_is_listed_by_score(client, brand):
    influencer("middle", score=50)
    top = influencer("top", score=80)
    influencer("low", score=20)
    refresh()
    response = discover(client, brand)
    assert handles(response) == ["top", "middle", "low"]
    page = response.content.decode()
    assert "3 influencers match" in page
    assert f'href="{reverse("perks:influencer", args=[brand.slug, top.pk])}"' in page


def test_a_row_shows_network_score_sparkline_audience_topics_and_a_shortlist_form(client, brand):
    shortlist = Shortlist.objects.create(brand=brand, name="Coffee people")
    identity = influencer(
        "barista", score=61, history={29: 40, 15: 50, 1: 60}, followers=12_345,
        texts=("#latteart every morning", "#latteart again"),
    )  # fmt: skip
    refresh()
    page = discover(client, brand).content.decode()
    assert "@barista" in page and "X" in page and ">61<" in page
    assert "12,345" in page
    assert "latteart" in page
    assert '<svg class="sparkline"' in page and "from 40 to 61" in page
    assert f'action="{reverse("perks:shortlist_add", args=[brand.slug])}"' in page
    assert f'name="identity_id" value="{identity.pk}"' in page
    assert f'<option value="{shortlist.pk}">' in page
    assert 'name="new_name"' in page and 'name="next"' in page
    assert "+21.0" in page  # the change over 30 days


def test_each_row_has_its_own_shortlist_form_and_names_are_escaped(client, brand):
    """The form is rendered once for the page and given each row's identity."""
    Shortlist.objects.create(brand=brand, name="<b>id</b> & co")
    first = influencer("first_one", score=70)
    second = influencer("second_one", score=60)
    refresh()
    page = discover(client, brand).content.decode()
    for identity in (first, second):
        assert f'name="identity_id" value="{identity.pk}"' in page
        assert f'id="shortlist-{identity.pk}"' in page and f'for="new-shortlist-{identity.pk}"' in page
        assert f'<span class="visually-hidden"> @{identity.handle}</span>' in page
        assert f'href="{reverse("perks:influencer", args=[brand.slug, identity.pk])}"' in page
    assert page.count("&lt;b&gt;id&lt;/b&gt; &amp; co (0)") == 2 and "<b>id</b>" not in page
    assert "\x00" not in page


def test_the_card_keeps_its_30_days_of_scores_so_a_page_reads_no_snapshot(client, brand):
    identity = influencer("steady", score=61, history={40: 20, 29: 40, 15: 50, 1: 60})
    refresh()
    card = DiscoveryCard.objects.get(identity=identity)
    days = card.spark_days
    # The snapshot of 40 days ago is older than the sparkline's 30 days.
    assert [round(score) for _, score in days] == [40, 50, 60, 61]
    assert days[-1][0] == card.day and days[0][0] == card.day - timedelta(days=29)
    with CaptureQueriesContext(connection) as queries:
        page = discover(client, brand).content.decode()
    assert "from 40 to 61" in page
    assert not [q for q in queries.captured_queries if "scoring_identityscore" in q["sql"]]


def test_score_network_audience_engagement_and_change_filters(client, brand):
    influencer(
        "big_x", score=70, followers=50_000, received_likes=90, texts=("a", "b", "c"), history={30: 60}
    )
    influencer("small_x", score=35, followers=300, received_likes=2, texts=("a",), history={30: 40})
    influencer("masto", network="mastodon", score=55, followers=4_000, history={30: 55})
    refresh()
    assert handles(discover(client, brand, score_min=50)) == ["big_x", "masto"]
    assert handles(discover(client, brand, score_min=30, score_max=60)) == ["masto", "small_x"]
    assert handles(discover(client, brand, network="mastodon")) == ["masto"]
    assert handles(discover(client, brand, audience_min=1_000, audience_max=10_000)) == ["masto"]
    assert handles(discover(client, brand, engagement_min=10)) == ["big_x"]  # 90 likes over 3 posts
    assert handles(discover(client, brand, rising="on")) == ["big_x"]
    assert handles(discover(client, brand, change_min=-1)) == ["big_x", "masto"]


def test_topic_location_language_words_and_verified_filters(client, brand):
    influencer(
        "coffee_pro", bio="Roaster in Berlin", location="Berlin, Germany", texts=("#coffee beans", "#coffee")
    )
    influencer(
        "tea_fan", location="Lisbon", language="pt", texts=("#tea ceremony", "#tea"), self_reported=0.5
    )
    influencer("runner", location="Berlin", texts=("marathon training tonight",))
    refresh()
    assert handles(discover(client, brand, topic="#Coffee")) == ["coffee_pro"]
    assert handles(discover(client, brand, location="berlin")) == ["runner", "coffee_pro"]
    assert handles(discover(client, brand, language="PT")) == ["tea_fan"]
    # A word matches the start of a word in the bio or the recent posts, every word at once.
    assert handles(discover(client, brand, words="roast")) == ["coffee_pro"]
    assert handles(discover(client, brand, words="marathon tonight")) == ["runner"]
    assert handles(discover(client, brand, words="marathon coffee")) == []
    assert handles(discover(client, brand, words="athon")) == []
    assert "tea_fan" not in handles(discover(client, brand, verified="on"))


def test_sorts_by_change_audience_and_engagement(client, brand):
    influencer("steady", score=60, followers=100, history={30: 60}, received_likes=5, texts=("a",))
    influencer("rocket", score=40, followers=10, history={30: 20}, received_likes=1, texts=("a",))
    influencer("famous", score=50, followers=9_000, history={30: 52}, received_likes=0, texts=("a",))
    refresh()
    assert handles(discover(client, brand, sort="change")) == ["rocket", "steady", "famous"]
    assert handles(discover(client, brand, sort="audience")) == ["famous", "steady", "rocket"]
    assert handles(discover(client, brand, sort="engagement")) == ["steady", "rocket", "famous"]


def test_pages_of_twenty_five(client, brand):
    for n in range(27):
        influencer(f"person{n:02d}", score=90 - n)
    refresh()
    first = discover(client, brand)
    assert len(first.context["rows"]) == 25 and first.context["total"] is None
    assert (
        "page=2" in first.context["next_query"] and "More than 25 influencers match" in first.content.decode()
    )
    second = discover(client, brand, page=2)
    assert handles(second) == ["person25", "person26"] and second.context["total"] == 27
    assert not second.context["next_query"] and "27 influencers match" in second.content.decode()
    beyond = discover(client, brand, page=99)
    assert beyond.context["page"] == 40 and not beyond.context["rows"]
    assert discover(client, brand, page="nonsense").context["page"] == 1


def test_nonsense_in_a_filter_is_said_and_the_rest_still_applies(client, brand):
    influencer("one", score=70, network="mastodon")
    influencer("two", score=30)
    refresh()
    response = discover(client, brand, score_min="lots", network="mastodon")
    assert handles(response) == ["one"]
    assert "could not be read" in response.content.decode()


def test_empty_states_explain_what_to_do(client, brand):
    assert "Nobody to discover yet" in discover(client, brand).content.decode()
    influencer("someone", score=40)
    refresh()
    page = discover(client, brand, score_min=90).content.decode()
    assert "No influencer matches all of these filters" in page
    assert "Clear the filters" in page and "How the filters work" in page


# --- whom it never shows -----------------------------------------------------------------------------


def test_a_private_member_never_appears_and_appears_once_public(client, brand):
    member = member_create(user=UserFactory())
    influencer("shy", member=member, texts=("#coffee", "#coffee"))
    influencer("open", texts=("#coffee", "#coffee"))
    refresh()
    assert handles(discover(client, brand)) == ["open"]
    assert handles(discover(client, brand, topic="coffee")) == ["open"]
    member_profile_visibility_set(member=member, public=True)
    assert "shy" in handles(discover(client, brand))
    member_profile_visibility_set(member=member, public=False)
    assert "shy" not in handles(discover(client, brand))  # at once, not at the next refresh


def test_opted_out_people_never_appear(client, brand):
    member = public_member()
    influencer("leaving", member=member)
    stranger = influencer("stranger", network="mastodon")
    influencer("staying")
    refresh()
    member_opt_out(member=member)
    identity_opt_out(network="mastodon", external_ids=[stranger.external_id])
    assert handles(discover(client, brand)) == ["staying"]
    assert not DiscoveryCard.objects.filter(handle__in=["leaving", "stranger"]).exists()


@pytest.mark.parametrize("holders_max", [5_000, 1, 0])
def test_topics_and_words_find_the_same_people_from_their_holders_or_by_walking_the_sort(
    client, brand, monkeypatch, holders_max
):
    """A topic or words of at most ``HOLDERS_MAX`` people start from them; more are probed card by
    card along the sort. Either way the same people come back, in the same order."""
    monkeypatch.setattr("perks.filters.HOLDERS_MAX", holders_max)
    influencer("coffee_pro", bio="Roaster in Berlin", texts=("#coffee beans", "#coffee"), followers=900)
    influencer("coffee_fan", bio="Roasting at home", texts=("#coffee at dawn",), followers=50)
    influencer("runner", texts=("marathon training tonight",))
    hider = public_member()
    influencer("hider", member=hider, bio="Roaster too", texts=("#coffee", "#coffee"), followers=10)
    refresh()
    HiddenTopic.objects.create(member=hider, topic="coffee")
    HiddenTopic.objects.create(member=hider, topic="roaster")
    expected = handles(discover(client, brand, words="roast", sort="audience"))
    assert set(expected) == {"coffee_pro", "coffee_fan", "hider"}
    assert expected[:2] == ["coffee_pro", "coffee_fan"]
    assert set(handles(discover(client, brand, topic="coffee"))) == {"coffee_pro", "coffee_fan"}
    assert handles(discover(client, brand, words="roaster")) == ["coffee_pro"]
    assert handles(discover(client, brand, words="quibexka")) == []
    assert handles(discover(client, brand, topic="coffee", words="dawn")) == ["coffee_fan"]


def test_a_hidden_topic_is_neither_shown_nor_matched(client, brand):
    member = public_member()
    influencer("private_life", member=member, texts=("#poker night", "#poker again", "#coffee", "#coffee"))
    refresh()
    HiddenTopic.objects.create(member=member, topic="poker")  # hidden after the card was written
    row = discover(client, brand).context["rows"][0]
    assert "poker" not in row.topics and "coffee" in row.topics
    assert handles(discover(client, brand, topic="poker")) == []
    assert handles(discover(client, brand, words="poker")) == []
    assert handles(discover(client, brand, topic="coffee")) == ["private_life"]


def test_only_the_brands_team_may_search(client, brand):
    url = reverse("perks:discover", args=[brand.slug])
    other = brand_owner(name="Other")
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("perks:discover", args=["no-such-brand"])).status_code == 404
    client.force_login(BrandMembershipFactory(brand=brand).user)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_the_short_address_goes_to_the_first_brand_or_says_how_to_get_one(client, brand):
    response = client.get(reverse("perks:discover_redirect"), {"topic": "coffee"})
    assert response.url == reverse("perks:discover", args=[brand.slug]) + "?topic=coffee"
    client.force_login(UserFactory())
    page = client.get(reverse("perks:discover_redirect")).content.decode()
    assert "Discovery is for brands" in page and "invite you" in page


# --- what it costs -------------------------------------------------------------------------------


def test_a_page_costs_the_same_queries_with_one_row_or_twenty_five(client, brand):
    Shortlist.objects.create(brand=brand, name="Picks")
    influencer("lonely", member=public_member(), texts=("#tea", "#tea"), history={3: 40, 2: 41})
    for n in range(30):
        influencer(
            f"crowd{n}", member=public_member() if n % 3 == 0 else None, texts=("#coffee", "#coffee"),
            history={d: 40 + d for d in range(1, 30)},
        )  # fmt: skip
    refresh()
    counts = []
    for topic, rows in (("tea", 1), ("coffee", 25)):
        with CaptureQueriesContext(connection) as queries:
            response = discover(client, brand, topic=topic)
        assert len(response.context["rows"]) == rows
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session and user, the brand, the topic's people, the page, the sparklines, the hidden
    # topics, the shortlists; and the layout's own (whether they are a member, their brands).
    assert counts[1] <= 11, counts
