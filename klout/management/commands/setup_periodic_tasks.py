from django.core.management.base import BaseCommand

from klout.services import periodic_tasks_sync


class Command(BaseCommand):
    help = "Write the periodic schedules declared in klout/schedules.py into the beat scheduler's tables."

    def handle(self, *args, **options):
        for task in periodic_tasks_sync():
            self.stdout.write(f"scheduled: {task.name} ({task.task}, {task.crontab})")
