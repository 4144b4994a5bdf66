from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .roles import SESSION_KEY

STAFF_PREFIXES = ("/qm/", "/jury/", "/admin/", "/anmelden/")
# The jury's own pages (not QM's pages under /jury/qm/): in every language of the jury.
JURY_PREFIX, JURY_QM_PREFIX = "/jury/", "/jury/qm/"


def is_jury_member_request(request):
    """A jury page (ballot, meeting, papers, account) seen by a jury member or a new member
    setting their password: offered in every language a member can choose for e-mails."""
    if not request.path.startswith(JURY_PREFIX) or request.path.startswith(JURY_QM_PREFIX):
        return False
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return True
    return nav_rollen(request)["jury"]


def is_staff_request(request):
    """QM and admin pages, and every page seen by a signed-in user: German and English only
    (the jury's own pages excepted, see ``is_jury_member_request``)."""
    if is_jury_member_request(request):
        return False
    user = getattr(request, "user", None)
    return request.path.startswith(STAFF_PREFIXES) or bool(user and user.is_authenticated)


def site(request):
    """Languages offered by the switch: all four on resident pages, German/English for staff."""
    staff = is_staff_request(request)
    languages = [
        (code, name)
        for code, name in settings.LANGUAGES
        if not staff or code in settings.STAFF_LANGUAGES
    ]
    return {
        "available_languages": languages,
        "site_url": settings.SITE_URL,
        "nav_rollen": SimpleLazyObject(lambda: nav_rollen(request)),
        # a resident holding "Mein Antrag" access in this browser: the navigation offers "Abmelden"
        "antragsteller_sitzung": bool(
            getattr(request, "session", None) and request.session.get(SESSION_KEY)
        ),
    }


def nav_rollen(request):
    """Which role-specific items the main navigation shows: ``{"qm": bool, "qm_bereich": bool,
    "jury": bool}`` (an admin is "qm" for the read-only overview, "qm_bereich" only as QM staff
    of an area: the meetings page is for those who act there).

    Lazy in the context: only pages that render the signed-in navigation ask the database, and
    staff pages, whose ``request.akteur`` knows the areas already, ask it once less.
    """
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"qm": False, "qm_bereich": False, "jury": False}
    akteur = getattr(request, "akteur", None)
    qm_bereich = bool(akteur.qm_quartier_ids) if akteur else user.qm_quartiere.exists()
    qm = user.is_superuser or qm_bereich
    # staff accounts are never jury members (``jury.mitglieder.services`` refuses them), so only
    # the others are asked
    return {
        "qm": qm,
        # QM staff of an area: the pages where QM acts (meetings), not an admin's read-only view
        "qm_bereich": qm_bereich,
        "jury": not qm and user.jurymitgliedschaften.exists(),
    }
