"""Project under way, settlement and payout: the domain functions after the decision.

Money flow of one Antrag (the fund's balance is budget − reserved − paid, see ``selectors``):
approval reserves the approved amount; an advance (Abschlag) moves money from reserved to paid;
releasing the payout keeps reserved only what is still to be paid and returns the rest to the
fund; marking it paid moves that from reserved to paid. Every amount change is a timeline entry.
"""

import datetime
import io
import warnings

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...antrag.services.anhang import UploadRefused, upload_content_type
from ...antrag.services.antrag import antrag_lock, berlin_today
from ...antrag.services.timeline import statuswechsel_record
from ...dokumente import services as documents
from ...mail import services as mail
from ...models import (
    Abschlag,
    AbschlagWartend,
    Antrag,
    AntragStatus,
    Auszahlung,
    Auszahlungsanordnung,
    Bankverbindung,
    Beleg,
    Dokument,
    Kostenposition,
    Projektfoto,
    Rueckforderung,
    Sachbericht,
)
from ...money import ZERO, euro_format, euro_parse
from ...permissions import (
    may_act_on_antrag_as_applicant,
    may_act_on_antrag_as_applicant_or_qm,
    may_act_on_antrag_as_qm,
    require,
)
from ...refusals import Refused
from ...states import ADVANCE_STATES, SETTLEMENT_EDITABLE_STATES
from ..buchungen.models import Buchung
from ..buchungen.services import buchung_book, fondsauswertung_veraltet, reservierung_set
from ..selectors.abrechnung import auszahlung_berechnung, settlement_errors
from ..selectors.vereinbarung import vereinbarung_bestaetigt
from .anordnung import anordnung_create, anordnung_mark_paid, restzahlung_anordnung_released

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"


class AbrechnungRefused(Refused):
    """An action of the settlement that is not allowed; nothing was changed."""


# --- Checks shared by the actions ---


def abrechnung_status_require(antrag, states):
    """Refuse (``wrong_state``) unless ``antrag`` is in one of ``states``."""
    if antrag.status not in states:
        raise AbrechnungRefused(
            _("Dieser Schritt ist im Status „%(status)s“ nicht möglich.")
            % {"status": AntragStatus(antrag.status).label},
            code="wrong_state",
        )


def upload_checked(datei, *, erlaubt=(PDF, JPEG, PNG)):
    """The content type of an uploaded receipt or photo, judged by its content.

    The size and the magic bytes are checked by ``uploads.upload_content_type`` (the same check as
    for attachments); a receipt's PDF must in addition open with pypdf.
    """
    if datei is None:
        raise AbrechnungRefused(
            _("Bitte wählen Sie eine Datei aus."), code="invalid", field="datei"
        )
    names = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
    falsche_art = _("Die Datei ist kein gültiges %(arten)s-Dokument.") % {
        "arten": "/".join(names[m] for m in erlaubt)
    }
    try:
        content_type = upload_content_type(datei, erlaubt=erlaubt)
    except UploadRefused as refused:
        message = refused.message if refused.code in ("empty", "too_big") else falsche_art
        raise AbrechnungRefused(message, code="invalid", field="datei") from refused
    if content_type == PDF and not _pdf_opens(datei):
        raise AbrechnungRefused(falsche_art, code="invalid", field="datei")
    return content_type


def _pdf_opens(datei):
    from pypdf import PdfReader

    data = datei.read()
    datei.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(PdfReader(io.BytesIO(data)).pages) > 0
    except Exception:  # noqa: BLE001 - any parser failure means "not a valid file"
        return False


# --- Project under way ---


