"""The X archive upload form."""

from __future__ import annotations

from django import forms

from connectors.forms import UploadForm


class ArchiveUploadForm(UploadForm):
    extensions = (".zip",)
    what = "the X archive zip"
    file = forms.FileField(
        label="X archive (.zip)",
        help_text=(
            "The zip X sends after “Settings → Your account → Download an archive of your data”, unchanged."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
