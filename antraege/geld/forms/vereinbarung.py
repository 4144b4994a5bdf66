"""Forms of the money of an approved Antrag: agreement, bank details, "Aktion entfällt",
repayment and exception reasons."""

from django import forms
from django.utils.translation import gettext_lazy

from ...web.forms import DateInput, KernForm


class VereinbarungForm(KernForm):
    einverstanden = forms.BooleanField(
        label=gettext_lazy(
            "Ich habe die Vereinbarung gelesen und bin mit ihr einverstanden (auch mit den "
            "Pflichten und der Rückzahlung)."
        ),
        error_messages={"required": gettext_lazy("Bitte bestätigen Sie die Vereinbarung.")},
    )


class PapierVereinbarungForm(KernForm):
    unterschrieben_am = forms.DateField(
        label=gettext_lazy("Auf Papier unterschrieben am"), widget=DateInput
    )


class BankverbindungForm(KernForm):
    kontoinhaber = forms.CharField(
        label=gettext_lazy("Kontoinhaber*in"),
        max_length=140,
        help_text=gettext_lazy("Name, wie er bei der Bank steht"),
    )
    iban = forms.CharField(
        label=gettext_lazy("IBAN"),
        max_length=42,
        help_text=gettext_lazy("In Deutschland 22 Zeichen, beginnt mit DE"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class EntfaelltForm(KernForm):
    kommentar = forms.CharField(
        label=gettext_lazy("Warum findet die Aktion nicht statt?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    bestaetigt = forms.BooleanField(
        label=gettext_lazy(
            "Ich bestätige: Die Aktion findet nicht statt. Das lässt sich nicht rückgängig "
            "machen; das bewilligte Geld geht an den Fonds zurück, ein gezahlter Abschlag wird "
            "zurückgefordert."
        ),
        error_messages={
            "required": gettext_lazy("Bitte bestätigen Sie, dass die Aktion nicht stattfindet.")
        },
    )


class RueckzahlungForm(KernForm):
    datum = forms.DateField(label=gettext_lazy("Rückzahlung eingegangen am"), widget=DateInput)
    betrag = forms.CharField(
        label=gettext_lazy("Eingegangener Betrag (€)"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("Leer lassen, wenn der ganze offene Betrag eingegangen ist"),
    )


class AusnahmeForm(KernForm):
    grund = forms.CharField(
        label=gettext_lazy("Begründung der Ausnahme"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class AenderungswunschForm(KernForm):
    """The applicant asks to move the dates or for a later settlement deadline."""

    art = forms.ChoiceField(
        label=gettext_lazy("Was möchten Sie ändern?"),
        choices=[
            ("termin", gettext_lazy("Termin verschieben")),
            ("frist", gettext_lazy("Abrechnungsfrist verlängern")),
        ],
        widget=forms.RadioSelect,
    )
    beginn = forms.DateField(
        label=gettext_lazy("Neuer Projektbeginn"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy(
            "Nur beim Verschieben des Termins. Die Aktion muss im Jahr des Aktionsfonds bleiben."
        ),
    )
    ende = forms.DateField(
        label=gettext_lazy("Neues Projektende"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy(
            "Nur beim Verschieben des Termins. Die Aktion muss im Jahr des Aktionsfonds bleiben."
        ),
    )
    abrechnungsfrist = forms.DateField(
        label=gettext_lazy("Neue Abrechnungsfrist"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Nur beim Verlängern der Abrechnungsfrist"),
    )
    begruendung = forms.CharField(
        label=gettext_lazy("Begründung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AenderungEntscheidungForm(KernForm):
    """QM grants or refuses the open change request, with a message to the applicant."""

    entscheidung = forms.ChoiceField(
        label=gettext_lazy("Entscheidung"),
        choices=[
            ("bewilligen", gettext_lazy("Bewilligen")),
            ("ablehnen", gettext_lazy("Ablehnen")),
        ],
        widget=forms.RadioSelect,
    )
    antwort = forms.CharField(
        label=gettext_lazy("Nachricht an die antragstellende Person"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Bei einer Ablehnung nötig"),
    )
