"""Changes after approval: the applicant asks to move the action's dates or for more time to
settle (with a reason); QM grants or refuses it with a message. A granted change moves the
deadlines (project dates and the settlement deadline, which expiry reads); every step is in the
timeline; the QM office is e-mailed of a request, the applicant of the answer (their language)."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...mail import services as mail
from ...models import Aenderungswunsch, Antrag
from ...permissions import may_act_on_antrag_as_applicant, may_act_on_antrag_as_qm, require
from ...refusals import Refused
from ...states import AWAITING_SETTLEMENT_STATES
from .antrag import abrechnungsfrist_for, antrag_lock, berlin_today
from .timeline import statuswechsel_record

Art = Aenderungswunsch.Art


class AenderungRefused(Refused):
    """A change request that cannot be made or decided (wrong state, dates that make no sense)."""

    default_code = "invalid"


def _datum(value):
    """A date in a timeline note or a refusal, in the language they are written in."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _beschreibung(wunsch):
    if wunsch.art == Art.TERMIN:
        return _("neuer Zeitraum %(beginn)s bis %(ende)s") % {
            "beginn": _datum(wunsch.beginn),
            "ende": _datum(wunsch.ende),
        }
    return _("neue Abrechnungsfrist %(frist)s") % {"frist": _datum(wunsch.abrechnungsfrist)}


def _check_dates(antrag, art, *, beginn, ende, abrechnungsfrist, today):
    if art == Art.TERMIN:
        if beginn is None or ende is None:
            raise AenderungRefused(_("Bitte geben Sie Beginn und Ende an."), field="beginn")
        if ende < beginn:
            raise AenderungRefused(_("Das Ende darf nicht vor dem Beginn liegen."), field="ende")
        if ende < today:
            raise AenderungRefused(
                _("Das neue Ende darf nicht in der Vergangenheit liegen."), field="ende"
            )
        jahr = antrag.fonds.jahr
        if beginn.year != jahr or ende.year != jahr:
            # the fund pays actions of its own year only; its money lapses at the year's end
            raise AenderungRefused(
                _(
                    "Die Aktion muss im Jahr %(jahr)s stattfinden: Der Aktionsfonds %(jahr)s "
                    "fördert nur Aktionen in seinem Jahr. Kann sie erst später stattfinden, "
                    "stellen Sie bitte einen neuen Antrag an den Aktionsfonds des nächsten Jahres."
                )
                % {"jahr": jahr},
                field="ende" if beginn.year == jahr else "beginn",
            )
        if beginn == antrag.beginn and ende == antrag.ende:
            raise AenderungRefused(_("Das sind die bisherigen Daten."), field="beginn")
        return
    if art != Art.FRIST:
        raise AenderungRefused(_("Unbekannte Art der Änderung."), field="art")
    if abrechnungsfrist is None:
        raise AenderungRefused(
            _("Bitte geben Sie die gewünschte Abrechnungsfrist an."), field="abrechnungsfrist"
        )
    if antrag.abrechnungsfrist and abrechnungsfrist <= antrag.abrechnungsfrist:
        raise AenderungRefused(
            _("Die neue Frist muss nach der bisherigen (%(frist)s) liegen.")
            % {"frist": _datum(antrag.abrechnungsfrist)},
            field="abrechnungsfrist",
        )


def aenderung_request(
    antrag, *, akteur, art, begruendung, beginn=None, ende=None, abrechnungsfrist=None
):
    """The applicant asks to move the dates (``TERMIN``) or for a later settlement deadline
    (``FRIST``); one open request at a time. Returns the ``Aenderungswunsch``."""
    begruendung = (begruendung or "").strip()
    with transaction.atomic():
        antrag = antrag_lock(antrag)
        require(may_act_on_antrag_as_applicant, akteur, antrag, refused=AenderungRefused)
        if antrag.status not in AWAITING_SETTLEMENT_STATES:
            raise AenderungRefused(
                _(
                    "Änderungen können nur nach der Bewilligung und vor der Abrechnung beantragt werden."
                ),
                code="wrong_state",
            )
        if not begruendung:
            raise AenderungRefused(_("Bitte begründen Sie Ihren Wunsch."), field="begruendung")
        _check_dates(
            antrag,
            art,
            beginn=beginn,
            ende=ende,
            abrechnungsfrist=abrechnungsfrist,
            today=berlin_today(),
        )
        if antrag.aenderungswuensche.filter(status=Aenderungswunsch.Status.OFFEN).exists():
            raise AenderungRefused(
                _("Es gibt schon einen offenen Änderungswunsch. Bitte warten Sie die Antwort ab."),
                code="wrong_state",
            )
        wunsch = Aenderungswunsch.objects.create(
            antrag=antrag,
            art=art,
            beginn=beginn if art == Art.TERMIN else None,
            ende=ende if art == Art.TERMIN else None,
            abrechnungsfrist=abrechnungsfrist if art == Art.FRIST else None,
            begruendung=begruendung,
        )
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=_("Änderung beantragt (%(was)s). Begründung: %(grund)s")
            % {"was": _beschreibung(wunsch), "grund": begruendung},
            mitteilung=True,
        )
        mail.queue_for_qm_office(antrag, "aenderung_beantragt", kontext={"wunsch": wunsch.pk})
    return wunsch


