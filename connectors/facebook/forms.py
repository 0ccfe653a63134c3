from django import forms

from connectors.forms import UploadForm
from connectors.records import ExternalIdError, external_id_canonical


class FacebookExportUploadForm(UploadForm):
    extensions = (".zip",)
    what = "the Facebook export zip"
    file = forms.FileField(
        label="Facebook export (.zip, JSON format)",
        help_text="The zip you downloaded from Facebook's link, in the JSON format, as it is: not unzipped.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    profile = forms.CharField(
        label="Your Facebook profile's address",
        required=False,
        max_length=200,
        help_text=(
            "Leave it empty, unless an import of this export said it does not name your profile: then "
            "give your profile's address, like facebook.com/alice.smith."
        ),
        widget=forms.TextInput(attrs={"placeholder": "facebook.com/alice.smith", "autocomplete": "off"}),
    )

    def clean_profile(self) -> str:
        value = self.cleaned_data["profile"].strip()
        if not value:
            return ""
        if value.startswith(("facebook.com/", "www.facebook.com/")):
            value = "https://" + value
        try:
            return external_id_canonical(network="facebook", external_id=value)
        except ExternalIdError as error:
            raise forms.ValidationError(str(error)) from error
