"""The X archive upload form."""

from __future__ import annotations

from django import forms

from connectors.forms import UploadForm


class ArchiveUploadForm(UploadForm):
    extensions = (".zip",)
    what = "the X archive zip"
    file = forms.FileField(
        label="X archive (.zip)",
        help_text="The zip you downloaded from X, as it is: not unzipped, not changed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
