"""Forms of the settlement pages (applicant and QM): parse input only; the rules are in
``antraege.geld.services.abrechnung``."""

from django import forms
from django.utils.translation import gettext_lazy

from ...models import Kostenposition
from ...web.forms import DateInput, KernForm


class BelegForm(KernForm):
    datum = forms.DateField(label=gettext_lazy("Datum des Belegs"), widget=DateInput)
    aussteller = forms.CharField(
        label=gettext_lazy("Geschäft oder Person"),
        max_length=160,
        help_text=gettext_lazy("Wo haben Sie gekauft oder wen haben Sie bezahlt?"),
    )
    betrag = forms.CharField(
        label=gettext_lazy("Betrag (€)"),
        max_length=20,
        help_text=gettext_lazy("Zum Beispiel 12,50"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    kostenposition = forms.ModelChoiceField(
        label=gettext_lazy("Position im Kostenplan"),
        queryset=Kostenposition.objects.none(),
        help_text=gettext_lazy("Für welche bewilligte Position war die Ausgabe?"),
    )
    datei = forms.FileField(
        label=gettext_lazy("Beleg als Datei"),
        help_text=gettext_lazy("PDF, JPEG oder PNG, höchstens 10 MB"),
    )

    def __init__(self, *args, antrag, von_qm=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kostenposition"].queryset = antrag.kostenpositionen.select_related("kategorie")
        self.fields["kostenposition"].label_from_instance = lambda p: (
            f"{p.beschreibung} ({p.kategorie.anzeigename})"
        )
        if von_qm:  # entered from the paper settlement: the original is on paper
            self.fields["datei"].required = False


class SachberichtForm(KernForm):
    text = forms.CharField(
        label=gettext_lazy("Was ist passiert?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    teilnehmende = forms.IntegerField(
        label=gettext_lazy("Wie viele Menschen haben teilgenommen?"), min_value=0
    )
    ehrenamtsstunden = forms.IntegerField(
        label=gettext_lazy("Wie viele Stunden haben Ehrenamtliche insgesamt mitgearbeitet?"),
        min_value=0,
        required=False,
    )
    logoleiste_verwendet = forms.TypedChoiceField(
        label=gettext_lazy(
            "Haben Sie auf Flyern, Plakaten oder im Internet die Logoleiste verwendet?"
        ),
        choices=[
            ("ja", gettext_lazy("Ja")),
            ("nein", gettext_lazy("Nein")),
            ("keine", gettext_lazy("Es gab keine Flyer, Plakate oder Webseite")),
        ],
        coerce=lambda value: {"ja": True, "nein": False}.get(value),
        empty_value=None,
        widget=forms.RadioSelect,
    )


class FotoForm(KernForm):
    datei = forms.FileField(
        label=gettext_lazy("Foto"), help_text=gettext_lazy("JPEG oder PNG, höchstens 10 MB")
    )


class AbschlagForm(KernForm):
    datum = forms.DateField(label=gettext_lazy("Datum der Zahlung"), widget=DateInput)
    betrag = forms.CharField(
        label=gettext_lazy("Betrag des Abschlags (€)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class BelegPruefForm(KernForm):
    entscheidung = forms.ChoiceField(
        label=gettext_lazy("Entscheidung"),
        choices=[
            ("accept", gettext_lazy("Anerkennen")),
            ("refuse", gettext_lazy("Nicht anerkennen")),
        ],
        widget=forms.RadioSelect,
    )
    anerkannt = forms.CharField(
        label=gettext_lazy("Anerkannter Betrag (€)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    grund = forms.CharField(
        label=gettext_lazy("Begründung"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Pflicht bei Ablehnung und bei Belegen vor der Bewilligung"),
    )


class KommentarForm(KernForm):
    kommentar = forms.CharField(
        label=gettext_lazy("Was fehlt oder ist zu ändern?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class BezahltForm(KernForm):
    bezahlt_am = forms.DateField(label=gettext_lazy("Bezahlt am"), widget=DateInput)
    buchungszeichen = forms.CharField(label=gettext_lazy("Buchungszeichen"), max_length=80)


class SepaBezahltForm(KernForm):
    bezahlt_am = forms.DateField(
        label=gettext_lazy("Gebucht am"),
        help_text=gettext_lazy("Das Datum, an dem die Bank die Überweisungen gebucht hat."),
        widget=DateInput,
    )
