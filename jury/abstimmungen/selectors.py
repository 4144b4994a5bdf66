"""Reads of the jury: what a member, QM and the minutes see. Secrecy is enforced here: no reader
below loads how anyone voted, except a member's own ballot and the open-vote minutes."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.utils import timezone

from ..mitglieder.models import jurymitglieder_in_term
from .models import Abstimmung, AbstimmungStatus, Stimmberechtigung, Stimme


def _nach_einreichung(qs, prefix="antrag__"):
    """Fixed order by submission, never by popularity."""
    return qs.order_by(f"{prefix}eingereicht_am", f"{prefix}pk", "pk")


@dataclass(frozen=True)
class MitgliedEintrag:
    """A vote on a member's home page with the member's own ballot (or None)."""

    abstimmung: Abstimmung
    stimme: Stimme | None


def abstimmungen_for_mitglied(user):
    """``(open, closed)`` votes ``user`` is entitled to, in order of submission, with own ballots."""
    eintraege = _nach_einreichung(
        Stimmberechtigung.objects.filter(
            mitglied__user=user, befangen=False, abstimmung__modus=Abstimmung.Modus.ONLINE
        ).select_related("abstimmung__antrag__fonds__quartier"),
        prefix="abstimmung__antrag__",
    )
    eintraege = list(eintraege)
    eigene = {
        (s.abstimmung_id, s.mitglied_id): s
        for s in Stimme.objects.filter(
            mitglied__user=user, abstimmung_id__in=[e.abstimmung_id for e in eintraege]
        )
    }
    items = [
        MitgliedEintrag(e.abstimmung, eigene.get((e.abstimmung_id, e.mitglied_id)))
        for e in eintraege
    ]
    offen = [i for i in items if i.abstimmung.ist_offen]
    geschlossen = [i for i in items if not i.abstimmung.ist_offen]
    geschlossen.sort(key=lambda i: i.abstimmung.geschlossen_am, reverse=True)
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
    """The progress of each vote of the queryset ``abstimmungen`` in one query: the vote, and
    every eligible member's name and whether they voted (never how), without loading members or
    ballots. A vote without eligible members comes as one row without a member."""
    zeilen = (
        abstimmungen.annotate(
            berechtigt=FilteredRelation(
                "stimmberechtigungen", condition=Q(stimmberechtigungen__befangen=False)
            ),
            hat_abgestimmt=Exists(
                Stimme.objects.filter(
                    abstimmung_id=OuterRef("pk"), mitglied_id=OuterRef("berechtigt__mitglied_id")
                )
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
            "hat_abgestimmt",
            "berechtigt__mitglied__user__first_name",
            "berechtigt__mitglied__user__last_name",
            "berechtigt__mitglied__user__username",
        )
    )
    je_abstimmung = {}
    for pk, referenz, titel, frist, mitglied_id, abgestimmt, vorname, nachname, username in zeilen:
        _kopf, eintraege = je_abstimmung.setdefault(pk, ((referenz, titel, frist), []))
        if mitglied_id is not None:
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


def abstimmungen_progress_for_staff(akteur, *, now=None):
    """Open online votes in the akteur's areas with their progress, in order of submission."""
    now = now or timezone.now()
    qs = Abstimmung.objects.filter(status=AbstimmungStatus.OFFEN, modus=Abstimmung.Modus.ONLINE)
    if not akteur.is_admin:
        # the areas are known: no join to the areas' table (the QM dashboard asks on every view)
        qs = qs.filter(antrag__fonds__quartier_id__in=akteur.qm_quartier_ids)
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
            "name": e.mitglied.user.get_full_name() or e.mitglied.user.username,
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
        "erstellt_am": timezone.now(),
    }
