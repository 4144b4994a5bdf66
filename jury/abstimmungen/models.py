"""The jury's rules of an area and the online vote (Umlaufverfahren): Abstimmung, who may vote
(Stimmberechtigung), the ballots (Stimme)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from antraege.models import Antrag, Quartier

from ..mitglieder.models import Jurymitglied


class Gleichstand(models.TextChoices):
    REJECT = "reject", _("abgelehnt")
    APPROVE = "approve", _("bewilligt")


class JuryRegeln(models.Model):
    """The voting rules of one area's jury; every figure is data with the programme's defaults."""

    quartier = models.OneToOneField(
        Quartier, on_delete=models.CASCADE, related_name="juryregeln", verbose_name=_("Quartier")
    )
    quorum_anteil = models.DecimalField(
        _("Beschlussfähigkeit (Anteil der Stimmberechtigten)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        help_text=_("0,50 heißt: mindestens die Hälfte der Stimmberechtigten gibt eine Stimme ab."),
    )
    bei_gleichstand = models.CharField(
        _("Bei Stimmengleichheit"), max_length=10, choices=Gleichstand.choices, default="reject"
    )
    abstimmungsdauer_tage = models.PositiveSmallIntegerField(
        _("Dauer einer Abstimmung (Tage)"), default=7
    )
    erinnerung_stunden = models.PositiveSmallIntegerField(
        _("Erinnerung vor Fristende (Stunden)"), default=48
    )
    ruhezeit_stunden = models.PositiveSmallIntegerField(
        _("Vorzeitiger Schluss: Stunden ohne Änderung, wenn alle abgestimmt haben"), default=12
    )
    offene_abstimmung = models.BooleanField(
        _("Offene Abstimmung (Protokoll nennt, wer wie gestimmt hat)"), default=False
    )
    mindestgroesse = models.PositiveSmallIntegerField(
        _("Mindestzahl der Mitglieder"),
        default=7,
        help_text=_("Hat die Jury weniger Mitglieder, zeigt das System dem QM eine Warnung."),
    )
    praesentation_ab = models.DecimalField(
        _("Vorstellung in der Sitzung nötig ab (€)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("500.00"),
    )
    namentliche_abstimmung = models.BooleanField(
        _("In der Sitzung namentlich abstimmen (Stimme je Mitglied statt Zahlen)"),
        default=False,
    )
    unterlagen_tage_vorher = models.PositiveSmallIntegerField(
        _("Unterlagen versenden (Tage vor der Sitzung)"), default=5
    )
    vertretung_online = models.BooleanField(
        _("Stellvertretung in Online-Abstimmungen"),
        default=True,
        help_text=_(
            "Ein Mitglied, das nicht abstimmen kann, bittet um Vertretung; die erste "
            "Stellvertreterin oder der erste Stellvertreter, die zusagen, stimmt an seiner Stelle ab."
        ),
    )

    class Meta:
        verbose_name = _("Regeln der Jury")
        verbose_name_plural = _("Regeln der Jury")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_anteil__gt=0) & Q(quorum_anteil__lte=1),
                name="quorum_anteil_zwischen_0_und_1",
            ),
            models.CheckConstraint(
                condition=Q(abstimmungsdauer_tage__gte=1), name="abstimmungsdauer_mindestens_1_tag"
            ),
        ]

    def __str__(self):
        return str(_("Regeln der Jury %(quartier)s") % {"quartier": self.quartier})


class Ergebnis(models.TextChoices):
    BEWILLIGT = "approved", _("Bewilligt")
    FONDS_REICHT_NICHT = "approved_fund_short", _("Bewilligt, aber der Fonds reicht nicht")
    ABGELEHNT = "rejected", _("Abgelehnt")
    NICHT_BESCHLUSSFAEHIG = "no_quorum", _("Nicht beschlussfähig")
    NICHT_ANGEWENDET = "not_applied", _("Beschluss nicht umsetzbar")


class StimmWert(models.TextChoices):
    JA = "yes", _("Ja")
    NEIN = "no", _("Nein")
    ENTHALTUNG = "abstain", _("Enthaltung")


class AbstimmungStatus(models.TextChoices):
    """The states of an online vote; its moves are in ``workflow.jury_flow.AbstimmungFlow``."""

    OFFEN = "open", pgettext_lazy("vote", "Offen")
    GESCHLOSSEN = "closed", pgettext_lazy("vote", "Geschlossen")


def protokoll_upload_to(instance, filename):
    return f"jury/protokolle/{instance.antrag_id}/{uuid.uuid4().hex}.pdf"


class Abstimmung(models.Model):
    """One decision of the jury on an Antrag: an online vote with a deadline, or a recorded meeting.

    The rules in force are copied in when the vote opens, so editing the area's rules never changes
    a running vote. Its ``status`` moves only through ``workflow.moves.abstimmung_move`` (open →
    closed, claimed by a conditional update): the tally runs once.
    """

    class Modus(models.TextChoices):
        ONLINE = "online", _("Online-Abstimmung")
        SITZUNG = "meeting", _("Sitzung")

    antrag = models.ForeignKey(
        Antrag, on_delete=models.CASCADE, related_name="abstimmungen", verbose_name=_("Antrag")
    )
    # the area of the Antrag's fund, copied in at opening (``abstimmung_open``, the only way a vote
    # is made; a fund never changes area): QM's open votes are read from the index on the area's
    # open votes, not through all of the area's Anträge (they pile up over the years)
    quartier = models.ForeignKey(
        "antraege.Quartier",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the open votes' index below; closed votes are never read by area
    )
    modus = models.CharField(max_length=10, choices=Modus.choices, default=Modus.ONLINE)
    betrag = models.DecimalField(_("Betrag zur Abstimmung (€)"), max_digits=10, decimal_places=2)
    auflagen = models.TextField(_("Auflagen"), blank=True)
    # The jury's cut on the cost lines when the amount is lower than requested:
    # {"<Kostenposition pk>": "<approved amount>"}; applied with the approval.
    kostenplan = models.JSONField(_("Bewilligte Kostenpositionen"), default=dict, blank=True)
    eroeffnet_am = models.DateTimeField(_("Eröffnet am"), default=timezone.now)
    eroeffnet_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frist = models.DateTimeField(_("Frist"), db_index=True)
    letzte_aenderung_am = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=8, choices=AbstimmungStatus.choices, default=AbstimmungStatus.OFFEN
    )
    geschlossen_am = models.DateTimeField(_("Geschlossen am"), null=True, blank=True)

    # rules in force for this vote (copied from JuryRegeln at opening)
    quorum_anteil = models.DecimalField(max_digits=3, decimal_places=2)
    bei_gleichstand = models.CharField(max_length=10, choices=Gleichstand.choices)
    erinnerung_stunden = models.PositiveSmallIntegerField()
    ruhezeit_stunden = models.PositiveSmallIntegerField()
    offene_abstimmung = models.BooleanField(default=False)
    vertretung_online = models.BooleanField(default=False)

    # the tally, written once at closing
    ergebnis = models.CharField(_("Ergebnis"), max_length=24, choices=Ergebnis.choices, blank=True)
    ergebnis_hinweis = models.TextField(blank=True)
    anzahl_berechtigt = models.PositiveSmallIntegerField(null=True, blank=True)
    stimmen_ja = models.PositiveSmallIntegerField(null=True, blank=True)
    stimmen_nein = models.PositiveSmallIntegerField(null=True, blank=True)
    stimmen_enthaltung = models.PositiveSmallIntegerField(null=True, blank=True)

    erinnerung_versandt_am = models.DateTimeField(null=True, blank=True)
    protokoll = models.FileField(upload_to=protokoll_upload_to, blank=True)
    protokoll_erstellt_am = models.DateTimeField(null=True, blank=True)

    # meeting mode
    sitzung_datum = models.DateField(_("Datum der Sitzung"), null=True, blank=True)
    notiz = models.TextField(_("Notiz"), blank=True)

    class Meta:
        verbose_name = _("Abstimmung")
        verbose_name_plural = _("Abstimmungen")
        ordering = ["-eroeffnet_am", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["antrag"],
                condition=Q(status="open"),
                name="eine_offene_abstimmung_je_antrag",
            ),
            models.CheckConstraint(condition=Q(betrag__gt=0), name="abstimmung_betrag_positiv"),
        ]
        indexes = [
            # the minutes sweep (every 30 s) finds closed votes without minutes, not every vote
            models.Index(
                fields=["id"],
                condition=Q(status="closed", protokoll=""),
                name="abstimmung_ohne_protokoll",
            ),
            # QM's progress of the open votes of their areas (``abstimmungen_progress_for_staff``)
            models.Index(
                fields=["quartier"], condition=Q(status="open"), name="abstimmung_offen_quartier"
            ),
        ]

    def __str__(self):
        return f"{self.antrag} ({self.get_modus_display()})"

    @property
    def ist_offen(self):
        return self.status == AbstimmungStatus.OFFEN

    @property
    def stimmen_gesamt(self):
        return (self.stimmen_ja or 0) + (self.stimmen_nein or 0) + (self.stimmen_enthaltung or 0)


class Stimmberechtigung(models.Model):
    """A jury member on the list of a vote, fixed at opening; ``befangen`` takes them off it."""

    abstimmung = models.ForeignKey(
        Abstimmung, on_delete=models.CASCADE, related_name="stimmberechtigungen"
    )
    mitglied = models.ForeignKey(
        Jurymitglied, on_delete=models.PROTECT, related_name="stimmberechtigungen"
    )
    befangen = models.BooleanField(_("befangen"), default=False)
    befangenheit_grund = models.CharField(_("Grund der Befangenheit"), max_length=300, blank=True)
    befangen_seit = models.DateTimeField(null=True, blank=True)
    anwesend = models.BooleanField(_("in der Sitzung anwesend"), default=False)
    # online vote: the member asked for a deputy; the first deputy to accept votes for the seat
    vertretung_gesucht_am = models.DateTimeField(null=True, blank=True)
    vertreten_durch = models.ForeignKey(
        Jurymitglied,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_vertretungen",
        verbose_name=_("vertreten durch"),
    )

    class Meta:
        verbose_name = _("Stimmberechtigung")
        verbose_name_plural = _("Stimmberechtigungen")
        ordering = ["mitglied__user__last_name", "mitglied__user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["abstimmung", "mitglied"], name="ein_eintrag_je_mitglied_und_abstimmung"
            ),
            models.UniqueConstraint(
                fields=["abstimmung", "vertreten_durch"],
                condition=Q(vertreten_durch__isnull=False),
                name="eine_online_vertretung_je_stellvertretung",
            ),
        ]

    def __str__(self):
        return f"{self.mitglied} – {self.abstimmung_id}"


class Stimme(models.Model):
    """The ballot of one member in one vote; changing it updates the same row."""

    abstimmung = models.ForeignKey(Abstimmung, on_delete=models.CASCADE, related_name="stimmen")
    mitglied = models.ForeignKey(Jurymitglied, on_delete=models.PROTECT, related_name="stimmen")
    # the deputy who cast the seat's ballot in the member's place (online vote), else empty
    abgegeben_von = models.ForeignKey(
        Jurymitglied, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wert = models.CharField(_("Stimme"), max_length=8, choices=StimmWert.choices)
    kommentar = models.TextField(_("Kommentar"), blank=True)
    abgegeben_am = models.DateTimeField(default=timezone.now)
    geaendert_am = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Stimme")
        verbose_name_plural = _("Stimmen")
        ordering = ["abgegeben_am", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["abstimmung", "mitglied"], name="eine_stimme_je_mitglied_und_abstimmung"
            )
        ]

    def __str__(self):
        return f"{self.mitglied} – {self.abstimmung_id}"
