"""The fund and its area: Quartier, Aktionsfonds, cost categories (Kostenkategorie) and fields of
action (Handlungsfeld).

Slim: the rules live in ``antraege.fonds.services``; reads in ``antraege.fonds.selectors``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..money import ZERO

# The languages a text the office writes (a cost category, a field of action) is kept in besides
# German: one field per language, ``<field>_<code>``; an empty one falls back to German.
UEBERSETZT = ("en", "tr", "ar")


def text_in_reader_language(obj, feld):
    """``obj.<feld>`` in the reader's language: the translation kept with it (``<feld>_<code>``),
    else the catalogue's (the programme's seeded texts), else the German text as it was written."""
    deutsch = getattr(obj, feld)
    if not deutsch:
        return ""
    sprache = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if sprache in UEBERSETZT and getattr(obj, f"{feld}_{sprache}", ""):
        return getattr(obj, f"{feld}_{sprache}")
    return gettext(deutsch)


class Quartier(models.Model):
    """A QM area with its local office (the sender of letters)."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    code = models.CharField(
        _("Kürzel"), max_length=6, unique=True, help_text=_("Für die Aktenzeichen, z. B. SOL")
    )
    qm_buero_name = models.CharField(_("Name des QM-Büros"), max_length=200)
    qm_anschrift = models.TextField(_("Anschrift des QM-Büros"))
    qm_email = models.EmailField(_("E-Mail des QM-Büros"))
    qm_telefon = models.CharField(_("Telefon des QM-Büros"), max_length=40, blank=True)
    qm_unterzeichner = models.CharField(_("Unterzeichnet von"), max_length=120, blank=True)
    qm_sprache = models.CharField(
        _("Sprache der E-Mails an das QM-Büro"),
        max_length=5,
        choices=[
            (code, name) for code, name in settings.LANGUAGES if code in settings.STAFF_LANGUAGES
        ],
        default="de",
        help_text=_("Benachrichtigungen an die Adresse des QM-Büros kommen in dieser Sprache."),
    )
    logo = models.FileField(_("Logo"), upload_to="logos/", blank=True)
    vorlaufzeit_wochen = models.PositiveSmallIntegerField(
        _("Vorlaufzeit (Wochen vor Projektbeginn)"),
        default=6,
        help_text=_("So viele Wochen vor dem Projektbeginn muss ein Antrag eingehen."),
    )
    projektbeginn_kulanz_tage = models.PositiveSmallIntegerField(
        _("Projektbeginn bestätigen: frühestens so viele Tage vor dem Beginn"),
        default=14,
        help_text=_(
            "Vorher nimmt das System die Bestätigung des Projektbeginns nicht an "
            "(0 = erst am Tag des Beginns)."
        ),
    )
    # The office's own bank account: the debtor of the SEPA transfers and the account a repayment
    # is paid into. Entered by QM of the area (fund report page), read-only in the admin.
    buero_kontoinhaber = models.CharField(_("Kontoinhaber des QM-Büros"), max_length=70, blank=True)
    buero_iban = models.CharField(_("IBAN des QM-Büros"), max_length=34, blank=True)
    buero_bic = models.CharField(_("BIC des QM-Büros"), max_length=11, blank=True)
    qm_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("QM-Mitarbeitende"),
        related_name="qm_quartiere",
        blank=True,
    )

    class Meta:
        verbose_name = _("Quartier")
        verbose_name_plural = _("Quartiere")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Aktionsfonds(models.Model):
    """The yearly fund of one area; every figure is data, with the defaults of the programme."""

    quartier = models.ForeignKey(
        Quartier, on_delete=models.PROTECT, related_name="fonds", verbose_name=_("Quartier")
    )
    jahr = models.PositiveSmallIntegerField(_("Jahr"))
    budget = models.DecimalField(
        _("Budget (€)"), max_digits=10, decimal_places=2, default=Decimal("10000.00")
    )
    foerderhoechstbetrag = models.DecimalField(
        _("Höchstbetrag je Projekt (€)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("1500.00"),
    )
    abrechnungsfrist_wochen = models.PositiveSmallIntegerField(
        _("Abrechnungsfrist (Wochen nach Projektende)"), default=4
    )
    # Payout plan: an advance (Abschlag) before the project, the remainder after the settlement.
    abschlag_prozent = models.DecimalField(
        _("Abschlag in Prozent des bewilligten Betrags"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        help_text=_("0 = keine Vorauszahlung, nur Erstattung nach der Abrechnung"),
    )
    abschlag_automatisch = models.BooleanField(
        _("Abschlag automatisch anweisen"),
        default=True,
        help_text=_("Sobald die Vereinbarung bestätigt oder unterschrieben ist"),
    )
    pauschale_prozent = models.DecimalField(
        _("Aufwandspauschale in Prozent der anerkannten Kosten"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        help_text=_("Für eigene kleine Ausgaben; immer innerhalb des bewilligten Betrags"),
    )
    rueckzahlungsfrist_wochen = models.PositiveSmallIntegerField(
        _("Rückzahlungsfrist (Wochen)"), default=4
    )
    antraege_ab = models.DateField(
        _("Anträge möglich ab"),
        null=True,
        blank=True,
        help_text=_(
            "Leer: sobald ein Projekt im laufenden Jahr wegen der Vorlaufzeit nicht mehr möglich "
            "ist, spätestens ab dem 1. Dezember des Vorjahres."
        ),
    )
    # Where the bookkeeping books the fund's payouts (named on every payout order).
    haushaltsstelle = models.CharField(
        _("Haushaltsstelle"),
        max_length=60,
        blank=True,
        help_text=_("Titel im Haushalt des Bezirks oder des Landes, z. B. 3470/68406"),
    )
    kostenstelle = models.CharField(
        _("Kostenstelle"),
        max_length=60,
        blank=True,
        help_text=_("Kostenstelle oder Projektnummer des Trägers in seiner Buchhaltung"),
    )
    abgeschlossen_am = models.DateTimeField(_("Jahresabschluss am"), null=True, blank=True)
    abgeschlossen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Jahresabschluss durch"),
    )
    antrag_zaehler = models.PositiveIntegerField(default=0, editable=False)
    # Running totals of the fund's ledger (``antraege.geld.buchungen``), changed only by
    # ``buchung_book`` in the transaction of the booking: the balance is read from this row.
    summe_reserviert = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, editable=False
    )
    summe_abschlag = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, editable=False
    )
    summe_restzahlung = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, editable=False
    )
    summe_zurueckgefordert = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, editable=False
    )
    summe_zurueckgezahlt = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, editable=False
    )
    summe_verfallen = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, editable=False
    )
    # The stored report figures (``Fondsauswertung``) against the fund's changes: every change of
    # what they count adds one, in its transaction (``fondsauswertung_veraltet``);
    # ``auswertung_faellig_seit`` is the first change not yet in them, emptied by the recomputation
    # only while no change came since it began. The sweep finds lost recomputations by it.
    auswertung_aenderungen = models.PositiveBigIntegerField(default=0, editable=False)
    auswertung_faellig_seit = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Aktionsfonds")
        verbose_name_plural = _("Aktionsfonds")
        ordering = ["-jahr", "quartier__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["quartier", "jahr"], name="ein_fonds_je_quartier_und_jahr"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="budget_nicht_negativ"),
            models.CheckConstraint(
                condition=Q(abschlag_prozent__gte=0)
                & Q(abschlag_prozent__lte=100)
                & Q(pauschale_prozent__gte=0)
                & Q(pauschale_prozent__lte=100),
                name="fonds_prozente_im_rahmen",
            ),
        ]
        indexes = [
            # the sweep of lost recomputations reads the funds that have one due, not all funds
            models.Index(
                fields=["auswertung_faellig_seit"],
                condition=Q(auswertung_faellig_seit__isnull=False),
                name="fonds_auswertung_faellig",
            ),
            # the public list: a year's funds, and the years that have one (its filter), from the
            # index rather than from every fund of every year
            models.Index(fields=["jahr"], name="fonds_jahr"),
        ]

    def __str__(self):
        return f"{self.quartier} {self.jahr}"

    @property
    def abschlag_erlaubt(self):
        return self.abschlag_prozent > 0


