"""Rows of data protection: the audit log, confirmed applicant addresses, the anonymisation record.

Imported by ``antraege.models`` so that Django registers them in the ``antraege`` app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The applicant's contact data and the name for the public list, in the order of the form's first
# step (which reads it from here).
ANTRAG_KONTAKTFELDER = (
    "antragsteller_name",
    "antragsteller_strasse",
    "antragsteller_plz",
    "antragsteller_ort",
    "antragsteller_email",
    "antragsteller_telefon",
    "organisation",
    "oeffentlicher_name",
)
# Every free text the applicant or staff wrote about the project.
ANTRAG_FREITEXTE = (
    "kurzbeschreibung",
    "ziele",
    "zielgruppe",
    "projektort",
    "oeffentlichkeitsarbeit",
    "eigenleistung_beschreibung",
    "pruefvermerk",
    "auflagen",
    "entscheidungsgrund",
)
# The personal data stored about an applicant, by model: the one list that the resident form
# (contact step), anonymisation (``aufbewahrung``: blanked or deleted) and the Art. 15 export
# (``auskunft``: every one of them in the ZIP) follow. ``tests/test_personenbezogene_felder.py``
# fails when a model linked to an Antrag gets a text or file field that is neither here nor on its
# list of fields that are no personal data.
PERSONENBEZOGENE_FELDER = {
    "antraege.Antrag": (*ANTRAG_KONTAKTFELDER, "titel", *ANTRAG_FREITEXTE),
    "antraege.Kostenposition": ("beschreibung", "ausnahme_grund"),
    "antraege.Statuswechsel": ("kommentar",),
    "antraege.Anhang": ("datei", "originalname"),
    "antraege.Dokument": ("datei",),
    "antraege.Bankverbindung": ("iban", "kontoinhaber"),
    "antraege.Auszahlungsanordnung": ("iban", "kontoinhaber"),
    "antraege.Benachrichtigung": ("empfaenger", "kontext", "betreff"),
    "antraege.Beleg": ("aussteller", "datei", "originalname", "ablehnungsgrund"),
    "antraege.Sachbericht": ("text",),
    "antraege.Aenderungswunsch": ("begruendung", "antwort"),
    "antraege.Projektfoto": ("datei", "originalname"),
    "antraege.AdressBestaetigung": ("email",),
    "jury.Abstimmung": ("auflagen", "notiz", "protokoll"),
    "jury.Tagesordnungspunkt": ("auflagen", "begruendung", "umsetzung_hinweis", "notiz"),
}
# Personal fields the Art. 15 export leaves out because they hold other people's data too: the
# minutes name the jury members and how the meeting went (the decision itself is exported).
NICHT_IN_DER_AUSKUNFT = {"jury.Abstimmung": ("protokoll",)}


class Zugriffsnachweis(models.Model):
    """One staff action that touched personal data: an entry of the access log (the admin's
    "Zugriffsprotokoll"); kept for a set period, then pruned. Written by ``nachweis``."""

    class Aktion(models.TextChoices):
        ANSICHT = "ansicht", _("Kontaktdaten eines Antrags angesehen")
        DOWNLOAD = "download", _("Datei heruntergeladen")
        AUSKUNFT = "auskunft", _("Auskunft (Art. 15 DSGVO) exportiert")
        ENTSPERRUNG = "entsperrung", _("Anmeldung entsperrt")

    zeitpunkt = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    akteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    # The name stays readable when the account is deleted later.
    akteur_name = models.CharField(_("Benutzername"), max_length=150)
    aktion = models.CharField(_("Aktion"), max_length=20, choices=Aktion.choices)
    antrag = models.ForeignKey(
        "antraege.Antrag",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Antrag"),
    )
    gegenstand = models.CharField(_("Gegenstand"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Zugriff auf personenbezogene Daten")
        verbose_name_plural = _("Zugriffsprotokoll")
        ordering = ["-zeitpunkt", "-pk"]

    def __str__(self):
        return f"{self.zeitpunkt:%Y-%m-%d %H:%M} {self.akteur_name}: {self.get_aktion_display()}"


class AdressBestaetigung(models.Model):
    """The applicant opened a link sent to this address: they control it.

    Only a confirmed address may exclude a jury member automatically (``jury.abstimmungen.services``).
    """

    antrag = models.ForeignKey(
        "antraege.Antrag", on_delete=models.CASCADE, related_name="adressbestaetigungen"
    )
    email = models.EmailField()
    bestaetigt_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Bestätigte E-Mail-Adresse")
        verbose_name_plural = _("Bestätigte E-Mail-Adressen")
        constraints = [
            models.UniqueConstraint(fields=["antrag", "email"], name="adresse_je_antrag_einmal")
        ]

    def __str__(self):
        return f"{self.antrag_id}: {self.email}"


class Anonymisierung(models.Model):
    """The record that an Antrag's personal data was erased, when and under which rule.

    One per Antrag: the retention job skips Anträge that have one (running it twice changes nothing).
    """

    class Regel(models.TextChoices):
        ERFOLGLOS = "erfolglos", _("Abgelehnt, zurückgezogen oder nicht förderfähig")
        GEFOERDERT = "gefoerdert", _("Gefördert: Frist nach der Auszahlung abgelaufen")

    antrag = models.OneToOneField(
        "antraege.Antrag", on_delete=models.CASCADE, related_name="anonymisierung"
    )
    regel = models.CharField(_("Regel"), max_length=20, choices=Regel.choices)
    anonymisiert_am = models.DateTimeField(_("Anonymisiert am"), auto_now_add=True)
    dateien_entfernt = models.PositiveIntegerField(_("Entfernte Dateien"), default=0)

    class Meta:
        verbose_name = _("Anonymisierung")
        verbose_name_plural = _("Anonymisierungen")

    def __str__(self):
        return f"{self.antrag_id} ({self.regel})"
