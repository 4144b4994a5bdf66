"""Rules of the money: ``vereinbarung``, ``abrechnung``."""