class Foerderung(models.TextChoices):
    """Whether a cost category of an area is funded: always, only by exception, or never."""

    FOERDERFAEHIG = "eligible", pgettext_lazy("category", "förderfähig")
    AUSNAHME = "exception", pgettext_lazy("category", "nur ausnahmsweise (mit Begründung)")
    AUSGESCHLOSSEN = "excluded", pgettext_lazy("category", "nicht förderfähig")


class Kostenkategorie(models.Model):
    """A cost category of an area: eligible, only by exception, or not eligible."""

    quartier = models.ForeignKey(
        Quartier, on_delete=models.CASCADE, related_name="kostenkategorien"
    )
    name = models.CharField(_("Bezeichnung"), max_length=120)
    name_en = models.CharField(_("Bezeichnung (Englisch)"), max_length=120, blank=True)
    name_tr = models.CharField(_("Bezeichnung (Türkisch)"), max_length=120, blank=True)
    name_ar = models.CharField(_("Bezeichnung (Arabisch)"), max_length=120, blank=True)
    beschreibung = models.CharField(_("Erläuterung"), max_length=300, blank=True)
    beschreibung_en = models.CharField(_("Erläuterung (Englisch)"), max_length=300, blank=True)
    beschreibung_tr = models.CharField(_("Erläuterung (Türkisch)"), max_length=300, blank=True)
    beschreibung_ar = models.CharField(_("Erläuterung (Arabisch)"), max_length=300, blank=True)
    foerderung = models.CharField(
        _("Förderung"), max_length=10, choices=Foerderung.choices, default=Foerderung.FOERDERFAEHIG
    )
    reihenfolge = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Kostenkategorie")
        verbose_name_plural = _("Kostenkategorien")
        ordering = ["reihenfolge", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["quartier", "name"], name="kategorie_je_quartier_einmalig"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def foerderfaehig(self):
        """Fundable at all (always or by exception)."""
        return self.foerderung != Foerderung.AUSGESCHLOSSEN

    @property
    def nur_ausnahme(self):
        return self.foerderung == Foerderung.AUSNAHME

    @property
    def anzeigename(self):
        """The name in the reader's language: the area's own translation, else the catalogue's
        (the programme's default categories and the demo data's), else German."""
        return text_in_reader_language(self, "name")

    @property
    def anzeige_beschreibung(self):
        return text_in_reader_language(self, "beschreibung")


class Handlungsfeld(models.Model):
    """A field of action of the programme (Bildung, Nachbarschaft, …); the list is data."""

    name = models.CharField(_("Bezeichnung"), max_length=80, unique=True)
    name_en = models.CharField(_("Bezeichnung (Englisch)"), max_length=80, blank=True)
    name_tr = models.CharField(_("Bezeichnung (Türkisch)"), max_length=80, blank=True)
    name_ar = models.CharField(_("Bezeichnung (Arabisch)"), max_length=80, blank=True)
    slug = models.SlugField(_("Kurzname (für Adressen)"), max_length=40, unique=True)
    erklaerung = models.CharField(
        _("In einfachen Worten"),
        max_length=200,
        help_text=_("So sehen es die Antragstellenden, z. B. „Lernen, Kurse, Workshops“."),
    )
    erklaerung_en = models.CharField(
        _("In einfachen Worten (Englisch)"), max_length=200, blank=True
    )
    erklaerung_tr = models.CharField(
        _("In einfachen Worten (Türkisch)"), max_length=200, blank=True
    )
    erklaerung_ar = models.CharField(
        _("In einfachen Worten (Arabisch)"), max_length=200, blank=True
    )
    reihenfolge = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    aktiv = models.BooleanField(_("Für neue Anträge wählbar"), default=True)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["reihenfolge", "name"]

    def __str__(self):
        return self.name

    @property
    def anzeigename(self):
        """The name in the reader's language: its own translation, else the catalogue's (the
        programme's six), else German."""
        return text_in_reader_language(self, "name")

    @property
    def anzeige_erklaerung(self):
        return text_in_reader_language(self, "erklaerung")


class Veroeffentlichungsfilter(models.Model):
    """The public list's filter choices, stored: the years for which a fund exists (newest first)
    and the areas that have a fund (``[id, name, code]``, by name). One row (``EINZIGE``, the only
    id the table admits), recomputed in the transaction of every change of a fund's area or year,
    of a fund's deletion and of an area's name or code
    (``antraege.fonds.services.veroeffentlichung``), so the public list reads one row instead of
    a step of an index per year and per area on every view."""

    EINZIGE = 1

    jahre = models.JSONField(default=list)
    quartiere = models.JSONField(default=list)
    berechnet_am = models.DateTimeField()

    class Meta:
        verbose_name = _("Filter der Veröffentlichung")
        verbose_name_plural = _("Filter der Veröffentlichung")
        constraints = [
            # one row: the page reads the table without a condition
            models.CheckConstraint(condition=Q(id=1), name="veroeffentlichungsfilter_einzige_zeile")
        ]

    def __str__(self):
        return f"Veroeffentlichungsfilter ({self.berechnet_am:%Y-%m-%d %H:%M})"
