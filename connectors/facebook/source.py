"""Facebook Pages as a source: Facebook Login, and the hourly Graph API sync of a Page."""

from connectors.registry import ApiSync, FileFormat, SignIn, Source

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
    profile="connectors.facebook.profile",
    formats=(
        FileFormat(
            run_source="facebook_export",
            run_label="Facebook export upload",
            name="Facebook export",
            description=(
                "Upload the zip of Facebook\u2019s \u201cDownload your information\u201d (JSON): your "
                "posts, photos, videos, check-ins, comments and friends."
            ),
            url_name="facebook_export_upload",
            path="import/facebook-export/",
            form="connectors.facebook.forms.FacebookExportUploadForm",
            template="connectors/facebook/export_upload.html",
            importer="connectors.facebook.imports.facebook_export_upload_import",
            extension=".zip",
            recognizes="connectors.facebook.archive.facebook_export_recognized",
            command_importer="connectors.facebook.imports.facebook_export_import",
        ),
    ),
)
