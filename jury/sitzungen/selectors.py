"""Reads of jury meetings: lists for QM and members, the meeting mode's state, papers and minutes.

Data minimisation: what members read (agenda pages, papers) is built from ``antrag_for_jury``,
which carries the applicant's name and organisation and never address, e-mail or phone.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils import timezone

from antraege.antrag.selectors import aktionsfonds_saldo, quartiere_for_staff
from antraege.datenschutz.adressen import (
    antraege_bestaetigte_adressen,
    antrag_bestaetigte_adresse,
    mitglied_hat_adresse,
)
from antraege.models import ZERO, Aktionsfonds, Antrag, AntragStatus

from ..abstimmungen.models import Abstimmung, AbstimmungStatus, JuryRegeln
from ..abstimmungen.selectors import kostenplan_kuerzung
from ..abstimmungen.services import Auszaehlung, auszaehlung_quorum_reached, juryregeln_for
from ..mitglieder.models import Jurymitglied, jury_in_term
from .models import (
    OFFENE_SITZUNG,
    Beschluss,
    Einzelstimme,
    Sitzung,
    SitzungStatus,
    Tagesordnungspunkt,
)


def sitzungen_for_staff(akteur):
    """Meetings of the akteur's areas: open ones (a list, by date) and the closed ones (a
    queryset, newest first, for the page of 50)."""
    qs = Sitzung.objects.filter(quartier__in=quartiere_for_staff(akteur)).select_related("quartier")
    offen = list(qs.filter(status__in=OFFENE_SITZUNG).order_by("datum", "beginn", "pk"))
    geschlossen = qs.filter(status=SitzungStatus.GESCHLOSSEN).order_by("-datum", "-pk")
    return offen, geschlossen


def frist_ende(day):
    """The end of the deadline day in Europe/Berlin, as an aware datetime."""
    naechster = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(naechster, timezone.get_default_timezone())


def antraege_for_tagesordnung(sitzung, *, nur_bis_frist=True):
    """Eligible Anträge for ``sitzung``: at the jury, submitted by its deadline (unless
    ``nur_bis_frist`` is False: QM may add a late one by hand), not on another open agenda
    (undecided or decided-but-not-applied) and not in a running online vote; in submission order."""
    belegt = Tagesordnungspunkt.objects.filter(sitzung__status__in=OFFENE_SITZUNG).exclude(
        beschluss=Beschluss.VERTAGT
    )
    qs = Antrag.objects.filter(fonds__quartier=sitzung.quartier, status=AntragStatus.JURY_VOTE)
    if nur_bis_frist:
        qs = qs.filter(eingereicht_am__lt=frist_ende(sitzung.einreichungsfrist))
    return (
        qs.exclude(pk__in=belegt.values("antrag_id"))
        .exclude(
            pk__in=Abstimmung.objects.filter(status=AbstimmungStatus.OFFEN).values("antrag_id")
        )
        .order_by("eingereicht_am", "pk")
    )


def tagesordnung_kontext(sitzung):
    """The agenda page's reads: the items, what the deadline proposes, what QM may add by hand."""
    return {
        "punkte": list(sitzung.punkte.select_related("antrag").order_by("position", "pk")),
        "vorschlaege": list(antraege_for_tagesordnung(sitzung)),
        "weitere": list(
            antraege_for_tagesordnung(sitzung, nur_bis_frist=False).select_related("fonds")
        ),
        "frist_ende": frist_ende(sitzung.einreichungsfrist),
    }


def protokolle_for_mitglied(user, *, today=None, anzahl=5):
    """The newest closed meetings with minutes of the areas where ``user`` sits on the jury
    today (bounded: the last ``anzahl``; the minutes of older ones stay on their pages)."""
    today = today or timezone.localdate()
    quartier_ids = set(
        Jurymitglied.objects.filter(user=user, beginn__lte=today)
        .exclude(ende__lt=today)
        .values_list("quartier_id", flat=True)
    )
    return list(
        Sitzung.objects.filter(quartier_id__in=quartier_ids, status=SitzungStatus.GESCHLOSSEN)
        .exclude(protokoll="")
        .select_related("quartier")
        .order_by("-datum", "-pk")[:anzahl]
    )


