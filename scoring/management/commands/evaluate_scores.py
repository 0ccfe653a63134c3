from django.core.management.base import BaseCommand, CommandError

from scoring.engine.evaluation import evaluate_split
from scoring.engine.model import DAY
from scoring.evaluation import activity_columns_extract


class Command(BaseCommand):
    help = (
        "Score every identity on the activity before a split date and report how well the score "
        "predicts the reactions received after it (Spearman), next to follower count and plain "
        "PageRank, with the score distribution."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--outcome-days",
            type=float,
            default=30.0,
            help="Length of the outcome period, ending at the latest activity.",
        )

    def handle(self, *args, outcome_days: float, **options):
        if outcome_days <= 0:
            raise CommandError("--outcome-days must be positive")
        activity, _ = activity_columns_extract()
        if not len(activity.time):
            raise CommandError("there is no stored activity to evaluate on (import some, or run seed_demo)")
        end = float(activity.time.max())
        split = end - outcome_days * DAY
        if float(activity.time.min()) >= split:
            raise CommandError(
                f"all activity lies in the last {outcome_days:g} days: nothing to score before the split"
            )
        evaluation = evaluate_split(activity=activity, split=split, outcome_end=end + 1)
        self.stdout.write(evaluation.table())
