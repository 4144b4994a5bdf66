"""Forms of the settlement pages (applicant and QM): parse input only; the rules are in
``antraege.services.settlement``."""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import Kostenkategorie
from .base import DateInput, KernForm


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
    kategorie = forms.ModelChoiceField(
        label=gettext_lazy("Kostenart"), queryset=Kostenkategorie.objects.none()
    )
    datei = forms.FileField(
        label=gettext_lazy("Beleg als Datei"),
        help_text=gettext_lazy("PDF, JPEG oder PNG, höchstens 10 MB"),
    )

    def __init__(self, *args, antrag, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kategorie"].queryset = Kostenkategorie.objects.filter(
            quartier_id=antrag.fonds.quartier_id, foerderfaehig=True
        )


class SachberichtForm(KernForm):
    text = forms.CharField(
        label=gettext_lazy("Was ist passiert?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    teilnehmende = forms.IntegerField(
        label=gettext_lazy("Wie viele Menschen haben teilgenommen?"), min_value=0
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
