"""Models of the money: ``vereinbarung`` (Vereinbarung, Bankverbindung, Rueckforderung),
``abrechnung`` (Beleg, Sachbericht, Projektfoto, Abschlag, Auszahlung).
"""
