"""Business rules of the jury: rules per area, opening a vote, ballots, conflicts, closing, reminders.

Every function that changes something runs in one transaction and either does all of it or raises
``JuryRefused`` and changes nothing. The decision is taken once: closing claims the vote with a
conditional update (the move ``close`` of ``workflow.jury_flow.AbstimmungFlow``, status open →
closed) which holds the row lock until commit, and
each ballot locks the same row first, so a ballot is either counted or refused, never lost.

Applicant exclusion: a member is "the applicant" when the e-mail address of their user account equals
the applicant address that the applicant *confirmed* by opening a link e-mailed to it
(``antraege.datenschutz.adressen``; case-insensitive). A typed address alone never excludes anybody,
else an applicant could silence a member by typing the member's address. When a vote opens, QM sees
the match and confirms it. A member who belongs to the applying organisation declares the conflict
themselves (``befangenheit_declare``).
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from antraege import permissions, task_names
from antraege.antrag.services.antrag import AktionsfondsRefused
from antraege.antrag.services.kostenplan import kostenplan_check
from antraege.datenschutz.adressen import antrag_bestaetigte_adresse, mitglied_hat_adresse
from antraege.enqueue import task_enqueue_on_commit
from antraege.mail import services as mail
from antraege.models import Antrag, AntragStatus, Quartier
from antraege.money import euro_round
from antraege.refusals import Refused
from antraege.roles import Akteur
from workflow.moves import MoveRefused, abstimmung_move, abstimmung_record_opened, antrag_move

from ..mitglieder.models import Jurymitglied, jury_in_term, jurymitglieder_in_term
from ..mitglieder.selectors import kontosprache
from .models import (
    Abstimmung,
    AbstimmungStatus,
    Ergebnis,
    Gleichstand,
    JuryRegeln,
    Stimmberechtigung,
    Stimme,
    StimmWert,
)
from .selectors import protokoll_kontext

logger = logging.getLogger(__name__)


class JuryRefused(Refused):
    """A refused jury action; nothing was changed. ``message`` is for the person acting."""


# --- Rules -------------------------------------------------------------------------------------


def juryregeln_for(quartier):
    """The rules of ``quartier``'s jury, created with the programme's defaults on first use."""
    regeln, _created = JuryRegeln.objects.get_or_create(quartier=quartier)
    return regeln


@transaction.atomic
def juryregeln_save(regeln, *, akteur, projektbeginn_kulanz_tage=None):
    """QM of the area stores its jury's rules (``regeln``, changed, not yet saved) and, where
    given, the area's grace for "Projektbeginn bestätigen", edited on the same page; both or
    neither."""
    permissions.require(
        permissions.may_manage_jury_of_area, akteur, regeln.quartier_id, refused=JuryRefused
    )
    regeln.save()
    if projektbeginn_kulanz_tage is not None:  # left empty: the area keeps its grace
        Quartier.objects.filter(pk=regeln.quartier_id).update(
            projektbeginn_kulanz_tage=projektbeginn_kulanz_tage
        )
    return regeln


@dataclass(frozen=True)
class Auszaehlung:
    """The counts a decision is taken from."""

    berechtigt: int
    ja: int
    nein: int
    enthaltung: int

    @property
    def abgegeben(self):
        return self.ja + self.nein + self.enthaltung


def auszaehlung_quorum_reached(zaehlung, *, quorum_anteil):
    """Quorum: ballots cast (abstentions included) reach the share of the entitled members."""
    return zaehlung.berechtigt > 0 and Decimal(zaehlung.abgegeben) >= (
        Decimal(quorum_anteil) * zaehlung.berechtigt
    )


def auszaehlung_ergebnis(zaehlung, *, quorum_anteil, bei_gleichstand):
    """The result the rules give for ``zaehlung``: no quorum, approved or rejected.

    Majority is yes against no; abstentions count for the quorum only. A tie follows the area's
    tie rule (default: rejected); a tie of 0:0 (everyone abstained) is never an approval.
    """
    if not auszaehlung_quorum_reached(zaehlung, quorum_anteil=quorum_anteil):
        return Ergebnis.NICHT_BESCHLUSSFAEHIG
    if zaehlung.ja > zaehlung.nein:
        return Ergebnis.BEWILLIGT
    if zaehlung.ja < zaehlung.nein:
        return Ergebnis.ABGELEHNT
    if bei_gleichstand == Gleichstand.APPROVE and zaehlung.ja > 0:
        return Ergebnis.BEWILLIGT
    return Ergebnis.ABGELEHNT


def mitglied_is_antragsteller(mitglied, antrag):
    """The member's account has the applicant's confirmed address (see the module docstring)."""
    return mitglied_hat_adresse(mitglied.user, antrag_bestaetigte_adresse(antrag))


def antragsteller_in_jury(antrag, mitglieder):
    """The members whose account has the applicant's confirmed address (QM confirms the match)."""
    adresse = antrag_bestaetigte_adresse(antrag)
    return [m for m in mitglieder if mitglied_hat_adresse(m.user, adresse)]


