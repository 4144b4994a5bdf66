"""Areas, funds, Anträge and what hangs off them. Slim: rules live in ``services.py``."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class AntragStatus(models.TextChoices):
    """Every state of the lifecycle; the moves between them are in ``workflow/flow.py``."""

    DRAFT = "draft", pgettext_lazy("status", "Entwurf")
    SUBMITTED = "submitted", pgettext_lazy("status", "Eingereicht")
    IN_REVIEW = "in_review", pgettext_lazy("status", "In Formalprüfung")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("status", "Nachforderung")
    INELIGIBLE = "ineligible", pgettext_lazy("status", "Nicht förderfähig")
    JURY_VOTE = "jury_vote", pgettext_lazy("status", "Bei der Jury")
    APPROVED = "approved", pgettext_lazy("status", "Bewilligt")
    REJECTED = "rejected", pgettext_lazy("status", "Abgelehnt")
    IN_PROGRESS = "in_progress", pgettext_lazy("status", "In Durchführung")
    SETTLEMENT_SUBMITTED = "settlement_submitted", pgettext_lazy("status", "Abrechnung eingereicht")
    SETTLEMENT_CHANGES_REQUESTED = (
        "settlement_changes_requested",
        pgettext_lazy("status", "Nachforderung zur Abrechnung"),
    )
    PAID = "paid", pgettext_lazy("status", "Ausgezahlt")
    CLOSED = "closed", pgettext_lazy("status", "Abgeschlossen")
    WITHDRAWN = "withdrawn", pgettext_lazy("status", "Zurückgezogen")
    EXPIRED = "expired", pgettext_lazy("status", "Verfallen")


# What the applicant sees: internal steps folded into plain words ("in Prüfung" covers review and vote).
APPLICANT_STATUS_LABELS = {
    AntragStatus.DRAFT: pgettext_lazy("applicant status", "Entwurf – noch nicht abgeschickt"),
    AntragStatus.SUBMITTED: pgettext_lazy("applicant status", "In Prüfung"),
    AntragStatus.IN_REVIEW: pgettext_lazy("applicant status", "In Prüfung"),
    AntragStatus.JURY_VOTE: pgettext_lazy("applicant status", "In Prüfung"),
    AntragStatus.CHANGES_REQUESTED: pgettext_lazy(
        "applicant status", "Bitte ergänzen Sie Ihren Antrag"
    ),
    AntragStatus.INELIGIBLE: pgettext_lazy("applicant status", "Nicht förderfähig"),
    AntragStatus.APPROVED: pgettext_lazy("applicant status", "Bewilligt"),
    AntragStatus.REJECTED: pgettext_lazy("applicant status", "Abgelehnt"),
    AntragStatus.IN_PROGRESS: pgettext_lazy("applicant status", "Projekt läuft"),
    AntragStatus.SETTLEMENT_SUBMITTED: pgettext_lazy("applicant status", "Abrechnung in Prüfung"),
    AntragStatus.SETTLEMENT_CHANGES_REQUESTED: pgettext_lazy(
        "applicant status", "Bitte ergänzen Sie Ihre Abrechnung"
    ),
    AntragStatus.PAID: pgettext_lazy("applicant status", "Ausgezahlt"),
    AntragStatus.CLOSED: pgettext_lazy("applicant status", "Abgeschlossen"),
    AntragStatus.WITHDRAWN: pgettext_lazy("applicant status", "Zurückgezogen"),
    AntragStatus.EXPIRED: pgettext_lazy("applicant status", "Verfallen"),
}

# States in which money of the fund is reserved for an Antrag.
RESERVING_STATES = (
    AntragStatus.APPROVED,
    AntragStatus.IN_PROGRESS,
    AntragStatus.SETTLEMENT_SUBMITTED,
    AntragStatus.SETTLEMENT_CHANGES_REQUESTED,
)
# Funded and not undone: what the fund report counts as funded and the public list shows.
# Expired (and cancelled, withdrawn, rejected, ineligible) Anträge never count as funded. An
# allow-list, so a new end state stays out until someone decides otherwise.
GEFOERDERT_STATES = (
    AntragStatus.APPROVED,
    AntragStatus.IN_PROGRESS,
    AntragStatus.SETTLEMENT_SUBMITTED,
    AntragStatus.SETTLEMENT_CHANGES_REQUESTED,
    AntragStatus.PAID,
    AntragStatus.CLOSED,
)
END_STATES = (
    AntragStatus.INELIGIBLE,
    AntragStatus.REJECTED,
    AntragStatus.CLOSED,
    AntragStatus.WITHDRAWN,
    AntragStatus.EXPIRED,
)


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
    logo = models.FileField(_("Logo"), upload_to="logos/", blank=True)
    vorlaufzeit_wochen = models.PositiveSmallIntegerField(
        _("Vorlaufzeit (Wochen vor Projektbeginn)"),
        default=6,
        help_text=_("So viele Wochen vor dem Projektbeginn muss ein Antrag eingehen."),
    )
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
    abschlag_erlaubt = models.BooleanField(_("Abschlagszahlung möglich"), default=True)
    antraege_ab = models.DateField(
        _("Anträge möglich ab"),
        null=True,
        blank=True,
        help_text=_(
            "Leer: sobald ein Projekt im laufenden Jahr wegen der Vorlaufzeit nicht mehr möglich "
            "ist, spätestens ab dem 1. Dezember des Vorjahres."
        ),
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

    class Meta:
        verbose_name = _("Aktionsfonds")
        verbose_name_plural = _("Aktionsfonds")
        ordering = ["-jahr", "quartier__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["quartier", "jahr"], name="ein_fonds_je_quartier_und_jahr"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="budget_nicht_negativ"),
        ]

    def __str__(self):
        return f"{self.quartier} {self.jahr}"


class Kostenkategorie(models.Model):
    """A cost category of an area, eligible or not."""

    quartier = models.ForeignKey(
        Quartier, on_delete=models.CASCADE, related_name="kostenkategorien"
    )
    name = models.CharField(_("Bezeichnung"), max_length=120)
    beschreibung = models.CharField(_("Erläuterung"), max_length=300, blank=True)
    foerderfaehig = models.BooleanField(_("förderfähig"), default=True)
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


class Handlungsfeld(models.Model):
    """A field of action of the programme (Bildung, Nachbarschaft, …); the list is data."""

    name = models.CharField(_("Bezeichnung"), max_length=80, unique=True)
    slug = models.SlugField(_("Kurzname (für Adressen)"), max_length=40, unique=True)
    erklaerung = models.CharField(
        _("In einfachen Worten"),
        max_length=200,
        help_text=_("So sehen es die Antragstellenden, z. B. „Lernen, Kurse, Workshops“."),
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
        """The name in the reader's language (the programme's six are in the catalogues)."""
        return gettext(self.name)

    @property
    def anzeige_erklaerung(self):
        return gettext(self.erklaerung)


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
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    link_version = models.PositiveIntegerField(default=1, editable=False)

    # Applicant
    antragsteller_name = models.CharField(_("Vor- und Nachname"), max_length=160)
    antragsteller_strasse = models.CharField(_("Straße und Hausnummer"), max_length=160)
    antragsteller_plz = models.CharField(_("Postleitzahl"), max_length=5)
    antragsteller_ort = models.CharField(_("Ort"), max_length=80, default="Berlin")
    antragsteller_email = models.EmailField(_("E-Mail-Adresse"))
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
    vorname_veroeffentlichen = models.BooleanField(
        _("Mein Vorname darf in der öffentlichen Liste der geförderten Projekte stehen."),
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

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-eingereicht_am", "-erstellt_am"]
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

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenpositionen")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(menge__gt=0) & Q(einzelpreis__gte=0), name="position_positiv"
            )
        ]

    def __str__(self):
        return self.beschreibung

    @property
    def betrag(self):
        return (self.menge * self.einzelpreis).quantize(Decimal("0.01"))


def anhang_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/anhaenge/{uuid.uuid4().hex}{_suffix(instance)}"


# The stored file's suffix comes from the type its content was judged to be (uploads.py), never
# from the name the user gave it: a "rechnung.pdf.html" that is a PDF is stored as .pdf.
SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _suffix(instance):
    return SUFFIXES.get(getattr(instance, "content_type", ""), ".bin")


class Anhang(models.Model):
    """A file attached to an Antrag (quote, flyer, photo)."""

    class Art(models.TextChoices):
        KOSTENVORANSCHLAG = "quote", _("Kostenvoranschlag")
        FLYER = "flyer", _("Flyer")
        FOTO = "photo", _("Foto")
        SONSTIGES = "other", _("Sonstiges")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="anhaenge")
    art = models.CharField(_("Art"), max_length=10, choices=Art.choices, default=Art.SONSTIGES)
    datei = models.FileField(upload_to=anhang_upload_to)
    originalname = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    groesse = models.PositiveIntegerField()
    hochgeladen_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["pk"]

    def __str__(self):
        return self.originalname


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

    class Meta:
        verbose_name = _("Statuswechsel")
        verbose_name_plural = _("Statuswechsel")
        ordering = ["zeitpunkt", "pk"]

    def __str__(self):
        return f"{self.antrag_id}: {self.von_status} → {self.nach_status}"

    @property
    def applicant_label(self):
        return APPLICANT_STATUS_LABELS[AntragStatus(self.nach_status)]


class Benachrichtigung(models.Model):
    """Outbox: an e-mail recorded in the transaction that caused it, sent by a Celery task.

    A row is never lost: if the broker is down at commit time, the beat sweep dispatches it later.
    A sender claims it for one execution (``claimed_by``, a fresh uuid) until ``claim_until`` (a
    short lease it renews while sending); a row whose lease ran out is free again. After a failed
    attempt ``claim_until`` is the earliest time of the next one (back-off) and ``claimed_by`` is
    empty.
    """

    art = models.CharField(max_length=60)
    antrag = models.ForeignKey(
        Antrag, on_delete=models.CASCADE, null=True, blank=True, related_name="benachrichtigungen"
    )
    empfaenger = models.EmailField()
    sprache = models.CharField(max_length=5, default="de")
    kontext = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    erstellt_am = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_until = models.DateTimeField(null=True, blank=True)
    gesendet_am = models.DateTimeField(null=True, blank=True, db_index=True)
    betreff = models.CharField(max_length=250, blank=True)
    versuche = models.PositiveSmallIntegerField(default=0)
    letzter_fehler = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["erstellt_am", "pk"]
        indexes = [
            # the senders and the sweep look only at unsent rows, oldest first
            models.Index(
                fields=["erstellt_am", "id"],
                condition=models.Q(gesendet_am__isnull=True),
                name="benachrichtigung_offen",
            )
        ]

    def __str__(self):
        return f"{self.art} → {self.empfaenger}"


# --- Letters, settlement and payout (after the decision) ---


def dokument_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/dokumente/{instance.art}-{uuid.uuid4().hex}.pdf"


class Dokument(models.Model):
    """A PDF the system produced for an Antrag (decision letter, payout order); one per kind."""

    class Art(models.TextChoices):
        BEWILLIGUNG = "bewilligung", _("Bewilligungsschreiben")
        ABLEHNUNG = "ablehnung", _("Ablehnungsschreiben")
        NICHT_FOERDERFAEHIG = "nicht_foerderfaehig", _("Schreiben: nicht förderfähig")
        AUSZAHLUNGSANORDNUNG = "auszahlungsanordnung", _("Auszahlungsanordnung")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="dokumente")
    art = models.CharField(_("Art"), max_length=32, choices=Art.choices)
    datei = models.FileField(upload_to=dokument_upload_to)
    erstellt_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["erstellt_am", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["antrag", "art"], name="ein_dokument_je_art")
        ]

    def __str__(self):
        return f"{self.get_art_display()} {self.antrag_id}"

    @property
    def dateiname(self):
        referenz = (self.antrag.referenz or str(self.antrag_id)).replace("/", "-")
        return f"{referenz}-{self.art}.pdf"


def beleg_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/belege/{uuid.uuid4().hex}{_suffix(instance)}"


class Beleg(models.Model):
    """A receipt handed in with the settlement; QM accepts an amount or refuses it with a reason."""

    class Status(models.TextChoices):
        OFFEN = "pending", pgettext_lazy("receipt", "Offen")
        ANERKANNT = "accepted", pgettext_lazy("receipt", "Anerkannt")
        ABGELEHNT = "refused", pgettext_lazy("receipt", "Nicht anerkannt")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="belege")
    datum = models.DateField(_("Datum des Belegs"))
    aussteller = models.CharField(_("Geschäft oder Person"), max_length=160)
    betrag = models.DecimalField(_("Betrag (€)"), max_digits=10, decimal_places=2)
    kategorie = models.ForeignKey(
        Kostenkategorie, on_delete=models.PROTECT, verbose_name=_("Kostenart")
    )
    datei = models.FileField(upload_to=beleg_upload_to)
    originalname = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    groesse = models.PositiveIntegerField()
    vor_bewilligung = models.BooleanField(
        _("vor der Bewilligung datiert"),
        default=False,
        help_text=_(
            "Vom QM gesondert zu prüfen: Kosten vor der Bewilligung sind nicht förderfähig."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFEN)
    betrag_anerkannt = models.DecimalField(
        _("Anerkannter Betrag (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    ablehnungsgrund = models.TextField(_("Grund"), blank=True)
    geprueft_am = models.DateTimeField(null=True, blank=True)
    geprueft_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hochgeladen_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Beleg")
        verbose_name_plural = _("Belege")
        ordering = ["datum", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="beleg_betrag_positiv"),
            models.CheckConstraint(
                condition=Q(betrag_anerkannt__isnull=True)
                | (Q(betrag_anerkannt__gte=0) & Q(betrag_anerkannt__lte=models.F("betrag"))),
                name="beleg_anerkannt_im_rahmen",
            ),
        ]

    def __str__(self):
        return f"{self.datum} {self.aussteller} {self.betrag}"


class Sachbericht(models.Model):
    """The applicant's short report: what happened, how many took part."""

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="sachbericht")
    text = models.TextField(_("Was ist passiert?"))
    teilnehmende = models.PositiveIntegerField(_("Wie viele haben teilgenommen?"))
    geaendert_am = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Sachbericht")
        verbose_name_plural = _("Sachberichte")

    def __str__(self):
        return f"Sachbericht {self.antrag_id}"


