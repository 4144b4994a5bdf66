"""Two funds created at the same moment on the real PostgreSQL: the public list's stored filter
choices hold both. SQLite serialises every write, so it proves nothing."""

import threading
import time
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction

from antraege.factories import QuartierFactory
from antraege.fonds.services import veroeffentlichung
from antraege.fonds.services.veroeffentlichung import veroeffentlichungsfilter_refresh
from antraege.models import Aktionsfonds, Veroeffentlichungsfilter

from .test_jury_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency needs real row locks: run with DATABASE_URL=postgres://…",
    ),
]


def test_two_funds_created_at_once_both_show_in_the_stored_filter():
    """Both transactions have inserted their fund (not committed) before either recomputes, and
    each pauses after reading the funds, long enough for the other to read them too: the row's
    lock lets only one read at a time, so the second reads after the first committed and neither
    year is lost. Without the lock both read only their own."""
    ost = QuartierFactory(code="OST", name="Ostkiez")
    west = QuartierFactory(code="WST", name="Westkiez")
    veroeffentlichungsfilter_refresh()
    eingefuegt = threading.Barrier(2)
    berechnen = veroeffentlichung.oeffentliche_auswahl_berechnen

    def berechnen_und_warten():
        auswahl = berechnen()
        time.sleep(2)  # for something not to happen: the other reading now (it waits for the lock)
        return auswahl

    def anlegen(quartier, jahr):
        def neu():
            with transaction.atomic():
                # no signal: the recomputation is called below, once both funds exist
                Aktionsfonds.objects.bulk_create([Aktionsfonds(quartier=quartier, jahr=jahr)])
                eingefuegt.wait(timeout=60)
                veroeffentlichungsfilter_refresh()

        return neu

    with mock.patch.object(
        veroeffentlichung, "oeffentliche_auswahl_berechnen", berechnen_und_warten
    ):
        run_together(anlegen(ost, 2031), anlegen(west, 2032))

    zeile = Veroeffentlichungsfilter.objects.get()
    assert zeile.jahre == [2032, 2031]
    assert zeile.quartiere == [[ost.pk, "Ostkiez", "OST"], [west.pk, "Westkiez", "WST"]]
