from datetime import UTC, datetime, time

from django.core.management.base import BaseCommand, CommandError

from scoring.engine.evaluation import evaluate_split
from scoring.engine.model import DAY
from scoring.evaluation import activity_columns_extract


def _day(value: str):
    try:
        return datetime.fromisoformat(value).date()
    except ValueError as error:
        raise CommandError(f"--split must be a day as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Score every identity on the activity before a split day with the current model and v1, "
        "and report how well each predicts the reactions received in the days after it: Spearman "
        "over everyone and over those who post after the split, and the overlap of the top 100, "
        "next to follower count, plain PageRank and the naive count of reactions."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--split",
            type=_day,
            help=(
                "The day to score at, YYYY-MM-DD (midnight UTC); default: --outcome-days before "
                "the latest activity."
            ),
        )
        parser.add_argument(
            "--outcome-days", type=float, default=30.0, help="Length of the outcome period after the split."
        )

    def handle(self, *args, split, outcome_days: float, **options):
        if outcome_days <= 0:
            raise CommandError("--outcome-days must be positive")
        activity, _ = activity_columns_extract()
        if not len(activity.time):
            raise CommandError("there is no stored activity to evaluate on (import some, or run seed_demo)")
        end = float(activity.time.max())
        at = (
            end - outcome_days * DAY
            if split is None
            else datetime.combine(split, time(), tzinfo=UTC).timestamp()
        )
        if float(activity.time.min()) >= at:
            raise CommandError("no activity lies before the split: nothing to score on")
        if at >= end:
            raise CommandError("no activity lies after the split: nothing to compare with")
        evaluation = evaluate_split(activity=activity, split=at, outcome_end=at + outcome_days * DAY)
        day = datetime.fromtimestamp(at, tz=UTC).date()
        self.stdout.write(f"split at {day.isoformat()}, outcome over the next {outcome_days:g} days\n")
        self.stdout.write(evaluation.table())