def abschlag_grant(antrag, *, akteur, datum, betrag):
    """QM releases the advance payment: reserved → paid, at most the approved amount, once.

    Only where the fund's payout plan has an advance, after the agreement, before the settlement.
    """
    betrag = euro_parse(betrag, refusal=AbrechnungRefused)
    with transaction.atomic():
        antrag = antrag_lock(antrag)
        require(may_act_on_antrag_as_qm, akteur, antrag, refused=AbrechnungRefused)
        abrechnung_status_require(antrag, ADVANCE_STATES)
        if not antrag.fonds.abschlag_erlaubt:
            raise AbrechnungRefused(
                _("In diesem Aktionsfonds sind keine Abschläge vorgesehen."), code="not_allowed"
            )
        if datum is None or datum > berlin_today():
            raise AbrechnungRefused(
                _("Das Datum der Zahlung darf nicht in der Zukunft liegen."),
                code="invalid",
                field="datum",
            )
        if betrag > antrag.betrag_bewilligt:
            raise AbrechnungRefused(
                _("Der Abschlag darf höchstens den bewilligten Betrag (%(betrag)s €) erreichen.")
                % {"betrag": euro_format(antrag.betrag_bewilligt)},
                code="invalid",
                field="betrag",
            )
        return abschlag_book(antrag, akteur=akteur, datum=datum, betrag=betrag)


def create_once(model, *, refused, **fields):
    """The one ``model`` row of an Antrag (a unique constraint keeps it one); a second is refused
    with the message ``refused`` (code ``conflict``) and changes nothing."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError as error:
        raise AbrechnungRefused(refused, code="conflict") from error


def akteur_user(akteur):
    return akteur.user if akteur is not None and akteur.is_authenticated else None


def abschlag_book(antrag, *, akteur, datum, betrag):
    """Inside a locked transaction: book the advance (reserved → paid), once; payout order PDF
    and an e-mail to the applicant follow after commit. Refuses before the agreement."""
    if not vereinbarung_bestaetigt(antrag):
        raise AbrechnungRefused(
            _("Ein Abschlag ist erst nach der bestätigten Vereinbarung möglich."),
            code="no_agreement",
        )
    if not Bankverbindung.objects.filter(antrag=antrag).exists() and not (
        Abschlag.objects.filter(antrag=antrag).exists()
    ):
        abschlag_wait(antrag, akteur=akteur, betrag=betrag)
        return None
    abschlag = create_once(
        Abschlag,
        refused=_("Für diesen Antrag ist bereits ein Abschlag erfasst."),
        antrag=antrag,
        datum=datum,
        betrag=betrag,
        erfasst_von=akteur_user(akteur),
    )
    _abschlag_pay(antrag, akteur=akteur, datum=datum, betrag=betrag)
    statuswechsel_record(
        antrag,
        akteur=akteur,
        kommentar=_("Abschlag von %(betrag)s € am %(datum)s angewiesen.")
        % {"betrag": euro_format(betrag), "datum": formats.date_format(datum, "SHORT_DATE_FORMAT")},
    )
    anordnung_create(antrag, Auszahlungsanordnung.Art.ABSCHLAG, betrag)
    mail.queue_for_applicant(
        antrag,
        "abschlag_angewiesen",
        kontext={"betrag": euro_format(betrag)},
        dedupe_key=f"abschlag:{antrag.pk}",
    )
    return abschlag


def _abschlag_pay(antrag, *, akteur, datum, betrag):
    """Move the advance from reserved to paid on the Antrag (refused if it changed meanwhile) and
    book it in the fund's ledger."""
    moved = Antrag.objects.filter(
        pk=antrag.pk, status=antrag.status, betrag_reserviert__gte=betrag
    ).update(
        betrag_reserviert=F("betrag_reserviert") - betrag,
        betrag_ausgezahlt=F("betrag_ausgezahlt") + betrag,
    )
    if not moved:
        raise AbrechnungRefused(
            _("Der Antrag wurde inzwischen geändert. Bitte laden Sie die Seite neu."),
            code="conflict",
        )
    buchung_book(
        antrag.fonds_id,
        Buchung.Art.ABSCHLAG,
        betrag,
        antrag=antrag,
        datum=datum,
        user=akteur_user(akteur),
    )


