"""The application: business rules of an Antrag and its fund up to the decision.

The domain functions every view, task and move calls (submission check, draft, form steps, cost
plan, reserve and release of the fund's money, the effects of the moves before the decision).
"""

import datetime
import itertools
from decimal import ROUND_HALF_UP

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ...datenschutz.models import ANTRAG_KONTAKTFELDER
from ...fonds.selectors import fristen
from ...geld.buchungen.selectors import saldo_from_row
from ...geld.buchungen.services import reservierung_set
from ...mail import services as mail
from ...models import Aktionsfonds, Antrag, AntragStatus, Benachrichtigung, Kostenposition
from ...money import CENT, ZERO, euro_format, euro_round
from ...refusals import Refused
from ...states import EDITABLE_STATES
from ..selectors import antraege_mit_email
from .kostenplan import kostenplan_bewilligen

# Fields the applicant fills in, by step of the form; the submission check reads them from here.
REQUIRED_FIELDS = (
    "antragsteller_name",
    "antragsteller_strasse",
    "antragsteller_plz",
    "antragsteller_ort",
    "antragsteller_email",
    "titel",
    "kurzbeschreibung",
    "ziele",
    "zielgruppe",
    "projektort",
    "beginn",
    "ende",
)
DECLARATIONS = (
    "erklaerung_nicht_kommerziell",
    "erklaerung_nicht_begonnen",
    "erklaerung_belege",
)


class AktionsfondsRefused(Refused):
    """The fund's available balance does not cover the amount."""

    default_code = "exhausted"


class AntragRefused(Refused):
    """The Antrag is no longer a draft or a change request (e.g. submitted in another tab)."""

    default_code = "not_editable"

    def __init__(self, message=None, code=None, *, field=None):
        super().__init__(
            message
            or _("Ihr Antrag wurde bereits abgeschickt und kann jetzt nicht mehr geändert werden."),
            code,
            field=field,
        )


def berlin_today():
    return timezone.localdate()


def antrag_submission_errors(antrag, *, today=None):
    """Every rule an Antrag must meet before it can be submitted, as ``{field: [message, …]}``.

    Empty when the Antrag is complete. Reads the cost plan from the database. The rules, in the
    order the applicant meets them in the form: required fields, postcode, project dates, cost
    plan, amounts, fields of action, declarations.
    """
    today = today or berlin_today()
    positionen = list(antrag.kostenpositionen.select_related("kategorie"))
    errors = {}
    for field, message in itertools.chain(
        _required_errors(antrag),
        _plz_errors(antrag),
        _dates_errors(antrag, today),
        _kostenplan_errors(antrag, positionen),
        _betrag_errors(antrag, positionen),
        _handlungsfelder_errors(antrag),
        _declaration_errors(antrag),
    ):
        errors.setdefault(field, []).append(message)
    return errors


def antrag_step_errors(antrag, schritt, *, positionen=None, today=None):
    """The rules of a complete Antrag that the entries of one step can break, as
    ``{field: [message, …]}``: checked when the applicant leaves the step ("weiter"), so a start
    in the past or an amount above the cap is refused where it was typed, not only on submission.

    ``antrag`` carries the step's entries (unsaved); at step 3 ``positionen`` are the cost lines
    as typed (unsaved ``Kostenposition`` rows; ``None``: the lines could not be read, so the plan
    is not checked). Empty required fields are the form's to report. ``"kostenpositionen"`` is the
    cost plan as a whole.
    """
    today = today or berlin_today()
    if schritt == 2:
        found = _dates_errors(antrag, today)
    elif schritt == 3 and positionen is not None:
        found = itertools.chain(
            _kostenplan_errors(antrag, positionen), _betrag_errors(antrag, positionen)
        )
    else:
        found = ()
    errors = {}
    for field, message in found:
        errors.setdefault(field, []).append(message)
    return errors


def _required_errors(antrag):
    for field in REQUIRED_FIELDS:
        if field == "antragsteller_email" and antrag.briefe_per_post:
            continue  # letters go by post to the address (required above)
        if getattr(antrag, field) in (None, ""):
            yield field, _("Bitte füllen Sie dieses Feld aus.")


def _plz_errors(antrag):
    plz = antrag.antragsteller_plz
    if plz and not (len(plz) == 5 and plz.isdigit()):
        yield "antragsteller_plz", _("Eine Postleitzahl hat fünf Ziffern.")


