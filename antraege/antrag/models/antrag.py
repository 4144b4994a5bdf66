"""The Antrag with its cost plan (Kostenposition) and its timeline (Statuswechsel).

Slim: the rules live in ``antraege.antrag.services``; the states and their groups in ``antraege.states``.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ...fonds.models import Aktionsfonds, Handlungsfeld, Kostenkategorie
from ...money import ZERO
from ...states import (
    APPLICANT_STATUS_LABELS,
    AWAITING_SETTLEMENT_STATES,
    EVER_APPROVED_STATES,
    AntragStatus,
)


class Antrag(models.Model):
    """An application to the Aktionsfonds. ``status`` is changed only by ``workflow.antrag_move``."""

    fonds = models.ForeignKey(
        Aktionsfonds, on_delete=models.PROTECT, related_name="antraege", verbose_name=_("Fonds")
    )
    referenz = models.CharField(
        _("Aktenzeichen"), max_length=32, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("Status"),
        max_length=32,
        choices=AntragStatus.choices,
        default=AntragStatus.DRAFT,
        db_index=True,
    )
    papierantrag = models.BooleanField(
        _("Papierantrag"),
        default=False,
        help_text=_("Vom QM für die Antragstellenden aus dem Papierformular erfasst"),
    )
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    link_version = models.PositiveIntegerField(default=1, editable=False)

    # Applicant
    antragsteller_name = models.CharField(_("Vor- und Nachname"), max_length=160)
    antragsteller_strasse = models.CharField(_("Straße und Hausnummer"), max_length=160)
    antragsteller_plz = models.CharField(_("Postleitzahl"), max_length=5)
    antragsteller_ort = models.CharField(_("Ort"), max_length=80, default="Berlin")
    # Empty only for a paper application QM entered for a resident without e-mail (``briefe_per_post``).
    antragsteller_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    briefe_per_post = models.BooleanField(
        _("Briefe per Post"),
        default=False,
        help_text=_(
            "Alle Briefe und Nachrichten kommen per Post an Ihre Adresse, nicht per E-Mail."
        ),
    )
    antragsteller_telefon = models.CharField(_("Telefon (freiwillig)"), max_length=40, blank=True)
    organisation = models.CharField(
        _("Initiative oder Verein (freiwillig)"), max_length=160, blank=True
    )
    wohnt_oder_arbeitet_im_gebiet = models.BooleanField(
        _("Ich wohne oder arbeite im Gebiet"), default=False
    )
    sprache = models.CharField(
        _("Sprache für Nachrichten"), max_length=5, choices=settings.LANGUAGES, default="de"
    )

    # Project
    titel = models.CharField(_("Titel des Projekts"), max_length=160)
    kurzbeschreibung = models.TextField(_("Kurze Beschreibung"))
    ziele = models.TextField(_("Ziele und Nutzen für die Nachbarschaft"))
    zielgruppe = models.CharField(_("Zielgruppe"), max_length=200)
    teilnehmende_erwartet = models.PositiveIntegerField(_("Erwartete Teilnehmende"), default=0)
    projektort = models.CharField(_("Ort im Quartier"), max_length=200)
    beginn = models.DateField(_("Beginn"), null=True)
    ende = models.DateField(_("Ende"), null=True)
    oeffentlichkeitsarbeit = models.TextField(_("Geplante Öffentlichkeitsarbeit"), blank=True)
    handlungsfelder = models.ManyToManyField(
        Handlungsfeld,
        verbose_name=_("Wofür ist Ihr Projekt gut?"),
        related_name="antraege",
        blank=True,
    )

    # Money and own contributions
    betrag_beantragt = models.DecimalField(
        _("Beantragter Betrag (€)"), max_digits=10, decimal_places=2, default=ZERO
    )
    weitere_mittel = models.DecimalField(
        _("Andere Finanzierung (€)"), max_digits=10, decimal_places=2, default=ZERO
    )
    eigenleistung_stunden = models.PositiveIntegerField(_("Ehrenamtliche Stunden"), default=0)
    eigenleistung_beschreibung = models.CharField(
        _("Was Sie selbst beitragen"), max_length=300, blank=True
    )

    # Declarations
    erklaerung_nicht_kommerziell = models.BooleanField(default=False)
    erklaerung_nicht_begonnen = models.BooleanField(default=False)
    erklaerung_belege = models.BooleanField(default=False)
    # The name the applicant typed for the public list, shown only with their consent (the field
    # keeps its old name: it was the consent to show the first name, see docs/decisions.md).
    oeffentlicher_name = models.CharField(
        _("Name in der öffentlichen Liste (freiwillig)"), max_length=80, blank=True
    )
    vorname_veroeffentlichen = models.BooleanField(
        _("Dieser Name darf in der öffentlichen Liste der geförderten Projekte stehen."),
        default=False,
    )

    # Review and decision
    pruefvermerk = models.TextField(_("Prüfvermerk des QM (für die Jury)"), blank=True)
    betrag_bewilligt = models.DecimalField(
        _("Bewilligter Betrag (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    auflagen = models.TextField(_("Auflagen"), blank=True)
    entscheidungsgrund = models.TextField(_("Begründung"), blank=True)
    entschieden_am = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    abrechnungsfrist = models.DateField(_("Abrechnungsfrist"), null=True, blank=True)

    # Money of the fund bound by this Antrag
    betrag_reserviert = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    betrag_ausgezahlt = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)

    erstellt_am = models.DateTimeField(auto_now_add=True)
    geaendert_am = models.DateTimeField(auto_now=True)
    eingereicht_am = models.DateTimeField(null=True, blank=True)

    # Retention of an ended Antrag (``antraege.datenschutz.aufbewahrung``): the day its period
    # started (end state reached, or last payment) and the rule (``Anonymisierung.Regel``), stored
    # by ``aufbewahrung_update`` after every move; empty before the end and once anonymised. The
    # daily job finds what is due through their index instead of reading every ended Antrag.
    aufbewahrung_seit = models.DateField(null=True, blank=True, editable=False)
    aufbewahrung_regel = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-eingereicht_am", "-erstellt_am"]
        indexes = [
            # the staff lists, newest first: a page is read from the index, not sorted from all
            models.Index(fields=["eingereicht_am", "id"], name="antrag_eingereicht"),
            # the QM dashboard's page of one fund, newest first: read from the fund's own rows
            # (walking ``antrag_eingereicht`` read every area's Anträge to find one fund's 50)
            models.Index(fields=["fonds", "eingereicht_am", "id"], name="antrag_fonds_eingereicht"),
            # the fund report's projects and the public list of a fund in order of reference, a
            # page at a time (``bericht_projekte``, ``gefoerderte_zeilen``): of the Anträge they
            # may list only, with their status, so that a page's ids are read from the index
            # alone and the walk stops after the page (``seite_ueber_ids``); on all of a fund's
            # rows PostgreSQL sorted the fund's few hundred instead
            models.Index(
                fields=["fonds", "referenz", "id"],
                include=["status"],
                condition=Q(status__in=EVER_APPROVED_STATES),
                name="antrag_foerderung_referenz",
            ),
            # counts by status and a fund's balance from the index alone (PostgreSQL)
            models.Index(
                fields=["fonds", "status", "betrag_reserviert", "betrag_ausgezahlt"],
                name="antrag_fonds_status_betraege",
            ),
            # the applicant's address whatever its case (new link, Art. 15): ``antraege_mit_email``
            models.Index(Lower("antragsteller_email"), name="antrag_email_lower"),
            # the letters sweep reads the last month's decisions (``dokumente_missing``)
            models.Index(fields=["entschieden_am"], name="antrag_entschieden"),
            # … and those of one outcome (rejected, ineligible) by status and day: with the index
            # on status alone PostgreSQL read every year's rejections to intersect them
            models.Index(fields=["status", "entschieden_am"], name="antrag_status_entschieden"),
            # retention: the ended Anträge whose period is over, by rule and start (the daily job
            # reads what is due, not ten years of ended Anträge), and the abandoned drafts
            models.Index(
                fields=["aufbewahrung_regel", "aufbewahrung_seit"],
                condition=Q(aufbewahrung_seit__isnull=False),
                name="antrag_aufbewahrung",
            ),
            models.Index(
                fields=["geaendert_am"],
                condition=Q(status=AntragStatus.DRAFT),
                name="antrag_entwurf_geaendert",
            ),
            # the settlement deadlines sweep reads the deadlines of the projects still running
            # (the passed deadlines of settled projects of all years are not in it)
            models.Index(
                fields=["abrechnungsfrist"],
                condition=Q(status__in=AWAITING_SETTLEMENT_STATES),
                name="antrag_abrechnungsfrist_offen",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(betrag_beantragt__gte=0) & Q(weitere_mittel__gte=0),
                name="antrag_betraege_nicht_negativ",
            ),
            models.CheckConstraint(
                condition=Q(betrag_reserviert__gte=0) & Q(betrag_ausgezahlt__gte=0),
                name="antrag_mittel_nicht_negativ",
            ),
        ]

    def __str__(self):
        return f"{self.referenz or _('Entwurf')} – {self.titel}"

    @property
    def quartier(self):
        return self.fonds.quartier

    @property
    def applicant_status_label(self):
        return APPLICANT_STATUS_LABELS[AntragStatus(self.status)]

    @property
    def gesamtkosten(self):
        return sum((p.betrag for p in self.kostenpositionen.all()), ZERO)


class Kostenposition(models.Model):
    """One line of the cost plan."""

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="kostenpositionen")
    kategorie = models.ForeignKey(
        Kostenkategorie, on_delete=models.PROTECT, verbose_name=_("Kostenart")
    )
    beschreibung = models.CharField(_("Beschreibung"), max_length=200)
    menge = models.DecimalField(_("Menge"), max_digits=8, decimal_places=2, default=Decimal("1"))
    einzelpreis = models.DecimalField(_("Einzelpreis (€)"), max_digits=10, decimal_places=2)
    ausnahme_grund = models.TextField(
        _("Begründung der Ausnahme (QM)"),
        blank=True,
        help_text=_("Pflicht, wenn die Kostenart nur ausnahmsweise förderfähig ist"),
    )
    # What the jury approved for this line (set at the approval; the requested amount stays
    # ``menge × einzelpreis``). 0 = the line is cut; None = not approved (yet).
    betrag_bewilligt = models.DecimalField(
        _("Bewilligt (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenpositionen")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(menge__gt=0) & Q(einzelpreis__gte=0), name="position_positiv"
            ),
            models.CheckConstraint(
                condition=Q(betrag_bewilligt__isnull=True) | Q(betrag_bewilligt__gte=0),
                name="position_bewilligt_nicht_negativ",
            ),
        ]

    def __str__(self):
        return self.beschreibung

    @property
    def betrag(self):
        return (self.menge * self.einzelpreis).quantize(Decimal("0.01"))

    @property
    def bewilligt(self):
        """The approved amount of the line: as decided, else as requested."""
        return self.betrag if self.betrag_bewilligt is None else self.betrag_bewilligt

    @property
    def gekuerzt(self):
        return self.betrag_bewilligt is not None and self.betrag_bewilligt < self.betrag


class Statuswechsel(models.Model):
    """One step in the timeline of an Antrag: who, when, from, to, comment."""

    class Rolle(models.TextChoices):
        ANTRAGSTELLER = "applicant", _("Antragsteller*in")
        QM = "qm", _("Quartiersmanagement")
        JURY = "jury", _("Aktionsfondsjury")
        ADMIN = "admin", _("Verwaltung")
        SYSTEM = "system", _("System")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="statuswechsel")
    zeitpunkt = models.DateTimeField(auto_now_add=True, db_index=True)
    von_status = models.CharField(max_length=32, choices=AntragStatus.choices, blank=True)
    nach_status = models.CharField(max_length=32, choices=AntragStatus.choices)
    akteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    rolle = models.CharField(max_length=12, choices=Rolle.choices)
    kommentar = models.TextField(blank=True)
    intern = models.BooleanField(
        default=False, help_text=_("Nur für QM sichtbar, nicht für die Antragstellenden")
    )
    mitteilung = models.BooleanField(
        default=False,
        help_text=_(
            "Ein Ereignis, das die Antragstellenden mit seinem Text im Verlauf sehen "
            "(Korrektur, Änderungswunsch)"
        ),
    )

    class Meta:
        verbose_name = _("Statuswechsel")
        verbose_name_plural = _("Statuswechsel")
        ordering = ["zeitpunkt", "pk"]

    def __str__(self):
        return f"{self.antrag_id}: {self.von_status} → {self.nach_status}"

    @property
    def applicant_label(self):
        return APPLICANT_STATUS_LABELS[AntragStatus(self.nach_status)]