def abschlag_wait(antrag, *, akteur, betrag):
    """Inside a locked transaction: the advance is released but the Antrag has no bank details.
    Nothing is booked and no payout order made; the advance waits (``AbschlagWartend``, the
    latest release's amount) until the IBAN is entered. Applicant and QM office are told why."""
    AbschlagWartend.objects.update_or_create(
        antrag=antrag, defaults={"betrag": betrag, "freigegeben_von": akteur_user(akteur)}
    )
    statuswechsel_record(
        antrag,
        akteur=akteur,
        kommentar=_(
            "Abschlag von %(betrag)s € freigegeben; er wird angewiesen, sobald die "
            "Bankverbindung angegeben ist."
        )
        % {"betrag": euro_format(betrag)},
    )
    kontext = {"betrag": euro_format(betrag)}
    mail.queue_for_applicant(
        antrag, "abschlag_wartet", kontext=kontext, dedupe_key=f"abschlag_wartet:{antrag.pk}"
    )
    quartier = antrag.fonds.quartier
    mail.queue(
        "abschlag_wartet_qm",
        empfaenger=quartier.qm_email,
        sprache=quartier.qm_sprache,
        antrag=antrag,
        kontext=kontext,
        dedupe_key=f"abschlag_wartet_qm:{antrag.pk}",
    )


def rueckforderung_create(antrag, *, anlass, betrag, akteur=None):
    """Claim ``betrag`` back (once per Antrag): letter with amount and deadline, e-mail. The money
    stays counted as paid until QM records the repayment."""
    frist = berlin_today() + datetime.timedelta(weeks=antrag.fonds.rueckzahlungsfrist_wochen)
    rueckforderung = Rueckforderung.objects.create(
        antrag=antrag, anlass=anlass, betrag=betrag, frist=frist
    )
    buchung_book(
        antrag.fonds_id, Buchung.Art.RUECKFORDERUNG, betrag, antrag=antrag, user=akteur_user(akteur)
    )
    documents.dokument_schedule(antrag, Dokument.Art.RUECKFORDERUNG)
    return rueckforderung


def rueckforderung_settle(antrag, *, datum, akteur=None, betrag=None):
    """Money for the open claim came in on ``datum``: ``betrag`` (default: all still open)
    returns to the fund (booked); the claim is settled once everything has come in. Returns the
    claim, or None when there is no open one. Refuses more than is open."""
    rueckforderung = Rueckforderung.objects.filter(
        antrag=antrag, zurueckgezahlt_am__isnull=True
    ).first()
    if rueckforderung is None:
        return None
    offen = rueckforderung.betrag_offen
    betrag = offen if betrag is None else betrag
    if betrag <= ZERO or betrag > offen:
        raise AbrechnungRefused(
            _("Offen sind noch %(offen)s €: bitte geben Sie höchstens diesen Betrag an.")
            % {"offen": euro_format(offen)},
            code="invalid",
            field="betrag",
        )
    claimed = Rueckforderung.objects.filter(
        pk=rueckforderung.pk,
        zurueckgezahlt_am__isnull=True,
        betrag_eingegangen=rueckforderung.betrag_eingegangen,
    ).update(
        betrag_eingegangen=F("betrag_eingegangen") + betrag,
        zurueckgezahlt_am=datum if betrag == offen else None,
        erfasst_von=akteur_user(akteur),
    )
    if not claimed:
        return None
    Antrag.objects.filter(pk=antrag.pk).update(betrag_ausgezahlt=F("betrag_ausgezahlt") - betrag)
    buchung_book(
        antrag.fonds_id,
        Buchung.Art.RUECKZAHLUNG,
        betrag,
        antrag=antrag,
        datum=datum,
        user=akteur_user(akteur),
    )
    rueckforderung.refresh_from_db()
    rueckforderung.eingang = betrag
    return rueckforderung


# --- Settlement (applicant) ---


