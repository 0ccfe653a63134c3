"""Bluesky as a source: sign-in with an app password, the hourly sync, and the public profile."""

from connectors.registry import ApiSync, SignIn, Source

SOURCE = Source(
    package="connectors.bluesky",
    network="bluesky",
    name="Bluesky",
    label="Bluesky",
    description=(
        "Sign in with an app password; your posts, reposts, likes, replies and quotes are read hourly."
    ),
    sign_in=SignIn(
        urls="connectors.bluesky.urls",
        page="bluesky:account",
        button="Connect Bluesky",
        configured="connectors.bluesky.profile.configured",
        unconfigured_reason="",
    ),
    sync=ApiSync(
        run_source="bluesky_api",
        run_label="Bluesky sync",
        account_task="connectors.bluesky.tasks.bluesky_account_sync_task",
        all_accounts_task="connectors.bluesky.tasks.bluesky_accounts_sync_all",
        schedule_name="Sync connected Bluesky accounts",
        minute="45",
        schedule_description=(
            "Queues a sync of every active Bluesky account: new posts, likes, reposts, replies, quotes."
        ),
        public="connectors.bluesky.sync.bluesky_public_sync",
    ),
    profile="connectors.bluesky.profile",
)
