"""The Antrag lifecycle: one viewflow state machine (``flow.py``) and one way in (``moves.py``)."""
