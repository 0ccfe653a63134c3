from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import ApiToken, Brand
from accounts.selectors import brand_invitation_get_by_token

INVITATION_SESSION_KEY = "brand_invitation_token"


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: what kind of account this is.

    A person who arrived through a brand invitation link joins that brand's team, and
    the account-type choice is ignored for them.
    """

    account_type = forms.ChoiceField(
        label="I am signing up as",
        choices=[("member", "An influencer: I want my score"), ("brand", "A brand: I want to offer perks")],
        initial="member",
        widget=forms.RadioSelect,
        required=False,
    )
    # Shown under each choice. They name only what each kind of account can do today (scores,
    # discovery, shortlists, perks and their outcome, teams): people choose by these words.
    ACCOUNT_TYPE_HINTS = {
        "member": "Connect your networks or upload an archive: see your score, what moves it, "
        "and the perks brands offer you.",
        "brand": "Find influencers by score, topic and network, keep shortlists, offer them free "
        "samples or trials and see what came of each; invite your team.",
    }
    # The sign-up page shows it only once "A brand" is chosen (a CSS rule, no script needed).
    brand_name = forms.CharField(
        label="Brand name", max_length=120, required=False, help_text="Shown to influencers on your perks."
    )

    def account_type_options(self) -> list[tuple]:
        """Each account-type radio with the hint the page shows under it."""
        return [(radio, self.ACCOUNT_TYPE_HINTS[radio.data["value"]]) for radio in self["account_type"]]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("account_type"):
            cleaned["account_type"] = "member"
        if cleaned["account_type"] == "brand" and not cleaned.get("brand_name", "").strip():
            self.add_error("brand_name", "Give your brand's name to create a brand account.")
        return cleaned

    def signup(self, request, user) -> None:
        token = request.session.pop(INVITATION_SESSION_KEY, None)
        if token:
            invitation = brand_invitation_get_by_token(token=token)
            try:
                services.brand_invitation_accept(invitation=invitation, user=user)
                return
            except ValidationError:
                pass  # a different email than invited: fall through to a normal account
        if self.cleaned_data["account_type"] == "brand":
            services.brand_create(owner=user, name=self.cleaned_data["brand_name"])
        else:
            services.member_create(user=user)


class BrandInviteForm(forms.Form):
    email = forms.EmailField(label="Email address of the person to invite")


class BrandDetailsForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Brand
        fields = ["name", "website", "billing_name", "billing_email", "billing_address", "tax_id"]
        labels = {"name": "Brand name"}
        help_texts = {
            "name": "Shown to influencers on your perks.",
            "billing_name": "The company name invoices are made out to.",
            "tax_id": "As it should appear on invoices.",
        }
        widgets = {"billing_address": forms.Textarea(attrs={"rows": 3})}


MEMBER_SCOPES = ["scores:read", "me:read", "perks:read", "claims:write"]
BRAND_SCOPES = ["scores:read", "perks:read", "perks:write", "claims:write"]
EXPIRIES = {"": "Never", "30": "In 30 days", "90": "In 90 days", "365": "In a year"}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=80, help_text="What will use it, such as “Reporting script”."
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one."},
    )
    expires = forms.ChoiceField(label="Expires", choices=list(EXPIRIES.items()), required=False)

    def __init__(self, *args, for_brand: bool, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = BRAND_SCOPES if for_brand else MEMBER_SCOPES
        labels = dict(ApiToken.Scope.choices)
        self.fields["scopes"].choices = [(scope, f"{scope}: {labels[scope]}") for scope in allowed]
