"""The models of Anträge, by subdomain. ``antraege.models.X`` keeps working for every model."""

from .antrag.models.aenderung import Aenderungswunsch
from .antrag.models.anhang import Anhang, anhang_upload_to
from .antrag.models.antrag import Antrag, Kostenposition, Statuswechsel
from .datenschutz.models import AdressBestaetigung, Anonymisierung, Zugriffsnachweis
from .dokumente.models import Dokument, dokument_upload_to
from .fonds.models import (
    Aktionsfonds,
    Foerderung,
    Handlungsfeld,
    Kostenkategorie,
    Quartier,
    Veroeffentlichungsfilter,
)
from .geld.buchungen.models import Buchung, Fondsauswertung, FondsberichtPdf  # noqa: E402 - after its targets
from .geld.models.abrechnung import (
    Abschlag,
    Auszahlung,
    Beleg,
    Projektfoto,
    Sachbericht,
    beleg_upload_to,
    projektfoto_upload_to,
)
from .geld.models.abschlag_wartend import AbschlagWartend
from .geld.models.anordnung import Auszahlungsanordnung, SepaDatei
from .geld.models.vereinbarung import Bankverbindung, Rueckforderung, Vereinbarung
from .mail.models import Benachrichtigung
from .money import ZERO
from .states import (
    APPLICANT_STATUS_LABELS,
    END_STATES,
    GEFOERDERT_STATES,
    RESERVING_STATES,
    AntragStatus,
)

__all__ = [
    "Aenderungswunsch",
    "AdressBestaetigung",
    "Anonymisierung",
    "Zugriffsnachweis",
    "APPLICANT_STATUS_LABELS",
    "END_STATES",
    "GEFOERDERT_STATES",
    "RESERVING_STATES",
    "ZERO",
    "Abschlag",
    "AbschlagWartend",
    "Auszahlungsanordnung",
    "SepaDatei",
    "Bankverbindung",
    "Buchung",
    "Fondsauswertung",
    "FondsberichtPdf",
    "Foerderung",
    "Rueckforderung",
    "Vereinbarung",
    "Aktionsfonds",
    "Anhang",
    "Antrag",
    "AntragStatus",
    "Auszahlung",
    "Beleg",
    "Benachrichtigung",
    "Dokument",
    "Handlungsfeld",
    "Kostenkategorie",
    "Kostenposition",
    "Projektfoto",
    "Quartier",
    "Sachbericht",
    "Statuswechsel",
    "Veroeffentlichungsfilter",
    "anhang_upload_to",
    "beleg_upload_to",
    "dokument_upload_to",
    "projektfoto_upload_to",
]
