"""Forms of the money pages: ``vereinbarung``, ``abrechnung``."""
