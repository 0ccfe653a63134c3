"""Parser for the zip of Facebook's "Download your information" (JSON format).

What is read (``connectors.meta_export`` finds the files wherever the export's version puts them):

- ``profile_information.json`` (``profile_v2``): whose export it is (the user name of its
  ``profile_uri``: Facebook's exports name no account number), the name, the intro (the bio)
  and the current city.
- ``your_posts__check_ins__photos_and_videos_*.json`` (older exports: ``your_posts_*.json``):
  the member's posts, dated at ``timestamp``, with their text; one with a photo is a ``photo``,
  with a video a ``video``, with a place a ``check-in``.
- ``comments.json`` (``comments_v2``): the comments the member wrote, posts of kind
  ``comment``. The export names the people commented on by their name only, not an account, so
  those comments are nobody's reply.
- ``your_friends.json`` (``friends_v2``) and ``people_who_followed_you.json``: counted as the
  audience (who they are is not stored).
- ``likes_and_reactions_*.json``: counted in the report only (it too names people by name).

The export holds no reactions or comments the member's own posts received.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.archives import (
    ArchiveChunk,
    ArchiveError,
    ArchiveStats,
    MissingFileError,
    ReadProgress,
    zip_names,
    zip_open,
)
from connectors.facebook.parser import NETWORK
from connectors.json_values import as_dict
from connectors.meta_export import elements, files_named, meta_text, meta_time, small_json
from connectors.records import Batch, ExternalIdError, IdentityRecord, PostRecord, external_id_canonical

BATCH_SIZE = 500
POST_FILES = ("your_posts__check_ins__photos_and_videos_*.json", "your_posts_*.json")


def is_facebook_export(names: list[str]) -> bool:
    return bool(files_named(names, "profile_information.json"))


def facebook_export_recognized(path: Path) -> bool:
    return is_facebook_export(zip_names(Path(path)))


def _profile(archive, names: list[str], given: str | None) -> IdentityRecord:
    found = files_named(names, "profile_information.json")
    if not found:
        raise MissingFileError("This is not a Facebook export: it has no profile_information.json.")
    profile = as_dict(as_dict(small_json(archive, found[0])).get("profile_v2"))
    address = given or profile.get("profile_uri") or profile.get("username")
    if not isinstance(address, str) or not address.strip():
        raise ArchiveError(
            "This Facebook export does not name its profile's address: give it (facebook.com/…) "
            "with the upload."
        )
    try:
        account = external_id_canonical(network=NETWORK, external_id=address.strip())
    except ExternalIdError as error:
        raise ArchiveError(str(error)) from None
    return IdentityRecord(
        network=NETWORK,
        external_id=account,
        handle=account,
        name=meta_text(as_dict(profile.get("name")).get("full_name"))[:200],
        bio=meta_text(intro.get("name") if isinstance(intro := profile.get("intro_bio"), dict) else intro)[
            :2000
        ],
        location=meta_text(as_dict(profile.get("current_city")).get("name"))[:255],
        url=f"https://www.facebook.com/{account}",
    )


def _kind(entry: dict[str, Any]) -> str:
    kinds = set()
    for attachment in entry.get("attachments") or []:
        for data in as_dict(attachment).get("data") or []:
            data = as_dict(data)
            if "place" in data:
                kinds.add("check-in")
            uri = str(as_dict(data.get("media")).get("uri") or "").lower()
            if uri:
                kinds.add("video" if uri.endswith((".mp4", ".mov")) else "photo")
    return next((k for k in ("check-in", "video", "photo") if k in kinds), "post")


def _text(entry: dict[str, Any], field: str) -> str:
    for data in entry.get("data") or []:
        value = as_dict(data).get(field)
        if isinstance(value, dict):
            value = value.get(field)
        if isinstance(value, str) and value.strip():
            return meta_text(value).strip()
    return ""


def _post(entry: Any, *, author: str, kind: str | None = None, field: str = "post") -> PostRecord | None:
    entry = as_dict(entry)
    created = meta_time(entry.get("timestamp"))
    if created is None:
        return None
    text = _text(entry, field)
    key = f"{author}:{kind or 'post'}:{entry.get('timestamp')}:{text}"
    return PostRecord(
        network=NETWORK,
        external_id="export:" + hashlib.sha256(key.encode()).hexdigest()[:40],
        author_id=author,
        created_at=created,
        kind=kind or _kind(entry),
        text=(text or meta_text(entry.get("title")))[:5000],
    )


def facebook_export_chunks(
    *, path: Path, observed_at: datetime, stats: ArchiveStats, profile: str | None = None
) -> Iterator[ArchiveChunk]:
    archive, names = zip_open(Path(path), what="the Facebook export zip (JSON format)")
    progress = ReadProgress({info.filename: info.file_size for info in archive.infolist()})
    with archive:
        me = _profile(archive, names, profile)
        stats.account_id, stats.handle = me.external_id, me.handle
        friends = sum(
            1
            for n in files_named(names, "your_friends.json")
            for _ in elements(archive, n, progress, key="friends_v2")
        )
        followers = sum(
            1
            for n in files_named(names, "people_who_followed_you.json")
            for _ in elements(archive, n, progress, key="followers_v2")
        )
        stats.followers = max(friends, followers)
        me.followers = stats.followers or None
        yield ArchiveChunk(batch=Batch(identities=[me]), progress=progress.fraction)
        batch = Batch()
        readings = [
            (files_named(names, *POST_FILES), None, None, "post"),
            (files_named(names, "comments.json"), "comments_v2", "comment", "comment"),
        ]
        for files, key, kind, field in readings:
            for name in files:
                for entry in elements(archive, name, progress, key=key):
                    post = _post(entry, author=me.external_id, kind=kind, field=field)
                    if post is not None:
                        batch.posts.append(post)
                        stats.tweets += 1
                    if len(batch) >= BATCH_SIZE:
                        yield ArchiveChunk(batch=batch, progress=progress.fraction)
                        batch = Batch()
        reactions = files_named(names, "likes_and_reactions_*.json", "likes_and_reactions.json")
        stats.extra["reactions_given_not_counted"] = sum(
            1 for n in reactions for _ in elements(archive, n, progress)
        )
        if not stats.tweets and not stats.followers:
            raise MissingFileError(
                "This Facebook export holds no posts and no friends; choose JSON (not HTML) and include "
                "at least your posts and connections when you ask Facebook for it."
            )
        yield ArchiveChunk(batch=batch, progress=1.0)
