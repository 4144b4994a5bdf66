"""Django admin for areas, funds, categories and users. Antrag states change only through moves."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from workflow.moves import MoveRefused, antrag_move

from .models import (
    Aktionsfonds,
    Anhang,
    Antrag,
    Benachrichtigung,
    Kostenkategorie,
    Kostenposition,
    Quartier,
    Statuswechsel,
)
from .roles import Akteur


class KostenkategorieInline(admin.TabularInline):
    model = Kostenkategorie
    extra = 0


@admin.register(Quartier)
class QuartierAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "qm_buero_name", "qm_email")
    search_fields = ("name", "code")
    filter_horizontal = ("qm_staff",)
    inlines = [KostenkategorieInline]


@admin.register(Aktionsfonds)
class AktionsfondsAdmin(admin.ModelAdmin):
    list_display = ("quartier", "jahr", "budget", "foerderhoechstbetrag", "abrechnungsfrist_wochen")
    list_filter = ("jahr", "quartier")


class KostenpositionInline(admin.TabularInline):
    model = Kostenposition
    extra = 0


class StatuswechselInline(admin.TabularInline):
    model = Statuswechsel
    extra = 0
    can_delete = False
    readonly_fields = ("zeitpunkt", "von_status", "nach_status", "akteur", "rolle", "kommentar")

    def has_add_permission(self, request, obj=None):
        return False


def _move_action(move, label):
    def action(modeladmin, request, queryset):
        akteur = Akteur.from_request(request)
        for antrag in queryset:
            try:
                antrag_move(antrag, move, akteur=akteur, kommentar=str(_("über die Verwaltung")))
            except MoveRefused as refused:
                modeladmin.message_user(request, f"{antrag}: {refused.message}", messages.ERROR)
            else:
                modeladmin.message_user(request, f"{antrag}: {label}", messages.SUCCESS)

    action.__name__ = f"move_{move}"
    action.short_description = label
    return action


@admin.register(Antrag)
class AntragAdmin(admin.ModelAdmin):
    list_display = ("referenz", "titel", "fonds", "status", "betrag_beantragt", "eingereicht_am")
    list_filter = ("status", "fonds__jahr", "fonds__quartier")
    search_fields = ("referenz", "titel", "antragsteller_name", "antragsteller_email")
    readonly_fields = (
        "status",
        "referenz",
        "betrag_bewilligt",
        "betrag_reserviert",
        "betrag_ausgezahlt",
        "entschieden_am",
        "eingereicht_am",
    )
    inlines = [KostenpositionInline, StatuswechselInline]
    actions = [
        _move_action("start_review", _("Prüfung beginnen")),
        _move_action("put_to_jury", _("Der Jury vorlegen")),
        _move_action("close", _("Abschließen")),
    ]


@admin.register(Anhang)
class AnhangAdmin(admin.ModelAdmin):
    list_display = ("originalname", "antrag", "art", "content_type", "groesse")


@admin.register(Benachrichtigung)
class BenachrichtigungAdmin(admin.ModelAdmin):
    list_display = ("art", "empfaenger", "sprache", "erstellt_am", "gesendet_am", "versuche")
    list_filter = ("art", "sprache")
    readonly_fields = [f.name for f in Benachrichtigung._meta.fields]
