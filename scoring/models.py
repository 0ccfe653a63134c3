"""Score history: one snapshot per subject per day, and a record of every recompute run."""

from __future__ import annotations

from django.db import models


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


class IdentityScore(models.Model):
    """An identity's score on one day, with what it is made of.

    ``signals`` and ``networks`` hold score points that add up to ``score`` before smoothing;
    ``score`` is the smoothed value people see, ``unsmoothed`` what the day's data alone gives.
    """

    identity = models.ForeignKey("connectors.Identity", on_delete=models.CASCADE, related_name="scores")
    day = models.DateField()
    model_version = models.CharField(max_length=16)
    score = models.FloatField()
    unsmoothed = models.FloatField()
    raw = models.FloatField()
    signals = models.JSONField(default=dict)
    received = models.JSONField(default=dict, help_text="Reactions received in the window, by kind.")
    distinct_actors = models.PositiveIntegerField(default=0)
    authority_rank = models.FloatField(default=0.0)
    # Graph-wide figures an incremental recompute reuses until the next full run.
    inflow = models.FloatField(default=0.0)
    targets = models.PositiveIntegerField(default=0, help_text="Distinct identities it reacted to.")
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["identity", "day"], name="identity_score_day")]
        indexes = [models.Index(fields=["day", "score"], name="identity_score_day_score")]

    def __str__(self) -> str:
        return f"{self.identity_id} on {self.day}: {self.score:.0f}"


class MemberScore(models.Model):
    """A member's score on one day: their networks combined (adding one never lowers it)."""

    member = models.ForeignKey("accounts.Member", on_delete=models.CASCADE, related_name="scores")
    day = models.DateField()
    model_version = models.CharField(max_length=16)
    score = models.FloatField()
    unsmoothed = models.FloatField()
    raw = models.FloatField()
    signals = models.JSONField(default=dict)
    networks = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="member_score_day")]

    def __str__(self) -> str:
        return f"member {self.member_id} on {self.day}: {self.score:.0f}"
