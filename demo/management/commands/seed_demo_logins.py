from django.core.management.base import BaseCommand

from demo.logins import demo_logins_ensure


class Command(BaseCommand):
    help = "Create (or reset) the demo sign-ins: a member, a brand owner and an admin. For local demos only."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="klout-demo", help="Password for every demo login.")

    def handle(self, *args, password: str, **options):
        for login in demo_logins_ensure(password=password):
            self.stdout.write(f"  {login['role']:<12} {login['email']}  /  {password}")
