"""Forms of the jury pages: parse input only; the rules are in ``jury.abstimmungen.services``."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antraege.models import Quartier
from antraege.money import euro_format
from antraege.web.forms import KernForm, KernModelForm

from .models import JuryRegeln, StimmWert


class StimmzettelForm(KernForm):
    wert = forms.ChoiceField(
        label=_("Ihre Stimme"), choices=StimmWert.choices, widget=forms.RadioSelect
    )
    kommentar = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zum Beispiel ein Vorschlag für einen geringeren Betrag oder eine Auflage."),
    )


class BefangenheitForm(KernForm):
    grund = forms.CharField(
        label=_("Grund"),
        required=False,
        max_length=300,
        help_text=_("Zum Beispiel: Ich gehöre zur antragstellenden Initiative."),
    )


def abstimmungsbetrag_field():
    """The amount put to the jury's vote (requested or less): online and in the meeting."""
    return forms.DecimalField(
        label=_("Betrag zur Abstimmung (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        help_text=_("Der beantragte Betrag oder ein geringerer."),
    )


class KostenplanFelder:
    """The cost lines of a form that puts an amount to the jury: one field per line for its
    approved amount when the jury cuts (the request as initial value). Online and meeting."""

    def _positionen_felder(self, positionen):
        """One field per cost line: its approved amount when the jury cuts (requested: initial)."""
        self.positionen_felder = []
        for position in positionen:
            name = f"position_{position.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("%(position)s (beantragt %(betrag)s €)")
                % {"position": position.beschreibung, "betrag": euro_format(position.betrag)},
                max_digits=10,
                decimal_places=2,
                min_value=0,
                localize=True,
                required=False,
                initial=position.betrag,
            )
            self.fields[name].widget.attrs["class"] = "kern-form-input__input"
            self.positionen_felder.append(name)

    def positionen_zeilen(self):
        return [self[name] for name in self.positionen_felder]

    def kostenplan(self):
        """Cost line pk → approved amount, as entered (empty fields: as requested)."""
        return {
            int(name.split("_", 1)[1]): self.cleaned_data[name]
            for name in self.positionen_felder
            if self.cleaned_data.get(name) is not None
        }


class AbstimmungEroeffnenForm(KostenplanFelder, KernForm):
    betrag = abstimmungsbetrag_field()
    auflagen = forms.CharField(
        label=_("Auflagen"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    frist = forms.DateTimeField(
        label=_("Frist"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Bis wann die Jury abstimmen kann (Datum und Uhrzeit)."),
    )

    antragsteller = forms.MultipleChoiceField(
        label=_("Antragsteller*in in der Jury: nicht stimmberechtigt"),
        help_text=_(
            "Die Antragstellenden haben ihre E-Mail-Adresse über den Link in ihrer E-Mail "
            "bestätigt, und diese Adresse gehört zu diesem Jurymitglied. Angekreuzte Mitglieder "
            "stimmen nicht mit ab. Entfernen Sie das Kreuz nur, wenn es eine andere Person ist."
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, treffer=(), positionen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._positionen_felder(positionen)
        choices = [(str(m.pk), m.anzeigename) for m in treffer]
        if choices:
            self.fields["antragsteller"].choices = choices
            self.fields["antragsteller"].initial = [pk for pk, _label in choices]
        else:
            del self.fields["antragsteller"]

    def clean_frist(self):
        frist = self.cleaned_data["frist"]
        if frist <= timezone.now():
            raise forms.ValidationError(_("Die Frist muss in der Zukunft liegen."))
        return frist


class JuryRegelnForm(KernModelForm):
    class Meta:
        model = JuryRegeln
        localized_fields = ("quorum_anteil", "praesentation_ab")
        fields = [
            "quorum_anteil",
            "bei_gleichstand",
            "abstimmungsdauer_tage",
            "erinnerung_stunden",
            "ruhezeit_stunden",
            "offene_abstimmung",
            "unterlagen_tage_vorher",
            "praesentation_ab",
            "namentliche_abstimmung",
            "vertretung_online",
            "mindestgroesse",
        ]

    # an area rule outside the jury's, edited on the same page: how early "Projektbeginn bestätigen"
    # is taken (``antraege.geld.selectors.abrechnung.projektbeginn_ab``)
    projektbeginn_kulanz_tage = forms.IntegerField(
        label=Quartier._meta.get_field("projektbeginn_kulanz_tage").verbose_name,
        help_text=Quartier._meta.get_field("projektbeginn_kulanz_tage").help_text,
        min_value=0,
        max_value=365,
        required=False,  # left empty: the area keeps its grace
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "projektbeginn_kulanz_tage"
        ].initial = self.instance.quartier.projektbeginn_kulanz_tage
