"""All money of an approved Antrag and the fund's ledger (``buchungen``)."""
