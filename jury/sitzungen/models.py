"""A jury meeting (Sitzung): its agenda, who attended, and what was decided on each item.

The state moves planned → papers sent → held → closed, only through its machine
(``workflow.jury_flow.SitzungFlow``, by ``workflow.moves.sitzung_move``: a conditional update, so a
double click or a second tab cannot make a step twice).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from antraege.models import Antrag, Quartier


class SitzungStatus(models.TextChoices):
    GEPLANT = "planned", pgettext_lazy("meeting", "Geplant")
    UNTERLAGEN_VERSANDT = "papers_sent", pgettext_lazy("meeting", "Unterlagen versandt")
    GEHALTEN = "held", pgettext_lazy("meeting", "Findet statt")
    GESCHLOSSEN = "closed", pgettext_lazy("meeting", "Abgeschlossen")


OFFENE_SITZUNG = (SitzungStatus.GEPLANT, SitzungStatus.UNTERLAGEN_VERSANDT, SitzungStatus.GEHALTEN)


def sitzung_upload_to(instance, filename):
    return f"jury/sitzungen/{instance.pk}/{uuid.uuid4().hex}.pdf"


class Sitzung(models.Model):
    """One meeting of an area's jury; the rules in force are copied in when attendance is taken."""

    quartier = models.ForeignKey(
        Quartier, on_delete=models.PROTECT, related_name="sitzungen", verbose_name=_("Quartier")
    )
    datum = models.DateField(_("Datum"))
    beginn = models.TimeField(_("Beginn"))
    ort = models.CharField(
        _("Ort"), max_length=200, help_text=_("Adresse und Raum, oder „online“ mit dem Zugang.")
    )
    online = models.BooleanField(_("Online-Sitzung"), default=False)
    einreichungsfrist = models.DateField(
        _("Einreichungsfrist"),
        help_text=_(
            "Anträge, die bis zu diesem Tag eingereicht wurden, kommen auf die Tagesordnung."
        ),
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=SitzungStatus.choices, default=SitzungStatus.GEPLANT
    )
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unterlagen_versandt_am = models.DateTimeField(null=True, blank=True)
    # the agenda as the members last got it (Antrag ids, papers or supplement): a change after the
    # papers went out is sent as a supplement with only what changed
    versandte_tagesordnung = models.JSONField(default=list, blank=True)
    nachtraege = models.PositiveSmallIntegerField(default=0)
    anwesenheit_erfasst_am = models.DateTimeField(null=True, blank=True)
    geschlossen_am = models.DateTimeField(null=True, blank=True)
    geschlossen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # rules in force (copied from JuryRegeln when attendance is taken)
    quorum_anteil = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    bei_gleichstand = models.CharField(max_length=10, blank=True)
    namentlich = models.BooleanField(default=False)
    praesentation_ab = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    protokoll = models.FileField(upload_to=sitzung_upload_to, blank=True)
    protokoll_erstellt_am = models.DateTimeField(null=True, blank=True)
    # what the minutes record besides the items (entered in meeting mode before closing)
    vorsitz = models.CharField(_("Sitzungsleitung"), max_length=200, blank=True)
    protokollfuehrung = models.CharField(_("Protokoll"), max_length=200, blank=True)
    ende = models.TimeField(_("Ende"), null=True, blank=True)
    vorprotokoll_genehmigt = models.BooleanField(
        _("Protokoll der vorigen Sitzung genehmigt"), null=True, blank=True
    )
    vorprotokoll_bemerkung = models.TextField(_("Änderungen am vorigen Protokoll"), blank=True)
    verschiedenes = models.TextField(_("Verschiedenes"), blank=True)

    class Meta:
        verbose_name = _("Jurysitzung")
        verbose_name_plural = _("Jurysitzungen")
        ordering = ["datum", "beginn", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(einreichungsfrist__lte=models.F("datum")),
                name="einreichungsfrist_vor_sitzung",
            )
        ]
        indexes = [
            # the minutes sweep (every 30 s) finds closed meetings without minutes
            models.Index(
                fields=["id"],
                condition=Q(status="closed", protokoll=""),
                name="sitzung_ohne_protokoll",
            ),
        ]

    def __str__(self):
        return f"{self.quartier} {self.datum:%d.%m.%Y}"

    @property
    def ist_offen(self):
        return self.status != SitzungStatus.GESCHLOSSEN


class Teilnahme(models.Model):
    """Attendance of one member or deputy; a present deputy may stand in for one absent member."""

    sitzung = models.ForeignKey(Sitzung, on_delete=models.CASCADE, related_name="teilnahmen")
    mitglied = models.ForeignKey(
        "jury.Jurymitglied", on_delete=models.PROTECT, related_name="teilnahmen"
    )
    anwesend = models.BooleanField(_("anwesend"), default=False)
    vertritt = models.ForeignKey(
        "jury.Jurymitglied",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vertreten_durch",
        verbose_name=_("vertritt"),
    )

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["mitglied__user__last_name", "mitglied__user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitzung", "mitglied"], name="eine_teilnahme_je_mitglied"
            ),
            models.UniqueConstraint(
                fields=["sitzung", "vertritt"],
                condition=Q(vertritt__isnull=False),
                name="eine_vertretung_je_mitglied",
            ),
            models.CheckConstraint(
                condition=Q(vertritt__isnull=True) | Q(anwesend=True),
                name="vertretung_nur_anwesend",
            ),
        ]

    def __str__(self):
        return f"{self.mitglied} @ {self.sitzung_id}"


