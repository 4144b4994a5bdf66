"""Forms of the fund's public and reporting side: QM's check of the fields of action, the public
list's filter."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Handlungsfeld, Kostenkategorie, Quartier
from ..web.forms import FilterModelChoiceField, FilterSelect, KernForm
from .services.kosten import UEBERSETZUNG_FELDER


class HandlungsfeldMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.anzeigename


class HandlungsfelderForm(KernForm):
    """QM confirms or corrects the applicant's choice of fields of action."""

    handlungsfelder = HandlungsfeldMultipleChoiceField(
        label=_("Handlungsfelder"),
        queryset=Handlungsfeld.objects.none(),
        error_messages={"required": _("Bitte wählen Sie mindestens einen Bereich.")},
    )

    def __init__(self, *args, antrag, **kwargs):
        gewaehlt = [h.pk for h in antrag.handlungsfelder.all()]
        kwargs.setdefault("initial", {"handlungsfelder": gewaehlt})
        super().__init__(*args, prefix="handlungsfelder", **kwargs)
        self.fields["handlungsfelder"].queryset = Handlungsfeld.objects.filter(
            Q(aktiv=True) | Q(pk__in=gewaehlt)
        )


class GefoerderteFilterForm(KernForm):
    """The public list's filter: area, year, field of action (GET, all optional)."""

    quartier = FilterModelChoiceField(
        label=_("Quartier"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label=_("Alle Quartiere"),
    )
    jahr = forms.TypedChoiceField(label=_("Jahr"), coerce=int, required=False, widget=FilterSelect)
    handlungsfeld = FilterModelChoiceField(
        label=_("Handlungsfeld"),
        queryset=Handlungsfeld.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Handlungsfelder"),
    )

    def __init__(self, *args, quartiere, jahre, handlungsfelder=None, **kwargs):
        """``quartiere``: the areas to offer, read already (the stored choices,
        ``oeffentliche_jahre_und_quartiere``): the choices and the chosen one, no query;
        ``handlungsfelder``: all fields of action, when the page read them already (the open
        data files read only the chosen one)."""
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.fields["quartier"].queryset = Quartier.objects.filter(pk__in=[q.pk for q in quartiere])
        self.fields["quartier"].zeilen = quartiere
        self.fields["jahr"].choices = [(j, str(j)) for j in jahre]
        self.fields["handlungsfeld"].zeilen = handlungsfelder
        self.fields["handlungsfeld"].label_from_instance = lambda obj: obj.anzeigename


class BuchhaltungForm(KernForm):
    """QM enters the fund's budget line and the office's own bank account (checked by
    ``fonds.services.buchhaltung.buchhaltung_save``)."""

    haushaltsstelle = forms.CharField(
        label=_("Haushaltsstelle"),
        max_length=60,
        required=False,
        help_text=_("Titel im Haushalt, auf den die Auszahlungen gebucht werden"),
    )
    kostenstelle = forms.CharField(
        label=_("Kostenstelle"),
        max_length=60,
        required=False,
        help_text=_("Kostenstelle oder Projektnummer des Trägers"),
    )
    buero_kontoinhaber = forms.CharField(
        label=_("Kontoinhaber des QM-Büros"), max_length=70, required=False
    )
    buero_iban = forms.CharField(
        label=_("IBAN des QM-Büros"),
        max_length=42,
        required=False,
        help_text=_("Von diesem Konto werden die Auszahlungen überwiesen (SEPA-Datei)."),
    )
    buero_bic = forms.CharField(label=_("BIC des QM-Büros"), max_length=14, required=False)

    def __init__(self, *args, fonds, **kwargs):
        quartier = fonds.quartier
        kwargs.setdefault(
            "initial",
            {
                "haushaltsstelle": fonds.haushaltsstelle,
                "kostenstelle": fonds.kostenstelle,
                "buero_kontoinhaber": quartier.buero_kontoinhaber,
                "buero_iban": quartier.buero_iban,
                "buero_bic": quartier.buero_bic,
            },
        )
        super().__init__(*args, prefix="buchhaltung", **kwargs)
        self.fields["buero_iban"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )


class KostenkategorienUebersetzungForm(KernForm):
    """QM's translations of the area's cost categories: per category its name (and explanation,
    where it has one) in English, Turkish and Arabic; empty shows the German text."""

    def __init__(self, *args, kategorien, **kwargs):
        super().__init__(*args, **kwargs)
        self.kategorien = list(kategorien)
        for kategorie in self.kategorien:
            for feld in self._felder(kategorie):
                model_field = Kostenkategorie._meta.get_field(feld)
                self.fields[f"k{kategorie.pk}_{feld}"] = forms.CharField(
                    label=model_field.verbose_name,
                    max_length=model_field.max_length,
                    required=False,
                    initial=getattr(kategorie, feld),
                )

    @staticmethod
    def _felder(kategorie):
        return [f for f in UEBERSETZUNG_FELDER if kategorie.beschreibung or f.startswith("name")]

    def gruppen(self):
        """``[(kategorie, [bound fields])]``, one fieldset per category."""
        return [
            (kategorie, [self[f"k{kategorie.pk}_{feld}"] for feld in self._felder(kategorie)])
            for kategorie in self.kategorien
        ]

    def uebersetzungen(self):
        return {
            kategorie.pk: {
                feld: self.cleaned_data[f"k{kategorie.pk}_{feld}"]
                for feld in self._felder(kategorie)
            }
            for kategorie in self.kategorien
        }
