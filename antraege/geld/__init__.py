"""All money of an approved Antrag: ``vereinbarung`` (agreement, bank details, repayment) and
``abrechnung`` (project start, receipts, advance, payout, fund report), in each layer; the fund's
ledger (``buchungen``); ``urls`` holds the money pages for applicant and QM.
"""
