"""Plain words for the score's network and signal codes, for templates."""

from django import template

from scoring.selectors import NETWORK_NAMES, SIGNAL_WORDS

register = template.Library()


@register.filter
def network_name(code: str) -> str:
    return NETWORK_NAMES.get(code, code)


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
