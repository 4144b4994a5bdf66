from django.contrib import admin

from .models import Jurymitglied


@admin.register(Jurymitglied)
class JurymitgliedAdmin(admin.ModelAdmin):
    list_display = ("user", "quartier", "beginn", "ende")
    list_filter = ("quartier",)


from .models import Abstimmung, JuryRegeln, Stimmberechtigung  # noqa: E402


@admin.register(JuryRegeln)
class JuryRegelnAdmin(admin.ModelAdmin):
    list_display = (
        "quartier",
        "quorum_anteil",
        "bei_gleichstand",
        "abstimmungsdauer_tage",
        "erinnerung_stunden",
        "ruhezeit_stunden",
        "offene_abstimmung",
    )


class StimmberechtigungInline(admin.TabularInline):
    model = Stimmberechtigung
    fields = ("mitglied", "befangen", "befangenheit_grund", "anwesend")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Abstimmung)
class AbstimmungAdmin(admin.ModelAdmin):
    """Read-only: votes change only through ``jury.services`` (ballots are never shown here)."""

    list_display = ("antrag", "modus", "frist", "geschlossen_am", "ergebnis")
    list_filter = ("modus", "ergebnis", "antrag__fonds__quartier")
    inlines = [StimmberechtigungInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
