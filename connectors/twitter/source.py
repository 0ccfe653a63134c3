"""X (Twitter) as a source: sign-in, the hourly API sync, the public profile and the archive."""

from connectors.registry import ApiSync, FileFormat, SignIn, Source

SOURCE = Source(
    package="connectors.twitter",
    network="x",
    name="X (Twitter)",
    label="X",
    description="Sign in with X; your posts, mentions, likes, reposts and quotes are read hourly.",
    sign_in=SignIn(
        urls="connectors.twitter.urls",
        page="x:account",
        button="Connect X",
        configured="connectors.twitter.oauth.x_oauth_configured",
        unconfigured_reason="The operator of this server has not set up X sign-in yet.",
    ),
    sync=ApiSync(
        run_source="x_api",
        run_label="X API sync",
        account_task="connectors.twitter.tasks.x_account_sync_task",
        all_accounts_task="connectors.twitter.tasks.x_accounts_sync_all",
        schedule_name="Sync connected X accounts",
        minute="5",
        schedule_description=(
            "Queues a sync of every active X account: new posts, mentions, likes, reposts, quotes."
        ),
    ),
    profile="connectors.twitter.profile",
    formats=(
        FileFormat(
            run_source="x_archive",
            run_label="X archive upload",
            name="X archive",
            description="Upload the zip from X\u2019s \u201cDownload an archive of your data\u201d.",
            url_name="archive_upload",
            path="import/x-archive/",
            form="connectors.twitter.forms.ArchiveUploadForm",
            template="connectors/archive_upload.html",
            importer="connectors.twitter.imports.archive_upload_import",
            extension=".zip",
            recognizes="connectors.twitter.archive.x_archive_recognized",
            command_importer="connectors.twitter.imports.archive_import",
        ),
    ),
)
