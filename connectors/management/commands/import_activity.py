from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from connectors.imports import ImportRefused
from connectors.jsonl.imports import activity_import_jsonl
from connectors.records import NETWORKS
from connectors.summary import report_lines


class Command(BaseCommand):
    help = "Import activity from a JSON Lines file (format: docs/import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .jsonl file ('-' is not accepted: give a path)")
        parser.add_argument("--network", choices=NETWORKS, help="network of lines that do not name one")

    def handle(self, *args, file: Path, network: str | None, **options):
        try:
            stream = file.open("rb")
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        with stream:
            try:
                report = activity_import_jsonl(stream=stream, network=network)
            except ImportRefused as exc:
                raise CommandError(f"{file}: {exc} Nothing was imported.") from None
        for line in report_lines(report):
            self.stdout.write(line)