def beleg_add(antrag, *, akteur, datum, aussteller, betrag, kostenposition_id, datei=None):
    """A receipt for the Belegliste: numbered in order, linked to a line of the cost plan.

    Handed in by the applicant (with a copy as file) or entered by QM of the area from the paper
    settlement (the file is then optional: the original is on paper). One dated before the
    approval is flagged for QM.
    """
    von_qm = may_act_on_antrag_as_qm(akteur, antrag)
    if not von_qm:
        require(may_act_on_antrag_as_applicant, akteur, antrag, refused=AbrechnungRefused)
    abrechnung_status_require(antrag, SETTLEMENT_EDITABLE_STATES)
    betrag = euro_parse(betrag, refusal=AbrechnungRefused)
    _beleg_datum_check(datum)
    aussteller = _beleg_aussteller_check(aussteller)
    position = _beleg_kostenposition(antrag, kostenposition_id)
    content_type = upload_checked(datei) if datei is not None or not von_qm else ""
    with transaction.atomic():
        antrag_lock(antrag)  # numbers are given one at a time
        return Beleg.objects.create(
            antrag=antrag,
            nummer=(antrag.belege.aggregate(n=Max("nummer"))["n"] or 0) + 1,
            kostenposition=position,
            datum=datum,
            aussteller=aussteller[:160],
            betrag=betrag,
            kategorie=position.kategorie,
            datei=datei,
            originalname=((getattr(datei, "name", "") or "beleg")[:200] if datei else ""),
            content_type=content_type,
            groesse=datei.size if datei else 0,
            vor_bewilligung=_vor_bewilligung(antrag, datum),
        )


def _beleg_datum_check(datum):
    if datum is None:
        raise AbrechnungRefused(_("Bitte geben Sie das Datum an."), code="invalid", field="datum")
    if datum > berlin_today():
        raise AbrechnungRefused(
            _("Das Datum des Belegs darf nicht in der Zukunft liegen."),
            code="invalid",
            field="datum",
        )


def _beleg_aussteller_check(aussteller):
    aussteller = (aussteller or "").strip()
    if not aussteller:
        raise AbrechnungRefused(
            _("Bitte geben Sie an, wo Sie gekauft haben."), code="invalid", field="aussteller"
        )
    return aussteller


def _beleg_kostenposition(antrag, kostenposition_id):
    """The line of this Antrag's cost plan the receipt belongs to; refused if it names none."""
    position = (
        Kostenposition.objects.select_related("kategorie")
        .filter(pk=kostenposition_id, antrag=antrag)
        .first()
        if kostenposition_id
        else None
    )
    if position is None:
        raise AbrechnungRefused(
            _("Bitte wählen Sie die Position aus Ihrem Kostenplan."),
            code="invalid",
            field="kostenposition",
        )
    return position


def _vor_bewilligung(antrag, datum):
    """The receipt is dated before the approval (QM accepts it only with a reason)."""
    if not antrag.entschieden_am:
        return False
    return datum < timezone.localtime(antrag.entschieden_am).date()


def beleg_remove(beleg, *, akteur):
    """The applicant removes a receipt that QM has not accepted, while the settlement is open."""
    antrag = beleg.antrag
    require(may_act_on_antrag_as_applicant_or_qm, akteur, antrag, refused=AbrechnungRefused)
    abrechnung_status_require(antrag, SETTLEMENT_EDITABLE_STATES)
    if beleg.status == Beleg.Status.ANERKANNT:
        raise AbrechnungRefused(
            _("Ein anerkannter Beleg kann nicht mehr entfernt werden."), code="not_allowed"
        )
    if beleg.datei:
        beleg.datei.delete(save=False)
    beleg.delete()


