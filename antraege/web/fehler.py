"""Error pages that help: 400, 403 (CSRF too), 404, 410, 413 and 500 in the site's layout and the visitor's language,
each with the next step that fits who is looking (a resident gets a new link, a jury member the
way to their votes, QM staff their dashboard).

``handler400/403/404/500`` in ``aktionsfonds.urls`` point here, ``CSRF_FAILURE_VIEW`` and
``REQUEST_TOO_LARGE_VIEW`` (the request-size middleware) too, and nginx's ``error_page 413``
(``fehler_413_vom_proxy``). Views that need to answer "this link
is no longer valid" (expired, revoked) return ``link_ungueltig_response(request, grund=...)``: the
410 page that offers a new link.

429 (too many e-mails to one address, drafts, access codes or sign-ins from one client) has no page
of its own: the form that was refused answers again, in the layout and the reader's language, with
the reason, the entries kept and its way back (``tests/browser/test_admin_a11y.py``).
"""

import logging

from django.conf import settings
from django.shortcuts import render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..context_processors import nav_rollen

logger = logging.getLogger(__name__)

# Resident pages: whoever gets an error there most likely lost the "Mein Antrag" access.
RESIDENT_PREFIXES = ("/mein-antrag/", "/antrag/")
STAFF_PREFIXES = ("/qm/", "/jury/")


def naechste_schritte(request, *, path=None):
    """What the visitor may do instead: ``[(url, label, explanation)]``, the best first
    (``path``: the page the visitor came from, when this answer stands in for it)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _schritte_mit_konto(request)
    return _schritte_ohne_konto(path or request.path)


def _schritte_mit_konto(request):
    """The entry of each role the account has, or the way to ask for one."""
    rollen = nav_rollen(request)
    schritte = []
    if rollen["qm"]:
        schritte.append(
            (
                reverse("qm:dashboard"),
                _("Zur Übersicht des Quartiersmanagements"),
                _("Dort finden Sie alle Anträge Ihres Quartiers."),
            )
        )
    if rollen["jury"]:
        schritte.append(
            (
                reverse("jury:home"),
                _("Zu Ihren Abstimmungen"),
                _(
                    "Als Jurymitglied können Sie dort die Anträge Ihres Quartiers lesen, "
                    "abstimmen und Befangenheit erklären."
                ),
            )
        )
    return schritte or [
        (
            reverse("home"),
            _("Zur Übersicht"),
            _("Ihr Konto hat noch keine Rolle. Bitte wenden Sie sich an Ihr QM-Büro."),
        )
    ]


def _schritte_ohne_konto(path):
    """A resident page offers a new link, a staff page the sign-in; every page the start page."""
    schritte = []
    if path.startswith(RESIDENT_PREFIXES):
        schritte.append(
            (
                reverse("antraege:neuer_link"),
                _("Neuen Link anfordern"),
                _(
                    "Ihr persönlicher Link ist vielleicht abgelaufen, oder Sie nutzen einen anderen "
                    "Browser. Wir schicken Ihnen einen neuen Link an Ihre E-Mail-Adresse."
                ),
            )
        )
    if path.startswith(STAFF_PREFIXES):
        schritte.append(
            (
                reverse("login") + "?next=" + path,
                _("Anmelden (QM und Jury)"),
                _("Diese Seite ist für das Quartiersmanagement und die Jury."),
            )
        )
    schritte.append(
        (
            reverse("start"),
            _("Zur Startseite"),
            _("Dort können Sie einen Antrag stellen oder mehr über den Aktionsfonds lesen."),
        )
    )
    return schritte


def _fehlerseite(request, status, *, titel, text, grund="", schritte=None):
    context = {
        "status": status,
        "titel": titel,
        "text": text,
        "grund": grund,
        "schritte": naechste_schritte(request) if schritte is None else schritte,
    }
    return render(request, "fehler.html", context, status=status)


def fehler_403(request, exception=None, *, grund=""):
    """Not allowed: say so, and show what this person may do instead (``grund``: why, if known;
    else the message of the ``PermissionDenied``, as ``antraege.web.refusals`` raises it)."""
    if not grund and exception is not None and exception.args:
        grund = str(exception.args[0])
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        text = _("Diese Seite ist für eine andere Rolle. Mit Ihrem Konto können Sie Folgendes tun:")
    elif request.path.startswith(RESIDENT_PREFIXES):
        text = _(
            "Dieser Browser hat keinen Zugang (mehr) zu diesem Antrag. Öffnen Sie Ihren "
            "persönlichen Link aus der E-Mail oder fordern Sie einen neuen an."
        )
    else:
        text = _("Für diese Seite müssen Sie angemeldet sein.")
    return _fehlerseite(
        request, 403, titel=_("Kein Zugang zu dieser Seite"), text=text, grund=grund
    )


def csrf_fehler(request, reason=""):
    """The form's security token is missing or old (a page left open for hours, cookies off)."""
    return _fehlerseite(
        request,
        403,
        titel=_("Das Formular ist abgelaufen"),
        text=_(
            "Die Seite war zu lange offen, oder Ihr Browser speichert keine Cookies. Bitte gehen "
            "Sie zurück, laden Sie die Seite neu und senden Sie das Formular noch einmal."
        ),
    )


