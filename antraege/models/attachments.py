"""Files a resident attaches to an Antrag (quote, flyer, photo)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .application import Antrag


def anhang_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/anhaenge/{uuid.uuid4().hex}{file_suffix(filename)}"


def file_suffix(filename):
    return "." + filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else ""


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
