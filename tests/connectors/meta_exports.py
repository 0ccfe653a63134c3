"""Instagram's and Facebook's "Download your information" exports (JSON), built by hand.

No public sample of either export exists to record, so these follow the files Meta writes: their
names and folders (``your_instagram_activity/content/posts_1.json``,
``your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json``...), their
shapes (a list, or an object holding the list under a key such as ``ig_reels_media``,
``comments_v2``, ``friends_v2``; ``string_map_data`` and ``string_list_data`` entries), Unix-second
times, and Meta's way of writing text: each byte of its UTF-8 escaped as a character
(``ensure_ascii`` over the latin-1 reading of the bytes).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

NOW = 1_764_000_000  # 2025-11-24, a recent week
FB = "your_facebook_activity"


def meta_json(value) -> str:
    """JSON as Meta writes it: text's UTF-8 bytes, each as a \\u00XX character."""

    def mangle(item):
        if isinstance(item, str):
            return item.encode("utf-8").decode("latin-1")
        if isinstance(item, list):
            return [mangle(i) for i in item]
        if isinstance(item, dict):
            return {k: mangle(v) for k, v in item.items()}
        return item

    return json.dumps(mangle(value))


def instagram_files(*, followers: int = 3) -> dict[str, str]:
    def media(uri: str, title: str, at: int) -> dict:
        return {"uri": uri, "creation_timestamp": at, "title": title}

    return {
        "personal_information/personal_information/personal_information.json": meta_json(
            {"profile_user": [{"string_map_data": {
                "Username": {"href": "", "value": "ana.lima", "timestamp": 0},
                "Name": {"href": "", "value": "Ana Lima", "timestamp": 0},
                "Bio": {"href": "", "value": "Café, câmera e viagens ☕", "timestamp": 0},
            }}]}
        ),
        "your_instagram_activity/content/posts_1.json": meta_json([
            {"media": [media("media/posts/202511/1.jpg", "Manhã em Lisboa ☀️", NOW - 86400)]},
            {"media": [media("media/posts/202511/2.jpg", "", NOW - 2 * 86400),
                       media("media/posts/202511/3.jpg", "", NOW - 2 * 86400)],
             "title": "Carrossel do fim de semana", "creation_timestamp": NOW - 2 * 86400},
        ]),
        "your_instagram_activity/content/reels.json": meta_json(
            {"ig_reels_media": [{"media": [media("media/reels/4.mp4", "O pôr do sol", NOW - 3 * 86400)]}]}
        ),
        "your_instagram_activity/comments/post_comments_1.json": meta_json([
            {"string_map_data": {"Comment": {"value": "Que lindo!"}, "Media Owner": {"value": "joao.silva"},
                                 "Time": {"timestamp": NOW - 3600}}},
        ]),
        "your_instagram_activity/likes/liked_posts.json": meta_json({"likes_media_likes": [
            {"title": "maria_costa",
             "string_list_data": [{"href": "https://www.instagram.com/p/C0abc/", "value": "👍",
                                   "timestamp": NOW - 7200}]},
        ]}),
        "connections/followers_and_following/followers_1.json": meta_json([
            {"title": "", "media_list_data": [], "string_list_data": [
                {"href": f"https://www.instagram.com/fan{n}", "value": f"fan{n}", "timestamp": NOW}]}
            for n in range(followers)
        ]),
    }  # fmt: skip


def facebook_files(
    *, friends: int = 4, profile_uri: str | None = "https://www.facebook.com/rui.martins"
) -> dict[str, str]:
    profile = {"name": {"full_name": "Rui Martins", "first_name": "Rui", "last_name": "Martins"},
               "current_city": {"name": "Porto, Portugal", "timestamp": 0}}  # fmt: skip
    if profile_uri:
        profile["profile_uri"] = profile_uri
    return {
        "personal_information/profile_information/profile_information.json": meta_json(
            {"profile_v2": profile}
        ),
        f"{FB}/posts/your_posts__check_ins__photos_and_videos_1.json": meta_json([
            {"timestamp": NOW - 86400, "data": [{"post": "Grande jogo hoje! ⚽"}], "title": "Rui Martins"},
            {"timestamp": NOW - 2 * 86400,
             "attachments": [{"data": [{"media": {"uri": "photos/1.jpg", "creation_timestamp": NOW}}]}],
             "data": [{"post": "Férias"}]},
            {"timestamp": NOW - 3 * 86400,
             "attachments": [{"data": [{"place": {"name": "Estádio do Dragão"}}]}],
             "data": [], "title": "Rui Martins esteve em Estádio do Dragão."},
        ]),
        f"{FB}/comments_and_reactions/comments.json": meta_json({"comments_v2": [
            {"timestamp": NOW - 5000,
             "data": [{"comment": {"timestamp": NOW - 5000, "comment": "Parabéns!",
                                   "author": "Rui Martins"}}],
             "title": "Rui Martins comentou a publicação de Ana Lima."},
        ]}),
        f"{FB}/comments_and_reactions/likes_and_reactions_1.json": meta_json([
            {"timestamp": NOW - 4000, "data": [{"reaction": {"reaction": "LIKE", "actor": "Rui Martins"}}],
             "title": "Rui Martins gostou da publicação de Ana Lima."},
        ]),
        "connections/friends/your_friends.json": meta_json({"friends_v2": [
            {"name": f"Amigo {n}", "timestamp": NOW} for n in range(friends)
        ]}),
    }  # fmt: skip


def build_zip(path: Path, files: dict[str, str | bytes | None]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            if text is not None:
                archive.writestr(name, text)
    return path
