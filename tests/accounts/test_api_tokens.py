"""Personal API tokens: made on the settings pages and the command line, kept as a hash only,
refused once revoked, expired, out of scope, or when a brand's maker leaves; throttled."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import member_create
from accounts.tokens import api_token_authenticate, api_token_create, api_token_revoke
from klout.api_throttles import AddressRateThrottle, TokenRateThrottle
from tests.factories import BrandMembershipFactory, UserFactory, brand_owner

pytestmark = pytest.mark.django_db

MY_SCORE = "/api/v1/me/score/"


def member_token(scopes="me:read", **kwargs):
    user = UserFactory()
    member = member_create(user=user)
    return api_token_create(user=user, member=member, name="tests", scopes=scopes, **kwargs)


def bearer(key: str, keyword: str = "Bearer") -> Client:
    return Client(HTTP_AUTHORIZATION=f"{keyword} {key}")


def test_only_a_hash_of_the_key_is_kept_and_the_key_works_with_either_keyword():
    issued = member_token()
    row = ApiToken.objects.get()
    assert issued.key not in str(list(ApiToken.objects.values_list()))
    assert row.key_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    assert bearer(issued.key).get(MY_SCORE).status_code == 200
    assert bearer(issued.key, "Token").get(MY_SCORE).status_code == 200


@pytest.mark.parametrize(
    "key",
    ["", "klt_", "klt_nothere_secret", "not-a-key", "klt_abc_def_ghi"],
)
def test_unknown_or_malformed_keys_are_401_with_the_error_body(key):
    member_token()
    response = bearer(key).get(MY_SCORE)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_forged_secret_behind_a_real_prefix_is_refused():
    issued = member_token()
    forged = f"klt_{issued.token.prefix}_{'x' * 43}"
    assert forged != issued.key
    assert api_token_authenticate(forged) is None
    assert bearer(forged).get(MY_SCORE).status_code == 401


def test_a_revoked_or_expired_token_stops_at_once():
    issued = member_token()
    api_token_revoke(token=issued.token)
    assert bearer(issued.key).get(MY_SCORE).status_code == 401
    expiring = member_token(expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=expiring.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(expiring.key).get(MY_SCORE).status_code == 401


def test_a_token_without_the_scope_is_403_naming_it():
    issued = member_token(scopes="scores:read")
    response = bearer(issued.key).get(MY_SCORE)
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "This token lacks the scope me:read.",
        "fields": {},
    }


def test_a_brand_token_is_not_a_member_and_stops_when_its_maker_leaves_the_team():
    owner = brand_owner()
    teammate = BrandMembershipFactory(brand=owner.brand)
    issued = api_token_create(user=teammate.user, brand=owner.brand, name="ci", scopes="me:read")
    response = bearer(issued.key).get(MY_SCORE)
    assert response.status_code == 403 and "member's token" in response.json()["error"]["message"]
    teammate.delete()
    assert bearer(issued.key).get(MY_SCORE).status_code == 401


def test_nobody_makes_a_token_for_someone_else():
    from django.core.exceptions import ValidationError

    other = member_create(user=UserFactory())
    with pytest.raises(ValidationError):
        api_token_create(user=UserFactory(), member=other, name="x", scopes="me:read")
    with pytest.raises(ValidationError):
        api_token_create(user=UserFactory(), brand=brand_owner().brand, name="x", scopes="perks:read")
    with pytest.raises(ValidationError, match="Unknown scope"):
        api_token_create(user=other.user, member=other, name="x", scopes="me:read,root")


def test_the_command_prints_the_key_once_and_explains_mistakes():
    owner = brand_owner(slug="brew")
    out, err = io.StringIO(), io.StringIO()
    scopes = "perks:read,perks:write"
    call_command(
        "api_token_create", owner.user.email, "--scopes", scopes, "--brand", "brew", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    token = api_token_authenticate(key)
    assert token.brand == owner.brand and token.scopes == ["perks:read", "perks:write"]
    assert "shown this once" in err.getvalue()
    with pytest.raises(CommandError, match="not an influencer account"):
        call_command("api_token_create", owner.user.email, "--scopes", "me:read", stdout=out, stderr=err)
    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("api_token_create", owner.user.email, "--scopes", "all", "--brand", "brew", stdout=out)
    with pytest.raises(CommandError, match="No account"):
        call_command("api_token_create", "nobody@example.com", "--scopes", "me:read", stdout=out)


def test_the_member_makes_sees_once_and_revokes_a_token_on_their_settings_page(client):
    member = member_create(user=UserFactory())
    client.force_login(member.user)
    url = reverse("accounts:member_tokens")
    assert "No token yet" in client.get(url).content.decode()
    page = client.post(url, {"name": "My dashboard", "scopes": ["me:read"], "expires": "30"}).content.decode()
    token = ApiToken.objects.get(member=member)
    key = page.split('id="issued-key" type="text" value="', 1)[1].split('"', 1)[0]
    assert api_token_authenticate(key) == token and token.expires_at is not None
    assert key not in client.get(url).content.decode()  # shown once
    nonsense = client.post(url, {"name": "", "scopes": ["perks:write"]}).content.decode()
    assert "This field is required." in nonsense and "is not one of the available choices" in nonsense
    response = client.post(reverse("accounts:member_token_revoke", args=[token.pk]))
    assert response.status_code == 302 and api_token_authenticate(key) is None


def test_nobody_revokes_another_members_or_another_brands_token(client):
    issued = member_token()
    owner = brand_owner()
    brand_issued = api_token_create(user=owner.user, brand=owner.brand, name="ci", scopes="perks:read")
    intruder = member_create(user=UserFactory())
    client.force_login(intruder.user)
    assert client.post(reverse("accounts:member_token_revoke", args=[issued.token.pk])).status_code == 404
    other_brand = brand_owner()
    client.force_login(other_brand.user)
    url = reverse("accounts:brand_token_revoke", args=[other_brand.brand.slug, brand_issued.token.pk])
    assert client.post(url).status_code == 404
    teammate = BrandMembershipFactory(brand=owner.brand)
    client.force_login(teammate.user)
    url = reverse("accounts:brand_token_revoke", args=[owner.brand.slug, brand_issued.token.pk])
    assert client.post(url).status_code == 404  # the owner's token; a teammate revokes only their own
    assert api_token_authenticate(issued.key) and api_token_authenticate(brand_issued.key)


def test_the_brand_team_makes_tokens_on_the_brands_page(client):
    owner = brand_owner()
    client.force_login(owner.user)
    url = reverse("accounts:brand_tokens", args=[owner.brand.slug])
    page = client.post(
        url, {"name": "Campaign sync", "scopes": ["perks:read", "perks:write"]}
    ).content.decode()
    assert "Copy the key now" in page
    assert ApiToken.objects.get().brand == owner.brand
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_a_token_over_its_rate_gets_429_with_retry_after(monkeypatch):
    monkeypatch.setitem(TokenRateThrottle.THROTTLE_RATES, "me", "2/min")
    issued = member_token()
    api = bearer(issued.key)
    assert [api.get(MY_SCORE).status_code for _ in range(2)] == [200, 200]
    response = api.get(MY_SCORE)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    assert bearer(member_token().key).get(MY_SCORE).status_code == 200  # another token has its own count


def test_requests_without_a_token_and_failed_keys_are_throttled_per_address(monkeypatch):
    monkeypatch.setitem(AddressRateThrottle.THROTTLE_RATES, "anon", "3/min")
    statuses = [Client().get(MY_SCORE).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    guesses = [bearer(f"klt_{n:012x}_guess").get(MY_SCORE).status_code for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    assert bearer(member_token().key).get(MY_SCORE).status_code == 200  # a real key is not held back