def _dates_errors(antrag, today):
    """The project starts after the approval (and the area's lead time) and lies in the fund's year."""
    fonds = antrag.fonds
    im_jahr = _("Das Projekt muss im Jahr %(jahr)s stattfinden.") % {"jahr": fonds.jahr}
    if antrag.beginn:
        if antrag.beginn <= today:
            yield (
                "beginn",
                _(
                    "Das Projekt darf erst nach der Bewilligung beginnen: bitte ein Datum in der Zukunft."
                ),
            )
        elif not antrag.eingereicht_am and antrag.beginn < fristen.fruehester_beginn(
            fonds.quartier, today
        ):
            yield "beginn", fristen.vorlaufzeit_message(fonds.quartier, today)
        if antrag.beginn.year != fonds.jahr:
            yield "beginn", im_jahr
    if antrag.ende:
        if antrag.beginn and antrag.ende < antrag.beginn:
            yield "ende", _("Das Ende darf nicht vor dem Beginn liegen.")
        if antrag.ende.year != fonds.jahr:
            yield "ende", im_jahr


def _kostenplan_errors(antrag, positionen):
    """At least one cost line, each in an eligible category of the Antrag's area."""
    if not positionen:
        yield "kostenpositionen", _("Bitte geben Sie mindestens eine Kostenposition an.")
    for position in positionen:
        kategorie = position.kategorie
        if kategorie.quartier_id != antrag.fonds.quartier_id or not kategorie.foerderfaehig:
            yield (
                "kostenpositionen",
                _("„%(kategorie)s“ ist im Aktionsfonds nicht förderfähig (%(position)s).")
                % {"kategorie": kategorie.anzeigename, "position": position.beschreibung},
            )


def _betrag_errors(antrag, positionen):
    """An amount up to the fund's cap that equals the cost plan minus other funding."""
    fonds = antrag.fonds
    if antrag.betrag_beantragt <= 0:
        yield "betrag_beantragt", _("Bitte geben Sie den beantragten Betrag an.")
    elif antrag.betrag_beantragt > fonds.foerderhoechstbetrag:
        yield (
            "betrag_beantragt",
            _("Je Projekt sind höchstens %(cap)s € möglich.")
            % {"cap": euro_format(fonds.foerderhoechstbetrag)},
        )
    gesamt = sum((p.betrag for p in positionen), ZERO)
    # The cap includes the lump sum for own small expenses: the request may add it on top.
    pauschale = (
        sum((p.betrag for p in positionen if p.kategorie.foerderfaehig), ZERO)
        * antrag.fonds.pauschale_prozent
        / 100
    ).quantize(CENT, rounding=ROUND_HALF_UP)
    soll = gesamt - antrag.weitere_mittel
    if positionen and not (soll <= antrag.betrag_beantragt <= soll + pauschale):
        yield (
            "betrag_beantragt",
            _(
                "Der Kostenplan geht nicht auf: Gesamtkosten %(gesamt)s € minus andere "
                "Finanzierung %(weitere)s € ergibt %(soll)s €, beantragt sind %(ist)s €."
            )
            % {
                "gesamt": euro_format(gesamt),
                "weitere": euro_format(antrag.weitere_mittel),
                "soll": euro_format(gesamt - antrag.weitere_mittel),
                "ist": euro_format(antrag.betrag_beantragt),
            },
        )
        if pauschale:
            yield (
                "betrag_beantragt",
                _("Dazu dürfen Sie die Aufwandspauschale von bis zu %(pauschale)s € beantragen.")
                % {"pauschale": euro_format(pauschale)},
            )


def _handlungsfelder_errors(antrag):
    if antrag.pk and not antrag.handlungsfelder.exists():
        yield "handlungsfelder", _("Bitte wählen Sie mindestens einen Bereich.")


def _declaration_errors(antrag):
    for field in DECLARATIONS:
        if not getattr(antrag, field):
            yield field, _("Bitte bestätigen Sie diese Erklärung.")


class BenachrichtigungRefused(Refused):
    """No more e-mail to this address now: a visitor could otherwise flood a stranger's mailbox."""

    default_code = "rate_limited"

    def __init__(self, message=None, code=None, *, field=None):
        super().__init__(
            message
            or _(
                "Wir haben an diese Adresse in der letzten Stunde schon mehrere E-Mails geschickt. "
                "Damit niemand mit diesem Formular fremde Postfächer füllen kann, schicken wir die "
                "nächste erst in einer Stunde. Bitte sehen Sie auch im Spam-Ordner nach. Ihre "
                "Angaben sind gespeichert."
            ),
            code,
            field=field,
        )


