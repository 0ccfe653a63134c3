"""Forms of the brand's side: a perk, a claim's contact details, shipping, a shortlist."""

from __future__ import annotations

import re

from django import forms
from django.template.defaultfilters import filesizeformat

from connectors.records import NETWORK_NAMES, NETWORKS
from perks.models import Perk

MAX_IMAGE_BYTES = 5 * 1024 * 1024
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_TOPIC = re.compile(r"^#?[\w-]{2,64}$")
_TAG = re.compile(r"^(#\w{2,100}|(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?)$", re.IGNORECASE)


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+", value or "") if part.strip()]


class PerkForm(forms.ModelForm):
    networks = forms.MultipleChoiceField(
        choices=[(n, NETWORK_NAMES[n]) for n in NETWORKS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for influencers on any network.",
    )
    countries = forms.CharField(
        required=False,
        help_text="Two-letter country codes, separated by commas (FR, DE); empty for any country.",
    )
    topics = forms.CharField(
        required=False, help_text="Topics the influencer is known for, separated by commas; empty for any."
    )

    class Meta:
        model = Perk
        fields = [
            "title",
            "description",
            "offer",
            "image",
            "quantity",
            "needs_shipping",
            "min_score",
            "networks",
            "countries",
            "topics",
            "starts_on",
            "ends_on",
            "campaign_tag",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"min_score": "From 0 to 100: only influencers with at least this score may claim it."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Lists on the model, one line of text in the form.
        self.initial["countries"] = ", ".join(self.instance.countries or [])
        self.initial["topics"] = ", ".join(self.instance.topics or [])
        self.fields["quantity"].min_value = 1
        self.fields["min_score"].widget.attrs.update({"min": 0, "max": 100})

    def clean_min_score(self):
        value = self.cleaned_data["min_score"]
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError("A score is between 0 and 100.")
        return value

    def clean_quantity(self):
        value = self.cleaned_data["quantity"]
        if value is not None and value < 1:
            raise forms.ValidationError("Offer at least one.")
        if value is not None and value > 100_000:
            raise forms.ValidationError("Offer at most 100,000 at once.")
        return value

    def clean_countries(self):
        codes = _split(self.cleaned_data["countries"])
        bad = [c for c in codes if not _COUNTRY.match(c)]
        if bad:
            raise forms.ValidationError(f"Use two-letter country codes (like FR); not {', '.join(bad)}.")
        return sorted({c.upper() for c in codes})

    def clean_topics(self):
        topics = _split(self.cleaned_data["topics"])
        bad = [t for t in topics if not _TOPIC.match(t)]
        if bad:
            raise forms.ValidationError(f"A topic is one word or hashtag; not {', '.join(bad)}.")
        return sorted({t.lstrip("#").lower() for t in topics})

    def clean_campaign_tag(self):
        tag = self.cleaned_data["campaign_tag"].strip()
        if not _TAG.match(tag):
            raise forms.ValidationError("Give a hashtag (#BrewDay) or a link (brand.example/brew).")
        return tag

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and getattr(image, "size", 0) > MAX_IMAGE_BYTES:
            raise forms.ValidationError(
                f"This image is {filesizeformat(image.size)}; the largest accepted is "
                f"{filesizeformat(MAX_IMAGE_BYTES)}."
            )
        return image

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The perk must end on or after the day it starts.")
        return cleaned


class ClaimForm(forms.Form):
    shipping_address = forms.CharField(
        label="Shipping address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        help_text="Given to this brand only, for this perk only.",
    )
    contact_email = forms.EmailField(
        label="Email for the brand",
        required=False,
        help_text="Given to this brand only, for this perk only. Your account's address if empty.",
    )

    def __init__(self, *args, needs_shipping: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_shipping:
            del self.fields["shipping_address"]
        else:
            self.fields["shipping_address"].required = True


class ShipForm(forms.Form):
    tracking_url = forms.URLField(
        label="Tracking link", required=False, max_length=200, assume_scheme="https", help_text="Optional."
    )


class ShortlistForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the new shortlist")


class CountryForm(forms.Form):
    country = forms.CharField(
        max_length=2,
        required=False,
        label="Country (two letters, like FR)",
        help_text="Some perks are offered in some countries only. Shown to nobody.",
    )

    def clean_country(self):
        value = self.cleaned_data["country"].strip()
        if value and not _COUNTRY.match(value):
            raise forms.ValidationError("Use a two-letter country code, like FR or US.")
        return value.upper()