def sachbericht_save(
    antrag, *, akteur, text, teilnehmende, logoleiste_verwendet=None, ehrenamtsstunden=None
):
    """The applicant (or QM from paper) writes the short report: what happened, how many took
    part, how many hours volunteers gave (optional), whether the programme's logo strip was used
    on the publicity."""
    require(may_act_on_antrag_as_applicant_or_qm, akteur, antrag, refused=AbrechnungRefused)
    abrechnung_status_require(antrag, SETTLEMENT_EDITABLE_STATES)
    text = (text or "").strip()
    if not text:
        raise AbrechnungRefused(
            _("Bitte beschreiben Sie kurz, was passiert ist."), code="invalid", field="text"
        )
    try:
        teilnehmende = int(teilnehmende)
    except (TypeError, ValueError) as error:
        raise AbrechnungRefused(
            _("Bitte geben Sie eine ganze Zahl an."), code="invalid", field="teilnehmende"
        ) from error
    if teilnehmende < 0:
        raise AbrechnungRefused(
            _("Die Zahl darf nicht negativ sein."), code="invalid", field="teilnehmende"
        )
    with transaction.atomic():
        bericht, _created = Sachbericht.objects.update_or_create(
            antrag=antrag,
            defaults={
                "text": text,
                "teilnehmende": teilnehmende,
                "ehrenamtsstunden": ehrenamtsstunden,
                "logoleiste_verwendet": logoleiste_verwendet,
            },
        )
        # participants and hours count in the fund's report (antraege.geld.auswertung)
        fondsauswertung_veraltet(antrag.fonds_id)
    return bericht


def projektfoto_add(antrag, *, akteur, datei):
    """The applicant (or QM) adds a photo of the project (JPEG or PNG)."""
    require(may_act_on_antrag_as_applicant_or_qm, akteur, antrag, refused=AbrechnungRefused)
    abrechnung_status_require(antrag, SETTLEMENT_EDITABLE_STATES)
    content_type = upload_checked(datei, erlaubt=(JPEG, PNG))
    return Projektfoto.objects.create(
        antrag=antrag,
        datei=datei,
        originalname=(getattr(datei, "name", "") or "foto")[:200],
        content_type=content_type,
        groesse=datei.size,
    )


def abrechnung_submitted(antrag):
    """Move body: the settlement is handed in; the QM office gets an e-mail."""
    errors = settlement_errors(antrag)
    if errors:
        raise ValueError(" ".join(errors))
    mail.queue_for_qm_office(antrag, "abrechnung_eingegangen")


# --- Settlement (QM) ---


def beleg_check(beleg, *, akteur, anerkannt=None, grund=""):
    """QM accepts an amount of a receipt (``anerkannt``) or refuses it (``anerkannt=None``, reason).

    A receipt dated before the approval is accepted only with a written reason.
    """
    grund = (grund or "").strip()
    with transaction.atomic():
        antrag = antrag_lock(beleg.antrag)
        require(may_act_on_antrag_as_qm, akteur, antrag, refused=AbrechnungRefused)
        abrechnung_status_require(antrag, (AntragStatus.SETTLEMENT_SUBMITTED,))
        if Auszahlung.objects.filter(antrag=antrag).exists():
            raise AbrechnungRefused(
                _("Die Auszahlung ist bereits freigegeben."), code="wrong_state"
            )
        beleg = Beleg.objects.select_for_update().get(pk=beleg.pk, antrag=antrag)
        if anerkannt is None:
            kommentar = _beleg_not_accepted(beleg, grund=grund)
        else:
            kommentar = _beleg_accepted(beleg, anerkannt=anerkannt, grund=grund)
        beleg.geprueft_am = timezone.now()
        beleg.geprueft_von = akteur.user
        beleg.save()
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=kommentar
            % {
                "beleg": beleg.aussteller,
                "betrag": euro_format(beleg.betrag),
                "anerkannt": euro_format(beleg.betrag_anerkannt or ZERO),
                "grund": grund,
            },
        )
        # accepted receipts count per cost category in the fund's report
        fondsauswertung_veraltet(antrag.fonds_id)
    return beleg


def _beleg_mark(beleg, status, *, anerkannt, grund):
    beleg.status, beleg.betrag_anerkannt, beleg.ablehnungsgrund = status, anerkannt, grund