def fehler_400(request, exception=None):
    """A request we cannot read (a damaged form, an unknown host): the way back and on."""
    return _fehlerseite(
        request,
        400,
        titel=_("Die Anfrage war fehlerhaft"),
        text=_(
            "Wir konnten die Anfrage nicht lesen. Bitte gehen Sie zurück, laden Sie die Seite neu "
            "und versuchen Sie es noch einmal."
        ),
    )


def fehler_413(request, *, formular=None):
    """The request is larger than ``REQUEST_MAX_BYTES`` (an upload too big): nothing was read
    or stored; the first way back is the page the form was on (its GET shows the form again);
    ``formular``: that page's path where this answer is not at its address."""
    formular = formular or request.path
    return _fehlerseite(
        request,
        413,
        titel=_("Die Datei ist zu groß"),
        text=_("Die Anfrage ist zu groß. Bitte laden Sie kleinere Dateien hoch."),
        grund=_("Höchstens %(groesse)s je Datei.")
        % {"groesse": filesizeformat(settings.UPLOAD_MAX_BYTES)},
        schritte=[
            (
                formular,
                _("Zurück zum Formular"),
                _("Es wurde nichts gespeichert. Wählen Sie dort eine kleinere Datei."),
            ),
            *naechste_schritte(request, path=formular),
        ],
    )


def fehler_413_vom_proxy(request):
    """The 413 page for nginx, which refuses a body over its ``client_max_body_size`` before the
    app sees it and asks for this page instead (``error_page 413``, a GET without the body); the
    form's address comes in ``X-Original-URI``, a link only to a page of this site."""
    formular = request.headers.get("X-Original-URI", "")
    if not formular.startswith("/") or not url_has_allowed_host_and_scheme(
        formular, allowed_hosts=set()
    ):
        formular = reverse("start")
    return fehler_413(request, formular=formular)


def fehler_404(request, exception=None):
    """Not found: a resident may have lost the access; everyone gets the way back."""
    if request.path.startswith(RESIDENT_PREFIXES):
        text = _(
            "Wir finden diese Seite nicht, oder dieser Browser hat keinen Zugang (mehr) zu diesem "
            "Antrag. Öffnen Sie Ihren persönlichen Link aus der E-Mail oder fordern Sie einen neuen an."
        )
    else:
        text = _(
            "Die Adresse ist vielleicht falsch geschrieben, oder die Seite gibt es nicht mehr."
        )
    return _fehlerseite(request, 404, titel=_("Seite nicht gefunden"), text=text)


def link_ungueltig_response(request, *, grund=""):
    """410 Gone: the personal link ran out or was revoked; the page offers a new one."""
    schritte = [
        (
            reverse("antraege:neuer_link"),
            _("Neuen Link anfordern"),
            _("Geben Sie Ihre E-Mail-Adresse ein. Wir schicken Ihnen einen neuen Link."),
        ),
        (
            reverse("start"),
            _("Zur Startseite"),
            _("Dort können Sie einen Antrag stellen oder mehr über den Aktionsfonds lesen."),
        ),
    ]
    return _fehlerseite(
        request,
        410,
        titel=_("Dieser Link gilt nicht mehr"),
        text=_("Aus Sicherheitsgründen gelten persönliche Links nur eine bestimmte Zeit."),
        grund=grund,
        schritte=schritte,
    )


def fehler_500(request):
    """Our fault: apologise, say the entries are not lost for good, offer the way back.

    Rendered without the database where possible: the error may be the database itself.
    """
    context = {
        "status": 500,
        "titel": _("Ein Fehler ist aufgetreten"),
        "text": _(
            "Das ist ein Fehler bei uns, nicht bei Ihnen. Bitte versuchen Sie es in ein paar "
            "Minuten noch einmal. Was Sie vorher gespeichert haben, bleibt gespeichert."
        ),
        "grund": "",
        "schritte": [
            (
                reverse("start"),
                _("Zur Startseite"),
                _("Wenn der Fehler bleibt, schreiben Sie bitte Ihrem QM-Büro."),
            )
        ],
    }
    try:
        return render(request, "fehler.html", context, status=500)
    except Exception:  # the database or a context processor failed too
        logger.exception("the 500 page could not use the request context")
        from django.http import HttpResponseServerError

        return HttpResponseServerError(loader.render_to_string("fehler.html", context))
