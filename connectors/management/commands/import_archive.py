from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Member
from connectors.imports import ImportRefused
from connectors.records import Origin
from connectors.summary import report_lines
from connectors.twitter.imports import archive_import


class Command(BaseCommand):
    help = "Import an X archive zip ('Download your archive') for a member."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive .zip")
        parser.add_argument(
            "--member", required=True, metavar="EMAIL", help="email of the member it belongs to"
        )

    def handle(self, *args, path: Path, member: str, **options):
        found = Member.objects.filter(user__email__iexact=member.strip()).first()
        if found is None:
            raise CommandError(f"No member has the email {member!r}.")
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            # The operator vouches for the file: it is not counted as self-reported.
            report = archive_import(path=path, member=found, origin=Origin.OPERATOR)
        except ImportRefused as exc:
            raise CommandError(f"{path}: {exc}") from None
        for line in report_lines(report):
            self.stdout.write(line)
