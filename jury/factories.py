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