def sitzungen_for_mitglied(user, *, today=None):
    """Upcoming meetings (papers sent or held) of the areas where ``user`` sits on the jury."""
    today = today or timezone.localdate()
    quartier_ids = set(
        Jurymitglied.objects.filter(user=user, beginn__lte=today)
        .exclude(ende__lt=today)
        .values_list("quartier_id", flat=True)
    )
    return list(
        Sitzung.objects.filter(
            quartier_id__in=quartier_ids,
            status__in=(SitzungStatus.UNTERLAGEN_VERSANDT, SitzungStatus.GEHALTEN),
            datum__gte=today,
        )
        .select_related("quartier")
        .prefetch_related(
            Prefetch(
                "punkte",
                queryset=Tagesordnungspunkt.objects.select_related("antrag").order_by(
                    "position", "pk"
                ),
            )
        )
        .order_by("datum", "beginn", "pk")
    )


def sitzungen_for_antraege(antraege):
    """``{antrag_id: Sitzung}``: the open meeting whose agenda holds each Antrag (not deferred),
    for the links from an Antrag at the jury to its meeting. One query."""
    punkte = (
        Tagesordnungspunkt.objects.filter(antrag__in=antraege, sitzung__status__in=OFFENE_SITZUNG)
        .exclude(beschluss=Beschluss.VERTAGT)
        .select_related("sitzung")
        .order_by("sitzung__datum", "pk")
    )
    sitzungen = {}
    for punkt in punkte:
        sitzungen.setdefault(punkt.antrag_id, punkt.sitzung)
    return sitzungen


def praesentation_schwelle(sitzung):
    """The amount above which applicants present at this meeting: the meeting's own copy of the
    area's rule once it started, before that the area's rule as it stands."""
    if sitzung.praesentation_ab is not None:
        return sitzung.praesentation_ab
    # a read: the area's rules as stored, else the programme's defaults (nothing is created)
    regeln = JuryRegeln.objects.filter(quartier_id=sitzung.quartier_id).first() or JuryRegeln()
    return regeln.praesentation_ab


def vorstellung_needed(sitzung, antrag):
    """Must the applicant present ``antrag`` at ``sitzung``?"""
    schwelle = praesentation_schwelle(sitzung)
    return schwelle is not None and antrag.betrag_beantragt > schwelle


@dataclass(frozen=True)
class AbsagenFuerPerson:
    """What the meeting page shows a member or deputy about apologies."""

    rolle: str | None  # "member", "deputy" or None (QM, or not on this jury that day)
    eigene_absage: object  # Absage of this member, or None
    eigene_zusage: object  # Absage this deputy stands in for, or None
    offen: list  # apologies no deputy has confirmed yet (shown to deputies)


def absagen_for(sitzung, user):
    """Apologies as ``user`` sees them on the meeting's page (one query for the apologies)."""
    platz = jury_in_term(sitzung.quartier, sitzung.datum).filter(user=user).first()
    absagen = list(
        sitzung.absagen.select_related("mitglied__user", "vertreten_durch__user").order_by(
            "abgesagt_am", "pk"
        )
    )
    if platz is None:
        return AbsagenFuerPerson(None, None, None, [])
    return AbsagenFuerPerson(
        rolle=platz.rolle,
        eigene_absage=next((a for a in absagen if a.mitglied_id == platz.pk), None),
        eigene_zusage=next((a for a in absagen if a.vertreten_durch_id == platz.pk), None),
        offen=[a for a in absagen if a.vertreten_durch_id is None],
    )


def anwesenheit_vorschlag(sitzung, mitglieder, stellvertretungen):
    """Meeting mode's proposal before attendance is taken: every member present but those who
    sent apologies, and each deputy who confirmed, standing in for that member.
    ``(mitglieder_ids, stellvertretungen_ids, {deputy_id: member_id})``."""
    absagen = list(sitzung.absagen.all())
    abgesagt = {a.mitglied_id for a in absagen}
    vertretungen = {a.vertreten_durch_id: a.mitglied_id for a in absagen if a.vertreten_durch_id}
    return (
        [m.pk for m in mitglieder if m.pk not in abgesagt],
        [d.pk for d in stellvertretungen if d.pk in vertretungen],
        vertretungen,
    )


