"""The demo population command that ``./run`` starts in the background."""

import pytest
from django.core.management import call_command

from connectors.models import Identity
from demo.logins import demo_logins_ensure
from scoring.models import MemberScore

pytestmark = pytest.mark.django_db


def test_seed_demo_links_the_demo_member_and_scores_its_history_once(capsys):
    demo_logins_ensure(password="x-demo-password")
    call_command("seed_demo", identities=60, history_days=3, if_empty=True)
    demo = Identity.objects.filter(external_id__startswith="demo-")
    assert demo.count() == 60
    assert all(handle.startswith("demo_") for handle in demo.values_list("handle", flat=True))
    linked = demo.filter(member__user__email="member@demo.klout.local")
    assert linked.exists()
    assert MemberScore.objects.filter(member=linked.first().member).count() == 4

    call_command("seed_demo", identities=60, history_days=3, if_empty=True)
    assert "already there" in capsys.readouterr().out


def test_seed_demo_gives_the_demo_brand_a_shortlist_an_open_perk_and_a_shipped_one_with_an_outcome():
    from perks.models import Claim, Perk
    from perks.outcome import perk_outcome
    from scoring.models import IdentityTopic

    demo_logins_ensure(password="x-demo-password")
    call_command("seed_demo", identities=80, history_days=2)
    perks = Perk.objects.filter(brand__name="Demo Brand (demo data)")
    assert all("(demo data)" in perk.title for perk in perks) and perks.count() == 2
    assert perks.get(title__contains="sampler").status == "published"
    shipped = Claim.objects.get(perk__title__contains="brewing kit")
    assert shipped.state == "shipped" and shipped.member.user.email == "member@demo.klout.local"
    outcome = perk_outcome(perk=shipped.perk)
    assert len(outcome.posts) == 2 and outcome.undisclosed == 1 and outcome.reactions > 0
    assert Perk.objects.get(title__contains="brewing").brand.shortlists.get().entries.exists()
    assert IdentityTopic.objects.filter(topic="coffee").exists()


def test_the_demo_members_dashboard_shows_their_generated_activity():
    from accounts.models import Member
    from demo.interests import INTERESTS
    from demo.seed import demo_population_seed
    from demo.texts import TOPICS
    from scoring.selectors import member_dashboard

    demo_logins_ensure(password="x-demo-password")
    member = Member.objects.get(user__email="member@demo.klout.local")
    demo_population_seed(identities=400, history_days=6, member=member)
    d = member_dashboard(member=member)

    assert len(d.identities) == 2 and len(d.history) == 7 and d.current is not None
    interests = {topic for topic in TOPICS if all(topic in i.bio for i in d.identities)}
    assert len(interests) == 2
    # Their two interests lead their topics (each account's topics are its own, so a hashtag of
    # one may come first), and the rest are words of their posts, not "demo".
    vocabulary = {
        word.lower()
        for interest in INTERESTS
        if interest.name in interests
        for word in (interest.name, *interest.tags)
    }
    assert interests <= {topic.name for topic in d.topics[:3]} and d.topics[0].name in vocabulary
    assert len(d.topics) >= 5 and not {"demo", "post", "synthetic"} & {t.name for t in d.topics}
    assert len(d.moments) == 5
    texts = [moment.post.text for moment in d.moments]
    assert len(set(texts)) == 5 and not any(text.startswith("Demo post") for text in texts)
    assert all(moment.post.external_id.startswith("demo-post-") for moment in d.moments)
    assert d.influencers and d.influencees
    # Replies carry words, so their tone is read: mostly positive.
    assert d.feedback.judged > 10 and d.feedback.positive > d.feedback.neutral + d.feedback.negative
