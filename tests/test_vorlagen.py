"""Statements compiled once per process and shape (``antraege.vorlagen``): the rows are the ORM's,
with each call's values, and a shape whose values cannot be told apart is refused."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from antraege.factories import AktionsfondsFactory, AntragFactory
from antraege.geld.auswertung import fondsauswertung_refresh
from antraege.models import Aktionsfonds, Antrag, AntragStatus, Fondsauswertung
from antraege.vorlagen import _PLATZHALTER, Vorlage

pytestmark = pytest.mark.django_db

D = Decimal


def _antraege(form, werte):
    fonds_id, jahr = werte
    return (
        Antrag.objects.filter(fonds_id=fonds_id, fonds__jahr=jahr, status=form)
        .order_by("pk")
        .values_list("pk", "titel", "betrag_bewilligt", "erstellt_am")
    )


def test_the_rows_are_the_orms_with_each_calls_values_and_the_sql_built_once():
    erster, zweiter = AktionsfondsFactory(), AktionsfondsFactory()
    for fonds, betrag in ((erster, "120.50"), (zweiter, "80.00"), (zweiter, "99.99")):
        AntragFactory(fonds=fonds, status=AntragStatus.APPROVED, betrag_bewilligt=betrag)
    gebaut = []
    vorlage = Vorlage(lambda form, werte: gebaut.append(form) or _antraege(form, werte))

    for fonds in (erster, zweiter, erster):
        werte = [fonds.pk, fonds.jahr]
        zeilen = vorlage(AntragStatus.APPROVED, werte)
        assert zeilen == list(_antraege(AntragStatus.APPROVED, werte))
        assert {type(zeile[2]) for zeile in zeilen} == {Decimal}  # converted as the ORM does
    assert [len(vorlage(AntragStatus.APPROVED, [f.pk, f.jahr])) for f in (erster, zweiter)] == [
        1,
        2,
    ]
    assert vorlage(AntragStatus.PAID, [zweiter.pk, zweiter.jahr]) == []
    # compiled once per shape, whatever the values
    assert gebaut == [AntragStatus.APPROVED, AntragStatus.PAID]


def test_the_public_lists_figures_per_fund_come_as_the_orm_reads_them():
    """The JSON of the stored figures and the fund's flag of a change, read through a template."""
    from antraege.geld.auswertung import _JE_FONDS, _je_fonds_abfrage

    fonds = AktionsfondsFactory()
    AntragFactory(fonds=fonds, status=AntragStatus.APPROVED, betrag_bewilligt="120.50")
    fondsauswertung_refresh(fonds.pk)
    Aktionsfonds.objects.filter(pk=fonds.pk).update(auswertung_faellig_seit="2026-01-02T03:04Z")
    form, werte = (True, True, "oeffentlich"), [fonds.quartier_id, fonds.jahr]

    with CaptureQueriesContext(connection) as gesendet:
        zeilen = _JE_FONDS(form, werte)
    assert len(gesendet) == 1
    assert zeilen == list(_je_fonds_abfrage(form, werte))
    ((fonds_id, neu, veraltet, jahr, _name, _code),) = zeilen
    assert (fonds_id, neu[0], Decimal(neu[1]), jahr) == (fonds.pk, 1, D("120.50"), fonds.jahr)
    assert veraltet is not None and veraltet.year == 2026
    assert Fondsauswertung.objects.filter(fonds=fonds).exists()


def test_a_shape_whose_placeholder_is_also_a_constant_is_refused():
    vorlage = Vorlage(
        lambda _form, werte: Antrag.objects.filter(fonds_id=werte[0], pk=_PLATZHALTER).values_list(
            "pk"
        )
    )
    with pytest.raises(ValueError, match="placeholder 0 is 2 times"):
        vorlage(None, [1])
