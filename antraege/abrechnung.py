"""Project under way, settlement and payout: the domain functions after the decision.

Money flow of one Antrag (the fund's balance is budget − reserved − paid, see ``selectors``):
approval reserves the approved amount; an advance (Abschlag) moves money from reserved to paid;
releasing the payout keeps reserved only what is still to be paid and returns the rest to the
fund; marking it paid moves that from reserved to paid. Every amount change is a timeline entry.
"""

import datetime
import io
import logging
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notifications
from .models import (
    GEFOERDERT_STATES,
    ZERO,
    Abschlag,
    Antrag,
    AntragStatus,
    Auszahlung,
    Beleg,
    Dokument,
    Kostenkategorie,
    Kostenposition,
    Projektfoto,
    Sachbericht,
    Statuswechsel,
)
from .roles import is_applicant, is_qm_staff, rolle_of
from .selectors import aktionsfonds_saldo
from .services import CENT, _format_euro, berlin_today
from .uploads import UploadAbgelehnt, upload_content_type

logger = logging.getLogger(__name__)

# States in which the applicant may change receipts, report and photos.
SETTLEMENT_EDITABLE = (AntragStatus.IN_PROGRESS, AntragStatus.SETTLEMENT_CHANGES_REQUESTED)
# States without a settlement yet: they get the reminder and, past the deadline, expire.
AWAITING_SETTLEMENT = (
    AntragStatus.APPROVED,
    AntragStatus.IN_PROGRESS,
    AntragStatus.SETTLEMENT_CHANGES_REQUESTED,
)
ERINNERUNG_VOR_FRIST = datetime.timedelta(days=7)

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"


class AbrechnungRefused(Exception):
    """An action of the settlement that is not allowed; nothing was changed."""

    def __init__(self, message, *, code="refused", field=None):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.field = field


def euro(amount):
    return _format_euro(amount)


# --- Checks shared by the actions ---


def _require_applicant(akteur, antrag):
    if not is_applicant(akteur, antrag):
        raise AbrechnungRefused(_("Sie dürfen diesen Schritt nicht ausführen."), code="forbidden")


def _require_qm(akteur, antrag):
    if not is_qm_staff(akteur, antrag.fonds.quartier_id):
        raise AbrechnungRefused(_("Sie dürfen diesen Schritt nicht ausführen."), code="forbidden")


def _require_state(antrag, states):
    if antrag.status not in states:
        raise AbrechnungRefused(
            _("Dieser Schritt ist im Status „%(status)s“ nicht möglich.")
            % {"status": AntragStatus(antrag.status).label},
            code="wrong_state",
        )


def _locked(antrag):
    """The Antrag as stored, locked for this transaction (PostgreSQL; SQLite locks the database)."""
    return (
        Antrag.objects.select_for_update(of=("self",))
        .select_related("fonds__quartier")
        .get(pk=antrag.pk)
    )


def parse_betrag(value, *, field="betrag"):
    """A money amount from user input: Decimal with two places, greater than 0."""
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("€", "")
        if "," in value:
            value = value.replace(".", "").replace(",", ".")
    try:
        betrag = Decimal(value).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise AbrechnungRefused(
            _("Bitte geben Sie einen Betrag in Euro an, z. B. 12,50."), code="invalid", field=field
        ) from error
    if not betrag.is_finite() or betrag <= 0:
        raise AbrechnungRefused(
            _("Der Betrag muss größer als 0 sein."), code="invalid", field=field
        )
    if betrag >= Decimal("100000000"):
        raise AbrechnungRefused(_("Der Betrag ist zu groß."), code="invalid", field=field)
    return betrag


