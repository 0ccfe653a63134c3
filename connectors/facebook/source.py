"""Facebook Pages as a source: Facebook Login, and the hourly Graph API sync of a Page."""

from connectors.registry import ApiSync, SignIn, Source

SOURCE = Source(
    package="connectors.facebook",
    network="facebook",
    name="Facebook Page",
    label="Facebook",
    description=(
        "For a Page you manage (Meta lets apps read no personal profile): sign in with Facebook; its "
        "posts with their reactions, comments and shares are read hourly."
    ),
    sign_in=SignIn(
        urls="connectors.facebook.urls",
        page="facebook:account",
        button="Connect a Facebook Page",
        configured="connectors.facebook.oauth.facebook_oauth_configured",
        unconfigured_reason="The operator of this server has not set up Facebook Login yet.",
    ),
    sync=ApiSync(
        run_source="facebook_api",
        run_label="Facebook Page sync",
        account_task="connectors.facebook.tasks.facebook_account_sync_task",
        all_accounts_task="connectors.facebook.tasks.facebook_accounts_sync_all",
        schedule_name="Sync connected Facebook Pages",
        minute="20",
        schedule_description=(
            "Queues a sync of every active Facebook Page: new posts, their counts, comments."
        ),
    ),
)
