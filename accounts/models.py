"""People and organisations: members (influencers), brands and their team members."""

from __future__ import annotations

import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in. Email is the login; there is no username."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_member(self) -> bool:
        return hasattr(self, "member")


class Member(models.Model):
    """An influencer: a person whose influence is scored from the accounts they connect."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="member")
    # Stable and unguessable-enough slug for the public profile URL; not derived from
    # the email so that the address never leaks through it.
    slug = models.SlugField(max_length=40, unique=True)
    profile_public = models.BooleanField(
        default=False, help_text="Whether the member's profile is visible to anyone at its public URL."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the member opted out of tracking: their data was purged and nothing about
    # them may be collected again (see accounts.selectors.member_may_be_tracked).
    opted_out_at = models.DateTimeField(null=True, blank=True)
    # Where the member lives (ISO 3166 alpha-2), if they say: a perk may be offered in some
    # countries only. Shown to nobody.
    country = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return f"member {self.slug}"


class Brand(models.Model):
    """A team account of a company that offers perks to influencers."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Billing details: what invoices are made out to. The owner alone reads and changes them.
    billing_name = models.CharField("Legal name", max_length=200, blank=True)
    billing_email = models.EmailField("Billing email", blank=True)
    billing_address = models.TextField("Billing address", max_length=1000, blank=True)
    tax_id = models.CharField("VAT or tax number", max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BrandMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Team member"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="brand_memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brand", "-role", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "user"], name="brand_membership_unique"),
            models.UniqueConstraint(fields=["brand"], condition=Q(role="owner"), name="brand_single_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.brand} ({self.role})"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class BrandInvitation(models.Model):
    """An emailed invitation to join a brand's team; the token in the link proves the email."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "brand", condition=Q(status="pending"), name="brand_invitation_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.brand}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ApiToken(models.Model):
    """A personal API token: it acts for one member or one brand, within its scopes.

    Only a hash of the key is kept; the key is shown once, when the token is made
    (``accounts.tokens``). A brand's token acts through the team member who made it, and stops
    working the moment they leave the team.
    """

    class Scope(models.TextChoices):
        SCORES_READ = "scores:read", "Read the scores of identities"
        ME_READ = "me:read", "Read my score, history and accounts"
        PERKS_READ = "perks:read", "Read perks, claims and outcomes"
        PERKS_WRITE = "perks:write", "Create, change and publish perks"
        CLAIMS_WRITE = "claims:write", "Claim, decline, ship and receive perks"

    name = models.CharField(max_length=80)
    # The key is "klt_<prefix>_<secret>": the prefix finds the row, the hash proves the secret.
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, brand__isnull=True)
                | Q(member__isnull=True, brand__isnull=False),
                name="api_token_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
