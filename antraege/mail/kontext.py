"""An e-mail's context as its outbox row keeps it (JSON), with its dates still dates.

The domain queues dates and times as objects (``{"frist": antrag.abrechnungsfrist}``); the row
stores them as tagged ISO strings (``{"$datum": "2026-03-01"}``) and ``messages`` turns them back
into objects before rendering, so the template formats each one in the reader's language
(``{{ kontext.frist|date:"DATE_FORMAT" }}``). No text a person typed becomes a date: only a
one-key object with the tag does, and the domain never queues one.
"""

import datetime

DATUM = "$datum"
ZEITPUNKT = "$zeitpunkt"


def kontext_dump(wert):
    """``wert`` (a context, or a value in it) with every date and datetime tagged for JSON."""
    if isinstance(wert, datetime.datetime):
        return {ZEITPUNKT: wert.isoformat()}
    if isinstance(wert, datetime.date):
        return {DATUM: wert.isoformat()}
    if isinstance(wert, dict):
        return {key: kontext_dump(value) for key, value in wert.items()}
    if isinstance(wert, list | tuple):
        return [kontext_dump(value) for value in wert]
    return wert


def kontext_load(wert):
    """The stored context with its dates and datetimes (time zone kept) as objects again."""
    if isinstance(wert, dict):
        if len(wert) == 1 and DATUM in wert:
            return datetime.date.fromisoformat(wert[DATUM])
        if len(wert) == 1 and ZEITPUNKT in wert:
            return datetime.datetime.fromisoformat(wert[ZEITPUNKT])
        return {key: kontext_load(value) for key, value in wert.items()}
    if isinstance(wert, list):
        return [kontext_load(value) for value in wert]
    return wert
