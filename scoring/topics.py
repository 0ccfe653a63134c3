"""Topics of expertise, and the text discovery searches, for each scored identity.

docs/scoring.md, "Topics", is the rule; in short: every post of the last 90 days (reposts are
someone else's words) weighs ``1 + ln(1 + reactions it drew)``; each hashtag in it scores twice
that weight, each other word (four letters or more, not a stopword, not a number) once; the bio
counts as a post of weight ``BIO_WEIGHT``. A plain word needs two posts (or a post and the bio)
to be a topic; a hashtag needs one. The ``TOPICS`` best are kept, weighted against the first (1.0).

The refresh streams identities ``BATCH`` at a time, by id: one query reads the batch's bios, one
its recent posts (at most ``POSTS_READ`` each) with the reactions each drew, rows arriving in
author order so that one identity is folded at a time; the batch is written before the next is
read, so memory stays bounded whatever the population. An identity's rows are rewritten only when
they changed (the text's trigram indexes are costly to update).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Member
from connectors.models import Identity
from connectors.records import Origin
from klout.db.locks import scores_write_lock
from scoring.models import DiscoveryCard, HiddenTopic, IdentityScore, IdentityText, IdentityTopic

WINDOW_DAYS = 90
TOPICS = 10
# Topics a discovery card shows.
CARD_TOPICS = 5
HASHTAG_WEIGHT = 2.0
BIO_WEIGHT = 2.0
# A plain word must come from at least this many sources (posts, the bio) to be a topic.
WORD_SUPPORT = 2
MIN_WORD_LENGTH = 4
TOPIC_LENGTH = 64  # IdentityTopic.topic
# The most recent posts read per identity: enough to know what someone posts about, and a bound
# on what a prolific account costs.
POSTS_READ = 200
BATCH = 1_000
# The search text: bio words first, then the newest posts', each word once, cut at a word.
WORDS_MAX = 600
# Reactions to a post that say something about it: a mention is not about a post.
POST_REACTIONS = ("repost", "reply", "quote", "like")

HASHTAG = re.compile(r"(?<![\w&])#(\w{2,64})")
LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Letters and digits; an apostrophe splits ("django's" is "django" and "s").
WORD = re.compile(r"[^\W_]+")

# A small English list: function words and the filler of social posts. Words under four letters
# never count, so the shortest ones are not listed.
STOPWORDS = frozenset(
    """
    about above after again against also always among another anyone anything around because
    been before being below between both cannot come could does doing done down during each
    either else even ever every everyone everything from further gets getting give going gonna
    good great have having here hers herself hows himself into isnt itself just keep know last
    least less like little look made make many maybe more most much must myself need never next
    nothing okay once only other ours ourselves over really right same says seen should since
    some someone something still such sure take than thank thanks that thats their theirs them
    themselves then there these they thing things think this those though through today together
    tomorrow tonight very want wanna well were what whats when where whether which while whom
    whose will with within without would yeah year years your yours yourself yourselves http
    https thru lets youre dont cant wont didnt doesnt isnt arent wasnt werent ive youve weve
    theyve youll shes theyre post posts
    """.split()
)


def post_terms(text: str) -> dict[str, float]:
    """The terms of one text, each once: its hashtags (``HASHTAG_WEIGHT``) and its words (1)."""
    text = LINK.sub(" ", text or "")
    terms: dict[str, float] = {}
    for tag in HASHTAG.findall(text):
        tag = tag.lower()
        if not tag.isdigit():
            terms[tag] = HASHTAG_WEIGHT
    for word in WORD.findall(text.lower()):
        if (
            len(word) >= MIN_WORD_LENGTH
            and len(word) <= TOPIC_LENGTH
            and not word.isdigit()
            and word not in STOPWORDS
        ):
            terms.setdefault(word, 1.0)
    return terms


def post_weight(reactions: int) -> float:
    """What one post counts for: a post nobody reacted to still says what its author writes about."""
    return 1.0 + math.log1p(max(0, reactions))


def topics_rank(
    *, bio: str, posts: Iterable[tuple[str, int]], limit: int = TOPICS
) -> list[tuple[str, float]]:
    """The identity's topics with their weights (the first 1.0), best first; ``posts`` are
    (text, reactions) pairs."""
    score: dict[str, float] = {}
    support: dict[str, int] = {}
    tagged: set[str] = set()
    sources = [(bio, BIO_WEIGHT)] + [(text, post_weight(reactions)) for text, reactions in posts]
    for text, weight in sources:
        for term, factor in post_terms(text).items():
            score[term] = score.get(term, 0.0) + weight * factor
            support[term] = support.get(term, 0) + 1
            if factor == HASHTAG_WEIGHT:
                tagged.add(term)
    ranked = sorted(
        (term for term in score if term in tagged or support[term] >= WORD_SUPPORT),
        key=lambda term: (-score[term], term),
    )[:limit]
    if not ranked:
        return []
    top = score[ranked[0]]
    return [(term, round(score[term] / top, 2)) for term in ranked]


def search_words(texts: Iterable[str], *, limit: int = WORDS_MAX) -> str:
    """``texts``' words, lower case, each once in order of appearance, as " w1 w2 ... " of at
    most ``limit`` characters."""
    seen: set[str] = set()
    out = [" "]
    size = 1
    for text in texts:
        for word in WORD.findall(LINK.sub(" ", text or "").lower()):
            if word in seen:
                continue
            if size + len(word) + 1 > limit:
                return "".join(out)
            seen.add(word)
            out.append(word + " ")
            size += len(word) + 1
    return "".join(out) if size > 1 else ""


def language_tag(language: str) -> str:
    """ "en-GB" and "EN" are both "en": the primary language subtag, lower case."""
    return (language or "").strip().lower().replace("_", "-").split("-")[0][:16]


# --- the refresh -----------------------------------------------------------------------------


@dataclass
class IdentityReading:
    """What one identity's bio and recent posts give."""

    topics: list[tuple[str, float]] = field(default_factory=list)
    words: str = ""
    location: str = ""
    language: str = ""


