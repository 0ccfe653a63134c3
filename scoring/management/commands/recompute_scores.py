from django.core.management.base import BaseCommand, CommandError

from scoring.services import ScoreRunFailed, score_recompute


class Command(BaseCommand):
    help = "Recompute every identity's and member's score for today and store the day's snapshots."

    def handle(self, *args, **options):
        try:
            run = score_recompute()
        except ScoreRunFailed as exc:
            raise CommandError(f"score run failed, previous scores kept: {exc}") from exc
        self.stdout.write(
            f"scored {run.identities} identities and {run.members} members from {run.edges} interactions "
            f"for {run.day} (model {run.model_version})"
        )
        for stage, seconds in run.timings.items():
            self.stdout.write(f"  {stage:<24} {seconds:8.3f} s")
