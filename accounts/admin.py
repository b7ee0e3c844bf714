"""Members in the admin: the same username rules as sign-up, and the member picker for mutes."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import FieldDoesNotExist

from accounts import names
from accounts.models import User


class UsernameRuleMixin:
    """The admin's forms apply accounts.names' rule (a superuser may name a staff account
    with a reserved name, never a look-alike of another member's)."""

    def clean_username(self):
        username = self.cleaned_data.get("username")
        if not username:
            return username
        return names.check_username(username, exclude_pk=self.instance.pk, allow_reserved=True)

    def clean_display_name(self):
        return names.check_display_name(self.cleaned_data["display_name"], user=self.instance)


class MemberCreationForm(UsernameRuleMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User


class MemberChangeForm(UsernameRuleMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Profile",
            {"fields": ["display_name", "bio", "avatar", "hide_votes", "email_notifications"]},
        ),
    ]
    list_display = ["username", "email", "display_name", "is_staff", "date_joined"]
    search_fields = ["username", "email", "display_name"]

    def has_view_permission(self, request, obj=None) -> bool:
        """Editors may not browse members, but they pick one to mute: the admin's
        autocomplete asks this admin for view permission on behalf of the form that holds
        the picker, so it is granted for that search alone."""
        if super().has_view_permission(request, obj):
            return True
        return obj is None and self.is_member_picker_for_editor(request)

    def get_search_fields(self, request):
        if self.is_member_picker_for_editor(request) and not super().has_view_permission(request):
            # A picker finds members by their public names; emails stay private.
            return ["username", "display_name"]
        return super().get_search_fields(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_member_picker_for_editor(request) and not super().has_view_permission(request):
            return queryset.filter(is_active=True)
        return queryset

    def is_member_picker_for_editor(self, request) -> bool:
        """An admin autocomplete request for a member field of a model the requester may
        add or change (a mute's member, for an editor)."""
        match = request.resolver_match
        if match is None or match.url_name != "autocomplete" or request.method != "GET":
            return False
        try:
            model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            field = model._meta.get_field(request.GET["field_name"])
        except (KeyError, LookupError, FieldDoesNotExist, ValueError):
            return False
        if getattr(field, "remote_field", None) is None or field.remote_field.model is not User:
            return False
        source_admin = self.admin_site._registry.get(model)
        if source_admin is None or field.name not in source_admin.get_autocomplete_fields(request):
            return False
        return source_admin.has_add_permission(request) or source_admin.has_change_permission(
            request
        )
