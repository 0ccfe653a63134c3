"""Make a personal API token and print its key, once: ``api_token_create EMAIL --scopes ...``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Brand, BrandMembership, Member, User
from accounts.tokens import SCOPES, api_token_create


class Command(BaseCommand):
    help = "Make an API token for a member (or, with --brand, for a brand the person is on the team of)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person the token is made by.")
        parser.add_argument("--scopes", required=True, help=f"Comma-separated, of: {', '.join(SCOPES)}.")
        parser.add_argument("--brand", help="The slug of the brand the token acts for.")
        parser.add_argument("--name", default="Command line", help="What the token is for.")

    def handle(self, *args, email: str, scopes: str, brand: str | None, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the email address {email}.")
        owner: dict = {}
        if brand:
            found = Brand.objects.filter(slug=brand).first()
            if found is None:
                raise CommandError(f"No brand with the slug {brand}.")
            if not BrandMembership.objects.filter(brand=found, user=user).exists():
                raise CommandError(f"{user.email} is not on the team of {found.name}.")
            owner["brand"] = found
        else:
            member = Member.objects.filter(user=user).first()
            if member is None:
                raise CommandError(
                    f"{user.email} is not an influencer account: give --brand SLUG for a brand's token."
                )
            owner["member"] = member
        try:
            issued = api_token_create(user=user, name=name, scopes=scopes, **owner)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        self.stderr.write(
            f"Token “{issued.token.name}” for {'brand ' + brand if brand else user.email}, "
            f"scopes {', '.join(issued.token.scopes)}. The key, shown this once:"
        )
        self.stdout.write(issued.key)