def _beleg_not_accepted(beleg, *, grund):
    """Mark ``beleg`` refused (a reason is required); returns the timeline text."""
    if not grund:
        raise AbrechnungRefused(
            _("Bitte begründen Sie, warum der Beleg nicht anerkannt wird."),
            code="invalid",
            field="grund",
        )
    _beleg_mark(beleg, Beleg.Status.ABGELEHNT, anerkannt=None, grund=grund)
    return _("Beleg „%(beleg)s“ (%(betrag)s €) nicht anerkannt: %(grund)s")


def _beleg_accepted(beleg, *, anerkannt, grund):
    """Mark ``beleg`` accepted with ``anerkannt`` (at most its amount; a reason if dated before
    the approval); returns the timeline text."""
    if isinstance(anerkannt, str) and anerkannt.strip() in ("0", "0,00", "0.00"):
        anerkannt = ZERO
    else:
        anerkannt = euro_parse(anerkannt, field="anerkannt", refusal=AbrechnungRefused)
    if anerkannt > beleg.betrag:
        raise AbrechnungRefused(
            _("Anerkannt werden kann höchstens der Betrag des Belegs (%(betrag)s €).")
            % {"betrag": euro_format(beleg.betrag)},
            code="invalid",
            field="anerkannt",
        )
    if beleg.vor_bewilligung and not grund:
        raise AbrechnungRefused(
            _(
                "Der Beleg ist vor der Bewilligung datiert. Bitte begründen Sie, "
                "warum er trotzdem anerkannt wird."
            ),
            code="invalid",
            field="grund",
        )
    _beleg_mark(beleg, Beleg.Status.ANERKANNT, anerkannt=anerkannt, grund=grund)
    kommentar = _("Beleg „%(beleg)s“ (%(betrag)s €) mit %(anerkannt)s € anerkannt.")
    return kommentar + " " + grund if grund else kommentar


def abrechnung_changes_requested(antrag, *, kommentar):
    """Move body: QM asks for changes to the settlement; the applicant gets the message."""
    if not kommentar.strip():
        raise ValueError(_("Bitte schreiben Sie, was an der Abrechnung fehlt."))
    if Auszahlung.objects.filter(antrag=antrag).exists():
        raise ValueError(_("Die Auszahlung ist bereits freigegeben."))
    mail.queue_for_applicant(antrag, "abrechnung_nachforderung", kontext={"nachricht": kommentar})


def auszahlung_release(antrag, *, akteur):
    """QM releases the payout once every receipt is checked; the unspent rest returns to the fund.

    Creates the ``Auszahlung`` (once: a second release is refused), keeps reserved only what is
    still to be paid, records it in the timeline and renders the payout order in a task.
    """
    with transaction.atomic():
        antrag = antrag_lock(antrag)
        require(may_act_on_antrag_as_qm, akteur, antrag, refused=AbrechnungRefused)
        abrechnung_status_require(antrag, (AntragStatus.SETTLEMENT_SUBMITTED,))
        if antrag.belege.filter(status=Beleg.Status.OFFEN).exists():
            raise AbrechnungRefused(_("Bitte prüfen Sie zuerst jeden Beleg."), code="not_ready")
        rechnung = auszahlung_berechnung(antrag)
        auszahlung = _auszahlung_create(antrag, rechnung, akteur=akteur)
        reservierung_set(antrag, max(rechnung.auszahlung, ZERO), user=akteur_user(akteur))
        Antrag.objects.filter(pk=antrag.pk).update(betrag_reserviert=max(rechnung.auszahlung, ZERO))
        statuswechsel_record(antrag, akteur=akteur, kommentar=_auszahlung_kommentar(rechnung))
        documents.dokument_schedule(antrag, Dokument.Art.ABRECHNUNG)
        if rechnung.auszahlung < 0:
            rueckforderung_create(
                antrag,
                anlass=Rueckforderung.Anlass.ABRECHNUNG,
                betrag=rechnung.rueckforderung,
                akteur=akteur,
            )
        else:
            anordnung_create(antrag, Auszahlungsanordnung.Art.RESTZAHLUNG, rechnung.auszahlung)
    return auszahlung


