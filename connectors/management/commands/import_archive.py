from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Member
from connectors import registry
from connectors.imports import ImportRefused
from connectors.records import Origin
from connectors.summary import report_lines


def _importable() -> list[registry.FileFormat]:
    return [f for f in registry.file_formats() if f.recognizes and f.command_importer]


class Command(BaseCommand):
    help = "Import a network's data archive for a member: " + ", ".join(f.name for f in _importable()) + "."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive, told apart by its content")
        parser.add_argument(
            "--member", required=True, metavar="EMAIL", help="email of the member it belongs to"
        )

    def handle(self, *args, path: Path, member: str, **options):
        found = Member.objects.filter(user__email__iexact=member.strip()).first()
        if found is None:
            raise CommandError(f"No member has the email {member!r}.")
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        file_format = next((f for f in _importable() if registry.dotted(f.recognizes)(path)), None)
        if file_format is None:
            names = ", ".join(f.name for f in _importable())
            raise CommandError(f"{path}: not an archive Klout reads (it reads: {names}).")
        self.stdout.write(f"{path}: {file_format.name}")
        try:
            # The operator vouches for the file: it is not counted as self-reported.
            importer = registry.dotted(file_format.command_importer)
            report = importer(path=path, member=found, origin=Origin.OPERATOR)
        except ImportRefused as exc:
            raise CommandError(f"{path}: {exc}") from None
        for line in report_lines(report):
            self.stdout.write(line)