def _in_term(mitglied, day):
    return mitglied.beginn <= day and (mitglied.ende is None or mitglied.ende >= day)


def _abstimmung_url(abstimmung):
    return settings.SITE_URL + reverse("jury:abstimmung", kwargs={"pk": abstimmung.pk})


def _qm_url(abstimmung):
    return settings.SITE_URL + reverse("jury:qm_abstimmung", kwargs={"pk": abstimmung.pk})


def _mitglied_benachrichtigen(art, mitglied, abstimmung, *, dedupe_key, **mehr):
    """One e-mail to a jury member. Deliberately not tied to the Antrag: the e-mail renderer
    would otherwise put the applicant's personal link into the template context."""
    if not mitglied.user.email:
        logger.warning("jury member %s has no e-mail address; %s not sent", mitglied.pk, art)
        return None
    antrag = abstimmung.antrag
    return mail.queue(
        art,
        empfaenger=mitglied.user.email,
        sprache=kontosprache(mitglied.user),
        kontext={
            "name": mitglied.anzeigename,
            "referenz": antrag.referenz or "",
            "titel": antrag.titel,
            "quartier": antrag.fonds.quartier.name,
            "frist": abstimmung.frist,
            "url": _abstimmung_url(abstimmung),
            **mehr,
        },
        dedupe_key=dedupe_key,
    )


# --- Opening -----------------------------------------------------------------------------------


def betrag_check(antrag, betrag):
    """The amount put to the jury's vote, rounded to the cent: more than 0 and at most the
    requested amount, else ``JuryRefused``. The same check for the online vote and the meeting."""
    try:
        betrag = euro_round(betrag)
    except (ArithmeticError, TypeError, ValueError) as error:
        raise JuryRefused(_("Bitte geben Sie einen Betrag an."), code="invalid") from error
    if betrag <= 0 or betrag > antrag.betrag_beantragt:
        raise JuryRefused(
            _("Der Betrag muss größer als 0 und höchstens der beantragte Betrag sein."),
            code="invalid",
        )
    return betrag


def kostenplan_for_betrag(antrag, betrag, kostenplan):
    """The cut cost lines to store with an amount lower than requested: every line's approved
    amount, checked to add up (``JuryRefused`` on the line or the plan). {} for the full amount,
    and when no line was given (the approval then takes ``kostenplan_vorschlag``); the pages
    always send every line. The same check for the online vote and the meeting."""
    if betrag >= antrag.betrag_beantragt or not kostenplan:
        return {}
    plan = kostenplan_check(antrag, betrag, kostenplan, refused=JuryRefused)
    return {str(pk): str(wert) for pk, wert in plan.items()}


def _frist_check(frist, now):
    if frist <= now:
        raise JuryRefused(_("Die Frist muss in der Zukunft liegen."), code="invalid")
    return frist


def _antrag_bei_der_jury(antrag, akteur):
    """Lock the Antrag and check it is in ``jury_vote`` and the akteur is QM staff of its area."""
    if not permissions.may_open_abstimmung(akteur, antrag):
        raise JuryRefused(_("Sie dürfen für diesen Antrag keine Abstimmung anlegen."), "forbidden")
    current = (
        Antrag.objects.select_for_update(of=("self",))
        .select_related("fonds__quartier")
        .get(pk=antrag.pk)
    )
    if current.status != AntragStatus.JURY_VOTE:
        raise JuryRefused(_("Der Antrag liegt nicht bei der Jury."), code="wrong_state")
    if Abstimmung.objects.filter(antrag=current, status=AbstimmungStatus.OFFEN).exists():
        raise JuryRefused(_("Zu diesem Antrag läuft bereits eine Abstimmung."), code="conflict")
    return current


def _regeln_kopie(regeln):
    return {
        "quorum_anteil": regeln.quorum_anteil,
        "bei_gleichstand": regeln.bei_gleichstand,
        "erinnerung_stunden": regeln.erinnerung_stunden,
        "ruhezeit_stunden": regeln.ruhezeit_stunden,
        "offene_abstimmung": regeln.offene_abstimmung,
        "vertretung_online": regeln.vertretung_online,
    }


