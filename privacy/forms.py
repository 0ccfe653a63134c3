from __future__ import annotations

from django import forms

from accounts.models import User
from privacy import profiles


class MemberOptOutForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: my data is deleted now, and Klout will never track these accounts again.",
        error_messages={"required": "Tick the box to confirm that you want to opt out."},
    )


class AccountDeleteForm(forms.Form):
    email = forms.CharField(label="Type your email address to confirm", max_length=254)
    password = forms.CharField(label="Your password", widget=forms.PasswordInput, strip=False, required=False)
    opt_out = forms.BooleanField(
        label="Also make sure Klout never collects my accounts again (recommended)",
        required=False,
        initial=True,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"].required = True
        else:
            del self.fields["password"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email != self.user.email.lower():
            raise forms.ValidationError(f"That is not the email of this account ({self.user.email}).")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not right.")
        return password


class OptOutStartForm(forms.Form):
    network = forms.ChoiceField(label="Network", choices=profiles.network_choices, widget=forms.RadioSelect)
    handle = forms.CharField(
        label="Your account on it",
        max_length=300,
        help_text="Mastodon: @you@your.server · Bluesky: you.bsky.social · X: @you",
    )
