"""The parsed records every connector and importer hands to the ingest path.

A source's parser turns whatever the network returns (API pages, archive files, JSON Lines)
into these plain records; ``connectors.ingest`` stores them. Keeping this contract small and
network-neutral is what lets a new network be added by writing only a client and a parser.
External ids are strings everywhere (X ids overflow JavaScript numbers; Bluesky ids are DIDs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from urllib.parse import urlsplit

NETWORKS = ("x", "mastodon", "bluesky", "youtube", "instagram", "facebook", "linkedin", "foursquare")
# As shown to people.
NETWORK_NAMES = {
    "x": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "youtube": "YouTube",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "linkedin": "LinkedIn",
    "foursquare": "Foursquare",
}

POST_KINDS = (
    "post",
    "reply",
    "repost",
    "quote",
    "article",
    "photo",
    "video",
    "comment",
    "check-in",
    "review",
)

# --- one canonical id per account --------------------------------------------------------------
#
# An account must be stored, and tombstoned when it opts out, under one id whatever form a
# source wrote it in; otherwise an import naming it another way would bring it back.

_USER = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_MASTODON_ACCT = re.compile(rf"^@?({_USER})@({_HOST})\.?$")
# A profile or actor address, local (/@alice) or of a remote account (/@alice@other.example),
# with anything after it (/@alice/with_replies, /users/alice/statuses/1, /web/@alice).
_MASTODON_PATH = re.compile(rf"^/(?:web/)?(?:@({_USER})(?:@({_HOST}))?|users/({_USER}))(?:/.*)?$")
_HANDLE_LIKE = re.compile(rf"^@?{_HOST}\.?$", re.IGNORECASE)
_SPACE = re.compile(r"\s")

# The networks whose account ids come in several forms, which ingest canonicalizes one by one
# (the others' ids are checked inline on its fast path: see connectors.ingest).
CANONICALIZED_NETWORKS = frozenset({"mastodon", "bluesky", "linkedin", "instagram", "facebook"})
# The networks whose account ids are numbers: one number, whatever zeros precede it.
NUMERIC_ID_NETWORKS = frozenset({"x", "instagram", "facebook", "foursquare"})
_LINKEDIN_NAME = re.compile(r"^[a-z0-9][a-z0-9%_.-]{1,99}$")


class ExternalIdError(ValueError):
    """An id written in a form that cannot name one account for sure; the message says which form to use."""


def external_id_canonical(*, network: str, external_id: str) -> str:
    """The form of an account id under which it is stored and tombstoned.

    - Mastodon: the address ``user@server`` in lower case (user names are case-insensitive
      there), from ``@user@server``, ``acct:user@server``, a profile address
      (``https://server/@user``, ``/@user@other.server``, ``/web/@user``, with anything after
      it) or the actor URI (``https://server/users/user``). A bare number is refused: it is the
      account's row number on its own server, meaningless without the server, and it would
      escape an opt-out; so is any other address that names no account.
    - Bluesky: the DID (did:plc and did:web in lower case). A handle is refused: handles change
      hands, the DID does not.
    - X, Foursquare: the numeric id without leading zeros. A handle (``@alice``) is refused.
    - Facebook: a Page's or person's numeric id, or the user name of a profile's address
      (``facebook.com/NAME``, in lower case), which is all a member's export names.
    - Instagram: a professional account's numeric id, or the username (lower case, without
      ``@``) of an account the Graph API names only by it: the people who comment. An opt-out
      tombstones both forms.
    - LinkedIn: the profile's public name, ``NAME`` of ``linkedin.com/in/NAME``, in lower case
      (LinkedIn's addresses are case-insensitive), from the name or the address.
    - An id with spaces around it is refused everywhere; other ids (generated demo ids, say)
      are kept as they are.
    """
    if not external_id or _SPACE.match(external_id) or _SPACE.match(external_id[-1]):
        raise ExternalIdError(f"{external_id!r} has spaces around it")
    if network == "mastodon":
        return _mastodon_id(external_id)
    if network == "bluesky":
        return _bluesky_id(external_id)
    if network == "linkedin":
        return _linkedin_id(external_id)
    if network == "instagram":
        return _instagram_id(external_id)
    if network == "facebook":
        return _facebook_id(external_id)
    if not external_id.isascii():
        # X's and YouTube's ids are ASCII: fullwidth digits would name a second account.
        raise ExternalIdError(f"{external_id!r} is not an id of this network (ids are plain ASCII)")
    if network in NUMERIC_ID_NETWORKS and external_id.isdigit():
        return str(int(external_id))
    if external_id.startswith("@"):
        raise ExternalIdError(f"{external_id!r} is a handle; give the account's id, which never changes")
    return external_id


def _instagram_id(value: str) -> str:
    """A professional account's number, or the username (lower case) of an account the API names
    only by it (the people who comment)."""
    if value.isascii() and value.isdigit():
        return str(int(value))
    name = value.removeprefix("@").lower()
    if not re.match(r"^[a-z0-9._]{1,30}$", name):
        raise ExternalIdError(f"{value!r} is neither an Instagram account's number nor its username")
    return name


# Facebook's own pages, which name no one (facebook.com/profile.php names everyone without a
# user name, by the number after it).
_FACEBOOK_PATHS = frozenset(
    {"profile.php", "people", "pages", "watch", "groups", "events", "marketplace", "gaming"}
)


def _facebook_id(value: str) -> str:
    """A Page's or person's number, or the user name of a profile's address (an export names no
    number), in lower case."""
    if value.isascii() and value.isdigit():
        return str(int(value))
    if value.startswith(("https://", "http://")):
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        number = re.match(r"^id=([0-9]{1,25})(?:&|$)", parts.query or "")
        if parts.path in ("/profile.php", "/profile.php/") and number:
            return str(int(number.group(1)))  # a profile without a user name: its number
        found = re.match(r"^/([A-Za-z0-9.]{5,50})/?$", parts.path or "")
        if not (host == "facebook.com" or host.endswith(".facebook.com")) or not found:
            raise ExternalIdError(f"{value!r} is not a Facebook profile's address (facebook.com/NAME)")
        value = found.group(1)
    name = value.lower()
    if not re.match(r"^[a-z0-9.]{5,50}$", name) or name in _FACEBOOK_PATHS:
        raise ExternalIdError(f"{value!r} is neither a Facebook id nor a profile's user name")
    return name


def _linkedin_id(value: str) -> str:
    """A LinkedIn profile's public name (``linkedin.com/in/NAME``), in lower case."""
    if value.startswith(("https://", "http://")) or value.lower().startswith(("www.linkedin.", "linkedin.")):
        parts = urlsplit(value if "://" in value else "https://" + value)
        found = re.match(r"^/in/([^/?#]+)/?$", parts.path or "")
        host = (parts.hostname or "").lower()
        if not found or not (host == "linkedin.com" or host.endswith(".linkedin.com")):
            raise ExternalIdError(f"{value!r} is not a LinkedIn profile's address (linkedin.com/in/NAME)")
        value = found.group(1)
    name = value.lower()
    if not _LINKEDIN_NAME.match(name):
        raise ExternalIdError(
            f"{value!r} is not a LinkedIn profile's public name; give the NAME of linkedin.com/in/NAME"
        )
    return name


