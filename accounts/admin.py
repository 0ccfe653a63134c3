from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Brand, BrandInvitation, BrandMembership, Member, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["slug", "user", "profile_public", "opted_out_at", "created_at"]
    search_fields = ["slug", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class BrandMembershipInline(admin.TabularInline):
    model = BrandMembership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [BrandMembershipInline]


@admin.register(BrandMembership)
class BrandMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "brand", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "brand"]
    raw_id_fields = ["user", "brand"]


@admin.register(BrandInvitation)
class BrandInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "brand", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["email", "brand__name"]
    list_select_related = ["brand"]
    raw_id_fields = ["brand", "invited_by", "accepted_by"]
    # The token is the invitation's key: whoever reads it may join the brand, so it is not shown.
    exclude = ["token"]


# --- Privacy ---------------------------------------------------------------------------------
# Read-only: these rows are the record of what was done; editing them would falsify it.