def timeline_note(antrag, *, akteur, kommentar, intern=False):
    """A timeline entry without a status change (amounts, receipt checks)."""
    return Statuswechsel.objects.create(
        antrag=antrag,
        von_status=antrag.status,
        nach_status=antrag.status,
        akteur=akteur.user if akteur.is_authenticated else None,
        rolle=rolle_of(akteur, antrag),
        kommentar=kommentar,
        intern=intern,
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
    except UploadAbgelehnt as refused:
        message = (
            " ".join(refused.messages) if refused.code in ("empty", "too_big") else falsche_art
        )
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
    """QM records an advance payment: reserved → paid, at most the approved amount, once.

    Only where the fund allows advances, before the settlement is handed in.
    """
    betrag = parse_betrag(betrag)
    with transaction.atomic():
        antrag = _locked(antrag)
        _require_qm(akteur, antrag)
        _require_state(antrag, (AntragStatus.APPROVED, AntragStatus.IN_PROGRESS))
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
                % {"betrag": euro(antrag.betrag_bewilligt)},
                code="invalid",
                field="betrag",
            )
        try:
            with transaction.atomic():
                abschlag = Abschlag.objects.create(
                    antrag=antrag, datum=datum, betrag=betrag, erfasst_von=akteur.user
                )
        except IntegrityError as error:
            raise AbrechnungRefused(
                _("Für diesen Antrag ist bereits ein Abschlag erfasst."), code="conflict"
            ) from error
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
        timeline_note(
            antrag,
            akteur=akteur,
            kommentar=_("Abschlag von %(betrag)s € am %(datum)s ausgezahlt.")
            % {"betrag": euro(betrag), "datum": datum.strftime("%d.%m.%Y")},
        )
    return abschlag


# --- Settlement (applicant) ---


def beleg_add(antrag, *, akteur, datum, aussteller, betrag, kategorie_id, datei):
    """The applicant hands in a receipt. One dated before the approval is flagged for QM."""
    _require_applicant(akteur, antrag)
    _require_state(antrag, SETTLEMENT_EDITABLE)
    betrag = parse_betrag(betrag)
    if datum is None:
        raise AbrechnungRefused(_("Bitte geben Sie das Datum an."), code="invalid", field="datum")
    if datum > berlin_today():
        raise AbrechnungRefused(
            _("Das Datum des Belegs darf nicht in der Zukunft liegen."),
            code="invalid",
            field="datum",
        )
    aussteller = (aussteller or "").strip()
    if not aussteller:
        raise AbrechnungRefused(
            _("Bitte geben Sie an, wo Sie gekauft haben."), code="invalid", field="aussteller"
        )
    kategorie = Kostenkategorie.objects.filter(
        pk=kategorie_id, quartier_id=antrag.fonds.quartier_id
    ).first()
    if kategorie is None:
        raise AbrechnungRefused(
            _("Bitte wählen Sie eine Kostenart."), code="invalid", field="kategorie"
        )
    content_type = upload_checked(datei)
    bewilligt_am = (
        timezone.localtime(antrag.entschieden_am).date() if antrag.entschieden_am else None
    )
    return Beleg.objects.create(
        antrag=antrag,
        datum=datum,
        aussteller=aussteller[:160],
        betrag=betrag,
        kategorie=kategorie,
        datei=datei,
        originalname=(getattr(datei, "name", "") or "beleg")[:200],
        content_type=content_type,
        groesse=datei.size,
        vor_bewilligung=bool(bewilligt_am and datum < bewilligt_am),
    )


def beleg_remove(beleg, *, akteur):
    """The applicant removes a receipt that QM has not accepted, while the settlement is open."""
    antrag = beleg.antrag
    _require_applicant(akteur, antrag)
    _require_state(antrag, SETTLEMENT_EDITABLE)
    if beleg.status == Beleg.Status.ANERKANNT:
        raise AbrechnungRefused(
            _("Ein anerkannter Beleg kann nicht mehr entfernt werden."), code="not_allowed"
        )
    beleg.datei.delete(save=False)
    beleg.delete()


def sachbericht_save(antrag, *, akteur, text, teilnehmende):
    """The applicant writes (or rewrites) the short report."""
    _require_applicant(akteur, antrag)
    _require_state(antrag, SETTLEMENT_EDITABLE)
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
    bericht, _created = Sachbericht.objects.update_or_create(
        antrag=antrag, defaults={"text": text, "teilnehmende": teilnehmende}
    )
    return bericht


def projektfoto_add(antrag, *, akteur, datei):
    """The applicant adds a photo of the project (JPEG or PNG)."""
    _require_applicant(akteur, antrag)
    _require_state(antrag, SETTLEMENT_EDITABLE)
    content_type = upload_checked(datei, erlaubt=(JPEG, PNG))
    return Projektfoto.objects.create(
        antrag=antrag,
        datei=datei,
        originalname=(getattr(datei, "name", "") or "foto")[:200],
        content_type=content_type,
        groesse=datei.size,
    )


