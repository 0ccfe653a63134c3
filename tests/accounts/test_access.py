"""The one access layer: who is a member, and the decorator that lets only members through."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.decorators import member_required
from accounts.selectors import member_for_request
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@member_required(message="Only influencers here.", redirect_to="privacy:settings")
def _members_only(request):
    return HttpResponse(f"hello {member_for_request(request).slug}")


def test_member_for_request_is_the_signed_in_members_profile():
    member = MemberFactory()
    assert member_for_request(_request(member.user)) == member


def test_member_for_request_is_none_for_visitors_and_people_without_a_profile():
    assert member_for_request(_request(AnonymousUser())) is None
    assert member_for_request(_request(UserFactory())) is None


def test_member_required_lets_a_member_through():
    member = MemberFactory()
    response = _members_only(_request(member.user))
    assert response.status_code == 200 and response.content.decode() == f"hello {member.slug}"


def test_member_required_tells_someone_without_a_profile_and_sends_them_on():
    request = _request(UserFactory())
    response = _members_only(request)
    assert response.status_code == 302 and response.url == reverse("privacy:settings")
    assert [m.message for m in get_messages(request)] == ["Only influencers here."]


def test_member_required_sends_a_visitor_to_sign_in():
    response = _members_only(_request(AnonymousUser()))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_member_required_without_arguments_redirects_home():
    view = member_required(lambda request: HttpResponse("ok"))
    response = view(_request(UserFactory()))
    assert response.status_code == 302 and response.url == reverse("home")
