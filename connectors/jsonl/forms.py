"""The activity file (JSON Lines) upload form."""

from __future__ import annotations

from django import forms

from connectors.forms import UploadForm
from connectors.records import NETWORK_NAMES, NETWORKS


class ActivityUploadForm(UploadForm):
    extensions = (".jsonl", ".ndjson", ".json")
    what = "a JSON Lines file"
    file = forms.FileField(
        label="Activity file (JSON Lines)",
        help_text="One JSON object per line, in the documented import format.",
        widget=forms.ClearableFileInput(attrs={"accept": ".jsonl,.ndjson,.json"}),
    )
    network = forms.ChoiceField(
        label="Network of lines that name none",
        required=False,
        choices=[
            ("", "None: every line names its network"),
            *((n, NETWORK_NAMES[n]) for n in NETWORKS),
        ],
        help_text="Like --network on the command line: lines with their own network keep it.",
    )
