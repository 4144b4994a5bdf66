"""Money of an approved Antrag as QM offices handle it: payout plan, agreement, bank details,
advance and repayment claims.

Money flow (the fund's balance is budget − reserved − paid, see ``selectors``): the advance moves
money from reserved to paid; a repayment claim changes nothing until QM records the repayment,
which takes the amount off "paid" — only then is the money back in the fund.
"""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...antrag.services.antrag import antrag_lock, berlin_today
from ...antrag.services.timeline import statuswechsel_record
from ...dokumente import services as documents
from ...mail import services as mail
from ...models import (
    ZERO,
    Abschlag,
    AbschlagWartend,
    Antrag,
    AntragStatus,
    Bankverbindung,
    Dokument,
    Rueckforderung,
    Vereinbarung,
)
from ...money import euro_format, euro_parse
from ...permissions import (
    may_act_on_antrag_as_applicant,
    may_act_on_antrag_as_applicant_or_qm,
    may_act_on_antrag_as_qm,
    require,
)
from ...roles import Akteur
from ...states import ADVANCE_STATES, AWAITING_SETTLEMENT_STATES, RESERVING_STATES
from ..buchungen.services import reservierung_set
from ..selectors.vereinbarung import iban_masked, zahlungsplan_for
from .abrechnung import (
    AbrechnungRefused,
    abrechnung_status_require,
    abschlag_book,
    akteur_user,
    create_once,
    rueckforderung_create,
    rueckforderung_settle,
)
from .anordnung import abschlag_anordnung_cancel, anordnungen_bank_changed

# --- Agreement ---


def vereinbarung_errors(antrag):
    """Why the agreement cannot be confirmed yet (empty: it can)."""
    if antrag.status not in AWAITING_SETTLEMENT_STATES:
        return [
            _("Die Vereinbarung kann im Status „%(status)s“ nicht bestätigt werden.")
            % {"status": AntragStatus(antrag.status).label}
        ]
    return []


def vereinbarung_confirm(antrag, *, akteur):
    """The applicant confirms the agreement online (once); see ``_vereinbarung_record``."""
    require(may_act_on_antrag_as_applicant, akteur, antrag, refused=AbrechnungRefused)
    return _vereinbarung_record(
        antrag, akteur=akteur, art=Vereinbarung.Art.ONLINE, datum=berlin_today()
    )


def vereinbarung_record_paper(antrag, *, akteur, unterschrieben_am):
    """QM records that the applicant signed the agreement on paper (once)."""
    require(may_act_on_antrag_as_qm, akteur, antrag, refused=AbrechnungRefused)
    if unterschrieben_am is None or unterschrieben_am > berlin_today():
        raise AbrechnungRefused(
            _("Das Datum der Unterschrift darf nicht in der Zukunft liegen."),
            code="invalid",
            field="unterschrieben_am",
        )
    if antrag.entschieden_am and unterschrieben_am < antrag.entschieden_am.date():
        raise AbrechnungRefused(
            _("Die Vereinbarung kann erst nach der Bewilligung unterschrieben werden."),
            code="invalid",
            field="unterschrieben_am",
        )
    return _vereinbarung_record(
        antrag, akteur=akteur, art=Vereinbarung.Art.PAPIER, datum=unterschrieben_am
    )


def _vereinbarung_record(antrag, *, akteur, art, datum):
    """Record the agreement once, store it as PDF (task) and, where the fund's payout plan says so,
    release the advance at once. A second confirmation is refused and changes nothing."""
    with transaction.atomic():
        antrag = antrag_lock(antrag)
        errors = vereinbarung_errors(antrag)
        if errors:
            raise AbrechnungRefused(errors[0], code="wrong_state")
        vereinbarung = create_once(
            Vereinbarung,
            refused=_("Die Vereinbarung ist bereits bestätigt."),
            antrag=antrag,
            art=art,
            bestaetigt_am=datum,
            erfasst_von=akteur_user(akteur),
        )
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=(
                _("Vereinbarung online bestätigt.")
                if art == Vereinbarung.Art.ONLINE
                else _("Vereinbarung auf Papier unterschrieben am %(datum)s.")
                % {"datum": formats.date_format(datum, "SHORT_DATE_FORMAT")}
            ),
        )
        documents.dokument_schedule(antrag, Dokument.Art.VEREINBARUNG)
        plan = zahlungsplan_for(antrag)
        if (
            plan.automatisch
            and plan.abschlag > 0
            and not Abschlag.objects.filter(antrag=antrag).exists()
        ):
            abschlag_book(antrag, akteur=akteur, datum=berlin_today(), betrag=plan.abschlag)
    return vereinbarung


