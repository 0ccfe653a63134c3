"""The public opt-out's readers for Instagram (business discovery through the operator's own
professional account: the recorded ``discovery/user_fields.json``) and Facebook Pages (the app's
token: the recorded Page), and an opt-out that tombstones both forms of the id."""

from __future__ import annotations

import pytest

from connectors.errors import ConnectorError
from connectors.facebook import profile as facebook
from connectors.instagram import profile as instagram
from privacy.services import identity_opt_out
from tests.connectors.facebook.fake_facebook import PAGE_ID, FakeFacebook
from tests.connectors.instagram.fake_instagram import MEMBER_ID
from tests.fakes.http_server import FakeHTTPServer
from tests.perks.test_instagram_discovery import DiscoveringInstagram

pytestmark = pytest.mark.django_db


@pytest.fixture
def meta(settings):
    settings.META_APP_ID, settings.META_APP_SECRET = "app-id", "app-secret"
    settings.META_LOOKUP_IG_USER_ID, settings.META_LOOKUP_TOKEN = MEMBER_ID, "operator-token"


def test_an_instagram_bio_is_read_by_username_and_names_both_ids(meta, settings):
    with FakeHTTPServer(handler=DiscoveringInstagram()) as graph:
        settings.META_GRAPH_BASE_URL = graph.url
        profile = instagram.profile_read(
            instagram.handle_normalize("https://www.instagram.com/FacebookForDevelopers/")
        )
        assert profile.external_ids == ("17841407673135339", "facebookfordevelopers")
        assert profile.bio.startswith("Follow us for updates")
        with pytest.raises(ConnectorError, match="business and creator accounts only"):
            instagram.profile_read("someone.personal")
        assert graph.requests[0].param("access_token") == "operator-token"


def test_a_facebook_pages_about_is_read_with_the_apps_token(meta, settings):
    fake = FakeFacebook()
    fake.page["about"] = "Klout-optout-1234"

    def handler(request):
        # The Page is asked for by its user name, as a person types it.
        if request.path == "/v21.0/fbdevelopers":
            return fake.__call__(
                type(request)(
                    request.method, f"/v21.0/{PAGE_ID}", request.query, request.headers, request.body
                )
            )
        return fake(request)

    with FakeHTTPServer(handler=handler) as graph:
        settings.META_GRAPH_BASE_URL = graph.url
        profile = facebook.profile_read(facebook.handle_normalize("facebook.com/FBDevelopers"))
        assert (profile.external_ids, profile.bio) == ((PAGE_ID, "fbdevelopers"), "Klout-optout-1234")
        assert graph.requests[0].param("access_token") == "app-id|app-secret"
        with pytest.raises(ConnectorError, match="no Page facebook.com/nobody.here"):
            facebook.profile_read("nobody.here")


def test_an_instagram_opt_out_keeps_both_forms_out(meta):
    from connectors.ingest import ingest_batch
    from connectors.models import Identity
    from connectors.records import FETCHED, Batch, IdentityRecord

    identity_opt_out(network="instagram", external_ids=["17841407673135339", "facebookfordevelopers"])
    batch = Batch(identities=[
        IdentityRecord(network="instagram", external_id="17841407673135339", handle="facebookfordevelopers"),
        IdentityRecord(network="instagram", external_id="FacebookForDevelopers"),
    ])  # fmt: skip
    ingest_batch(batch=batch, provenance=FETCHED)
    assert not Identity.objects.exists()


@pytest.mark.parametrize(("reader", "raw"), [(instagram, "not a name!"), (facebook, "a b")])
def test_nonsense_is_refused_saying_what_to_give(reader, raw):
    with pytest.raises(ValueError, match="like"):
        reader.handle_normalize(raw)


def test_a_members_opt_out_purges_their_instagram_account_under_its_username_too(settings):
    from connectors.ingest import ingest_batch
    from connectors.instagram.services import instagram_account_connect
    from connectors.models import Identity, Post
    from connectors.oauth2 import Tokens
    from connectors.records import FETCHED, Batch, IdentityRecord, PostRecord
    from privacy.services import member_opt_out
    from tests.factories import MemberFactory

    member = MemberFactory()
    pages = {"data": [{"id": "1", "instagram_business_account": {"id": "178414", "username": "ana.lima"}}]}
    instagram_account_connect(member=member, tokens=Tokens("t", "", None, ""), accounts=pages)
    # Her comment on someone's medium, as another account's sync stores it: under her username.
    from django.utils import timezone

    comment = PostRecord(
        network="instagram",
        external_id="1799",
        author_id="ana.lima",
        created_at=timezone.now(),
        kind="comment",
    )
    ingest_batch(
        batch=Batch(
            identities=[IdentityRecord(network="instagram", external_id="ana.lima")], posts=[comment]
        ),
        provenance=FETCHED,
    )

    member_opt_out(member=member)

    assert not Identity.objects.filter(network="instagram").exists() and not Post.objects.exists()
    ingest_batch(
        batch=Batch(identities=[IdentityRecord(network="instagram", external_id="ana.lima")]),
        provenance=FETCHED,
    )
    assert not Identity.objects.exists()  # tombstoned under both forms
