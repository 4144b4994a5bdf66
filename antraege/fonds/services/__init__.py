"""Rules of the fund: ``jahresabschluss``, ``handlungsfelder``, ``kosten``."""
