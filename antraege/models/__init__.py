"""The models of Anträge, by subdomain. ``antraege.models.X`` keeps working for every model."""

from ..datenschutz.models import AdressBestaetigung, Anonymisierung, Zugriff
from ..geld.buchungen.models import Buchung, FondsberichtPdf  # noqa: E402 - after its targets
from ..mail.models import Benachrichtigung
from ..money import ZERO
from ..states import (
    APPLICANT_STATUS_LABELS,
    END_STATES,
    GEFOERDERT_STATES,
    RESERVING_STATES,
    AntragStatus,
)
from .aenderung import Aenderungswunsch
from .application import (
    Aktionsfonds,
    Antrag,
    Foerderung,
    Handlungsfeld,
    Kostenkategorie,
    Kostenposition,
    Quartier,
    Statuswechsel,
)
from .attachments import Anhang, anhang_upload_to
from .documents import Dokument, dokument_upload_to
from .geld import Bankverbindung, Rueckforderung, Vereinbarung
from .settlement import (
    Abschlag,
    Auszahlung,
    Beleg,
    Projektfoto,
    Sachbericht,
    beleg_upload_to,
    projektfoto_upload_to,
)

__all__ = [
    "Aenderungswunsch",
    "AdressBestaetigung",
    "Anonymisierung",
    "Zugriff",
    "APPLICANT_STATUS_LABELS",
    "END_STATES",
    "GEFOERDERT_STATES",
    "RESERVING_STATES",
    "ZERO",
    "Abschlag",
    "Bankverbindung",
    "Buchung",
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
    "anhang_upload_to",
    "beleg_upload_to",
    "dokument_upload_to",
    "projektfoto_upload_to",
]
