"""Bluesky as a source: sign-in with an app password, the hourly sync, the public profile, the export."""

from connectors.registry import ApiSync, FileFormat, SignIn, Source

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
    formats=(
        FileFormat(
            run_source="bluesky_repo",
            run_label="Bluesky export upload",
            name="Bluesky repository export",
            description="Upload the .car file of Bluesky\u2019s \u201cExport my data\u201d.",
            url_name="bluesky_repo_upload",
            path="import/bluesky-repo/",
            form="connectors.bluesky.forms.BlueskyRepoUploadForm",
            template="connectors/bluesky/repo_upload.html",
            importer="connectors.bluesky.imports.bluesky_repo_upload_import",
            extension=".car",
            recognizes="connectors.bluesky.repo.bluesky_repo_recognized",
            command_importer="connectors.bluesky.imports.bluesky_repo_import",
        ),
    ),
)