def settlement_errors(antrag):
    """What is missing before the settlement can be handed in (empty list: complete)."""
    errors = []
    if not antrag.belege.exists():
        errors.append(_("Bitte laden Sie mindestens einen Beleg hoch."))
    if not Sachbericht.objects.filter(antrag=antrag).exists():
        errors.append(_("Bitte schreiben Sie den kurzen Sachbericht."))
    return errors


def abrechnung_submitted(antrag):
    """Move body: the settlement is handed in; the QM office gets an e-mail."""
    errors = settlement_errors(antrag)
    if errors:
        raise ValueError(" ".join(errors))
    quartier = antrag.fonds.quartier
    notifications.queue(
        "abrechnung_eingegangen", empfaenger=quartier.qm_email, sprache="de", antrag=antrag
    )


# --- Settlement (QM) ---


def beleg_check(beleg, *, akteur, anerkannt=None, grund=""):
    """QM accepts an amount of a receipt (``anerkannt``) or refuses it (``anerkannt=None``, reason).

    A receipt dated before the approval is accepted only with a written reason.
    """
    grund = (grund or "").strip()
    with transaction.atomic():
        antrag = _locked(beleg.antrag)
        _require_qm(akteur, antrag)
        _require_state(antrag, (AntragStatus.SETTLEMENT_SUBMITTED,))
        if Auszahlung.objects.filter(antrag=antrag).exists():
            raise AbrechnungRefused(
                _("Die Auszahlung ist bereits freigegeben."), code="wrong_state"
            )
        beleg = Beleg.objects.select_for_update().get(pk=beleg.pk, antrag=antrag)
        if anerkannt is None:
            if not grund:
                raise AbrechnungRefused(
                    _("Bitte begründen Sie, warum der Beleg nicht anerkannt wird."),
                    code="invalid",
                    field="grund",
                )
            beleg.status, beleg.betrag_anerkannt, beleg.ablehnungsgrund = (
                Beleg.Status.ABGELEHNT,
                None,
                grund,
            )
            kommentar = _("Beleg „%(beleg)s“ (%(betrag)s €) nicht anerkannt: %(grund)s")
        else:
            if isinstance(anerkannt, str) and anerkannt.strip() in ("0", "0,00", "0.00"):
                anerkannt = ZERO
            else:
                anerkannt = parse_betrag(anerkannt, field="anerkannt")
            if anerkannt > beleg.betrag:
                raise AbrechnungRefused(
                    _("Anerkannt werden kann höchstens der Betrag des Belegs (%(betrag)s €).")
                    % {"betrag": euro(beleg.betrag)},
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
            beleg.status, beleg.betrag_anerkannt, beleg.ablehnungsgrund = (
                Beleg.Status.ANERKANNT,
                anerkannt,
                grund,
            )
            kommentar = _("Beleg „%(beleg)s“ (%(betrag)s €) mit %(anerkannt)s € anerkannt.")
            if grund:
                kommentar += " " + grund
        beleg.geprueft_am = timezone.now()
        beleg.geprueft_von = akteur.user
        beleg.save()
        timeline_note(
            antrag,
            akteur=akteur,
            kommentar=kommentar
            % {
                "beleg": beleg.aussteller,
                "betrag": euro(beleg.betrag),
                "anerkannt": euro(beleg.betrag_anerkannt or ZERO),
                "grund": grund,
            },
        )
    return beleg


def abrechnung_changes_requested(antrag, *, kommentar):
    """Move body: QM asks for changes to the settlement; the applicant gets the message."""
    if not kommentar.strip():
        raise ValueError(_("Bitte schreiben Sie, was an der Abrechnung fehlt."))
    if Auszahlung.objects.filter(antrag=antrag).exists():
        raise ValueError(_("Die Auszahlung ist bereits freigegeben."))
    notifications.queue_for_applicant(
        antrag, "abrechnung_nachforderung", kontext={"nachricht": kommentar}
    )


@dataclass(frozen=True)
class Berechnung:
    """The payout of an Antrag: min(approved, accepted receipts) − advance."""

    bewilligt: Decimal
    anerkannt: Decimal
    abschlag: Decimal

    @property
    def foerderung(self):
        return min(self.bewilligt, self.anerkannt)

    @property
    def auszahlung(self):
        return self.foerderung - self.abschlag

    @property
    def zurueck_an_fonds(self):
        return self.bewilligt - self.foerderung


def auszahlung_berechnung(antrag):
    """The payout figures from the receipts QM accepted and the advance paid."""
    anerkannt = antrag.belege.filter(status=Beleg.Status.ANERKANNT).aggregate(
        s=Coalesce(Sum("betrag_anerkannt"), ZERO)
    )["s"]
    abschlag = Abschlag.objects.filter(antrag=antrag).values_list("betrag", flat=True).first()
    return Berechnung(antrag.betrag_bewilligt or ZERO, anerkannt, abschlag or ZERO)


def auszahlung_release(antrag, *, akteur):
    """QM releases the payout once every receipt is checked; the unspent rest returns to the fund.

    Creates the ``Auszahlung`` (once: a second release is refused), keeps reserved only what is
    still to be paid, records it in the timeline and renders the payout order in a task.
    """
    from . import letters

    with transaction.atomic():
        antrag = _locked(antrag)
        _require_qm(akteur, antrag)
        _require_state(antrag, (AntragStatus.SETTLEMENT_SUBMITTED,))
        if antrag.belege.filter(status=Beleg.Status.OFFEN).exists():
            raise AbrechnungRefused(_("Bitte prüfen Sie zuerst jeden Beleg."), code="not_ready")
        rechnung = auszahlung_berechnung(antrag)
        try:
            with transaction.atomic():
                auszahlung = Auszahlung.objects.create(
                    antrag=antrag,
                    betrag_anerkannt=rechnung.anerkannt,
                    betrag_abschlag=rechnung.abschlag,
                    betrag=rechnung.auszahlung,
                    freigegeben_am=timezone.now(),
                    freigegeben_von=akteur.user,
                )
        except IntegrityError as error:
            raise AbrechnungRefused(
                _("Die Auszahlung ist bereits freigegeben."), code="conflict"
            ) from error
        Antrag.objects.filter(pk=antrag.pk).update(betrag_reserviert=max(rechnung.auszahlung, ZERO))
        kommentar = _(
            "Auszahlung freigegeben: %(betrag)s € (anerkannte Belege %(anerkannt)s €, "
            "Abschlag %(abschlag)s €). Zurück an den Aktionsfonds: %(rest)s €."
        ) % {
            "betrag": euro(rechnung.auszahlung),
            "anerkannt": euro(rechnung.anerkannt),
            "abschlag": euro(rechnung.abschlag),
            "rest": euro(rechnung.zurueck_an_fonds),
        }
        timeline_note(antrag, akteur=akteur, kommentar=kommentar)
        letters.dokument_schedule(antrag, Dokument.Art.AUSZAHLUNGSANORDNUNG)
    return auszahlung


def auszahlung_released(antrag):
    """The payout of ``antrag`` has been released and not yet marked paid."""
    return Auszahlung.objects.filter(antrag=antrag, bezahlt_am__isnull=True).exists()


def auszahlung_mark_paid(antrag, *, bezahlt_am, buchungszeichen):
    """Move body of ``mark_paid``: the payout was booked; reserved → paid, once.

    The claim is a conditional update, so two clicks (or two tabs) never pay twice.
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
    Antrag.objects.filter(pk=antrag.pk).update(
        betrag_reserviert=ZERO, betrag_ausgezahlt=F("betrag_ausgezahlt") + betrag
    )
    notifications.queue_for_applicant(
        antrag,
        "auszahlung_erfolgt",
        kontext={
            "betrag": euro(abs(betrag)),
            "rueckforderung": betrag < 0,
            "bezahlt_am": bezahlt_am.strftime("%d.%m.%Y"),
        },
    )


# --- Deadlines (beat) ---


def abrechnung_deadlines_check(*, today=None):
    """Remind before the settlement deadline (once) and expire Anträge past it.

    Returns ``(reminded, expired)`` counts. Idempotent: the reminder has a dedupe key, the expiry
    is a move that a second run finds already made.
    """
    from workflow.moves import MoveRefused, antrag_move

    from .roles import Akteur

    today = today or berlin_today()
    reminded = 0
    due = Antrag.objects.filter(
        status__in=AWAITING_SETTLEMENT,
        abrechnungsfrist__gte=today,
        abrechnungsfrist__lte=today + ERINNERUNG_VOR_FRIST,
    ).select_related("fonds__quartier")
    for antrag in due:
        row = notifications.queue_for_applicant(
            antrag,
            "abrechnung_erinnerung",
            kontext={"frist": antrag.abrechnungsfrist.strftime("%d.%m.%Y")},
            dedupe_key=f"abrechnung-erinnerung:{antrag.pk}:{antrag.abrechnungsfrist.isoformat()}",
        )
        reminded += row is not None
    expired = 0
    for antrag in Antrag.objects.filter(
        status__in=AWAITING_SETTLEMENT, abrechnungsfrist__lt=today
    ).select_related("fonds__quartier"):
        try:
            antrag_move(
                antrag,
                "expire",
                akteur=Akteur.system_akteur(),
                kommentar=_(
                    "Die Abrechnungsfrist (%(frist)s) ist abgelaufen; %(betrag)s € fließen "
                    "in den Aktionsfonds zurück."
                )
                % {
                    "frist": antrag.abrechnungsfrist.strftime("%d.%m.%Y"),
                    "betrag": euro(antrag.betrag_reserviert),
                },
            )
            expired += 1
        except MoveRefused as refused:
            logger.info("antrag %s not expired: %s", antrag.pk, refused.message)
    return reminded, expired


# --- Fund report ---


@dataclass(frozen=True)
class Fondsbericht:
    fonds: object
    budget: Decimal
    bewilligt: Decimal
    ausgezahlt: Decimal
    reserviert: Decimal
    zurueck: Decimal
    verfuegbar: Decimal
    kategorien: list  # [(name, geplant, anerkannt)]
    projekte: list  # [Antrag] with betrag_bewilligt, betrag_ausgezahlt


FUNDED_STATES = (
    AntragStatus.APPROVED,
    AntragStatus.IN_PROGRESS,
    AntragStatus.SETTLEMENT_SUBMITTED,
    AntragStatus.SETTLEMENT_CHANGES_REQUESTED,
    AntragStatus.PAID,
    AntragStatus.CLOSED,
    AntragStatus.EXPIRED,
)


def aktionsfonds_bericht(fonds):
    """The figures of one fund for its year: budget, approved, paid, returned, available."""
    saldo = aktionsfonds_saldo(fonds)
    # Funded = approved and not undone: expired and cancelled Anträge are not counted.
    projekte = list(
        Antrag.objects.filter(fonds=fonds, status__in=GEFOERDERT_STATES).order_by("referenz")
    )
    bewilligt = sum((a.betrag_bewilligt or ZERO for a in projekte), ZERO)
    # Returned: approved money of funded Anträge no longer reserving it and not paid out.
    zurueck = sum(
        (
            (a.betrag_bewilligt or ZERO) - a.betrag_reserviert - a.betrag_ausgezahlt
            for a in projekte
        ),
        ZERO,
    )
    geplant = {
        row["kategorie__name"]: row["s"]
        for row in Kostenposition.objects.filter(antrag__in=projekte)
        .values("kategorie__name")
        .annotate(s=Sum(F("menge") * F("einzelpreis")))
    }
    anerkannt = {
        row["kategorie__name"]: row["s"]
        for row in Beleg.objects.filter(antrag__in=projekte, status=Beleg.Status.ANERKANNT)
        .values("kategorie__name")
        .annotate(s=Sum("betrag_anerkannt"))
    }
    kategorien = [
        (
            name,
            (geplant.get(name) or ZERO).quantize(CENT),
            (anerkannt.get(name) or ZERO).quantize(CENT),
        )
        for name in sorted(set(geplant) | set(anerkannt))
    ]
    return Fondsbericht(
        fonds=fonds,
        budget=saldo.budget,
        bewilligt=bewilligt,
        ausgezahlt=saldo.ausgezahlt,
        reserviert=saldo.reserviert,
        zurueck=zurueck,
        verfuegbar=saldo.verfuegbar,
        kategorien=kategorien,
        projekte=projekte,
    )
