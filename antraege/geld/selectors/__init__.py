"""Reads of the money: ``vereinbarung``, ``abrechnung``, ``mein_geld`` (the applicant's view)."""
