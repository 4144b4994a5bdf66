import factory
from django.utils import timezone

from antraege.factories import QuartierFactory, UserFactory

from .models import Jurymitglied


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
    from antraege.roles import Akteur
    from workflow.moves import antrag_move

    antrag_move(antrag, "submit", akteur=Akteur(None, antrag_ids=[antrag.pk]))
    antrag_move(antrag, "start_review", akteur=Akteur(qm_user))
    return antrag_move(antrag, "put_to_jury", akteur=Akteur(qm_user), kommentar=pruefvermerk)
