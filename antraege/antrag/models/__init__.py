"""Models of the Antrag: ``antrag`` (Antrag, Kostenposition, Statuswechsel), ``anhang``."""
