from django import forms

from connectors.forms import UploadForm
from connectors.records import ExternalIdError, external_id_canonical


class LinkedInExportUploadForm(UploadForm):
    extensions = (".zip",)
    what = "the LinkedIn data export zip"
    file = forms.FileField(
        label="LinkedIn data export (.zip)",
        help_text="The zip you downloaded from LinkedIn's link, as it is: not unzipped, not changed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    profile = forms.CharField(
        label="Your LinkedIn profile's address",
        max_length=200,
        help_text=(
            "The export does not say whose it is: copy the address of your profile, like "
            "linkedin.com/in/alice-smith."
        ),
        widget=forms.TextInput(attrs={"placeholder": "linkedin.com/in/alice-smith", "autocomplete": "off"}),
    )

    def clean_profile(self) -> str:
        try:
            return external_id_canonical(network="linkedin", external_id=self.cleaned_data["profile"].strip())
        except ExternalIdError as error:
            raise forms.ValidationError(str(error)) from error
