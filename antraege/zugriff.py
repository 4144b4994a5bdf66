"""Which object may this page open for this person? The one answer for every page (resident, QM,
settlement, money, jury, fund report); pages call these functions and nothing else to fetch the object of their URL.

The rule, in this order (docs/architecture.md, "Access"):

1. **A page for a role the person does not have at all** answers before anything is looked up, so
   it tells nothing about any Antrag: staff pages send an anonymous visitor to the sign-in
   (``login_required`` on the view) and answer a signed-in person without a QM area or admin
   right 403 ("Diese Seite ist für das QM").
2. **404** when the Antrag (vote, fund) does not exist, is not this person's business — another
   area's for staff and jury, a draft for staff (it is the applicant's until it is submitted),
   not the own one for an applicant — so nobody learns that it exists.
3. **403 with the reason** (``views.fehler.fehler_403`` shows the ``PermissionDenied`` message)
   when the person belongs to the Antrag's area but their role may not do this: an admin on a
   page where QM acts (admins look, QM of the area acts), QM or a biased member on a ballot.
   Refusals of the state (wrong step now) stay with the domain functions and ``views.refusals``.
4. **410** for an applicant's link or session that was revoked or ran out: answered by
   ``zugang.ApplicantAccessMiddleware`` before the page runs.

Whether a role may do something is asked of ``antraege.permissions``; this module turns the
answer into the page's 404 or 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from jury.abstimmungen.models import Abstimmung

from . import permissions
from .models import Aktionsfonds, Antrag, Auszahlungsanordnung, Quartier, SepaDatei
from .states import AntragStatus


def staff_page_check(akteur):
    """Rule 1 for staff pages: 403 unless the akteur is QM staff of some area or an admin."""
    if not permissions.is_staff(akteur):
        raise PermissionDenied(_("Diese Seite ist für das QM."))


def antrag_for_applicant(akteur, pk):
    """The Antrag ``pk`` if this browser holds the applicant's access to it, else 404."""
    if pk not in akteur.antrag_ids:
        raise Http404
    try:
        return Antrag.objects.select_related("fonds__quartier").get(pk=pk)
    except Antrag.DoesNotExist as missing:
        raise Http404 from missing


def antrag_for_staff(akteur, pk):
    """The submitted Antrag ``pk`` for reading by QM staff of its area or an admin, else 404
    (403 for a person who is no staff at all)."""
    staff_page_check(akteur)
    antrag = (
        Antrag.objects.select_related("fonds__quartier")
        .exclude(status=AntragStatus.DRAFT)
        .filter(pk=pk)
        .first()
    )
    if antrag is None or not permissions.may_view_antrag_as_staff(akteur, antrag):
        raise Http404
    return antrag


def antrag_for_qm(akteur, pk):
    """The submitted Antrag ``pk`` for QM staff of its area to act on; an admin who may read it
    gets 403 with the reason, anybody else the answer of ``antrag_for_staff``."""
    antrag = antrag_for_staff(akteur, pk)
    if not permissions.may_act_on_antrag_as_qm(akteur, antrag):
        raise PermissionDenied(_("Sie dürfen diesen Schritt nicht ausführen."))
    return antrag


def aktionsfonds_for_staff(akteur, pk):
    """The fund ``pk`` for QM staff of its area or an admin, else 404 (403: no staff at all)."""
    staff_page_check(akteur)
    fonds = Aktionsfonds.objects.select_related("quartier").filter(pk=pk).first()
    if fonds is None or not permissions.may_view_aktionsfonds(akteur, fonds):
        raise Http404
    return fonds


def aktionsfonds_for_buchhaltung(akteur, pk):
    """The fund ``pk`` whose bookkeeping details QM of its area enters; an admin who may read it
    gets 403 with the reason, anybody else the answer of ``aktionsfonds_for_staff``."""
    fonds = aktionsfonds_for_staff(akteur, pk)
    if not permissions.may_edit_aktionsfonds_buchhaltung(akteur, fonds):
        raise PermissionDenied(_("Sie dürfen diesen Schritt nicht ausführen."))
    return fonds


def quartier_for_qm(akteur, pk):
    """The area ``pk`` for its QM staff (payout orders, SEPA files), else 404 (403: no staff)."""
    staff_page_check(akteur)
    quartier = Quartier.objects.filter(pk=pk).first()
    if quartier is None or not permissions.may_handle_sepa_datei(akteur, quartier.pk):
        raise Http404
    return quartier


def quartier_for_kostenarten(akteur, pk):
    """The area ``pk`` whose cost categories QM translates: its QM staff; an admin gets 403 with
    the reason (the admin keeps them in the admin), anybody else 404 (403: no staff at all)."""
    staff_page_check(akteur)
    quartier = Quartier.objects.filter(pk=pk).first()
    if quartier is None or not (akteur.is_admin or permissions.is_qm_staff(akteur, quartier.pk)):
        raise Http404
    if not permissions.may_translate_kostenkategorien(akteur, quartier.pk):
        raise PermissionDenied(
            _("Die Kostenarten pflegt die Verwaltung im Admin-Bereich, die Übersetzungen das QM.")
        )
    return quartier


def anordnung_for_qm(akteur, quartier, pk):
    """A payout order of the area ``quartier`` (already checked), else 404."""
    anordnung = (
        Auszahlungsanordnung.objects.select_related("antrag__fonds__quartier")
        .filter(pk=pk, antrag__fonds__quartier=quartier)
        .first()
    )
    if anordnung is None:
        raise Http404
    return anordnung


def sepa_datei_for_qm(akteur, quartier, pk):
    """A SEPA file of the area ``quartier`` (already checked), else 404."""
    datei = SepaDatei.objects.filter(pk=pk, quartier=quartier).first()
    if datei is None:
        raise Http404
    return datei


def _abstimmung(pk):
    abstimmung = Abstimmung.objects.select_related("antrag__fonds__quartier").filter(pk=pk).first()
    if abstimmung is None:
        raise Http404
    return abstimmung


def abstimmung_for_staff(akteur, pk):
    """The vote ``pk`` for reading by QM staff of its Antrag's area or an admin, else 404."""
    staff_page_check(akteur)
    abstimmung = _abstimmung(pk)
    if not permissions.may_view_abstimmung_as_staff(akteur, abstimmung):
        raise Http404
    return abstimmung


def abstimmung_for_jury(akteur, pk):
    """The vote ``pk`` for a person of its area — a jury member (any term), QM staff or an admin
    — else 404. Whether they may vote (on the list, not biased, in term, still open) is
    ``jury.abstimmungen.services.stimmberechtigung_check``, whose refusals are a 403 with the reason."""
    abstimmung = _abstimmung(pk)
    if not permissions.may_open_ballot_page(akteur, abstimmung):
        raise Http404
    return abstimmung
