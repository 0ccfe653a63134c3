from django import forms

from connectors.forms import UploadForm


class InstagramExportUploadForm(UploadForm):
    extensions = (".zip",)
    what = "the Instagram export zip"
    file = forms.FileField(
        label="Instagram export (.zip, JSON format)",
        help_text=(
            "The zip of Accounts Center, Your information and permissions, Download your information; "
            "JSON format."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
