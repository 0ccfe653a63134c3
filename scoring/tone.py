"""The tone of feedback: replies and quotes classified positive, neutral or negative by their words.

The words are those of the reacting post (a reply's or quote's own text, stored as a post of the
reactor whose parent is the post reacted to). Their language is the network's tag when it gives
one, else py3langid's guess when it is at least 90% sure; only English is classified, by VADER
(Hutto and Gilbert, 2014: a lexicon and rules tuned for social media), with its documented
thresholds: a compound score of 0.05 or more is positive, -0.05 or less negative, neutral in
between. Any other language is stored as such ("language not read"), never guessed. @-names and
links are taken out first: "@ada" is an address, not a word of praise or blame.

The tone is stored per interaction (``Interaction.tone``) by ``tones_refresh``, which the
discovery refresh runs first (after the daily recompute and after a drain). It does not change
what a reaction weighs in the score (docs/scoring.md, "Tone of feedback").
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count

from connectors.models import Interaction, Post
from connectors.records import Origin, Tone
from scoring.topics import ids_condition, language_tag

POSITIVE_AT, NEGATIVE_AT = 0.05, -0.05
LANGUAGE_SURE = 0.9
READ_LANGUAGES = ("en",)
FEEDBACK_KINDS = ("reply", "quote")
BATCH = 2_000

_ADDRESS = re.compile(r"(?<![\w@])@[\w.]+(?:@[\w.-]+)?")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _sentiment():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _languages():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def words_of(text: str) -> str:
    """The words of a post, without its @-names and links (and with "&amp;" as "&": X's API
    escapes its texts)."""
    return " ".join(_LINK.sub(" ", _ADDRESS.sub(" ", html.unescape(text or ""))).split())


def language_of(words: str, tag: str = "") -> str:
    """The language of ``words``: the network's tag, or a guess that is at least 90% sure, or ''."""
    known = language_tag(tag)
    if known:
        return known
    language, probability = _languages().classify(words)
    return language if probability >= LANGUAGE_SURE else ""


def tone_of(text: str, language: str = "") -> Tone:
    """The tone of one reaction's words (``language`` is the network's tag, '' when none)."""
    words = words_of(text)
    if not _LETTER.search(words):
        return Tone.NO_WORDS
    if language_of(words, language) not in READ_LANGUAGES:
        return Tone.UNKNOWN
    compound = _sentiment().polarity_scores(words)["compound"]
    if compound >= POSITIVE_AT:
        return Tone.POSITIVE
    if compound <= NEGATIVE_AT:
        return Tone.NEGATIVE
    return Tone.NEUTRAL


_I = Interaction._meta.db_table
_P = Post._meta.db_table
# The reacting post: the reactor's own post whose parent is the post reacted to.
_WORDS_JOIN = (
    f"JOIN {_P} p ON p.network = i.network AND p.author_id = i.actor_id "
    "AND p.parent_external_id = i.post_external_id"
)


def tones_refresh(*, since: datetime, identity_ids: Iterable[int] | None = None) -> int:
    """Judge the replies and quotes since ``since`` (to ``identity_ids``, or to anyone) that have
    no tone yet; returns how many were judged. Those whose words are not stored are marked so,
    once, in SQL."""
    # Not a member's word about a reaction they gave (it counts for no one), nor a reply to oneself.
    where = (
        "i.kind IN ('reply', 'quote') AND i.tone IS NULL AND i.occurred_at >= %s "
        f"AND i.post_external_id <> '' AND i.origin < {int(Origin.UPLOAD_GIVEN)} "
        "AND i.actor_id <> i.target_id"
    )
    params: list = [since]
    if identity_ids is not None:
        ids = sorted({int(pk) for pk in identity_ids})
        if not ids:
            return 0
        condition, id_params = ids_condition("i.target_id", ids)
        where += f" AND {condition}"
        params += id_params
    judged = 0
    after = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT i.id, p.text, p.language FROM {_I} i {_WORDS_JOIN} "  # noqa: S608 (the models' own names)
                f"WHERE {where} AND i.id > %s ORDER BY i.id LIMIT %s",
                [*params, after, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            after = rows[-1][0]
            tones: dict[int, Tone] = {}
            for pk, text, language in rows:
                tones.setdefault(pk, tone_of(text, language))
            with transaction.atomic():
                Interaction.objects.bulk_update(
                    [Interaction(pk=pk, tone=int(tone)) for pk, tone in tones.items()],
                    ["tone"],
                    batch_size=500,
                )
            judged += len(tones)
        cursor.execute(
            f"UPDATE {_I} SET tone = %s WHERE id IN (SELECT i.id FROM {_I} i WHERE {where} "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {_P} p WHERE p.network = i.network AND p.author_id = i.actor_id "
            "AND p.parent_external_id = i.post_external_id))",
            [int(Tone.NO_WORDS), *params],
        )
    return judged


@dataclass(frozen=True)
class FeedbackMix:
    """The tone of the replies and quotes a member received in the window."""

    positive: int = 0
    neutral: int = 0
    negative: int = 0
    unknown: int = 0  # in a language not read
    most_negative: Post | None = None  # the member's post that drew the most negative feedback
    most_negative_count: int = 0

    @property
    def judged(self) -> int:
        return self.positive + self.neutral + self.negative

    def share(self, tone: str) -> float:
        return getattr(self, tone) / self.judged if self.judged else 0.0

    @property
    def rows(self) -> list[tuple[str, int, float, str]]:
        """(label, count, share of the judged, bar style) for each judged tone."""
        return [
            ("Positive", self.positive, self.share("positive"), "bar-positive"),
            ("Neutral", self.neutral, self.share("neutral"), "bar-neutral"),
            ("Negative", self.negative, self.share("negative"), "bar-negative"),
        ]


def member_feedback(*, member, since: datetime) -> FeedbackMix:
    """The mix of tone of the feedback to the member's identities since ``since``, and the post
    of theirs that drew the most negative feedback: two queries."""
    received = Interaction.objects.filter(
        target__member=member, kind__in=FEEDBACK_KINDS, occurred_at__gte=since, tone__isnull=False
    ).exclude(origin=Origin.UPLOAD_GIVEN)
    counts = dict(received.values_list("tone").annotate(n=Count("id")).values_list("tone", "n"))
    worst = (
        received.filter(tone=Tone.NEGATIVE, post__isnull=False)
        .values("post")
        .annotate(n=Count("id"))
        .order_by("-n", "post")
        .first()
    )
    post = Post.objects.filter(pk=worst["post"]).first() if worst else None
    return FeedbackMix(
        positive=counts.get(Tone.POSITIVE, 0),
        neutral=counts.get(Tone.NEUTRAL, 0),
        negative=counts.get(Tone.NEGATIVE, 0),
        unknown=counts.get(Tone.UNKNOWN, 0),
        most_negative=post,
        most_negative_count=worst["n"] if worst and post else 0,
    )
