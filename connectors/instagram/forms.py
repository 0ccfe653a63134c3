from django import forms

from connectors.forms import UploadForm


class InstagramExportUploadForm(UploadForm):
    extensions = (".zip",)
    what = "the Instagram export zip"
    file = forms.FileField(
        label="Instagram export (.zip, JSON format)",
        help_text="The zip you downloaded from Instagram's link, in the JSON format, as it is: not unzipped.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
