"""YouTube as a source: sign-in with Google, and the sync of the channel within the daily quota."""

from connectors.registry import ApiSync, SignIn, Source

SOURCE = Source(
    package="connectors.youtube",
    network="youtube",
    name="YouTube",
    label="YouTube",
    description=(
        "Sign in with Google; your channel\u2019s videos with their views and likes, and the comments "
        "and replies on them, are read every few hours."
    ),
    sign_in=SignIn(
        urls="connectors.youtube.urls",
        page="youtube:account",
        button="Connect YouTube",
        configured="connectors.youtube.oauth.youtube_oauth_configured",
        unconfigured_reason="The operator of this server has not set up Google sign-in for YouTube yet.",
    ),
    sync=ApiSync(
        run_source="youtube_api",
        run_label="YouTube API sync",
        account_task="connectors.youtube.tasks.youtube_account_sync_task",
        all_accounts_task="connectors.youtube.tasks.youtube_accounts_sync_all",
        schedule_name="Sync connected YouTube channels",
        minute="35",
        schedule_description=(
            "Queues a sync of every active YouTube channel not read in the last YOUTUBE_SYNC_HOURS: "
            "new videos, their counts, new comments and replies."
        ),
    ),
    profile="connectors.youtube.profile",
)
