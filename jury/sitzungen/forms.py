"""Forms of the meeting pages: parse input only; the rules are in ``jury.sitzungen.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from antraege.web.forms import DateInput, KernForm, KernModelForm

from ..abstimmungen.forms import KostenplanFelder, abstimmungsbetrag_field
from ..abstimmungen.models import StimmWert
from .models import Sitzung


class SitzungForm(KernForm):
    datum = forms.DateField(label=_("Datum"), widget=DateInput)
    beginn = forms.TimeField(
        label=_("Beginn"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ort = forms.CharField(
        label=_("Ort"),
        max_length=200,
        help_text=_("Adresse und Raum, oder „online“ mit dem Zugang."),
    )
    online = forms.BooleanField(label=_("Die Sitzung findet online statt"), required=False)
    einreichungsfrist = forms.DateField(
        label=_("Einreichungsfrist"),
        widget=DateInput,
        help_text=_(
            "Alle förderfähigen Anträge, die bis zu diesem Tag eingereicht wurden, kommen "
            "automatisch auf die Tagesordnung."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("datum") and data.get("einreichungsfrist"):
            if data["einreichungsfrist"] > data["datum"]:
                self.add_error(
                    "einreichungsfrist",
                    _("Die Einreichungsfrist muss vor dem Tag der Sitzung liegen."),
                )
        return data


class VertagenForm(KernForm):
    grund = forms.CharField(
        label=_("Grund der Vertagung"),
        max_length=500,
        help_text=_("Zum Beispiel: Kostenvoranschlag fehlt, Antragstellerin verhindert."),
    )


class AnwesenheitForm(KernForm):
    """Present members and deputies; for each deputy, whom they stand in for."""

    mitglieder = forms.MultipleChoiceField(
        label=_("Anwesende Mitglieder"), widget=forms.CheckboxSelectMultiple, required=False
    )
    stellvertretungen = forms.MultipleChoiceField(
        label=_("Anwesende Stellvertreter*innen"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, mitglieder=(), stellvertretungen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mitglieder"].choices = [(str(m.pk), m.anzeigename) for m in mitglieder]
        self.fields["stellvertretungen"].choices = [
            (str(m.pk), m.anzeigename) for m in stellvertretungen
        ]
        self.vertretung_felder = []
        for deputy in stellvertretungen:
            name = f"vertritt_{deputy.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("%(name)s vertritt") % {"name": deputy.anzeigename},
                choices=[("", _("niemanden"))] + [(str(m.pk), m.anzeigename) for m in mitglieder],
                required=False,
            )
            self.fields[name].widget.attrs["class"] = "kern-form-input__select"
            self.vertretung_felder.append(name)

    def vertretungen(self):
        return {
            int(name.split("_", 1)[1]): int(self.cleaned_data[name])
            for name in self.vertretung_felder
            if self.cleaned_data.get(name)
        }

    def anwesende(self):
        return [int(pk) for pk in self.cleaned_data["mitglieder"]] + [
            int(pk) for pk in self.cleaned_data["stellvertretungen"]
        ]


class PunktForm(KostenplanFelder, KernForm):
    """The jury's vote on one agenda item. Counted (yes/no/abstain as numbers) or by name, chosen
    per item (the area's setting is the default). By name fits one screen: what most voted
    ("alle") and, per member, only the exceptions."""

    GEZAEHLT = "counted"
    NAMENTLICH = "named"

    praesentiert = forms.TypedChoiceField(
        label=_("Hat die Antragstellerin oder der Antragsteller das Projekt vorgestellt?"),
        choices=[("1", _("Ja")), ("0", _("Nein"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    befangene = forms.MultipleChoiceField(
        label=_("Befangen (bleiben im Raum, stimmen nicht mit)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    betrag = abstimmungsbetrag_field()
    auflagen = forms.CharField(
        label=_("Auflagen"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    art = forms.ChoiceField(
        label=_("Wie wird abgestimmt?"),
        choices=[(GEZAEHLT, _("Stimmen zählen")), (NAMENTLICH, _("Namentlich"))],
        widget=forms.RadioSelect,
        required=False,
    )
    alle = forms.ChoiceField(
        label=_("Namentlich: so stimmen alle, die unten nichts anderes haben"),
        choices=StimmWert.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    begruendung = forms.CharField(
        label=_("Begründung (bei Ablehnung für das Schreiben)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notiz = forms.CharField(
        label=_("Notiz für das Protokoll"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args, waehler=(), ausgeschlossen=(), namentlich=False, positionen=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self._positionen_felder(positionen)
        stimmberechtigt = list(waehler) + list(ausgeschlossen)
        self.fields["befangene"].choices = [(str(m.pk), m.anzeigename) for m in stimmberechtigt]
        self.fields["art"].initial = self.NAMENTLICH if namentlich else self.GEZAEHLT
        self.fields["alle"].initial = StimmWert.JA
        self.standard_namentlich = namentlich
        self.ausgeschlossen = {m.pk for m in ausgeschlossen}
        self.stimm_felder = []
        for m in stimmberechtigt:
            name = f"stimme_{m.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_("Stimme von %(name)s") % {"name": m.anzeigename},
                choices=[("", _("wie alle"))] + list(StimmWert.choices),
                required=False,
            )
            self.fields[name].widget.attrs["class"] = "kern-form-input__select"
            self.stimm_felder.append(name)
        for name, label in (
            ("ja", _("Ja-Stimmen")),
            ("nein", _("Nein-Stimmen")),
            ("enthaltung", _("Enthaltungen")),
        ):
            self.fields[name] = forms.IntegerField(label=label, min_value=0, required=False)
            self.fields[name].widget.attrs["class"] = "kern-form-input__input"

    @property
    def namentlich(self):
        """By name for this item: as posted, else the area's default."""
        if self.is_bound and self.data.get(self.add_prefix("art")):
            return self.data.get(self.add_prefix("art")) == self.NAMENTLICH
        return self.standard_namentlich

    def stimm_zeilen(self):
        return [self[name] for name in self.stimm_felder]

    def clean(self):
        data = super().clean()
        if not self.namentlich:
            for name in ("ja", "nein", "enthaltung"):
                if name in data and data[name] is None:
                    self.add_error(name, _("Bitte geben Sie die Zahl der Stimmen an."))
        return data

    def stimmen(self):
        """Voter id → vote, where voted by name: each member's exception, else what all voted.
        Members declared biased (or excluded as the applicant) get no vote unless one was typed
        for them, which the rules then refuse."""
        if not self.namentlich:
            return None
        befangen = {int(pk) for pk in self.cleaned_data.get("befangene", [])}
        alle = self.cleaned_data.get("alle") or ""
        stimmen = {}
        for name in self.stimm_felder:
            pk = int(name.split("_", 1)[1])
            eigene = self.cleaned_data.get(name)
            if eigene:
                stimmen[pk] = eigene
            elif alle and pk not in befangen and pk not in self.ausgeschlossen:
                stimmen[pk] = alle
        return stimmen


class ProtokollForm(KernModelForm):
    """What the minutes record besides the items: chair, recorder, end, the previous minutes,
    "Verschiedenes"."""

    vorprotokoll_genehmigt = forms.TypedChoiceField(
        label=_("Protokoll der vorigen Sitzung"),
        choices=[("", _("nicht behandelt")), ("1", _("genehmigt")), ("0", _("nicht genehmigt"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Sitzung
        fields = [
            "vorsitz",
            "protokollfuehrung",
            "ende",
            "vorprotokoll_genehmigt",
            "vorprotokoll_bemerkung",
            "verschiedenes",
        ]
        widgets = {
            "ende": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "vorprotokoll_bemerkung": forms.Textarea(attrs={"rows": 2}),
            "verschiedenes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "vorsitz": _("Wer die Sitzung geleitet hat (Name)."),
            "protokollfuehrung": _("Wer das Protokoll geführt hat (Name)."),
            "ende": _("Leer lassen: beim Schließen gilt die Uhrzeit des Schließens."),
        }
