import pytest

from accounts.models import ApiToken, Member
from accounts.services import member_create, member_profile_visibility_set
from accounts.tokens import api_token_create
from klout.db.prepared import PreparedQuery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BY_PREFIX = PreparedQuery(
    lambda prefix: ApiToken.objects.select_related("member", "created_by").filter(prefix=prefix),
    prefix=str,
)


def _token(email: str) -> ApiToken:
    user = UserFactory(email=email)
    return api_token_create(user=user, member=member_create(user=user), name="t", scopes="me:read").token


def test_a_prepared_query_finds_what_its_queryset_finds_with_each_new_value(django_assert_num_queries):
    first, second = _token("one@example.com"), _token("two@example.com")
    BY_PREFIX.run(prefix="warm-up")  # compiled on first use
    with django_assert_num_queries(1):
        found = BY_PREFIX.first(prefix=first.prefix)
    assert found == first and found.scopes == ["me:read"]
    with django_assert_num_queries(0):  # select_related: the relations came with the row
        assert found.created_by.email == "one@example.com" and found.member.user_id == found.created_by.pk
    assert BY_PREFIX.first(prefix=second.prefix) == second
    assert BY_PREFIX.run(prefix="nobody") == []


def test_a_value_that_looks_like_sql_is_only_a_value():
    _token("one@example.com")
    assert BY_PREFIX.run(prefix="' OR 1=1 --") == []


def test_the_visibility_rules_of_the_queryset_hold_in_the_prepared_form():
    member = member_create(user=UserFactory())
    public = PreparedQuery(
        lambda slug: Member.objects.filter(slug=slug, profile_public=True).order_by("pk")[:1], slug=str
    )
    assert public.first(slug=member.slug) is None
    member_profile_visibility_set(member=member, public=True)
    assert public.first(slug=member.slug) == member


def test_a_lookup_that_rewrites_its_value_is_refused_when_first_run():
    contains = PreparedQuery(lambda text: ApiToken.objects.filter(name__contains=text), text=str)
    with pytest.raises(ValueError, match="does not reach the SQL"):
        contains.run(text="bench")


def test_only_model_querysets_and_the_values_declared_can_be_used():
    with pytest.raises(ValueError, match="model instances"):
        PreparedQuery(lambda prefix: ApiToken.objects.filter(prefix=prefix).values("pk"), prefix=str).run(
            prefix="x"
        )
    with pytest.raises(TypeError, match="exactly"):
        BY_PREFIX.run(prefix="x", other="y")
    with pytest.raises(TypeError):
        PreparedQuery(lambda day: ApiToken.objects.filter(created_at=day), day=float).run(day=1.0)
