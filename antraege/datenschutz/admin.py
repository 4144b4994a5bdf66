"""The audit log in the Django admin: admins read it, nobody edits or deletes a row by hand."""

from django.contrib import admin

from .models import Zugriffsnachweis


@admin.register(Zugriffsnachweis)
class ZugriffsnachweisAdmin(admin.ModelAdmin):
    list_display = ("zeitpunkt", "akteur_name", "aktion", "antrag", "gegenstand")
    list_filter = ("aktion",)
    search_fields = ("akteur_name", "gegenstand", "antrag__referenz")
    date_hierarchy = "zeitpunkt"
    list_select_related = ("antrag",)
    readonly_fields = [f.name for f in Zugriffsnachweis._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
