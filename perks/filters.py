"""Discovery's filters and sorts, over the cards of the identities others may see.

Each filter reads an indexed column of ``scoring.DiscoveryCard`` (score, network, audience,
engagement, change, language) or a semi-join on an indexed table: topics through
``IdentityTopic`` (topic, identity), words through the full-text index of ``IdentityText`` and
location through its trigram index on PostgreSQL. A topic a member hid never matches them, nor
does a search for its word.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet

from connectors.records import NETWORK_NAMES
from scoring.models import HiddenTopic, IdentityText, IdentityTopic
from scoring.topics import WORD, language_tag, topic_normalize

SORTS = {
    "score": "Score",
    "change": "Rising fastest (30 days)",
    "audience": "Audience",
    "engagement": "Reactions per post",
}
# The most people a topic or words may match for a search to start from them, by id (see
# ``_from_holders``).
HOLDERS_MAX = 5_000
# The tone filter: among identities with at least this many replies and quotes judged in the
# window, those whose feedback is mostly positive, or seldom negative.
TONES = {"positive": "Mostly positive (half or more)", "calm": "Seldom negative (a fifth or less)"}
TONE_JUDGED_MIN = 3
# Words searched at once; more would only slow the search down.
MAX_WORDS = 5
# Languages offered as suggestions; any other code can be typed.
COMMON_LANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Chinese",
    "ar": "Arabic",
    "hi": "Hindi",
    "tr": "Turkish",
    "pl": "Polish",
    "sv": "Swedish",
}


def _number(**attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", **attrs})


class DiscoveryFilter(django_filters.FilterSet):
    score_min = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label="Score from", min_value=0, max_value=100,
        widget=_number(min=0, max=100, placeholder="0"),
    )  # fmt: skip
    score_max = django_filters.NumberFilter(
        field_name="score", lookup_expr="lte", label="Score to", min_value=0, max_value=100,
        widget=_number(min=0, max=100, placeholder="100"),
    )  # fmt: skip
    network = django_filters.ChoiceFilter(
        choices=list(NETWORK_NAMES.items()), empty_label="Any network", label="Network"
    )
    topic = django_filters.CharFilter(
        method="filter_topic", label="Topic", help_text="One topic, such as coffee or #running."
    )
    words = django_filters.CharFilter(
        method="filter_words",
        label="Words in bio or recent posts",
        help_text=f"Every word must appear (up to {MAX_WORDS}); “roast” also finds “roasting”.",
    )
    audience_min = django_filters.NumberFilter(
        field_name="audience", lookup_expr="gte", label="Audience from", min_value=0,
        widget=_number(min=0, placeholder="followers"),
    )  # fmt: skip
    audience_max = django_filters.NumberFilter(
        field_name="audience", lookup_expr="lte", label="Audience to", min_value=0,
        widget=_number(min=0, placeholder="followers"),
    )  # fmt: skip
    engagement_min = django_filters.NumberFilter(
        field_name="engagement", lookup_expr="gte", label="Reactions per post, at least", min_value=0,
        widget=_number(min=0, step="any"),
    )  # fmt: skip
    change_min = django_filters.NumberFilter(
        field_name="change", lookup_expr="gte", label="Score change over 30 days, at least",
        widget=_number(step="any", placeholder="e.g. 2"),
    )  # fmt: skip
    rising = django_filters.BooleanFilter(
        method="filter_rising", label="Rising only", widget=forms.CheckboxInput,
        help_text="Scores that went up over the last 30 days.",
    )  # fmt: skip
    location = django_filters.CharFilter(
        method="filter_location", label="Location", help_text="Part of the place in their profile."
    )
    language = django_filters.CharFilter(
        method="filter_language",
        label="Language",
        help_text="The language they post in most, as a code: en, es, de…",
        widget=forms.TextInput(attrs={"list": "discover-languages", "maxlength": 16, "autocomplete": "off"}),
    )
    tone = django_filters.ChoiceFilter(
        choices=list(TONES.items()), method="filter_tone", empty_label="Any tone",
        label="Tone of their feedback",
        help_text=(
            "The replies and quotes they received in 90 days, read for their tone (English "
            f"only); at least {TONE_JUDGED_MIN} of them."
        ),
    )  # fmt: skip
    verified = django_filters.BooleanFilter(
        method="filter_verified", label="Verified only", widget=forms.CheckboxInput,
        help_text="Scores that rest on data read from the networks, not on uploaded files.",
    )  # fmt: skip
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()), method="filter_nothing", empty_label=None, label="Sort by"
    )

    # Set by filter_topic when the search starts from a topic's few holders.
    few = False

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # The sort is applied last, in filter_queryset, with or without a value.
        return queryset

    def filter_topic(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        topic = topic_normalize(value)
        if not topic:
            return queryset
        hid = HiddenTopic.objects.filter(member_id=OuterRef("owner_id"), topic=topic)
        holders = IdentityTopic.objects.filter(topic=topic)
        narrowed = self._from_holders(queryset, holders)
        if narrowed is None:
            has = IdentityTopic.objects.filter(identity_id=OuterRef("identity_id"), topic=topic)
            narrowed = queryset.filter(Exists(has))
        return narrowed.exclude(Exists(hid))

    def filter_words(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = list(dict.fromkeys(WORD.findall(value.lower())))[:MAX_WORDS]
        if not words:
            return queryset
        text = IdentityText.objects.all()
        if connection.vendor == "postgresql":
            # Each word as the start of a lexeme of the generated ``search`` vector (migration 0009);
            # words are letters and digits only (``WORD``), and bound as a parameter.
            query = " & ".join(f"{word}:*" for word in words)
            text = text.extra(where=["search @@ to_tsquery('simple', %s)"], params=[query])
        else:
            for word in words:
                # The search text is " word word ... ": a leading space anchors the start of a word.
                text = text.filter(words__contains=f" {word}")
        hid = HiddenTopic.objects.filter(member_id=OuterRef("owner_id"), topic__in=words)
        # The texts are matched first, from the index: walking the sort's B-tree and probing each
        # card's text took seconds for a word in a few hundred bios (the planner cannot tell how
        # few a prefix matches), or in none.
        narrowed = self._from_holders(queryset, text)
        if narrowed is None:
            narrowed = queryset.filter(Exists(text.filter(identity_id=OuterRef("identity_id"))))
        return narrowed.exclude(Exists(hid))

    def _from_holders(self, queryset: QuerySet, holders: QuerySet) -> QuerySet | None:
        """The cards of ``holders`` (rows with an ``identity_id``) when they are at most
        ``HOLDERS_MAX``; None when they are more.

        A topic or word of a few thousand people is searched from them: their cards are read by id
        and sorted (``few``), instead of walking the sort's B-tree and probing each card, which for
        a rarer one meant tens of thousands of probes. A common one is found soon by the walk.
        """
        ids = list(holders.values_list("identity_id", flat=True)[: HOLDERS_MAX + 1])
        if len(ids) > HOLDERS_MAX:
            return None
        self.few = True
        return queryset.filter(identity_id__in=ids)

    def filter_location(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        place = " ".join(value.lower().split())
        if not place:
            return queryset
        return queryset.filter(
            Exists(IdentityText.objects.filter(identity_id=OuterRef("identity_id"), location__contains=place))
        )

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tag = language_tag(value)
        return queryset.filter(language=tag) if tag else queryset

    def filter_rising(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(change__gt=0) if value else queryset

    def filter_tone(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        enough = queryset.filter(feedback_judged__gte=TONE_JUDGED_MIN)
        if value == "positive":
            return enough.filter(feedback_positive__gte=0.5)
        if value == "calm":
            return enough.filter(feedback_negative__lte=0.2)
        return queryset

    def filter_verified(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(verified=True) if value else queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "score"
        # The identity breaks ties, so that a page never repeats or skips a row; each sort has a
        # B-tree ending with it. For a few known cards, an expression the B-tree cannot serve
        # keeps the planner from walking it past the cards it looks for.
        if self.few:
            return queryset.order_by((F(sort) + 0).desc(), (F("identity_id") + 0).desc())
        return queryset.order_by(f"-{sort}", "-identity_id")

    @property
    def active(self) -> bool:
        """Whether any filter narrows the search (the sort does not)."""
        data = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        return any(value not in (None, "", False) for key, value in data.items() if key != "sort")
