"""QM's form to correct an Antrag's data after the jury; the rules are in
``antraege.antrag.services.korrektur``."""

from django import forms
from django.utils.translation import gettext_lazy

from ...models import Antrag
from ...web.forms import KernModelForm
from ..services.korrektur import KORRIGIERBARE_FELDER


class KorrekturForm(KernModelForm):
    """The correctable fields with their current values, and the reason (required)."""

    grund = forms.CharField(
        label=gettext_lazy("Grund der Korrektur"),
        help_text=gettext_lazy(
            "Die antragstellende Person sieht die Korrektur mit diesem Grund im Verlauf und "
            "erhält eine Nachricht."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    class Meta:
        model = Antrag
        fields = KORRIGIERBARE_FELDER
        widgets = {
            "kurzbeschreibung": forms.Textarea(attrs={"rows": 4}),
            "ziele": forms.Textarea(attrs={"rows": 4}),
        }

    def werte(self):
        return {feld: self.cleaned_data.get(feld) for feld in KORRIGIERBARE_FELDER}
