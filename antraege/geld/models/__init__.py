"""Models of the money: ``vereinbarung`` (Vereinbarung, Bankverbindung, Rueckforderung),
``abrechnung`` (Beleg, Sachbericht, Projektfoto, Abschlag, Auszahlung), ``abschlag_wartend``
(an advance waiting for the bank details), ``anordnung`` (Auszahlungsanordnung, SepaDatei).
"""
