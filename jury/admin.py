"""Django admin for jury members; users show their jury terms next to their QM areas."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from antraege.admin import AktionsfondsUserAdmin, NurLesen

from .abstimmungen.forms import JuryRegelnForm
from .abstimmungen.models import Abstimmung, JuryRegeln, Stimmberechtigung
from .mitglieder.models import Jurymitglied

User = get_user_model()


@admin.register(Jurymitglied)
class JurymitgliedAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "quartier",
        "rolle",
        "beginn",
        "ende",
        "gewaehlt_am",
        "mindestalter_bestaetigt",
    )
    list_filter = ("quartier", "rolle")
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


@admin.register(JuryRegeln)
class JuryRegelnAdmin(admin.ModelAdmin):
    # the rules QM edits on its page, then the meeting rules
    list_display = (
        "quartier",
        *JuryRegelnForm.Meta.fields,
        "mindestgroesse",
        "namentliche_abstimmung",
    )


class StimmberechtigungInline(NurLesen, admin.TabularInline):
    model = Stimmberechtigung
    fields = ("mitglied", "befangen", "befangenheit_grund", "anwesend")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Abstimmung)
class AbstimmungAdmin(NurLesen, admin.ModelAdmin):
    """Read-only: votes change only through ``jury.abstimmungen.services`` (ballots are never shown here)."""

    list_display = ("antrag", "modus", "frist", "geschlossen_am", "ergebnis")
    list_filter = ("modus", "ergebnis", "antrag__fonds__quartier")
    inlines = [StimmberechtigungInline]
