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


# Markup that makes a file a PDF/HTML polyglot (a browser sniffing it would run it as a page):
# an element that runs code, loads something, styles or redirects the page. A tag name must be
# followed by a space, "/" or ">" (as in HTML), so compressed bytes rarely match by chance; the
# one-letter ``a`` only with an ``href``.
HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype|\?xml-stylesheet|html|head|body|script|iframe|frame|frameset|svg|math"
    rb"|object|embed|applet|img|image|style|meta|link|base|form|input|button|video|audio|source"
    rb"|template|title|details|marquee|isindex|xmp|plaintext|noscript)[\s/>]"
    rb"|<\s*a\s[^>]{0,500}?href\s*=",
    re.I,
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
# Keys whose value is an action (or a list of them). An action may only go to a page of this file
# or open a web or mail address; every other kind (launch, script, form, sound, another file, …)
# is refused.
PDF_ACTION_KEYS = ("/A", "/OpenAction", "/Next")
PDF_ALLOWED_ACTIONS = {"/GoTo", "/URI"}
# A URI (of a link, an action or anywhere else) must be one of these.
PDF_ALLOWED_URI = re.compile(r"(?:https?://|mailto:)", re.I)
# Annotations that play, embed or run something.
PDF_REFUSED_ANNOTATIONS = {
    "/Screen",
    "/Movie",
    "/Sound",
    "/RichMedia",
    "/3D",
    "/FileAttachment",
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


def _pdf_text(value):
    """A PDF string (text or bytes) as text, for checking a URI."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _pdf_action_check(action):
    """Refuse an action dictionary (or list of them) that is not a GoTo or a web/mail URI."""
    from pypdf.generic import ArrayObject, DictionaryObject

    action = action.get_object() if hasattr(action, "get_object") else action
    if isinstance(action, ArrayObject):
        for item in action:
            _pdf_action_check(item)
        return
    if not isinstance(action, DictionaryObject) or "/S" not in action:
        # a destination (page and position), an outline item (``/Next``) or a structure
        # element's attributes (``/A``): not an action
        return
    if str(action.get("/S", "")) not in PDF_ALLOWED_ACTIONS:
        raise _pdf_refused()


def _pdf_dictionary_check(obj):
    """The checks of one dictionary of a PDF: no active key, only allowed actions, web or mail
    URIs only, no annotation that plays or embeds something."""
    keys = set(obj.keys())
    if keys & PDF_ACTIVE_KEYS:
        raise _pdf_refused()
    if str(obj.get("/Type", "")) == "/Action":
        _pdf_action_check(obj)
    for key in PDF_ACTION_KEYS:
        if key in obj:
            _pdf_action_check(obj[key])
    if "/URI" in obj:
        uri = obj["/URI"].get_object() if hasattr(obj["/URI"], "get_object") else obj["/URI"]
        if isinstance(uri, (str, bytes)):
            text = _pdf_text(uri).lstrip("\x00\t\n\x0b\x0c\r ")
            if not PDF_ALLOWED_URI.match(text):
                raise _pdf_refused()
    if str(obj.get("/Subtype", "")) in PDF_REFUSED_ANNOTATIONS:
        raise _pdf_refused()


def _verify_pdf(datei):
    """A PDF must open with pypdf and contain no scripts, no actions but links to a page or a
    web or mail address, no media and no HTML."""
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
                    _pdf_dictionary_check(obj)
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
