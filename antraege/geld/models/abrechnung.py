"""After the decision: receipts, report, photos, advance and payout of an Antrag."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ...antrag.models.anhang import download_name, file_suffix
from ...antrag.models.antrag import Antrag, Kostenposition
from ...fonds.models import Kostenkategorie
from ...money import ZERO


def beleg_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/belege/{uuid.uuid4().hex}{file_suffix(instance)}"


class Beleg(models.Model):
    """A receipt handed in with the settlement; QM accepts an amount or refuses it with a reason."""

    class Status(models.TextChoices):
        OFFEN = "pending", pgettext_lazy("receipt", "Offen")
        ANERKANNT = "accepted", pgettext_lazy("receipt", "Anerkannt")
        ABGELEHNT = "refused", pgettext_lazy("receipt", "Nicht anerkannt")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="belege")
    nummer = models.PositiveSmallIntegerField(
        _("Belegnummer"), help_text=_("Nummer in der Belegliste; steht auch auf dem Original")
    )
    kostenposition = models.ForeignKey(
        Kostenposition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="belege",
        verbose_name=_("Kostenposition"),
    )
    datum = models.DateField(_("Datum des Belegs"))
    aussteller = models.CharField(_("Geschäft oder Person"), max_length=160)
    betrag = models.DecimalField(_("Betrag (€)"), max_digits=10, decimal_places=2)
    kategorie = models.ForeignKey(
        Kostenkategorie, on_delete=models.PROTECT, verbose_name=_("Kostenart")
    )
    datei = models.FileField(upload_to=beleg_upload_to, blank=True)
    originalname = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    groesse = models.PositiveIntegerField(default=0)
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
        ordering = ["nummer", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["antrag", "nummer"], name="belegnummer_je_antrag"),
            models.CheckConstraint(condition=Q(betrag__gt=0), name="beleg_betrag_positiv"),
            models.CheckConstraint(
                condition=Q(betrag_anerkannt__isnull=True)
                | (Q(betrag_anerkannt__gte=0) & Q(betrag_anerkannt__lte=models.F("betrag"))),
                name="beleg_anerkannt_im_rahmen",
            ),
        ]

    def __str__(self):
        return f"{self.datum} {self.aussteller} {self.betrag}"

    @property
    def download_name(self):
        return download_name(self.originalname, self.content_type)


class Sachbericht(models.Model):
    """The applicant's short report: what happened, how many took part."""

    antrag = models.OneToOneField(Antrag, on_delete=models.CASCADE, related_name="sachbericht")
    text = models.TextField(_("Was ist passiert?"))
    teilnehmende = models.PositiveIntegerField(_("Wie viele haben teilgenommen?"))
    ehrenamtsstunden = models.PositiveIntegerField(
        _("Ehrenamtliche Stunden"), null=True, blank=True
    )
    logoleiste_verwendet = models.BooleanField(_("Logoleiste verwendet"), null=True, blank=True)
    geaendert_am = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Sachbericht")
        verbose_name_plural = _("Sachberichte")

    def __str__(self):
        return f"Sachbericht {self.antrag_id}"


def projektfoto_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/fotos/{uuid.uuid4().hex}{file_suffix(instance)}"


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

    @property
    def download_name(self):
        return download_name(self.originalname, self.content_type)


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
    betrag_pauschale = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
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
        # the letters sweep reads the last month's releases (``dokumente_missing``)
        indexes = [models.Index(fields=["freigegeben_am"], name="auszahlung_freigegeben")]

    def __str__(self):
        return f"Auszahlung {self.antrag_id}: {self.betrag}"
