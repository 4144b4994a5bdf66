"""Reads of the jury: what a member, QM and the minutes see. Secrecy is enforced here: no reader
below loads how anyone voted, except a member's own ballot and the open-vote minutes."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import FilteredRelation, Q
from django.utils import timezone

from antraege.antrag.services.kostenplan import kostenplan_vorschlag
from antraege.geld.selectors.vereinbarung import pauschale_im_betrag
from antraege.money import ZERO

from ..mitglieder.models import Jurymitglied, jurymitglieder_in_term
from .models import Abstimmung, AbstimmungStatus, Stimmberechtigung, Stimme


def _nach_einreichung(qs, prefix="antrag__"):
    """Fixed order by submission, never by popularity."""
    return qs.order_by(f"{prefix}eingereicht_am", f"{prefix}pk", "pk")


@dataclass(frozen=True)
class MitgliedEintrag:
    """A vote on a member's home page with the member's own ballot (or None)."""

    abstimmung: Abstimmung
    stimme: Stimme | None


def _berechtigungen_for_mitglied(mitglieder):
    """The seats in online votes of a person's member rows ``mitglieder`` (their ids, one per area
    they sit on): their own (unless a deputy holds it) and the seats they hold as a deputy standing
    in. Read through the indexes on member and deputy: an OR over two joins to the members read the
    seats of every member of every area."""
    return (
        Stimmberechtigung.objects.filter(befangen=False, abstimmung__modus=Abstimmung.Modus.ONLINE)
        .filter(
            Q(mitglied_id__in=mitglieder, vertreten_durch__isnull=True)
            | Q(vertreten_durch_id__in=mitglieder)
        )
        .select_related("abstimmung__antrag__fonds__quartier")
    )


def mitglied_eintraege(user, berechtigungen):
    """The entries ``berechtigungen`` (Stimmberechtigung rows of ``user``) with the member's own
    ballots: one query for the ballots of these votes."""
    berechtigungen = list(berechtigungen)
    eigene = {
        (s.abstimmung_id, s.mitglied_id): s
        for s in Stimme.objects.filter(
            Q(mitglied__user=user) | Q(abgegeben_von__user=user),
            abstimmung_id__in=[e.abstimmung_id for e in berechtigungen],
        )
    }
    return [
        MitgliedEintrag(e.abstimmung, eigene.get((e.abstimmung_id, e.mitglied_id)))
        for e in berechtigungen
    ]


def abstimmungen_for_mitglied(user):
    """``(open, closed)`` votes ``user`` is entitled to: the open ones in order of submission with
    the member's own ballots, the closed ones as a queryset, last closed first, for a page of 50
    (they pile up over the years; ``mitglied_eintraege`` adds the ballots to a page)."""
    mitglieder = list(Jurymitglied.objects.filter(user=user).values_list("pk", flat=True))
    offen = mitglied_eintraege(
        user,
        _nach_einreichung(
            _berechtigungen_for_mitglied(mitglieder).filter(
                abstimmung__status=AbstimmungStatus.OFFEN
            ),
            prefix="abstimmung__antrag__",
        ),
    )
    geschlossen = (
        _berechtigungen_for_mitglied(mitglieder)
        .exclude(abstimmung__status=AbstimmungStatus.OFFEN)
        .order_by("-abstimmung__geschlossen_am", "-abstimmung_id")
    )
    return offen, geschlossen


@dataclass(frozen=True)
class Fortschritt:
    """Progress of an open vote for QM: x of y voted, who has not voted yet, time left."""

    abstimmung_id: int
    referenz: str  # of the Antrag
    titel: str
    frist: datetime
    berechtigt: int
    abgestimmt: int
    ausstehend: list  # names of the eligible members who have not voted yet
    verbleibend: timedelta

    @property
    def verbleibend_stunden(self):
        return max(0, int(self.verbleibend.total_seconds() // 3600))


def _fortschritte(abstimmungen, now):
    """The progress of each vote of the queryset ``abstimmungen`` in two queries: the vote and
    every eligible member's name, then who of them voted in these votes (never how), without
    loading members or ballots. A vote without eligible members comes as one row without a member.

    The ballots are read per vote through their (vote, member) index: an ``Exists`` per member
    row was planned as a hashed subplan over every ballot ever cast."""
    zeilen = _fortschritt_zeilen(abstimmungen)
    abgegeben = set(
        Stimme.objects.filter(abstimmung_id__in={zeile[0] for zeile in zeilen})
        .order_by()  # a set: no sort
        .values_list("abstimmung_id", "mitglied_id")
    )
    je_abstimmung = {}
    for pk, referenz, titel, frist, mitglied_id, vorname, nachname, username in zeilen:
        _kopf, eintraege = je_abstimmung.setdefault(pk, ((referenz, titel, frist), []))
        if mitglied_id is not None:
            abgestimmt = (pk, mitglied_id) in abgegeben
            name = f"{vorname} {nachname}".strip() or username  # as User.get_full_name()
            eintraege.append((abgestimmt, name))
    return [
        Fortschritt(
            abstimmung_id=pk,
            referenz=referenz,
            titel=titel,
            frist=frist,
            berechtigt=len(eintraege),
            abgestimmt=sum(1 for abgestimmt, _name in eintraege if abgestimmt),
            ausstehend=[name for abgestimmt, name in eintraege if not abgestimmt],
            verbleibend=frist - now,
        )
        for pk, ((referenz, titel, frist), eintraege) in je_abstimmung.items()
    ]


def _fortschritt_zeilen(abstimmungen):
    """One row per vote and eligible member: the vote's head and the member's id and name."""
    return list(
        abstimmungen.annotate(
            berechtigt=FilteredRelation(
                "stimmberechtigungen", condition=Q(stimmberechtigungen__befangen=False)
            ),
        )
        # by submission (as ``_nach_einreichung``, never by popularity), the members as appointed
        .order_by("antrag__eingereicht_am", "antrag_id", "pk", "berechtigt__pk")
        .values_list(
            "pk",
            "antrag__referenz",
            "antrag__titel",
            "frist",
            "berechtigt__mitglied_id",
            "berechtigt__mitglied__user__first_name",
            "berechtigt__mitglied__user__last_name",
            "berechtigt__mitglied__user__username",
        )
    )


def abstimmungen_progress_for_staff(akteur, *, now=None):
    """Open online votes in the akteur's areas with their progress, in order of submission."""
    now = now or timezone.now()
    qs = Abstimmung.objects.filter(status=AbstimmungStatus.OFFEN, modus=Abstimmung.Modus.ONLINE)
    if not akteur.is_admin:
        # the areas are known: the open votes of these areas from their index (the QM dashboard
        # asks on every view), not through all of the areas' Anträge over the years
        qs = qs.filter(quartier_id__in=akteur.qm_quartier_ids)
    return _fortschritte(qs, now)


