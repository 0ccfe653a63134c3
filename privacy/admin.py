"""The privacy records in the admin: read-only, for they are evidence of what was done."""

from django.contrib import admin

from privacy.models import DataExport, OptOutChallenge, PrivacyEvent


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PrivacyEvent)
class PrivacyEventAdmin(_ReadOnlyAdmin):
    list_display = ["kind", "created_at", "subject_digest"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OptOutChallenge)
class OptOutChallengeAdmin(_ReadOnlyAdmin):
    list_display = ["id", "network", "status", "created_at", "expires_at", "attempts", "background_checks"]
    list_filter = ["network", "status"]
    # The code and the status-page token stay out of the admin: they are the proof.
    exclude = ["token", "code", "requester_digest"]


@admin.register(DataExport)
class DataExportAdmin(_ReadOnlyAdmin):
    list_display = ["id", "user", "status", "progress", "size", "created_at", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["user"]
    exclude = ["file_name"]
