"""The SEPA credit transfer file (pain.001.001.09, the version of the German banks' DFÜ
agreement since November 2023) of an area's released payout orders, made with ``sepaxml``.

A file is made once from every released order of the area not yet in a file: the orders move to
``in_datei`` in the same transaction (a conditional update), so no order is in two files; the
file is stored as it was made and a second download gives the same bytes.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ...antrag.services.timeline import statuswechsel_record
from ...fonds.selectors.buchhaltung import buero_konto_for_aktionsfonds
from ...models import Auszahlungsanordnung, SepaDatei
from ...permissions import may_handle_sepa_datei, require
from ..selectors.anordnung import anordnungen_summe, ende_zu_ende_id, verwendungszweck
from .anordnung import AnordnungRefused

AO = Auszahlungsanordnung
S = Auszahlungsanordnung.Status
SCHEMA = "pain.001.001.09"


def sepa_xml(konto, anordnungen, *, ausfuehrung):
    """``(msg_id, bytes)`` of a pain.001 file paying ``anordnungen`` from ``konto`` (validated
    against the schema by sepaxml)."""
    from sepaxml import SepaTransfer

    config = {"name": konto.kontoinhaber, "IBAN": konto.iban, "batch": True, "currency": "EUR"}
    if konto.bic:
        config["BIC"] = konto.bic
    transfer = SepaTransfer(config, schema=SCHEMA)
    for anordnung in anordnungen:
        transfer.add_payment(
            {
                "name": anordnung.kontoinhaber,
                "IBAN": anordnung.iban,
                "amount": int(anordnung.betrag * 100),
                "execution_date": ausfuehrung,
                "description": verwendungszweck(anordnung),
                "endtoend_id": ende_zu_ende_id(anordnung),
            }
        )
    return transfer.msg_id, transfer.export(validate=True)


def sepa_datei_create(quartier_id, *, akteur):
    """QM makes the SEPA file of every released, not yet exported payout order of the area.

    Refused without such orders and without the office's account (the debtor). Side effects: a
    ``SepaDatei`` with the XML; its orders move to ``in_datei``; a timeline entry per Antrag."""
    require(may_handle_sepa_datei, akteur, quartier_id, refused=AnordnungRefused)
    with transaction.atomic():
        anordnungen = list(
            AO.objects.select_for_update(of=("self",))
            .filter(status=S.ANGEORDNET, antrag__fonds__quartier_id=quartier_id)
            .select_related("antrag__fonds__quartier")
            .order_by("pk")
        )
        if not anordnungen:
            raise AnordnungRefused(
                _("Es gibt keine angeordneten Zahlungen, die noch in keiner Datei sind."),
                code="empty",
            )
        konto = buero_konto_for_aktionsfonds(anordnungen[0].antrag.fonds)
        if konto is None:
            raise AnordnungRefused(
                _(
                    "Bitte tragen Sie zuerst das Konto des QM-Büros ein (Fondsbericht, „Angaben "
                    "für die Buchhaltung“)."
                ),
                code="no_account",
            )
        msg_id, xml = sepa_xml(konto, anordnungen, ausfuehrung=timezone.localdate())
        datei = SepaDatei.objects.create(
            quartier_id=quartier_id,
            nachricht_id=msg_id[:35],
            schema=SCHEMA,
            inhalt=xml.decode("utf-8"),
            anzahl=len(anordnungen),
            summe=anordnungen_summe(anordnungen),
            erstellt_von=akteur.user,
        )
        _anordnungen_claim(anordnungen, datei, akteur=akteur)
    return datei


def _anordnungen_claim(anordnungen, datei, *, akteur):
    claimed = AO.objects.filter(pk__in=[a.pk for a in anordnungen], status=S.ANGEORDNET).update(
        status=S.IN_DATEI, sepa_datei=datei
    )
    if claimed != len(anordnungen):
        raise AnordnungRefused(
            _("Die Anordnungen wurden inzwischen geändert. Bitte laden Sie die Seite neu."),
            code="conflict",
        )
    for anordnung in anordnungen:
        statuswechsel_record(
            anordnung.antrag,
            akteur=akteur,
            kommentar=_("Auszahlung (%(art)s) in die SEPA-Datei %(datei)s aufgenommen.")
            % {"art": anordnung.get_art_display(), "datei": datei.nachricht_id},
        )
