"""Parser for the zip of Instagram's "Download your information" (JSON format).

What is read (``connectors.meta_export`` finds the files wherever the export's version puts them):

- ``personal_information.json``: whose export it is (the username: Instagram's exports name no
  account number), the name and the bio.
- ``posts_*.json`` (photos, videos and carousels), ``reels.json`` (``ig_reels_media``) and
  ``igtv_videos.json``: the member's posts, dated at ``creation_timestamp``, with their caption.
  A post is named by the address of its first medium in the export, which is the same in every
  export of the account.
- ``post_comments_*.json`` (``comments_media_comments``): the comments the member wrote, each a
  reply to the ``Media Owner``.
- ``liked_posts.json`` (``likes_media_likes``): the posts the member liked, each a like of their
  author (``title``).
- ``followers_*.json``: counted as the audience (who they are is not stored).

The export holds no likes or comments the member's own posts received: those come from
connecting Instagram. Stories, messages, searches and ads are not read.
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
from connectors.instagram.parser import NETWORK, username_of
from connectors.json_values import as_dict
from connectors.meta_export import elements, files_named, meta_text, meta_time, small_json
from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord

BATCH_SIZE = 500


def is_instagram_export(names: list[str]) -> bool:
    return (
        bool(files_named(names, "personal_information.json"))
        and any("instagram" in n or n.rsplit("/", 1)[-1].startswith(("posts_", "liked_posts")) for n in names)
        and not files_named(names, "profile_information.json")
    )


def instagram_export_recognized(path: Path) -> bool:
    return is_instagram_export(zip_names(Path(path)))


def _string_map(entry: Any) -> dict[str, Any]:
    return as_dict(as_dict(entry).get("string_map_data"))


def _profile(archive, names: list[str]) -> IdentityRecord:
    found = files_named(names, "personal_information.json")
    if not found:
        raise MissingFileError("This is not an Instagram export: it has no personal_information.json.")
    data = small_json(archive, found[0])
    users = as_dict(data).get("profile_user") if isinstance(data, dict) else None
    fields = _string_map(users[0]) if isinstance(users, list) and users else {}
    username = username_of(meta_text(as_dict(fields.get("Username")).get("value")))
    if username is None:
        raise ArchiveError("personal_information.json names no Instagram username; is this export whole?")
    return IdentityRecord(
        network=NETWORK,
        external_id=username,
        handle=username,
        name=meta_text(as_dict(fields.get("Name")).get("value"))[:200],
        bio=meta_text(as_dict(fields.get("Bio")).get("value"))[:2000],
        url=f"https://www.instagram.com/{username}/",
    )


def _post(entry: Any, *, author: str, kind: str) -> PostRecord | None:
    entry = as_dict(entry)
    media = [as_dict(m) for m in entry.get("media") or [] if isinstance(m, dict)]
    created = meta_time(entry.get("creation_timestamp")) or (
        meta_time(media[0].get("creation_timestamp")) if media else None
    )
    uri = media[0].get("uri") if media else None
    if created is None or not isinstance(uri, str) or not uri:
        return None
    caption = meta_text(entry.get("title") or (media[0].get("title") if media else ""))
    if kind == "photo" and any(str(m.get("uri", "")).lower().endswith((".mp4", ".mov")) for m in media):
        kind = "video"
    return PostRecord(
        network=NETWORK,
        external_id="export:" + hashlib.sha256(f"{author}:{uri}".encode()).hexdigest()[:40],
        author_id=author,
        created_at=created,
        kind=kind,
        text=caption[:5000],
    )


def _given(kind: str, actor: str, target: Any, when: datetime | None, batch: Batch, seen: set[str]) -> None:
    target = username_of(meta_text(target))
    if target is None or when is None or target == actor:
        return
    if target not in seen:
        seen.add(target)
        batch.identities.append(IdentityRecord(network=NETWORK, external_id=target, handle=target))
    batch.interactions.append(
        InteractionRecord(network=NETWORK, kind=kind, actor_id=actor, target_id=target, occurred_at=when)
    )


def instagram_export_chunks(
    *, path: Path, observed_at: datetime, stats: ArchiveStats
) -> Iterator[ArchiveChunk]:
    archive, names = zip_open(Path(path), what="the Instagram export zip (JSON format)")
    progress = ReadProgress({info.filename: info.file_size for info in archive.infolist()})
    with archive:
        me = _profile(archive, names)
        stats.account_id, stats.handle = me.external_id, me.handle
        followers = files_named(names, "followers_*.json", "followers.json")
        stats.followers = sum(
            1 for name in followers for _ in elements(archive, name, progress, key="relationships_followers")
        )
        me.followers = stats.followers or None
        yield ArchiveChunk(batch=Batch(identities=[me]), progress=progress.fraction)
        author, batch, seen = me.external_id, Batch(), set()

        def full() -> bool:
            return len(batch) >= BATCH_SIZE

        sources = [
            (files_named(names, "posts_*.json", "posts.json"), None, "photo"),
            (files_named(names, "reels.json"), "ig_reels_media", "video"),
            (files_named(names, "igtv_videos.json"), "ig_igtv_media", "video"),
        ]
        for files, key, kind in sources:
            for name in files:
                for entry in elements(archive, name, progress, key=key):
                    post = _post(entry, author=author, kind=kind)
                    if post is not None:
                        batch.posts.append(post)
                        stats.tweets += 1
                    if full():
                        yield ArchiveChunk(batch=batch, progress=progress.fraction)
                        batch = Batch()
        for name in files_named(names, "post_comments_*.json", "post_comments.json"):
            for entry in elements(archive, name, progress, key="comments_media_comments"):
                fields = _string_map(entry)
                when = meta_time(as_dict(fields.get("Time")).get("timestamp"))
                _given("reply", author, as_dict(fields.get("Media Owner")).get("value"), when, batch, seen)
                if full():
                    yield ArchiveChunk(batch=batch, progress=progress.fraction)
                    batch = Batch()
        for name in files_named(names, "liked_posts.json"):
            for entry in elements(archive, name, progress, key="likes_media_likes"):
                entry = as_dict(entry)
                for item in entry.get("string_list_data") or []:
                    _given(
                        "like",
                        author,
                        entry.get("title"),
                        meta_time(as_dict(item).get("timestamp")),
                        batch,
                        seen,
                    )
                if full():
                    yield ArchiveChunk(batch=batch, progress=progress.fraction)
                    batch = Batch()
        if not stats.tweets and not stats.followers and not batch.interactions:
            raise MissingFileError(
                "This Instagram export holds no posts, followers or activity; choose JSON (not HTML) and "
                "include at least your content and connections when you ask Instagram for it."
            )
        yield ArchiveChunk(batch=batch, progress=1.0)
