from django.contrib import admin

from scoring.models import IdentityScore, MemberScore, ScoreRun


class ComputedAdmin(admin.ModelAdmin):
    """Rows the score runs write: an operator reads them; a hand edit would be a false score."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScoreRun)
class ScoreRunAdmin(ComputedAdmin):
    list_display = ["day", "started_at", "kind", "status", "model_version", "identities", "members", "edges"]
    list_filter = ["kind", "status", "model_version"]
    ordering = ["-started_at"]


@admin.register(IdentityScore)
class IdentityScoreAdmin(ComputedAdmin):
    list_display = ["identity", "day", "score", "unsmoothed", "model_version"]
    list_filter = ["day", "model_version"]
    search_fields = ["identity__handle"]
    list_select_related = ["identity"]
    ordering = ["-day", "-score"]


@admin.register(MemberScore)
class MemberScoreAdmin(ComputedAdmin):
    list_display = ["member", "day", "score", "unsmoothed", "model_version"]
    list_filter = ["day", "model_version"]
    search_fields = ["member__slug", "member__user__email"]
    list_select_related = ["member"]
    ordering = ["-day", "-score"]
