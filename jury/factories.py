import factory
from django.utils import timezone

from antraege.factories import QuartierFactory, UserFactory

from .mitglieder.models import Jurymitglied


class JurymitgliedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurymitglied

    user = factory.SubFactory(UserFactory)
    quartier = factory.SubFactory(QuartierFactory)
    beginn = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    ende = None


def jury_fuer(quartier, anzahl):
    """``anzahl`` members in term on ``quartier``'s jury, with distinct names and e-mails."""
    return [
        JurymitgliedFactory(
            quartier=quartier,
            user=UserFactory(
                username=f"jury-{quartier.code.lower()}-{i:02d}", last_name=f"M{i:02d}"
            ),
        )
        for i in range(anzahl)
    ]


def antrag_zur_jury(antrag, qm_user, *, pruefvermerk="Formal geprüft, förderfähig."):
    """Move a complete draft through submission and review to ``jury_vote``."""
    from workflow.wege import antrag_walk_to

    return antrag_walk_to(
        antrag,
        "jury_vote",
        qm_user=qm_user,
        put_to_jury={"kommentar": pruefvermerk, "intern": False},
    )


def stellvertretungen_fuer(quartier, anzahl):
    """``anzahl`` deputies in term on ``quartier``'s jury."""
    return [
        JurymitgliedFactory(
            quartier=quartier,
            rolle=Jurymitglied.Rolle.STELLVERTRETUNG,
            mindestalter_bestaetigt=True,
            user=UserFactory(
                username=f"stv-{quartier.code.lower()}-{i:02d}", last_name=f"S{i:02d}"
            ),
        )
        for i in range(anzahl)
    ]


def sitzung_fuer(quartier, qm_user, *, datum=None, frist=None, ort="Nachbarschaftsetage, Raum 2"):
    """A planned meeting of ``quartier`` (default: today, deadline today) with its proposed agenda."""
    import datetime

    from antraege.roles import Akteur

    from .sitzungen.services import sitzung_create

    datum = datum or timezone.localdate()
    return sitzung_create(
        quartier,
        akteur=Akteur(qm_user),
        datum=datum,
        beginn=datetime.time(18, 30),
        ort=ort,
        einreichungsfrist=frist or datum,
    )