@dataclass(frozen=True)
class AntragFuerJury:
    """What a jury member may read about an Antrag: no address, e-mail or phone."""

    pk: int
    referenz: str
    titel: str
    antragsteller_name: str
    organisation: str
    kurzbeschreibung: str
    ziele: str
    zielgruppe: str
    teilnehmende_erwartet: int
    projektort: str
    beginn: object
    ende: object
    oeffentlichkeitsarbeit: str
    eigenleistung_stunden: int
    eigenleistung_beschreibung: str
    betrag_beantragt: Decimal
    weitere_mittel: Decimal
    pruefvermerk: str
    positionen: list
    gesamtkosten: Decimal


def antrag_for_jury(antrag):
    positionen = list(antrag.kostenpositionen.select_related("kategorie"))
    return AntragFuerJury(
        pk=antrag.pk,
        referenz=antrag.referenz or "",
        titel=antrag.titel,
        antragsteller_name=antrag.antragsteller_name,
        organisation=antrag.organisation,
        kurzbeschreibung=antrag.kurzbeschreibung,
        ziele=antrag.ziele,
        zielgruppe=antrag.zielgruppe,
        teilnehmende_erwartet=antrag.teilnehmende_erwartet,
        projektort=antrag.projektort,
        beginn=antrag.beginn,
        ende=antrag.ende,
        oeffentlichkeitsarbeit=antrag.oeffentlichkeitsarbeit,
        eigenleistung_stunden=antrag.eigenleistung_stunden,
        eigenleistung_beschreibung=antrag.eigenleistung_beschreibung,
        betrag_beantragt=antrag.betrag_beantragt,
        weitere_mittel=antrag.weitere_mittel,
        pruefvermerk=antrag.pruefvermerk,
        positionen=[
            {
                "kategorie": p.kategorie.anzeigename,
                "beschreibung": p.beschreibung,
                "menge": p.menge,
                "einzelpreis": p.einzelpreis,
                "betrag": p.betrag,
                "ausnahme": p.kategorie.nur_ausnahme,
                "ausnahme_grund": p.ausnahme_grund,
            }
            for p in positionen
        ],
        gesamtkosten=sum((p.betrag for p in positionen), Decimal("0.00")),
    )


def _punkte(sitzung):
    return list(
        Tagesordnungspunkt.objects.filter(sitzung=sitzung)
        .select_related("antrag__fonds")
        .prefetch_related("antrag__kostenpositionen__kategorie", "befangene__user")
        .order_by("position", "pk")
    )


def unterlagen_kontext(sitzung):
    return {
        "sitzung": sitzung,
        "quartier": sitzung.quartier,
        "antraege": [(p, antrag_for_jury(p.antrag)) for p in _punkte(sitzung)],
        "erstellt_am": timezone.now(),
    }


@dataclass
class PunktZeile:
    punkt: Tagesordnungspunkt
    saldo_danach: Decimal | None
    waehler: list
    ausgeschlossen: list
    stimmen: list

    @property
    def stimmberechtigt(self):
        """Present voters on this item (members and standing-in deputies, without conflicts)."""
        return len(self.waehler)

    @property
    def abgegeben(self):
        p = self.punkt
        if p.stimmen_ja is None:
            return None
        return p.stimmen_ja + p.stimmen_nein + p.stimmen_enthaltung

    @property
    def nicht_abgestimmt(self):
        """How many entitled voters cast no vote (counts), by construction ≥ 0."""
        if self.abgegeben is None:
            return None
        return max(self.stimmberechtigt - self.abgegeben, 0)

    @property
    def ohne_stimme(self):
        """By name: the entitled voters without a recorded vote."""
        if not self.punkt.namentlich:
            return []
        gestimmt = {s.mitglied_id for s in self.stimmen}
        return [m for m in self.waehler if m.pk not in gestimmt]

    @property
    def kuerzung(self):
        """The cut lines of an approval of less than requested (the minutes), else None."""
        p = self.punkt
        if not p.ist_bewilligt:
            return None
        return kostenplan_kuerzung(p.antrag, p.betrag, p.kostenplan)


