"""Mastodon as a source: sign-in on any server, the hourly API sync, and the public profile."""

from connectors.registry import ApiSync, SignIn, Source

SOURCE = Source(
    package="connectors.mastodon",
    network="mastodon",
    name="Mastodon",
    label="Mastodon",
    description=(
        "Sign in on your Mastodon server; your posts, boosts, favourites, replies, quotes and mentions are "
        "read hourly."
    ),
    sign_in=SignIn(
        urls="connectors.mastodon.urls",
        page="mastodon:account",
        button="Connect Mastodon",
        configured="connectors.mastodon.profile.configured",
        unconfigured_reason="",
    ),
    sync=ApiSync(
        run_source="mastodon_api",
        run_label="Mastodon API sync",
        account_task="connectors.mastodon.tasks.mastodon_account_sync_task",
        all_accounts_task="connectors.mastodon.tasks.mastodon_accounts_sync_all",
        schedule_name="Sync connected Mastodon accounts",
        minute="25",
        schedule_description=(
            "Queues a sync of every active Mastodon account: new posts, mentions, favourites, boosts, "
            "replies, quotes."
        ),
        public="connectors.mastodon.sync.mastodon_public_sync",
    ),
    profile="connectors.mastodon.profile",
)
