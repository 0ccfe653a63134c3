"""Every allauth page this configuration reaches is drawn in the site's look, in the site's words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

# Words that keep their capital inside a sentence.
PROPER_WORDS = {"Klout", "I"}


class _Page(HTMLParser):
    """The parts of a page these tests read: buttons, labels, headings, inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {
            "button": [],
            "label": [],
            "h1": [],
            "h2": [],
            "a-button": [],
            "badge": [],
        }
        self.inputs: list[dict] = []
        self.label_fors: set[str] = set()
        self.buttons: list[tuple[dict, list[str]]] = []
        self._capture: list[tuple[str, dict, list[str]]] = []
        self.inputs_in_labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs.append(attrs)
            if any(t == "label" for t, _, _ in self._capture):
                self.inputs_in_labels.add(attrs.get("id", ""))
            return
        if tag == "label" and attrs.get("for"):
            self.label_fors.add(attrs["for"])
        if tag in ("button", "label", "h1", "h2") or (tag == "a" and attrs.get("role") == "button"):
            self._capture.append((tag, attrs, []))
        elif tag == "span" and "badge" in attrs.get("class", "").split():
            self._capture.append(("badge", attrs, []))

    def handle_data(self, data):
        # A badge beside a label is a word of its own, not part of the label's sentence.
        in_badge = any(name == "badge" for name, _, _ in self._capture)
        for name, _, parts in self._capture:
            if name == "badge" or not in_badge:
                parts.append(data)

    def handle_endtag(self, tag):
        for index in range(len(self._capture) - 1, -1, -1):
            name, attrs, parts = self._capture[index]
            if name == tag or (tag == "span" and name == "badge"):
                del self._capture[index]
                text = " ".join("".join(parts).split())
                key = {"a": "a-button", "span": "badge"}.get(tag, tag)
                self.texts[key].append(text)
                if tag == "button":
                    self.buttons.append((attrs, text))
                break


def parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def is_sentence_case(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’-]*", re.sub(r"\S+@\S+", "", text))
    return all(not word[0].isupper() or word in PROPER_WORDS for word in words[1:])


def assert_site_look(response) -> _Page:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html, "not drawn in the site's layout"
    assert 'class="auth-card' in html, "not in the sign-up page's card"
    page = parse(response)
    for kind in ("button", "a-button", "label", "h1", "h2", "badge"):
        for text in page.texts[kind]:
            assert is_sentence_case(text), f"{kind} not in sentence case: {text!r}"
    for field in page.inputs:
        if field.get("type") in ("hidden", "submit"):
            continue
        labelled = field.get("id") in page.label_fors | page.inputs_in_labels or field.get("aria-label")
        assert labelled, f"no label for {field}"
    return page


@pytest.fixture
def member(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


def _reset_key_url(user) -> str:
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_inactive",
]


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_entrance_page_is_in_the_site_look(client, url_name):
    assert_site_look(client.get(reverse(url_name)))


@pytest.mark.parametrize(
    "url_name",
    [
        "account_email",
        "account_change_password",
        "account_logout",
        "account_reauthenticate",
        "account_request_reauthentication_code",
    ],
)
def test_account_page_is_in_the_site_look(client, member, url_name):
    assert_site_look(client.get(reverse(url_name)))


def test_set_password_page_for_an_account_without_one(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    page = assert_site_look(client.get(reverse("account_set_password")))
    assert "Set password" in page.texts["button"]


def test_confirming_it_is_you_by_a_mailed_code(client, member):
    response = client.post(
        reverse("account_request_reauthentication_code"), {"recipient": member.user.email}, follow=True
    )
    page = assert_site_look(response)
    assert page.texts["h1"] == ["Enter the code we sent you"]
    assert "Code" in page.texts["label"]
    assert "Confirm" in page.texts["button"]
    assert ">Cancel</a>" in response.content.decode()


def test_password_reset_link_asks_for_a_new_password(client):
    user = UserFactory()
    response = client.get(_reset_key_url(user), follow=True)
    page = assert_site_look(response)
    assert page.texts["h1"] == ["Choose a new password"]
    assert {"New password", "New password (again)"} <= set(page.texts["label"])


def test_a_used_password_reset_link_says_so(client):
    user = UserFactory()
    url = _reset_key_url(user)
    user.set_password("something else now")
    user.save()
    page = assert_site_look(client.get(url, follow=True))
    assert page.texts["h1"] == ["This link no longer works"]


def test_confirm_email_page_names_the_address(client):
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    key = EmailConfirmationHMAC(address).key
    response = client.get(reverse("account_confirm_email", args=[key]))
    page = assert_site_look(response)
    assert user.email in response.content.decode()
    assert page.texts["button"][-1] == "Confirm my address"


def test_an_expired_confirmation_link_says_so(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))
    assert_site_look(response)
    assert "expired or is not valid" in response.content.decode()


def test_sign_in_page_speaks_as_a_person_would(client):
    page = assert_site_look(client.get(reverse("account_login")))
    assert page.texts["h1"] == ["Sign in"]
    assert "Remember me" in page.texts["label"]
    assert "Sign in" in page.texts["button"]
    html = client.get(reverse("account_login")).content.decode()
    forgot = r'<small class="muted"[^>]*><a href="/accounts/password/reset/">Forgot your password\?</a>'
    assert re.search(forgot, html)
    assert 'placeholder="' not in html  # the labels say it, visibly


def test_a_wrong_password_is_reported_and_never_written_back(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "a wrong one, typed"})
    html = response.content.decode()
    assert 'class="errorlist nonfield"' in html
    assert "a wrong one, typed" not in html
    assert f'value="{user.email}"' in html


def test_field_errors_sit_in_an_errorlist_tied_to_the_field(client):
    response = client.post(reverse("account_reset_password"), {"email": "not an address"})
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_email_error">' in html
    assert 'aria-describedby="id_email_error' in html and 'aria-invalid="true"' in html


def test_email_page_gives_each_button_its_role(client, member):
    EmailAddress.objects.create(user=member.user, email="second@example.com", verified=False)
    page = assert_site_look(client.get(reverse("account_email")))
    classes = {text: attrs.get("class", "") for attrs, text in page.buttons if attrs.get("name")}
    assert classes["Remove"] == "danger outline"
    assert classes["Make primary"] == "secondary outline"
    assert classes["Send the confirmation link again"] == "secondary outline"
    assert classes["Add address"] == ""  # the page's main action, Pico's default


def test_email_page_with_one_address_offers_no_action_that_would_do_nothing(client, member):
    page = assert_site_look(client.get(reverse("account_email")))
    assert "Remove" not in page.texts["button"]
    assert "Make primary" not in page.texts["button"]


def test_removing_an_address_still_works_through_the_restyled_page(client, member):
    EmailAddress.objects.create(user=member.user, email="second@example.com", verified=True)
    response = client.post(reverse("account_email"), {"email": "second@example.com", "action_remove": ""})
    assert response.status_code == 302
    assert not EmailAddress.objects.filter(email="second@example.com").exists()


def test_signing_in_still_works_through_the_restyled_page(client):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD, "remember": "on"}
    )
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close() is False
