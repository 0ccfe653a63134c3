"""The demo sign-ins: a member, a brand owner and an admin, with a shared password. For local
demos only (``./run`` creates them; the README says so)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from accounts.services import brand_create, member_create

DEMO_LOGINS = [
    {"role": "member", "email": "member@demo.klout.local"},
    {"role": "brand owner", "email": "brand@demo.klout.local", "brand": "Demo Brand (demo data)"},
    {"role": "admin", "email": "admin@demo.klout.local"},
]


def demo_logins_ensure(*, password: str) -> list[dict]:
    """Create the demo sign-ins with verified emails; running it again resets their passwords."""
    with transaction.atomic():
        for login in DEMO_LOGINS:
            user = User.objects.filter(email=login["email"]).first()
            if user is None:
                is_admin = login["role"] == "admin"
                user = User.objects.create_user(
                    email=login["email"], password=password, is_staff=is_admin, is_superuser=is_admin
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            if login["role"] == "member":
                member_create(user=user)
            elif "brand" in login and not user.brand_memberships.exists():
                brand_create(owner=user, name=login["brand"])
    return DEMO_LOGINS
