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
