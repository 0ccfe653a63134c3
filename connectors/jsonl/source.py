"""Klout's own activity format, for any network's activity (docs/import-format.md)."""

from connectors.registry import FileFormat, Source

SOURCE = Source(
    package="connectors.jsonl",
    network=None,
    name="Activity file (JSON Lines)",
    label="JSON Lines",
    description="Any network's activity in Klout's documented import format.",
    formats=(
        FileFormat(
            run_source="jsonl",
            run_label="JSON Lines import",
            name="Activity file (JSON Lines)",
            description="Any network\u2019s activity in Klout\u2019s documented import format.",
            url_name="activity_upload",
            path="import/activity/",
            form="connectors.jsonl.forms.ActivityUploadForm",
            template="connectors/activity_upload.html",
            importer="connectors.jsonl.imports.jsonl_upload_import",
            extension=".jsonl",
        ),
    ),
)
