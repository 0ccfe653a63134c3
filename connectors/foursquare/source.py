"""Foursquare / Swarm as a source: sign-in, and the hourly sync of check-ins and tips."""

from connectors.registry import ApiSync, SignIn, Source

SOURCE = Source(
    package="connectors.foursquare",
    network="foursquare",
    name="Foursquare / Swarm",
    label="Foursquare",
    description=(
        "Sign in with Foursquare; your check-ins with their likes and comments, and your tips, "
        "are read hourly."
    ),
    sign_in=SignIn(
        urls="connectors.foursquare.urls",
        page="foursquare:account",
        button="Connect Foursquare",
        configured="connectors.foursquare.oauth.foursquare_oauth_configured",
        unconfigured_reason="The operator of this server has not set up Foursquare sign-in yet.",
    ),
    sync=ApiSync(
        run_source="foursquare_api",
        run_label="Foursquare API sync",
        account_task="connectors.foursquare.tasks.foursquare_account_sync_task",
        all_accounts_task="connectors.foursquare.tasks.foursquare_accounts_sync_all",
        schedule_name="Sync connected Foursquare accounts",
        minute="50",
        schedule_description="Queues a sync of every active Foursquare account: new check-ins, likes, tips.",
    ),
)