class Absage(models.Model):
    """A member's apology for a meeting, and the deputy who confirmed standing in (first wins)."""

    sitzung = models.ForeignKey(Sitzung, on_delete=models.CASCADE, related_name="absagen")
    mitglied = models.ForeignKey(
        "jury.Jurymitglied", on_delete=models.PROTECT, related_name="absagen"
    )
    abgesagt_am = models.DateTimeField(_("abgesagt am"), auto_now_add=True)
    vertreten_durch = models.ForeignKey(
        "jury.Jurymitglied",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="zusagen",
        verbose_name=_("vertreten durch"),
    )
    zugesagt_am = models.DateTimeField(_("Vertretung zugesagt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Absage")
        verbose_name_plural = _("Absagen")
        ordering = ["abgesagt_am", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sitzung", "mitglied"], name="eine_absage_je_mitglied"),
            models.UniqueConstraint(
                fields=["sitzung", "vertreten_durch"],
                condition=Q(vertreten_durch__isnull=False),
                name="eine_zusage_je_stellvertretung",
            ),
        ]

    def __str__(self):
        return f"{self.mitglied} ✗ {self.sitzung_id}"


class Beschluss(models.TextChoices):
    BEWILLIGT = "approved", _("Bewilligt")
    ABGELEHNT = "rejected", _("Abgelehnt")
    VERTAGT = "deferred", _("Vertagt")
    NICHT_BESCHLUSSFAEHIG = "no_quorum", _("Nicht beschlussfähig")


class Tagesordnungspunkt(models.Model):
    """An Antrag on a meeting's agenda, and what the jury decided on it that evening."""

    sitzung = models.ForeignKey(Sitzung, on_delete=models.CASCADE, related_name="punkte")
    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="tagesordnungspunkte")
    position = models.PositiveSmallIntegerField(_("Position"))
    vertagt_aus = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # entered in meeting mode
    beschluss = models.CharField(
        _("Beschluss"), max_length=12, choices=Beschluss.choices, blank=True
    )
    praesentiert = models.BooleanField(_("vorgestellt"), null=True, blank=True)
    befangene = models.ManyToManyField(
        "jury.Jurymitglied", blank=True, related_name="befangen_bei", verbose_name=_("befangen")
    )
    betrag = models.DecimalField(
        _("Betrag zur Abstimmung (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    auflagen = models.TextField(_("Auflagen"), blank=True)
    # The jury's cut on the cost lines when the amount is lower than requested:
    # {"<Kostenposition pk>": "<approved amount>"}; applied with the approval at the close.
    kostenplan = models.JSONField(_("Bewilligte Kostenpositionen"), default=dict, blank=True)
    begruendung = models.TextField(_("Begründung"), blank=True)
    anzahl_berechtigt = models.PositiveSmallIntegerField(null=True, blank=True)
    stimmen_ja = models.PositiveSmallIntegerField(null=True, blank=True)
    stimmen_nein = models.PositiveSmallIntegerField(null=True, blank=True)
    stimmen_enthaltung = models.PositiveSmallIntegerField(null=True, blank=True)
    namentlich = models.BooleanField(default=False)
    beschlossen_am = models.DateTimeField(null=True, blank=True)
    beschlossen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # applied when the meeting is closed
    umgesetzt = models.BooleanField(null=True, blank=True)
    umsetzung_hinweis = models.TextField(blank=True)
    notiz = models.TextField(_("Notiz für das Protokoll"), blank=True)

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["sitzung", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sitzung", "antrag"], name="antrag_einmal_je_sitzung"),
            models.UniqueConstraint(
                fields=["sitzung", "position"], name="position_einmal_je_sitzung"
            ),
        ]

    def __str__(self):
        return f"{self.sitzung} – {self.position}: {self.antrag}"

    @property
    def ist_offen(self):
        return self.beschluss == ""

    @property
    def ist_bewilligt(self):
        return self.beschluss == Beschluss.BEWILLIGT

    @property
    def ist_vertagt(self):
        return self.beschluss == Beschluss.VERTAGT


class Einzelstimme(models.Model):
    """A member's vote on an item, where the area votes by name (the paper list's way)."""

    punkt = models.ForeignKey(Tagesordnungspunkt, on_delete=models.CASCADE, related_name="stimmen")
    mitglied = models.ForeignKey("jury.Jurymitglied", on_delete=models.PROTECT, related_name="+")
    wert = models.CharField(max_length=8)

    class Meta:
        verbose_name = _("Stimme in der Sitzung")
        verbose_name_plural = _("Stimmen in der Sitzung")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["punkt", "mitglied"], name="eine_stimme_je_punkt")
        ]

    def __str__(self):
        return f"{self.mitglied_id}: {self.wert}"


def unterlagen_upload_to(instance, filename):
    return f"jury/sitzungen/{instance.sitzung_id}/unterlagen-{uuid.uuid4().hex}.pdf"


class Sitzungsunterlagen(models.Model):
    """The papers PDF of a meeting in one language, for one state of its agenda (``stand``, a
    fingerprint of what the PDF shows). Rendered by a Celery task, never in a request: the row is
    created when the PDF is asked for and gets its file when the task is done."""

    sitzung = models.ForeignKey(Sitzung, on_delete=models.CASCADE, related_name="unterlagen")
    sprache = models.CharField(max_length=5, default="de")
    stand = models.CharField(max_length=64)
    datei = models.FileField(upload_to=unterlagen_upload_to, blank=True)
    angefordert_am = models.DateTimeField(auto_now_add=True)
    erstellt_am = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Unterlagen einer Sitzung (PDF)")
        verbose_name_plural = _("Unterlagen von Sitzungen (PDF)")
        ordering = ["-angefordert_am", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitzung", "sprache", "stand"], name="unterlagen_einmal_je_stand"
            )
        ]

    def __str__(self):
        return f"{self.sitzung} ({self.sprache})"

    @property
    def ist_fertig(self):
        return bool(self.datei)
