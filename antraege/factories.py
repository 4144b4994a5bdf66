"""factory_boy factories: used by the tests and by the ``demo_data`` command."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    Aktionsfonds,
    Antrag,
    Handlungsfeld,
    Kostenkategorie,
    Kostenposition,
    Quartier,
)

DEMO_PASSWORD = "aktionsfonds-demo"  # noqa: S105 - demo data only


def project_start():
    """A project date seven weeks from today (Europe/Berlin): after the default lead time of six
    weeks, so a new Antrag is valid."""
    return timezone.localdate() + datetime.timedelta(weeks=7)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class QuartierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quartier
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Quartier {n}")
    code = factory.Sequence(lambda n: f"Q{n:02d}")
    qm_buero_name = factory.LazyAttribute(lambda q: f"Quartiersmanagement {q.name}")
    qm_anschrift = "Musterstraße 1\n13357 Berlin"
    qm_email = factory.LazyAttribute(lambda q: f"qm-{q.code.lower()}@example.org")
    qm_telefon = "030 1234567"
    qm_unterzeichner = "Quartiersmanagement"


class AktionsfondsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aktionsfonds
        django_get_or_create = ("quartier", "jahr")

    quartier = factory.SubFactory(QuartierFactory)
    jahr = factory.LazyFunction(lambda: project_start().year)
    budget = Decimal("10000.00")
    foerderhoechstbetrag = Decimal("1500.00")


class KostenkategorieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kostenkategorie
        django_get_or_create = ("quartier", "name")

    quartier = factory.SubFactory(QuartierFactory)
    name = "Sachkosten"
    foerderfaehig = True


class HandlungsfeldFactory(factory.django.DjangoModelFactory):
    """One of the programme's fields (seeded by migration; tests that flush tables recreate it)."""

    class Meta:
        model = Handlungsfeld
        django_get_or_create = ("slug",)

    slug = "nachbarschaft"
    name = "Nachbarschaft"
    erklaerung = "Nachbarn lernen sich kennen: Feste, Treffen, Hilfe"
    reihenfolge = 3


class AntragFactory(factory.django.DjangoModelFactory):
    """A complete draft: valid for submission as it stands (one cost line of 300 €)."""

    class Meta:
        model = Antrag
        skip_postgeneration_save = True

    fonds = factory.SubFactory(AktionsfondsFactory)
    antragsteller_name = factory.Faker("name", locale="de_DE")
    antragsteller_strasse = "Soldiner Straße 12"
    antragsteller_plz = "13359"
    antragsteller_ort = "Berlin"
    antragsteller_email = factory.Sequence(lambda n: f"bewohnerin{n}@example.org")
    wohnt_oder_arbeitet_im_gebiet = True
    sprache = "de"
    titel = factory.Sequence(lambda n: f"Nachbarschaftsfest {n}")
    kurzbeschreibung = "Ein Fest im Hof für alle Nachbarinnen und Nachbarn."
    ziele = "Nachbarn lernen sich kennen."
    zielgruppe = "Alle im Kiez"
    teilnehmende_erwartet = 60
    projektort = "Hof Soldiner Straße 12"
    beginn = factory.LazyFunction(project_start)
    ende = factory.LazyAttribute(lambda a: a.beginn)
    betrag_beantragt = Decimal("300.00")
    erklaerung_nicht_kommerziell = True
    erklaerung_nicht_begonnen = True
    erklaerung_belege = True

    @factory.post_generation
    def handlungsfelder(obj, create, extracted, **kwargs):
        if create:
            obj.handlungsfelder.set(
                extracted if extracted is not None else [HandlungsfeldFactory()]
            )

    @factory.post_generation
    def positionen(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            kategorie = KostenkategorieFactory(quartier=obj.fonds.quartier)
            extracted = [(kategorie, "Material", Decimal("1"), obj.betrag_beantragt)]
        for kategorie, beschreibung, menge, einzelpreis in extracted:
            Kostenposition.objects.create(
                antrag=obj,
                kategorie=kategorie,
                beschreibung=beschreibung,
                menge=menge,
                einzelpreis=einzelpreis,
            )
