"""Score history: one snapshot per subject per day, and a record of every recompute run."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models

from scoring.engine.model import KINDS, NETWORKS, SIGNALS


class ScoreRun(models.Model):
    """One recompute: what it covered, how long each stage took, and how it ended."""

    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"
        BACKFILL = "backfill", "History from imported activity"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    day = models.DateField(help_text="The day whose snapshots this run wrote.")
    model_version = models.CharField(max_length=16)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    identities = models.PositiveIntegerField(default=0, help_text="Identities scored.")
    members = models.PositiveIntegerField(default=0, help_text="Members scored.")
    edges = models.BigIntegerField(default=0, help_text="Interactions read.")
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["day", "kind", "status"], name="score_run_day_kind")]

    def __str__(self) -> str:
        return f"{self.kind} score run for {self.day} ({self.status})"


# A score is shown as verified when no more than this share of it rests on self-reported data.
VERIFIED_MAX_SELF_REPORTED = 0.05

# The stored parts of a score, one column each: a full run writes a snapshot per identity a day,
# and numbers in columns go in by binary COPY while a JSON object per row costs the database
# a parse (and the writer a serialisation) of every row. A model version that adds a signal,
# or a new network, adds its column with a migration.
SIGNAL_COLUMNS: dict[str, str] = {name: f"points_{name}" for name in SIGNALS}
RECEIVED_COLUMNS: dict[str, str] = {kind: f"received_{kind}" for kind in KINDS}
NETWORK_COLUMNS: dict[str, str] = {network: f"network_{network}" for network in NETWORKS}


class ScoreSnapshot(models.Model):
    """What identity and member snapshots share: the day's score and its points by signal.

    The ``points_*`` columns add up to ``unsmoothed``, what the day's data alone gives;
    ``score`` is the smoothed value people see. ``signals`` reads the points back as a dict.

    The subject is a foreign key without a database constraint: checking a million rows
    against the identity table doubled the daily write. Score writes and purges take
    ``klout.db.locks.scores_write_lock`` first, and a write drops the rows of subjects that went
    away while it computed (``scoring.store``). Its index is the (subject, day) constraint's.
    """

    day = models.DateField()
    model_version = models.CharField(max_length=16)
    score = models.FloatField()
    unsmoothed = models.FloatField()
    raw = models.FloatField()
    points_reposts = models.FloatField(default=0.0)
    points_replies = models.FloatField(default=0.0)
    points_quotes = models.FloatField(default=0.0)
    points_likes = models.FloatField(default=0.0)
    points_mentions = models.FloatField(default=0.0)
    # Model v2: reactions the networks count whose reactors are not stored, and lists.
    points_counted_reposts = models.FloatField(default=0.0)
    points_counted_replies = models.FloatField(default=0.0)
    points_counted_quotes = models.FloatField(default=0.0)
    points_counted_likes = models.FloatField(default=0.0)
    points_counted_mentions = models.FloatField(default=0.0)
    points_counted_views = models.FloatField(default=0.0)
    points_authority = models.FloatField(default=0.0)
    points_listed = models.FloatField(default=0.0)
    points_efficiency = models.FloatField(default=0.0)
    points_audience = models.FloatField(default=0.0)
    # Of ``unsmoothed``, the points that rest on self-reported data (uploads), which count at a
    # discount (docs/scoring.md, "Provenance").
    self_reported = models.FloatField(default=0.0)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True

    @property
    def signals(self) -> dict[str, float]:
        """Score points per signal, in the model's order."""
        return {name: getattr(self, column) for name, column in SIGNAL_COLUMNS.items()}

    @property
    def self_reported_share(self) -> float:
        """The share of the score that rests on self-reported data, 0 to 1."""
        return min(1.0, self.self_reported / self.unsmoothed) if self.unsmoothed > 0 else 0.0

    @property
    def verified(self) -> bool:
        """Whether the score rests on data fetched from the networks (or imported by the operator):
        at most ``VERIFIED_MAX_SELF_REPORTED`` of it on the member's own uploads."""
        return self.self_reported_share <= VERIFIED_MAX_SELF_REPORTED


class IdentityScore(ScoreSnapshot):
    """An identity's score on one day, with what it is made of."""

    identity = models.ForeignKey(
        "connectors.Identity",
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
        db_index=False,
    )
    # Reactions received in the window, by kind.
    received_repost = models.PositiveIntegerField(default=0)
    received_reply = models.PositiveIntegerField(default=0)
    received_quote = models.PositiveIntegerField(default=0)
    received_like = models.PositiveIntegerField(default=0)
    received_mention = models.PositiveIntegerField(default=0)
    received_follow = models.PositiveIntegerField(default=0)
    distinct_actors = models.PositiveIntegerField(default=0)
    authority_rank = models.FloatField(default=0.0)
    # Graph-wide figures an incremental recompute reuses until the next full run.
    inflow = models.FloatField(default=0.0)
    targets = models.PositiveIntegerField(default=0, help_text="Distinct identities it reacted to.")
    counted_capped = models.BigIntegerField(
        default=0,
        help_text="Counted reactions left out: more than its audience and known reactors make plausible.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["identity", "day"], name="identity_score_day")]

    def __str__(self) -> str:
        return f"{self.identity_id} on {self.day}: {self.score:.0f}"

    @property
    def received(self) -> dict[str, int]:
        """Reactions received in the window, by kind."""
        return {kind: getattr(self, column) for kind, column in RECEIVED_COLUMNS.items()}


class MemberScore(ScoreSnapshot):
    """A member's score on one day: their networks combined (adding one never lowers it)."""

    member = models.ForeignKey(
        "accounts.Member",
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
        db_index=False,
    )
    # Score points per network; they add up to ``unsmoothed`` too.
    network_x = models.FloatField(default=0.0)
    network_mastodon = models.FloatField(default=0.0)
    network_bluesky = models.FloatField(default=0.0)
    network_youtube = models.FloatField(default=0.0)
    network_instagram = models.FloatField(default=0.0)
    network_facebook = models.FloatField(default=0.0)
    network_linkedin = models.FloatField(default=0.0)
    network_foursquare = models.FloatField(default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="member_score_day")]

    def __str__(self) -> str:
        return f"member {self.member_id} on {self.day}: {self.score:.0f}"

    @property
    def networks(self) -> dict[str, float]:
        """Score points per network."""
        return {network: getattr(self, column) for network, column in NETWORK_COLUMNS.items()}