# E-mails a visitor can make us send to an address they typed, with no person of the office in
# between: they share one budget per address (``MAIL_RATE_PER_ADDRESS`` an hour), counted in
# e-mails (the outbox's rows), not in requests.
ANTRAGSTELLER_MAIL_ARTEN = (
    "entwurf_gespeichert",
    "neuer_link",
    "zurueckgezogen",
    "antrag_eingegangen",
)
MAIL_FENSTER = datetime.timedelta(hours=1)


def antragsteller_mail_budget(email):
    """How many more e-mails a visitor may make us send to ``email`` in the coming hour."""
    sent = Benachrichtigung.objects.filter(
        empfaenger__iexact=(email or "").strip(),
        art__in=ANTRAGSTELLER_MAIL_ARTEN,
        erstellt_am__gte=timezone.now() - MAIL_FENSTER,
    ).count()
    return max(settings.MAIL_RATE_PER_ADDRESS - sent, 0)


def _queue_within_budget(antrag, art, *, dedupe_key=None):
    """Queue ``art`` to the applicant if the address's budget allows; the row, or None."""
    if antrag.briefe_per_post:
        return mail.queue_for_applicant(antrag, art, dedupe_key=dedupe_key)  # a letter, no budget
    if not antrag.antragsteller_email or antragsteller_mail_budget(antrag.antragsteller_email) < 1:
        return None
    return mail.queue_for_applicant(antrag, art, dedupe_key=dedupe_key)


def antrag_draft_exists(*, submission_token):
    """A draft was already created with this first-step token."""
    return Antrag.objects.filter(submission_token=submission_token).exists()


def antrag_create_draft(*, fonds, submission_token, **fields):
    """Create a draft Antrag; the same ``submission_token`` twice returns the first one.

    A double click on "weiter" therefore never creates two Anträge.
    """
    existing = Antrag.objects.filter(submission_token=submission_token).first()
    if existing:
        return existing, False
    entwuerfe_check(fields.get("antragsteller_email"))
    try:
        with transaction.atomic():
            antrag = Antrag.objects.create(fonds=fonds, submission_token=submission_token, **fields)
    except IntegrityError:
        return Antrag.objects.get(submission_token=submission_token), False
    return antrag, True


def entwuerfe_check(email):
    """``AntragRefused`` (on the e-mail field) when ``email`` already has as many open drafts as
    ``ENTWURF_MAX_PRO_ADRESSE``: drafts (and their uploads) cannot be piled up under one address."""
    if not email:
        return
    offen = antraege_mit_email(email).filter(status=AntragStatus.DRAFT).count()
    if offen >= settings.ENTWURF_MAX_PRO_ADRESSE:
        raise AntragRefused(
            _(
                "Unter dieser E-Mail-Adresse gibt es schon %(anzahl)s Antragsentwürfe, die noch "
                "nicht abgeschickt sind. Bitte machen Sie mit einem davon weiter (den Link finden "
                "Sie in Ihrer E-Mail oder unter „Neuen Link anfordern“) oder ziehen Sie einen "
                "zurück."
            )
            % {"anzahl": offen},
            "too_many_drafts",
            field="antragsteller_email",
        )


def antrag_mark_paper(antrag):
    """The draft is a paper application that QM enters on the applicant's behalf."""
    Antrag.objects.filter(pk=antrag.pk).update(papierantrag=True)
    antrag.papierantrag = True


def antrag_is_editable(antrag):
    """Applicants may change their Antrag only as a draft or when QM asked for changes."""
    return antrag.status in EDITABLE_STATES


def antrag_lock(antrag, *, states=None):
    """The Antrag as stored, locked until the transaction ends (PostgreSQL locks the row, SQLite
    the database). With ``states``: ``AntragRefused`` unless it is in one of them."""
    qs = Antrag.objects.select_for_update(of=("self",)).select_related("fonds__quartier")
    current = qs.get(pk=antrag.pk if isinstance(antrag, Antrag) else antrag)
    if states is not None and current.status not in states:
        raise AntragRefused()
    return current


def antrag_lock_if_editable(antrag):
    """Lock the Antrag for this transaction if the applicant may still change it, else
    ``AntragRefused`` (a submission in another tab wins)."""
    return antrag_lock(antrag, states=EDITABLE_STATES)


