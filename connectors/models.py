"""Social activity as the score sees it: identities, posts, interactions; and how it got here.

Rows of ``Identity``, ``Post`` and ``Interaction`` are written only by ``connectors.ingest``
(set-based upserts), never saved one by one. The natural keys below are what makes ingest
idempotent: feeding the same data twice adds no row.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from connectors import registry
from connectors.crypto import EncryptedTextField
from connectors.records import INTERACTION_KINDS, NETWORKS, POST_KINDS, TONE_NAMES, Origin, Tone

NETWORK_CHOICES = [(n, n) for n in NETWORKS]
ORIGIN_CHOICES = [(origin.value, origin.label) for origin in Origin]


def _origin_field(**kwargs) -> models.PositiveSmallIntegerField:
    # Rows stored before provenance was kept, and rows written by SQL that names no origin, are
    # counted as imported by the operator: neither fetched from a network (which a "verified"
    # mark would claim) nor self-reported.
    return models.PositiveSmallIntegerField(choices=ORIGIN_CHOICES, **kwargs)


def _reported_by_field() -> models.ForeignKey:
    # No database constraint or index: the rows a member uploaded are about their own
    # identities, and go with them when those are purged.
    return models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        help_text="The member who uploaded it, when it is self-reported.",
    )


class Identity(models.Model):
    """One account on one network, whether or not it belongs to a member.

    Counts are ``None`` when no source has told us them yet (an identity seen only as the
    actor of a like is created bare), and otherwise hold the latest value ingested.
    """

    network = models.CharField(max_length=16, choices=NETWORK_CHOICES)
    external_id = models.CharField(max_length=128)
    handle = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255, blank=True)
    followers = models.BigIntegerField(null=True, blank=True)
    following = models.BigIntegerField(null=True, blank=True)
    posts_count = models.BigIntegerField(null=True, blank=True)
    # Lists the account is on, where the network reports it (X); None elsewhere.
    listed = models.BigIntegerField(null=True, blank=True)
    verified = models.BooleanField(null=True, blank=True)
    location = models.CharField(max_length=255, blank=True)
    bio = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Where the profile above (handle to url, and the counts) came from; None while the identity
    # is known by its id only. A less trusted source never overwrites a more trusted one's.
    origin = _origin_field(null=True, blank=True)
    member = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="identities",
        db_index=False,
    )
    # True when the link to ``member`` is the member's own claim (their uploaded archive named the
    # account), not proven by signing in with it or made by the operator. A claim cannot erase,
    # hide or vouch for the account: see docs/security.md.
    member_claimed = models.BooleanField(db_default=False)
    first_seen = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(fields=["network", "external_id"], name="identity_network_external_id")
        ]
        # Partial: most identities are bare (known by id only, no member), and an ingest
        # creates tens of thousands of them per batch; they need not enter these indexes.
        indexes = [
            models.Index(
                fields=["network", "handle"], name="identity_network_handle", condition=~Q(handle="")
            ),
            models.Index(fields=["member"], name="identity_member", condition=Q(member__isnull=False)),
            # A handle in any case, as the score API looks it up (``handle__iexact``
            # with ``handle <> ''``, so that the partial index applies).
            models.Index(
                F("network"), Upper("handle"), name="identity_network_handle_ci", condition=~Q(handle="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network}:@{self.handle}" if self.handle else f"{self.network}:{self.external_id}"


class Post(models.Model):
    network = models.CharField(max_length=16, choices=NETWORK_CHOICES)
    external_id = models.CharField(max_length=128)
    # Lookups by author use the (author, created_at) index below.
    author = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="posts", db_index=False)
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=[(k, k) for k in POST_KINDS], default="post")
    text = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    url = models.CharField(max_length=500, blank=True)
    parent_external_id = models.CharField(max_length=128, blank=True)
    # Public counts as last seen; None when the source did not report them.
    reposts = models.BigIntegerField(null=True, blank=True)
    replies = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    quotes = models.BigIntegerField(null=True, blank=True)
    views = models.BigIntegerField(null=True, blank=True)
    origin = _origin_field(db_default=int(Origin.OPERATOR))
    reported_by = _reported_by_field()
    first_seen = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "external_id"], name="post_network_external_id")
        ]
        # With the kind included, a recompute reads its authors' posts in the window from the
        # index alone on PostgreSQL (see Interaction.Meta).
        indexes = [
            models.Index(fields=["author", "created_at"], name="post_author_created", include=["kind"])
        ]

    def __str__(self) -> str:
        return f"{self.network} {self.kind} {self.external_id}"


class Interaction(models.Model):
    """One identity acting on another: a repost, reply, quote, like, mention or follow.

    The natural key is (actor, target, kind, post_external_id). ``post_external_id`` is ''
    when there is no post (follows), so the key holds no NULL: a NULL would make every row
    distinct to a unique index and re-ingesting a follow would duplicate it. The time is
    deliberately not in the key, because a source may only know when it *observed* a
    follow, and observing it again must not count it twice. ``post`` is filled when the
    post is known at ingest time; ``post_external_id`` is kept either way.
    """

    network = models.CharField(max_length=16, choices=NETWORK_CHOICES)
    kind = models.CharField(max_length=16, choices=[(k, k) for k in INTERACTION_KINDS])
    # Each index slows every insert on the hottest table, so there are only three: the
    # natural key (which starts with actor and serves lookups by actor), target + time
    # (scoring's window queries, and lookups by target), and post where there is one.
    # No database-level foreign keys either: PostgreSQL checks each one per inserted row
    # with a SELECT ... FOR KEY SHARE, which locks (writes) the identity row, and that was
    # most of the cost of a bulk ingest. The ids are only ever written by ingest, from a
    # join on the identities in the same transaction; deletions cascade through the ORM;
    # and ingest and tombstoning serialize on the tombstone table (see connectors.ingest).
    actor = models.ForeignKey(
        Identity, on_delete=models.CASCADE, related_name="actions", db_index=False, db_constraint=False
    )
    target = models.ForeignKey(
        Identity,
        on_delete=models.CASCADE,
        related_name="reactions_received",
        db_index=False,
        db_constraint=False,
    )
    post = models.ForeignKey(
        Post,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
        db_index=False,
        db_constraint=False,
    )
    post_external_id = models.CharField(max_length=128, blank=True, default="")
    occurred_at = models.DateTimeField()
    # Fetched from the network, imported by the operator, or uploaded by a member (self-reported,
    # counted at a discount). The same interaction fetched from the API replaces an uploaded one.
    origin = _origin_field(db_default=int(Origin.OPERATOR))
    reported_by = _reported_by_field()
    # The tone of a reply or quote, from its words (``scoring.tone``): positive, neutral,
    # negative, or a language not read; NULL while not judged (likes and reposts have no words).
    tone = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(int(tone), TONE_NAMES[tone]) for tone in Tone]
    )

    class Meta:
        # The included columns let an incremental recompute read the reactions to and by a few
        # thousand identities from the indexes alone (PostgreSQL's index-only scans): fetching
        # each row from the heap, scattered across the table, cost seconds. On PostgreSQL the
        # natural key's index includes occurred_at and origin too, added by migrations 0005 and
        # 0008 because Django leaves out a unique constraint with included columns on SQLite.
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "target", "kind", "post_external_id"], name="interaction_natural_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["target", "occurred_at"],
                name="interaction_target_time",
                include=["actor", "kind", "origin"],
            ),
            models.Index(fields=["post"], condition=models.Q(post__isnull=False), name="interaction_post"),
            # Uploaded reactions to a post, which the API's list of that kind of reaction to it
            # replaces. Partial: only uploads pay for it.
            models.Index(
                fields=["network", "post_external_id"],
                condition=models.Q(origin__gte=int(Origin.UPLOAD)),
                name="interaction_self_reported",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} {self.target_id}"


class ConnectedAccount(models.Model):
    """A member's account on a network that we may call the API for, with its tokens."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Access revoked: reconnect"
        ERROR = "error", "Failing"
        DISCONNECTED = "disconnected", "Disconnected"

    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="connected_accounts")
    identity = models.ForeignKey(Identity, on_delete=models.PROTECT, related_name="connected_accounts")
    network = models.CharField(max_length=16, choices=NETWORK_CHOICES)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    access_token = EncryptedTextField(blank=True, default="")
    refresh_token = EncryptedTextField(blank=True, default="")
    token_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=500, blank=True, help_text="Space-separated OAuth scopes granted.")
    server = models.CharField(
        max_length=253,
        blank=True,
        help_text="The server whose API holds the account, where a network has many (a Mastodon instance).",
    )
    # Per-endpoint resume points (pagination tokens, since_id, ...), owned by the connector.
    cursor = models.JSONField(default=dict, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "identity"], name="connected_account_unique")
        ]

    def __str__(self) -> str:
        return f"{self.identity} of {self.member} ({self.status})"


