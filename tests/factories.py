"""factory_boy factories: the one source of single test objects (models and parsed records).

A few people who react to each other, with a story, are personas: ``tests.personas``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import factory
from allauth.account.models import EmailAddress

from accounts.models import Brand, BrandMembership, Member, User
from connectors.records import IdentityRecord, InteractionRecord, PostRecord

DEFAULT_PASSWORD = "correct horse battery staple"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users sign in with a verified address unless a test says otherwise."""
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    slug = factory.Sequence(lambda n: f"member{n:05d}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class BrandMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BrandMembership

    brand = factory.SubFactory(BrandFactory)
    user = factory.SubFactory(UserFactory)
    role = BrandMembership.Role.MEMBER


def brand_owner(**brand_kwargs) -> BrandMembership:
    return BrandMembershipFactory(brand=BrandFactory(**brand_kwargs), role=BrandMembership.Role.OWNER)


# --- parsed records, as a connector hands them to ingest -----------------------------------------


class IdentityRecordFactory(factory.Factory):
    class Meta:
        model = IdentityRecord

    network = "x"
    external_id = factory.Sequence(lambda n: str(1000 + n))
    handle = factory.Sequence(lambda n: f"user{n}")


class PostRecordFactory(factory.Factory):
    class Meta:
        model = PostRecord

    network = "x"
    external_id = factory.Sequence(lambda n: str(900000 + n))
    author_id = "1"
    created_at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class InteractionRecordFactory(factory.Factory):
    class Meta:
        model = InteractionRecord

    network = "x"
    kind = "like"
    actor_id = factory.Sequence(lambda n: str(5000 + n))
    target_id = "1"
    occurred_at = datetime(2024, 5, 2, 8, 30, tzinfo=UTC)
    post_id = "900000"
