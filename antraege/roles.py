"""Who is acting: one ``Akteur`` per request or task, and the role predicates every check uses.

Residents have no account: an applicant is whoever holds a valid "Mein Antrag" link for an Antrag,
remembered in the session as the set of Antrag ids they may act on.
"""

from functools import cached_property

from .permissions import is_applicant, is_qm_staff

SESSION_KEY = "mein_antrag_ids"
# The link version each access was granted with (antraege/zugang/session.py checks it on every request),
# the accesses that ended (revoked link / idle too long: their pages answer 410), the last request.
VERSIONEN_KEY = "mein_antrag_versionen"
WIDERRUFEN_KEY = "mein_antrag_widerrufen"
ABGELAUFEN_KEY = "mein_antrag_abgelaufen"
ZULETZT_KEY = "mein_antrag_zuletzt"


class Akteur:
    """The person (or the system) behind an action."""

    def __init__(self, user=None, *, antrag_ids=(), system=False):
        self.user = user
        self.antrag_ids = frozenset(int(pk) for pk in antrag_ids)
        self.is_system = system

    @classmethod
    def from_request(cls, request):
        return cls(request.user, antrag_ids=request.session.get(SESSION_KEY, ()))

    @classmethod
    def system_akteur(cls):
        return cls(None, system=True)

    def __repr__(self):
        who = "system" if self.is_system else getattr(self.user, "username", "anonymous")
        return f"<Akteur {who} antraege={sorted(self.antrag_ids)}>"

    @property
    def is_authenticated(self):
        return bool(self.user is not None and self.user.is_authenticated)

    @property
    def is_admin(self):
        return self.is_authenticated and self.user.is_superuser

    @cached_property
    def qm_quartiere(self):
        """The areas the akteur works in as QM staff, by name; one query also gives the ids."""
        if not self.is_authenticated:
            return ()
        return tuple(self.user.qm_quartiere.order_by("name"))

    @cached_property
    def qm_quartier_ids(self):
        return frozenset(quartier.pk for quartier in self.qm_quartiere)


def grant_applicant_access(session, antrag):
    """Remember in the session that this browser may act as the applicant of ``antrag``, as long
    as the Antrag's links are not revoked (bound to its current ``link_version``)."""
    import time

    ids = set(session.get(SESSION_KEY, []))
    ids.add(antrag.pk)
    session[SESSION_KEY] = sorted(ids)
    versionen = dict(session.get(VERSIONEN_KEY, {}))
    versionen[str(antrag.pk)] = antrag.link_version
    session[VERSIONEN_KEY] = versionen
    for key in (WIDERRUFEN_KEY, ABGELAUFEN_KEY):
        if antrag.pk in session.get(key, []):
            session[key] = [pk for pk in session[key] if pk != antrag.pk]
    session[ZULETZT_KEY] = time.time()


def rolle_of(akteur, antrag):
    """The role an akteur acts in on ``antrag``, as recorded in the timeline."""
    from .models import Statuswechsel

    if akteur.is_system:
        return Statuswechsel.Rolle.SYSTEM
    if is_applicant(akteur, antrag):
        return Statuswechsel.Rolle.ANTRAGSTELLER
    if is_qm_staff(akteur, antrag.fonds.quartier_id):
        return Statuswechsel.Rolle.QM
    return Statuswechsel.Rolle.ADMIN
