"""Admin for activity data and for watching sync and import runs.

Activity rows are read-only here: they are written by the ingest path only, and a hand
edit would be overwritten by the next sync anyway.
"""

from __future__ import annotations

from django.contrib import admin

from connectors.models import ConnectedAccount, Identity, Interaction, Post, SyncRun, Tombstone


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Identity)
class IdentityAdmin(ReadOnlyAdmin):
    list_display = [
        "network",
        "handle",
        "external_id",
        "name",
        "followers",
        "verified",
        "member",
        "updated_at",
    ]
    list_filter = ["network", "verified"]
    search_fields = ["handle", "external_id", "name"]
    list_select_related = ["member"]
    show_full_result_count = False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["network", "external_id", "author", "kind", "created_at", "reposts", "replies", "likes"]
    list_filter = ["network", "kind"]
    search_fields = ["external_id", "author__handle"]
    list_select_related = ["author"]
    raw_id_fields = ["author"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = ["network", "kind", "actor", "target", "post_external_id", "occurred_at"]
    list_filter = ["network", "kind"]
    search_fields = ["actor__handle", "target__handle", "post_external_id"]
    list_select_related = ["actor", "target"]
    raw_id_fields = ["actor", "target", "post"]
    show_full_result_count = False


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(admin.ModelAdmin):
    list_display = ["identity", "member", "network", "status", "last_synced_at", "created_at"]
    list_filter = ["network", "status"]
    search_fields = ["identity__handle", "member__user__email"]
    raw_id_fields = ["member", "identity"]
    # Tokens never appear in the admin, not even encrypted.
    exclude = ["access_token", "refresh_token"]
    readonly_fields = ["cursor", "last_synced_at", "last_error", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("access_token", "refresh_token")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "source", "status", "progress", "member", "account", "created_at", "finished_at"]
    list_filter = ["source", "status"]
    search_fields = ["member__user__email", "upload_name", "error"]
    raw_id_fields = ["member", "account"]


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyAdmin):
    list_display = ["digest", "created_at"]
    search_fields = ["digest"]