class ServerApp(models.Model):
    """This service registered as an OAuth app on one server of a network of many servers (a
    Mastodon instance registers apps itself, on request): done once per server and kept."""

    network = models.CharField(max_length=16, choices=NETWORK_CHOICES)
    host = models.CharField(max_length=253)
    redirect_uri = models.CharField(max_length=500)
    scopes = models.CharField(max_length=200)
    client_id = models.CharField(max_length=200)
    client_secret = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "host", "redirect_uri", "scopes"], name="server_app_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network} app on {self.host}"


class DiscoveryAccount(models.Model):
    """A brand's own Instagram professional account, connected so that its team may look up other
    professional accounts' public figures by username (Instagram's business discovery), which
    the Graph API answers only for a token of a professional account."""

    brand = models.OneToOneField(
        "accounts.Brand", on_delete=models.CASCADE, related_name="instagram_discovery"
    )
    ig_user_id = models.CharField(max_length=32)
    username = models.CharField(max_length=64)
    access_token = EncryptedTextField()
    token_expires_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"@{self.username} for {self.brand_id}"


class ApiQuotaDay(models.Model):
    """Units of a network's daily API quota this service has spent on one quota day.

    YouTube gives each operator's Google project a number of units a day (10,000 unless raised),
    shared by every member's sync; a conditional UPDATE spends them, so two syncs at once never
    overspend (``connectors.youtube.quota``)."""

    network = models.CharField(max_length=16, choices=NETWORK_CHOICES)
    # The network's own day: YouTube's starts at midnight, Pacific time.
    day = models.DateField()
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["network", "day"], name="api_quota_day_unique")]

    def __str__(self) -> str:
        return f"{self.network} {self.day}: {self.units} units"


