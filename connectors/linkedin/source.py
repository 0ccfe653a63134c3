"""LinkedIn as a source: its data export. LinkedIn's API gives members' analytics only to its
approved partners, so there is no sign-in to offer."""

from connectors.registry import FileFormat, Source

SOURCE = Source(
    package="connectors.linkedin",
    network="linkedin",
    name="LinkedIn",
    label="LinkedIn",
    description="Your LinkedIn data export: posts, articles, comments and connections.",
    notice=(
        "LinkedIn lets only its approved partners read members\u2019 activity, so there is no LinkedIn "
        "sign-in here: upload the copy of your data LinkedIn gives you instead."
    ),
    formats=(
        FileFormat(
            run_source="linkedin_export",
            run_label="LinkedIn export upload",
            name="LinkedIn data export",
            description=(
                "Upload the zip of LinkedIn\u2019s \u201cGet a copy of your data\u201d: your posts, "
                "articles, comments and connections."
            ),
            url_name="linkedin_export_upload",
            path="import/linkedin-export/",
            form="connectors.linkedin.forms.LinkedInExportUploadForm",
            template="connectors/linkedin/export_upload.html",
            importer="connectors.linkedin.imports.linkedin_export_upload_import",
            extension=".zip",
            recognizes="connectors.linkedin.export.linkedin_export_recognized",
            command_importer="connectors.linkedin.imports.linkedin_export_import",
        ),
    ),
)