def _auszahlung_create(antrag, rechnung, *, akteur):
    """The one ``Auszahlung`` of the Antrag, from the calculation; a second one is refused."""
    return create_once(
        Auszahlung,
        refused=_("Die Auszahlung ist bereits freigegeben."),
        antrag=antrag,
        betrag_anerkannt=rechnung.anerkannt,
        betrag_abschlag=rechnung.abschlag,
        betrag_pauschale=rechnung.pauschale,
        betrag=rechnung.auszahlung,
        freigegeben_am=timezone.now(),
        freigegeben_von=akteur.user,
    )


def _auszahlung_kommentar(rechnung):
    return _(
        "Auszahlung freigegeben: %(betrag)s € (anerkannte Belege %(anerkannt)s €, "
        "Aufwandspauschale %(pauschale)s €, Abschlag %(abschlag)s €). Zurück an den "
        "Aktionsfonds: %(rest)s €."
    ) % {
        "betrag": euro_format(rechnung.auszahlung),
        "anerkannt": euro_format(rechnung.anerkannt),
        "pauschale": euro_format(rechnung.pauschale),
        "abschlag": euro_format(rechnung.abschlag),
        "rest": euro_format(rechnung.zurueck_an_fonds),
    }


def auszahlung_mark_paid(antrag, *, bezahlt_am, buchungszeichen):
    """Move body of ``mark_paid``: the payout was booked; reserved → paid, once.

    The claim is a conditional update, so two clicks (or two tabs) never pay twice. A payout
    needs its payout order released (two confirmations, four eyes); the order is paid with it.
    """
    buchungszeichen = (buchungszeichen or "").strip()
    if not buchungszeichen:
        raise ValueError(_("Bitte geben Sie das Buchungszeichen an."))
    if bezahlt_am is None or bezahlt_am > berlin_today():
        raise ValueError(_("Das Zahlungsdatum darf nicht in der Zukunft liegen."))
    claimed = Auszahlung.objects.filter(antrag=antrag, bezahlt_am__isnull=True).update(
        bezahlt_am=bezahlt_am, buchungszeichen=buchungszeichen[:80]
    )
    if not claimed:
        raise ValueError(_("Es gibt keine freigegebene, noch offene Auszahlung."))
    betrag = Auszahlung.objects.values_list("betrag", flat=True).get(antrag=antrag)
    if betrag > 0 and not restzahlung_anordnung_released(antrag):
        raise ValueError(
            _(
                "Die Auszahlungsanordnung ist noch nicht angeordnet: zwei Personen bestätigen "
                "sie „sachlich richtig“ und „rechnerisch richtig“, dann wird sie angeordnet "
                "(Seite „Zahlungen“)."
            )
        )
    anordnung_mark_paid(antrag, Auszahlungsanordnung.Art.RESTZAHLUNG, bezahlt_am=bezahlt_am)
    if betrag < 0:
        # the claim may already be recorded as repaid; then the money is back already
        rueckforderung_settle(antrag, datum=bezahlt_am)
        reservierung_set(antrag, ZERO)
        Antrag.objects.filter(pk=antrag.pk).update(betrag_reserviert=ZERO)
    else:
        reservierung_set(antrag, betrag)  # nothing, unless the row was changed by hand
        buchung_book(
            antrag.fonds_id, Buchung.Art.RESTZAHLUNG, betrag, antrag=antrag, datum=bezahlt_am
        )
        Antrag.objects.filter(pk=antrag.pk).update(
            betrag_reserviert=ZERO, betrag_ausgezahlt=F("betrag_ausgezahlt") + betrag
        )
    mail.queue_for_applicant(
        antrag,
        "auszahlung_erfolgt",
        kontext={
            "betrag": euro_format(abs(betrag)),
            "rueckforderung": betrag < 0,
            "bezahlt_am": bezahlt_am,
        },
    )
