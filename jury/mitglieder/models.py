"""The members of an area's jury (Jurymitglied, with their terms) and the settings of a staff or
jury account (Kontoeinstellung: the language of its e-mails and pages)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antraege.models import Quartier


class Jurymitglied(models.Model):
    """A resident on the jury of one area for a term (start to end, inclusive)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jurymitgliedschaften"
    )
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.CASCADE,
        related_name="jurymitglieder",
        verbose_name=_("Quartier"),
    )

    class Rolle(models.TextChoices):
        MITGLIED = "member", _("Mitglied")
        STELLVERTRETUNG = "deputy", _("Stellvertreter*in")

    rolle = models.CharField(
        _("Rolle"), max_length=10, choices=Rolle.choices, default=Rolle.MITGLIED
    )
    beginn = models.DateField(_("Beginn der Amtszeit"))
    ende = models.DateField(_("Ende der Amtszeit"), null=True, blank=True)
    gewaehlt_am = models.DateField(
        _("Datum der Wahl"),
        null=True,
        blank=True,
        help_text=_("Die Wahl (oder Berufung), mit der das Mitglied in die Jury kam."),
    )
    mindestalter_bestaetigt = models.BooleanField(
        _("Mindestalter 16 Jahre bei der Berufung bestätigt"),
        default=False,
        help_text=_("Es wird kein Geburtsdatum gespeichert, nur diese Bestätigung."),
    )

    class Meta:
        verbose_name = _("Jurymitglied")
        verbose_name_plural = _("Jurymitglieder")
        ordering = ["quartier", "user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ende__isnull=True) | Q(ende__gte=models.F("beginn")),
                name="amtszeit_ende_nach_beginn",
            )
        ]

    def __str__(self):
        return f"{self.anzeigename} ({self.quartier})"

    @property
    def anzeigename(self):
        """How the member is named on ballots, minutes, agendas and e-mails: the full name, else
        the user name (an account made without a name)."""
        return self.user.get_full_name() or self.user.username

    def clean(self):
        super().clean()
        if not self.mindestalter_bestaetigt:
            raise ValidationError(
                {
                    "mindestalter_bestaetigt": _(
                        "Bitte bestätigen Sie, dass das Mitglied mindestens 16 Jahre alt ist."
                    )
                }
            )


def jury_in_term(quartier, day):
    """Members and deputies of ``quartier``'s jury whose term covers ``day``."""
    return Jurymitglied.objects.filter(quartier=quartier, beginn__lte=day).filter(
        Q(ende__isnull=True) | Q(ende__gte=day)
    )


def jurymitglieder_in_term(quartier, day):
    """Members (the seats; deputies only stand in at meetings) whose term covers ``day``."""
    return jury_in_term(quartier, day).filter(rolle=Jurymitglied.Rolle.MITGLIED)


class Kontoeinstellung(models.Model):
    """Settings of a staff or jury account: the language of its e-mails (and pages)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kontoeinstellung"
    )
    sprache = models.CharField(
        _("Sprache für Nachrichten"), max_length=5, choices=settings.LANGUAGES, default="de"
    )

    class Meta:
        verbose_name = _("Kontoeinstellung")
        verbose_name_plural = _("Kontoeinstellungen")

    def __str__(self):
        return f"{self.user} ({self.sprache})"