def _jury_for_abstimmung(antrag, now, antragsteller_bestaetigt):
    """``(mitglieder, befangen)``: the members in term today and the ids of those excluded as the
    applicant (the matches QM confirmed; None confirms every match). Refused if nobody may vote."""
    heute = timezone.localdate(now)
    mitglieder = list(jurymitglieder_in_term(antrag.fonds.quartier, heute).select_related("user"))
    befangen = {m.pk for m in antragsteller_in_jury(antrag, mitglieder)}
    if antragsteller_bestaetigt is not None:
        befangen &= {int(pk) for pk in antragsteller_bestaetigt}
    if len(mitglieder) == len(befangen):
        raise JuryRefused(
            _("Die Jury dieses Quartiers hat zurzeit keine stimmberechtigten Mitglieder."),
            code="invalid",
        )
    return mitglieder, befangen


def _stimmberechtigungen_create(abstimmung, mitglieder, befangen, now):
    """The list of entitled members, fixed at opening; the applicant is on it as conflicted."""
    grund = _("Antragsteller*in (automatisch ausgeschlossen)")
    Stimmberechtigung.objects.bulk_create(
        Stimmberechtigung(
            abstimmung=abstimmung,
            mitglied=m,
            befangen=m.pk in befangen,
            befangenheit_grund=grund if m.pk in befangen else "",
            befangen_seit=now if m.pk in befangen else None,
        )
        for m in mitglieder
    )


def _eroeffnung_notify(abstimmung, mitglieder, befangen):
    """E-mail every entitled member a link to the ballot."""
    for m in mitglieder:
        if m.pk not in befangen:
            _mitglied_benachrichtigen(
                "abstimmung_eroeffnet",
                m,
                abstimmung,
                dedupe_key=f"jury-{abstimmung.pk}-eroeffnet-{m.pk}",
                vertretung=abstimmung.vertretung_online,
            )


def abstimmung_open(
    antrag,
    *,
    akteur,
    betrag,
    auflagen="",
    frist=None,
    now=None,
    antragsteller_bestaetigt=None,
    kostenplan=None,
):
    """QM puts ``antrag`` (state ``jury_vote``) to an online vote of its area's jury.

    Fixes the entitled members (in term today, the applicant excluded as a recorded conflict),
    copies the area's rules into the vote and e-mails every entitled member a link.
    ``antragsteller_bestaetigt``: the member ids QM confirmed as the applicant among the matches of
    ``antragsteller_in_jury`` (the page shows them); None takes every match. ``kostenplan``: the
    cut cost lines put to the vote with a lower amount (``kostenplan_for_betrag``).
    """
    now = now or timezone.now()
    regeln = juryregeln_for(antrag.fonds.quartier)
    betrag = betrag_check(antrag, betrag)
    kostenplan = kostenplan_for_betrag(antrag, betrag, kostenplan)
    frist = _frist_check(frist or now + datetime.timedelta(days=regeln.abstimmungsdauer_tage), now)
    try:
        with transaction.atomic():
            current = _antrag_bei_der_jury(antrag, akteur)
            mitglieder, befangen = _jury_for_abstimmung(current, now, antragsteller_bestaetigt)
            abstimmung = Abstimmung.objects.create(
                antrag=current,
                quartier_id=antrag.fonds.quartier_id,
                modus=Abstimmung.Modus.ONLINE,
                betrag=betrag,
                kostenplan=kostenplan,
                auflagen=auflagen.strip(),
                eroeffnet_am=now,
                eroeffnet_von=akteur.user,
                frist=frist,
                **_regeln_kopie(regeln),
            )
            _stimmberechtigungen_create(abstimmung, mitglieder, befangen, now)
            _eroeffnung_notify(abstimmung, mitglieder, befangen)
    except IntegrityError as error:
        raise JuryRefused(
            _("Zu diesem Antrag läuft bereits eine Abstimmung."), code="conflict"
        ) from error
    abstimmung_record_opened(abstimmung, akteur=akteur)
    return abstimmung


# --- Ballots and conflicts ---------------------------------------------------------------------


