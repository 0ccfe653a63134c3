"""Every page a person can reach, as each kind of person: one look, safe on a phone.

The site is filled the way ``./run`` fills it (the demo population, its brand and perks, and the
demo sign-ins), plus the people the demo lacks: a member who has just signed up, one who opted
out, a member of the demo brand's team, and a finished and a failed import. Then each person
walks the site from where they land, following every link (tests/browser/crawler.py says what
is checked on each page). A new page is crawled as soon as a link reaches it.

Screenshots of every page, at both widths, go to test-artifacts/screenshots/crawl/<person>/.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Brand, Member, User
from accounts.services import brand_invitation_accept, brand_invite, member_create
from connectors.runs import import_upload_create
from demo.logins import demo_logins_ensure
from demo.perks import demo_perks_seed
from demo.seed import demo_population_seed
from privacy.services import member_opt_out
from tests.browser.conftest import sign_in
from tests.browser.crawler import Crawl
from tests.connectors.archive_zips import build_archive, sample_tweets, tweets_js
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_MEMBER = "member@demo.klout.local"
DEMO_BRAND_OWNER = "brand@demo.klout.local"
DEMO_ADMIN = "admin@demo.klout.local"
NEW_MEMBER = "new@example.org"
OPTED_OUT = "gone@example.org"
BRAND_MEMBER = "team@example.org"
MISSING = ("/no-such-page/", "/u/no-such-member/")


def _verified_user(email: str) -> User:
    user = User.objects.create_user(email=email, password=DEFAULT_PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _recent_archive(path):
    tweets = sample_tweets()
    for days_ago, tweet in zip((30, 12, 3), tweets, strict=True):
        tweet["created_at"] = (timezone.now() - timedelta(days=days_ago)).strftime(
            "%a %b %d %H:%M:%S +0000 %Y"
        )
    return build_archive(path, tweets=tweets_js(tweets))


@pytest.fixture
def site(settings, tmp_path):
    """The site as ``./run`` leaves it, and the people the demo has none of."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_logins_ensure(password=DEFAULT_PASSWORD)
    member = Member.objects.get(user__email=DEMO_MEMBER)
    demo_population_seed(identities=120, reactions_per_identity=20, history_days=10, member=member)
    demo_perks_seed(brand=Brand.objects.get(name="Demo Brand (demo data)"), member=member)
    member_create(user=_verified_user(NEW_MEMBER))
    # The demo member's own uploads: one imported, one that could not be read.
    archive = _recent_archive(tmp_path / "archive.zip")
    for name, content in (("my-x-archive.zip", archive.read_bytes()), ("broken.zip", b"not a zip file")):
        import_upload_create(
            member=member,
            source="x_archive",
            upload=SimpleUploadedFile(name, content, content_type="application/zip"),
        )
    member.profile_public = True
    member.save(update_fields=["profile_public"])
    # A member who imported an archive, then opted out: nothing about them is left.
    gone = member_create(user=_verified_user(OPTED_OUT))
    import_upload_create(
        member=gone,
        source="x_archive",
        upload=SimpleUploadedFile("archive.zip", io.BytesIO(archive.read_bytes()).read()),
    )
    member_opt_out(member=gone)
    brand = Brand.objects.get(name="Demo Brand (demo data)")
    owner = User.objects.get(email=DEMO_BRAND_OWNER)
    invitation = brand_invite(brand=brand, invited_by=owner, email=BRAND_MEMBER)
    brand_invitation_accept(invitation=invitation, user=_verified_user(BRAND_MEMBER))
    return member


# Staff first: the admin has the most pages, and a parallel run should not wait for it at its end.
PEOPLE = {
    "staff": DEMO_ADMIN,
    "signed-out": None,
    "new-member": NEW_MEMBER,
    "demo-member": DEMO_MEMBER,
    "opted-out-member": OPTED_OUT,
    "brand-owner": DEMO_BRAND_OWNER,
    "brand-member": BRAND_MEMBER,
}


@pytest.mark.parametrize("person", PEOPLE)
def test_every_page_a_person_reaches(browser, live_server, site, person):
    email = PEOPLE[person]
    crawl = Crawl(
        browser=browser,
        base_url=live_server.url,
        person=person,
        missing=MISSING,
        # A public profile is reached from a link its owner shares, not from the site's pages.
        also=(f"/u/{site.slug}/",),
    )
    crawl.run(start="/", sign_in=(lambda page: sign_in(page, email)) if email else None)
    visited = "\n  ".join(f"{v.status} {v.url}" for v in crawl.visits)
    print(f"{person} visited {len(crawl.visits)} pages:\n  {visited}")
    assert len(crawl.visits) >= 5, f"{person} reached almost nothing:\n  {visited}"
    if person == "opted-out-member":
        # Nothing is collected about them again, so nothing offers to: no upload, no connection.
        offered = [
            v.url
            for v in crawl.visits
            if v.url.startswith("/import/") or v.url.count("/") > 2 and v.url.startswith("/connect/")
        ]
        assert not offered, f"an opted-out member is offered {offered}"
    assert not crawl.problems, f"{person}, {len(crawl.problems)} problems:\n" + "\n".join(crawl.problems)
