"""All money of an approved Antrag: ``vereinbarung`` (agreement, bank details, repayment) and
``abrechnung`` (project start, receipts, advance, payout, fund report), in each layer; ``urls`` holds
their pages for applicant and QM.
"""
