"""Reading values out of a network's JSON, where any field may be missing or of another type.

Every parser of an API answer or an archive reads through these, so that a malformed answer
gives no value rather than an error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.records import PLAUSIBLE_YEARS


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time (``Z`` or an offset; none is UTC); None for anything else. Anyone can
    write any date in a record: outside ``PLAUSIBLE_YEARS`` it is no date."""
    if not isinstance(value, str) or not value:
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if found.year not in PLAUSIBLE_YEARS:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def count(value: Any) -> int | None:
    """A count: a non-negative whole number (not a bool), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
