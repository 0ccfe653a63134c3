"""``evaluate_scores`` on stored activity: both models side by side, the posting subset, the top 100."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo.seed import demo_population_seed

pytestmark = pytest.mark.django_db


def test_the_evaluation_of_stored_activity_reports_both_models_and_the_baselines():
    demo_population_seed(identities=400, history_days=0, seed=3)
    out = io.StringIO()
    split = (timezone.now() - timedelta(days=30)).date()
    call_command("evaluate_scores", "--split", split.isoformat(), "--outcome-days", "30", stdout=out)
    text = out.getvalue()
    assert f"split at {split.isoformat()}, outcome over the next 30 days" in text
    for predictor in ("score (v2)", "score (v1.1)", "follower count", "plain PageRank", "reactions received"):
        assert predictor in text
    assert "post in the outcome period" in text and "top 100 overlap" in text
    rows = {line[:28].strip(): line[28:].split() for line in text.splitlines() if line.startswith("score (")}
    spearman_v2 = float(rows["score (v2)"][0])
    assert 0.2 < spearman_v2 <= 1.0


def test_a_split_with_nothing_after_it_or_a_nonsense_day_is_refused():
    demo_population_seed(identities=200, history_days=0, seed=4)
    with pytest.raises(CommandError, match="no activity lies after the split"):
        call_command("evaluate_scores", "--split", (timezone.now() + timedelta(days=2)).date().isoformat())
    with pytest.raises(CommandError, match="must be a day"):
        call_command("evaluate_scores", "--split", "yesterday")


def test_no_activity_is_a_clear_error():
    with pytest.raises(CommandError, match="no stored activity"):
        call_command("evaluate_scores")
