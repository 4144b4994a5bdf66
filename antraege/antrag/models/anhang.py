"""Files a resident attaches to an Antrag (quote, flyer, photo)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .antrag import Antrag


def anhang_upload_to(instance, filename):
    return f"antraege/{instance.antrag_id}/anhaenge/{uuid.uuid4().hex}{file_suffix(instance)}"


# The stored file's suffix comes from the type its content was judged to be (services/attachments.py),
# never from the name the user gave it: a "rechnung.pdf.html" that is a PDF is stored as .pdf.
SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def file_suffix(instance):
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
