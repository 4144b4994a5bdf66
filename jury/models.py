"""The models of the jury, by subdomain (Django finds them here): the online vote, the meetings,
the members and their accounts' settings. ``jury.models.X`` keeps working for every model."""

from .abstimmungen.models import (
    Abstimmung,
    AbstimmungStatus,
    Ergebnis,
    Gleichstand,
    JuryRegeln,
    Stimmberechtigung,
    Stimme,
    StimmWert,
    protokoll_upload_to,
)
from .mitglieder.models import Jurymitglied, Kontoeinstellung, jury_in_term, jurymitglieder_in_term
from .sitzungen.models import (
    Absage,
    Beschluss,
    Einzelstimme,
    Sitzung,
    SitzungStatus,
    Sitzungsunterlagen,
    Tagesordnungspunkt,
    Teilnahme,
    sitzung_upload_to,
    unterlagen_upload_to,
)

__all__ = [
    "Absage",
    "Abstimmung",
    "AbstimmungStatus",
    "Beschluss",
    "Einzelstimme",
    "Ergebnis",
    "Gleichstand",
    "JuryRegeln",
    "Jurymitglied",
    "Kontoeinstellung",
    "Sitzung",
    "SitzungStatus",
    "Sitzungsunterlagen",
    "StimmWert",
    "Stimmberechtigung",
    "Stimme",
    "Tagesordnungspunkt",
    "Teilnahme",
    "jury_in_term",
    "jurymitglieder_in_term",
    "protokoll_upload_to",
    "sitzung_upload_to",
    "unterlagen_upload_to",
]
