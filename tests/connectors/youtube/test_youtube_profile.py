"""Reading a YouTube channel's description for the public opt-out: by its handle, from YouTube
itself (the recorded channel), with the operator's API key and a unit of the day's quota."""

from __future__ import annotations

import pytest

from connectors.errors import ConnectorError
from connectors.models import ApiQuotaDay
from connectors.youtube.profile import handle_normalize, profile_read
from tests.connectors.youtube.fake_youtube import CHANNEL_ID, FakeYouTube
from tests.fakes.http_server import FakeHTTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    fake = FakeYouTube()
    with FakeHTTPServer(handler=fake) as http:
        settings.YOUTUBE_API_BASE_URL = http.url + "/"
        settings.YOUTUBE_API_KEY = "api-key"
        fake.http = http
        yield fake


def test_the_channel_with_the_handle_is_read_with_its_description(fake):
    profile = profile_read("googledevelopers")

    assert profile.external_ids == (CHANNEL_ID,) and profile.handle == "googledevelopers"
    assert profile.bio.startswith("The Google Developers channel features talks")
    (call,) = fake.http.requests
    assert call.param("forHandle") == "@googledevelopers" and call.param("key") == "api-key"
    assert ApiQuotaDay.objects.get().units == 1


def test_an_unknown_handle_and_an_answer_for_another_channel_are_refused(fake):
    with pytest.raises(ConnectorError, match="No YouTube channel @nobody"):
        profile_read("nobody")
    fake.channel["items"][0]["snippet"]["customUrl"] = "@someoneelse"
    with pytest.raises(ConnectorError, match="another channel"):
        profile_read("googledevelopers")


def test_without_an_api_key_the_check_is_not_offered(settings):
    settings.YOUTUBE_API_KEY = ""
    with pytest.raises(ConnectorError, match="not configured"):
        profile_read("googledevelopers")


@pytest.mark.parametrize(
    ("typed", "handle"),
    [("@GoogleDevelopers", "googledevelopers"), ("https://www.youtube.com/@google", "google")],
)
def test_a_handle_is_taken_as_typed_or_as_the_channels_address(typed, handle):
    assert handle_normalize(typed) == handle


def test_nonsense_is_refused_with_what_to_give():
    with pytest.raises(ValueError, match="youtube.com/@alice"):
        handle_normalize("not a handle!")