def antrag_assign_referenz(antrag):
    """Give the Antrag its reference (``AF-2026-SOL-014``) from the fund's counter, once."""
    if antrag.referenz:
        return antrag.referenz
    antrag.referenz = _referenz_next(antrag)
    Antrag.objects.filter(pk=antrag.pk).update(referenz=antrag.referenz)
    return antrag.referenz


def _referenz_next(antrag):
    """The next number of the fund (the counter's row stays locked until the transaction ends)."""
    fonds_qs = Aktionsfonds.objects.filter(pk=antrag.fonds_id)
    fonds_qs.update(antrag_zaehler=F("antrag_zaehler") + 1)
    nummer = fonds_qs.values_list("antrag_zaehler", flat=True).get()
    return f"AF-{antrag.fonds.jahr}-{antrag.fonds.quartier.code}-{nummer:03d}"


# --- Effects of the moves. Each runs inside the move's transaction (see workflow/moves.py). ---


def antrag_submitted(antrag):
    """Submitted (first time or again after a change request): reference, date, receipt e-mail."""
    erstmalig = not antrag.referenz
    if erstmalig:
        antrag.referenz, antrag.eingereicht_am = _referenz_next(antrag), timezone.now()
        Antrag.objects.filter(pk=antrag.pk).update(
            referenz=antrag.referenz, eingereicht_am=antrag.eingereicht_am
        )
    if erstmalig:
        # nobody of the office has seen the Antrag yet: within the address's budget; the page
        # after the move tells the applicant when no receipt goes out
        antrag.eingang_ohne_mail = _queue_within_budget(antrag, "antrag_eingegangen") is None
    else:
        mail.queue_for_applicant(antrag, "antrag_ergaenzt")


def antrag_changes_requested(antrag, *, kommentar):
    """QM asks the applicant for changes; the message goes out by e-mail."""
    if not kommentar.strip():
        raise ValueError(_("Bitte schreiben Sie, was ergänzt werden soll."))
    mail.queue_for_applicant(antrag, "nachforderung", kontext={"nachricht": kommentar})


def antrag_declared_ineligible(antrag, *, kommentar):
    """QM declares the Antrag ineligible (formal rejection with reason)."""
    if not kommentar.strip():
        raise ValueError(_("Bitte begründen Sie, warum der Antrag nicht förderfähig ist."))
    antrag.entscheidungsgrund = kommentar
    antrag.entschieden_am = timezone.now()
    Antrag.objects.filter(pk=antrag.pk).update(
        entscheidungsgrund=kommentar, entschieden_am=antrag.entschieden_am
    )
    # The e-mail goes out with the letter attached, once the letter task has rendered it
    # (``letters.dokument_deliver``, scheduled by the move).


def antrag_put_to_jury(antrag, *, kommentar=""):
    """QM's review note goes with the Antrag to the jury."""
    if kommentar:
        antrag.pruefvermerk = kommentar
        Antrag.objects.filter(pk=antrag.pk).update(pruefvermerk=kommentar)


def antrag_withdrawn(antrag):
    """The applicant withdrew; older links are revoked. A submitted Antrag is confirmed by e-mail
    (with a fresh link, within the address's budget); a withdrawn draft sends nothing."""
    from ...zugang.links import antrag_links_revoke

    antrag_links_revoke(antrag)
    if antrag.referenz:
        _queue_within_budget(antrag, "zurueckgezogen")


def antrag_closed(antrag):
    """The Antrag is closed: every link sent so far stops working (its sessions too)."""
    from ...zugang.links import antrag_links_revoke

    antrag_links_revoke(antrag)


def aktionsfonds_reserve(antrag, betrag):
    """Reserve ``betrag`` of the fund for ``antrag``, never beyond the available balance.

    Locks the fund row (PostgreSQL) or the database (SQLite, immediate transactions), so two
    decisions landing at once cannot both take the last euros. Raises ``AktionsfondsRefused``.
    """
    betrag = euro_round(betrag)
    fonds = Aktionsfonds.objects.select_for_update().get(pk=antrag.fonds_id)
    if fonds.abgeschlossen_am is not None:
        raise AktionsfondsRefused(
            _("Der Aktionsfonds %(jahr)s ist abgeschlossen: nicht gebundenes Geld ist verfallen.")
            % {"jahr": fonds.jahr}
        )
    saldo = saldo_from_row(fonds)
    already = Antrag.objects.values_list("betrag_reserviert", flat=True).get(pk=antrag.pk)
    if betrag - already > saldo.verfuegbar:
        raise AktionsfondsRefused(
            _("Im Aktionsfonds sind nur noch %(frei)s € verfügbar.")
            % {"frei": euro_format(saldo.verfuegbar)}
        )
    reservierung_set(antrag, betrag, vorher=already)
    Antrag.objects.filter(pk=antrag.pk).update(betrag_reserviert=betrag)
    antrag.betrag_reserviert = betrag


