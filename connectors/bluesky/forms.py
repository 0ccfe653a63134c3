from django import forms

from connectors.bluesky.profile import handle_normalize
from connectors.bluesky.session import app_password_valid
from connectors.forms import UploadForm


class BlueskySignInForm(forms.Form):
    handle = forms.CharField(
        label="Your Bluesky handle",
        max_length=253,
        help_text="Like alice.bsky.social, or your own domain.",
        widget=forms.TextInput(attrs={"placeholder": "alice.bsky.social", "autocomplete": "username"}),
    )
    app_password = forms.CharField(
        label="An app password",
        max_length=64,
        help_text=(
            "Make one in Bluesky under Settings, Privacy and security, App passwords: four groups of four "
            "letters or digits. Not your account's password. You can revoke it there at any time."
        ),
        widget=forms.PasswordInput(attrs={"placeholder": "xxxx-xxxx-xxxx-xxxx", "autocomplete": "off"}),
    )

    def clean_handle(self) -> str:
        try:
            return handle_normalize(self.cleaned_data["handle"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_app_password(self) -> str:
        value = self.cleaned_data["app_password"].strip().lower()
        if not app_password_valid(value):
            raise forms.ValidationError(
                "That is not an app password: it has four groups of four letters or digits, like "
                "abcd-1234-efgh-5678. Make one in Bluesky's settings; never give your account's password."
            )
        return value


class BlueskyRepoUploadForm(UploadForm):
    extensions = (".car",)
    what = "the Bluesky data export"
    file = forms.FileField(
        label="Bluesky data export (.car file)",
        help_text="The file Bluesky saved from Export my data, as it is.",
        widget=forms.ClearableFileInput(attrs={"accept": ".car,application/vnd.ipld.car"}),
    )