class SyncRun(models.Model):
    """One fetch or import: what it read, what it stored, how long it took, how it failed."""

    class Status(models.TextChoices):
        RECEIVING = "receiving", "Being uploaded"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    account = models.ForeignKey(
        ConnectedAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="sync_runs"
    )
    member = models.ForeignKey(
        "accounts.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="sync_runs"
    )
    # An API sync or a file format of the registry (its run_source).
    source = models.CharField(max_length=32, choices=registry.run_source_choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {read, imported, duplicates, rejected, ...}; each source may add its own counters.
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    upload_path = models.CharField(
        max_length=500, blank=True, help_text="Stored upload, relative to MEDIA_ROOT."
    )
    upload_name = models.CharField(max_length=255, blank=True, help_text="File name as uploaded.")
    default_network = models.CharField(
        max_length=16,
        choices=NETWORK_CHOICES,
        blank=True,
        help_text="For an activity file: the network of the lines that name none.",
    )
    # The upload form's other answers, for the importer (a LinkedIn export's profile address).
    upload_options = models.JSONField(default=dict, blank=True)
    # Times a worker claimed the run; the sweeper re-queues an interrupted one a bounded number of times.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["member", "-created_at"], name="syncrun_member_recent")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk} ({self.status})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


def tombstone_digest(*, network: str, external_id: str) -> str:
    """The one-way key under which an opted-out identity is remembered."""
    return hashlib.sha256(f"{network}\x00{external_id}".encode()).hexdigest()


class Tombstone(models.Model):
    """An identity that opted out: its data is dropped on ingest, wherever it appears.

    Only a hash is kept, so the list of people who asked not to be tracked is not itself
    a list of their accounts.
    """

    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"tombstone {self.digest[:12]}…"


class IdentityChange(models.Model):
    """An identity whose data changed, waiting for the score to recompute it (``connectors.changes``).

    ``claim`` is set by the drain that took the row; a claim older than the task time limit is
    a drain that died, and its rows are taken again. No foreign key: an identity purged
    meanwhile is simply not found.
    """

    identity_id = models.BigIntegerField()
    # Days of score history to rebuild as well (an imported archive brings its past).
    backfill_days = models.PositiveSmallIntegerField(db_default=0)
    created_at = models.DateTimeField(db_default=models.functions.Now())
    claim = models.CharField(max_length=32, db_default="", blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["claim", "id"], name="identity_change_pending")]

    def __str__(self) -> str:
        return f"change of identity {self.identity_id}"
