"""Build X archive zips for tests from the recorded samples in ../shared/fixtures."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "twitter" / "archive-samples"


def archived_tweet(tweet: dict) -> dict:
    """A tweet the way X's archive stores it: wrapped, without the user, counts as strings."""
    tweet = {key: value for key, value in tweet.items() if key != "user"}
    for key in ("retweet_count", "favorite_count"):
        tweet[key] = str(tweet[key])
    return {"tweet": tweet}


def tweets_js(tweets: list[dict]) -> str:
    return "window.YTD.tweets.part0 = " + json.dumps([archived_tweet(t) for t in tweets], indent=2)


def sample_tweets() -> list[dict]:
    return json.loads((SAMPLES / "tweets.json").read_text())


def build_archive(
    path: Path, *, tweets: str | None = None, extra: dict[str, str | bytes] | None = None
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if tweets is not False:
            archive.writestr("data/tweets.js", tweets if tweets is not None else tweets_js(sample_tweets()))
        for name in ("account.js", "follower.js", "following.js"):
            archive.write(SAMPLES / name, f"data/{name}")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return path
