"""The applicant's access in this browser's session, and how it ends.

Opening a "Mein Antrag" link (or creating the draft) grants access to that Antrag in the session,
bound to the Antrag's ``link_version`` (``roles.grant_applicant_access``). On every request
``ApplicantAccessMiddleware`` checks it again:

- a revoked link (a new link was sent, the Antrag was withdrawn or closed) ends the access of every
  session that was opened with an older one: its pages answer 410, as the old link does;
- after ``APPLICANT_SESSION_IDLE_SECONDS`` (2 hours) without a request the access ends too.
"""

import re
import time

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import Antrag
from ..roles import ABGELAUFEN_KEY, SESSION_KEY, VERSIONEN_KEY, WIDERRUFEN_KEY, ZULETZT_KEY

# Every applicant page names its Antrag right after one of these prefixes.
APPLICANT_PATH = re.compile(r"^/(?:antrag|mein-antrag)/(?P<pk>\d+)/")
# The timestamp of the last request is written at most this often (not a session write per request).
TOUCH_SECONDS = 60


def _ids(session, key):
    return [int(pk) for pk in session.get(key, [])]


def applicant_access_check(session, *, now=None):
    """Drop the session's access that was revoked or left idle; returns True if any was dropped.

    Side effects: moves dropped ids to ``WIDERRUFEN_KEY`` / ``ABGELAUFEN_KEY`` (for the 410 page),
    refreshes the idle timestamp.
    """
    ids = _ids(session, SESSION_KEY)
    if not ids:
        return False
    now = time.time() if now is None else now
    zuletzt = session.get(ZULETZT_KEY)
    if zuletzt is not None and now - zuletzt > settings.APPLICANT_SESSION_IDLE_SECONDS:
        session[ABGELAUFEN_KEY] = sorted(set(_ids(session, ABGELAUFEN_KEY)) | set(ids))
        for key in (SESSION_KEY, VERSIONEN_KEY, ZULETZT_KEY):
            session.pop(key, None)
        return True
    if zuletzt is None or now - zuletzt > TOUCH_SECONDS:
        session[ZULETZT_KEY] = now
    versionen = dict(session.get(VERSIONEN_KEY, {}))
    current = dict(Antrag.objects.filter(pk__in=ids).values_list("pk", "link_version"))
    keep, revoked = [], []
    for pk in ids:
        recorded = versionen.get(str(pk))
        if pk in current and (recorded is None or recorded == current[pk]):
            keep.append(pk)
            versionen[str(pk)] = current[pk]
        else:
            revoked.append(pk)
            versionen.pop(str(pk), None)
    if versionen != session.get(VERSIONEN_KEY):
        session[VERSIONEN_KEY] = versionen
    if not revoked:
        return False
    session[SESSION_KEY] = keep
    session[WIDERRUFEN_KEY] = sorted(set(_ids(session, WIDERRUFEN_KEY)) | set(revoked))
    return True


class ApplicantAccessMiddleware:
    """Checks the applicant's access before every view; a page of an Antrag whose access was
    revoked or ran out answers 410 with the way to a new link."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        applicant_access_check(session)
        match = APPLICANT_PATH.match(request.path)
        if match and int(match["pk"]) not in _ids(session, SESSION_KEY):
            pk = int(match["pk"])
            from ..web.fehler import link_ungueltig_response

            if pk in _ids(session, WIDERRUFEN_KEY):
                return link_ungueltig_response(
                    request,
                    grund=_(
                        "Der Link, mit dem Sie diese Seite geöffnet haben, gilt nicht mehr: Es "
                        "wurde ein neuer Link verschickt, oder der Antrag wurde zurückgezogen oder "
                        "abgeschlossen."
                    ),
                )
            if pk in _ids(session, ABGELAUFEN_KEY):
                return link_ungueltig_response(
                    request,
                    grund=_(
                        "Sie waren länger als zwei Stunden nicht aktiv. Zu Ihrem Schutz sind Sie "
                        "abgemeldet. Öffnen Sie den Link aus Ihrer E-Mail noch einmal."
                    ),
                )
        return self.get_response(request)
