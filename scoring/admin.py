from django.contrib import admin

from scoring.models import IdentityScore, MemberScore, ScoreRun


@admin.register(ScoreRun)
class ScoreRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "status", "day", "model_version", "identities", "members", "edges"]
    list_filter = ["kind", "status", "model_version"]
    readonly_fields = [f.name for f in ScoreRun._meta.fields]


@admin.register(IdentityScore)
class IdentityScoreAdmin(admin.ModelAdmin):
    list_display = ["identity", "day", "score", "unsmoothed", "model_version"]
    list_filter = ["day", "model_version"]
    raw_id_fields = ["identity"]
    list_select_related = ["identity"]


@admin.register(MemberScore)
class MemberScoreAdmin(admin.ModelAdmin):
    list_display = ["member", "day", "score", "unsmoothed", "model_version"]
    list_filter = ["day", "model_version"]
    raw_id_fields = ["member"]
    list_select_related = ["member"]