def projektfoto_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/fotos/{uuid.uuid4().hex}{_suffix(instance)}"


class Projektfoto(models.Model):
    """An optional photo of the project, handed in with the settlement."""

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="projektfotos")
    datei = models.FileField(upload_to=projektfoto_upload_to)
    originalname = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    groesse = models.PositiveIntegerField()
    hochgeladen_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Projektfoto")
        verbose_name_plural = _("Projektfotos")
        ordering = ["pk"]

    def __str__(self):
        return self.originalname


class Abschlag(models.Model):
    """An advance payment (at most one per Antrag), up to the approved amount."""

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="abschlag")
    datum = models.DateField(_("Datum der Zahlung"))
    betrag = models.DecimalField(_("Betrag (€)"), max_digits=10, decimal_places=2)
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erfasst_am = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Abschlag")
        verbose_name_plural = _("Abschläge")
        constraints = [models.CheckConstraint(condition=Q(betrag__gt=0), name="abschlag_positiv")]

    def __str__(self):
        return f"Abschlag {self.antrag_id}: {self.betrag}"


class Auszahlung(models.Model):
    """The final payout of an Antrag (one per Antrag), released by QM and then marked paid.

    ``betrag`` = min(approved, accepted receipts) − advance; negative means the applicant pays back.
    """

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="auszahlung")
    betrag_anerkannt = models.DecimalField(max_digits=10, decimal_places=2)
    betrag_abschlag = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    betrag = models.DecimalField(_("Auszahlungsbetrag (€)"), max_digits=10, decimal_places=2)
    freigegeben_am = models.DateTimeField()
    freigegeben_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bezahlt_am = models.DateField(_("Bezahlt am"), null=True, blank=True)
    buchungszeichen = models.CharField(_("Buchungszeichen"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("Auszahlung")
        verbose_name_plural = _("Auszahlungen")

    def __str__(self):
        return f"Auszahlung {self.antrag_id}: {self.betrag}"


# Data protection (audit log, confirmed addresses, anonymisation record) lives in its own module.
from .datenschutz.models import AdressBestaetigung, Anonymisierung, Zugriff  # noqa: E402, F401
