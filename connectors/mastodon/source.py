"""Mastodon as a source: sign-in on any server, the hourly API sync, the public profile, the archive."""

from connectors.registry import ApiSync, FileFormat, SignIn, Source

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
    formats=(
        FileFormat(
            run_source="mastodon_archive",
            run_label="Mastodon archive upload",
            name="Mastodon archive",
            description="Upload the zip of your server\u2019s \u201cRequest your archive\u201d.",
            url_name="mastodon_archive_upload",
            path="import/mastodon-archive/",
            form="connectors.mastodon.forms.MastodonArchiveUploadForm",
            template="connectors/mastodon/archive_upload.html",
            importer="connectors.mastodon.imports.mastodon_archive_upload_import",
            extension=".zip",
            recognizes="connectors.mastodon.archive.mastodon_archive_recognized",
            command_importer="connectors.mastodon.imports.mastodon_archive_import",
        ),
    ),
)