def aktionsfonds_release(antrag):
    """Return what is still reserved for ``antrag`` to the fund (booked as released)."""
    reservierung_set(antrag, ZERO)
    Antrag.objects.filter(pk=antrag.pk).update(betrag_reserviert=ZERO)
    antrag.betrag_reserviert = ZERO


def antrag_approved(antrag, *, betrag, auflagen="", kommentar="", kostenplan=None):
    """The jury approved ``betrag`` (full or reduced): reserve it, store the approved cost lines
    (``kostenplan``: the jury's cut, see ``kostenplan_bewilligen``) and set the settlement
    deadline."""
    betrag = euro_round(betrag)
    if betrag <= 0 or betrag > antrag.betrag_beantragt:
        raise ValueError(
            _("Der bewilligte Betrag muss größer als 0 und höchstens der beantragte sein.")
        )
    kostenplan_bewilligen(antrag, betrag, kostenplan)
    aktionsfonds_reserve(antrag, betrag)
    antrag.betrag_bewilligt = betrag
    antrag.auflagen = auflagen
    antrag.entscheidungsgrund = kommentar
    antrag.entschieden_am = timezone.now()
    antrag.abrechnungsfrist = abrechnungsfrist_for(antrag)
    Antrag.objects.filter(pk=antrag.pk).update(
        betrag_bewilligt=betrag,
        auflagen=auflagen,
        entscheidungsgrund=kommentar,
        entschieden_am=antrag.entschieden_am,
        abrechnungsfrist=antrag.abrechnungsfrist,
    )


def abrechnungsfrist_for(antrag):
    """The settlement deadline: the fund's number of weeks after the project ends."""
    ende = antrag.ende or berlin_today()
    return ende + datetime.timedelta(weeks=antrag.fonds.abrechnungsfrist_wochen)


def antrag_rejected(antrag, *, kommentar=""):
    """The jury rejected the Antrag."""
    antrag.entscheidungsgrund = kommentar
    antrag.entschieden_am = timezone.now()
    Antrag.objects.filter(pk=antrag.pk).update(
        entscheidungsgrund=kommentar, entschieden_am=antrag.entschieden_am
    )


def antrag_expired(antrag):
    """Not settled by the deadline: the reserved money returns to the fund."""
    aktionsfonds_release(antrag)


# --- Resident form ---

# What the applicant fills in, per step of the form (the other fields belong to QM and the jury).
# Step 4 holds the attachments, which are not fields of the Antrag.
STEP_FIELDS = {
    1: (
        *ANTRAG_KONTAKTFELDER,
        "vorname_veroeffentlichen",
        "wohnt_oder_arbeitet_im_gebiet",
        "sprache",
        "briefe_per_post",
    ),
    2: (
        "titel",
        "kurzbeschreibung",
        "ziele",
        "zielgruppe",
        "teilnehmende_erwartet",
        "projektort",
        "beginn",
        "ende",
        "oeffentlichkeitsarbeit",
        "handlungsfelder",
    ),
    3: (
        "betrag_beantragt",
        "weitere_mittel",
        "eigenleistung_stunden",
        "eigenleistung_beschreibung",
    ),
    5: DECLARATIONS,
}
APPLICANT_FIELDS = frozenset(name for fields in STEP_FIELDS.values() for name in fields)


def antrag_update_step(antrag, *, felder):
    """Store the applicant's entries of one form step on ``antrag``.

    Only applicant fields; only while the Antrag is editable (checked in the same UPDATE, so a
    submission in another tab wins). Raises ``AntragRefused``.
    """
    unknown = set(felder) - APPLICANT_FIELDS
    if unknown:
        raise ValueError(f"not an applicant field: {sorted(unknown)}")
    felder = dict(felder)
    handlungsfelder = felder.pop("handlungsfelder", None)
    neue_email = felder.get("antragsteller_email")
    if neue_email and neue_email.strip().lower() != (antrag.antragsteller_email or "").lower():
        entwuerfe_check(neue_email)
    with transaction.atomic():
        updated = Antrag.objects.filter(pk=antrag.pk, status__in=EDITABLE_STATES).update(
            geaendert_am=timezone.now(), **felder
        )
        if not updated:
            raise AntragRefused()
        if handlungsfelder is not None:
            antrag.handlungsfelder.set(handlungsfelder)
    for name, value in felder.items():
        setattr(antrag, name, value)