# --- Bank details ---

# SEPA: a payout from a Berlin account reaches every IBAN of the SEPA zone (and SEPA rules forbid
# refusing one of them); outside it the bookkeeping cannot transfer.


def iban_normalised(value):
    """The IBAN from user input without spaces, upper case; raises ``AbrechnungRefused``."""
    from schwifty import IBAN
    from schwifty.exceptions import (
        InvalidChecksumDigits,
        InvalidCountryCode,
        InvalidLength,
        SchwiftyException,
    )

    text = "".join((value or "").split()).upper()
    if not text:
        raise AbrechnungRefused(_("Bitte geben Sie die IBAN an."), code="invalid", field="iban")

    def refuse(message):
        return AbrechnungRefused(message, code="invalid", field="iban")

    try:
        iban = IBAN(text)
    except InvalidChecksumDigits as error:
        raise refuse(
            _(
                "Die Prüfziffer der IBAN stimmt nicht. Bitte vergleichen Sie die IBAN Zeichen für "
                "Zeichen mit Ihrer Bankkarte oder Ihrem Kontoauszug."
            )
        ) from error
    except InvalidCountryCode as error:
        raise refuse(
            _("Eine IBAN beginnt mit dem Länderkennzeichen, z. B. DE für Deutschland.")
        ) from error
    except InvalidLength as error:
        raise refuse(
            _("Die IBAN hat nicht die richtige Länge (in Deutschland 22 Zeichen).")
        ) from error
    except SchwiftyException as error:
        raise refuse(_("Das ist keine gültige IBAN. Bitte prüfen Sie die Eingabe.")) from error
    if not iban.in_sepa_zone:
        raise refuse(
            _(
                "Auszahlungen sind nur auf Konten im SEPA-Raum möglich (EU, EWR, Schweiz, "
                "Großbritannien u. a.). Bitte geben Sie ein solches Konto an."
            )
        )
    return iban.compact


def bankverbindung_save(antrag, *, akteur, iban, kontoinhaber):
    """The applicant (or QM of the area, from paper) stores the account for the payout."""
    require(may_act_on_antrag_as_applicant_or_qm, akteur, antrag, refused=AbrechnungRefused)
    abrechnung_status_require(antrag, RESERVING_STATES)
    kontoinhaber = " ".join((kontoinhaber or "").split())
    if not kontoinhaber:
        raise AbrechnungRefused(
            _("Bitte geben Sie an, wem das Konto gehört."), code="invalid", field="kontoinhaber"
        )
    iban = iban_normalised(iban)
    with transaction.atomic():
        antrag = antrag_lock(antrag)
        bank, _created = Bankverbindung.objects.update_or_create(
            antrag=antrag, defaults={"iban": iban, "kontoinhaber": kontoinhaber[:140]}
        )
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=_("Bankverbindung gespeichert (%(iban)s).") % {"iban": iban_masked(iban)},
        )
        abschlag_wartend_proceed(antrag, akteur=akteur)
        anordnungen_bank_changed(antrag, bank)
    return bank


def abschlag_wartend_proceed(antrag, *, akteur):
    """Inside a locked transaction, once the bank details are there: a waiting advance is booked
    now (payout order, e-mail "angewiesen"). Where the Antrag can no longer take an advance (it
    moved on, or was cancelled) the waiting row just goes: nothing was ever booked."""
    wartend = AbschlagWartend.objects.filter(antrag=antrag).first()
    if wartend is None:
        return None
    wartend.delete()
    if antrag.status not in ADVANCE_STATES or Abschlag.objects.filter(antrag=antrag).exists():
        return None
    betrag = min(wartend.betrag, antrag.betrag_reserviert)
    if betrag <= ZERO:
        return None
    return abschlag_book(antrag, akteur=akteur, datum=berlin_today(), betrag=betrag)


# --- Repayment ---


