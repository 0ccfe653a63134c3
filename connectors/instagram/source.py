"""Instagram as a source: Facebook Login for a professional account, and the hourly Graph API sync."""

from connectors.registry import ApiSync, FileFormat, SignIn, Source

SOURCE = Source(
    package="connectors.instagram",
    network="instagram",
    name="Instagram",
    label="Instagram",
    description=(
        "For business and creator accounts linked to a Facebook Page: sign in with Facebook; your posts "
        "and reels with their likes and comments, the comments and replies, and where you are tagged are "
        "read hourly."
    ),
    sign_in=SignIn(
        urls="connectors.instagram.urls",
        page="instagram:account",
        button="Connect Instagram",
        configured="connectors.instagram.oauth.instagram_oauth_configured",
        unconfigured_reason="The operator of this server has not set up Facebook Login yet.",
    ),
    sync=ApiSync(
        run_source="instagram_api",
        run_label="Instagram API sync",
        account_task="connectors.instagram.tasks.instagram_account_sync_task",
        all_accounts_task="connectors.instagram.tasks.instagram_accounts_sync_all",
        schedule_name="Sync connected Instagram accounts",
        minute="15",
        schedule_description=(
            "Queues a sync of every active Instagram account: new media, comments, replies, tags."
        ),
    ),
    profile="connectors.instagram.profile",
    formats=(
        FileFormat(
            run_source="instagram_export",
            run_label="Instagram export upload",
            name="Instagram export",
            description=(
                "Upload the zip of Instagram\u2019s \u201cDownload your information\u201d (JSON): "
                "your posts, reels, comments, likes and followers."
            ),
            url_name="instagram_export_upload",
            path="import/instagram-export/",
            form="connectors.instagram.forms.InstagramExportUploadForm",
            template="connectors/instagram/export_upload.html",
            importer="connectors.instagram.imports.instagram_export_upload_import",
            extension=".zip",
            recognizes="connectors.instagram.archive.instagram_export_recognized",
            command_importer="connectors.instagram.imports.instagram_export_import",
        ),
    ),
)
