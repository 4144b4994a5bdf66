"""Pages of the Antrag: ``resident`` (form and "Mein Antrag"), ``qm`` (dashboard, detail, moves)."""
