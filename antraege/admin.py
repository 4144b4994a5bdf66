"""Django admin for areas, funds, categories and users. Applicants' data is read-only here.

An Antrag, its cost lines, attachments, e-mails, agreement and repayment claims are shown, never
changed, added or deleted (``NurLesen``): contact data, amounts, cost lines, reasons and states
change only through the product's moves (with their timeline) and QM's pages. Bank details are
not in the admin at all. The admin actions call ``antrag_move`` like every other entry point, so
they are allowed only to whoever the flow allows (QM staff of the area). An admin who is not QM
staff of the area sees the refusal as a message and nothing changes.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from workflow.moves import MoveRefused, antrag_move

from .antrag.selectors import aktionsfonds_saldo
from .datenschutz.models import Zugriffsnachweis
from .datenschutz.nachweis import zugriffsnachweis_record
from .models import (
    Aktionsfonds,
    Anhang,
    Antrag,
    AntragStatus,
    Benachrichtigung,
    Handlungsfeld,
    Kostenkategorie,
    Kostenposition,
    Quartier,
    Rueckforderung,
    Statuswechsel,
    Vereinbarung,
)
from .money import euro_format
from .roles import Akteur

User = get_user_model()


class NurLesen:
    """An admin (or inline) that shows rows and changes none: no add, change or delete form.

    For every model that holds an applicant's data (``tests/test_admin_nur_lesen.py`` walks them).
    """

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# What residents read of a category or field of action, in German and each language it is kept
# in (an empty translation shows the German text, or the catalogue's for the programme's own).
KATEGORIE_FIELDSETS = [
    (None, {"fields": ("name", "foerderung", "reihenfolge")}),
    (
        _("Bezeichnung in den anderen Sprachen"),
        {"fields": ("name_en", "name_tr", "name_ar")},
    ),
    (
        _("Erläuterung"),
        {"fields": ("beschreibung", "beschreibung_en", "beschreibung_tr", "beschreibung_ar")},
    ),
]


class KostenkategorieInline(admin.StackedInline):
    model = Kostenkategorie
    extra = 0
    fieldsets = KATEGORIE_FIELDSETS


@admin.register(Quartier)
class QuartierAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "qm_buero_name", "qm_email", "qm_sprache")
    search_fields = ("name", "code")
    filter_horizontal = ("qm_staff",)
    inlines = [KostenkategorieInline]
    # QM of the area enters the office's account on the fund report page (IBAN checked there).
    readonly_fields = ("buero_kontoinhaber", "buero_iban", "buero_bic")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # a new area starts with the programme's cost categories
            from .fonds.services.kosten import kostenkategorien_defaults_create

            kostenkategorien_defaults_create(form.instance)


@admin.register(Kostenkategorie)
class KostenkategorieAdmin(admin.ModelAdmin):
    list_display = ("name", "quartier", "foerderung", "reihenfolge")
    list_filter = ("quartier", "foerderung")
    search_fields = ("name",)
    fieldsets = [(None, {"fields": ("quartier",)}), *KATEGORIE_FIELDSETS]


class ListeBeschriftet:
    """A list with fields to edit in its rows (``list_editable``): each input named by its column
    and its row ("Reihenfolge – Bildung") in the HTML, so it has a name without a script too."""

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        spalten = {name: label_for_field(name, self.model, self) for name in self.list_editable}

        class Beschriftet(formset):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                for name, spalte in spalten.items():
                    if name in form.fields:
                        zeile = str(form.instance) if form.instance.pk else ""
                        form.fields[name].widget.attrs["aria-label"] = (
                            f"{spalte} – {zeile}" if zeile else str(spalte)
                        )
                return form

        return Beschriftet


@admin.register(Handlungsfeld)
class HandlungsfeldAdmin(ListeBeschriftet, admin.ModelAdmin):
    """The programme's fields of action: kept as data; retire a field (``aktiv``) instead of
    deleting it, so past Anträge keep theirs."""

    list_display = ("name", "erklaerung", "reihenfolge", "aktiv")
    list_editable = ("reihenfolge", "aktiv")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = [
        (None, {"fields": ("name", "slug", "erklaerung", "reihenfolge", "aktiv")}),
        (
            _("In den anderen Sprachen"),
            {
                "fields": (
                    "name_en",
                    "name_tr",
                    "name_ar",
                    "erklaerung_en",
                    "erklaerung_tr",
                    "erklaerung_ar",
                )
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.antraege.exists()


@admin.register(Aktionsfonds)
class AktionsfondsAdmin(admin.ModelAdmin):
    list_display = (
        "quartier",
        "jahr",
        "budget",
        "foerderhoechstbetrag",
        "abschlag_prozent",
        "abschlag_automatisch",
        "pauschale_prozent",
        "abrechnungsfrist_wochen",
        "antraege_ab",
        "abgeschlossen_am",
    )
    list_filter = ("jahr", "quartier")
    # The year-end close is QM's act on the fund report page (``aktionsfonds_close``).
    # Budget line and cost centre: QM's entries on the fund report page.
    readonly_fields = (
        "saldo",
        "abgeschlossen_am",
        "abgeschlossen_von",
        "haushaltsstelle",
        "kostenstelle",
    )

    @admin.display(description=_("Stand des Fonds"))
    def saldo(self, obj):
        if obj.pk is None:
            return "–"
        saldo = aktionsfonds_saldo(obj)
        text = _(
            "reserviert %(reserviert)s €, ausgezahlt %(ausgezahlt)s €, verfügbar %(frei)s €"
        ) % {
            "reserviert": euro_format(saldo.reserviert, localized=True),
            "ausgezahlt": euro_format(saldo.ausgezahlt, localized=True),
            "frei": euro_format(saldo.verfuegbar, localized=True),
        }
        if saldo.abgeschlossen:
            text += ", " + _("verfallen %(betrag)s €") % {
                "betrag": euro_format(saldo.verfallen, localized=True)
            }
        return text


class KostenpositionInline(NurLesen, admin.TabularInline):
    model = Kostenposition
    extra = 0


class StatuswechselInline(NurLesen, admin.TabularInline):
    model = Statuswechsel
    extra = 0
    can_delete = False
    readonly_fields = (
        "zeitpunkt",
        "von_status",
        "nach_status",
        "akteur",
        "rolle",
        "kommentar",
        "intern",
    )


def _move_action(move, label):
    def action(modeladmin, request, queryset):
        akteur = Akteur.from_request(request)
        for antrag in queryset:
            try:
                antrag_move(
                    antrag,
                    move,
                    akteur=akteur,
                    kommentar=str(_("über die Verwaltung")),
                    intern=True,
                )
            except MoveRefused as refused:
                modeladmin.message_user(request, f"{antrag}: {refused.message}", messages.ERROR)
            else:
                modeladmin.message_user(request, f"{antrag}: {label}", messages.SUCCESS)

    action.__name__ = f"move_{move}"
    action.short_description = label
    return action


@admin.register(Antrag)
class AntragAdmin(NurLesen, admin.ModelAdmin):
    """Anträge come from residents; here they can be read and moved, not changed, created or
    deleted."""

    list_display = ("referenz", "titel", "fonds", "status", "betrag_beantragt", "eingereicht_am")
    list_filter = ("status", "fonds__jahr", "fonds__quartier")
    list_select_related = ("fonds__quartier",)
    search_fields = ("referenz", "titel", "antragsteller_name", "antragsteller_email")
    readonly_fields = (
        "fonds",
        "status",
        "referenz",
        "pruefvermerk",
        "betrag_bewilligt",
        "auflagen",
        "entscheidungsgrund",
        "entschieden_am",
        "abrechnungsfrist",
        "betrag_reserviert",
        "betrag_ausgezahlt",
        "eingereicht_am",
    )
    inlines = [KostenpositionInline, StatuswechselInline]
    actions = [
        _move_action("start_review", _("Prüfung beginnen")),
        _move_action("put_to_jury", _("Der Jury vorlegen")),
        _move_action("return_to_review", _("Zurück in die Prüfung")),
        _move_action("close", _("Abschließen")),
    ]

    def get_queryset(self, request):
        # Nobody on the staff side reads an Antrag before it is submitted.
        return super().get_queryset(request).exclude(status=AntragStatus.DRAFT)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        antrag = self.get_object(request, object_id)
        if antrag is not None:
            zugriffsnachweis_record(request.user, Zugriffsnachweis.Aktion.ANSICHT, antrag=antrag)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Anhang)
class AnhangAdmin(NurLesen, admin.ModelAdmin):
    list_display = ("originalname", "antrag", "art", "content_type", "groesse")
    list_select_related = ("antrag",)

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(antrag__status=AntragStatus.DRAFT)


@admin.register(Benachrichtigung)
class BenachrichtigungAdmin(NurLesen, admin.ModelAdmin):
    list_display = ("art", "empfaenger", "sprache", "erstellt_am", "gesendet_am", "versuche")
    list_filter = ("art", "sprache")
    readonly_fields = [f.name for f in Benachrichtigung._meta.fields]


class QmQuartierInline(admin.TabularInline):
    """The areas a user works on as QM staff."""

    model = Quartier.qm_staff.through
    extra = 0
    verbose_name = _("QM-Quartier")
    verbose_name_plural = _("Als QM zuständig für")


class AktionsfondsUserAdmin(UserAdmin):
    """Users with the areas they work on; ``jury.admin`` adds the jury memberships."""

    inlines = [QmQuartierInline]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AktionsfondsUserAdmin)


@admin.register(Rueckforderung)
class RueckforderungAdmin(NurLesen, admin.ModelAdmin):
    """Open and settled repayment claims (QM records repayments on the settlement page)."""

    list_display = ("antrag", "anlass", "betrag", "frist", "zurueckgezahlt_am")
    list_filter = ("anlass", "antrag__fonds__quartier")
    list_select_related = ("antrag",)
    readonly_fields = [f.name for f in Rueckforderung._meta.fields]


@admin.register(Vereinbarung)
class VereinbarungAdmin(NurLesen, admin.ModelAdmin):
    list_display = ("antrag", "art", "bestaetigt_am")
    list_select_related = ("antrag",)
    readonly_fields = [f.name for f in Vereinbarung._meta.fields]


# Bank details are not in the admin on purpose: only QM staff of the area see an IBAN in full;
# payout orders and SEPA files (they carry IBANs) neither: QM's payments page shows them.


# The audit log (read-only for admins) is registered by the data protection module.
from .datenschutz import admin as datenschutz_admin  # noqa: E402, F401