def _bluesky_id(value: str) -> str:
    handle_refused = ExternalIdError(
        f"{value!r} is a Bluesky handle; give the account's DID (did:plc:…), which never changes"
    )
    # The forms a DID comes in: at://did:…, https://bsky.app/profile/did:… (a handle there is one).
    if value[:5].lower() == "at://":
        value = value[5:].split("/", 1)[0]
    elif value.startswith(("https://", "http://")):
        found = re.match(r"^/profile/([^/?#]+)", urlsplit(value).path or "")
        if not found:
            raise ExternalIdError(f"{value!r} is not a Bluesky account's address; give its DID (did:plc:…)")
        value = found.group(1)
    if value[:4].lower() == "did:":
        lowered = value.lower()
        return lowered if lowered.startswith(("did:plc:", "did:web:")) else value
    if _HANDLE_LIKE.match(value):
        raise handle_refused
    return value


def identity_other_ids(*, network: str, handle: str) -> list[str]:
    """The ids other than its own that an identity may be stored under, in their canonical form:
    an Instagram account is its number, but the people who comment appear by username."""
    if network != "instagram" or not handle:
        return []
    try:
        return [_instagram_id(handle)]
    except ExternalIdError:
        return []


def external_ids_canonical(*, network: str, external_ids: Iterable[str]) -> list[str]:
    """The distinct canonical forms of ``external_ids``; ids of no usable form are left out
    (they name nothing that ingest can have stored)."""
    found: dict[str, None] = {}
    for external_id in external_ids:
        try:
            canonical = external_id_canonical(network=network, external_id=external_id)
        except ExternalIdError:
            continue
        if canonical:
            found[canonical] = None
    return list(found)