def aenderung_decide(wunsch, *, akteur, bewilligt, antwort=""):
    """QM grants (``bewilligt=True``) or refuses an open request, with a message (required for a
    refusal). A granted date change moves the project dates and, if the new end needs it, the
    settlement deadline; a granted extension moves the settlement deadline."""
    antwort = (antwort or "").strip()
    with transaction.atomic():
        antrag = antrag_lock(wunsch.antrag_id)
        require(may_act_on_antrag_as_qm, akteur, antrag, refused=AenderungRefused)
        wunsch = Aenderungswunsch.objects.select_for_update().get(pk=wunsch.pk)
        _aenderung_decide_check(antrag, wunsch, bewilligt=bewilligt, antwort=antwort)
        if bewilligt:
            _apply(antrag, wunsch)
        wunsch.status = (
            Aenderungswunsch.Status.BEWILLIGT if bewilligt else Aenderungswunsch.Status.ABGELEHNT
        )
        wunsch.antwort = antwort
        wunsch.entschieden_am = timezone.now()
        wunsch.entschieden_von = akteur.user if akteur.is_authenticated else None
        wunsch.save(update_fields=["status", "antwort", "entschieden_am", "entschieden_von"])
        kontext = {"was": _beschreibung(wunsch), "antwort": antwort}
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=(
                _("Änderung bewilligt (%(was)s).")
                if bewilligt
                else _("Änderung abgelehnt (%(was)s).")
            )
            % kontext
            + (" " + antwort if antwort else ""),
            mitteilung=True,
        )
        mail.queue_for_applicant(
            antrag,
            "aenderung_bewilligt" if bewilligt else "aenderung_abgelehnt",
            kontext={
                "art": wunsch.art,
                "beginn": antrag.beginn,
                "ende": antrag.ende,
                "frist": antrag.abrechnungsfrist,
                "antwort": antwort,
            },
        )
    return wunsch


def _aenderung_decide_check(antrag, wunsch, *, bewilligt, antwort):
    """Refuse a decision on a request decided already, of an Antrag past its project, or a
    refusal without a message."""
    if wunsch.status != Aenderungswunsch.Status.OFFEN:
        raise AenderungRefused(
            _("Über diesen Änderungswunsch wurde schon entschieden."), code="conflict"
        )
    if antrag.status not in AWAITING_SETTLEMENT_STATES:
        raise AenderungRefused(
            _("Der Antrag ist nicht mehr in Durchführung; die Änderung ist gegenstandslos."),
            code="wrong_state",
        )
    if not bewilligt and not antwort:
        raise AenderungRefused(
            _("Bitte schreiben Sie der antragstellenden Person, warum Sie ablehnen."),
            field="antwort",
        )


def _apply(antrag, wunsch):
    felder = {}
    if wunsch.art == Art.TERMIN:
        antrag.beginn, antrag.ende = wunsch.beginn, wunsch.ende
        felder.update(beginn=wunsch.beginn, ende=wunsch.ende)
        # the settlement deadline runs from the project's end: a later end moves it, an earlier
        # end never shortens a deadline already given
        frist = abrechnungsfrist_for(antrag)
        if antrag.abrechnungsfrist is None or frist > antrag.abrechnungsfrist:
            antrag.abrechnungsfrist = frist
            felder["abrechnungsfrist"] = frist
    else:
        antrag.abrechnungsfrist = wunsch.abrechnungsfrist
        felder["abrechnungsfrist"] = wunsch.abrechnungsfrist
    Antrag.objects.filter(pk=antrag.pk).update(geaendert_am=timezone.now(), **felder)
