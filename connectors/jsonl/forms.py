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
        help_text=(
            "A text file ending in .jsonl, .ndjson or .json, with one activity on each line, "
            "written as shown above."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".jsonl,.ndjson,.json"}),
    )
    # The web page's form of the command line's --network: it fills in only the lines that
    # leave "network" out.
    network = forms.ChoiceField(
        label="Network the activity is from",
        required=False,
        choices=[
            ("", "Each line says which network"),
            *((n, NETWORK_NAMES[n]) for n in NETWORKS),
        ],
        help_text=(
            "Choose one only if your file's lines leave out their \u201cnetwork\u201d, for instance "
            "a file of one network's activity. A line that names its network keeps it."
        ),
    )
