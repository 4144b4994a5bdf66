"""Forms of QM's jury composition pages: parse input only; the rules are in
``jury.mitglieder.services``."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from antraege.web.forms import DateInput, KernForm, KernFormMixin

from .models import Jurymitglied


class JurymitgliedForm(KernForm):
    """A member or deputy: who, which language, which role, which term. At appointment also the
    confirmation of the minimum age (``mit_bestaetigung``)."""

    vorname = forms.CharField(label=_("Vorname"), max_length=150)
    nachname = forms.CharField(label=_("Nachname"), max_length=150)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("An diese Adresse gehen Einladungen, Unterlagen und Abstimmungen."),
    )
    sprache = forms.ChoiceField(
        label=_("Sprache der E-Mails"), choices=settings.LANGUAGES, initial="de"
    )
    rolle = forms.ChoiceField(
        label=_("Rolle"),
        choices=Jurymitglied.Rolle.choices,
        initial=Jurymitglied.Rolle.MITGLIED,
        widget=forms.RadioSelect,
        help_text=_(
            "Stellvertreter*innen stimmen nur ab, wenn sie für ein abwesendes Mitglied einspringen."
        ),
    )
    beginn = forms.DateField(label=_("Beginn der Amtszeit"), widget=DateInput)
    ende = forms.DateField(
        label=_("Ende der Amtszeit"),
        widget=DateInput,
        required=False,
        help_text=_("Leer lassen, wenn das Ende noch nicht feststeht."),
    )
    gewaehlt_am = forms.DateField(
        label=_("Datum der Wahl"),
        widget=DateInput,
        required=False,
        help_text=_("Die Wahl (oder Berufung), mit der das Mitglied in die Jury kam."),
    )
    mindestalter_bestaetigt = forms.BooleanField(
        label=_("Das Mitglied ist 16 Jahre oder älter"),
        help_text=_("Es wird kein Geburtsdatum gespeichert, nur diese Bestätigung."),
        error_messages={
            "required": _("Bitte bestätigen Sie, dass das Mitglied mindestens 16 Jahre alt ist.")
        },
    )

    def __init__(self, *args, mit_bestaetigung=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not mit_bestaetigung:
            del self.fields["mindestalter_bestaetigt"]

    def clean(self):
        data = super().clean()
        if data.get("beginn") and data.get("ende") and data["ende"] < data["beginn"]:
            self.add_error("ende", _("Das Ende der Amtszeit darf nicht vor ihrem Beginn liegen."))
        return data


class AmtszeitEndeForm(KernForm):
    ende = forms.DateField(
        label=_("Letzter Tag der Amtszeit"),
        widget=DateInput,
        help_text=_("Ab dem Tag danach gehört die Person nicht mehr zur Jury."),
    )


class PasswortSetzenForm(KernFormMixin, SetPasswordForm):
    """The member sets the password of the account QM made (Django's checks of a new password)."""


class KontospracheForm(KernForm):
    sprache = forms.ChoiceField(
        label=_("Sprache für Ihre E-Mails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("Einladungen, Unterlagen und Abstimmungen erhalten Sie in dieser Sprache."),
    )
