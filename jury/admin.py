"""Django admin for jury members; users show their jury terms next to their QM areas."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from antraege.admin import AktionsfondsUserAdmin

from .models import Jurymitglied

User = get_user_model()


@admin.register(Jurymitglied)
class JurymitgliedAdmin(admin.ModelAdmin):
    list_display = ("user", "quartier", "beginn", "ende")
    list_filter = ("quartier",)
    list_select_related = ("user", "quartier")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user",)


class JurymitgliedInline(admin.TabularInline):
    model = Jurymitglied
    extra = 0


class JuryUserAdmin(AktionsfondsUserAdmin):
    inlines = [*AktionsfondsUserAdmin.inlines, JurymitgliedInline]


admin.site.unregister(User)
admin.site.register(User, JuryUserAdmin)
