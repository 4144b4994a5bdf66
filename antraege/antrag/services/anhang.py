"""Attachments of an Antrag: checked by their content (never by name or the browser's type).

Only PDF, JPEG and PNG are accepted, up to ``settings.UPLOAD_MAX_BYTES``. A refused file is not
stored anywhere; the error says why, in words a resident understands.
"""

import io
import os
import re
import warnings

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ...models import Anhang
from ...refusals import Refused
from .antrag import antrag_lock_if_editable

MAX_ANHAENGE = 10

# (magic bytes at the start, content type, Pillow format or None for PDF)
SIGNATURES = (
    (b"%PDF-", "application/pdf", None),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
)


class UploadRefused(Refused):
    """The file was refused; ``message`` holds the reason for the resident, ``code`` says why
    (``empty``, ``too_big``, ``wrong_type``, ``broken``, ``too_many``)."""

    default_code = "invalid"


def _groesse(size):
    return filesizeformat(size).replace("\xa0", " ")


ALL_TYPES = tuple(content_type for _magic, content_type, _format in SIGNATURES)


def upload_content_type(datei, *, erlaubt=ALL_TYPES):
    """The content type of ``datei`` judged by its bytes, or ``UploadRefused`` with the reason.

    The refusal's ``code`` says why: ``empty``, ``too_big``, ``wrong_type`` or ``broken``.
    """
    if datei.size == 0:
        raise UploadRefused(_("Die Datei ist leer."), code="empty")
    if datei.size > settings.UPLOAD_MAX_BYTES:
        raise UploadRefused(
            _("Die Datei ist zu groß (%(groesse)s). Erlaubt sind höchstens %(max)s.")
            % {"groesse": _groesse(datei.size), "max": _groesse(settings.UPLOAD_MAX_BYTES)},
            code="too_big",
        )
    datei.seek(0)
    head = datei.read(16)
    datei.seek(0)
    for magic, content_type, pillow_format in SIGNATURES:
        if head.startswith(magic) and content_type in erlaubt:
            if pillow_format:
                _verify_image(datei, pillow_format)
            else:
                _verify_pdf(datei)
            return content_type
    raise UploadRefused(
        _(
            "Diese Datei ist kein PDF, JPEG oder PNG (der Inhalt passt nicht, egal wie die Datei "
            "heißt). Bitte speichern Sie sie als PDF oder laden Sie ein Foto als JPEG oder PNG hoch."
        ),
        code="wrong_type",
    )


def _verify_image(datei, pillow_format):
    """Pillow reads the whole image structure: a truncated or disguised file is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(datei) as image:
                if image.format != pillow_format:
                    raise UploadRefused(
                        _("Das Bild ist beschädigt oder kein JPEG/PNG."), code="broken"
                    )
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UploadRefused(
            _("Das Bild ist beschädigt und kann nicht geöffnet werden."), code="broken"
        ) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRefused(
            _("Das Bild ist zu groß (zu viele Bildpunkte)."), code="too_big"
        ) from error
    finally:
        datei.seek(0)


# Markup that makes a file a PDF/HTML polyglot (a browser sniffing it would run it as a page).
HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed)\b", re.I
)
# Name objects that run code or act on opening: refused wherever they appear (decoded by pypdf,
# so #-escapes and compressed object streams hide nothing).
PDF_ACTIVE_KEYS = {
    "/JavaScript",
    "/JS",
    "/AA",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/RichMedia",
    "/XFA",
}
# Action types other than "go to a page of this file" and "open a web address" (a structure
# element's or transparency group's /S names something else and is not in this list).
PDF_REFUSED_ACTIONS = {
    "/GoToR",
    "/GoToE",
    "/Launch",
    "/Sound",
    "/Movie",
    "/Hide",
    "/SubmitForm",
    "/ResetForm",
    "/ImportData",
    "/JavaScript",
    "/SetOCGState",
    "/Rendition",
    "/Trans",
    "/GoTo3DView",
    "/RichMediaExecute",
}
PDF_MAX_OBJECTS = 100_000


def _pdf_refused(code="active"):
    return UploadRefused(
        _(
            "Dieses PDF enthält Programmcode, automatische Aktionen oder Webseiten-Inhalt. Aus "
            "Sicherheitsgründen nehmen wir es nicht an. Bitte drucken Sie es als neues PDF "
            "(„Drucken“ → „Als PDF speichern“) und laden Sie dieses hoch."
        ),
        code=code,
    )


def _verify_pdf(datei):
    """A PDF must open with pypdf and contain no scripts, actions on opening or HTML."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    datei.seek(0)
    data = datei.read()
    datei.seek(0)
    if HTML_MARKERS.search(data):
        raise _pdf_refused("html")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) == 0:
                raise ValueError("no pages")
            seen, stack, count = set(), [reader.trailer], 0
            while stack:
                obj = stack.pop()
                if isinstance(obj, IndirectObject):
                    key = (obj.idnum, obj.generation)
                    if key in seen:
                        continue
                    seen.add(key)
                    obj = obj.get_object()
                count += 1
                if count > PDF_MAX_OBJECTS:
                    raise _pdf_refused("broken")
                if isinstance(obj, DictionaryObject):
                    keys = set(obj.keys())
                    if keys & PDF_ACTIVE_KEYS:
                        raise _pdf_refused()
                    if str(obj.get("/S", "")) in PDF_REFUSED_ACTIONS:
                        raise _pdf_refused()
                    stack.extend(v for k, v in obj.items() if k != "/Parent")
                elif isinstance(obj, ArrayObject):
                    stack.extend(obj)
    except UploadRefused:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure: not a PDF we can check
        raise UploadRefused(
            _("Das PDF ist beschädigt und kann nicht geöffnet werden."), code="broken"
        ) from error


def _safe_name(name):
    name = os.path.basename(name.replace("\\", "/")).strip() or "datei"
    return name[:200]


def anhang_add(antrag, *, datei, art=Anhang.Art.SONSTIGES):
    """Attach ``datei`` to ``antrag`` after checking its content; returns the ``Anhang``.

    Raises ``UploadRefused`` (nothing stored) or ``AntragRefused``.
    """
    content_type = upload_content_type(datei)
    with transaction.atomic():
        antrag_lock_if_editable(antrag)
        if Anhang.objects.filter(antrag=antrag).count() >= MAX_ANHAENGE:
            raise UploadRefused(
                _("Sie können höchstens %(max)s Dateien anhängen.") % {"max": MAX_ANHAENGE},
                code="too_many",
            )
        anhang = Anhang(
            antrag=antrag,
            art=art,
            originalname=_safe_name(datei.name),
            content_type=content_type,
            groesse=datei.size,
        )
        anhang.datei.save(_safe_name(datei.name), datei, save=False)
        try:
            anhang.save()
        except Exception:
            anhang.datei.delete(save=False)
            raise
    return anhang


def anhang_remove(anhang):
    """Remove an attachment and its file, while the Antrag is editable."""
    with transaction.atomic():
        antrag_lock_if_editable(anhang.antrag_id)
        datei = anhang.datei
        anhang.delete()
        transaction.on_commit(lambda: datei.delete(save=False))
