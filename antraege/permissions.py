"""May this person do this? Every answer in one module: the state machines' permissions, the
domain functions' checks, the pages' access rules (``antraege.zugriff``) and the buttons
a template shows all ask here.

A predicate takes the ``Akteur`` (``antraege.roles``: the signed-in user, the applicant's session
access, or the system) and the object, and answers True or False, with no query beyond what the
object already carries (the akteur's areas are read once per request). It says nothing about the
state: whether the move makes sense *now* is the state machine's (``workflow``) or the domain
function's. ``require(predicate, akteur, obj, refused=…)`` turns a False into the refusal a domain
function raises.

Who is who:
- **applicant**: holds the "Mein Antrag" access of this Antrag (no account);
- **QM staff**: of the area of the Antrag, fund, meeting or vote (``User.qm_quartiere``);
- **admin**: a superuser; reads everything, decides nothing (docs/decisions.md);
- **jury member / deputy**: a ``Jurymitglied`` of the area (any term, for reading); whether they
  may vote in a vote is the vote's list (``jury.abstimmungen.services.stimmberechtigung_check``);
- **system**: the Celery beat and tasks.

The matrix role × object × action is ``tests/test_permissions.py``.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jury.abstimmungen.models import Abstimmung, AbstimmungStatus, Stimmberechtigung
from jury.mitglieder.models import Jurymitglied, jury_in_term
from jury.sitzungen.models import SitzungStatus

# --- Roles ---------------------------------------------------------------------------------------


def is_applicant(akteur, antrag):
    """The akteur holds the applicant's access for this Antrag."""
    return antrag.pk is not None and antrag.pk in akteur.antrag_ids


def is_qm_staff(akteur, quartier_id):
    """The akteur is QM staff of this area."""
    return quartier_id in akteur.qm_quartier_ids


def is_qm_staff_anywhere(akteur):
    """The akteur is QM staff of some area (an admin alone is not): QM's own pages, and acting
    rather than reading on the shared staff pages."""
    return bool(akteur.qm_quartier_ids)


def is_admin(akteur):
    """The akteur is an admin: reads every area's staff pages, acts in none."""
    return akteur.is_admin


def is_staff(akteur):
    """The akteur is QM staff of some area or an admin: may open the staff pages at all."""
    return akteur.is_admin or bool(akteur.qm_quartier_ids)


def is_system(akteur):
    return akteur.is_system


def is_jury_of_area(akteur, quartier_id):
    """The akteur's account is a jury member or deputy of this area (any term)."""
    return akteur.is_authenticated and (
        Jurymitglied.objects.filter(user=akteur.user, quartier_id=quartier_id).exists()
    )


# --- An Antrag -----------------------------------------------------------------------------------


def may_view_antrag_as_staff(akteur, antrag):
    """QM staff of the area and admins see every detail of an Antrag."""
    return akteur.is_admin or is_qm_staff(akteur, antrag.fonds.quartier_id)


def may_act_on_antrag_as_qm(akteur, antrag):
    """QM staff of the Antrag's area act on it (formal check, settlement, money, a vote)."""
    return is_qm_staff(akteur, antrag.fonds.quartier_id)


def may_act_on_antrag_as_applicant(akteur, antrag):
    return is_applicant(akteur, antrag)


def may_act_on_antrag_as_applicant_or_qm(akteur, antrag):
    """The applicant, or QM on the applicant's behalf (a paper settlement, a phone call)."""
    return is_applicant(akteur, antrag) or may_act_on_antrag_as_qm(akteur, antrag)


def may_act_on_antrag_as_qm_or_system(akteur, antrag):
    """QM records a decision of a meeting; the system applies a vote's decision."""
    return is_system(akteur) or may_act_on_antrag_as_qm(akteur, antrag)


# --- A fund --------------------------------------------------------------------------------------


def may_view_aktionsfonds(akteur, fonds):
    return akteur.is_admin or is_qm_staff(akteur, fonds.quartier_id)


def may_close_aktionsfonds(akteur, fonds):
    """The year-end close is QM's of the area (an admin reads the report)."""
    return is_qm_staff(akteur, fonds.quartier_id)


def may_edit_aktionsfonds_buchhaltung(akteur, fonds):
    """Budget line, cost centre and the office's bank account: QM of the area (an admin sees
    them read-only)."""
    return is_qm_staff(akteur, fonds.quartier_id)


def may_translate_kostenkategorien(akteur, quartier_id):
    """The translations of an area's cost categories (what residents read in their language): QM
    of the area; the categories themselves and their rules are the admin's."""
    return is_qm_staff(akteur, quartier_id)


def may_confirm_auszahlungsanordnung(akteur, antrag):
    """ "Sachlich richtig" or "rechnerisch richtig" on a payout order of the Antrag: QM of the area
    (that the two confirmations come from two accounts is the domain function's rule)."""
    return is_qm_staff(akteur, antrag.fonds.quartier_id)


def may_release_auszahlungsanordnung(akteur, antrag):
    """Release ("anordnen") a payout order confirmed twice: QM of the area."""
    return is_qm_staff(akteur, antrag.fonds.quartier_id)


def may_handle_sepa_datei(akteur, quartier_id):
    """The area's payout orders and SEPA files (list, make, download, mark paid): QM of the area."""
    return is_qm_staff(akteur, quartier_id)


