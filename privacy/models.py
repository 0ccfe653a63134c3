"""Models of the privacy features. Their tables keep the names they had in the ``accounts`` app."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PrivacyEvent(models.Model):
    """The audit trail of privacy actions.

    It proves that a request was carried out, and when, without becoming a record of who
    asked: ``subject_digest`` is a keyed hash (or a tombstone digest), and ``counts`` holds
    only numbers of rows removed.
    """

    class Kind(models.TextChoices):
        MEMBER_OPT_OUT = "member_opt_out", "Member opted out of tracking"
        IDENTITY_OPT_OUT = "identity_opt_out", "Identity opted out of tracking"
        ACCOUNT_DELETE = "account_delete", "Account deleted"
        EXPORT_BUILT = "export_built", "Data export built"
        EXPORT_DOWNLOADED = "export_downloaded", "Data export downloaded"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    subject_digest = models.CharField(max_length=64)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "accounts_privacyevent"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "created_at"], name="privacy_event_kind_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"


def _challenge_token() -> str:
    return secrets.token_urlsafe(24)


# No 0/O or 1/I/L: the code is typed by hand into a profile bio.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def challenge_code() -> str:
    return "KLOUT-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class OptOutChallenge(models.Model):
    """A pending "prove you control this account" request from anyone, member or not.

    The person puts ``code`` in the bio of ``handle``; a check reads the public profile.
    ``token`` is the secret in the status page's URL. Once the opt-out is done the handle
    is blanked, so the row no longer says whose account it was.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the code"
        VERIFIED = "verified", "Opted out"
        EXPIRED = "expired", "Expired"

    token = models.CharField(max_length=64, unique=True, default=_challenge_token, editable=False)
    network = models.CharField(max_length=16)
    handle = models.CharField(max_length=255, blank=True)
    code = models.CharField(max_length=32, default=challenge_code, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Checks the person asked for ("check now"), which the rate limit counts.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # When the background check looks next; it backs off so a forgotten request costs little.
    next_check_at = models.DateTimeField(null=True, blank=True)
    background_checks = models.PositiveSmallIntegerField(default=0)
    last_result = models.TextField(blank=True)
    # Set when the person pressed "check now" and the check was handed to the worker; cleared
    # with its result. The status page refreshes itself meanwhile.
    check_queued_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # Keyed hash of the requester's address, only for the rate limit on new requests.
    requester_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "accounts_optoutchallenge"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_check_at"], name="optout_challenge_due"),
            models.Index(fields=["network", "handle", "status"], name="optout_challenge_handle"),
            models.Index(fields=["requester_digest", "created_at"], name="optout_challenge_requester"),
        ]

    def __str__(self) -> str:
        return f"opt-out challenge {self.pk} on {self.network} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class DataExport(models.Model):
    """A zip of everything held about a person, built by the worker, downloadable by them only."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100.")
    # Relative to MEDIA_ROOT/exports; a random name, never served by a public URL.
    file_name = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Times a worker claimed the build; the sweeper re-queues an interrupted one a bounded number of times.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "accounts_dataexport"
        ordering = ["-created_at"]
        constraints = [
            # One export in the making per person: asking twice returns the same one.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status__in=["queued", "running"]), name="data_export_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of user {self.user_id} ({self.status})"

    @property
    def downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file_name)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
