from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from practice.models import Invitation, Membership, Studio, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "time_zone", "require_mfa", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["code"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "studio", "role", "expires_at", "accepted_at"]
    list_filter = ["role"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_by", "accepted_at"]