def abstimmung_progress(abstimmung, *, now=None):
    """Progress of one vote (QM detail page)."""
    now = now or timezone.now()
    return _fortschritte(Abstimmung.objects.filter(pk=abstimmung.pk), now)[0]


def jurymitglieder_by_name(quartier, day):
    """The members of ``quartier``'s jury in term on ``day``, by name."""
    return list(
        jurymitglieder_in_term(quartier, day)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def abstimmungen_for_antrag(antrag):
    return antrag.abstimmungen.order_by("-eroeffnet_am", "-pk")


@dataclass(frozen=True)
class KostenZeile:
    """One cost line as the jury decides it: requested and approved."""

    beschreibung: str
    kategorie: str
    beantragt: Decimal
    bewilligt: Decimal


@dataclass(frozen=True)
class Kuerzung:
    """The cut of an amount lower than requested, line by line (ballot and minutes): the lines,
    the lump sum requested and approved, other funding; the lines approved − other funding + the
    lump sum = the amount."""

    zeilen: list
    weitere_mittel: Decimal
    pauschale_beantragt: Decimal
    pauschale_bewilligt: Decimal
    beantragt: Decimal
    bewilligt: Decimal


def kostenplan_kuerzung(antrag, betrag, kostenplan):
    """The ``Kuerzung`` of ``betrag`` put to the vote or decided for ``antrag``: the lines as the
    jury cut them (``kostenplan``, pk → amount), else as the approval will take them
    (``kostenplan_vorschlag``); None for the full amount. Reads the lines from
    ``antrag.kostenpositionen.all()`` (prefetch them for a list)."""
    if betrag is None or betrag >= antrag.betrag_beantragt:
        return None
    positionen = sorted(antrag.kostenpositionen.all(), key=lambda p: p.pk)
    plan = kostenplan or kostenplan_vorschlag(antrag, betrag, positionen=positionen)
    plan = {str(pk): Decimal(str(wert)) for pk, wert in plan.items()}
    zeilen = [
        KostenZeile(
            beschreibung=p.beschreibung,
            kategorie=p.kategorie.anzeigename,
            beantragt=p.betrag,
            bewilligt=plan.get(str(p.pk), p.betrag),
        )
        for p in positionen
    ]
    weitere = antrag.weitere_mittel
    return Kuerzung(
        zeilen=zeilen,
        weitere_mittel=weitere,
        pauschale_beantragt=pauschale_im_betrag(
            antrag.betrag_beantragt, sum((z.beantragt for z in zeilen), ZERO), weitere
        ),
        pauschale_bewilligt=pauschale_im_betrag(
            betrag, sum((z.bewilligt for z in zeilen), ZERO), weitere
        ),
        beantragt=antrag.betrag_beantragt,
        bewilligt=betrag,
    )


def protokoll_kontext(abstimmung):
    """Everything the minutes show. How each member voted only if the vote was open by rule."""
    eintraege = list(
        abstimmung.stimmberechtigungen.select_related("mitglied__user").order_by(
            "mitglied__user__last_name", "mitglied__user__first_name", "pk"
        )
    )
    stimmen = {s.mitglied_id: s for s in abstimmung.stimmen.all()}
    zeilen = [
        {
            "name": e.mitglied.anzeigename,
            "befangen": e.befangen,
            "grund": e.befangenheit_grund,
            "anwesend": e.anwesend,
            "abgestimmt": e.mitglied_id in stimmen,
            "wert": (
                stimmen[e.mitglied_id].get_wert_display()
                if abstimmung.offene_abstimmung and e.mitglied_id in stimmen
                else ""
            ),
        }
        for e in eintraege
    ]
    return {
        "abstimmung": abstimmung,
        "antrag": abstimmung.antrag,
        "quartier": abstimmung.antrag.fonds.quartier,
        "berechtigte": [z for z in zeilen if not z["befangen"]],
        "befangene": [z for z in zeilen if z["befangen"]],
        "kuerzung": kostenplan_kuerzung(
            abstimmung.antrag, abstimmung.betrag, abstimmung.kostenplan
        ),
        "erstellt_am": timezone.now(),
    }