def _eintrag_for(abstimmung, user, now):
    """``(eintrag, vertretung)``: the user's own seat on the list, or the seat of the member a
    deputy stands in for (then ``vertretung`` is that entry too; the deputy's term is checked)."""
    eintraege = Stimmberechtigung.objects.select_related("mitglied__user", "vertreten_durch__user")
    vertretung = eintraege.filter(abstimmung=abstimmung, vertreten_durch__user=user).first()
    if vertretung is None:
        return eintraege.filter(abstimmung=abstimmung, mitglied__user=user).first(), None
    if not _in_term(vertretung.vertreten_durch, timezone.localdate(now)):
        raise JuryRefused(_("Ihre Amtszeit in der Jury ist beendet."), code="forbidden")
    return vertretung, vertretung


def stimmberechtigung_check(abstimmung, user, *, now=None, schreiben=True):
    """The member's entry on the list of ``abstimmung`` if ``user`` may vote (or read) now.

    Raises ``JuryRefused``: not on the list (other area, out of term at opening, QM, applicant),
    declared biased, out of term today, or — when ``schreiben`` — the vote is closed.
    """
    now = now or timezone.now()
    if user is None or not user.is_authenticated:
        raise JuryRefused(_("Bitte melden Sie sich an."), code="forbidden")
    if not permissions.may_vote_as_person(Akteur(user), abstimmung):
        raise JuryRefused(_("Mitarbeitende des QM stimmen nicht ab."), code="forbidden")
    eintrag, vertretung = _eintrag_for(abstimmung, user, now)
    if eintrag is None or abstimmung.modus != Abstimmung.Modus.ONLINE:
        raise JuryRefused(_("Sie sind für diese Abstimmung nicht stimmberechtigt."), "forbidden")
    if vertretung is None and eintrag.vertreten_durch_id is not None:
        raise JuryRefused(
            _(
                "%(name)s stimmt in dieser Abstimmung in Vertretung für Sie ab; Ihre eigene "
                "Stimme zählt nicht."
            )
            % {"name": eintrag.vertreten_durch.anzeigename},
            code="forbidden",
        )
    # The list was fixed when the vote opened, with QM's confirmation of the applicant match.
    if eintrag.befangen:
        raise JuryRefused(
            _("Sie haben sich für diesen Antrag als befangen erklärt und stimmen nicht ab."),
            code="biased",
        )
    if vertretung is None and not _in_term(eintrag.mitglied, timezone.localdate(now)):
        raise JuryRefused(_("Ihre Amtszeit in der Jury ist beendet."), code="forbidden")
    if schreiben and (not abstimmung.ist_offen or now >= abstimmung.frist):
        raise JuryRefused(_("Die Abstimmung ist geschlossen."), code="closed")
    return eintrag


def _abstimmung_sperren(abstimmung):
    return (
        Abstimmung.objects.select_for_update(of=("self",))
        .select_related("antrag__fonds__quartier")
        .get(pk=abstimmung.pk)
    )


def stimme_cast(abstimmung, *, user, wert, kommentar=""):
    """Record or change ``user``'s ballot; one row per member, changeable until the vote closes.

    ``abstimmung`` is the vote or its id. One conditional ``UPDATE`` locks the open vote and
    stamps its last change (for the grace period), so closing waits for the ballot (counted) or
    the ballot sees the vote closed (refused); one query checks the entitlement; one ``UPDATE``
    (or the first ``INSERT``) writes the ballot. A refusal rolls everything back and is explained
    by ``stimmberechtigung_check``.
    """
    if wert not in StimmWert.values:
        raise JuryRefused(_("Bitte wählen Sie Ja, Nein oder Enthaltung."), code="invalid")
    abstimmung_id = getattr(abstimmung, "pk", abstimmung)
    kommentar = kommentar.strip()
    with transaction.atomic():
        now = timezone.now()
        offen = Abstimmung.objects.filter(
            pk=abstimmung_id,
            modus=Abstimmung.Modus.ONLINE,
            status=AbstimmungStatus.OFFEN,
            frist__gt=now,
        ).update(letzte_aenderung_am=now)
        eintrag = (
            permissions.stimmberechtigung_for(Akteur(user), abstimmung_id, now=now)
            if offen
            else None
        )
        if eintrag is None:
            # refused (the exception rolls the stamp back); the slow path only says why:
            # not entitled, biased, out of term, closed
            stimmberechtigung_check(
                Abstimmung.objects.select_related("antrag__fonds__quartier").get(pk=abstimmung_id),
                user,
                now=now,
            )
            raise JuryRefused(_("Die Abstimmung ist geschlossen."), code="closed")
        # a deputy standing in votes for the absent member's seat (``abgegeben_von``: the deputy)
        _stimme_write(
            abstimmung_id, eintrag.mitglied_id, wert, kommentar, now, eintrag.vertreten_durch_id
        )


