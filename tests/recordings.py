"""Real recorded API answers (from ``../shared/fixtures/``) the tests serve from the fake server."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import yaml

from tests.conftest import FIXTURES


def mastodon_account() -> dict:
    """mastodon.social's real answer for an account (halcy@icosahedron.website)."""
    path = FIXTURES / "mastodon" / "cassettes-real-servers" / "test_entity_account.yaml"
    cassette = yaml.safe_load(Path(path).read_text())
    return json.loads(cassette["interactions"][0]["response"]["body"]["string"])


def bluesky_profile() -> dict:
    """A real Bluesky profile view (test.marshal.dev) as the AppView returns it."""
    data = json.loads((FIXTURES / "bluesky" / "sdk-test-data" / "get_follows.json").read_text())
    return data["subject"]


def bluesky_did_document() -> dict:
    """The real DID document of test.marshal.dev, as the PLC directory serves it."""
    data = json.loads((FIXTURES / "bluesky" / "sdk-test-data" / "did_doc.json").read_text())
    return data["didDoc"]


def x_user() -> dict:
    """X's real answer to GET /2/users/by/username/Twitter."""
    path = FIXTURES / "twitter" / "tweepy-cassettes" / "test_client_get_user.yaml"
    cassette = yaml.safe_load(Path(path).read_text())
    return json.loads(gzip.decompress(cassette["interactions"][0]["response"]["body"]["string"]))
