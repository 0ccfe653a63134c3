"""factory_boy factories for the accounts app; other apps' factories import these."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from accounts.models import Brand, BrandMembership, Member, User

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