@dataclass
class TopicsResult:
    identities: int = 0
    topics_rewritten: int = 0
    texts_rewritten: int = 0


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def ids_condition(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` among ``ids`` as one bound parameter: an array on PostgreSQL, a JSON list that
    SQLite's json_each unpacks elsewhere (thousands of placeholders cost more than the query)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(ids))]  # noqa: S608


_POSTS_SQL = """
SELECT r.author_id, r.text, r.language, r.reported,
       (SELECT COUNT(*) FROM connectors_interaction i
         WHERE i.post_id = r.id AND i.actor_id <> r.author_id AND i.kind IN ({kinds})
           AND i.origin < %s) AS named
FROM (
    SELECT p.id, p.author_id, p.text, p.language,
           COALESCE(p.likes, 0) + COALESCE(p.reposts, 0) + COALESCE(p.replies, 0)
             + COALESCE(p.quotes, 0) AS reported,
           ROW_NUMBER() OVER (PARTITION BY p.author_id ORDER BY p.created_at DESC, p.id DESC) AS recency
    FROM connectors_post p
    WHERE {authors} AND p.created_at >= %s AND p.created_at <= %s AND p.kind <> 'repost'
) r
WHERE r.recency <= %s
ORDER BY r.author_id, r.recency
"""


def _posts_read(ids: list[int], *, now: datetime) -> Iterator[tuple[int, str, str, int]]:
    """(author, text, language, reactions) of the batch's recent posts, newest first per author.

    A post's reactions are those stored with it from others (each a person), or the counts the
    network reported when it names fewer people; what someone uploaded about reacting counts
    for no one (``Origin.UPLOAD_GIVEN``)."""
    authors, params = ids_condition("p.author_id", ids)
    sql = _POSTS_SQL.format(kinds=", ".join(["%s"] * len(POST_REACTIONS)), authors=authors)
    start = now - timedelta(days=WINDOW_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*POST_REACTIONS, int(Origin.UPLOAD_GIVEN), *params, _adapt(start), _adapt(now), POSTS_READ],
        )
        while rows := cursor.fetchmany(5_000):
            for author, text, language, reported, named in rows:
                yield author, text or "", language or "", max(int(reported or 0), int(named or 0))


def _profiles_read(ids: list[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (bio, location)
        for pk, bio, location in Identity.objects.filter(pk__in=ids).values_list("pk", "bio", "location")
    }


def identities_read(ids: list[int], *, now: datetime) -> dict[int, IdentityReading]:
    """Topics, search words, location and language of each identity of ``ids`` that still exists."""
    profiles = _profiles_read(ids)
    posts: dict[int, list[tuple[str, str, int]]] = {}
    readings: dict[int, IdentityReading] = {}

    def fold(author: int, rows: list[tuple[str, str, int]]) -> None:
        bio, location = profiles[author]
        languages: dict[str, int] = {}
        for _, language, _ in rows:
            tag = language_tag(language)
            if tag:
                languages[tag] = languages.get(tag, 0) + 1
        readings[author] = IdentityReading(
            topics=topics_rank(bio=bio, posts=[(text, reactions) for text, _, reactions in rows]),
            words=search_words([bio, *(text for text, _, _ in rows)]),
            location=(location or "").strip().lower()[:255],
            # The most used; a tie goes to the first in the alphabet, so that it does not flicker.
            language=min(languages, key=lambda tag: (-languages[tag], tag)) if languages else "",
        )

    current: int | None = None
    for author, text, language, reactions in _posts_read(ids, now=now):
        if author not in profiles:
            continue
        if author != current:
            if current is not None:
                fold(current, posts.pop(current))
            current = author
            posts[author] = []
        posts[author].append((text, language, reactions))
    if current is not None:
        fold(current, posts.pop(current))
    for pk in profiles:
        if pk not in readings:
            fold(pk, [])
    return readings


def _stored(ids: list[int]) -> tuple[dict[int, list[tuple[str, float]]], dict[int, tuple[str, str, str]]]:
    topics: dict[int, list[tuple[str, float]]] = {}
    rows = IdentityTopic.objects.filter(identity_id__in=ids).order_by("identity_id", "-weight", "topic")
    for identity_id, topic, weight in rows.values_list("identity_id", "topic", "weight"):
        topics.setdefault(identity_id, []).append((topic, weight))
    texts = {
        pk: (words, location, language)
        for pk, words, location, language in IdentityText.objects.filter(identity_id__in=ids).values_list(
            "identity_id", "words", "location", "language"
        )
    }
    return topics, texts


def _topics_insert(rows: list[tuple[int, str, float]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = IdentityTopic._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} (identity_id, topic, weight) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    IdentityTopic.objects.bulk_create(
        [IdentityTopic(identity_id=pk, topic=topic, weight=weight) for pk, topic, weight in rows],
        batch_size=2_000,
    )


def _batch_write(ids: list[int], readings: dict[int, IdentityReading], result: TopicsResult) -> None:
    """Rewrite the topics and texts of the batch's identities whose reading changed."""
    stored_topics, stored_texts = _stored(ids)
    # Compared as mappings: weights are rounded, and terms of equal weight may come in either order.
    topics_changed = [
        pk
        for pk in ids
        if dict(readings.get(pk, IdentityReading()).topics) != dict(stored_topics.get(pk, []))
    ]
    texts_changed = []
    for pk in ids:
        reading = readings.get(pk)
        text = (reading.words, reading.location, reading.language) if reading else ("", "", "")
        if text != stored_texts.get(pk, ("", "", "")):
            texts_changed.append(pk)
    if not topics_changed and not texts_changed:
        return
    with transaction.atomic():
        # Purges take the lock too: an identity deleted since the batch was read is not written.
        scores_write_lock()
        alive = set(Identity.objects.filter(pk__in=ids).values_list("pk", flat=True))
        IdentityTopic.objects.filter(identity_id__in=topics_changed).delete()
        _topics_insert(
            [
                (pk, topic, weight)
                for pk in topics_changed
                if pk in alive and pk in readings
                for topic, weight in readings[pk].topics
            ]
        )
        IdentityText.objects.filter(identity_id__in=texts_changed).delete()
        IdentityText.objects.bulk_create(
            [
                IdentityText(
                    identity_id=pk,
                    words=readings[pk].words,
                    location=readings[pk].location,
                    language=readings[pk].language,
                )
                for pk in texts_changed
                if pk in alive
                and pk in readings
                and (readings[pk].words or readings[pk].location or readings[pk].language)
            ],
            batch_size=1_000,
        )
    result.topics_rewritten += len(topics_changed)
    result.texts_rewritten += len(texts_changed)


def _day_batches(day: date) -> Iterator[list[int]]:
    """The identities scored on ``day``, ``BATCH`` at a time in id order (keyset: no offset)."""
    last = 0
    while True:
        ids = list(
            IdentityScore.objects.filter(day=day, identity_id__gt=last)
            .order_by("identity_id")
            .values_list("identity_id", flat=True)[:BATCH]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def topics_refresh(
    *, day: date | None = None, identity_ids: Iterable[int] | None = None, now: datetime | None = None
) -> TopicsResult:
    """Recompute the topics and search text of every identity scored on ``day``, or of
    ``identity_ids``, from their posts of the 90 days before ``now``."""
    now = now or timezone.now()
    result = TopicsResult()
    if identity_ids is None:
        batches: Iterable[list[int]] = _day_batches(day or now.date())
    else:
        wanted = sorted({int(pk) for pk in identity_ids})
        batches = (wanted[k : k + BATCH] for k in range(0, len(wanted), BATCH))
    for batch in batches:
        _batch_write(batch, identities_read(batch, now=now), result)
        result.identities += len(batch)
    return result


# --- what a card shows, and hiding a topic ---------------------------------------------------


def shown_topics_sql(*, identity: str, member: str) -> str:
    """SQL for the ``CARD_TOPICS`` strongest topics of ``identity`` (a column) that ``member``
    (a column, NULL for none) has not hidden, space-separated, best first; '' for none."""
    # Names are the models' and the caller's own columns; no value is spliced in.
    topics, hidden = IdentityTopic._meta.db_table, HiddenTopic._meta.db_table
    best = (
        f"SELECT t.topic, t.weight FROM {topics} t "  # noqa: S608
        f"WHERE t.identity_id = {identity} AND NOT EXISTS (SELECT 1 FROM {hidden} h "
        f"WHERE h.member_id = {member} AND h.topic = t.topic) "
        f"ORDER BY t.weight DESC, t.topic LIMIT {CARD_TOPICS}"
    )
    if connection.vendor == "postgresql":
        joined = f"SELECT string_agg(b.topic, ' ' ORDER BY b.weight DESC, b.topic) FROM ({best}) b"  # noqa: S608
    else:
        # SQLite keeps the order of the subquery's rows in group_concat.
        joined = f"SELECT group_concat(b.topic, ' ') FROM ({best}) b"  # noqa: S608
    return f"COALESCE(({joined}), '')"


def topic_normalize(topic: str) -> str:
    """What a person types as a topic ("#Coffee ") as topics are stored ("coffee")."""
    return (topic or "").strip().lstrip("#").strip().lower()[:TOPIC_LENGTH]


def _member_cards_topics_refresh(*, member: Member) -> None:
    """Re-derive the shown topics of the member's discovery cards now, not at the next refresh."""
    table = DiscoveryCard._meta.db_table
    shown = shown_topics_sql(identity=f"{table}.identity_id", member="%s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET topics = {shown} "  # noqa: S608 (this module's own names)
            f"WHERE identity_id IN (SELECT id FROM {Identity._meta.db_table} WHERE member_id = %s)",
            [member.pk, member.pk],
        )


def topic_hide(*, member: Member, topic: str) -> str:
    """Hide one of the member's topics everywhere others look (their profile, discovery, a perk's
    eligibility); returns it as stored."""
    topic = topic_normalize(topic)
    if topic:
        with transaction.atomic():
            HiddenTopic.objects.get_or_create(member=member, topic=topic)
            _member_cards_topics_refresh(member=member)
    return topic


def topic_unhide(*, member: Member, topic: str) -> str:
    topic = topic_normalize(topic)
    with transaction.atomic():
        HiddenTopic.objects.filter(member=member, topic=topic).delete()
        _member_cards_topics_refresh(member=member)
    return topic
