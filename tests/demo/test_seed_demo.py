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