# --- The jury: meetings, votes, members ----------------------------------------------------------


def may_view_jury_of_area(akteur, quartier_id):
    """The staff pages of an area's jury (meetings, votes, composition): QM of the area, admins."""
    return akteur.is_admin or is_qm_staff(akteur, quartier_id)


def may_manage_jury_of_area(akteur, quartier_id):
    """Set meetings, appoint members, open votes, edit the rules: QM staff of the area."""
    return is_qm_staff(akteur, quartier_id)


def may_run_sitzung(akteur, sitzung):
    """Agenda, attendance, decisions and closing of a meeting: QM staff of its area."""
    return may_manage_jury_of_area(akteur, sitzung.quartier_id)


def may_send_sitzung_papers(akteur, sitzung):
    """The papers go out by QM's button or on their own (the beat) at the lead time."""
    return is_system(akteur) or may_run_sitzung(akteur, sitzung)


def may_read_sitzung_as_jury(akteur, sitzung):
    """A member or deputy of the meeting's area, in term on its day or today, reads its agenda
    and papers once they were sent."""
    if sitzung.status == SitzungStatus.GEPLANT or not akteur.is_authenticated:
        return False
    return (
        jury_in_term(sitzung.quartier_id, sitzung.datum).filter(user=akteur.user).exists()
        or jury_in_term(sitzung.quartier_id, timezone.localdate()).filter(user=akteur.user).exists()
    )


def may_read_sitzung(akteur, sitzung):
    """QM staff of the area, or the area's jury once the papers were sent."""
    return may_run_sitzung(akteur, sitzung) or may_read_sitzung_as_jury(akteur, sitzung)


def may_open_abstimmung(akteur, antrag):
    return may_manage_jury_of_area(akteur, antrag.fonds.quartier_id)


def may_close_abstimmung(akteur, abstimmung):
    """Only the beat closes a vote (at its deadline, or early when all voted)."""
    return is_system(akteur)


def may_view_abstimmung_as_staff(akteur, abstimmung):
    return may_view_antrag_as_staff(akteur, abstimmung.antrag)


def may_open_ballot_page(akteur, abstimmung):
    """A person of the vote's area opens its ballot page: a jury member (any term), QM staff or
    an admin; the page then says whether they may vote (``jury.abstimmungen.services``)."""
    quartier_id = abstimmung.antrag.fonds.quartier_id
    return (
        akteur.is_admin or is_qm_staff(akteur, quartier_id) or is_jury_of_area(akteur, quartier_id)
    )


def stimmberechtigung_for(akteur, abstimmung_id, *, now=None):
    """The entry (seat) on the list of the vote ``abstimmung_id`` the akteur may vote for now (one
    query), else None: their own seat, not biased, in term today, not handed to a deputy; or the
    seat of an absent member they stand in for as a deputy in term today (``vertreten_durch``).
    Never QM staff of the area; the vote open and before its deadline. Why not is
    ``jury.abstimmungen.services.stimmberechtigung_check``."""
    if not akteur.is_authenticated:
        return None
    now = now or timezone.now()
    heute = timezone.localdate(now)
    selbst = Q(
        mitglied__user=akteur.user, vertreten_durch__isnull=True, mitglied__beginn__lte=heute
    ) & (Q(mitglied__ende__isnull=True) | Q(mitglied__ende__gte=heute))
    vertretung = Q(vertreten_durch__user=akteur.user, vertreten_durch__beginn__lte=heute) & (
        Q(vertreten_durch__ende__isnull=True) | Q(vertreten_durch__ende__gte=heute)
    )
    entitled = (
        Stimmberechtigung.objects.filter(
            abstimmung_id=abstimmung_id,
            abstimmung__status=AbstimmungStatus.OFFEN,
            abstimmung__modus=Abstimmung.Modus.ONLINE,
            abstimmung__frist__gt=now,
            befangen=False,
        )
        .filter(selbst | vertretung)
        .exclude(abstimmung__antrag__fonds__quartier__qm_staff=akteur.user)
        .order_by()
        .only("pk", "mitglied_id", "vertreten_durch_id")
    )
    return next(iter(entitled[:1]), None)


def may_vote(akteur, abstimmung):
    """The akteur may cast (or change) a ballot in ``abstimmung`` now."""
    return stimmberechtigung_for(akteur, abstimmung.pk) is not None


def may_vote_as_person(akteur, abstimmung):
    """QM staff of the area and anonymous visitors never vote; a jury member may, if on the list
    (not biased, in term: ``jury.abstimmungen.services.stimmberechtigung_check``)."""
    return akteur.is_authenticated and not is_qm_staff(akteur, abstimmung.antrag.fonds.quartier_id)


# --- Refusing ------------------------------------------------------------------------------------


def require(predicate, akteur, obj, *, refused):
    """Raise ``refused`` (a ``Refused`` subclass) with code ``forbidden`` unless
    ``predicate(akteur, obj)``."""
    if not predicate(akteur, obj):
        raise refused(_("Sie dürfen diesen Schritt nicht ausführen."), code="forbidden")


# Predicates by name, for templates (``{% darf "may_close_aktionsfonds" fonds as … %}``).
PREDICATES = {
    name: function
    for name, function in dict(globals()).items()
    if name.startswith("may_") and callable(function)
}
