"""Reads of payout orders and SEPA files: an area's orders by step, the payment reference."""

from ...models import Auszahlungsanordnung, Dokument, SepaDatei
from ...money import ZERO

AO = Auszahlungsanordnung
S = Auszahlungsanordnung.Status


def verwendungszweck(anordnung):
    """The payment reference: the Antrag's reference first (whole), then what is paid."""
    art = "Abschlag" if anordnung.art == AO.Art.ABSCHLAG else "Restzahlung"
    return f"{anordnung.antrag.referenz} Aktionsfonds {art}"


def ende_zu_ende_id(anordnung):
    """The end-to-end id the bank reports back: reference and kind (A advance, R remainder)."""
    kennung = "A" if anordnung.art == AO.Art.ABSCHLAG else "R"
    return f"{anordnung.antrag.referenz}-{kennung}"[:35]


def anordnung_for_dokument(antrag, dokument_art):
    """The order a payout order PDF shows, with the people who confirmed it, or None."""
    art = AO.Art.ABSCHLAG if dokument_art == Dokument.Art.ABSCHLAG_ANORDNUNG else AO.Art.RESTZAHLUNG
    return (
        AO.objects.filter(antrag=antrag, art=art)
        .select_related("sachlich_von", "rechnerisch_von", "angeordnet_von")
        .first()
    )


def anordnungen_for_quartier(quartier_id):
    """``{status: [orders]}`` of the area not yet paid, oldest first, in few queries."""
    rows = (
        AO.objects.filter(antrag__fonds__quartier_id=quartier_id)
        .exclude(status=S.BEZAHLT)
        .select_related(
            "antrag__fonds", "sachlich_von", "rechnerisch_von", "angeordnet_von", "sepa_datei"
        )
        .order_by("erstellt_am", "pk")
    )
    gruppen = {status: [] for status in (S.OFFEN, S.ANGEORDNET, S.IN_DATEI)}
    for row in rows:
        gruppen[row.status].append(row)
    return gruppen


def anordnungen_summe(anordnungen):
    """What ``anordnungen`` pay together: the SEPA file's control sum and the sum on the button
    that makes the file."""
    return sum((a.betrag for a in anordnungen), ZERO)


def sepa_dateien_for_quartier(quartier_id, *, limit=20):
    """The area's latest SEPA files (without their XML), newest first."""
    return list(
        SepaDatei.objects.filter(quartier_id=quartier_id)
        .defer("inhalt")
        .select_related("erstellt_von")[:limit]
    )