def sitzungsmodus(sitzung):
    """Everything the meeting mode page shows: seats, quorum, items with the balance after each."""
    sitze = sitzung_sitze(sitzung)
    punkte = _punkte(sitzung)
    stimmen = {}
    for s in Einzelstimme.objects.filter(punkt__sitzung=sitzung).select_related("mitglied__user"):
        stimmen.setdefault(s.punkt_id, []).append(s)
    fonds = punkte[0].antrag.fonds if punkte else None
    saldo_start = aktionsfonds_saldo(fonds).verfuegbar if fonds else None
    laufend = saldo_start
    # the confirmed addresses of the whole agenda: one query, not one per item
    adressen = antraege_bestaetigte_adressen([p.antrag for p in punkte])
    zeilen = []
    for p in punkte:
        if (
            laufend is not None
            and p.beschluss == Beschluss.BEWILLIGT
            and p.umgesetzt is None
            and p.antrag.fonds_id == fonds.pk
        ):
            laufend -= p.betrag
        waehler, ausgeschlossen = punkt_waehler(p, sitze, adresse=adressen.get(p.antrag_id))
        zeilen.append(
            PunktZeile(
                punkt=p,
                saldo_danach=laufend if p.antrag.fonds_id == getattr(fonds, "pk", None) else None,
                waehler=waehler,
                ausgeschlossen=ausgeschlossen,
                stimmen=stimmen.get(p.pk, []),
            )
        )
    aktuell = next((z for z in zeilen if z.punkt.ist_offen), None)
    return {
        "sitze": sitze,
        "quorum": sitzung_quorum(sitzung, sitze),
        "zeilen": zeilen,
        "aktuell": aktuell,
        "fonds": fonds,
        "saldo_start": saldo_start,
        "saldo_laufend": laufender_saldo(sitzung, fonds) if fonds else None,
        "stellvertretungen": [
            t
            for t in sitzung.teilnahmen.select_related("mitglied__user", "vertritt__user")
            if t.vertritt_id
        ],
    }


def sitzungsprotokoll_kontext(sitzung):
    """The minutes: attendance, deputies, quorum, each item with presentation, conflicts, tally
    (named where voted by name), amount, conditions, decision and what closing did."""
    modus = sitzungsmodus(sitzung)
    teilnahmen = list(
        sitzung.teilnahmen.select_related("mitglied__user", "vertritt__user").order_by(
            "mitglied__rolle", "mitglied__user__last_name", "mitglied__user__first_name"
        )
    )
    return {
        **modus,
        "sitzung": sitzung,
        "quartier": sitzung.quartier,
        "teilnahmen": teilnahmen,
        "vorige_sitzung": sitzung_previous(sitzung),
        "erstellt_am": timezone.now(),
    }


def sitzung_previous(sitzung):
    """The area's last closed meeting before ``sitzung``: its minutes are approved at this one."""
    return (
        Sitzung.objects.filter(
            quartier_id=sitzung.quartier_id,
            status=SitzungStatus.GESCHLOSSEN,
            datum__lte=sitzung.datum,
        )
        .exclude(pk=sitzung.pk)
        .order_by("-datum", "-beginn", "-pk")
        .first()
    )


def antraege_on_tagesordnung_ids(sitzung):
    return set(sitzung.punkte.values_list("antrag_id", flat=True))


def antrag_on_tagesordnung(sitzung, antrag_pk):
    """The Antrag of an item on ``sitzung``'s agenda, or None (members read only these)."""
    punkt = (
        Tagesordnungspunkt.objects.filter(sitzung=sitzung, antrag_id=antrag_pk)
        .select_related("antrag")
        .first()
    )
    return punkt


# --- Seats, quorum, voters and the running balance (read by the services too) ---


@dataclass(frozen=True)
class Sitz:
    """A seat at the meeting: its member, and who votes for it (member, deputy, or nobody)."""

    mitglied: Jurymitglied
    waehler: Jurymitglied | None

    @property
    def vertreten(self):
        return self.waehler is not None and self.waehler.pk != self.mitglied.pk


def sitzung_sitze(sitzung):
    """The seats of ``sitzung`` (members in term on its day) and who fills each."""
    alle = {m.pk: m for m in jury_in_term(sitzung.quartier, sitzung.datum).select_related("user")}
    teilnahmen = {t.mitglied_id: t for t in sitzung.teilnahmen.all()}
    vertretung = {
        t.vertritt_id: alle.get(t.mitglied_id) for t in teilnahmen.values() if t.vertritt_id
    }
    sitze = []
    for m in sorted(alle.values(), key=lambda m: (m.user.last_name, m.user.first_name, m.pk)):
        if m.rolle != Jurymitglied.Rolle.MITGLIED:
            continue
        t = teilnahmen.get(m.pk)
        waehler = m if t is not None and t.anwesend else vertretung.get(m.pk)
        sitze.append(Sitz(mitglied=m, waehler=waehler))
    return sitze