def rueckzahlung_record(antrag, *, akteur, datum, betrag=None):
    """QM records money that came in for the repayment claim: ``betrag`` (empty: all still open;
    instalments are recorded one by one). What came in is back in the fund (booked)."""
    if betrag not in (None, ""):
        betrag = euro_parse(betrag, field="betrag", refusal=AbrechnungRefused)
    else:
        betrag = None
    with transaction.atomic():
        antrag = antrag_lock(antrag)
        require(may_act_on_antrag_as_qm, akteur, antrag, refused=AbrechnungRefused)
        if datum is None or datum > berlin_today():
            raise AbrechnungRefused(
                _("Das Datum darf nicht in der Zukunft liegen."), code="invalid", field="datum"
            )
        rueckforderung = rueckforderung_settle(antrag, datum=datum, akteur=akteur, betrag=betrag)
        if rueckforderung is None:
            raise AbrechnungRefused(_("Es gibt keine offene Rückforderung."), code="conflict")
        kontext = {
            "betrag": euro_format(rueckforderung.eingang),
            "datum": formats.date_format(datum, "SHORT_DATE_FORMAT"),
            "offen": euro_format(rueckforderung.betrag_offen),
        }
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=(
                _(
                    "Rückzahlung von %(betrag)s € am %(datum)s eingegangen; der Betrag steht dem "
                    "Aktionsfonds wieder zur Verfügung."
                )
                if rueckforderung.zurueckgezahlt_am is not None
                else _(
                    "Teilzahlung von %(betrag)s € am %(datum)s eingegangen; noch offen: "
                    "%(offen)s €."
                )
            )
            % kontext,
        )
    return rueckforderung


# One reminder per claim, this many days after the deadline passed, with a new deadline; a run of
# the beat job reminds at most MAHNUNGEN_JE_LAUF claims (the next run takes the rest).
MAHNFRIST = datetime.timedelta(weeks=2)
MAHNUNGEN_JE_LAUF = 200


def rueckforderungen_mahnen(*, today=None, limit=MAHNUNGEN_JE_LAUF):
    """Beat job: every open claim past its deadline and not yet reminded gets one reminder —
    letter (with the account and reference to pay to) and e-mail, a new deadline, a timeline entry.
    Reads only what is due (partial index), at most ``limit``; safe to run twice. Returns how many."""
    today = today or berlin_today()
    due = list(
        Rueckforderung.objects.filter(
            zurueckgezahlt_am__isnull=True, gemahnt_am__isnull=True, frist__lt=today
        )
        .order_by("frist", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(_rueckforderung_mahnen(pk, today) for pk in due)


@transaction.atomic
def _rueckforderung_mahnen(pk, today):
    mahnfrist = today + MAHNFRIST
    claimed = Rueckforderung.objects.filter(
        pk=pk, zurueckgezahlt_am__isnull=True, gemahnt_am__isnull=True
    ).update(gemahnt_am=timezone.now(), mahnfrist=mahnfrist)
    if not claimed:
        return 0
    rueckforderung = Rueckforderung.objects.select_related("antrag").get(pk=pk)
    statuswechsel_record(
        rueckforderung.antrag,
        akteur=Akteur.system_akteur(),
        kommentar=_(
            "Zahlungserinnerung zur Rückforderung versandt: noch offen %(offen)s €, neue Frist "
            "%(frist)s."
        )
        % {
            "offen": euro_format(rueckforderung.betrag_offen),
            "frist": formats.date_format(mahnfrist, "SHORT_DATE_FORMAT"),
        },
    )
    documents.dokument_schedule(rueckforderung.antrag, Dokument.Art.MAHNUNG)
    return 1


def _advance_unsettled(antrag):
    abschlag = Abschlag.objects.filter(antrag=antrag).first()
    if abschlag is None or Rueckforderung.objects.filter(antrag=antrag).exists():
        return None
    return abschlag


def aktion_entfaellt_qm_notify(antrag, *, begruendung=""):
    """The applicant reported "Aktion entfällt": the QM office is told (its address, its language)."""
    mail.queue_for_qm_office(antrag, "aktion_entfaellt_qm", kontext={"begruendung": begruendung})


def antrag_not_carried_out(antrag, *, anlass):
    """Move body of "Aktion entfällt" and of expiry: what is reserved returns to the fund at once;
    an advance whose order is not yet in a SEPA file is cancelled (it never left the account); a
    paid advance is claimed back (letter, e-mail) and returns only when repaid."""
    reservierung_set(antrag, ZERO)
    AbschlagWartend.objects.filter(antrag=antrag).delete()  # never booked: nothing to claim
    Antrag.objects.filter(pk=antrag.pk).update(betrag_reserviert=ZERO)
    antrag.betrag_reserviert = ZERO
    abschlag_anordnung_cancel(antrag)
    abschlag = _advance_unsettled(antrag)
    if abschlag is not None:
        return rueckforderung_create(antrag, anlass=anlass, betrag=abschlag.betrag)
    if anlass == Rueckforderung.Anlass.ENTFAELLT:
        mail.queue_for_applicant(antrag, "aktion_entfaellt")
    return None
