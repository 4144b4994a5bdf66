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


# Suffixes a download name may keep for a stored type (a photo named .jpeg stays .jpeg).
_PASSENDE_SUFFIXE = {"image/jpeg": (".jpg", ".jpeg")}


def download_name(name, content_type):
    """The name a stored file is handed out under: the user's name, its extension following the
    stored type (``x.pdf.html`` of a PDF is ``x.pdf``, ``bild.svg`` of a PNG ``bild.png``).

    A browser or a desktop opens a download by its extension: a name must not turn a checked PDF
    into a page or a program on the reader's machine.
    """
    suffix = SUFFIXES.get(content_type, ".bin")
    erlaubt = _PASSENDE_SUFFIXE.get(content_type, (suffix,))
    name = (name or "").replace("/", "-").replace("\\", "-").strip(" .") or "datei"
    stem, dot, ext = name.rpartition(".")
    if dot and f".{ext.lower()}" in erlaubt:
        return name
    if dot and stem:
        name = stem
    stem, dot, ext = name.rpartition(".")
    if dot and stem and f".{ext.lower()}" in erlaubt:
        return name
    return f"{name}{suffix}"


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

    @property
    def download_name(self):
        return download_name(self.originalname, self.content_type)