@dataclass(frozen=True)
class Quorum:
    sitze: int
    besetzt: int
    anteil: Decimal

    @property
    def erreicht(self):
        return auszaehlung_quorum_reached(
            Auszaehlung(berechtigt=self.sitze, ja=self.besetzt, nein=0, enthaltung=0),
            quorum_anteil=self.anteil,
        )


def sitzung_quorum(sitzung, sitze=None):
    sitze = sitze if sitze is not None else sitzung_sitze(sitzung)
    anteil = sitzung.quorum_anteil or juryregeln_for(sitzung.quartier).quorum_anteil
    return Quorum(
        sitze=len(sitze), besetzt=sum(1 for s in sitze if s.waehler is not None), anteil=anteil
    )


_UNBEKANNT = object()


def punkt_waehler(punkt, sitze=None, *, adresse=_UNBEKANNT):
    """``(waehler, ausgeschlossen)``: who votes on ``punkt`` and who of the voters may not (declared
    conflict or the applicant), plus the entitled count for the quorum.

    ``adresse``: the applicant's confirmed address (None: none) when the caller read the agenda's
    addresses at once (``antraege_bestaetigte_adressen``), else it is read here."""
    sitze = sitze if sitze is not None else sitzung_sitze(punkt.sitzung)
    befangen = {m.pk for m in punkt.befangene.all()}
    if adresse is _UNBEKANNT:
        adresse = antrag_bestaetigte_adresse(punkt.antrag)
    waehler, ausgeschlossen = [], []
    for sitz in sitze:
        if sitz.waehler is None:
            continue
        if sitz.waehler.pk in befangen or mitglied_hat_adresse(sitz.waehler.user, adresse):
            ausgeschlossen.append(sitz.waehler)
        else:
            waehler.append(sitz.waehler)
    return waehler, ausgeschlossen


def stimmberechtigte_count(sitze, ausgeschlossen, antrag):
    """How many of ``sitze`` may vote on ``antrag``: not excluded as biased, and (a seat without a
    recorded voter) not the member whose address the applicant confirmed."""
    raus = {m.pk for m in ausgeschlossen}
    adresse = antrag_bestaetigte_adresse(antrag)
    n = 0
    for sitz in sitze:
        if sitz.waehler is not None:
            n += sitz.waehler.pk not in raus
        else:
            n += not mitglied_hat_adresse(sitz.mitglied.user, adresse)
    return n


def laufender_saldo(sitzung, fonds):
    """What ``fonds`` has left after the approvals this meeting has entered but not yet applied."""
    saldo = aktionsfonds_saldo(fonds)
    offen = (
        Tagesordnungspunkt.objects.filter(
            sitzung=sitzung,
            antrag__fonds=fonds,
            beschluss=Beschluss.BEWILLIGT,
            umgesetzt__isnull=True,
        ).aggregate(s=Sum("betrag"))["s"]
        or ZERO
    )
    return saldo.verfuegbar - offen


def fonds_of(sitzung):
    """The fund of the meeting's area and year (or None)."""
    return Aktionsfonds.objects.filter(quartier=sitzung.quartier, jahr=sitzung.datum.year).first()


def praesentation_kontext(sitzung, punkt_pk=None):
    """The projector's page: one agenda item (the one asked for, else the current one, else the
    first) as the room needs it — no contact data — with the fund's balance after this meeting's
    decisions so far, and the items before and after it for switching."""
    modus = sitzungsmodus(sitzung)
    zeilen = modus["zeilen"]
    if not zeilen:
        return None
    gewaehlt = next((z for z in zeilen if z.punkt.pk == punkt_pk), None)
    zeile = gewaehlt or modus["aktuell"] or zeilen[0]
    index = zeilen.index(zeile)
    return {
        "zeile": zeile,
        "punkt": zeile.punkt,
        "a": antrag_for_jury(zeile.punkt.antrag),
        "nummer": index + 1,
        "anzahl": len(zeilen),
        "vorher": zeilen[index - 1].punkt if index > 0 else None,
        "nachher": zeilen[index + 1].punkt if index + 1 < len(zeilen) else None,
        "saldo_laufend": modus["saldo_laufend"],
    }
