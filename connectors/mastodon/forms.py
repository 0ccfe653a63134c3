from django import forms

from connectors.forms import UploadForm
from connectors.mastodon.profile import handle_normalize


class MastodonAddressForm(forms.Form):
    address = forms.CharField(
        label="Your Mastodon address",
        max_length=320,
        help_text="As it appears on your profile, like @alice@mastodon.social.",
        widget=forms.TextInput(attrs={"placeholder": "@alice@mastodon.social", "autocomplete": "off"}),
    )

    def clean_address(self) -> str:
        try:
            return handle_normalize(self.cleaned_data["address"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class MastodonArchiveUploadForm(UploadForm):
    extensions = (".zip",)
    what = "the Mastodon archive zip"
    file = forms.FileField(
        label="Mastodon archive (.zip)",
        help_text="The zip you downloaded from your Mastodon server, as it is: not unzipped, not changed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