def _stimme_write(abstimmung_id, mitglied_id, wert, kommentar, now, abgegeben_von_id=None):
    """One statement: the first ballot is inserted, a changed one updated (keeps abgegeben_am)."""
    Stimme.objects.bulk_create(
        [
            Stimme(
                abstimmung_id=abstimmung_id,
                mitglied_id=mitglied_id,
                abgegeben_von_id=abgegeben_von_id,
                wert=wert,
                kommentar=kommentar,
                abgegeben_am=now,
                geaendert_am=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["abstimmung", "mitglied"],
        update_fields=["wert", "kommentar", "geaendert_am", "abgegeben_von"],
    )


def befangenheit_declare(abstimmung, *, user, grund=""):
    """The member declares a conflict: off the entitled list of this vote, any ballot withdrawn."""
    with transaction.atomic():
        current = _abstimmung_sperren(abstimmung)
        now = timezone.now()
        eintrag = stimmberechtigung_check(current, user, now=now)
        Stimmberechtigung.objects.filter(pk=eintrag.pk).update(
            befangen=True,
            befangenheit_grund=grund.strip()[:300] or _("selbst erklärt"),
            befangen_seit=now,
        )
        Stimme.objects.filter(abstimmung=current, mitglied=eintrag.mitglied).delete()
        Abstimmung.objects.filter(pk=current.pk).update(letzte_aenderung_am=now)


# --- A deputy standing in (online vote) -------------------------------------------------------


def _vertretung_erlaubt(abstimmung):
    if not abstimmung.vertretung_online:
        raise JuryRefused(
            _("In den Online-Abstimmungen dieses Quartiers gibt es keine Stellvertretung."),
            code="forbidden",
        )


def _deputies_in_term(abstimmung, day):
    return jury_in_term(abstimmung.antrag.fonds.quartier, day).filter(
        rolle=Jurymitglied.Rolle.STELLVERTRETUNG
    )


def vertretung_request(abstimmung, *, user):
    """A member on the list cannot vote: their ballot is withdrawn and every deputy of the area in
    term is told at once, in their language, so the first to accept votes in the member's place
    (where the area's rules allow it, ``JuryRegeln.vertretung_online``). Once per member."""
    with transaction.atomic():
        current = _abstimmung_sperren(abstimmung)
        now = timezone.now()
        eintrag = stimmberechtigung_check(current, user, now=now)
        _vertretung_erlaubt(current)
        if eintrag.vertreten_durch_id is not None or eintrag.vertretung_gesucht_am is not None:
            raise JuryRefused(_("Sie haben schon um Vertretung gebeten."), code="conflict")
        Stimmberechtigung.objects.filter(pk=eintrag.pk).update(vertretung_gesucht_am=now)
        Stimme.objects.filter(abstimmung=current, mitglied=eintrag.mitglied).delete()
        Abstimmung.objects.filter(pk=current.pk).update(letzte_aenderung_am=now)
        url = settings.SITE_URL + reverse("jury:abstimmung_vertreten", kwargs={"pk": current.pk})
        for deputy in _deputies_in_term(current, timezone.localdate(now)).select_related("user"):
            _mitglied_benachrichtigen(
                "abstimmung_vertretung_gesucht",
                deputy,
                current,
                dedupe_key=f"jury-{current.pk}-vertretung-{eintrag.pk}-{deputy.pk}",
                vertreten_fuer=eintrag.mitglied.anzeigename,
                vertreten_url=url,
            )
    logger.info("entry %s of vote %s asks for a deputy", eintrag.pk, current.pk)
    return eintrag


def vertretungen_offen(abstimmung, *, user):
    """``[Stimmberechtigung]`` of the members who asked for a deputy and have none yet, if
    ``user`` is a deputy of the area in term today and the vote is open; else empty."""
    if not (abstimmung.ist_offen and abstimmung.vertretung_online):
        return []
    if not _deputies_in_term(abstimmung, timezone.localdate()).filter(user=user).exists():
        return []
    return list(
        abstimmung.stimmberechtigungen.filter(
            vertretung_gesucht_am__isnull=False, vertreten_durch__isnull=True, befangen=False
        ).select_related("mitglied__user")
    )


def vertretung_accept(abstimmung, *, user, eintrag_id):
    """A deputy of the area in term accepts standing in for the member of entry ``eintrag_id``:
    from now on only the deputy's ballot counts for that seat (a ballot the member cast after
    asking is withdrawn). The first to accept wins; a deputy stands in for one member per vote."""
    with transaction.atomic():
        current = _abstimmung_sperren(abstimmung)
        now = timezone.now()
        if not current.ist_offen or now >= current.frist:
            raise JuryRefused(_("Die Abstimmung ist geschlossen."), code="closed")
        _vertretung_erlaubt(current)
        deputy = _deputies_in_term(current, timezone.localdate(now)).filter(user=user).first()
        if deputy is None:
            raise JuryRefused(_("Vertreten können nur Stellvertreter*innen."), code="forbidden")
        if current.stimmberechtigungen.filter(vertreten_durch=deputy).exists():
            raise JuryRefused(
                _("Sie vertreten in dieser Abstimmung schon ein anderes Mitglied."),
                code="conflict",
            )
        claimed = Stimmberechtigung.objects.filter(
            pk=eintrag_id,
            abstimmung=current,
            befangen=False,
            vertretung_gesucht_am__isnull=False,
            vertreten_durch__isnull=True,
        ).update(vertreten_durch=deputy)
        if not claimed:
            raise JuryRefused(
                _("Für dieses Mitglied hat schon eine andere Stellvertretung zugesagt."),
                code="conflict",
            )
        eintrag = Stimmberechtigung.objects.get(pk=eintrag_id)
        Stimme.objects.filter(abstimmung=current, mitglied_id=eintrag.mitglied_id).delete()
        Abstimmung.objects.filter(pk=current.pk).update(letzte_aenderung_am=now)
    logger.info("deputy %s stands in for entry %s of vote %s", deputy.pk, eintrag_id, current.pk)
    return eintrag


# --- Closing -----------------------------------------------------------------------------------


def abstimmung_count(abstimmung):
    """Count the ballots of the members still entitled (conflicted members do not count)."""
    berechtigte = Stimmberechtigung.objects.filter(abstimmung=abstimmung, befangen=False)
    counts = dict(
        Stimme.objects.filter(
            abstimmung=abstimmung, mitglied_id__in=berechtigte.values("mitglied_id")
        )
        .order_by()
        .values_list("wert")
        .annotate(n=Count("pk"))
    )
    return Auszaehlung(
        berechtigt=berechtigte.count(),
        ja=counts.get(StimmWert.JA, 0),
        nein=counts.get(StimmWert.NEIN, 0),
        enthaltung=counts.get(StimmWert.ENTHALTUNG, 0),
    )


def abstimmung_is_due(abstimmung, *, now):
    """Due: the deadline passed, or everyone entitled voted and nothing changed for the grace period."""
    if abstimmung.frist <= now:
        return True
    if abstimmung.letzte_aenderung_am is None:
        return False
    if abstimmung.letzte_aenderung_am > now - datetime.timedelta(hours=abstimmung.ruhezeit_stunden):
        return False
    zaehlung = abstimmung_count(abstimmung)
    return zaehlung.berechtigt > 0 and zaehlung.abgegeben == zaehlung.berechtigt


def abstimmung_close(abstimmung_id, *, now=None):
    """Close the vote if it is due and not closed yet, and take the decision. Idempotent.

    Returns the closed ``Abstimmung``, or None if it was not due or someone else closed it.
    """
    now = now or timezone.now()
    with transaction.atomic():
        abstimmung = Abstimmung.objects.select_related("antrag__fonds__quartier").get(
            pk=abstimmung_id
        )
        if not abstimmung.ist_offen or abstimmung.modus != Abstimmung.Modus.ONLINE:
            return None
        if not abstimmung_is_due(abstimmung, now=now):
            return None
        # early close: only if no ballot changed since we looked (a ballot moves this stamp)
        claim = (
            {"letzte_aenderung_am": abstimmung.letzte_aenderung_am}
            if abstimmung.frist > now
            else {}
        )
        try:
            abstimmung_move(
                abstimmung, "close", akteur=Akteur.system_akteur(), claim=claim, geschlossen_am=now
            )
        except MoveRefused:  # closed by another run, or a ballot came in meanwhile
            return None
        _beschliessen(abstimmung, abstimmung_count(abstimmung))
    logger.info("abstimmung %s closed: %s", abstimmung.pk, abstimmung.ergebnis)
    return abstimmung


def abstimmungen_close_due(*, now=None):
    """Close every due online vote (the beat task). Returns how many this call closed."""
    now = now or timezone.now()
    return sum(1 for pk in abstimmungen_due(now=now) if abstimmung_close(pk, now=now))


def abstimmungen_due(*, now):
    """Ids of the open online votes that are due (as ``abstimmung_is_due``): the deadline
    passed, or everyone entitled voted and the last ballot is older than the grace period.

    Every 30 s: one query for the open votes (their own rows, through the partial index of open
    votes), and only if one was quiet for its grace period a second for who of its entitled
    members voted. Never three queries per open vote, never a scan of all ballots (an ``Exists``
    under an ``OR`` is planned as a hashed subplan over every row). ``abstimmung_close``
    decides again under its lock."""
    offen = Abstimmung.objects.filter(
        status=AbstimmungStatus.OFFEN, modus=Abstimmung.Modus.ONLINE
    ).values_list("pk", "frist", "letzte_aenderung_am", "ruhezeit_stunden")
    faellig, ruhig = [], []
    for pk, frist, letzte, ruhe in offen.order_by("frist", "pk"):
        if frist <= now:
            faellig.append(pk)
        elif letzte is not None and letzte <= now - datetime.timedelta(hours=ruhe):
            ruhig.append(pk)
    if ruhig:
        # as ``abstimmung_count``: someone entitled, and every one of them voted
        berechtigt = {}
        for abstimmung_id, mitglied_id in Stimmberechtigung.objects.filter(
            abstimmung_id__in=ruhig, befangen=False
        ).values_list("abstimmung_id", "mitglied_id"):
            berechtigt.setdefault(abstimmung_id, set()).add(mitglied_id)
        gestimmt = set(
            Stimme.objects.filter(abstimmung_id__in=ruhig)
            .order_by()  # a set: no sort
            .values_list("abstimmung_id", "mitglied_id")
        )
        faellig += [
            pk
            for pk in ruhig
            if berechtigt.get(pk) and all((pk, m) in gestimmt for m in berechtigt[pk])
        ]
    return faellig


def _ablehnungsgrund(zaehlung):
    if zaehlung.ja == zaehlung.nein:
        return _(
            "Bei der Abstimmung der Aktionsfondsjury gab es keine Mehrheit für den Antrag "
            "(Stimmengleichheit)."
        )
    return _("Die Aktionsfondsjury hat den Antrag mehrheitlich abgelehnt.")


def _beschluss_umsetzen(abstimmung, ergebnis, zaehlung):
    """Make the Antrag's move the result calls for; returns the final result and a note for QM."""
    system = Akteur.system_akteur()
    antrag = abstimmung.antrag
    try:
        if ergebnis == Ergebnis.BEWILLIGT:
            antrag_move(
                antrag,
                "approve",
                akteur=system,
                betrag=abstimmung.betrag,
                auflagen=abstimmung.auflagen,
                kostenplan=abstimmung.kostenplan,
                kommentar=_("Von der Aktionsfondsjury bewilligt."),
            )
        elif ergebnis == Ergebnis.ABGELEHNT:
            antrag_move(antrag, "reject", akteur=system, kommentar=_ablehnungsgrund(zaehlung))
    except MoveRefused as refused:
        if isinstance(refused.__cause__, AktionsfondsRefused):
            return Ergebnis.FONDS_REICHT_NICHT, refused.message
        return Ergebnis.NICHT_ANGEWENDET, refused.message
    if ergebnis == Ergebnis.NICHT_BESCHLUSSFAEHIG:
        return ergebnis, _(
            "Die Jury war nicht beschlussfähig. Der Antrag liegt weiter bei der Jury: Sie können "
            "die Abstimmung neu eröffnen oder den Antrag auf die Tagesordnung einer Sitzung setzen."
        )
    return ergebnis, ""


def _beschliessen(abstimmung, zaehlung):
    """Inside the closing transaction: store the tally, decide, tell QM, order the minutes."""
    ergebnis = auszaehlung_ergebnis(
        zaehlung,
        quorum_anteil=abstimmung.quorum_anteil,
        bei_gleichstand=abstimmung.bei_gleichstand,
    )
    ergebnis, hinweis = _beschluss_umsetzen(abstimmung, ergebnis, zaehlung)
    felder = {
        "ergebnis": ergebnis,
        "ergebnis_hinweis": hinweis,
        "anzahl_berechtigt": zaehlung.berechtigt,
        "stimmen_ja": zaehlung.ja,
        "stimmen_nein": zaehlung.nein,
        "stimmen_enthaltung": zaehlung.enthaltung,
    }
    Abstimmung.objects.filter(pk=abstimmung.pk).update(**felder)
    for name, value in felder.items():
        setattr(abstimmung, name, value)
    quartier = abstimmung.antrag.fonds.quartier
    with translation.override(quartier.qm_sprache):  # the label goes into the office's e-mail
        ergebnis_text = str(Ergebnis(ergebnis).label)
    mail.queue(
        "abstimmung_geschlossen",
        empfaenger=quartier.qm_email,
        sprache=quartier.qm_sprache,
        antrag=abstimmung.antrag,
        kontext={
            "ergebnis": ergebnis_text,
            "hinweis": hinweis,
            "berechtigt": zaehlung.berechtigt,
            "ja": zaehlung.ja,
            "nein": zaehlung.nein,
            "enthaltung": zaehlung.enthaltung,
            "url": _qm_url(abstimmung),
        },
        dedupe_key=f"jury-{abstimmung.pk}-geschlossen",
    )
    task_enqueue_on_commit(task_names.RENDER_PROTOKOLL, abstimmung_id=abstimmung.pk)


# --- Reminders ---------------------------------------------------------------------------------


def abstimmungen_remind(*, now=None):
    """Once per vote, at the reminder lead time before the deadline: one e-mail for each entitled
    seat without a ballot, to its member or the deputy standing in. Returns how many e-mails were
    queued."""
    now = now or timezone.now()
    offene = Abstimmung.objects.filter(
        status=AbstimmungStatus.OFFEN,
        erinnerung_versandt_am__isnull=True,
        modus=Abstimmung.Modus.ONLINE,
        frist__gt=now,
    ).select_related("antrag__fonds__quartier")
    queued = 0
    for abstimmung in offene:
        if abstimmung.frist - datetime.timedelta(hours=abstimmung.erinnerung_stunden) > now:
            continue
        with transaction.atomic():
            claimed = Abstimmung.objects.filter(
                pk=abstimmung.pk, erinnerung_versandt_am__isnull=True, status=AbstimmungStatus.OFFEN
            ).update(erinnerung_versandt_am=now)
            if not claimed:
                continue
            offen = (
                Stimmberechtigung.objects.filter(abstimmung=abstimmung, befangen=False)
                .exclude(mitglied__stimmen__abstimmung=abstimmung)
                .select_related("mitglied__user", "vertreten_durch__user")
            )
            for eintrag in offen:
                # a seat a deputy holds: the deputy is reminded, not the absent member
                row = _mitglied_benachrichtigen(
                    "abstimmung_erinnerung",
                    eintrag.vertreten_durch or eintrag.mitglied,
                    abstimmung,
                    dedupe_key=f"jury-{abstimmung.pk}-erinnerung-{eintrag.mitglied_id}",
                )
                queued += row is not None
    return queued


# --- Minutes -----------------------------------------------------------------------------------


def protokoll_store(objekt, *, template, kontext):
    """Render the minutes PDF of ``objekt`` (a closed ``Abstimmung`` or ``Sitzung``: one layout,
    ``jury/pdf/_protokoll_basis.html``) and store it in its ``protokoll`` field, once.

    Rendering happens outside the transaction; the row is locked only to store. Returns True if
    stored now, False if another worker stored it first.
    """
    from django.core.files.base import ContentFile

    from antraege.dokumente.pdf import render_pdf

    data = render_pdf(template, kontext, language="de")
    model = type(objekt)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=objekt.pk)
        if current.protokoll:
            return False
        current.protokoll.save(f"protokoll-{current.pk}.pdf", ContentFile(data), save=False)
        model.objects.filter(pk=current.pk).update(
            protokoll=current.protokoll.name, protokoll_erstellt_am=timezone.now()
        )
    return True


def abstimmung_protokoll_create(abstimmung_id):
    """Render the minutes PDF of a closed vote and store it, once. Returns True if rendered now."""
    abstimmung = Abstimmung.objects.select_related("antrag__fonds__quartier").get(pk=abstimmung_id)
    if abstimmung.ist_offen or abstimmung.protokoll:
        return False
    return protokoll_store(
        abstimmung, template="jury/pdf/protokoll.html", kontext=protokoll_kontext(abstimmung)
    )


def protokolle_catch_up():
    """Render minutes that are missing (broker was down at closing). Returns the ids handled."""
    fehlend = list(
        Abstimmung.objects.filter(status=AbstimmungStatus.GESCHLOSSEN, protokoll="")
        .exclude(ergebnis="")
        .values_list("pk", flat=True)[:20]
    )
    for pk in fehlend:
        abstimmung_protokoll_create(pk)
    return fehlend