def kostenplan_replace(antrag, *, positionen):
    """Replace the cost plan of ``antrag`` with ``positionen`` (dicts of kategorie, beschreibung,
    menge, einzelpreis). Categories must belong to the Antrag's area. Raises
    ``AntragRefused`` when the Antrag is no longer editable.
    """
    quartier_id = antrag.fonds.quartier_id
    for position in positionen:
        if position["kategorie"].quartier_id != quartier_id:
            raise ValueError("cost category of another area")
    with transaction.atomic():
        antrag_lock_if_editable(antrag)
        Kostenposition.objects.filter(antrag=antrag).delete()
        Kostenposition.objects.bulk_create(
            Kostenposition(
                antrag=antrag,
                kategorie=position["kategorie"],
                beschreibung=position["beschreibung"],
                menge=position["menge"],
                einzelpreis=position["einzelpreis"],
            )
            for position in positionen
        )


def antrag_update_kosten(antrag, *, felder, positionen):
    """Store step 3 (amounts, own work) and its cost plan together, or neither."""
    with transaction.atomic():
        antrag_update_step(antrag, felder=felder)
        kostenplan_replace(antrag, positionen=positionen)


def antrag_draft_saved(antrag):
    """The applicant pauses: e-mail the personal link so they can come back.

    At most one such e-mail per Antrag and hour (a double click sends one), and within the
    address's budget: else ``BenachrichtigungRefused`` (the draft stays saved).
    """
    stunde = timezone.now().strftime("%Y%m%d%H")
    dedupe_key = f"entwurf_gespeichert:{antrag.pk}:{stunde}"
    if Benachrichtigung.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    if antragsteller_mail_budget(antrag.antragsteller_email) < 1:
        raise BenachrichtigungRefused()
    return mail.queue_for_applicant(antrag, "entwurf_gespeichert", dedupe_key=dedupe_key)


def antrag_links_send(*, email):
    """E-mail a fresh personal link for every Antrag with this address; returns how many.

    Each new link revokes the older ones (and the sessions opened with them).

    The caller must answer the same way whatever the count (no enumeration). At most one
    such e-mail per Antrag and hour, and no more than the address's budget (the newest Anträge
    first), so the form cannot be used to flood a mailbox.
    """
    stunde = timezone.now().strftime("%Y%m%d%H")
    count = 0
    from ...zugang.links import antrag_links_revoke

    budget = antragsteller_mail_budget(email)
    antraege = antraege_mit_email(email).order_by("-erstellt_am", "-pk")
    for antrag in antraege:
        if count >= budget:
            break
        with transaction.atomic():
            row = mail.queue_for_applicant(
                antrag, "neuer_link", dedupe_key=f"neuer_link:{antrag.pk}:{stunde}"
            )
            if row is not None:
                # the e-mail carries a link of the new version (rendered when it is sent)
                antrag_links_revoke(antrag)
        count += row is not None
    return count


def antrag_timeline_for_applicant(antrag):
    """The timeline as the applicant sees it: no internal steps, consecutive steps with the
    same plain label folded into one, events meant for them (``mitteilung``: a correction, a
    change request and its answer) with their text (``[(label, zeitpunkt, kommentar)]``)."""
    result = []
    for step in antrag.statuswechsel.filter(intern=False).order_by("zeitpunkt", "pk"):
        if step.mitteilung:
            result.append((_("Änderung"), step.zeitpunkt, step.kommentar))
            continue
        label = step.applicant_label
        kommentar = step.kommentar if step.nach_status == AntragStatus.CHANGES_REQUESTED else ""
        if result and str(result[-1][0]) == str(label):
            continue
        result.append((label, step.zeitpunkt, kommentar))
    return result


def antrag_change_request_message(antrag):
    """The message of QM's latest change request (shown while the applicant answers it)."""
    step = (
        antrag.statuswechsel.filter(nach_status=AntragStatus.CHANGES_REQUESTED, intern=False)
        .order_by("-zeitpunkt", "-pk")
        .first()
    )
    return step.kommentar if step else ""
