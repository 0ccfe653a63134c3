"""Discovery cards: one row per scored identity with everything a brand's search filters and sorts.

Refreshed after the daily recompute (every identity scored that day) and after a drain (the
identities it re-scored), in two stages: the topics and search text (``scoring.topics``), then
the cards themselves, built by the database in one ``INSERT ... SELECT`` per slice of identities
from the day's snapshots, the identities, their texts and topics. A slice's cards are replaced in
one transaction that holds ``scores_write_lock``, so a purge either ran before (its identities are
not selected) or waits, and deletes the cards with the identities.

Only identities with a handle get a card: one known by its id alone cannot be judged or reached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from connectors.models import Identity, Interaction, Post
from connectors.records import Origin, Tone
from klout.db.locks import scores_write_lock
from scoring.models import VERIFIED_MAX_SELF_REPORTED, DiscoveryCard, IdentityScore, IdentityText
from scoring.tone import tones_refresh
from scoring.topics import WINDOW_DAYS, TopicsResult, ids_condition, shown_topics_sql, topics_refresh

logger = logging.getLogger(__name__)

CHANGE_DAYS = 30
# The days of scores a card's sparkline holds, up to the card's day.
SPARK_DAYS = 30
# Identity ids per INSERT ... SELECT of a full refresh: a bounded transaction and sort each.
SLICE = 50_000
# Ids per statement when refreshing a list of identities.
LIST_SLICE = 5_000

_CARD = DiscoveryCard._meta.db_table
_SCORE = IdentityScore._meta.db_table
_IDENTITY = Identity._meta.db_table
_TEXT = IdentityText._meta.db_table
_POST = Post._meta.db_table
_INTERACTION = Interaction._meta.db_table


def _cards_sql(scope: str) -> str:
    """The INSERT ... SELECT of the cards of the snapshots ``scope`` picks (a day's for a slice of
    ids, or each listed identity's latest)."""
    # The sparkline's days, as "age:score" (see DiscoveryCard.spark).
    if connection.vendor == "postgresql":
        since = f"s.day - {CHANGE_DAYS}"
        spark = f"""(SELECT string_agg((s.day - e.day) || ':' || round(e.score::numeric, 2), ' '
                                ORDER BY e.day)
                     FROM {_SCORE} e
                     WHERE e.identity_id = s.identity_id AND e.day > s.day - {SPARK_DAYS}
                       AND e.day <= s.day)"""  # noqa: S608 (the model's table, a constant)
    else:
        since = f"date(s.day, '-{CHANGE_DAYS} days')"
        spark = f"""(SELECT group_concat(pair, ' ') FROM (
                       SELECT CAST(julianday(s.day) - julianday(e.day) AS INTEGER) || ':'
                              || round(e.score, 2) AS pair
                       FROM {_SCORE} e
                       WHERE e.identity_id = s.identity_id AND e.day > date(s.day, '-{SPARK_DAYS} days')
                         AND e.day <= s.day
                       ORDER BY e.day))"""  # noqa: S608 (the model's table, a constant)
    reactions = " + ".join(f"s.received_{kind}" for kind in ("repost", "reply", "quote", "like", "mention"))
    return f"""
INSERT INTO {_CARD} (identity_id, member_id, day, network, handle, name, score, change, audience,
                     engagement, posts, location, language, verified, topics, feedback_judged,
                     feedback_positive, feedback_negative, spark)
SELECT c.identity_id, c.member_id, c.day, c.network, c.handle, c.name, c.score, c.change, c.audience,
       CASE WHEN c.posts > 0 THEN c.reactions * 1.0 / c.posts ELSE 0.0 END,
       c.posts, c.location, c.language, c.verified, c.topics, c.judged,
       CASE WHEN c.judged > 0 THEN c.positive * 1.0 / c.judged ELSE 0.0 END,
       CASE WHEN c.judged > 0 THEN c.negative * 1.0 / c.judged ELSE 0.0 END,
       COALESCE(c.spark, '')
FROM (
    SELECT s.identity_id, i.member_id, s.day, i.network, i.handle, i.name, s.score,
           s.score - COALESCE((SELECT e.score FROM {_SCORE} e
                                WHERE e.identity_id = s.identity_id AND e.day >= {since}
                                ORDER BY e.day LIMIT 1), s.score) AS change,
           COALESCE(i.followers, 0) AS audience,
           {reactions} AS reactions,
           (SELECT COUNT(*) FROM {_POST} p
             WHERE p.author_id = s.identity_id AND p.created_at >= %(start)s AND p.created_at <= %(now)s
               AND p.kind <> 'repost') AS posts,
           COALESCE(t.location, LOWER(i.location)) AS location,
           COALESCE(t.language, '') AS language,
           NOT (s.unsmoothed > 0 AND s.self_reported > %(verified)s * s.unsmoothed) AS verified,
           {shown_topics_sql(identity="s.identity_id", member="i.member_id")} AS topics,
           {_feedback("s.identity_id", "IN (%(positive)s, %(neutral)s, %(negative)s)")} AS judged,
           {_feedback("s.identity_id", "= %(positive)s")} AS positive,
           {_feedback("s.identity_id", "= %(negative)s")} AS negative,
           {spark} AS spark
    FROM {_SCORE} s
    JOIN {_IDENTITY} i ON i.id = s.identity_id
    LEFT JOIN {_TEXT} t ON t.identity_id = s.identity_id
    WHERE {scope} AND i.handle <> ''
) c
"""  # noqa: S608 (table and column names are the models' own; values are bound)


def _feedback(identity: str, tone: str) -> str:
    """The replies and quotes to ``identity`` in the window whose tone is ``tone``."""
    return (
        f"(SELECT COUNT(*) FROM {_INTERACTION} f WHERE f.target_id = {identity} "  # noqa: S608
        "AND f.occurred_at >= %(start)s AND f.occurred_at <= %(now)s "
        f"AND f.kind IN ('reply', 'quote') AND f.origin < {int(Origin.UPLOAD_GIVEN)} "
        f"AND f.actor_id <> f.target_id AND f.tone {tone})"
    )


@dataclass
class RefreshResult:
    topics: TopicsResult = field(default_factory=TopicsResult)
    tones: int = 0
    cards: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


def _cards_write(*, delete_sql: str, scope: str, params: dict, now: datetime) -> int:
    params = {
        **params,
        "start": _adapt(now - timedelta(days=WINDOW_DAYS)),
        "now": _adapt(now),
        "verified": VERIFIED_MAX_SELF_REPORTED,
        "positive": int(Tone.POSITIVE),
        "neutral": int(Tone.NEUTRAL),
        "negative": int(Tone.NEGATIVE),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        scores_write_lock()
        cursor.execute(delete_sql, params)
        cursor.execute(_cards_sql(scope), params)
        return max(cursor.rowcount, 0)


def cards_refresh_day(*, day: date, now: datetime) -> int:
    """Replace every card with one of each identity scored on ``day``; returns the cards written."""
    bounds = IdentityScore.objects.filter(day=day).aggregate(low=Min("identity_id"), high=Max("identity_id"))
    written = 0
    if bounds["low"] is not None:
        for low in range(bounds["low"], bounds["high"] + 1, SLICE):
            high = low + SLICE - 1
            written += _cards_write(
                delete_sql=f"DELETE FROM {_CARD} WHERE identity_id BETWEEN %(low)s AND %(high)s",  # noqa: S608
                scope="s.day = %(day)s AND s.identity_id BETWEEN %(low)s AND %(high)s",
                params={"day": _adapt(day), "low": low, "high": high},
                now=now,
            )
    # Cards of identities scored no more: outside every slice, or of an earlier day.
    outside = Q(day__lt=day)
    if bounds["low"] is not None:
        outside |= Q(identity_id__lt=bounds["low"]) | Q(identity_id__gt=bounds["high"])
    DiscoveryCard.objects.filter(outside).delete()
    return written


def cards_refresh_identities(*, identity_ids: Iterable[int], now: datetime) -> int:
    """Rebuild the cards of ``identity_ids`` from each one's latest snapshot."""
    ids = sorted({int(pk) for pk in identity_ids})
    written = 0
    for k in range(0, len(ids), LIST_SLICE):
        chunk = ids[k : k + LIST_SLICE]
        card_ids, card_params = ids_condition("identity_id", chunk)
        score_ids, score_params = ids_condition("s.identity_id", chunk)
        # Named parameters: the id list is bound once per statement under its own name.
        card_ids = card_ids.replace("%s", "%(ids)s")
        score_ids = score_ids.replace("%s", "%(ids)s")
        latest = f"s.day = (SELECT MAX(m.day) FROM {_SCORE} m WHERE m.identity_id = s.identity_id)"  # noqa: S608
        written += _cards_write(
            delete_sql=f"DELETE FROM {_CARD} WHERE {card_ids}",  # noqa: S608
            scope=f"{score_ids} AND {latest}",
            params={"ids": card_params[0]},
            now=now,
        )
    return written


def discovery_refresh(
    *, day: date | None = None, identity_ids: Iterable[int] | None = None, now: datetime | None = None
) -> RefreshResult:
    """The tone of new feedback, topics and search text, then cards: of every identity scored on
    ``day`` (after the daily recompute) or of ``identity_ids`` (after a drain)."""
    now = now or timezone.now()
    result = RefreshResult()
    started = time.perf_counter()
    ids = None if identity_ids is None else sorted({int(pk) for pk in identity_ids})
    result.tones = tones_refresh(since=now - timedelta(days=WINDOW_DAYS), identity_ids=ids)
    result.timings["tones"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    if ids is None:
        day = day or now.date()
        result.topics = topics_refresh(day=day, now=now)
    else:
        result.topics = topics_refresh(identity_ids=ids, now=now)
    result.timings["topics"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    if ids is None:
        result.cards = cards_refresh_day(day=day, now=now)
    else:
        result.cards = cards_refresh_identities(identity_ids=ids, now=now)
    result.timings["cards"] = round(time.perf_counter() - started, 3)
    logger.info(
        "discovery refresh: %s replies and quotes judged, %s identities, %s topic sets and %s texts "
        "rewritten, %s cards (%s)",
        result.tones,
        result.topics.identities,
        result.topics.topics_rewritten,
        result.topics.texts_rewritten,
        result.cards,
        result.timings,
    )
    return result