class IdentityTopic(models.Model):
    """A topic an identity is an expert on, with how strongly (``scoring.topics``).

    Replaced for each identity by the daily recompute, from its hashtags, the words of its recent
    posts and its bio, weighted by the reactions those posts drew. Topics are lower case words
    or hashtags without the ``#``.
    """

    identity = models.ForeignKey(
        "connectors.Identity", on_delete=models.CASCADE, related_name="topics", db_constraint=False
    )
    topic = models.CharField(max_length=64)
    weight = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["identity", "topic"], name="identity_topic")]
        indexes = [models.Index(fields=["topic", "identity"], name="identity_topic_by_topic")]

    def __str__(self) -> str:
        return f"{self.identity_id}: {self.topic} ({self.weight:.2f})"


class HiddenTopic(models.Model):
    """A topic a member asked not to be shown or found by: discovery and their pages skip it."""

    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="hidden_topics")
    topic = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "topic"], name="hidden_topic")]

    def __str__(self) -> str:
        return f"{self.member_id} hides {self.topic}"


class IdentityText(models.Model):
    """What an identity writes, as discovery searches it (``scoring.topics``): the words of its bio
    and recent posts, its location and the language it posts in most, all lower case.

    Kept apart from ``DiscoveryCard`` because its full-text and trigram indexes (PostgreSQL,
    migrations 0008 and 0009) are costly to update and the text rarely changes: the daily refresh
    rewrites a row only when its text changed, while every card changes with its score every day.
    """

    identity = models.OneToOneField(
        "connectors.Identity",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="discovery_text",
        db_constraint=False,
    )
    # " word word ... ": each word once, bio first, then the most recent posts', space-delimited at
    # both ends so that " coffee" matches a word that starts with "coffee".
    words = models.TextField(blank=True)
    location = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=16, blank=True)

    def __str__(self) -> str:
        return f"text of {self.identity_id}"


class DiscoveryCard(models.Model):
    """One scored identity as brands browse it: what discovery filters, sorts and shows, in one row.

    A denormalized copy, refreshed after the daily recompute and for the identities a drain
    re-scores (``scoring.cards``); who may be seen is not copied but asked of the identity at
    every search (``connectors.selectors.identities_visible``), so a profile made private
    disappears at once. Each sort has its B-tree, alone and after the network, ending with the
    identity so that pages are stable.
    """

    identity = models.OneToOneField(
        "connectors.Identity",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="discovery_card",
        db_constraint=False,
    )
    member = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    day = models.DateField(help_text="The day of the score the card shows.")
    network = models.CharField(max_length=16)
    handle = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True)
    score = models.FloatField()
    change = models.FloatField(default=0.0, help_text="Score change over the last 30 days.")
    audience = models.BigIntegerField(default=0, help_text="Followers (0 when the network says none).")
    engagement = models.FloatField(default=0.0, help_text="Reactions received per post in the window.")
    posts = models.PositiveIntegerField(default=0, help_text="Posts in the window.")
    location = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=16, blank=True)
    verified = models.BooleanField(default=False)
    # Its strongest topics, space-separated (topics hold no spaces), for display.
    topics = models.CharField(max_length=400, blank=True)
    # Its scores of the 30 days up to ``day``, oldest first, as "age:score" with the age in days
    # (29 is the first of the 30, 0 is ``day``): the row's sparkline, read with the card instead
    # of 30 snapshots scattered over the snapshot table.
    spark = models.TextField(blank=True)
    # The tone of the replies and quotes it received in the window (``scoring.tone``): how many
    # were judged, and the shares of them that were positive and negative.
    feedback_judged = models.PositiveIntegerField(default=0)
    feedback_positive = models.FloatField(default=0.0)
    feedback_negative = models.FloatField(default=0.0)

    class Meta:
        indexes = [
            *(
                models.Index(
                    fields=[*prefix, column, "identity"], name=f"card_{'network_' if prefix else ''}{column}"
                )
                for column in ("score", "change", "audience", "engagement")
                for prefix in ((), ("network",))
            ),
            models.Index(fields=["language"], name="card_language", condition=~models.Q(language="")),
            models.Index(fields=["member"], name="card_member", condition=models.Q(member__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.network}:@{self.handle} ({self.score:.0f})"

    @property
    def topic_list(self) -> list[str]:
        return self.topics.split()

    @property
    def spark_days(self) -> list[tuple[date, float]]:
        """``spark`` as (day, score), oldest first."""
        days = []
        for pair in self.spark.split():
            age, score = pair.split(":")
            days.append((self.day - timedelta(days=int(age)), float(score)))
        return days
