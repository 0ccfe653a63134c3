from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from connectors.records import NETWORK_NAMES, NETWORKS


class _UploadForm(forms.Form):
    extensions: tuple[str, ...] = ()
    what = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; "
                f"the largest accepted is {filesizeformat(limit)}."
            )
        if upload.size == 0:
            raise forms.ValidationError("This file is empty.")
        if not upload.name.lower().endswith(self.extensions):
            raise forms.ValidationError(
                f"Choose {self.what} (a file ending in {' or '.join(self.extensions)})."
            )
        return upload


class ArchiveUploadForm(_UploadForm):
    extensions = (".zip",)
    what = "the X archive zip"
    file = forms.FileField(
        label="X archive (.zip)",
        help_text=(
            "The zip X sends after “Settings → Your account → Download an archive of your data”, unchanged."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class ActivityUploadForm(_UploadForm):
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
