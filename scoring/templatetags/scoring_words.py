"""Plain words for the score's network and signal codes, for templates."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from scoring.selectors import NETWORK_NAMES, SIGNAL_WORDS

register = template.Library()


@register.filter
def network_name(code: str) -> str:
    return NETWORK_NAMES.get(code, code)


# The networks' marks (Simple Icons, CC0, fetched from npm by klout/assets.py). LinkedIn asked
# Simple Icons to remove its mark, so it is shown by its initials, as Google+ is.
ICONS = {"x", "mastodon", "bluesky", "youtube", "instagram", "facebook", "foursquare"}
INITIALS = {"linkedin": "in", "googleplus": "G+"}


@register.filter
def network_icon(code: str) -> str:
    """The network's mark, decorative (its name is always written beside it)."""
    if code in ICONS:
        return format_html(
            '<img class="network-icon" src="{}" alt="" width="16" height="16">',
            static(f"vendor/simple-icons/{code}.svg"),
        )
    if code in INITIALS:
        return format_html(
            '<span class="network-icon network-initials" aria-hidden="true">{}</span>', INITIALS[code]
        )
    return ""


@register.filter
def network_label(code: str) -> str:
    """The network's mark and name."""
    return format_html('<span class="network-label">{}{}</span>', network_icon(code), network_name(code))


@register.filter
def signal_words(code: str) -> str:
    return SIGNAL_WORDS.get(code, code)


@register.filter
def model_changes(points: list[dict]) -> list[dict]:
    """The chart points on which the scoring model differs from the day before."""
    return [
        point
        for previous, point in zip(points, points[1:], strict=False)
        if previous.get("model") and point.get("model") and previous["model"] != point["model"]
    ]
