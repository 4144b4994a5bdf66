"""The fund ledger: every money event is a ``Buchung`` of its fund, with running totals on the
fund row (``Aktionsfonds.summe_*``) updated in the same transaction as the booking."""
