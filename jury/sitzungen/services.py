"""Business rules of a jury meeting: agenda, papers, attendance, decisions, closing, minutes.

Every function that changes something runs in one transaction and either does all of it or raises
``JuryRefused`` and changes nothing. The meeting's state moves only through its machine
(``workflow.jury_flow.SitzungFlow``, by ``workflow.moves.sitzung_move``: a conditional update from
the expected status to the next), so a double click, two tabs or two QM staff at once make a step
once. Decisions are decided by the same pure rule as the online vote
(``jury.abstimmungen.services.auszaehlung_ergebnis``) and applied to the Anträge only when QM closes the meeting,
each through ``workflow.moves.antrag_move`` in its own savepoint: a refusal of one item (the fund
ran out) is recorded on that item and does not lose the others.

Seats and voters: the seats are the members (not deputies) in term on the meeting day. A seat is
filled by its member when present, or by a present deputy standing in for the absent member;
never both. Quorum counts filled seats against all seats; per item, the seats whose voter is
conflicted (declared, or the applicant: the account has the applicant's confirmed address, as for
online votes) are not entitled.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from antraege import permissions, task_names
from antraege.enqueue import task_enqueue_on_commit, zurueckgestellt
from antraege.mail import services as mail
from antraege.models import ZERO, Antrag
from antraege.money import euro_format
from workflow.moves import MoveRefused, antrag_move, sitzung_move

from ..abstimmungen.models import Ergebnis, StimmWert
from ..abstimmungen.services import (
    Auszaehlung,
    JuryRefused,
    auszaehlung_ergebnis,
    betrag_check,
    juryregeln_for,
    kostenplan_for_betrag,
    protokoll_store,
)
from ..mitglieder.models import Jurymitglied, jury_in_term
from ..mitglieder.selectors import kontosprache
from .models import (
    Absage,
    Beschluss,
    Einzelstimme,
    Sitzung,
    SitzungStatus,
    Tagesordnungspunkt,
    Teilnahme,
)
from .selectors import (
    antraege_for_tagesordnung,
    laufender_saldo,
    praesentation_schwelle,
    punkt_waehler,
    sitzung_sitze,
    sitzungsprotokoll_kontext,
    stimmberechtigte_count,
    unterlagen_kontext,
    vorstellung_needed,
)

logger = logging.getLogger(__name__)

# The context key of an e-mail that carries the meeting's papers PDF (the meeting's id): the papers
# and every supplement (``unterlagen.unterlagen_anhang`` attaches it in the worker).
UNTERLAGEN_ANHANG = "sitzungsunterlagen"


def _pruefen_qm(akteur, objekt, *, predicate=permissions.may_manage_jury_of_area):
    """Refuse unless ``predicate(akteur, objekt)`` (``antraege.permissions``; by default: QM staff
    of the area ``objekt``, an id)."""
    if not predicate(akteur, objekt):
        raise JuryRefused(_("Diese Sitzung gehört nicht zu Ihrem Quartier."), code="forbidden")


# --- Composition -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zusammensetzung:
    """The jury of an area on a day: members, deputies, minimum size and the warning."""

    mitglieder: list
    stellvertretungen: list
    mindestgroesse: int

    @property
    def zu_klein(self):
        return len(self.mitglieder) < self.mindestgroesse


def jury_zusammensetzung(quartier, *, day=None):
    """Who sits on ``quartier``'s jury on ``day`` (members and deputies) and whether it is too small."""
    day = day or timezone.localdate()
    regeln = juryregeln_for(quartier)
    alle = list(
        jury_in_term(quartier, day)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return Zusammensetzung(
        mitglieder=[m for m in alle if m.rolle == Jurymitglied.Rolle.MITGLIED],
        stellvertretungen=[m for m in alle if m.rolle == Jurymitglied.Rolle.STELLVERTRETUNG],
        mindestgroesse=regeln.mindestgroesse,
    )


# --- Meeting and agenda -------------------------------------------------------------------------


def _naechste_position(sitzung):
    return (sitzung.punkte.aggregate(m=Max("position"))["m"] or 0) + 1


def _sitzung_move(sitzung, move, *, akteur, **felder):
    """``workflow.moves.sitzung_move``, its refusal as the jury's (same message and code)."""
    try:
        return sitzung_move(sitzung, move, akteur=akteur, **felder)
    except MoveRefused as refused:
        raise JuryRefused(refused.message, code=refused.code) from refused


def _sitzung_sperren(sitzung):
    return Sitzung.objects.select_for_update().select_related("quartier").get(pk=sitzung.pk)


def _antragsteller_benachrichtigen(punkt, sitzung, art, **kontext):
    """Tell the applicant of an agenda item about the meeting, in their language: the invitation
    (with the ``.ics``), a deferral or the removal from the agenda. Once per item and kind."""
    antrag = punkt.antrag
    kontext = {
        "quartier": sitzung.quartier.name,
        "datum": sitzung.datum,
        "beginn": sitzung.beginn.strftime("%H:%M"),
        "ort": sitzung.ort,
        **kontext,
    }
    mail.queue_for_applicant(
        antrag, art, kontext=kontext, dedupe_key=f"sitzung-{sitzung.pk}-{art}-{punkt.pk}"
    )


def _antragsteller_einladen(punkt, sitzung):
    """The applicant is invited to the meeting: date, time, place, whether a presentation is
    expected (above the area's threshold), the ``.ics`` for their calendar."""
    schwelle = praesentation_schwelle(sitzung)
    _antragsteller_benachrichtigen(
        punkt,
        sitzung,
        "sitzung_einladung",
        position=punkt.position,
        vorstellung_noetig=vorstellung_needed(sitzung, punkt.antrag),
        schwelle=euro_format(schwelle) if schwelle is not None else "",
        inline_anhaenge=[["sitzung.ics", "text/calendar", _ics_fuer_antrag(sitzung, punkt.antrag)]],
    )


def _ics_fuer_antrag(sitzung, antrag):
    with translation.override(antrag.sprache or "de"):
        return sitzung_ics(sitzung, fuer_antrag=True)


def tagesordnung_propose(sitzung):
    """Put every eligible Antrag (``antraege_for_tagesordnung``) on the agenda, at its end, in
    submission order. Returns the items added."""
    with transaction.atomic():
        sitzung = _sitzung_sperren(sitzung)
        if sitzung.status not in (SitzungStatus.GEPLANT, SitzungStatus.UNTERLAGEN_VERSANDT):
            return []
        position = _naechste_position(sitzung)
        neu = []
        for antrag in antraege_for_tagesordnung(sitzung):
            vorher = (
                Tagesordnungspunkt.objects.filter(antrag=antrag, beschluss=Beschluss.VERTAGT)
                .order_by("-pk")
                .first()
            )
            punkt = Tagesordnungspunkt.objects.create(
                sitzung=sitzung, antrag=antrag, position=position, vertagt_aus=vorher
            )
            _antragsteller_einladen(punkt, sitzung)
            neu.append(punkt)
            position += 1
    return neu


def sitzung_create(quartier, *, akteur, datum, beginn, ort, einreichungsfrist, online=False):
    """QM sets a meeting; everything eligible submitted by its deadline goes on its agenda."""
    _pruefen_qm(akteur, quartier.pk)
    if einreichungsfrist > datum:
        raise JuryRefused(
            _("Die Einreichungsfrist muss vor dem Tag der Sitzung liegen."), code="invalid"
        )
    with transaction.atomic():
        sitzung = Sitzung.objects.create(
            quartier=quartier,
            datum=datum,
            beginn=beginn,
            ort=ort.strip(),
            online=online,
            einreichungsfrist=einreichungsfrist,
            erstellt_von=akteur.user,
        )
        tagesordnung_propose(sitzung)
    logger.info("sitzung %s set for %s", sitzung.pk, quartier.code)
    return sitzung


def _vor_der_sitzung(sitzung):
    if sitzung.status not in (SitzungStatus.GEPLANT, SitzungStatus.UNTERLAGEN_VERSANDT):
        raise JuryRefused(
            _("Die Tagesordnung kann nach Beginn der Sitzung nicht mehr geändert werden."),
            code="wrong_state",
        )


def top_add(sitzung, antrag, *, akteur):
    """Add one Antrag at the jury to the agenda's end (also one submitted after the deadline)."""
    _pruefen_qm(akteur, sitzung.quartier_id)
    with transaction.atomic():
        sitzung = _sitzung_sperren(sitzung)
        _vor_der_sitzung(sitzung)
        if (
            not antraege_for_tagesordnung(sitzung, nur_bis_frist=False)
            .filter(pk=antrag.pk)
            .exists()
        ):
            raise JuryRefused(
                _("Der Antrag liegt nicht bei der Jury oder steht auf einer anderen Tagesordnung."),
                code="wrong_state",
            )
        try:
            with transaction.atomic():
                punkt = Tagesordnungspunkt.objects.create(
                    sitzung=sitzung, antrag=antrag, position=_naechste_position(sitzung)
                )
        except IntegrityError as error:
            raise JuryRefused(
                _("Der Antrag steht schon auf der Tagesordnung."), code="conflict"
            ) from error
        _antragsteller_einladen(punkt, sitzung)
        nachtrag_send(sitzung)
        return punkt


def top_move(punkt, *, akteur, richtung):
    """Move an item one place up (``richtung`` = -1) or down (+1) on the agenda."""
    _pruefen_qm(akteur, punkt.sitzung.quartier_id)
    with transaction.atomic():
        sitzung = _sitzung_sperren(punkt.sitzung)
        _vor_der_sitzung(sitzung)
        punkte = list(sitzung.punkte.order_by("position", "pk"))
        index = next((i for i, p in enumerate(punkte) if p.pk == punkt.pk), None)
        if index is None:
            raise JuryRefused(_("Der Punkt steht nicht auf dieser Tagesordnung."), code="invalid")
        ziel = index + (1 if richtung > 0 else -1)
        if not 0 <= ziel < len(punkte):
            return
        a, b = punkte[index], punkte[ziel]
        # two-step swap: the unique (sitzung, position) holds at every statement
        Tagesordnungspunkt.objects.filter(pk=a.pk).update(position=0)
        Tagesordnungspunkt.objects.filter(pk=b.pk).update(position=a.position)
        Tagesordnungspunkt.objects.filter(pk=a.pk).update(position=b.position)


def top_remove(punkt, *, akteur):
    """Take an undecided item off the agenda before the meeting (it stays with the jury)."""
    _pruefen_qm(akteur, punkt.sitzung.quartier_id)
    with transaction.atomic():
        sitzung = _sitzung_sperren(punkt.sitzung)
        _vor_der_sitzung(sitzung)
        entfernt, _arten = Tagesordnungspunkt.objects.filter(pk=punkt.pk, beschluss="").delete()
        if entfernt:
            _antragsteller_benachrichtigen(punkt, sitzung, "sitzung_abgesetzt")
            nachtrag_send(sitzung)


def top_defer(punkt, *, akteur, grund):
    """Defer an item to the next meeting with a reason; the Antrag stays with the jury and is
    proposed for the next meeting's agenda."""
    _pruefen_qm(akteur, punkt.sitzung.quartier_id)
    grund = (grund or "").strip()
    if not grund:
        raise JuryRefused(_("Bitte geben Sie einen Grund für die Vertagung an."), code="invalid")
    with transaction.atomic():
        sitzung = _sitzung_sperren(punkt.sitzung)
        if sitzung.status == SitzungStatus.GESCHLOSSEN:
            raise JuryRefused(_("Die Sitzung ist abgeschlossen."), code="wrong_state")
        claimed = Tagesordnungspunkt.objects.filter(pk=punkt.pk, beschluss="").update(
            beschluss=Beschluss.VERTAGT,
            begruendung=grund,
            beschlossen_am=timezone.now(),
            beschlossen_von=akteur.user,
        )
        if not claimed:
            raise JuryRefused(_("Zu diesem Punkt ist schon ein Beschluss erfasst."), "conflict")
        _antragsteller_benachrichtigen(punkt, sitzung, "sitzung_vertagt", grund=grund)


# --- Papers --------------------------------------------------------------------------------------


def _sitzung_url(sitzung):
    return settings.SITE_URL + reverse("jury:sitzung", kwargs={"pk": sitzung.pk})


def sitzung_ics(sitzung, *, fuer_antrag=False):
    """The meeting as an iCalendar invitation (text), for the papers e-mail and (``fuer_antrag``:
    no link to the jury's pages) the applicant's invitation."""
    from icalendar import Calendar, Event

    start = timezone.make_aware(
        datetime.datetime.combine(sitzung.datum, sitzung.beginn), timezone.get_default_timezone()
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Aktionsfonds//Jurysitzung//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = settings.SITE_URL.split("//")[-1].split("/")[0]
    event.add("uid", f"sitzung-{sitzung.pk}{'-antrag' if fuer_antrag else ''}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(hours=2))
    event.add(
        "summary",
        _("Sitzung der Aktionsfondsjury %(quartier)s") % {"quartier": sitzung.quartier.name},
    )
    event.add("location", sitzung.ort)
    if not fuer_antrag:
        event.add("url", _sitzung_url(sitzung))
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _tagesordnung_zeile(punkt):
    return {
        "position": punkt.position,
        "referenz": punkt.antrag.referenz or "",
        "titel": punkt.antrag.titel,
        "betrag": euro_format(punkt.antrag.betrag_beantragt),
    }


def nachtrag_send(sitzung):
    """After the papers went out, a changed agenda goes to every member and deputy in term as a
    supplement with only what changed (items added, items taken off) and the current papers PDF,
    in their language. Call inside the change's transaction with the meeting locked; nothing is
    sent before the papers or when nothing changed. Returns how many got it."""
    if sitzung.status != SitzungStatus.UNTERLAGEN_VERSANDT:
        return 0
    punkte = {p.antrag_id: p for p in sitzung.punkte.select_related("antrag")}
    vorher = list(sitzung.versandte_tagesordnung or [])
    neu = [punkte[a] for a in punkte if a not in vorher]
    abgesetzt = list(Antrag.objects.filter(pk__in=[a for a in vorher if a not in punkte]))
    if not neu and not abgesetzt:
        return 0
    nummer = sitzung.nachtraege + 1
    Sitzung.objects.filter(pk=sitzung.pk).update(
        versandte_tagesordnung=sorted(punkte), nachtraege=nummer
    )
    sitzung.versandte_tagesordnung, sitzung.nachtraege = sorted(punkte), nummer
    kontext = {
        "quartier": sitzung.quartier.name,
        "datum": sitzung.datum,
        "beginn": sitzung.beginn.strftime("%H:%M"),
        "ort": sitzung.ort,
        "neu": [_tagesordnung_zeile(p) for p in sorted(neu, key=lambda p: p.position)],
        "abgesetzt": [{"referenz": a.referenz or "", "titel": a.titel} for a in abgesetzt],
        "url": _sitzung_url(sitzung),
        UNTERLAGEN_ANHANG: sitzung.pk,
    }
    empfaenger = 0
    for mitglied in jury_in_term(sitzung.quartier, sitzung.datum).select_related("user"):
        if mitglied.user.email:
            mail.queue(
                "sitzung_nachtrag",
                empfaenger=mitglied.user.email,
                sprache=kontosprache(mitglied.user),
                kontext={"name": mitglied.anzeigename, **kontext},
                dedupe_key=f"sitzung-{sitzung.pk}-nachtrag-{nummer}-{mitglied.pk}",
            )
            empfaenger += 1
    logger.info("supplement %s of sitzung %s sent to %s", nummer, sitzung.pk, empfaenger)
    return empfaenger


def unterlagen_frist(sitzung):
    """The day the papers should go out: the area's lead time (default 5 days) before the meeting."""
    tage = juryregeln_for(sitzung.quartier).unterlagen_tage_vorher
    return sitzung.datum - datetime.timedelta(days=tage)


def sitzung_einladungen_send(sitzung, *, akteur):
    """The invitations of the papers' dispatch: every member and deputy in term gets an e-mail in
    their language with the agenda, a link and the ``.ics`` invitation. Once (planned → papers
    sent). Callers send the papers with ``unterlagen.sitzung_unterlagen_send``, which also has the
    papers PDF made."""
    # QM's button, or the beat when the lead time has come
    _pruefen_qm(akteur, sitzung, predicate=permissions.may_send_sitzung_papers)
    now = timezone.now()
    with transaction.atomic():
        sitzung = _sitzung_move(sitzung, "papers_send", akteur=akteur, unterlagen_versandt_am=now)
        punkte = list(sitzung.punkte.select_related("antrag").order_by("position", "pk"))
        ics = sitzung_ics(sitzung)
        tagesordnung = [_tagesordnung_zeile(p) for p in punkte]
        Sitzung.objects.filter(pk=sitzung.pk).update(
            versandte_tagesordnung=[p.antrag_id for p in punkte]
        )
        empfaenger = 0
        for mitglied in jury_in_term(sitzung.quartier, sitzung.datum).select_related("user"):
            if not mitglied.user.email:
                logger.warning("jury member %s has no e-mail; papers not sent", mitglied.pk)
                continue
            mail.queue(
                "sitzung_unterlagen",
                empfaenger=mitglied.user.email,
                sprache=kontosprache(mitglied.user),
                kontext={
                    "name": mitglied.anzeigename,
                    "quartier": sitzung.quartier.name,
                    "datum": sitzung.datum,
                    "beginn": sitzung.beginn.strftime("%H:%M"),
                    "ort": sitzung.ort,
                    "stellvertretung": mitglied.rolle == Jurymitglied.Rolle.STELLVERTRETUNG,
                    "tagesordnung": tagesordnung,
                    "url": _sitzung_url(sitzung),
                    "inline_anhaenge": [["sitzung.ics", "text/calendar", ics]],
                    UNTERLAGEN_ANHANG: sitzung.pk,
                },
                dedupe_key=f"sitzung-{sitzung.pk}-unterlagen-{mitglied.pk}",
            )
            empfaenger += 1
    logger.info("papers of sitzung %s sent to %s members", sitzung.pk, empfaenger)
    return empfaenger


# --- Apologies and deputies ---------------------------------------------------------------------


def _vor_beginn(sitzung):
    if sitzung.status not in (SitzungStatus.GEPLANT, SitzungStatus.UNTERLAGEN_VERSANDT):
        raise JuryRefused(
            _("Die Sitzung hat schon begonnen. Bitte sagen Sie dem QM direkt Bescheid."),
            code="wrong_state",
        )


def _im_amt(sitzung, user, rolle):
    """The user's seat (member) or deputy's place on the meeting's jury on its day, or None."""
    return (
        jury_in_term(sitzung.quartier, sitzung.datum)
        .filter(user=user, rolle=rolle)
        .select_related("user")
        .first()
    )


def absage_send(sitzung, *, user):
    """A member cannot come: the apology is recorded and every deputy of the area in term is told
    at once, in their language, so one of them can confirm standing in. Once per member."""
    mitglied = _im_amt(sitzung, user, Jurymitglied.Rolle.MITGLIED)
    if mitglied is None:
        raise JuryRefused(_("Absagen können nur Mitglieder dieser Jury."), code="forbidden")
    with transaction.atomic():
        sitzung = _sitzung_sperren(sitzung)
        _vor_beginn(sitzung)
        try:
            with transaction.atomic():
                absage = Absage.objects.create(sitzung=sitzung, mitglied=mitglied)
        except IntegrityError as error:
            raise JuryRefused(
                _("Sie haben für diese Sitzung schon abgesagt."), code="conflict"
            ) from error
        deputies = jury_in_term(sitzung.quartier, sitzung.datum).filter(
            rolle=Jurymitglied.Rolle.STELLVERTRETUNG
        )
        for deputy in deputies.select_related("user"):
            if deputy.user.email:
                mail.queue(
                    "sitzung_vertretung_gesucht",
                    empfaenger=deputy.user.email,
                    sprache=kontosprache(deputy.user),
                    kontext={
                        "name": deputy.anzeigename,
                        "mitglied": mitglied.anzeigename,
                        "quartier": sitzung.quartier.name,
                        "datum": sitzung.datum,
                        "beginn": sitzung.beginn.strftime("%H:%M"),
                        "ort": sitzung.ort,
                        "url": _sitzung_url(sitzung),
                    },
                    dedupe_key=f"absage-{absage.pk}-{deputy.pk}",
                )
    logger.info("member %s sent apologies for sitzung %s", mitglied.pk, sitzung.pk)
    return absage


def vertretung_confirm(absage, *, user):
    """A deputy confirms standing in for the member who sent apologies. The first to confirm
    stands in; a deputy stands in for one member per meeting."""
    sitzung = absage.sitzung
    deputy = _im_amt(sitzung, user, Jurymitglied.Rolle.STELLVERTRETUNG)
    if deputy is None:
        raise JuryRefused(_("Vertreten können nur Stellvertreter*innen."), code="forbidden")
    with transaction.atomic():
        sitzung = _sitzung_sperren(sitzung)
        _vor_beginn(sitzung)
        if Absage.objects.filter(sitzung=sitzung, vertreten_durch=deputy).exists():
            raise JuryRefused(
                _("Sie vertreten in dieser Sitzung schon ein anderes Mitglied."), code="conflict"
            )
        claimed = Absage.objects.filter(
            pk=absage.pk, sitzung=sitzung, vertreten_durch__isnull=True
        ).update(vertreten_durch=deputy, zugesagt_am=timezone.now())
        if not claimed:
            raise JuryRefused(
                _("Für dieses Mitglied hat schon eine andere Stellvertretung zugesagt."),
                code="conflict",
            )
    logger.info("deputy %s stands in at sitzung %s", deputy.pk, sitzung.pk)
    return Absage.objects.select_related("mitglied__user", "vertreten_durch__user").get(
        pk=absage.pk
    )


# --- Attendance and quorum ----------------------------------------------------------------------


def _vertretung_check(alle, anwesende, deputy_id, mitglied_id):
    """A present deputy stands in for an absent member, or ``JuryRefused`` says why not."""
    deputy, mitglied = alle.get(deputy_id), alle.get(mitglied_id)
    if deputy is None or deputy.rolle != Jurymitglied.Rolle.STELLVERTRETUNG:
        raise JuryRefused(_("Vertreten können nur Stellvertreter*innen."), code="invalid")
    if deputy_id not in anwesende:
        raise JuryRefused(
            _("%(name)s ist nicht anwesend und kann niemanden vertreten.")
            % {"name": deputy.anzeigename},
            code="invalid",
        )
    if mitglied is None or mitglied.rolle != Jurymitglied.Rolle.MITGLIED:
        raise JuryRefused(_("Vertreten werden können nur Mitglieder."), code="invalid")
    if mitglied_id in anwesende:
        raise JuryRefused(
            _("%(name)s ist anwesend und wird nicht vertreten.") % {"name": mitglied.anzeigename},
            code="invalid",
        )


def _anwesenheit_check(alle, anwesende, vertretungen):
    """Only the jury is present; every deputy stands in for one absent member, each seat once."""
    if not anwesende <= set(alle):
        raise JuryRefused(_("Anwesend sein können nur Mitglieder der Jury."), code="invalid")
    for deputy_id, mitglied_id in vertretungen.items():
        _vertretung_check(alle, anwesende, deputy_id, mitglied_id)
    if len(set(vertretungen.values())) != len(vertretungen):
        raise JuryRefused(_("Jedes Mitglied kann nur einmal vertreten werden."), "invalid")


def _teilnahmen_save(sitzung, alle, anwesende, vertretungen):
    sitzung.teilnahmen.all().delete()
    Teilnahme.objects.bulk_create(
        Teilnahme(
            sitzung=sitzung,
            mitglied=m,
            anwesend=m.pk in anwesende,
            vertritt_id=vertretungen.get(m.pk),
        )
        for m in alle.values()
    )


def _sitzung_start(sitzung, akteur):
    """Papers sent or planned → held (the move ``attendance_record``), with the area's rules
    copied into the meeting."""
    regeln = juryregeln_for(sitzung.quartier)
    return _sitzung_move(
        sitzung,
        "attendance_record",
        akteur=akteur,
        anwesenheit_erfasst_am=timezone.now(),
        quorum_anteil=regeln.quorum_anteil,
        bei_gleichstand=regeln.bei_gleichstand,
        namentlich=regeln.namentliche_abstimmung,
        praesentation_ab=regeln.praesentation_ab,
    )


def anwesenheit_record(sitzung, *, akteur, anwesende, vertretungen):
    """QM takes attendance once the meeting begins: ``anwesende`` are ids of present members and
    deputies, ``vertretungen`` maps a present deputy's id to the absent member they stand in for.

    Copies the area's rules into the meeting (papers sent or planned → held). Can be corrected
    until the first decision is entered.
    """
    _pruefen_qm(akteur, sitzung.quartier_id)
    anwesende = {int(pk) for pk in anwesende}
    vertretungen = {int(k): int(v) for k, v in vertretungen.items() if v}
    with transaction.atomic():
        sitzung = _sitzung_start(sitzung, akteur)
        alle = {
            m.pk: m for m in jury_in_term(sitzung.quartier, sitzung.datum).select_related("user")
        }
        _anwesenheit_check(alle, anwesende, vertretungen)
        _teilnahmen_save(sitzung, alle, anwesende, vertretungen)
    return sitzung


# --- Decisions in the meeting -------------------------------------------------------------------


def _sitzung_check_held(sitzung):
    if sitzung.status != SitzungStatus.GEHALTEN:
        raise JuryRefused(
            _("Bitte erfassen Sie zuerst die Anwesenheit.")
            if sitzung.status != SitzungStatus.GESCHLOSSEN
            else _("Die Sitzung ist abgeschlossen."),
            code="wrong_state" if sitzung.status == SitzungStatus.GESCHLOSSEN else "invalid",
        )


def _punkt_lock_open(punkt):
    punkt = (
        Tagesordnungspunkt.objects.select_related("antrag__fonds__quartier", "sitzung__quartier")
        .select_for_update(of=("self",))
        .get(pk=punkt.pk)
    )
    if not punkt.ist_offen:
        raise JuryRefused(_("Zu diesem Punkt ist schon ein Beschluss erfasst."), "conflict")
    return punkt


def _praesentation_check(sitzung, antrag, praesentiert):
    """Above the area's threshold the applicant presents the project before the vote."""
    schwelle = sitzung.praesentation_ab
    if schwelle is not None and antrag.betrag_beantragt > schwelle and not praesentiert:
        raise JuryRefused(
            _(
                "Ab %(schwelle)s € stellen Antragstellende ihr Projekt in der Sitzung vor. "
                "Ohne Vorstellung vertagen Sie den Punkt bitte."
            )
            % {"schwelle": euro_format(schwelle)},
            code="invalid",
        )


def _befangene_set(punkt, sitze, befangene):
    """Record the declared conflicts (present voters only); returns ``(waehler, ausgeschlossen)``."""
    present = {s.waehler.pk for s in sitze if s.waehler is not None}
    if not befangene <= present:
        raise JuryRefused(
            _("Befangen erklären können sich nur stimmberechtigte Anwesende."), "invalid"
        )
    punkt.befangene.set(befangene)
    return punkt_waehler(punkt, sitze)


def _stimmen_check_named(waehler, stimmen):
    """Each voter's vote (voter id → yes/no/abstain), checked: every voter, nobody else."""
    stimmen = {int(k): v for k, v in (stimmen or {}).items()}
    if set(stimmen) - {m.pk for m in waehler}:
        raise JuryRefused(
            _("Wer befangen oder nicht anwesend ist, stimmt nicht ab."), code="invalid"
        )
    fehlend = [m for m in waehler if stimmen.get(m.pk) not in StimmWert.values]
    if fehlend:
        raise JuryRefused(
            _("Bitte erfassen Sie die Stimme von %(namen)s.")
            % {"namen": ", ".join(m.anzeigename for m in fehlend)},
            code="invalid",
        )
    return stimmen


def _zahlen_check(waehler, ja, nein, enthaltung):
    """The counts, checked: none missing or negative, no more than the voters present."""
    if any(n is None or n < 0 for n in (ja, nein, enthaltung)):
        raise JuryRefused(_("Bitte geben Sie die Zahl der Stimmen an."), code="invalid")
    if ja + nein + enthaltung > len(waehler):
        raise JuryRefused(
            _(
                "Es wurden mehr Stimmen erfasst (%(n)s) als stimmberechtigte Mitglieder "
                "anwesend sind (%(m)s)."
            )
            % {"n": ja + nein + enthaltung, "m": len(waehler)},
            code="invalid",
        )
    return ja, nein, enthaltung


def _stimmen_record(namentlich, waehler, stimmen, zahlen):
    """``(stimmen, (ja, nein, enthaltung))`` by the item's way of voting: by name (the counts
    follow from each voter's vote) or as counts (``stimmen`` empty)."""
    if namentlich:
        stimmen = _stimmen_check_named(waehler, stimmen)
        return stimmen, tuple(list(stimmen.values()).count(w) for w in StimmWert.values)
    return {}, _zahlen_check(waehler, *zahlen)


def _beschluss_decide(sitzung, zaehlung):
    """The item's decision by the online vote's rule (``auszaehlung_ergebnis``)."""
    ergebnis = auszaehlung_ergebnis(
        zaehlung, quorum_anteil=sitzung.quorum_anteil, bei_gleichstand=sitzung.bei_gleichstand
    )
    return {
        Ergebnis.BEWILLIGT: Beschluss.BEWILLIGT,
        Ergebnis.ABGELEHNT: Beschluss.ABGELEHNT,
    }.get(ergebnis, Beschluss.NICHT_BESCHLUSSFAEHIG)


def _saldo_check(sitzung, antrag, betrag):
    """An approval must fit the fund's balance after this meeting's earlier approvals."""
    frei = laufender_saldo(sitzung, antrag.fonds)
    if betrag > frei:
        raise JuryRefused(
            _(
                "Im Aktionsfonds sind nach den Beschlüsse dieser Sitzung nur noch "
                "%(frei)s € verfügbar. Bitte stimmen Sie über einen geringeren Betrag ab "
                "oder vertagen Sie den Antrag."
            )
            % {"frei": euro_format(max(frei, ZERO))},
            code="fund",
        )


def _beschluss_save(punkt, akteur, zaehlung, stimmen, **felder):
    """Store the item's decision with its tally (and each vote where voted by name)."""
    Einzelstimme.objects.bulk_create(
        Einzelstimme(punkt=punkt, mitglied_id=pk, wert=wert) for pk, wert in stimmen.items()
    )
    Tagesordnungspunkt.objects.filter(pk=punkt.pk).update(
        **felder,
        anzahl_berechtigt=zaehlung.berechtigt,
        stimmen_ja=zaehlung.ja,
        stimmen_nein=zaehlung.nein,
        stimmen_enthaltung=zaehlung.enthaltung,
        beschlossen_am=timezone.now(),
        beschlossen_von=akteur.user,
    )


def top_decide(
    punkt,
    *,
    akteur,
    praesentiert,
    befangene=(),
    betrag,
    auflagen="",
    begruendung="",
    ja=None,
    nein=None,
    enthaltung=None,
    stimmen=None,
    namentlich=None,
    notiz="",
    kostenplan=None,
):
    """QM enters the jury's vote on one item (presentation, conflicts, amount, cut cost lines,
    conditions; counts or ``stimmen`` by name, ``namentlich`` None: the meeting's setting).
    Refused on the spot: beyond the running balance, or cut lines that do not add up. Returns
    the item; the Antrag moves when the meeting is closed."""
    _pruefen_qm(akteur, punkt.sitzung.quartier_id)
    befangene = {int(pk) for pk in befangene}
    with transaction.atomic():
        sitzung = _sitzung_sperren(punkt.sitzung)
        _sitzung_check_held(sitzung)
        punkt = _punkt_lock_open(punkt)
        antrag = punkt.antrag
        betrag = betrag_check(antrag, betrag)
        _praesentation_check(sitzung, antrag, praesentiert)
        namentlich = sitzung.namentlich if namentlich is None else namentlich
        stimmen, zaehlung = _top_count(
            sitzung, punkt, befangene, namentlich, stimmen, (ja, nein, enthaltung)
        )
        beschluss = _beschluss_for(sitzung, antrag, zaehlung, betrag)
        _beschluss_save(
            punkt,
            akteur,
            zaehlung,
            stimmen,
            kostenplan=_kostenplan_for(antrag, beschluss, betrag, kostenplan),
            beschluss=beschluss,
            praesentiert=bool(praesentiert),
            betrag=betrag,
            auflagen=(auflagen or "").strip(),
            begruendung=(begruendung or "").strip(),
            namentlich=bool(namentlich),
            notiz=(notiz or "").strip(),
        )
    return Tagesordnungspunkt.objects.select_related("antrag", "sitzung").get(pk=punkt.pk)


def _kostenplan_for(antrag, beschluss, betrag, kostenplan):
    if beschluss != Beschluss.BEWILLIGT:
        return {}
    return kostenplan_for_betrag(antrag, betrag, kostenplan)


def _top_count(sitzung, punkt, befangene, namentlich, stimmen, zahlen):
    """``(stimmen, Auszaehlung)`` of an item: the ballots by name (or None) and the count of the
    members present and not biased."""
    sitze = sitzung_sitze(sitzung)
    waehler, ausgeschlossen = _befangene_set(punkt, sitze, befangene)
    stimmen, (ja, nein, enthaltung) = _stimmen_record(namentlich, waehler, stimmen, zahlen)
    berechtigt = stimmberechtigte_count(sitze, ausgeschlossen, punkt.antrag)
    return stimmen, Auszaehlung(berechtigt, ja, nein, enthaltung)


def _beschluss_for(sitzung, antrag, zaehlung, betrag):
    """The decision of the count; an approval beyond the running balance is refused."""
    beschluss = _beschluss_decide(sitzung, zaehlung)
    if beschluss == Beschluss.BEWILLIGT:
        _saldo_check(sitzung, antrag, betrag)
    return beschluss


def top_correct(punkt, *, akteur):
    """Undo an entered decision before closing (a typing error); the item is open again."""
    _pruefen_qm(akteur, punkt.sitzung.quartier_id)
    with transaction.atomic():
        sitzung = _sitzung_sperren(punkt.sitzung)
        if sitzung.status == SitzungStatus.GESCHLOSSEN:
            raise JuryRefused(_("Die Sitzung ist abgeschlossen."), code="wrong_state")
        Einzelstimme.objects.filter(punkt=punkt).delete()
        punkt.befangene.clear()
        Tagesordnungspunkt.objects.filter(pk=punkt.pk).update(
            beschluss="",
            praesentiert=None,
            anzahl_berechtigt=None,
            stimmen_ja=None,
            stimmen_nein=None,
            stimmen_enthaltung=None,
            beschlossen_am=None,
            beschlossen_von=None,
        )


# --- Closing -------------------------------------------------------------------------------------


def _ablehnungsgrund(punkt):
    if punkt.begruendung:
        return punkt.begruendung
    if punkt.stimmen_ja == punkt.stimmen_nein:
        return _(
            "In der Sitzung der Aktionsfondsjury gab es keine Mehrheit für den Antrag "
            "(Stimmengleichheit)."
        )
    return _("Die Aktionsfondsjury hat den Antrag in ihrer Sitzung mehrheitlich abgelehnt.")


PROTOKOLL_FELDER = (
    "vorsitz",
    "protokollfuehrung",
    "ende",
    "vorprotokoll_genehmigt",
    "vorprotokoll_bemerkung",
    "verschiedenes",
)


def protokollangaben_save(sitzung, *, akteur, **angaben):
    """QM records what the minutes say besides the items — chair, recorder, end, the approval of
    the previous minutes, "Verschiedenes" — while the meeting is held (not after closing)."""
    _pruefen_qm(akteur, sitzung.quartier_id)
    felder = {name: angaben[name] for name in PROTOKOLL_FELDER if name in angaben}
    for name in ("vorsitz", "protokollfuehrung", "vorprotokoll_bemerkung", "verschiedenes"):
        if name in felder:
            felder[name] = (felder[name] or "").strip()
    with transaction.atomic():
        sitzung = _sitzung_sperren(sitzung)
        _sitzung_check_held(sitzung)
        Sitzung.objects.filter(pk=sitzung.pk).update(**felder)
    return Sitzung.objects.get(pk=sitzung.pk)


def sitzung_close(sitzung, *, akteur):
    """Close the meeting and apply every decision in one step, once.

    Claims the meeting (held → closed, the move ``close``); a second click, tab or person gets
    ``JuryRefused(code="conflict")``. Each approval or rejection goes through ``antrag_move``
    (money reserved under the fund's lock, letter and e-mail scheduled) in its own savepoint: a
    refusal is recorded on its item with the reason, the others stand. Deferred items and those
    without quorum stay with the jury. After commit one task renders every decision letter and
    queues their e-mails, then the fund's figures and the minutes (``sitzung_follow_up``); the
    moves schedule no letter task and no recomputation of their own.
    """
    _pruefen_qm(akteur, sitzung.quartier_id)
    now = timezone.now()
    with transaction.atomic():
        sitzung = _sitzung_move(
            sitzung, "close", akteur=akteur, geschlossen_am=now, geschlossen_von=akteur.user
        )
        if sitzung.ende is None:  # the minutes record when the meeting ended: now, unless entered
            ende = timezone.localtime(now).time().replace(second=0, microsecond=0)
            Sitzung.objects.filter(pk=sitzung.pk, ende__isnull=True).update(ende=ende)
        datum = formats.date_format(sitzung.datum, "SHORT_DATE_FORMAT")  # timeline notes
        punkte = list(
            Tagesordnungspunkt.objects.filter(sitzung=sitzung)
            .select_related("antrag__fonds__quartier")
            .order_by("position", "pk")
        )
        with zurueckgestellt(task_names.REFRESH_FONDSAUSWERTUNG):  # the follow-up's, later
            for punkt in punkte:
                umgesetzt, hinweis = _punkt_umsetzen(punkt, akteur=akteur, datum=datum)
                Tagesordnungspunkt.objects.filter(pk=punkt.pk).update(
                    umgesetzt=umgesetzt, umsetzung_hinweis=hinweis
                )
        task_enqueue_on_commit(task_names.SITZUNG_NACHBEREITEN, sitzung_id=sitzung.pk)
    logger.info("sitzung %s closed with %s items", sitzung.pk, len(punkte))
    return list(Tagesordnungspunkt.objects.filter(sitzung=sitzung).order_by("position", "pk"))


# The close's moves leave their letters to the meeting's one follow-up task (all letters in one
# loop, their e-mails in one batch), and the caller needs no reloaded Antrag.
EINE_FOLGEAUFGABE = {"brief_einzeln": False, "reload": False}


def _punkt_umsetzen(punkt, *, akteur, datum):
    """Apply one item's decision; returns ``(applied, note)``."""
    try:
        if punkt.beschluss == Beschluss.BEWILLIGT:
            antrag_move(
                punkt.antrag,
                "approve",
                akteur=akteur,
                betrag=punkt.betrag,
                auflagen=punkt.auflagen,
                kostenplan=punkt.kostenplan,
                kommentar=_("Von der Aktionsfondsjury in der Sitzung am %(datum)s bewilligt.")
                % {"datum": datum},
                **EINE_FOLGEAUFGABE,
            )
            return True, ""
        if punkt.beschluss == Beschluss.ABGELEHNT:
            antrag_move(
                punkt.antrag,
                "reject",
                akteur=akteur,
                kommentar=_ablehnungsgrund(punkt),
                **EINE_FOLGEAUFGABE,
            )
            return True, ""
    except MoveRefused as refused:
        logger.warning("sitzung item %s not applied: %s", punkt.pk, refused.message)
        return False, refused.message
    if punkt.beschluss == Beschluss.VERTAGT:
        return True, _("Vertagt auf die nächste Sitzung; der Antrag bleibt bei der Jury.")
    return True, _("Nicht beschlussfähig; der Antrag bleibt bei der Jury.")


# --- Minutes and papers (PDF) --------------------------------------------------------------------


def sitzung_follow_up(sitzung_id):
    """After the close, in this order: every decision letter of the meeting rendered and its
    e-mail handed to the outbox (``sitzung_entscheidungen_deliver``), then the recomputation of
    the figures of the funds the close booked on and the minutes queued as tasks of their own
    (``sitzung_protokoll_create``). The e-mails' send task is on the queue by then, so a worker
    sends the applicants' e-mails before it recomputes and renders the minutes (a PDF of several
    hundred milliseconds). A lost task is redone by its sweep (``sitzungsprotokolle_catch_up``,
    the fund's out-of-date mark). Safe to run twice. Returns how many items were delivered.
    """
    geliefert = sitzung_entscheidungen_deliver(sitzung_id)
    fonds_ids = Tagesordnungspunkt.objects.filter(
        sitzung_id=sitzung_id, umgesetzt=True
    ).values_list("antrag__fonds_id", flat=True)
    for fonds_id in sorted(set(fonds_ids)):
        task_enqueue_on_commit(task_names.REFRESH_FONDSAUSWERTUNG, fonds_id=fonds_id)
    task_enqueue_on_commit(task_names.SITZUNG_PROTOKOLL, sitzung_id=sitzung_id)
    return geliefert


def sitzung_entscheidungen_deliver(sitzung_id):
    """Render the letter of every approval and rejection the meeting applied and queue its
    decision e-mail, unless that happened already (a second run, the sweep: the letter is stored
    once, the e-mail queued once). The e-mails are queued together, after the last letter, so
    their commit puts one send task on the queue. Returns how many items."""
    from antraege.dokumente.services import dokumente_deliver
    from antraege.models import Dokument

    letters = {
        Beschluss.BEWILLIGT: Dokument.Art.BEWILLIGUNG,
        Beschluss.ABGELEHNT: Dokument.Art.ABLEHNUNG,
    }
    punkte = Tagesordnungspunkt.objects.filter(
        sitzung_id=sitzung_id, umgesetzt=True, beschluss__in=list(letters)
    ).values_list("antrag_id", "beschluss")
    punkte = list(punkte)
    dokumente_deliver([(antrag_id, letters[beschluss]) for antrag_id, beschluss in punkte])
    return len(punkte)


def sitzung_protokoll_create(sitzung_id):
    """Render the one minutes PDF of a closed meeting and store it, once. True if rendered now."""
    sitzung = Sitzung.objects.select_related("quartier").get(pk=sitzung_id)
    if sitzung.status != SitzungStatus.GESCHLOSSEN or sitzung.protokoll:
        return False
    return protokoll_store(
        sitzung,
        template="jury/pdf/sitzungsprotokoll.html",
        kontext=sitzungsprotokoll_kontext(sitzung),
    )


def sitzungsprotokolle_catch_up():
    """Minutes missing (broker down at closing): render them. Returns the ids handled."""
    fehlend = list(
        Sitzung.objects.filter(status=SitzungStatus.GESCHLOSSEN, protokoll="").values_list(
            "pk", flat=True
        )[:10]
    )
    for pk in fehlend:
        # the sweep runs in the worker: it delivers and renders here (queueing the minutes again
        # would leave them to the broker that lost them, and a shell or demo run would get none)
        sitzung_entscheidungen_deliver(pk)
        sitzung_protokoll_create(pk)
    return fehlend


def sitzung_unterlagen_pdf(sitzung, *, language="de"):
    """The papers of ``sitzung`` as one accessible PDF (bytes): every agenda item with project,
    cost plan and QM's review note; the applicant's name and organisation, never contact data."""
    from antraege.dokumente.pdf import render_pdf

    kontext = {**unterlagen_kontext(sitzung), "LANGUAGE_CODE": language}
    return render_pdf("jury/pdf/unterlagen.html", kontext, language=language)