def _ascii_host(host: str) -> str:
    """A host name as DNS knows it (punycode), so that exämple.social and xn--exmple-cua.social
    are one server; unchanged when it is not a valid name."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host


def _mastodon_id(value: str) -> str:
    not_an_account = ExternalIdError(
        f"{value!r} is not a Mastodon account's address; give it like alice@mastodon.social"
    )
    if value[:5].lower() == "acct:":
        value = value[5:]
    if value.isdigit():
        raise ExternalIdError(
            f"{value!r} is a Mastodon account number, which only means something on its own server; "
            "give the account's address, like alice@mastodon.social"
        )
    if "://" in value or value.startswith("//"):
        parts = urlsplit(value if "://" in value else "https:" + value)
        host = _ascii_host((parts.hostname or "").rstrip("."))
        found = _MASTODON_PATH.match(re.sub("/+", "/", parts.path or ""))
        if parts.scheme not in ("https", "http") or not host or not found:
            raise not_an_account
        user, remote, actor = found.groups()
        return f"{user or actor}@{_ascii_host(remote) if remote else host}".lower().rstrip(".")
    if "@" in value and not value.isascii():
        user, _, host = value.lstrip("@").rpartition("@")
        value = f"{user}@{_ascii_host(host)}"
    found = _MASTODON_ACCT.match(value)
    if found:
        return f"{found.group(1)}@{found.group(2)}".lower()
    if "@" in value or "/" in value or ":" in value:
        raise not_an_account
    return value


# What one identity does to another. "mention" and "follow" need no post; the others
# concern the target's post (or, for reply/quote, the post replied to or quoted).
INTERACTION_KINDS = ("repost", "reply", "quote", "like", "mention", "follow")


@dataclass(slots=True)
class IdentityRecord:
    network: str
    external_id: str
    handle: str = ""
    name: str = ""
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    # Lists the account is on, where the network reports it (X's listed_count).
    listed: int | None = None
    verified: bool | None = None
    location: str = ""
    bio: str = ""
    url: str = ""


@dataclass(slots=True)
class PostRecord:
    network: str
    external_id: str
    author_id: str
    created_at: datetime
    kind: str = "post"
    text: str = ""
    language: str = ""
    url: str = ""
    # The post this one replies to, quotes or reposts, when there is one.
    parent_id: str = ""
    reposts: int | None = None
    replies: int | None = None
    likes: int | None = None
    quotes: int | None = None
    views: int | None = None


@dataclass(slots=True)
class InteractionRecord:
    network: str
    kind: str
    actor_id: str
    target_id: str
    occurred_at: datetime
    post_id: str = ""


@dataclass(slots=True)
class Batch:
    """One unit of ingest: stored whole or not at all."""

    identities: list[IdentityRecord] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    interactions: list[InteractionRecord] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.identities) + len(self.posts) + len(self.interactions)

    def extend(self, other: Batch) -> None:
        self.identities.extend(other.identities)
        self.posts.extend(other.posts)
        self.interactions.extend(other.interactions)


# --- provenance -------------------------------------------------------------------------------


class Tone(IntEnum):
    """The tone of a reaction with words (a reply, a quote, a comment), as ``Interaction.tone``
    stores it; NULL there means not judged (no words, or not yet classified)."""

    UNKNOWN = 0  # a language the classifier does not read, or one that could not be told
    POSITIVE = 1
    NEUTRAL = 2
    NEGATIVE = 3
    NO_WORDS = 4  # a reply or quote whose words are not stored (a count, an archive's own list)


TONE_NAMES = {
    Tone.UNKNOWN: "language not read",
    Tone.POSITIVE: "positive",
    Tone.NEUTRAL: "neutral",
    Tone.NEGATIVE: "negative",
    Tone.NO_WORDS: "words not stored",
}


class Origin(IntEnum):
    """Where a stored record came from; a lower value is the more trusted source.

    Stored on every identity's profile, post and interaction (``connectors.models``). A record
    from a more trusted source replaces one from a less trusted source, never the other way.
    """

    API = 1  # fetched from a network's API by this service
    OPERATOR = 2  # imported by the operator from the command line (and the generated demo data)
    UPLOAD = 3  # uploaded by a member about their own accounts: self-reported
    # Uploaded by a member about a reaction they gave to someone else: it is their own activity
    # ("whom you react to"), but it counts for no one, for it is not the target's to vouch for.
    UPLOAD_GIVEN = 4

    @property
    def label(self) -> str:
        return _ORIGIN_LABELS[self]


_ORIGIN_LABELS = {
    Origin.API: "fetched from the network's API",
    Origin.OPERATOR: "imported by the operator",
    Origin.UPLOAD: "uploaded by a member (self-reported)",
    Origin.UPLOAD_GIVEN: "uploaded by the member who gave it (counts for no one)",
}


@dataclass(frozen=True)
class Provenance:
    """Who vouches for a batch, and for an upload what it may describe.

    An upload by a member describes only that member's own identities (``own``, keys of
    network and canonical external id): their profiles, their posts, the reactions they gave
    and received. Anything else it names enters as a bare id.
    """

    origin: Origin
    reported_by: int | None = None  # the uploading member's id
    own: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def upload(cls, *, member_id: int, own: Iterable[tuple[str, str]]) -> Provenance:
        return cls(origin=Origin.UPLOAD, reported_by=member_id, own=frozenset(own))

    @property
    def self_reported(self) -> bool:
        return self.origin == Origin.UPLOAD


FETCHED = Provenance(origin=Origin.API)
OPERATOR_IMPORT = Provenance(origin=Origin.OPERATOR)


# --- checking records ---------------------------------------------------------------------------
#
# What ingest asks of every record before it stores any (connectors.ingest); the JSON Lines
# parser asks it too, to give a line's reason at once.

MAX_ID_LENGTH = 128
# Largest value a BIGINT column holds; anything above is a parser bug, not a real count.
MAX_COUNT = 2**63 - 1
_CONTROL = re.compile(r"[\x00]")


def _check_id(value: object, what: str) -> str | None:
    if not isinstance(value, str) or not value:
        return f"{what} must be a non-empty string"
    if len(value) > MAX_ID_LENGTH:
        return f"{what} is longer than {MAX_ID_LENGTH} characters"
    if _CONTROL.search(value):
        return f"{what} contains a NUL character"
    return None


def _check_count(value: object, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{what} must be a whole number"
    if value < 0 or value > MAX_COUNT:
        return f"{what} is out of range"
    return None


# The years a date that a person wrote (a Bluesky record's createdAt) is taken in; the parsers
# of such dates treat any other as no date.
PLAUSIBLE_YEARS = range(1990, 2100)


def _check_time(value: object, what: str) -> str | None:
    if not isinstance(value, datetime):
        return f"{what} must be a datetime"
    if value.tzinfo is None or value.utcoffset() is None:
        return f"{what} has no time zone"
    try:
        # The edges of the calendar with an offset (year 1 at +14:00) have no UTC time.
        value.astimezone(UTC)
    except OverflowError:
        return f"{what} is out of range"
    return None


def _check_text(record: object, names: Iterable[str]) -> str | None:
    for name in names:
        value = getattr(record, name)
        if not isinstance(value, str):
            return f"{name} must be a string"
        if "\x00" in value:
            return f"{name} contains a NUL character"
    return None


def identity_record_problem(record: IdentityRecord) -> str | None:
    if record.network not in NETWORKS:
        return f"unknown network {record.network!r}"
    for problem in (
        _check_id(record.external_id, "id"),
        _check_text(record, ("handle", "name", "location", "bio", "url")),
        _check_count(record.followers, "followers"),
        _check_count(record.following, "following"),
        _check_count(record.posts, "posts"),
        _check_count(record.listed, "listed"),
    ):
        if problem:
            return problem
    if record.verified is not None and not isinstance(record.verified, bool):
        return "verified must be true, false or absent"
    return _canonicalize(record, ("external_id",))


def post_record_problem(record: PostRecord) -> str | None:
    if record.network not in NETWORKS:
        return f"unknown network {record.network!r}"
    if record.kind not in POST_KINDS:
        return f"unknown post kind {record.kind!r}"
    for problem in (
        _check_id(record.external_id, "post id"),
        _check_id(record.author_id, "author id"),
        _check_time(record.created_at, "created_at"),
        _check_text(record, ("text", "language", "url", "parent_id")),
        *(_check_count(getattr(record, n), n) for n in ("reposts", "replies", "likes", "quotes", "views")),
    ):
        if problem:
            return problem
    if len(record.parent_id) > MAX_ID_LENGTH:
        return f"parent id is longer than {MAX_ID_LENGTH} characters"
    if record.url and not record.url.lower().startswith(("https://", "http://")):
        # Pages link to it: a javascript: or data: address would run in the reader's session.
        record.url = ""
    return _canonicalize(record, ("author_id",))


def interaction_record_problem(record: InteractionRecord) -> str | None:
    if record.network not in NETWORKS:
        return f"unknown network {record.network!r}"
    if record.kind not in INTERACTION_KINDS:
        return f"unknown interaction kind {record.kind!r}"
    for problem in (
        _check_id(record.actor_id, "actor id"),
        _check_id(record.target_id, "target id"),
        _check_time(record.occurred_at, "occurred_at"),
    ):
        if problem:
            return problem
    if not isinstance(record.post_id, str) or len(record.post_id) > MAX_ID_LENGTH or "\x00" in record.post_id:
        return "post id must be a string of at most 128 characters"
    return _canonicalize(record, ("actor_id", "target_id"))


# An id that starts and ends with these is already in its one form on the networks whose ids
# need no rewriting (X's numbers, YouTube's channel ids): no space around it, no leading zero,
# no @handle. Checked inline on the fast path; any other id goes through _canonicalize.
_PLAIN_LAST = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")
_PLAIN_FIRST = _PLAIN_LAST - {"0", "-", "_"}


def _canonicalize(record, names: tuple[str, ...]) -> str | None:
    """Rewrite the record's account ids in their canonical form (``records.external_id_canonical``),
    in place, so that one account is stored, and meets its tombstone, under one id; or the
    reason an id cannot be used."""
    for name in names:
        try:
            value = external_id_canonical(network=record.network, external_id=getattr(record, name))
        except ExternalIdError as exc:
            return str(exc)
        setattr(record, name, value)
    return None


def plain_ids(actor: object, target: object, post: object) -> bool:
    """Whether an interaction's ids are of the common kind that passes the id checks: plain
    strings, only the post's may be empty, none longer than MAX_ID_LENGTH or holding a NUL,
    and the accounts' ids already in their one form on a network that needs no rewriting of
    them (``_PLAIN_FIRST``, ``_PLAIN_LAST``).

    The inline test of the JSON Lines parser and of ``checked_interactions``, for networks
    outside ``records.CANONICALIZED_NETWORKS``; False only means the full check must give the
    answer (and the reason).
    """
    return (
        type(actor) is str
        and type(target) is str
        and type(post) is str
        and 0 < len(actor) <= MAX_ID_LENGTH
        and 0 < len(target) <= MAX_ID_LENGTH
        and len(post) <= MAX_ID_LENGTH
        and actor[0] in _PLAIN_FIRST
        and target[0] in _PLAIN_FIRST
        and actor[-1] in _PLAIN_LAST
        and target[-1] in _PLAIN_LAST
        and "\x00" not in actor
        and "\x00" not in target
        and "\x00" not in post
    )
